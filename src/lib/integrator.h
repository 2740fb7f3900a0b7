/* Time integration of dy/dt = f(t, y) for the library's solvers (internal): CVODE BDF with a
 * matrix-free Newton-Krylov solve (SPGMR, right preconditioning), CVODE Adams with fixed-point
 * iteration, or explicit SSP-RK3 with a client-supplied step bound. The client provides the
 * right-hand side, optionally a preconditioner, a step bound and a state check. */
#ifndef FA_INTEGRATOR_H
#define FA_INTEGRATOR_H

#include <signal.h>

#include "comm.h"

typedef struct {
    /* ydot = f(t, y). `stage` is 0 for the first stage of an SSP-RK3 step (the client may
     * record what its step bound needs), -1 otherwise. */
    int (*rhs)(void *user, double t, const double *y, double *ydot, int stage);
    /* Preconditioner of M = I - gamma J (BDF): set-up at y, then z = P^-1 r. May be NULL. */
    int (*psetup)(void *user, double t, const double *y, double gamma);
    int (*psolve)(void *user, double t, const double *r, double *z, double gamma);
    /* SSP-RK3: the largest stable/positive step at y, right after rhs(y, stage 0). */
    double (*step_bound)(void *user, double t, const double *y);
    /* After every accepted step, once the state passed the integrator's own check: may stop
     * the integration with an error of its own (e.g. FA_EDOMAIN). May be NULL. */
    int (*monitor)(void *user, double t, const double *y);
    void *user;
    /* For the state check after every step (finite everywhere, the densities not negative
     * beyond what the method allows) and its messages: the local cells of one species (the
     * densities are species blocks of that length), and what the densities and the rest of
     * the state are called ("density"; "kinetic density", "kinetic momentum"). */
    long species_len;
    const char *density_name, *rest_name;
} fa_integrator_ops_t;

typedef struct fa_integrator fa_integrator_t;

/* A state of `len` doubles starting as y0 at t0 (copied). The first `nonneg_len` entries are
 * densities: with opt->nonnegative CVODE keeps them >= 0 by its inequality constraints.
 * comm: the ranks the state is distributed over (reductions), NULL for a state held whole. */
int fa_integrator_create(long len, long nonneg_len, double t0, const double *y0,
                         const fa_solver_options_t *opt, const fa_integrator_ops_t *ops, const fa_comm_t *comm,
                         fa_integrator_t **out);
void fa_integrator_free(fa_integrator_t *it);

/* How far below zero a density may lie in an acceptable state whose largest density is
 * `max`: rounding for SSP-RK3, the tolerances for CVODE (which projects small constraint
 * violations; a BDF state may hold -1e-12). The state check after every step and the check
 * of restart data (initial.c) use this one definition. */
double fa_integrator_negative_slack(const fa_solver_options_t *opt, double max);

/* Integrate to tout (see fa_solver_advance for the return codes). */
int fa_integrator_advance(fa_integrator_t *it, double tout);
/* Restart from the current state at time t (after the caller changed it). */
int fa_integrator_reset(fa_integrator_t *it, double t);

double *fa_integrator_state(fa_integrator_t *it);
double fa_integrator_time(const fa_integrator_t *it);
void fa_integrator_stats(const fa_integrator_t *it, fa_solver_stats_t *st);
void fa_integrator_interrupt(fa_integrator_t *it);
void fa_integrator_progress(fa_integrator_t *it, fa_progress_fn fn, double t_end, void *user);

#endif
