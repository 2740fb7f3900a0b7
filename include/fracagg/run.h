/**
 * @file run.h
 * A whole macroscopic run in one call: solver, output schedule, diagnostics and run file.
 */
#ifndef FRACAGG_RUN_H
#define FRACAGG_RUN_H

#include <signal.h>

#include "io.h"
#include "kinetic.h"
#include "model.h"
#include "solver.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *output;          /**< run file (NULL: the model's [output] file) */
    int append;                  /**< append to an existing run file whose last record is the
                                      model's initial state (the model continues that run) */
    fa_progress_fn progress;     /**< called after every step, or NULL */
    void *progress_user;
    const char *config_text;     /**< append: the configuration to store as the file's
                                      `config` attribute (e.g. with an extended end time) */
    volatile sig_atomic_t *interrupt; /**< if non-NULL and set (e.g. by a signal handler), the
                                      run stops after the current step, writes that state as a
                                      last record and returns FA_EINTERRUPT */
} fa_run_options_t;

typedef struct {
    long records;                /**< records in the file at the end */
    double t_reached;            /**< time of the last record */
    fa_solver_stats_t stats;
    double wall_seconds;
    double mass_drift;           /**< max_i |M_i(end) - M_i(start)| / M_i(start) */
    fa_solver_stats_t kinetic_stats; /**< fa_run_kinetic: the kinetic model's counters */
} fa_run_result_t;

/** Run the model from its initial data to [time] end, writing every output time.
 *  On a solver failure the records so far stay in the file and the code is returned. */
int fa_run(const fa_model_t *m, const fa_run_options_t *opt, fa_run_result_t *res);

/** The macroscopic run and, beside it on the same grid and output times, the kinetic model
 *  of [kinetic] (epsilon, model, ...): the run file also holds rho_kinetic, momentum, w1 and the
 *  modulated energy with its two parts (io.h). */
int fa_run_kinetic(const fa_model_t *m, const fa_run_options_t *opt, fa_run_result_t *res);

/** One row of a small-inertia sweep (fa_limit): maxima over the output times of the sums over
 *  species (the paper's N-tuple distance sup_t sum_i W1(rho_i^eps, rho_i)), and the observed
 *  order against the previous row, log(v_prev / v) / log(eps_prev / eps) (NaN in the first row). */
typedef struct {
    double epsilon;
    double w1, modulated, modulated_kinetic, modulated_interaction;
    double order_w1, order_modulated, order_kinetic, order_interaction;
    fa_solver_stats_t stats; /**< the kinetic model's counters */
} fa_limit_row_t;

/** Progress of a sweep: called after each epsilon with its row. */
typedef void (*fa_limit_fn)(const fa_limit_row_t *row, int index, int count, void *user);

/** The small-inertia sweep: one macroscopic run, then the kinetic model of [kinetic] for each
 *  epsilon[k], compared with the macroscopic densities at every output time. Writes a NetCDF file
 *  (eps is its record dimension: a killed sweep keeps the finished rows) with the per-time
 *  series w1(eps, time, species), modulated_energy, modulated_kinetic, modulated_interaction and
 *  the table (epsilon, max_* and order_* per eps). rows: `n` rows filled (may be NULL). */
int fa_limit(const fa_model_t *m, const double *epsilon, int n, const char *path, fa_limit_row_t *rows,
             fa_limit_fn fn, void *user, volatile sig_atomic_t *interrupt);

#ifdef __cplusplus
}
#endif
#endif
