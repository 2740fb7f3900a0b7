/* A whole run: solver, output schedule, diagnostics, run file. */
#include "grid_internal.h"
#include "memory.h"
#include "runfile.h"
#include "model_internal.h"
#include "runfile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The kinetic companion of a run (fracagg kinetic), and its comparison with the run. */
typedef struct {
    fa_kinetic_t *k;
    fa_comparison_t cmp;
} companion_t;

static int companion_record(companion_t *c, const fa_model_t *m, const double *const rho[], fa_output_t *out)
{
    int N = fa_model_species(m), d = fa_grid_dim(fa_model_grid(m));
    const double *rk[FA_MAX_SPECIES], *mom[3 * FA_MAX_SPECIES];
    for (int i = 0; i < N; i++) {
        rk[i] = fa_kinetic_density(c->k, i);
        for (int a = 0; a < d; a++) mom[i * d + a] = fa_kinetic_momentum(c->k, i, a);
    }
    FA_TRY(fa_kinetic_compare(c->k, rho, &c->cmp));
    fa_kinetic_record_t kr = {rk, mom, &c->cmp};
    return fa_output_write_kinetic(out, &kr);
}

/* Diagnostics of the solver's state at its current time (and of the companion), appended. */
static int write_state(fa_output_t *out, fa_diag_record_t *rec, fa_solver_t *s, const fa_model_t *m, companion_t *c)
{
    const double *rho[FA_MAX_SPECIES];
    for (int i = 0; i < fa_model_species(m); i++) rho[i] = fa_solver_density(s, i);
    FA_TRY(fa_diag_record_compute(rec, fa_model_grid(m), fa_solver_spectral(s), fa_solver_time(s), rho));
    FA_TRY(fa_output_record_finite(out, rec)); /* before the companion writes its part of the record */
    if (c) FA_TRY(companion_record(c, m, rho, out));
    fa_solver_stats_t st;
    fa_solver_get_stats(s, &st);
    return fa_output_write(out, rec, rho, &st);
}

static int advance(fa_solver_t *s, companion_t *c, double t)
{
    FA_TRY(fa_solver_advance(s, t));
    return c ? fa_kinetic_advance(c->k, t) : FA_OK;
}

static int run(const fa_model_t *m, const fa_run_options_t *opt, fa_run_result_t *res, int kinetic)
{
    fa_run_options_t defaults = {0};
    if (!opt) opt = &defaults;
    fa_run_result_t dummy;
    if (!res) res = &dummy;
    memset(res, 0, sizeof *res);
    double t_wall = now_seconds();
    const char *path = opt->output ? opt->output : fa_model_output_file(m);
    const fa_grid_t *grid = fa_model_grid(m);
    int N = fa_model_species(m), nout, nhs;
    const double *out_times = fa_model_output_times(m, &nout), *hs = fa_model_hs_orders(m, &nhs);

    fa_solver_t *s = NULL;
    fa_output_t *out = NULL;
    fa_diag_record_t rec = {0};
    double *mass0 = NULL;
    companion_t comp = {0}, *c = NULL;
    double t_written = NAN; /* time of the last record on disk */
    /* a kinetic run's whole estimate before anything is allocated (the solver checks its own) */
    int rc = kinetic ? fa_job_memory_check(m, FA_JOB_KINETIC) : FA_OK;
    if (!rc) rc = fa_solver_create(m, &s);
    if (!rc) rc = fa_diag_record_init(&rec, N, hs, nhs);
    if (!rc && !(mass0 = fa_calloc((size_t)N, sizeof(double)))) rc = FA_ENOMEM;
    if (!rc && kinetic) {
        c = &comp;
        rc = fa_kinetic_create(m, fa_model_kinetic_options(m)->epsilon, &c->k);
        if (!rc) rc = fa_comparison_init(&c->cmp, N);
    }
    if (!rc) {
        if (opt->append) {
            /* a kinetic run goes on from the kinetic state of the last record (before the file
             * is touched: a particle run is refused here), unless there is none yet */
            long records = 0;
            char *stored = NULL;
            if (kinetic) rc = fa_runfile_stored(path, &stored, &records, NULL, NULL);
            free(stored);
            if (!rc && kinetic && records > 0) rc = fa_kinetic_resume(c->k, path);
            if (!rc) rc = fa_output_append_kinetic(path, m, kinetic, &out);
            if (!rc && opt->config_text) rc = fa_output_set_note(out, "config", opt->config_text);
        }
        else rc = kinetic ? fa_output_create_kinetic(path, m, fa_model_kinetic_options(m)->epsilon, &out)
                          : fa_output_create(path, m, &out);
        if (!rc) rc = fa_output_add_history(out, opt->history ? opt->history : "fracagg " FA_VERSION " library (fa_run)");
    }
    if (rc) goto done;
    fa_solver_set_progress(s, opt->progress, opt->progress_user);
    for (int i = 0; i < N; i++) mass0[i] = fa_diag_mass(grid, fa_solver_density(s, i));
    fa_log(FA_LOG_INFO, "run: %d species on a %dD grid of %ld cells, t = %g .. %g, %d records -> %s", N,
           fa_grid_dim(grid), fa_grid_total_cells(grid), fa_model_t_start(m), fa_model_t_end(m), nout, path);
    /* the initial state is a record unless it is one already: appending to a file that holds
     * records (a file stopped before its first record starts with the initial state), or
     * (initial_record = auto) continuing a run file's record into a new file, whose
     * concatenation with the first would repeat that time */
    if (opt->append ? fa_output_records(out) > 0 : !fa_model_writes_initial_record(m)) t_written = fa_model_t_start(m);
    else if ((rc = write_state(out, &rec, s, m, c))) goto done;
    else t_written = rec.time;
    for (int k = 1; k < nout; k++) {
        rc = advance(s, c, out_times[k]);
        if (rc == FA_EINTERRUPT) { /* keep the state reached as a last record, if it advanced */
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", fa_last_error());
            /* stopped before its first step: the state is the last record's (or the initial
             * state, not to be recorded); a record at the same time again would break the
             * time axis, which every reader checks */
            if (!(fa_solver_time(s) > t_written)) {
                fa_error_at(FA_EINTERRUPT, __FILE__, __LINE__, "%s; nothing to add (stopped before the first step)",
                            msg);
                goto done;
            }
            int wrc = write_state(out, &rec, s, m, c);
            if (!wrc) t_written = rec.time;
            fa_error_at(FA_EINTERRUPT, __FILE__, __LINE__, "%s%s", msg,
                        wrc ? "; the last state could not be written" : "; state written as the last record");
            goto done;
        }
        if (rc) goto done;
        if ((rc = write_state(out, &rec, s, m, c))) goto done;
        t_written = rec.time;
        fa_log(FA_LOG_DEBUG, "record %ld at t = %g", fa_output_records(out), out_times[k]);
    }
done:
    if (s) {
        fa_solver_get_stats(s, &res->stats);
        res->t_reached = t_written;
        for (int i = 0; mass0 && i < N; i++)
            if (mass0[i] != 0)
                res->mass_drift =
                    fmax(res->mass_drift, fabs(fa_diag_mass(grid, fa_solver_density(s, i)) - mass0[i]) / fabs(mass0[i]));
    }
    if (out) {
        res->records = fa_output_records(out);
        char status[1200];
        if (rc == FA_OK)
            snprintf(status, sizeof status, "complete: t = %g reached", res->t_reached);
        else
            snprintf(status, sizeof status, "stopped (%s): %s", fa_strerror(rc), fa_last_error());
        char saved[2048];
        snprintf(saved, sizeof saved, "%s", fa_last_error());
        int nrc = fa_output_set_note(out, "run_status", status);
        int crc = fa_output_close(out);
        if (rc == FA_OK) rc = nrc ? nrc : crc;
        else fa_error_at(rc, __FILE__, __LINE__, "%s", saved); /* keep the first error's message */
    }
    res->wall_seconds = now_seconds() - t_wall;
    if (rc == FA_OK)
        fa_log(FA_LOG_INFO, "done: %ld steps, %ld RHS evaluations, %ld Newton and %ld Krylov iterations, "
               "%ld error-test and %ld convergence failures, %.3g s",
               res->stats.steps, res->stats.rhs_evals, res->stats.newton_iters, res->stats.krylov_iters,
               res->stats.error_fails, res->stats.newton_fails, res->wall_seconds);
    if (c) {
        if (c->k) fa_kinetic_get_stats(c->k, &res->kinetic_stats);
        fa_kinetic_free(c->k);
        fa_comparison_free(&c->cmp);
    }
    free(mass0);
    fa_diag_record_free(&rec);
    fa_solver_free(s);
    return rc;
}

int fa_run(const fa_model_t *m, const fa_run_options_t *opt, fa_run_result_t *res) { return run(m, opt, res, 0); }

int fa_run_kinetic(const fa_model_t *m, const fa_run_options_t *opt, fa_run_result_t *res)
{
    return run(m, opt, res, 1);
}
