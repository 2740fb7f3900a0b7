/* Barenblatt profiles of the fractional porous medium flow against the exact self-similar
 * solution (doc/theory/exact-solutions.md section 2): L1 errors of cell averages at two or three resolutions, observed
 * order, finest-grid error. 1D with s = 1/4 and 2D with s = 1/2. */
#include "testlib.h"

#include <string.h>

typedef struct {
    int d;
    double alpha, t0, T, L;
    const char *extra; /* further config lines */
} case_t;

static const char *base =
    "[grid]\ndim = %d\ncells = %ld\nlength = %g\n"
    "[kernel.1.1]\ntype = riesz\nstrength = 1\nalpha = %g\n"
    "[initial.1]\ntype = barenblatt\nmass = 1\ntime = %.17g\n"
    "[time]\nend = %.17g\noutputs = 1\n%s";

static double l1_error(const case_t *c, long n, fa_solver_stats_t *st)
{
    fa_model_t *m = tl_model(base, c->d, n, c->L, c->alpha, c->t0, c->T, c->extra);
    double *y = tl_solve(m, c->T, st);
    /* the exact solution at simulated time T is the profile at physical time t0 + T */
    fa_model_t *ex = tl_model(base, c->d, n, c->L, c->alpha, c->t0 + c->T, c->T, c->extra);
    double *e = tl_initial(ex);
    const fa_grid_t *g = fa_model_grid(m);
    double err = tl_l1(g, y, e, fa_grid_local_cells(g));
    free(y);
    free(e);
    fa_model_free(m);
    fa_model_free(ex);
    return err;
}

static void study(const char *name, const case_t *c, const long *cells, int nres, double min_order,
                  double max_fine_error)
{
    double s = 0.5 * (c->d - c->alpha);
    printf("%s: d = %d, s = %g, L = %g, t0 = %g, T = %g\n", name, c->d, s, c->L, c->t0, c->T);
    printf("  %8s %10s %12s %8s %8s %8s\n", "cells", "h", "L1 error", "order", "steps", "rhs");
    double e_prev = 0, h_prev = 0, order = 0;
    for (int r = 0; r < nres; r++) {
        fa_solver_stats_t st;
        double h = c->L / (double)cells[r];
        double e = l1_error(c, cells[r], &st);
        if (r > 0) order = tl_order(e_prev, h_prev, e, h);
        printf("  %8ld %10.5f %12.4e %8s %8ld %8ld\n", cells[r], h, e, "", st.steps, st.rhs_evals);
        if (r > 0) printf("  %8s %10s %12s %8.3f\n", "", "", "", order);
        e_prev = e;
        h_prev = h;
    }
    tl_check(order >= min_order, "%s: observed L1 order %.3f >= %.2f (finest pair)", name, order, min_order);
    tl_check(e_prev <= max_fine_error, "%s: finest-grid L1 error %.4e <= %.1e", name, e_prev, max_fine_error);
}

int main(void)
{
    /* The finest-grid bounds are the errors measured when this test was written (1.64e-4 and
     * 7.39e-3) plus 25 %: a regression, not a tolerance that any answer passes. The order bound
     * 0.4 is the floor; the measured orders are about 1.6 (1D) and 1.0 (2D). */

    /* 1D, s = 1/4 (alpha = 1/2), final support radius 2.1. The kernel |x|^-1/2 decays slowly:
     * the periodic images add 1.2e-3 to the L1 error at L = 16 and ~3e-5 at L = 64 (measured),
     * so the box is 30 radii wide. */
    case_t c1 = {1, 0.5, 0.1, 1.0, 64.0, ""};
    long cells1[] = {1024, 2048, 4096};
    study("1D s=1/4", &c1, cells1, 3, 0.4, 2.05e-4);
    /* 2D, s = 1/2 (alpha = 1), final support radius 2, box L = 8R (images < 5e-4, doc/theory/whole-space.md section 1) */
    case_t c2 = {2, 1.0, 0.5, 1.0, 16.0, ""};
    long cells2[] = {64, 128, 256};
    study("2D s=1/2", &c2, cells2, 3, 0.4, 9.2e-3);
    return tl_exit();
}
