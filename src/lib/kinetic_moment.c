/* The kinetic moment model: the monokinetic closure f_i = rho_i delta(v - w_i) of the kinetic
 * system, i.e. damped pressureless Euler (doc/theory/kinetic.md),
 *
 *     d rho_i/dt + div m_i = 0,   d m_i/dt + div(m_i w_i) = -(m_i + rho_i grad Phi_i) / eps,
 *
 * on the macroscopic grid: densities and momenta m_i = rho_i w_i in cells, kinetic (upwind)
 * fluxes of MUSCL face values, the stiff relaxation implicit through the integrator (CVODE
 * BDF). It is asymptotic preserving: the face velocity is u_f + (d_L + d_R)/2, with u_f the
 * macroscopic scheme's face velocity -(Phi_R - Phi_L)/h and d = m/rho - u the deviation that
 * the relaxation drives to 0, so that as eps -> 0 the mass flux becomes the macroscopic
 * scheme's face for face (tests/test_kinetic checks the two right-hand sides agree to rounding
 * at d = 0, periodic and free). On a free grid no flux crosses the box's faces. */
#include "kinetic_private.h"
#include "kinetic_internal.h"

#include <fftw3.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fv.h"
#include "integrator.h"
#include "memory.h"
#include "monitor.h"
#include "precond.h"
#include "runfile.h"

typedef struct {
    fa_integrator_t *it; /* state [rho_1 .. rho_N | m_1 (d components) .. m_N] */
    fa_sprec_t *prec;
    fa_monitor_t *monitor;
    double *floor; /* per species: densities below it count as vacuum for the velocity */
    double *dev;   /* d * nloc: deviation m/rho - u of the species being processed */
    double *line;  /* line buffers */
    double *tmp;   /* a field of scratch (preconditioner) */
} moment_t;

#define M(k) ((moment_t *)(k)->impl)
#define RHO(y, i) ((y) + (long)(i) * k->nloc)
#define MOM(y, i, a) ((y) + ((long)k->N + (long)(i) * k->d + (a)) * k->nloc)

/* Fluxes along axis a for species i: lines of n cells gathered with two cells of padding at
 * each end (the periodic wrap, a distributed grid's halo, or a free box's ghosts: vacuum and
 * the boundary cell's potential). Face velocity w = u_f + (dev_L + dev_R)/2 with u_f =
 * -(phi_R - phi_L)/h, the macroscopic scheme's; upwind fluxes of MUSCL face values of rho and
 * of each momentum component; none through a free box's faces. */
static void moment_axis(fa_kinetic_t *k, int a, const double *rho, const double *const m[], double *drho,
                        double *const dm[])
{
    const fa_grid_layout_t *g = k->g;
    moment_t *mo = M(k);
    int d = k->d, lim = k->lim, across = a == g->slow && g->distributed, fr_grid = g->boundary == FA_BOUNDARY_FREE;
    long n = across ? g->slow_count : g->n[a], s = g->stride[a], nlines = g->nlocal / n, ps = g->plane;
    double ih = 1.0 / g->h[a];
    /* which ends of these lines are the box's faces (free grids) */
    int wall_lo = fr_grid && (!across || g->slow_start == 0);
    int wall_hi = fr_grid && (!across || g->slow_start + g->slow_count == g->n[a]);
    /* buffers: r, p, dv (n+4 each), slopes (n+2), fluxes (n+1), per momentum component
     * value (n+4), slope (n+2), flux (n+1) */
    double *r = mo->line, *p = r + n + 4, *dv = p + n + 4, *sr = dv + n + 4, *fr = sr + n + 2;
    double *mb = fr + n + 1; /* d blocks of 3n + 7 */
    const double *dev = mo->dev + (long)a * k->nloc;
    /* across a distributed slab: every field with two halo planes on each side */
    const double *er = rho, *ep = k->phi, *ed = dev, *em[3] = {NULL, NULL, NULL};
    if (across) {
        long ext = (n + 4) * ps;
        er = fa_kinetic_extend(k, rho, 2, 0, k->ext);
        ep = fa_kinetic_extend(k, k->phi, 2, 1, k->ext + ext);
        ed = fa_kinetic_extend(k, dev, 2, 0, k->ext + 2 * ext);
        for (int b = 0; b < d; b++) em[b] = fa_kinetic_extend(k, m[b], 2, 0, k->ext + (3 + b) * ext);
    }
    for (long l = 0; l < nlines; l++) {
        long start = across ? l : (l / s) * n * s + l % s;
        for (long j = -2; j < n + 2; j++) {
            if (across) {
                long c = (j + 2) * ps + l;
                r[j + 2] = er[c], p[j + 2] = ep[c], dv[j + 2] = ed[c];
                for (int b = 0; b < d; b++) mb[b * (3 * n + 7) + j + 2] = em[b][c];
                continue;
            }
            if (fr_grid && (j < 0 || j >= n)) { /* ghost: vacuum, the boundary cell's potential */
                r[j + 2] = dv[j + 2] = 0;
                p[j + 2] = k->phi[start + (j < 0 ? 0 : n - 1) * s];
                for (int b = 0; b < d; b++) mb[b * (3 * n + 7) + j + 2] = 0;
                continue;
            }
            long c = start + fa_wrap(j, n) * s;
            r[j + 2] = rho[c];
            p[j + 2] = k->phi[c];
            dv[j + 2] = dev[c];
            for (int b = 0; b < d; b++) mb[b * (3 * n + 7) + j + 2] = m[b][c];
        }
        /* slopes of cells -1 .. n at sr[0 .. n+1] */
        for (long j = -1; j <= n; j++) sr[j + 1] = fa_limited_slope(lim, r[j + 3] - r[j + 2], r[j + 2] - r[j + 1]);
        for (int b = 0; b < d; b++) {
            double *v = mb + b * (3 * n + 7), *sv = v + n + 4;
            for (long j = -1; j <= n; j++) sv[j + 1] = fa_limited_slope(lim, v[j + 3] - v[j + 2], v[j + 2] - v[j + 1]);
        }
        /* faces 0 .. n: between cells j-1 and j */
        for (long j = 0; j <= n; j++) {
            double w = -(p[j + 2] - p[j + 1]) * ih + 0.5 * (dv[j + 1] + dv[j + 2]);
            if ((j == 0 && wall_lo) || (j == n && wall_hi)) w = 0; /* the box's faces */
            fr[j] = fa_face_flux(lim, w, r[j + 1] + 0.5 * sr[j], r[j + 2] - 0.5 * sr[j + 1]);
            for (int b = 0; b < d; b++) {
                double *v = mb + b * (3 * n + 7), *sv = v + n + 4, *fv = sv + n + 2;
                fv[j] = fa_face_flux(lim, w, v[j + 1] + 0.5 * sv[j], v[j + 2] - 0.5 * sv[j + 1]);
            }
        }
        for (long j = 0; j < n; j++) {
            long c = start + j * s;
            drho[c] -= (fr[j + 1] - fr[j]) * ih;
            for (int b = 0; b < d; b++) {
                double *fv = mb + b * (3 * n + 7) + 2 * n + 6;
                dm[b][c] -= (fv[j + 1] - fv[j]) * ih;
            }
        }
    }
}

static int moment_rhs(void *user, double t, const double *y, double *ydot, int stage)
{
    (void)t, (void)stage;
    fa_kinetic_t *k = user;
    moment_t *mo = M(k);
    int N = k->N, d = k->d;
    long n = k->nloc;
    const double *rho[FA_MAX_SPECIES] = {NULL};
    for (int j = 0; j < N; j++) rho[j] = RHO(y, j);
    fa_spectral_forward_all(k->sp, rho);
    fa_spectral_apply_kernels(k->sp);
    for (int i = 0; i < N; i++) {
        fa_kinetic_potential_gradient(k, i);
        const double *m[3] = {NULL, NULL, NULL};
        double *dm[3] = {NULL, NULL, NULL};
        double *drho = RHO(ydot, i);
        double inv_eps = 1.0 / k->eps, fl = mo->floor[i];
        for (int a = 0; a < d; a++) {
            m[a] = MOM(y, i, a);
            dm[a] = MOM(ydot, i, a);
            const double *ga = k->grad + a * n;
            double *dev = mo->dev + a * n;
            /* relaxation towards rho u, u = -grad Phi (cell centred); deviation d = m/rho - u */
            for (long c = 0; c < n; c++) {
                double excess = m[a][c] + rho[i][c] * ga[c]; /* m - rho u */
                dm[a][c] = -inv_eps * excess;
                dev[c] = excess / fmax(rho[i][c], fl);
            }
        }
        memset(drho, 0, (size_t)n * sizeof(double));
        for (int a = 0; a < d; a++) moment_axis(k, a, rho[i], m, drho, dm);
    }
    return FA_OK;
}

/* Block-diagonal preconditioner: the densities as in the macroscopic solver, the momenta by
 * the relaxation alone, (1 + gamma/eps)^-1. */
static int moment_psetup(void *user, double t, const double *y, double gamma)
{
    (void)t, (void)gamma;
    fa_kinetic_t *k = user;
    const double *rho[FA_MAX_SPECIES];
    for (int j = 0; j < k->N; j++) rho[j] = RHO(y, j);
    fa_sprec_setup(M(k)->prec, rho);
    return FA_OK;
}

static int moment_psolve(void *user, double t, const double *r, double *z, double gamma)
{
    (void)t;
    fa_kinetic_t *k = user;
    for (int i = 0; i < k->N; i++) fa_sprec_solve(M(k)->prec, i, RHO(r, i), RHO(z, i), gamma, M(k)->tmp);
    double f = 1.0 / (1.0 + gamma / k->eps);
    long off = (long)k->N * k->nloc, len = (long)k->N * k->d * k->nloc;
    for (long c = 0; c < len; c++) z[off + c] = f * r[off + c];
    return FA_OK;
}

/* The densities' box edge (free grids) and collapse, as for the macroscopic solver. */
static int moment_monitor(void *user, double t, const double *y)
{
    fa_kinetic_t *k = user;
    const double *rho[FA_MAX_SPECIES];
    for (int j = 0; j < k->N; j++) rho[j] = RHO(y, j);
    return fa_monitor_check(M(k)->monitor, t, rho);
}

static double moment_memory(const fa_model_t *m)
{
    const fa_grid_layout_t *g = fa_grid_layout(fa_model_grid(m));
    const fa_solver_options_t *opt = fa_model_solver_options(m);
    int N = fa_model_species(m), d = g->dim;
    double n = (double)g->nlocal, len = N * (1.0 + d) * n;
    double b = (d * n + n + len) * sizeof(double) /* dev, tmp, y0 */ + fa_integrator_memory((long)len, opt);
    if (opt->method == FA_METHOD_BDF && opt->preconditioner == FA_PRECOND_FFT)
        b += fa_sprec_memory(fa_model_grid(m), N);
    return b;
}

static int moment_create(fa_kinetic_t *k)
{
    const fa_model_t *m = k->model;
    int N = k->N, d = k->d;
    long n = k->nloc, len = (long)N * (1 + d) * n;
    if (k->sopt.method == FA_METHOD_SSPRK3)
        return FA_ERROR(FA_EUNSUPPORTED, "the kinetic moment model needs an implicit method ([solver] method = bdf): "
                        "its relaxation is stiff as epsilon -> 0");
    moment_t *mo = fa_calloc(1, sizeof *mo);
    if (!mo) return FA_ENOMEM;
    k->impl = mo;
    long nmax = k->g->n[0];
    for (int a = 1; a < k->g->dim; a++) nmax = k->g->n[a] > nmax ? k->g->n[a] : nmax;
    mo->dev = fa_malloc((size_t)(d * n > 0 ? d * n : 1) * sizeof(double));
    mo->line = fa_malloc((size_t)(3 * (nmax + 4) + 2 * nmax + 3 + d * (3 * nmax + 7)) * sizeof(double));
    mo->floor = fa_calloc((size_t)N, sizeof(double));
    mo->tmp = fftw_malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
    double *y0 = fftw_malloc((size_t)(len > 0 ? len : 1) * sizeof(double));
    if (!mo->dev || !mo->line || !mo->floor || !mo->tmp || !y0) {
        fftw_free(y0);
        return FA_ERROR(FA_ENOMEM, "out of memory for the moment model");
    }
    int rc = FA_OK;
    if (!rc) rc = fa_model_initial_state(m, y0, n);
    const double *rho[FA_MAX_SPECIES];
    for (int j = 0; j < N; j++) rho[j] = y0 + j * n;
    if (!rc) {
        fa_spectral_forward_all(k->sp, rho);
        fa_spectral_apply_kernels(k->sp);
        for (int i = 0; i < N; i++) {
            double mx = 0;
            for (long c = 0; c < n; c++) mx = fmax(mx, rho[i][c]);
            mo->floor[i] = 1e-10 * fa_gmax(k->grid, mx) + DBL_MIN;
            fa_kinetic_potential_gradient(k, i);
            for (int a = 0; a < d; a++) {
                double *mi = y0 + ((long)N + (long)i * d + a) * n;
                for (long c = 0; c < n; c++)
                    mi[c] = rho[i][c] * ((k->opt.velocity == FA_VELOCITY_EQUILIBRIUM ? -k->grad[a * n + c] : 0.0) +
                                         k->opt.drift[a]);
            }
        }
    }
    if (!rc) rc = fa_monitor_create(m, rho, &mo->monitor);
    if (!rc && k->sopt.method == FA_METHOD_BDF && k->sopt.preconditioner == FA_PRECOND_FFT)
        rc = fa_sprec_create(k->sp, k->sopt.prec_levels, &mo->prec);
    if (!rc) {
        fa_integrator_ops_t ops = {.rhs = moment_rhs, .monitor = moment_monitor, .user = k, .species_len = n,
                                   .density_name = "kinetic density", .rest_name = "kinetic momentum"};
        if (mo->prec) ops.psetup = moment_psetup, ops.psolve = moment_psolve;
        rc = fa_integrator_create(len, (long)N * n, fa_model_t_start(m), y0, &k->sopt, &ops, fa_grid_comm(k->grid),
                                  &mo->it);
    }
    fftw_free(y0);
    return rc;
}

static void moment_free(fa_kinetic_t *k)
{
    moment_t *mo = M(k);
    if (!mo) return;
    fa_integrator_free(mo->it);
    fa_sprec_free(mo->prec);
    fa_monitor_free(mo->monitor);
    free(mo->dev);
    free(mo->line);
    free(mo->floor);
    fftw_free(mo->tmp);
    free(mo);
    k->impl = NULL;
}

/* The state of the file's last record, in the state's order (N densities, then the momenta
 * species by species), checked as restart data: the densities finite, not negative beyond the
 * integrator's slack, their squares summable; the momenta finite and summable. */
static int moment_resume(fa_kinetic_t *k, const char *path)
{
    double *y = fa_integrator_state(M(k)->it), t0 = fa_integrator_time(M(k)->it);
    int N = k->N, d = k->d, nf = N * (1 + d), rc = FA_OK;
    fa_runfile_where_t *w = fa_calloc((size_t)nf, sizeof *w);
    if (!w) return FA_ENOMEM;
    for (int f = 0; !rc && f < nf; f++) {
        int i = f < N ? f : (f - N) / d, a = f < N ? -1 : (f - N) % d;
        rc = fa_runfile_read_kinetic(path, i, a, k->grid, y + (long)f * k->nloc, &w[f]);
        /* every rank read its own slab: they agree on the status before the collective checks */
        if (fa_gmax(k->grid, rc ? 1.0 : 0.0) > 0 && !rc) rc = FA_ERROR(FA_EFORMAT, "%s: unreadable on another process", path);
    }
    if (!rc && !(fabs(w[0].time - t0) <= 1e-9 * fmax(1.0, fabs(t0))))
        rc = FA_ERROR(FA_EINVAL, "%s: its last record is at t = %.17g, the run resumes at %.17g", path, w[0].time, t0);
    double mx = 0;
    for (long c = 0; !rc && c < (long)N * k->nloc; c++) mx = fmax(mx, y[c]);
    if (!rc) mx = fa_gmax(k->grid, mx);
    for (int which = 1; which <= 3 && !rc; which++)
        for (int f = 0; !rc && f < nf; f++)
            if (f < N || which != 2)
                rc = fa_restart_check(k->grid, path, &k->sopt, y + (long)f * k->nloc, &w[f], which, mx);
    free(w);
    return rc ? rc : fa_integrator_reset(M(k)->it, t0);
}

static int moment_advance(fa_kinetic_t *k, double tout) { return fa_integrator_advance(M(k)->it, tout); }
static double moment_time(const fa_kinetic_t *k) { return fa_integrator_time(M(k)->it); }
static void moment_stats(const fa_kinetic_t *k, fa_solver_stats_t *st) { fa_integrator_stats(M(k)->it, st); }
static const double *moment_density(fa_kinetic_t *k, int i) { return RHO(fa_integrator_state(M(k)->it), i); }
static const double *moment_momentum(fa_kinetic_t *k, int i, int a)
{
    return MOM(fa_integrator_state(M(k)->it), i, a);
}

static void moment_total_momentum(fa_kinetic_t *k, int i, double J[3])
{
    for (int a = 0; a < k->d; a++) J[a] = fa_diag_mass(k->grid, moment_momentum(k, i, a));
}

/* of the cell averages: for data away from a periodic box's edges */
static void moment_center_of_mass(fa_kinetic_t *k, int i, double X[3])
{
    const double *rho = moment_density(k, i);
    double mass = 0;
    long lo[3], hi[3], c = 0;
    fa_grid_local_range(k->grid, lo, hi);
    for (long iz = lo[2]; iz < hi[2]; iz++)
        for (long iy = lo[1]; iy < hi[1]; iy++)
            for (long ix = lo[0]; ix < hi[0]; ix++, c++) {
                long idx[3] = {ix, iy, iz};
                mass += rho[c];
                for (int a = 0; a < k->d; a++) X[a] += rho[c] * fa_grid_center(k->grid, a, idx[a]);
            }
    mass = fa_gsum(k->grid, mass);
    for (int a = 0; a < k->d; a++) X[a] = fa_gsum(k->grid, X[a]) / mass;
}

/* 1/2 int rho |u - w|^2 = 1/2 sum h^d |rho u - m|^2 / rho over cells above the vacuum floor */
static double moment_velocity_gap(fa_kinetic_t *k, int i, const double *grad)
{
    const double *rho = moment_density(k, i);
    long n = k->nloc;
    double kin = 0;
    for (long c = 0; c < n; c++) {
        double e2 = 0;
        for (int a = 0; a < k->d; a++) {
            double dm = -rho[c] * grad[a * n + c] - moment_momentum(k, i, a)[c];
            e2 += dm * dm;
        }
        if (rho[c] > M(k)->floor[i]) kin += e2 / rho[c];
    }
    return 0.5 * k->g->cell_volume * kin;
}

const fa_kinetic_ops_t fa_kinetic_moment_ops = {
    .name = "moment",
    .create = moment_create,
    .memory = moment_memory,
    .free = moment_free,
    .resume = moment_resume,
    .advance = moment_advance,
    .time = moment_time,
    .stats = moment_stats,
    .density = moment_density,
    .momentum = moment_momentum,
    .total_momentum = moment_total_momentum,
    .center_of_mass = moment_center_of_mass,
    .velocity_gap = moment_velocity_gap,
};

int fa_kinetic_moment_rhs(fa_kinetic_t *k, double *ydot)
{
    if (k->ops != &fa_kinetic_moment_ops) return FA_ERROR(FA_EUNSUPPORTED, "not the moment model");
    return moment_rhs(k, fa_integrator_time(M(k)->it), fa_integrator_state(M(k)->it), ydot, -1);
}
