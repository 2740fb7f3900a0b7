/* The finite-volume divergence against a direct, unoptimised transcription of the scheme
 * (manual section 2: slopes, face velocities, upwind fluxes, conservative differences with
 * periodic indices), for every limiter, first-order upwind and the central scheme, in 1D, 2D
 * and 3D, with one and two threads, on grid sizes around the points where the code changes
 * path (rows of 9 .. 19 cells around the row kernel's vector length) or its work space
 * changes size (n = 253 .. 257). The vector body and the scalar row ends evaluate the
 * limiters through two implementations (fv.h); every row here has both. Each grid is run
 * periodic and free (the whole space: ghost cells of density 0 and the boundary cell's
 * potential beyond the box, so no flux through its faces).
 *
 * Regression: the x sweep's scratch buffer was one double short (4n+8 for 4n+9 used), an
 * out-of-bounds write for n >= 254 that AddressSanitizer found in test_barenblatt
 * (n = 1024). The comparison here checks the values everywhere; the sanitizer build of
 * make check (configure --enable-sanitizers, run by CI) checks the bounds. */
#include "testlib.h"

#include <float.h>
#include <fftw3.h>
#include <string.h>

#include "fv.h"

static double ref_slope(int lim, double a, double b)
{
    if (lim == 6) return (a + b) / 3; /* central: fourth-order face values, no limiter */
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

/* Cell k of a line of n (k up to two beyond either end): periodic, or the free grid's ghosts */
static double at(const double *f, long base, long stride, long k, long n, int free_grid, int is_phi)
{
    if (!free_grid) return f[base + wrapi(k, n) * stride];
    if (k >= 0 && k < n) return f[base + k * stride];
    return is_phi ? f[base + (k < 0 ? 0 : n - 1) * stride] : 0.0;
}

/* out = -sum_a (F_{c+1/2} - F_{c-1/2}) / h_a, straight from the formulas. */
static void reference(const fa_grid_t *g, int lim, const double *r, const double *p, double *out)
{
    int fr = fa_grid_boundary(g) == FA_BOUNDARY_FREE;
    long n[3] = {fa_grid_cells(g, 0), fa_grid_cells(g, 1), fa_grid_cells(g, 2)};
    long total = n[0] * n[1] * n[2];
    for (long c = 0; c < total; c++) out[c] = 0;
    for (int a = 0; a < fa_grid_dim(g); a++) {
        double h = fa_grid_spacing(g, a);
        long stride = a == 0 ? 1 : a == 1 ? n[0] : n[0] * n[1];
        for (long c = 0; c < total; c++) {
            long i = (c / stride) % n[a], base = c - i * stride;
#define AT(f, k) at((f), base, stride, (k), n[a], fr, (f) == p)
            double flux[2];
            for (int side = 0; side < 2; side++) { /* faces i-1/2 (side 0) and i+1/2 (side 1) */
                long l = i - 1 + side, rr = i + side;
                double sl = ref_slope(lim, AT(r, l + 1) - AT(r, l), AT(r, l) - AT(r, l - 1));
                double sr = ref_slope(lim, AT(r, rr + 1) - AT(r, rr), AT(r, rr) - AT(r, rr - 1));
                double u = -(AT(p, rr) - AT(p, l)) / h;
                double re = AT(r, l) + 0.5 * sl, rw = AT(r, rr) - 0.5 * sr;
                if (fr && (rr == 0 || l == n[a] - 1)) u = 0; /* the box's faces */
                flux[side] = lim == 6 ? 0.5 * u * (re + rw) : (u > 0 ? u * re : 0) + (u < 0 ? u * rw : 0);
            }
#undef AT
            out[c] -= (flux[1] - flux[0]) / h;
        }
    }
}

/* max |u| = max |phi_{c+1} - phi_c| / h over the faces of each axis (periodic; free: the box's
 * faces have u = 0) */
static void reference_speed(const fa_grid_t *g, const double *p, double umax[3])
{
    long n[3] = {fa_grid_cells(g, 0), fa_grid_cells(g, 1), fa_grid_cells(g, 2)};
    long total = n[0] * n[1] * n[2];
    for (int a = 0; a < 3; a++) {
        umax[a] = 0;
        if (a >= fa_grid_dim(g)) continue;
        long stride = a == 0 ? 1 : a == 1 ? n[0] : n[0] * n[1];
        for (long c = 0; c < total; c++) {
            long i = (c / stride) % n[a], up = c - i * stride + wrapi(i + 1, n[a]) * stride;
            if (fa_grid_boundary(g) == FA_BOUNDARY_FREE && i == n[a] - 1) continue;
            umax[a] = fmax(umax[a], fabs(p[up] - p[c]) / fa_grid_spacing(g, a));
        }
    }
}

int main(void)
{
    struct { int d; long n[3]; } cases[] = {
        {1, {253, 1, 1}}, {1, {254, 1, 1}}, {1, {255, 1, 1}}, {1, {256, 1, 1}}, {1, {257, 1, 1}},
        {1, {1024, 1, 1}}, {1, {3, 1, 1}}, {1, {1, 1, 1}},
        {1, {9, 1, 1}}, {1, {10, 1, 1}}, {1, {11, 1, 1}}, {1, {17, 1, 1}}, {1, {18, 1, 1}},
        {2, {254, 3, 1}}, {2, {17, 300, 1}}, {2, {5, 7, 1}}, {2, {10, 9, 1}}, {2, {26, 6, 1}},
        {3, {6, 5, 4}}, {3, {260, 2, 3}}, {3, {10, 4, 5}}, {3, {19, 3, 6}},
    };
    /* rows of 9 .. 11 and 17 .. 19 cells: the row kernel's vectors of FA_VL = 8 cells (2 in
     * builds for 128-bit vectors: the small rows cover those) need FA_VL + 2 cells, and leave
     * 1 .. FA_VL + 1 cells to its scalar end */
    const char *lims[] = {"minmod", "vanalbada", "vanleer", "mc", "superbee", "upwind", "central"};
    const int nlims = (int)(sizeof lims / sizeof lims[0]);
    unsigned long seed = 12345;
    double worst = 0, worst_sum = 0, worst_speed = 0;
    int ncases = (int)(sizeof cases / sizeof cases[0]), failures = 0, thread_mismatch = 0;
    /* each grid four times: periodic and free, random densities, then flat data with vacuum
     * (zeros and a constant between random cells), where slopes meet a * b = 0 and equal
     * neighbours */
    for (int cd = 0; cd < 4 * ncases; cd++) {
        int ci = cd % ncases, flat = (cd / ncases) % 2, free_grid = cd >= 2 * ncases;
        double L[3] = {2.0, 3.0, 5.0};
        fa_grid_t *g;
        if (fa_grid_create(cases[ci].d, cases[ci].n, L, free_grid ? FA_BOUNDARY_FREE : FA_BOUNDARY_PERIODIC, NULL, &g))
            return 99;
        long n = fa_grid_local_cells(g);
        double *r = fftw_malloc((size_t)n * sizeof(double)), *p = fftw_malloc((size_t)n * sizeof(double));
        double *out = fftw_malloc((size_t)n * sizeof(double)), *ref = malloc((size_t)n * sizeof(double));
        double *out2 = fftw_malloc((size_t)n * sizeof(double)), *out1 = fftw_malloc((size_t)n * sizeof(double));
        double umax1[3] = {0, 0, 0};
        for (long c = 0; c < n; c++) { /* deterministic pseudo-random data */
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            r[c] = 0.1 + (double)(seed >> 11) / 9007199254740992.0;
            if (flat && (seed >> 7) % 3 == 0) r[c] = 0;
            if (flat && (seed >> 7) % 3 == 1) r[c] = 0.7;
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            p[c] = (double)(seed >> 11) / 9007199254740992.0 - 0.5;
        }
        for (int run = 0; run < 3 * nlims; run++) {
            /* each scheme with one thread, then two and three (blocks of planes that start and
             * end mid-stack): the same bits, since every face is computed the same way */
            int li = run / 3, threads = 1 + run % 3;
            int upwind = li == 5, central = li == 6, lim = upwind || central ? 0 : fa_limiter_lookup(lims[li]);
            fa_scheme_t scheme = upwind ? FA_SCHEME_UPWIND : central ? FA_SCHEME_CENTRAL : FA_SCHEME_MUSCL;
            fa_fv_t *fv;
            if (lim < 0 || fa_fv_create(g, 1, scheme, lim, threads, &fv)) return 99;
            double umax[3], uref[3];
            fa_fv_divergence(fv, r, p, out, umax);
            fa_fv_divergence(fv, r, p, out2, NULL); /* the loop without the speeds: checked too */
            reference(g, upwind ? -1 : li, r, p, ref);
            reference_speed(g, p, uref);
            if (threads == 1) {
                memcpy(out1, out, (size_t)n * sizeof(double));
                memcpy(umax1, umax, sizeof umax);
            } else if (memcmp(out1, out, (size_t)n * sizeof(double)) || memcmp(umax1, umax, sizeof umax)) {
                thread_mismatch++;
                tl_check(0, "%dD %ldx%ldx%ld %s %s: %d threads differ from one", cases[ci].d, cases[ci].n[0],
                         cases[ci].n[1], cases[ci].n[2], free_grid ? "free" : "periodic", lims[li], threads);
            }
            for (int a = 0; a < 3; a++) /* -(p1 - p0) (1/h) against |p1 - p0| / h: an ulp or two */
                worst_speed = fmax(worst_speed, fabs(umax[a] - uref[a]) / (uref[a] > 0 ? uref[a] : 1));
            double err = 0, scale = 0, sum = 0, asum = 0;
            for (long c = 0; c < n; c++) {
                err = fmax(err, fmax(fabs(out[c] - ref[c]), fabs(out2[c] - ref[c])));
                scale = fmax(scale, fabs(ref[c]));
                sum += out[c];
                asum += fabs(out[c]);
            }
            /* both sides evaluate the same formulas in a different order: rounding only */
            double rel = err / (scale > 0 ? scale : 1), rsum = fabs(sum) / (asum > 0 ? asum : 1);
            worst = fmax(worst, rel);
            worst_sum = fmax(worst_sum, rsum);
            /* a cell's value is about 60 rounded operations (three axes, two faces, slopes):
             * 64 eps of the largest value; the sum of n of them, 64 eps sqrt(n) of sum |.|.
             * Measured 4e-16 and 1.5e-16. Slips of one ulp pass this; the bit-for-bit
             * comparison of thread counts below is the sharper check of the kernel's paths */
            if (!(rel <= 64 * DBL_EPSILON && rsum <= 64 * DBL_EPSILON * sqrt((double)n))) {
                failures++;
                tl_check(0, "%dD %ldx%ldx%ld %s %s, %d threads: max difference %.2e (relative), sum %.2e",
                         cases[ci].d, cases[ci].n[0], cases[ci].n[1], cases[ci].n[2], free_grid ? "free" : "periodic",
                         lims[li], threads, rel, rsum);
            }
            fa_fv_free(fv);
        }
        fftw_free(r);
        fftw_free(p);
        fftw_free(out);
        fftw_free(out2);
        fftw_free(out1);
        free(ref);
        fa_grid_free(g);
    }
    tl_check(failures == 0, "%d grids x periodic and free x random and flat data x %d schemes x 1, 2, 3 threads, with and without speeds: divergence equals the direct formula to %.2e (relative), "
             "sums to %.2e of sum |.| (conservation)", ncases, nlims, worst, worst_sum);
    tl_check(thread_mismatch == 0, "2 and 3 threads give the same bits as one (divergence and speeds)");
    tl_check(worst_speed <= 4 * DBL_EPSILON, "max |u| per axis (explicit step bound) equals the direct "
             "maximum to %.2e (relative)", worst_speed);
    return tl_exit();
}
