/* fracagg w1: Wasserstein-1 distance between the densities of two run files on the same grid,
 * species by species, and their sum (the N-tuple distance of the paper). */
#include <config.h>

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define FA_W1_OUT (64 * 256) /* the table: up to 64 species of < 256 characters */

static void describe_grid(const fa_grid_t *g, char *buf, size_t len)
{
    int d = fa_grid_dim(g);
    size_t k = (size_t)snprintf(buf, len, "%dD grid", d);
    for (int a = 0; a < d && k < len; a++)
        k += (size_t)snprintf(buf + k, len - k, "%s%ld", a ? " x " : " ", fa_grid_cells(g, a));
    for (int a = 0; a < d && k < len; a++)
        k += (size_t)snprintf(buf + k, len - k, "%s%g", a ? " x " : ", box ", fa_grid_length(g, a));
}

static int same_grid(const fa_grid_t *a, const fa_grid_t *b)
{
    if (fa_grid_dim(a) != fa_grid_dim(b)) return 0;
    for (int k = 0; k < fa_grid_dim(a); k++) {
        if (fa_grid_cells(a, k) != fa_grid_cells(b, k)) return 0;
        double La = fa_grid_length(a, k), Lb = fa_grid_length(b, k);
        if (fabs(La - Lb) > 1e-12 * fmax(La, Lb)) return 0;
    }
    return 1;
}

int cmd_w1(int argc, char **argv)
{
    const char *files[2] = {NULL, NULL};
    long species = 0, max_iter = 0;
    int has_time = 0, nfiles = 0;
    double time = 0, tol = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            cli_command_help("w1", stdout);
            return FA_EXIT_OK;
        }
        const char *val;
        int m;
        if ((m = cli_option_value("w1", argc, argv, &i, "--species", &val))) {
            if (m < 0 || cli_parse_long("w1", "--species", val, LONG_MIN, INT_MAX, &species)) return FA_EXIT_USAGE;
            if (species < 1) {
                fprintf(stderr, "fracagg w1: --species %s: species are numbered from 1\n", val);
                return FA_EXIT_USAGE;
            }
        } else if ((m = cli_option_value("w1", argc, argv, &i, "--time", &val))) {
            if (m < 0 || cli_parse_double("w1", "--time", val, &time)) return FA_EXIT_USAGE;
            has_time = 1;
        } else if ((m = cli_option_value("w1", argc, argv, &i, "--tol", &val))) {
            if (m < 0 || cli_parse_double("w1", "--tol", val, &tol)) return FA_EXIT_USAGE;
            if (!(tol > 0 && tol < 1)) {
                fprintf(stderr, "fracagg w1: --tol %s: the relative tolerance must lie in (0, 1)\n", val);
                return FA_EXIT_USAGE;
            }
        } else if ((m = cli_option_value("w1", argc, argv, &i, "--max-iter", &val))) {
            if (m < 0 || cli_parse_long("w1", "--max-iter", val, 1, 100000000, &max_iter)) return FA_EXIT_USAGE;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            fprintf(stderr, "fracagg w1: unknown option '%s'\n", arg);
            cli_command_help("w1", stderr);
            return FA_EXIT_USAGE;
        } else if (nfiles < 2) {
            files[nfiles++] = arg;
        } else {
            fprintf(stderr, "fracagg w1: unexpected argument '%s'\n", arg);
            return FA_EXIT_USAGE;
        }
    }
    if (nfiles != 2) {
        cli_command_help("w1", stderr);
        return FA_EXIT_USAGE;
    }
    cli_set_verbosity(0);

    fa_grid_t *g[2] = {NULL, NULL};
    int ns[2];
    for (int k = 0; k < 2; k++)
        if (fa_runfile_grid(files[k], &g[k], &ns[k]) != FA_OK) {
            cli_error(NULL);
            fa_grid_free(g[0]);
            return FA_EXIT_USAGE;
        }
    int code = FA_EXIT_OK;
    fa_w1_t *w = NULL;
    double *rho[2] = {NULL, NULL};
    char desc[2][160];
    describe_grid(g[0], desc[0], sizeof desc[0]);
    describe_grid(g[1], desc[1], sizeof desc[1]);
    if (!same_grid(g[0], g[1])) {
        fprintf(stderr, "fracagg w1: the run files have different grids: %s has a %s, %s a %s\n", files[0],
                desc[0], files[1], desc[1]);
        code = FA_EXIT_USAGE;
        goto done;
    }
    int nboth = ns[0] < ns[1] ? ns[0] : ns[1], first = 1, last = nboth;
    if (species) {
        if (species > nboth) {
            fprintf(stderr, "fracagg w1: --species %ld: %s holds %d species, %s %d\n", species, files[0], ns[0],
                    files[1], ns[1]);
            code = FA_EXIT_USAGE;
            goto done;
        }
        first = last = (int)species;
    }
    fa_w1_options_t opt = {.tol = tol, .max_iter = (int)max_iter};
    int rc = fa_w1_create(g[0], &opt, &w);
    long n = fa_grid_local_cells(g[0]);
    if (rc == FA_OK && (!(rho[0] = malloc((size_t)n * sizeof(double))) || !(rho[1] = malloc((size_t)n * sizeof(double))))) {
        fprintf(stderr, "fracagg w1: out of memory for %ld cells\n", n);
        code = FA_EXIT_FAILED;
        goto done;
    }
    if (rc != FA_OK) {
        cli_error(NULL);
        code = cli_exit_code(rc);
        goto done;
    }
    int d = fa_grid_dim(g[0]);
    double found[2] = {0, 0}, total = 0, total_lo = 0, total_up = 0;
    int all_converged = 1;
    /* compute everything first: a failure prints no partial table */
    static char out[FA_W1_OUT];
    size_t len = 0;
    for (int i = first; i <= last; i++) {
        for (int k = 0; k < 2; k++)
            if (fa_runfile_read(files[k], i - 1, has_time, time, g[0], rho[k], &found[k]) != FA_OK) {
                cli_error(NULL);
                code = FA_EXIT_USAGE;
                goto done;
            }
        fa_w1_info_t info;
        double v;
        rc = fa_w1_compute(w, rho[0], rho[1], &v, &info);
        if (rc != FA_OK) {
            fprintf(stderr, "fracagg w1: species %d of %s (t = %g) and %s (t = %g): %s\n", i, files[0], found[0],
                    files[1], found[1], fa_last_error());
            code = cli_exit_code(rc);
            goto done;
        }
        char name[80];
        fa_runfile_species_name(files[0], i - 1, name, sizeof name);
        char label[120];
        if (name[0])
            snprintf(label, sizeof label, "species %d (%s)", i, name);
        else
            snprintf(label, sizeof label, "species %d", i);
        if (d == 1)
            len += (size_t)snprintf(out + len, sizeof out - len, "%s: W1 = %.15g\n", label, v);
        else
            len += (size_t)snprintf(out + len, sizeof out - len,
                                    "%s: W1 = %.10g  [%.10g, %.10g], %d iterations%s\n", label, v,
                                    info.lower, info.upper, info.iterations,
                                    info.converged ? "" : " (NOT converged: iteration limit)");
        if (!info.converged) all_converged = 0;
        total += v;
        total_lo += info.lower;
        total_up += info.upper;
    }
    printf("# %s (t = %.10g) vs %s (t = %.10g): %s\n", files[0], found[0], files[1], found[1], desc[0]);
    if (ns[0] != ns[1] && !species)
        printf("# %s holds %d species, %s %d: species 1 to %d compared\n", files[0], ns[0], files[1], ns[1], nboth);
    if (d == 1)
        printf("# exact: the circle formula for the piecewise-constant densities (rounding only)\n");
    else
        printf("# accuracy: each value is the midpoint of a certified bracket for the grid Beckmann problem "
               "(relative gap <= %.0e%s); the grid problem differs from the continuum W1 by a "
               "discretisation error O(h) (manual, section 8)\n",
               tol > 0 ? tol : 1e-4, all_converged ? "" : ", except where marked");
    fputs(out, stdout);
    if (d == 1)
        printf("total: W1 = %.15g\n", total);
    else
        printf("total: W1 = %.10g  [%.10g, %.10g]\n", total, total_lo, total_up);
done:
    free(rho[0]);
    free(rho[1]);
    fa_w1_free(w);
    fa_grid_free(g[0]);
    fa_grid_free(g[1]);
    return code;
}
