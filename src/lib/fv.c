/* The finite-volume right-hand side d rho_i/dt = -div(rho_i v_i) (math.md section 2):
 * face velocities from differences of the spectral potential, upwind fluxes of piecewise
 * constant or MUSCL-reconstructed face values, conservative differences. No allocation here:
 * every buffer is made in fa_fv_create.
 *
 * Sweeps: along x (contiguous) each row is copied with periodic padding; along the other
 * axes whole rows of `inner` cells are combined, in chunks that stay in cache. The limiter is
 * a compile-time constant in each specialised sweep (table `limiters`), so the inner loops
 * have no calls and vectorise. */
#include "fv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

/* ---- limiters ---------------------------------------------------------------------- */

enum { LIM_NONE = -1, LIM_MINMOD, LIM_VANALBADA, LIM_VANLEER, LIM_MC, LIM_SUPERBEE };

/* Limited slope from the forward difference a = r[c+1] - r[c] and backward b = r[c] - r[c-1].
 * Every limiter here returns 0 unless a and b agree in sign and stays within 2 min(|a|,|b|),
 * so face values r[c] +- slope/2 lie between the neighbours' values: positive, no new extrema. */
/* min/max as plain comparisons: libm's fmin/fmax are calls (NaN rules) and stop vectorisation */
static inline double min2(double a, double b) { return a < b ? a : b; }
static inline double max2(double a, double b) { return a > b ? a : b; }

static inline __attribute__((always_inline)) double limited_slope(int lim, double a, double b)
{
    double ab = a * b, aa = fabs(a), bb = fabs(b), sgn = a > 0 ? 1.0 : -1.0;
    switch (lim) {
    case LIM_MINMOD: return ab > 0 ? sgn * min2(aa, bb) : 0.0;
    case LIM_VANALBADA: return ab > 0 ? ab * (a + b) / (a * a + b * b) : 0.0;
    case LIM_VANLEER: return ab > 0 ? 2 * ab / (a + b) : 0.0;
    case LIM_MC: return ab > 0 ? sgn * min2(min2(2 * aa, 2 * bb), 0.5 * (aa + bb)) : 0.0;
    case LIM_SUPERBEE: return ab > 0 ? sgn * max2(min2(2 * aa, bb), min2(aa, 2 * bb)) : 0.0;
    default: return 0.0; /* first-order upwind */
    }
}

/* Upwind flux through a face with velocity u, left cell's east face value re and right
 * cell's west face value rw. */
static inline __attribute__((always_inline)) double upwind(double u, double re, double rw)
{
    return (u > 0 ? u : 0.0) * re + (u < 0 ? u : 0.0) * rw;
}

/* ---- sweep along x ----------------------------------------------------------------- */

/* One row of n cells: out[c] = -(F[c+1/2] - F[c-1/2])/h.
 * rp: padded copy r[-2 .. n+1]; pp: padded potential p[-1 .. n]; sl, fl: scratch n+2. */
static inline __attribute__((always_inline)) void row_x(int lim, long n, double inv_h,
                                                       const double *restrict rp,
                                                       const double *restrict pp,
                                                       double *restrict sl, double *restrict fl,
                                                       double *restrict out, double *umax)
{
    /* slopes of cells -1 .. n (sl[k] is cell k-1) */
    for (long k = 0; k < n + 2; k++) {
        const double *r = rp + k + 1; /* r[0] = cell k-1 */
        sl[k] = limited_slope(lim, r[1] - r[0], r[0] - r[-1]);
    }
    /* fluxes through faces -1/2 .. n-1/2 (fl[k]: face between cells k-1 and k) */
    double um = *umax;
    for (long k = 0; k < n + 1; k++) {
        double u = -(pp[k + 1] - pp[k]) * inv_h;
        double re = rp[k + 1] + 0.5 * sl[k], rw = rp[k + 2] - 0.5 * sl[k + 1];
        fl[k] = upwind(u, re, rw);
        um = max2(um, fabs(u));
    }
    *umax = um;
    for (long c = 0; c < n; c++) out[c] = -(fl[c + 1] - fl[c]) * inv_h;
}

static inline long wrap(long c, long n) { return ((c % n) + n) % n; }

/* Rows [r0, r1) of the local field (each n_x cells), written (not accumulated) into out. */
static inline __attribute__((always_inline)) void sweep_x(int lim, const fa_fv_t *fv, int tid,
                                                         long r0, long r1, const double *rho,
                                                         const double *phi, double *out,
                                                         double *umax)
{
    const fa_grid_t *g = fv->grid;
    long n = g->n[0];
    double inv_h = 1.0 / g->h[0];
    /* 4n+10 doubles, sized in fa_fv_create */
    double *rp = fv->scratch[tid], *pp = rp + (n + 4), *sl = pp + (n + 2), *fl = sl + (n + 2);
    for (long row = r0; row < r1; row++) {
        const double *r = rho + row * n, *p = phi + row * n;
        rp[0] = r[wrap(-2, n)];
        rp[1] = r[n - 1];
        memcpy(rp + 2, r, (size_t)n * sizeof(double));
        rp[n + 2] = r[0];
        rp[n + 3] = r[wrap(1, n)];
        pp[0] = p[n - 1];
        memcpy(pp + 1, p, (size_t)n * sizeof(double));
        pp[n + 1] = p[0];
        row_x(lim, n, inv_h, rp, pp, sl, fl, out + row * n, umax);
    }
}

/* ---- sweep along a slower axis ----------------------------------------------------- */

/* Lines along axis a: `outer` blocks of n_a rows, each row `inner` contiguous cells; this
 * handles the chunk [j0, j1) of the inner index, accumulating into out. Periodic in the
 * line index. Slopes and fluxes roll through four chunk-sized buffers. */
static inline __attribute__((always_inline)) void sweep_rows(int lim, const fa_fv_t *fv, int a, int tid,
                                                            long j0, long j1, const double *rho,
                                                            const double *phi, double *out,
                                                            double *umax)
{
    const fa_grid_t *g = fv->grid;
    long n = g->n[a], inner = g->stride[a], outer = g->nlocal / (n * inner), len = j1 - j0;
    double inv_h = 1.0 / g->h[a];
    double *s_cur = fv->scratch[tid], *s_next = s_cur + FA_FV_CHUNK;
    double *f_prev = s_next + FA_FV_CHUNK, *f_cur = f_prev + FA_FV_CHUNK;
    double um = *umax;
#define ROW(base, c) ((base) + (((c) + 2 * n) % n) * inner + j0)
    for (long o = 0; o < outer; o++) {
        const double *rb = rho + o * n * inner, *pb = phi + o * n * inner;
        double *ob = out + o * n * inner;
        /* slope of cell -1, then faces -1/2 .. n-1/2 */
        {
            const double *rm = ROW(rb, -2), *r0 = ROW(rb, -1), *rq = ROW(rb, 0);
            for (long j = 0; j < len; j++) s_cur[j] = limited_slope(lim, rq[j] - r0[j], r0[j] - rm[j]);
        }
        for (long c = -1; c < n; c++) {
            const double *r0 = ROW(rb, c), *r1 = ROW(rb, c + 1), *r2 = ROW(rb, c + 2);
            const double *p0 = ROW(pb, c), *p1 = ROW(pb, c + 1);
            for (long j = 0; j < len; j++) {
                s_next[j] = limited_slope(lim, r2[j] - r1[j], r1[j] - r0[j]);
                double u = -(p1[j] - p0[j]) * inv_h;
                f_cur[j] = upwind(u, r0[j] + 0.5 * s_cur[j], r1[j] - 0.5 * s_next[j]);
                um = max2(um, fabs(u));
            }
            if (c >= 0) {
                double *oc = ob + c * inner + j0;
                for (long j = 0; j < len; j++) oc[j] -= (f_cur[j] - f_prev[j]) * inv_h;
            }
            double *t = s_cur;
            s_cur = s_next;
            s_next = t;
            t = f_prev;
            f_prev = f_cur;
            f_cur = t;
        }
    }
#undef ROW
    *umax = um;
}

/* ---- specialisations per limiter --------------------------------------------------- */

#define FA_FV_SPECIALISE(name, lim)                                                       \
    static void sweep_x_##name(const fa_fv_t *fv, int tid, long r0, long r1,              \
                               const double *r, const double *p, double *o, double *um)   \
    {                                                                                     \
        sweep_x(lim, fv, tid, r0, r1, r, p, o, um);                                       \
    }                                                                                     \
    static void sweep_rows_##name(const fa_fv_t *fv, int a, int tid, long j0, long j1,    \
                                  const double *r, const double *p, double *o, double *um) \
    {                                                                                     \
        sweep_rows(lim, fv, a, tid, j0, j1, r, p, o, um);                                 \
    }

FA_FV_SPECIALISE(upwind, LIM_NONE)
FA_FV_SPECIALISE(minmod, LIM_MINMOD)
FA_FV_SPECIALISE(vanalbada, LIM_VANALBADA)
FA_FV_SPECIALISE(vanleer, LIM_VANLEER)
FA_FV_SPECIALISE(mc, LIM_MC)
FA_FV_SPECIALISE(superbee, LIM_SUPERBEE)

static const struct {
    const char *name;
    fa_fv_sweep_x_fn x;
    fa_fv_sweep_rows_fn rows;
} limiters[] = {
    {"minmod", sweep_x_minmod, sweep_rows_minmod},
    {"vanalbada", sweep_x_vanalbada, sweep_rows_vanalbada},
    {"vanleer", sweep_x_vanleer, sweep_rows_vanleer},
    {"mc", sweep_x_mc, sweep_rows_mc},
    {"superbee", sweep_x_superbee, sweep_rows_superbee},
};
#define N_LIMITERS ((int)(sizeof limiters / sizeof limiters[0]))

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
    if (scheme == FA_SCHEME_UPWIND) {
        fv->sweep_x = sweep_x_upwind;
        fv->sweep_rows = sweep_rows_upwind;
    } else {
        fv->sweep_x = limiters[limiter].x;
        fv->sweep_rows = limiters[limiter].rows;
    }
    /* per thread: the x sweep carves rp (n+4), pp (n+2), sl (n+2) and fl (n+2, n+1 used) out
     * of one buffer (sweep_x), 4n+10 doubles; the row sweeps need 4 chunks */
    size_t per = (size_t)(4 * g->n[0] + 10);
    if (per < 4 * FA_FV_CHUNK) per = 4 * FA_FV_CHUNK;
    fv->scratch = fa_calloc((size_t)fv->threads, sizeof(double *));
    fv->phi = fftw_malloc((size_t)g->nlocal * sizeof(double));
    if (!fv->scratch || !fv->phi) goto nomem;
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
    free(fv);
}

/* -div(rho u) with u = -grad(phi) for one species; umax[a] receives max |u| on axis a.
 * Threads split the rows of the x sweep and the chunks of the other sweeps; a barrier
 * separates the axes, since each axis adds into every cell. */
void fa_fv_divergence(fa_fv_t *fv, const double *rho, const double *phi, double *out, double umax[3])
{
    const fa_grid_t *g = fv->grid;
    int nt = fv->threads;
    double um_t[FA_FV_MAX_THREADS][3] = {{0}};
    long rows = g->nlocal / g->n[0];
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        int tid = 0, nth = 1;
#ifdef _OPENMP
        tid = omp_get_thread_num();
        nth = omp_get_num_threads();
#endif
        fv->sweep_x(fv, tid, rows * tid / nth, rows * (tid + 1) / nth, rho, phi, out, &um_t[tid][0]);
        for (int a = 1; a < g->dim; a++) {
#pragma omp barrier
            long inner = g->stride[a], nchunks = (inner + FA_FV_CHUNK - 1) / FA_FV_CHUNK;
            for (long ch = tid; ch < nchunks; ch += nth) {
                long j0 = ch * FA_FV_CHUNK, j1 = j0 + FA_FV_CHUNK < inner ? j0 + FA_FV_CHUNK : inner;
                fv->sweep_rows(fv, a, tid, j0, j1, rho, phi, out, &um_t[tid][a]);
            }
        }
    }
    for (int a = 0; a < 3; a++) {
        umax[a] = 0;
        for (int t = 0; t < nt; t++) umax[a] = fmax(umax[a], um_t[t][a]);
    }
}
