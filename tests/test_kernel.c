/* Kernels and their Fourier multipliers against independent computations: the check values
 * of doc/theory/equations.md section 3, the Barenblatt constants, and numerical radial Fourier transforms. */
#include "testlib.h"

#include "internal.h"

/* Gauss-Legendre on [a, b] with `panels` panels of 8 points */
static double integrate(double (*f)(double, void *), void *u, double a, double b, int panels)
{
    double x[8], w[8], s = 0, hp = (b - a) / panels;
    fa_gauss_legendre(8, x, w);
    for (int p = 0; p < panels; p++)
        for (int i = 0; i < 8; i++) s += hp * w[i] * f(a + hp * (p + 0.5 + x[i]), u);
    return s;
}

typedef struct {
    const fa_kernel_t *K;
    int d;
    double k;
} ft_t;

/* radial Fourier transform integrands: 1D 2 K cos(kr), 2D 2 pi K J0(kr) r, 3D 4 pi K sinc r^2 */
static double ft_integrand(double r, void *u)
{
    const ft_t *f = u;
    double K = fa_kernel_value(f->K, f->d, r), kr = f->k * r;
    switch (f->d) {
    case 1: return 2 * K * cos(kr);
    case 2: return 2 * M_PI * K * j0(kr) * r;
    default: return 4 * M_PI * K * (kr > 0 ? sin(kr) / kr : 1.0) * r * r;
    }
}

/* Parseval: int |x|^-alpha g(x) dx = (2 pi)^-d int c |k|^(alpha-d) g^(k) dk with the Gaussian
 * g = e^(-|x|^2/2), g^ = (2 pi)^(d/2) e^(-|k|^2/2). Radially both sides are int_0^inf r^p G(r) dr
 * with a non-smooth power at 0 (p = alpha - 1 and d - 1 - alpha, multiples of 1/4 here);
 * r = u^4 turns r^p dr into 4 u^(4p+3) du, a polynomial: ordinary quadrature is accurate. */
static double surface(int d) { return d == 1 ? 2 : d == 2 ? 2 * M_PI : 4 * M_PI; }
typedef struct {
    double p;
    double (*G)(double, void *);
    void *u;
} power_t;
static double substituted(double u, void *pp)
{
    const power_t *q = pp;
    return 4 * pow(u, 4 * q->p + 3) * q->G(pow(u, 4), q->u);
}
static double plain(double r, void *pp)
{
    const power_t *q = pp;
    return pow(r, q->p) * q->G(r, q->u);
}
static double power_integral(double p, double (*G)(double, void *), void *u)
{
    power_t q = {p, G, u};
    return integrate(substituted, &q, 0, 1, 200) + integrate(plain, &q, 1, 14, 400);
}
static double gauss_radial(double r, void *u)
{
    (void)u;
    return exp(-0.5 * r * r);
}

typedef struct {
    int d;
    double s;
} bb_t;
static double barenblatt_radial(double r, void *u)
{
    const bb_t *p = u;
    return surface(p->d) * fa_barenblatt_k(p->d, p->s) * pow(1 - r * r, 1 - p->s) * pow(r, p->d - 1);
}

int main(void)
{
    /* check values */
    struct { int d; double a, expect; const char *what; } cv[] = {
        {3, 1, 4 * M_PI, "c(3,1) = 4 pi"}, {2, 1, 2 * M_PI, "c(2,1) = 2 pi"}, {1, 0.5, sqrt(2 * M_PI), "c(1,1/2) = sqrt(2 pi)"}};
    for (int i = 0; i < 3; i++) {
        double c = fa_riesz_constant(cv[i].d, cv[i].a), rel = fabs(c / cv[i].expect - 1);
        tl_check(rel < 1e-14, "%s: %.15f (rel. error %.1e)", cv[i].what, c, rel);
    }
    /* c(d, alpha) by Parseval against a Gaussian test function, computed independently */
    for (int d = 1; d <= 3; d++)
        for (double a = 0.25; a < d; a += 0.5) {
            double fs = surface(d) * pow(2 * M_PI, -0.5 * d) * power_integral(a - 1, gauss_radial, NULL);
            double xs = surface(d) * power_integral(d - 1 - a, gauss_radial, NULL);
            double c = fa_riesz_constant(d, a), rel = fabs(c * fs / xs - 1);
            tl_check(rel < 1e-12, "Parseval with a Gaussian confirms c(%d, %.2f) = %.10f (rel. error %.1e)", d, a, c, rel);
        }
    /* Barenblatt constants (doc/theory/exact-solutions.md section 2) and M0 = integral of Phi */
    struct { int d; double s, k, M0; } bv[] = {{1, 0.25, 0.300901, 0.432626}, {2, 0.5, 4 / (3 * M_PI), 8.0 / 9}, {3, 0.5, 3.0 / 8, 0.925275}};
    for (int i = 0; i < 3; i++) {
        double k = fa_barenblatt_k(bv[i].d, bv[i].s), M0 = fa_barenblatt_mass0(bv[i].d, bv[i].s);
        bb_t p = {bv[i].d, bv[i].s};
        double M0q = integrate(barenblatt_radial, &p, 0, 1 - 1e-3, 400) + integrate(barenblatt_radial, &p, 1 - 1e-3, 1, 400);
        tl_check(fabs(k - bv[i].k) < 1e-6 && fabs(M0 - bv[i].M0) < 1e-6 && fabs(M0q / M0 - 1) < 1e-6,
                 "Barenblatt d=%d s=%.2f: k = %.6f (table %.6f), M0 = %.6f (table %.6f, quadrature %.6f)", bv[i].d, bv[i].s, k,
                 bv[i].k, M0, bv[i].M0, M0q);
    }
    /* smooth kernels: analytic multipliers against numerical radial transforms */
    fa_kernel_t kg = fa_kernel_single((fa_kernel_term_t){.type = FA_KERNEL_GAUSSIAN, .strength = -1.3, .length = 0.7});
    fa_kernel_t km = fa_kernel_single((fa_kernel_term_t){.type = FA_KERNEL_MORSE, .attraction = 1.0, .attraction_length = 1.5,
                                                         .repulsion = 2.0, .repulsion_length = 0.4});
    const fa_kernel_t *ks[] = {&kg, &km};
    const char *names[] = {"gaussian", "morse"};
    for (int d = 1; d <= 3; d++)
        for (int q = 0; q < 2; q++) {
            double worst = 0;
            for (double k = 0; k <= 6; k += 0.75) {
                ft_t f = {ks[q], d, k};
                double num = integrate(ft_integrand, &f, 0, 60, 6000), ana = fa_kernel_hat(ks[q], d, k);
                double scale = fabs(fa_kernel_hat(ks[q], d, 0));
                worst = fmax(worst, fabs(num - ana) / scale);
            }
            tl_check(worst < 1e-9, "%dD %-8s transform: max |numerical - analytic| / |K^(0)| = %.1e over k in [0, 6]", d, names[q], worst);
        }
    return tl_exit();
}
