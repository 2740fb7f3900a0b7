/* The spectral module's interface inside the library (spectral.c owns struct fa_spectral; the
 * transforms themselves are transform.c's). */
#ifndef FA_SPECTRAL_INTERNAL_H
#define FA_SPECTRAL_INTERNAL_H

#include <fftw3.h>

#include "grid_internal.h"

/* The three steps of fa_spectral_potentials, for callers that interleave other work:
 * transforms of all densities, Phi^_i = sum_j K^_ij rho^_j in place of them, and Phi_i from
 * Phi^_i (the transform is consumed). No allocation. */
int fa_spectral_forward_all(fa_spectral_t *sp, const double *const rho[]);
int fa_spectral_apply_kernels(fa_spectral_t *sp);
int fa_spectral_inverse_species(fa_spectral_t *sp, int i, double *phi);

const fa_grid_t *fa_spectral_grid(const fa_spectral_t *sp);
int fa_spectral_species(const fa_spectral_t *sp);

/* The transform of a field (the grid's local slab, any alignment) into out, and the
 * unnormalised inverse of in (destroyed) into a field. On a free grid, of the zero-padded
 * field. out/in hold fa_spectral_complex_alloc values. */
void fa_spectral_forward(fa_spectral_t *sp, const double *f, fftw_complex *out);
void fa_spectral_inverse(fa_spectral_t *sp, fftw_complex *in, double *out);
size_t fa_spectral_complex_alloc(const fa_spectral_t *sp);
/* A scratch spectrum array of the module (for one operation at a time). */
fftw_complex *fa_spectral_work(fa_spectral_t *sp);

/* Local coefficients of the spectrum, the scheme's |k|_h^2 at each, the normalisation of the
 * inverse (points of the transform grid), and the multiplier table of K_ij divided by it
 * (NULL where K_ij is absent): Phi^ = table * rho^ gives Phi after fa_spectral_inverse. */
long fa_spectral_nk(const fa_spectral_t *sp);
const double *fa_spectral_kdisc2(const fa_spectral_t *sp);
double fa_spectral_norm(const fa_spectral_t *sp);
const double *fa_spectral_multiplier(const fa_spectral_t *sp, int i, int j);

/* max_k |k|_h^2 sum_j |K^_ij(k)| over all ranks: the rate the linearised potential term of
 * species i reaches per unit density (explicit step bounds). */
double fa_spectral_stiffness(const fa_spectral_t *sp, int i);

#endif
