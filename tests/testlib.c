#include "testlib.h"

#include <stdarg.h>
#include <string.h>

int tl_failures;

static void die(const char *what)
{
    fprintf(stderr, "hard error: %s: %s (%s)\n", what, fa_last_error(), fa_last_error_location());
    exit(99);
}

fa_model_t *tl_model_with(const char *text, const char *const *sets)
{
    fa_config_t *cfg;
    if (fa_config_read_string(text, "test.ini", &cfg)) die("config");
    for (int i = 0; sets && sets[i]; i++)
        if (fa_config_set(cfg, sets[i])) die("config override");
    fa_model_t *m;
    if (fa_model_create(cfg, NULL, &m)) die("model");
    fa_config_free(cfg);
    return m;
}

fa_model_t *tl_model(const char *fmt, ...)
{
    char buf[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return tl_model_with(buf, NULL);
}

double *tl_initial(const fa_model_t *m)
{
    long n = fa_grid_local_cells(fa_model_grid(m));
    int N = fa_model_species(m);
    double *y = malloc((size_t)N * n * sizeof(double));
    if (!y) die("malloc");
    for (int i = 0; i < N; i++)
        if (fa_model_initial(m, i, y + i * n)) die("initial data");
    return y;
}

double *tl_solve(const fa_model_t *m, double t_end, fa_solver_stats_t *stats)
{
    fa_solver_t *s;
    if (fa_solver_create(m, &s)) die("solver");
    if (fa_solver_advance(s, t_end)) die("advance");
    long n = fa_grid_local_cells(fa_model_grid(m));
    int N = fa_model_species(m);
    double *y = malloc((size_t)N * n * sizeof(double));
    if (!y) die("malloc");
    for (int i = 0; i < N; i++) memcpy(y + i * n, fa_solver_density(s, i), (size_t)n * sizeof(double));
    if (stats) fa_solver_get_stats(s, stats);
    fa_solver_free(s);
    return y;
}

double tl_l1(const fa_grid_t *g, const double *a, const double *b, long n)
{
    double s = 0;
    for (long c = 0; c < n; c++) s += fabs(a[c] - b[c]);
    return s * fa_grid_cell_volume(g);
}

double tl_max_abs_diff(const double *a, const double *b, long n)
{
    double m = 0;
    for (long c = 0; c < n; c++) m = fmax(m, fabs(a[c] - b[c]));
    return m;
}

double tl_order(double e1, double h1, double e2, double h2) { return log(e1 / e2) / log(h1 / h2); }

void tl_check(int ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s: ", ok ? "ok  " : "FAIL");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    if (!ok) tl_failures++;
}

int tl_exit(void)
{
    printf("%s (%d failed checks)\n", tl_failures ? "FAILED" : "PASSED", tl_failures);
    return tl_failures ? 1 : 0;
}
