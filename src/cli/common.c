/* Helpers shared by the commands: argument parsing, loading a model, reporting errors. */
#include <config.h>

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <sys/statvfs.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void cli_error(const char *what)
{
    const char *msg = fa_last_error();
    if (what)
        fprintf(stderr, "fracagg: %s: %s\n", what, msg[0] ? msg : fa_strerror(fa_last_error_code()));
    else
        fprintf(stderr, "fracagg: %s\n", msg[0] ? msg : fa_strerror(fa_last_error_code()));
}

int cli_exit_code(int status)
{
    switch (status) {
    case FA_OK: return FA_EXIT_OK;
    case FA_ESOLVER:
    case FA_ENUMERIC:
    case FA_EDOMAIN: return FA_EXIT_FAILED;
    case FA_EINTERRUPT: return 130;
    case FA_ENOMEM:
    case FA_EFFTW:
    case FA_ENETCDF: return FA_EXIT_FAILED;
    default: return FA_EXIT_USAGE;
    }
}

const char *cli_failure_kind(int status)
{
    return status == FA_ESOLVER || status == FA_ENUMERIC || status == FA_EDOMAIN ? "integration failed" : NULL;
}

static void log_to_stderr(fa_log_level_t level, const char *msg, void *user)
{
    (void)user;
    const char *tag = level == FA_LOG_ERROR ? "error: " : level == FA_LOG_WARN ? "warning: " : "";
    fprintf(stderr, "fracagg: %s%s\n", tag, msg);
}

void cli_set_verbosity(int v)
{
    fa_log_set_handler(log_to_stderr, NULL, v < 0 ? FA_LOG_ERROR : v == 0 ? FA_LOG_WARN : FA_LOG_INFO);
}

int cli_option_value(const char *cmd, int argc, char **argv, int *i, const char *name, const char **val)
{
    size_t len = strlen(name);
    if (strcmp(argv[*i], name) == 0) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "fracagg %s: option '%s' needs a value\n", cmd, name);
            return -1;
        }
        *val = argv[++*i];
        return 1;
    }
    if (strncmp(argv[*i], name, len) == 0 && argv[*i][len] == '=') {
        *val = argv[*i] + len + 1;
        return 1;
    }
    return 0;
}

int cli_parse_double(const char *cmd, const char *opt, const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        fprintf(stderr, "fracagg %s: %s: '%s' is not a number\n", cmd, opt, text);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_long(const char *cmd, const char *opt, const char *text, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (end == text || *end != '\0' || errno) {
        fprintf(stderr, "fracagg %s: %s: '%s' is not an integer\n", cmd, opt, text);
        return -1;
    }
    if (v < lo || v > hi) {
        if (hi == LONG_MAX)
            fprintf(stderr, "fracagg %s: %s: %ld is below %ld\n", cmd, opt, v, lo);
        else
            fprintf(stderr, "fracagg %s: %s: %ld is outside %ld .. %ld\n", cmd, opt, v, lo, hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_config_args(const char *cmd, int argc, char **argv, cli_config_args_t *a,
                          cli_extra_fn extra, void *user)
{
    memset(a, 0, sizeof *a);
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *val;
        int m;
        if ((m = cli_option_value(cmd, argc, argv, &i, "-o", &val)) ||
            (m = cli_option_value(cmd, argc, argv, &i, "--output", &val))) {
            if (m < 0) return -1;
            a->output = val;
        } else if ((m = cli_option_value(cmd, argc, argv, &i, "--set", &val))) {
            if (m < 0) return -1;
            if (a->nsets == 256) {
                fprintf(stderr, "fracagg %s: more than 256 --set options\n", cmd);
                return -1;
            }
            a->sets[a->nsets++] = val;
        } else if (strcmp(arg, "--overwrite") == 0) {
            a->overwrite = 1;
        } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            a->verbosity = -1;
        } else if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
            a->verbosity = 1;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            cli_command_help(cmd, stdout);
            exit(FA_EXIT_OK);
        } else {
            int used = extra ? extra(argc, argv, i, user) : 0;
            if (used < 0) return -1;
            if (used > 0) {
                i += used - 1;
            } else if (arg[0] == '-' && arg[1] != '\0') {
                fprintf(stderr, "fracagg %s: unknown option '%s'\n", cmd, arg);
                return -1;
            } else if (!a->config) {
                a->config = arg;
            } else {
                fprintf(stderr, "fracagg %s: unexpected argument '%s'\n", cmd, arg);
                return -1;
            }
        }
    }
    return 0;
}

int cli_load_model(const cli_config_args_t *a, fa_model_t **model)
{
    fa_config_t *cfg = NULL;
    int rc = fa_config_read_file(a->config, &cfg);
    for (int i = 0; rc == FA_OK && i < a->nsets; i++) rc = fa_config_set(cfg, a->sets[i]);
    if (rc == FA_OK && a->overwrite) rc = fa_config_set(cfg, "output.overwrite=yes");
    if (rc == FA_OK) rc = fa_model_create(cfg, cli_comm(), model);
    fa_config_free(cfg);
    if (rc != FA_OK) {
        cli_error(NULL);
        return FA_EXIT_USAGE;
    }
    return FA_EXIT_OK;
}

int cli_check_space(const char *path, double bytes)
{
    char *copy = strdup(path);
    if (!copy) return -1;
    struct statvfs sv;
    int ok = 0;
    if (statvfs(dirname(copy), &sv) == 0) {
        double avail = (double)sv.f_bavail * (double)sv.f_frsize;
        if (avail < bytes) {
            fprintf(stderr, "fracagg: %s would need %.1f MB, but only %.1f MB are free there\n", path, bytes / 1e6, avail / 1e6);
            ok = -1;
        }
    }
    free(copy);
    return ok;
}

int cli_check_output(const char *path, const fa_model_t *m, int append)
{
    if (fa_output_check(path, m, append) == FA_OK) return 0;
    cli_error(NULL);
    return -1;
}
