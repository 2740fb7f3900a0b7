/**
 * @file parallel.h
 * Distributed runs. The library computes on a communicator it is given (as SUNDIALS' context
 * and PETSc's objects take one): a program that runs under MPI initialises MPI itself, wraps
 * its MPI_Comm with fa_comm_create() (fracagg/comm_mpi.h) and passes the handle to
 * fa_model_create(); grids made on a communicator of more than one rank are split in slabs
 * along their slowest axis (FFTW-MPI's layout). A NULL communicator, everywhere, means this
 * process alone, and a build without MPI only has that.
 */
#ifndef FRACAGG_PARALLEL_H
#define FRACAGG_PARALLEL_H

#ifdef __cplusplus
extern "C" {
#endif

/** A communicator the library computes on (opaque). */
typedef struct fa_comm fa_comm_t;

/** Rank of this process and number of ranks (0 and 1 for NULL). */
int fa_comm_rank(const fa_comm_t *c);
int fa_comm_size(const fa_comm_t *c);

/** Release a handle made by fa_comm_create (safe on NULL); the MPI_Comm it wrapped is the
 *  caller's and stays valid. */
void fa_comm_free(fa_comm_t *c);

/** 1 if the library was built with MPI (fa_comm_create exists), else 0. */
int fa_have_mpi(void);

#ifdef __cplusplus
}
#endif
#endif
