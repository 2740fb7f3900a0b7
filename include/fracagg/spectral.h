/**
 * @file spectral.h
 * FFT machinery for a grid and a kernel matrix: FFTW plans (made once), the Fourier
 * multipliers K^_ij on the grid's wavenumbers k = 2 pi m / L (made once), and the
 * operations built on them — potentials Phi_i = sum_j K_ij * rho_j, the free energy, H^s norms.
 *
 * On the torus, K * rho on the grid = IDFT(K^(k) DFT(rho)) (normalised inverse): the analytic
 * whole-space transform of a smooth kernel is exact for its periodisation (Poisson summation).
 */
#ifndef FRACAGG_SPECTRAL_H
#define FRACAGG_SPECTRAL_H

#include "grid.h"
#include "kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fa_spectral fa_spectral_t;

/** FFT options. Zero-initialised = defaults (1 thread, FFTW_ESTIMATE, no wisdom file). */
typedef struct {
    int threads;         /**< FFTW threads (<= 1: one) */
    int measure;         /**< plan with FFTW_MEASURE (slower planning, faster transforms) */
    const char *wisdom;  /**< file to import wisdom from and save it to, or NULL */
} fa_fft_options_t;

/** Plans and multipliers for `nspecies` species; kernels[i*nspecies + j] is K_ij. */
int fa_spectral_create(const fa_grid_t *g, int nspecies, const fa_kernel_t *kernels,
                       const fa_fft_options_t *opt, fa_spectral_t **out);
void fa_spectral_free(fa_spectral_t *sp);

/** Phi_i = sum_j K_ij * rho_j for every species i (rho[j], phi[i]: local slabs).
 *  N forward and N inverse real FFTs; no allocation. */
int fa_spectral_potentials(fa_spectral_t *sp, const double *const rho[], double *const phi[]);

/** Free energy 1/2 sum_ij sum_c h^d rho_i,c (K_ij * rho_j)_c. */
int fa_spectral_energy(fa_spectral_t *sp, const double *const rho[], double *energy);

/** H^s norms ||f||^2 = L^-d sum_k (1+|k|^2)^s |f^(k)|^2 (H^0 = L^2) of one field for the
 *  orders s[0..ns-1]; `top` (may be NULL) receives for each order the share of the squared
 *  norm carried by the top third of the wavenumbers (|k| > 2/3 k_max along some axis). */
int fa_spectral_hs_norms(fa_spectral_t *sp, const double *f, const double *s, int ns,
                         double *norm, double *top);

/** Quadratic form L^-d sum_k K^_ii(k) |f^(k) - g^(k)|^2 = int (f-g) K_ii*(f-g) dx of the
 *  difference of two fields, with the kernel K_ii (the interaction part of the modulated energy). */
int fa_spectral_kernel_form(fa_spectral_t *sp, int i, const double *f, const double *g, double *value);

#ifdef __cplusplus
}
#endif
#endif
