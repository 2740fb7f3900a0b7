/* fracagg bench: one right-hand side against its FFT lower bound. */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MS_DIGITS(seconds) ((seconds) < 1e-4 ? 5 : 3)

int cmd_bench(int argc, char **argv)
{
    int dim = 2, species = 2, reps = 21, threads = 1;
    long cells = 256;
    const char *scheme = "muscl", *limiter = "vanalbada", *planning = "auto";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--measure")) { planning = "measure"; continue; }
        if (!strcmp(a, "--estimate")) { planning = "estimate"; continue; }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { cli_command_help("bench", stdout); return FA_EXIT_OK; }
        if (!v) { fprintf(stderr, "fracagg bench: option '%s' needs a value\n", a); return FA_EXIT_USAGE; }
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        int numeric = *v && !*end && errno == 0 && n >= INT_MIN && n <= INT_MAX; /* no silent wrap in (int) */
        if (!strcmp(a, "--dim") && numeric) dim = (int)n;
        else if (!strcmp(a, "--cells") && numeric) cells = n;
        else if (!strcmp(a, "--species") && numeric) species = (int)n;
        else if (!strcmp(a, "--reps") && numeric) reps = (int)n;
        else if (!strcmp(a, "--threads") && numeric) threads = (int)n;
        else if (!strcmp(a, "--scheme")) scheme = v;
        else if (!strcmp(a, "--limiter")) limiter = v;
        else { fprintf(stderr, "fracagg bench: bad option '%s %s'\n", a, v); return FA_EXIT_USAGE; }
        i++;
    }
    if (dim < 1 || dim > 3 || cells < 2 || species < 1 || species > 64 || reps < 1 || threads < 1) {
        fprintf(stderr, "fracagg bench: need 1 <= dim <= 3, cells >= 2, 1 <= species <= 64, reps >= 1, threads >= 1\n");
        return FA_EXIT_USAGE;
    }
    /* S species: Riesz self-repulsion (alpha = d/2), Gaussian cross-attraction, Gaussian blobs */
    size_t cap = 4096 + 512 * (size_t)species * species;
    char *text = malloc(cap);
    if (!text) return FA_EXIT_FAILED;
    int p = snprintf(text, cap, "[grid]\ndim = %d\ncells = %ld\nlength = 10\n[species]\ncount = %d\n"
                                "[time]\nend = 1\n[solver]\nthreads = %d\nscheme = %s\nlimiter = %s\nfft_planning = %s\n",
                     dim, cells, species, threads, scheme, limiter, planning);
    for (int i = 1; i <= species; i++) {
        p += snprintf(text + p, cap - p, "[initial.%d]\ntype = gaussian\nmass = 1\nwidth = 1\ncenter = %g\n", i, -2.0 + 4.0 * (i - 1) / species);
        for (int j = 1; j <= species; j++)
            p += i == j ? snprintf(text + p, cap - p, "[kernel.%d.%d]\ntype = riesz\nstrength = 1\nalpha = %g\n", i, j, 0.5 * dim)
                        : snprintf(text + p, cap - p, "[kernel.%d.%d]\ntype = gaussian\nstrength = -0.5\nlength = 1\n", i, j);
    }
    fa_config_t *cfg = NULL;
    fa_model_t *m = NULL;
    fa_solver_t *s = NULL;
    fa_bench_result_t r;
    int rc = fa_config_read_string(text, "bench", &cfg);
    if (!rc) rc = fa_model_create(cfg, &m);
    if (!rc) rc = fa_solver_create(m, &s);
    if (!rc) rc = fa_bench_rhs(s, reps, &r);
    if (rc) {
        cli_error("bench");
    } else {
        long n = fa_grid_total_cells(fa_model_grid(m));
        printf("grid %dD, %ld cells (%ld^%d), %d species, %s%s%s, %d thread%s, FFTW %s, %d repetitions\n", dim, n, cells, dim,
               species, scheme, strcmp(scheme, "muscl") ? "" : "/", strcmp(scheme, "muscl") ? "" : limiter, threads,
               threads > 1 ? "s" : "", fa_solver_options(s)->fft_measure ? "MEASURE" : "ESTIMATE", reps);
        /* three decimals in ms, five below 0.1 ms (1D and tiny grids), so no time prints as 0 */
        printf("rhs evaluation:        %10.*f ms (median)  %8.2f ns per cell and species\n", MS_DIGITS(r.rhs_seconds), 1e3 * r.rhs_seconds,
               1e9 * r.rhs_seconds / ((double)n * species));
        printf("fft limit (%d pair%s):%s %10.*f ms (median)\n", species, species > 1 ? "s" : "", species > 1 ? "  " : "   ",
               MS_DIGITS(r.fft_seconds), 1e3 * r.fft_seconds);
        int pd = MS_DIGITS(r.rhs_seconds);
        printf("  parts: forward FFTs %.*f ms, kernel sums %.*f ms, inverse FFTs %.*f ms, fluxes %.*f ms\n", pd,
               1e3 * r.part_forward, pd, 1e3 * r.part_kernels, pd, 1e3 * r.part_inverse, pd, 1e3 * r.part_fluxes);
        printf("rhs/fft-limit ratio: %.3f\n", r.ratio);
    }
    fa_solver_free(s);
    fa_model_free(m);
    fa_config_free(cfg);
    free(text);
    return rc ? cli_exit_code(rc) : FA_EXIT_OK;
}
