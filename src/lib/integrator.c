/* Time integration for the library's solvers: CVODE (BDF with a matrix-free Newton-Krylov
 * solve, or Adams with fixed-point iteration) or explicit SSP-RK3. Everything about CVODE lives
 * here: the solvers only provide a right-hand side, a preconditioner, a step bound and a state
 * check (integrator.h). */
#include "integrator.h"

#include <float.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "memory.h"
#include "nvector.h"

struct fa_integrator {
    fa_integrator_ops_t ops;
    fa_solver_options_t opt;
    long len, nonneg_len;
    const fa_comm_t *comm;
    double *y; /* state (owned, FFTW-aligned; CVODE works on it in place) */
    double t;
    long nrhs;
    /* CVODE */
    SUNContext ctx;
    void *cv;
    N_Vector nv_y, nv_constraints;
    SUNLinearSolver ls;
    SUNNonlinearSolver nls;
    fa_solver_stats_t base; /* counters of CVODE instances before the last re-initialisation */
    char cv_msg[512];
    int failed;             /* a client callback failed: its message is the error */
    /* SSP-RK3 */
    double *stage, *f;
    long rk_steps;
    double rk_last;
    volatile sig_atomic_t interrupt;
    fa_progress_fn progress;
    void *progress_user;
    double t_end;
};

/* ---- callbacks for CVODE ----------------------------------------------------------- */

static int call_rhs(fa_integrator_t *it, double t, const double *y, double *ydot, int stage)
{
    it->nrhs++;
    int rc = it->ops.rhs(it->ops.user, t, y, ydot, stage);
    if (rc) it->failed = 1;
    return rc;
}

static int cv_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *user)
{
    /* a failing right-hand side is unrecoverable (negative return) */
    return call_rhs(user, t, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot), -1) ? -1 : 0;
}

static int cv_psetup(sunrealtype t, N_Vector y, N_Vector fy, sunbooleantype jok, sunbooleantype *jcur,
                     sunrealtype gamma, void *user)
{
    (void)fy, (void)jok;
    fa_integrator_t *it = user;
    *jcur = SUNTRUE;
    int rc = it->ops.psetup(it->ops.user, t, N_VGetArrayPointer(y), gamma);
    if (rc) it->failed = 1;
    return rc ? -1 : 0;
}

static int cv_psolve(sunrealtype t, N_Vector y, N_Vector fy, N_Vector r, N_Vector z, sunrealtype gamma,
                     sunrealtype delta, int lr, void *user)
{
    (void)y, (void)fy, (void)delta, (void)lr;
    fa_integrator_t *it = user;
    int rc = it->ops.psolve(it->ops.user, t, N_VGetArrayPointer(r), N_VGetArrayPointer(z), gamma);
    if (rc) it->failed = 1;
    return rc ? -1 : 0;
}

#if FA_SUNDIALS_MAJOR >= 7
static void cv_error_handler(int line, const char *func, const char *file, const char *msg, SUNErrCode code,
                             void *user, SUNContext ctx)
{
    (void)line, (void)file, (void)code, (void)ctx;
    fa_integrator_t *it = user;
    snprintf(it->cv_msg, sizeof it->cv_msg, "%s: %s", func, msg);
}
#else
static void cv_error_handler(int code, const char *module, const char *func, char *msg, void *user)
{
    (void)code, (void)module;
    fa_integrator_t *it = user;
    snprintf(it->cv_msg, sizeof it->cv_msg, "%s: %s", func, msg);
}
#endif

#define CV_CHECK(call)                                                                    \
    do {                                                                                  \
        int cv_rc_ = (call);                                                              \
        if (cv_rc_ < 0) return FA_ERROR(FA_ESOLVER, "%s failed (%d): %s", #call, cv_rc_, it->cv_msg); \
    } while (0)

/* CVODE's view of the state it->y (borrowed): fracagg's N_Vector, or SUNDIALS' own
 * NVECTOR_SERIAL / NVECTOR_PARALLEL ([solver] nvector; the same algorithms, for comparison and
 * for SUNDIALS builds that are optimised). Every other vector CVODE uses is a clone. */
static N_Vector state_vector(fa_integrator_t *it)
{
    if (it->opt.nvector != FA_NVECTOR_SUNDIALS)
        return fa_nvector_new(it->ctx, it->len, it->y, it->opt.threads, it->comm);
#ifdef FA_HAVE_MPI
    if (fa_comm_distributed(it->comm))
        return N_VMake_Parallel(fa_comm_mpi(it->comm), (sunindextype)it->len,
                                (sunindextype)fa_comm_sum(it->comm, (double)it->len), it->y, it->ctx);
#endif
    return N_VMake_Serial((sunindextype)it->len, it->y, it->ctx);
}

static int cvode_setup(fa_integrator_t *it)
{
    if (SUNContext_Create(FA_SUN_COMM_NULL, &it->ctx) != 0) return FA_ERROR(FA_ESOLVER, "SUNContext_Create failed");
#if FA_SUNDIALS_MAJOR >= 7
    SUNContext_ClearErrHandlers(it->ctx);
    SUNContext_PushErrHandler(it->ctx, cv_error_handler, it);
#endif
    it->nv_y = state_vector(it);
    if (!it->nv_y) return FA_ERROR(FA_ENOMEM, "cannot create CVODE vectors");
    int bdf = it->opt.method == FA_METHOD_BDF;
    it->cv = CVodeCreate(bdf ? CV_BDF : CV_ADAMS, it->ctx);
    if (!it->cv) return FA_ERROR(FA_ESOLVER, "CVodeCreate failed");
#if FA_SUNDIALS_MAJOR < 7
    CV_CHECK(CVodeSetErrHandlerFn(it->cv, cv_error_handler, it));
#endif
    CV_CHECK(CVodeInit(it->cv, cv_rhs, it->t, it->nv_y));
    CV_CHECK(CVodeSetUserData(it->cv, it));
    CV_CHECK(CVodeSStolerances(it->cv, it->opt.rtol, it->opt.atol));
    /* CVODE's inequality constraints keep densities >= 0 exactly but correct violations by
     * projection, which does not conserve mass (drift ~ 1e-11 over a run); without them mass
     * is conserved to rounding and rho >= -O(atol). The user chooses ([solver] nonnegative). */
    if (it->opt.nonnegative && it->nonneg_len > 0) {
        it->nv_constraints = N_VClone(it->nv_y);
        if (!it->nv_constraints) return FA_ERROR(FA_ENOMEM, "cannot create CVODE vectors");
        double *c = N_VGetArrayPointer(it->nv_constraints);
        for (long k = 0; k < it->len; k++) c[k] = k < it->nonneg_len ? 1.0 : 0.0;
        CV_CHECK(CVodeSetConstraints(it->cv, it->nv_constraints));
    }
    CV_CHECK(CVodeSetMaxNumSteps(it->cv, -1)); /* our own limit, across calls */
    if (bdf) {
        int pre = it->ops.psetup && it->ops.psolve && it->opt.preconditioner == FA_PRECOND_FFT;
        /* right preconditioning: the Krylov solver's convergence test is on the true residual,
         * which keeps CVODE's error estimates clean with an approximate P (left preconditioning
         * with the blended-level preconditioner caused local error test failures) */
        it->ls = SUNLinSol_SPGMR(it->nv_y, pre ? SUN_PREC_RIGHT : SUN_PREC_NONE, 0, it->ctx);
        if (!it->ls) return FA_ERROR(FA_ESOLVER, "SUNLinSol_SPGMR failed");
        CV_CHECK(CVodeSetLinearSolver(it->cv, it->ls, NULL));
        if (pre) CV_CHECK(CVodeSetPreconditioner(it->cv, cv_psetup, cv_psolve));
    } else {
        it->nls = SUNNonlinSol_FixedPoint(it->nv_y, 0, it->ctx);
        if (!it->nls) return FA_ERROR(FA_ESOLVER, "SUNNonlinSol_FixedPoint failed");
        CV_CHECK(CVodeSetNonlinearSolver(it->cv, it->nls));
    }
    return FA_OK;
}

static void cvode_stats(const fa_integrator_t *it, fa_solver_stats_t *st)
{
    long v;
    memset(st, 0, sizeof *st);
    if (!it->cv) return;
    if (CVodeGetNumSteps(it->cv, &v) == 0) st->steps = v;
    if (CVodeGetNumNonlinSolvIters(it->cv, &v) == 0) st->newton_iters = v;
    if (CVodeGetNumNonlinSolvConvFails(it->cv, &v) == 0) st->newton_fails = v;
    if (CVodeGetNumErrTestFails(it->cv, &v) == 0) st->error_fails = v;
    if (it->ls) {
        if (CVodeGetNumLinIters(it->cv, &v) == 0) st->krylov_iters = v;
        if (CVodeGetNumPrecEvals(it->cv, &v) == 0) st->prec_setups = v;
        if (CVodeGetNumPrecSolves(it->cv, &v) == 0) st->prec_solves = v;
    }
    sunrealtype h;
    if (CVodeGetLastStep(it->cv, &h) == 0) st->last_step = h;
}

/* ---- creation ---------------------------------------------------------------------- */

/* State-length vectors CVODE (SUNDIALS 6/7) allocates beside our state (counted in its
 * sources and checked with valgrind's massif to the vector): the Nordsieck history, max order
 * + 1 vectors (BDF 5, Adams 12); error weights, correction and five work vectors; the Newton
 * solver CVodeInit attaches (1); then BDF's linear-solver interface (2) and SPGMR (2, and
 * maxl + 1 = 6 Krylov basis vectors at its default maxl = 5), or Adams' fixed-point solver
 * (3); constraints: ours and CVODE's copy. */
enum { CV_BDF_HISTORY = 6, CV_ADAMS_HISTORY = 13, CV_WORK = 7, CV_NEWTON = 1, CV_SPGMR = 2 + 2 + 6, CV_FIXED_POINT = 3,
       CV_CONSTRAINTS = 2, SSPRK3_VECTORS = 3 };

double fa_integrator_memory(long len, const fa_solver_options_t *opt)
{
    int v;
    if (opt->method == FA_METHOD_SSPRK3) v = SSPRK3_VECTORS;
    else {
        int bdf = opt->method == FA_METHOD_BDF;
        v = 1 + (bdf ? CV_BDF_HISTORY + CV_SPGMR : CV_ADAMS_HISTORY + CV_FIXED_POINT) + CV_WORK + CV_NEWTON +
            (opt->nonnegative ? CV_CONSTRAINTS : 0);
    }
    return (double)v * (double)(len > 0 ? len : 1) * sizeof(double);
}

int fa_integrator_create(long len, long nonneg_len, double t0, const double *y0, const fa_solver_options_t *opt,
                         const fa_integrator_ops_t *ops, const fa_comm_t *comm, fa_integrator_t **out)
{
    *out = NULL;
    fa_integrator_t *it = fa_calloc(1, sizeof *it);
    if (!it) return FA_ENOMEM;
    it->ops = *ops;
    it->opt = *opt;
    it->len = len;
    it->nonneg_len = nonneg_len;
    it->comm = comm;
    it->t = t0;
    it->t_end = t0;
    int rc = FA_OK;
    if (!(it->y = fftw_malloc((size_t)len * sizeof(double)))) rc = FA_ERROR(FA_ENOMEM, "out of memory for the state");
    if (!rc) {
        memcpy(it->y, y0, (size_t)len * sizeof(double));
        if (opt->method == FA_METHOD_SSPRK3) {
            if (!ops->step_bound) rc = FA_ERROR(FA_EUNSUPPORTED, "SSP-RK3 needs a step bound for this model");
            it->stage = fftw_malloc((size_t)len * sizeof(double));
            it->f = fftw_malloc((size_t)len * sizeof(double));
            if (!rc && (!it->stage || !it->f)) rc = FA_ERROR(FA_ENOMEM, "out of memory for SSP-RK3 stages");
        } else {
            rc = cvode_setup(it);
        }
    }
    if (rc) {
        fa_integrator_free(it);
        return rc;
    }
    *out = it;
    return FA_OK;
}

void fa_integrator_free(fa_integrator_t *it)
{
    if (!it) return;
    if (it->cv) CVodeFree(&it->cv);
    if (it->ls) SUNLinSolFree(it->ls);
    if (it->nls) SUNNonlinSolFree(it->nls);
    if (it->nv_y) N_VDestroy(it->nv_y);
    if (it->nv_constraints) N_VDestroy(it->nv_constraints);
    if (it->ctx) SUNContext_Free(&it->ctx);
    fftw_free(it->y);
    fftw_free(it->stage);
    fftw_free(it->f);
    free(it);
}

/* ---- stepping ---------------------------------------------------------------------- */

/* over the ranks of a distributed state; identities otherwise */
static double reduce_min(const fa_integrator_t *it, double x) { return fa_comm_min(it->comm, x); }
static double reduce_max(const fa_integrator_t *it, double x) { return fa_comm_max(it->comm, x); }

/* Collective: a signal may reach the ranks at different steps, but all must stop at the same one. */
static int stop_requested(const fa_integrator_t *it)
{
    return reduce_max(it, it->interrupt || fa_stop_requested() ? 1.0 : 0.0) > 0;
}

double fa_integrator_negative_slack(const fa_solver_options_t *opt, double max)
{
    return opt->method == FA_METHOD_SSPRK3 ? 1e3 * DBL_EPSILON * max : 10 * (opt->atol + opt->rtol * max);
}

/* Is the state acceptable? Finite everywhere, and the densities (the first nonneg_len
 * entries) not below -slack: rounding for SSP-RK3, the tolerances for CVODE (which projects
 * small constraint violations), whatever the scheme.
 * One vectorised pass (v - v is 0 unless v is NaN or infinite, and then poisons the sum);
 * only a failing state is searched for its first bad entry. Every rank takes the same
 * decision. */
static int check(fa_integrator_t *it)
{
    const double *y = it->y;
    long len = it->len, nd = it->nonneg_len, bad = -1;
    double mn = 0, mx = 0, probe = 0, t = it->t;
#pragma omp simd reduction(min : mn) reduction(max : mx) reduction(+ : probe)
    for (long c = 0; c < nd; c++) {
        double v = y[c];
        mn = fa_min2(mn, v);
        mx = fa_max2(mx, v);
        probe += v - v;
    }
#pragma omp simd reduction(+ : probe)
    for (long c = nd; c < len; c++) probe += y[c] - y[c];
    if (!(probe == 0))
        for (long c = 0; c < len && bad < 0; c++)
            if (!isfinite(y[c])) bad = c;
    double nonfinite = reduce_max(it, bad >= 0 ? 1.0 : 0.0);
    mn = reduce_min(it, mn);
    mx = reduce_max(it, mx);
    const char *dens = it->ops.density_name ? it->ops.density_name : "density";
    long block = it->ops.species_len > 0 ? it->ops.species_len : nd;
    if (nonfinite > 0) {
        if (bad < 0) return FA_ERROR(FA_ENUMERIC, "a %s became non-finite at t = %.9g (on another process)", dens, t);
        if (bad < nd)
            return FA_ERROR(FA_ENUMERIC, "the %s of species %ld became %g at t = %.9g (cell %ld)", dens,
                            bad / block + 1, y[bad], t, bad % block);
        return FA_ERROR(FA_ENUMERIC, "the %s became %g at t = %.9g", it->ops.rest_name ? it->ops.rest_name : "state",
                        y[bad], t);
    }
    /* The central scheme does not preserve positivity, but a negative density is never a
     * solution of the problem: it stops the run like any other scheme's (a smooth solution
     * bounded away from vacuum, the central scheme's use, never dips). */
    double slack = fa_integrator_negative_slack(&it->opt, mx);
    if (mn < -slack)
        return FA_ERROR(FA_ENUMERIC, "the %s became negative (%g, beyond the tolerance %g) at t = %.9g", dens, mn,
                        slack, t);
    return it->ops.monitor ? it->ops.monitor(it->ops.user, t, y) : FA_OK;
}

static void report(fa_integrator_t *it, long steps)
{
    if (it->progress) it->progress(it->t, it->t_end, steps, it->progress_user);
}

static int rk_advance(fa_integrator_t *it, double tout)
{
    long len = it->len;
    double *y = it->y, *y1 = it->stage, *f = it->f;
    while (it->t < tout) {
        if (stop_requested(it)) return FA_ERROR(FA_EINTERRUPT, "interrupted at t = %.9g", it->t);
        if (it->rk_steps >= it->opt.max_steps)
            return FA_ERROR(FA_ESOLVER, "more than max_steps = %ld steps by t = %.9g", it->opt.max_steps, it->t);
        FA_TRY(call_rhs(it, it->t, y, f, 0));
        double dt = it->ops.step_bound(it->ops.user, it->t, y) * it->opt.cfl;
        if (!(dt > 0)) return FA_ERROR(FA_ESOLVER, "SSP-RK3 step bound %g at t = %.9g", dt, it->t);
        int last = it->t + dt >= tout - 1e-12 * fmax(1.0, fabs(tout));
        if (last) dt = tout - it->t;
        for (long c = 0; c < len; c++) y1[c] = y[c] + dt * f[c];
        FA_TRY(call_rhs(it, it->t + dt, y1, f, -1));
        for (long c = 0; c < len; c++) y1[c] = 0.75 * y[c] + 0.25 * (y1[c] + dt * f[c]);
        FA_TRY(call_rhs(it, it->t + 0.5 * dt, y1, f, -1));
        for (long c = 0; c < len; c++) y[c] = (1.0 / 3.0) * y[c] + (2.0 / 3.0) * (y1[c] + dt * f[c]);
        it->t = last ? tout : it->t + dt;
        it->rk_steps++;
        it->rk_last = dt;
        FA_TRY(check(it));
        report(it, it->rk_steps);
    }
    return FA_OK;
}

/* An interval CVODE cannot resolve (its step arithmetic under- or overflows below about
 * 1e-12 of the time scale): one forward Euler step, error O(dt^2), then restart CVODE. */
static int tiny_step(fa_integrator_t *it, double tout)
{
    double *f = fa_malloc((size_t)it->len * sizeof(double));
    if (!f) return FA_ENOMEM;
    int rc = call_rhs(it, it->t, it->y, f, -1);
    double dt = tout - it->t;
    for (long c = 0; !rc && c < it->len; c++) it->y[c] += dt * f[c];
    free(f);
    FA_TRY(rc);
    FA_TRY(fa_integrator_reset(it, tout));
    return check(it);
}

static int cv_advance(fa_integrator_t *it, double tout)
{
    if (tout <= it->t) return FA_OK;
    if (tout - it->t < 1e-12 * fmax(1.0, fabs(it->t))) return tiny_step(it, tout);
    CV_CHECK(CVodeSetStopTime(it->cv, tout));
    while (it->t < tout) {
        if (stop_requested(it)) return FA_ERROR(FA_EINTERRUPT, "interrupted at t = %.9g", it->t);
        fa_solver_stats_t st;
        cvode_stats(it, &st);
        if (it->base.steps + st.steps >= it->opt.max_steps)
            return FA_ERROR(FA_ESOLVER, "more than max_steps = %ld steps by t = %.9g", it->opt.max_steps, it->t);
        sunrealtype t;
        it->cv_msg[0] = '\0';
        int flag = CVode(it->cv, tout, it->nv_y, &t, CV_ONE_STEP);
        if (flag < 0) {
            if (it->failed) return fa_last_error_code() ? fa_last_error_code() : FA_ESOLVER;
            sunrealtype tcur = it->t;
            CVodeGetCurrentTime(it->cv, &tcur);
            /* y holds the last successful step */
            return FA_ERROR(FA_ESOLVER, "CVODE failed at t = %.9g (%s): %s", (double)tcur,
                            CVodeGetReturnFlagName(flag), it->cv_msg[0] ? it->cv_msg : "no message");
        }
        it->t = flag == CV_TSTOP_RETURN ? tout : t;
        FA_TRY(check(it));
        report(it, it->base.steps + st.steps + 1);
    }
    return FA_OK;
}

int fa_integrator_advance(fa_integrator_t *it, double tout)
{
    if (tout < it->t) return FA_ERROR(FA_EINVAL, "cannot integrate backwards from t = %g to %g", it->t, tout);
    it->failed = 0;
    return it->opt.method == FA_METHOD_SSPRK3 ? rk_advance(it, tout) : cv_advance(it, tout);
}

void fa_integrator_stats(const fa_integrator_t *it, fa_solver_stats_t *st)
{
    if (it->opt.method == FA_METHOD_SSPRK3) {
        memset(st, 0, sizeof *st);
        st->steps = it->rk_steps;
        st->last_step = it->rk_last;
    } else {
        cvode_stats(it, st);
        st->steps += it->base.steps;
        st->newton_iters += it->base.newton_iters;
        st->krylov_iters += it->base.krylov_iters;
        st->newton_fails += it->base.newton_fails;
        st->error_fails += it->base.error_fails;
        st->prec_setups += it->base.prec_setups;
        st->prec_solves += it->base.prec_solves;
    }
    st->rhs_evals = it->nrhs;
}

int fa_integrator_reset(fa_integrator_t *it, double t)
{
    it->t = t;
    if (!it->cv) return FA_OK;
    fa_solver_stats_t st;
    fa_integrator_stats(it, &st);
    it->base = st;
    it->base.rhs_evals = 0;
    CV_CHECK(CVodeReInit(it->cv, t, it->nv_y));
    return FA_OK;
}

double *fa_integrator_state(fa_integrator_t *it) { return it->y; }
double fa_integrator_time(const fa_integrator_t *it) { return it->t; }
void fa_integrator_interrupt(fa_integrator_t *it) { it->interrupt = 1; }

void fa_integrator_progress(fa_integrator_t *it, fa_progress_fn fn, double t_end, void *user)
{
    it->progress = fn;
    it->progress_user = user;
    it->t_end = t_end;
}
