/* The H^s growth bound of Lemma 4.6 on run files (math.md section 6): read the recorded
 * series, the empirical constant C_emp = max_t (1/y0 - 1/y(t))/t, and the check against a
 * given constant (Riccati comparison and the fourfold bound up to T*). */
#include "internal.h"
#include "runfile.h"

#include <math.h>
#include <netcdf.h>
#include <stdlib.h>
#include <string.h>

#define NAME_LEN 65 /* as io.c: species names of 64 characters and the terminator */

double fa_hs_lemma_min_order(int dim) { return 0.5 * dim + 3; }

void fa_hs_series_free(fa_hs_series_t *ser)
{
    if (!ser) return;
    if (ser->names)
        for (int i = 0; i < ser->nspecies; i++) free(ser->names[i]);
    free(ser->names);
    free(ser->path);
    free(ser->time);
    free(ser->norm);
    free(ser->share);
    memset(ser, 0, sizeof *ser);
}

const double *fa_hs_series_row(const fa_hs_series_t *ser, int row, const double **share)
{
    if (share) *share = ser->share + (size_t)row * ser->ntimes;
    return ser->norm + (size_t)row * ser->ntimes;
}

/* ---- reading ----------------------------------------------------------------------- */

static int need_var(const char *path, int nc, const char *name, const char *why, int *v)
{
    if (nc_inq_varid(nc, name, v) != NC_NOERR)
        return FA_ERROR(FA_EFORMAT, "%s: no variable '%s'%s", path, name, why);
    return FA_OK;
}

static int dim_len(const char *path, int nc, const char *name, size_t *len)
{
    int id;
    if (nc_inq_dimid(nc, name, &id) != NC_NOERR || nc_inq_dimlen(nc, id, len) != NC_NOERR)
        return FA_ERROR(FA_EFORMAT, "%s: no dimension '%s' (not a fracagg run file?)", path, name);
    return FA_OK;
}

/* A variable's dimensions must be exactly `names` (in order). */
static int check_dims(const char *path, int nc, int v, const char *var, int nd, const char *const names[])
{
    int ndims, ids[NC_MAX_VAR_DIMS];
    if (nc_inq_varndims(nc, v, &ndims) != NC_NOERR || ndims != nd || nc_inq_vardimid(nc, v, ids) != NC_NOERR)
        return FA_ERROR(FA_EFORMAT, "%s: variable '%s' does not have %d dimensions", path, var, nd);
    for (int k = 0; k < nd; k++) {
        char name[NC_MAX_NAME + 1];
        if (nc_inq_dimname(nc, ids[k], name) != NC_NOERR || strcmp(name, names[k]) != 0)
            return FA_ERROR(FA_EFORMAT, "%s: dimension %d of '%s' is '%s', expected '%s'", path, k + 1, var,
                            name, names[k]);
    }
    return FA_OK;
}

static int read_all(const char *path, double s, fa_hs_series_t *o, int nc)
{
    int rc;
    if (nc_get_att_int(nc, NC_GLOBAL, "dim", &o->dim) != NC_NOERR)
        return FA_ERROR(FA_EFORMAT, "%s: no global attribute 'dim' (not a fracagg run file?)", path);
    if (o->dim < 1 || o->dim > 3)
        return FA_ERROR(FA_EFORMAT, "%s: global attribute dim = %d, expected 1, 2 or 3", path, o->dim);
    size_t nt, nsp, nhs;
    FA_TRY(dim_len(path, nc, "time", &nt));
    FA_TRY(dim_len(path, nc, "species", &nsp));
    if (nsp < 1 || nsp > FA_MAX_SPECIES) return FA_ERROR(FA_EFORMAT, "%s: %zu species", path, nsp);
    o->nspecies = (int)nsp;
    if (nt < 2)
        return FA_ERROR(FA_EFORMAT, "%s: %zu record%s; the growth bound needs at least two times", path, nt,
                        nt == 1 ? "" : "s");
    o->ntimes = (long)nt;

    /* the order */
    int vh, vt, vn, vtot, vtop;
    const char *no_hs = " (the run recorded no H^s norms: set [output] hs)";
    FA_TRY(need_var(path, nc, "hs", no_hs, &vh));
    if ((rc = dim_len(path, nc, "hs", &nhs))) return rc;
    double *hs = fa_malloc(nhs * sizeof(double));
    if (!hs) return FA_ENOMEM;
    if (nc_get_var_double(nc, vh, hs) != NC_NOERR) {
        free(hs);
        return FA_ERROR(FA_EFORMAT, "%s: cannot read variable 'hs'", path);
    }
    long q = -1;
    for (size_t k = 0; k < nhs; k++)
        if (fabs(hs[k] - s) <= 1e-9 * fmax(1.0, fabs(s))) q = (long)k;
    if (q < 0) {
        char list[512] = "";
        size_t used = 0;
        for (size_t k = 0; k < nhs && used + 32 < sizeof list; k++)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%g", k ? " " : "", hs[k]);
        free(hs);
        return FA_ERROR(FA_EFORMAT, "%s: H^s order s = %g is not recorded; the file has s = %s (the orders of [output] hs)",
                        path, s, list);
    }
    o->s = hs[q];
    free(hs);

    FA_TRY(need_var(path, nc, "time", "", &vt));
    FA_TRY(need_var(path, nc, "hs_norm", no_hs, &vn));
    FA_TRY(need_var(path, nc, "hs_norm_total", no_hs, &vtot));
    FA_TRY(need_var(path, nc, "hs_top_share", no_hs, &vtop));
    const char *d3[] = {"time", "species", "hs"}, *d2[] = {"time", "hs"};
    FA_TRY(check_dims(path, nc, vn, "hs_norm", 3, d3));
    FA_TRY(check_dims(path, nc, vtop, "hs_top_share", 3, d3));
    FA_TRY(check_dims(path, nc, vtot, "hs_norm_total", 2, d2));

    size_t N = nsp, rows = N + 1;
    o->time = fa_malloc(nt * sizeof(double));
    o->norm = fa_malloc(rows * nt * sizeof(double));
    o->share = fa_malloc(rows * nt * sizeof(double));
    double *buf = fa_malloc(nt * N * sizeof(double)), *sh = fa_malloc(nt * N * sizeof(double));
    o->names = fa_calloc(N, sizeof(char *));
    if (!o->time || !o->norm || !o->share || !buf || !sh || !o->names) {
        free(buf);
        free(sh);
        return FA_ENOMEM;
    }
    size_t st3[3] = {0, 0, (size_t)q}, ct3[3] = {nt, N, 1}, st2[2] = {0, (size_t)q}, ct2[2] = {nt, 1};
    int nrc = nc_get_var_double(nc, vt, o->time);
    if (nrc == NC_NOERR) nrc = nc_get_vara_double(nc, vn, st3, ct3, buf);
    if (nrc == NC_NOERR) nrc = nc_get_vara_double(nc, vtop, st3, ct3, sh);
    if (nrc == NC_NOERR) nrc = nc_get_vara_double(nc, vtot, st2, ct2, o->norm + N * nt);
    if (nrc != NC_NOERR) {
        free(buf);
        free(sh);
        return FA_ERROR(FA_EFORMAT, "%s: reading the H^s series: %s", path, nc_strerror(nrc));
    }
    /* (time, species) -> one row per species; the combined share weighted by y_i^2 */
    double *tot = o->norm + N * nt, *totsh = o->share + N * nt;
    for (size_t r = 0; r < nt; r++) {
        double num = 0, den = 0;
        for (size_t i = 0; i < N; i++) {
            double y = buf[r * N + i], f = sh[r * N + i];
            o->norm[i * nt + r] = y;
            o->share[i * nt + r] = f;
            num += f * y * y;
            den += y * y;
        }
        totsh[r] = den > 0 ? num / den : 0;
    }
    free(buf);
    free(sh);

    /* sanity: finite, nonnegative norms, increasing times */
    for (size_t r = 0; r < nt; r++) {
        if (!isfinite(o->time[r]))
            return FA_ERROR(FA_EFORMAT, "%s: record %zu has time %g", path, r + 1, o->time[r]);
        if (r > 0 && !(o->time[r] > o->time[r - 1]))
            return FA_ERROR(FA_EFORMAT, "%s: times do not increase (record %zu: t = %.9g after %.9g)", path, r + 1,
                            o->time[r], o->time[r - 1]);
        for (size_t i = 0; i <= N; i++) {
            double y = o->norm[i * nt + r], f = o->share[i * nt + r];
            if (!isfinite(y) || y < 0 || !isfinite(f)) {
                char what[48];
                if (i < N) snprintf(what, sizeof what, "species %zu", i + 1);
                else snprintf(what, sizeof what, "the combined series");
                return FA_ERROR(FA_EFORMAT, "%s: H^%g norm %g (top-third share %g) of %s at t = %.9g", path, o->s, y,
                                f, what, o->time[r]);
            }
        }
    }
    if (!(tot[0] > 0)) return FA_ERROR(FA_EFORMAT, "%s: the combined H^%g norm is 0 at the first record", path, o->s);

    /* names */
    int vname;
    int have = nc_inq_varid(nc, "species_name", &vname) == NC_NOERR;
    for (size_t i = 0; i < N; i++) {
        char name[NAME_LEN] = "";
        if (have) {
            size_t st[2] = {i, 0}, ct[2] = {1, NAME_LEN - 1};
            if (nc_get_vara_text(nc, vname, st, ct, name) != NC_NOERR) name[0] = '\0';
            name[NAME_LEN - 1] = '\0';
        }
        if (!name[0]) snprintf(name, sizeof name, "s%zu", i + 1);
        if (!(o->names[i] = fa_strdup(name))) return FA_ENOMEM;
    }
    return FA_OK;
}

int fa_hs_series_read(const char *path, double s, fa_hs_series_t *out)
{
    memset(out, 0, sizeof *out);
    if (!(s >= 0)) return FA_ERROR(FA_EINVAL, "H^s order s = %g: must be a number >= 0", s);
    int nc;
    FA_TRY(fa_runfile_open(path, &nc));
    int rc;
    out->path = fa_strdup(path);
    rc = out->path ? read_all(path, s, out, nc) : FA_ENOMEM;
    nc_close(nc);
    if (rc) fa_hs_series_free(out);
    return rc;
}

/* ---- analysis ---------------------------------------------------------------------- */

static int valid_series(const double *t, const double *y, long n)
{
    if (n < 2) return FA_ERROR(FA_EINVAL, "a growth series needs at least two records, got %ld", n);
    if (!(y[0] > 0) || !isfinite(y[0])) return FA_ERROR(FA_EINVAL, "first norm y0 = %g: must be positive", y[0]);
    for (long r = 1; r < n; r++)
        if (!(t[r] > t[r - 1])) return FA_ERROR(FA_EINVAL, "times do not increase at record %ld", r + 1);
    return FA_OK;
}

/* (1/y0 - 1/y)/t: the slope of the chord of 1/y; the Riccati comparison with constant C holds
 * at t exactly when this is <= C (where C t y0 >= 1 the bound is infinite and the chord is
 * below 1/(t y0) <= C anyway). y = 0 gives -inf: no growth. */
static double chord(double t0, double y0, double t, double y) { return (1 / y0 - 1 / y) / (t - t0); }

int fa_hs_summarise(const double *t, const double *y, const double *share, long n, fa_hs_summary_t *out)
{
    FA_TRY(valid_series(t, y, n));
    out->y0 = y[0];
    out->c_emp = -INFINITY;
    out->t_c_emp = t[1];
    out->max_ratio = 1;
    out->t_max_ratio = t[0];
    out->top_share = share ? share[0] : NAN;
    out->t_top_share = t[0];
    long at = 1;
    for (long r = 1; r < n; r++) {
        double c = chord(t[0], y[0], t[r], y[r]);
        if (c > out->c_emp) {
            out->c_emp = c;
            at = r;
        }
        if (y[r] / y[0] > out->max_ratio) {
            out->max_ratio = y[r] / y[0];
            out->t_max_ratio = t[r];
        }
        if (share && share[r] > out->top_share) {
            out->top_share = share[r];
            out->t_top_share = t[r];
        }
    }
    out->t_c_emp = t[at];
    out->c_emp_at_end = at == n - 1;
    return FA_OK;
}

int fa_hs_check(const double *t, const double *y, long n, double C, fa_hs_violation_t *out)
{
    memset(out, 0, sizeof *out);
    if (!(C > 0) || !isfinite(C)) return FA_ERROR(FA_EINVAL, "the constant C = %g must be positive", C);
    FA_TRY(valid_series(t, y, n));
    double y0 = y[0];
    out->kind = FA_HS_HOLDS;
    out->t_star = 3 / (4 * C * y0);
    out->max_ratio_tstar = 1;
    for (long r = 1; r < n && t[r] - t[0] <= out->t_star; r++)
        out->max_ratio_tstar = fmax(out->max_ratio_tstar, y[r] / y0);
    for (long r = 1; r < n; r++) {
        double dt = t[r] - t[0], cty = C * dt * y0;
        if (cty < 1 && chord(t[0], y0, t[r], y[r]) > C) {
            out->kind = FA_HS_RICCATI;
            out->bound = y0 / (1 - cty);
        } else if (dt <= out->t_star && y[r] > 4 * y0) {
            out->kind = FA_HS_FOURFOLD;
            out->bound = 4 * y0;
        } else {
            continue;
        }
        out->index = r;
        out->time = t[r];
        out->y = y[r];
        return FA_OK;
    }
    return FA_OK;
}
