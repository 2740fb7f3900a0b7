/* The whole space (grid boundary = free) against its exact solutions (doc/theory/whole-space.md):
 *  1. the Barenblatt profile in a box only 15 % wider than its final support: its L1 error is
 *     the grid's alone, the periodic run's in a box of 8 support radii at the same h within a
 *     few per cent (the periodic images there are below the grid error);
 *  2. the repulsive Newtonian ball stays a uniform ball, rho(t) = rho0 / (1 + C rho0 t), radius
 *     R0 (1 + C rho0 t)^(1/d), in 2D and 3D: cell-average L1 errors and their measured order;
 *  3. the attractive ball collapses at t* = 1/(|C| rho0): the solver stops before t* with a
 *     failure (collapse below the grid's resolution), never a non-finite state;
 *  4. quadratic attraction plus Newtonian repulsion: the ball's density follows the logistic
 *     law to rho* = A d M / B, its steady radius is that of volume B/(A d);
 *  5. mass to rounding (no flux through the box's faces). */
#include "testlib.h"

#include <float.h>
#include <string.h>

/* Barenblatt, d = 2, s = 1/2 (alpha = 1), unit mass, from physical time t0 over T */
static double barenblatt_l1(const char *boundary, double L, double h, double t0, double T, fa_solver_stats_t *st,
                            double *mass_drift)
{
    long n = lround(L / h);
    const char *cfg = "[grid]\ndim = 2\ncells = %ld\nlength = %.17g\nboundary = %s\n"
                      "[kernel.1.1]\ntype = riesz\nstrength = 1\nalpha = 1\n"
                      "[initial.1]\ntype = barenblatt\nmass = 1\ntime = %.17g\n"
                      "[time]\nend = %.17g\noutputs = 1\n";
    fa_model_t *m = tl_model(cfg, n, n * h, boundary, t0, T);
    double *y = tl_solve(m, T, st);
    fa_model_t *ex = tl_model(cfg, n, n * h, boundary, t0 + T, T);
    double *e = tl_initial(ex);
    const fa_grid_t *g = fa_model_grid(m);
    double err = tl_l1(g, y, e, fa_grid_local_cells(g));
    double *y0 = tl_initial(m);
    *mass_drift = fabs(fa_diag_mass(g, y) - fa_diag_mass(g, y0)) / fa_diag_mass(g, y0);
    free(y0);
    free(y);
    free(e);
    fa_model_free(m);
    fa_model_free(ex);
    return err;
}

/* The exact uniform ball (cell averages) of density rho and radius R, and the solver's state:
 * the L1 error, the centre density, the root-mean-square radius sqrt(int |x - c|^2 rho / M)
 * (R sqrt(d/(d+2)) for a uniform ball: a smooth functional of the solution, so it converges
 * faster than the L1 error of the discontinuous profile), mass drift. */
typedef struct {
    double err, center, center_exact, rms, mass_drift;
    long steps;
} ball_t;

static double rms_radius(const fa_grid_t *g, const double *y, double off)
{
    int d = fa_grid_dim(g);
    long n[3] = {fa_grid_cells(g, 0), fa_grid_cells(g, 1), fa_grid_cells(g, 2)}, c = 0;
    double m = 0, m2 = 0;
    for (long k = 0; k < n[2]; k++)
        for (long j = 0; j < n[1]; j++)
            for (long i = 0; i < n[0]; i++, c++) {
                long idx[3] = {i, j, k};
                double r2 = 0;
                for (int a = 0; a < d; a++) r2 += pow(fa_grid_center(g, a, idx[a]) - off, 2);
                m += y[c];
                m2 += y[c] * r2;
            }
    return sqrt(m2 / m);
}

static ball_t ball(int d, long n, double L, const char *kernel, double rho0, double R0, double T, double rho,
                   double R)
{
    const char *cfg = "[grid]\ndim = %d\ncells = %ld\nlength = %g\nboundary = free\n%s"
                      "[initial.1]\ntype = plateau\nvalue = %.17g\nradius = %.17g\ncenter = %g\n"
                      "[time]\nend = %.17g\noutputs = 1\n[solver]\nrtol = 1e-7\natol = 1e-12\n";
    double off = 0.5 * L / n; /* centre the ball on a cell (its centre cell reads the plateau) */
    fa_model_t *m = tl_model(cfg, d, n, L, kernel, rho0, R0, off, T);
    fa_solver_stats_t st;
    double *y = tl_solve(m, T, &st);
    fa_model_t *ex = tl_model(cfg, d, n, L, kernel, rho, R, off, T);
    double *e = tl_initial(ex), *y0 = tl_initial(m);
    const fa_grid_t *g = fa_model_grid(m);
    long nc = fa_grid_local_cells(g), mid = n / 2, c = mid + n * (d > 1 ? mid + (d > 2 ? n * mid : 0) : 0);
    ball_t b = {tl_l1(g, y, e, nc), y[c], e[c], rms_radius(g, y, off),
                fabs(fa_diag_mass(g, y) - fa_diag_mass(g, y0)) / fa_diag_mass(g, y0), st.steps};
    free(y);
    free(e);
    free(y0);
    fa_model_free(m);
    fa_model_free(ex);
    return b;
}

int main(void)
{
    /* 1. Barenblatt: support radius R(t) = (lambda kappa t)^(1/3), lambda = 9/8, kappa = 2 pi */
    double t0 = 0.5, T = 1, h = 1.0 / 16, R = cbrt(9.0 / 8 * 2 * M_PI * (t0 + T));
    fa_solver_stats_t sf, sp;
    double drift_f, drift_p;
    double ef = barenblatt_l1("free", 2 * R * 1.15, h, t0, T, &sf, &drift_f);
    double ep = barenblatt_l1("periodic", 8 * R, h, t0, T, &sp, &drift_p);
    printf("Barenblatt 2D s = 1/2, h = 1/16, final support radius %.4f:\n", R);
    printf("  free, box %.3f (1.15 x the diameter): L1 error %.4e, %ld steps\n", 2 * R * 1.15, ef, sf.steps);
    printf("  periodic, box %.3f (8 R):             L1 error %.4e, %ld steps\n", 8 * R, ep, sp.steps);
    /* the same scheme on the same cells; what differs is the periodic images (below the grid
     * error at 8R) and the boundary's vacuum: a few per cent */
    tl_check(fabs(ef - ep) <= 0.05 * ep, "free box 1.15 x support: L1 error %.4e within 5 %% of the periodic 8R box's "
             "%.4e (%+.2f %%)", ef, ep, 100 * (ef - ep) / ep);
    tl_check(drift_f <= 1e-14, "free box: mass conserved to %.1e (rounding)", drift_f);

    /* 2. repulsive Newtonian balls, C = 1, rho0 = 1, R0 = 0.5, to T = 1 */
    for (int d = 2; d <= 3; d++) {
        double L = d == 2 ? 3.0 : 3.2, Tb = 1, rho = 1 / (1 + Tb), Rb = 0.5 * pow(1 + Tb, 1.0 / d);
        double rms_exact = Rb * sqrt((double)d / (d + 2));
        long ns2[] = {64, 128, 256}, ns3[] = {24, 32, 48};
        const long *ns = d == 2 ? ns2 : ns3;
        printf("repulsive Newtonian ball, d = %d: rho(1) = %g, R(1) = %.5f, rms radius %.6f, box %g\n", d, rho, Rb,
               rms_exact, L);
        printf("  %6s %12s %8s %14s %12s %8s %6s\n", "cells", "L1 error", "order", "centre (exact)", "rms error", "order",
               "steps");
        double x[3], el[3], er[3], worst_drift = 0;
        ball_t b = {0};
        for (int r = 0; r < 3; r++) {
            b = ball(d, ns[r], L, "[kernel.1.1]\ntype = newtonian\nstrength = 1\n", 1.0, 0.5, Tb, rho, Rb);
            x[r] = log(L / ns[r]), el[r] = log(b.err), er[r] = log(fabs(b.rms - rms_exact));
            printf("  %6ld %12.4e %8.3f %8.6f (%g) %12.4e %8.3f %6ld\n", ns[r], b.err,
                   r ? (el[r - 1] - el[r]) / (x[r - 1] - x[r]) : NAN, b.center, b.center_exact, fabs(b.rms - rms_exact),
                   r ? (er[r - 1] - er[r]) / (x[r - 1] - x[r]) : NAN, b.steps);
            worst_drift = fmax(worst_drift, b.mass_drift);
        }
        /* least-squares orders over the three grids */
        double xm = (x[0] + x[1] + x[2]) / 3, sxx = 0, sl = 0, sr = 0;
        for (int r = 0; r < 3; r++) {
            sxx += (x[r] - xm) * (x[r] - xm);
            sl += (x[r] - xm) * el[r];
            sr += (x[r] - xm) * er[r];
        }
        double order_l1 = sl / sxx, order_rms = sr / sxx;
        /* The edge is a contact discontinuity (the flow carries it, the same on both sides): a
         * limited second-order scheme smears it over ~h^(2/3), a first-order one over ~h^(1/2),
         * so the L1 error converges at an order between 1/2 and 2/3 once the edge spans many
         * cells (2D here; the 3D grids are coarser, 6 to 15 cells per radius, and still
         * pre-asymptotic: the order is printed and only required positive). The smooth
         * functionals converge faster: the rms radius at about h^1.3 (the smear is nearly
         * symmetric about the edge). */
        if (d == 2) tl_check(order_l1 >= 0.5, "2D ball: L1 order %.3f >= 1/2 (least squares over 3 grids)", order_l1);
        else tl_check(order_l1 > 0, "3D ball: L1 error decreases, order %.3f (pre-asymptotic grids)", order_l1);
        tl_check(order_rms >= 1, "%dD ball: rms radius converges to R(t) sqrt(d/(d+2)) at order %.3f >= 1", d, order_rms);
        tl_check(fabs(b.center - b.center_exact) <= 1e-4 * b.center_exact, "%dD ball: centre density %.7f = exact %.7f "
                 "(relative %.1e; the solver's tolerance and the slowly spreading edge)", d, b.center, b.center_exact,
                 fabs(b.center / b.center_exact - 1));
        tl_check(worst_drift <= 1e-14, "%dD ball: mass conserved to %.1e", d, worst_drift);
    }

    /* 3. the attractive ball: C = -1, rho0 = 1: t* = 1 */
    {
        fa_model_t *m = tl_model("[grid]\ndim = 2\ncells = 64\nlength = 2\nboundary = free\n"
                                 "[kernel.1.1]\ntype = newtonian\nstrength = -1\n"
                                 "[initial.1]\ntype = plateau\nvalue = 1\nradius = 0.5\n"
                                 "[time]\nend = 1.5\noutputs = 1\n");
        fa_solver_t *s;
        if (fa_solver_create(m, &s)) return 99;
        int rc = fa_solver_advance(s, 1.5);
        double t = fa_solver_time(s);
        long n = fa_grid_local_cells(fa_model_grid(m));
        int finite = 1;
        for (long c = 0; c < n; c++) finite &= isfinite(fa_solver_density(s, 0)[c]);
        tl_check(rc == FA_ENUMERIC && t < 1 && finite && strstr(fa_last_error(), "collapsed"),
                 "attractive ball: stops at t = %.6f before the collapse at t* = 1, finite state: %s", t, fa_last_error());
        fa_solver_free(s);
        fa_model_free(m);
    }

    /* 4. |x|^2/2 + G_2 in 2D: rho0 = 0.5 on R0 = 0.5, M = pi/8, rho* = A d M / B = pi/4 */
    {
        double M = M_PI * 0.25 * 0.5, rs = 2 * M, rate = 2 * M, Tl = 6;
        double rho = rs * 0.5 / (0.5 + (rs - 0.5) * exp(-rate * Tl)), Rl = sqrt(M / (M_PI * rho));
        const char *k = "[kernel.1.1]\ntype = power\nstrength = 1\nexponent = 2\n"
                        "[kernel.1.1.2]\ntype = newtonian\nstrength = 1\n";
        printf("quadratic attraction + Newtonian repulsion, 2D: rho(%g) = %.6f (rho* = %.6f), radius %.5f "
               "(steady 1/sqrt(2 pi) = %.5f)\n", Tl, rho, rs, Rl, 1 / sqrt(2 * M_PI));
        double e_prev = 0, order = 0;
        long ns[] = {32, 64};
        ball_t b = {0};
        for (int r = 0; r < 2; r++) {
            b = ball(2, ns[r], 1.6, k, 0.5, 0.5, Tl, rho, Rl);
            if (r) order = tl_order(e_prev, 1.6 / ns[0], b.err, 1.6 / ns[1]);
            printf("  %4ld cells: L1 error %.4e, centre %.6f (exact %.6f), %ld steps\n", ns[r], b.err, b.center,
                   b.center_exact, b.steps);
            e_prev = b.err;
        }
        /* attraction keeps this edge sharp (characteristics converge onto it): nearly first order */
        tl_check(order >= 0.8, "logistic ball: L1 order %.3f >= 0.8 (a compressive edge)", order);
        tl_check(fabs(b.center - rho) <= 1e-4 * rho, "logistic ball: density %.6f = rho(t) %.6f of the logistic law "
                 "(relative %.1e)", b.center, rho, fabs(b.center / rho - 1));
        double rms = Rl * sqrt(0.5);
        /* the edge's smear shifts the rms radius by a fraction of its width, a cell or two */
        tl_check(fabs(b.rms - rms) <= 0.25 * 1.6 / ns[1], "logistic ball: rms radius %.5f = %.5f of the ball of radius "
                 "%.5f, within a quarter cell (steady radius 1/sqrt(2 pi) = %.5f)", b.rms, rms, Rl, 1 / sqrt(2 * M_PI));
    }
    return tl_exit();
}
