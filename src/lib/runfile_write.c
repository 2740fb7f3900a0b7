/* Writing run files: creation, appending, one record at a time (io.h; the layout is
 * runfile_schema.c's).
 *
 * Why NetCDF classic (64-bit offset; CDF-5 when a field's record exceeds 4 GiB): its header
 * holds the number of records, and netCDF writes that number only when the file is synced.
 * Writing a whole record, the time last, and then syncing (and fsyncing) means a process killed
 * at any moment leaves a file whose header counts only finished records; the bytes of a
 * half-written record lie beyond them and are ignored by readers and overwritten by a continued
 * run. (An HDF5-based file killed mid-write can be unreadable.) Records are written without
 * netCDF's fill pass (nothing beyond the record count is ever read). */
#include "runfile.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "model_internal.h"
#include "outfile.h"
#include "runfile_schema.h"

struct fa_output {
    char *path;
    int ncid;
    fa_outfile_t of; /* the file's lock (its descriptor is fsync'ed) and, until published, its temporary name */
    const fa_grid_t *grid;
    const fa_grid_layout_t *g;
    fa_rf_file_t file; /* the file's layout (version 2 when created here) */
    int N, nhs, dim, kinetic;
    long nrec;
    double *hs_buf;    /* [nhs][N] transposition buffer */
};

/* fsync after nc_sync: the record is on disk, not only in the page cache. */
static int sync_file(fa_output_t *o)
{
    NC_TRY(o->path, nc_sync(o->ncid));
    if (o->of.fd >= 0 && fsync(o->of.fd) != 0 && errno != EINVAL)
        return FA_ERROR(FA_EIO, "%s: fsync failed: %s", o->path, strerror(errno));
    return FA_OK;
}

/* "2026-12-06T02:57:01Z" */
static void utc_stamp(char *buf, size_t cap)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- creation ---------------------------------------------------------------------- */

static int global_attributes(fa_output_t *o, const fa_model_t *m, double epsilon)
{
    const char *p = o->path;
    int nc = o->ncid;
    const fa_grid_layout_t *g = o->g;
    const fa_solver_options_t *so = fa_model_solver_options(m);
    FA_TRY(fa_rf_put_text(p, nc, NC_GLOBAL, "Conventions", "CF-1.8"));
    FA_TRY(fa_rf_put_text(p, nc, NC_GLOBAL, "title", o->kinetic ? "fracagg kinetic run: multi-species nonlocal aggregation "
                                                                  "and its kinetic model"
                                                                : "fracagg run: multi-species nonlocal aggregation"));
    FA_TRY(fa_rf_put_text(p, nc, NC_GLOBAL, "source", "fracagg " FA_VERSION));
    char hist[256], stamp[64];
    utc_stamp(stamp, sizeof stamp);
    snprintf(hist, sizeof hist, "%s: created by fracagg %s", stamp, FA_VERSION);
    FA_TRY(fa_rf_put_text(p, nc, NC_GLOBAL, "history", hist));
    FA_TRY(fa_rf_put_text(p, nc, NC_GLOBAL, "comment",
                          "All quantities are dimensionless (units \"1\"). Densities are one variable per species, "
                          "density_<name>; the species names are the coordinate 'species'. Layout: fracagg manual, "
                          "section 5."));
    char *cfg = fa_config_to_string(fa_model_config(m));
    if (!cfg) return FA_ENOMEM;
    int rc = fa_rf_put_text(p, nc, NC_GLOBAL, "config", cfg);
    free(cfg);
    FA_TRY(rc);
    FA_TRY(fa_rf_put_text(p, nc, NC_GLOBAL, "config_name", fa_config_name(fa_model_config(m))));
    int dim = g->dim, cells[3] = {(int)g->n[0], (int)g->n[1], (int)g->n[2]};
    NC_TRY(p, nc_put_att_int(nc, NC_GLOBAL, "dim", NC_INT, 1, &dim));
    NC_TRY(p, nc_put_att_double(nc, NC_GLOBAL, "length", NC_DOUBLE, (size_t)dim, g->L));
    NC_TRY(p, nc_put_att_int(nc, NC_GLOBAL, "cells", NC_INT, (size_t)dim, cells));
    FA_TRY(fa_rf_put_text(p, nc, NC_GLOBAL, "boundary", fa_boundary_name(g->boundary)));
    const char *method[] = {"bdf", "adams", "ssprk3"};
    FA_TRY(fa_rf_put_text(p, nc, NC_GLOBAL, "solver_method", method[so->method]));
    FA_TRY(fa_rf_put_text(p, nc, NC_GLOBAL, "solver_scheme",
                          so->scheme == FA_SCHEME_UPWIND    ? "upwind"
                          : so->scheme == FA_SCHEME_CENTRAL ? "central"
                                                            : fa_limiter_name(so->limiter)));
    /* final solver statistics, rewritten at every record (same size, so allowed in data mode) */
    for (int k = 0; k < FA_RF_NSTATS; k++) {
        char an[64];
        double zero = 0;
        snprintf(an, sizeof an, "solver_%s", fa_rf_stat_names[k]);
        NC_TRY(p, nc_put_att_double(nc, NC_GLOBAL, an, NC_DOUBLE, 1, &zero));
    }
    if (o->kinetic) {
        NC_TRY(p, nc_put_att_double(nc, NC_GLOBAL, "epsilon", NC_DOUBLE, 1, &epsilon));
        FA_TRY(fa_rf_put_text(p, nc, NC_GLOBAL, "kinetic_model",
                              fa_model_kinetic_options(m)->model == FA_KINETIC_MOMENT ? "moment" : "particles"));
    }
    return FA_OK;
}

static int write_coordinates(fa_output_t *o, const fa_model_t *m)
{
    const char *p = o->path;
    int nc = o->ncid, v;
    for (int a = 0; a < o->dim; a++) {
        long n = o->g->n[a];
        double *c = fa_malloc((size_t)n * 2 * sizeof(double));
        if (!c) return FA_ENOMEM;
        for (long i = 0; i < n; i++) c[i] = fa_grid_center(o->grid, a, i);
        int rc = nc_inq_varid(nc, fa_rf_axis_names[a], &v);
        if (rc == NC_NOERR) rc = nc_put_var_double(nc, v, c);
        for (long i = 0; i < n; i++) {
            c[2 * i] = -0.5 * o->g->L[a] + i * o->g->h[a];
            c[2 * i + 1] = c[2 * i] + o->g->h[a];
        }
        char bname[16];
        snprintf(bname, sizeof bname, "%s_bnds", fa_rf_axis_names[a]);
        if (rc == NC_NOERR) rc = nc_inq_varid(nc, bname, &v);
        if (rc == NC_NOERR) rc = nc_put_var_double(nc, v, c);
        free(c);
        NC_TRY(p, rc);
    }
    NC_TRY(p, nc_inq_varid(nc, "species", &v));
    for (int i = 0; i < o->N; i++) {
        char name[FA_RF_NAME_LEN] = {0};
        memcpy(name, fa_model_species_name(m, i), strnlen(fa_model_species_name(m, i), FA_RF_NAME_LEN));
        size_t start[2] = {(size_t)i, 0}, count[2] = {1, FA_RF_NAME_LEN};
        NC_TRY(p, nc_put_vara_text(nc, v, start, count, name));
    }
    if (o->nhs > 0) {
        int nhs;
        NC_TRY(p, nc_inq_varid(nc, "hs", &v));
        NC_TRY(p, nc_put_var_double(nc, v, fa_model_hs_orders(m, &nhs)));
    }
    return FA_OK;
}

static fa_output_t *output_new(const char *path, const fa_model_t *m, int kinetic)
{
    fa_output_t *o = fa_calloc(1, sizeof *o);
    if (!o) return NULL;
    o->path = fa_strdup(path);
    o->grid = fa_model_grid(m);
    o->g = fa_grid_layout(o->grid);
    o->N = fa_model_species(m);
    fa_model_hs_orders(m, &o->nhs);
    o->dim = o->g->dim;
    o->kinetic = kinetic;
    o->ncid = -1;
    o->of.fd = -1;
    o->hs_buf = fa_malloc((size_t)(o->nhs > 0 ? o->nhs : 1) * o->N * sizeof(double));
    if (!o->path || !o->hs_buf) {
        free(o->path);
        free(o->hs_buf);
        free(o);
        return NULL;
    }
    return o;
}

/* The shape of a model's run file. */
static fa_rf_shape_t model_shape(const fa_model_t *m, int kinetic, const char **names)
{
    const fa_grid_layout_t *g = fa_grid_layout(fa_model_grid(m));
    fa_rf_shape_t s = {.kind = kinetic ? FA_RF_KINETIC : FA_RF_RUNFILE, .dim = g->dim, .nspecies = fa_model_species(m),
                       .names = names};
    for (int a = 0; a < 3; a++) s.n[a] = g->n[a];
    fa_model_hs_orders(m, &s.nhs);
    for (int i = 0; i < s.nspecies; i++) names[i] = fa_model_species_name(m, i);
    return s;
}

static int create_root(fa_output_t *o, const fa_model_t *m, double epsilon)
{
    const char *path = o->path;
    const char *names[64];
    fa_rf_shape_t shape = model_shape(m, o->kinetic, names);
    /* a record of one field beyond 4 GiB needs CDF-5 (the same header and crash safety) */
    int big = (double)o->g->ntotal * 8 > 4294967292.0;
    int overwrite = fa_model_output_overwrite(m);
    FA_TRY(fa_outfile_begin(&o->of, path, overwrite, m));
    int rc = nc_create(o->of.tmp, NC_CLOBBER | (big ? NC_64BIT_DATA : NC_64BIT_OFFSET), &o->ncid);
    if (rc != NC_NOERR) {
        int err = errno;
        o->ncid = -1;
        if (rc > 0) return FA_ERROR(FA_EIO, "cannot create run file %s: %s", path, strerror(rc));
        return FA_ERROR(FA_EIO, "cannot create run file %s: %s%s%s", path, nc_strerror(rc), err ? ": " : "",
                        err ? strerror(err) : "");
    }
    int old;
    NC_TRY(path, nc_set_fill(o->ncid, NC_NOFILL, &old));
    FA_TRY(fa_rf_define(path, o->ncid, &shape));
    FA_TRY(global_attributes(o, m, epsilon));
    /* reserve header space so that notes (status, history) can be added without moving data */
    NC_TRY(path, nc__enddef(o->ncid, 32768, 4, 0, 4));
    FA_TRY(write_coordinates(o, m));
    FA_TRY(fa_rf_inspect(path, o->ncid, &o->file));
    FA_TRY(sync_file(o));
    return fa_outfile_publish(&o->of, overwrite);
}

static int output_create(const char *path, const fa_model_t *m, int kinetic, double epsilon, fa_output_t **out)
{
    *out = NULL;
    fa_output_t *o = output_new(path, m, kinetic);
    if (!o) return FA_ENOMEM;
    int rc = fa_gbcast_int(o->grid, fa_grid_is_root(o->grid) ? create_root(o, m, epsilon) : FA_OK);
    if (rc) {
        fa_output_close(o);
        return rc;
    }
    *out = o;
    return FA_OK;
}

int fa_output_create(const char *path, const fa_model_t *m, fa_output_t **out)
{
    return output_create(path, m, 0, 0.0, out);
}

int fa_output_create_kinetic(const char *path, const fa_model_t *m, double epsilon, fa_output_t **out)
{
    return output_create(path, m, 1, epsilon, out);
}

double fa_output_estimate_append_bytes(const fa_model_t *m, int kinetic, int records)
{
    const char *names[64];
    fa_rf_shape_t s = model_shape(m, kinetic, names);
    int nout;
    fa_model_output_times(m, &nout);
    return fa_rf_record_bytes(&s) * (records < 0 ? nout : records);
}

double fa_output_estimate_bytes(const fa_model_t *m, int kinetic, int records)
{
    const char *names[64];
    fa_rf_shape_t s = model_shape(m, kinetic, names);
    return fa_rf_fixed_bytes(&s) + fa_output_estimate_append_bytes(m, kinetic, records);
}

static int check_root(const char *path, const fa_model_t *m, int append)
{
    if (!append) return fa_outfile_check(path, fa_model_output_overwrite(m), m);
    fa_outfile_t of;
    int rc = fa_outfile_open_existing(&of, path);
    fa_outfile_end(&of);
    return rc;
}

/* Rank 0 alone looks (it is the writer; ranks probing one file's lock at once would see each
 * other's probes as another writer). */
int fa_output_check(const char *path, const fa_model_t *m, int append)
{
    const fa_grid_t *g = fa_model_grid(m);
    return fa_gbcast_int(g, fa_grid_is_root(g) ? check_root(path, m, append) : FA_OK);
}

/* ---- appending --------------------------------------------------------------------- */

/* The file must be this model's: grid, species (count and names), H^s orders. */
static int check_layout(fa_output_t *o, const fa_model_t *m)
{
    const char *p = o->path;
    const fa_rf_shape_t *s = &o->file.shape;
    if (s->dim != o->dim)
        return FA_ERROR(FA_EFORMAT, "%s: a %dD run file, the configuration is %dD", p, s->dim, o->dim);
    for (int a = 0; a < o->dim; a++)
        if (s->n[a] != o->g->n[a])
            return FA_ERROR(FA_EFORMAT, "%s: %ld cells along %s, the configuration has %ld", p, s->n[a],
                            fa_rf_axis_names[a], o->g->n[a]);
    if (s->nspecies != o->N)
        return FA_ERROR(FA_EFORMAT, "%s: %d species, the configuration has %d", p, s->nspecies, o->N);
    for (int i = 0; i < o->N && o->file.version >= 2; i++)
        if (strcmp(o->file.names[i], fa_model_species_name(m, i)) != 0)
            return FA_ERROR(FA_EFORMAT, "%s: species %d is '%s' in the file, '%s' in the configuration: a run cannot "
                            "rename its species", p, i + 1, o->file.names[i], fa_model_species_name(m, i));
    if (s->nhs != o->nhs)
        return FA_ERROR(FA_EFORMAT, "%s: records %d H^s orders, the configuration %d ([output] hs)", p, s->nhs, o->nhs);
    if (o->nhs > 0) {
        int v, nhs;
        const double *want = fa_model_hs_orders(m, &nhs);
        double have[64];
        NC_TRY(p, nc_inq_varid(o->ncid, "hs", &v));
        NC_TRY(p, nc_get_var_double(o->ncid, v, have));
        for (int q = 0; q < nhs; q++)
            if (!(fabs(have[q] - want[q]) <= 1e-12 * fmax(1.0, fabs(want[q]))))
                return FA_ERROR(FA_EFORMAT, "%s: H^s order %d is s = %g in the file, %g in the configuration ([output] "
                                "hs): a run cannot change its orders", p, q + 1, have[q], want[q]);
    }
    if (o->kinetic != (s->kind == FA_RF_KINETIC))
        return FA_ERROR(FA_EFORMAT, "%s: %s, but the run to append is %s", p,
                        s->kind == FA_RF_KINETIC ? "a kinetic run file" : "not a kinetic run file",
                        o->kinetic ? "kinetic" : "macroscopic");
    return FA_OK;
}

static int append_root(fa_output_t *o, const fa_model_t *m)
{
    const char *path = o->path;
    FA_TRY(fa_outfile_open_existing(&o->of, path));
    int rc = nc_open(path, NC_WRITE, &o->ncid);
    if (rc != NC_NOERR) {
        o->ncid = -1;
        return FA_ERROR(FA_EIO, "cannot open run file %s for appending: %s", path, nc_strerror(rc));
    }
    int old;
    NC_TRY(path, nc_set_fill(o->ncid, NC_NOFILL, &old));
    FA_TRY(fa_rf_inspect(path, o->ncid, &o->file));
    FA_TRY(check_layout(o, m));
    o->nrec = (long)o->file.nrec;
    return FA_OK;
}

int fa_output_append(const char *path, const fa_model_t *m, fa_output_t **out)
{
    return fa_output_append_kinetic(path, m, 0, out);
}

int fa_output_append_kinetic(const char *path, const fa_model_t *m, int kinetic, fa_output_t **out)
{
    *out = NULL;
    fa_output_t *o = output_new(path, m, kinetic);
    if (!o) return FA_ENOMEM;
    int rc = fa_gbcast_int(o->grid, fa_grid_is_root(o->grid) ? append_root(o, m) : FA_OK);
    o->nrec = fa_gbcast_int(o->grid, (int)o->nrec);
    if (rc) {
        fa_output_close(o);
        return rc;
    }
    *out = o;
    return FA_OK;
}

/* ---- records ----------------------------------------------------------------------- */

/* Gathered slabs of one field into its variable at the current record. */
typedef struct {
    fa_output_t *o;
    int var, nlead;
    size_t start[6], count[6];
} slab_target_t;

static int put_slab(void *user, long p0, long np, const double *data)
{
    slab_target_t *t = user;
    const fa_grid_layout_t *g = t->o->g;
    for (int k = 0; k < g->dim; k++) { /* file order: slowest axis first */
        int a = g->dim - 1 - k;
        t->start[t->nlead + k] = a == g->slow ? (size_t)p0 : 0;
        t->count[t->nlead + k] = a == g->slow ? (size_t)np : (size_t)g->n[a];
    }
    NC_TRY(t->o->path, nc_put_vara_double(t->o->ncid, t->var, t->start, t->count, data));
    return FA_OK;
}

/* One field of the record: all ranks call this (collective), rank 0 writes. */
static int put_field(fa_output_t *o, fa_rf_role_t role, int i, int a, const double *local)
{
    slab_target_t t = {.o = o};
    int rc = FA_OK;
    if (fa_grid_is_root(o->grid))
        rc = fa_rf_locate(o->path, &o->file, role, i, a, (size_t)o->nrec, &t.var, t.start, t.count, &t.nlead);
    rc = fa_gbcast_int(o->grid, rc);
    if (rc) return rc;
    return fa_grid_gather_slabs(o->grid, local, put_slab, &t);
}

/* A per-record array of the current record (rank 0). */
static int put_values(fa_output_t *o, fa_rf_role_t role, int i, const double *v)
{
    int var, nlead;
    size_t start[6], count[6];
    FA_TRY(fa_rf_locate(o->path, &o->file, role, i, 0, (size_t)o->nrec, &var, start, count, &nlead));
    NC_TRY(o->path, nc_put_vara_double(o->ncid, var, start, count, v));
    return FA_OK;
}

/* The H^s arrays: in memory [species][hs]; version 2 stores (hs, species). */
static int put_hs(fa_output_t *o, fa_rf_role_t role, const double *v)
{
    if (!fa_rf_hs_species_last(&o->file)) return put_values(o, role, 0, v);
    for (int i = 0; i < o->N; i++)
        for (int q = 0; q < o->nhs; q++) o->hs_buf[q * o->N + i] = v[i * o->nhs + q];
    return put_values(o, role, 0, o->hs_buf);
}

static int write_scalars(fa_output_t *o, const fa_diag_record_t *r, const fa_solver_stats_t *st)
{
    FA_TRY(put_values(o, FA_RF_MASS, 0, r->mass));
    FA_TRY(put_values(o, FA_RF_ENERGY, 0, &r->energy));
    if (o->nhs > 0) {
        FA_TRY(put_hs(o, FA_RF_HS_NORM, r->hs_norm));
        FA_TRY(put_hs(o, FA_RF_HS_TOP, r->hs_top));
        FA_TRY(put_values(o, FA_RF_HS_TOTAL, 0, r->hs_total));
    }
    fa_solver_stats_t zero = {0};
    if (!st) st = &zero;
    long vals[FA_RF_NSTATS] = {st->steps, st->rhs_evals, st->newton_iters, st->krylov_iters, st->error_fails,
                               st->newton_fails};
    for (int k = 0; k < FA_RF_NSTATS; k++) {
        int var, nlead, v = vals[k] > 2147483647L ? 2147483647 : (int)vals[k];
        size_t start[2], count[2];
        FA_TRY(fa_rf_locate(o->path, &o->file, FA_RF_STAT, k, 0, (size_t)o->nrec, &var, start, count, &nlead));
        NC_TRY(o->path, nc_put_var1_int(o->ncid, var, start, &v));
        char an[64];
        double dv = (double)vals[k];
        snprintf(an, sizeof an, "solver_%s", fa_rf_stat_names[k]);
        NC_TRY(o->path, nc_put_att_double(o->ncid, NC_GLOBAL, an, NC_DOUBLE, 1, &dv));
    }
    /* the time last: a record whose time reads back is complete */
    FA_TRY(put_values(o, FA_RF_TIME, 0, &r->time));
    return sync_file(o);
}

/* A record's figures must be finite before anything of it is written: a run file is input to
 * every reader and to continuations, which refuse non-finite data, so a record that is not
 * would end the file's usefulness. The masses are sums of the densities, finite only if every
 * density is (an overflowing sum counts too). Checked on every rank (the figures are global). */
int fa_output_record_finite(const fa_output_t *o, const fa_diag_record_t *r)
{
    const char *what = NULL;
    int which = 0;
    double v = 0;
    if (!isfinite(r->time)) what = "time", v = r->time;
    for (int i = 0; !what && i < o->N; i++)
        if (!isfinite(r->mass[i])) what = "mass (a density is not finite or too large)", which = i + 1, v = r->mass[i];
    if (!what && !isfinite(r->energy)) what = "free energy", v = r->energy;
    for (int q = 0; !what && q < o->nhs; q++)
        if (!isfinite(r->hs_total[q])) what = "H^s norm", which = 0, v = r->hs_total[q];
    if (!what) return FA_OK;
    char sp[32] = "";
    if (which) snprintf(sp, sizeof sp, " of species %d", which);
    return FA_ERROR(FA_ENUMERIC, "%s: the state at t = %g has a non-finite %s%s (%g): not written; the last "
                    "record written is kept", o->path, r->time, what, sp, v);
}

int fa_output_write(fa_output_t *o, const fa_diag_record_t *r, const double *const rho[], const fa_solver_stats_t *st)
{
    int rc = fa_output_record_finite(o, r);
    for (int i = 0; i < o->N && !rc; i++) rc = put_field(o, FA_RF_DENSITY, i, 0, rho[i]);
    if (!rc && fa_grid_is_root(o->grid)) rc = write_scalars(o, r, st);
    rc = fa_gbcast_int(o->grid, rc);
    if (!rc) o->nrec++;
    return rc;
}

long fa_output_records(const fa_output_t *o) { return o->nrec; }

int fa_output_write_kinetic(fa_output_t *o, const fa_kinetic_record_t *k)
{
    if (!o->kinetic) return FA_ERROR(FA_EINVAL, "%s was not created for a kinetic run", o->path);
    int rc = FA_OK;
    for (int i = 0; i < o->N && !rc; i++) {
        rc = put_field(o, FA_RF_KIN_DENSITY, i, 0, k->rho[i]);
        for (int a = 0; a < o->dim && !rc; a++) rc = put_field(o, FA_RF_KIN_MOMENTUM, i, a, k->momentum[i * o->dim + a]);
    }
    if (!rc && fa_grid_is_root(o->grid)) {
        const fa_comparison_t *c = k->comparison;
        rc = put_values(o, FA_RF_W1, 0, c->w1);
        if (!rc) rc = put_values(o, FA_RF_MODULATED, 0, c->modulated);
        if (!rc) rc = put_values(o, FA_RF_MOD_KINETIC, 0, c->kinetic);
        if (!rc) rc = put_values(o, FA_RF_MOD_INTERACTION, 0, c->interaction);
    }
    return fa_gbcast_int(o->grid, rc);
}

/* ---- notes ------------------------------------------------------------------------- */

static int set_note_root(fa_output_t *o, const char *name, const char *text, int append_line)
{
    NC_TRY(o->path, nc_redef(o->ncid));
    char *joined = NULL;
    if (append_line) { /* history: a line per command that wrote the file */
        size_t len = 0;
        if (nc_inq_attlen(o->ncid, NC_GLOBAL, name, &len) != NC_NOERR) len = 0;
        joined = fa_malloc(len + strlen(text) + 2);
        if (!joined) {
            nc_enddef(o->ncid);
            return FA_ENOMEM;
        }
        if (len == 0 || nc_get_att_text(o->ncid, NC_GLOBAL, name, joined) != NC_NOERR) len = 0;
        snprintf(joined + len, strlen(text) + 2, "%s%s", len ? "\n" : "", text);
        text = joined;
    }
    int rc = fa_rf_put_text(o->path, o->ncid, NC_GLOBAL, name, text);
    free(joined);
    int rc2 = nc_enddef(o->ncid);
    FA_TRY(rc);
    NC_TRY(o->path, rc2);
    return sync_file(o);
}

int fa_output_set_note(fa_output_t *o, const char *name, const char *text)
{
    return fa_gbcast_int(o->grid, fa_grid_is_root(o->grid) ? set_note_root(o, name, text, 0) : FA_OK);
}

int fa_output_add_history(fa_output_t *o, const char *command)
{
    char stamp[64];
    utc_stamp(stamp, sizeof stamp);
    char *line = fa_asprintf("%s: %s", stamp, command);
    if (!line) return FA_ENOMEM;
    int rc = fa_gbcast_int(o->grid, fa_grid_is_root(o->grid) ? set_note_root(o, "history", line, 1) : FA_OK);
    free(line);
    return rc;
}

int fa_output_close(fa_output_t *o)
{
    if (!o) return FA_OK;
    int rc = FA_OK;
    if (o->ncid >= 0) {
        int nrc = nc_close(o->ncid);
        if (nrc != NC_NOERR) rc = FA_ERROR(FA_ENETCDF, "%s: closing: %s", o->path, nc_strerror(nrc));
    }
    fa_outfile_end(&o->of);
    const fa_grid_t *g = o->grid;
    free(o->path);
    free(o->hs_buf);
    free(o);
    return fa_gbcast_int(g, rc);
}
