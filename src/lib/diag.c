/* Diagnostics of a state: mass, extremes, the record of one output time. */
#include "grid_internal.h"
#include "spectral_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double fa_diag_mass(const fa_grid_t *grid, const double *f)
{
    const fa_grid_layout_t *g = fa_grid_layout(grid);
    /* pairwise-free but compensated summation: mass is checked to 1e-12 relative */
    double sum = 0, comp = 0;
    for (long c = 0; c < g->nlocal; c++) {
        double y = f[c] - comp, t = sum + y;
        comp = (t - sum) - y;
        sum = t;
    }
    return fa_gsum(grid, sum) * g->cell_volume;
}

double fa_diag_min(const fa_grid_t *grid, const double *f)
{
    const fa_grid_layout_t *g = fa_grid_layout(grid);
    double m = INFINITY;
    for (long c = 0; c < g->nlocal; c++) m = f[c] < m ? f[c] : m; /* NaN-blind, as fmin */
    return fa_gmin(grid, m);
}

int fa_diag_record_init(fa_diag_record_t *r, int N, const double *hs, int nhs)
{
    memset(r, 0, sizeof *r);
    r->nspecies = N;
    r->nhs = nhs;
    r->mass = fa_calloc((size_t)N, sizeof(double));
    r->hs = fa_calloc((size_t)(nhs ? nhs : 1), sizeof(double));
    r->hs_norm = fa_calloc((size_t)N * (nhs ? nhs : 1), sizeof(double));
    r->hs_total = fa_calloc((size_t)(nhs ? nhs : 1), sizeof(double));
    r->hs_top = fa_calloc((size_t)N * (nhs ? nhs : 1), sizeof(double));
    if (!r->mass || !r->hs || !r->hs_norm || !r->hs_total || !r->hs_top) {
        fa_diag_record_free(r);
        return FA_ENOMEM;
    }
    if (nhs) memcpy(r->hs, hs, (size_t)nhs * sizeof(double));
    return FA_OK;
}

void fa_diag_record_free(fa_diag_record_t *r)
{
    free(r->mass);
    free(r->hs);
    free(r->hs_norm);
    free(r->hs_total);
    free(r->hs_top);
    memset(r, 0, sizeof *r);
}

int fa_diag_record_compute(fa_diag_record_t *r, const fa_grid_t *g, fa_spectral_t *sp, double t,
                           const double *const rho[])
{
    r->time = t;
    for (int i = 0; i < r->nspecies; i++) r->mass[i] = fa_diag_mass(g, rho[i]);
    FA_TRY(fa_spectral_energy(sp, rho, &r->energy));
    for (int q = 0; q < r->nhs; q++) r->hs_total[q] = 0;
    for (int i = 0; i < r->nspecies; i++) {
        double *norm = r->hs_norm + i * r->nhs;
        FA_TRY(fa_spectral_hs_norms(sp, rho[i], r->hs, r->nhs, norm, r->hs_top + i * r->nhs));
        for (int q = 0; q < r->nhs; q++) r->hs_total[q] += norm[q] * norm[q];
    }
    for (int q = 0; q < r->nhs; q++) r->hs_total[q] = sqrt(r->hs_total[q]);
    return FA_OK;
}
