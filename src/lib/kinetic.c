/* The kinetic companion (kinetic.h): the moment model (monokinetic closure, asymptotic
 * preserving finite volumes, implicit relaxation through the integrator) and the particle
 * model (particle-in-cell forces, exponential integrator). */
#include "grid_internal.h"
#include "model_internal.h"
#include "spectral_internal.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fv.h"
#include "integrator.h"
#include "precond.h"

struct fa_kinetic {
    const fa_model_t *model;
    const fa_grid_t *grid;
    const fa_grid_layout_t *g;
    int N, d, lim;
    long nloc;
    double eps;
    fa_kinetic_options_t opt;
    fa_solver_options_t sopt;
    fa_spectral_t *sp;
    double *phi;   /* a potential (nloc) */
    double *grad;  /* its centred gradient (d * nloc) */
    /* moment model: state [rho_1 .. rho_N | m_1 (d components) .. m_N] */
    fa_integrator_t *it;
    fa_sprec_t *prec;
    double *floor; /* per species: densities below it count as vacuum for the velocity */
    double *dev;   /* d * nloc: deviation m/rho - u of the species being processed */
    double *line;  /* line buffers */
    double *ext;   /* fields with halo planes (3 + d of them, two planes each side) */
    /* particle model */
    long M;        /* particles per species */
    double **X, **V, *q; /* positions (unwrapped) and velocities (M * d each), particle mass */
    double *rho_p, *mom_p; /* deposited densities (N * nloc) and momenta (N * d * nloc) */
    double **F1, **F2, **Xs; /* forces at the step's start and predictor, predicted positions */
    int deposited; /* rho_p/mom_p describe the current particles */
    double t;
    long steps, force_evals;
    uint64_t rng[4];
    volatile sig_atomic_t *watch;
};

/* Index of the neighbour of local cell c at offset `off` along axis a (periodic). */
static inline long neighbour(const fa_grid_layout_t *g, long c, int a, long off)
{
    long s = g->stride[a], n = g->n[a], k = (c / s) % n;
    return c + (fa_wrap(k + off, n) - k) * s;
}

/* A distributed field with `depth` halo planes of the slab axis on each side (the neighbours'
 * planes): ext[(p + depth) * plane + l] is cell l of local plane p, for -depth <= p < count +
 * depth. (A serial grid holds every plane: its slab axis wraps like the others, no copy.) */
static const double *extend(fa_kinetic_t *k, const double *f, int depth, double *ext)
{
    const fa_grid_layout_t *g = k->g;
    long ps = g->plane;
    memcpy(ext + depth * ps, f, (size_t)g->nlocal * sizeof(double));
    fa_grid_halo(k->grid, f, depth, ext, ext + (depth + g->slow_count) * ps);
    return ext;
}

/* grad[a] = centred difference of f along each axis: (f[c+1] - f[c-1]) / (2 h_a) */
static void centred_gradient(fa_kinetic_t *k, const double *f, double *grad)
{
    const fa_grid_layout_t *g = k->g;
    for (int a = 0; a < g->dim; a++) {
        double inv = 0.5 / g->h[a];
        double *ga = grad + a * g->nlocal;
        if (a == g->slow && g->distributed) { /* across the slab: with halos */
            const double *e = extend(k, f, 1, k->ext);
            long ps = g->plane;
            for (long c = 0; c < g->nlocal; c++) ga[c] = (e[c + 2 * ps] - e[c]) * inv;
        } else {
            for (long c = 0; c < g->nlocal; c++) ga[c] = (f[neighbour(g, c, a, 1)] - f[neighbour(g, c, a, -1)]) * inv;
        }
    }
}

/* After fa_spectral_forward_all and fa_spectral_apply_kernels of the densities: species i's
 * potential in phi and its centred gradient in grad. */
static void potential_gradient(fa_kinetic_t *k, int i)
{
    fa_spectral_inverse_species(k->sp, i, k->phi);
    centred_gradient(k, k->phi, k->grad);
}

/* ---- the moment model -------------------------------------------------------------- */

#define RHO(y, i) ((y) + (long)(i) * k->nloc)
#define MOM(y, i, a) ((y) + ((long)k->N + (long)(i) * k->d + (a)) * k->nloc)

/* Fluxes along axis a for species i: lines of n cells gathered with periodic padding. Face
 * velocity w = u_f + (dev_L + dev_R)/2 with u_f = -(phi_R - phi_L)/h, the macroscopic scheme's;
 * upwind fluxes of MUSCL face values of rho and of each momentum component. */
static void moment_axis(fa_kinetic_t *k, int a, const double *rho, const double *const m[], double *drho,
                        double *const dm[])
{
    const fa_grid_layout_t *g = k->g;
    int d = k->d, lim = k->lim, across = a == g->slow && g->distributed;
    long n = across ? g->slow_count : g->n[a], s = g->stride[a], nlines = g->nlocal / n, ps = g->plane;
    double ih = 1.0 / g->h[a];
    /* buffers: r, p, dv (n+4 each), slopes (n+2), fluxes (n+1), per momentum component
     * value (n+4), slope (n+2), flux (n+1) */
    double *r = k->line, *p = r + n + 4, *dv = p + n + 4, *sr = dv + n + 4, *fr = sr + n + 2;
    double *mb = fr + n + 1; /* d blocks of 3n + 7 */
    const double *dev = k->dev + (long)a * k->nloc;
    /* across a distributed slab: every field with two halo planes on each side */
    const double *er = rho, *ep = k->phi, *ed = dev, *em[3] = {NULL, NULL, NULL};
    if (across) {
        long ext = (n + 4) * ps;
        er = extend(k, rho, 2, k->ext);
        ep = extend(k, k->phi, 2, k->ext + ext);
        ed = extend(k, dev, 2, k->ext + 2 * ext);
        for (int b = 0; b < d; b++) em[b] = extend(k, m[b], 2, k->ext + (3 + b) * ext);
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
    const fa_grid_layout_t *g = k->g;
    int N = k->N, d = k->d;
    long n = k->nloc;
    const double *rho[FA_MAX_SPECIES] = {NULL};
    for (int j = 0; j < N; j++) rho[j] = RHO(y, j);
    fa_spectral_forward_all(k->sp, rho);
    fa_spectral_apply_kernels(k->sp);
    for (int i = 0; i < N; i++) {
        potential_gradient(k, i);
        const double *m[3] = {NULL, NULL, NULL};
        double *dm[3] = {NULL, NULL, NULL};
        double *drho = RHO(ydot, i);
        double inv_eps = 1.0 / k->eps, fl = k->floor[i];
        for (int a = 0; a < d; a++) {
            m[a] = MOM(y, i, a);
            dm[a] = MOM(ydot, i, a);
            const double *ga = k->grad + a * n;
            double *dev = k->dev + a * n;
            /* relaxation towards rho u, u = -grad Phi (cell centred); deviation d = m/rho - u */
            for (long c = 0; c < n; c++) {
                double excess = m[a][c] + rho[i][c] * ga[c]; /* m - rho u */
                dm[a][c] = -inv_eps * excess;
                dev[c] = excess / fmax(rho[i][c], fl);
            }
        }
        memset(drho, 0, (size_t)n * sizeof(double));
        for (int a = 0; a < g->dim; a++) moment_axis(k, a, rho[i], m, drho, dm);
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
    fa_sprec_setup(k->prec, rho);
    return FA_OK;
}

static int moment_psolve(void *user, double t, const double *r, double *z, double gamma)
{
    (void)t;
    fa_kinetic_t *k = user;
    for (int i = 0; i < k->N; i++) fa_sprec_solve(k->prec, i, RHO(r, i), RHO(z, i), gamma, k->phi);
    double f = 1.0 / (1.0 + gamma / k->eps);
    long off = (long)k->N * k->nloc, len = (long)k->N * k->d * k->nloc;
    for (long c = 0; c < len; c++) z[off + c] = f * r[off + c];
    return FA_OK;
}

static int moment_create(fa_kinetic_t *k)
{
    const fa_model_t *m = k->model;
    int N = k->N, d = k->d;
    long n = k->nloc, len = (long)N * (1 + d) * n;
    if (k->sopt.method == FA_METHOD_SSPRK3)
        return FA_ERROR(FA_EUNSUPPORTED, "the kinetic moment model needs an implicit method ([solver] method = bdf): "
                        "its relaxation is stiff as epsilon -> 0");
    long nmax = k->g->n[0];
    for (int a = 1; a < k->g->dim; a++) nmax = k->g->n[a] > nmax ? k->g->n[a] : nmax;
    k->dev = fa_malloc((size_t)d * n * sizeof(double));
    k->line = fa_malloc((size_t)(3 * (nmax + 4) + 2 * nmax + 3 + d * (3 * nmax + 7)) * sizeof(double));
    k->floor = fa_calloc((size_t)N, sizeof(double));
    double *y0 = fftw_malloc((size_t)len * sizeof(double));
    if (!k->dev || !k->line || !k->floor || !y0) {
        fftw_free(y0);
        return FA_ERROR(FA_ENOMEM, "out of memory for the moment model");
    }
    int rc = FA_OK;
    for (int i = 0; !rc && i < N; i++) rc = fa_model_initial(m, i, y0 + i * n);
    if (!rc) {
        const double *rho[FA_MAX_SPECIES];
        for (int j = 0; j < N; j++) rho[j] = y0 + j * n;
        fa_spectral_forward_all(k->sp, rho);
        fa_spectral_apply_kernels(k->sp);
        for (int i = 0; i < N; i++) {
            double mx = 0;
            for (long c = 0; c < n; c++) mx = fmax(mx, rho[i][c]);
            k->floor[i] = 1e-10 * fa_gmax(k->grid, mx) + DBL_MIN;
            potential_gradient(k, i);
            for (int a = 0; a < d; a++) {
                double *mi = y0 + ((long)N + (long)i * d + a) * n;
                for (long c = 0; c < n; c++)
                    mi[c] = rho[i][c] * ((k->opt.velocity == FA_VELOCITY_EQUILIBRIUM ? -k->grad[a * n + c] : 0.0) +
                                         k->opt.drift[a]);
            }
        }
    }
    if (!rc && k->sopt.method == FA_METHOD_BDF && k->sopt.preconditioner == FA_PRECOND_FFT)
        rc = fa_sprec_create(k->sp, k->sopt.prec_levels, &k->prec);
    if (!rc) {
        fa_integrator_ops_t ops = {.rhs = moment_rhs, .user = k, .species_len = n,
                                   .density_name = "kinetic density", .rest_name = "kinetic momentum"};
        if (k->prec) ops.psetup = moment_psetup, ops.psolve = moment_psolve;
        rc = fa_integrator_create(len, (long)N * n, fa_model_t_start(m), y0, &k->sopt, &ops, fa_grid_comm(k->grid), &k->it);
    }
    fftw_free(y0);
    return rc;
}

/* ---- the particle model ------------------------------------------------------------ */

/* xoshiro256** seeded by splitmix64: reproducible streams for a given seed */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static uint64_t next_u64(uint64_t s[4])
{
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0], s[3] ^= s[1], s[1] ^= s[2], s[0] ^= s[3], s[2] ^= t, s[3] = rotl(s[3], 45);
    return r;
}
static double uniform01(uint64_t s[4]) { return (double)(next_u64(s) >> 11) * 0x1.0p-53; }
static double normal01(uint64_t s[4])
{
    double u = uniform01(s), v = uniform01(s);
    return sqrt(-2 * log(1 - u)) * cos(2 * M_PI * v);
}

/* Cloud-in-cell: the 2^d cells around position x and their weights. */
static int cic(const fa_grid_layout_t *g, const double *x, long cells[8], double w[8])
{
    long i0[3] = {0, 0, 0};
    double fr[3] = {0, 0, 0};
    for (int a = 0; a < g->dim; a++) {
        double sa = (x[a] + 0.5 * g->L[a]) / g->h[a] - 0.5;
        double fl = floor(sa);
        i0[a] = (long)fl;
        fr[a] = sa - fl;
    }
    int nc = 1 << g->dim;
    for (int q = 0; q < nc; q++) {
        long idx[3] = {0, 0, 0};
        double wq = 1;
        for (int a = 0; a < g->dim; a++) {
            int up = (q >> a) & 1;
            idx[a] = fa_wrap(i0[a] + up, g->n[a]);
            wq *= up ? fr[a] : 1 - fr[a];
        }
        cells[q] = fa_grid_index(g, idx[0], idx[1], idx[2]);
        w[q] = wq;
    }
    return nc;
}

/* Densities (and momenta) of all species from particles at positions P. */
static void deposit(fa_kinetic_t *k, double *const *P, int with_momentum)
{
    const fa_grid_layout_t *g = k->g;
    int d = k->d;
    memset(k->rho_p, 0, (size_t)k->N * k->nloc * sizeof(double));
    if (with_momentum) memset(k->mom_p, 0, (size_t)k->N * d * k->nloc * sizeof(double));
    double inv_vol = 1.0 / g->cell_volume;
    for (int i = 0; i < k->N; i++) {
        double *rho = k->rho_p + i * k->nloc, qv = k->q[i] * inv_vol;
        for (long p = 0; p < k->M; p++) {
            long cells[8];
            double w[8];
            int nc = cic(g, P[i] + p * d, cells, w);
            for (int c = 0; c < nc; c++) {
                rho[cells[c]] += qv * w[c];
                if (with_momentum)
                    for (int a = 0; a < d; a++) k->mom_p[((long)i * d + a) * k->nloc + cells[c]] += qv * w[c] * k->V[i][p * d + a];
            }
        }
    }
}

/* Forces F = -grad Phi_i at the particles' positions P (deposit, multipliers, centred
 * gradient, cloud-in-cell interpolation: the transpose of the deposit, so no self-force). */
static void forces(fa_kinetic_t *k, double *const *P, double *const *F)
{
    const fa_grid_layout_t *g = k->g;
    int d = k->d;
    deposit(k, P, 0);
    const double *rho[FA_MAX_SPECIES];
    for (int j = 0; j < k->N; j++) rho[j] = k->rho_p + j * k->nloc;
    fa_spectral_forward_all(k->sp, rho);
    fa_spectral_apply_kernels(k->sp);
    for (int i = 0; i < k->N; i++) {
        potential_gradient(k, i);
        for (long p = 0; p < k->M; p++) {
            long cells[8];
            double w[8];
            int nc = cic(g, P[i] + p * d, cells, w);
            for (int a = 0; a < d; a++) {
                double s = 0;
                for (int c = 0; c < nc; c++) s += w[c] * k->grad[a * k->nloc + cells[c]];
                F[i][p * d + a] = -s;
            }
        }
    }
    k->force_evals++;
    k->deposited = 0;
}

/* phi-functions of the exponential integrator, x = dt/eps, stable for every x:
 * phi1 = (1 - e^-x)/x, phi2 = (x - 1 + e^-x)/x^2, phi3 = (x^2/2 - x + 1 - e^-x)/x^3 */
static void phis(double x, double *p1, double *p2, double *p3)
{
    if (x < 0.05) { /* series: the closed forms cancel catastrophically */
        double x2 = x * x, x3 = x2 * x, x4 = x3 * x, x5 = x4 * x;
        *p1 = 1 - x / 2 + x2 / 6 - x3 / 24 + x4 / 120 - x5 / 720;
        *p2 = 0.5 - x / 6 + x2 / 24 - x3 / 120 + x4 / 720 - x5 / 5040;
        *p3 = 1.0 / 6 - x / 24 + x2 / 120 - x3 / 720 + x4 / 5040 - x5 / 40320;
    } else {
        double em = -expm1(-x); /* 1 - e^-x */
        *p1 = em / x;
        *p2 = (1 - *p1) / x;
        *p3 = (0.5 - *p2) / x;
    }
}

/* One step of the exponential Heun method for dX = V dt, eps dV = (F(X) - V) dt: exact for a
 * force varying linearly over the step between its values at X^n (k->F1, computed by the
 * caller) and at the predictor. */
static void particle_step(fa_kinetic_t *k, double dt)
{
    int d = k->d;
    double x = dt / k->eps, p1, p2, p3;
    phis(x, &p1, &p2, &p3);
    double e = exp(-x), one_e = -expm1(-x);
    for (int i = 0; i < k->N; i++)
        for (long c = 0; c < k->M * d; c++) /* predictor: the force frozen */
            k->Xs[i][c] = k->X[i][c] + dt * p1 * k->V[i][c] + dt * x * p2 * k->F1[i][c];
    forces(k, k->Xs, k->F2);
    for (int i = 0; i < k->N; i++)
        for (long c = 0; c < k->M * d; c++) {
            double v = k->V[i][c], f1 = k->F1[i][c], df = k->F2[i][c] - f1;
            k->X[i][c] += dt * p1 * v + dt * x * p2 * f1 + dt * x * p3 * df;
            k->V[i][c] = e * v + one_e * f1 + x * p2 * df;
        }
}

static int particles_advance(fa_kinetic_t *k, double tout)
{
    const fa_grid_layout_t *g = k->g;
    double hmin = g->h[0];
    for (int a = 1; a < g->dim; a++) hmin = fmin(hmin, g->h[a]);
    while (k->t < tout) {
        if (k->watch && *k->watch) return FA_ERROR(FA_EINTERRUPT, "interrupted at t = %.9g", k->t);
        if (k->steps >= k->sopt.max_steps)
            return FA_ERROR(FA_ESOLVER, "more than max_steps = %ld particle steps by t = %.9g", k->sopt.max_steps, k->t);
        /* a particle moves at most cfl/2 of a cell per step: speeds and forces bound it */
        forces(k, k->X, k->F1);
        double smax = 0;
        for (int i = 0; i < k->N; i++)
            for (long c = 0; c < k->M * k->d; c++) smax = fmax(smax, fmax(fabs(k->V[i][c]), fabs(k->F1[i][c])));
        double dt = smax > 0 ? 0.5 * k->sopt.cfl * hmin / smax : tout - k->t;
        int last = k->t + dt >= tout - 1e-12 * fmax(1.0, fabs(tout));
        if (last) dt = tout - k->t;
        particle_step(k, dt);
        k->t = last ? tout : k->t + dt;
        k->steps++;
        for (int i = 0; i < k->N; i++)
            for (long c = 0; c < k->M * k->d; c++)
                if (!isfinite(k->X[i][c]) || !isfinite(k->V[i][c]))
                    return FA_ERROR(FA_ENUMERIC, "particle %ld of species %d became non-finite at t = %.9g", c / k->d, i + 1, k->t);
    }
    return FA_OK;
}

static int particles_create(fa_kinetic_t *k)
{
    const fa_model_t *m = k->model;
    const fa_grid_layout_t *g = k->g;
    int N = k->N, d = k->d;
    long n = k->nloc, M = k->M = k->opt.particles;
    if (g->slow_count != g->n[g->slow])
        return FA_ERROR(FA_EUNSUPPORTED, "the particle model does not run on a distributed grid yet (use model = moment)");
    k->X = fa_calloc((size_t)N, sizeof(double *));
    k->V = fa_calloc((size_t)N, sizeof(double *));
    k->F1 = fa_calloc((size_t)N, sizeof(double *));
    k->F2 = fa_calloc((size_t)N, sizeof(double *));
    k->Xs = fa_calloc((size_t)N, sizeof(double *));
    k->q = fa_calloc((size_t)N, sizeof(double));
    k->rho_p = fa_malloc((size_t)N * n * sizeof(double));
    k->mom_p = fa_malloc((size_t)N * d * n * sizeof(double));
    double *rho0 = fa_malloc((size_t)N * n * sizeof(double)), *cum = fa_malloc((size_t)n * sizeof(double));
    if (!k->X || !k->V || !k->F1 || !k->F2 || !k->Xs || !k->q || !k->rho_p || !k->mom_p || !rho0 || !cum) {
        free(rho0);
        free(cum);
        return FA_ERROR(FA_ENOMEM, "out of memory for %ld particles", M);
    }
    for (int i = 0; i < N; i++) {
        size_t sz = (size_t)M * d * sizeof(double);
        if (!(k->X[i] = fa_malloc(sz)) || !(k->V[i] = fa_malloc(sz)) || !(k->F1[i] = fa_malloc(sz)) ||
            !(k->F2[i] = fa_malloc(sz)) || !(k->Xs[i] = fa_malloc(sz))) {
            free(rho0);
            free(cum);
            return FA_ERROR(FA_ENOMEM, "out of memory for %ld particles", M);
        }
    }
    int rc = FA_OK;
    for (int i = 0; !rc && i < N; i++) rc = fa_model_initial(m, i, rho0 + i * n);
    uint64_t seed = k->opt.seed;
    for (int j = 0; j < 4; j++) k->rng[j] = splitmix64(&seed);
    /* positions: cells drawn by mass, uniform inside */
    for (int i = 0; !rc && i < N; i++) {
        const double *r = rho0 + i * n;
        double total = 0;
        for (long c = 0; c < n; c++) cum[c] = total += fmax(r[c], 0.0) * g->cell_volume;
        if (!(total > 0)) {
            rc = FA_ERROR(FA_EINVAL, "species %d has no mass to sample particles from", i + 1);
            break;
        }
        k->q[i] = total / (double)M;
        for (long p = 0; p < M; p++) {
            double u = uniform01(k->rng) * total;
            long lo = 0, hi = n - 1;
            while (lo < hi) {
                long mid = (lo + hi) / 2;
                if (cum[mid] > u) hi = mid;
                else lo = mid + 1;
            }
            long ix = lo % g->n[0], iy = (lo / g->n[0]) % g->n[1], iz = lo / (g->n[0] * g->n[1]);
            long idx[3] = {ix, iy, iz};
            for (int a = 0; a < d; a++)
                k->X[i][p * d + a] = -0.5 * g->L[a] + (idx[a] + uniform01(k->rng)) * g->h[a];
        }
    }
    /* velocities: the macroscopic u_i0 = -grad Phi_i(rho0) at the particle, and/or zero, plus
     * a Gaussian spread */
    if (!rc) {
        const double *rho[FA_MAX_SPECIES];
        for (int j = 0; j < N; j++) rho[j] = rho0 + j * n;
        fa_spectral_forward_all(k->sp, rho);
        fa_spectral_apply_kernels(k->sp);
        for (int i = 0; i < N; i++) {
            potential_gradient(k, i);
            for (long p = 0; p < M; p++) {
                long cells[8];
                double w[8];
                int nc = cic(g, k->X[i] + p * d, cells, w);
                for (int a = 0; a < d; a++) {
                    double s = 0;
                    if (k->opt.velocity == FA_VELOCITY_EQUILIBRIUM)
                        for (int c = 0; c < nc; c++) s -= w[c] * k->grad[a * n + cells[c]];
                    if (k->opt.spread > 0) s += k->opt.spread * normal01(k->rng);
                    k->V[i][p * d + a] = s + k->opt.drift[a];
                }
            }
        }
    }
    k->t = fa_model_t_start(m);
    free(rho0);
    free(cum);
    return rc;
}

/* ---- common ------------------------------------------------------------------------ */

int fa_kinetic_create(const fa_model_t *m, double epsilon, fa_kinetic_t **out)
{
    *out = NULL;
    if (!(epsilon > 0)) return FA_ERROR(FA_EINVAL, "the inertia epsilon must be positive, got %g", epsilon);
    fa_kinetic_t *k = fa_calloc(1, sizeof *k);
    if (!k) return FA_ENOMEM;
    k->model = m;
    k->grid = fa_model_grid(m);
    k->g = fa_grid_layout(k->grid);
    k->N = fa_model_species(m);
    k->d = k->g->dim;
    k->nloc = k->g->nlocal;
    k->eps = epsilon;
    k->opt = *fa_model_kinetic_options(m);
    k->sopt = *fa_model_solver_options(m);
    k->lim = fa_fv_limiter_id(k->sopt.scheme, k->sopt.limiter);
    fa_fft_options_t fo = {.threads = k->sopt.threads, .measure = k->sopt.fft_measure, .wisdom = k->sopt.wisdom};
    int rc = fa_spectral_create(k->grid, k->N, fa_model_kernels(m), &fo, &k->sp);
    if (!rc) {
        k->phi = fftw_malloc((size_t)k->nloc * sizeof(double));
        k->grad = fa_malloc((size_t)k->d * k->nloc * sizeof(double));
        if (k->g->distributed) /* the fields with halo planes of moment_axis */
            k->ext = fa_malloc((size_t)(3 + k->d) * (k->g->slow_count + 4) * k->g->plane * sizeof(double));
        if (!k->phi || !k->grad || (k->g->distributed && !k->ext)) rc = FA_ERROR(FA_ENOMEM, "out of memory for the kinetic model");
    }
    if (!rc) rc = k->opt.model == FA_KINETIC_MOMENT ? moment_create(k) : particles_create(k);
    if (rc) {
        fa_kinetic_free(k);
        return rc;
    }
    *out = k;
    return FA_OK;
}

void fa_kinetic_free(fa_kinetic_t *k)
{
    if (!k) return;
    fa_integrator_free(k->it);
    fa_sprec_free(k->prec);
    fa_spectral_free(k->sp);
    fftw_free(k->phi);
    free(k->grad);
    free(k->dev);
    free(k->line);
    free(k->ext);
    free(k->floor);
    for (int i = 0; i < k->N; i++) {
        if (k->X) free(k->X[i]);
        if (k->V) free(k->V[i]);
        if (k->F1) free(k->F1[i]);
        if (k->F2) free(k->F2[i]);
        if (k->Xs) free(k->Xs[i]);
    }
    free(k->X);
    free(k->V);
    free(k->F1);
    free(k->F2);
    free(k->Xs);
    free(k->q);
    free(k->rho_p);
    free(k->mom_p);
    free(k);
}

int fa_kinetic_advance(fa_kinetic_t *k, double tout)
{
    if (k->it) return fa_integrator_advance(k->it, tout);
    return particles_advance(k, tout);
}

double fa_kinetic_time(const fa_kinetic_t *k) { return k->it ? fa_integrator_time(k->it) : k->t; }
double fa_kinetic_epsilon(const fa_kinetic_t *k) { return k->eps; }

void fa_kinetic_watch_flag(fa_kinetic_t *k, volatile sig_atomic_t *flag)
{
    k->watch = flag;
    if (k->it) fa_integrator_watch(k->it, flag);
}

void fa_kinetic_get_stats(const fa_kinetic_t *k, fa_solver_stats_t *st)
{
    if (k->it) {
        fa_integrator_stats(k->it, st);
        return;
    }
    memset(st, 0, sizeof *st);
    st->steps = k->steps;
    st->rhs_evals = k->force_evals;
}

static void ensure_deposited(fa_kinetic_t *k)
{
    if (k->it || k->deposited) return;
    deposit(k, k->X, 1);
    k->deposited = 1;
}

const double *fa_kinetic_density(fa_kinetic_t *k, int i)
{
    if (k->it) return RHO(fa_integrator_state(k->it), i);
    ensure_deposited(k);
    return k->rho_p + i * k->nloc;
}

const double *fa_kinetic_momentum(fa_kinetic_t *k, int i, int a)
{
    if (k->it) return MOM(fa_integrator_state(k->it), i, a);
    ensure_deposited(k);
    return k->mom_p + ((long)i * k->d + a) * k->nloc;
}

int fa_kinetic_total_momentum(fa_kinetic_t *k, int i, double J[3])
{
    for (int a = 0; a < 3; a++) J[a] = 0;
    if (!k->it) {
        for (long p = 0; p < k->M; p++)
            for (int a = 0; a < k->d; a++) J[a] += k->q[i] * k->V[i][p * k->d + a];
        return FA_OK;
    }
    for (int a = 0; a < k->d; a++) J[a] = fa_diag_mass(k->grid, fa_kinetic_momentum(k, i, a));
    return FA_OK;
}

int fa_kinetic_center_of_mass(fa_kinetic_t *k, int i, double X[3])
{
    for (int a = 0; a < 3; a++) X[a] = 0;
    if (!k->it) {
        for (long p = 0; p < k->M; p++)
            for (int a = 0; a < k->d; a++) X[a] += k->X[i][p * k->d + a] / (double)k->M;
        return FA_OK;
    }
    const double *rho = fa_kinetic_density(k, i);
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
    return FA_OK;
}

int fa_kinetic_modulated(fa_kinetic_t *k, const double *const rho_macro[], double kinetic[], double interaction[])
{
    const fa_grid_layout_t *g = k->g;
    int d = k->d;
    long n = k->nloc;
    /* the macroscopic velocities u_i = -grad Phi_i(rho_macro), cell centred: one transform of
     * each macroscopic density, one inverse per species */
    fa_spectral_forward_all(k->sp, rho_macro);
    fa_spectral_apply_kernels(k->sp);
    for (int i = 0; i < k->N; i++) {
        potential_gradient(k, i);
        const double *grad = k->grad; /* u = -grad */
        double kin = 0;
        if (k->it) { /* 1/2 int rho |u - w|^2 = 1/2 sum h^d |rho u - m|^2 / rho */
            const double *rho = fa_kinetic_density(k, i);
            for (long c = 0; c < n; c++) {
                double e2 = 0;
                for (int a = 0; a < d; a++) {
                    double dm = -rho[c] * grad[a * n + c] - fa_kinetic_momentum(k, i, a)[c];
                    e2 += dm * dm;
                }
                if (rho[c] > k->floor[i]) kin += e2 / rho[c];
            }
            kin *= 0.5 * g->cell_volume;
        } else { /* 1/2 sum_p q |u(X_p) - V_p|^2 */
            for (long p = 0; p < k->M; p++) {
                long cells[8];
                double w[8];
                int nc = cic(g, k->X[i] + p * d, cells, w);
                for (int a = 0; a < d; a++) {
                    double u = 0;
                    for (int c = 0; c < nc; c++) u -= w[c] * grad[a * n + cells[c]];
                    double dv = u - k->V[i][p * d + a];
                    kin += 0.5 * k->q[i] * dv * dv;
                }
            }
        }
        kinetic[i] = fa_gsum(k->grid, kin);
        double form;
        FA_TRY(fa_spectral_kernel_form(k->sp, i, rho_macro[i], fa_kinetic_density(k, i), &form));
        interaction[i] = form / (2 * k->eps);
    }
    return FA_OK;
}
