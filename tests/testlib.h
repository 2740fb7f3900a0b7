/* Small helpers for the numerical tests: models from inline configurations, runs, norms,
 * checks that print what they measured. Exit codes follow the Automake harness:
 * 0 pass, 1 fail, 77 skip, 99 hard error. */
#ifndef FA_TESTLIB_H
#define FA_TESTLIB_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "fracagg.h"

extern int tl_failures;

/* A model from configuration text (printf-style); exits 99 on failure. */
fa_model_t *tl_model(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A model from configuration text with extra "section.key=value" overrides (NULL-terminated). */
fa_model_t *tl_model_with(const char *text, const char *const *sets);

/* Solve to t_end from the model's initial data; returns a malloc'd copy of the whole state
 * (species after species); stats optional. Exits 99 on failure. */
double *tl_solve(const fa_model_t *m, double t_end, fa_solver_stats_t *stats);

/* Initial data of all species (malloc'd). */
double *tl_initial(const fa_model_t *m);

/* Sum over cells of |a - b| times the cell volume (L1 norm of the difference). */
double tl_l1(const fa_grid_t *g, const double *a, const double *b, long n);
double tl_max_abs_diff(const double *a, const double *b, long n);

/* Observed order of convergence from errors e1 (spacing h1) and e2 (h2). */
double tl_order(double e1, double h1, double e2, double h2);

/* Record a check: prints "ok"/"FAIL" with the message; counts failures. */
void tl_check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Exit code for the test program. */
int tl_exit(void);

#endif
