/* Finite-volume fluxes (internal). */
#ifndef FA_FV_H
#define FA_FV_H

#include "internal.h"

#define FA_FV_MAX_THREADS 64

typedef struct fa_fv fa_fv_t;
/* Divergence of one species for planes [p0, p1) of the slowest axis (thread tid). */
typedef void (*fa_fv_div_fn)(const fa_fv_t *fv, int tid, long p0, long p1, const double *rho,
                             const double *phi, double *out);

struct fa_fv {
    const fa_grid_t *grid;
    int nspecies, threads;
    fa_fv_div_fn div;               /* specialised for the scheme and limiter */
    long inplane_scratch;           /* doubles of thread scratch before the slow-axis buffers */
    double **scratch;               /* per thread */
    double *phi;                    /* potential of the species being processed */
};

int fa_fv_create(const fa_grid_t *g, int nspecies, fa_scheme_t scheme, int limiter, int threads,
                 fa_fv_t **out);
void fa_fv_free(fa_fv_t *fv);

/* out = -div(rho u), u = -grad(phi) on faces: (phi_c - phi_{c+1})/h. */
void fa_fv_divergence(fa_fv_t *fv, const double *rho, const double *phi, double *out);

/* umax[a] = max |u| over the faces of axis a (for explicit step bounds; a separate pass so
 * that the flux loops carry no reduction). */
void fa_fv_max_speed(const fa_fv_t *fv, const double *phi, double umax[3]);

#endif
