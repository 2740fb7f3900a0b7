/* Files of small-inertia sweeps (fracagg limit; the layout is runfile_schema.c's): time is the
 * record dimension as in a run file (CDO and ParaView take it for the time axis), every output
 * time is written at creation, and each epsilon is a column written when its kinetic run is
 * done: the series, their maxima and orders, and last its step count. A killed sweep keeps
 * the finished columns; a fill value in `steps` marks an epsilon not (completely) run. */
#include "runfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model_internal.h"
#include "outfile.h"
#include "runfile_schema.h"

struct fa_limitfile {
    char *path;
    const fa_grid_t *g; /* distributed: rank 0 writes, the others follow its status */
    int ncid, N, nt, neps;
    fa_outfile_t of; /* lock, fsync descriptor, temporary name until the header is written */
    int v_series[4], v_max[4], v_order[4], v_steps, v_rhs;
};

static int limitfile_create_root(fa_limitfile_t *f, const fa_model_t *m, const double *eps, const char *history)
{
    const char *p = f->path;
    int overwrite = fa_model_output_overwrite(m);
    FA_TRY(fa_outfile_begin(&f->of, p, overwrite, m));
    int rc = nc_create(f->of.tmp, NC_CLOBBER | NC_64BIT_OFFSET, &f->ncid);
    if (rc != NC_NOERR) {
        f->ncid = -1;
        return FA_ERROR(FA_EIO, "cannot create %s: %s", p, rc > 0 ? strerror(rc) : nc_strerror(rc));
    }
    const char *names[64];
    for (int i = 0; i < f->N; i++) names[i] = fa_model_species_name(m, i);
    fa_rf_shape_t shape = {.kind = FA_RF_LIMITFILE, .dim = fa_grid_dim(f->g), .nspecies = f->N, .neps = f->neps,
                           .names = names};
    FA_TRY(fa_rf_define(p, f->ncid, &shape));
    int nc = f->ncid;
    FA_TRY(fa_rf_put_text(p, nc, NC_GLOBAL, "Conventions", "CF-1.8"));
    FA_TRY(fa_rf_put_text(p, nc, NC_GLOBAL, "title", "fracagg small-inertia sweep"));
    FA_TRY(fa_rf_put_text(p, nc, NC_GLOBAL, "source", "fracagg " FA_VERSION));
    char stamp[64], *hist;
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!(hist = fa_asprintf("%s: %s", stamp, history ? history : "fracagg " FA_VERSION " (fa_limit)"))) return FA_ENOMEM;
    rc = fa_rf_put_text(p, nc, NC_GLOBAL, "history", hist);
    free(hist);
    FA_TRY(rc);
    FA_TRY(fa_rf_put_text(p, nc, NC_GLOBAL, "comment",
                          "All quantities are dimensionless (units \"1\"). One column per epsilon; a fill value in "
                          "'steps' marks an epsilon not (completely) run. Layout: fracagg manual, section 9."));
    FA_TRY(fa_rf_put_text(p, nc, NC_GLOBAL, "kinetic_model",
                          fa_model_kinetic_options(m)->model == FA_KINETIC_MOMENT ? "moment" : "particles"));
    char *cfg = fa_config_to_string(fa_model_config(m));
    if (!cfg) return FA_ENOMEM;
    rc = fa_rf_put_text(p, nc, NC_GLOBAL, "config", cfg);
    free(cfg);
    FA_TRY(rc);
    for (int q = 0; q < 4; q++) {
        char name[64];
        NC_TRY(p, nc_inq_varid(nc, fa_rf_series_names[q], &f->v_series[q]));
        snprintf(name, sizeof name, "%s_max", fa_rf_series_names[q]);
        NC_TRY(p, nc_inq_varid(nc, name, &f->v_max[q]));
        snprintf(name, sizeof name, "%s_order", fa_rf_series_names[q]);
        NC_TRY(p, nc_inq_varid(nc, name, &f->v_order[q]));
    }
    NC_TRY(p, nc_inq_varid(nc, "steps", &f->v_steps));
    NC_TRY(p, nc_inq_varid(nc, "rhs_evals", &f->v_rhs));
    NC_TRY(p, nc_enddef(nc));
    /* the records (every output time) and the coordinates, now: the columns fill them */
    int v, nt;
    const double *times = fa_model_output_times(m, &nt);
    size_t zero = 0, cnt = (size_t)nt;
    NC_TRY(p, nc_inq_varid(nc, "time", &v));
    NC_TRY(p, nc_put_vara_double(nc, v, &zero, &cnt, times));
    NC_TRY(p, nc_inq_varid(nc, "eps", &v));
    NC_TRY(p, nc_put_var_double(nc, v, eps));
    NC_TRY(p, nc_inq_varid(nc, "species", &v));
    for (int i = 0; i < f->N; i++) {
        char name[FA_RF_NAME_LEN] = {0};
        memcpy(name, names[i], strnlen(names[i], FA_RF_NAME_LEN));
        size_t start[2] = {(size_t)i, 0}, count[2] = {1, FA_RF_NAME_LEN};
        NC_TRY(p, nc_put_vara_text(nc, v, start, count, name));
    }
    NC_TRY(p, nc_sync(nc));
    return fa_outfile_publish(&f->of, overwrite);
}

int fa_limitfile_create(const char *path, const fa_model_t *m, const double *eps, int neps, const char *history,
                        fa_limitfile_t **out)
{
    *out = NULL;
    fa_limitfile_t *f = fa_calloc(1, sizeof *f);
    if (!f || !(f->path = fa_strdup(path))) {
        free(f);
        return FA_ENOMEM;
    }
    f->g = fa_model_grid(m);
    f->N = fa_model_species(m);
    fa_model_output_times(m, &f->nt);
    f->neps = neps;
    f->of.fd = -1;
    f->ncid = -1;
    int rc = fa_gbcast_int(f->g, fa_grid_is_root(f->g) ? limitfile_create_root(f, m, eps, history) : FA_OK);
    if (rc) {
        fa_limitfile_close(f);
        return rc;
    }
    *out = f;
    return FA_OK;
}

static int limitfile_write_root(fa_limitfile_t *f, long col, const fa_limit_row_t *r, const double *const ser[4])
{
    const char *p = f->path;
    int nc = f->ncid;
    size_t k = (size_t)col, s3[3] = {0, k, 0}, c3[3] = {(size_t)f->nt, 1, (size_t)f->N};
    const double mx[4] = {r->w1, r->modulated, r->modulated_kinetic, r->modulated_interaction};
    const double od[4] = {r->order_w1, r->order_modulated, r->order_kinetic, r->order_interaction};
    for (int q = 0; q < 4; q++) { /* a [time][species] buffer is the column's slice */
        NC_TRY(p, nc_put_vara_double(nc, f->v_series[q], s3, c3, ser[q]));
        NC_TRY(p, nc_put_var1_double(nc, f->v_max[q], &k, &mx[q]));
        NC_TRY(p, nc_put_var1_double(nc, f->v_order[q], &k, &od[q]));
    }
    int steps = (int)(r->stats.steps > 2147483646L ? 2147483646L : r->stats.steps);
    int rhs = (int)(r->stats.rhs_evals > 2147483646L ? 2147483646L : r->stats.rhs_evals);
    NC_TRY(p, nc_put_var1_int(nc, f->v_rhs, &k, &rhs));
    NC_TRY(p, nc_put_var1_int(nc, f->v_steps, &k, &steps)); /* last: the column is complete */
    NC_TRY(p, nc_sync(nc));
    if (f->of.fd >= 0 && fsync(f->of.fd) != 0 && errno != EINVAL) return FA_ERROR(FA_EIO, "%s: fsync: %s", p, strerror(errno));
    return FA_OK;
}

int fa_limitfile_write(fa_limitfile_t *f, long col, const fa_limit_row_t *r, const double *const ser[4])
{
    return fa_gbcast_int(f->g, fa_grid_is_root(f->g) ? limitfile_write_root(f, col, r, ser) : FA_OK);
}

int fa_limitfile_close(fa_limitfile_t *f)
{
    if (!f) return FA_OK;
    int rc = FA_OK;
    if (f->ncid >= 0 && nc_close(f->ncid) != NC_NOERR) rc = FA_ERROR(FA_ENETCDF, "%s: closing failed", f->path);
    fa_outfile_end(&f->of);
    const fa_grid_t *g = f->g;
    free(f->path);
    free(f);
    return g ? fa_gbcast_int(g, rc) : rc;
}
