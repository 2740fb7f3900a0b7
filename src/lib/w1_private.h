/* The W1 module's own state, shared by its files (w1.c: the workspace, the 1D formulas, the
 * distance and its distributed wrapper; w1_beckmann.c: Beckmann's problem for d = 2, 3).
 * Nobody else includes it. */
#ifndef FA_W1_PRIVATE_H
#define FA_W1_PRIVATE_H

#include "grid_internal.h"
#include "w1_internal.h"

#include <fftw3.h>
#include <math.h>

struct fa_w1 {
    const fa_grid_layout_t *g;
    fa_w1_options_t opt;
    long n;          /* cells */
    /* d = 1 */
    double *D, *sorted;
    /* d >= 2 */
    int noflux;         /* free boundary: no faces on the box boundary (Neumann, DCT) */
    long fwd_last[3];   /* offset from the last cell along a to the far side of its upper face:
                           periodic, the first cell (-(n_a - 1) stride_a); free, 0 (no face:
                           every difference across it is 0, see FWD_LOOP in
                           w1_beckmann.c) */
    double *delta, *phi, *pt;
    double *m[3], *mt[3];
    double *r;          /* transform buffer (real; the DCT works on it in place) */
    fftw_complex *c;    /* periodic: FFT complex buffer (half spectrum) */
    double *kinv;       /* inverse symbol of -Delta_h with the transform's normalisation, 0 for
                           k = 0: periodic 1/(|k|_h^2 ntotal) on the half spectrum, free
                           1/(|k|_h^2 prod 2 n_a) on the cosine modes */
    long nk;
    fftw_plan r2c, c2r; /* periodic */
    fftw_plan dct, idct; /* free: REDFT10 and its inverse REDFT01 */
};

/* Neumaier's compensated sum: masses, the 1D integrals and the certificate's sums. */
typedef struct {
    double s, c;
} ksum_t;

static inline void ksum_add(ksum_t *k, double x)
{
    double t = k->s + x;
    if (fabs(k->s) >= fabs(x))
        k->c += (k->s - t) + x;
    else
        k->c += (x - t) + k->s;
    k->s = t;
}

static inline double ksum_value(const ksum_t *k) { return k->s + k->c; }

/* d = 2, 3: Beckmann's problem for the mean-free w->delta (not all 0) by the primal-dual
 * iteration (w1_beckmann.c). The best bounds of the certificate over its checks, the
 * iterations done and max |grad_h phi| of the last check's potential; returns 1 if the bounds
 * met the tolerance (relative, or abs_floor absolute), 0 if the iteration limit came first. */
int fa_w1_beckmann(fa_w1_t *w, double abs_floor, double *lower, double *upper, int *iters, double *lip);

#endif
