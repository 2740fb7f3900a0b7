/* The box edge of a free grid (the whole space). The box represents the whole-space solution
 * only while the densities stay inside it: no flux crosses its faces, so mass that reaches
 * them piles up there instead of moving on. Each accepted step, the mass in the two outermost
 * cell layers is compared with the species' mass; beyond the configured fraction the run
 * stops with FA_EDOMAIN and a message that names the time, the species, and the box length
 * the run would need (the support's growth so far, extrapolated linearly to the end time: an
 * estimate, on the safe side for supports that grow ever more slowly). Only the boundary
 * shell is visited per step. */
#include "edge.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"

struct fa_edge {
    const fa_model_t *model;
    const fa_grid_t *grid;
    const fa_grid_layout_t *g;
    int N;
    double fraction, t0, t_end;
    double *mass;    /* per species, at the start (conserved exactly) */
    double *extent0; /* per species and axis: the support's half-width at the start */
};

/* Is a cell with (global) indices i[] within `layers` of a face of the box? */
static int in_shell(const fa_grid_layout_t *g, const long i[3], int layers)
{
    for (int a = 0; a < g->dim; a++)
        if (i[a] < layers || i[a] >= g->n[a] - layers) return 1;
    return 0;
}

/* Mass of each species in the two outermost layers: the local part of the shell, reduced. */
static void shell_mass(const fa_edge_t *e, const double *const rho[], double *out)
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
static void support_extent(const fa_edge_t *e, const double *rho, double floor, double ext[3])
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

int fa_edge_create(const fa_model_t *m, const double *const rho0[], fa_edge_t **out)
{
    *out = NULL;
    fa_edge_t *e = fa_calloc(1, sizeof *e);
    if (!e) return FA_ENOMEM;
    e->model = m;
    e->grid = fa_model_grid(m);
    e->g = fa_grid_layout(e->grid);
    e->N = fa_model_species(m);
    e->fraction = fa_model_edge_fraction(m);
    e->t0 = fa_model_t_start(m);
    e->t_end = fa_model_t_end(m);
    e->mass = fa_calloc((size_t)e->N, sizeof(double));
    e->extent0 = fa_calloc((size_t)3 * e->N, sizeof(double));
    double *shell = fa_calloc((size_t)e->N, sizeof(double));
    if (!e->mass || !e->extent0 || !shell) {
        free(shell);
        fa_edge_free(e);
        return FA_ENOMEM;
    }
    for (int s = 0; s < e->N; s++) {
        e->mass[s] = fa_diag_mass(e->grid, rho0[s]);
        support_extent(e, rho0[s], 1e-3 * e->fraction * e->mass[s], e->extent0 + 3 * s);
    }
    shell_mass(e, rho0, shell);
    int rc = FA_OK;
    for (int s = 0; s < e->N && !rc; s++)
        if (shell[s] > e->fraction * e->mass[s])
            rc = FA_ERROR(FA_EINVAL, "the initial density of species %d (%s) already has %.3g of its mass in the two "
                          "outermost cell layers of the box (edge_fraction = %g): a whole-space run needs its "
                          "densities well inside the box; enlarge [grid] length", s + 1, fa_model_species_name(m, s),
                          shell[s] / e->mass[s], e->fraction);
    free(shell);
    if (rc) {
        fa_edge_free(e);
        return rc;
    }
    *out = e;
    return FA_OK;
}

void fa_edge_free(fa_edge_t *e)
{
    if (!e) return;
    free(e->mass);
    free(e->extent0);
    free(e);
}

/* The box length along each axis the run would need, from the support's growth so far. */
static void needed_length(const fa_edge_t *e, int s, const double *rho, double t, double L[3])
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

int fa_edge_check(fa_edge_t *e, double t, const double *const rho[])
{
    double shell[64];
    double *sm = e->N <= 64 ? shell : fa_malloc((size_t)e->N * sizeof(double));
    if (!sm) return FA_ENOMEM;
    shell_mass(e, rho, sm);
    int bad = -1;
    for (int s = 0; s < e->N && bad < 0; s++)
        if (sm[s] > e->fraction * e->mass[s]) bad = s;
    int rc = FA_OK;
    if (bad >= 0) {
        const fa_grid_layout_t *g = e->g;
        double L[3];
        needed_length(e, bad, rho[bad], t, L);
        char need[128];
        int p = 0;
        for (int a = 0; a < g->dim; a++) p += snprintf(need + p, sizeof need - (size_t)p, "%s%.3g", a ? " " : "", L[a]);
        rc = FA_ERROR(FA_EDOMAIN, "species %d (%s) reached the edge of the box at t = %.9g: %.3g of its mass is in the "
                      "two outermost cell layers (edge_fraction = %g), where the box no longer represents the whole "
                      "space; enlarge [grid] length to at least about %s (the support's growth so far, extrapolated "
                      "to t = %g) or end the run earlier", bad + 1, fa_model_species_name(e->model, bad), t,
                      sm[bad] / e->mass[bad], e->fraction, need, e->t_end);
    }
    if (sm != shell) free(sm);
    return rc;
}
