/* The peak memory of a run, estimated before its large allocations, and the check of an
 * estimate against what this machine and this process may still use (memory.c).
 *
 * Each module counts what its own create function allocates, from the same sizes (so a new
 * array is counted where it is allocated): fa_fft_memory (transform.c), fa_spectral_memory,
 * fa_fv_memory, fa_sprec_memory, fa_integrator_memory, fa_solver_memory, fa_kinetic_memory.
 * Estimates are bytes on this process (a distributed run: its slab). They count the arrays
 * the library allocates, not FFTW's plans or the libraries' own state (tens of MB at most,
 * the baseline of the process). */
#ifndef FA_MEMORY_H
#define FA_MEMORY_H

#include "comm.h"
#include "fracagg/model.h"
#include "fracagg/run.h"
#include "fracagg/solver.h"

/* spectral.c: the module with its transform and multiplier tables; *setup: what a free grid's
 * kernel tables add while they are made (freed before the solver goes on). */
double fa_spectral_memory(const fa_grid_t *grid, int N, const fa_kernel_t *kernels, int threads, double *setup);
/* fv.c: the flux pass's work space. */
double fa_fv_memory(const fa_grid_t *grid, int threads);
/* precond.c: the spectral preconditioner. */
double fa_sprec_memory(const fa_grid_t *grid, int N);
/* integrator.c: the state and the time integrator's vectors of `len` values (CVODE's
 * history, error weights, Newton-Krylov work; SSP-RK3's stages). */
double fa_integrator_memory(long len, const fa_solver_options_t *opt);
/* solver.c: a macroscopic solver of the model (peak of its set-up and of its integration). */
double fa_solver_memory(const fa_model_t *m);
/* kinetic.c: the kinetic model of [kinetic] beside it, with the comparison's W1 work space. */
double fa_kinetic_memory(const fa_model_t *m);

/* Bytes this process may still allocate without swapping or hitting a limit: the least of
 * the kernel's MemAvailable, the control group's limit less its usage, and the address-space
 * and data limits (setrlimit) less the process's current size; shared among the ranks of a
 * distributed run on one node. HUGE_VAL where nothing can be read. */
double fa_memory_available(void);
/* FA_OK if `bytes` (this process's estimate) fits in what is available; else FA_ENOMEM
 * with a message giving the estimate, what is available and `what` needs it (e.g.
 * "a 2D run on 16384 x 16384 cells with BDF") and `advice` says what to change. Distributed: the ranks of each node together,
 * the same answer on every rank. */
int fa_memory_check(const fa_comm_t *comm, double bytes, const char *what, const char *advice);

/* fa_job_memory checked (fa_memory_check) with a message that describes the job. */
int fa_job_memory_check(const fa_model_t *m, fa_job_t job);

#endif
