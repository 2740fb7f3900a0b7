/* Finite-volume fluxes (internal). */
#ifndef FA_FV_H
#define FA_FV_H

#include "grid_internal.h"

#define FA_FV_MAX_THREADS 64

#include <math.h>

/* ---- limiters ---------------------------------------------------------------------- */

enum { FA_LIM_NONE = -1, FA_LIM_MINMOD, FA_LIM_VANALBADA, FA_LIM_VANLEER, FA_LIM_MC, FA_LIM_SUPERBEE, FA_LIM_CENTRAL = 100 };

/* Limited slope from the forward difference a = r[c+1] - r[c] and backward b = r[c] - r[c-1].
 * Every limiter here returns 0 unless a and b agree in sign and stays within 2 min(|a|,|b|),
 * so face values r[c] +- slope/2 lie between the neighbours' values: positive, no new extrema. */
static inline __attribute__((always_inline)) double fa_limited_slope(int lim, double a, double b)
{
    /* written with selects, not branches, so that the loops vectorise: every quotient has a
     * nonzero denominator whatever the data */
    int same = a * b > 0;
    double aa = fabs(a), bb = fabs(b), sgn = copysign(1.0, a);
    switch (lim) {
    case FA_LIM_MINMOD: return same ? sgn * fa_min2(aa, bb) : 0.0;
    case FA_LIM_VANALBADA: return (same ? a * b * (a + b) : 0.0) / (same ? a * a + b * b : 1.0);
    case FA_LIM_VANLEER: return (same ? 2 * a * b : 0.0) / (same ? a + b : 1.0);
    case FA_LIM_MC: return same ? sgn * fa_min2(fa_min2(2 * aa, 2 * bb), 0.5 * (aa + bb)) : 0.0;
    case FA_LIM_SUPERBEE: return same ? sgn * fa_max2(fa_min2(2 * aa, bb), fa_min2(aa, 2 * bb)) : 0.0;
    case FA_LIM_CENTRAL: return (a + b) * (1.0 / 3.0); /* not a limiter: see the top of fv.c */
    default: return 0.0; /* first-order upwind */
    }
}

/* Flux through a face with velocity u, left cell's east face value re and right cell's west
 * face value rw: upwind, or central for the central scheme. */
static inline __attribute__((always_inline)) double fa_face_flux(int lim, double u, double re, double rw)
{
    if (lim == FA_LIM_CENTRAL) return 0.5 * u * (re + rw);
    return fa_max2(u, 0.0) * re + fa_min2(u, 0.0) * rw;
}

/* ---- the same formulas on vectors of FA_VL doubles (GCC/Clang vector extensions) ------
 * For the fused row kernel of fv.c, which keeps neighbouring cells in registers and so has
 * to be written with explicit vectors: the auto-vectoriser does not carry values between
 * iterations. Lane by lane these are the scalar formulas above (selects for the ternaries);
 * test_fv checks both paths, vector body and scalar row ends, against a direct transcription
 * of the scheme for every limiter. 64-byte vectors (one AVX-512 register, two AVX2 ones) where
 * the kernels are compiled for those or the compiler targets them; elsewhere the baseline's
 * 128-bit vectors (SSE2, NEON), since a 64-byte vector emulated in 128-bit registers made
 * the row kernel twice as slow as the array loops it replaced (GCC's x86-64 baseline: 512^2
 * 2.1 against 0.93 ms). The baseline clone of a multiversioned build keeps 8 lanes: it runs
 * only on x86 processors without AVX2. */
#if defined(FA_MULTIVERSIONED) || defined(__AVX2__) || defined(__AVX512F__)
#define FA_VL 8
#define FA_V_SHIFT_LANES 7, 8, 9, 10, 11, 12, 13, 14
#else
#define FA_VL 2
#define FA_V_SHIFT_LANES 1, 2
#endif
/* the functions below return vectors but are always inlined: no calling convention applies */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
typedef double fa_vd __attribute__((vector_size(8 * FA_VL)));
typedef long long fa_vm __attribute__((vector_size(8 * FA_VL)));
typedef double fa_vd_unaligned __attribute__((vector_size(8 * FA_VL), aligned(8), may_alias));
#if defined(__clang__) || __GNUC__ >= 12
#define FA_V_SHIFT_IN(prev, cur) __builtin_shufflevector((prev), (cur), FA_V_SHIFT_LANES)
#else
#define FA_V_SHIFT_IN(prev, cur) __builtin_shuffle((prev), (cur), (fa_vm){FA_V_SHIFT_LANES})
#endif
/* FA_V_SHIFT_IN(prev, cur): {prev[VL-1], cur[0], ..., cur[VL-2]}, the values one cell to the left */

static inline __attribute__((always_inline)) fa_vd fa_vload(const double *p) { return *(const fa_vd_unaligned *)p; }
static inline __attribute__((always_inline)) void fa_vstore(double *p, fa_vd v) { *(fa_vd_unaligned *)p = v; }
/* x - 0 is x for every x, -0.0 included (0 + x would turn -0.0 into +0.0) */
static inline __attribute__((always_inline)) fa_vd fa_vsplat(double x) { return x - (fa_vd){0}; }
static inline __attribute__((always_inline)) fa_vd fa_vsel(fa_vm m, fa_vd a, fa_vd b)
{
    return (fa_vd)(((fa_vm)a & m) | ((fa_vm)b & ~m));
}
static inline __attribute__((always_inline)) fa_vd fa_vabs(fa_vd a)
{
    return (fa_vd)((fa_vm)a & ~(fa_vm)fa_vsplat(-0.0));
}
static inline __attribute__((always_inline)) fa_vd fa_vmin2(fa_vd a, fa_vd b) { return fa_vsel((fa_vm)(a < b), a, b); }
static inline __attribute__((always_inline)) fa_vd fa_vmax2(fa_vd a, fa_vd b) { return fa_vsel((fa_vm)(a > b), a, b); }

static inline __attribute__((always_inline)) fa_vd fa_vlimited_slope(int lim, fa_vd a, fa_vd b)
{
    const fa_vd zero = fa_vsplat(0.0), one = fa_vsplat(1.0);
    const fa_vm sign = (fa_vm)fa_vsplat(-0.0);
    fa_vm same = (fa_vm)(a * b > zero);
    fa_vd aa = fa_vabs(a), bb = fa_vabs(b);
    fa_vd sgn = (fa_vd)(((fa_vm)a & sign) | (fa_vm)one);
    switch (lim) {
    case FA_LIM_MINMOD: return fa_vsel(same, sgn * fa_vmin2(aa, bb), zero);
    case FA_LIM_VANALBADA: return fa_vsel(same, a * b * (a + b), zero) / fa_vsel(same, a * a + b * b, one);
    case FA_LIM_VANLEER: return fa_vsel(same, 2 * a * b, zero) / fa_vsel(same, a + b, one);
    case FA_LIM_MC: return fa_vsel(same, sgn * fa_vmin2(fa_vmin2(2 * aa, 2 * bb), 0.5 * (aa + bb)), zero);
    case FA_LIM_SUPERBEE: return fa_vsel(same, sgn * fa_vmax2(fa_vmin2(2 * aa, bb), fa_vmin2(aa, 2 * bb)), zero);
    case FA_LIM_CENTRAL: return (a + b) * (1.0 / 3.0);
    default: return zero;
    }
}

static inline __attribute__((always_inline)) fa_vd fa_vface_flux(int lim, fa_vd u, fa_vd re, fa_vd rw)
{
    const fa_vd zero = fa_vsplat(0.0);
    if (lim == FA_LIM_CENTRAL) return 0.5 * u * (re + rw);
    return fa_vmax2(u, zero) * re + fa_vmin2(u, zero) * rw;
}
#pragma GCC diagnostic pop

/* Periodic index; the stencils ask for at most two cells beyond either end, so one shift
 * almost always lands (an integer division per call cost 3 cycles a cell in 3D rows). */
static inline long fa_wrap(long c, long n)
{
    long w = c < 0 ? c + n : c >= n ? c - n : c;
    return w >= 0 && w < n ? w : ((c % n) + n) % n; /* n = 1 or 2 */
}

/* The limiter id of a scheme and a limiter table index (FA_LIM_NONE: first-order upwind). */
int fa_fv_limiter_id(fa_scheme_t scheme, int limiter);


typedef struct fa_fv fa_fv_t;

int fa_fv_create(const fa_grid_t *g, int nspecies, fa_scheme_t scheme, int limiter, int threads,
                 fa_fv_t **out);
void fa_fv_free(fa_fv_t *fv);

/* out = -div(rho u), u = -grad(phi) on faces: (phi_c - phi_{c+1})/h. umax (or NULL):
 * umax[a] = max |u| over this process's faces of axis a, 0 beyond dim (for the explicit step
 * bound; the caller reduces over the ranks). */
void fa_fv_divergence(fa_fv_t *fv, const double *rho, const double *phi, double *out, double umax[3]);

#endif
