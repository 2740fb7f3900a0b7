/* Continuing a run file (run.h): the model that picks a run up at its last record.
 *
 * A run file is input, possibly received from someone else: what it stores decides nothing
 * beyond the run it describes. Its configuration is the continuation's, with two limits:
 *  - no path it names is touched (doc/manual.md section 5): the records are appended to the
 *    run file itself whatever [output] file says, the initial data are the file's own last
 *    record, and a stored [solver] wisdom (a file FFTW wisdom is read from and written to) is
 *    dropped unless the user gives it again with --set;
 *  - overrides (--set) may change how the run goes on, not what the file's records are: keys
 *    that define the file's layout or the meaning of its records are refused (table below). */
#include "internal.h"
#include "runfile.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Keys a continuation cannot override, by section (a prefix ending in '.' matches every
 * numbered section: kernel.1.2, initial.1) and key (NULL: every key of the section), and why.
 * Allowed are the rest: [time] end, outputs, output_every (the schedule after the last
 * record), the solver's method, tolerances and resources, and the stop criteria (edge_fraction,
 * collapse_width, max_steps). */
static const struct {
    const char *section, *key, *why;
} fixed_keys[] = {
    {"grid", "dim", "the file's grid (its dimensions and coordinates)"},
    {"grid", "cells", "the file's grid (its dimensions and coordinates)"},
    {"grid", "length", "the file's grid (its dimensions and coordinates)"},
    {"grid", "boundary", "the problem the records solve (a run cannot change its boundary)"},
    {"species", NULL, "the file's species (their number and names are its variables)"},
    {"kernel.", NULL, "the equations the records solve"},
    {"initial.", NULL, "the initial data: a continuation starts from the file's last record"},
    {"time", "start", "the start of the records' time axis"},
    {"solver", "scheme", "the discretisation the records were computed with (the file's solver_scheme)"},
    {"solver", "limiter", "the discretisation the records were computed with (the file's solver_scheme)"},
    {"output", "hs", "the H^s orders recorded (the file's hs coordinate)"},
    {"output", "file", "where the records go: a continuation appends to the run file itself"},
    {"output", "initial_record", "the file's first record, which is written already"},
    {"kinetic", NULL, "the kinetic model the records were computed with"},
};

/* The section and key of an override "section.key=value" (as fa_config_set splits it); 0 if
 * it is malformed (fa_config_set reports that). */
static int split_set(const char *set, char *section, size_t scap, char *key, size_t kcap)
{
    const char *eq = strchr(set, '=');
    if (!eq) return 0;
    const char *dot = NULL;
    for (const char *p = set; p < eq; p++)
        if (*p == '.') dot = p;
    if (!dot) return 0;
    const char *s0 = set, *s1 = dot, *k0 = dot + 1, *k1 = eq;
    while (s0 < s1 && isspace((unsigned char)*s0)) s0++;
    while (s1 > s0 && isspace((unsigned char)s1[-1])) s1--;
    while (k0 < k1 && isspace((unsigned char)*k0)) k0++;
    while (k1 > k0 && isspace((unsigned char)k1[-1])) k1--;
    snprintf(section, scap, "%.*s", (int)(s1 - s0), s0);
    snprintf(key, kcap, "%.*s", (int)(k1 - k0), k0);
    return 1;
}

static int matches(const char *pattern, const char *section)
{
    size_t n = strlen(pattern);
    return pattern[n - 1] == '.' ? strncmp(section, pattern, n) == 0 : strcmp(section, pattern) == 0;
}

/* Is every override one a continuation may make? `empty`: the file holds no records yet, so
 * its initial data are still the configuration's, and may be given (a path again). */
static int check_overrides(const char *path, const char *const *sets, int nsets, int empty)
{
    for (int i = 0; i < nsets; i++) {
        char section[256], key[256];
        if (!split_set(sets[i], section, sizeof section, key, sizeof key)) continue;
        for (size_t k = 0; k < sizeof fixed_keys / sizeof fixed_keys[0]; k++) {
            if (!matches(fixed_keys[k].section, section) || (fixed_keys[k].key && strcmp(fixed_keys[k].key, key) != 0))
                continue;
            if (empty && strcmp(fixed_keys[k].section, "initial.") == 0) continue;
            return FA_ERROR(FA_ECONFIG, "--set %s.%s: a continuation of %s cannot change [%s] %s: it defines %s; "
                            "start a new run (fracagg run CONFIG with [initial] type = file) instead",
                            section, key, path, section, key, fixed_keys[k].why);
        }
    }
    return FA_OK;
}

/* Was (section, key) given as an override? */
static int overridden(const char *const *sets, int nsets, const char *section, const char *key)
{
    for (int i = 0; i < nsets; i++) {
        char s[256], k[256];
        if (split_set(sets[i], s, sizeof s, k, sizeof k) && strcmp(s, section) == 0 && strcmp(k, key) == 0) return 1;
    }
    return 0;
}

int fa_continuation_open(const char *path, const char *const *sets, int nsets, const fa_comm_t *comm,
                         fa_model_t **model, fa_continuation_t *info)
{
    *model = NULL;
    memset(info, 0, sizeof *info);
    char *text = NULL;
    fa_config_t *cfg = NULL;
    int rc = fa_runfile_stored(path, &text, &info->records, &info->last_time, &info->kinetic);
    int empty = !rc && info->records == 0;
    if (!rc) rc = check_overrides(path, sets, nsets, empty);
    if (!rc) rc = fa_config_read_string(text, path, &cfg);
    for (int i = 0; !rc && i < nsets; i++) rc = fa_config_set(cfg, sets[i]);
    /* the run's configuration from now on: the file's with the overrides (an extended end time
     * is remembered); the initial data below are this continuation's only */
    if (!rc && !(info->config_text = fa_config_to_string(cfg))) rc = FA_ENOMEM;
    /* paths the file names are not the user's word: dropped, unless given again */
    if (!rc && !overridden(sets, nsets, "solver", "wisdom") && fa_config_get(cfg, "solver", "wisdom")) {
        fa_log(FA_LOG_WARN, "%s: its [solver] wisdom = %s is not used by a continuation (give it with --set "
               "solver.wisdom=FILE to use it)", path, fa_config_get(cfg, "solver", "wisdom"));
        fa_config_remove_key(cfg, "solver", "wisdom");
    }
    long N = 1;
    const char *count = rc ? NULL : fa_config_get(cfg, "species", "count");
    if (count) N = strtol(count, NULL, 10);
    for (long i = 1; !rc && i <= N && i <= 64; i++) {
        char sec[64];
        snprintf(sec, sizeof sec, "initial.%ld", i);
        if (empty) { /* the configuration's own initial data: a file it names only if given again */
            const char *type = fa_config_get(cfg, sec, "type");
            if (type && strcmp(type, "file") == 0 && !overridden(sets, nsets, sec, "path"))
                rc = FA_ERROR(FA_ECONFIG, "%s holds no records yet, and its [%s] takes the initial data from the run "
                              "file %s: a continuation opens no file a run file names; give it again with --set "
                              "%s.path=FILE", path, sec, fa_config_get(cfg, sec, "path") ? fa_config_get(cfg, sec, "path")
                                                                                        : "(none)", sec);
            continue;
        }
        /* every species from the file's last record */
        fa_config_remove_section(cfg, sec);
        rc = fa_config_set_value(cfg, sec, "type", "file");
        if (!rc) rc = fa_config_set_value(cfg, sec, "path", path);
    }
    if (!rc) rc = fa_model_create(cfg, comm, model);
    if (!rc && !empty && info->last_time >= fa_model_t_end(*model))
        info->complete = 1;
    else if (!rc && !empty)
        rc = fa_model_resume(*model, info->last_time);
    free(text);
    fa_config_free(cfg);
    if ((rc || info->complete) && *model) {
        fa_model_free(*model);
        *model = NULL;
    }
    if (rc) fa_continuation_free(info);
    return rc;
}

void fa_continuation_free(fa_continuation_t *info)
{
    if (!info) return;
    free(info->config_text);
    memset(info, 0, sizeof *info);
}
