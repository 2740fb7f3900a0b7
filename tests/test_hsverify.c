/* The H^s growth-bound analysis (doc/theory/hs-check.md, Lemma 4.6):
 * 1. hs_norm, hs_norm_total and hs_top_share as recorded in a run file, read back with
 *    fa_hs_series_read, against closed forms: the cell averages of b + a cos(k.x) are
 *    b + a S cos(k.x_c), S = prod_a sinc(k_a h_a/2), so ||.||^2 = L^d (b^2 + (a S)^2 (1+|k|^2)^s / 2);
 *    a mode in the top third of the wavenumbers carries the share (aS)^2 (1+|k|^2)^s/2 / (b^2 + ...);
 * 2. C_emp and the check on the exact Riccati solution y = y0/(1 - c t y0) and on series that
 *    break it;
 * 3. grid refinement of C_emp on a well-resolved growing run (central scheme, SSP-RK3):
 *    the change 128 -> 256 cells is small and shrinks at second order;
 * 4. the top-third share separates that run from the same run with the limited MUSCL scheme. */
#include "testlib.h"

#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/fa-hsverify.XXXXXX";

/* Run a model into `path`; returns the relative mass drift. */
static double run_to(const fa_model_t *m, const char *path)
{
    fa_run_options_t opt = {.output = path};
    fa_run_result_t res;
    if (fa_run(m, &opt, &res)) {
        fprintf(stderr, "hard error: run %s: %s\n", path, fa_last_error());
        exit(99);
    }
    return res.mass_drift;
}

static double sinc(double x) { return x == 0 ? 1 : sin(x) / x; }

/* ---- 1. recorded norms against closed forms ----------------------------------------- */

typedef struct {
    int d;
    const char *cells, *length;
    long n[3];
    double L[3];
    long m1[3], m2[3];    /* species 1: a low mode; species 2: a mode in the top third */
} closed_case_t;

/* "m1 m2 ..." with d numbers */
static void wavenumber_text(int d, const long m[3], char *buf, size_t len)
{
    int k = snprintf(buf, len, "%ld", m[0]);
    for (int a = 1; a < d; a++) k += snprintf(buf + k, len - (size_t)k, " %ld", m[a]);
}

static void closed_forms(const closed_case_t *cc)
{
    const double b1 = 0.7, a1 = 0.3, b2 = 0.4, a2 = 0.1;
    char w1[64], w2[64];
    wavenumber_text(cc->d, cc->m1, w1, sizeof w1);
    wavenumber_text(cc->d, cc->m2, w2, sizeof w2);
    fa_model_t *m = tl_model("[grid]\ndim = %d\ncells = %s\nlength = %s\n[species]\ncount = 2\n"
                             "[kernel.1.1]\ntype = riesz\nstrength = 0.2\nalpha = %g\n"
                             "[initial.1]\ntype = mode\nmean = %g\namplitude = %g\nwavenumber = %s\n"
                             "[initial.2]\ntype = mode\nmean = %g\namplitude = %g\nwavenumber = %s\n"
                             "[time]\nend = 0.01\noutputs = 1\n[output]\nhs = 0 1.5 4 5.5\n",
                             cc->d, cc->cells, cc->length, 0.5 * cc->d, b1, a1, w1, b2, a2, w2);
    char path[128];
    snprintf(path, sizeof path, "%s/closed%d.nc", dir, cc->d);
    run_to(m, path);
    const double orders[4] = {0, 1.5, 4, 5.5};
    double vol = 1;
    for (int a = 0; a < cc->d; a++) vol *= cc->L[a];
    for (int q = 0; q < 4; q++) {
        fa_hs_series_t ser;
        if (fa_hs_series_read(path, orders[q], &ser)) {
            tl_check(0, "%dD: read s = %g: %s", cc->d, orders[q], fa_last_error());
            continue;
        }
        double expect[2], part[2];
        const long *mv[2] = {cc->m1, cc->m2};
        const double b[2] = {b1, b2}, amp[2] = {a1, a2};
        for (int i = 0; i < 2; i++) {
            double k2 = 0, S = 1;
            for (int a = 0; a < cc->d; a++) {
                double k = 2 * M_PI * mv[i][a] / cc->L[a], h = cc->L[a] / cc->n[a];
                k2 += k * k;
                S *= sinc(0.5 * k * h);
            }
            part[i] = 0.5 * pow(amp[i] * S, 2) * pow(1 + k2, orders[q]);
            expect[i] = sqrt(vol * (b[i] * b[i] + part[i]));
        }
        double err = 0;
        for (int i = 0; i < 2; i++) err = fmax(err, fabs(fa_hs_series_row(&ser, i, NULL)[0] / expect[i] - 1));
        double tot = sqrt(expect[0] * expect[0] + expect[1] * expect[1]);
        const double *share2, *sh_tot, *share1;
        fa_hs_series_row(&ser, 0, &share1);
        fa_hs_series_row(&ser, 1, &share2);
        double ytot = fa_hs_series_row(&ser, 2, &sh_tot)[0];
        double e_tot = fabs(ytot / tot - 1);
        double share_expect = vol * part[1] / (expect[1] * expect[1]);
        double share_tot = share_expect * expect[1] * expect[1] / (tot * tot);
        double e_share = fabs(share2[0] / share_expect - 1), e_share_tot = fabs(sh_tot[0] / share_tot - 1);
        tl_check(err < 1e-12 && e_tot < 1e-12 && ser.dim == cc->d && ser.ntimes == 2 && ser.s == orders[q],
                 "%dD s = %-3g: run file hs_norm %.12g, %.12g against closed forms (max rel. error %.1e); total %.12g (%.1e)",
                 cc->d, orders[q], fa_hs_series_row(&ser, 0, NULL)[0], fa_hs_series_row(&ser, 1, NULL)[0], err, ytot, e_tot);
        tl_check(e_share < 1e-12 && e_share_tot < 1e-12 && share1[0] < 1e-15,
                 "%dD s = %-3g: top-third share: low mode %.1e; top mode %.12f (closed form %.12f); combined %.12f (%.12f)",
                 cc->d, orders[q], share1[0], share2[0], share_expect, sh_tot[0], share_tot);
        fa_hs_series_free(&ser);
    }
    /* an order the file does not hold */
    fa_hs_series_t ser;
    int rc = fa_hs_series_read(path, 4.5, &ser);
    tl_check(rc == FA_EFORMAT && strstr(fa_last_error(), "s = 0 1.5 4 5.5"),
             "%dD: s = 4.5 not recorded: code %d, \"%s\"", cc->d, rc, fa_last_error());
    fa_model_free(m);
}

/* ---- 2. the analysis on synthetic series ---------------------------------------------- */

static void synthetic(void)
{
    enum { n = 41 };
    double t[n], y[n];
    const double c = 0.37, y0 = 2.5, t0 = 1.0; /* an exact Riccati solution, started at t0 */
    for (int r = 0; r < n; r++) {
        t[r] = t0 + 0.025 * r; /* C (t - t0) y0 reaches 0.925 */
        y[r] = y0 / (1 - c * (t[r] - t0) * y0);
    }
    fa_hs_summary_t sum;
    fa_hs_violation_t v;
    fa_hs_summarise(t, y, NULL, n, &sum);
    double rel = fabs(sum.c_emp / c - 1);
    /* (1/y0 - 1/y)/t from y computed with rounding 1e-16 relative: ~ 1e-16 / (C t y0) relative */
    tl_check(rel < 1e-13, "Riccati solution y0/(1 - c t y0), c = %g: C_emp = %.15g (rel. error %.1e), max y/y0 %.4g",
             c, sum.c_emp, rel, sum.max_ratio);
    fa_hs_check(t, y, n, c * (1 + 1e-9), &v);
    tl_check(v.kind == FA_HS_HOLDS && fabs(v.t_star - 3 / (4 * c * (1 + 1e-9) * y0)) < 1e-12,
             "checked against C = c (1 + 1e-9): holds, T* = %.9g, max y/y0 up to T* = %.6g (<= 4)", v.t_star,
             v.max_ratio_tstar);
    fa_hs_check(t, y, n, sum.c_emp, &v);
    tl_check(v.kind == FA_HS_HOLDS, "checked against its own C_emp: holds (by construction)");
    fa_hs_check(t, y, n, c * (1 - 1e-6), &v);
    tl_check(v.kind == FA_HS_RICCATI && v.index == 1 && v.y > v.bound,
             "checked against C = c (1 - 1e-6): Riccati violation at the first record, t = %.4g, y = %.12g > %.12g",
             v.time, v.y, v.bound);
    /* a jump to 5 y0 before T*: the fourfold bound fails, and the Riccati bound (<= 4 y0 there) first */
    double y2[n];
    memcpy(y2, y, sizeof y2);
    y2[3] = 5 * y0;
    fa_hs_check(t, y2, n, c * (1 + 1e-9), &v);
    tl_check(v.kind == FA_HS_RICCATI && v.index == 3 && v.max_ratio_tstar == 5,
             "a jump to 5 y0 at t - t0 = %.3g < T* = %.3g: reported at that record (%s), max y/y0 up to T* = %g",
             t[3] - t0, v.t_star, v.kind == FA_HS_RICCATI ? "Riccati" : "other", v.max_ratio_tstar);
    /* a decaying series: C_emp < 0 */
    for (int r = 0; r < n; r++) y2[r] = y0 * exp(-(t[r] - t0));
    fa_hs_summarise(t, y2, NULL, n, &sum);
    fa_hs_check(t, y2, n, 1e-6, &v);
    tl_check(sum.c_emp < 0 && v.kind == FA_HS_HOLDS, "decaying series: C_emp = %.6g < 0; holds for any C > 0", sum.c_emp);
    /* bad input */
    int rc1 = fa_hs_check(t, y, n, 0, &v), rc2 = fa_hs_summarise(t, y, NULL, 1, &sum);
    double tb[3] = {0, 1, 1}, yb[3] = {1, 2, 3};
    int rc3 = fa_hs_summarise(tb, yb, NULL, 3, &sum);
    yb[0] = 0;
    tb[2] = 2;
    int rc4 = fa_hs_summarise(tb, yb, NULL, 3, &sum);
    tl_check(rc1 == FA_EINVAL && rc2 == FA_EINVAL && rc3 == FA_EINVAL && rc4 == FA_EINVAL,
             "C = 0, one record, repeated times, y0 = 0: FA_EINVAL each");
}

/* ---- 3./4. refinement and resolution -------------------------------------------------- */

static double c_emp_of(const char *path, double s, double *share)
{
    fa_hs_series_t ser;
    if (fa_hs_series_read(path, s, &ser)) {
        fprintf(stderr, "hard error: %s\n", fa_last_error());
        exit(99);
    }
    const double *sh, *y = fa_hs_series_row(&ser, ser.nspecies, &sh);
    fa_hs_summary_t sum;
    fa_hs_summarise(ser.time, y, sh, ser.ntimes, &sum);
    if (share) *share = sum.top_share;
    fa_hs_series_free(&ser);
    return sum.c_emp;
}

static void refinement(void)
{
    /* two species, Riesz 0.1 |x|^-0.1, Gaussian cross-attraction, cosine modes of contrast 0.9:
     * the norm grows ~50-fold; the end (0.3) is before the aggregate reaches the grid scale */
    const char *cfg = "[grid]\ndim = 1\ncells = %d\nlength = 6.283185307179586\n[species]\ncount = 2\n"
                      "[kernel.1.1]\ntype = riesz\nstrength = 0.1\nalpha = 0.1\n"
                      "[kernel.2.2]\ntype = riesz\nstrength = 0.1\nalpha = 0.1\n"
                      "[kernel.1.2]\ntype = gaussian\nstrength = -1\nlength = 1\n"
                      "[kernel.2.1]\ntype = gaussian\nstrength = -1\nlength = 1\n"
                      "[initial.1]\ntype = mode\nmean = 1\namplitude = 0.9\nwavenumber = 1\n"
                      "[initial.2]\ntype = mode\nmean = 1\namplitude = 0.9\nwavenumber = 1\n"
                      "[time]\nend = 0.3\noutputs = 100\n[solver]\nmethod = ssprk3\nscheme = %s\n[output]\nhs = 4\n";
    const int cells[3] = {64, 128, 256};
    double C[3], share[3], drift = 0;
    for (int k = 0; k < 3; k++) {
        fa_model_t *m = tl_model(cfg, cells[k], "central");
        char path[128];
        snprintf(path, sizeof path, "%s/refine%d.nc", dir, cells[k]);
        drift = fmax(drift, run_to(m, path));
        C[k] = c_emp_of(path, 4, &share[k]);
        printf("      %3d cells: C_emp = %.9f, top-third share %.1e\n", cells[k], C[k], share[k]);
        fa_model_free(m);
    }
    double d1 = C[1] - C[0], d2 = C[2] - C[1], order = log2(fabs(d1 / d2));
    /* measured: 64 -> 128 changes C_emp by 1.0e-3, 128 -> 256 by 2.6e-4 (order 2.0). The bound
     * 1e-3 relative on the last change is a regression bound with a factor ~2 of room; the
     * order must be that of the scheme (second). */
    tl_check(fabs(d2) / C[2] < 1e-3 && order > 1.5 && order < 2.5,
             "refinement 64/128/256 cells: C_emp changes %.2e, %.2e (relative %.1e at 256), observed order %.2f",
             d1, d2, fabs(d2) / C[2], order);
    tl_check(share[1] < 1e-3 && share[2] < 1e-3, "central scheme resolved: top-third share %.1e (128), %.1e (256) < 1e-3",
             share[1], share[2]);
    /* central fluxes telescope like the upwind ones: mass to rounding (~100 steps x 1e-16) */
    tl_check(drift < 1e-13, "central scheme: relative mass drift %.1e < 1e-13", drift);
    /* the same run with the limited MUSCL scheme: the limiter's clipping at extrema puts
     * grid-scale content into H^4 (manual, section 6) */
    fa_model_t *m = tl_model(cfg, 128, "muscl");
    char path[128];
    snprintf(path, sizeof path, "%s/muscl.nc", dir);
    run_to(m, path);
    double sh, cm = c_emp_of(path, 4, &sh);
    tl_check(sh > 1e-3, "limited MUSCL at 128 cells: top-third share %.2e > 1e-3 (under-resolved in H^4), C_emp %.4f vs %.4f",
             sh, cm, C[1]);
    fa_model_free(m);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 99;
    }
    const closed_case_t cases[] = {
        {1, "32", "6", {32, 1, 1}, {6, 1, 1}, {2, 0, 0}, {12, 0, 0}},
        {2, "24 16", "6 4", {24, 16, 1}, {6, 4, 1}, {1, -2, 0}, {3, 6, 0}},
    };
    for (int i = 0; i < 2; i++) closed_forms(&cases[i]);
    synthetic();
    refinement();
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return tl_exit();
}
