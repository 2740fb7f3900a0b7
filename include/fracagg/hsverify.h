/**
 * @file hsverify.h
 * The H^s growth bound of Lemma 4.6 (doc/theory/hs-check.md) checked on run files.
 *
 * For s > d/2 + 3 and -2 <= alpha_i - d <= 0 the lemma gives d/dt y <= C y^2 for
 * y = ||rho||_{H^s} (the combined norm of the N-tuple), with C depending on d, s and the
 * kernels but not on the data. Hence the Riccati comparison y(t) <= y0/(1 - C t y0) while
 * C t y0 < 1, and y <= 4 y0 on [0, T*], T* = 3/(4 C y0).
 *
 * From one series the smallest constant consistent with the comparison is
 * C_emp = max_{t > 0} (1/y0 - 1/y(t))/t (<= 0 when the norm never grows). A run always
 * satisfies the bound with its own C_emp, so that alone verifies nothing; the falsifiable
 * use is to check runs against a constant fixed beforehand (calibrated on other runs).
 * Times are measured from the first record.
 *
 * Example:
 * @code
 *   fa_hs_series_t ser;
 *   if (fa_hs_series_read("run.nc", 4.0, &ser)) fprintf(stderr, "%s\n", fa_last_error());
 *   const double *share, *y = fa_hs_series_row(&ser, ser.nspecies, &share); // combined norm
 *   fa_hs_summary_t sum;
 *   fa_hs_violation_t v;
 *   fa_hs_summarise(ser.time, y, share, ser.ntimes, &sum);      // sum.c_emp, sum.top_share ...
 *   fa_hs_check(ser.time, y, ser.ntimes, 0.37, &v);   // v.kind: FA_HS_HOLDS or the first violation
 *   fa_hs_series_free(&ser);
 * @endcode
 */
#ifndef FRACAGG_HSVERIFY_H
#define FRACAGG_HSVERIFY_H

#ifdef __cplusplus
extern "C" {
#endif

/** The H^s series of one run file at one order s: every species and the combined norm. */
typedef struct {
    char *path;      /**< the file read */
    int dim;         /**< space dimension d (global attribute `dim`) */
    int nspecies;    /**< N */
    double s;        /**< the order, as recorded in the file's `hs` variable */
    long ntimes;     /**< records (>= 2) */
    double *time;    /**< [ntimes] simulated times, increasing */
    double *norm;    /**< [(N+1) * ntimes]: row i < N is hs_norm of species i, row N hs_norm_total */
    double *share;   /**< same layout: hs_top_share of species i; row N the share of the combined
                          squared norm, sum_i share_i y_i^2 / sum_i y_i^2 */
    char **names;    /**< [N] species names ("s1", ... when the file has none) */
} fa_hs_series_t;

/** Read the H^s series of order s from a run file. The order must be one of the file's
 *  recorded orders (variable `hs`) within 1e-9 relative; the file must hold hs_norm,
 *  hs_norm_total, hs_top_share, the `dim` attribute and at least two records with increasing
 *  times and finite, nonnegative norms. FA_EIO (cannot open), FA_EFORMAT (with a message naming
 *  the file and what is missing or wrong, e.g. the orders recorded), FA_ENOMEM. */
int fa_hs_series_read(const char *path, double s, fa_hs_series_t *out);

/** Free the arrays of a series (safe on a zeroed struct). */
void fa_hs_series_free(fa_hs_series_t *ser);

/** Row `row` (0..N-1 species, N combined) of the norms; the share row through `share`
 *  (may be NULL). */
const double *fa_hs_series_row(const fa_hs_series_t *ser, int row, const double **share);

/** The smallest order the lemma covers: s must exceed d/2 + 3. */
double fa_hs_lemma_min_order(int dim);

/** What one series shows. */
typedef struct {
    double y0;          /**< norm at the first record */
    double c_emp;       /**< max over records t > t0 of (1/y0 - 1/y(t))/(t - t0) */
    double t_c_emp;     /**< record time where c_emp is attained */
    int c_emp_at_end;   /**< 1 if that is the last record: the maximum may lie beyond the run */
    double max_ratio;   /**< max over records of y/y0 */
    double t_max_ratio; /**< where */
    double top_share;   /**< max over records of the top-third share (NaN if not given) */
    double t_top_share; /**< where */
} fa_hs_summary_t;

/** Summarise a series of n >= 2 records (share may be NULL). FA_EINVAL if n < 2, the times do
 *  not increase, or y0 is not positive. */
int fa_hs_summarise(const double *t, const double *y, const double *share, long n,
                    fa_hs_summary_t *out);

/** Kinds of violation of the bound, in the order they are looked for at each record. Where
 *  t <= T* the Riccati bound is at most 4 y0 (C t y0 <= 3/4), so a fourfold violation is always
 *  a Riccati violation at the same record and is reported as such; the fourfold bound is checked
 *  as the lemma's stated conclusion and reported through max_ratio_tstar. */
typedef enum {
    FA_HS_HOLDS = 0,  /**< both bounds hold at every record */
    FA_HS_RICCATI,    /**< y > y0/(1 - C t y0) at a record with C t y0 < 1 */
    FA_HS_FOURFOLD    /**< y > 4 y0 at a record with t <= T* = 3/(4 C y0) */
} fa_hs_violation_kind_t;

/** The first violation (earliest record) of the bound with constant C, or FA_HS_HOLDS. */
typedef struct {
    fa_hs_violation_kind_t kind;
    long index;       /**< record */
    double time;      /**< its time */
    double y;         /**< the norm there */
    double bound;     /**< the bound it exceeds: y0/(1 - C t y0), or 4 y0 */
    double t_star;    /**< T* = 3/(4 C y0) (of the series) */
    double max_ratio_tstar; /**< max of y/y0 over the records with t - t0 <= T* (<= 4 when the
                                 fourfold bound holds) */
} fa_hs_violation_t;

/** Check a series against the constant C > 0: the Riccati comparison at every record with
 *  C (t - t0) y0 < 1 and y <= 4 y0 at every record with t - t0 <= T*. The Riccati test is
 *  evaluated as (1/y0 - 1/y)/(t - t0) > C, the expression C_emp is the maximum of, so a series
 *  checked against its own C_emp holds exactly. FA_EINVAL if C <= 0 or the series is invalid
 *  (as fa_hs_summarise). */
int fa_hs_check(const double *t, const double *y, long n, double C, fa_hs_violation_t *out);

#ifdef __cplusplus
}
#endif
#endif
