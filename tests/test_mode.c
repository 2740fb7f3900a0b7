/* One Fourier mode against the semi-discrete linear decay rate (doc/theory/scheme.md section 8):
 * about a constant rho_bar the scheme evolves delta rho^(k) as exp(-lambda t) with
 * lambda = rho_bar K^(k) sum_a (4/h_a^2) sin^2(k_a h_a / 2), K^ exact, whatever the limiter
 * or the scheme (face values enter the linearised flux only through rho_bar: the central
 * scheme is run on two cases too). Small amplitude: the
 * nonlinear correction to the fundamental is O(delta) relative. SSP-RK3 runs at cfl = 0.1:
 * at its stability limit lambda dt ~ 0.4 for this mode and the method's own truncation
 * error (lambda dt)^4/24 per step is 1e-3 (measured 2.6e-3 over the run). */
#include "testlib.h"

#include <string.h>

typedef struct {
    const char *name;
    int d;
    const char *cells, *length, *wavenumber;
    const char *kernel; /* [kernel.1.1] body */
} mode_case_t;

static void run_case(const mode_case_t *mc, const char *method, const char *scheme)
{
    const double mean = 1.0, delta = 1e-4;
    fa_model_t *m = tl_model("[grid]\ndim = %d\ncells = %s\nlength = %s\n"
                             "[kernel.1.1]\n%s\n"
                             "[initial.1]\ntype = mode\nmean = %g\namplitude = %g\nwavenumber = %s\n"
                             "[time]\nend = 1\noutputs = 1\n"
                             "[solver]\nmethod = %s\nscheme = %s\nrtol = 1e-10\natol = 1e-14\ncfl = 0.1\n",
                             mc->d, mc->cells, mc->length, mc->kernel, mean, delta, mc->wavenumber, method, scheme);
    const fa_grid_t *g = fa_model_grid(m);
    const fa_kernel_t *K = fa_model_kernel(m, 0, 0);
    long mm[3] = {0, 0, 0};
    sscanf(mc->wavenumber, "%ld %ld %ld", &mm[0], &mm[1], &mm[2]);
    double k[3] = {0, 0, 0}, k2 = 0, kd2 = 0;
    for (int a = 0; a < mc->d; a++) {
        double h = fa_grid_spacing(g, a);
        k[a] = 2 * M_PI * mm[a] / fa_grid_length(g, a);
        k2 += k[a] * k[a];
        kd2 += 4 / (h * h) * pow(sin(0.5 * k[a] * h), 2);
    }
    double lambda = mean * fa_kernel_hat(K, mc->d, sqrt(k2)) * kd2;
    /* one e-folding: the rate is measured on an amplitude that stays well above the
     * integration error (rtol 1e-10 of the mean) */
    double T = 1 / fabs(lambda);
    double *y0 = tl_initial(m), *y = tl_solve(m, T, NULL);
    /* project on cos(k.x_c): amplitude ratio, independent of the cell-averaging factor */
    long n = fa_grid_local_cells(g), n0 = fa_grid_cells(g, 0), n1 = fa_grid_cells(g, 1);
    double p0 = 0, p1 = 0;
    for (long c = 0; c < n; c++) {
        long ix = c % n0, iy = (c / n0) % n1, iz = c / (n0 * n1);
        double ph = k[0] * fa_grid_center(g, 0, ix) + k[1] * fa_grid_center(g, 1, iy) +
                    k[2] * fa_grid_center(g, 2, iz);
        p0 += (y0[c] - mean) * cos(ph);
        p1 += (y[c] - mean) * cos(ph);
    }
    double ratio = p1 / p0, expect = exp(-lambda * T);
    double rel = fabs(ratio / expect - 1);
    tl_check(rel <= 1e-3, "%-26s %-6s %-7s lambda = %9.5g  T = %.4f  amplitude ratio %.9f, exp(-lambda T) %.9f, rel. error %.2e <= 1e-3",
             mc->name, method, scheme, lambda, T, ratio, expect, rel);
    free(y0);
    free(y);
    fa_model_free(m);
}

int main(void)
{
    const mode_case_t cases[] = {
        {"1D riesz s=1/4", 1, "64", "8", "3", "type = riesz\nstrength = 1\nalpha = 0.5"},
        {"2D riesz s=1/2", 2, "32", "8", "1 2", "type = riesz\nstrength = 1\nalpha = 1"},
        {"2D riesz s=0.1, box 8x4", 2, "32 16", "8 4", "1 1", "type = riesz\nstrength = 0.5\nalpha = 1.8"},
        {"3D riesz s=1 (Newton)", 3, "16", "4", "1 0 1", "type = riesz\nstrength = 1\nalpha = 1"},
        {"2D gaussian repulsive", 2, "32", "8", "2 1", "type = gaussian\nstrength = 2\nlength = 0.5"},
        {"1D morse attract-repel", 1, "64", "8", "2",
         "type = morse\nattraction = 0.5\nattraction_length = 1\nrepulsion = 1\nrepulsion_length = 0.5"},
        {"2D gaussian attractive", 2, "32", "8", "1 0", "type = gaussian\nstrength = -1\nlength = 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) run_case(&cases[i], "bdf", "muscl");
    run_case(&cases[1], "ssprk3", "muscl");
    run_case(&cases[0], "bdf", "central");
    run_case(&cases[6], "ssprk3", "central");
    return tl_exit();
}
