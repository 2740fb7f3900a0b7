/* Is the solution still represented by the grid? Two checks after every accepted step, each
 * stopping the run with a message that says what happened and what to change:
 *
 * - The box edge (free grids). The box represents the whole-space solution only while the
 *   densities stay inside it: no flux crosses its faces, so mass that reaches them piles up
 *   there instead of moving on. The mass in the two outermost cell layers is compared with
 *   the species' mass ([grid] edge_fraction); beyond it FA_EDOMAIN, with the box length the
 *   run would need (the support's growth so far extrapolated linearly to the end time: an
 *   estimate, on the safe side for supports that grow ever more slowly). Only the boundary
 *   shell is visited.
 *
 * - Collapse (every grid). Attraction can concentrate a density faster than any grid resolves
 *   (the attractive Newtonian ball blows up at a finite time); the discrete solution then piles
 *   into a cell or two and goes on as if nothing happened. The participation number
 *   (sum rho)^2 / sum rho^2, the number of cells a density effectively occupies (m for a
 *   uniform ball of m cells), is compared with collapse_width^d ([solver] collapse_width);
 *   below it FA_ENUMERIC. A species that starts that concentrated is watched from half its
 *   initial number, so narrow initial data do not stop a run at once. One pass per step. */
#include "monitor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"

struct fa_monitor {
    const fa_model_t *model;
    const fa_grid_t *grid;
    const fa_grid_layout_t *g;
    int N;
    int edge;        /* watch the box edge (free grid) */
    double fraction, t0, t_end;
    double *mass;    /* per species, at the start */
    double *extent0; /* per species and axis: the support's half-width at the start */
    double *collapse; /* per species: the participation number that stops the run (0: off) */
    double *work;    /* 2 N sums */
};

/* Is a cell with (global) indices i[] within `layers` of a face of the box? */
static int in_shell(const fa_grid_layout_t *g, const long i[3], int layers)
{
    for (int a = 0; a < g->dim; a++)
        if (i[a] < layers || i[a] >= g->n[a] - layers) return 1;
    return 0;
}

/* Mass of each species in the two outermost layers: the local part of the shell, reduced. */
static void shell_mass(const fa_monitor_t *e, const double *const rho[], double *out)
{
    const fa_grid_layout_t *g = e->g;
    long lo[3], hi[3];
    fa_grid_local_range(e->grid, lo, hi);
    for (int s = 0; s < e->N; s++) {
        double sum = 0;
        long c = 0;
        for (long k = lo[2]; k < hi[2]; k++)
            for (long j = lo[1]; j < hi[1]; j++) {
                /* x index 2 is in the shell only when the rows are that short: then all is */
                int whole_row = g->dim > 1 && in_shell(g, (long[3]){2, j, k}, 2);
                if (whole_row) { /* a row in the shell of another axis: every cell */
                    for (long i = 0; i < g->n[0]; i++) sum += rho[s][c + i];
                } else { /* only the two cells at each end of the row */
                    long n0 = g->n[0];
                    for (long i = 0; i < n0 && i < 2; i++) sum += rho[s][c + i];
                    for (long i = n0 - 2 > 2 ? n0 - 2 : 2; i < n0; i++) sum += rho[s][c + i];
                }
                c += g->n[0];
            }
        out[s] = sum * g->cell_volume;
    }
    fa_gsum_array(e->grid, out, e->N);
}

/* Half-width of the support of species s along each axis: the largest |x_a| of a cell
 * holding more than `floor` of mass (a full pass; at set-up and when the check fails). */
static void support_extent(const fa_monitor_t *e, const double *rho, double floor, double ext[3])
{
    const fa_grid_layout_t *g = e->g;
    long lo[3], hi[3], c = 0;
    fa_grid_local_range(e->grid, lo, hi);
    for (int a = 0; a < 3; a++) ext[a] = 0;
    for (long k = lo[2]; k < hi[2]; k++)
        for (long j = lo[1]; j < hi[1]; j++)
            for (long i = lo[0]; i < hi[0]; i++, c++) {
                if (!(rho[c] * g->cell_volume > floor)) continue;
                long idx[3] = {i, j, k};
                for (int a = 0; a < g->dim; a++)
                    ext[a] = fmax(ext[a], fabs(fa_grid_center(e->grid, a, idx[a])) + 0.5 * g->h[a]);
            }
    fa_gmax_array(e->grid, ext, 3);
}

/* Participation numbers (sum rho)^2 / sum rho^2 of every species (0 for no mass). */
static void participation(const fa_monitor_t *e, const double *const rho[], double *out)
{
    long n = e->g->nlocal;
    double *w = e->work;
    for (int s = 0; s < e->N; s++) {
        double s1 = 0, s2 = 0;
        const double *r = rho[s];
#pragma omp simd reduction(+ : s1, s2)
        for (long c = 0; c < n; c++) {
            s1 += r[c];
            s2 += r[c] * r[c];
        }
        w[2 * s] = s1;
        w[2 * s + 1] = s2;
    }
    fa_gsum_array(e->grid, w, 2 * e->N);
    for (int s = 0; s < e->N; s++) out[s] = w[2 * s + 1] > 0 ? w[2 * s] * w[2 * s] / w[2 * s + 1] : 0;
}

int fa_monitor_create(const fa_model_t *m, const double *const rho0[], fa_monitor_t **out)
{
    *out = NULL;
    fa_monitor_t *e = fa_calloc(1, sizeof *e);
    if (!e) return FA_ENOMEM;
    e->model = m;
    e->grid = fa_model_grid(m);
    e->g = fa_grid_layout(e->grid);
    e->N = fa_model_species(m);
    e->edge = e->g->boundary == FA_BOUNDARY_FREE;
    e->fraction = fa_model_edge_fraction(m);
    e->t0 = fa_model_t_start(m);
    e->t_end = fa_model_t_end(m);
    e->mass = fa_calloc((size_t)e->N, sizeof(double));
    e->extent0 = fa_calloc((size_t)3 * e->N, sizeof(double));
    e->collapse = fa_calloc((size_t)e->N, sizeof(double));
    e->work = fa_calloc((size_t)2 * e->N, sizeof(double));
    double *tmp = fa_calloc((size_t)e->N, sizeof(double));
    if (!e->mass || !e->extent0 || !e->collapse || !e->work || !tmp) {
        free(tmp);
        fa_monitor_free(e);
        return FA_ENOMEM;
    }
    for (int s = 0; s < e->N; s++) e->mass[s] = fa_diag_mass(e->grid, rho0[s]);
    double width = fa_model_solver_options(m)->collapse_width;
    participation(e, rho0, tmp);
    for (int s = 0; s < e->N; s++) e->collapse[s] = fmin(pow(width, e->g->dim), 0.5 * tmp[s]);
    int rc = FA_OK;
    if (e->edge) {
        for (int s = 0; s < e->N; s++) support_extent(e, rho0[s], 1e-3 * e->fraction * e->mass[s], e->extent0 + 3 * s);
        shell_mass(e, rho0, tmp);
        for (int s = 0; s < e->N && !rc; s++)
            if (tmp[s] > e->fraction * e->mass[s])
                rc = FA_ERROR(FA_EINVAL, "the initial density of species %d (%s) already has %.3g of its mass in the two "
                              "outermost cell layers of the box (edge_fraction = %g): a whole-space run needs its "
                              "densities well inside the box; enlarge [grid] length", s + 1,
                              fa_model_species_name(m, s), tmp[s] / e->mass[s], e->fraction);
    }
    free(tmp);
    if (rc) {
        fa_monitor_free(e);
        return rc;
    }
    *out = e;
    return FA_OK;
}

void fa_monitor_free(fa_monitor_t *e)
{
    if (!e) return;
    free(e->mass);
    free(e->extent0);
    free(e->collapse);
    free(e->work);
    free(e);
}

/* The box length along each axis the run would need, from the support's growth so far. */
static void needed_length(const fa_monitor_t *e, int s, const double *rho, double t, double L[3])
{
    const fa_grid_layout_t *g = e->g;
    double ext[3];
    support_extent(e, rho, 1e-3 * e->fraction * e->mass[s], ext);
    for (int a = 0; a < g->dim; a++) {
        double R0 = e->extent0[3 * s + a], R = ext[a];
        double grow = t > e->t0 && R > R0 ? (R - R0) / (t - e->t0) * (e->t_end - t) : 0;
        L[a] = 2 * (R + grow + 2 * g->h[a]); /* and the two layers the check watches */
    }
}

static int check_edge(fa_monitor_t *e, double t, const double *const rho[], double *sm)
{
    shell_mass(e, rho, sm);
    int bad = -1;
    for (int s = 0; s < e->N && bad < 0; s++)
        if (sm[s] > e->fraction * e->mass[s]) bad = s;
    if (bad < 0) return FA_OK;
    const fa_grid_layout_t *g = e->g;
    double L[3];
    needed_length(e, bad, rho[bad], t, L);
    char need[128];
    int p = 0;
    for (int a = 0; a < g->dim; a++) p += snprintf(need + p, sizeof need - (size_t)p, "%s%.3g", a ? " " : "", L[a]);
    return FA_ERROR(FA_EDOMAIN, "species %d (%s) reached the edge of the box at t = %.9g: %.3g of its mass is in the "
                    "two outermost cell layers (edge_fraction = %g), where the box no longer represents the whole "
                    "space; enlarge [grid] length to at least about %s (the support's growth so far, extrapolated "
                    "to t = %g) or end the run earlier", bad + 1, fa_model_species_name(e->model, bad), t,
                    sm[bad] / e->mass[bad], e->fraction, need, e->t_end);
}

static int check_collapse(fa_monitor_t *e, double t, const double *const rho[], double *pn)
{
    participation(e, rho, pn);
    for (int s = 0; s < e->N; s++)
        if (pn[s] < e->collapse[s])
            return FA_ERROR(FA_ENUMERIC, "species %d (%s) collapsed below the grid's resolution at t = %.9g: its mass "
                            "is concentrated in about %.3g cells (participation number (sum rho)^2 / sum rho^2; the "
                            "run stops below %.3g, [solver] collapse_width): a finite-time aggregation (blow-up) or a "
                            "concentration finer than the grid resolves", s + 1, fa_model_species_name(e->model, s),
                            t, pn[s], e->collapse[s]);
    return FA_OK;
}

int fa_monitor_check(fa_monitor_t *e, double t, const double *const rho[])
{
    double small[64];
    double *buf = e->N <= 64 ? small : fa_malloc((size_t)e->N * sizeof(double));
    if (!buf) return FA_ENOMEM;
    int rc = e->edge ? check_edge(e, t, rho, buf) : FA_OK;
    if (!rc) rc = check_collapse(e, t, rho, buf);
    if (buf != small) free(buf);
    return rc;
}
