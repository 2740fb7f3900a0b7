/**
 * @file run.h
 * A whole macroscopic run in one call: solver, output schedule, diagnostics and run file.
 */
#ifndef FRACAGG_RUN_H
#define FRACAGG_RUN_H

#include "io.h"
#include "kinetic.h"
#include "model.h"
#include "solver.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Ask every run, sweep and integration of this process to stop after its current step, as if
 *  interrupted: they return FA_EINTERRUPT and keep what they computed (a run writes the state
 *  reached as its last record). `reason` is reported back by fa_stop_requested (e.g. the signal
 *  number; any nonzero value). Async-signal safe: a signal handler may call it. */
void fa_request_stop(int reason);
/** The reason of a pending stop request, 0 if none. */
int fa_stop_requested(void);
/** Forget a stop request (before starting new work after an interrupted one). */
void fa_clear_stop(void);

/** The jobs of a model: the macroscopic run (fa_run), the run with its kinetic companion
 *  (fa_run_kinetic), the small-inertia sweep (fa_limit). */
typedef enum { FA_JOB_RUN, FA_JOB_KINETIC, FA_JOB_LIMIT } fa_job_t;

/** Estimated peak memory of a job on this process, in bytes: the library's arrays (state,
 *  time integrator, transforms and kernel tables, preconditioner, the kinetic model and the
 *  W1 work space, a sweep's macroscopic states at every output time), not the few tens of MB
 *  of the process and its libraries. fa_run, fa_run_kinetic and fa_limit compare it with the
 *  memory available (MemAvailable, a control group's limit, ulimit -v/-d; the ranks of a node
 *  together) before allocating, and fail with FA_ENOMEM and both figures in the message when
 *  it does not fit. */
double fa_job_memory(const fa_model_t *m, fa_job_t job);

/** How a run ends up in a file and reports. Zero-initialised = defaults. */
typedef struct {
    const char *output;          /**< run file (NULL: the model's [output] file) */
    int append;                  /**< append to an existing run file whose last record is the
                                      model's initial state (the model continues that run;
                                      fa_continuation_open makes such a model) */
    fa_progress_fn progress;     /**< called after every step, or NULL */
    void *progress_user;
    const char *config_text;     /**< append: the configuration to store as the file's
                                      `config` attribute (e.g. with an extended end time) */
    const char *history;         /**< the command line, recorded in the file's history */
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

/** Options of a sweep. Zero-initialised = defaults. */
typedef struct {
    const char *output;  /**< the sweep's file (NULL: the model's output file with _limit) */
    const char *history; /**< the command line, recorded in the file's history */
    fa_limit_fn progress; /**< called after each epsilon, or NULL */
    void *progress_user;
} fa_limit_options_t;

/** The small-inertia sweep: one macroscopic run, then the kinetic model of [kinetic] for each
 *  epsilon[k], compared with the macroscopic densities at every output time. Writes a NetCDF file
 *  with the per-time series w1(time, eps, species), modulated_energy, modulated_kinetic,
 *  modulated_interaction and the table (eps, *_max and *_order per eps), one column per eps
 *  (a killed sweep keeps the finished ones). rows: `n` rows filled (may be NULL). */
int fa_limit(const fa_model_t *m, const double *epsilon, int n, const fa_limit_options_t *opt, fa_limit_row_t *rows);

/** A run file to continue: its stored configuration with the overrides applied (what the file
 *  keeps as its `config` attribute from now on), its records and last time, and whether its
 *  run is complete (last time = [time] end). */
typedef struct {
    char *config_text;
    long records;
    double last_time;
    int complete;
    int kinetic;                 /**< a kinetic run file: continue it with fa_run_kinetic */
} fa_continuation_t;

/** The model that continues run file `path` from its last record: the file's own
 *  configuration, the overrides sets[0..nsets-1] ("section.key=value", as fa_config_set) on top,
 *  every species' initial data the file's last record, the schedule resumed at its time (see
 *  fa_model_resume). Run it with fa_run(model, {.append = 1, .output = path, .config_text =
 *  info->config_text}). A complete run (nothing left to do) returns FA_OK with info->complete
 *  set and no model. */
int fa_continuation_open(const char *path, const char *const *sets, int nsets, const fa_comm_t *comm,
                         fa_model_t **model, fa_continuation_t *info);
void fa_continuation_free(fa_continuation_t *info);

#ifdef __cplusplus
}
#endif
#endif
