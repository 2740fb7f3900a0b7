/* Initial profiles as cell averages (doc/theory/exact-solutions.md section 1: compare cell averages with cell averages).
 * One table row per profile type. */
#include "grid_internal.h"
#include "model_internal.h"
#include "runfile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double fa_barenblatt_k(int d, double s)
{
    return d * tgamma(0.5 * d) /
           (pow(2.0, 2 - 2 * s) * (d + 2 - 2 * s) * tgamma(2 - s) * tgamma(0.5 * (d + 2 - 2 * s)));
}

double fa_barenblatt_mass0(int d, double s)
{
    return fa_barenblatt_k(d, s) * pow(M_PI, 0.5 * d) * tgamma(2 - s) / tgamma(0.5 * d + 2 - s);
}

typedef struct {
    const fa_grid_t *g;
    const fa_initial_t *in;
    /* barenblatt: rho(x) = amp (1 - |x-c|^2 / R^2)_+^(1-s) */
    double amp, R;
} profile_t;

static double barenblatt_at(const double x[3], void *u)
{
    const profile_t *p = u;
    double d[3];
    fa_grid_delta(p->g, x, p->in->center, d);
    double y2 = (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) / (p->R * p->R);
    return y2 < 1 ? p->amp * pow(1 - y2, 1 - p->in->s) : 0.0;
}

static double plateau_at(const double x[3], void *u)
{
    const profile_t *p = u;
    double d[3];
    fa_grid_delta(p->g, x, p->in->center, d);
    double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    return r2 < p->in->radius * p->in->radius ? p->in->value : p->in->background;
}

/* Quadrature of a profile with a non-smooth edge misses a little mass (about h^2.5
 * relative in 2D); the exact cell averages of a profile of mass M sum to M, so rescale.
 * (Gaussians are averaged exactly, with erf, and need no rescaling.) */
static int normalise_mass(const fa_grid_t *g, double *rho, double mass)
{
    double have = fa_diag_mass(g, rho);
    if (!(have > 0)) return FA_ERROR(FA_EINVAL, "initial profile has no mass on this grid (too narrow?)");
    for (long c = 0; c < fa_grid_layout(g)->nlocal; c++) rho[c] *= mass / have;
    return FA_OK;
}

/* Barenblatt: rho(x, t0) = u_M(x - c, kappa t0), u_M(x, t) = lambda U(x, lambda t),
 * U(x, t) = t^-a Phi(x t^-b), Phi(y) = k (1 - |y|^2)_+^(1-s), lambda = M / M0. */
static int fill_barenblatt(const fa_grid_t *g, const fa_initial_t *in, double *rho)
{
    int d = fa_grid_dim(g);
    double s = in->s, b = 1.0 / (d + 2 - 2 * s), a = d * b;
    double lambda = in->mass / fa_barenblatt_mass0(d, s);
    double tau = lambda * in->kappa * in->time;
    profile_t p = {.g = g, .in = in};
    p.R = pow(tau, b);
    p.amp = lambda * pow(tau, -a) * fa_barenblatt_k(d, s);
    FA_TRY(fa_cell_averages(g, barenblatt_at, &p, in->center, p.R, rho));
    return normalise_mass(g, rho, in->mass);
}

/* Integral over [x0, x1] of the unit normal density centred at mu, width sig, written so that
 * tails keep their relative accuracy (erfc where erf would cancel). */
static double normal_mass(double x0, double x1, double mu, double sig)
{
    double z0 = (x0 - mu) / (M_SQRT2 * sig), z1 = (x1 - mu) / (M_SQRT2 * sig);
    if (z0 >= 0) return 0.5 * (erfc(z0) - erfc(z1));
    if (z1 <= 0) return 0.5 * (erfc(-z1) - erfc(-z0));
    return 0.5 * (erf(z1) - erf(z0));
}

/* Cell average over [x0, x0 + h] of the periodised unit normal density of width sig centred at
 * mu on a period L: images (erf) when the Gaussian is narrow, else its Fourier series
 * (1/L)(1 + 2 sum_k q^(k^2) cos(2 pi k (x_c - mu)/L) sinc(pi k h / L)), q = e^(-2 pi^2 sig^2/L^2),
 * which converges in a few terms exactly when the images would need many. Both are exact to
 * e^-40 relative. (Images alone need 9 sig/L of them: a hang for sig >> L.) */
#define FA_GAUSS_IMAGES 64
static double gaussian_cell(double x0, double h, double mu, double sig, double L)
{
    double r = sig / L;
    if (9 * r <= FA_GAUSS_IMAGES) {
        int images = (int)ceil(9 * r) + 1;
        double sum = 0;
        for (int m = -images; m <= images; m++) sum += normal_mass(x0, x0 + h, mu + m * L, sig);
        return sum / h;
    }
    int terms = (int)ceil(sqrt(40 / (2 * M_PI * M_PI)) / r);
    double xc = x0 + 0.5 * h, sum = 1;
    for (int k = 1; k <= terms; k++) {
        double z = M_PI * k * h / L;
        sum += 2 * exp(-2 * M_PI * M_PI * r * r * k * k) * cos(2 * M_PI * k * (xc - mu) / L) * sin(z) / z;
    }
    return sum / L;
}

/* The Gaussian (periodised on a periodic grid; on a free grid the part inside the box) is a
 * product over axes, so its cell averages are products of exact 1D cell averages. */
static int fill_gaussian(const fa_grid_t *grid, const fa_initial_t *in, double *rho)
{
    const fa_grid_layout_t *g = fa_grid_layout(grid);
    int periodic = g->boundary == FA_BOUNDARY_PERIODIC;
    double *avg[3] = {NULL, NULL, NULL};
    int rc = FA_OK;
    for (int a = 0; a < 3 && !rc; a++) {
        avg[a] = fa_malloc((size_t)g->n[a] * sizeof(double));
        if (!avg[a]) {
            rc = FA_ENOMEM;
            break;
        }
        if (a >= g->dim) {
            avg[a][0] = 1;
            continue;
        }
        for (long i = 0; i < g->n[a]; i++)
            avg[a][i] = periodic ? gaussian_cell(-0.5 * g->L[a] + i * g->h[a], g->h[a], in->center[a], in->width, g->L[a])
                                 : normal_mass(-0.5 * g->L[a] + i * g->h[a], -0.5 * g->L[a] + (i + 1) * g->h[a],
                                               in->center[a], in->width) / g->h[a];
    }
    if (!rc) {
        long lo[3], hi[3], c = 0;
        fa_grid_local_range(grid, lo, hi);
        for (long iz = lo[2]; iz < hi[2]; iz++)
            for (long iy = lo[1]; iy < hi[1]; iy++)
                for (long ix = lo[0]; ix < hi[0]; ix++) rho[c++] = in->mass * avg[0][ix] * avg[1][iy] * avg[2][iz];
    }
    for (int a = 0; a < 3; a++) free(avg[a]);
    return rc;
}

static int fill_plateau(const fa_grid_t *g, const fa_initial_t *in, double *rho)
{
    profile_t p = {.g = g, .in = in};
    return fa_cell_averages(g, plateau_at, &p, in->center, in->radius, rho);
}

/* rho_bar + delta cos(k.x): its cell average is exact,
 * rho_bar + delta cos(k.x_c) prod_a sinc(k_a h_a / 2). */
static int fill_mode(const fa_grid_t *grid, const fa_initial_t *in, double *rho)
{
    const fa_grid_layout_t *g = fa_grid_layout(grid);
    double k[3] = {0, 0, 0}, damp = 1;
    for (int a = 0; a < g->dim; a++) {
        k[a] = 2 * M_PI * (double)in->wavenumber[a] / g->L[a];
        double z = 0.5 * k[a] * g->h[a];
        damp *= z != 0 ? sin(z) / z : 1.0;
    }
    long lo[3], hi[3], c = 0;
    fa_grid_local_range(grid, lo, hi);
    for (long iz = lo[2]; iz < hi[2]; iz++)
        for (long iy = lo[1]; iy < hi[1]; iy++)
            for (long ix = lo[0]; ix < hi[0]; ix++) {
                double phase = k[0] * fa_grid_center(grid, 0, ix) + k[1] * fa_grid_center(grid, 1, iy) +
                               k[2] * fa_grid_center(grid, 2, iz);
                rho[c++] = in->mean + in->amplitude * damp * cos(phase);
            }
    return FA_OK;
}

static int fill_file(const fa_grid_t *g, const fa_initial_t *in, double *rho)
{
    double found;
    return fa_runfile_read(in->path, in->file_species, in->has_time, in->time, g, rho, &found);
}

static const struct {
    fa_init_type_t type;
    const char *name;
    int (*fill)(const fa_grid_t *, const fa_initial_t *, double *);
} profiles[] = {
    {FA_INIT_BARENBLATT, "barenblatt", fill_barenblatt},
    {FA_INIT_GAUSSIAN, "gaussian", fill_gaussian},
    {FA_INIT_PLATEAU, "plateau", fill_plateau},
    {FA_INIT_MODE, "mode", fill_mode},
    {FA_INIT_FILE, "file", fill_file},
};

int fa_initial_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
        if (strcmp(profiles[i].name, name) == 0) return (int)profiles[i].type;
    return -1;
}

int fa_initial_fill(const fa_grid_t *g, const fa_initial_t *in, double *rho)
{
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
        if (profiles[i].type == in->type) return profiles[i].fill(g, in, rho);
    return FA_ERROR(FA_EINVAL, "unknown initial profile type %d", (int)in->type);
}
