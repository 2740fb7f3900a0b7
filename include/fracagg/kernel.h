/**
 * @file kernel.h
 * Interaction kernels K_ij and their Fourier multipliers (math.md section 1).
 *
 * Transform convention: f^(k) = int f(x) e^{-i k.x} dx. Positive strengths repel.
 *
 * | type     | K(x)                                   | K^(k)                                       |
 * |----------|----------------------------------------|---------------------------------------------|
 * | riesz    | C |x|^-alpha, 0 < alpha < d            | C c(d,alpha) |k|^(alpha-d), K^(0) := 0       |
 * | gaussian | C exp(-|x|^2/l)                        | C (pi l)^(d/2) exp(-l |k|^2/4)              |
 * | morse    | -Ca exp(-|x|/la) + Cr exp(-|x|/lr)     | sum of the exponential transforms           |
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
    FA_KERNEL_MORSE
} fa_kernel_type_t;

/** A kernel: plain data the caller may fill in. */
typedef struct {
    fa_kernel_type_t type;
    double strength;          /**< riesz, gaussian: C */
    double alpha;             /**< riesz: exponent, 0 < alpha < d */
    double length;            /**< gaussian: l in exp(-|x|^2/l) */
    double attraction;        /**< morse: C_a >= 0 */
    double attraction_length; /**< morse: l_a > 0 */
    double repulsion;         /**< morse: C_r >= 0 */
    double repulsion_length;  /**< morse: l_r > 0 */
} fa_kernel_t;

/** c(d, alpha) = 2^(d-alpha) pi^(d/2) Gamma((d-alpha)/2) / Gamma(alpha/2): the Fourier
 *  transform of |x|^-alpha is c(d,alpha) |k|^(alpha-d). */
double fa_riesz_constant(int d, double alpha);

/** K^(|k|) in dimension d. For riesz the value at k = 0 is defined as 0 (only gradients
 *  of the potential matter; the lattice sum diverges). */
double fa_kernel_hat(const fa_kernel_t *k, int d, double kmag);

/** K(|x|) (riesz: +inf at 0). */
double fa_kernel_value(const fa_kernel_t *k, int d, double r);

/** Is K_ij of Riesz type, and if so its kappa = C c(d,alpha) and s = (d-alpha)/2. */
int fa_kernel_riesz_params(const fa_kernel_t *k, int d, double *kappa, double *s);

/** Name of a kernel type ("riesz"), or NULL. */
const char *fa_kernel_type_name(fa_kernel_type_t t);

#ifdef __cplusplus
}
#endif
#endif
