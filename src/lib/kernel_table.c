/* Cell integrals W(q) = int_{C_0} K(q o h - y) dy of one kernel term (doc/theory/cell-integrals.md):
 * the table. The gaussian is separable: W is a product of one-dimensional integrals, each an
 * erf difference. Every other term is set up here as a sum of radial pieces c r^beta, c log r,
 * c e^(-r/l), whose integral over one cell is the quadrature of kernel_quad.c.
 * W is even in each q_a and symmetric under exchange of axes of equal h and n: one entry per
 * orbit is computed (q_0 >= q_1 >= q_2 >= 0 on a cube) in the output itself, then copied
 * (no scratch proportional to the table). */
#include "kernel_table_private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- set-up ------------------------------------------------------------------------ */

static piece_t piece(piece_kind_t kind, double c, double beta, double l)
{
    piece_t p;
    memset(&p, 0, sizeof p);
    p.kind = kind, p.c = c, p.beta = beta, p.l = l;
    return p;
}

static int radial_setup(const fa_kernel_term_t *t, int d, radial_t *R)
{
    memset(R, 0, sizeof *R);
    R->d = d;
    double C = t->strength;
    switch (t->type) {
    case FA_KERNEL_NONE:
        return FA_OK;
    case FA_KERNEL_RIESZ:
        if (!isfinite(C) || !(t->alpha > 0 && t->alpha < d))
            return FA_ERROR(FA_EINVAL, "riesz cell integrals need a finite strength and 0 < alpha < %d (alpha = %g)",
                            d, t->alpha);
        R->p[R->np++] = piece(PIECE_POW, C, -t->alpha, 0);
        return FA_OK;
    case FA_KERNEL_NEWTONIAN:
        if (!isfinite(C)) return FA_ERROR(FA_EINVAL, "newtonian cell integrals need a finite strength");
        if (d == 1)
            R->p[R->np++] = piece(PIECE_POW, -0.5 * C, 1, 0);
        else if (d == 2)
            R->p[R->np++] = piece(PIECE_LOG, -C / (2 * M_PI), 0, 0);
        else
            R->p[R->np++] = piece(PIECE_POW, C / (4 * M_PI), -1, 0);
        return FA_OK;
    case FA_KERNEL_POWER: {
        double a = t->exponent;
        if (!isfinite(C) || !isfinite(a) || !(a > -d) || a == 0)
            return FA_ERROR(FA_EINVAL, "power cell integrals need a finite strength and a > -%d, a != 0 (a = %g)", d, a);
        R->p[R->np++] = piece(PIECE_POW, C / a, a, 0);
        /* |x|^(2k) is a polynomial of degree 2k in x: k + 1 points per axis are exact */
        if (a > 0 && a <= 2 * KT_MMAX - 2 && a == 2 * floor(0.5 * a)) R->poly_m = (int)(0.5 * a) + 1;
        return FA_OK;
    }
    case FA_KERNEL_MORSE: {
        double ca = t->attraction, la = t->attraction_length, cr = t->repulsion, lr = t->repulsion_length;
        if (!isfinite(ca) || !isfinite(cr) || !(la > 0) || !(lr > 0) || !isfinite(la) || !isfinite(lr))
            return FA_ERROR(FA_EINVAL, "morse cell integrals need finite strengths and lengths > 0");
        if (ca != 0) R->p[R->np++] = piece(PIECE_EXP, -ca, 0, la);
        if (cr != 0) R->p[R->np++] = piece(PIECE_EXP, cr, 0, lr);
        R->lmin = ca != 0 && cr != 0 ? fa_min2(la, lr) : ca != 0 ? la : lr;
        R->lmax = ca != 0 && cr != 0 ? fa_max2(la, lr) : ca != 0 ? la : lr;
        R->exp_only = 1;
        return FA_OK;
    }
    default:
        return FA_ERROR(FA_EINVAL, "no cell integrals for kernel type %d", (int)t->type);
    }
}

/* Series coefficients of the powers and logs (piece_t). */
static void radial_series(radial_t *R)
{
    /* exponentials are evaluated directly: their series (e^(-rc/l) times e^z, z from the series
     * of sqrt(1 + delta)) measured no faster than one exp per point */
    R->series = R->np > 0 && !R->exp_only;
    for (int q = 0; q < R->np; q++) {
        piece_t *p = &R->p[q];
        if (p->kind == PIECE_POW) {
            double e = 0.5 * p->beta;
            p->b[0] = 1;
            for (int k = 0; k <= KT_KMAX; k++) p->b[k + 1] = p->b[k] * (e - k) / (k + 1);
        } else if (p->kind == PIECE_LOG) {
            p->b[0] = 0;
            for (int k = 1; k <= KT_KMAX + 1; k++) p->b[k] = (k % 2 ? 1.0 : -1.0) / k;
        }
    }
}

/* ---- the table --------------------------------------------------------------------- */

/* |q_a| of wrap-around index i on an axis of n cells */
static inline long fold(long i, long n) { return i < n ? i : 2 * n - i; }

/* Axes a, b are interchangeable: same spacing and count. */
static int same_axis(int d, const double h[3], const long n[3], int a, int b)
{
    return a < d && b < d && h[a] == h[b] && n[a] == n[b];
}

/* Exchanges of interchangeable axes in the order (0,1), (0,2), (1,2); the canonical member of
 * an orbit is decreasing along each class (these three exchanges sort any class of up to three). */
static const int pair_a[3] = {0, 0, 1}, pair_b[3] = {1, 2, 2};

static void canonical(const int eq[3], long u[3])
{
    for (int k = 0; k < 3; k++) {
        int a = pair_a[k], b = pair_b[k];
        if (eq[k] && u[a] < u[b]) {
            long t = u[a];
            u[a] = u[b];
            u[b] = t;
        }
    }
}

static int is_canonical(const int eq[3], const long u[3])
{
    for (int k = 0; k < 3; k++)
        if (eq[k] && u[pair_a[k]] < u[pair_b[k]]) return 0;
    return 1;
}

static int gaussian_table(const fa_kernel_term_t *t, int d, const double h[3], const long n[3], long p0, long p1,
                          double *out, const gl_rules_t *gl)
{
    double l = t->length, C = t->strength;
    if (!isfinite(C) || !(l > 0) || !isfinite(l))
        return FA_ERROR(FA_EINVAL, "gaussian cell integrals need a finite strength and a length l > 0");
    long N[3] = {1, 1, 1};
    double *f[3] = {NULL, NULL, NULL};
    for (int a = 0; a < d; a++) {
        N[a] = 2 * n[a];
        f[a] = fa_malloc((size_t)(n[a] + 1) * sizeof(double));
        if (!f[a]) {
            for (int b = 0; b < a; b++) free(f[b]);
            return FA_ENOMEM;
        }
        for (long u = 0; u <= n[a]; u++) f[a][u] = fa_kernel_table_gauss_interval(u - 0.5, h[a], l, gl);
    }
    /* C (f_0 f_1) in 2D and C ((lo mid) hi), the factors sorted, in 3D: the same bits under
     * any exchange of axes */
    long plane = d == 1 ? 1 : d == 2 ? N[0] : N[0] * N[1];
    for (long p = p0; p < p1; p++) {
        double *o = out + (p - p0) * plane;
        double fs = f[d - 1][fold(p, n[d - 1])];
        if (d == 1) {
            o[0] = C * fs;
            continue;
        }
        long rows = d == 2 ? 1 : N[1];
        for (long j = 0; j < rows; j++) {
            double *orow = o + j * N[0];
            if (d == 2) {
                for (long i = 0; i < N[0]; i++) orow[i] = C * (f[0][fold(i, n[0])] * fs);
                continue;
            }
            double fj = f[1][fold(j, n[1])], lo = fa_min2(fj, fs), hi = fa_max2(fj, fs);
            for (long i = 0; i < N[0]; i++) {
                double x = f[0][fold(i, n[0])];
                double a = fa_min2(x, lo), c = fa_max2(x, hi), b = fa_max2(lo, fa_min2(x, hi));
                orow[i] = C * ((a * b) * c);
            }
        }
    }
    for (int a = 0; a < d; a++) free(f[a]);
    return FA_OK;
}

/* The radial terms, in place. Plane k of the slow axis (|q_s| = fold(k)) is computed when it
 * is in the first half (k <= n_s) or its mirror 2 n_s - k precedes the range; otherwise it is a
 * copy of its mirror. In a computed plane the entries with every index in [0, n_b] (index =
 * |q_b|, the "quadrant") are computed where canonical and copied where not, then mirrored
 * along the other axes. When the whole slow axis is written, exchanges with it are used too
 * (the canonical entry then lies in another computed plane, k <= n_s); for a range of planes
 * only exchanges of the other axes. */
static void radial_table(const radial_t *R, const double h[3], const long n[3], long p0, long p1, int threads,
                         double *out)
{
    const int d = R->d, s = d - 1;
    long N[3] = {1, 1, 1}, nq[3] = {1, 1, 1}; /* nq: quadrant extent (n_a + 1) of the in-plane axes */
    for (int a = 0; a < d; a++) N[a] = 2 * n[a];
    for (int a = 0; a < s; a++) nq[a] = n[a] + 1;
    const long plane = (d > 1 ? N[0] : 1) * (d > 2 ? N[1] : 1);
    const long ns = n[s];
    const int full = p0 == 0 && p1 == N[s];
    int eq[3], eqall[3];
    for (int k = 0; k < 3; k++) {
        eq[k] = eqall[k] = same_axis(d, h, n, pair_a[k], pair_b[k]);
        if (!full && (pair_a[k] == s || pair_b[k] == s)) eq[k] = 0;
    }
#define COMPUTED(k) ((k) <= ns || 2 * ns - (k) < p0)
    /* quadrant rows (one per plane in 1D and 2D, nq[1] in 3D) of the computed planes */
    const long rows = d > 2 ? nq[1] : 1, items = (p1 - p0) * rows;

    /* 1: canonical quadrant entries; cells near the origin cost thousands of points, far ones
     * 8..64, hence the dynamic schedule over rows. Only the threads the caller was given: the
     * same bits with any count, every entry is computed by one thread alone. */
#pragma omp parallel for num_threads(threads) if (threads > 1) schedule(dynamic, 1)
    for (long it = 0; it < items; it++) {
        long k = p0 + it / rows, j = it % rows;
        if (!COMPUTED(k)) continue;
        double *o = out + (k - p0) * plane + j * (d > 1 ? N[0] : 1);
        long u[3] = {0, 0, 0};
        u[s] = fold(k, ns);
        if (d > 2) u[1] = j;
        for (long i = 0; i < nq[0]; i++) {
            if (d > 1) u[0] = i;
            if (!is_canonical(eq, u)) continue;
            /* evaluated at the member canonical under all exchanges, so that a range of planes
             * gets the same bits as the whole table */
            long v[3] = {u[0], u[1], u[2]};
            canonical(eqall, v);
            o[d > 1 ? i : 0] = fa_kernel_table_cell_integral(R, h, v);
        }
    }

    /* 2: the other quadrant entries from their canonical member */
    for (long k = p0; k < p1; k++) {
        if (!COMPUTED(k)) continue;
        for (long j = 0; j < rows; j++) {
            double *o = out + (k - p0) * plane + j * (d > 1 ? N[0] : 1);
            long u[3] = {0, 0, 0};
            u[s] = fold(k, ns);
            if (d > 2) u[1] = j;
            for (long i = 0; i < nq[0]; i++) {
                if (d > 1) u[0] = i;
                if (is_canonical(eq, u)) continue;
                long v[3] = {u[0], u[1], u[2]};
                canonical(eq, v);
                /* in full mode v[s] <= n_s is plane v[s]; otherwise v[s] = u[s] (plane k) */
                long kv = v[s] == u[s] ? k : v[s];
                o[d > 1 ? i : 0] = out[(kv - p0) * plane + (d > 2 ? v[1] * N[0] : 0) + (d > 1 ? v[0] : 0)];
            }
        }
    }

    /* 3: mirror the computed planes along the in-plane axes: i_0 > n_0 from 2 n_0 - i_0 in the
     * quadrant rows, then (3D) rows i_1 > n_1 from row 2 n_1 - i_1 */
    for (long k = p0; k < p1 && d > 1; k++) {
        if (!COMPUTED(k)) continue;
        double *o = out + (k - p0) * plane;
        for (long j = 0; j < rows; j++) {
            double *r = o + j * N[0];
            for (long i = n[0] + 1; i < N[0]; i++) r[i] = r[N[0] - i];
        }
        if (d > 2)
            for (long j = n[1] + 1; j < N[1]; j++) memcpy(o + j * N[0], o + (N[1] - j) * N[0], (size_t)N[0] * sizeof(double));
    }

    /* 4: the planes that are copies of their mirror */
    for (long k = p0; k < p1; k++)
        if (!COMPUTED(k)) memcpy(out + (k - p0) * plane, out + (2 * ns - k - p0) * plane, (size_t)plane * sizeof(double));
#undef COMPUTED
}

int fa_kernel_term_cell_integrals(const fa_kernel_term_t *t, int d, const double h[3], const long n[3],
                                  long p0, long p1, int threads, double *out)
{
    if (!t || !h || !n) return FA_ERROR(FA_EINVAL, "cell integrals: NULL argument");
    if (d < 1 || d > 3) return FA_ERROR(FA_EINVAL, "cell integrals: dimension %d not in 1..3", d);
    for (int a = 0; a < d; a++) {
        if (!(h[a] > 0) || !isfinite(h[a]))
            return FA_ERROR(FA_EINVAL, "cell integrals: spacing h[%d] = %g must be positive and finite", a, h[a]);
        if (n[a] < 1 || n[a] > (1L << 28))
            return FA_ERROR(FA_EINVAL, "cell integrals: n[%d] = %ld out of range", a, n[a]);
    }
    long slow = 2 * n[d - 1];
    if (p0 < 0 || p1 < p0 || p1 > slow)
        return FA_ERROR(FA_EINVAL, "cell integrals: planes [%ld, %ld) not within [0, %ld)", p0, p1, slow);
    if (p1 > p0 && !out) return FA_ERROR(FA_EINVAL, "cell integrals: NULL output");

    radial_t R;
    if (t->type != FA_KERNEL_GAUSSIAN) FA_TRY(radial_setup(t, d, &R));
    if (p1 == p0) return FA_OK;
    long plane = 1;
    for (int a = 0; a < d - 1; a++) plane *= 2 * n[a];
    if (t->type == FA_KERNEL_NONE) {
        memset(out, 0, (size_t)(p1 - p0) * plane * sizeof(double));
        return FA_OK;
    }
    gl_rules_t *gl = fa_malloc(sizeof *gl);
    if (!gl) return FA_ENOMEM;
    fa_kernel_table_gl_rules_init(gl);
    int rc = FA_OK;
    if (t->type == FA_KERNEL_GAUSSIAN) {
        rc = gaussian_table(t, d, h, n, p0, p1, out, gl);
    } else {
        R.gl = gl;
        radial_series(&R);
        for (int a = 0; a < d && R.lmin > 0; a++) {
            R.wexp[a] = -1; /* no cache while computing it */
            R.mexp[a] = fa_kernel_table_exp_points(&R, h[a], a);
            R.wexp[a] = h[a];
        }
        radial_table(&R, h, n, p0, p1, threads > 1 ? threads : 1, out);
    }
    free(gl);
    return rc;
}
