/**
 * @file diag.h
 * Diagnostics of a state: mass, free energy, H^s norms (doc/theory/hs-check.md section 1), and the record
 * of one output time that the run file stores.
 */
#ifndef FRACAGG_DIAG_H
#define FRACAGG_DIAG_H

#include "grid.h"
#include "spectral.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Mass h^d sum_c f_c over the whole grid (all ranks). */
double fa_diag_mass(const fa_grid_t *g, const double *f);

/** Smallest value of a field over the whole grid. */
double fa_diag_min(const fa_grid_t *g, const double *f);

/** Everything stored for one output time. Arrays are owned by the record. */
typedef struct {
    int nspecies, nhs;
    double time;
    double *mass;       /**< [nspecies] */
    double energy;      /**< free energy */
    double *hs;         /**< hs order values [nhs] */
    double *hs_norm;    /**< [nspecies][nhs] */
    double *hs_total;   /**< [nhs] combined over species */
    double *hs_top;     /**< [nspecies][nhs] share of the squared norm in the top third of k */
} fa_diag_record_t;

int fa_diag_record_init(fa_diag_record_t *r, int nspecies, const double *hs, int nhs);
void fa_diag_record_free(fa_diag_record_t *r);

/** Fill a record from the densities rho[0..N-1] at time t. */
int fa_diag_record_compute(fa_diag_record_t *r, const fa_grid_t *g, fa_spectral_t *sp,
                           double t, const double *const rho[]);

#ifdef __cplusplus
}
#endif
#endif
