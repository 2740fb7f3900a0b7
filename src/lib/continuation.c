/* Continuing a run file (run.h): the model that picks a run up at its last record. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

int fa_continuation_open(const char *path, const char *const *sets, int nsets, const fa_comm_t *comm,
                         fa_model_t **model, fa_continuation_t *info)
{
    *model = NULL;
    memset(info, 0, sizeof *info);
    char *text = NULL;
    fa_config_t *cfg = NULL;
    int rc = fa_runfile_config(path, &text, &info->records, &info->last_time);
    if (!rc) rc = fa_config_read_string(text, path, &cfg);
    for (int i = 0; !rc && i < nsets; i++) rc = fa_config_set(cfg, sets[i]);
    /* the run's configuration from now on: the file's with the overrides (an extended end time
     * is remembered); the initial data below are this continuation's only */
    if (!rc && !(info->config_text = fa_config_to_string(cfg))) rc = FA_ENOMEM;
    long N = 1;
    const char *count = rc ? NULL : fa_config_get(cfg, "species", "count");
    if (count) N = strtol(count, NULL, 10);
    for (long i = 1; !rc && i <= N && i <= 64; i++) { /* every species from the file's last record */
        char sec[64];
        snprintf(sec, sizeof sec, "initial.%ld", i);
        fa_config_remove_section(cfg, sec);
        rc = fa_config_set_value(cfg, sec, "type", "file");
        if (!rc) rc = fa_config_set_value(cfg, sec, "path", path);
    }
    if (!rc) rc = fa_model_create(cfg, comm, model);
    if (!rc && info->last_time >= fa_model_t_end(*model))
        info->complete = 1;
    else if (!rc)
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
