/**
 * @file w1.h
 * Wasserstein-1 distance (doc/theory/w1.md) between two densities given as cell averages on a
 * grid and read as piecewise-constant functions (mass h^d sum_c f_c):
 *
 *     W1(f, g) = inf over couplings of  integral |x - y| dgamma(x, y),
 *
 * with |.| the distance the grid's boundary mode says (grid.h): on a periodic grid the periodic
 * Euclidean distance |x - y|_T of the torus; on a free grid the Euclidean distance of the whole
 * space R^d, the densities being zero outside the box (no periodic images; for densities near
 * the box edge this is larger than the periodic value). By Kantorovich-Rubinstein duality W1
 * depends only on f - g; the masses must agree (see fa_w1_options_t.mass_tol) and the small
 * mismatch allowed is removed by subtracting the mean of f - g.
 *
 * d = 1 is exact. F, G the cumulative distributions from the left edge; F - G is piecewise
 * linear over the cells and integrated in closed form. Periodic: on the circle
 * W1 = min_c integral |F - G - c| dx, the minimum (c = the median of F - G) found exactly,
 * O(n log n). Free: on the line W1 = integral |F - G| dx, O(n).
 *
 * d = 2, 3 solves Beckmann's problem on the grid,
 *
 *     W1_h = min { h^d sum_c |m_c| : div_h m = f - g },   |m_c| = (sum_a m_{a,c}^2)^(1/2),
 *
 * m_{a,c} the flux through the face c + e_a/2 (the forward-staggered discretisation of
 * Li, Ryu, Osher, Yin and Gangbo, J. Sci. Comput. 2018). Periodic: all faces. Free: the
 * interior faces only (no flux through the box boundary); for densities supported in the
 * convex box the no-flux problem has the whole-space W1 as its continuum limit (optimal
 * transport moves mass along straight segments, which stay in the box;
 * doc/theory/w1-whole-space.md). It is solved by the relaxed Chambolle-Pock primal-dual method
 * with the dual step preconditioned by (-Delta_h)^-1 (one FFT pair per iteration, or one DCT
 * pair for the Neumann Laplacian of the free box, so the iteration count does not grow with
 * the grid). The stopping rule is a certificate: every few iterations the flux is made exactly
 * feasible by a Poisson solve (an upper bound for W1_h) and the potential is scaled to
 * |grad_h phi| <= 1 on the faces (a lower bound); the iteration stops when they agree to the
 * relative tolerance. W1_h differs from the continuum W1 by a discretisation error that is
 * O(h) for densities resolved on the grid (measured values in the manual, section
 * "Wasserstein-1", and for the free boundary in doc/theory/w1-whole-space.md).
 *
 * Example (one workspace per grid, reused at every output time):
 * @code
 *   fa_w1_t *w;
 *   fa_w1_info_t info;
 *   double d;
 *   if (fa_w1_create(grid, NULL, &w)) return fa_last_error_code();
 *   int rc = fa_w1_compute(w, rho_a, rho_b, &d, &info);   // d in [info.lower, info.upper]
 *   fa_w1_free(w);
 * @endcode
 */
#ifndef FRACAGG_W1_H
#define FRACAGG_W1_H

#include "grid.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fa_w1 fa_w1_t;

/** Options. Zero-initialised fields take the defaults. */
typedef struct {
    double tol;      /**< d >= 2: stop when (upper - lower) <= tol * upper (default 1e-4) */
    int max_iter;    /**< d >= 2: iteration limit (default 20000) */
    double mass_tol; /**< refuse masses differing by more than mass_tol * max(|M_f|, |M_g|)
                          (default 1e-8) */
} fa_w1_options_t;

/** What a computation did. */
typedef struct {
    double lower, upper; /**< certified bracket of the grid problem's value (d = 1: both equal
                              the exact value); the distance returned is their midpoint */
    double gap;          /**< (upper - lower) / upper, 0 when both are 0 */
    int iterations;      /**< primal-dual iterations (0 in 1D) */
    int converged;       /**< 1 if the gap reached the tolerance (always 1 in 1D) */
    int exact;           /**< 1 in 1D (the circle or line formula) */
    double mass_f, mass_g; /**< h^d sum_c f_c and the same for g */
    double lipschitz;    /**< max_c |grad_h phi_c| of the potential before scaling (1 at the
                              solution; the lower bound is the dual value divided by it); free
                              grids: over the interior faces */
} fa_w1_info_t;

/** Workspace for a grid: FFTW plans and buffers (d >= 2), made once. opt may be NULL.
 *  FA_EINVAL for bad options, FA_EUNSUPPORTED for a distributed grid, FA_EFFTW, FA_ENOMEM.
 *  The grid must outlive the workspace. */
int fa_w1_create(const fa_grid_t *g, const fa_w1_options_t *opt, fa_w1_t **out);

/** W1 between two cell-average densities f, g (local slabs of the workspace's grid). Values may
 *  be slightly negative (only f - g matters) but must be finite. FA_EINVAL if a value is not
 *  finite or the masses differ by more than the mass tolerance. Returns FA_OK also when the
 *  iteration limit stops the iteration before the tolerance (info->converged = 0, a warning is
 *  logged): *distance is then still inside the certified bracket [info->lower, info->upper].
 *  info may be NULL. No allocation: safe to call at every output time. */
int fa_w1_compute(fa_w1_t *w, const double *f, const double *g, double *distance, fa_w1_info_t *info);

/** Release a workspace (safe on NULL). */
void fa_w1_free(fa_w1_t *w);

#ifdef __cplusplus
}
#endif
#endif
