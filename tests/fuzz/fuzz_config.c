/* Fuzzing harness for the configuration parser, the validator and the model builder.
 *
 * Input: the bytes up to the first NUL are configuration text; every further NUL-separated
 * piece is a `--set` assignment applied with fa_config_set (so one input can exercise the
 * overrides too, including values with newlines that a file cannot hold).
 *
 * For each input: parse (fa_config_read_string), apply the overrides, validate, build a model
 * (fa_model_create, which checks everything else and opens restart files), compute the
 * initial data when the grid is small, serialise (fa_config_to_string), parse the text again
 * and check the round trip. Any failure must be a clean status code with a message naming
 * the configuration; anything else (crash, sanitizer report, broken invariant) aborts.
 *
 * Built two ways:
 *  - with libFuzzer: tests/fuzz/run-fuzz.sh (clang -fsanitize=fuzzer,address,undefined);
 *  - with tests/fuzz/replay.c (any compiler), which feeds the corpus and the regression
 *    inputs through the same function in `make check`.
 *
 * Restart files: the harness writes small run files restart1d.nc (1D, 16 cells, L = 4),
 * restart2d.nc (2D, 8 x 6 cells, L = 4 3) and a FIFO `fifo` into a private temporary
 * directory and makes it the working directory, so inputs can name them by relative path.
 * A FIFO as a restart file must be refused, not waited on. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "fracagg.h"

#include "fuzz_config.h"

#define NAME "fuzz.ini"
/* initial data are computed for grids up to this many cells (quadrature cost per cell is
 * bounded, so the work per input stays small) */
#define MAX_FILL_CELLS 1024

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_config: invariant broken: %s\n  %s\n  last error: %s (%s)\n", what,
            detail ? detail : "", fa_last_error(), fa_last_error_location());
    abort();
}

static void sink(fa_log_level_t level, const char *message, void *user)
{
    (void)level;
    size_t *total = user;
    *total += strlen(message);
}

static char workdir[4096];

static void cleanup(void)
{
    if (!workdir[0]) return;
    const char *files[] = {"restart1d.nc", "restart2d.nc", "fifo"};
    char p[4200];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", workdir, files[i]);
        unlink(p);
    }
    if (chdir("/") == 0) rmdir(workdir);
}

static int write_run(const char *text, const char *path)
{
    fa_config_t *c;
    fa_model_t *m;
    if (fa_config_read_string(text, "restart.ini", &c)) return -1;
    int rc = fa_model_create(c, NULL, &m);
    fa_config_free(c);
    if (rc) return -1;
    fa_run_options_t opt = {.output = path};
    rc = fa_run(m, &opt, NULL);
    fa_model_free(m);
    return rc;
}

int fuzz_config_init(void)
{
    static size_t logged;
    fa_log_set_handler(sink, &logged, FA_LOG_DEBUG);
    const char *tmp = getenv("TMPDIR");
    snprintf(workdir, sizeof workdir, "%s/fracagg-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(workdir)) {
        perror("fuzz_config: mkdtemp");
        return -1;
    }
    atexit(cleanup);
    if (chdir(workdir) != 0) {
        perror("fuzz_config: chdir");
        return -1;
    }
    if (write_run("[grid]\ndim = 1\ncells = 16\nlength = 4\n[kernel.1.1]\ntype = riesz\nstrength = 1\n"
                  "alpha = 0.5\n[initial.1]\ntype = gaussian\nmass = 1\nwidth = 0.5\n"
                  "[time]\nend = 0.01\noutputs = 2\n[output]\nhs = 0\n",
                  "restart1d.nc") ||
        write_run("[grid]\ndim = 2\ncells = 8 6\nlength = 4 3\n[species]\ncount = 2\n"
                  "[kernel.1.2]\ntype = gaussian\nstrength = -1\nlength = 0.5\n"
                  "[initial.1]\ntype = mode\nmean = 1\namplitude = 0.5\nwavenumber = 1 1\n"
                  "[initial.2]\ntype = plateau\nvalue = 1\nradius = 1\nbackground = 0.1\n"
                  "[time]\nend = 0.01\noutputs = 1\n",
                  "restart2d.nc")) {
        fprintf(stderr, "fuzz_config: cannot write the restart files: %s\n", fa_last_error());
        return -1;
    }
    if (mkfifo("fifo", 0600) != 0 && errno != EEXIST) {
        perror("fuzz_config: mkfifo");
        return -1;
    }
    fa_clear_error();
    return 0;
}

/* A failed call: a negative FA_E* code, and for bad input a message that names the
 * configuration (its name or the override) so the user can find the line. */
static void check_failure(int rc, const char *what)
{
    if (rc >= 0 || strcmp(fa_strerror(rc), "unknown error") == 0) fail(what, "status is not an FA_E* code");
    if (rc == FA_ENOMEM) return;
    const char *msg = fa_last_error();
    if (!msg[0]) fail(what, "failed without a message");
    if (rc == FA_ECONFIG && !strstr(msg, NAME) && !strstr(msg, "--set")) fail(what, "message does not name the configuration");
}

static void check_model(const fa_model_t *m)
{
    char buf[256];
    const fa_grid_t *g = fa_model_grid(m);
    int d = fa_grid_dim(g);
    if (d < 1 || d > 3) fail("model", "dimension out of range");
    double cells = 1;
    for (int a = 0; a < d; a++) {
        if (fa_grid_cells(g, a) < 1 || !(fa_grid_length(g, a) > 0) || !isfinite(fa_grid_length(g, a)) ||
            !(fa_grid_spacing(g, a) > 0))
            fail("model", "grid axis not positive and finite");
        cells *= (double)fa_grid_cells(g, a);
    }
    if (cells != (double)fa_grid_total_cells(g)) fail("model", "total cells is not the product of the axes");
    int N = fa_model_species(m);
    if (N < 1 || N > 64) fail("model", "species count out of range");
    for (int i = 0; i < N; i++) {
        const char *ni = fa_model_species_name(m, i);
        if (!ni || !*ni) fail("model", "species without a name");
        for (int j = 0; j < i; j++)
            if (!strcmp(ni, fa_model_species_name(m, j))) fail("model", "two species with one name");
    }
    int nout;
    const double *t = fa_model_output_times(m, &nout);
    if (nout < 2) fail("model", "fewer than two output times");
    if (!(t[0] == fa_model_t_start(m)) || !(t[nout - 1] == fa_model_t_end(m)))
        fail("model", "output times do not span start .. end");
    for (int k = 1; k < nout; k++)
        if (!(t[k] > t[k - 1]) || !isfinite(t[k])) {
            snprintf(buf, sizeof buf, "output time %d: %.17g after %.17g", k, t[k], t[k - 1]);
            fail("model: output times not strictly increasing and finite", buf);
        }
    int nhs;
    const double *hs = fa_model_hs_orders(m, &nhs);
    for (int k = 0; k < nhs; k++)
        if (!(hs[k] >= 0) || !isfinite(hs[k])) fail("model", "H^s order negative or not finite");
    if (!fa_model_output_file(m)) fail("model", "no output file name");

    /* initial data on small grids: finite and nonnegative */
    if (fa_grid_total_cells(g) > MAX_FILL_CELLS) return;
    long n = fa_grid_local_cells(g);
    double *rho = malloc((size_t)n * sizeof(double));
    if (!rho) fail("model", "out of memory for a small field");
    for (int i = 0; i < N; i++) {
        fa_clear_error();
        int rc = fa_model_initial(m, i, rho);
        if (rc) {
            /* e.g. a Gaussian narrower than the quadrature resolves: refused with a message */
            check_failure(rc, "initial data");
            continue;
        }
        for (long c = 0; c < n; c++)
            if (!(rho[c] >= 0) || !isfinite(rho[c])) {
                snprintf(buf, sizeof buf, "species %d cell %ld: %.17g", i + 1, c, rho[c]);
                fail("initial data negative or not finite", buf);
            }
    }
    free(rho);
}

int fuzz_config_one(const uint8_t *data, size_t size)
{
    /* the configuration text: up to the first NUL */
    size_t tlen = 0;
    while (tlen < size && data[tlen]) tlen++;
    char *text = malloc(tlen + 1);
    if (!text) return 0;
    memcpy(text, data, tlen);
    text[tlen] = '\0';

    fa_config_t *cfg = NULL;
    fa_clear_error();
    int rc = fa_config_read_string(text, NAME, &cfg);
    free(text);
    if (rc) {
        check_failure(rc, "parse");
        if (cfg) fail("parse", "output set on failure");
        return 0;
    }
    /* overrides: the NUL-separated pieces after the text */
    for (size_t p = tlen + 1; p < size;) {
        size_t q = p;
        while (q < size && data[q]) q++;
        char *a = malloc(q - p + 1);
        if (!a) break;
        memcpy(a, data + p, q - p);
        a[q - p] = '\0';
        fa_clear_error();
        rc = fa_config_set(cfg, a);
        if (rc) check_failure(rc, "--set");
        free(a);
        p = q + 1;
    }

    /* exercise the lookups every caller uses */
    int nkeys;
    const fa_config_key_t *keys = fa_config_keys(&nkeys);
    size_t sum = 0;
    for (int k = 0; k < nkeys; k++) {
        const char *sec = strcmp(keys[k].section, "kernel.I.J") == 0 ? "kernel.1.1"
                        : strcmp(keys[k].section, "initial.I") == 0 ? "initial.1" : keys[k].section;
        const char *v = fa_config_value(cfg, sec, keys[k].key);
        const char *w = fa_config_where(cfg, sec, keys[k].key);
        if (v) sum += strlen(v);
        if (!w) fail("where", "NULL location");
        sum += strlen(w);
    }
    (void)sum;

    fa_clear_error();
    int valid = fa_config_validate(cfg);
    if (valid) check_failure(valid, "validate");
    fa_model_t *m = NULL;
    fa_clear_error();
    int built = fa_model_create(cfg, NULL, &m);
    if (built) {
        check_failure(built, "model");
        if (m) fail("model", "output set on failure");
    } else {
        if (valid) fail("model", "built from a configuration that does not validate");
        check_model(m);
        /* the model keeps an equal copy of the configuration */
        char *a = fa_config_to_string(cfg), *b = fa_config_to_string(fa_model_config(m));
        if (!a || !b || strcmp(a, b)) fail("model", "the model's configuration differs from the input");
        free(a);
        free(b);
    }

    /* round trip: the text of a configuration parses to the same configuration */
    char *s1 = fa_config_to_string(cfg);
    if (!s1) fail("to_string", "NULL");
    fa_config_t *cfg2 = NULL;
    fa_clear_error();
    rc = fa_config_read_string(s1, NAME, &cfg2);
    if (rc) fail("round trip: the serialised configuration does not parse", s1);
    char *s2 = fa_config_to_string(cfg2);
    if (!s2 || strcmp(s1, s2)) fail("round trip: serialise(parse(serialise(c))) != serialise(c)", s1);
    int valid2 = fa_config_validate(cfg2);
    if (!valid2 != !valid) fail("round trip: validity changed", s1);
    if (!built) {
        fa_model_t *m2 = NULL;
        if (fa_model_create(cfg2, NULL, &m2)) fail("round trip: the model does not build again", s1);
        fa_model_free(m2);
    }
    fa_config_t *cfg3 = NULL;
    if (fa_config_copy(cfg, &cfg3) == FA_OK) {
        char *s3 = fa_config_to_string(cfg3);
        if (!s3 || strcmp(s1, s3)) fail("copy", "a copy serialises differently");
        free(s3);
        fa_config_free(cfg3);
    }
    free(s1);
    free(s2);
    fa_config_free(cfg2);
    fa_model_free(m);
    fa_config_free(cfg);
    return 0;
}

/* libFuzzer entry points (also called by replay.c) */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (fuzz_config_init()) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_config_one(data, size);
}
