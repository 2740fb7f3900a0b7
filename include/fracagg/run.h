/**
 * @file run.h
 * A whole macroscopic run in one call: solver, output schedule, diagnostics and run file.
 */
#ifndef FRACAGG_RUN_H
#define FRACAGG_RUN_H

#include <signal.h>

#include "io.h"
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
} fa_run_result_t;

/** Run the model from its initial data to [time] end, writing every output time.
 *  On a solver failure the records so far stay in the file and the code is returned. */
int fa_run(const fa_model_t *m, const fa_run_options_t *opt, fa_run_result_t *res);

#ifdef __cplusplus
}
#endif
#endif
