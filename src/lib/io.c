/* Run files: NetCDF classic (64-bit offset), CF-1.8.
 *
 * Why the classic format: its header holds the number of records, and netCDF writes that
 * number only when the file is synced. Writing a whole record and then syncing (and fsyncing)
 * means a process killed at any moment leaves a file whose header counts only finished
 * records; the bytes of a half-written record lie beyond them and are ignored by readers and
 * overwritten by a continued run. (An HDF5-based file killed mid-write can be unreadable.) */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netcdf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NAME_LEN 65 /* species names: 64 characters and the terminator */

struct fa_output {
    char *path;
    int ncid, fd;
    const fa_grid_t *g;
    int N, nhs, dim;
    long nrec;
    int v_time, v_rho, v_mass, v_energy, v_hs_norm, v_hs_total, v_hs_top;
    int v_stat[6];
};

static const char *stat_names[6] = {"steps", "rhs_evals", "newton_iters", "krylov_iters",
                                    "error_fails", "newton_fails"};
static const char *stat_docs[6] = {"accepted time steps", "right-hand-side evaluations",
                                   "Newton iterations", "Krylov iterations",
                                   "local error test failures", "nonlinear convergence failures"};

#define NC_TRY(path, call)                                                                \
    do {                                                                                  \
        int nc_rc_ = (call);                                                              \
        if (nc_rc_ != NC_NOERR)                                                           \
            return FA_ERROR(FA_ENETCDF, "%s: %s (in %s)", (path), nc_strerror(nc_rc_), #call); \
    } while (0)

static int put_text_att(const char *path, int ncid, int var, const char *name, const char *text)
{
    NC_TRY(path, nc_put_att_text(ncid, var, name, strlen(text), text));
    return FA_OK;
}

/* fsync after nc_sync: the record is on disk, not only in the page cache. */
static int sync_file(fa_output_t *o)
{
    NC_TRY(o->path, nc_sync(o->ncid));
    if (o->fd >= 0 && fsync(o->fd) != 0 && errno != EINVAL)
        return FA_ERROR(FA_EIO, "%s: fsync failed: %s", o->path, strerror(errno));
    return FA_OK;
}

static const char *axis_name[3] = {"x", "y", "z"};

/* ---- creation ---------------------------------------------------------------------- */

static int define_file(fa_output_t *o, const fa_model_t *m)
{
    const char *p = o->path;
    int nc = o->ncid, d = o->dim;
    int dt, ds, dh = -1, dn, db, dx[3];
    NC_TRY(p, nc_def_dim(nc, "time", NC_UNLIMITED, &dt));
    NC_TRY(p, nc_def_dim(nc, "species", (size_t)o->N, &ds));
    for (int a = d - 1; a >= 0; a--) NC_TRY(p, nc_def_dim(nc, axis_name[a], (size_t)o->g->n[a], &dx[a]));
    if (o->nhs > 0) NC_TRY(p, nc_def_dim(nc, "hs", (size_t)o->nhs, &dh));
    NC_TRY(p, nc_def_dim(nc, "name_strlen", NAME_LEN, &dn));
    NC_TRY(p, nc_def_dim(nc, "bnds", 2, &db));

    int v;
    NC_TRY(p, nc_def_var(nc, "time", NC_DOUBLE, 1, &dt, &o->v_time));
    FA_TRY(put_text_att(p, nc, o->v_time, "long_name", "simulated time"));
    FA_TRY(put_text_att(p, nc, o->v_time, "units", "1"));
    FA_TRY(put_text_att(p, nc, o->v_time, "axis", "T"));
    for (int a = 0; a < d; a++) {
        int dims[2] = {dx[a], db};
        char name[16], bname[16], lname[64];
        snprintf(name, sizeof name, "%s", axis_name[a]);
        snprintf(bname, sizeof bname, "%s_bnds", axis_name[a]);
        snprintf(lname, sizeof lname, "%s coordinate of the cell centre", axis_name[a]);
        NC_TRY(p, nc_def_var(nc, name, NC_DOUBLE, 1, &dx[a], &v));
        FA_TRY(put_text_att(p, nc, v, "long_name", lname));
        FA_TRY(put_text_att(p, nc, v, "units", "1"));
        char ax[2] = {(char)('X' + a), '\0'};
        FA_TRY(put_text_att(p, nc, v, "axis", ax));
        FA_TRY(put_text_att(p, nc, v, "bounds", bname));
        NC_TRY(p, nc_def_var(nc, bname, NC_DOUBLE, 2, dims, &v));
    }
    NC_TRY(p, nc_def_var(nc, "species", NC_INT, 1, &ds, &v));
    FA_TRY(put_text_att(p, nc, v, "long_name", "species index (1-based, as in the configuration)"));
    int dnm[2] = {ds, dn};
    NC_TRY(p, nc_def_var(nc, "species_name", NC_CHAR, 2, dnm, &v));
    FA_TRY(put_text_att(p, nc, v, "long_name", "species name"));
    FA_TRY(put_text_att(p, nc, v, "_Encoding", "utf-8")); /* xarray decodes to str */

    int drho[5] = {dt, ds};
    for (int a = 0; a < d; a++) drho[2 + a] = dx[d - 1 - a];
    NC_TRY(p, nc_def_var(nc, "rho", NC_DOUBLE, 2 + d, drho, &o->v_rho));
    FA_TRY(put_text_att(p, nc, o->v_rho, "long_name", "density (cell average)"));
    FA_TRY(put_text_att(p, nc, o->v_rho, "units", "1"));
    FA_TRY(put_text_att(p, nc, o->v_rho, "cell_methods", d == 1 ? "x: mean" : d == 2 ? "x: y: mean" : "x: y: z: mean"));
    int dts[2] = {dt, ds};
    NC_TRY(p, nc_def_var(nc, "mass", NC_DOUBLE, 2, dts, &o->v_mass));
    FA_TRY(put_text_att(p, nc, o->v_mass, "long_name", "mass of each species, integral of rho"));
    NC_TRY(p, nc_def_var(nc, "energy", NC_DOUBLE, 1, &dt, &o->v_energy));
    FA_TRY(put_text_att(p, nc, o->v_energy, "long_name", "free energy 1/2 sum_ij integral rho_i K_ij*rho_j"));
    if (o->nhs > 0) {
        NC_TRY(p, nc_def_var(nc, "hs", NC_DOUBLE, 1, &dh, &v));
        FA_TRY(put_text_att(p, nc, v, "long_name", "order s of the H^s norm"));
        int d3[3] = {dt, ds, dh}, d2[2] = {dt, dh};
        NC_TRY(p, nc_def_var(nc, "hs_norm", NC_DOUBLE, 3, d3, &o->v_hs_norm));
        FA_TRY(put_text_att(p, nc, o->v_hs_norm, "long_name",
                            "H^s norm, ||f||^2 = L^-d sum_k (1+|k|^2)^s |f^(k)|^2"));
        NC_TRY(p, nc_def_var(nc, "hs_norm_total", NC_DOUBLE, 2, d2, &o->v_hs_total));
        FA_TRY(put_text_att(p, nc, o->v_hs_total, "long_name", "H^s norm of the N-tuple, (sum_i ||rho_i||^2)^(1/2)"));
        NC_TRY(p, nc_def_var(nc, "hs_top_share", NC_DOUBLE, 3, d3, &o->v_hs_top));
        FA_TRY(put_text_att(p, nc, o->v_hs_top, "long_name",
                            "share of the squared H^s norm in the top third of the wavenumbers (resolution check)"));
    }
    for (int k = 0; k < 6; k++) {
        NC_TRY(p, nc_def_var(nc, stat_names[k], NC_INT, 1, &dt, &o->v_stat[k]));
        FA_TRY(put_text_att(p, nc, o->v_stat[k], "long_name", stat_docs[k]));
        FA_TRY(put_text_att(p, nc, o->v_stat[k], "comment", "cumulative since the start of the run"));
    }

    /* global attributes */
    FA_TRY(put_text_att(p, nc, NC_GLOBAL, "Conventions", "CF-1.8"));
    FA_TRY(put_text_att(p, nc, NC_GLOBAL, "title", "fracagg run: multi-species nonlocal aggregation"));
    FA_TRY(put_text_att(p, nc, NC_GLOBAL, "source", "fracagg " FA_VERSION));
    char hist[256], stamp[64];
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    snprintf(hist, sizeof hist, "%s created by fracagg %s", stamp, FA_VERSION);
    FA_TRY(put_text_att(p, nc, NC_GLOBAL, "history", hist));
    char *cfg = fa_config_to_string(m->config);
    if (!cfg) return FA_ENOMEM;
    int rc = put_text_att(p, nc, NC_GLOBAL, "config", cfg);
    free(cfg);
    FA_TRY(rc);
    FA_TRY(put_text_att(p, nc, NC_GLOBAL, "config_name", fa_config_name(m->config)));
    int dim = d;
    NC_TRY(p, nc_put_att_int(nc, NC_GLOBAL, "dim", NC_INT, 1, &dim));
    NC_TRY(p, nc_put_att_double(nc, NC_GLOBAL, "length", NC_DOUBLE, (size_t)d, o->g->L));
    int cells[3] = {(int)o->g->n[0], (int)o->g->n[1], (int)o->g->n[2]};
    NC_TRY(p, nc_put_att_int(nc, NC_GLOBAL, "cells", NC_INT, (size_t)d, cells));
    const char *method[] = {"bdf", "adams", "ssprk3"};
    FA_TRY(put_text_att(p, nc, NC_GLOBAL, "solver_method", method[m->solver.method]));
    FA_TRY(put_text_att(p, nc, NC_GLOBAL, "solver_scheme",
                        m->solver.scheme == FA_SCHEME_UPWIND ? "upwind" : fa_limiter_name(m->solver.limiter)));
    /* final solver statistics, rewritten at every record (same size, so allowed in data mode) */
    for (int k = 0; k < 6; k++) {
        char an[64];
        double zero = 0;
        snprintf(an, sizeof an, "solver_%s", stat_names[k]);
        NC_TRY(p, nc_put_att_double(nc, NC_GLOBAL, an, NC_DOUBLE, 1, &zero));
    }
    /* reserve header space so that notes can be added later without moving the data */
    NC_TRY(p, nc__enddef(nc, 32768, 4, 0, 4));
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
        for (long i = 0; i < n; i++) c[i] = fa_grid_center(o->g, a, i);
        int rc = nc_inq_varid(nc, axis_name[a], &v);
        if (rc == NC_NOERR) rc = nc_put_var_double(nc, v, c);
        for (long i = 0; i < n; i++) {
            c[2 * i] = -0.5 * o->g->L[a] + i * o->g->h[a];
            c[2 * i + 1] = c[2 * i] + o->g->h[a];
        }
        char bname[16];
        snprintf(bname, sizeof bname, "%s_bnds", axis_name[a]);
        if (rc == NC_NOERR) rc = nc_inq_varid(nc, bname, &v);
        if (rc == NC_NOERR) rc = nc_put_var_double(nc, v, c);
        free(c);
        NC_TRY(p, rc);
    }
    NC_TRY(p, nc_inq_varid(nc, "species", &v));
    for (int i = 0; i < o->N; i++) {
        size_t idx = (size_t)i;
        int val = i + 1;
        NC_TRY(p, nc_put_var1_int(nc, v, &idx, &val));
    }
    NC_TRY(p, nc_inq_varid(nc, "species_name", &v));
    for (int i = 0; i < o->N; i++) {
        char name[NAME_LEN] = {0};
        snprintf(name, sizeof name, "%s", m->names[i]);
        size_t start[2] = {(size_t)i, 0}, count[2] = {1, NAME_LEN};
        NC_TRY(p, nc_put_vara_text(nc, v, start, count, name));
    }
    if (o->nhs > 0) {
        NC_TRY(p, nc_inq_varid(nc, "hs", &v));
        NC_TRY(p, nc_put_var_double(nc, v, m->hs));
    }
    return FA_OK;
}

static fa_output_t *output_new(const char *path, const fa_model_t *m)
{
    fa_output_t *o = fa_calloc(1, sizeof *o);
    if (!o) return NULL;
    o->path = fa_strdup(path);
    if (!o->path) {
        free(o);
        return NULL;
    }
    o->ncid = -1;
    o->fd = -1;
    o->g = m->grid;
    o->N = m->nspecies;
    o->nhs = m->nhs;
    o->dim = m->grid->dim;
    return o;
}

int fa_output_create(const char *path, const fa_model_t *m, fa_output_t **out)
{
    *out = NULL;
    fa_output_t *o = output_new(path, m);
    if (!o) return FA_ENOMEM;
    int rc = nc_create(path, NC_CLOBBER | NC_64BIT_OFFSET, &o->ncid);
    if (rc != NC_NOERR) {
        int err = errno;
        fa_output_close(o);
        if (rc > 0) return FA_ERROR(FA_EIO, "cannot create run file %s: %s", path, strerror(rc));
        return FA_ERROR(FA_EIO, "cannot create run file %s: %s%s%s", path, nc_strerror(rc),
                        err ? ": " : "", err ? strerror(err) : "");
    }
    o->fd = open(path, O_RDONLY);
    rc = define_file(o, m);
    if (!rc) rc = write_coordinates(o, m);
    if (!rc) rc = sync_file(o);
    if (rc) {
        fa_output_close(o);
        return rc;
    }
    *out = o;
    return FA_OK;
}

/* ---- appending --------------------------------------------------------------------- */

static int expect_dim(const char *path, int nc, const char *name, size_t want)
{
    int id;
    size_t len;
    if (nc_inq_dimid(nc, name, &id) != NC_NOERR)
        return FA_ERROR(FA_EFORMAT, "%s: no dimension '%s' (not a fracagg run file?)", path, name);
    NC_TRY(path, nc_inq_dimlen(nc, id, &len));
    if (len != want)
        return FA_ERROR(FA_EFORMAT, "%s: dimension %s is %zu, the configuration needs %zu", path, name, len, want);
    return FA_OK;
}

static int inq_var(const char *path, int nc, const char *name, int *v)
{
    if (nc_inq_varid(nc, name, v) != NC_NOERR)
        return FA_ERROR(FA_EFORMAT, "%s: no variable '%s' (not a fracagg run file?)", path, name);
    return FA_OK;
}

int fa_output_append(const char *path, const fa_model_t *m, fa_output_t **out)
{
    *out = NULL;
    fa_output_t *o = output_new(path, m);
    if (!o) return FA_ENOMEM;
    int rc = nc_open(path, NC_WRITE, &o->ncid);
    if (rc != NC_NOERR) {
        fa_output_close(o);
        return FA_ERROR(FA_EIO, "cannot open run file %s for appending: %s", path, nc_strerror(rc));
    }
    o->fd = open(path, O_RDONLY);
    int nc = o->ncid;
    rc = expect_dim(path, nc, "species", (size_t)o->N);
    for (int a = 0; !rc && a < o->dim; a++) rc = expect_dim(path, nc, axis_name[a], (size_t)o->g->n[a]);
    if (!rc && o->nhs > 0) rc = expect_dim(path, nc, "hs", (size_t)o->nhs);
    if (!rc) rc = inq_var(path, nc, "time", &o->v_time);
    if (!rc) rc = inq_var(path, nc, "rho", &o->v_rho);
    if (!rc) rc = inq_var(path, nc, "mass", &o->v_mass);
    if (!rc) rc = inq_var(path, nc, "energy", &o->v_energy);
    if (!rc && o->nhs > 0) rc = inq_var(path, nc, "hs_norm", &o->v_hs_norm);
    if (!rc && o->nhs > 0) rc = inq_var(path, nc, "hs_norm_total", &o->v_hs_total);
    if (!rc && o->nhs > 0) rc = inq_var(path, nc, "hs_top_share", &o->v_hs_top);
    for (int k = 0; !rc && k < 6; k++) rc = inq_var(path, nc, stat_names[k], &o->v_stat[k]);
    if (!rc) {
        int dt;
        size_t n;
        nc_inq_dimid(nc, "time", &dt);
        nc_inq_dimlen(nc, dt, &n);
        o->nrec = (long)n;
    }
    if (rc) {
        fa_output_close(o);
        return rc;
    }
    *out = o;
    return FA_OK;
}

/* ---- records ----------------------------------------------------------------------- */

int fa_output_write(fa_output_t *o, const fa_diag_record_t *r, const double *const rho[],
                    const fa_solver_stats_t *st)
{
    const char *p = o->path;
    int nc = o->ncid, d = o->dim;
    size_t rec = (size_t)o->nrec;
    /* the time variable last: a record whose time reads back is complete */
    for (int i = 0; i < o->N; i++) {
        size_t start[5] = {rec, (size_t)i}, count[5] = {1, 1};
        for (int k = 0; k < d; k++) {
            int a = d - 1 - k; /* file order: slowest axis first */
            start[2 + k] = a == o->g->slow ? (size_t)o->g->slow_start : 0;
            count[2 + k] = a == o->g->slow ? (size_t)o->g->slow_count : (size_t)o->g->n[a];
        }
        NC_TRY(p, nc_put_vara_double(nc, o->v_rho, start, count, rho[i]));
    }
    size_t s2[2] = {rec, 0}, c2[2] = {1, (size_t)o->N};
    NC_TRY(p, nc_put_vara_double(nc, o->v_mass, s2, c2, r->mass));
    NC_TRY(p, nc_put_var1_double(nc, o->v_energy, &rec, &r->energy));
    if (o->nhs > 0) {
        size_t s3[3] = {rec, 0, 0}, c3[3] = {1, (size_t)o->N, (size_t)o->nhs};
        NC_TRY(p, nc_put_vara_double(nc, o->v_hs_norm, s3, c3, r->hs_norm));
        NC_TRY(p, nc_put_vara_double(nc, o->v_hs_top, s3, c3, r->hs_top));
        size_t c2h[2] = {1, (size_t)o->nhs};
        NC_TRY(p, nc_put_vara_double(nc, o->v_hs_total, s2, c2h, r->hs_total));
    }
    fa_solver_stats_t zero = {0};
    if (!st) st = &zero;
    long vals[6] = {st->steps, st->rhs_evals, st->newton_iters, st->krylov_iters, st->error_fails, st->newton_fails};
    for (int k = 0; k < 6; k++) {
        int v = vals[k] > 2147483647L ? 2147483647 : (int)vals[k];
        NC_TRY(p, nc_put_var1_int(nc, o->v_stat[k], &rec, &v));
        char an[64];
        double dv = (double)vals[k];
        snprintf(an, sizeof an, "solver_%s", stat_names[k]);
        NC_TRY(p, nc_put_att_double(nc, NC_GLOBAL, an, NC_DOUBLE, 1, &dv));
    }
    NC_TRY(p, nc_put_var1_double(nc, o->v_time, &rec, &r->time));
    FA_TRY(sync_file(o));
    o->nrec++;
    return FA_OK;
}

long fa_output_records(const fa_output_t *o) { return o->nrec; }

int fa_output_set_note(fa_output_t *o, const char *name, const char *text)
{
    NC_TRY(o->path, nc_redef(o->ncid));
    int rc = put_text_att(o->path, o->ncid, NC_GLOBAL, name, text);
    int rc2 = nc_enddef(o->ncid);
    FA_TRY(rc);
    NC_TRY(o->path, rc2);
    return sync_file(o);
}

int fa_output_close(fa_output_t *o)
{
    if (!o) return FA_OK;
    int rc = FA_OK;
    if (o->ncid >= 0) {
        int nrc = nc_close(o->ncid);
        if (nrc != NC_NOERR) rc = FA_ERROR(FA_ENETCDF, "%s: closing: %s", o->path, nc_strerror(nrc));
    }
    if (o->fd >= 0) close(o->fd);
    free(o->path);
    free(o);
    return rc;
}

/* ---- reading ----------------------------------------------------------------------- */

/* A numeric global attribute: its number of values (0 if absent or not numeric), read into
 * v only if there are at most `max` (a file is input: never write past v[max - 1]). */
static size_t get_att_doubles(int nc, const char *name, double *v, size_t max)
{
    nc_type type;
    size_t len;
    if (nc_inq_att(nc, NC_GLOBAL, name, &type, &len) != NC_NOERR || type == NC_CHAR || type == NC_STRING)
        return 0;
    if (len > max) return len;
    return nc_get_att_double(nc, NC_GLOBAL, name, v) == NC_NOERR ? len : 0;
}

/* Open a run file and locate the record: the last one, or the one at `time`. The file is
 * input like the configuration: only a regular file is opened (a FIFO or a terminal would
 * block), the time variable must be one-dimensional along the time dimension, and the
 * times are read in blocks, so nothing is allocated in proportion to what the header claims. */
static int open_record(const char *path, int has_time, double time, int *ncid, size_t *rec,
                       double *found)
{
    struct stat st;
    if (stat(path, &st) != 0) return FA_ERROR(FA_EIO, "cannot open run file %s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode)) return FA_ERROR(FA_EIO, "cannot open run file %s: not a regular file", path);
    int rc = nc_open(path, NC_NOWRITE, ncid);
    if (rc != NC_NOERR) {
        if (rc > 0) return FA_ERROR(FA_EIO, "cannot open run file %s: %s", path, strerror(rc));
        return FA_ERROR(FA_EIO, "cannot open run file %s: %s", path, nc_strerror(rc));
    }
    int dt, vt, nd, vdim;
    size_t n = 0;
    if (nc_inq_dimid(*ncid, "time", &dt) != NC_NOERR || nc_inq_dimlen(*ncid, dt, &n) != NC_NOERR ||
        nc_inq_varid(*ncid, "time", &vt) != NC_NOERR || nc_inq_varndims(*ncid, vt, &nd) != NC_NOERR ||
        nd != 1 || nc_inq_vardimid(*ncid, vt, &vdim) != NC_NOERR || vdim != dt) {
        nc_close(*ncid);
        return FA_ERROR(FA_EFORMAT, "%s: no time records (not a fracagg run file?)", path);
    }
    if (n == 0) {
        nc_close(*ncid);
        return FA_ERROR(FA_EFORMAT, "%s: holds no records", path);
    }
    /* a classic-format record takes at least a byte: a header claiming more records than the
     * file has bytes is broken (reading them would only return fill values) */
    int format;
    if (nc_inq_format(*ncid, &format) == NC_NOERR &&
        (format == NC_FORMAT_CLASSIC || format == NC_FORMAT_64BIT_OFFSET || format == NC_FORMAT_CDF5) &&
        n > (size_t)st.st_size) {
        nc_close(*ncid);
        return FA_ERROR(FA_EFORMAT, "%s: the header claims %zu records, the file has only %lld bytes", path, n,
                        (long long)st.st_size);
    }
    size_t best = n - 1, last = n - 1;
    double tlast, tfirst = 0, tbest;
    rc = nc_get_var1_double(*ncid, vt, &last, &tlast);
    tbest = tlast;
    if (rc == NC_NOERR && has_time) {
        double buf[512];
        for (size_t s0 = 0; rc == NC_NOERR && s0 < n; s0 += 512) {
            size_t cnt = n - s0 < 512 ? n - s0 : 512;
            rc = nc_get_vara_double(*ncid, vt, &s0, &cnt, buf);
            if (rc != NC_NOERR) break;
            if (s0 == 0) tfirst = buf[0];
            for (size_t i = 0; i < cnt; i++)
                if (fabs(buf[i] - time) < fabs(tbest - time)) best = s0 + i, tbest = buf[i];
        }
    }
    if (rc != NC_NOERR) {
        nc_close(*ncid);
        return FA_ERROR(FA_ENETCDF, "%s: reading time: %s", path, nc_strerror(rc));
    }
    if (has_time && !(fabs(tbest - time) <= 1e-9 * fmax(1.0, fabs(time)))) {
        nc_close(*ncid);
        return FA_ERROR(FA_EFORMAT, "%s: no record at time %g (records span %g .. %g; nearest %g)", path, time,
                        tfirst, tlast, tbest);
    }
    *rec = best;
    *found = tbest;
    return FA_OK;
}

static int check_grid(const char *path, int nc, int species, const fa_grid_t *g, int *vrho)
{
    int ns, rc;
    size_t nsp;
    if (nc_inq_dimid(nc, "species", &ns) != NC_NOERR || nc_inq_dimlen(nc, ns, &nsp) != NC_NOERR)
        return FA_ERROR(FA_EFORMAT, "%s: no species dimension (not a fracagg run file?)", path);
    if (species < 0 || (size_t)species >= nsp)
        return FA_ERROR(FA_EFORMAT, "%s: holds %zu species, species %d asked for", path, nsp, species + 1);
    FA_TRY(inq_var(path, nc, "rho", vrho));
    int ndims;
    NC_TRY(path, nc_inq_varndims(nc, *vrho, &ndims));
    if (ndims != 2 + g->dim)
        return FA_ERROR(FA_EFORMAT, "%s: rho is %d-dimensional, the grid is %dD", path, ndims - 2, g->dim);
    for (int a = 0; a < g->dim; a++)
        if ((rc = expect_dim(path, nc, axis_name[a], (size_t)g->n[a]))) return rc;
    double L[3];
    size_t nl = get_att_doubles(nc, "length", L, 3);
    if (nl > 0 && nl != (size_t)g->dim)
        return FA_ERROR(FA_EFORMAT, "%s: the length attribute has %zu values, the grid is %dD", path, nl, g->dim);
    if (nl > 0)
        for (int a = 0; a < g->dim; a++)
            if (fabs(L[a] - g->L[a]) > 1e-12 * g->L[a])
                return FA_ERROR(FA_EFORMAT, "%s: box length %g along %s, the configuration has %g", path,
                                L[a], axis_name[a], g->L[a]);
    return FA_OK;
}

int fa_runfile_read(const char *path, int species, int has_time, double time, const fa_grid_t *g,
                    double *rho, double *found_time)
{
    int nc, v;
    size_t rec;
    FA_TRY(open_record(path, has_time, time, &nc, &rec, found_time));
    int rc = check_grid(path, nc, species, g, &v);
    if (!rc) {
        size_t start[5] = {rec, (size_t)species}, count[5] = {1, 1};
        for (int k = 0; k < g->dim; k++) {
            int a = g->dim - 1 - k;
            start[2 + k] = a == g->slow ? (size_t)g->slow_start : 0;
            count[2 + k] = a == g->slow ? (size_t)g->slow_count : (size_t)g->n[a];
        }
        int nrc = nc_get_vara_double(nc, v, start, count, rho);
        if (nrc != NC_NOERR) rc = FA_ERROR(FA_ENETCDF, "%s: reading rho: %s", path, nc_strerror(nrc));
    }
    nc_close(nc);
    return rc;
}

int fa_runfile_check(const char *path, int species, int has_time, double time, const fa_grid_t *g)
{
    int nc, v;
    size_t rec;
    double found;
    FA_TRY(open_record(path, has_time, time, &nc, &rec, &found));
    int rc = check_grid(path, nc, species, g, &v);
    nc_close(nc);
    return rc;
}

static char *get_text_att(int nc, const char *name)
{
    size_t len;
    if (nc_inq_attlen(nc, NC_GLOBAL, name, &len) != NC_NOERR) return NULL;
    char *s = fa_malloc(len + 1);
    if (!s) return NULL;
    if (nc_get_att_text(nc, NC_GLOBAL, name, s) != NC_NOERR) {
        free(s);
        return NULL;
    }
    s[len] = '\0';
    return s;
}

int fa_runfile_config(const char *path, char **config_text, long *records, double *last_time)
{
    int nc;
    size_t rec;
    double t;
    FA_TRY(open_record(path, 0, 0, &nc, &rec, &t));
    char *cfg = get_text_att(nc, "config");
    nc_close(nc);
    if (!cfg) return FA_ERROR(FA_EFORMAT, "%s: no 'config' attribute (not a fracagg run file?)", path);
    *config_text = cfg;
    if (records) *records = (long)rec + 1;
    if (last_time) *last_time = t;
    return FA_OK;
}

int fa_runfile_info(const char *path, FILE *out)
{
    int nc;
    size_t last;
    double tlast;
    FA_TRY(open_record(path, 0, 0, &nc, &last, &tlast));
    int rc = FA_OK, v, dim = 0;
    size_t nsp = 0;
    int ds;
    if (nc_inq_dimid(nc, "species", &ds) == NC_NOERR) nc_inq_dimlen(nc, ds, &nsp);
    double dv[1];
    if (get_att_doubles(nc, "dim", dv, 1) == 1 && dv[0] >= 0 && dv[0] <= 3) dim = (int)dv[0];
    char *src = get_text_att(nc, "source");
    fprintf(out, "file:      %s\n", path);
    fprintf(out, "written:   %s\n", src ? src : "(unknown program)");
    free(src);
    double cells[3] = {0, 0, 0}, L[3] = {0, 0, 0};
    if (get_att_doubles(nc, "cells", cells, 3) > 3) cells[0] = cells[1] = cells[2] = 0;
    if (get_att_doubles(nc, "length", L, 3) > 3) L[0] = L[1] = L[2] = 0;
    fprintf(out, "grid:      %dD, cells", dim);
    for (int a = 0; a < dim && a < 3; a++) fprintf(out, " %.0f", cells[a]);
    fprintf(out, ", box");
    for (int a = 0; a < dim && a < 3; a++) fprintf(out, " %g", L[a]);
    fprintf(out, "\n");
    double t0 = 0;
    size_t zero = 0;
    if (nc_inq_varid(nc, "time", &v) == NC_NOERR) nc_get_var1_double(nc, v, &zero, &t0);
    fprintf(out, "records:   %zu, t = %.6g .. %.6g\n", last + 1, t0, tlast);
    fprintf(out, "species:   %zu\n", nsp);
    int vn, vm;
    int have_names = nc_inq_varid(nc, "species_name", &vn) == NC_NOERR;
    int have_mass = nc_inq_varid(nc, "mass", &vm) == NC_NOERR;
    for (size_t i = 0; i < nsp; i++) {
        char name[NAME_LEN] = "?";
        if (have_names) {
            size_t st[2] = {i, 0}, ct[2] = {1, NAME_LEN};
            nc_get_vara_text(nc, vn, st, ct, name);
            name[NAME_LEN - 1] = '\0';
        }
        fprintf(out, "  %zu %-12s", i + 1, name);
        if (have_mass) {
            double m0 = 0, m1 = 0;
            size_t a[2] = {0, i}, b[2] = {last, i};
            nc_get_var1_double(nc, vm, a, &m0);
            nc_get_var1_double(nc, vm, b, &m1);
            fprintf(out, " mass %.12g -> %.12g (relative change %.2e)", m0, m1, m0 != 0 ? (m1 - m0) / m0 : 0.0);
        }
        fprintf(out, "\n");
    }
    if (nc_inq_varid(nc, "energy", &v) == NC_NOERR) {
        double e0 = 0, e1 = 0;
        nc_get_var1_double(nc, v, &zero, &e0);
        nc_get_var1_double(nc, v, &last, &e1);
        fprintf(out, "energy:    %.9g -> %.9g\n", e0, e1);
    }
    int vh;
    if (nc_inq_varid(nc, "hs", &vh) == NC_NOERR) {
        int dh;
        size_t nh = 0;
        nc_inq_dimid(nc, "hs", &dh);
        nc_inq_dimlen(nc, dh, &nh);
        double hs[64];
        if (nh > 64) nh = 64;
        size_t st = 0;
        nc_get_vara_double(nc, vh, &st, &nh, hs);
        fprintf(out, "H^s:       s =");
        for (size_t q = 0; q < nh; q++) fprintf(out, " %g", hs[q]);
        fprintf(out, "\n");
    }
    char *method = get_text_att(nc, "solver_method"), *scheme = get_text_att(nc, "solver_scheme");
    fprintf(out, "solver:    %s, %s", method ? method : "?", scheme ? scheme : "?");
    free(method);
    free(scheme);
    for (int k = 0; k < 6; k++) {
        char an[64];
        double val;
        snprintf(an, sizeof an, "solver_%s", stat_names[k]);
        if (get_att_doubles(nc, an, &val, 1) == 1) fprintf(out, ", %s %.0f", stat_names[k], val);
    }
    fprintf(out, "\n");
    char *status = get_text_att(nc, "run_status");
    if (status) fprintf(out, "status:    %s\n", status);
    free(status);
    char *cfg = get_text_att(nc, "config");
    if (cfg) {
        fprintf(out, "config:\n");
        for (char *line = strtok(cfg, "\n"); line; line = strtok(NULL, "\n")) fprintf(out, "  %s\n", line);
        free(cfg);
    }
    nc_close(nc);
    if (ferror(out)) rc = FA_ERROR(FA_EIO, "cannot write the summary");
    return rc;
}
