/* A whole run: solver, output schedule, diagnostics, run file. */
#include "internal.h"

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

/* Diagnostics of the solver's state at its current time, appended to the file. */
static int write_state(fa_output_t *out, fa_diag_record_t *rec, fa_solver_t *s, const fa_model_t *m)
{
    const double *rho[FA_MAX_SPECIES];
    for (int i = 0; i < m->nspecies; i++) rho[i] = fa_solver_density(s, i);
    FA_TRY(fa_diag_record_compute(rec, m->grid, fa_solver_spectral(s), fa_solver_time(s), rho));
    fa_solver_stats_t st;
    fa_solver_get_stats(s, &st);
    return fa_output_write(out, rec, rho, &st);
}

int fa_run(const fa_model_t *m, const fa_run_options_t *opt, fa_run_result_t *res)
{
    fa_run_options_t defaults = {0};
    if (!opt) opt = &defaults;
    fa_run_result_t dummy;
    if (!res) res = &dummy;
    memset(res, 0, sizeof *res);
    double t_wall = now_seconds();
    const char *path = opt->output ? opt->output : m->output_file;

    fa_solver_t *s = NULL;
    fa_output_t *out = NULL;
    fa_diag_record_t rec = {0};
    double *mass0 = NULL;
    int rc = fa_solver_create(m, &s);
    if (!rc) rc = fa_diag_record_init(&rec, m->nspecies, m->hs, m->nhs);
    if (!rc && !(mass0 = fa_calloc((size_t)m->nspecies, sizeof(double)))) rc = FA_ENOMEM;
    if (!rc) rc = opt->append ? fa_output_append(path, m, &out) : fa_output_create(path, m, &out);
    if (rc) goto done;
    fa_solver_set_progress(s, opt->progress, opt->progress_user);
    if (opt->interrupt) fa_solver_watch_flag(s, opt->interrupt);
    for (int i = 0; i < m->nspecies; i++) mass0[i] = fa_diag_mass(m->grid, fa_solver_density(s, i));
    fa_log(FA_LOG_INFO, "run: %d species on a %dD grid of %ld cells, t = %g .. %g, %d records -> %s",
           m->nspecies, m->grid->dim, m->grid->ntotal, m->t_start, m->t_end, m->nout, path);
    if (!opt->append && (rc = write_state(out, &rec, s, m))) goto done;
    for (int k = 1; k < m->nout; k++) {
        rc = fa_solver_advance(s, m->out_times[k]);
        if (rc == FA_EINTERRUPT) { /* keep the state reached as a last record */
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", fa_last_error());
            int wrc = write_state(out, &rec, s, m);
            fa_error_at(FA_EINTERRUPT, __FILE__, __LINE__, "%s%s", msg,
                        wrc ? "; the last state could not be written" : "; state written as the last record");
            goto done;
        }
        if (rc) goto done;
        if ((rc = write_state(out, &rec, s, m))) goto done;
        fa_log(FA_LOG_DEBUG, "record %ld at t = %g", fa_output_records(out), m->out_times[k]);
    }
done:
    if (s) {
        fa_solver_get_stats(s, &res->stats);
        res->t_reached = rec.time;
        for (int i = 0; mass0 && i < m->nspecies; i++)
            if (mass0[i] != 0)
                res->mass_drift = fmax(res->mass_drift, fabs(fa_diag_mass(m->grid, fa_solver_density(s, i)) - mass0[i]) / fabs(mass0[i]));
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
    free(mass0);
    fa_diag_record_free(&rec);
    fa_solver_free(s);
    return rc;
}
