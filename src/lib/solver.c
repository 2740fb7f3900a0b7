/* Time integration: CVODE (BDF with matrix-free Newton-Krylov and the spectral
 * preconditioner, or Adams with fixed-point iteration) or explicit SSP-RK3 with a positivity
 * and stability step bound. */
#include "internal.h"

#include <float.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "fv.h"
#include "nvector.h"

struct fa_solver {
    const fa_model_t *model;
    const fa_grid_t *grid;
    int N;
    long nloc;              /* cells per species on this rank */
    fa_solver_options_t opt;
    fa_spectral_t *sp;
    fa_fv_t *fv;
    double *y;              /* state: species after species (owned, FFTW-aligned) */
    double t;
    double umax[3];         /* largest face speed per axis (when want_speed) */
    int want_speed;         /* record umax in the next RHS (SSP-RK3 step bound) */
    long nrhs;
    /* CVODE */
    SUNContext ctx;
    void *cv;
    N_Vector nv_y, nv_constraints;
    SUNLinearSolver ls;
    SUNNonlinearSolver nls;
    fa_solver_stats_t base; /* counters of integrators before the last re-initialisation */
    char cv_msg[512];
    /* spectral preconditioner: per species |k|_h^2 max(K^_ii(k), 0) (unnormalised) */
    double *prec_symbol;
    double *rho_ref;         /* per species: max rho at the last set-up */
    unsigned char *prec_level; /* per cell: lower interpolation level */
    double *prec_weight;     /* per cell: weight of that level */
    fftw_complex *prec_hat;  /* transform of the residual */
    /* SSP-RK3 */
    double *stage, *f;
    double *stiff;          /* per species: max_k |k|_h^2 sum_j |K^_ij(k)| */
    long rk_steps;
    double rk_last;
    volatile sig_atomic_t interrupt;
    volatile sig_atomic_t *watch; /* external stop flag, or NULL */
    fa_progress_fn progress;
    void *progress_user;
};

/* ---- right-hand side --------------------------------------------------------------- */

int fa_solver_rhs(fa_solver_t *s, const double *y, double *ydot)
{
    const double *rho[FA_MAX_SPECIES];
    for (int j = 0; j < s->N; j++) rho[j] = y + j * s->nloc;
    fa_spectral_forward_all(s->sp, rho);
    fa_spectral_apply_kernels(s->sp);
    double um[3] = {0, 0, 0};
    for (int i = 0; i < s->N; i++) {
        fa_spectral_inverse_species(s->sp, i, s->fv->phi);
        fa_fv_divergence(s->fv, rho[i], s->fv->phi, ydot + i * s->nloc);
        if (s->want_speed) {
            double umi[3];
            fa_fv_max_speed(s->fv, s->fv->phi, umi);
            for (int a = 0; a < 3; a++) um[a] = fmax(um[a], umi[a]);
        }
    }
    if (s->want_speed) memcpy(s->umax, um, sizeof um);
    s->nrhs++;
    return FA_OK;
}

static int cv_rhs(sunrealtype t, N_Vector y, N_Vector ydot, void *user)
{
    (void)t;
    fa_solver_rhs(user, N_VGetArrayPointer(y), N_VGetArrayPointer(ydot));
    return 0;
}

/* ---- preconditioner ---------------------------------------------------------------- */

/* The Newton matrix is M = I - gamma J; at high frequencies, where it is stiff, J acts near a
 * point x like the constant-coefficient operator -rho(x) |k|_h^2 K^_ii(k) (math.md section 2),
 * so M^-1 is close to the pseudo-differential operator with symbol 1/(1 + gamma rho(x) S(k)).
 * We apply it by interpolation between constant-coefficient solves: levels rho_l = rho_max q^l
 * (l < L), exact in Fourier space (one inverse FFT each), and the identity for rho = 0;
 * each cell blends the two levels around its own density, linearly in log rho (in rho below
 * the lowest level). One level is the plain constant-coefficient preconditioner with
 * rho_ref = max rho, which over-damps where rho is small (vacuum, compact supports). */
#define FA_PREC_RATIO 0.25 /* q */

static double kahan_sum(const double *f, long n)
{
    double sum = 0, comp = 0;
    for (long c = 0; c < n; c++) {
        double y = f[c] - comp, t = sum + y;
        comp = (t - sum) - y;
        sum = t;
    }
    return sum;
}

static int cv_psetup(sunrealtype t, N_Vector y, N_Vector fy, sunbooleantype jok,
                     sunbooleantype *jcur, sunrealtype gamma, void *user)
{
    (void)t, (void)fy, (void)jok, (void)gamma;
    fa_solver_t *s = user;
    const double *yy = N_VGetArrayPointer(y);
    int L = s->opt.prec_levels;
    double lq = log(FA_PREC_RATIO);
    for (int i = 0; i < s->N; i++) {
        const double *rho = yy + i * s->nloc;
        double mx = 0;
        for (long c = 0; c < s->nloc; c++) mx = fmax(mx, rho[c]);
        s->rho_ref[i] = mx;
        /* per cell: the lower of its two levels (L = the identity) and that level's weight */
        unsigned char *lev = s->prec_level + i * s->nloc;
        double *w = s->prec_weight + i * s->nloc;
        double low = mx * pow(FA_PREC_RATIO, L - 1);
        for (long c = 0; c < s->nloc; c++) {
            double r = rho[c];
            if (!(mx > 0) || r >= mx) {
                lev[c] = 0, w[c] = 1;
            } else if (r <= low) { /* between the lowest level and the identity */
                lev[c] = (unsigned char)(L - 1), w[c] = r > 0 ? r / low : 0;
            } else {
                double pos = log(r / mx) / lq; /* in (0, L-1) */
                int l = (int)pos;
                if (l > L - 2) l = L - 2;
                lev[c] = (unsigned char)l, w[c] = 1 - (pos - l);
            }
        }
    }
    *jcur = SUNTRUE;
    return 0;
}

static int cv_psolve(sunrealtype t, N_Vector y, N_Vector fy, N_Vector r, N_Vector z,
                     sunrealtype gamma, sunrealtype delta, int lr, void *user)
{
    (void)t, (void)y, (void)fy, (void)delta, (void)lr;
    fa_solver_t *s = user;
    fa_spectral_t *sp = s->sp;
    const double *rr = N_VGetArrayPointer(r);
    double *zz = N_VGetArrayPointer(z);
    double inv_n = 1.0 / (double)s->grid->ntotal;
    int L = s->opt.prec_levels;
    long n = s->nloc;
    for (int i = 0; i < s->N; i++) {
        const double *S = s->prec_symbol + i * sp->nk, *ri = rr + i * n;
        double *zi = zz + i * n, *tmp = s->fv->phi;
        if (!sp->mult[i * s->N + i] || !(gamma * s->rho_ref[i] > 0)) {
            memcpy(zi, ri, (size_t)n * sizeof(double));
            continue;
        }
        const unsigned char *lev = s->prec_level + i * n;
        const double *w = s->prec_weight + i * n;
        fa_spectral_forward(sp, ri, s->prec_hat);
        for (int l = 0; l < L; l++) {
            double g = gamma * s->rho_ref[i] * pow(FA_PREC_RATIO, l);
            fftw_complex *restrict wk = sp->work;
            const fftw_complex *restrict rh = s->prec_hat;
            for (long c = 0; c < sp->nk; c++) {
                double f = inv_n / (1 + g * S[c]);
                wk[c][0] = f * rh[c][0];
                wk[c][1] = f * rh[c][1];
            }
            fa_spectral_inverse_work(sp, L == 1 ? zi : tmp);
            if (L == 1) break;
            /* level l carries weight w where lev == l and 1 - w where lev == l - 1 */
            for (long c = 0; c < n; c++) {
                double wt = lev[c] == l ? w[c] : lev[c] + 1 == l ? 1 - w[c] : 0.0;
                zi[c] = (l == 0 ? 0.0 : zi[c]) + wt * tmp[c];
            }
        }
        if (L > 1) { /* the identity below the lowest level */
            for (long c = 0; c < n; c++)
                if (lev[c] == L - 1) zi[c] += (1 - w[c]) * ri[c];
            /* Blending levels in space does not keep sum(z) = sum(r), which every level and
             * the Jacobian do (mass). Restore it with a uniform shift, so that Krylov
             * corrections keep the mass exact (rank-one change of a fixed linear map). */
            double dm = fa_reduce_sum(kahan_sum(ri, n) - kahan_sum(zi, n)) / (double)s->grid->ntotal;
            for (long c = 0; c < n; c++) zi[c] += dm;
        }
    }
    return 0;
}

/* ---- CVODE set-up ------------------------------------------------------------------ */

#if FA_SUNDIALS_MAJOR >= 7
static void cv_error_handler(int line, const char *func, const char *file, const char *msg,
                             SUNErrCode code, void *user, SUNContext ctx)
{
    (void)line, (void)file, (void)code, (void)ctx;
    fa_solver_t *s = user;
    snprintf(s->cv_msg, sizeof s->cv_msg, "%s: %s", func, msg);
}
#else
static void cv_error_handler(int code, const char *module, const char *func, char *msg, void *user)
{
    (void)code, (void)module;
    fa_solver_t *s = user;
    snprintf(s->cv_msg, sizeof s->cv_msg, "%s: %s", func, msg);
}
#endif

#define CV_CHECK(call)                                                                    \
    do {                                                                                  \
        int cv_rc_ = (call);                                                              \
        if (cv_rc_ < 0)                                                                   \
            return FA_ERROR(FA_ESOLVER, "%s failed (%d): %s", #call, cv_rc_, s->cv_msg);   \
    } while (0)

static int cvode_setup(fa_solver_t *s)
{
    long len = (long)s->N * s->nloc;
    if (SUNContext_Create(FA_SUN_COMM_NULL, &s->ctx) != 0)
        return FA_ERROR(FA_ESOLVER, "SUNContext_Create failed");
#if FA_SUNDIALS_MAJOR >= 7
    SUNContext_ClearErrHandlers(s->ctx);
    SUNContext_PushErrHandler(s->ctx, cv_error_handler, s);
#endif
    s->nv_y = fa_nvector_new(s->ctx, len, s->y, s->opt.threads);
    s->nv_constraints = fa_nvector_new(s->ctx, len, NULL, s->opt.threads);
    if (!s->nv_y || !s->nv_constraints) return FA_ERROR(FA_ENOMEM, "cannot create CVODE vectors");
    N_VConst(1.0, s->nv_constraints); /* rho >= 0 */
    int bdf = s->opt.method == FA_METHOD_BDF;
    s->cv = CVodeCreate(bdf ? CV_BDF : CV_ADAMS, s->ctx);
    if (!s->cv) return FA_ERROR(FA_ESOLVER, "CVodeCreate failed");
#if FA_SUNDIALS_MAJOR < 7
    CV_CHECK(CVodeSetErrHandlerFn(s->cv, cv_error_handler, s));
#endif
    CV_CHECK(CVodeInit(s->cv, cv_rhs, s->t, s->nv_y));
    CV_CHECK(CVodeSetUserData(s->cv, s));
    CV_CHECK(CVodeSStolerances(s->cv, s->opt.rtol, s->opt.atol));
    /* CVODE's inequality constraints keep rho >= 0 exactly but correct violations by
     * projection, which does not conserve mass (drift ~ 1e-11 over a run); without them mass
     * is conserved to rounding and rho >= -O(atol). The user chooses ([solver] nonnegative). */
    if (s->opt.nonnegative) CV_CHECK(CVodeSetConstraints(s->cv, s->nv_constraints));
    CV_CHECK(CVodeSetMaxNumSteps(s->cv, -1)); /* our own limit, across calls */
    if (bdf) {
        int pre = s->opt.preconditioner == FA_PRECOND_FFT;
        s->ls = SUNLinSol_SPGMR(s->nv_y, pre ? SUN_PREC_RIGHT : SUN_PREC_NONE, 0, s->ctx);
        if (!s->ls) return FA_ERROR(FA_ESOLVER, "SUNLinSol_SPGMR failed");
        CV_CHECK(CVodeSetLinearSolver(s->cv, s->ls, NULL));
        if (pre) CV_CHECK(CVodeSetPreconditioner(s->cv, cv_psetup, cv_psolve));
    } else {
        s->nls = SUNNonlinSol_FixedPoint(s->nv_y, 0, s->ctx);
        if (!s->nls) return FA_ERROR(FA_ESOLVER, "SUNNonlinSol_FixedPoint failed");
        CV_CHECK(CVodeSetNonlinearSolver(s->cv, s->nls));
    }
    return FA_OK;
}

static void cvode_stats(const fa_solver_t *s, fa_solver_stats_t *st)
{
    long v;
    memset(st, 0, sizeof *st);
    if (!s->cv) return;
    if (CVodeGetNumSteps(s->cv, &v) == 0) st->steps = v;
    if (CVodeGetNumNonlinSolvIters(s->cv, &v) == 0) st->newton_iters = v;
    if (CVodeGetNumNonlinSolvConvFails(s->cv, &v) == 0) st->newton_fails = v;
    if (CVodeGetNumErrTestFails(s->cv, &v) == 0) st->error_fails = v;
    if (s->ls) {
        if (CVodeGetNumLinIters(s->cv, &v) == 0) st->krylov_iters = v;
        if (CVodeGetNumPrecEvals(s->cv, &v) == 0) st->prec_setups = v;
        if (CVodeGetNumPrecSolves(s->cv, &v) == 0) st->prec_solves = v;
    }
    sunrealtype h;
    if (CVodeGetLastStep(s->cv, &h) == 0) st->last_step = h;
}

/* ---- creation ---------------------------------------------------------------------- */

static int stiffness_tables(fa_solver_t *s)
{
    fa_spectral_t *sp = s->sp;
    int N = s->N;
    double scale = (double)s->grid->ntotal; /* multipliers carry 1/ntotal */
    s->prec_symbol = fa_malloc((size_t)N * sp->nk * sizeof(double));
    s->stiff = fa_calloc((size_t)N, sizeof(double));
    s->rho_ref = fa_calloc((size_t)N, sizeof(double));
    if (!s->prec_symbol || !s->stiff || !s->rho_ref) return FA_ENOMEM;
    if (s->opt.method == FA_METHOD_BDF && s->opt.preconditioner == FA_PRECOND_FFT) {
        s->prec_level = fa_malloc((size_t)N * s->nloc);
        s->prec_weight = fa_malloc((size_t)N * s->nloc * sizeof(double));
        s->prec_hat = fftw_malloc((size_t)sp->nk * sizeof(fftw_complex));
        if (!s->prec_level || !s->prec_weight || !s->prec_hat) return FA_ERROR(FA_ENOMEM, "out of memory for the preconditioner");
    }
    for (int i = 0; i < N; i++) {
        const double *m = sp->mult[i * N + i];
        double *S = s->prec_symbol + i * sp->nk;
        for (long c = 0; c < sp->nk; c++) {
            S[c] = m ? sp->kdisc2[c] * fmax(m[c] * scale, 0.0) : 0.0;
            double row = 0;
            for (int j = 0; j < N; j++)
                if (sp->mult[i * N + j]) row += fabs(sp->mult[i * N + j][c]) * scale;
            s->stiff[i] = fmax(s->stiff[i], sp->kdisc2[c] * row);
        }
    }
    return FA_OK;
}

int fa_solver_create(const fa_model_t *m, fa_solver_t **out)
{
    *out = NULL;
    fa_solver_t *s = fa_calloc(1, sizeof *s);
    if (!s) return FA_ENOMEM;
    s->model = m;
    s->grid = m->grid;
    s->N = m->nspecies;
    s->nloc = m->grid->nlocal;
    s->opt = m->solver;
    s->t = m->t_start;
    fa_fft_options_t fo = {.threads = s->opt.threads, .measure = s->opt.fft_measure, .wisdom = s->opt.wisdom};
    int rc = fa_spectral_create(m->grid, s->N, m->kernels, &fo, &s->sp);
    if (!rc) rc = fa_fv_create(m->grid, s->N, s->opt.scheme, s->opt.limiter, s->opt.threads, &s->fv);
    if (!rc && !(s->y = fftw_malloc((size_t)s->N * s->nloc * sizeof(double))))
        rc = FA_ERROR(FA_ENOMEM, "out of memory for the state");
    for (int i = 0; !rc && i < s->N; i++) rc = fa_model_initial(m, i, s->y + i * s->nloc);
    if (!rc) rc = stiffness_tables(s);
    if (!rc) {
        if (s->opt.method == FA_METHOD_SSPRK3) {
            s->stage = fftw_malloc((size_t)s->N * s->nloc * sizeof(double));
            s->f = fftw_malloc((size_t)s->N * s->nloc * sizeof(double));
            if (!s->stage || !s->f) rc = FA_ERROR(FA_ENOMEM, "out of memory for SSP-RK3 stages");
        } else {
            rc = cvode_setup(s);
        }
    }
    if (rc) {
        fa_solver_free(s);
        return rc;
    }
    *out = s;
    return FA_OK;
}

void fa_solver_free(fa_solver_t *s)
{
    if (!s) return;
    if (s->cv) CVodeFree(&s->cv);
    if (s->ls) SUNLinSolFree(s->ls);
    if (s->nls) SUNNonlinSolFree(s->nls);
    if (s->nv_y) N_VDestroy(s->nv_y);
    if (s->nv_constraints) N_VDestroy(s->nv_constraints);
    if (s->ctx) SUNContext_Free(&s->ctx);
    fa_fv_free(s->fv);
    fa_spectral_free(s->sp);
    fftw_free(s->y);
    fftw_free(s->stage);
    fftw_free(s->f);
    free(s->prec_symbol);
    free(s->stiff);
    free(s->rho_ref);
    free(s->prec_level);
    free(s->prec_weight);
    fftw_free(s->prec_hat);
    free(s);
}

int fa_solver_reset(fa_solver_t *s, double t);

/* ---- state checks ------------------------------------------------------------------ */

/* A state is acceptable if finite and nonnegative up to what the method may leave: rounding
 * (explicit method) or the absolute tolerance (CVODE projects small constraint violations). */
static int check_state(fa_solver_t *s)
{
    long len = (long)s->N * s->nloc;
    double mn = 0, mx = 0;
    long bad = -1;
    for (long c = 0; c < len; c++) {
        double v = s->y[c];
        if (!isfinite(v)) {
            bad = c;
            break;
        }
        mn = fmin(mn, v);
        mx = fmax(mx, v);
    }
    if (bad >= 0)
        return FA_ERROR(FA_ENUMERIC, "the density of species %ld became %g at t = %.9g (cell %ld)",
                        bad / s->nloc + 1, s->y[bad], s->t, bad % s->nloc);
    double slack = s->opt.method == FA_METHOD_SSPRK3 ? 1e3 * DBL_EPSILON * mx
                                                     : 10 * (s->opt.atol + s->opt.rtol * mx);
    if (mn < -slack)
        return FA_ERROR(FA_ENUMERIC, "the density became negative (%g, beyond the tolerance %g) at t = %.9g",
                        mn, slack, s->t);
    return FA_OK;
}

static int stop_requested(const fa_solver_t *s) { return s->interrupt || (s->watch && *s->watch); }

/* ---- SSP-RK3 ----------------------------------------------------------------------- */

/* Largest step keeping forward Euler (hence SSP-RK3) positive, sum_a 2 max|u_a| dt/h_a <= 1,
 * and inside the linear stability interval for the fractional-diffusion part,
 * dt max_i(rho_max,i stiff_i) <= 2, both scaled by cfl. umax from the last RHS at y. */
static double rk_step_bound(const fa_solver_t *s, const double *y)
{
    const fa_grid_t *g = s->grid;
    double rate = 0, lam = 0;
    for (int a = 0; a < g->dim; a++) rate += 2 * s->umax[a] / g->h[a];
    for (int i = 0; i < s->N; i++) {
        double mx = 0;
        for (long c = 0; c < s->nloc; c++) mx = fmax(mx, y[i * s->nloc + c]);
        lam = fmax(lam, mx * s->stiff[i]);
    }
    double dt = INFINITY;
    if (rate > 0) dt = 1.0 / rate;
    if (lam > 0) dt = fmin(dt, 2.0 / lam);
    return s->opt.cfl * dt;
}

static int rk_advance(fa_solver_t *s, double tout)
{
    long len = (long)s->N * s->nloc;
    double *y = s->y, *y1 = s->stage, *f = s->f;
    while (s->t < tout) {
        if (stop_requested(s)) return FA_ERROR(FA_EINTERRUPT, "interrupted at t = %.9g", s->t);
        if (s->rk_steps >= s->opt.max_steps)
            return FA_ERROR(FA_ESOLVER, "more than max_steps = %ld steps by t = %.9g", s->opt.max_steps, s->t);
        s->want_speed = 1;
        fa_solver_rhs(s, y, f);
        s->want_speed = 0;
        double dt = rk_step_bound(s, y);
        if (!(dt > 0)) return FA_ERROR(FA_ESOLVER, "SSP-RK3 step bound %g at t = %.9g", dt, s->t);
        int last = s->t + dt >= tout - 1e-12 * fmax(1.0, fabs(tout));
        if (last) dt = tout - s->t;
        for (long c = 0; c < len; c++) y1[c] = y[c] + dt * f[c];
        fa_solver_rhs(s, y1, f);
        for (long c = 0; c < len; c++) y1[c] = 0.75 * y[c] + 0.25 * (y1[c] + dt * f[c]);
        fa_solver_rhs(s, y1, f);
        for (long c = 0; c < len; c++) y[c] = (1.0 / 3.0) * y[c] + (2.0 / 3.0) * (y1[c] + dt * f[c]);
        s->t = last ? tout : s->t + dt;
        s->rk_steps++;
        s->rk_last = dt;
        FA_TRY(check_state(s));
        if (s->progress) s->progress(s->t, s->model->t_end, s->rk_steps, s->progress_user);
    }
    return FA_OK;
}

/* ---- CVODE ------------------------------------------------------------------------- */

/* An interval CVODE cannot resolve (its step arithmetic under- or overflows below about
 * 1e-12 of the time scale): one forward Euler step, error O(dt^2), then restart CVODE. */
static int tiny_step(fa_solver_t *s, double tout)
{
    long len = (long)s->N * s->nloc;
    double *f = fa_malloc((size_t)len * sizeof(double));
    if (!f) return FA_ENOMEM;
    fa_solver_rhs(s, s->y, f);
    double dt = tout - s->t;
    for (long c = 0; c < len; c++) s->y[c] += dt * f[c];
    free(f);
    FA_TRY(fa_solver_reset(s, tout));
    return check_state(s);
}

static int cv_advance(fa_solver_t *s, double tout)
{
    if (tout <= s->t) return FA_OK;
    if (tout - s->t < 1e-12 * fmax(1.0, fabs(s->t))) return tiny_step(s, tout);
    CV_CHECK(CVodeSetStopTime(s->cv, tout));
    while (s->t < tout) {
        if (stop_requested(s)) return FA_ERROR(FA_EINTERRUPT, "interrupted at t = %.9g", s->t);
        fa_solver_stats_t st;
        cvode_stats(s, &st);
        if (s->base.steps + st.steps >= s->opt.max_steps)
            return FA_ERROR(FA_ESOLVER, "more than max_steps = %ld steps by t = %.9g", s->opt.max_steps, s->t);
        sunrealtype t;
        s->cv_msg[0] = '\0';
        int flag = CVode(s->cv, tout, s->nv_y, &t, CV_ONE_STEP);
        if (flag < 0) {
            sunrealtype tcur = s->t;
            CVodeGetCurrentTime(s->cv, &tcur);
            /* y holds the last successful step */
            return FA_ERROR(FA_ESOLVER, "CVODE failed at t = %.9g (%s): %s", (double)tcur,
                            CVodeGetReturnFlagName(flag), s->cv_msg[0] ? s->cv_msg : "no message");
        }
        s->t = flag == CV_TSTOP_RETURN ? tout : t;
        FA_TRY(check_state(s));
        if (s->progress) s->progress(s->t, s->model->t_end, s->base.steps + st.steps + 1, s->progress_user);
    }
    return FA_OK;
}

int fa_solver_advance(fa_solver_t *s, double tout)
{
    if (tout < s->t) return FA_ERROR(FA_EINVAL, "cannot integrate backwards from t = %g to %g", s->t, tout);
    return s->opt.method == FA_METHOD_SSPRK3 ? rk_advance(s, tout) : cv_advance(s, tout);
}

void fa_solver_interrupt(fa_solver_t *s) { s->interrupt = 1; }
void fa_solver_watch_flag(fa_solver_t *s, volatile sig_atomic_t *flag) { s->watch = flag; }
double fa_solver_time(const fa_solver_t *s) { return s->t; }
double *fa_solver_density(fa_solver_t *s, int i) { return s->y + i * s->nloc; }
const fa_solver_options_t *fa_solver_options(const fa_solver_t *s) { return &s->opt; }
fa_spectral_t *fa_solver_spectral(fa_solver_t *s) { return s->sp; }
struct fa_fv *fa_solver_fv(fa_solver_t *s) { return s->fv; }

void fa_solver_set_progress(fa_solver_t *s, fa_progress_fn fn, void *user)
{
    s->progress = fn;
    s->progress_user = user;
}

void fa_solver_get_stats(const fa_solver_t *s, fa_solver_stats_t *st)
{
    if (s->opt.method == FA_METHOD_SSPRK3) {
        memset(st, 0, sizeof *st);
        st->steps = s->rk_steps;
        st->last_step = s->rk_last;
    } else {
        cvode_stats(s, st);
        st->steps += s->base.steps;
        st->newton_iters += s->base.newton_iters;
        st->krylov_iters += s->base.krylov_iters;
        st->newton_fails += s->base.newton_fails;
        st->error_fails += s->base.error_fails;
        st->prec_setups += s->base.prec_setups;
        st->prec_solves += s->base.prec_solves;
    }
    st->rhs_evals = s->nrhs;
}

int fa_solver_reset(fa_solver_t *s, double t)
{
    s->t = t;
    if (!s->cv) return FA_OK;
    fa_solver_stats_t st;
    fa_solver_get_stats(s, &st);
    long nrhs = s->nrhs;
    s->base = st;
    s->base.rhs_evals = 0;
    s->nrhs = nrhs;
    CV_CHECK(CVodeReInit(s->cv, t, s->nv_y));
    return FA_OK;
}
