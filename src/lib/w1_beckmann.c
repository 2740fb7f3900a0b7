/* Wasserstein-1 for d = 2, 3 (the workspace, the 1D formulas and the distance are in w1.c):
 * Beckmann's problem on the grid, forward-staggered fluxes m_a (m_{a,c} on the face
 * c + e_a/2), isotropic cell norm |m_c|, div_h m = sum_a (m_{a,c} - m_{a,c-e_a})/h_a, its
 * adjoint -grad_h with forward differences. Periodic: every face exists (the last cell's upper
 * face is the first cell's lower one). Free: only the interior faces do; a flux through the
 * box boundary is 0 (no-flux), grad_h has no component across it, and -Delta_h = -div_h grad_h
 * is the Neumann Laplacian. On a convex box this problem approximates the whole-space W1 with
 * the Euclidean cost: an optimal plan moves mass along segments, which stay in the box. Only the
 * set of faces (FWD_LOOP's offset at the last cell) and the transform that diagonalises
 * Delta_h (FFT, or DCT-II/DCT-III) differ; the iteration, step sizes and certificate are
 * common. Saddle point
 *     min_m max_Phi  h^d sum_c |m_c| + <Phi, div_h m - delta>
 * solved by relaxed Chambolle-Pock with the dual metric M = -Delta_h (symbol sum_a 4 sin^2(k_a
 * h_a/2)/h_a^2 with k_a = 2 pi j/L_a periodic, pi j/L_a free, applied by FFT or DCT). Then
 * ||div_h M^-1/2|| = 1 exactly, so tau sigma < 1 is the only step condition, independent of the
 * grid:
 *     mt   = shrink(m + tau grad_h Phi, tau)                    (prox of tau |.|, per cell)
 *     Phit = Phi + sigma (-Delta_h)^-1 (div_h(2 mt - m) - delta)
 *     (m, Phi) += rho ((mt, Phit) - (m, Phi))                    (relaxation rho in (0, 2))
 * Certificate every CHECK_EVERY iterations: upper bound = h^d sum |mt + grad_h psi| with
 * Delta_h psi = delta - div_h mt (an exactly feasible flux, with no flux through the boundary
 * in the free case); lower bound = <-Phit, delta> / max_c |grad_h Phit| (a potential scaled to
 * the constraint |grad_h phi| <= 1 on the faces that exist). Both are bounds for the grid
 * problem whatever the iterate, so the best of each over the checks is kept.
 * Step sizes: tau = TAU_SCALE * s, sigma = SIGMA_TAU / tau, s = the root mean square of |m0|
 * over the cells, m0 = grad_h Delta_h^-1 delta the L2-smallest feasible flux: the usual PDHG
 * balance tau/sigma ~ |m*| / |grad phi*| with |grad phi*| ~ 1 and m0 standing in for m*.
 * At iterations 25, 50, 100, 200, ... tau moves to the geometric mean of itself and
 * |m| / |grad_h Phi| of the current iterates (L2 norms; factor 4 at most), the same balance
 * with the iterates standing in for the solution. Chosen by measurement on 16 2D pairs (64^2)
 * and 6 3D pairs (24^3), against fixed multiples of this and other scales: the fewest
 * iterations in total, the worst 3D pair 2.4x faster than without the update. */
#include "w1_private.h"

#include <string.h>

#define TAU_SCALE 1.0
#define SIGMA_TAU 0.99  /* tau sigma ||div M^-1/2||^2 < 1 */
#define RELAX 1.9
#define CHECK_EVERY 10
#define ADAPT_FIRST 25 /* tau is re-estimated at iterations 25, 50, 100, 200, ... */

/* ---- d >= 2: grid operators -------------------------------------------------------- */

/* Loops over all cells, row by row; c is the cell index and o[a] (FWD_LOOP) the offset of
 * c + e_a, or p[a] (BWD_LOOP) that of c - e_a, periodic. Within a row the x offset is constant
 * except at one end, which is peeled off, so the inner loops stream through memory. The
 * kernels below take the dimension as a constant (always inlined into a 2D and a 3D copy).
 *
 * The boundary enters only through FWD_LOOP's offset at the last cell along each axis,
 * w->fwd_last[a]: periodic, the first cell (the face between them is a face like any other);
 * free, 0: the face on the box boundary does not exist, every forward difference across it is
 * 0, so grad_h has no component there and a flux there is never made nonzero (m and mt start
 * at 0 and primal_step keeps them so; the feasible flux of upper_bound adds grad_h psi, also 0
 * there). BWD_LOOP keeps the periodic wrap in both cases: at the first cell along a it reads
 * m_a of the last cell, which is the flux through the face between them (periodic) or through
 * the boundary face, identically 0 (free), so div_h is the no-flux divergence with no test in
 * the loop. Every operator (div_h, grad_h, the Poisson solves, both bounds) therefore sees the
 * same set of faces. */
#define NEXT_(w, a, i) ((i) + 1 < (w)->g->n[a] ? (w)->g->stride[a] : (w)->fwd_last[a])
#define PREV_(g, a, i) ((i) > 0 ? -(g)->stride[a] : ((g)->n[a] - 1) * (g)->stride[a])
#define FWD_LOOP(w, c, o, ...) FWD_LOOP_(w, c, o, , __VA_ARGS__)
#define FWD_LOOP_SIMD(w, c, o, ...) FWD_LOOP_(w, c, o, _Pragma("omp simd"), __VA_ARGS__)
#define BWD_LOOP(g, c, p, ...) BWD_LOOP_(g, c, p, , __VA_ARGS__)
#define BWD_LOOP_SIMD(g, c, p, ...) BWD_LOOP_(g, c, p, _Pragma("omp simd"), __VA_ARGS__)
#define FWD_LOOP_(w, c, o, simd, ...)                                                       \
    for (long iz_ = 0; iz_ < (w)->g->n[2]; iz_++)                                           \
        for (long iy_ = 0; iy_ < (w)->g->n[1]; iy_++) {                                     \
            const long n0_ = (w)->g->n[0], base_ = ((w)->g->n[1] * iz_ + iy_) * n0_;         \
            const long oy_ = NEXT_(w, 1, iy_), oz_ = NEXT_(w, 2, iz_);                       \
            {                                                                               \
                const long o[3] = {1, oy_, oz_};                                            \
                simd for (long c = base_; c < base_ + n0_ - 1; c++) { __VA_ARGS__ }              \
            }                                                                               \
            {                                                                               \
                const long o[3] = {(w)->fwd_last[0], oy_, oz_}, c = base_ + n0_ - 1;        \
                { __VA_ARGS__ }                                                             \
            }                                                                               \
        }
#define BWD_LOOP_(g, c, p, simd, ...)                                                       \
    for (long iz_ = 0; iz_ < (g)->n[2]; iz_++)                                              \
        for (long iy_ = 0; iy_ < (g)->n[1]; iy_++) {                                        \
            const long n0_ = (g)->n[0], base_ = ((g)->n[1] * iz_ + iy_) * n0_;               \
            const long py_ = PREV_(g, 1, iy_), pz_ = PREV_(g, 2, iz_);                       \
            {                                                                               \
                const long p[3] = {n0_ - 1, py_, pz_}, c = base_;                           \
                { __VA_ARGS__ }                                                             \
            }                                                                               \
            {                                                                               \
                const long p[3] = {-1, py_, pz_};                                           \
                simd for (long c = base_ + 1; c < base_ + n0_; c++) { __VA_ARGS__ }              \
            }                                                                               \
        }
#define KERNEL static inline __attribute__((always_inline))

/* w->r <- scale (-Delta_h)^-1 w->r (mean-free result), one transform pair: FFT on the torus,
 * DCT (the Neumann Laplacian's eigenbasis) on the no-flux box. */
static void poisson(fa_w1_t *w, double scale)
{
    if (w->noflux) {
        double *restrict r = w->r;
        fftw_execute(w->dct);
#pragma omp simd
        for (long k = 0; k < w->nk; k++) r[k] *= scale * w->kinv[k];
        fftw_execute(w->idct);
        return;
    }
    fftw_execute(w->r2c);
#pragma omp simd
    for (long k = 0; k < w->nk; k++) {
        double f = scale * w->kinv[k];
        w->c[k][0] *= f;
        w->c[k][1] *= f;
    }
    fftw_execute(w->c2r);
}

/* Relax m towards mt (skipped on the first iteration), then mt = shrink(m + tau grad_h phi, tau). */
KERNEL void primal_step(fa_w1_t *w, const int d, double tau, double relax, int first)
{
    const fa_grid_layout_t *g = w->g;
    const double *restrict phi = w->phi;
    double *restrict m[3] = {w->m[0], w->m[1], w->m[2]};
    double *restrict mt[3] = {w->mt[0], w->mt[1], w->mt[2]};
    double tih[3];
    for (int a = 0; a < d; a++) tih[a] = tau / g->h[a];
    const double rel = first ? 0.0 : relax; /* m and mt start at 0: nothing to relax yet */
    FWD_LOOP_SIMD(w, c, o, {
        double y[3], q = 0;
        for (int a = 0; a < d; a++) {
            double ma = m[a][c] + rel * (mt[a][c] - m[a][c]);
            m[a][c] = ma;
            y[a] = ma + tih[a] * (phi[c + o[a]] - phi[c]);
            q += y[a] * y[a];
        }
        double f = q > tau * tau ? 1 - tau / sqrt(q) : 0.0;
        for (int a = 0; a < d; a++) mt[a][c] = f * y[a];
    })
}

/* w->r = div_h(2 mt - m) - delta. */
KERNEL void dual_residual(fa_w1_t *w, const int d)
{
    const fa_grid_layout_t *g = w->g;
    const double *restrict m[3] = {w->m[0], w->m[1], w->m[2]};
    const double *restrict mt[3] = {w->mt[0], w->mt[1], w->mt[2]};
    const double *restrict delta = w->delta;
    double *restrict r = w->r, ih[3];
    for (int a = 0; a < d; a++) ih[a] = 1 / g->h[a];
    BWD_LOOP_SIMD(g, c, p, {
        double div = 0;
        for (int a = 0; a < d; a++) {
            const long b = c + p[a];
            div += ((2 * mt[a][c] - m[a][c]) - (2 * mt[a][b] - m[a][b])) * ih[a];
        }
        r[c] = div - delta[c];
    })
}

/* Upper bound: h^d sum |mt + grad_h psi|, Delta_h psi = delta - div_h mt: a flux with exactly
 * the right divergence (to rounding). */
KERNEL double upper_bound(fa_w1_t *w, const int d)
{
    const fa_grid_layout_t *g = w->g;
    const double *restrict mt[3] = {w->mt[0], w->mt[1], w->mt[2]};
    double *r = w->r, ih[3]; /* not restrict: poisson() writes w->r */
    for (int a = 0; a < d; a++) ih[a] = 1 / g->h[a];
    BWD_LOOP(g, c, p, {
        double div = 0;
        for (int a = 0; a < d; a++) div += (mt[a][c] - mt[a][c + p[a]]) * ih[a];
        r[c] = w->delta[c] - div;
    })
    poisson(w, -1.0); /* psi = Delta_h^-1 (delta - div mt) */
    ksum_t s = {0, 0};
    FWD_LOOP(w, c, o, {
        double q = 0;
        for (int a = 0; a < d; a++) {
            double ma = mt[a][c] + (r[c + o[a]] - r[c]) * ih[a];
            q += ma * ma;
        }
        ksum_add(&s, sqrt(q));
    })
    return g->cell_volume * ksum_value(&s);
}

/* Lower bound: <-pt, delta> / max_c |grad_h pt| (the potential scaled to be admissible). */
KERNEL double lower_bound(fa_w1_t *w, const int d, double *lip_out)
{
    const fa_grid_layout_t *g = w->g;
    const double *restrict pt = w->pt;
    double lip2 = 0, ih[3];
    for (int a = 0; a < d; a++) ih[a] = 1 / g->h[a];
    ksum_t s = {0, 0};
    FWD_LOOP(w, c, o, {
        double q = 0;
        for (int a = 0; a < d; a++) {
            double ga = (pt[c + o[a]] - pt[c]) * ih[a];
            q += ga * ga;
        }
        if (q > lip2) lip2 = q;
        ksum_add(&s, -pt[c] * w->delta[c]);
    })
    double lip = sqrt(lip2);
    *lip_out = lip;
    double dual = g->cell_volume * ksum_value(&s);
    return lip > 0 ? dual / lip : 0.0;
}

/* Root mean square over the cells of |m0|, m0 = grad_h Delta_h^-1 delta the L2-smallest flux. */
KERNEL double flux_scale(fa_w1_t *w, const int d)
{
    const fa_grid_layout_t *g = w->g;
    double *r = w->r, ih[3]; /* not restrict: poisson() writes w->r */
    for (int a = 0; a < d; a++) ih[a] = 1 / g->h[a];
    memcpy(r, w->delta, (size_t)w->n * sizeof(double));
    poisson(w, -1.0);
    double s2 = 0;
    FWD_LOOP(w, c, o, {
        for (int a = 0; a < d; a++) {
            double ma = (r[c + o[a]] - r[c]) * ih[a];
            s2 += ma * ma;
        }
    })
    return sqrt(s2 / (double)w->n);
}

/* sqrt(sum |m|^2 / sum |grad_h phi|^2) over the current iterates. */
KERNEL double step_ratio(fa_w1_t *w, const int d)
{
    const fa_grid_layout_t *g = w->g;
    const double *restrict phi = w->phi;
    double ih[3], sm = 0, sg = 0;
    for (int a = 0; a < d; a++) ih[a] = 1 / g->h[a];
    FWD_LOOP(w, c, o, {
        for (int a = 0; a < d; a++) {
            double ga = (phi[c + o[a]] - phi[c]) * ih[a];
            sm += w->m[a][c] * w->m[a][c];
            sg += ga * ga;
        }
    })
    return sm > 0 && sg > 0 ? sqrt(sm / sg) : 0.0;
}

KERNEL int beckmann(fa_w1_t *w, const int d, double abs_floor, double *lower, double *upper,
                    int *iters, double *lip_out)
{
    const long n = w->n;
    double *r = w->r, *phi = w->phi, *pt = w->pt; /* not restrict: poisson() writes w->r */
    double tau = TAU_SCALE * flux_scale(w, d), sigma = SIGMA_TAU / tau;
    int next_adapt = ADAPT_FIRST;
    memset(phi, 0, (size_t)n * sizeof(double));
    for (int a = 0; a < d; a++) {
        memset(w->m[a], 0, (size_t)n * sizeof(double));
        memset(w->mt[a], 0, (size_t)n * sizeof(double));
    }
    double lo = 0, up = HUGE_VAL, lip = 0;
    int k, done = 0;
    for (k = 1; k <= w->opt.max_iter && !done; k++) {
        primal_step(w, d, tau, RELAX, k == 1);
        dual_residual(w, d);
        poisson(w, sigma); /* r = sigma (-Delta_h)^-1 (div_h(2 mt - m) - delta) */
        const int check = k % CHECK_EVERY == 0 || k == w->opt.max_iter;
        if (check) {
#pragma omp simd
            for (long c = 0; c < n; c++) {
                pt[c] = phi[c] + r[c];
                phi[c] += RELAX * r[c];
            }
        } else {
#pragma omp simd
            for (long c = 0; c < n; c++) phi[c] += RELAX * r[c];
        }
        if (k == next_adapt) { /* tau towards |m|/|grad phi| of the iterates, geometric mean */
            next_adapt *= 2;
            double est = step_ratio(w, d);
            if (est > 0) {
                tau = fmin(fmax(sqrt(tau * est), 0.25 * tau), 4 * tau);
                sigma = SIGMA_TAU / tau;
            }
        }
        if (check) {
            double u = upper_bound(w, d), l = lower_bound(w, d, &lip);
            if (u < up) up = u;
            if (l > lo) lo = l;
            done = up - lo <= w->opt.tol * up || up - lo <= abs_floor;
        }
    }
    *lower = lo;
    *upper = up;
    *iters = k - 1;
    *lip_out = lip;
    return done;
}

int fa_w1_beckmann(fa_w1_t *w, double abs_floor, double *lower, double *upper, int *iters, double *lip)
{
    if (w->g->dim == 2) return beckmann(w, 2, abs_floor, lower, upper, iters, lip);
    return beckmann(w, 3, abs_floor, lower, upper, iters, lip);
}
