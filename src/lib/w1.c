/* Wasserstein-1 distance on the periodic box (doc/theory/w1.md) or on the whole space for
 * densities supported in the box (the free boundary; doc/theory/w1-whole-space.md). Public
 * header w1.h.
 *
 * d = 1, periodic: exact. With D(x) = F(x) - G(x), the cumulative difference from the left edge
 * (linear over each cell), W1 on the circle = min_c int |D - c| dx. The minimiser is a median
 * of the values of D under Lebesgue measure: a mixture of uniform laws on [D_k, D_k+1], one per
 * cell. It is located by bisection over the sorted node values (the measure {D < c} is linear
 * between two consecutive ones) and the integral is summed cell by cell in closed form.
 * d = 1, free: exact, W1 on the line = int |D| dx (D vanishes outside the box, so there is no
 * constant to choose), the same closed form per cell with c = 0, O(n).
 *
 * d = 2, 3: Beckmann's problem on the grid by a primal-dual iteration with a certificate
 * (w1_beckmann.c, which describes the method). This file: the workspace (with the transforms
 * and the Laplacian symbol that iteration uses), the 1D formulas, the distance and the
 * wrapper for distributed fields. */
#include "w1_private.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>

/* ---- create / free ----------------------------------------------------------------- */

void fa_w1_free(fa_w1_t *w)
{
    if (!w) return;
    if (w->r2c) fftw_destroy_plan(w->r2c);
    if (w->c2r) fftw_destroy_plan(w->c2r);
    if (w->dct) fftw_destroy_plan(w->dct);
    if (w->idct) fftw_destroy_plan(w->idct);
    free(w->D);
    free(w->sorted);
    fftw_free(w->delta);
    fftw_free(w->phi);
    fftw_free(w->pt);
    for (int a = 0; a < 3; a++) {
        fftw_free(w->m[a]);
        fftw_free(w->mt[a]);
    }
    fftw_free(w->r);
    fftw_free(w->c);
    fftw_free(w->kinv);
    free(w);
}

int fa_w1_create(const fa_grid_t *grid, const fa_w1_options_t *opt, fa_w1_t **out)
{
    const fa_grid_layout_t *g = fa_grid_layout(grid);
    *out = NULL;
    fa_w1_options_t o = {0};
    if (opt) o = *opt;
    if (o.tol == 0) o.tol = 1e-4;
    if (o.max_iter == 0) o.max_iter = 20000;
    if (o.mass_tol == 0) o.mass_tol = 1e-8;
    if (!(o.tol > 0 && o.tol < 1))
        return FA_ERROR(FA_EINVAL, "W1: tolerance %g not in (0, 1)", o.tol);
    if (o.max_iter < 1) return FA_ERROR(FA_EINVAL, "W1: iteration limit %d < 1", o.max_iter);
    if (!(o.mass_tol > 0)) return FA_ERROR(FA_EINVAL, "W1: mass tolerance %g not positive", o.mass_tol);
    if (g->nlocal != g->ntotal)
        return FA_ERROR(FA_EUNSUPPORTED, "W1: distributed grids are not supported yet");

    fa_w1_t *w = fa_calloc(1, sizeof *w);
    if (!w) return FA_ENOMEM;
    w->g = g;
    w->opt = o;
    w->n = g->ntotal;
    w->noflux = g->boundary == FA_BOUNDARY_FREE;
    int rc = FA_ENOMEM;
    if (g->dim == 1) {
        w->D = fa_malloc((size_t)(w->n + 1) * sizeof(double));
        if (!w->noflux) w->sorted = fa_malloc((size_t)(w->n + 1) * sizeof(double)); /* the median */
        if (!w->D || (!w->noflux && !w->sorted)) goto fail;
        *out = w;
        return FA_OK;
    }
    size_t bytes = (size_t)w->n * sizeof(double);
    for (int a = 0; a < 3; a++) w->fwd_last[a] = w->noflux ? 0 : -(g->n[a] - 1) * g->stride[a];
    /* periodic: the r2c half spectrum; free: one cosine mode per cell */
    w->nk = w->noflux ? w->n : (g->n[0] / 2 + 1) * (g->ntotal / g->n[0]);
    if (!(w->delta = fftw_malloc(bytes)) || !(w->phi = fftw_malloc(bytes)) ||
        !(w->pt = fftw_malloc(bytes)) || !(w->r = fftw_malloc(bytes)) ||
        (!w->noflux && !(w->c = fftw_malloc((size_t)w->nk * sizeof(fftw_complex)))) ||
        !(w->kinv = fftw_malloc((size_t)w->nk * sizeof(double)))) {
        rc = FA_ERROR(FA_ENOMEM, "W1: out of memory for a %ld-cell grid", w->n);
        goto fail;
    }
    for (int a = 0; a < g->dim; a++)
        if (!(w->m[a] = fftw_malloc(bytes)) || !(w->mt[a] = fftw_malloc(bytes))) {
            rc = FA_ERROR(FA_ENOMEM, "W1: out of memory for a %ld-cell grid", w->n);
            goto fail;
        }
    /* The scheme's own Laplacian symbol makes div_h grad_h (-Delta_h)^-1 the identity on
     * mean-free fields. Periodic: modes exp(2 pi i k x/L), symbol sum_a 4 sin^2(pi k_a/n_a)/h_a^2,
     * in r2c order [z][y][x/2+1], divided by ntotal (FFTW's unnormalised pair). Free: with no
     * faces on the boundary, div_h grad_h is the Neumann Laplacian on the cell centres, whose
     * eigenvectors are cos(pi k_a (i_a + 1/2)/n_a), k_a = 0..n_a-1, with symbol
     * sum_a 4 sin^2(pi k_a/(2 n_a))/h_a^2; REDFT10 then REDFT01 multiplies by 2 n_a per axis. */
    long nkx = w->noflux ? g->n[0] : g->n[0] / 2 + 1, c = 0;
    double norm = (double)g->ntotal, period[3];
    for (int a = 0; a < g->dim; a++) {
        period[a] = (double)(w->noflux ? 2 * g->n[a] : g->n[a]);
        if (w->noflux) norm *= 2;
    }
    for (long iz = 0; iz < g->n[2]; iz++)
        for (long iy = 0; iy < g->n[1]; iy++)
            for (long ix = 0; ix < nkx; ix++, c++) {
                long idx[3] = {ix, iy, iz};
                double kd2 = 0;
                for (int a = 0; a < g->dim; a++) {
                    double s = sin(M_PI * (double)idx[a] / period[a]);
                    kd2 += 4 * s * s / (g->h[a] * g->h[a]);
                }
                w->kinv[c] = kd2 > 0 ? 1.0 / (kd2 * norm) : 0.0;
            }
    int nrev[3];
    for (int r = 0; r < g->dim; r++) nrev[r] = (int)g->n[g->dim - 1 - r];
    if (w->noflux) {
        const fftw_r2r_kind fwd[3] = {FFTW_REDFT10, FFTW_REDFT10, FFTW_REDFT10},
                            inv[3] = {FFTW_REDFT01, FFTW_REDFT01, FFTW_REDFT01};
        w->dct = fftw_plan_r2r(g->dim, nrev, w->r, w->r, fwd, FFTW_ESTIMATE);
        w->idct = fftw_plan_r2r(g->dim, nrev, w->r, w->r, inv, FFTW_ESTIMATE);
    } else {
        w->r2c = fftw_plan_dft_r2c(g->dim, nrev, w->r, w->c, FFTW_ESTIMATE);
        w->c2r = fftw_plan_dft_c2r(g->dim, nrev, w->c, w->r, FFTW_ESTIMATE);
    }
    if (w->noflux ? !w->dct || !w->idct : !w->r2c || !w->c2r) {
        rc = FA_ERROR(FA_EFFTW, "W1: FFTW could not plan a %d-dimensional %s transform of %ld cells",
                      g->dim, w->noflux ? "cosine" : "Fourier", g->ntotal);
        goto fail;
    }
    *out = w;
    return FA_OK;
fail:
    fa_w1_free(w);
    return rc;
}

/* ---- d = 1: the circle formula ----------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Measure of {x : D(x) < c} (strict) or {x : D(x) <= c}: D is linear on each cell. */
static double measure_below(const double *D, long n, double h, double c, int strict)
{
    ksum_t s = {0, 0};
    for (long k = 0; k < n; k++) {
        double lo = D[k], hi = D[k + 1];
        if (lo > hi) {
            double t = lo;
            lo = hi;
            hi = t;
        }
        double part;
        if (c <= lo)
            part = (!strict && c == lo) ? (hi == lo ? h : 0.0) : 0.0;
        else if (c >= hi)
            part = h;
        else
            part = h * (c - lo) / (hi - lo);
        ksum_add(&s, part);
    }
    return ksum_value(&s);
}

/* int over one cell of |D - c|, D linear from a to b (values relative to c). */
static inline double cell_abs_integral(double a, double b, double h)
{
    if ((a >= 0 && b >= 0) || (a <= 0 && b <= 0)) return 0.5 * h * fabs(a + b);
    return 0.5 * h * (a * a + b * b) / fabs(a - b);
}

static double w1_circle(fa_w1_t *w, double *median)
{
    const long n = w->n;
    const double h = w->g->h[0];
    double *D = w->D, *v = w->sorted;
    memcpy(v, D, (size_t)(n + 1) * sizeof(double));
    qsort(v, (size_t)(n + 1), sizeof(double), cmp_double);
    const double half = 0.5 * (double)n * h;
    /* largest j with |{D < v_j}| <= L/2 (true for j = 0) */
    long lo = 0, hi = n + 1;
    while (hi - lo > 1) {
        long mid = lo + (hi - lo) / 2;
        if (measure_below(D, n, h, v[mid], 1) <= half)
            lo = mid;
        else
            hi = mid;
    }
    double c = v[lo];
    double p0 = measure_below(D, n, h, c, 0);
    if (p0 < half && lo < n) {
        /* the median lies strictly between v_lo and v_lo+1, where |{D < c}| is linear */
        double c1 = v[lo + 1], p1 = measure_below(D, n, h, c1, 1);
        if (p1 > p0) {
            double t = (half - p0) / (p1 - p0);
            c = c + (t < 0 ? 0 : t > 1 ? 1 : t) * (c1 - c);
        }
    }
    ksum_t s = {0, 0};
    for (long k = 0; k < n; k++) ksum_add(&s, cell_abs_integral(D[k] - c, D[k + 1] - c, h));
    *median = c;
    return ksum_value(&s);
}

/* ---- d = 1, free: the line ----------------------------------------------------------- */

/* On the line W1 = int |F - G| dx: no constant to choose, since outside the box F - G is 0 on
 * both sides (D[0] = 0 and D[n] = 0 up to the rounding of the mean removal). */
static double w1_line(const fa_w1_t *w)
{
    ksum_t s = {0, 0};
    for (long k = 0; k < w->n; k++) ksum_add(&s, cell_abs_integral(w->D[k], w->D[k + 1], w->g->h[0]));
    return ksum_value(&s);
}
/* ---- the distance ------------------------------------------------------------------ */

int fa_w1_compute(fa_w1_t *w, const double *f, const double *gd, double *distance, fa_w1_info_t *info)
{
    const fa_grid_layout_t *g = w->g;
    const long n = w->n;
    fa_w1_info_t inf;
    memset(&inf, 0, sizeof inf);
    *distance = 0;
    /* masses and the mean of f - g, compensated */
    ksum_t mf = {0, 0}, mg = {0, 0}, md = {0, 0};
    for (long c = 0; c < n; c++) {
        if (!isfinite(f[c]) || !isfinite(gd[c]))
            return FA_ERROR(FA_EINVAL, "W1: density value %g in cell %ld is not finite",
                            isfinite(f[c]) ? gd[c] : f[c], c);
        ksum_add(&mf, f[c]);
        ksum_add(&mg, gd[c]);
        ksum_add(&md, f[c] - gd[c]);
    }
    inf.mass_f = g->cell_volume * ksum_value(&mf);
    inf.mass_g = g->cell_volume * ksum_value(&mg);
    double mref = fmax(fabs(inf.mass_f), fabs(inf.mass_g));
    if (fabs(inf.mass_f - inf.mass_g) > w->opt.mass_tol * mref)
        return FA_ERROR(FA_EINVAL,
                        "W1: the masses differ: %.15g and %.15g (relative difference %.2e, "
                        "tolerance %.2e)",
                        inf.mass_f, inf.mass_g, fabs(inf.mass_f - inf.mass_g) / mref, w->opt.mass_tol);
    const double mean = ksum_value(&md) / (double)n;
    inf.converged = 1;
    inf.lipschitz = 1;

    if (g->dim == 1) {
        const double h = g->h[0];
        ksum_t cum = {0, 0};
        w->D[0] = 0;
        for (long c = 0; c < n; c++) {
            ksum_add(&cum, h * ((f[c] - gd[c]) - mean));
            w->D[c + 1] = ksum_value(&cum);
        }
        double median;
        double val = w->noflux ? w1_line(w) : w1_circle(w, &median);
        inf.lower = inf.upper = val;
        inf.exact = 1;
        *distance = val;
        if (info) *info = inf;
        return FA_OK;
    }

    double amax = 0;
    ksum_t l1 = {0, 0};
    for (long c = 0; c < n; c++) {
        double dc = (f[c] - gd[c]) - mean;
        w->delta[c] = dc;
        if (fabs(dc) > amax) amax = fabs(dc);
        ksum_add(&l1, fabs(dc));
    }
    if (amax == 0) { /* identical densities */
        if (info) *info = inf;
        return FA_OK;
    }
    /* absolute floor of the stopping rule: rounding level of the largest possible value,
     * (1/2) ||delta||_1 times the largest distance (periodic: half the box's diagonal; free:
     * the box's diameter) */
    double diam2 = 0;
    for (int a = 0; a < g->dim; a++) diam2 += (w->noflux ? 1.0 : 0.25) * g->L[a] * g->L[a];
    double abs_floor = 64 * DBL_EPSILON * 0.5 * g->cell_volume * ksum_value(&l1) * sqrt(diam2);
    double lo, up, lip;
    int iters;
    inf.converged = fa_w1_beckmann(w, abs_floor, &lo, &up, &iters, &lip);
    inf.lower = lo;
    inf.upper = up;
    inf.iterations = iters;
    inf.lipschitz = lip;
    inf.gap = up > 0 ? (up - lo) / up : 0.0;
    *distance = 0.5 * (lo + up);
    if (!inf.converged)
        fa_log(FA_LOG_WARN,
               "W1: %d iterations did not reach the tolerance %.1e: the value is within "
               "[%.10g, %.10g] (relative gap %.2e)",
               iters, w->opt.tol, lo, up, inf.gap);
    if (info) *info = inf;
    return FA_OK;
}

/* ---- distributed fields ------------------------------------------------------------ */

struct fa_w1g {
    const fa_grid_t *g;
    fa_grid_t *whole; /* rank 0: the same grid held whole */
    fa_w1_t *w;
    double *f, *h;    /* rank 0: gathered fields */
};

/* What fa_w1_create allocates for a grid of n cells: 1D the cumulative sums (and the
 * periodic median's sorted copy); else delta, phi, pt, r, the flux m and its extrapolation
 * mt per axis, the inverse symbol and (periodic) a half spectrum. */
static double w1_memory(const fa_grid_layout_t *g)
{
    double n = (double)g->ntotal;
    int noflux = g->boundary == FA_BOUNDARY_FREE;
    if (g->dim == 1) return (noflux ? 1 : 2) * (n + 1) * sizeof(double);
    double nk = noflux ? n : (double)(g->n[0] / 2 + 1) * (g->ntotal / g->n[0]);
    return (4 + 2.0 * g->dim) * n * sizeof(double) + nk * sizeof(double) + (noflux ? 0 : nk * sizeof(fftw_complex));
}

double fa_w1g_memory(const fa_grid_t *g)
{
    const fa_grid_layout_t *G = fa_grid_layout(g);
    if (!G->distributed) return w1_memory(G);
    return fa_grid_is_root(g) ? w1_memory(G) + 2.0 * G->ntotal * sizeof(double) : 0;
}

int fa_w1g_create(const fa_grid_t *g, fa_w1g_t **out)
{
    *out = NULL;
    fa_w1g_t *w = fa_calloc(1, sizeof *w);
    if (!w) return FA_ENOMEM;
    w->g = g;
    const fa_grid_layout_t *G = fa_grid_layout(g);
    int rc = FA_OK;
    if (!G->distributed) {
        rc = fa_w1_create(g, NULL, &w->w);
    } else if (fa_grid_is_root(g)) {
        long n[3] = {G->n[0], G->n[1], G->n[2]};
        rc = fa_grid_create(G->dim, n, G->L, G->boundary, NULL, &w->whole);
        if (!rc) rc = fa_w1_create(w->whole, NULL, &w->w);
        if (!rc && (!(w->f = fa_malloc((size_t)G->ntotal * sizeof(double))) ||
                    !(w->h = fa_malloc((size_t)G->ntotal * sizeof(double)))))
            rc = FA_ENOMEM;
    }
    rc = fa_gbcast_int(g, rc);
    if (rc) {
        fa_w1g_free(w);
        return rc;
    }
    *out = w;
    return FA_OK;
}

int fa_w1g_compute(fa_w1g_t *w, const double *f, const double *h, double *distance)
{
    fa_w1_info_t info;
    if (!fa_grid_layout(w->g)->distributed) return fa_w1_compute(w->w, f, h, distance, &info);
    fa_grid_gather_to_root(w->g, f, w->f);
    fa_grid_gather_to_root(w->g, h, w->h);
    int rc = fa_grid_is_root(w->g) ? fa_w1_compute(w->w, w->f, w->h, distance, &info) : FA_OK;
    rc = fa_gbcast_int(w->g, rc);
    fa_gbcast_doubles(w->g, distance, 1);
    return rc;
}

void fa_w1g_free(fa_w1g_t *w)
{
    if (!w) return;
    fa_w1_free(w->w);
    fa_grid_free(w->whole);
    free(w->f);
    free(w->h);
    free(w);
}
