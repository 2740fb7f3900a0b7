/* fracagg limit: the small-inertia sweep and its table of rates. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct {
    double eps[64];
    int n;
    int bad;
} eps_list_t;

static int parse_eps(int argc, char **argv, int i, void *user)
{
    eps_list_t *e = user;
    const char *v = NULL;
    int at = i, m = cli_option_value("limit", argc, argv, &at, "--eps", &v);
    if (m <= 0) return m;
    char *copy = strdup(v), *save = NULL;
    if (!copy) return -1;
    e->n = 0;
    for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
        double x;
        const char *why = e->n == 64 ? "more than 64 values" : NULL;
        if (!why && cli_parse_double("limit", "--eps", tok, &x)) why = ""; /* message printed */
        if (!why && !(x > 0)) why = "not a positive number";
        if (why) {
            if (*why) fprintf(stderr, "fracagg limit: --eps %s: '%s': %s\n", v, tok, why);
            free(copy);
            return -1;
        }
        e->eps[e->n++] = x;
    }
    free(copy);
    return at - i + 1; /* argv entries consumed */
}

static void print_row(const fa_limit_row_t *r, int index, int count, void *user)
{
    (void)count, (void)user;
    if (index == 0)
        printf("%-10s %12s %6s %12s %6s %12s %6s %12s %6s %7s\n", "epsilon", "max W1", "order", "max E", "order",
               "kinetic", "order", "interaction", "order", "steps");
    char o[4][16];
    const double ord[4] = {r->order_w1, r->order_modulated, r->order_kinetic, r->order_interaction};
    for (int q = 0; q < 4; q++) {
        if (isnan(ord[q])) snprintf(o[q], sizeof o[q], "%6s", "");
        else snprintf(o[q], sizeof o[q], "%6.3f", ord[q]);
    }
    printf("%-10.4g %12.4e %s %12.4e %s %12.4e %s %12.4e %s %7ld\n", r->epsilon, r->w1, o[0], r->modulated, o[1],
           r->modulated_kinetic, o[2], r->modulated_interaction, o[3], r->stats.steps);
    fflush(stdout);
}

int cmd_limit(int argc, char **argv)
{
    cli_config_args_t a;
    eps_list_t e = {.n = 0};
    if (cli_parse_config_args("limit", argc, argv, &a, parse_eps, &e) != 0) return FA_EXIT_USAGE;
    if (!a.config || e.n == 0) {
        if (!e.n && a.config) fprintf(stderr, "fracagg limit: give the inertias with --eps E1,E2,...\n");
        cli_command_help("limit", stderr);
        return FA_EXIT_USAGE;
    }
    cli_set_verbosity(a.verbosity);
    fa_model_t *m = NULL;
    int code = cli_load_model(&a, &m);
    if (code) return code;
    char *dflt = NULL;
    const char *out = a.output;
    if (!out) { /* CONFIG's run file name with _limit */
        const char *f = fa_model_output_file(m);
        size_t len = strlen(f);
        dflt = malloc(len + 8);
        if (!dflt) return FA_EXIT_FAILED;
        snprintf(dflt, len + 8, "%.*s_limit.nc", (int)(len > 3 && !strcmp(f + len - 3, ".nc") ? len - 3 : len), f);
        out = dflt;
    }
    if (cli_check_output(out, m, 0) != 0) {
        free(dflt);
        fa_model_free(m);
        return FA_EXIT_USAGE;
    }
    cli_install_stop_signals();
    if (a.verbosity >= 0)
        printf("small-inertia sweep: kinetic model vs macroscopic solution, maxima over t of sums over species\n");
    fa_limit_options_t lo = {.output = out, .history = cli_command_line(), .progress = a.verbosity >= 0 ? print_row : NULL};
    int rc = fa_limit(m, e.eps, e.n, &lo, NULL);
    if (rc == FA_EINTERRUPT) {
        fprintf(stderr, "fracagg: interrupted; the finished columns are in %s\n", out);
        code = 128 + (fa_stop_requested() > 0 ? fa_stop_requested() : 2);
    } else if (rc) {
        cli_error(cli_failure_kind(rc));
        code = cli_exit_code(rc);
    } else if (a.verbosity >= 0) {
        printf("table and series written to %s\n", out);
    }
    free(dflt);
    fa_model_free(m);
    return code;
}
