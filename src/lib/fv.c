/* The finite-volume right-hand side d rho_i/dt = -div(rho_i v_i) (math.md section 2):
 * face velocities from differences of the spectral potential, upwind fluxes of piecewise
 * constant or MUSCL-reconstructed face values, conservative differences. No allocation here:
 * every buffer is made in fa_fv_create.
 *
 * One pass over memory. The field is a stack of planes along the slowest axis (rows in 2D,
 * xy-planes in 3D). Walking up the stack, each plane's in-plane divergence (x, and y in 3D)
 * is written to the output while the plane is in cache, then the flux difference across the
 * slowest axis is subtracted; slopes and fluxes of the slow axis roll through four plane-sized
 * buffers. So rho and phi are read once and the output written once: the sweeps cost about
 * one streaming pass, the lower bound the FFTs leave room for.
 *
 * The limiter is a compile-time constant in each specialised kernel (table `limiters`), so
 * the inner loops have no calls and vectorise; the kernels are compiled for AVX2 and
 * AVX-512 as well as the baseline, chosen at run time. Threads take contiguous blocks of
 * planes; a block starts by recomputing the flux through its lower face.
 *
 * The central scheme (scheme = central) shares the kernels: its "slope" (a + b)/3 and the
 * central flux u (re + rw)/2 give the face value (7 (r[c] + r[c+1]) - r[c-1] - r[c+2])/12,
 * the fourth-order interpolation of cell averages, with no limiter and no upwinding. Linear
 * and smooth in rho for a given u, it leaves no grid-scale kinks at extrema (limiters) or
 * where u changes sign (upwinding), which high-order Sobolev norms would otherwise see
 * (doc/manual.md, section 6). It has no numerical dissipation and does not preserve
 * positivity: for smooth solutions only. */
#include "fv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* The limiters and the face flux are in fv.h, shared with the kinetic moment model. */


/* ---- building blocks --------------------------------------------------------------- */

/* Scratch of row_x: slopes of cells -1 .. n (n+2), fluxes through faces -1/2 .. n-1/2 (n+1). */
#define ROW_X_SCRATCH(n) (2 * (n) + 3)

/* x: one row of n cells, out[c] = -(F[c+1/2] - F[c-1/2])/h, minus (fc[c] - fp[c]) ih2 when
 * `other` (the flux difference of another axis, folded in so that out is written once).
 * Interior cells and faces straight from the row; the few that wrap around, separately.
 * w: ROW_X_SCRATCH(n). */
static inline __attribute__((always_inline)) void row_x(int lim, long n, double inv_h,
                                                       const double *restrict r,
                                                       const double *restrict p,
                                                       double *restrict w,
                                                       double *restrict out, int other,
                                                       const double *restrict fc,
                                                       const double *restrict fp, double ih2)
{
    double *restrict sl = w + 1, *restrict fl = w + n + 2; /* sl[-1 .. n], fl[0 .. n] */
    for (long c = 1; c < n - 1; c++) sl[c] = fa_limited_slope(lim, r[c + 1] - r[c], r[c] - r[c - 1]);
    const long edge[4] = {-1, 0, n - 1, n};
    for (int e = 0; e < 4; e++) { /* cells whose neighbours wrap (n may be 1 or 2) */
        long c = edge[e];
        if (c >= 1 && c < n - 1) continue;
        double rm = r[fa_wrap(c - 1, n)], r0 = r[fa_wrap(c, n)], rq = r[fa_wrap(c + 1, n)];
        sl[c] = fa_limited_slope(lim, rq - r0, r0 - rm);
    }
    /* face k lies between cells k-1 and k, k = 0 .. n */
    for (long k = 1; k < n; k++) {
        double u = -(p[k] - p[k - 1]) * inv_h;
        fl[k] = fa_face_flux(lim, u, r[k - 1] + 0.5 * sl[k - 1], r[k] - 0.5 * sl[k]);
    }
    {
        double u = -(p[0] - p[n - 1]) * inv_h; /* the periodic face, seen from both ends */
        double f = fa_face_flux(lim, u, r[n - 1] + 0.5 * sl[-1], r[0] - 0.5 * sl[0]);
        fl[0] = f;
        fl[n] = f;
    }
    if (other)
        for (long c = 0; c < n; c++) out[c] = -(fl[c + 1] - fl[c]) * inv_h - (fc[c] - fp[c]) * ih2;
    else
        for (long c = 0; c < n; c++) out[c] = -(fl[c + 1] - fl[c]) * inv_h;
}

/* A face between two rows (or planes) r0 | r1 of len cells, r2 = r1's upper neighbour:
 * s_next = slope of r1, f = flux through the face; s_cur holds r0's slope on entry. */
static inline __attribute__((always_inline)) void face(int lim, long len, double inv_h,
                                                      const double *restrict r0,
                                                      const double *restrict r1,
                                                      const double *restrict r2,
                                                      const double *restrict p0,
                                                      const double *restrict p1,
                                                      const double *restrict s_cur,
                                                      double *restrict s_next,
                                                      double *restrict f)
{
    for (long j = 0; j < len; j++) {
        double sn = fa_limited_slope(lim, r2[j] - r1[j], r1[j] - r0[j]);
        double u = -(p1[j] - p0[j]) * inv_h;
        f[j] = fa_face_flux(lim, u, r0[j] + 0.5 * s_cur[j], r1[j] - 0.5 * sn);
        s_next[j] = sn;
    }
}

static inline __attribute__((always_inline)) void first_slope(int lim, long len, const double *restrict rm,
                                                             const double *restrict r0,
                                                             const double *restrict r1,
                                                             double *restrict s)
{
    for (long j = 0; j < len; j++) s[j] = fa_limited_slope(lim, r1[j] - r0[j], r0[j] - rm[j]);
}

/* out -= (f_cur - f_prev) ih [+ (gc - gp) ih2 when `other`] */
static inline __attribute__((always_inline)) void subtract_difference(long len, double inv_h,
                                                                     const double *restrict f_cur,
                                                                     const double *restrict f_prev,
                                                                     int other,
                                                                     const double *restrict gc,
                                                                     const double *restrict gp,
                                                                     double ih2, double *restrict out)
{
    if (other)
        for (long j = 0; j < len; j++) out[j] -= (f_cur[j] - f_prev[j]) * inv_h + (gc[j] - gp[j]) * ih2;
    else
        for (long j = 0; j < len; j++) out[j] -= (f_cur[j] - f_prev[j]) * inv_h;
}

/* Ask for a row of memory in L1 ahead of its use (one request per 64-byte line). */
static inline __attribute__((always_inline)) void prefetch_row(const double *row, long len)
{
    for (long k = 0; k < len; k += 8) __builtin_prefetch(row + k, 0, 3);
}

/* The divergence of plane `c` of a 3D field: x rows, y across the rows, and the z flux
 * difference (zc - zp) ihz of the plane folded into the y pass. w: thread scratch
 * (x: ROW_X_SCRATCH(nx), y: 4 nx).
 *
 * r_ahead, p_ahead (or NULL): the planes of rho and phi that the next z face reads for the
 * first time. The x rows are arithmetic on data already in cache, so they leave memory idle;
 * fetching the next planes row by row meanwhile overlaps that traffic with work instead of
 * leaving the z face to wait for it (the hardware prefetcher runs only a few lines ahead).
 * 128^3: 9.0 -> 7.5 ms a species. */
static inline __attribute__((always_inline)) void plane_xyz(int lim, const fa_grid_t *g,
                                                           const double *r, const double *p,
                                                           const double *zc, const double *zp,
                                                           double ihz, double *w, double *out,
                                                           const double *r_ahead,
                                                           const double *p_ahead)
{
    long nx = g->n[0], ny = g->n[1];
    double ihx = 1.0 / g->h[0], ihy = 1.0 / g->h[1];
    for (long iy = 0; iy < ny; iy++) {
        if (r_ahead) {
            prefetch_row(r_ahead + iy * nx, nx);
            prefetch_row(p_ahead + iy * nx, nx);
        }
        row_x(lim, nx, ihx, r + iy * nx, p + iy * nx, w, out + iy * nx, 0, NULL, NULL, 0.0);
    }
    double *s_cur = w + ROW_X_SCRATCH(nx), *s_next = s_cur + nx, *f_prev = s_next + nx, *f_cur = f_prev + nx;
#define ROWY(base, c) ((base) + fa_wrap((c), ny) * nx)
    first_slope(lim, nx, ROWY(r, -2), ROWY(r, -1), ROWY(r, 0), s_cur);
    for (long c = -1; c < ny; c++) {
        face(lim, nx, ihy, ROWY(r, c), ROWY(r, c + 1), ROWY(r, c + 2), ROWY(p, c), ROWY(p, c + 1), s_cur, s_next, f_cur);
        if (c >= 0) subtract_difference(nx, ihy, f_cur, f_prev, 1, zc + c * nx, zp + c * nx, ihz, out + c * nx);
        double *t = s_cur;
        s_cur = s_next, s_next = t;
        t = f_prev, f_prev = f_cur, f_cur = t;
    }
#undef ROWY
}

/* Planes [p0, p1) of the slab: the flux through each plane's upper face first, then the
 * plane's in-plane divergence with the slow-axis difference folded in (out written once). */
static inline __attribute__((always_inline)) void sweep_block(int lim, const fa_fv_t *fv, int tid, long p0,
                                                             long p1, const double *rho, const double *phi,
                                                             double *out)
{
    const fa_grid_t *g = fv->grid;
    int d = g->dim, sa = g->slow;
    long ps = g->plane, np = g->slow_count;
    double ihs = 1.0 / g->h[sa];
    double *w = fv->scratch[tid];
    double *s_cur = w + fv->inplane_scratch, *s_next = s_cur + ps, *f_prev = s_next + ps, *f_cur = f_prev + ps;
    /* planes outside the local slab: the periodic wrap, or (distributed) the halos */
    const double *rho_lo = fv->halo, *rho_hi = rho_lo + 2 * ps, *phi_lo = rho_hi + 2 * ps, *phi_hi = phi_lo + 2 * ps;
#define PLANE(base, c) ((base) + fa_wrap((c), np) * ps)
#define HALO(base, lo, hi, c) (!g->distributed || ((c) >= 0 && (c) < np) ? PLANE(base, c) : (c) < 0 ? (lo) + ((c) + 2) * ps : (hi) + ((c) - np) * ps)
#define R(c) HALO(rho, rho_lo, rho_hi, c)
#define P(c) HALO(phi, phi_lo, phi_hi, c)
    first_slope(lim, ps, R(p0 - 2), R(p0 - 1), R(p0), s_cur);
    for (long c = p0 - 1; c < p1; c++) {
        face(lim, ps, ihs, R(c), R(c + 1), R(c + 2), P(c), P(c + 1), s_cur, s_next, f_cur);
        if (c >= p0) {
            if (d == 2)
                row_x(lim, g->n[0], 1.0 / g->h[0], R(c), P(c), w, PLANE(out, c), 1, f_cur, f_prev, ihs);
            else { /* the next face (c+1 | c+2) first reads rho's plane c+3, phi's c+2 */
                int ahead = c + 1 < p1;
                plane_xyz(lim, g, R(c), P(c), f_cur, f_prev, ihs, w, PLANE(out, c), ahead ? R(c + 3) : NULL,
                          ahead ? P(c + 2) : NULL);
            }
        }
        double *t = s_cur;
        s_cur = s_next, s_next = t;
        t = f_prev, f_prev = f_cur, f_cur = t;
    }
#undef R
#undef P
#undef HALO
#undef PLANE
}

/* ---- specialisations per limiter --------------------------------------------------- */

/* The whole divergence for one thread: 1D lines are one row; otherwise a block of planes. */
#define FA_FV_SPECIALISE(name, lim)                                                       \
    FA_MULTIVERSION static void div_##name(const fa_fv_t *fv, int tid, long p0, long p1,  \
                                           const double *r, const double *p, double *o)   \
    {                                                                                     \
        if (fv->grid->dim == 1)                                                           \
            row_x(lim, fv->grid->n[0], 1.0 / fv->grid->h[0], r, p, fv->scratch[tid], o, 0, NULL, NULL, 0.0); \
        else                                                                              \
            sweep_block(lim, fv, tid, p0, p1, r, p, o);                                   \
    }

FA_FV_SPECIALISE(upwind, FA_LIM_NONE)
FA_FV_SPECIALISE(minmod, FA_LIM_MINMOD)
FA_FV_SPECIALISE(vanalbada, FA_LIM_VANALBADA)
FA_FV_SPECIALISE(vanleer, FA_LIM_VANLEER)
FA_FV_SPECIALISE(mc, FA_LIM_MC)
FA_FV_SPECIALISE(superbee, FA_LIM_SUPERBEE)
FA_FV_SPECIALISE(central, FA_LIM_CENTRAL)

static const struct {
    const char *name;
    fa_fv_div_fn div;
} limiters[] = {
    {"minmod", div_minmod},
    {"vanalbada", div_vanalbada},
    {"vanleer", div_vanleer},
    {"mc", div_mc},
    {"superbee", div_superbee},
};
#define N_LIMITERS ((int)(sizeof limiters / sizeof limiters[0]))

int fa_fv_limiter_id(fa_scheme_t scheme, int limiter)
{
    static const int ids[] = {FA_LIM_MINMOD, FA_LIM_VANALBADA, FA_LIM_VANLEER, FA_LIM_MC, FA_LIM_SUPERBEE};
    if (scheme == FA_SCHEME_UPWIND) return FA_LIM_NONE;
    if (scheme == FA_SCHEME_CENTRAL) return FA_LIM_CENTRAL;
    return limiter >= 0 && limiter < N_LIMITERS ? ids[limiter] : FA_LIM_NONE;
}

int fa_limiter_lookup(const char *name)
{
    for (int i = 0; i < N_LIMITERS; i++)
        if (strcmp(limiters[i].name, name) == 0) return i;
    return -1;
}

const char *fa_limiter_name(int i) { return i >= 0 && i < N_LIMITERS ? limiters[i].name : NULL; }

/* ---- set-up and evaluation --------------------------------------------------------- */

int fa_fv_create(const fa_grid_t *g, int nspecies, fa_scheme_t scheme, int limiter, int threads,
                 fa_fv_t **out)
{
    *out = NULL;
    if (scheme == FA_SCHEME_MUSCL && (limiter < 0 || limiter >= N_LIMITERS))
        return FA_ERROR(FA_EINVAL, "unknown limiter index %d", limiter);
    fa_fv_t *fv = fa_calloc(1, sizeof *fv);
    if (!fv) return FA_ENOMEM;
    fv->grid = g;
    fv->nspecies = nspecies;
    fv->threads = threads < 1 ? 1 : threads > FA_FV_MAX_THREADS ? FA_FV_MAX_THREADS : threads;
    /* a thread needs at least two planes of its own for the blocks to be worth it */
    if (g->dim == 1) fv->threads = 1;
    if (fv->threads > g->slow_count / 2) fv->threads = g->slow_count / 2 > 0 ? (int)(g->slow_count / 2) : 1;
    fv->div = scheme == FA_SCHEME_UPWIND    ? div_upwind
            : scheme == FA_SCHEME_CENTRAL ? div_central
                                          : limiters[limiter].div;
    /* per thread: x rows, 3D in-plane y rows (4 nx), slow-axis planes (4 plane) */
    fv->inplane_scratch = ROW_X_SCRATCH(g->n[0]) + (g->dim == 3 ? 4 * g->n[0] : 0);
    size_t per = (size_t)(fv->inplane_scratch + (g->dim > 1 ? 4 * g->plane : 0));
    fv->scratch = fa_calloc((size_t)fv->threads, sizeof(double *));
    fv->phi = fftw_malloc((size_t)g->nlocal * sizeof(double));
    fv->halo = fa_malloc((size_t)8 * g->plane * sizeof(double));
    if (!fv->scratch || !fv->phi || !fv->halo) goto nomem;
    for (int t = 0; t < fv->threads; t++)
        if (!(fv->scratch[t] = fftw_malloc(per * sizeof(double)))) goto nomem;
    *out = fv;
    return FA_OK;
nomem:
    fa_fv_free(fv);
    return FA_ERROR(FA_ENOMEM, "out of memory for the flux work space");
}

void fa_fv_free(fa_fv_t *fv)
{
    if (!fv) return;
    if (fv->scratch)
        for (int t = 0; t < fv->threads; t++) fftw_free(fv->scratch[t]);
    free(fv->scratch);
    fftw_free(fv->phi);
    free(fv->halo);
    free(fv);
}

void fa_fv_divergence(fa_fv_t *fv, const double *rho, const double *phi, double *out)
{
    int nt = fv->threads;
    long np = fv->grid->slow_count, ps = fv->grid->plane;
    if (fv->grid->distributed) { /* two planes of each neighbour: the MUSCL stencil */
        fa_halo(fv->grid, rho, 2, fv->halo, fv->halo + 2 * ps);
        fa_halo(fv->grid, phi, 2, fv->halo + 4 * ps, fv->halo + 6 * ps);
    }
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        int tid = 0, nth = 1;
#ifdef _OPENMP
        tid = omp_get_thread_num();
        nth = omp_get_num_threads();
#endif
        fv->div(fv, tid, np * tid / nth, np * (tid + 1) / nth, rho, phi, out);
    }
}

/* max |u| on the local faces of each axis: |phi_{c+1} - phi_c| / h (periodic). The plane
 * after a distributed slab's last is the upper halo that fa_fv_divergence exchanged. */
void fa_fv_max_speed_local(const fa_fv_t *fv, const double *phi, double umax[3])
{
    const fa_grid_t *g = fv->grid;
    for (int a = 0; a < 3; a++) {
        umax[a] = 0;
        if (a >= g->dim) continue;
        long n = a == g->slow ? g->slow_count : g->n[a], inner = g->stride[a], outer = g->nlocal / (n * inner);
        /* the plane after the slab's last: phi's upper halo, or (serial) its first plane */
        const double *above = a == g->slow && g->distributed ? fv->halo + 6 * g->plane : NULL;
        double m = 0;
        for (long o = 0; o < outer; o++)
            for (long c = 0; c < n; c++) {
                const double *p0 = phi + (o * n + c) * inner;
                const double *p1 = c + 1 < n ? p0 + inner : above ? above : phi + o * n * inner;
                for (long j = 0; j < inner; j++) m = fa_max2(m, fabs(p1[j] - p0[j]));
            }
        umax[a] = m / g->h[a];
    }
}
