/* fracagg bench: one right-hand side against its FFT lower bound. */
#include <config.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MS_DIGITS(seconds) ((seconds) < 1e-4 ? 5 : 3)

int cmd_bench(int argc, char **argv)
{
    int dim = 2, species = 2, reps = 21, threads = 1;
    long cells = 256;
    const char *scheme = "muscl", *limiter = "vanalbada", *planning = "auto", *boundary = "periodic";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;
        long n;
        int m;
        if (!strcmp(a, "--measure")) planning = "measure";
        else if (!strcmp(a, "--estimate")) planning = "estimate";
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) { cli_command_help("bench", stdout); return FA_EXIT_OK; }
        else if ((m = cli_option_value("bench", argc, argv, &i, "--scheme", &v))) { if (m < 0) return FA_EXIT_USAGE; scheme = v; }
        else if ((m = cli_option_value("bench", argc, argv, &i, "--limiter", &v))) { if (m < 0) return FA_EXIT_USAGE; limiter = v; }
        else if ((m = cli_option_value("bench", argc, argv, &i, "--boundary", &v))) { if (m < 0) return FA_EXIT_USAGE; boundary = v; }
        else if ((m = cli_option_value("bench", argc, argv, &i, "--cells", &v))) {
            if (m < 0 || cli_parse_long("bench", "--cells", v, 2, LONG_MAX, &cells)) return FA_EXIT_USAGE;
        } else {
            /* the int options: values beyond int are refused, not wrapped */
            static const char *const names[] = {"--dim", "--species", "--reps", "--threads"};
            int *const dest[] = {&dim, &species, &reps, &threads};
            const long lo[] = {1, 1, 1, 1}, hi[] = {3, 64, INT_MAX, INT_MAX};
            int k = 0;
            while (k < 4 && !(m = cli_option_value("bench", argc, argv, &i, names[k], &v))) k++;
            if (k == 4) { fprintf(stderr, "fracagg bench: unknown option '%s'\n", a); return FA_EXIT_USAGE; }
            if (m < 0 || cli_parse_long("bench", names[k], v, lo[k], hi[k], &n)) return FA_EXIT_USAGE;
            *dest[k] = (int)n;
        }
    }
    /* S species: Riesz self-repulsion (alpha = d/2), Gaussian cross-attraction, Gaussian blobs */
    size_t cap = 4096 + 512 * (size_t)species * species;
    char *text = malloc(cap);
    if (!text) return FA_EXIT_FAILED;
    int p = snprintf(text, cap, "[grid]\ndim = %d\ncells = %ld\nlength = 10\nboundary = %s\nedge_fraction = 0.99\n[species]\ncount = %d\n"
                                "[time]\nend = 1\n[solver]\nthreads = %d\nscheme = %s\nlimiter = %s\nfft_planning = %s\n",
                     dim, cells, boundary, species, threads, scheme, limiter, planning);
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
    if (!rc) rc = fa_model_create(cfg, cli_comm(), &m);
    if (!rc) rc = fa_solver_create(m, &s);
    if (!rc) rc = fa_bench_rhs(s, reps, &r);
    if (rc) {
        cli_error("bench");
    } else {
        long n = fa_grid_total_cells(fa_model_grid(m));
        printf("grid %dD, %ld cells (%ld^%d), %s, %d species, %s%s%s, %d thread%s, FFTW %s, %d repetitions\n", dim, n, cells,
               dim, strcmp(boundary, "free") ? "periodic" : "free (transforms of the zero-padded grid)", species, scheme,
               strcmp(scheme, "muscl") ? "" : "/", strcmp(scheme, "muscl") ? "" : limiter, threads, threads > 1 ? "s" : "",
               fa_solver_options(s)->fft_measure ? "MEASURE" : "ESTIMATE", reps);
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
