/* Properties that cannot be fooled: mass conservation to rounding, positivity, free-energy
 * decay for symmetric kernels, translation invariance on the torus, species-permutation
 * symmetry. Two species on a non-cubic 2D box (48 x 32 cells, 12 x 8), Riesz self-repulsion
 * with different exponents, symmetric Gaussian cross-attraction, compactly supported data. */
#include "testlib.h"

#include <float.h>
#include <string.h>

static const char *two_species =
    "[grid]\ndim = 2\ncells = 48 32\nlength = 12 8\n"
    "[species]\ncount = 2\nnames = %s %s\n"
    "[kernel.1.1]\ntype = riesz\nstrength = %g\nalpha = %g\n"
    "[kernel.2.2]\ntype = riesz\nstrength = %g\nalpha = %g\n"
    "[kernel.1.2]\ntype = gaussian\nstrength = -0.8\nlength = 2\n"
    "[kernel.2.1]\ntype = gaussian\nstrength = -0.8\nlength = 2\n"
    "[initial.1]\ntype = barenblatt\nmass = %g\ntime = 0.2\ncenter = %g %g\n"
    "[initial.2]\ntype = plateau\nvalue = %g\nradius = 1.2\ncenter = %g %g\n"
    "[time]\nend = %g\noutputs = %d\n[solver]\nmethod = %s\nrtol = %g\natol = 1e-12\n%s";

typedef struct {
    double C1, a1, C2, a2, M1, c1x, c1y, v2, c2x, c2y;
} setup_t;

static fa_model_t *make(const setup_t *p, int swap, double T, int outputs, const char *method,
                        double rtol, const char *extra)
{
    /* swap: species 2's data and kernels first. The plateau and the Barenblatt profile
     * cannot trade places in a file layout, so the swapped model gives species 1 a plateau
     * via [initial.1] = plateau: write both layouts out in full. */
    if (!swap)
        return tl_model(two_species, "a", "b", p->C1, p->a1, p->C2, p->a2, p->M1, p->c1x, p->c1y, p->v2,
                        p->c2x, p->c2y, T, outputs, method, rtol, extra);
    return tl_model("[grid]\ndim = 2\ncells = 48 32\nlength = 12 8\n"
                    "[species]\ncount = 2\nnames = b a\n"
                    "[kernel.1.1]\ntype = riesz\nstrength = %g\nalpha = %g\n"
                    "[kernel.2.2]\ntype = riesz\nstrength = %g\nalpha = %g\n"
                    "[kernel.1.2]\ntype = gaussian\nstrength = -0.8\nlength = 2\n"
                    "[kernel.2.1]\ntype = gaussian\nstrength = -0.8\nlength = 2\n"
                    "[initial.1]\ntype = plateau\nvalue = %g\nradius = 1.2\ncenter = %g %g\n"
                    "[initial.2]\ntype = barenblatt\nmass = %g\ntime = 0.2\ncenter = %g %g\n"
                    "[time]\nend = %g\noutputs = %d\n[solver]\nmethod = %s\nrtol = %g\natol = 1e-12\n%s",
                    p->C2, p->a2, p->C1, p->a1, p->v2, p->c2x, p->c2y, p->M1, p->c1x, p->c1y, T, outputs,
                    method, rtol, extra);
}

static double max_of(const double *y, long n)
{
    double m = 0;
    for (long c = 0; c < n; c++) m = fmax(m, fabs(y[c]));
    return m;
}

int main(void)
{
    const setup_t base = {1.0, 1.0, 0.7, 1.5, 1.0, -2.0, 0.5, 0.4, 1.5, -0.5};
    const double T = 0.5;
    const long nx = 48, ny = 32, n = nx * ny;

    /* ---- mass and positivity, each method ---- */
    const char *methods[] = {"bdf", "adams", "ssprk3"};
    for (int k = 0; k < 3; k++) {
        for (int nonneg = 0; nonneg < (k < 2 ? 2 : 1); nonneg++) {
            fa_model_t *m = make(&base, 0, T, 1, methods[k], 1e-6, nonneg ? "nonnegative = yes\n" : "");
            const fa_grid_t *g = fa_model_grid(m);
            double *y0 = tl_initial(m), *y = tl_solve(m, T, NULL);
            double drift = 0, mn = INFINITY;
            for (int i = 0; i < 2; i++) {
                double m0 = fa_diag_mass(g, y0 + i * n), m1 = fa_diag_mass(g, y + i * n);
                drift = fmax(drift, fabs(m1 - m0) / m0);
                mn = fmin(mn, fa_diag_min(g, y + i * n));
            }
            const char *label = nonneg ? "+nonnegative" : "";
            if (nonneg || k == 2) {
                /* SSP-RK3 under its step bound, and CVODE with constraints: rho >= 0 up to the
                 * rounding of the last operation (CVODE's projection leaves -1e-29) */
                double floor = -DBL_EPSILON * max_of(y, 2 * n);
                tl_check(mn >= floor, "%s%s: min rho = %.3g >= -eps max rho", methods[k], label, mn);
                if (k < 2) printf("      (%s%s: mass drift %.1e from the constraint projection)\n", methods[k], label, drift);
                else tl_check(drift <= 1e-12, "%s: mass drift %.1e <= 1e-12", methods[k], drift);
            } else {
                /* without constraints CVODE keeps mass to rounding; near-vacuum values may dip
                 * by the local error allowed there, i.e. a few atol = 1e-12 */
                tl_check(drift <= 1e-12, "%s%s: mass drift %.1e <= 1e-12", methods[k], label, drift);
                tl_check(mn >= -10 * 1e-12, "%s%s: min rho = %.3g >= -10 atol", methods[k], label, mn);
            }
            free(y0);
            free(y);
            fa_model_free(m);
        }
    }

    /* ---- free-energy decay (symmetric kernels: gradient flow) ---- */
    {
        const int K = 25;
        fa_model_t *m = make(&base, 0, 1.0, K, "bdf", 1e-8, "");
        fa_solver_t *s;
        if (fa_solver_create(m, &s)) return 99;
        const double *rho[2] = {fa_solver_density(s, 0), fa_solver_density(s, 1)};
        double e_prev, e, worst = -INFINITY;
        fa_spectral_energy(fa_solver_spectral(s), rho, &e_prev);
        double e0 = e_prev;
        for (int k = 1; k <= K; k++) {
            if (fa_solver_advance(s, k * 1.0 / K)) return 99;
            fa_spectral_energy(fa_solver_spectral(s), rho, &e);
            worst = fmax(worst, e - e_prev);
            e_prev = e;
        }
        /* allowed increase per interval: the integration error, 10 rtol |E| */
        double tol = 10 * 1e-8 * fabs(e0);
        tl_check(worst <= tol, "free energy %.6g -> %.6g, largest increase between records %.2e <= %.1e",
                 e0, e_prev, worst, tol);
        tl_check(e_prev < e0, "free energy decreased overall");
        fa_solver_free(s);
        fa_model_free(m);
    }

    /* ---- translation invariance and species permutation ---- */
    for (int k = 0; k < 3; k += 2) {
        const char *method = methods[k];
        fa_solver_stats_t st;
        fa_model_t *m = make(&base, 0, T, 1, method, 1e-6, "");
        double *y = tl_solve(m, T, &st);
        double scale = max_of(y, 2 * n);
        /* shift both species by (5, -3) cells */
        setup_t sh = base;
        const double hx = 12.0 / nx, hy = 8.0 / ny;
        sh.c1x += 5 * hx, sh.c2x += 5 * hx, sh.c1y -= 3 * hy, sh.c2y -= 3 * hy;
        fa_model_t *ms = make(&sh, 0, T, 1, method, 1e-6, "");
        double *ys = tl_solve(ms, T, NULL);
        double dtr = 0;
        for (int i = 0; i < 2; i++)
            for (long iy = 0; iy < ny; iy++)
                for (long ix = 0; ix < nx; ix++) {
                    long jx = (ix + 5) % nx, jy = (iy - 3 + ny) % ny;
                    dtr = fmax(dtr, fabs(ys[i * n + jx + nx * jy] - y[i * n + ix + nx * iy]));
                }
        /* rounding: 1e-16 per operation, amplified through ~1e3 operations per cell and step
         * and st.steps steps: 1e-13 * steps relative, generous for a result that is exact in
         * exact arithmetic */
        double tol = 1e-13 * (double)st.steps * scale;
        tl_check(dtr <= tol, "%s: translation by (5,-3) cells: max difference %.2e <= %.1e (%ld steps)", method, dtr,
                 tol, st.steps);
        fa_model_t *mp = make(&base, 1, T, 1, method, 1e-6, "");
        double *yp = tl_solve(mp, T, NULL);
        double dp = fmax(tl_max_abs_diff(y, yp + n, n), tl_max_abs_diff(y + n, yp, n));
        tl_check(dp <= tol, "%s: species 1 <-> 2 swapped: max difference %.2e <= %.1e", method, dp, tol);
        free(y);
        free(ys);
        free(yp);
        fa_model_free(m);
        fa_model_free(ms);
        fa_model_free(mp);
    }
    return tl_exit();
}
