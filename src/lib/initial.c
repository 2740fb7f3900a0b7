/* Initial profiles as cell averages (math.md 3a: compare cell averages with cell averages).
 * One table row per profile type. */
#include "internal.h"

#include <math.h>
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

#define FA_GAUSS_TERMS 4

typedef struct {
    const fa_grid_t *g;
    const fa_initial_t *in;
    /* barenblatt: rho(x) = amp (1 - |x-c|^2 / R^2)_+^(1-s) */
    double amp, R;
    /* gaussian: per axis, images (m = -terms..terms) or Fourier terms (k = 1..terms) */
    int fourier[3], terms[3];
    double q[3][FA_GAUSS_TERMS + 1]; /* Fourier: exp(-2 pi^2 sigma^2 k^2 / L^2) */
} profile_t;

static double barenblatt_at(const double x[3], void *u)
{
    const profile_t *p = u;
    double d[3];
    fa_grid_periodic_delta(p->g, x, p->in->center, d);
    double y2 = (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) / (p->R * p->R);
    return y2 < 1 ? p->amp * pow(1 - y2, 1 - p->in->s) : 0.0;
}

/* The periodised Gaussian is a product over the axes of
 *   g(x) = sum_m exp(-(x + mL)^2 / (2 sigma^2))                      (images)
 *        = (sqrt(2 pi) sigma / L) (1 + 2 sum_k q^(k^2) cos(2 pi k x / L)),
 *          q = exp(-2 pi^2 sigma^2 / L^2)                           (Poisson summation).
 * The images converge fast for sigma small against L, the Fourier series for sigma large:
 * each axis takes the one that needs at most FA_GAUSS_TERMS terms for exp(-40) relative.
 * Constant factors are left out: fill_gaussian scales to the mass M. (Images alone needed
 * 9 sigma / L of them per axis: a hang, or an int overflow, for sigma >> L.) */
static double gaussian_axis(const profile_t *p, int a, double x)
{
    double L = p->g->L[a], sum = 0;
    if (p->fourier[a]) {
        sum = 1;
        for (int k = 1; k <= p->terms[a]; k++) sum += 2 * p->q[a][k] * cos(2 * M_PI * k * x / L);
    } else {
        for (int m = -p->terms[a]; m <= p->terms[a]; m++) {
            double z = (x + m * L) / p->in->width;
            sum += exp(-0.5 * z * z);
        }
    }
    return sum;
}

static double gaussian_at(const double x[3], void *u)
{
    const profile_t *p = u;
    double d[3], prod = 1;
    fa_grid_periodic_delta(p->g, x, p->in->center, d);
    for (int a = 0; a < p->g->dim; a++) prod *= gaussian_axis(p, a, d[a]);
    return prod;
}

static double plateau_at(const double x[3], void *u)
{
    const profile_t *p = u;
    double d[3];
    fa_grid_periodic_delta(p->g, x, p->in->center, d);
    double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
    return r2 < p->in->radius * p->in->radius ? p->in->value : p->in->background;
}

/* Quadrature of a profile with a non-smooth edge misses a little mass (about h^2.5
 * relative in 2D); the exact cell averages of a profile of mass M sum to M, so rescale. */
static int normalise_mass(const fa_grid_t *g, double *rho, double mass)
{
    double have = fa_diag_mass(g, rho);
    if (!(have > 0)) return FA_ERROR(FA_EINVAL, "initial profile has no mass on this grid (too narrow?)");
    for (long c = 0; c < g->nlocal; c++) rho[c] *= mass / have;
    return FA_OK;
}

/* Barenblatt: rho(x, t0) = u_M(x - c, kappa t0), u_M(x, t) = lambda U(x, lambda t),
 * U(x, t) = t^-a Phi(x t^-b), Phi(y) = k (1 - |y|^2)_+^(1-s), lambda = M / M0. */
static int fill_barenblatt(const fa_grid_t *g, const fa_initial_t *in, double *rho)
{
    int d = g->dim;
    double s = in->s, b = 1.0 / (d + 2 - 2 * s), a = d * b;
    double lambda = in->mass / fa_barenblatt_mass0(d, s);
    double tau = lambda * in->kappa * in->time;
    profile_t p = {.g = g, .in = in};
    p.R = pow(tau, b);
    p.amp = lambda * pow(tau, -a) * fa_barenblatt_k(d, s);
    FA_TRY(fa_cell_averages(g, barenblatt_at, &p, in->center, p.R, rho));
    return normalise_mass(g, rho, in->mass);
}

static int fill_gaussian(const fa_grid_t *g, const fa_initial_t *in, double *rho)
{
    profile_t p = {.g = g, .in = in};
    double sig = in->width;
    for (int a = 0; a < g->dim; a++) {
        double r = sig / g->L[a];
        if (9 * r <= FA_GAUSS_TERMS) { /* images out to 9 sigma: exp(-40) */
            p.terms[a] = (int)ceil(9 * r);
        } else { /* 2 pi^2 r^2 k^2 >= 40 for k > 1.43 / r (< FA_GAUSS_TERMS here) */
            p.fourier[a] = 1;
            p.terms[a] = (int)ceil(sqrt(40 / (2 * M_PI * M_PI)) / r);
            for (int k = 1; k <= p.terms[a]; k++) p.q[a][k] = exp(-2 * M_PI * M_PI * r * r * k * k);
        }
    }
    FA_TRY(fa_cell_averages(g, gaussian_at, &p, in->center, 0.0, rho));
    return normalise_mass(g, rho, in->mass);
}

static int fill_plateau(const fa_grid_t *g, const fa_initial_t *in, double *rho)
{
    profile_t p = {.g = g, .in = in};
    return fa_cell_averages(g, plateau_at, &p, in->center, in->radius, rho);
}

/* rho_bar + delta cos(k.x): its cell average is exact,
 * rho_bar + delta cos(k.x_c) prod_a sinc(k_a h_a / 2). */
static int fill_mode(const fa_grid_t *g, const fa_initial_t *in, double *rho)
{
    double k[3] = {0, 0, 0}, damp = 1;
    for (int a = 0; a < g->dim; a++) {
        k[a] = 2 * M_PI * (double)in->wavenumber[a] / g->L[a];
        double z = 0.5 * k[a] * g->h[a];
        damp *= z != 0 ? sin(z) / z : 1.0;
    }
    long lo[3], hi[3], c = 0;
    fa_grid_local_range(g, lo, hi);
    for (long iz = lo[2]; iz < hi[2]; iz++)
        for (long iy = lo[1]; iy < hi[1]; iy++)
            for (long ix = lo[0]; ix < hi[0]; ix++) {
                double phase = k[0] * fa_grid_center(g, 0, ix) + k[1] * fa_grid_center(g, 1, iy) +
                               k[2] * fa_grid_center(g, 2, iz);
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
