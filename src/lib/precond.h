/* The spectral preconditioner for the Newton matrix M = I - gamma J of density equations
 * (internal; used by the macroscopic solver and by the density block of the kinetic moment
 * model). */
#ifndef FA_PRECOND_H
#define FA_PRECOND_H

#include "spectral_internal.h"

typedef struct fa_sprec fa_sprec_t;

/* Symbols |k|_h^2 max(K^_ii(k), 0) per species and work space; `levels` density levels. */
int fa_sprec_create(fa_spectral_t *sp, int levels, fa_sprec_t **out);
void fa_sprec_free(fa_sprec_t *p);

/* Record the densities rho[i] (local slabs) the next solves are built around. */
void fa_sprec_setup(fa_sprec_t *p, const double *const rho[]);

/* z = P_i^-1 r for species i (r and z may not alias); tmp: a local field of scratch. */
void fa_sprec_solve(fa_sprec_t *p, int i, const double *r, double *z, double gamma, double *tmp);

#endif
