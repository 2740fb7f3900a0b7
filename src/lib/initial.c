/* Initial profiles as cell averages (doc/theory/exact-solutions.md section 1: compare cell averages with cell averages).
 * One table row per profile type. */
#include "grid_internal.h"
#include "integrator.h"
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

/* Restart data are input like a configuration (a run file may be damaged or hostile), checked
 * before a solver sees them, so that a bad value is an input error naming the file, not an
 * integration failure:
 *  - every value finite;
 *  - none below zero by more than the integrator's state check allows a state (the same
 *    definition, fa_integrator_negative_slack, with the largest density of the whole state,
 *    as the check takes it: a BDF run's records may hold -1e-12 and must stay continuable);
 *  - small enough that the diagnostics of the first record stay finite: the mass h^d sum rho
 *    and the squared L2 norm h^d sum rho^2, and the transforms' sum of squares, which by
 *    Parseval is N sum rho^2 (N cells; the energy and the H^s norms are weighted sums of it,
 *    and sum |rho| <= sqrt(N sum rho^2) bounds the mass). Required: h^d S and N S finite,
 *    S = sum rho^2.
 * Collective over the grid's ranks (each reads its own slab); every rank returns the same
 * status, and the rank holding the first bad cell names it. `which`: 1 not finite, 2
 * negative, 3 too large; `mx`: the largest density of the state. */
int fa_restart_check(const fa_grid_t *grid, const char *path, const fa_solver_options_t *so, const double *rho,
                     const fa_runfile_where_t *w, int which, double mx)
{
    const fa_grid_layout_t *g = fa_grid_layout(grid);
    long bad = -1, big = 0;
    double sq = 0, slack = fa_integrator_negative_slack(so, mx);
    for (long c = 0; c < g->nlocal && bad < 0; c++) {
        double v = rho[c];
        int is_bad = which == 1 ? !isfinite(v) : which == 2 ? v < -slack : 0;
        if (is_bad) bad = c;
        if (fabs(v) > fabs(rho[big])) big = c;
        sq += v * v;
    }
    if (which == 3) {
        sq = fa_gsum(grid, sq);
        if (isfinite(sq * g->cell_volume) && isfinite(sq * (double)g->ntotal)) return FA_OK;
        double mine = g->nlocal > 0 ? fabs(rho[big]) : 0, top = fa_gmax(grid, mine);
        if (g->nlocal > 0 && mine >= top) bad = big; /* the rank holding the largest value names it */
    } else if (!(fa_gmax(grid, bad >= 0 ? 1.0 : 0.0) > 0)) {
        return FA_OK;
    }
    char cell[128] = "a cell on another process";
    if (bad >= 0) {
        long idx = g->slow_start * g->plane + bad;
        long ix = idx % g->n[0], iy = idx / g->n[0] % g->n[1], iz = idx / (g->n[0] * g->n[1]);
        if (g->dim == 1) snprintf(cell, sizeof cell, "cell x = %ld holds %.17g", ix, rho[bad]);
        else if (g->dim == 2) snprintf(cell, sizeof cell, "cell (x, y) = (%ld, %ld) holds %.17g", ix, iy, rho[bad]);
        else snprintf(cell, sizeof cell, "cell (x, y, z) = (%ld, %ld, %ld) holds %.17g", ix, iy, iz, rho[bad]);
    }
    char why[160];
    if (which == 1) snprintf(why, sizeof why, "not a finite number");
    else if (which == 2) snprintf(why, sizeof why, "negative beyond the solver's tolerance (%.3g below 0)", slack);
    else snprintf(why, sizeof why, "too large: the sum of the squared densities overflows");
    return FA_ERROR(FA_EFORMAT, "%s: variable %s, record %zu (t = %.9g): %s: %s; not usable as initial data", path,
                    w->var, w->record, w->time, cell, why);
}

/* Read every species that starts from a run file into y (species i at y + i n), then check
 * them (fa_restart_check): first finiteness, then the sign against the state's largest density
 * and the size. */
static int fill_files(const fa_grid_t *g, const fa_initial_t *in, int N, const fa_solver_options_t *so, double *y,
                      long n)
{
    fa_runfile_where_t *w = fa_calloc((size_t)N, sizeof *w);
    if (!w) return FA_ENOMEM;
    int rc = FA_OK;
    for (int i = 0; !rc && i < N; i++) {
        if (in[i].type != FA_INIT_FILE) continue;
        rc = fa_runfile_read_record(in[i].path, in[i].file_species, in[i].has_time, in[i].time, g, y + i * n, &w[i]);
        /* every rank read its own slab: they agree on the status before the collective checks */
        if (fa_gmax(g, rc ? 1.0 : 0.0) > 0 && !rc) rc = FA_ERROR(FA_EFORMAT, "%s: unreadable on another process", in[i].path);
    }
    for (int which = 1; which <= 3 && !rc; which++) {
        double mx = 0;
        for (long c = 0; which == 2 && c < (long)N * n; c++) mx = fmax(mx, y[c]);
        if (which == 2) mx = fa_gmax(g, mx);
        for (int i = 0; !rc && i < N; i++)
            if (in[i].type == FA_INIT_FILE) rc = fa_restart_check(g, in[i].path, so, y + i * n, &w[i], which, mx);
    }
    free(w);
    return rc;
}

static const struct {
    fa_init_type_t type;
    const char *name;
    int (*fill)(const fa_grid_t *, const fa_initial_t *, double *); /* NULL: file, read and checked */
} profiles[] = {
    {FA_INIT_BARENBLATT, "barenblatt", fill_barenblatt},
    {FA_INIT_GAUSSIAN, "gaussian", fill_gaussian},
    {FA_INIT_PLATEAU, "plateau", fill_plateau},
    {FA_INIT_MODE, "mode", fill_mode},
    {FA_INIT_FILE, "file", NULL},
};

int fa_initial_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
        if (strcmp(profiles[i].name, name) == 0) return (int)profiles[i].type;
    return -1;
}

int fa_initial_fill_state(const fa_grid_t *g, const fa_initial_t *in, int N, const fa_solver_options_t *so, double *y,
                          long n)
{
    for (int i = 0; i < N; i++) {
        if (in[i].type == FA_INIT_FILE) continue;
        size_t k = 0;
        while (k < sizeof profiles / sizeof profiles[0] && profiles[k].type != in[i].type) k++;
        if (k == sizeof profiles / sizeof profiles[0] || !profiles[k].fill)
            return FA_ERROR(FA_EINVAL, "unknown initial profile type %d", (int)in[i].type);
        int rc = profiles[k].fill(g, &in[i], y + i * n);
        if (rc && in[i].where[0]) { /* name the configuration's line: the profile is its */
            char why[900];
            snprintf(why, sizeof why, "%s", fa_last_error());
            return fa_error_at(rc, __FILE__, __LINE__, "%s: %s", in[i].where, why);
        }
        FA_TRY(rc);
    }
    return fill_files(g, in, N, so, y, n);
}
