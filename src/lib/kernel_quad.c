/* The quadrature of one cell for the kernel table (doc/theory/cell-integrals.md): every term
 * but the gaussian is a sum of radial pieces c r^beta, c log r, c e^(-r/l) (radial_t, set up
 * in kernel_table.c):
 *  - the cell q = 0 holds the singularity (or the kink) of the pieces. Its 2^d orthants are
 *    each split into d pyramids with apex at the origin, one over each far face; on the
 *    pyramid over the face p_a = h_a/2, y = t p (t in [0, 1]) gives dy = (h_a/2) t^(d-1) dt dp
 *    and int_0^1 t^(d-1) K(t |p|) dt is known in closed form for each piece (the Duffy
 *    transformation: the radial integral is exact, what is left is a smooth integral over the
 *    face, with |p| >= h_a/2);
 *  - every other cell is a tensor Gauss-Legendre rule whose number of points per axis comes
 *    from the Bernstein-ellipse bound (the nearest complex singularity of K(|x|) along the
 *    axis, at x_a = -c_a +- i s) and, for exponentials, from the derivative bound of e^(-r/l);
 *    a box that would need more than KT_MMAX points along an axis is bisected there.
 *    On boxes far from the origin (|x|^2 = |c|^2 (1 + delta), |delta| <= 1/4) powers and logs
 *    are summed as their binomial / log1p series in delta: one pow or log per box instead of
 *    one per point, the series cut where its tail is below 1e-17.
 * The gaussian is separable: its W is a product of the one-dimensional integrals at the end. */
#include "kernel_table_private.h"

#include <math.h>
#include <string.h>

#define KT_DEPTH 48         /* most bisections of one cell (exponentials much shorter than h) */
#define KT_LOG_TOL (-39.14) /* log(1e-17): the per-axis Bernstein-ellipse estimate aimed at */
#define KT_LOG_TOL_EXP (-34.54) /* log(1e-15): the derivative bound for exponentials (a bound, not
                                 * an estimate: no unknown constant to leave room for) */
#define KT_BATCH 1024       /* points evaluated per call of the kernel (whole small boxes) */
#define KT_DELTA_MAX 0.25   /* series in delta = |x|^2/|c|^2 - 1 on boxes with |delta| below this */

/* f[i] = F(r2[i]) for a function F of the squared radius */
typedef void (*radial_fn)(const radial_t *R, int n, const double *restrict r2, double *restrict f);

/* ---- Gauss-Legendre ---------------------------------------------------------------- */

/* Newton on P_n in long double (where it is wider), nodes mirrored so the rule is exactly
 * symmetric; the middle node of an odd rule is 0. */
static void gl_rule(int n, double *x, double *w)
{
    for (int i = 0; i < (n + 1) / 2; i++) {
        long double z = cosl(3.14159265358979323846264338327950288L * (i + 0.75L) / (n + 0.5L));
        if (2 * i + 1 == n) z = 0;
        long double dp = 1;
        for (int it = 0; it < 100; it++) {
            long double p0 = 1, p1 = z;
            for (int k = 2; k <= n; k++) {
                long double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
                p0 = p1;
                p1 = p2;
            }
            dp = n * (z * p1 - p0) / (z * z - 1);
            long double dz = p1 / dp;
            if (2 * i + 1 == n) break; /* P_n(0) = 0 for odd n: z = 0 is exact */
            z -= dz;
            if (fabsl(dz) < 1e-19L) {
                /* P_n' at the converged node */
                p0 = 1, p1 = z;
                for (int k = 2; k <= n; k++) {
                    long double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                dp = n * (z * p1 - p0) / (z * z - 1);
                break;
            }
        }
        long double wi = 1.0L / ((1 - z * z) * dp * dp); /* (2 / ((1 - z^2) P'^2)) / 2 */
        x[i] = (double)(-0.5L * z);
        x[n - 1 - i] = (double)(0.5L * z);
        w[i] = w[n - 1 - i] = (double)wi;
    }
}

void fa_kernel_table_gl_rules_init(gl_rules_t *g)
{
    memset(g, 0, sizeof *g);
    for (int m = 1; m <= KT_MMAX; m++) {
        gl_rule(m, g->x[m], g->w[m]);
        g->logc[m] = (2 * m + 1) * log(2.0) + 4 * lgamma(m + 1.0) - log(2 * m + 1.0) - 3 * lgamma(2 * m + 1.0);
        /* rho^-2m <= tol  <=>  log rho = acosh(sigma) >= -log(tol) / 2m */
        g->sigma[m] = cosh(-KT_LOG_TOL / (2 * m));
    }
}

/* ---- the kernel as radial pieces --------------------------------------------------- */

static void kernel_r2(const radial_t *R, int n, const double *restrict r2, double *restrict f)
{
    if (R->exp_only && R->np == 2) {
        /* morse: one sqrt for both exponentials */
        const double c0 = R->p[0].c, l0 = R->p[0].l, c1 = R->p[1].c, l1 = R->p[1].l;
        for (int i = 0; i < n; i++) {
            double r = sqrt(r2[i]);
            f[i] = c0 * exp(-r / l0) + c1 * exp(-r / l1);
        }
        return;
    }
    for (int i = 0; i < n; i++) f[i] = 0;
    for (int q = 0; q < R->np; q++) {
        const piece_t *p = &R->p[q];
        const double c = p->c;
        switch (p->kind) {
        case PIECE_POW:
            /* the common exponents without pow: Newtonian 3D, 1D, quadratic attraction */
            if (p->beta == -1) {
                for (int i = 0; i < n; i++) f[i] += c / sqrt(r2[i]);
            } else if (p->beta == 1) {
                for (int i = 0; i < n; i++) f[i] += c * sqrt(r2[i]);
            } else if (p->beta == 2) {
                for (int i = 0; i < n; i++) f[i] += c * r2[i];
            } else {
                const double e = 0.5 * p->beta;
                for (int i = 0; i < n; i++) f[i] += c * pow(r2[i], e);
            }
            break;
        case PIECE_LOG: {
            const double c2 = 0.5 * c;
            for (int i = 0; i < n; i++) f[i] += c2 * log(r2[i]);
            break;
        }
        case PIECE_EXP: {
            const double l = p->l;
            for (int i = 0; i < n; i++) f[i] += c * exp(-sqrt(r2[i]) / l);
            break;
        }
        }
    }
}

/* int_0^1 t^(d-1) e^(-s t) dt for s >= 0. Small s: e^-s sum_k s^k / (d (d+1) .. (d+k)), all
 * terms positive (the incomplete gamma series); large s: upward recursion from
 * (1 - e^-s)/s, f_(k+1) = (k f_k - e^-s)/s, stable once s exceeds d. */
static double cone_exp(int d, double s)
{
    if (s < 8) {
        double term = 1.0 / d, sum = term;
        for (int k = 1; k < 400 && term > 1e-18 * sum; k++) {
            term *= s / (d + k);
            sum += term;
        }
        return exp(-s) * sum;
    }
    double f = -expm1(-s) / s, e = exp(-s);
    for (int k = 1; k < d; k++) f = (k * f - e) / s;
    return f;
}

/* g(r) = int_0^1 t^(d-1) K(t r) dt, the radial integral over a pyramid with apex at 0:
 * r^beta / (d + beta), log r / d - 1/d^2, and cone_exp. */
static void cone_r2(const radial_t *R, int n, const double *restrict r2, double *restrict f)
{
    const int d = R->d;
    for (int i = 0; i < n; i++) f[i] = 0;
    for (int q = 0; q < R->np; q++) {
        const piece_t *p = &R->p[q];
        const double c = p->c;
        switch (p->kind) {
        case PIECE_POW: {
            const double e = 0.5 * p->beta, cc = c / (d + p->beta);
            for (int i = 0; i < n; i++) f[i] += cc * pow(r2[i], e);
            break;
        }
        case PIECE_LOG:
            for (int i = 0; i < n; i++) f[i] += c * (0.5 * log(r2[i]) / d - 1.0 / (d * d));
            break;
        case PIECE_EXP:
            for (int i = 0; i < n; i++) f[i] += c * cone_exp(d, sqrt(r2[i]) / p->l);
            break;
        }
    }
}

/* ---- quadrature over boxes --------------------------------------------------------- */

/* Points of the Gauss-Legendre rule along axis a of the box (centre c, widths w, w[a] > 0).
 * Along x_a, with the other coordinates in the box, K(|x|) is analytic except at
 * x_a = +-i s, s^2 = sum over the other axes of x_b^2 >= s_min^2 (the box's distance from
 * the axis). In the variable z = 2 (x_a - c_a) / w_a in [-1, 1] the nearest singularity is
 * z0 = (-2 c_a +- 2 i s_min) / w_a, on the Bernstein ellipse of parameter
 * rho = sigma + sqrt(sigma^2 - 1), sigma = (|z0 - 1| + |z0 + 1|) / 2, and the m-point rule's
 * error falls like rho^-2m (for a cell at distance R, rho ~ 4 R / h). An exponential e^(-r/l)
 * also needs c_m k^2m (1 + 2k) small, k = w_a / (2 l): its derivatives in z are at most k^2m
 * times its value, which varies by at most e^(2k) over the box. */
/* Points the derivative bound of e^(-r/l) asks for along axis a of width w (cached for w = h_a) */
int fa_kernel_table_exp_points(const radial_t *R, double w, int a)
{
    if (w == R->wexp[a]) return R->mexp[a];
    double k = w / (2 * R->lmin), lk = log(k), extra = log1p(2 * k);
    int m = 2;
    while (m <= KT_MMAX && R->gl->logc[m] + 2 * m * lk + extra > KT_LOG_TOL_EXP) m++;
    return m;
}

static int axis_points(const radial_t *R, const double c[3], const double w[3], int a, int use_exp)
{
    if (R->poly_m) return R->poly_m;
    double s2 = 0;
    for (int b = 0; b < R->d; b++) {
        if (b == a) continue;
        double e = fabs(c[b]) - 0.5 * w[b];
        if (e > 0) s2 += e * e;
    }
    double X = 2 * fabs(c[a]) / w[a], Y2 = 4 * s2 / (w[a] * w[a]);
    double sigma = 0.5 * (sqrt((X - 1) * (X - 1) + Y2) + sqrt((X + 1) * (X + 1) + Y2));
    const double *sig = R->gl->sigma;
    if (!(sigma >= sig[KT_MMAX])) return KT_MMAX + 1;
    int m = 2;
    while (sigma < sig[m]) m++;
    if (use_exp && R->lmin > 0) {
        int me = fa_kernel_table_exp_points(R, w[a], a);
        m = m > me ? m : me;
    }
    return m;
}

/* Terms of a piece's series needed for |delta| <= dmax: the tail after K terms is at most
 * |b_(K+1)| dmax^(K+1) / (1 - dmax) once |b_(k+1) / b_k| <= 1 (k >= |beta/2|). 0: too many. */
static int series_terms(const piece_t *p, double dmax)
{
    double e = p->kind == PIECE_POW ? fabs(0.5 * p->beta) : 0, dk = dmax;
    for (int K = 1; K <= KT_KMAX; K++) {
        dk *= dmax; /* dmax^(K+1) */
        if (K + 1 > e && fabs(p->b[K + 1]) * dk <= 1e-17 * (1 - dmax)) return K;
    }
    return 0;
}


/* The weighted sum of values f at the points of a tensor rule (x fastest), nested axis by axis:
 * the rounding error grows like that of a sum of m terms, not of m0 m1 m2 (one flat sum of
 * 8^3 positive terms already loses ~1e-15 relative). */
static double tensor_sum(const int mm[3], double wt[3][KT_MMAX], const double *f)
{
    double total = 0;
    for (int k = 0, p = 0; k < mm[2]; k++) {
        double plane = 0;
        for (int j = 0; j < mm[1]; j++, p += mm[0]) {
            double row = 0;
            for (int i = 0; i < mm[0]; i++) row += wt[0][i] * f[p + i];
            plane += wt[1][j] * row;
        }
        total += wt[2][k] * plane;
    }
    return total;
}

/* sum_(k <= K) b_k delta[i]^k for every point, by Horner over the whole batch at once */
static void series_values(const double *b, int K, int n, const double *restrict delta, double *restrict f)
{
    for (int i = 0; i < n; i++) f[i] = b[K];
    for (int k = K - 1; k >= 0; k--)
        for (int i = 0; i < n; i++) f[i] = f[i] * delta[i] + b[k];
}

/* The series path of box_gl (powers and logs), |delta| <= dmax at every point. Returns 0 (and
 * leaves *sum) if some piece would need more than KT_KMAX terms. */
static int box_series(const radial_t *R, double r2c, double dmax, const int mm[3], double wt[3][KT_MMAX],
                      const double *delta, double *f, double *sum)
{
    int K[2], n = mm[0] * mm[1] * mm[2];
    for (int q = 0; q < R->np; q++)
        if (!(K[q] = series_terms(&R->p[q], dmax))) return 0;
    double s = 0;
    for (int q = 0; q < R->np; q++) {
        const piece_t *p = &R->p[q];
        series_values(p->b, K[q], n, delta, f);
        double t = tensor_sum(mm, wt, f);
        if (p->kind == PIECE_POW) {
            s += p->c * pow(r2c, 0.5 * p->beta) * t;
        } else {
            double v = 1; /* the box's volume: the weights of each axis sum to its width */
            for (int a = 0; a < 3; a++) {
                double wa = 0;
                for (int i = 0; i < mm[a]; i++) wa += wt[a][i];
                v *= wa;
            }
            s += 0.5 * p->c * (log(r2c) * v + t);
        }
    }
    *sum = s;
    return 1;
}

/* Tensor Gauss-Legendre rule with m[a] points along each axis (a zero width: the single point
 * c[a], weight 1). */
static double box_gl(const radial_t *R, radial_fn fn, const double c[3], const double w[3], const int m[3])
{
    const gl_rules_t *gl = R->gl;
    double x2[3][KT_MMAX], wt[3][KT_MMAX], dl[3][KT_MMAX], dlmax[3] = {0, 0, 0};
    int mm[3];
    double r2c = 0;
    for (int a = 0; a < 3; a++) {
        double ca = a < R->d ? c[a] : 0;
        r2c += ca * ca;
        if (a < R->d && w[a] > 0) {
            mm[a] = m[a];
            for (int i = 0; i < m[a]; i++) {
                double t = w[a] * gl->x[m[a]][i], x = ca + t;
                x2[a][i] = x * x;
                wt[a][i] = w[a] * gl->w[m[a]][i];
                dl[a][i] = t * (2 * ca + t); /* x^2 - c^2 without cancellation */
                dlmax[a] = fa_max2(dlmax[a], fabs(dl[a][i]));
            }
        } else {
            mm[a] = 1;
            x2[a][0] = ca * ca;
            wt[a][0] = 1;
            dl[a][0] = 0;
        }
    }
    double r2[KT_BATCH], f[KT_BATCH];
    if (mm[0] * mm[1] * mm[2] <= KT_BATCH) {
        /* the whole box in one call: far cells have 8..64 points */
        double dmax = r2c > 0 ? (dlmax[0] + dlmax[1] + dlmax[2]) / r2c : INFINITY, sum;
        if (fn == kernel_r2 && R->series && dmax <= KT_DELTA_MAX) {
            for (int k = 0, p = 0; k < mm[2]; k++)
                for (int j = 0; j < mm[1]; j++) {
                    double ds = dl[1][j] + dl[2][k];
                    for (int i = 0; i < mm[0]; i++, p++) r2[p] = (dl[0][i] + ds) / r2c; /* delta */
                }
            if (box_series(R, r2c, dmax, mm, wt, r2, f, &sum)) return sum;
        }
        for (int k = 0, p = 0; k < mm[2]; k++)
            for (int j = 0; j < mm[1]; j++) {
                double s = x2[1][j] + x2[2][k];
                for (int i = 0; i < mm[0]; i++, p++) r2[p] = x2[0][i] + s;
            }
        fn(R, mm[0] * mm[1] * mm[2], r2, f);
        return tensor_sum(mm, wt, f);
    }
    /* large boxes row by row, summed in the same nested order */
    double total = 0;
    for (int k = 0; k < mm[2]; k++) {
        double plane = 0;
        for (int j = 0; j < mm[1]; j++) {
            double s = x2[1][j] + x2[2][k], row = 0;
            for (int i = 0; i < mm[0]; i++) r2[i] = x2[0][i] + s;
            fn(R, mm[0], r2, f);
            for (int i = 0; i < mm[0]; i++) row += wt[0][i] * f[i];
            plane += wt[1][j] * row;
        }
        total += wt[2][k] * plane;
    }
    return total;
}

/* How a box is integrated: use_exp, the derivative bound of the exponentials applies (not on
 * faces of the origin's cell far from 0 on their scale, where the pyramid's radial integral has
 * left a power law); prune > 0, exponential boxes where sum |c| e^(-r/l) stays below it are
 * skipped (at most prune times the cell's volume in all: 1e-17 of a lower bound of its
 * integral of |K|; without it an exponential much shorter than the cell would be bisected
 * into (h/l)^d boxes where almost all hold nothing). */
typedef struct {
    int use_exp;
    double prune;
} box_opts_t;

/* sum |c| e^(-r/l) over the exponential pieces */
static double exp_abs(const radial_t *R, double r)
{
    double s = 0;
    for (int q = 0; q < R->np; q++) s += fabs(R->p[q].c) * exp(-r / R->p[q].l);
    return s;
}

/* Integral of fn over the box, bisected along the axis that needs the most points until every
 * axis needs at most KT_MMAX. */
static double box_integral(const radial_t *R, radial_fn fn, const double c[3], const double w[3], int depth,
                           const box_opts_t *o)
{
    if (R->exp_only && fn == kernel_r2) {
        double r2 = 0;
        for (int a = 0; a < R->d; a++) {
            double e = fabs(c[a]) - 0.5 * w[a];
            if (e > 0) r2 += e * e;
        }
        /* e^(-r/l) underflows beyond r = 745 l: nothing to integrate */
        if (o->prune > 0 || r2 > 700 * 700 * R->lmax * R->lmax) {
            double big = exp_abs(R, sqrt(r2));
            if (big == 0 || big <= o->prune) return 0;
        }
    }
    int m[3] = {1, 1, 1}, worst = -1, mworst = 0;
    for (int a = 0; a < R->d; a++)
        if (w[a] > 0) {
            m[a] = axis_points(R, c, w, a, o->use_exp);
            if (m[a] > mworst) mworst = m[a], worst = a;
        }
    if (mworst > KT_MMAX) {
        if (depth < KT_DEPTH) {
            double c2[3] = {c[0], c[1], c[2]}, w2[3] = {w[0], w[1], w[2]};
            w2[worst] = 0.5 * w[worst];
            c2[worst] = c[worst] - 0.25 * w[worst];
            double s = box_integral(R, fn, c2, w2, depth + 1, o);
            c2[worst] = c[worst] + 0.25 * w[worst];
            return s + box_integral(R, fn, c2, w2, depth + 1, o);
        }
        for (int a = 0; a < 3; a++) m[a] = m[a] > KT_MMAX ? KT_MMAX : m[a];
    }
    return box_gl(R, fn, c, w, m);
}

/* W(0): 2^d orthants [0, h/2]^d, each the union of d pyramids over its far faces
 * p_a = h_a/2; on each, y = t p gives (h_a/2) int_face g(|p|) dp with g = cone_r2. For an
 * exponential g(r) = f_d(r/l) is (d-1)!/(r/l)^d up to terms e^(-r/l) (r/l)^k: beyond
 * r = 50 l those are below 1e-17 of it and g varies on the scale r, not l. */
static double singular_cell(const radial_t *R, const double h[3])
{
    double sum = 0;
    for (int a = 0; a < R->d; a++) {
        double c[3] = {0, 0, 0}, w[3] = {0, 0, 0};
        for (int b = 0; b < R->d; b++) {
            c[b] = b == a ? 0.5 * h[b] : 0.25 * h[b];
            w[b] = b == a ? 0 : 0.5 * h[b];
        }
        box_opts_t o = {.use_exp = !(0.5 * h[a] > 50 * R->lmax), .prune = 0};
        sum += 0.5 * h[a] * box_integral(R, cone_r2, c, w, 0, &o);
    }
    return sum * (1 << R->d);
}

double fa_kernel_table_cell_integral(const radial_t *R, const double h[3], const long u[3])
{
    if (u[0] == 0 && u[1] == 0 && u[2] == 0) return singular_cell(R, h);
    double c[3] = {0, 0, 0}, w[3] = {0, 0, 0};
    for (int a = 0; a < R->d; a++) {
        c[a] = u[a] * h[a];
        w[a] = h[a];
    }
    box_opts_t o = {.use_exp = 1, .prune = 0};
    if (R->exp_only && fa_max2(w[0], fa_max2(w[1], w[2])) > R->lmin) { /* only boxes that bisect need it */
        /* int over the cell of sum |c| e^(-r/l) is at least its value at rmin + l times the
         * volume of the corner of the cell within l of the nearest point (a box of sides
         * min(h_a, l/sqrt(d))): prune at 1e-17 of that, spread over the cell */
        double r2 = 0, corner = 1, vol = 1, l = R->lmin;
        for (int a = 0; a < R->d; a++) {
            double e = fabs(c[a]) - 0.5 * w[a];
            if (e > 0) r2 += e * e;
            corner *= fa_min2(w[a], l / sqrt((double)R->d));
            vol *= w[a];
        }
        o.prune = 1e-17 * exp_abs(R, sqrt(r2) + l) * corner / vol;
    }
    return box_integral(R, kernel_r2, c, w, 0, &o);
}

/* ---- the gaussian: products of one-dimensional integrals --------------------------- */

/* e^(-x^2/l), x = m h, with x and x^2/l carried in two doubles: rounded, each would cost
 * 2 (x^2/l) eps relative (1e-14 at x^2/l = 45), the conditioning of the exponential in the
 * cell's edge, not that of the integral over the cell. */
static double gauss_exp(double m, double h, double l)
{
    double x = m * h, xl = fma(m, h, -x);            /* m h = x + xl exactly */
    double p = x * x, e = fma(x, x, -p) + 2 * x * xl; /* (m h)^2 = p + e to ~eps^2 */
    double q = p / l, r = fma(-q, l, p);              /* p = q l + r exactly */
    return exp(-q) * (1 - (r + e) / l);               /* (m h)^2/l = q + (r + e)/l, the second ~ eps q */
}

/* e^(u^2) erfc(u) for u >= 2 by the continued fraction
 * 1/sqrt(pi) / (u + (1/2)/(u + 1/(u + (3/2)/(u + ...)))); 80 terms: below 1e-19 at u = 2. */
static double erfcx_cf(double u)
{
    double t = u;
    for (int k = 80; k >= 1; k--) t = u + 0.5 * k / t;
    return 0.56418958354775628695 / t; /* 1/sqrt(pi) */
}

/* int over [m h, (m + 1) h] of e^(-x^2/l) (m = q - 1/2). Across 0 a sum of two erfs. On one
 * side (0 <= m by symmetry), with u = x/sqrt(l): e^(-u0^2) [erfcx(u0) - e^(-(u1^2 - u0^2))
 * erfcx(u1)] once u0 >= 2 (erfc itself would carry the 2 u0^2 eps of the rounded edge),
 * erfc(u0) - erfc(u1) below; either while the subtracted part is at most half (no more than
 * a bit lost). Otherwise the interval is short on the scale of the decay: e^(-x0^2/l) times a
 * 16-point rule of e^(-(x^2 - x0^2)/l), whose exponent stays below ~1 there. */
double fa_kernel_table_gauss_interval(double m, double h, double l, const gl_rules_t *gl)
{
    const double sl = sqrt(l), rp = 0.88622692545275801365; /* sqrt(pi)/2 */
    if (m < 0 && m + 1 > 0) return sl * rp * (erf((m + 1) * h / sl) + erf(-m * h / sl));
    if (m + 1 <= 0) m = -(m + 1);
    double x0 = m * h, x1 = (m + 1) * h, u0 = x0 / sl, u1 = x1 / sl;
    if (u0 >= 2) {
        double a = erfcx_cf(u0), b = exp(-h * (x1 + x0) / l) * erfcx_cf(u1);
        if (b <= 0.5 * a) return sl * rp * gauss_exp(m, h, l) * (a - b);
    } else {
        double e0 = erfc(u0), e1 = erfc(u1);
        if (e1 <= 0.5 * e0) return sl * rp * (e0 - e1);
    }
    double s = 0;
    for (int i = 0; i < 16; i++) {
        double t = h * (0.5 + gl->x[16][i]); /* x = x0 + t */
        s += gl->w[16][i] * exp(-t * (2 * x0 + t) / l);
    }
    return gauss_exp(m, h, l) * h * s;
}
