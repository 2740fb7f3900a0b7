/* The kinetic particle model: M particles per species on the characteristics of the kinetic
 * system, dX = V dt, eps dV = -(V + grad Phi_i(X)) dt (a measure solution is the push-forward
 * of the initial data along them: particles are exact solutions, doc/theory/kinetic.md).
 * Forces by particle-in-cell: cloud-in-cell deposit, the same multipliers as the macroscopic
 * solver, cloud-in-cell interpolation of the centred gradient (the transpose of the deposit, so
 * no self-force). Time stepping by a second-order exponential integrator that is exact for the
 * relaxation and becomes Heun's method for dX/dt = -grad Phi as eps -> 0. On a free grid the
 * cloud's cells beyond the box fold onto the boundary cell (mass kept), and a particle that
 * leaves the box stops the run (FA_EDOMAIN). */
#include "kinetic_private.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fv.h"
#include "memory.h"

typedef struct {
    long M;                  /* particles per species */
    double **X, **V, *q;     /* positions (unwrapped) and velocities (M * d each), particle mass */
    double *rho_p, *mom_p;   /* deposited densities (N * nloc) and momenta (N * d * nloc) */
    double **F1, **F2, **Xs; /* forces at the step's start and predictor, predicted positions */
    int deposited;           /* rho_p/mom_p describe the current particles */
    double t;
    long steps, force_evals;
    uint64_t rng[4];
} particles_t;

#define P(k) ((particles_t *)(k)->impl)

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

/* Cloud-in-cell: the 2^d cells around position x and their weights (periodic wrap, or on a
 * free grid the cells beyond a face folded onto the boundary cell). */
static int cic(const fa_grid_layout_t *g, const double *x, long cells[8], double w[8])
{
    long i0[3] = {0, 0, 0};
    double fr[3] = {0, 0, 0};
    int fold = g->boundary == FA_BOUNDARY_FREE;
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
            long j = i0[a] + up;
            idx[a] = fold ? (j < 0 ? 0 : j >= g->n[a] ? g->n[a] - 1 : j) : fa_wrap(j, g->n[a]);
            wq *= up ? fr[a] : 1 - fr[a];
        }
        cells[q] = fa_grid_index(g, idx[0], idx[1], idx[2]);
        w[q] = wq;
    }
    return nc;
}

/* Densities (and momenta) of all species from particles at positions X. */
static void deposit(fa_kinetic_t *k, double *const *X, int with_momentum)
{
    particles_t *pt = P(k);
    const fa_grid_layout_t *g = k->g;
    int d = k->d;
    memset(pt->rho_p, 0, (size_t)k->N * k->nloc * sizeof(double));
    if (with_momentum) memset(pt->mom_p, 0, (size_t)k->N * d * k->nloc * sizeof(double));
    double inv_vol = 1.0 / g->cell_volume;
    for (int i = 0; i < k->N; i++) {
        double *rho = pt->rho_p + i * k->nloc, qv = pt->q[i] * inv_vol;
        for (long p = 0; p < pt->M; p++) {
            long cells[8];
            double w[8];
            int nc = cic(g, X[i] + p * d, cells, w);
            for (int c = 0; c < nc; c++) {
                rho[cells[c]] += qv * w[c];
                if (with_momentum)
                    for (int a = 0; a < d; a++)
                        pt->mom_p[((long)i * d + a) * k->nloc + cells[c]] += qv * w[c] * pt->V[i][p * d + a];
            }
        }
    }
}

/* Minus the gradient at the particles' positions X (after fa_kinetic_potential_gradient). */
static void interpolate_force(fa_kinetic_t *k, const double *X, long count, double *F)
{
    int d = k->d;
    for (long p = 0; p < count; p++) {
        long cells[8];
        double w[8];
        int nc = cic(k->g, X + p * d, cells, w);
        for (int a = 0; a < d; a++) {
            double s = 0;
            for (int c = 0; c < nc; c++) s += w[c] * k->grad[a * k->nloc + cells[c]];
            F[p * d + a] = -s;
        }
    }
}

/* Forces F = -grad Phi_i at the particles' positions X. */
static void forces(fa_kinetic_t *k, double *const *X, double *const *F)
{
    particles_t *pt = P(k);
    deposit(k, X, 0);
    const double *rho[FA_MAX_SPECIES];
    for (int j = 0; j < k->N; j++) rho[j] = pt->rho_p + j * k->nloc;
    fa_spectral_forward_all(k->sp, rho);
    fa_spectral_apply_kernels(k->sp);
    for (int i = 0; i < k->N; i++) {
        fa_kinetic_potential_gradient(k, i);
        interpolate_force(k, X[i], pt->M, F[i]);
    }
    pt->force_evals++;
    pt->deposited = 0;
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
 * force varying linearly over the step between its values at X^n (F1, computed by the caller)
 * and at the predictor. */
static void particle_step(fa_kinetic_t *k, double dt)
{
    particles_t *pt = P(k);
    int d = k->d;
    double x = dt / k->eps, p1, p2, p3;
    phis(x, &p1, &p2, &p3);
    double e = exp(-x), one_e = -expm1(-x);
    for (int i = 0; i < k->N; i++)
        for (long c = 0; c < pt->M * d; c++) /* predictor: the force frozen */
            pt->Xs[i][c] = pt->X[i][c] + dt * p1 * pt->V[i][c] + dt * x * p2 * pt->F1[i][c];
    forces(k, pt->Xs, pt->F2);
    for (int i = 0; i < k->N; i++)
        for (long c = 0; c < pt->M * d; c++) {
            double v = pt->V[i][c], f1 = pt->F1[i][c], df = pt->F2[i][c] - f1;
            pt->X[i][c] += dt * p1 * v + dt * x * p2 * f1 + dt * x * p3 * df;
            pt->V[i][c] = e * v + one_e * f1 + x * p2 * df;
        }
}

/* After a step: every coordinate finite, and on a free grid every particle inside the box. */
static int check_particles(fa_kinetic_t *k)
{
    particles_t *pt = P(k);
    const fa_grid_layout_t *g = k->g;
    int d = k->d, fr = g->boundary == FA_BOUNDARY_FREE;
    for (int i = 0; i < k->N; i++)
        for (long c = 0; c < pt->M * d; c++) {
            double x = pt->X[i][c];
            if (!isfinite(x) || !isfinite(pt->V[i][c]))
                return FA_ERROR(FA_ENUMERIC, "particle %ld of species %d became non-finite at t = %.9g", c / d, i + 1,
                                pt->t);
            int a = (int)(c % d);
            if (fr && !(fabs(x) < 0.5 * g->L[a]))
                return FA_ERROR(FA_EDOMAIN, "particle %ld of species %d (%s) left the box at t = %.9g (%s = %g, the "
                                "box ends at +-%g): the box no longer holds the whole-space solution; enlarge [grid] "
                                "length", c / d, i + 1, fa_model_species_name(k->model, i), pt->t, a == 0 ? "x" : a == 1 ? "y" : "z",
                                x, 0.5 * g->L[a]);
        }
    return FA_OK;
}

static int particles_advance(fa_kinetic_t *k, double tout)
{
    particles_t *pt = P(k);
    const fa_grid_layout_t *g = k->g;
    double hmin = g->h[0];
    for (int a = 1; a < g->dim; a++) hmin = fmin(hmin, g->h[a]);
    while (pt->t < tout) {
        if (fa_stop_requested()) return FA_ERROR(FA_EINTERRUPT, "interrupted at t = %.9g", pt->t);
        if (pt->steps >= k->sopt.max_steps)
            return FA_ERROR(FA_ESOLVER, "more than max_steps = %ld particle steps by t = %.9g", k->sopt.max_steps, pt->t);
        /* a particle moves at most cfl/2 of a cell per step: speeds and forces bound it */
        forces(k, pt->X, pt->F1);
        double smax = 0;
        for (int i = 0; i < k->N; i++)
            for (long c = 0; c < pt->M * k->d; c++) smax = fmax(smax, fmax(fabs(pt->V[i][c]), fabs(pt->F1[i][c])));
        double dt = smax > 0 ? 0.5 * k->sopt.cfl * hmin / smax : tout - pt->t;
        int last = pt->t + dt >= tout - 1e-12 * fmax(1.0, fabs(tout));
        if (last) dt = tout - pt->t;
        particle_step(k, dt);
        pt->t = last ? tout : pt->t + dt;
        pt->steps++;
        FA_TRY(check_particles(k));
    }
    return FA_OK;
}

/* Positions: cells drawn by mass, uniform inside. */
static int sample_positions(fa_kinetic_t *k, int i, const double *r, double *cum)
{
    particles_t *pt = P(k);
    const fa_grid_layout_t *g = k->g;
    int d = k->d;
    long n = k->nloc;
    double total = 0;
    for (long c = 0; c < n; c++) cum[c] = total += fmax(r[c], 0.0) * g->cell_volume;
    if (!(total > 0)) return FA_ERROR(FA_EINVAL, "species %d has no mass to sample particles from", i + 1);
    pt->q[i] = total / (double)pt->M;
    for (long p = 0; p < pt->M; p++) {
        /* millions of particles take seconds to draw: a stop request is honoured meanwhile */
        if ((p & 0xFFFFF) == 0 && fa_stop_requested())
            return FA_ERROR(FA_EINTERRUPT, "interrupted while sampling the particles of species %d", i + 1);
        double u = uniform01(pt->rng) * total;
        long lo = 0, hi = n - 1;
        while (lo < hi) {
            long mid = (lo + hi) / 2;
            if (cum[mid] > u) hi = mid;
            else lo = mid + 1;
        }
        long idx[3] = {lo % g->n[0], (lo / g->n[0]) % g->n[1], lo / (g->n[0] * g->n[1])};
        for (int a = 0; a < d; a++) pt->X[i][p * d + a] = -0.5 * g->L[a] + (idx[a] + uniform01(pt->rng)) * g->h[a];
    }
    return FA_OK;
}

static int particles_create(fa_kinetic_t *k)
{
    const fa_model_t *m = k->model;
    const fa_grid_layout_t *g = k->g;
    int N = k->N, d = k->d;
    long n = k->nloc;
    if (g->distributed)
        return FA_ERROR(FA_EUNSUPPORTED, "the particle model does not run on a distributed grid yet (use model = moment)");
    particles_t *pt = fa_calloc(1, sizeof *pt);
    if (!pt) return FA_ENOMEM;
    k->impl = pt;
    long M = pt->M = k->opt.particles;
    pt->X = fa_calloc((size_t)N, sizeof(double *));
    pt->V = fa_calloc((size_t)N, sizeof(double *));
    pt->F1 = fa_calloc((size_t)N, sizeof(double *));
    pt->F2 = fa_calloc((size_t)N, sizeof(double *));
    pt->Xs = fa_calloc((size_t)N, sizeof(double *));
    pt->q = fa_calloc((size_t)N, sizeof(double));
    pt->rho_p = fa_malloc((size_t)N * n * sizeof(double));
    pt->mom_p = fa_malloc((size_t)N * d * n * sizeof(double));
    double *rho0 = fa_malloc((size_t)N * n * sizeof(double)), *cum = fa_malloc((size_t)n * sizeof(double));
    int rc = !pt->X || !pt->V || !pt->F1 || !pt->F2 || !pt->Xs || !pt->q || !pt->rho_p || !pt->mom_p || !rho0 || !cum;
    for (int i = 0; !rc && i < N; i++) {
        size_t sz = (size_t)M * d * sizeof(double);
        rc = !(pt->X[i] = fa_malloc(sz)) || !(pt->V[i] = fa_malloc(sz)) || !(pt->F1[i] = fa_malloc(sz)) ||
             !(pt->F2[i] = fa_malloc(sz)) || !(pt->Xs[i] = fa_malloc(sz));
    }
    if (rc) rc = FA_ERROR(FA_ENOMEM, "out of memory for %ld particles", M);
    if (!rc) rc = fa_model_initial_state(m, rho0, n);
    uint64_t seed = k->opt.seed;
    for (int j = 0; j < 4; j++) pt->rng[j] = splitmix64(&seed);
    for (int i = 0; !rc && i < N; i++) rc = sample_positions(k, i, rho0 + i * n, cum);
    /* velocities: the macroscopic u_i0 = -grad Phi_i(rho0) at the particle, and/or zero, plus
     * a Gaussian spread */
    if (!rc) {
        const double *rho[FA_MAX_SPECIES];
        for (int j = 0; j < N; j++) rho[j] = rho0 + j * n;
        fa_spectral_forward_all(k->sp, rho);
        fa_spectral_apply_kernels(k->sp);
        for (int i = 0; i < N; i++) {
            fa_kinetic_potential_gradient(k, i);
            interpolate_force(k, pt->X[i], M, pt->V[i]);
            for (long p = 0; p < M; p++)
                for (int a = 0; a < d; a++) {
                    double *v = &pt->V[i][p * d + a];
                    if (k->opt.velocity != FA_VELOCITY_EQUILIBRIUM) *v = 0;
                    if (k->opt.spread > 0) *v += k->opt.spread * normal01(pt->rng);
                    *v += k->opt.drift[a];
                }
        }
    }
    pt->t = fa_model_t_start(m);
    free(rho0);
    free(cum);
    return rc;
}

static void particles_free(fa_kinetic_t *k)
{
    particles_t *pt = P(k);
    if (!pt) return;
    for (int i = 0; i < k->N; i++) {
        if (pt->X) free(pt->X[i]);
        if (pt->V) free(pt->V[i]);
        if (pt->F1) free(pt->F1[i]);
        if (pt->F2) free(pt->F2[i]);
        if (pt->Xs) free(pt->Xs[i]);
    }
    free(pt->X);
    free(pt->V);
    free(pt->F1);
    free(pt->F2);
    free(pt->Xs);
    free(pt->q);
    free(pt->rho_p);
    free(pt->mom_p);
    free(pt);
    k->impl = NULL;
}

static double particles_time(const fa_kinetic_t *k) { return P(k)->t; }

static void particles_stats(const fa_kinetic_t *k, fa_solver_stats_t *st)
{
    memset(st, 0, sizeof *st);
    st->steps = P(k)->steps;
    st->rhs_evals = P(k)->force_evals;
}

static void ensure_deposited(fa_kinetic_t *k)
{
    if (P(k)->deposited) return;
    deposit(k, P(k)->X, 1);
    P(k)->deposited = 1;
}

static const double *particles_density(fa_kinetic_t *k, int i)
{
    ensure_deposited(k);
    return P(k)->rho_p + i * k->nloc;
}

static const double *particles_momentum(fa_kinetic_t *k, int i, int a)
{
    ensure_deposited(k);
    return P(k)->mom_p + ((long)i * k->d + a) * k->nloc;
}

static void particles_total_momentum(fa_kinetic_t *k, int i, double J[3])
{
    particles_t *pt = P(k);
    for (long p = 0; p < pt->M; p++)
        for (int a = 0; a < k->d; a++) J[a] += pt->q[i] * pt->V[i][p * k->d + a];
}

/* of the unwrapped trajectories */
static void particles_center_of_mass(fa_kinetic_t *k, int i, double X[3])
{
    particles_t *pt = P(k);
    for (long p = 0; p < pt->M; p++)
        for (int a = 0; a < k->d; a++) X[a] += pt->X[i][p * k->d + a] / (double)pt->M;
}

/* 1/2 sum_p q |u(X_p) - V_p|^2 */
static double particles_velocity_gap(fa_kinetic_t *k, int i, const double *grad)
{
    particles_t *pt = P(k);
    int d = k->d;
    double kin = 0;
    for (long p = 0; p < pt->M; p++) {
        long cells[8];
        double w[8];
        int nc = cic(k->g, pt->X[i] + p * d, cells, w);
        for (int a = 0; a < d; a++) {
            double u = 0;
            for (int c = 0; c < nc; c++) u -= w[c] * grad[a * k->nloc + cells[c]];
            double dv = u - pt->V[i][p * d + a];
            kin += 0.5 * pt->q[i] * dv * dv;
        }
    }
    return kin;
}

static double particles_memory(const fa_model_t *m)
{
    const fa_grid_layout_t *g = fa_grid_layout(fa_model_grid(m));
    int N = fa_model_species(m), d = g->dim;
    double n = (double)g->nlocal, M = (double)fa_model_kinetic_options(m)->particles;
    /* X, V, F1, F2, Xs per species; rho_p, mom_p; rho0 and cum while sampling */
    return (5.0 * N * M * d + N * n + N * d * n + N * n + n) * sizeof(double);
}

const fa_kinetic_ops_t fa_kinetic_particle_ops = {
    .name = "particles",
    .create = particles_create,
    .memory = particles_memory,
    .free = particles_free,
    .advance = particles_advance,
    .time = particles_time,
    .stats = particles_stats,
    .density = particles_density,
    .momentum = particles_momentum,
    .total_momentum = particles_total_momentum,
    .center_of_mass = particles_center_of_mass,
    .velocity_gap = particles_velocity_gap,
};
