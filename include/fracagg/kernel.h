/**
 * @file kernel.h
 * Interaction kernels K_ij and their Fourier multipliers (manual, section 1; the whole-space
 * kernels: section 13).
 *
 * A pair's kernel is a sum of terms (fa_kernel_t), each of one type (fa_kernel_term_t).
 * Transform convention: f^(k) = int f(x) e^{-i k.x} dx. Positive strengths repel.
 *
 * | type      | K(x)                                 | K^(k) (whole-space transform)             |
 * |-----------|--------------------------------------|-------------------------------------------|
 * | riesz     | C |x|^-alpha, 0 < alpha < d          | C c(d,alpha) |k|^(alpha-d), K^(0) := 0     |
 * | gaussian  | C exp(-|x|^2/l)                      | C (pi l)^(d/2) exp(-l |k|^2/4)            |
 * | morse     | -Ca exp(-|x|/la) + Cr exp(-|x|/lr)   | sum of the exponential transforms         |
 * | newtonian | C G_d, -Laplace G_d = delta:         | C / |k|^2, K^(0) := 0                     |
 * |           | G_1 = -|x|/2, G_2 = -log|x|/(2 pi),  |                                           |
 * |           | G_3 = 1/(4 pi |x|)                   |                                           |
 * | power     | C |x|^a / a, a > -d, a != 0          | a < 0: (C/a) c(d,-a) |k|^(-a-d); a > 0: none |
 *
 * On the periodic box the multiplier is used at the wavenumbers k = 2 pi m / L; a kernel
 * without one (a growing power law, a > 0) has no meaning there and is refused. In the whole
 * space (grid boundary = free) every kernel is used through its cell integrals instead.
 */
#ifndef FRACAGG_KERNEL_H
#define FRACAGG_KERNEL_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    FA_KERNEL_NONE = 0, /**< no interaction */
    FA_KERNEL_RIESZ,
    FA_KERNEL_GAUSSIAN,
    FA_KERNEL_MORSE,
    FA_KERNEL_NEWTONIAN,
    FA_KERNEL_POWER
} fa_kernel_type_t;

/** One term of a kernel: plain data the caller may fill in. */
typedef struct {
    fa_kernel_type_t type;
    double strength;          /**< riesz, gaussian, newtonian, power: C */
    double alpha;             /**< riesz: exponent, 0 < alpha < d */
    double length;            /**< gaussian: l in exp(-|x|^2/l) */
    double attraction;        /**< morse: C_a >= 0 */
    double attraction_length; /**< morse: l_a > 0 */
    double repulsion;         /**< morse: C_r >= 0 */
    double repulsion_length;  /**< morse: l_r > 0 */
    double exponent;          /**< power: a in C |x|^a / a, a > -d, a != 0 */
} fa_kernel_term_t;

/** Most terms in one pair's kernel. */
#define FA_KERNEL_MAX_TERMS 8

/** A pair's kernel: the sum of its terms (nterms = 0: no interaction). Plain data. */
typedef struct {
    int nterms;
    fa_kernel_term_t term[FA_KERNEL_MAX_TERMS];
} fa_kernel_t;

/** A kernel of one term. */
fa_kernel_t fa_kernel_single(fa_kernel_term_t term);

/** c(d, alpha) = 2^(d-alpha) pi^(d/2) Gamma((d-alpha)/2) / Gamma(alpha/2): the Fourier
 *  transform of |x|^-alpha is c(d,alpha) |k|^(alpha-d). */
double fa_riesz_constant(int d, double alpha);

/** Does every term have a Fourier multiplier (is the kernel meaningful on the periodic box)? */
int fa_kernel_periodic_ok(const fa_kernel_t *k, int d);

/** K^(|k|) in dimension d, summed over the terms. Homogeneous kernels (riesz, newtonian,
 *  power with a < 0) are 0 at k = 0: only gradients of the potential matter and the lattice
 *  sum diverges. NaN for a term without a multiplier (fa_kernel_periodic_ok). */
double fa_kernel_hat(const fa_kernel_t *k, int d, double kmag);
double fa_kernel_term_hat(const fa_kernel_term_t *t, int d, double kmag);

/** K(|x|) in dimension d, summed over the terms (+inf or -inf at 0 for singular terms). */
double fa_kernel_value(const fa_kernel_t *k, int d, double r);
double fa_kernel_term_value(const fa_kernel_term_t *t, int d, double r);

/** Is K a single term of Riesz type (or one equal to it: newtonian in 3D, C/(4 pi) |x|^-1;
 *  power with a < 0, (C/a) |x|^a), and if so its kappa = C c(d,alpha) and s = (d-alpha)/2. */
int fa_kernel_riesz_params(const fa_kernel_t *k, int d, double *kappa, double *s);

/** Name of a kernel type ("riesz"), or NULL. */
const char *fa_kernel_type_name(fa_kernel_type_t t);

#ifdef __cplusplus
}
#endif
#endif
