/* Finite-volume fluxes (internal). */
#ifndef FA_FV_H
#define FA_FV_H

#include "internal.h"

#define FA_FV_CHUNK 256       /* inner cells per chunk of a row sweep: buffers stay in L1 */
#define FA_FV_MAX_THREADS 64

typedef struct fa_fv fa_fv_t;
typedef void (*fa_fv_sweep_x_fn)(const fa_fv_t *fv, int tid, long r0, long r1, const double *rho,
                                 const double *phi, double *out, double *umax);
typedef void (*fa_fv_sweep_rows_fn)(const fa_fv_t *fv, int axis, int tid, long j0, long j1,
                                    const double *rho, const double *phi, double *out,
                                    double *umax);

struct fa_fv {
    const fa_grid_t *grid;
    int nspecies, threads;
    fa_fv_sweep_x_fn sweep_x;       /* writes out */
    fa_fv_sweep_rows_fn sweep_rows; /* adds to out */
    double **scratch;               /* per thread */
    double *phi;                    /* potential of the species being processed */
};

int fa_fv_create(const fa_grid_t *g, int nspecies, fa_scheme_t scheme, int limiter, int threads,
                 fa_fv_t **out);
void fa_fv_free(fa_fv_t *fv);

/* out = -div(rho u), u = -grad(phi) on faces: (phi_c - phi_{c+1})/h; umax[a] = max |u| on axis a. */
void fa_fv_divergence(fa_fv_t *fv, const double *rho, const double *phi, double *out, double umax[3]);

#endif
