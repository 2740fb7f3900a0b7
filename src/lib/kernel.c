/* Interaction kernels and their Fourier multipliers (manual, sections 1 and 13). One table
 * row per term type: its name, its transform and its values; a pair's kernel sums its terms. */
#include "kernel_internal.h"

#include <math.h>
#include <string.h>

double fa_riesz_constant(int d, double alpha)
{
    return pow(2.0, d - alpha) * pow(M_PI, 0.5 * d) * tgamma(0.5 * (d - alpha)) / tgamma(0.5 * alpha);
}

/* Transform of exp(-|x|/l) in dimension d. */
static double exponential_hat(int d, double l, double k)
{
    double q = 1 + l * l * k * k;
    switch (d) {
    case 1: return 2 * l / q;
    case 2: return 2 * M_PI * l * l / (q * sqrt(q));
    default: return 8 * M_PI * l * l * l / (q * q);
    }
}

static double riesz_hat(const fa_kernel_term_t *K, int d, double k)
{
    return k > 0 ? K->strength * fa_riesz_constant(d, K->alpha) * pow(k, K->alpha - d) : 0.0;
}
static double riesz_value(const fa_kernel_term_t *K, int d, double r)
{
    (void)d;
    return r > 0 ? K->strength * pow(r, -K->alpha) : copysign(INFINITY, K->strength);
}
static double gaussian_hat(const fa_kernel_term_t *K, int d, double k)
{
    return K->strength * pow(M_PI * K->length, 0.5 * d) * exp(-0.25 * K->length * k * k);
}
static double gaussian_value(const fa_kernel_term_t *K, int d, double r)
{
    (void)d;
    return K->strength * exp(-r * r / K->length);
}
static double morse_hat(const fa_kernel_term_t *K, int d, double k)
{
    return -K->attraction * exponential_hat(d, K->attraction_length, k) +
           K->repulsion * exponential_hat(d, K->repulsion_length, k);
}
static double morse_value(const fa_kernel_term_t *K, int d, double r)
{
    (void)d;
    return -K->attraction * exp(-r / K->attraction_length) + K->repulsion * exp(-r / K->repulsion_length);
}
/* -Laplace G_d = delta in every dimension: G^ = 1/|k|^2 */
static double newtonian_hat(const fa_kernel_term_t *K, int d, double k)
{
    (void)d;
    return k > 0 ? K->strength / (k * k) : 0.0;
}
static double newtonian_value(const fa_kernel_term_t *K, int d, double r)
{
    switch (d) {
    case 1: return -0.5 * K->strength * r;
    case 2: return r > 0 ? -K->strength * log(r) / (2 * M_PI) : copysign(INFINITY, K->strength);
    default: return r > 0 ? K->strength / (4 * M_PI * r) : copysign(INFINITY, K->strength);
    }
}
/* C |x|^a / a: for -d < a < 0 the Riesz kernel of alpha = -a with strength C/a; a growing
 * power (a > 0) has no transform as a function, hence no multiplier on the periodic box */
static double power_hat(const fa_kernel_term_t *K, int d, double k)
{
    double a = K->exponent;
    if (!(a < 0)) return NAN;
    return k > 0 ? K->strength / a * fa_riesz_constant(d, -a) * pow(k, -a - d) : 0.0;
}
static double power_value(const fa_kernel_term_t *K, int d, double r)
{
    (void)d;
    double a = K->exponent;
    if (r == 0 && a < 0) return copysign(INFINITY, K->strength / a);
    return K->strength * pow(r, a) / a;
}

static const struct {
    fa_kernel_type_t type;
    const char *name;
    double (*hat)(const fa_kernel_term_t *, int, double);
    double (*value)(const fa_kernel_term_t *, int, double);
} kernel_types[] = {
    {FA_KERNEL_RIESZ, "riesz", riesz_hat, riesz_value},
    {FA_KERNEL_GAUSSIAN, "gaussian", gaussian_hat, gaussian_value},
    {FA_KERNEL_MORSE, "morse", morse_hat, morse_value},
    {FA_KERNEL_NEWTONIAN, "newtonian", newtonian_hat, newtonian_value},
    {FA_KERNEL_POWER, "power", power_hat, power_value},
};
#define N_KERNEL_TYPES (sizeof kernel_types / sizeof kernel_types[0])

fa_kernel_t fa_kernel_single(fa_kernel_term_t term)
{
    fa_kernel_t k;
    memset(&k, 0, sizeof k);
    if (term.type != FA_KERNEL_NONE) {
        k.nterms = 1;
        k.term[0] = term;
    }
    return k;
}

double fa_kernel_term_hat(const fa_kernel_term_t *t, int d, double kmag)
{
    for (size_t i = 0; i < N_KERNEL_TYPES; i++)
        if (kernel_types[i].type == t->type) return kernel_types[i].hat(t, d, kmag);
    return 0.0;
}

double fa_kernel_term_value(const fa_kernel_term_t *t, int d, double r)
{
    for (size_t i = 0; i < N_KERNEL_TYPES; i++)
        if (kernel_types[i].type == t->type) return kernel_types[i].value(t, d, r);
    return 0.0;
}

double fa_kernel_hat(const fa_kernel_t *K, int d, double kmag)
{
    double s = 0;
    for (int q = 0; q < K->nterms; q++) s += fa_kernel_term_hat(&K->term[q], d, kmag);
    return s;
}

double fa_kernel_value(const fa_kernel_t *K, int d, double r)
{
    double s = 0;
    for (int q = 0; q < K->nterms; q++) s += fa_kernel_term_value(&K->term[q], d, r);
    return s;
}

int fa_kernel_periodic_ok(const fa_kernel_t *K, int d)
{
    for (int q = 0; q < K->nterms; q++)
        if (isnan(fa_kernel_term_hat(&K->term[q], d, 1.0))) return 0;
    return 1;
}

const char *fa_kernel_type_name(fa_kernel_type_t t)
{
    if (t == FA_KERNEL_NONE) return "none";
    for (size_t i = 0; i < N_KERNEL_TYPES; i++)
        if (kernel_types[i].type == t) return kernel_types[i].name;
    return NULL;
}

fa_kernel_type_t fa_kernel_type_lookup(const char *name)
{
    for (size_t i = 0; i < N_KERNEL_TYPES; i++)
        if (strcmp(kernel_types[i].name, name) == 0) return kernel_types[i].type;
    return FA_KERNEL_NONE;
}

int fa_kernel_riesz_params(const fa_kernel_t *K, int d, double *kappa, double *s)
{
    if (K->nterms != 1) return 0;
    const fa_kernel_term_t *t = &K->term[0];
    double C, alpha;
    if (t->type == FA_KERNEL_RIESZ)
        C = t->strength, alpha = t->alpha;
    else if (t->type == FA_KERNEL_NEWTONIAN && d == 3)
        C = t->strength / (4 * M_PI), alpha = 1;
    else if (t->type == FA_KERNEL_POWER && t->exponent < 0 && t->exponent > -d)
        C = t->strength / t->exponent, alpha = -t->exponent;
    else
        return 0;
    if (kappa) *kappa = C * fa_riesz_constant(d, alpha);
    if (s) *s = 0.5 * (d - alpha);
    return 1;
}
