/* The periodised Gaussian initial profile against a direct sum over its periodic images,
 * on both sides of the switch between the image sum and the Fourier series (9 sigma/L = 64)
 * and far beyond it, in 1D and 2D.
 *
 * Regression: the profile summed ceil(9 sigma / L) images per axis, so a wide Gaussian
 * (sigma = 1e6 L: seconds; 1e8 L: minutes, squared in 2D) hung model set-up, and beyond
 * sigma = 2.4e8 L the image count overflowed int (found by the configuration fuzzer's seed
 * corpus, tests/fuzz/). Wide Gaussians now take the Fourier series: at most 4 terms per axis. */
#include "testlib.h"

#include <string.h>
#include <time.h>

#include "internal.h"

/* cell averages of sum_m exp(-(x - c + mL)^2 / (2 sigma^2)), images out to 9 sigma + 2L, by an
 * 8-point Gauss-Legendre rule on 32 sub-intervals per cell (accurate to rounding for the widths
 * used here, sigma >= h/2), scaled to mass M */
static void direct_1d(long n, double L, double sigma, double c, double M, double *out)
{
    enum { SUB = 32, Q = 8 };
    double qx[Q], qw[Q], h = L / n, sum = 0;
    fa_gauss_legendre(Q, qx, qw);
    long images = (long)ceil(9 * sigma / L) + 2;
    for (long i = 0; i < n; i++) {
        double avg = 0;
        for (int sub = 0; sub < SUB; sub++)
            for (int q = 0; q < Q; q++) {
                double x = -0.5 * L + (i + (sub + 0.5 + qx[q]) / SUB) * h, s = 0;
                for (long m = -images; m <= images; m++) {
                    double z = (x - c + m * L) / sigma;
                    s += exp(-0.5 * z * z);
                }
                avg += qw[q] * s / SUB;
            }
        out[i] = avg;
        sum += avg * h;
    }
    for (long i = 0; i < n; i++) out[i] *= M / sum;
}

int main(void)
{
    const double ratios[] = {0.05, 0.3, 0.8, 2, 7.0, 7.11, 7.12, 7.3, 30}; /* the switch: 9 sigma/L = 64 */
    const long n = 24;
    const double L = 3, c = 0.4, M = 2;
    double rho[24 * 24], ref[24], ref2[24];
    for (size_t k = 0; k < sizeof ratios / sizeof ratios[0]; k++) {
        double sigma = ratios[k] * L;
        fa_model_t *m = tl_model("[grid]\ndim = 1\ncells = %ld\nlength = %g\n[initial.1]\ntype = gaussian\n"
                                 "mass = %g\nwidth = %.17g\ncenter = %g\n[time]\nend = 1\n",
                                 n, L, M, sigma, c);
        if (fa_model_initial(m, 0, rho)) return 99;
        direct_1d(n, L, sigma, c, M, ref);
        double err = tl_max_abs_diff(rho, ref, n) / (M / L);
        /* both truncate at exp(-40) = 4e-18 relative: the rest is rounding */
        tl_check(err < 1e-13, "1D sigma/L = %g: max difference from the direct image sum %.2e (of M/L)", ratios[k], err);
        fa_model_free(m);
    }
    /* 2D: the profile is a product over the axes (x: sigma/L = 0.3 images, y: 1.5 Fourier) */
    fa_model_t *m = tl_model("[grid]\ndim = 2\ncells = 24 12\nlength = 3 0.6\n[initial.1]\ntype = gaussian\n"
                             "mass = %g\nwidth = 0.9\ncenter = %g 0.1\n[time]\nend = 1\n", M, c);
    if (fa_model_initial(m, 0, rho)) return 99;
    direct_1d(24, 3, 0.9, c, 1, ref);
    direct_1d(12, 0.6, 0.9, 0.1, 1, ref2);
    double err2 = 0;
    for (long j = 0; j < 12; j++)
        for (long i = 0; i < 24; i++) err2 = fmax(err2, fabs(rho[j * 24 + i] - M * ref[i] * ref2[j]) / (M / 1.8));
    tl_check(err2 < 1e-13, "2D, sigma/L = 0.3 and 1.5: max difference from the product of direct sums %.2e", err2);
    fa_model_free(m);
    /* far beyond: uniform M / |box| to rounding, at once */
    clock_t t0 = clock();
    m = tl_model("[grid]\ndim = 2\ncells = 24\nlength = 3\n[initial.1]\ntype = gaussian\nmass = %g\n"
                 "width = 1e12\n[time]\nend = 1\n", M);
    if (fa_model_initial(m, 0, rho)) return 99;
    double dev = 0;
    for (long i = 0; i < 24 * 24; i++) dev = fmax(dev, fabs(rho[i] / (M / 9) - 1));
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    tl_check(dev < 1e-14, "2D sigma = 1e12 (sigma/L = 3e11): uniform to %.1e, in %.3f s", dev, secs);
    fa_model_free(m);
    return tl_exit();
}
