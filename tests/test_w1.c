/* Wasserstein-1 on the torus and on the whole space (free grids) (src/lib/w1.c).
 *
 * 1D, exact to rounding: an indicator of width w translated by a has, on the circle of length L,
 * the closed form below (it covers translates past L/4, where the periodic answer is below
 * M a, and one-cell masses, w = h); a compact bump translated by whole cells with
 * support + shift <= L/2 has W1 = M a.
 * 2D/3D, the grid Beckmann problem: the certified bracket [lower, upper] must hold the exact
 * value of an axis translate by whole cells (M a is then also the grid problem's value: the
 * translating flux is feasible and a potential of x alone certifies it); a diagonal translate
 * converges to M |a| at order >= 1; symmetry, translation, scaling and the triangle inequality
 * hold within the brackets; bad input is refused.
 * Free grids (the whole-space W1, doc/theory/w1-whole-space.md): 1D against closed forms on the
 * line, each beside the periodic value of the same pair (different wherever the way round the
 * circle is shorter); 2D/3D translates (axis: M a in the bracket; diagonal: M |a| <= upper and
 * lower <= M |a| + K M h, order >= 1), free >= periodic on the same pair (strictly where the
 * wrap-around helps, e.g. densities touching opposite edges), symmetry, the triangle
 * inequality, the bracket closing to the tolerance or still holding at an iteration limit.
 *
 * Probe mode (for tests/test_w1_pot.py): test_w1 probe DIM N.. L.. F.bin G.bin [TOL]
 * prints "value lower upper iterations converged" for two raw double arrays (x fastest);
 * probe-free does the same on the grid with the free boundary (whole-space W1). */
#include "testlib.h"

#include <float.h>
#include <string.h>

static fa_grid_t *grid_b(fa_boundary_t b, int d, long n0, long n1, long n2, double L0, double L1, double L2)
{
    long n[3] = {n0, n1, n2};
    double L[3] = {L0, L1, L2};
    fa_grid_t *g;
    if (fa_grid_create(d, n, L, b, NULL, &g)) {
        fprintf(stderr, "hard error: %s\n", fa_last_error());
        exit(99);
    }
    return g;
}

static fa_grid_t *grid(int d, long n0, long n1, long n2, double L0, double L1, double L2)
{
    return grid_b(FA_BOUNDARY_PERIODIC, d, n0, n1, n2, L0, L1, L2);
}

static fa_w1_t *workspace(const fa_grid_t *g, double tol, int max_iter)
{
    fa_w1_options_t opt = {.tol = tol, .max_iter = max_iter};
    fa_w1_t *w;
    if (fa_w1_create(g, &opt, &w)) {
        fprintf(stderr, "hard error: %s\n", fa_last_error());
        exit(99);
    }
    return w;
}

static double w1(fa_w1_t *w, const double *f, const double *g, fa_w1_info_t *info)
{
    double d;
    if (fa_w1_compute(w, f, g, &d, info)) {
        fprintf(stderr, "hard error: %s\n", fa_last_error());
        exit(99);
    }
    return d;
}

/* (1 - r^2/R^2)^2_+ at the cell centres (periodic distance to c on a periodic grid, the
 * Euclidean one on a free grid), scaled to mass M. Any cell values are a piecewise-constant
 * density; translating them by whole cells translates it. */
static double *bump(const fa_grid_t *g, const double c[3], double R, double M)
{
    long n = fa_grid_local_cells(g);
    int d = fa_grid_dim(g);
    double *f = calloc((size_t)n, sizeof(double)), sum = 0;
    long nx = fa_grid_cells(g, 0), ny = fa_grid_cells(g, 1);
    for (long k = 0; k < n; k++) {
        long idx[3] = {k % nx, (k / nx) % ny, k / (nx * ny)};
        double r2 = 0;
        for (int a = 0; a < d; a++) {
            double L = fa_grid_length(g, a), x = fa_grid_center(g, a, idx[a]) - c[a];
            if (fa_grid_boundary(g) == FA_BOUNDARY_PERIODIC) x -= L * floor(x / L + 0.5);
            r2 += x * x;
        }
        double q = 1 - r2 / (R * R);
        f[k] = q > 0 ? q * q : 0;
        sum += f[k];
    }
    for (long k = 0; k < n; k++) f[k] *= M / (sum * fa_grid_cell_volume(g));
    return f;
}

/* f translated by s[a] whole cells along each axis: periodic on a periodic grid; on a free
 * grid the support must stay in the box (a hard error otherwise: the test would be wrong). */
static double *shifted(const fa_grid_t *g, const double *f, const long s[3])
{
    long n = fa_grid_local_cells(g), nn[3];
    for (int a = 0; a < 3; a++) nn[a] = fa_grid_cells(g, a);
    const int periodic = fa_grid_boundary(g) == FA_BOUNDARY_PERIODIC;
    double *out = calloc((size_t)n, sizeof(double));
    for (long k = 0; k < n; k++) {
        long i[3] = {k % nn[0], (k / nn[0]) % nn[1], k / (nn[0] * nn[1])};
        int inside = 1;
        for (int a = 0; a < 3; a++) {
            i[a] += s[a];
            if (periodic)
                i[a] = (i[a] % nn[a] + nn[a]) % nn[a];
            else if (i[a] < 0 || i[a] >= nn[a])
                inside = 0;
        }
        if (inside)
            out[i[0] + nn[0] * (i[1] + nn[1] * i[2])] = f[k];
        else if (f[k] != 0) {
            fprintf(stderr, "hard error: a shift by (%ld, %ld, %ld) moves mass out of the box\n", s[0], s[1], s[2]);
            exit(99);
        }
    }
    return out;
}

/* W1 on the circle of length L between the indicator of an interval of width w (mass M) and
 * its translate by a: with D = F - G, the ramps have length l = min(a, w) and height
 * H = M l / w, the plateau (at H) has length |w - a| and D = 0 on Z = L - a - w; the median c
 * of D gives W1 = Z c + |w - a| |H - c| + (l/H)(c^2 + (H - c)^2). */
static double indicator_exact(double M, double w, double a, double L)
{
    a = fmod(fmod(a, L) + L, L);
    if (a > L / 2) a = L - a;
    double l = fmin(a, w), H = M * l / w, P = fabs(w - a), Z = L - a - w;
    if (Z >= L / 2) return M * a;
    double c = Z + 2 * l >= L / 2 ? (L / 2 - Z) * H / (2 * l) : H;
    return Z * c + P * fabs(H - c) + (l / H) * (c * c + (H - c) * (H - c));
}

static void test_1d(void)
{
    const long n = 60;
    const double L = 3, h = L / n, M = 1.3;
    fa_grid_t *g = grid(1, n, 1, 1, L, 1, 1);
    fa_w1_t *w = workspace(g, 0, 0);
    double *f = malloc(n * sizeof(double)), *gg = malloc(n * sizeof(double));
    /* rounding: O(1) operations per cell on values <= M L with compensated sums */
    const double tol = 32 * DBL_EPSILON * M * L;
    /* (width, shift) in cells: translates within L/4, past L/4 (periodic answer below M a),
     * past L/2 (the short way round), one-cell masses (w = 1) up to and past L/2 */
    const long cases[][2] = {{4, 3},  {4, 10}, {20, 8},  {20, 15}, {25, 25}, {35, 20}, {40, 10},
                             {50, 30}, {12, 41}, {1, 5},  {1, 20},  {1, 29},  {1, 30},  {1, 31},
                             {1, 57}};
    double worst = 0;
    int ok = 1;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        long wc = cases[k][0], ac = cases[k][1];
        for (long c = 0; c < n; c++) {
            f[c] = (c >= 5 && c < 5 + wc) ? M / (wc * h) : 0;
            long src = ((c - ac) % n + n) % n;
            gg[c] = (src >= 5 && src < 5 + wc) ? M / (wc * h) : 0;
        }
        fa_w1_info_t info;
        double v = w1(w, f, gg, &info), ex = indicator_exact(M, wc * h, ac * h, L);
        double e = fabs(v - ex);
        if (e > worst) worst = e;
        if (e > tol || !info.exact || info.lower != v || info.upper != v) ok = 0;
        if (e > tol) printf("      width %ld shift %ld cells: W1 %.17g, exact %.17g\n", wc, ac, v, ex);
        if (wc == 1 && ac == 30)
            tl_check(fabs(v - M * (L / 2 - h / 2)) <= tol,
                     "1D: one-cell masses half a box apart: W1 = %.17g = M (L/2 - h/2) = %.17g "
                     "(the cells' widths: not M L/2 = %.4g)", v, M * (L / 2 - h / 2), M * L / 2);
    }
    tl_check(ok, "1D: indicator translates and one-cell masses (%zu cases, closed form): max error "
             "%.2e <= %.2e (rounding)", sizeof cases / sizeof cases[0], worst, tol);

    /* compact bump translated by 10 cells (0.5), support 0.8 + 0.5 <= L/2: W1 = M a */
    double c0[3] = {-0.6, 0, 0};
    double *b = bump(g, c0, 0.4, M);
    long s[3] = {10, 0, 0};
    double *bs = shifted(g, b, s);
    double v = w1(w, b, bs, NULL), vr = w1(w, bs, b, NULL);
    tl_check(fabs(v - M * 0.5) <= tol && fabs(vr - v) <= tol,
             "1D: bump translated by 10 cells: W1 = %.17g, M a = %.17g, reversed %.17g", v, M * 0.5, vr);
    /* translating both by any number of cells changes nothing */
    long s2[3] = {23, 0, 0};
    double *b2 = shifted(g, b, s2), *bs2 = shifted(g, bs, s2);
    double v2 = w1(w, b2, bs2, NULL);
    tl_check(fabs(v2 - v) <= tol, "1D: both translated by 23 cells: %.17g (difference %.1e)", v2, fabs(v2 - v));
    free(b);
    free(bs);
    free(b2);
    free(bs2);

    /* identical densities, mass mismatch, non-finite values */
    fa_w1_info_t info;
    for (long c = 0; c < n; c++) f[c] = gg[c] = 1 + 0.5 * sin(0.3 * c);
    v = w1(w, f, gg, &info);
    tl_check(v == 0, "1D: identical densities: W1 = %g", v);
    gg[7] *= 1 + 1e-5;
    double d;
    int rc = fa_w1_compute(w, f, gg, &d, NULL);
    tl_check(rc == FA_EINVAL && strstr(fa_last_error(), "masses differ"),
             "1D: one cell raised by 1e-5 (relative): unequal masses refused: %s", fa_last_error());
    gg[7] = NAN;
    rc = fa_w1_compute(w, f, gg, &d, NULL);
    tl_check(rc == FA_EINVAL && strstr(fa_last_error(), "not finite"), "1D: NaN refused: %s",
             fa_last_error());
    free(f);
    free(gg);
    fa_w1_free(w);
    fa_grid_free(g);
}

/* Is x inside the certified bracket, allowing rounding? */
static int in_bracket(double x, const fa_w1_info_t *i)
{
    double slack = 1e-12 * fmax(fabs(x), 1e-300);
    return i->lower - slack <= x && x <= i->upper + slack;
}

/* W1 between a bump (mass M, radius R, centre c) and its translate by s cells on g; frees g. */
static double translate_w1(fa_grid_t *g, const double c[3], double R, double M, const long s[3],
                           fa_w1_info_t *info)
{
    fa_w1_t *w = workspace(g, 1e-4, 0);
    double *f = bump(g, c, R, M), *gs = shifted(g, f, s);
    double v = w1(w, f, gs, info);
    free(f);
    free(gs);
    fa_w1_free(w);
    fa_grid_free(g);
    return v;
}

/* A translate along one axis by a, bump support clear of the box edge: W1 = M a exactly, which
 * the certified bracket must hold. */
static void check_axis_translate(const char *what, fa_grid_t *g, const double c[3], double R, double M,
                                 const long s[3], double a)
{
    fa_w1_info_t info;
    double v = translate_w1(g, c, R, M, s, &info), ex = M * a;
    tl_check(in_bracket(ex, &info) && info.converged,
             "%s: W1 = %.8f in [%.8f, %.8f] (%d iterations) holds M a = %.8f", what, v, info.lower, info.upper,
             info.iterations, ex);
}

static void test_2d_translates(void)
{
    const double M = 0.8;
    /* axis translate: square box, then an anisotropic one (h_x != h_y) along y */
    {
        double c[3] = {-0.2, 0.1, 0};
        long s[3] = {6, 0, 0}; /* 0.375; x-support 0.5 + h + 0.375 <= L/2 */
        check_axis_translate("2D 32x32: x-translate by 6 cells", grid(2, 32, 32, 1, 2, 2, 1), c, 0.25, M, s, 0.375);
    }
    {
        double c[3] = {0.3, -0.2, 0};
        long s[3] = {0, 5, 0}; /* 0.25 along y; y-support 0.5 + h + 0.25 <= 1; h = 1/16 x 1/20 */
        check_axis_translate("2D 48x40 box 3x2: y-translate by 5 cells", grid(2, 48, 40, 1, 3, 2, 1), c, 0.25, M, s,
                             0.25);
    }
    /* diagonal translate by (0.25, 0.25), bump radius 0.25, L = 2: W1 = M |a| (a potential
     * psi(x) + chi(y) with slopes 1/sqrt2 certifies it, each marginal meeting the 1D
     * condition). The grid value converges at order >= 1. */
    double err[3], hh[3];
    long ns[3] = {16, 32, 64};
    for (int k = 0; k < 3; k++) {
        double c[3] = {-0.125, -0.125, 0};
        long sh = ns[k] / 8;
        long s[3] = {sh, sh, 0};
        fa_w1_info_t info;
        double v = translate_w1(grid(2, ns[k], ns[k], 1, 2, 2, 1), c, 0.25, M, s, &info), ex = M * 0.25 * sqrt(2.0);
        err[k] = (v - ex) / ex;
        hh[k] = 2.0 / ns[k];
        printf("      diagonal translate %ldx%ld: W1 = %.8f [%.8f, %.8f], %d iterations, exact "
               "%.8f, relative error %+.3e\n", ns[k], ns[k], v, info.lower, info.upper, info.iterations,
               ex, err[k]);
    }
    double p1 = tl_order(err[0], hh[0], err[1], hh[1]), p2 = tl_order(err[1], hh[1], err[2], hh[2]);
    tl_check(err[2] > 0 && p1 >= 1 && p2 >= 1,
             "2D diagonal translate: relative errors %.2e, %.2e, %.2e (16, 32, 64 cells per side), "
             "observed orders %.2f, %.2f >= 1", err[0], err[1], err[2], p1, p2);
    /* regression bound from the measured 7.8e-3 (bump radius 8 cells) */
    tl_check(err[2] <= 1e-2, "2D diagonal translate at 64x64: relative error %.2e <= 1e-2", err[2]);
}

static void test_2d_properties(void)
{
    fa_grid_t *g = grid(2, 32, 32, 1, 2, 2, 1);
    fa_w1_t *w = workspace(g, 1e-4, 0);
    const long n = 32 * 32;
    double c1[3] = {-0.5, 0.3, 0}, c2[3] = {0.4, -0.5, 0}, c3[3] = {0.6, 0.6, 0}, c4[3] = {-0.3, -0.2, 0};
    double *a1 = bump(g, c1, 0.4, 0.6), *a2 = bump(g, c2, 0.5, 0.4);
    double *b1 = bump(g, c3, 0.45, 0.5), *b2 = bump(g, c4, 0.4, 0.5);
    double *f = malloc(n * sizeof(double)), *gg = malloc(n * sizeof(double)), *e = malloc(n * sizeof(double));
    for (long c = 0; c < n; c++) {
        f[c] = a1[c] + a2[c];
        gg[c] = b1[c] + b2[c];
        e[c] = 0.25 * (1 + 0.5 * cos(M_PI * (double)(c % 32) / 8)); /* mass 1 */
    }
    fa_w1_info_t i1, i2, i3, i4, i5;
    double v = w1(w, f, gg, &i1);
    /* the value is the bracket's midpoint by construction, so what is checked here is that the
     * iteration closes the bracket to the tolerance; that the bracket holds W1 is checked
     * against exact values (translates above, the LP in test_w1_pot.sh) */
    tl_check(i1.converged && i1.gap <= 1e-4 && i1.upper - i1.lower <= 1e-4 * i1.upper,
             "2D two blobs: W1 = %.8f, bracket [%.8f, %.8f] closed to gap %.1e <= 1e-4, %d iterations, "
             "max |grad phi| before scaling %.6f", v, i1.lower, i1.upper, i1.gap, i1.iterations, i1.lipschitz);
    double vr = w1(w, gg, f, &i2);
    tl_check(i2.lower <= i1.upper && i1.lower <= i2.upper,
             "2D symmetry: W1(g, f) = %.8f, brackets overlap", vr);
    long s[3] = {5, -3, 0};
    double *fs = shifted(g, f, s), *gs = shifted(g, gg, s);
    double vs = w1(w, fs, gs, &i3);
    tl_check(i3.lower <= i1.upper && i1.lower <= i3.upper,
             "2D translation of both by (5, -3) cells: %.8f, brackets overlap", vs);
    double lam = 3.7;
    for (long c = 0; c < n; c++) {
        fs[c] = lam * f[c];
        gs[c] = lam * gg[c];
    }
    double vl = w1(w, fs, gs, &i4);
    tl_check(i4.lower <= lam * i1.upper * (1 + 1e-14) && lam * i1.lower <= i4.upper * (1 + 1e-14),
             "2D scaling by %.1f: %.8f = %.1f x %.8f within the brackets", lam, vl, lam, vl / lam);
    double vfe = w1(w, f, e, &i4), vge = w1(w, gg, e, &i5);
    tl_check(i1.lower <= i4.upper + i5.upper,
             "2D triangle inequality: W1(f,g) = %.6f <= W1(f,e) + W1(e,g) = %.6f + %.6f", v, vfe, vge);
    /* an iteration limit: not converged, but the bracket stays valid */
    fa_w1_t *w20 = workspace(g, 1e-4, 20);
    double v20 = w1(w20, f, gg, &i2);
    tl_check(!i2.converged && i2.iterations == 20 && i2.lower <= i1.upper && i1.lower <= i2.upper,
             "2D 20 iterations: not converged, %.6f in [%.6f, %.6f] (gap %.1e) still holds the value",
             v20, i2.lower, i2.upper, i2.gap);
    /* identical densities; masses that differ */
    double vz = w1(w, f, f, &i2);
    tl_check(vz == 0 && i2.iterations == 0, "2D identical densities: W1 = %g, %d iterations", vz, i2.iterations);
    gg[0] += 1e-3;
    double d;
    int rc = fa_w1_compute(w, f, gg, &d, NULL);
    tl_check(rc == FA_EINVAL, "2D masses differing: refused: %s", fa_last_error());
    fa_w1_free(w20);
    free(a1);
    free(a2);
    free(b1);
    free(b2);
    free(f);
    free(gg);
    free(e);
    free(fs);
    free(gs);
    fa_w1_free(w);
    fa_grid_free(g);
}

static void test_3d(void)
{
    const double M = 1.1;
    {
        double c[3] = {-0.2, 0.1, 0.3};
        long s[3] = {0, 0, 3}; /* 0.375 along z; support 0.4 + h + 0.375 <= 1 */
        check_axis_translate("3D 16^3: z-translate by 3 cells", grid(3, 16, 16, 16, 2, 2, 2), c, 0.2, M, s, 0.375);
    }
    double err[2], hh[2];
    long ns[2] = {16, 32};
    for (int k = 0; k < 2; k++) {
        double c[3] = {-0.125, -0.125, -0.125};
        long sh = ns[k] / 8;
        long s[3] = {sh, sh, sh};
        fa_w1_info_t info;
        double v = translate_w1(grid(3, ns[k], ns[k], ns[k], 2, 2, 2), c, 0.3, M, s, &info), ex = M * 0.25 * sqrt(3.0);
        err[k] = (v - ex) / ex;
        hh[k] = 2.0 / ns[k];
        printf("      3D diagonal translate %ld^3: W1 = %.8f [%.8f, %.8f], %d iterations, exact "
               "%.8f, relative error %+.3e\n", ns[k], v, info.lower, info.upper, info.iterations, ex, err[k]);
    }
    double p = tl_order(err[0], hh[0], err[1], hh[1]);
    tl_check(err[1] > 0 && p >= 1, "3D diagonal translate: relative errors %.2e, %.2e (16^3, 32^3), "
             "observed order %.2f >= 1", err[0], err[1], p);
}

/* ---- free boundary: the whole-space W1 of densities supported in the box ---------------- */

static void fill_block(double *f, long n, long start, long width, double mass, double h)
{
    for (long c = 0; c < n; c++) f[c] = (c >= start && c < start + width) ? mass / ((double)width * h) : 0;
}

static void add_block(double *f, long start, long width, double mass, double h)
{
    for (long c = start; c < start + width; c++) f[c] += mass / ((double)width * h);
}

/* 1D on the line, exact to rounding: W1 = int |F - G| with no periodic images. Each case also
 * runs on the periodic grid of the same box, whose value (the circle's) must match its own
 * closed form and differ, so that the test shows which formula each boundary uses. */
static void test_free_1d(void)
{
    const long n = 60;
    const double L = 3, h = L / n, M = 1.3;
    fa_grid_t *g = grid_b(FA_BOUNDARY_FREE, 1, n, 1, 1, L, 1, 1), *gp = grid(1, n, 1, 1, L, 1, 1);
    fa_w1_t *w = workspace(g, 0, 0), *wp = workspace(gp, 0, 0);
    double *f = malloc(n * sizeof(double)), *gg = malloc(n * sizeof(double));
    const double tol = 32 * DBL_EPSILON * M * L; /* as in test_1d: O(1) rounding per cell */
    fa_w1_info_t info;

    /* an indicator (width, first cell) translated by a whole number of cells: W1 = M a on the
     * line for every shift, up to the whole box; on the circle only while the support plus the
     * shift spans at most half of it */
    const long cases[][3] = {{4, 2, 3}, {4, 2, 50}, {20, 0, 40}, {1, 0, 59}, {30, 0, 30},
                             {25, 5, 20}, {1, 45, -30}, {12, 40, -40}};
    double worst = 0;
    int ok = 1, ok_per = 1, differ = 0, wraps = 0;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        long wc = cases[k][0], st = cases[k][1], ac = cases[k][2];
        fill_block(f, n, st, wc, M, h);
        fill_block(gg, n, st + ac, wc, M, h);
        double v = w1(w, f, gg, &info), ex = M * fabs((double)ac) * h;
        double e = fabs(v - ex);
        if (e > worst) worst = e;
        if (e > tol || !info.exact || info.lower != v || info.upper != v) ok = 0;
        double vp = w1(wp, f, gg, NULL), exp_ = indicator_exact(M, wc * h, ac * h, L);
        if (fabs(vp - exp_) > tol) ok_per = 0;
        if (vp < ex - 1e3 * tol) differ++;
        if (wc + labs(ac) > n / 2) wraps++; /* the circle's way round is shorter for these */
        printf("      width %2ld cells at %2ld, shift %+3ld: line %.17g (M a = %.17g), circle %.17g\n", wc, st, ac,
               v, ex, vp);
    }
    tl_check(ok, "1D free: indicator translates up to the whole box (%zu cases): W1 = M a, max error %.2e <= %.2e",
             sizeof cases / sizeof cases[0], worst, tol);
    tl_check(ok_per && differ == wraps, "1D periodic, the same pairs: the circle's closed form, smaller than M a "
             "in the %d cases where support + shift > L/2 (%d expected): the free value is not the circle's", differ,
             wraps);

    /* two blocks exchanging mass: f - g = (M1 - M2) (1_A - 1_B)/w, an indicator minus its
     * translate by the distance between the blocks (37 cells here; 23 the other way round) */
    const double M1 = 0.9, M2 = 0.4;
    fill_block(f, n, 3, 5, M1, h);
    add_block(f, 40, 5, M2, h);
    fill_block(gg, n, 3, 5, M2, h);
    add_block(gg, 40, 5, M1, h);
    double v = w1(w, f, gg, NULL), ex = (M1 - M2) * 37 * h, vp = w1(wp, f, gg, NULL), exp_ = (M1 - M2) * 23 * h;
    tl_check(fabs(v - ex) <= tol && fabs(vp - exp_) <= tol,
             "1D two blocks exchanging mass 0.9 <-> 0.4, 37 cells apart: free %.17g = (M1 - M2) 37 h = %.17g; "
             "periodic %.17g = (M1 - M2) 23 h", v, ex, vp);

    /* a one-cell mass in the first cell against the uniform density: on the line
     * int |F - G| = M (L - h)/2 (closed form: a triangle of height M (L - h)/L over L - h and a
     * trapezoid over the first cell); on the circle every cell is alike, and for a central cell
     * the median of F - G is 0, so the circle gives the line's value for the middle,
     * M (L - h)/4 */
    fill_block(f, n, 0, 1, M, h);
    fill_block(gg, n, 0, n, M, h);
    v = w1(w, f, gg, NULL);
    vp = w1(wp, f, gg, NULL);
    double vr = w1(w, gg, f, NULL);
    tl_check(fabs(v - M * (L - h) / 2) <= tol && fabs(vp - M * (L - h) / 4) <= tol && vr == v,
             "1D one-cell mass at the edge vs uniform: free %.17g = M (L - h)/2 = %.17g (reversed %.17g), "
             "periodic %.17g = M (L - h)/4", v, M * (L - h) / 2, vr, vp);

    /* the middle cell: free and periodic agree (L/2 = 30 h: the centre is a cell face, use the
     * two central cells) */
    fill_block(f, n, 29, 2, M, h);
    v = w1(w, f, gg, NULL);
    vp = w1(wp, f, gg, NULL);
    ex = M * (L - 2 * h) / 4;
    tl_check(fabs(v - ex) <= tol && fabs(vp - ex) <= tol,
             "1D two central cells vs uniform: free %.17g, periodic %.17g, both M (L - 2h)/4 = %.17g", v, vp, ex);

    /* mass mismatch and non-finite values are refused as on the circle */
    gg[7] *= 1 + 1e-5;
    double d;
    int rc = fa_w1_compute(w, f, gg, &d, NULL);
    tl_check(rc == FA_EINVAL && strstr(fa_last_error(), "masses differ"), "1D free: unequal masses refused");
    free(f);
    free(gg);
    fa_w1_free(w);
    fa_w1_free(wp);
    fa_grid_free(g);
    fa_grid_free(gp);
}

/* W1 of a pair on a grid of either boundary (a workspace made and freed here). */
static double pair_w1(fa_boundary_t b, int d, const long n[3], const double L[3], const double *f,
                      const double *gd, double tol, fa_w1_info_t *info)
{
    fa_grid_t *g = grid_b(b, d, n[0], n[1], n[2], L[0], L[1], L[2]);
    fa_w1_t *w = workspace(g, tol, 0);
    double v = w1(w, f, gd, info);
    fa_w1_free(w);
    fa_grid_free(g);
    return v;
}

/* A bump of mass M, radius R, centre c translated by whole cells s on the free grid of nc^d
 * cells and box L^d, and (if `periodic`) the same pair on the periodic grid of that box. */
typedef struct {
    double v, vp, a, h;  /* free value, periodic value, |a|, h */
    fa_w1_info_t fi, pi; /* free, periodic */
} translate_t;

static translate_t free_translate(int d, long nc, double L, const double c[3], double R, double M, const long s[3],
                                  int periodic)
{
    long n[3] = {nc, d > 1 ? nc : 1, d > 2 ? nc : 1};
    double Ls[3] = {L, d > 1 ? L : 1, d > 2 ? L : 1}, a2 = 0;
    fa_grid_t *g = grid_b(FA_BOUNDARY_FREE, d, n[0], n[1], n[2], Ls[0], Ls[1], Ls[2]);
    double *f = bump(g, c, R, M), *gs = shifted(g, f, s);
    translate_t t;
    memset(&t, 0, sizeof t);
    t.h = L / (double)nc;
    for (int k = 0; k < d; k++) a2 += (double)(s[k] * s[k]) * t.h * t.h;
    t.a = sqrt(a2);
    t.v = pair_w1(FA_BOUNDARY_FREE, d, n, Ls, f, gs, 1e-4, &t.fi);
    if (periodic) t.vp = pair_w1(FA_BOUNDARY_PERIODIC, d, n, Ls, f, gs, 1e-4, &t.pi);
    free(f);
    free(gs);
    fa_grid_free(g);
    return t;
}

/* Diagonal translates corner to corner on grids ns[0..k): the grid problem's value is at
 * least M |a| (the potential -a.x/|a| has |grad_h phi| = 1 on every interior face, so it is
 * admissible, and its dual value is M |a|; the upper bound must respect that) and exceeds it by
 * a discretisation error O(h): at most K M h above the bracket, K set 30% above the largest
 * measured (v - M|a|)/(M h), with the observed order of the relative error >= 1. */
static void free_diagonal(int d, const long *ns, int k, double L, const double c[3], double R, double M, double K)
{
    double err[4], hh[4], worst = 0;
    int ok = 1, conv = 1;
    for (int i = 0; i < k; i++) {
        long s[3] = {ns[i] / 2, ns[i] / 2, d > 2 ? ns[i] / 2 : 0};
        translate_t t = free_translate(d, ns[i], L, c, R, M, s, i == 0);
        double ex = M * t.a, e = (t.v - ex) / (M * t.h);
        err[i] = (t.v - ex) / ex;
        hh[i] = t.h;
        if (e > worst) worst = e;
        if (t.fi.upper < ex * (1 - 1e-12) || t.fi.lower > ex + K * M * t.h) ok = 0;
        if (!t.fi.converged) conv = 0;
        printf("      %dD %ld^%d corner to corner: W1 = %.8f [%.8f, %.8f], %d iterations; M |a| = %.8f; "
               "(W1_h - M|a|)/(M h) = %.4f, relative %+.3e\n", d, ns[i], d, t.v, t.fi.lower, t.fi.upper,
               t.fi.iterations, ex, e, err[i]);
        if (i == 0)
            tl_check(t.fi.lower > t.pi.upper,
                     "%dD %ld^%d corner to corner: free %.6f > periodic %.6f [%.6f, %.6f] (%d iterations): the torus "
                     "takes the short way round", d, ns[i], d, t.v, t.vp, t.pi.lower, t.pi.upper, t.pi.iterations);
    }
    tl_check(ok && conv, "%dD free diagonal translates: M |a| <= upper and lower <= M |a| + %.2f M h on all grids "
             "(largest (W1_h - M|a|)/(M h) = %.3f)", d, K, worst);
    int ord = 1;
    for (int i = 0; i + 1 < k; i++) {
        double p = tl_order(err[i], hh[i], err[i + 1], hh[i + 1]);
        printf("      %dD observed order %ld -> %ld: %.2f\n", d, ns[i], ns[i + 1], p);
        if (!(p >= 1)) ord = 0;
    }
    tl_check(ord && err[k - 1] > 0, "%dD free diagonal translates: relative error %.2e -> %.2e, observed orders >= 1",
             d, err[0], err[k - 1]);
}

static void test_free_2d(void)
{
    const double M = 0.8, L = 2;
    /* axis translate across most of the box: W1 = M a is also the grid problem's value (the
     * translating flux uses interior faces only; phi = -x certifies it), so the bracket must
     * hold it; on the torus the bump goes 0.75 the other way */
    {
        double c[3] = {-0.7, 0.1, 0};
        long s[3] = {20, 0, 0};
        translate_t t = free_translate(2, 32, L, c, 0.25, M, s, 1);
        tl_check(in_bracket(M * t.a, &t.fi) && t.fi.converged && t.fi.lower > t.pi.upper,
                 "2D free 32^2: x-translate by 20 cells (1.25): W1 = %.8f in [%.8f, %.8f] (%d iterations) holds "
                 "M a = %.8f; periodic %.8f [%.8f, %.8f] (%d iterations) is smaller", t.v, t.fi.lower, t.fi.upper,
                 t.fi.iterations, M * t.a, t.vp, t.pi.lower, t.pi.upper, t.pi.iterations);
    }
    /* densities touching the box edge: the first column against the last, box 3 x 2 with
     * 24 x 16 cells: free M (L_x - h_x), periodic M h_x (neighbours across the periodic face) */
    {
        const long nx = 24, ny = 16, n[3] = {nx, ny, 1};
        const double Ls[3] = {3, 2, 1}, hx = 3.0 / nx, hy = 2.0 / ny;
        double *f = calloc(nx * ny, sizeof(double)), *gg = calloc(nx * ny, sizeof(double));
        for (long iy = 0; iy < ny; iy++) {
            f[iy * nx] = M / (ny * hx * hy);
            gg[iy * nx + nx - 1] = M / (ny * hx * hy);
        }
        fa_w1_info_t fi, pi;
        double v = pair_w1(FA_BOUNDARY_FREE, 2, n, Ls, f, gg, 1e-4, &fi);
        double vp = pair_w1(FA_BOUNDARY_PERIODIC, 2, n, Ls, f, gg, 1e-4, &pi);
        tl_check(in_bracket(M * (3 - hx), &fi) && in_bracket(M * hx, &pi),
                 "2D first column vs last (24 x 16, box 3 x 2): free %.8f [%.8f, %.8f] (%d iterations) holds "
                 "M (L - h) = %.8f; periodic %.8f [%.8f, %.8f] holds M h = %.8f", v, fi.lower, fi.upper,
                 fi.iterations, M * (3 - hx), vp, pi.lower, pi.upper, M * hx);
        free(f);
        free(gg);
    }
    /* corner to corner: centre (-0.5, -0.5), radius 0.25, translate (1, 1) */
    {
        const long ns[4] = {16, 32, 64, 128};
        double c[3] = {-0.5, -0.5, 0};
        free_diagonal(2, ns, 4, L, c, 0.25, M, 0.6);
    }
    /* the periodic test's central diagonal translate (support + shift within half the box):
     * both boundaries have the value M |a| in the continuum; on the grid the free problem's
     * feasible fluxes are periodic ones with zero flux on the boundary faces, so free >= periodic */
    {
        const long ns[2] = {32, 64};
        for (int k = 0; k < 2; k++) {
            double c[3] = {-0.125, -0.125, 0};
            long s[3] = {ns[k] / 8, ns[k] / 8, 0};
            translate_t t = free_translate(2, ns[k], L, c, 0.25, M, s, 1);
            tl_check(t.fi.upper >= t.pi.lower && t.fi.lower <= t.pi.upper * (1 + 2e-4),
                     "2D %ld^2 central diagonal translate: free %.8f [%.8f, %.8f] (%d iterations), periodic %.8f "
                     "[%.8f, %.8f] (%d iterations): free >= periodic, the same to the tolerance", ns[k], t.v,
                     t.fi.lower, t.fi.upper, t.fi.iterations, t.vp, t.pi.lower, t.pi.upper, t.pi.iterations);
        }
    }
}

static void test_free_2d_properties(void)
{
    const long nn = 32, n = nn * nn, nd[3] = {nn, nn, 1};
    const double Ls[3] = {2, 2, 1};
    fa_grid_t *g = grid_b(FA_BOUNDARY_FREE, 2, nn, nn, 1, 2, 2, 1);
    fa_w1_t *w = workspace(g, 1e-4, 0);
    /* one blob of each density touches the box edge (centre 0.25 from it, radius 0.4) */
    double c1[3] = {-0.75, 0.3, 0}, c2[3] = {0.4, -0.5, 0}, c3[3] = {0.6, 0.75, 0}, c4[3] = {-0.3, -0.2, 0};
    double *a1 = bump(g, c1, 0.4, 0.6), *a2 = bump(g, c2, 0.5, 0.4);
    double *b1 = bump(g, c3, 0.4, 0.5), *b2 = bump(g, c4, 0.4, 0.5);
    double *f = malloc(n * sizeof(double)), *gg = malloc(n * sizeof(double)), *e = malloc(n * sizeof(double));
    for (long c = 0; c < n; c++) {
        f[c] = a1[c] + a2[c];
        gg[c] = b1[c] + b2[c];
        e[c] = 0.25 * (1 + 0.5 * cos(M_PI * (double)(c % nn) / 8)); /* mass 1 */
    }
    fa_w1_info_t i1, i2, i3, i4, ip;
    double v = w1(w, f, gg, &i1);
    tl_check(i1.converged && i1.upper - i1.lower <= 1e-4 * i1.upper,
             "2D free two blobs at the edge: W1 = %.8f, bracket [%.8f, %.8f] closed to gap %.1e <= 1e-4, "
             "%d iterations, max |grad phi| before scaling %.6f", v, i1.lower, i1.upper, i1.gap, i1.iterations,
             i1.lipschitz);
    double vp = pair_w1(FA_BOUNDARY_PERIODIC, 2, nd, Ls, f, gg, 1e-4, &ip);
    tl_check(i1.upper >= ip.lower, "2D the same pair periodic: %.8f [%.8f, %.8f] (%d iterations) <= free "
             "(its fluxes include every free one)", vp, ip.lower, ip.upper, ip.iterations);
    double vr = w1(w, gg, f, &i2);
    tl_check(i2.lower <= i1.upper && i1.lower <= i2.upper, "2D free symmetry: W1(g, f) = %.8f [%.8f, %.8f], "
             "brackets overlap", vr, i2.lower, i2.upper);
    double vfe = w1(w, f, e, &i3), vge = w1(w, gg, e, &i4);
    tl_check(i1.lower <= i3.upper + i4.upper, "2D free triangle inequality: W1(f,g) = %.6f <= W1(f,e) + W1(e,g) = "
             "%.6f + %.6f", v, vfe, vge);
    fa_w1_t *w20 = workspace(g, 1e-4, 20);
    double v20 = w1(w20, f, gg, &i2);
    tl_check(!i2.converged && i2.iterations == 20 && i2.lower <= i1.upper && i1.lower <= i2.upper,
             "2D free 20 iterations: not converged, %.6f in [%.6f, %.6f] (gap %.1e) still holds the value", v20,
             i2.lower, i2.upper, i2.gap);
    double vz = w1(w, f, f, &i2);
    tl_check(vz == 0 && i2.iterations == 0, "2D free identical densities: W1 = %g", vz);
    fa_w1_free(w20);
    free(a1);
    free(a2);
    free(b1);
    free(b2);
    free(f);
    free(gg);
    free(e);
    fa_w1_free(w);
    fa_grid_free(g);
}

static void test_free_3d(void)
{
    const double M = 1.1, L = 2;
    {
        double c[3] = {0.1, -0.2, -0.7};
        long s[3] = {0, 0, 12}; /* 1.5 along z, from near one face to near the opposite one */
        translate_t t = free_translate(3, 16, L, c, 0.25, M, s, 1);
        tl_check(in_bracket(M * t.a, &t.fi) && t.fi.converged && t.fi.lower > t.pi.upper,
                 "3D free 16^3: z-translate by 12 cells (1.5): W1 = %.8f in [%.8f, %.8f] (%d iterations) holds "
                 "M a = %.8f; periodic %.8f (%d iterations) is smaller", t.v, t.fi.lower, t.fi.upper,
                 t.fi.iterations, M * t.a, t.vp, t.pi.iterations);
    }
    {
        const long ns[2] = {16, 32};
        double c[3] = {-0.5, -0.5, -0.5};
        free_diagonal(3, ns, 2, L, c, 0.3, M, 0.95);
    }
    /* symmetry and the bracket on two blobs, one touching a face */
    {
        const long nn = 16, nd[3] = {nn, nn, nn};
        const double Ls[3] = {L, L, L};
        fa_grid_t *g = grid_b(FA_BOUNDARY_FREE, 3, nn, nn, nn, L, L, L);
        double c1[3] = {-0.7, 0.2, 0.1}, c2[3] = {0.5, -0.3, 0.4};
        double *f = bump(g, c1, 0.3, M), *gg = bump(g, c2, 0.45, M);
        fa_w1_info_t i1, i2;
        double v = pair_w1(FA_BOUNDARY_FREE, 3, nd, Ls, f, gg, 1e-4, &i1);
        double vr = pair_w1(FA_BOUNDARY_FREE, 3, nd, Ls, gg, f, 1e-4, &i2);
        tl_check(i1.converged && i1.gap <= 1e-4 && i2.lower <= i1.upper && i1.lower <= i2.upper,
                 "3D free 16^3 two blobs: W1 = %.8f [%.8f, %.8f] (%d iterations), reversed %.8f [%.8f, %.8f]: "
                 "gap %.1e <= 1e-4, brackets overlap", v, i1.lower, i1.upper, i1.iterations, vr, i2.lower,
                 i2.upper, i1.gap);
        free(f);
        free(gg);
        fa_grid_free(g);
    }
}

/* ---- probe mode ---------------------------------------------------------------------- */

static double *load(const char *path, long n)
{
    FILE *fp = fopen(path, "rb");
    double *x = malloc((size_t)n * sizeof(double));
    if (!fp || !x || fread(x, sizeof(double), (size_t)n, fp) != (size_t)n) {
        fprintf(stderr, "test_w1 probe: cannot read %ld doubles from %s\n", n, path);
        exit(99);
    }
    fclose(fp);
    return x;
}

static int probe(int argc, char **argv, fa_boundary_t b)
{
    int d = argc > 2 ? atoi(argv[2]) : 0;
    if (d < 1 || d > 3 || argc < 3 + 2 * d + 2) {
        fprintf(stderr, "usage: test_w1 probe|probe-free DIM N.. L.. F.bin G.bin [TOL]\n");
        return 99;
    }
    long n[3] = {1, 1, 1}, total = 1;
    double L[3] = {1, 1, 1};
    for (int a = 0; a < d; a++) {
        n[a] = atol(argv[3 + a]);
        L[a] = atof(argv[3 + d + a]);
        total *= n[a];
    }
    int i = 3 + 2 * d;
    fa_grid_t *g = grid_b(b, d, n[0], n[1], n[2], L[0], L[1], L[2]);
    fa_w1_t *w = workspace(g, argc > i + 2 ? atof(argv[i + 2]) : 0, 0);
    double *f = load(argv[i], total), *gg = load(argv[i + 1], total);
    fa_w1_info_t info;
    double v = w1(w, f, gg, &info);
    printf("%.17g %.17g %.17g %d %d\n", v, info.lower, info.upper, info.iterations, info.converged);
    free(f);
    free(gg);
    fa_w1_free(w);
    fa_grid_free(g);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "probe") == 0) return probe(argc, argv, FA_BOUNDARY_PERIODIC);
    if (argc > 1 && strcmp(argv[1], "probe-free") == 0) return probe(argc, argv, FA_BOUNDARY_FREE);
    test_1d();
    test_2d_translates();
    test_2d_properties();
    test_3d();
    test_free_1d();
    test_free_2d();
    test_free_2d_properties();
    test_free_3d();
    return tl_exit();
}
