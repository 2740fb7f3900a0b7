/**
 * @file solver.h
 * Time integration of the macroscopic system d rho_i/dt = -div(rho_i v_i) by the finite-volume
 * scheme of doc/theory/scheme.md, with CVODE (BDF or Adams, matrix-free Newton-Krylov) or the
 * explicit SSP-RK3 reference method; and a whole run (outputs, diagnostics, file) in one call.
 */
#ifndef FRACAGG_SOLVER_H
#define FRACAGG_SOLVER_H

#include "model.h"
#include "spectral.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { FA_METHOD_BDF = 0, FA_METHOD_ADAMS, FA_METHOD_SSPRK3 } fa_method_t;
/** Finite-volume fluxes: first-order upwind, MUSCL (limited slopes, upwind; positivity
 *  preserving), or central (fourth-order face interpolation, central flux, no limiter: smooth
 *  solutions only, not positivity preserving; for measuring high-order Sobolev norms). */
typedef enum { FA_SCHEME_UPWIND = 0, FA_SCHEME_MUSCL, FA_SCHEME_CENTRAL } fa_scheme_t;
typedef enum { FA_PRECOND_NONE = 0, FA_PRECOND_FFT } fa_precond_t;
/** CVODE's state vector: fracagg's implementation, or SUNDIALS' NVECTOR_SERIAL/PARALLEL. */
typedef enum { FA_NVECTOR_FRACAGG = 0, FA_NVECTOR_SUNDIALS } fa_nvector_kind_t;

/** fft_planning = auto measures plans from this many cells up: there FFTW_ESTIMATE's plans
 *  cost 10 % (512^2) to 400 % (256^3) more per transform than measured ones, and planning
 *  (0.3 s at 512^2) is small against a run; below, planning would dominate short runs. */
#define FA_FFT_MEASURE_CELLS (1L << 18)

/** Solver choices ([solver] section). Plain data. */
typedef struct {
    fa_method_t method;
    fa_scheme_t scheme;
    int limiter;            /**< index into the limiter table (fa_limiter_name) */
    double rtol, atol;      /**< CVODE tolerances */
    fa_precond_t preconditioner;
    int prec_levels;        /**< FFT preconditioner: density levels interpolated (1 = rho_max only) */
    fa_nvector_kind_t nvector; /**< BDF/Adams state vector implementation */
    int threads;
    long max_steps;         /**< most time steps in a run (>= 1): more stops it as failed */
    double cfl;             /**< SSP-RK3: fraction of the positivity/stability step bound */
    int fft_measure;        /**< FFTW_MEASURE planning ([solver] fft_planning; auto: grids of
                                 FA_FFT_MEASURE_CELLS cells or more) */
    int nonnegative;        /**< CVODE: enforce rho >= 0 by inequality constraints (mass then
                                 drifts at the tolerance level instead of rounding) */
    const char *wisdom;     /**< FFTW wisdom file or NULL */
    double collapse_width;  /**< stop when a species' participation number (sum rho)^2 / sum rho^2
                                 falls below collapse_width^d cells (0: never) */
} fa_solver_options_t;

/** Cumulative counters of a solver. */
typedef struct {
    long steps;         /**< accepted time steps */
    long rhs_evals;     /**< right-hand-side evaluations (incl. difference quotients) */
    long newton_iters;  /**< nonlinear (Newton) iterations */
    long krylov_iters;  /**< linear (Krylov) iterations */
    long newton_fails;  /**< nonlinear convergence failures */
    long error_fails;   /**< local error test failures */
    long prec_setups;   /**< preconditioner set-ups */
    long prec_solves;   /**< preconditioner solves */
    double last_step;   /**< last step size */
} fa_solver_stats_t;

typedef struct fa_solver fa_solver_t;

/** Limiters by name: "minmod", "vanalbada", ... ; index or -1. */
int fa_limiter_lookup(const char *name);
const char *fa_limiter_name(int index); /**< NULL past the end of the table */

/** Set up FFT plans, multipliers, work space and the integrator, and load the model's
 *  initial data. */
int fa_solver_create(const fa_model_t *m, fa_solver_t **out);
void fa_solver_free(fa_solver_t *s);

/** Integrate to time tout (>= current time). On failure the message says when and why:
 *  FA_ESOLVER (CVODE failed, max_steps reached: the state is the last completed step),
 *  FA_ENUMERIC (a step produced a non-finite value or a density negative beyond the method's
 *  tolerance, or a density collapsed below the grid's resolution: the state and time are that
 *  step's, for a post-mortem), FA_EDOMAIN (a free grid: a density reached the box's edge).
 *  FA_EINTERRUPT if fa_solver_interrupt() or fa_request_stop() was called (the state is the
 *  last completed step). */
int fa_solver_advance(fa_solver_t *s, double tout);

/** Ask a running fa_solver_advance() to stop after the current step (async-signal safe). */
void fa_solver_interrupt(fa_solver_t *s);


double fa_solver_time(const fa_solver_t *s);
/** Density of species i on the local slab (read/write; call fa_solver_reset after writing). */
double *fa_solver_density(fa_solver_t *s, int i);
/** Restart the integrator from the current densities at time t. */
int fa_solver_reset(fa_solver_t *s, double t);
void fa_solver_get_stats(const fa_solver_t *s, fa_solver_stats_t *st);
const fa_solver_options_t *fa_solver_options(const fa_solver_t *s);

/** One evaluation of the semi-discrete right-hand side f(y) for a full state vector
 *  (species after species, local slabs): for tests and benchmarks. */
int fa_solver_rhs(fa_solver_t *s, const double *y, double *ydot);

/** The solver's FFT machinery (for diagnostics of its state). */
fa_spectral_t *fa_solver_spectral(fa_solver_t *s);

/** Progress report: called after every accepted step (t, steps so far). */
typedef void (*fa_progress_fn)(double t, double t_end, long steps, void *user);
void fa_solver_set_progress(fa_solver_t *s, fa_progress_fn fn, void *user);

#ifdef __cplusplus
}
#endif
#endif
