/* The macroscopic solver: the finite-volume right-hand side, its preconditioner and the
 * SSP-RK3 step bound, handed to the time integrator (integrator.c, which also checks each
 * step's state). */
#include "grid_internal.h"
#include "model_internal.h"
#include "spectral_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fv.h"
#include "monitor.h"
#include "integrator.h"
#include "memory.h"
#include "solver_internal.h"
#include "precond.h"

struct fa_solver {
    const fa_model_t *model;
    const fa_grid_t *grid;
    const fa_grid_layout_t *g;
    int N;
    long nloc;              /* cells per species on this rank */
    fa_solver_options_t opt;
    fa_spectral_t *sp;
    fa_fv_t *fv;
    double *phi;            /* the potential of the species being processed */
    fa_sprec_t *prec;     /* NULL unless BDF with preconditioner = fft */
    fa_monitor_t *monitor;  /* box edge (free grids) and collapse */
    fa_integrator_t *it;
    double umax[3];         /* largest face speed per axis in the last stage-0 RHS */
    double *stiff;          /* per species: max_k |k|_h^2 sum_j |K^_ij(k)| (SSP-RK3 bound) */
};

/* ---- right-hand side --------------------------------------------------------------- */

static int rhs(fa_solver_t *s, const double *y, double *ydot, int want_speed)
{
    const double *rho[FA_MAX_SPECIES];
    for (int j = 0; j < s->N; j++) rho[j] = y + j * s->nloc;
    fa_spectral_forward_all(s->sp, rho);
    fa_spectral_apply_kernels(s->sp);
    double um[3] = {0, 0, 0};
    for (int i = 0; i < s->N; i++) {
        fa_spectral_inverse_species(s->sp, i, s->phi);
        double umi[3];
        fa_fv_divergence(s->fv, rho[i], s->phi, ydot + i * s->nloc, want_speed ? umi : NULL);
        if (want_speed)
            for (int a = 0; a < 3; a++) um[a] = fmax(um[a], umi[a]);
    }
    if (want_speed) /* one reduction per axis for all species */
        for (int a = 0; a < 3; a++) s->umax[a] = fa_gmax(s->grid, um[a]);
    return FA_OK;
}

int fa_solver_rhs(fa_solver_t *s, const double *y, double *ydot) { return rhs(s, y, ydot, 0); }

static int ops_rhs(void *user, double t, const double *y, double *ydot, int stage)
{
    (void)t;
    return rhs(user, y, ydot, stage == 0);
}

static int ops_psetup(void *user, double t, const double *y, double gamma)
{
    (void)t, (void)gamma;
    fa_solver_t *s = user;
    const double *rho[FA_MAX_SPECIES];
    for (int j = 0; j < s->N; j++) rho[j] = y + j * s->nloc;
    fa_sprec_setup(s->prec, rho);
    return FA_OK;
}

static int ops_psolve(void *user, double t, const double *r, double *z, double gamma)
{
    (void)t;
    fa_solver_t *s = user;
    for (int i = 0; i < s->N; i++) fa_sprec_solve(s->prec, i, r + i * s->nloc, z + i * s->nloc, gamma, s->phi);
    return FA_OK;
}

/* Largest step keeping forward Euler (hence SSP-RK3) positive, sum_a 2 max|u_a| dt/h_a <= 1,
 * and inside the linear stability interval for the fractional-diffusion part,
 * dt max_i(rho_max,i stiff_i) <= 2 (the integrator scales it by cfl). umax comes from the
 * stage-0 RHS at y. */
static double ops_step_bound(void *user, double t, const double *y)
{
    (void)t;
    fa_solver_t *s = user;
    const fa_grid_layout_t *g = s->g;
    double rate = 0, lam = 0;
    for (int a = 0; a < g->dim; a++) rate += 2 * s->umax[a] / g->h[a];
    for (int i = 0; i < s->N; i++) {
        double mx = 0;
        const double *yi = y + i * s->nloc;
#pragma omp simd reduction(max : mx)
        for (long c = 0; c < s->nloc; c++) mx = fa_max2(mx, yi[c]);
        lam = fa_max2(lam, fa_gmax(s->grid, mx) * s->stiff[i]);
    }
    double dt = INFINITY;
    if (rate > 0) dt = 1.0 / rate;
    if (lam > 0) dt = fmin(dt, 2.0 / lam);
    return dt;
}

/* Has a density reached a free box's edge, or collapsed below the grid's resolution? */
static int ops_monitor(void *user, double t, const double *y)
{
    fa_solver_t *s = user;
    const double *rho[FA_MAX_SPECIES];
    for (int j = 0; j < s->N; j++) rho[j] = y + j * s->nloc;
    return fa_monitor_check(s->monitor, t, rho);
}

/* ---- creation ---------------------------------------------------------------------- */

static int stiffness(fa_solver_t *s)
{
    if (!(s->stiff = fa_calloc((size_t)s->N, sizeof(double)))) return FA_ENOMEM;
    for (int i = 0; i < s->N; i++) s->stiff[i] = fa_spectral_stiffness(s->sp, i);
    return FA_OK;
}

double fa_solver_memory(const fa_model_t *m)
{
    const fa_grid_t *grid = fa_model_grid(m);
    const fa_solver_options_t *opt = fa_model_solver_options(m);
    int N = fa_model_species(m);
    double nloc = (double)fa_grid_layout(grid)->nlocal, setup;
    double d = fa_spectral_memory(grid, N, fa_model_kernels(m), opt->threads, &setup);
    double rest = fa_fv_memory(grid, opt->threads) + nloc * sizeof(double) /* phi */
                + (double)N * nloc * sizeof(double)                      /* y0, until the integrator has it */
                + fa_integrator_memory((long)N * (long)nloc, opt);
    if (opt->method == FA_METHOD_BDF && opt->preconditioner == FA_PRECOND_FFT) rest += fa_sprec_memory(grid, N);
    return d + (rest > setup ? rest : setup); /* the kernel tables are freed before the rest exists */
}

int fa_solver_create(const fa_model_t *m, fa_solver_t **out)
{
    *out = NULL;
    FA_TRY(fa_job_memory_check(m, FA_JOB_RUN));
    fa_solver_t *s = fa_calloc(1, sizeof *s);
    if (!s) return FA_ENOMEM;
    const fa_grid_t *grid = fa_model_grid(m);
    s->model = m;
    s->grid = grid;
    s->g = fa_grid_layout(grid);
    s->N = fa_model_species(m);
    s->nloc = s->g->nlocal;
    s->opt = *fa_model_solver_options(m);
    fa_fft_options_t fo = {.threads = s->opt.threads, .measure = s->opt.fft_measure, .wisdom = s->opt.wisdom};
    double *y0 = NULL;
    int rc = fa_spectral_create(grid, s->N, fa_model_kernels(m), &fo, &s->sp);
    if (!rc) rc = fa_fv_create(grid, s->N, s->opt.scheme, s->opt.limiter, s->opt.threads, &s->fv);
    if (!rc) rc = stiffness(s);
    if (!rc && !(s->phi = fftw_malloc((size_t)(s->nloc > 0 ? s->nloc : 1) * sizeof(double))))
        rc = FA_ERROR(FA_ENOMEM, "out of memory for the potential");
    if (!rc && s->opt.method == FA_METHOD_BDF && s->opt.preconditioner == FA_PRECOND_FFT)
        rc = fa_sprec_create(s->sp, s->opt.prec_levels, &s->prec);
    if (!rc && !(y0 = fftw_malloc((size_t)s->N * s->nloc * sizeof(double))))
        rc = FA_ERROR(FA_ENOMEM, "out of memory for the state");
    if (!rc) rc = fa_model_initial_state(m, y0, s->nloc);
    if (!rc) {
        const double *rho0[FA_MAX_SPECIES];
        for (int j = 0; j < s->N; j++) rho0[j] = y0 + j * s->nloc;
        rc = fa_monitor_create(m, rho0, &s->monitor);
    }
    if (!rc) {
        fa_integrator_ops_t ops = {.rhs = ops_rhs, .step_bound = ops_step_bound, .user = s,
                                   .species_len = s->nloc, .density_name = "density"};
        if (s->prec) ops.psetup = ops_psetup, ops.psolve = ops_psolve;
        ops.monitor = ops_monitor;
        rc = fa_integrator_create((long)s->N * s->nloc, (long)s->N * s->nloc, fa_model_t_start(m), y0, &s->opt, &ops,
                                  fa_grid_comm(grid), &s->it);
    }
    fftw_free(y0);
    if (rc) {
        fa_solver_free(s);
        return rc;
    }
    fa_integrator_progress(s->it, NULL, fa_model_t_end(m), NULL);
    *out = s;
    return FA_OK;
}

void fa_solver_free(fa_solver_t *s)
{
    if (!s) return;
    fa_integrator_free(s->it);
    fa_sprec_free(s->prec);
    fa_monitor_free(s->monitor);
    fa_fv_free(s->fv);
    fa_spectral_free(s->sp);
    fftw_free(s->phi);
    free(s->stiff);
    free(s);
}

int fa_solver_advance(fa_solver_t *s, double tout) { return fa_integrator_advance(s->it, tout); }
void fa_solver_interrupt(fa_solver_t *s) { fa_integrator_interrupt(s->it); }
double fa_solver_time(const fa_solver_t *s) { return fa_integrator_time(s->it); }
double *fa_solver_density(fa_solver_t *s, int i) { return fa_integrator_state(s->it) + i * s->nloc; }
const fa_solver_options_t *fa_solver_options(const fa_solver_t *s) { return &s->opt; }
fa_spectral_t *fa_solver_spectral(fa_solver_t *s) { return s->sp; }
fa_fv_t *fa_solver_fv(fa_solver_t *s) { return s->fv; }
double *fa_solver_phi_buffer(fa_solver_t *s) { return s->phi; }
void fa_solver_get_stats(const fa_solver_t *s, fa_solver_stats_t *st) { fa_integrator_stats(s->it, st); }
int fa_solver_reset(fa_solver_t *s, double t) { return fa_integrator_reset(s->it, t); }

void fa_solver_set_progress(fa_solver_t *s, fa_progress_fn fn, void *user)
{
    fa_integrator_progress(s->it, fn, fa_model_t_end(s->model), user);
}
