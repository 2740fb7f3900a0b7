/* Run files: NetCDF classic (64-bit offset), CF-1.8.
 *
 * Why the classic format: its header holds the number of records, and netCDF writes that
 * number only when the file is synced. Writing a whole record and then syncing (and fsyncing)
 * means a process killed at any moment leaves a file whose header counts only finished
 * records; the bytes of a half-written record lie beyond them and are ignored by readers and
 * overwritten by a continued run. (An HDF5-based file killed mid-write can be unreadable.) */
#include "grid_internal.h"
#include "model_internal.h"
#include "runfile.h"

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
    const fa_grid_t *grid;
    const fa_grid_layout_t *g;
    int N, nhs, dim;
    long nrec;
    int v_time, v_rho, v_mass, v_energy, v_hs_norm, v_hs_total, v_hs_top;
    int v_stat[6];
    /* kinetic runs */
    int kinetic;
    double epsilon;
    int v_rho_kin, v_mom, v_w1, v_me, v_mk, v_mi;
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

    if (o->kinetic) {
        int dc;
        NC_TRY(p, nc_def_dim(nc, "component", (size_t)d, &dc));
        NC_TRY(p, nc_def_var(nc, "rho_kinetic", NC_DOUBLE, 2 + d, drho, &o->v_rho_kin));
        FA_TRY(put_text_att(p, nc, o->v_rho_kin, "long_name", "density of the kinetic model (cell average)"));
        int dmom[6] = {dt, ds, dc};
        for (int a = 0; a < d; a++) dmom[3 + a] = dx[d - 1 - a];
        NC_TRY(p, nc_def_var(nc, "momentum", NC_DOUBLE, 3 + d, dmom, &o->v_mom));
        FA_TRY(put_text_att(p, nc, o->v_mom, "long_name",
                            "momentum density of the kinetic model, int v f dv (component 0 = x)"));
        struct { int *v; const char *name, *doc; } per[4] = {
            {&o->v_w1, "w1", "Wasserstein-1 distance between rho_kinetic and rho (periodic)"},
            {&o->v_me, "modulated_energy", "modulated energy E_i = modulated_kinetic + modulated_interaction"},
            {&o->v_mk, "modulated_kinetic", "1/2 int |u_i - v|^2 f_i dx dv, u_i the macroscopic velocity"},
            {&o->v_mi, "modulated_interaction", "(1/2 eps) int (rho_i - rho_i^eps) K_ii * (rho_i - rho_i^eps)"}};
        for (int q = 0; q < 4; q++) {
            NC_TRY(p, nc_def_var(nc, per[q].name, NC_DOUBLE, 2, dts, per[q].v));
            FA_TRY(put_text_att(p, nc, *per[q].v, "long_name", per[q].doc));
        }
        NC_TRY(p, nc_put_att_double(nc, NC_GLOBAL, "epsilon", NC_DOUBLE, 1, &o->epsilon));
        FA_TRY(put_text_att(p, nc, NC_GLOBAL, "kinetic_model",
                            fa_model_kinetic_options(m)->model == FA_KINETIC_MOMENT ? "moment" : "particles"));
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
    char *cfg = fa_config_to_string(fa_model_config(m));
    if (!cfg) return FA_ENOMEM;
    int rc = put_text_att(p, nc, NC_GLOBAL, "config", cfg);
    free(cfg);
    FA_TRY(rc);
    FA_TRY(put_text_att(p, nc, NC_GLOBAL, "config_name", fa_config_name(fa_model_config(m))));
    int dim = d;
    NC_TRY(p, nc_put_att_int(nc, NC_GLOBAL, "dim", NC_INT, 1, &dim));
    FA_TRY(put_text_att(p, nc, NC_GLOBAL, "boundary", fa_boundary_name(o->g->boundary)));
    NC_TRY(p, nc_put_att_double(nc, NC_GLOBAL, "length", NC_DOUBLE, (size_t)d, o->g->L));
    int cells[3] = {(int)o->g->n[0], (int)o->g->n[1], (int)o->g->n[2]};
    NC_TRY(p, nc_put_att_int(nc, NC_GLOBAL, "cells", NC_INT, (size_t)d, cells));
    const char *method[] = {"bdf", "adams", "ssprk3"};
    FA_TRY(put_text_att(p, nc, NC_GLOBAL, "solver_method", method[fa_model_solver_options(m)->method]));
    FA_TRY(put_text_att(p, nc, NC_GLOBAL, "solver_scheme",
                        fa_model_solver_options(m)->scheme == FA_SCHEME_UPWIND    ? "upwind"
                        : fa_model_solver_options(m)->scheme == FA_SCHEME_CENTRAL ? "central"
                                                                : fa_limiter_name(fa_model_solver_options(m)->limiter)));
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
        for (long i = 0; i < n; i++) c[i] = fa_grid_center(o->grid, a, i);
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
        snprintf(name, sizeof name, "%s", fa_model_species_name(m, i));
        size_t start[2] = {(size_t)i, 0}, count[2] = {1, NAME_LEN};
        NC_TRY(p, nc_put_vara_text(nc, v, start, count, name));
    }
    if (o->nhs > 0) {
        NC_TRY(p, nc_inq_varid(nc, "hs", &v));
        int nhs;
        NC_TRY(p, nc_put_var_double(nc, v, fa_model_hs_orders(m, &nhs)));
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
    o->grid = fa_model_grid(m);
    o->g = fa_grid_layout(o->grid);
    o->N = fa_model_species(m);
    fa_model_hs_orders(m, &o->nhs);
    o->dim = o->g->dim;
    return o;
}

static int output_create(const char *path, const fa_model_t *m, int kinetic, double epsilon, fa_output_t **out);

/* Distributed runs: rank 0 alone holds the file; the others take part in gathering the fields
 * and learn every status from rank 0, so that all ranks take the same branch. */


int fa_output_create(const char *path, const fa_model_t *m, fa_output_t **out)
{
    return output_create(path, m, 0, 0.0, out);
}

int fa_output_create_kinetic(const char *path, const fa_model_t *m, double epsilon, fa_output_t **out)
{
    return output_create(path, m, 1, epsilon, out);
}

static int create_root(fa_output_t *o, const fa_model_t *m);

static int output_create(const char *path, const fa_model_t *m, int kinetic, double epsilon, fa_output_t **out)
{
    *out = NULL;
    fa_output_t *o = output_new(path, m);
    if (!o) return FA_ENOMEM;
    o->kinetic = kinetic;
    o->epsilon = epsilon;
    int rc = fa_gbcast_int(o->grid, fa_grid_is_root(o->grid) ? create_root(o, m) : FA_OK);
    if (rc) {
        fa_output_close(o);
        return rc;
    }
    *out = o;
    return FA_OK;
}

static int create_root(fa_output_t *o, const fa_model_t *m)
{
    const char *path = o->path;
    int rc = nc_create(path, NC_CLOBBER | NC_64BIT_OFFSET, &o->ncid);
    if (rc != NC_NOERR) {
        int err = errno;
        o->ncid = -1;
        if (rc > 0) return FA_ERROR(FA_EIO, "cannot create run file %s: %s", path, strerror(rc));
        return FA_ERROR(FA_EIO, "cannot create run file %s: %s%s%s", path, nc_strerror(rc),
                        err ? ": " : "", err ? strerror(err) : "");
    }
    o->fd = open(path, O_RDONLY);
    rc = define_file(o, m);
    if (!rc) rc = write_coordinates(o, m);
    if (!rc) rc = sync_file(o);
    return rc;
}

double fa_output_estimate_append_bytes(const fa_model_t *m, int kinetic, int records)
{
    const fa_grid_layout_t *g = fa_grid_layout(fa_model_grid(m));
    int nhs, nout;
    fa_model_hs_orders(m, &nhs);
    fa_model_output_times(m, &nout);
    double cells = (double)g->ntotal, N = fa_model_species(m), d = g->dim;
    double rec = 8 * (N * cells + N + 1 + 2 * N * nhs + nhs) + 4 * 6;
    if (kinetic) rec += 8 * (N * cells * (1 + d) + 4 * N);
    return rec * (records < 0 ? nout : records);
}

double fa_output_estimate_bytes(const fa_model_t *m, int kinetic, int records)
{
    /* header, attributes, configuration text, coordinates */
    const fa_grid_layout_t *g = fa_grid_layout(fa_model_grid(m));
    double fixed = 40000 + 16 * (g->n[0] + g->n[1] + g->n[2]) + 65 * fa_model_species(m);
    return fixed + fa_output_estimate_append_bytes(m, kinetic, records);
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

static int append_root(fa_output_t *o);

int fa_output_append(const char *path, const fa_model_t *m, fa_output_t **out)
{
    *out = NULL;
    fa_output_t *o = output_new(path, m);
    if (!o) return FA_ENOMEM;
    int rc = fa_gbcast_int(o->grid, fa_grid_is_root(o->grid) ? append_root(o) : FA_OK);
    o->nrec = fa_gbcast_int(o->grid, (int)o->nrec);
    if (rc) {
        fa_output_close(o);
        return rc;
    }
    *out = o;
    return FA_OK;
}

static int append_root(fa_output_t *o)
{
    const char *path = o->path;
    int rc = nc_open(path, NC_WRITE, &o->ncid);
    if (rc != NC_NOERR) {
        o->ncid = -1;
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
    return rc;
}

/* A slab (planes [p0, p0 + np) of the slow axis) of a field with `lead` leading indices
 * (time, species[, component]). */
static void slab(const fa_output_t *o, long p0, long np, size_t *start, size_t *count, int lead)
{
    int d = o->dim;
    for (int k = 0; k < d; k++) {
        int a = d - 1 - k; /* file order: slowest axis first */
        start[lead + k] = a == o->g->slow ? (size_t)p0 : 0;
        count[lead + k] = a == o->g->slow ? (size_t)np : (size_t)o->g->n[a];
    }
}

/* Gathered slabs of one field into a variable at fixed leading indices. */
typedef struct {
    fa_output_t *o;
    int var, lead;
    size_t idx[3];
} slab_target_t;

static int put_slab(void *user, long p0, long np, const double *data)
{
    slab_target_t *t = user;
    size_t start[6] = {0}, count[6] = {0};
    for (int q = 0; q < t->lead; q++) start[q] = t->idx[q], count[q] = 1;
    slab(t->o, p0, np, start, count, t->lead);
    NC_TRY(t->o->path, nc_put_vara_double(t->o->ncid, t->var, start, count, data));
    return FA_OK;
}

/* One field of the record: all ranks call this (collective), rank 0 writes. */
static int put_field(fa_output_t *o, int var, int lead, size_t i0, size_t i1, size_t i2, const double *local)
{
    slab_target_t t = {o, var, lead, {i0, i1, i2}};
    return fa_grid_gather_slabs(o->grid, local, put_slab, &t);
}

/* ---- records ----------------------------------------------------------------------- */

static int write_scalars(fa_output_t *o, const fa_diag_record_t *r, const fa_solver_stats_t *st)
{
    const char *p = o->path;
    int nc = o->ncid;
    size_t rec = (size_t)o->nrec;
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
    /* the time variable last: a record whose time reads back is complete */
    NC_TRY(p, nc_put_var1_double(nc, o->v_time, &rec, &r->time));
    return sync_file(o);
}

int fa_output_write(fa_output_t *o, const fa_diag_record_t *r, const double *const rho[],
                    const fa_solver_stats_t *st)
{
    int rc = FA_OK;
    for (int i = 0; i < o->N; i++) {
        int frc = put_field(o, o->v_rho, 2, (size_t)o->nrec, (size_t)i, 0, rho[i]);
        if (!rc) rc = frc;
    }
    if (!rc && fa_grid_is_root(o->grid)) rc = write_scalars(o, r, st);
    rc = fa_gbcast_int(o->grid, rc);
    if (!rc) o->nrec++;
    return rc;
}

long fa_output_records(const fa_output_t *o) { return o->nrec; }

static int write_kinetic_scalars(fa_output_t *o, const fa_kinetic_record_t *k)
{
    const char *p = o->path;
    int nc = o->ncid;
    size_t s2[2] = {(size_t)o->nrec, 0}, c2[2] = {1, (size_t)o->N};
    NC_TRY(p, nc_put_vara_double(nc, o->v_w1, s2, c2, k->comparison->w1));
    NC_TRY(p, nc_put_vara_double(nc, o->v_me, s2, c2, k->comparison->modulated));
    NC_TRY(p, nc_put_vara_double(nc, o->v_mk, s2, c2, k->comparison->kinetic));
    NC_TRY(p, nc_put_vara_double(nc, o->v_mi, s2, c2, k->comparison->interaction));
    return FA_OK;
}

int fa_output_write_kinetic(fa_output_t *o, const fa_kinetic_record_t *k)
{
    if (!o->kinetic) return FA_ERROR(FA_EINVAL, "%s was not created for a kinetic run", o->path);
    int rc = FA_OK, d = o->dim;
    size_t rec = (size_t)o->nrec;
    for (int i = 0; i < o->N; i++) {
        int frc = put_field(o, o->v_rho_kin, 2, rec, (size_t)i, 0, k->rho[i]);
        if (!rc) rc = frc;
        for (int a = 0; a < d; a++) {
            frc = put_field(o, o->v_mom, 3, rec, (size_t)i, (size_t)a, k->momentum[i * d + a]);
            if (!rc) rc = frc;
        }
    }
    if (!rc && fa_grid_is_root(o->grid)) rc = write_kinetic_scalars(o, k);
    return fa_gbcast_int(o->grid, rc);
}

static int set_note_root(fa_output_t *o, const char *name, const char *text);

int fa_output_set_note(fa_output_t *o, const char *name, const char *text)
{
    return fa_gbcast_int(o->grid, fa_grid_is_root(o->grid) ? set_note_root(o, name, text) : FA_OK);
}

static int set_note_root(fa_output_t *o, const char *name, const char *text)
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
    const fa_grid_t *g = o->grid;
    free(o->path);
    free(o);
    return fa_gbcast_int(g, rc);
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

/* The boundary mode a run file records (files from before the whole-space mode are periodic). */
static fa_boundary_t boundary_of(int nc)
{
    char text[16] = "";
    size_t len;
    if (nc_inq_attlen(nc, NC_GLOBAL, "boundary", &len) == NC_NOERR && len < sizeof text &&
        nc_get_att_text(nc, NC_GLOBAL, "boundary", text) == NC_NOERR && strncmp(text, "free", len) == 0 && len == 4)
        return FA_BOUNDARY_FREE;
    return FA_BOUNDARY_PERIODIC;
}

int fa_runfile_open(const char *path, int *ncid)
{
    struct stat st;
    if (stat(path, &st) != 0) return FA_ERROR(FA_EIO, "cannot open run file %s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode)) return FA_ERROR(FA_EIO, "cannot open run file %s: not a regular file", path);
    int rc = nc_open(path, NC_NOWRITE, ncid);
    if (rc != NC_NOERR) {
        if (rc > 0) return FA_ERROR(FA_EIO, "cannot open run file %s: %s", path, strerror(rc));
        return FA_ERROR(FA_EIO, "cannot open run file %s: %s", path, nc_strerror(rc));
    }
    /* a classic-format record takes at least a byte: a header claiming more records than the
     * file has bytes is broken (reading them would only return fill values, and a reader
     * sizing its buffers by the count would allocate what the header says) */
    int format, dt;
    size_t n = 0;
    if (nc_inq_dimid(*ncid, "time", &dt) == NC_NOERR && nc_inq_dimlen(*ncid, dt, &n) == NC_NOERR &&
        nc_inq_format(*ncid, &format) == NC_NOERR &&
        (format == NC_FORMAT_CLASSIC || format == NC_FORMAT_64BIT_OFFSET || format == NC_FORMAT_CDF5) &&
        n > (size_t)st.st_size) {
        nc_close(*ncid);
        return FA_ERROR(FA_EFORMAT, "%s: the header claims %zu records, the file has only %lld bytes", path, n,
                        (long long)st.st_size);
    }
    return FA_OK;
}

/* Open a run file and locate the record: the last one, or the one at `time`. The file is
 * input like the configuration: only a regular file is opened (a FIFO or a terminal would
 * block), the time variable must be one-dimensional along the time dimension, and the
 * times are read in blocks, so nothing is allocated in proportion to what the header claims. */
static int open_record(const char *path, int has_time, double time, int *ncid, size_t *rec,
                       double *found)
{
    FA_TRY(fa_runfile_open(path, ncid));
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
    size_t best = n - 1, last = n - 1;
    double tlast, tfirst = 0, tbest;
    int rc = nc_get_var1_double(*ncid, vt, &last, &tlast);
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

static int check_grid(const char *path, int nc, int species, const fa_grid_t *grid, int *vrho)
{
    const fa_grid_layout_t *g = fa_grid_layout(grid);
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
                return FA_ERROR(FA_EFORMAT, "%s: box length %g along %s, the configuration has %g", path,
                                L[a], axis_name[a], g->L[a]);
    return FA_OK;
}

int fa_runfile_read(const char *path, int species, int has_time, double time, const fa_grid_t *grid,
                    double *rho, double *found_time)
{
    const fa_grid_layout_t *g = fa_grid_layout(grid);
    int nc, v;
    size_t rec;
    FA_TRY(open_record(path, has_time, time, &nc, &rec, found_time));
    int rc = check_grid(path, nc, species, grid, &v);
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

int fa_runfile_grid(const char *path, fa_grid_t **grid, int *nspecies)
{
    *grid = NULL;
    int nc;
    size_t rec;
    double t;
    FA_TRY(open_record(path, 0, 0, &nc, &rec, &t));
    int rc = FA_OK, dim = 0, cells[3] = {0, 0, 0}, ds;
    size_t nsp = 0, na;
    double L[3] = {0, 0, 0};
    if (nc_get_att_int(nc, NC_GLOBAL, "dim", &dim) != NC_NOERR || dim < 1 || dim > 3 ||
        nc_inq_attlen(nc, NC_GLOBAL, "cells", &na) != NC_NOERR || na != (size_t)dim ||
        nc_get_att_int(nc, NC_GLOBAL, "cells", cells) != NC_NOERR ||
        nc_inq_attlen(nc, NC_GLOBAL, "length", &na) != NC_NOERR || na != (size_t)dim ||
        nc_get_att_double(nc, NC_GLOBAL, "length", L) != NC_NOERR) {
        rc = FA_ERROR(FA_EFORMAT, "%s: no valid 'dim', 'cells' and 'length' attributes (not a fracagg run file?)",
                      path);
    } else if (nc_inq_dimid(nc, "species", &ds) != NC_NOERR || nc_inq_dimlen(nc, ds, &nsp) != NC_NOERR ||
               nsp < 1 || nsp > FA_MAX_SPECIES) {
        rc = FA_ERROR(FA_EFORMAT, "%s: %zu species (a fracagg run file holds 1 to %d)", path, nsp, FA_MAX_SPECIES);
    } else {
        long n[3];
        for (int a = 0; a < dim; a++) n[a] = cells[a];
        rc = fa_grid_create(dim, n, L, boundary_of(nc), NULL, grid);
        if (rc == FA_OK) { /* the variable must match the attributes */
            int v;
            rc = check_grid(path, nc, 0, *grid, &v);
            if (rc != FA_OK) {
                fa_grid_free(*grid);
                *grid = NULL;
            }
        }
    }
    nc_close(nc);
    if (rc == FA_OK) *nspecies = (int)nsp;
    return rc;
}

int fa_runfile_species_name(const char *path, int species, char *name, size_t len)
{
    if (len > 0) name[0] = '\0';
    int nc, v;
    FA_TRY(fa_runfile_open(path, &nc));
    char buf[NAME_LEN] = "";
    size_t st[2] = {(size_t)species, 0}, ct[2] = {1, NAME_LEN};
    if (nc_inq_varid(nc, "species_name", &v) == NC_NOERR && species >= 0 &&
        nc_get_vara_text(nc, v, st, ct, buf) == NC_NOERR) {
        buf[NAME_LEN - 1] = '\0';
        snprintf(name, len, "%s", buf);
    }
    nc_close(nc);
    return FA_OK;
}

/* ---- small-inertia sweeps (fracagg limit) ------------------------------------------ */

struct fa_limitfile {
    char *path;
    const fa_grid_t *g; /* distributed: rank 0 writes, the others follow its status */
    int ncid, fd, N, nt;
    int v_eps, v_series[4], v_max[4], v_order[4], v_steps, v_rhs;
};

static const char *limit_names[4] = {"w1", "modulated_energy", "modulated_kinetic", "modulated_interaction"};

static int limitfile_create_root(fa_limitfile_t *f, const fa_model_t *m);

int fa_limitfile_create(const char *path, const fa_model_t *m, fa_limitfile_t **out)
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
    f->fd = -1;
    f->ncid = -1;
    int rc = fa_gbcast_int(f->g, fa_grid_is_root(f->g) ? limitfile_create_root(f, m) : FA_OK);
    if (rc) {
        fa_limitfile_close(f);
        return rc;
    }
    *out = f;
    return FA_OK;
}

/* on failure f->ncid may be open: the caller closes */
static int limitfile_create_root(fa_limitfile_t *f, const fa_model_t *m)
{
    const char *path = f->path;
    int rc = nc_create(path, NC_CLOBBER | NC_64BIT_OFFSET, &f->ncid);
    if (rc != NC_NOERR) {
        f->ncid = -1;
        return FA_ERROR(FA_EIO, "cannot create %s: %s", path, rc > 0 ? strerror(rc) : nc_strerror(rc));
    }
    f->fd = open(path, O_RDONLY);
    const char *p = path;
    int nc = f->ncid, de, dt, ds, v;
    static const char *series_doc[4] = {
        "Wasserstein-1 distance between the kinetic and the macroscopic density",
        "modulated energy (kinetic + interaction part)",
        "kinetic part 1/2 int |u_i - v|^2 f_i",
        "interaction part (1/2 eps) int (rho_i - rho_i^eps) K_ii * (rho_i - rho_i^eps)"};
    rc = nc_def_dim(nc, "eps", NC_UNLIMITED, &de);
    if (rc == NC_NOERR) rc = nc_def_dim(nc, "time", (size_t)f->nt, &dt);
    if (rc == NC_NOERR) rc = nc_def_dim(nc, "species", (size_t)f->N, &ds);
    if (rc != NC_NOERR) return FA_ERROR(FA_ENETCDF, "%s: %s", path, nc_strerror(rc));
    NC_TRY(p, nc_def_var(nc, "epsilon", NC_DOUBLE, 1, &de, &f->v_eps));
    FA_TRY(put_text_att(p, nc, f->v_eps, "long_name", "inertia epsilon of the kinetic model"));
    NC_TRY(p, nc_def_var(nc, "time", NC_DOUBLE, 1, &dt, &v));
    FA_TRY(put_text_att(p, nc, v, "long_name", "output times"));
    int d3[3] = {de, dt, ds};
    for (int q = 0; q < 4; q++) {
        char name[64], doc[256];
        NC_TRY(p, nc_def_var(nc, limit_names[q], NC_DOUBLE, 3, d3, &f->v_series[q]));
        FA_TRY(put_text_att(p, nc, f->v_series[q], "long_name", series_doc[q]));
        snprintf(name, sizeof name, "max_%s", limit_names[q]);
        snprintf(doc, sizeof doc, "max over time of the sum over species of %s", limit_names[q]);
        NC_TRY(p, nc_def_var(nc, name, NC_DOUBLE, 1, &de, &f->v_max[q]));
        FA_TRY(put_text_att(p, nc, f->v_max[q], "long_name", doc));
        snprintf(name, sizeof name, "order_%s", limit_names[q]);
        snprintf(doc, sizeof doc, "observed order in epsilon of max_%s against the previous eps", limit_names[q]);
        NC_TRY(p, nc_def_var(nc, name, NC_DOUBLE, 1, &de, &f->v_order[q]));
        FA_TRY(put_text_att(p, nc, f->v_order[q], "long_name", doc));
    }
    NC_TRY(p, nc_def_var(nc, "kinetic_steps", NC_INT, 1, &de, &f->v_steps));
    NC_TRY(p, nc_def_var(nc, "kinetic_rhs_evals", NC_INT, 1, &de, &f->v_rhs));
    FA_TRY(put_text_att(p, nc, NC_GLOBAL, "Conventions", "CF-1.8"));
    FA_TRY(put_text_att(p, nc, NC_GLOBAL, "title", "fracagg small-inertia sweep"));
    FA_TRY(put_text_att(p, nc, NC_GLOBAL, "source", "fracagg " FA_VERSION));
    FA_TRY(put_text_att(p, nc, NC_GLOBAL, "kinetic_model", fa_model_kinetic_options(m)->model == FA_KINETIC_MOMENT ? "moment" : "particles"));
    char *cfg = fa_config_to_string(fa_model_config(m));
    if (!cfg) return FA_ENOMEM;
    rc = put_text_att(p, nc, NC_GLOBAL, "config", cfg);
    free(cfg);
    FA_TRY(rc);
    NC_TRY(p, nc_enddef(nc));
    int nt;
    NC_TRY(p, nc_put_var_double(nc, v, fa_model_output_times(m, &nt)));
    return FA_OK;
}

static int limitfile_write_root(fa_limitfile_t *f, long row, const fa_limit_row_t *r, const double *const series[4]);

int fa_limitfile_write(fa_limitfile_t *f, long row, const fa_limit_row_t *r, const double *const series[4])
{
    return fa_gbcast_int(f->g, fa_grid_is_root(f->g) ? limitfile_write_root(f, row, r, series) : FA_OK);
}

static int limitfile_write_root(fa_limitfile_t *f, long row, const fa_limit_row_t *r, const double *const series[4])
{
    const char *p = f->path;
    int nc = f->ncid;
    size_t k = (size_t)row, s3[3] = {k, 0, 0}, c3[3] = {1, (size_t)f->nt, (size_t)f->N};
    const double mx[4] = {r->w1, r->modulated, r->modulated_kinetic, r->modulated_interaction};
    const double od[4] = {r->order_w1, r->order_modulated, r->order_kinetic, r->order_interaction};
    for (int q = 0; q < 4; q++) {
        NC_TRY(p, nc_put_vara_double(nc, f->v_series[q], s3, c3, series[q]));
        NC_TRY(p, nc_put_var1_double(nc, f->v_max[q], &k, &mx[q]));
        NC_TRY(p, nc_put_var1_double(nc, f->v_order[q], &k, &od[q]));
    }
    int steps = (int)r->stats.steps, rhs = (int)(r->stats.rhs_evals > 2147483647L ? 2147483647L : r->stats.rhs_evals);
    NC_TRY(p, nc_put_var1_int(nc, f->v_steps, &k, &steps));
    NC_TRY(p, nc_put_var1_int(nc, f->v_rhs, &k, &rhs));
    NC_TRY(p, nc_put_var1_double(nc, f->v_eps, &k, &r->epsilon)); /* last: the row is complete */
    NC_TRY(p, nc_sync(nc));
    if (f->fd >= 0 && fsync(f->fd) != 0 && errno != EINVAL) return FA_ERROR(FA_EIO, "%s: fsync: %s", p, strerror(errno));
    return FA_OK;
}

int fa_limitfile_close(fa_limitfile_t *f)
{
    if (!f) return FA_OK;
    int rc = FA_OK;
    if (f->ncid >= 0 && nc_close(f->ncid) != NC_NOERR) rc = FA_ERROR(FA_ENETCDF, "%s: closing failed", f->path);
    if (f->fd >= 0) close(f->fd);
    const fa_grid_t *g = f->g;
    free(f->path);
    free(f);
    return g ? fa_gbcast_int(g, rc) : rc;
}
