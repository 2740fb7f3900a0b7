/* Interaction kernels and their Fourier multipliers (math.md section 1). One table row per
 * kernel type: its name, its transform and its values. */
#include "internal.h"

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

static double riesz_hat(const fa_kernel_t *K, int d, double k)
{
    return k > 0 ? K->strength * fa_riesz_constant(d, K->alpha) * pow(k, K->alpha - d) : 0.0;
}
static double riesz_value(const fa_kernel_t *K, int d, double r)
{
    (void)d;
    return r > 0 ? K->strength * pow(r, -K->alpha) : INFINITY;
}
static double gaussian_hat(const fa_kernel_t *K, int d, double k)
{
    return K->strength * pow(M_PI * K->length, 0.5 * d) * exp(-0.25 * K->length * k * k);
}
static double gaussian_value(const fa_kernel_t *K, int d, double r)
{
    (void)d;
    return K->strength * exp(-r * r / K->length);
}
static double morse_hat(const fa_kernel_t *K, int d, double k)
{
    return -K->attraction * exponential_hat(d, K->attraction_length, k) +
           K->repulsion * exponential_hat(d, K->repulsion_length, k);
}
static double morse_value(const fa_kernel_t *K, int d, double r)
{
    (void)d;
    return -K->attraction * exp(-r / K->attraction_length) + K->repulsion * exp(-r / K->repulsion_length);
}

static const struct {
    fa_kernel_type_t type;
    const char *name;
    double (*hat)(const fa_kernel_t *, int, double);
    double (*value)(const fa_kernel_t *, int, double);
} kernel_types[] = {
    {FA_KERNEL_RIESZ, "riesz", riesz_hat, riesz_value},
    {FA_KERNEL_GAUSSIAN, "gaussian", gaussian_hat, gaussian_value},
    {FA_KERNEL_MORSE, "morse", morse_hat, morse_value},
};
#define N_KERNEL_TYPES (sizeof kernel_types / sizeof kernel_types[0])

double fa_kernel_hat(const fa_kernel_t *K, int d, double kmag)
{
    for (size_t i = 0; i < N_KERNEL_TYPES; i++)
        if (kernel_types[i].type == K->type) return kernel_types[i].hat(K, d, kmag);
    return 0.0;
}

double fa_kernel_value(const fa_kernel_t *K, int d, double r)
{
    for (size_t i = 0; i < N_KERNEL_TYPES; i++)
        if (kernel_types[i].type == K->type) return kernel_types[i].value(K, d, r);
    return 0.0;
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
    if (K->type != FA_KERNEL_RIESZ) return 0;
    if (kappa) *kappa = K->strength * fa_riesz_constant(d, K->alpha);
    if (s) *s = 0.5 * (d - K->alpha);
    return 1;
}
