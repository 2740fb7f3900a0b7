/* The finite-volume right-hand side d rho_i/dt = -div(rho_i v_i) (doc/theory/scheme.md sections 2 to 7):
 * face velocities from differences of the spectral potential, upwind fluxes of piecewise
 * constant or MUSCL-reconstructed face values, conservative differences. No allocation here:
 * every buffer is made in fa_fv_create.
 *
 * One pass over memory, one loop over cells. The field is a stack of rows; each row's cells
 * get every axis's flux difference in one vectorised loop (`row`): x faces from neighbours
 * kept in registers, y and z faces from the next rows, whose slope and face flux are carried
 * to the next row (plane) in one buffer each, updated in place. So rho and phi are read once
 * from memory and the output written once, with about 16 loads and 5 stores per cell in 3D
 * (three passes with slope and flux arrays took 36). Rows within a plane wrap (periodic
 * y), planes along the slowest axis wrap or, distributed, come from the halo.
 *
 * The limiter is a compile-time constant in each specialised kernel (table `limiters`), so
 * the inner loops have no calls; the kernels are compiled for AVX2 and AVX-512 as well as
 * the baseline, chosen at run time. Threads take contiguous blocks of planes; a block starts
 * by recomputing the slope and flux at its lower face.
 *
 * The central scheme (scheme = central) shares the kernels: its "slope" (a + b)/3 and the
 * central flux u (re + rw)/2 give the face value (7 (r[c] + r[c+1]) - r[c-1] - r[c+2])/12,
 * the fourth-order interpolation of cell averages, with no limiter and no upwinding. Linear
 * and smooth in rho for a given u, it leaves no grid-scale kinks at extrema (limiters) or
 * where u changes sign (upwinding), which high-order Sobolev norms would otherwise see
 * (doc/manual.md, section 6). It has no numerical dissipation and does not preserve
 * positivity: for smooth solutions only. */
#include "fv.h"
#include "memory.h"

#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

typedef struct fa_fv fa_fv_t;
/* Divergence of one species for planes [p0, p1) of the slowest axis (thread tid); speed
 * (or NULL): max |u| per axis over the faces the thread computed, maxed into speed[0..2]. */
typedef void (*fa_fv_div_fn)(const fa_fv_t *fv, int tid, long p0, long p1, const double *rho,
                             const double *phi, double *out, double *speed);

struct fa_fv {
    const fa_grid_t *grid;
    const fa_grid_layout_t *g;
    int nspecies, threads;
    fa_fv_div_fn div; /* specialised for the scheme, the limiter and the boundary */
    double **scratch; /* per thread */
    double *halo;     /* distributed: 2 planes below/above of rho, then of phi */
    double *zero;     /* free grids: a plane of zeros (the vacuum beyond the box) */
};

/* The row kernel's vectors live in registers of always-inlined functions; GCC still warns
 * that passing them would change the ABI in the baseline clone. Nothing is passed. */
#pragma GCC diagnostic ignored "-Wpsabi"

/* The limiters and the face flux are in fv.h, shared with the kinetic moment model. */


/* ---- building blocks --------------------------------------------------------------- */

/* The state a sweep across rows (or planes) needs before its first row r1: into s the slope
 * of r1 (rows r0, r2 below and above), into f the flux through the face r0 | r1 (rm below
 * r0, p0 | p1 the potential). tmp: len doubles. */
static inline __attribute__((always_inline)) void start_sweep(int lim, long len, double inv_h,
                                                             const double *restrict rm,
                                                             const double *restrict r0,
                                                             const double *restrict r1,
                                                             const double *restrict r2,
                                                             const double *restrict p0,
                                                             const double *restrict p1,
                                                             double *restrict tmp, double *restrict s,
                                                             double *restrict f)
{
    for (long j = 0; j < len; j++) tmp[j] = fa_limited_slope(lim, r1[j] - r0[j], r0[j] - rm[j]); /* of r0 */
    for (long j = 0; j < len; j++) {
        double sn = fa_limited_slope(lim, r2[j] - r1[j], r1[j] - r0[j]);
        double u = -(p1[j] - p0[j]) * inv_h;
        f[j] = fa_face_flux(lim, u, r0[j] + 0.5 * tmp[j], r1[j] - 0.5 * sn);
        s[j] = sn;
    }
}

/* Rows next to a row along y or z, and the state carried from row to row: the slope of the
 * row (in: this row's; out: the next row's) and the flux through its lower face (out: upper). */
typedef struct {
    const double *r1, *r2, *p1; /* the next two rows of rho, the next of phi */
    double *s, *f;
    double ih;                  /* 1/h of that axis */
} cross_rows_t;

/* The face between a row's cells c.. (rho R0, phi P0) and the next row's along y or z: its
 * flux, the new carried slope and flux stored in place, max |u| into *umax (or not, NULL);
 * returns (F_upper - F_lower)/h. As vectors of cells, and (cross_s) one cell. */
static inline __attribute__((always_inline)) fa_vd cross_v(int lim, const cross_rows_t *x, long c, fa_vd R0,
                                                          fa_vd P0, fa_vd *umax)
{
    fa_vd X1 = fa_vload(x->r1 + c), sn = fa_vlimited_slope(lim, fa_vload(x->r2 + c) - X1, X1 - R0);
    fa_vd u = -(fa_vload(x->p1 + c) - P0) * x->ih;
    fa_vd fu = fa_vface_flux(lim, u, R0 + 0.5 * fa_vload(x->s + c), X1 - 0.5 * sn);
    if (umax) *umax = fa_vmax2(*umax, fa_vabs(u));
    fa_vd d = (fu - fa_vload(x->f + c)) * x->ih;
    fa_vstore(x->s + c, sn);
    fa_vstore(x->f + c, fu);
    return d;
}

static inline __attribute__((always_inline)) double cross_s(int lim, const cross_rows_t *x, long c, double r0,
                                                           double p0, double *umax)
{
    double x1 = x->r1[c], sn = fa_limited_slope(lim, x->r2[c] - x1, x1 - r0);
    double u = -(x->p1[c] - p0) * x->ih;
    double fu = fa_face_flux(lim, u, r0 + 0.5 * x->s[c], x1 - 0.5 * sn);
    *umax = fa_max2(*umax, fabs(u));
    double d = (fu - x->f[c]) * x->ih;
    x->s[c] = sn;
    x->f[c] = fu;
    return d;
}

/* One row of n cells: out = -(F_x[c+1/2] - F_x[c-1/2])/h_x, minus the same difference for
 * y and z when given, each face flux computed once.
 *
 * The x faces need both neighbours' slopes, and the auto-vectoriser only does that through
 * arrays (slopes, then fluxes, then differences: three passes, a dozen loads and stores a
 * cell). Here a vector of FA_VL cells computes the slopes of cells c+1 .. c+VL and the fluxes
 * of faces c+1/2 .. c+VL+1/2; the ones one cell to the left come from the previous vector by
 * a shift in registers. Five loads for x, five per cross axis, one store per output and
 * carried state. One species at 512^2, van Albada: 0.74 -> 0.51 ms from memory, 0.42 ->
 * 0.35 ms in cache; 128^3: 7.5 -> 6.4 ms. The cells whose stencil
 * wraps around the row (the first's left neighbours, the last few) are done one at a time.
 *
 * speed (or NULL): speed[a] = max(speed[a], |u| on this row's faces of axis a), the faces
 * it computes: x faces 1/2 .. n-1/2 (all, periodic), the upper y and z faces. For the
 * explicit step bound, at a few operations per face instead of another pass over phi. */
/* Cell j of a row of n (j may lie up to two cells beyond either end): the periodic wrap, or on
 * a free grid the ghost cells, density 0 and the potential of the end cell. */
static inline __attribute__((always_inline)) double rho_at(int freeb, const double *r, long j, long n)
{
    if (freeb) return j >= 0 && j < n ? r[j] : 0.0;
    return r[fa_wrap(j, n)];
}
static inline __attribute__((always_inline)) double phi_at(int freeb, const double *p, long j, long n)
{
    if (freeb) return p[j < 0 ? 0 : j >= n ? n - 1 : j];
    return p[fa_wrap(j, n)];
}

static inline __attribute__((always_inline)) void row(int lim, int freeb, long n, double ihx, const double *restrict r,
                                                     const double *restrict p, const cross_rows_t *y,
                                                     const cross_rows_t *z, double *restrict out,
                                                     double *speed)
{
    /* slope of cell 0, flux through its left face (periodic, or zero on a free grid) */
    double rm2 = rho_at(freeb, r, -2, n), rm1 = rho_at(freeb, r, -1, n), r0 = r[0], rq = rho_at(freeb, r, 1, n);
    double s_left = fa_limited_slope(lim, r0 - rm1, rm1 - rm2);
    double s_c = fa_limited_slope(lim, rq - r0, r0 - rm1);
    double f_c = fa_face_flux(lim, -(p[0] - phi_at(freeb, p, -1, n)) * ihx, rm1 + 0.5 * s_left, r0 - 0.5 * s_c);
    long c = 0;
    double sp[3] = {0, 0, 0};
    if (n >= FA_VL + 2) {
        /* carried: slope of cell c and flux through face c-1/2 in the last lane */
        fa_vd s_prev = fa_vsplat(s_c), f_prev = fa_vsplat(f_c);
        fa_vd vsp[3] = {fa_vsplat(0.0), fa_vsplat(0.0), fa_vsplat(0.0)};
        for (; c + FA_VL + 2 <= n; c += FA_VL) {
            fa_vd R0 = fa_vload(r + c), R1 = fa_vload(r + c + 1), R2 = fa_vload(r + c + 2);
            fa_vd P0 = fa_vload(p + c), P1 = fa_vload(p + c + 1);
            fa_vd s_right = fa_vlimited_slope(lim, R2 - R1, R1 - R0);      /* cells c+1 .. */
            fa_vd s_here = FA_V_SHIFT_IN(s_prev, s_right);                 /* cells c .. */
            fa_vd ux = -(P1 - P0) * ihx;
            fa_vd f_right = fa_vface_flux(lim, ux, R0 + 0.5 * s_here, R1 - 0.5 * s_right);
            fa_vd f_left = FA_V_SHIFT_IN(f_prev, f_right);
            fa_vd o = -(f_right - f_left) * ihx;
            if (speed) vsp[0] = fa_vmax2(vsp[0], fa_vabs(ux));
            if (y) o -= cross_v(lim, y, c, R0, P0, speed ? &vsp[1] : NULL);
            if (z) o -= cross_v(lim, z, c, R0, P0, speed ? &vsp[2] : NULL);
            fa_vstore(out + c, o);
            s_prev = s_right;
            f_prev = f_right;
        }
        s_c = s_prev[FA_VL - 1];
        f_c = f_prev[FA_VL - 1];
        if (speed)
            for (int a = 0; a < 3; a++)
                for (int k = 0; k < FA_VL; k++) sp[a] = fa_max2(sp[a], vsp[a][k]);
    }
    for (; c < n; c++) { /* the same, one cell at a time, wrapping (or ghost cells) */
        double r1 = rho_at(freeb, r, c + 1, n), r2 = rho_at(freeb, r, c + 2, n);
        double s_right = fa_limited_slope(lim, r2 - r1, r1 - r[c]);
        double ux = -(phi_at(freeb, p, c + 1, n) - p[c]) * ihx;
        double f_right = fa_face_flux(lim, ux, r[c] + 0.5 * s_c, r1 - 0.5 * s_right);
        double o = -(f_right - f_c) * ihx;
        sp[0] = fa_max2(sp[0], fabs(ux));
        if (y) o -= cross_s(lim, y, c, r[c], p[c], &sp[1]);
        if (z) o -= cross_s(lim, z, c, r[c], p[c], &sp[2]);
        out[c] = o;
        s_c = s_right;
        f_c = f_right;
    }
    if (speed)
        for (int a = 0; a < 3; a++) speed[a] = fa_max2(speed[a], sp[a]);
}

/* Per thread: the start of a sweep (one row or plane), then the carried slope and flux of
 * the slow axis (one plane each), then in 3D the same three for y within a plane (rows). */
#define SCRATCH_DOUBLES(g) (3 * (g)->plane + ((g)->dim == 3 ? 3 * (g)->n[0] : 0))

/* Plane c of the local slab (-2 <= c < count + 2) of rho (phi = 0) or of phi (phi = 1): inside
 * the slab, the halo of a distributed grid, the periodic wrap, or a free grid's ghost plane
 * (zeros, or the potential's boundary plane: that plane lies on this rank, as every rank
 * holds at least two planes). */
static inline __attribute__((always_inline)) const double *plane_of(int freeb, const fa_fv_t *fv, const double *base,
                                                                   long c, int phi)
{
    const fa_grid_layout_t *g = fv->g;
    long np = g->slow_count, ps = g->plane;
    if (freeb) {
        long gc = g->slow_start + c, last = g->n[g->slow] - 1;
        if (gc < 0) return phi ? base - g->slow_start * ps : fv->zero;
        if (gc > last) return phi ? base + (last - g->slow_start) * ps : fv->zero;
    }
    if (c >= 0 && c < np) return base + c * ps;
    if (!g->distributed) return base + fa_wrap(c, np) * ps;
    const double *lo = fv->halo + (phi ? 4 : 0) * ps, *hi = lo + 2 * ps;
    return c < 0 ? lo + (c + 2) * ps : hi + (c - np) * ps;
}

/* Row j (-2 <= j < ny + 2) of a plane of rows of nx: the wrap, or a free grid's ghost row. */
static inline __attribute__((always_inline)) const double *row_of(int freeb, const fa_fv_t *fv, const double *base,
                                                                 long j, long ny, long nx, int phi)
{
    if (freeb && (j < 0 || j >= ny)) return phi ? base + (j < 0 ? 0 : ny - 1) * nx : fv->zero;
    return base + fa_wrap(j, ny) * nx;
}

/* Planes [p0, p1) of the slab: the state of the slow axis at the face below p0, then each
 * plane row by row (in 3D each plane starts its own y sweep, periodic within the plane). */
static inline __attribute__((always_inline)) void sweep_block(int lim, int freeb, const fa_fv_t *fv, int tid, long p0,
                                                             long p1, const double *rho, const double *phi,
                                                             double *out, double *speed)
{
    const fa_grid_layout_t *g = fv->g;
    int sa = g->slow;
    long nx = g->n[0], ps = g->plane;
    double ihx = 1.0 / g->h[0], ihs = 1.0 / g->h[sa];
    double *tmp = fv->scratch[tid], *s_slow = tmp + ps, *f_slow = s_slow + ps;
#define R(c) plane_of(freeb, fv, rho, (c), 0)
#define P(c) plane_of(freeb, fv, phi, (c), 1)
    start_sweep(lim, ps, ihs, R(p0 - 2), R(p0 - 1), R(p0), R(p0 + 1), P(p0 - 1), P(p0), tmp, s_slow, f_slow);
    /* the speeds accumulate here, not in speed[] itself: threads' entries share cache lines */
    double sp[3] = {0, 0, 0}, *spd = speed ? sp : NULL;
    for (long c = p0; c < p1; c++) {
        const double *r = R(c), *p = P(c);
        double *o = out + c * ps;
        if (g->dim == 2) {
            cross_rows_t y = {R(c + 1), R(c + 2), P(c + 1), s_slow, f_slow, ihs};
            row(lim, freeb, nx, ihx, r, p, &y, NULL, o, spd);
            continue;
        }
        long ny = g->n[1];
        double *ytmp = f_slow + ps, *s_y = ytmp + nx, *f_y = s_y + nx;
        const double *rz1 = R(c + 1), *rz2 = R(c + 2), *pz1 = P(c + 1);
#define RY(j) row_of(freeb, fv, r, (j), ny, nx, 0)
#define PY(j) row_of(freeb, fv, p, (j), ny, nx, 1)
        start_sweep(lim, nx, 1.0 / g->h[1], RY(-2), RY(-1), RY(0), RY(1), PY(-1), PY(0), ytmp, s_y, f_y);
        for (long j = 0; j < ny; j++) {
            cross_rows_t y = {RY(j + 1), RY(j + 2), PY(j + 1), s_y, f_y, 1.0 / g->h[1]};
            cross_rows_t z = {rz1 + j * nx, rz2 + j * nx, pz1 + j * nx, s_slow + j * nx, f_slow + j * nx, ihs};
            row(lim, freeb, nx, ihx, r + j * nx, p + j * nx, &y, &z, o + j * nx, spd);
        }
#undef RY
#undef PY
    }
    if (speed)
        for (int a = 0; a < 3; a++) speed[a] = fa_max2(speed[a], sp[a]);
#undef R
#undef P
}

/* ---- specialisations per limiter --------------------------------------------------- */

/* The whole divergence for one thread: 1D lines are one row; otherwise a block of planes.
 * With and without the face speeds, as two loops (speed NULL folds away). */
#define FA_FV_SPECIALISE_(name, lim, freeb)                                               \
    FA_MULTIVERSION static void div_##name(const fa_fv_t *fv, int tid, long p0, long p1,  \
                                           const double *r, const double *p, double *o,   \
                                           double *speed)                                 \
    {                                                                                     \
        const fa_grid_layout_t *g = fv->g;                                                \
        if (g->dim == 1 && speed)                                                         \
            row(lim, freeb, g->n[0], 1.0 / g->h[0], r, p, NULL, NULL, o, speed);          \
        else if (g->dim == 1)                                                             \
            row(lim, freeb, g->n[0], 1.0 / g->h[0], r, p, NULL, NULL, o, NULL);           \
        else if (speed)                                                                   \
            sweep_block(lim, freeb, fv, tid, p0, p1, r, p, o, speed);                     \
        else                                                                              \
            sweep_block(lim, freeb, fv, tid, p0, p1, r, p, o, NULL);                      \
    }
#define FA_FV_SPECIALISE(name, lim)                                                       \
    FA_FV_SPECIALISE_(name##_periodic, lim, 0)                                            \
    FA_FV_SPECIALISE_(name##_free, lim, 1)

FA_FV_SPECIALISE(upwind, FA_LIM_NONE)
FA_FV_SPECIALISE(minmod, FA_LIM_MINMOD)
FA_FV_SPECIALISE(vanalbada, FA_LIM_VANALBADA)
FA_FV_SPECIALISE(vanleer, FA_LIM_VANLEER)
FA_FV_SPECIALISE(mc, FA_LIM_MC)
FA_FV_SPECIALISE(superbee, FA_LIM_SUPERBEE)
FA_FV_SPECIALISE(central, FA_LIM_CENTRAL)

/* kernels per limiter (or scheme) and boundary mode */
typedef struct {
    const char *name;
    fa_fv_div_fn div[2]; /* periodic, free */
} fv_kernels_t;
#define FV_KERNELS(name) {#name, {div_##name##_periodic, div_##name##_free}}
static const fv_kernels_t limiters[] = {
    FV_KERNELS(minmod), FV_KERNELS(vanalbada), FV_KERNELS(vanleer), FV_KERNELS(mc), FV_KERNELS(superbee),
};
static const fv_kernels_t upwind = FV_KERNELS(upwind), central = FV_KERNELS(central);
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

/* The threads fa_fv_create uses: at most FA_FV_MAX_THREADS, one in 1D, and at least two
 * planes of its own per thread (for the blocks to be worth it). */
static int fv_threads(const fa_grid_layout_t *g, int threads)
{
    threads = threads < 1 ? 1 : threads > FA_FV_MAX_THREADS ? FA_FV_MAX_THREADS : threads;
    if (g->dim == 1) threads = 1;
    if (threads > g->slow_count / 2) threads = g->slow_count / 2 > 0 ? (int)(g->slow_count / 2) : 1;
    return threads;
}

double fa_fv_memory(const fa_grid_t *grid, int threads)
{
    const fa_grid_layout_t *g = fa_grid_layout(grid);
    double per = g->dim > 1 ? (double)SCRATCH_DOUBLES(g) : 1;
    return ((double)fv_threads(g, threads) * per + 9.0 * g->plane) * sizeof(double); /* scratch, halo, zero */
}

int fa_fv_create(const fa_grid_t *grid, int nspecies, fa_scheme_t scheme, int limiter, int threads,
                 fa_fv_t **out)
{
    *out = NULL;
    if (scheme == FA_SCHEME_MUSCL && (limiter < 0 || limiter >= N_LIMITERS))
        return FA_ERROR(FA_EINVAL, "unknown limiter index %d", limiter);
    fa_fv_t *fv = fa_calloc(1, sizeof *fv);
    if (!fv) return FA_ENOMEM;
    const fa_grid_layout_t *g = fa_grid_layout(grid);
    fv->grid = grid;
    fv->g = g;
    fv->nspecies = nspecies;
    fv->threads = fv_threads(g, threads);
    const fv_kernels_t *k = scheme == FA_SCHEME_UPWIND    ? &upwind
                          : scheme == FA_SCHEME_CENTRAL ? &central
                                                        : &limiters[limiter];
    fv->div = k->div[g->boundary == FA_BOUNDARY_FREE];
    size_t per = g->dim > 1 ? (size_t)SCRATCH_DOUBLES(g) : 1;
    fv->scratch = fa_calloc((size_t)fv->threads, sizeof(double *));
    fv->halo = fa_malloc((size_t)8 * g->plane * sizeof(double));
    fv->zero = fa_calloc((size_t)g->plane, sizeof(double)); /* a ghost plane (and row) of vacuum */
    if (!fv->scratch || !fv->halo || !fv->zero) goto nomem;
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
    free(fv->halo);
    free(fv->zero);
    free(fv);
}

void fa_fv_divergence(fa_fv_t *fv, const double *rho, const double *phi, double *out, double umax[3])
{
    int nt = fv->threads;
    long np = fv->g->slow_count, ps = fv->g->plane;
    if (fv->g->distributed) { /* two planes of each neighbour: the MUSCL stencil */
        fa_grid_halo(fv->grid, rho, 2, fv->halo, fv->halo + 2 * ps);
        fa_grid_halo(fv->grid, phi, 2, fv->halo + 4 * ps, fv->halo + 6 * ps);
    }
    double speed[FA_FV_MAX_THREADS][3] = {{0}};
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        int tid = 0, nth = 1;
#ifdef _OPENMP
        tid = omp_get_thread_num();
        nth = omp_get_num_threads();
#endif
        fv->div(fv, tid, np * tid / nth, np * (tid + 1) / nth, rho, phi, out, umax ? speed[tid] : NULL);
    }
    if (umax)
        for (int a = 0; a < 3; a++) {
            umax[a] = 0;
            for (int t = 0; t < nt; t++) umax[a] = fa_max2(umax[a], speed[t][a]);
        }
}
