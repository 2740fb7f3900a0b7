/* The kinetic companion (kinetic.h): the interface, and what the two models share: the
 * potential and its centred gradient, halo planes, the comparison with the macroscopic
 * densities (W1 and the modulated energy). The models are kinetic_moment.c (the monokinetic
 * closure, asymptotic-preserving finite volumes, implicit relaxation through the integrator)
 * and kinetic_particles.c (particle-in-cell forces, an exponential integrator). */
#include "kinetic_private.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fv.h"
#include "memory.h"

long fa_kinetic_neighbour(const fa_grid_layout_t *g, long c, int a, long off)
{
    long s = g->stride[a], n = g->n[a], k = (c / s) % n, j = k + off;
    if (g->boundary == FA_BOUNDARY_FREE) return j >= 0 && j < n ? c + off * s : -1;
    return c + (fa_wrap(j, n) - k) * s;
}

const double *fa_kinetic_extend(fa_kinetic_t *k, const double *f, int depth, int phi, double *ext)
{
    const fa_grid_layout_t *g = k->g;
    long ps = g->plane, np = g->slow_count;
    double *lower = ext, *upper = ext + (depth + np) * ps;
    memcpy(ext + depth * ps, f, (size_t)g->nlocal * sizeof(double));
    fa_grid_halo(k->grid, f, depth, lower, upper);
    if (g->boundary == FA_BOUNDARY_FREE) { /* ghosts beyond the box's faces */
        int first = g->slow_start == 0, last = g->slow_start + np == g->n[g->slow];
        for (int q = 0; q < depth; q++) {
            if (first) {
                if (phi) memcpy(lower + q * ps, f, (size_t)ps * sizeof(double));
                else memset(lower + q * ps, 0, (size_t)ps * sizeof(double));
            }
            if (last) {
                if (phi) memcpy(upper + q * ps, f + (np - 1) * ps, (size_t)ps * sizeof(double));
                else memset(upper + q * ps, 0, (size_t)ps * sizeof(double));
            }
        }
    }
    return ext;
}

/* grad[a] = (f[c+1] - f[c-1]) / (2 h_a); at a free box's faces the one-sided difference
 * (a cell with no neighbour on one side: the other side's difference, over h_a). */
static void centred_gradient(fa_kinetic_t *k, const double *f, double *grad)
{
    const fa_grid_layout_t *g = k->g;
    int fr = g->boundary == FA_BOUNDARY_FREE;
    for (int a = 0; a < g->dim; a++) {
        double inv = 0.5 / g->h[a];
        double *ga = grad + a * g->nlocal;
        if (a == g->slow && g->distributed) { /* across the slab: with halos */
            const double *e = fa_kinetic_extend(k, f, 1, 1, k->ext);
            long ps = g->plane;
            for (long c = 0; c < g->nlocal; c++) {
                long p = g->slow_start + c / ps; /* global plane */
                double up = e[c + 2 * ps], dn = e[c], w = inv;
                if (fr && p == 0) dn = e[c + ps], w = 2 * inv;
                if (fr && p == g->n[a] - 1) up = e[c + ps], w = 2 * inv;
                ga[c] = g->n[a] > 1 ? (up - dn) * w : 0.0;
            }
            continue;
        }
        for (long c = 0; c < g->nlocal; c++) {
            long cu = fa_kinetic_neighbour(g, c, a, 1), cd = fa_kinetic_neighbour(g, c, a, -1);
            if (cu >= 0 && cd >= 0) ga[c] = (f[cu] - f[cd]) * inv;
            else if (cu >= 0) ga[c] = (f[cu] - f[c]) * 2 * inv;
            else if (cd >= 0) ga[c] = (f[c] - f[cd]) * 2 * inv;
            else ga[c] = 0;
        }
    }
}

void fa_kinetic_potential_gradient(fa_kinetic_t *k, int i)
{
    fa_spectral_inverse_species(k->sp, i, k->phi);
    centred_gradient(k, k->phi, k->grad);
}

/* ---- the interface ----------------------------------------------------------------- */

double fa_kinetic_memory(const fa_model_t *m)
{
    const fa_grid_t *grid = fa_model_grid(m);
    const fa_grid_layout_t *g = fa_grid_layout(grid);
    const fa_solver_options_t *so = fa_model_solver_options(m);
    int N = fa_model_species(m), d = g->dim;
    const fa_kinetic_ops_t *ops =
        fa_model_kinetic_options(m)->model == FA_KINETIC_MOMENT ? &fa_kinetic_moment_ops : &fa_kinetic_particle_ops;
    double setup, b = fa_spectral_memory(grid, N, fa_model_kernels(m), so->threads, &setup);
    b += (1.0 + d) * g->nlocal * sizeof(double); /* phi, grad */
    if (g->distributed) b += (3.0 + d) * (g->slow_count + 4) * g->plane * sizeof(double);
    double rest = ops->memory(m) + fa_w1g_memory(grid); /* the model, the comparison's W1 */
    return b + (rest > setup ? rest : setup);
}

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
    k->ops = k->opt.model == FA_KINETIC_MOMENT ? &fa_kinetic_moment_ops : &fa_kinetic_particle_ops;
    fa_fft_options_t fo = {.threads = k->sopt.threads, .measure = k->sopt.fft_measure, .wisdom = k->sopt.wisdom};
    int rc = fa_spectral_create(k->grid, k->N, fa_model_kernels(m), &fo, &k->sp);
    if (!rc) {
        k->phi = fftw_malloc((size_t)(k->nloc > 0 ? k->nloc : 1) * sizeof(double));
        k->grad = fa_malloc((size_t)(k->d * k->nloc > 0 ? k->d * k->nloc : 1) * sizeof(double));
        if (k->g->distributed) /* the fields with halo planes of the moment model's fluxes */
            k->ext = fa_malloc((size_t)(3 + k->d) * (k->g->slow_count + 4) * k->g->plane * sizeof(double));
        if (!k->phi || !k->grad || (k->g->distributed && !k->ext))
            rc = FA_ERROR(FA_ENOMEM, "out of memory for the kinetic model");
    }
    if (!rc) rc = k->ops->create(k);
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
    if (k->ops) k->ops->free(k);
    fa_w1g_free(k->w1);
    fa_spectral_free(k->sp);
    fftw_free(k->phi);
    free(k->grad);
    free(k->ext);
    free(k);
}

int fa_kinetic_resume(fa_kinetic_t *k, const char *path)
{
    if (!k->ops->resume)
        return FA_ERROR(FA_EUNSUPPORTED, "%s: a run of the kinetic %s model cannot be continued: its state (every "
                        "particle's position and velocity) is not in the run file; start a new run", path, k->ops->name);
    return k->ops->resume(k, path);
}

int fa_kinetic_advance(fa_kinetic_t *k, double tout) { return k->ops->advance(k, tout); }
double fa_kinetic_time(const fa_kinetic_t *k) { return k->ops->time(k); }
double fa_kinetic_epsilon(const fa_kinetic_t *k) { return k->eps; }
const char *fa_kinetic_model_name(const fa_kinetic_t *k) { return k->ops->name; }

void fa_kinetic_get_stats(const fa_kinetic_t *k, fa_solver_stats_t *st) { k->ops->stats(k, st); }
const double *fa_kinetic_density(fa_kinetic_t *k, int i) { return k->ops->density(k, i); }
const double *fa_kinetic_momentum(fa_kinetic_t *k, int i, int a) { return k->ops->momentum(k, i, a); }

int fa_kinetic_total_momentum(fa_kinetic_t *k, int i, double J[3])
{
    for (int a = 0; a < 3; a++) J[a] = 0;
    k->ops->total_momentum(k, i, J);
    return FA_OK;
}

int fa_kinetic_center_of_mass(fa_kinetic_t *k, int i, double X[3])
{
    for (int a = 0; a < 3; a++) X[a] = 0;
    k->ops->center_of_mass(k, i, X);
    return FA_OK;
}

/* ---- the comparison with the macroscopic densities --------------------------------- */

int fa_comparison_init(fa_comparison_t *c, int nspecies)
{
    memset(c, 0, sizeof *c);
    double *buf = fa_calloc((size_t)4 * (nspecies > 0 ? nspecies : 1), sizeof(double));
    if (!buf) return FA_ENOMEM;
    c->nspecies = nspecies;
    c->w1 = buf;
    c->modulated = buf + nspecies;
    c->kinetic = buf + 2 * nspecies;
    c->interaction = buf + 3 * nspecies;
    return FA_OK;
}

void fa_comparison_free(fa_comparison_t *c)
{
    if (!c) return;
    free(c->w1);
    memset(c, 0, sizeof *c);
}

int fa_kinetic_compare(fa_kinetic_t *k, const double *const rho_macro[], fa_comparison_t *out)
{
    if (out->nspecies != k->N)
        return FA_ERROR(FA_EINVAL, "a comparison of %d species for a model of %d", out->nspecies, k->N);
    if (!k->w1) FA_TRY(fa_w1g_create(k->grid, &k->w1));
    /* the macroscopic velocities u_i = -grad Phi_i(rho_macro), cell centred: one transform of
     * each macroscopic density, one inverse per species */
    fa_spectral_forward_all(k->sp, rho_macro);
    fa_spectral_apply_kernels(k->sp);
    for (int i = 0; i < k->N; i++) {
        fa_kinetic_potential_gradient(k, i);
        out->kinetic[i] = fa_gsum(k->grid, k->ops->velocity_gap(k, i, k->grad));
    }
    for (int i = 0; i < k->N; i++) {
        const double *rk = fa_kinetic_density(k, i);
        double form;
        FA_TRY(fa_spectral_kernel_form(k->sp, i, rho_macro[i], rk, &form));
        out->interaction[i] = form / (2 * k->eps);
        out->modulated[i] = out->kinetic[i] + out->interaction[i];
        FA_TRY(fa_w1g_compute(k->w1, rk, rho_macro[i], &out->w1[i]));
    }
    return FA_OK;
}
