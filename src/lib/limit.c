/* The small-inertia sweep: one macroscopic run kept in memory at the output times, then the
 * kinetic model for each epsilon compared with it record by record. */
#include "grid_internal.h"
#include "memory.h"
#include "runfile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double order(double prev, double cur, double eps_prev, double eps)
{
    if (!(prev > 0) || !(cur > 0)) return NAN;
    return log(prev / cur) / log(eps_prev / eps);
}

/* The default file of a sweep: the model's output file with _limit before .nc. */
static char *default_path(const fa_model_t *m)
{
    const char *out = fa_model_output_file(m), *dot = strrchr(out, '.');
    size_t len = dot && strcmp(dot, ".nc") == 0 ? (size_t)(dot - out) : strlen(out);
    return fa_asprintf("%.*s_limit.nc", (int)len, out);
}

int fa_limit(const fa_model_t *m, const double *epsilon, int n, const fa_limit_options_t *opt, fa_limit_row_t *rows)
{
    fa_limit_options_t defaults = {0};
    if (!opt) opt = &defaults;
    int N = fa_model_species(m), nt;
    const double *out_times = fa_model_output_times(m, &nt);
    long nl = fa_grid_local_cells(fa_model_grid(m));
    for (int e = 0; e < n; e++)
        if (!(epsilon[e] > 0)) return FA_ERROR(FA_EINVAL, "epsilon %g is not positive", epsilon[e]);
    FA_TRY(fa_job_memory_check(m, FA_JOB_LIMIT));
    fa_solver_t *s = NULL;
    fa_kinetic_t *k = NULL;
    fa_comparison_t cmp = {0};
    fa_limitfile_t *f = NULL;
    char *path = opt->output ? fa_strdup(opt->output) : default_path(m);
    double *macro = fa_malloc((size_t)nt * N * nl * sizeof(double));
    double *series = fa_calloc((size_t)4 * nt * N, sizeof(double));
    if (!macro || !series || !path) {
        free(macro);
        free(series);
        free(path);
        return FA_ERROR(FA_ENOMEM, "out of memory for the macroscopic states of the sweep (%d records)", nt);
    }
    int rc = fa_solver_create(m, &s);
    if (!rc) rc = fa_comparison_init(&cmp, N);
    if (!rc) rc = fa_limitfile_create(path, m, epsilon, n, opt->history, &f);
    /* the macroscopic run, once */
    for (int t = 0; !rc && t < nt; t++) {
        rc = fa_solver_advance(s, out_times[t]);
        for (int i = 0; !rc && i < N; i++)
            memcpy(macro + ((long)t * N + i) * nl, fa_solver_density(s, i), (size_t)nl * sizeof(double));
    }
    fa_limit_row_t prev = {0};
    for (int e = 0; !rc && e < n; e++) {
        fa_limit_row_t row = {.epsilon = epsilon[e]};
        rc = fa_kinetic_create(m, epsilon[e], &k);
        for (int t = 0; !rc && t < nt; t++) {
            rc = fa_kinetic_advance(k, out_times[t]);
            const double *rho[FA_MAX_SPECIES];
            for (int i = 0; i < N; i++) rho[i] = macro + ((long)t * N + i) * nl;
            double sum[4] = {0, 0, 0, 0};
            if (!rc) rc = fa_kinetic_compare(k, rho, &cmp);
            for (int i = 0; !rc && i < N; i++) {
                double v[4] = {cmp.w1[i], cmp.modulated[i], cmp.kinetic[i], cmp.interaction[i]};
                for (int q = 0; q < 4; q++) {
                    series[((long)q * nt + t) * N + i] = v[q];
                    sum[q] += v[q];
                }
            }
            row.w1 = fmax(row.w1, sum[0]);
            row.modulated = fmax(row.modulated, sum[1]);
            row.modulated_kinetic = fmax(row.modulated_kinetic, sum[2]);
            row.modulated_interaction = fmax(row.modulated_interaction, sum[3]);
        }
        if (rc) break;
        fa_kinetic_get_stats(k, &row.stats);
        fa_kinetic_free(k);
        k = NULL;
        row.order_w1 = e ? order(prev.w1, row.w1, prev.epsilon, row.epsilon) : NAN;
        row.order_modulated = e ? order(prev.modulated, row.modulated, prev.epsilon, row.epsilon) : NAN;
        row.order_kinetic = e ? order(prev.modulated_kinetic, row.modulated_kinetic, prev.epsilon, row.epsilon) : NAN;
        row.order_interaction =
            e ? order(prev.modulated_interaction, row.modulated_interaction, prev.epsilon, row.epsilon) : NAN;
        const double *sr[4] = {series, series + (long)nt * N, series + 2L * nt * N, series + 3L * nt * N};
        rc = fa_limitfile_write(f, e, &row, sr);
        if (rows) rows[e] = row;
        if (opt->progress) opt->progress(&row, e, n, opt->progress_user);
        prev = row;
    }
    fa_kinetic_free(k);
    int crc = fa_limitfile_close(f);
    if (!rc) rc = crc;
    fa_comparison_free(&cmp);
    fa_solver_free(s);
    free(macro);
    free(series);
    free(path);
    return rc;
}
