/**
 * @file model.h
 * A model: the grid, the species, the kernel matrix, the initial data, the output schedule
 * and the solver choices, built from a validated configuration. Building a model checks
 * everything that can be checked before a run starts (alpha in (0,d), counts per axis,
 * readable restart files, ...), so that a run never fails on bad input halfway.
 */
#ifndef FRACAGG_MODEL_H
#define FRACAGG_MODEL_H

#include "config.h"
#include "grid.h"
#include "kernel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fa_model fa_model_t;

/** Build a model from a configuration (validated here if not already). The model keeps
 *  its own copy of the configuration. comm: NULL for a run on this process alone, or the
 *  communicator (parallel.h) whose ranks share the grid; it must outlive the model.
 *  FA_ECONFIG with file:line and key on bad input. */
int fa_model_create(const fa_config_t *cfg, const fa_comm_t *comm, fa_model_t **out);
void fa_model_free(fa_model_t *m);

const fa_config_t *fa_model_config(const fa_model_t *m);
const fa_grid_t *fa_model_grid(const fa_model_t *m);
int fa_model_species(const fa_model_t *m);
const char *fa_model_species_name(const fa_model_t *m, int i);
/** K_ij (0-based indices); type FA_KERNEL_NONE where absent. */
const fa_kernel_t *fa_model_kernel(const fa_model_t *m, int i, int j);
/** The whole matrix, row-major (K_ij at i*N + j). */
const fa_kernel_t *fa_model_kernels(const fa_model_t *m);

/** Initial cell averages of species i on the local slab. */
int fa_model_initial(const fa_model_t *m, int i, double *rho);

/** Time of the first record ([time] start) and of the last ([time] end). */
double fa_model_t_start(const fa_model_t *m);
double fa_model_t_end(const fa_model_t *m);
/** Output times (including the start), ascending. */
const double *fa_model_output_times(const fa_model_t *m, int *n);

/** Continue the model's schedule from time t (start <= t < end): the initial data is taken to
 *  be at t, and only the output times after t remain (t becomes the first record's time). */
int fa_model_resume(fa_model_t *m, double t);

/** H^s orders to record ([output] hs). */
const double *fa_model_hs_orders(const fa_model_t *m, int *n);
/** Output file from [output] file (default: the config's name with .nc). */
const char *fa_model_output_file(const fa_model_t *m);
/** [output] overwrite: may an existing output file be replaced? */
int fa_model_output_overwrite(const fa_model_t *m);

/** Exact Barenblatt profile helpers (doc/theory/exact-solutions.md section 2), for d in 1..3 and s in (0,1]. */
double fa_barenblatt_k(int d, double s);     /**< k(d,s) */
double fa_barenblatt_mass0(int d, double s); /**< M0(d,s) */

#ifdef __cplusplus
}
#endif
#endif
