/* The kinetic companion and the small-inertia limit (doc/theory/kinetic.md, the paper's
 * Theorems 2.1 and 2.2), each check printing its figures:
 *  1. well-prepared data, smooth kernels, two species (moment model): max_t W1 = O(eps)
 *     (observed order in [0.85, 1.15]) and the kinetic part of the modulated energy O(eps^2)
 *     (order in [1.7, 2.3]);
 *  2. asymptotic preservation: at fixed grid the distance keeps falling like eps down to
 *     eps = 1e-6 (no floor) and small eps costs no more steps than large eps;
 *  3. Riesz self-kernels (Theorem 2.2): the modulated energy decreases to 0 with eps, at a
 *     measured rate;
 *  4. symmetric even kernels: total momentum J0 e^(-t/eps) and the centre of mass
 *     X0 + eps J0 (1 - e^(-t/eps)) (doc/theory/exact-solutions.md section 8): particles to rounding, the moment model's
 *     momentum to solver tolerance (its centre of mass moves with the upwind mass flux, which
 *     differs from the momentum by a truncation error: measured, and shown to shrink with h);
 *  5. particles against the moment model in the monokinetic regime: W1 falls with the number
 *     of particles at the Monte-Carlo rate M^-1/2;
 *  6. mass conservation of both models;
 *  7. the moment model's mass flux is the macroscopic scheme's, face for face: at the
 *     equilibrium momentum (deviation 0) its density right-hand side equals the solver's to
 *     rounding, 1D/2D/3D, periodic and free, every scheme. */
#include "testlib.h"

#include <float.h>
#include <string.h>

#include "kinetic_internal.h"

/* Moment model against the macroscopic solver at the equilibrium momentum: the max difference
 * of the density right-hand sides, relative to the largest value. */
static double face_for_face(int d, const char *boundary, const char *scheme)
{
    const char *cells = d == 1 ? "40" : d == 2 ? "24 20" : "12 10 9";
    fa_model_t *m = tl_model("[grid]\ndim = %d\ncells = %s\nlength = 8\nboundary = %s\nedge_fraction = 0.5\n"
                             "[species]\ncount = 2\n"
                             "[kernel.1.1]\ntype = riesz\nstrength = 1\nalpha = %g\n"
                             "[kernel.1.2]\ntype = gaussian\nstrength = -0.5\nlength = 1\n"
                             "[kernel.2.2]\ntype = morse\nattraction = 0.5\nrepulsion = 1\nrepulsion_length = 0.5\n"
                             "[kernel.2.2.2]\ntype = riesz\nstrength = 0.3\nalpha = %g\n"
                             "[initial.1]\ntype = gaussian\nmass = 1\nwidth = 0.5\ncenter = -0.7\n"
                             "[initial.2]\ntype = gaussian\nmass = 0.5\nwidth = 0.4\ncenter = 0.8\n"
                             "[time]\nend = 1\n[solver]\nscheme = %s\n[kinetic]\nvelocity = equilibrium\n",
                             d, cells, boundary, 0.5 * d, 0.5 * d, scheme);
    long n = fa_grid_local_cells(fa_model_grid(m));
    fa_solver_t *s;
    fa_kinetic_t *k;
    double *y = tl_initial(m), *f = malloc(2 * (size_t)n * sizeof(double)), *fk = malloc((size_t)(2 + 2 * d) * n * sizeof(double));
    if (fa_solver_create(m, &s) || fa_kinetic_create(m, 0.01, &k) || fa_solver_rhs(s, y, f) || fa_kinetic_moment_rhs(k, fk)) {
        printf("hard error: %s\n", fa_last_error());
        exit(99);
    }
    double diff = 0, scale = 0;
    for (long c = 0; c < 2 * n; c++) {
        diff = fmax(diff, fabs(f[c] - fk[c]));
        scale = fmax(scale, fabs(f[c]));
    }
    free(y);
    free(f);
    free(fk);
    fa_kinetic_free(k);
    fa_solver_free(s);
    fa_model_free(m);
    return diff / scale;
}

static const char *smooth1d =
    "[grid]\ndim = 1\ncells = 256\nlength = 10\n[species]\ncount = 2\n"
    "[kernel.1.1]\ntype = gaussian\nstrength = 1\nlength = 1\n"
    "[kernel.2.2]\ntype = gaussian\nstrength = 0.5\nlength = 2\n"
    "[kernel.1.2]\ntype = gaussian\nstrength = -0.5\nlength = 1\n"
    "[kernel.2.1]\ntype = gaussian\nstrength = -0.5\nlength = 1\n"
    "[initial.1]\ntype = gaussian\nmass = 1\nwidth = 0.7\ncenter = -1\n"
    "[initial.2]\ntype = gaussian\nmass = 1\nwidth = 0.5\ncenter = 1\n"
    "[time]\nend = 1\noutputs = 5\n[solver]\nrtol = 1e-10\natol = 1e-14\n";

static const char *riesz2d =
    "[grid]\ndim = 2\ncells = 32\nlength = 10\n[species]\ncount = 2\n"
    "[kernel.1.1]\ntype = riesz\nstrength = 1\nalpha = 1\n"
    "[kernel.2.2]\ntype = riesz\nstrength = 0.5\nalpha = 1.5\n"
    "[kernel.1.2]\ntype = gaussian\nstrength = -0.5\nlength = 1\n"
    "[kernel.2.1]\ntype = gaussian\nstrength = -0.5\nlength = 1\n"
    "[initial.1]\ntype = gaussian\nmass = 1\nwidth = 0.8\ncenter = -1 0\n"
    "[initial.2]\ntype = gaussian\nmass = 1\nwidth = 0.7\ncenter = 1 0.5\n"
    "[time]\nend = 0.5\noutputs = 5\n[solver]\nrtol = 1e-9\natol = 1e-14\n";

static void sweep(const char *name, const char *cfg, const double *eps, int n, fa_limit_row_t *rows)
{
    fa_model_t *m = tl_model("%s", cfg);
    char path[256];
    snprintf(path, sizeof path, "test_kinetic_%s.nc", name);
    fa_limit_options_t lo = {.output = path};
    if (fa_limit(m, eps, n, &lo, rows)) {
        printf("hard error: %s\n", fa_last_error());
        exit(99);
    }
    printf("%s: %-9s %11s %6s %11s %6s %11s %6s %6s\n", name, "eps", "max W1", "order", "max E", "order", "kinetic",
           "order", "steps");
    for (int e = 0; e < n; e++)
        printf("%s: %-9.3g %11.4e %6.3f %11.4e %6.3f %11.4e %6.3f %6ld\n", name, rows[e].epsilon, rows[e].w1,
               rows[e].order_w1, rows[e].modulated, rows[e].order_modulated, rows[e].modulated_kinetic,
               rows[e].order_kinetic, rows[e].stats.steps);
    remove(path);
    fa_model_free(m);
}

static double w1(const fa_grid_t *g, const double *f, const double *h)
{
    fa_w1_t *w;
    double d;
    fa_w1_info_t info;
    if (fa_w1_create(g, NULL, &w) || fa_w1_compute(w, f, h, &d, &info)) {
        printf("hard error: %s\n", fa_last_error());
        exit(99);
    }
    fa_w1_free(w);
    return d;
}

/* total momentum and mass-weighted centre of mass over species */
static void totals(fa_kinetic_t *k, const fa_model_t *m, double J[3], double X[3])
{
    for (int a = 0; a < 3; a++) J[a] = X[a] = 0;
    for (int i = 0; i < fa_model_species(m); i++) {
        double Ji[3], Xi[3], mass = fa_diag_mass(fa_model_grid(m), fa_kinetic_density(k, i));
        fa_kinetic_total_momentum(k, i, Ji);
        fa_kinetic_center_of_mass(k, i, Xi);
        for (int a = 0; a < 3; a++) J[a] += Ji[a], X[a] += mass * Xi[a];
    }
}

static void momentum_law(const char *model, int cells, double *xerr_out)
{
    const double eps = 0.05;
    fa_model_t *m = tl_model("[grid]\ndim = 2\ncells = %d\nlength = 12\n[species]\ncount = 2\n"
                             "[kernel.1.1]\ntype = gaussian\nstrength = 1\nlength = 1\n"
                             "[kernel.2.2]\ntype = gaussian\nstrength = 0.5\nlength = 2\n"
                             "[kernel.1.2]\ntype = gaussian\nstrength = -0.5\nlength = 1.5\n"
                             "[kernel.2.1]\ntype = gaussian\nstrength = -0.5\nlength = 1.5\n"
                             "[initial.1]\ntype = gaussian\nmass = 1\nwidth = 0.7\ncenter = -1 0\n"
                             "[initial.2]\ntype = gaussian\nmass = 1.5\nwidth = 0.6\ncenter = 1 0.5\n"
                             "[time]\nend = 0.3\n[solver]\nrtol = 1e-10\natol = 1e-14\n"
                             "[kinetic]\nmodel = %s\nparticles = 20000\nspread = 0.2\ndrift = 0.3 -0.2\n",
                             cells, model);
    fa_kinetic_t *k;
    if (fa_kinetic_create(m, eps, &k)) exit(99);
    double J0[3], X0[3], J[3], X[3], jerr = 0, xerr = 0, scale = 0;
    totals(k, m, J0, X0);
    for (int a = 0; a < 2; a++) scale = fmax(scale, fabs(J0[a]));
    for (int s = 1; s <= 6; s++) {
        double t = 0.05 * s, e = exp(-t / eps);
        if (fa_kinetic_advance(k, t)) exit(99);
        totals(k, m, J, X);
        for (int a = 0; a < 2; a++) {
            jerr = fmax(jerr, fabs(J[a] - J0[a] * e) / (fabs(J0[a]) * e));
            xerr = fmax(xerr, fabs(X[a] - (X0[a] + eps * J0[a] * (1 - e))) / (eps * scale));
        }
    }
    if (!strcmp(model, "particles")) {
        tl_check(jerr < 1e-11, "particles: J(t) = J0 e^(-t/eps): max relative error %.1e (rounding)", jerr);
        tl_check(xerr < 1e-11, "particles: X(t) = X0 + eps J0 (1 - e^(-t/eps)): max error %.1e (of eps |J0|)", xerr);
    } else {
        /* BDF at rtol 1e-10 controls each step's local error to rtol relative (weighted RMS);
         * the momentum mode decays, so the global error is at most the sum over the steps */
        fa_solver_stats_t st;
        fa_kinetic_get_stats(k, &st);
        double bound = (double)st.steps * 1e-10;
        tl_check(jerr < bound, "moment model %d^2: J(t) = J0 e^(-t/eps): max relative error %.1e (rtol 1e-10, %ld steps: bound %.1e)",
                 cells, jerr, (long)st.steps, bound);
        printf("      moment model %d^2: centre of mass off the law by %.2e of eps |J0| (mass flux vs momentum)\n", cells,
               xerr);
    }
    if (xerr_out) *xerr_out = xerr;
    fa_kinetic_free(k);
    fa_model_free(m);
}

int main(void)
{
    /* 1. rates, smooth kernels (Theorem 2.1 setting) */
    fa_limit_row_t r[4];
    const double eps1[] = {0.02, 0.01, 0.005};
    sweep("smooth", smooth1d, eps1, 3, r);
    for (int e = 1; e < 3; e++) {
        tl_check(r[e].order_w1 >= 0.85 && r[e].order_w1 <= 1.15, "smooth: order of max W1 %.3f in [0.85, 1.15] (eps %g -> %g)",
                 r[e].order_w1, r[e - 1].epsilon, r[e].epsilon);
        tl_check(r[e].order_kinetic >= 1.7 && r[e].order_kinetic <= 2.3,
                 "smooth: order of the kinetic part %.3f in [1.7, 2.3] (eps %g -> %g)", r[e].order_kinetic, r[e - 1].epsilon,
                 r[e].epsilon);
    }
    /* 2. asymptotic preservation: no floor, no extra cost */
    const double eps2[] = {1e-3, 1e-4, 1e-5, 1e-6};
    sweep("ap", smooth1d, eps2, 4, r);
    for (int e = 1; e < 4; e++)
        tl_check(r[e].order_w1 >= 0.95 && r[e].order_w1 <= 1.05, "AP: W1 keeps falling like eps: order %.4f (eps %g -> %g)",
                 r[e].order_w1, r[e - 1].epsilon, r[e].epsilon);
    tl_check(r[3].stats.steps <= r[0].stats.steps, "AP: eps = 1e-6 takes %ld steps, eps = 1e-3 takes %ld", r[3].stats.steps,
             r[0].stats.steps);
    /* 3. Riesz self-kernels (Theorem 2.2 setting) */
    const double eps3[] = {0.02, 0.01, 0.005};
    sweep("riesz", riesz2d, eps3, 3, r);
    for (int e = 1; e < 3; e++)
        tl_check(r[e].modulated < r[e - 1].modulated && r[e].order_modulated > 0.8 && r[e].order_modulated < 1.2,
                 "riesz: modulated energy %.3e -> %.3e, measured rate eps^%.3f (in (0.8, 1.2))", r[e - 1].modulated,
                 r[e].modulated, r[e].order_modulated);
    /* 4. momentum and centre of mass */
    double x48, x96;
    momentum_law("particles", 48, NULL);
    momentum_law("moment", 48, &x48);
    momentum_law("moment", 96, &x96);
    tl_check(x96 < x48 / 4, "moment model: the centre-of-mass discrepancy shrinks with h: %.2e -> %.2e (order %.2f)", x48, x96,
             log(x48 / x96) / log(2.0));
    /* 5. particles against the moment model: Monte-Carlo rate; 6. mass */
    const long Ms[] = {1000, 4000, 16000, 64000};
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    fa_model_t *mm = tl_model("%s[kinetic]\nepsilon = 0.01\n", smooth1d);
    fa_kinetic_t *km;
    if (fa_kinetic_create(mm, 0.01, &km) || fa_kinetic_advance(km, 1.0)) return 99;
    const fa_grid_t *g = fa_model_grid(mm);
    double mass0 = fa_diag_mass(g, fa_kinetic_density(km, 0));
    fa_model_t *m0 = tl_model("%s", smooth1d);
    double *y0 = tl_initial(m0);
    tl_check(fabs(mass0 / fa_diag_mass(g, y0) - 1) < 1e-13, "moment model: mass conserved, relative change %.1e",
             fabs(mass0 / fa_diag_mass(g, y0) - 1));
    for (int q = 0; q < 4; q++) {
        double sum = 0;
        for (int seed = 1; seed <= 3; seed++) { /* three draws per size: a less noisy rate */
            fa_model_t *mp = tl_model("%s[kinetic]\nmodel = particles\nparticles = %ld\nseed = %d\n", smooth1d, Ms[q], seed);
            fa_kinetic_t *kp;
            if (fa_kinetic_create(mp, 0.01, &kp) || fa_kinetic_advance(kp, 1.0)) return 99;
            for (int i = 0; i < 2; i++) sum += w1(g, fa_kinetic_density(kp, i), fa_kinetic_density(km, i)) / 3;
            if (q == 3 && seed == 1) {
                double mp0 = fa_diag_mass(g, fa_kinetic_density(kp, 0)), exact = fa_diag_mass(g, y0);
                tl_check(fabs(mp0 / exact - 1) < 1e-12, "particles: deposited mass %.15g = initial mass %.15g", mp0, exact);
            }
            fa_kinetic_free(kp);
            fa_model_free(mp);
        }
        printf("      particles M = %6ld: W1(particles, moment model) = %.4e (sum over species, mean of 3 seeds)\n", Ms[q], sum);
        double x = log((double)Ms[q]), y = log(sum);
        sx += x, sy += y, sxx += x * x, sxy += x * y;
    }
    double slope = (4 * sxy - sx * sy) / (4 * sxx - sx * sx);
    tl_check(-slope > 0.35 && -slope < 0.65, "particles vs moment model: W1 ~ M^-%.3f (Monte Carlo: 1/2)", -slope);
    free(y0);
    fa_model_free(m0);
    fa_kinetic_free(km);
    fa_model_free(mm);

    /* 7. face for face */
    const char *schemes[] = {"upwind", "muscl", "central"};
    double worst = 0;
    for (int d = 1; d <= 3; d++)
        for (int b = 0; b < 2; b++)
            for (int q = 0; q < 3; q++) {
                double rel = face_for_face(d, b ? "free" : "periodic", schemes[q]);
                worst = fmax(worst, rel);
                if (!(rel <= 64 * DBL_EPSILON))
                    tl_check(0, "%dD %s %s: moment model's density rhs differs from the solver's by %.2e", d,
                             b ? "free" : "periodic", schemes[q], rel);
            }
    /* the same face formulas evaluated in the same order (a line gather here, the row kernel
     * there): rounding of the few operations per cell, 64 eps */
    tl_check(worst <= 64 * DBL_EPSILON, "moment model at equilibrium momentum: density rhs = the macroscopic scheme's "
             "(1D/2D/3D, periodic and free, upwind/MUSCL/central), max relative difference %.2e", worst);
    return tl_exit();
}
