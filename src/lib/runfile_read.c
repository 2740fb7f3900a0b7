/* Reading run files (io.h, runfile.h): a record's density onto a grid (restarts, W1), the stored
 * configuration (continuation), the grid and names, the H^s series (verify-hs) and the summary
 * of `fracagg info`. A file is input like a configuration: only a regular file is opened, its
 * layout is recognised (runfile_schema.c; both versions), and nothing is allocated in
 * proportion to what its header claims before the claim is checked against the file's size. */
#include "runfile.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runfile_schema.h"

/* A numeric global attribute: its number of values (0 if absent or not numeric), read into
 * v only if there are at most `max` (a file is input: never write past v[max - 1]). */
static size_t get_att_doubles(int nc, const char *name, double *v, size_t max)
{
    nc_type type;
    size_t len;
    if (nc_inq_att(nc, NC_GLOBAL, name, &type, &len) != NC_NOERR || type == NC_CHAR || type == NC_STRING) return 0;
    if (len > max) return len;
    return nc_get_att_double(nc, NC_GLOBAL, name, v) == NC_NOERR ? len : 0;
}

static char *get_text_att(int nc, const char *name)
{
    size_t len;
    nc_type type;
    if (nc_inq_att(nc, NC_GLOBAL, name, &type, &len) != NC_NOERR || type != NC_CHAR) return NULL;
    char *s = fa_malloc(len + 1);
    if (!s) return NULL;
    if (nc_get_att_text(nc, NC_GLOBAL, name, s) != NC_NOERR) {
        free(s);
        return NULL;
    }
    s[len] = '\0';
    return s;
}

/* The boundary mode a run file records (files from before the whole-space mode are periodic). */
static fa_boundary_t boundary_of(int nc)
{
    char *text = get_text_att(nc, "boundary");
    fa_boundary_t b = text && strcmp(text, "free") == 0 ? FA_BOUNDARY_FREE : FA_BOUNDARY_PERIODIC;
    free(text);
    return b;
}

int fa_runfile_open(const char *path, int *ncid)
{
    struct stat st;
    if (stat(path, &st) != 0) return FA_ERROR(FA_EIO, "cannot open run file %s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode)) return FA_ERROR(FA_EIO, "cannot open run file %s: not a regular file", path);
    /* a classic file is checked against its header first: netCDF reads the records a truncated
     * file lacks as zeros, and allocates what a hostile header claims (runfile_header.c) */
    int classic;
    FA_TRY(fa_rf_check_header(path, &classic));
    int rc = nc_open(path, NC_NOWRITE, ncid);
    if (rc != NC_NOERR) {
        if (rc > 0) return FA_ERROR(FA_EIO, "cannot open run file %s: %s", path, strerror(rc));
        return FA_ERROR(FA_EIO, "cannot open run file %s: %s%s", path, nc_strerror(rc),
                        classic ? "" : " (not a netCDF file, or a damaged or truncated netCDF-4 file?)");
    }
    return FA_OK;
}

/* An open run file: its layout, and the record at `time` (or the last one). */
typedef struct {
    fa_rf_file_t f;
    size_t rec;
    double t, tfirst, tlast;
} opened_t;

/* The time axis must be what the writer makes it: every record's time finite, not the fill
 * value (a record never written), and strictly increasing (records in order, none repeated).
 * Readers pick records by time and continuations append after the last one: a file whose
 * axis is otherwise is refused, naming the records. Read in blocks; the record at `time`
 * (nearest) is found on the way. */
static int check_times(const char *path, int nc, int vt, size_t n, int has_time, double time, size_t *best,
                       double *tbest)
{
    double fill = NC_FILL_DOUBLE, prev = 0, buf[512];
    nc_type type;
    size_t len;
    if (nc_inq_att(nc, vt, "_FillValue", &type, &len) == NC_NOERR && len == 1 && type != NC_CHAR &&
        type != NC_STRING && nc_get_att_double(nc, vt, "_FillValue", &fill) != NC_NOERR)
        fill = NC_FILL_DOUBLE;
    for (size_t s0 = 0; s0 < n; s0 += 512) {
        size_t cnt = n - s0 < 512 ? n - s0 : 512;
        int nrc = nc_get_vara_double(nc, vt, &s0, &cnt, buf);
        if (nrc != NC_NOERR) return FA_ERROR(FA_EFORMAT, "%s: reading time: %s (a damaged file?)", path, nc_strerror(nrc));
        for (size_t i = 0; i < cnt; i++) {
            size_t r = s0 + i;
            double t = buf[i];
            if (t == fill || t == NC_FILL_DOUBLE)
                return FA_ERROR(FA_EFORMAT, "%s: record %zu of %zu has the fill value as its time (%g): a record "
                                "never written (a damaged file?)", path, r + 1, n, t);
            if (!isfinite(t)) return FA_ERROR(FA_EFORMAT, "%s: record %zu of %zu has time %g", path, r + 1, n, t);
            if (r > 0 && !(t > prev))
                return FA_ERROR(FA_EFORMAT, "%s: times do not increase: record %zu has t = %.17g, record %zu t = "
                                "%.17g (%s)", path, r, prev, r + 1, t, t == prev ? "a repeated time" : "out of order");
            prev = t;
            if (has_time && fabs(t - time) < fabs(*tbest - time)) *best = r, *tbest = t;
        }
    }
    return FA_OK;
}

enum {
    OPEN_EMPTY = 1, /* a file without records (killed before its first) is accepted, o->rec = 0 */
    OPEN_LIMIT = 2  /* a limit file (series over eps, no densities) is accepted */
};

/* Open a run file and locate the record: the last one, or the one at `time`. The time
 * variable must be one-dimensional along the time dimension. `accept`: OPEN_* flags. */
static int open_record(const char *path, int has_time, double time, int accept, opened_t *o)
{
    int nc;
    FA_TRY(fa_runfile_open(path, &nc));
    int rc = fa_rf_inspect(path, nc, &o->f);
    int allow_empty = accept & OPEN_EMPTY;
    if (!rc && o->f.shape.kind == FA_RF_LIMITFILE && !(accept & OPEN_LIMIT))
        rc = FA_ERROR(FA_EFORMAT, "%s is a limit file (written by fracagg limit: W1 and modulated-energy series "
                      "over eps, no densities), not a run file; `fracagg info %s` summarises it", path, path);
    int vt, nd, vdim, dt;
    size_t n = o->f.nrec;
    if (!rc && (nc_inq_dimid(nc, "time", &dt) != NC_NOERR || nc_inq_varid(nc, "time", &vt) != NC_NOERR ||
                nc_inq_varndims(nc, vt, &nd) != NC_NOERR || nd != 1 || nc_inq_vardimid(nc, vt, &vdim) != NC_NOERR ||
                vdim != dt))
        rc = FA_ERROR(FA_EFORMAT, "%s: no time records (not a fracagg run file?)", path);
    if (!rc && n == 0 && !allow_empty) rc = FA_ERROR(FA_EFORMAT, "%s: holds no records", path);
    size_t best = n ? n - 1 : 0;
    double tbest = HUGE_VAL;
    if (!rc) rc = check_times(path, nc, vt, n, has_time, time, &best, &tbest);
    double tfirst = NAN, tlast = NAN;
    if (!rc && n > 0) {
        size_t zero = 0, last = n - 1;
        int nrc = nc_get_var1_double(nc, vt, &zero, &tfirst);
        if (nrc == NC_NOERR) nrc = nc_get_var1_double(nc, vt, &last, &tlast);
        if (nrc != NC_NOERR) rc = FA_ERROR(FA_EFORMAT, "%s: reading time: %s (a damaged file?)", path, nc_strerror(nrc));
        if (!has_time) tbest = tlast;
    }
    if (!rc && has_time && !(fabs(tbest - time) <= 1e-9 * fmax(1.0, fabs(time))))
        rc = FA_ERROR(FA_EFORMAT, "%s: no record at time %g (records span %g .. %g; nearest %g)", path, time, tfirst,
                      tlast, tbest);
    if (rc) {
        nc_close(nc);
        return rc;
    }
    o->rec = best;
    o->t = n > 0 ? tbest : NAN;
    o->tfirst = tfirst;
    o->tlast = tlast;
    return FA_OK;
}

/* The file's grid (shape, boundary, box) must be g's, and hold species `species`. */
static int check_grid(const char *path, const fa_rf_file_t *f, int species, const fa_grid_t *grid)
{
    const fa_grid_layout_t *g = fa_grid_layout(grid);
    int nc = f->ncid;
    if (species < 0 || species >= f->shape.nspecies)
        return FA_ERROR(FA_EFORMAT, "%s: holds %d species, species %d asked for", path, f->shape.nspecies, species + 1);
    if (f->shape.dim != g->dim)
        return FA_ERROR(FA_EFORMAT, "%s: a %dD run file, the grid is %dD", path, f->shape.dim, g->dim);
    for (int a = 0; a < g->dim; a++)
        if (f->shape.n[a] != g->n[a])
            return FA_ERROR(FA_EFORMAT, "%s: dimension %s is %ld, the configuration needs %ld", path,
                            fa_rf_axis_names[a], f->shape.n[a], g->n[a]);
    if (boundary_of(nc) != g->boundary)
        return FA_ERROR(FA_EFORMAT, "%s: a %s run, the configuration is %s ([grid] boundary): a run cannot change "
                        "its boundary", path, fa_boundary_name(boundary_of(nc)), fa_boundary_name(g->boundary));
    double L[3];
    size_t nl = get_att_doubles(nc, "length", L, 3);
    if (nl > 0 && nl != (size_t)g->dim)
        return FA_ERROR(FA_EFORMAT, "%s: the length attribute has %zu values, the grid is %dD", path, nl, g->dim);
    if (nl > 0)
        for (int a = 0; a < g->dim; a++)
            if (fabs(L[a] - g->L[a]) > 1e-12 * g->L[a])
                return FA_ERROR(FA_EFORMAT, "%s: box length %g along %s, the configuration has %g", path, L[a],
                                fa_rf_axis_names[a], g->L[a]);
    return FA_OK;
}

/* A field of a record (the density, or a kinetic file's density or momentum component `axis`)
 * of species `species` on this rank's slab of the grid. */
static int read_field(const char *path, fa_rf_role_t role, int species, int axis, int has_time, double time,
                      const fa_grid_t *grid, double *rho, fa_runfile_where_t *where)
{
    const fa_grid_layout_t *g = fa_grid_layout(grid);
    opened_t o;
    FA_TRY(open_record(path, has_time, time, 0, &o));
    int rc = check_grid(path, &o.f, species, grid);
    if (!rc && role != FA_RF_DENSITY && o.f.shape.kind != FA_RF_KINETIC)
        rc = FA_ERROR(FA_EFORMAT, "%s: not a kinetic run file (fracagg kinetic): no kinetic state to read", path);
    int v, nlead;
    size_t start[6], count[6];
    if (!rc) rc = fa_rf_locate(path, &o.f, role, species, axis, o.rec, &v, start, count, &nlead);
    if (!rc) {
        for (int k = 0; k < g->dim; k++) {
            int a = g->dim - 1 - k;
            start[nlead + k] = a == g->slow ? (size_t)g->slow_start : 0;
            count[nlead + k] = a == g->slow ? (size_t)g->slow_count : (size_t)g->n[a];
        }
        int nrc = nc_get_vara_double(o.f.ncid, v, start, count, rho);
        /* the file's fault, not the run's: a damaged (netCDF-4: truncated) file */
        if (nrc != NC_NOERR)
            rc = FA_ERROR(FA_EFORMAT, "%s: reading the %s of species %d at record %zu: %s (a damaged file?)", path,
                          role == FA_RF_DENSITY ? "density" : role == FA_RF_KIN_DENSITY ? "kinetic density"
                                                                                         : "kinetic momentum",
                          species + 1, o.rec + 1, nc_strerror(nrc));
        if (!rc && nc_inq_varname(o.f.ncid, v, where->var) != NC_NOERR) snprintf(where->var, sizeof where->var, "?");
    }
    nc_close(o.f.ncid);
    where->record = o.rec + 1;
    where->time = o.t;
    return rc;
}

int fa_runfile_read_record(const char *path, int species, int has_time, double time, const fa_grid_t *grid,
                           double *rho, fa_runfile_where_t *where)
{
    return read_field(path, FA_RF_DENSITY, species, 0, has_time, time, grid, rho, where);
}

int fa_runfile_read_kinetic(const char *path, int species, int axis, const fa_grid_t *grid, double *f,
                            fa_runfile_where_t *where)
{
    return read_field(path, axis < 0 ? FA_RF_KIN_DENSITY : FA_RF_KIN_MOMENTUM, species, axis, 0, 0, grid, f, where);
}

int fa_runfile_read(const char *path, int species, int has_time, double time, const fa_grid_t *grid, double *rho,
                    double *found_time)
{
    fa_runfile_where_t w;
    FA_TRY(fa_runfile_read_record(path, species, has_time, time, grid, rho, &w));
    *found_time = w.time;
    return FA_OK;
}

int fa_runfile_check(const char *path, int species, int has_time, double time, const fa_grid_t *g, double *found)
{
    opened_t o;
    FA_TRY(open_record(path, has_time, time, 0, &o));
    int rc = check_grid(path, &o.f, species, g);
    int v, nlead;
    size_t start[6], count[6];
    if (!rc) rc = fa_rf_locate(path, &o.f, FA_RF_DENSITY, species, 0, o.rec, &v, start, count, &nlead);
    nc_close(o.f.ncid);
    if (!rc && found) *found = o.t;
    return rc;
}

int fa_runfile_stored(const char *path, char **config_text, long *records, double *last_time, int *kinetic)
{
    opened_t o;
    /* a file killed before its first record holds its configuration: it can be continued */
    FA_TRY(open_record(path, 0, 0, OPEN_EMPTY, &o));
    char *cfg = get_text_att(o.f.ncid, "config");
    nc_close(o.f.ncid);
    if (!cfg) return FA_ERROR(FA_EFORMAT, "%s: no 'config' attribute (not a fracagg run file?)", path);
    *config_text = cfg;
    if (records) *records = (long)o.f.nrec;
    if (last_time) *last_time = o.t;
    if (kinetic) *kinetic = o.f.shape.kind == FA_RF_KINETIC;
    return FA_OK;
}

int fa_runfile_config(const char *path, char **config_text, long *records, double *last_time)
{
    return fa_runfile_stored(path, config_text, records, last_time, NULL);
}

int fa_runfile_grid(const char *path, fa_grid_t **grid, int *nspecies)
{
    *grid = NULL;
    opened_t o;
    FA_TRY(open_record(path, 0, 0, 0, &o));
    int nc = o.f.ncid, rc = FA_OK, dim = 0, cells[3] = {0, 0, 0};
    size_t na;
    double L[3] = {0, 0, 0};
    if (nc_get_att_int(nc, NC_GLOBAL, "dim", &dim) != NC_NOERR || dim < 1 || dim > 3 ||
        nc_inq_attlen(nc, NC_GLOBAL, "cells", &na) != NC_NOERR || na != (size_t)dim ||
        nc_get_att_int(nc, NC_GLOBAL, "cells", cells) != NC_NOERR ||
        nc_inq_attlen(nc, NC_GLOBAL, "length", &na) != NC_NOERR || na != (size_t)dim ||
        nc_get_att_double(nc, NC_GLOBAL, "length", L) != NC_NOERR) {
        rc = FA_ERROR(FA_EFORMAT, "%s: no valid 'dim', 'cells' and 'length' attributes (not a fracagg run file?)", path);
    } else {
        long n[3];
        for (int a = 0; a < dim; a++) n[a] = cells[a];
        rc = fa_grid_create(dim, n, L, boundary_of(nc), NULL, grid);
        if (rc == FA_OK) { /* the variables must match the attributes */
            rc = check_grid(path, &o.f, 0, *grid);
            int v, nlead;
            size_t start[6], count[6];
            for (int i = 0; !rc && i < o.f.shape.nspecies; i++)
                rc = fa_rf_locate(path, &o.f, FA_RF_DENSITY, i, 0, 0, &v, start, count, &nlead);
            if (rc != FA_OK) {
                fa_grid_free(*grid);
                *grid = NULL;
            }
        }
    }
    nc_close(nc);
    if (rc == FA_OK) *nspecies = o.f.shape.nspecies;
    return rc;
}

int fa_runfile_species_name(const char *path, int species, char *name, size_t len)
{
    if (len > 0) name[0] = '\0';
    int nc;
    FA_TRY(fa_runfile_open(path, &nc));
    fa_rf_file_t f;
    int rc = fa_rf_inspect(path, nc, &f);
    if (!rc && species >= 0 && species < f.shape.nspecies) snprintf(name, len, "%s", f.names[species]);
    nc_close(nc);
    return rc;
}

/* ---- the H^s series (verify-hs) ---------------------------------------------------- */

int fa_runfile_hs_series(const char *path, double s, fa_hs_series_t *o)
{
    opened_t op;
    FA_TRY(open_record(path, 0, 0, 0, &op));
    fa_rf_file_t *f = &op.f;
    int nc = f->ncid, rc = FA_OK;
    double *hs = NULL, *buf = NULL, *sh = NULL;
    size_t nt = f->nrec, N = (size_t)f->shape.nspecies, nhs = (size_t)f->shape.nhs;
    const char *no_hs = " (the run recorded no H^s norms: set [output] hs)";
    if (nc_get_att_int(nc, NC_GLOBAL, "dim", &o->dim) != NC_NOERR)
        rc = FA_ERROR(FA_EFORMAT, "%s: no global attribute 'dim' (not a fracagg run file?)", path);
    else if (o->dim < 1 || o->dim > 3)
        rc = FA_ERROR(FA_EFORMAT, "%s: global attribute dim = %d, expected 1, 2 or 3", path, o->dim);
    else if (nt < 2)
        rc = FA_ERROR(FA_EFORMAT, "%s: %zu record%s; the growth bound needs at least two times", path, nt,
                      nt == 1 ? "" : "s");
    else if (nhs == 0)
        rc = FA_ERROR(FA_EFORMAT, "%s: no variable 'hs'%s", path, no_hs);
    o->nspecies = (int)N;
    o->ntimes = (long)nt;
    int vh, vt, vn, vtot, vtop, nlead;
    size_t st[6], ct[6];
    if (!rc) rc = fa_rf_locate(path, f, FA_RF_HS, 0, 0, 0, &vh, st, ct, &nlead);
    if (!rc && !(hs = fa_malloc(nhs * sizeof(double)))) rc = FA_ENOMEM;
    if (!rc && nc_get_var_double(nc, vh, hs) != NC_NOERR) rc = FA_ERROR(FA_EFORMAT, "%s: cannot read variable 'hs'", path);
    long q = -1;
    for (size_t k = 0; !rc && k < nhs; k++)
        if (fabs(hs[k] - s) <= 1e-9 * fmax(1.0, fabs(s))) q = (long)k;
    if (!rc && q < 0) {
        char list[512] = "";
        size_t used = 0;
        for (size_t k = 0; k < nhs && used + 32 < sizeof list; k++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%g", k ? " " : "", hs[k]);
        rc = FA_ERROR(FA_EFORMAT, "%s: H^s order s = %g is not recorded; the file has s = %s (the orders of [output] hs)",
                      path, s, list);
    }
    if (!rc) o->s = hs[q];
    /* the arrays' shapes are the schema's (either version): checked by locating them */
    if (!rc) rc = fa_rf_locate(path, f, FA_RF_TIME, 0, 0, 0, &vt, st, ct, &nlead);
    if (!rc) rc = fa_rf_locate(path, f, FA_RF_HS_NORM, 0, 0, 0, &vn, st, ct, &nlead);
    if (!rc) rc = fa_rf_locate(path, f, FA_RF_HS_TOP, 0, 0, 0, &vtop, st, ct, &nlead);
    if (!rc) rc = fa_rf_locate(path, f, FA_RF_HS_TOTAL, 0, 0, 0, &vtot, st, ct, &nlead);
    size_t rows = N + 1;
    if (!rc) {
        o->time = fa_malloc(nt * sizeof(double));
        o->norm = fa_malloc(rows * nt * sizeof(double));
        o->share = fa_malloc(rows * nt * sizeof(double));
        o->names = fa_calloc(N, sizeof(char *));
        buf = fa_malloc(nt * N * sizeof(double));
        sh = fa_malloc(nt * N * sizeof(double));
        if (!o->time || !o->norm || !o->share || !o->names || !buf || !sh) rc = FA_ENOMEM;
    }
    /* norms of order q at every record: (time, hs, species) or (time, species, hs) */
    int last = fa_rf_hs_species_last(f);
    size_t st3[3] = {0, last ? (size_t)q : 0, last ? 0 : (size_t)q};
    size_t ct3[3] = {nt, last ? 1 : N, last ? N : 1}, st2[2] = {0, (size_t)q}, ct2[2] = {nt, 1};
    if (!rc) {
        int nrc = nc_get_var_double(nc, vt, o->time);
        if (nrc == NC_NOERR) nrc = nc_get_vara_double(nc, vn, st3, ct3, buf);
        if (nrc == NC_NOERR) nrc = nc_get_vara_double(nc, vtop, st3, ct3, sh);
        if (nrc == NC_NOERR) nrc = nc_get_vara_double(nc, vtot, st2, ct2, o->norm + N * nt);
        if (nrc != NC_NOERR) rc = FA_ERROR(FA_EFORMAT, "%s: reading the H^s series: %s", path, nc_strerror(nrc));
    }
    if (!rc) { /* (time, species) -> one row per species; the combined share weighted by y_i^2 */
        double *totsh = o->share + N * nt;
        for (size_t r = 0; r < nt; r++) {
            double num = 0, den = 0;
            for (size_t i = 0; i < N; i++) {
                double y = buf[r * N + i], fr = sh[r * N + i];
                o->norm[i * nt + r] = y;
                o->share[i * nt + r] = fr;
                num += fr * y * y;
                den += y * y;
            }
            totsh[r] = den > 0 ? num / den : 0;
        }
        for (size_t i = 0; i < N && !rc; i++)
            if (!(o->names[i] = fa_strdup(f->names[i]))) rc = FA_ENOMEM;
    }
    free(hs);
    free(buf);
    free(sh);
    nc_close(nc);
    return rc;
}

/* ---- fracagg info ------------------------------------------------------------------ */

/* One value of a per-record array (NaN where it cannot be read). */
static double value_at(const char *path, const fa_rf_file_t *f, fa_rf_role_t role, size_t rec, size_t idx)
{
    int v, nlead;
    size_t st[6], ct[6];
    double x = NAN;
    if (fa_rf_locate(path, f, role, 0, 0, rec, &v, st, ct, &nlead) != FA_OK) return x;
    for (int k = 1; k < 3; k++) st[k] = k == 1 ? idx : 0;
    if (nc_get_var1_double(f->ncid, v, st, &x) != NC_NOERR) x = NAN;
    return x;
}

/* A variable of one dimension, `dim`, of n values (a file is input: any other shape would
 * make netCDF read start and count arrays beyond ours). */
static int get_eps_series(int nc, const char *name, size_t n, nc_type type, void *buf)
{
    int v, nd, id, eps;
    size_t zero = 0;
    if (nc_inq_varid(nc, name, &v) != NC_NOERR || nc_inq_varndims(nc, v, &nd) != NC_NOERR || nd != 1 ||
        nc_inq_vardimid(nc, v, &id) != NC_NOERR || nc_inq_dimid(nc, "eps", &eps) != NC_NOERR || id != eps)
        return 0;
    if (type == NC_INT) return nc_get_vara_int(nc, v, &zero, &n, buf) == NC_NOERR;
    return nc_get_vara_double(nc, v, &zero, &n, buf) == NC_NOERR;
}

/* fracagg info of a limit file: per eps its series' maxima and observed orders. */
static void limit_info(const char *path, const fa_rf_file_t *f, FILE *out)
{
    int nc = f->ncid;
    size_t neps = (size_t)f->shape.neps;
    double eps[64], val[64];
    int steps[64];
    fprintf(out, "limit:     %zu values of eps, species", neps);
    for (int i = 0; i < f->shape.nspecies; i++) fprintf(out, " %s", f->names[i]);
    fprintf(out, "\n");
    if (!get_eps_series(nc, "eps", neps, NC_DOUBLE, eps)) {
        fprintf(out, "  (no readable eps: %s is damaged)\n", path);
        return;
    }
    if (!get_eps_series(nc, "steps", neps, NC_INT, steps))
        for (size_t e = 0; e < neps; e++) steps[e] = NC_FILL_INT;
    fprintf(out, "  %-10s", "eps");
    for (int q = 0; q < FA_RF_NSERIES; q++) { /* the names of the file's variables */
        char name[64];
        snprintf(name, sizeof name, "%s_max", fa_rf_series_names[q]);
        fprintf(out, " %25s order", name);
    }
    fprintf(out, " %8s\n", "steps");
    double tab[2 * FA_RF_NSERIES][64];
    for (int q = 0; q < 2 * FA_RF_NSERIES; q++) {
        char name[64];
        snprintf(name, sizeof name, "%s_%s", fa_rf_series_names[q / 2], q % 2 ? "order" : "max");
        int ok = get_eps_series(nc, name, neps, NC_DOUBLE, val);
        for (size_t e = 0; e < neps; e++) tab[q][e] = ok && val[e] != NC_FILL_DOUBLE ? val[e] : NAN;
    }
    for (size_t e = 0; e < neps; e++) {
        fprintf(out, "  %-10.4g", eps[e]);
        for (int q = 0; q < FA_RF_NSERIES; q++) {
            fprintf(out, " %25.6e", tab[2 * q][e]);
            if (isnan(tab[2 * q + 1][e])) fprintf(out, " %5s", "-"); /* the first eps has no order */
            else fprintf(out, " %5.2f", tab[2 * q + 1][e]);
        }
        if (steps[e] == NC_FILL_INT) fprintf(out, " %8s\n", "(not run)");
        else fprintf(out, " %8d\n", steps[e]);
    }
}

int fa_runfile_info(const char *path, FILE *out)
{
    opened_t o;
    FA_TRY(open_record(path, 0, 0, OPEN_EMPTY | OPEN_LIMIT, &o));
    fa_rf_file_t *f = &o.f;
    int nc = f->ncid, rc = FA_OK;
    size_t last = o.rec;
    char *src = get_text_att(nc, "source");
    fprintf(out, "file:      %s\n", path);
    fprintf(out, "written:   %s (layout version %d)\n", src ? src : "(unknown program)", f->version);
    free(src);
    double cells[3] = {0, 0, 0}, L[3] = {0, 0, 0};
    if (get_att_doubles(nc, "cells", cells, 3) > 3) cells[0] = cells[1] = cells[2] = 0;
    if (get_att_doubles(nc, "length", L, 3) > 3) L[0] = L[1] = L[2] = 0;
    int dim = f->shape.dim, limit = f->shape.kind == FA_RF_LIMITFILE;
    if (!limit) { /* a limit file's grid is in its configuration, below */
        fprintf(out, "grid:      %dD, cells", dim);
        for (int a = 0; a < dim; a++) fprintf(out, " %.0f", cells[a]);
        fprintf(out, ", box");
        for (int a = 0; a < dim; a++) fprintf(out, " %g", L[a]);
        fprintf(out, ", %s\n", boundary_of(nc) == FA_BOUNDARY_FREE ? "free (the whole space)" : "periodic");
    }
    if (f->nrec == 0)
        fprintf(out, "records:   0 (stopped before its first record; `fracagg run --continue` starts it)\n");
    else
        fprintf(out, "records:   %zu, t = %.6g .. %.6g\n", last + 1, o.tfirst, o.tlast);
    if (limit) limit_info(path, f, out);
    else
        fprintf(out, "species:   %d%s\n", f->shape.nspecies, f->shape.kind == FA_RF_KINETIC ? " (with the kinetic model)" : "");
    for (int i = 0; i < f->shape.nspecies && f->nrec > 0 && !limit; i++) {
        double m0 = value_at(path, f, FA_RF_MASS, 0, (size_t)i), m1 = value_at(path, f, FA_RF_MASS, last, (size_t)i);
        fprintf(out, "  %d %-12s mass %.12g -> %.12g (relative change %.2e)\n", i + 1, f->names[i], m0, m1,
                m0 != 0 ? (m1 - m0) / m0 : 0.0);
    }
    if (f->nrec > 0 && !limit)
        fprintf(out, "energy:    %.9g -> %.9g\n", value_at(path, f, FA_RF_ENERGY, 0, 0),
                value_at(path, f, FA_RF_ENERGY, last, 0));
    if (f->shape.nhs > 0) {
        int v, nlead;
        size_t st[6], ct[6];
        double hs[64];
        if (fa_rf_locate(path, f, FA_RF_HS, 0, 0, 0, &v, st, ct, &nlead) == FA_OK && ct[0] <= 64 &&
            nc_get_var_double(nc, v, hs) == NC_NOERR) {
            fprintf(out, "H^s:       s =");
            for (size_t q = 0; q < ct[0]; q++) fprintf(out, " %g", hs[q]);
            fprintf(out, "\n");
        }
    }
    char *method = get_text_att(nc, "solver_method"), *scheme = get_text_att(nc, "solver_scheme");
    if (method || scheme || !limit) {
        fprintf(out, "solver:    %s, %s", method ? method : "?", scheme ? scheme : "?");
        for (int k = 0; k < FA_RF_NSTATS; k++) {
            char an[64];
            double val;
            snprintf(an, sizeof an, "solver_%s", fa_rf_stat_names[k]);
            if (get_att_doubles(nc, an, &val, 1) == 1) fprintf(out, ", %s %.0f", fa_rf_stat_names[k], val);
        }
        fprintf(out, "\n");
    }
    free(method);
    free(scheme);
    char *status = get_text_att(nc, "run_status");
    if (status) fprintf(out, "status:    %s\n", status);
    free(status);
    char *cfg = get_text_att(nc, "config");
    if (cfg) {
        fprintf(out, "config:\n");
        char *save = NULL;
        for (char *line = strtok_r(cfg, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) fprintf(out, "  %s\n", line);
        free(cfg);
    }
    nc_close(nc);
    if (ferror(out)) rc = FA_ERROR(FA_EIO, "cannot write the summary");
    return rc;
}
