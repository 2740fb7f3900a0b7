/**
 * @file comm_mpi.h
 * Communicators from MPI (a build with MPI only: fa_have_mpi() == 1). Include after mpi.h is
 * on the include path (mpicc, or pkg-config ompi-c).
 *
 * @code
 *   MPI_Init(&argc, &argv);
 *   fa_comm_t *comm;
 *   if (fa_comm_create(MPI_COMM_WORLD, &comm)) ...;
 *   fa_model_create(cfg, comm, &model);   // grids split over the ranks of comm
 *   ...
 *   fa_model_free(model);
 *   fa_comm_free(comm);
 *   MPI_Finalize();
 * @endcode
 */
#ifndef FRACAGG_COMM_MPI_H
#define FRACAGG_COMM_MPI_H

#include <mpi.h>

#include "parallel.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A handle on comm (duplicated with MPI_Comm_dup, so the library's messages never mix with
 *  the caller's). MPI must be initialised; FFTW's MPI transforms are initialised on first use.
 *  FA_EUNSUPPORTED in a build without MPI, FA_EMPI if MPI fails. Collective over comm. */
int fa_comm_create(MPI_Comm comm, fa_comm_t **out);

#ifdef __cplusplus
}
#endif
#endif
