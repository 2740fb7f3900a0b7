/* fracagg run: the macroscopic solver from a configuration to a run file. */
#include <config.h>

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

static void on_signal(int sig) { fa_request_stop(sig); }

/* Progress on a terminal only: simulated time, steps, elapsed, estimate of the rest. */
typedef struct {
    double wall0, last_print, t0;
    int shown;
} progress_t;

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void show_progress(double t, double t_end, long steps, void *user)
{
    progress_t *p = user;
    double now = wall();
    if (now - p->last_print < 0.2 && t < t_end) return;
    p->last_print = now;
    double frac = (t - p->t0) / (t_end - p->t0), el = now - p->wall0;
    fprintf(stderr, "\r  t = %-11.5g %5.1f%%  steps %-8ld elapsed %6.1f s", t, 100 * frac, steps, el);
    if (frac > 0.01) fprintf(stderr, "  ETA %6.1f s", el * (1 - frac) / frac);
    fprintf(stderr, "   ");
    p->shown = 1;
}

void cli_install_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}


static int continue_option(int argc, char **argv, int i, void *user)
{
    const char **path = user;
    if (strcmp(argv[i], "--continue") == 0) {
        if (i + 1 >= argc) {
            fprintf(stderr, "fracagg: --continue needs a run file\n");
            return -1;
        }
        *path = argv[i + 1];
        return 2;
    }
    if (strncmp(argv[i], "--continue=", 11) == 0) {
        *path = argv[i] + 11;
        return 1;
    }
    return 0;
}

/* The model that continues a run file (the library's fa_continuation_open); the message of a
 * complete run. */
static int load_continuation(const char *path, const cli_config_args_t *a, int kinetic, fa_model_t **m,
                             fa_continuation_t *info)
{
    int rc = fa_continuation_open(path, (const char *const *)a->sets, a->nsets, cli_comm(), m, info);
    if (rc) {
        cli_error(NULL);
        return FA_EXIT_USAGE;
    }
    if (info->kinetic != kinetic) { /* the file's records are of the other command's kind */
        fprintf(stderr, "fracagg: %s is %s run file: continue it with `fracagg %s --continue %s`\n", path,
                info->kinetic ? "a kinetic" : "a macroscopic", info->kinetic ? "kinetic" : "run", path);
        fa_model_free(*m);
        *m = NULL;
        fa_continuation_free(info);
        return FA_EXIT_USAGE;
    }
    if (info->complete)
        fprintf(stderr, "fracagg: %s is complete (%ld records up to t = %g = end); extend it with --set time.end=T\n",
                path, info->records, info->last_time);
    return FA_EXIT_OK;
}

static int run_command(const char *cmd, int argc, char **argv, int kinetic)
{
    cli_config_args_t a;
    const char *cont = NULL;
    if (cli_parse_config_args(cmd, argc, argv, &a, continue_option, &cont) != 0) return FA_EXIT_USAGE;
    if ((!a.config && !cont) || (a.config && cont) || (cont && (a.output || a.overwrite))) {
        if (cont)
            fprintf(stderr, "fracagg %s: --continue FILE takes no CONFIG, no -o and no --overwrite (it appends to "
                    "FILE)\n", cmd);
        cli_command_help(cmd, stderr);
        return FA_EXIT_USAGE;
    }
    cli_set_verbosity(a.verbosity);
    fa_model_t *m = NULL;
    fa_continuation_t info = {0};
    int code = cont ? load_continuation(cont, &a, kinetic, &m, &info) : cli_load_model(&a, &m);
    if (!code && info.complete) { /* nothing left to do */
        fa_continuation_free(&info);
        return FA_EXIT_OK;
    }
    if (code) return code;
    const char *out = cont ? cont : a.output ? a.output : fa_model_output_file(m);
    /* refuse before starting what the disk cannot hold (an append needs the new records only) */
    int nrec = 0;
    fa_model_output_times(m, &nrec);
    if (cli_check_output(out, m, cont != NULL) != 0 ||
        cli_check_space(out, cont ? fa_output_estimate_append_bytes(m, kinetic, info.records > 0 ? nrec - 1 : nrec)
                                  : fa_output_estimate_bytes(m, kinetic, nrec)) != 0) {
        fa_continuation_free(&info);
        fa_model_free(m);
        return FA_EXIT_USAGE;
    }
    progress_t prog = {.wall0 = wall(), .t0 = fa_model_t_start(m)};
    fa_run_options_t opt = {.output = out, .append = cont != NULL, .config_text = info.config_text,
                            .history = cli_command_line()};
    if (a.verbosity >= 0 && isatty(STDERR_FILENO)) {
        opt.progress = show_progress;
        opt.progress_user = &prog;
    }
    cli_install_stop_signals();
    fa_run_result_t res;
    int rc = kinetic ? fa_run_kinetic(m, &opt, &res) : fa_run(m, &opt, &res);
    if (prog.shown) fprintf(stderr, "\n");
    fa_continuation_free(&info);
    if (rc == FA_EINTERRUPT) {
        int sig = fa_stop_requested() > 0 ? fa_stop_requested() : SIGINT;
        const char *how = sig == SIGTERM ? "terminated" : "interrupted";
        if (res.records > 0)
            fprintf(stderr, "fracagg: %s at t = %g; %ld records in %s\n", how, res.t_reached, res.records, out);
        else
            fprintf(stderr, "fracagg: %s before the first record: no record in %s\n", how, out);
        fa_model_free(m);
        return 128 + sig;
    }
    if (rc != FA_OK) {
        cli_error(cli_failure_kind(rc));
        if (res.records > 0)
            fprintf(stderr, "fracagg: %ld records up to t = %g are kept in %s\n", res.records, res.t_reached, out);
        fa_model_free(m);
        return cli_exit_code(rc);
    }
    if (a.verbosity >= 0)
        printf("%s: %ld records, t = %g .. %g; %ld steps, %ld RHS evaluations, %ld Krylov iterations; "
               "mass drift %.1e; %.2f s\n",
               out, res.records, fa_model_t_start(m), res.t_reached, res.stats.steps, res.stats.rhs_evals,
               res.stats.krylov_iters, res.mass_drift, res.wall_seconds);
    if (kinetic && a.verbosity >= 0)
        printf("kinetic model: %ld steps, %ld RHS/force evaluations, %ld Krylov iterations; "
               "w1 and modulated energies per record in %s\n",
               res.kinetic_stats.steps, res.kinetic_stats.rhs_evals, res.kinetic_stats.krylov_iters, out);
    fa_model_free(m);
    return FA_EXIT_OK;
}

int cmd_run(int argc, char **argv) { return run_command("run", argc, argv, 0); }
int cmd_kinetic(int argc, char **argv) { return run_command("kinetic", argc, argv, 1); }
