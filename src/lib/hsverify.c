/* The H^s growth bound of Lemma 4.6 on run files (doc/theory/hs-check.md): read the recorded
 * series, the empirical constant C_emp = max_t (1/y0 - 1/y(t))/t, and the check against a
 * given constant (Riccati comparison and the fourfold bound up to T*). */
#include "internal.h"
#include "runfile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


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

/* Finite, nonnegative norms at increasing times: what the analysis assumes. */
static int check_series(const char *path, const fa_hs_series_t *o)
{
    long nt = o->ntimes;
    int N = o->nspecies;
    for (long r = 0; r < nt; r++) {
        if (!isfinite(o->time[r])) return FA_ERROR(FA_EFORMAT, "%s: record %ld has time %g", path, r + 1, o->time[r]);
        if (r > 0 && !(o->time[r] > o->time[r - 1]))
            return FA_ERROR(FA_EFORMAT, "%s: times do not increase (record %ld: t = %.9g after %.9g)", path, r + 1,
                            o->time[r], o->time[r - 1]);
        for (int i = 0; i <= N; i++) {
            double y = o->norm[i * nt + r], f = o->share[i * nt + r];
            if (!isfinite(y) || y < 0 || !isfinite(f)) {
                char what[48];
                if (i < N) snprintf(what, sizeof what, "species %d", i + 1);
                else snprintf(what, sizeof what, "the combined series");
                return FA_ERROR(FA_EFORMAT, "%s: H^%g norm %g (top-third share %g) of %s at t = %.9g", path, o->s, y, f,
                                what, o->time[r]);
            }
        }
    }
    if (!(o->norm[N * nt] > 0)) return FA_ERROR(FA_EFORMAT, "%s: the combined H^%g norm is 0 at the first record", path, o->s);
    return FA_OK;
}

int fa_hs_series_read(const char *path, double s, fa_hs_series_t *out)
{
    memset(out, 0, sizeof *out);
    if (!(s >= 0)) return FA_ERROR(FA_EINVAL, "H^s order s = %g: must be a number >= 0", s);
    out->path = fa_strdup(path);
    int rc = out->path ? fa_runfile_hs_series(path, s, out) : FA_ENOMEM;
    if (!rc) rc = check_series(path, out);
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
