/* The finite-volume divergence against a direct, unoptimised transcription of the scheme
 * (manual section 2: slopes, face velocities, upwind fluxes, conservative differences with
 * periodic indices), for every limiter and first-order upwind, in 1D, 2D and 3D, on grid
 * sizes around the points where the work-space size changes (the x sweep's padded rows,
 * n = 253 .. 257, and the 256-cell chunks of the row sweeps).
 *
 * Regression: the x sweep's scratch buffer was one double short (4n+8 for 4n+9 used), an
 * out-of-bounds write for n >= 254 that AddressSanitizer found in test_barenblatt
 * (n = 1024). The comparison here checks the values everywhere; the sanitizer build of
 * make check (configure --enable-sanitizers, run by CI) checks the bounds. */
#include "testlib.h"

#include <fftw3.h>
#include <string.h>

#include "fv.h"

static double ref_slope(int lim, double a, double b)
{
    if (!(a * b > 0)) return 0;
    double s = a > 0 ? 1 : -1, aa = fabs(a), bb = fabs(b);
    switch (lim) {
    case 0: return s * fmin(aa, bb);                                  /* minmod */
    case 1: return a * b * (a + b) / (a * a + b * b);                 /* van Albada */
    case 2: return 2 * a * b / (a + b);                               /* van Leer */
    case 3: return s * fmin(fmin(2 * aa, 2 * bb), 0.5 * (aa + bb));   /* MC */
    case 4: return s * fmax(fmin(2 * aa, bb), fmin(aa, 2 * bb));      /* superbee */
    default: return 0;                                                /* upwind */
    }
}

static long wrapi(long i, long n) { return ((i % n) + n) % n; }

/* out = -sum_a (F_{c+1/2} - F_{c-1/2}) / h_a, straight from the formulas. */
static void reference(const fa_grid_t *g, int lim, const double *r, const double *p, double *out)
{
    long n[3] = {fa_grid_cells(g, 0), fa_grid_cells(g, 1), fa_grid_cells(g, 2)};
    long total = n[0] * n[1] * n[2];
    for (long c = 0; c < total; c++) out[c] = 0;
    for (int a = 0; a < fa_grid_dim(g); a++) {
        double h = fa_grid_spacing(g, a);
        long stride = a == 0 ? 1 : a == 1 ? n[0] : n[0] * n[1];
        for (long c = 0; c < total; c++) {
            long i = (c / stride) % n[a], base = c - i * stride;
#define AT(f, k) (f)[base + wrapi((k), n[a]) * stride]
            double flux[2];
            for (int side = 0; side < 2; side++) { /* faces i-1/2 (side 0) and i+1/2 (side 1) */
                long l = i - 1 + side, rr = i + side;
                double sl = ref_slope(lim, AT(r, l + 1) - AT(r, l), AT(r, l) - AT(r, l - 1));
                double sr = ref_slope(lim, AT(r, rr + 1) - AT(r, rr), AT(r, rr) - AT(r, rr - 1));
                double u = -(AT(p, rr) - AT(p, l)) / h;
                double re = AT(r, l) + 0.5 * sl, rw = AT(r, rr) - 0.5 * sr;
                flux[side] = (u > 0 ? u * re : 0) + (u < 0 ? u * rw : 0);
            }
#undef AT
            out[c] -= (flux[1] - flux[0]) / h;
        }
    }
}

int main(void)
{
    struct { int d; long n[3]; } cases[] = {
        {1, {253, 1, 1}}, {1, {254, 1, 1}}, {1, {255, 1, 1}}, {1, {256, 1, 1}}, {1, {257, 1, 1}},
        {1, {1024, 1, 1}}, {1, {3, 1, 1}}, {1, {1, 1, 1}},
        {2, {254, 3, 1}}, {2, {17, 300, 1}}, {2, {5, 7, 1}},
        {3, {6, 5, 4}}, {3, {260, 2, 3}},
    };
    const char *lims[] = {"minmod", "vanalbada", "vanleer", "mc", "superbee", "upwind"};
    unsigned long seed = 12345;
    double worst = 0, worst_sum = 0;
    int ncases = (int)(sizeof cases / sizeof cases[0]), failures = 0;
    for (int ci = 0; ci < ncases; ci++) {
        double L[3] = {2.0, 3.0, 5.0};
        fa_grid_t *g;
        if (fa_grid_create(cases[ci].d, cases[ci].n, L, &g)) return 99;
        long n = fa_grid_local_cells(g);
        double *r = fftw_malloc((size_t)n * sizeof(double)), *p = fftw_malloc((size_t)n * sizeof(double));
        double *out = fftw_malloc((size_t)n * sizeof(double)), *ref = malloc((size_t)n * sizeof(double));
        for (long c = 0; c < n; c++) { /* deterministic pseudo-random data */
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            r[c] = 0.1 + (double)(seed >> 11) / 9007199254740992.0;
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            p[c] = (double)(seed >> 11) / 9007199254740992.0 - 0.5;
        }
        for (int li = 0; li < 6; li++) {
            int upwind = li == 5, lim = upwind ? 0 : fa_limiter_lookup(lims[li]);
            fa_fv_t *fv;
            if (lim < 0 || fa_fv_create(g, 1, upwind ? FA_SCHEME_UPWIND : FA_SCHEME_MUSCL, lim, 1, &fv))
                return 99;
            fa_fv_divergence(fv, r, p, out);
            reference(g, upwind ? -1 : li, r, p, ref);
            double err = 0, scale = 0, sum = 0, asum = 0;
            for (long c = 0; c < n; c++) {
                err = fmax(err, fabs(out[c] - ref[c]));
                scale = fmax(scale, fabs(ref[c]));
                sum += out[c];
                asum += fabs(out[c]);
            }
            /* both sides evaluate the same formulas in a different order: rounding only */
            double rel = err / (scale > 0 ? scale : 1), rsum = fabs(sum) / (asum > 0 ? asum : 1);
            worst = fmax(worst, rel);
            worst_sum = fmax(worst_sum, rsum);
            if (!(rel <= 1e-13 && rsum <= 1e-13 * sqrt((double)n))) {
                failures++;
                tl_check(0, "%dD %ldx%ldx%ld %s: max difference %.2e (relative), sum %.2e", cases[ci].d,
                         cases[ci].n[0], cases[ci].n[1], cases[ci].n[2], lims[li], rel, rsum);
            }
            fa_fv_free(fv);
        }
        fftw_free(r);
        fftw_free(p);
        fftw_free(out);
        free(ref);
        fa_grid_free(g);
    }
    tl_check(failures == 0, "%d grids x 6 schemes: divergence equals the direct formula to %.2e (relative), "
             "sums to %.2e of sum |.| (conservation)", ncases, worst, worst_sum);
    return tl_exit();
}
