/**
 * @file parallel.h
 * Distributed runs with MPI. A program calls fa_parallel_init() first: under an MPI launcher
 * (mpirun) it initialises MPI and FFTW-MPI, and grids created afterwards are split in slabs
 * along their slowest axis (FFTW-MPI's layout) over MPI_COMM_WORLD; otherwise (or in a build
 * without MPI) nothing happens and everything runs serially. Set FRACAGG_MPI=1 to initialise
 * MPI in a process started without a launcher.
 */
#ifndef FRACAGG_PARALLEL_H
#define FRACAGG_PARALLEL_H

#ifdef __cplusplus
extern "C" {
#endif

/** A communicator the library computes on (opaque; see comm_mpi.h to make one from an
 *  MPI_Comm). NULL wherever one is taken means this process alone. */
typedef struct fa_comm fa_comm_t;

int fa_parallel_init(int *argc, char ***argv);
int fa_parallel_finalize(void);
int fa_parallel_rank(void); /**< 0 in a serial run */
int fa_parallel_size(void); /**< 1 in a serial run */

#ifdef __cplusplus
}
#endif
#endif
