/* Cell integrals W(q) = int_{C_0} K(q o h - y) dy of kernel terms (kernel_table.c) against
 * computations that do not share its method: closed forms in 1D for every type and in 2D/3D
 * for |x|^-1, log|x| and |x|^2 (corner integrals, in long double); references computed once
 * with mpmath by Gaussian subordination (tests/kernel_table_ref.py); the identity that 3^d
 * cells tile a cell of three times the size; the far-field expansion; symmetry; tables
 * written a range of planes at a time. Errors are relative to int_{C_0} |K| (the spec of the
 * table), the tolerance 64 eps: the quadrature's truncation is aimed at 1e-17, what is left is
 * rounding in sums of up to 32 terms per axis (nested) and in pow/exp/log; for exponentials
 * plus (r/l) eps, the condition number of e^(-r/l) in the rounded cell position. Timings of the
 * 3D 128^3 and 2D 2048^2 tables (one thread) are printed, not checked. */
#include "testlib.h"

#include "internal.h"
#include "kernel_table.h"

#include <float.h>
#include <string.h>
#include <time.h>

#define TOL (64 * DBL_EPSILON)
#define PI_L 3.141592653589793238462643383279502884L

/* ---- terms and tables ----------------------------------------------------------------- */

static fa_kernel_term_t riesz(double alpha)
{
    return (fa_kernel_term_t){.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = alpha};
}
static fa_kernel_term_t power(double a)
{
    return (fa_kernel_term_t){.type = FA_KERNEL_POWER, .strength = 1, .exponent = a};
}
static fa_kernel_term_t newtonian(void) { return (fa_kernel_term_t){.type = FA_KERNEL_NEWTONIAN, .strength = 1}; }
static fa_kernel_term_t gaussian(double l)
{
    return (fa_kernel_term_t){.type = FA_KERNEL_GAUSSIAN, .strength = 1, .length = l};
}
static fa_kernel_term_t morse(double ca, double la, double cr, double lr)
{
    return (fa_kernel_term_t){.type = FA_KERNEL_MORSE,
                              .attraction = ca,
                              .attraction_length = la,
                              .repulsion = cr,
                              .repulsion_length = lr};
}

static const char *describe(const fa_kernel_term_t *t)
{
    static char buf[128];
    switch (t->type) {
    case FA_KERNEL_RIESZ: snprintf(buf, sizeof buf, "riesz %g", t->alpha); break;
    case FA_KERNEL_POWER: snprintf(buf, sizeof buf, "power %g", t->exponent); break;
    case FA_KERNEL_GAUSSIAN: snprintf(buf, sizeof buf, "gaussian %g", t->length); break;
    case FA_KERNEL_NEWTONIAN: snprintf(buf, sizeof buf, "newtonian"); break;
    case FA_KERNEL_MORSE:
        snprintf(buf, sizeof buf, "morse %g %g %g %g", t->attraction, t->attraction_length, t->repulsion,
                 t->repulsion_length);
        break;
    default: snprintf(buf, sizeof buf, "none");
    }
    return buf;
}

typedef struct {
    int d;
    long n[3], N[3];
    double h[3];
    double *w;
} table_t;

static table_t table(const fa_kernel_term_t *t, int d, const double h[3], const long n[3])
{
    table_t T = {.d = d};
    size_t total = 1;
    for (int a = 0; a < 3; a++) {
        T.n[a] = a < d ? n[a] : 1;
        T.N[a] = a < d ? 2 * n[a] : 1;
        T.h[a] = a < d ? h[a] : 1;
        total *= T.N[a];
    }
    T.w = malloc(total * sizeof(double));
    if (!T.w || fa_kernel_term_cell_integrals(t, d, T.h, T.n, 0, T.N[d - 1], 1, T.w)) {
        fprintf(stderr, "hard error: table of %s in %dD: %s\n", describe(t), d, fa_last_error());
        exit(99);
    }
    return T;
}

/* W(q), q_a in [-n_a, n_a - 1] */
static double at(const table_t *T, const long q[3])
{
    long i[3];
    for (int a = 0; a < 3; a++) i[a] = q[a] >= 0 ? q[a] : q[a] + T->N[a];
    return T->w[i[0] + T->N[0] * (i[1] + T->N[1] * i[2])];
}

/* int over the cell of |K| by 8 Gauss-Legendre points per axis (fa_kernel_term_value, not the
 * table's code): the scale errors are measured in. Rough where |K| has a kink or a singularity
 * in the cell; the callers take the larger of it and |W|. */
static double abs_scale(const fa_kernel_term_t *t, int d, const double h[3], const long q[3])
{
    double x[8], w[8], s = 0;
    fa_gauss_legendre(8, x, w);
    int m1 = d > 1 ? 8 : 1, m2 = d > 2 ? 8 : 1;
    for (int k = 0; k < m2; k++)
        for (int j = 0; j < m1; j++)
            for (int i = 0; i < 8; i++) {
                double y0 = (q[0] + x[i]) * h[0], y1 = d > 1 ? (q[1] + x[j]) * h[1] : 0,
                       y2 = d > 2 ? (q[2] + x[k]) * h[2] : 0;
                double wt = w[i] * (d > 1 ? w[j] : 1) * (d > 2 ? w[k] : 1);
                s += wt * fabs(fa_kernel_term_value(t, d, sqrt(y0 * y0 + y1 * y1 + y2 * y2)));
            }
    for (int a = 0; a < d; a++) s *= h[a];
    return s;
}

/* Relative error the rounding of a cell's position alone brings to e^(-r/l) at distance r:
 * (r/l) eps (the exponential's condition number). Added to TOL for morse: far out, with short
 * lengths, it is the larger part. */
static double cond_exp(const fa_kernel_term_t *t, double r)
{
    if (t->type != FA_KERNEL_MORSE) return 0;
    double l = INFINITY;
    if (t->attraction != 0) l = fmin(l, t->attraction_length);
    if (t->repulsion != 0) l = fmin(l, t->repulsion_length);
    return r / l * DBL_EPSILON;
}

static double now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* ---- 1D: closed forms for every type ------------------------------------------------------ */

/* int_a^b K and int_a^b |K| for 0 <= a < b in long double, by the textbook antiderivatives
 * (independent of the table's pyramids and quadrature) */
static long double int_power(long double beta, long double a, long double b) /* |y|^beta */
{
    return (powl(b, beta + 1) - powl(a, beta + 1)) / (beta + 1);
}
static long double int_exp(long double l, long double a, long double b) /* e^(-y/l) */
{
    return -l * expl(-a / l) * expm1l(-(b - a) / l);
}
static long double int_gauss(long double l, long double a, long double b) /* e^(-y^2/l) */
{
    long double sl = sqrtl(l);
    return sl * 0.886226925452758013649083741671L * (erfcl(a / sl) - erfcl(b / sl));
}
static long double int_side(const fa_kernel_term_t *t, long double a, long double b, long double *abs_int)
{
    long double v, w;
    switch (t->type) {
    case FA_KERNEL_RIESZ: v = t->strength * int_power(-t->alpha, a, b), w = fabsl(v); break;
    case FA_KERNEL_POWER: v = t->strength / t->exponent * int_power(t->exponent, a, b), w = fabsl(v); break;
    case FA_KERNEL_NEWTONIAN: v = -0.5L * t->strength * int_power(1, a, b), w = fabsl(v); break;
    case FA_KERNEL_GAUSSIAN: v = t->strength * int_gauss(t->length, a, b), w = fabsl(v); break;
    case FA_KERNEL_MORSE: {
        long double ea = int_exp(t->attraction_length, a, b), er = int_exp(t->repulsion_length, a, b);
        v = -t->attraction * ea + t->repulsion * er;
        w = t->attraction * ea + t->repulsion * er;
        break;
    }
    default: v = w = 0;
    }
    *abs_int = w;
    return v;
}
/* int_a^b K (a < b), split at 0 (K is even) */
static long double int_1d(const fa_kernel_term_t *t, long double a, long double b, long double *abs_int)
{
    if (a < 0 && b > 0) {
        long double w1, w2, v = int_side(t, 0, -a, &w1) + int_side(t, 0, b, &w2);
        *abs_int = w1 + w2;
        return v;
    }
    if (b <= 0) return int_side(t, -b, -a, abs_int);
    return int_side(t, a, b, abs_int);
}

static void test_1d(void)
{
    const double h[3] = {0.37, 1, 1};
    const long n[3] = {40, 1, 1};
    fa_kernel_term_t terms[] = {riesz(0.2),  riesz(0.5),    riesz(0.9),       power(-0.6),
                                power(0.5),  power(1.5),    power(2),         power(3.7),
                                newtonian(), gaussian(0.05), gaussian(1.3),   gaussian(40),
                                morse(1, 2.1, 0.7, 0.45), morse(1, 0.1, 2, 0.03)};
    for (size_t k = 0; k < sizeof terms / sizeof terms[0]; k++) {
        const fa_kernel_term_t *t = &terms[k];
        table_t T = table(t, 1, h, n);
        double worst = 0, tol = TOL + cond_exp(t, (n[0] + 0.5) * h[0]);
        for (long q = -n[0]; q < n[0]; q++) {
            long double scale, ref = int_1d(t, (q - 0.5L) * h[0], (q + 0.5L) * h[0], &scale);
            /* below the smallest normal double no relative accuracy is possible (the far
             * gaussian cells underflow): there the scale is DBL_MIN */
            if (scale < DBL_MIN) scale = DBL_MIN;
            long qq[3] = {q, 0, 0};
            double err = (double)(fabsl(at(&T, qq) - ref) / scale);
            if (err > worst) worst = err;
        }
        tl_check(worst <= tol, "1D %s, h %.2f, %ld cells: closed form, max error %.2e (tol %.1e)", describe(t), h[0],
                 n[0], worst, tol);
        free(T.w);
    }
}

/* ---- 2D/3D closed forms: corner integrals in long double ------------------------------- */

/* F(x) = int_[0,x_0] x .. K for x_a > 0; any box is a signed sum of F at its corners (K is
 * even in each coordinate, so int_0^x for x < 0 is -int_0^|x|) */
typedef long double (*corner_fn)(int d, const long double x[3]);

static long double corner_inv_r(int d, const long double x[3]) /* |y|^-1 */
{
    long double a = x[0], b = x[1], c = x[2];
    if (d == 2) return a * asinhl(b / a) + b * asinhl(a / b);
    long double r = sqrtl(a * a + b * b + c * c);
    return a * b * asinhl(c / sqrtl(a * a + b * b)) + b * c * asinhl(a / sqrtl(b * b + c * c)) +
           c * a * asinhl(b / sqrtl(c * c + a * a)) - 0.5L * a * a * atanl(b * c / (a * r)) -
           0.5L * b * b * atanl(c * a / (b * r)) - 0.5L * c * c * atanl(a * b / (c * r));
}
static long double corner_log(int d, const long double x[3]) /* log|y|, 2D */
{
    (void)d;
    long double a = x[0], b = x[1];
    return 0.5L * (a * b * (logl(a * a + b * b) - 3) + a * a * atanl(b / a) + b * b * atanl(a / b));
}
static long double corner_r2(int d, const long double x[3]) /* |y|^2 */
{
    long double v = x[0] * (d > 1 ? x[1] : 1) * (d > 2 ? x[2] : 1), s = 0;
    for (int a = 0; a < d; a++) s += v * x[a] * x[a] / 3;
    return s;
}

static long double box_closed(corner_fn F, int d, const double h[3], const long q[3])
{
    long double s = 0;
    for (int c = 0; c < (1 << d); c++) {
        long double x[3] = {1, 1, 1}, sign = 1;
        for (int a = 0; a < d; a++) {
            int up = (c >> a) & 1;
            long double e = (q[a] + (up ? 0.5L : -0.5L)) * h[a];
            if (!up) sign = -sign;
            if (e < 0) sign = -sign;
            x[a] = fabsl(e);
        }
        s += sign * F(d, x);
    }
    return s;
}

static void closed_forms(const char *what, const fa_kernel_term_t *t, long double scale_k, corner_fn F, int d,
                         const double h[3], long qmax)
{
    long n[3] = {qmax + 1, qmax + 1, qmax + 1};
    table_t T = table(t, d, h, n);
    double worst = 0;
    long q[3] = {0, 0, 0}, lo = -qmax, hi = qmax;
    for (q[2] = d > 2 ? lo : 0; q[2] <= (d > 2 ? hi : 0); q[2]++)
        for (q[1] = lo; q[1] <= hi; q[1]++)
            for (q[0] = lo; q[0] <= hi; q[0]++) {
                long double ref = scale_k * box_closed(F, d, h, q);
                double sc = fmax(fabs((double)ref), abs_scale(t, d, h, q));
                double err = fabs(at(&T, q) - (double)ref) / sc;
                if (err > worst) worst = err;
            }
    tl_check(worst <= TOL, "%dD %s, h (%g, %g, %g), |q_a| <= %ld: closed form, max error %.2e (tol %.1e)", d, what,
             h[0], h[1], d > 2 ? h[2] : 1.0, qmax, worst, TOL);
    free(T.w);
}

static void test_closed(void)
{
    /* the cancellation of the corner sums grows like (q/1)^d: cells up to 6 away keep it below
     * 1e-16 in x87 long double; with a long double that is just double, cells next to 0 only */
    long qmax = LDBL_MANT_DIG >= 64 ? 6 : 1;
    const double eq2[3] = {0.1, 0.1, 1}, un2[3] = {0.1, 0.037, 1}, eq3[3] = {0.1, 0.1, 0.1},
                 un3[3] = {0.1, 0.05, 0.2};
    fa_kernel_term_t r1 = riesz(1), nw = newtonian(), p2 = power(2);
    closed_forms("riesz 1", &r1, 1, corner_inv_r, 2, eq2, qmax);
    closed_forms("riesz 1", &r1, 1, corner_inv_r, 2, un2, qmax);
    closed_forms("riesz 1", &r1, 1, corner_inv_r, 3, eq3, qmax);
    closed_forms("riesz 1", &r1, 1, corner_inv_r, 3, un3, qmax);
    closed_forms("newtonian", &nw, -1 / (2 * PI_L), corner_log, 2, eq2, qmax);
    closed_forms("newtonian", &nw, -1 / (2 * PI_L), corner_log, 2, un2, qmax);
    closed_forms("newtonian", &nw, 1 / (4 * PI_L), corner_inv_r, 3, eq3, qmax);
    closed_forms("newtonian", &nw, 1 / (4 * PI_L), corner_inv_r, 3, un3, qmax);
    closed_forms("power 2", &p2, 0.5L, corner_r2, 2, un2, qmax);
    closed_forms("power 2", &p2, 0.5L, corner_r2, 3, un3, qmax);

    /* the textbook values of the cell at the origin: int over the unit square of |y|^-1 is
     * 4 log(1 + sqrt 2), of the unit cube 2 (3 log((1 + sqrt 3)/sqrt 2) - pi/4), of log|y| over
     * the unit square (pi/2 - 3 - log 2)/2 */
    const double one[3] = {1, 1, 1};
    const long n1[3] = {1, 1, 1}, q0[3] = {0, 0, 0};
    double v[3];
    table_t T;
    T = table(&r1, 2, one, n1), v[0] = at(&T, q0), free(T.w);
    T = table(&r1, 3, one, n1), v[1] = at(&T, q0), free(T.w);
    T = table(&nw, 2, one, n1), v[2] = at(&T, q0), free(T.w);
    double ref[3] = {(double)(4 * logl(1 + sqrtl(2))),
                     (double)(2 * (3 * logl((1 + sqrtl(3)) / sqrtl(2)) - PI_L / 4)),
                     (double)(-(PI_L / 2 - 3 - logl(2)) / 2 / (2 * PI_L))};
    const char *name[3] = {"|y|^-1 over the unit square", "|y|^-1 over the unit cube",
                           "-log|y|/(2 pi) over the unit square"};
    for (int k = 0; k < 3; k++)
        tl_check(fabs(v[k] - ref[k]) <= TOL * fabs(ref[k]), "%s: %.17g, closed form %.17g, error %.2e", name[k], v[k],
                 ref[k], fabs(v[k] - ref[k]) / fabs(ref[k]));
}

/* ---- mpmath references ---------------------------------------------------------------------- */

typedef struct {
    fa_kernel_term_t t;
    int d;
    double h[3];
    long q[3];
    double value;
} ref_t;

/* python3 tests/kernel_table_ref.py (mpmath 1.3, 40 digits, Gaussian subordination; its own
 * accuracy about 1e-19 relative, checked against the closed forms above) */
static const ref_t refs[] = {
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 0.3}, 2, {0.1, 0.1, 1}, {0, 0, 0}, 2.77920756403494759734e-2},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 0.3}, 2, {0.1, 0.1, 1}, {1, 0, 0}, 2.00015688396368357023e-2},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 0.3}, 2, {0.1, 0.1, 1}, {2, 1, 0}, 1.56853127268488698928e-2},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 0.3}, 2, {0.1, 0.1, 1}, {40, 17, 0}, 6.4352595609086495096e-3},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 1.9}, 2, {0.1, 0.1, 1}, {0, 0, 0}, 4.70844611145781020367e+1},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 1.9}, 2, {0.1, 0.1, 1}, {1, 0, 0}, 9.17045678197815383166e-1},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 1.9}, 2, {0.1, 0.1, 1}, {1, 1, 0}, 4.49853589877375624925e-1},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 1.9}, 2, {0.1, 0.1, 1}, {9, 4, 0}, 1.03095917723834550831e-2},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = -0.5}, 2, {0.1, 0.1, 1}, {0, 0, 0}, -1.11802176580239135216e-1},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = -0.5}, 2, {0.1, 0.1, 1}, {1, 1, 0}, -5.35182226362609302642e-2},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = -0.5}, 2, {0.1, 0.1, 1}, {13, 2, 0}, -1.7439924274154158266e-2},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = 1.5}, 2, {0.1, 0.1, 1}, {0, 0, 0}, 5.26098233097571072444e-5},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = 1.5}, 2, {0.1, 0.1, 1}, {1, 0, 0}, 2.30782732654885912476e-4},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = 1.5}, 2, {0.1, 0.1, 1}, {5, 3, 0}, 2.97655396072048178456e-3},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = 1.5}, 2, {0.1, 0.1, 1}, {200, 1, 0}, 5.96297371839045038501e-1},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = 3.3}, 2, {0.1, 0.1, 1}, {0, 0, 0}, 9.60140601362168624415e-8},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = 3.3}, 2, {0.1, 0.1, 1}, {1, 1, 0}, 5.86178952375543174141e-6},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = 3.3}, 2, {0.1, 0.1, 1}, {30, 29, 0}, 3.38000395059945189284e-1},
    {{.type = FA_KERNEL_MORSE, .attraction = 1, .attraction_length = 1, .repulsion = 2, .repulsion_length = 0.3}, 2, {0.1, 0.1, 1}, {0, 0, 0}, 7.99963437902707468632e-3},
    {{.type = FA_KERNEL_MORSE, .attraction = 1, .attraction_length = 1, .repulsion = 2, .repulsion_length = 0.3}, 2, {0.1, 0.1, 1}, {1, 0, 0}, 5.17326897696989879132e-3},
    {{.type = FA_KERNEL_MORSE, .attraction = 1, .attraction_length = 1, .repulsion = 2, .repulsion_length = 0.3}, 2, {0.1, 0.1, 1}, {2, 2, 0}, 2.6014953790046745277e-4},
    {{.type = FA_KERNEL_MORSE, .attraction = 1, .attraction_length = 1, .repulsion = 2, .repulsion_length = 0.3}, 2, {0.1, 0.1, 1}, {50, 20, 0}, -4.58560813498384290015e-5},
    {{.type = FA_KERNEL_MORSE, .attraction = 1, .attraction_length = 0.04, .repulsion = 2, .repulsion_length = 0.03}, 2, {0.1, 0.1, 1}, {0, 0, 0}, 2.17728185539543153467e-3},
    {{.type = FA_KERNEL_MORSE, .attraction = 1, .attraction_length = 0.04, .repulsion = 2, .repulsion_length = 0.03}, 2, {0.1, 0.1, 1}, {1, 0, 0}, -6.71519558463927833604e-6},
    {{.type = FA_KERNEL_MORSE, .attraction = 1, .attraction_length = 0.04, .repulsion = 2, .repulsion_length = 0.03}, 2, {0.1, 0.1, 1}, {1, 1, 0}, -9.37555255832220015196e-5},
    {{.type = FA_KERNEL_MORSE, .attraction = 1, .attraction_length = 0.04, .repulsion = 2, .repulsion_length = 0.03}, 2, {0.1, 0.1, 1}, {3, 2, 0}, -1.34616062243889466937e-6},
    {{.type = FA_KERNEL_GAUSSIAN, .strength = 1, .length = 0.05}, 2, {0.1, 0.1, 1}, {0, 0, 0}, 9.67430375414984136285e-3},
    {{.type = FA_KERNEL_GAUSSIAN, .strength = 1, .length = 0.05}, 2, {0.1, 0.1, 1}, {1, 0, 0}, 7.97285735729183500286e-3},
    {{.type = FA_KERNEL_GAUSSIAN, .strength = 1, .length = 0.05}, 2, {0.1, 0.1, 1}, {3, 2, 0}, 7.82060244259650886666e-4},
    {{.type = FA_KERNEL_GAUSSIAN, .strength = 1, .length = 0.05}, 2, {0.1, 0.1, 1}, {9, 7, 0}, 1.0888897153738172199e-13},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 1.2}, 2, {0.1, 0.037, 1}, {0, 0, 0}, 4.91180732181118499076e-1},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 1.2}, 2, {0.1, 0.037, 1}, {1, 0, 0}, 6.57009691450708675296e-2},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 1.2}, 2, {0.1, 0.037, 1}, {0, 1, 0}, 1.6244901946148212577e-1},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 1.2}, 2, {0.1, 0.037, 1}, {5, 11, 0}, 6.27289640374283787313e-3},
    {{.type = FA_KERNEL_MORSE, .attraction = 1, .attraction_length = 1, .repulsion = 2, .repulsion_length = 0.3}, 2, {0.1, 0.27, 1}, {0, 0, 0}, 1.72440681527366327015e-2},
    {{.type = FA_KERNEL_MORSE, .attraction = 1, .attraction_length = 1, .repulsion = 2, .repulsion_length = 0.3}, 2, {0.1, 0.27, 1}, {1, 0, 0}, 1.18635540777428403901e-2},
    {{.type = FA_KERNEL_MORSE, .attraction = 1, .attraction_length = 1, .repulsion = 2, .repulsion_length = 0.3}, 2, {0.1, 0.27, 1}, {0, 1, 0}, 1.92813841304058173259e-3},
    {{.type = FA_KERNEL_MORSE, .attraction = 1, .attraction_length = 1, .repulsion = 2, .repulsion_length = 0.3}, 2, {0.1, 0.27, 1}, {4, 3, 0}, -8.23260424750463500961e-3},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 0.3}, 3, {0.1, 0.1, 0.1}, {0, 0, 0}, 2.54201374961911262124e-3},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 0.3}, 3, {0.1, 0.1, 0.1}, {1, 0, 0}, 1.97290114955375954004e-3},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 0.3}, 3, {0.1, 0.1, 0.1}, {2, 1, 1}, 1.52281199086777094767e-3},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 0.3}, 3, {0.1, 0.1, 0.1}, {30, 7, 3}, 7.12510396818813959856e-4},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 2.7}, 3, {0.1, 0.1, 0.1}, {0, 0, 0}, 1.80773519066289893201e+1},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 2.7}, 3, {0.1, 0.1, 0.1}, {1, 0, 0}, 5.73465483099639602408e-1},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 2.7}, 3, {0.1, 0.1, 0.1}, {1, 1, 1}, 1.2286036394916003296e-1},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 2.7}, 3, {0.1, 0.1, 0.1}, {6, 2, 0}, 3.46170040607299707643e-3},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = -2.5}, 3, {0.1, 0.1, 0.1}, {0, 0, 0}, -2.47956042399303750464},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = -2.5}, 3, {0.1, 0.1, 0.1}, {1, 1, 0}, -5.81644188177211011581e-2},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = -2.5}, 3, {0.1, 0.1, 0.1}, {4, 0, 3}, -2.27707237780612960944e-3},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = 1.5}, 3, {0.1, 0.1, 0.1}, {0, 0, 0}, 7.24570910962656037123e-6},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = 1.5}, 3, {0.1, 0.1, 0.1}, {1, 0, 0}, 2.43783207929499660694e-5},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = 1.5}, 3, {0.1, 0.1, 0.1}, {7, 5, 2}, 5.54432575071610661136e-4},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = 3.3}, 3, {0.1, 0.1, 0.1}, {0, 0, 0}, 1.76386505880925874135e-8},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = 3.3}, 3, {0.1, 0.1, 0.1}, {2, 1, 0}, 2.41967278208164367667e-6},
    {{.type = FA_KERNEL_MORSE, .attraction = 1, .attraction_length = 1, .repulsion = 2, .repulsion_length = 0.3}, 3, {0.1, 0.1, 0.1}, {0, 0, 0}, 7.5276131227316638622e-4},
    {{.type = FA_KERNEL_MORSE, .attraction = 1, .attraction_length = 1, .repulsion = 2, .repulsion_length = 0.3}, 3, {0.1, 0.1, 0.1}, {1, 0, 0}, 5.01313589162171551502e-4},
    {{.type = FA_KERNEL_MORSE, .attraction = 1, .attraction_length = 1, .repulsion = 2, .repulsion_length = 0.3}, 3, {0.1, 0.1, 0.1}, {1, 1, 1}, 2.72777019720747011077e-4},
    {{.type = FA_KERNEL_MORSE, .attraction = 1, .attraction_length = 1, .repulsion = 2, .repulsion_length = 0.3}, 3, {0.1, 0.1, 0.1}, {12, 3, 5}, -2.39841028037492960334e-4},
    {{.type = FA_KERNEL_GAUSSIAN, .strength = 1, .length = 0.05}, 3, {0.1, 0.1, 0.1}, {0, 0, 0}, 9.51545541926868790606e-4},
    {{.type = FA_KERNEL_GAUSSIAN, .strength = 1, .length = 0.05}, 3, {0.1, 0.1, 0.1}, {2, 1, 0}, 3.61707000539645757037e-4},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 1.5}, 3, {0.1, 0.05, 0.2}, {0, 0, 0}, 1.07535229948561594783e-1},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 1.5}, 3, {0.1, 0.05, 0.2}, {1, 0, 0}, 2.86817602595024055857e-2},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 1.5}, 3, {0.1, 0.05, 0.2}, {0, 1, 0}, 5.15333192214163643053e-2},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 1.5}, 3, {0.1, 0.05, 0.2}, {0, 0, 1}, 1.29371811665499977196e-2},
    {{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = 1.5}, 3, {0.1, 0.05, 0.2}, {3, 7, 1}, 2.79781392754260204072e-3},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = 1.5}, 3, {0.1, 0.1, 0.04}, {0, 0, 0}, 2.24565493781344343881e-6},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = 1.5}, 3, {0.1, 0.1, 0.04}, {1, 1, 0}, 1.49170060572396347556e-5},
    {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = 1.5}, 3, {0.1, 0.1, 0.04}, {2, 3, 9}, 9.74198190688064928092e-5},
};

static void test_refs(void)
{
    double worst[2][6] = {{0}};
    size_t nref = sizeof refs / sizeof refs[0];
    for (size_t k = 0; k < nref;) {
        /* one table for the run of entries of the same term, dimension and spacing */
        size_t e = k;
        long qmax = 0;
        while (e < nref && !memcmp(&refs[e].t, &refs[k].t, sizeof refs[k].t) && refs[e].d == refs[k].d &&
               !memcmp(refs[e].h, refs[k].h, sizeof refs[k].h)) {
            for (int a = 0; a < 3; a++) qmax = labs(refs[e].q[a]) > qmax ? labs(refs[e].q[a]) : qmax;
            e++;
        }
        const ref_t *r = &refs[k];
        long n[3] = {qmax + 1, qmax + 1, qmax + 1};
        table_t T = table(&r->t, r->d, r->h, n);
        for (size_t i = k; i < e; i++) {
            double sc = fmax(fabs(refs[i].value), abs_scale(&refs[i].t, r->d, r->h, refs[i].q));
            if (r->t.type == FA_KERNEL_MORSE) {
                /* |K| <= C_a e^(-r/l_a) + C_r e^(-r/l_r): the scale of the morse spec */
                fa_kernel_term_t m = r->t;
                m.attraction = -m.attraction;
                sc = fmax(sc, abs_scale(&m, r->d, r->h, refs[i].q));
            }
            double err = fabs(at(&T, refs[i].q) - refs[i].value) / sc;
            printf("   %dD %-28s h (%g, %g, %g) q (%ld, %ld, %ld): %.17g, reference %.17g, error %.2e\n", r->d,
                   describe(&r->t), r->h[0], r->h[1], r->h[2], refs[i].q[0], refs[i].q[1], refs[i].q[2],
                   at(&T, refs[i].q), refs[i].value, err);
            int ty = (int)r->t.type;
            if (err > worst[r->d - 2][ty]) worst[r->d - 2][ty] = err;
        }
        free(T.w);
        k = e;
    }
    const char *names[6] = {"none", "riesz", "gaussian", "morse", "newtonian", "power"};
    for (int d = 2; d <= 3; d++)
        for (int ty = 1; ty < 6; ty++)
            if (worst[d - 2][ty] > 0 || ty == FA_KERNEL_RIESZ)
                tl_check(worst[d - 2][ty] <= TOL, "%dD %s: mpmath references, max error %.2e (tol %.1e)", d,
                         names[ty], worst[d - 2][ty], TOL);
}

/* ---- tiling: 3^d cells make one cell of spacing 3h -------------------------------------- */

static void test_tiling(const fa_kernel_term_t *t, int d, const double h[3])
{
    const long m = 5;
    long nf[3] = {3 * m, 3 * m, 3 * m}, nc[3] = {m, m, m};
    double H[3] = {3 * h[0], 3 * h[1], 3 * h[2]};
    table_t F = table(t, d, h, nf), C = table(t, d, H, nc);
    double worst = 0;
    long Q[3] = {0, 0, 0};
    for (Q[2] = d > 2 ? -(m - 1) : 0; Q[2] <= (d > 2 ? m - 1 : 0); Q[2]++)
        for (Q[1] = d > 1 ? -(m - 1) : 0; Q[1] <= (d > 1 ? m - 1 : 0); Q[1]++)
            for (Q[0] = -(m - 1); Q[0] <= m - 1; Q[0]++) {
                double s = 0, sabs = 0;
                long q[3];
                /* int over the big cell of |K|: at least the sum of |W| over its cells (equal for
                 * single-signed kernels) and about the 8-point rule of |K| on it */
                for (int k = 0; k < (d > 2 ? 3 : 1); k++)
                    for (int j = 0; j < (d > 1 ? 3 : 1); j++)
                        for (int i = 0; i < 3; i++) {
                            q[0] = 3 * Q[0] + i - 1;
                            q[1] = d > 1 ? 3 * Q[1] + j - 1 : 0;
                            q[2] = d > 2 ? 3 * Q[2] + k - 1 : 0;
                            double w = at(&F, q);
                            s += w;
                            sabs += fabs(w);
                        }
                sabs = fmax(sabs, abs_scale(t, d, H, Q));
                /* both sides within TOL of the integral of |K| over the big cell */
                double err = fabs(s - at(&C, Q)) / sabs;
                if (err > worst) worst = err;
            }
    double rmax = 0;
    for (int a = 0; a < d; a++) rmax += (3 * m * h[a]) * (3 * m * h[a]);
    double tol = 2 * (TOL + cond_exp(t, sqrt(rmax)));
    tl_check(worst <= tol, "%dD %s, h (%g, %g, %g): sum over 3^%d cells = the cell of 3h, max error %.2e (tol %.1e)", d,
             describe(t), h[0], d > 1 ? h[1] : 0, d > 2 ? h[2] : 0, d, worst, tol);
    free(F.w);
    free(C.w);
}

/* ---- far field: W = h^d (K + (h^2/24) Lap K) + O(h^4) ------------------------------------ */

/* For |x|^beta (and log|x|, beta = 0 with the log's coefficient as the size) the h^4 term of
 * the cell average prod_a sinh(h d_a/2)/(h d_a/2) is at most about d^2 (|beta| + 3)^4 / 1920
 * (h/r)^4 times the size: checked with a factor 2 beside it, and the h^2 term must matter (the
 * plain point value h^d K must be worse). */
static void test_far(const fa_kernel_term_t *t, int d, double beta, double c, int is_log)
{
    const double h[3] = {0.1, 0.1, 0.1};
    const long n[3] = {40, 40, 40};
    table_t T = table(t, d, h, n);
    const long qs[][3] = {{16, 0, 0}, {12, 9, 0}, {20, 11, 7}, {35, 2, 30}, {39, 39, 39}};
    double worst = 0, worst0 = 0;
    int ok = 1;
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        long q[3] = {qs[k][0], d > 1 ? qs[k][1] : 0, d > 2 ? qs[k][2] : 0};
        double r2 = 0, vol = 1;
        for (int a = 0; a < d; a++) r2 += (q[a] * h[a]) * (q[a] * h[a]), vol *= h[a];
        double r = sqrt(r2), K = fa_kernel_term_value(t, d, r);
        /* Lap r^beta = beta (beta + d - 2) r^(beta - 2); Lap log r = (d - 2) / r^2 */
        double lap = is_log ? c * (d - 2) / r2 : c * beta * (beta + d - 2) * pow(r, beta - 2);
        double size = is_log ? fabs(c) : fabs(K);
        double e2 = fabs(at(&T, q) - vol * (K + h[0] * h[0] / 24 * lap)), e0 = fabs(at(&T, q) - vol * K);
        double hr = h[0] / r, bound = 2 * d * d * pow(fabs(beta) + 3, 4) / 1920 * hr * hr * hr * hr * vol * size;
        /* within the h^4 bound (and rounding); where the h^2 term is well above that bound it
         * must improve on the point value */
        if (!(e2 <= bound + TOL * vol * size)) ok = 0;
        if (e0 > 10 * bound && !(e2 < e0)) ok = 0;
        worst = fmax(worst, e2 / (vol * size));
        worst0 = fmax(worst0, e0 / (vol * size));
    }
    tl_check(ok, "%dD %s: far field h^d (K + h^2 Lap K / 24) within the h^4 bound, max %.2e relative (point value %.2e)",
             d, describe(t), worst, worst0);
    free(T.w);
}

/* ---- symmetry and ranges of planes ---------------------------------------------------------- */

static void test_symmetry(const fa_kernel_term_t *t, int d, const double h[3], const long n[3])
{
    table_t T = table(t, d, h, n);
    int even = 1, perm = 1;
    long q[3] = {0, 0, 0};
    long hi[3] = {d > 0 ? n[0] - 1 : 0, d > 1 ? n[1] - 1 : 0, d > 2 ? n[2] - 1 : 0};
    for (q[2] = -hi[2]; q[2] <= hi[2]; q[2]++)
        for (q[1] = -hi[1]; q[1] <= hi[1]; q[1]++)
            for (q[0] = -hi[0]; q[0] <= hi[0]; q[0]++) {
                double w = at(&T, q);
                long m[3] = {labs(q[0]), labs(q[1]), labs(q[2])};
                if (w != at(&T, m)) even = 0;
                for (int a = 0; a < d; a++)
                    for (int b = a + 1; b < d; b++)
                        if (h[a] == h[b] && n[a] == n[b]) {
                            long p[3] = {q[0], q[1], q[2]};
                            p[a] = q[b], p[b] = q[a];
                            if (w != at(&T, p)) perm = 0;
                        }
            }
    tl_check(even && perm, "%dD %s, n (%ld, %ld, %ld): W even in each q_a, symmetric in axes of equal h", d,
             describe(t), n[0], d > 1 ? n[1] : 1, d > 2 ? n[2] : 1);

    /* the table a range of planes at a time equals the whole, bit for bit */
    long N = 2 * n[d - 1], plane = T.N[0] * (d > 2 ? T.N[1] : 1);
    if (d == 1) plane = 1;
    double *part = malloc((size_t)N * plane * sizeof(double));
    if (!part) exit(99);
    long cuts[][2] = {{0, 1}, {1, N / 2 + 1}, {N / 2 + 1, N}, {N - 1, N}, {3, 4}, {N / 2, N / 2 + 2}};
    int same = 1;
    for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
        long p0 = cuts[c][0], p1 = cuts[c][1];
        if (fa_kernel_term_cell_integrals(t, d, h, n, p0, p1, 1, part)) exit(99);
        if (memcmp(part, T.w + p0 * plane, (size_t)(p1 - p0) * plane * sizeof(double))) same = 0;
    }
    tl_check(same, "%dD %s: planes [0,1), [1,%ld), [%ld,%ld), [%ld,%ld), [3,4), [%ld,%ld) as in the whole table", d,
             describe(t), N / 2 + 1, N / 2 + 1, N, N - 1, N, N / 2, N / 2 + 2);
    free(part);
    free(T.w);
}

static void test_errors(void)
{
    const double h[3] = {0.1, 0.1, 0.1}, bad_h[3] = {0.1, 0, 0.1};
    const long n[3] = {4, 4, 4};
    double out[8 * 8 * 8];
    fa_kernel_term_t r = riesz(2.5), p = power(-3), g = gaussian(0), ok = riesz(1), none = {.type = FA_KERNEL_NONE};
    tl_check(fa_kernel_term_cell_integrals(&r, 2, h, n, 0, 8, 1, out) == FA_EINVAL, "riesz alpha 2.5 in 2D: EINVAL");
    tl_check(fa_kernel_term_cell_integrals(&p, 3, h, n, 0, 8, 1, out) == FA_EINVAL, "power a = -3 in 3D: EINVAL");
    tl_check(fa_kernel_term_cell_integrals(&g, 3, h, n, 0, 8, 1, out) == FA_EINVAL, "gaussian length 0: EINVAL");
    tl_check(fa_kernel_term_cell_integrals(&ok, 4, h, n, 0, 8, 1, out) == FA_EINVAL, "dimension 4: EINVAL");
    tl_check(fa_kernel_term_cell_integrals(&ok, 3, bad_h, n, 0, 8, 1, out) == FA_EINVAL, "h = 0: EINVAL");
    tl_check(fa_kernel_term_cell_integrals(&ok, 3, h, n, 2, 9, 1, out) == FA_EINVAL, "planes past 2n: EINVAL");
    for (int i = 0; i < 512; i++) out[i] = 1;
    int zero = fa_kernel_term_cell_integrals(&none, 3, h, n, 0, 8, 1, out) == FA_OK;
    for (int i = 0; i < 512; i++) zero = zero && out[i] == 0;
    tl_check(zero, "type none: a table of zeros");
}

/* ---- threads ------------------------------------------------------------------------------ */

/* On 2 threads the table is the one on 1, byte for byte: each entry is computed by one thread
 * alone, whichever rows the dynamic schedule hands it. */
static void test_threads(void)
{
    const double hs[2][3] = {{0.1, 0.1, 0.1}, {0.1, 0.05, 0.2}};
    const long n[3] = {9, 9, 9};
    fa_kernel_term_t terms[] = {riesz(0.8), power(1.5), morse(1, 0.4, 2, 0.15)};
    size_t total = (size_t)18 * 18 * 18;
    double *one = malloc(total * sizeof(double)), *two = malloc(total * sizeof(double));
    if (!one || !two) exit(99);
    int same = 1;
    for (int s = 0; s < 2; s++)
        for (size_t k = 0; k < sizeof terms / sizeof terms[0]; k++) {
            if (fa_kernel_term_cell_integrals(&terms[k], 3, hs[s], n, 0, 18, 1, one) ||
                fa_kernel_term_cell_integrals(&terms[k], 3, hs[s], n, 0, 18, 2, two))
                exit(99);
            if (memcmp(one, two, total * sizeof(double))) same = 0;
        }
    tl_check(same, "3D riesz 0.8, power 1.5, morse on 9^3 cells (equal and unequal h): 2 threads give the same "
             "bytes as 1");
    free(one);
    free(two);
}

/* ---- timings (printed only) --------------------------------------------------------------- */

static void timings(void)
{
    const long n3[3] = {128, 128, 128}, n2[3] = {2048, 2048, 1};
    const double h[3] = {0.01, 0.01, 0.01};
    size_t total = (size_t)256 * 256 * 256;
    double *buf = malloc(total * sizeof(double));
    if (!buf) exit(99);
    for (size_t i = 0; i < total; i++) buf[i] = 1; /* first-touch page faults are the caller's cost (not 0: malloc + zeroing may become calloc) */
    fa_kernel_term_t terms[] = {riesz(1.5),   riesz(0.5),       newtonian(), power(-0.5),
                                power(1.5),   power(2),         gaussian(0.01),
                                morse(1, 0.5, 2, 0.1)};
    /* wall time, and the process's CPU time (what a loaded machine still measures fairly) */
    for (size_t k = 0; k < sizeof terms / sizeof terms[0]; k++) {
        double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
        int rc3 = fa_kernel_term_cell_integrals(&terms[k], 3, h, n3, 0, 256, 1, buf);
        double w1 = now(CLOCK_MONOTONIC), c1 = now(CLOCK_PROCESS_CPUTIME_ID);
        int rc2 = fa_kernel_term_cell_integrals(&terms[k], 2, h, n2, 0, 4096, 1, buf);
        double w2 = now(CLOCK_MONOTONIC), c2 = now(CLOCK_PROCESS_CPUTIME_ID);
        if (rc3 || rc2) exit(99);
        printf("   timing %-22s 3D 128^3 (256^3 table) %.3f s (cpu %.3f s), 2D 2048^2 (4096^2 table) %.3f s (cpu %.3f s)\n",
               describe(&terms[k]), w1 - w0, c1 - c0, w2 - w1, c2 - c1);
    }
    free(buf);
}

int main(void)
{
    test_1d();
    test_closed();
    test_refs();

    /* spacings whose triples are exact: the big cells' edges are the small cells' edges (the
     * gaussian far out is conditioned like 2 x^2/l: an edge off by an ulp moves it 1e-14) */
    const double eq2[3] = {0.125, 0.125, 1}, un2[3] = {0.125, 0.1875, 1}, eq3[3] = {0.125, 0.125, 0.125},
                 un3[3] = {0.125, 0.0625, 0.1875};
    fa_kernel_term_t all[] = {riesz(0.4),  riesz(1.7),     riesz(2.7),           newtonian(), power(-0.7),
                              power(-2.4), power(1.5),     power(3.5),           gaussian(0.02),
                              morse(1, 0.4, 2, 0.15), morse(1, 0.05, 2, 0.02)};
    const double h1[3] = {0.125, 1, 1};
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++)
        for (int d = 1; d <= 3; d++) {
            if (all[k].type == FA_KERNEL_RIESZ && !(all[k].alpha < d)) continue;
            if (all[k].type == FA_KERNEL_POWER && !(all[k].exponent > -d)) continue;
            test_tiling(&all[k], d, d == 1 ? h1 : d == 2 ? eq2 : eq3);
            if (d > 1) test_tiling(&all[k], d, d == 2 ? un2 : un3);
        }
    /* exponentials 25-60 times shorter than the cell: bisected and pruned boxes */
    fa_kernel_term_t short_morse = morse(1, 0.005, 2, 0.002);
    test_tiling(&short_morse, 1, h1);
    test_tiling(&short_morse, 2, eq2);

    fa_kernel_term_t f[] = {riesz(0.4), riesz(1.7), power(-0.7), power(1.5), power(3.5)};
    for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
        for (int d = 1; d <= 3; d++) {
            if (f[k].type == FA_KERNEL_RIESZ && f[k].alpha >= d) continue;
            if (f[k].type == FA_KERNEL_POWER && f[k].exponent <= -d) continue;
            double beta = f[k].type == FA_KERNEL_RIESZ ? -f[k].alpha : f[k].exponent;
            double c = f[k].type == FA_KERNEL_RIESZ ? 1 : 1 / f[k].exponent;
            test_far(&f[k], d, beta, c, 0);
        }
    fa_kernel_term_t nw = newtonian();
    test_far(&nw, 1, 1, -0.5, 0);
    test_far(&nw, 2, 0, -1 / (2 * M_PI), 1);
    test_far(&nw, 3, -1, 1 / (4 * M_PI), 0);

    const double eqs[3] = {0.1, 0.1, 0.1}, uns[3] = {0.1, 0.05, 0.2};
    const long s1[3] = {7, 1, 1}, s2[3] = {6, 6, 1}, s2u[3] = {6, 5, 1}, s3[3] = {5, 5, 5};
    fa_kernel_term_t sym[] = {riesz(0.8), gaussian(0.03), morse(1, 0.4, 2, 0.15)};
    for (size_t k = 0; k < sizeof sym / sizeof sym[0]; k++) {
        test_symmetry(&sym[k], 1, eqs, s1);
        test_symmetry(&sym[k], 2, eqs, s2);
        test_symmetry(&sym[k], 2, eqs, s2u);
        test_symmetry(&sym[k], 3, eqs, s3);
        test_symmetry(&sym[k], 3, uns, s3);
    }
    test_errors();
    test_threads();
    timings();
    return tl_exit();
}
