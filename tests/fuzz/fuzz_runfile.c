/* Fuzzing harness for the run-file readers: arbitrary bytes as a run file.
 *
 * Each input is written to `in.nc` in a private temporary directory (the working directory)
 * and read by every reader the commands use:
 *  - fa_runfile_info (fracagg info), to a null stream;
 *  - fa_runfile_config (--continue) and the configuration it holds parsed;
 *  - fa_continuation_open (--continue: the stored configuration, its overrides and paths, the
 *    last record as restart data) and, for grids up to MAX_CELLS cells, the initial state it
 *    reads and checks (fa_model_initial: finite, the sign, the size);
 *  - fa_runfile_grid and fa_runfile_read of every species (w1's input), for grids up to
 *    MAX_CELLS cells;
 *  - fa_hs_series_read at the file's first order (verify-hs).
 * It aborts on a crash or sanitizer report and on a broken invariant: a failure that is not a
 * clean FA_E* code with a message; a message of a reader that does not name the file; restart
 * data accepted that are not finite; a continuation that is neither complete nor a model.
 *
 * Built two ways, like fuzz_config.c: with libFuzzer (tests/fuzz/run-fuzz.sh --harness runfile)
 * and with tests/fuzz/replay.c (make check: the seed corpus tests/fuzz/corpus-runfile and the
 * regression inputs tests/fuzz/regressions/runfile). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fracagg.h"

#define NAME "in.nc"
#define MAX_CELLS 4096 /* fields are read and solvers' initial states built up to this size */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char workdir[4096];
static FILE *devnull;

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_runfile: invariant broken: %s\n  %s\n  last error: %s (%s)\n", what, detail ? detail : "",
            fa_last_error(), fa_last_error_location());
    abort();
}

static void sink(fa_log_level_t level, const char *message, void *user)
{
    (void)level;
    (void)message;
    (void)user;
}

static void cleanup(void)
{
    if (!workdir[0]) return;
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", workdir, NAME);
    unlink(p);
    if (devnull) fclose(devnull);
    if (chdir("/") == 0) rmdir(workdir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fa_log_set_handler(sink, NULL, FA_LOG_DEBUG);
    const char *tmp = getenv("TMPDIR");
    snprintf(workdir, sizeof workdir, "%s/fracagg-fuzzrf.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(workdir) || chdir(workdir) != 0 || !(devnull = fopen("/dev/null", "w"))) {
        perror("fuzz_runfile: set-up");
        abort();
    }
    atexit(cleanup);
    return 0;
}

/* A failed call: a negative FA_E* code and a message naming the file (out of memory excepted:
 * its message is the allocator's). */
static void check_failure(int rc, const char *what, int names_file)
{
    if (rc >= 0 || strcmp(fa_strerror(rc), "unknown error") == 0) fail(what, "status is not an FA_E* code");
    if (rc == FA_ENOMEM) return;
    const char *msg = fa_last_error();
    if (!msg[0]) fail(what, "failed without a message");
    if (names_file && !strstr(msg, NAME)) fail(what, "message does not name the file");
}

static void read_fields(void)
{
    fa_grid_t *g = NULL;
    int ns = 0;
    int rc = fa_runfile_grid(NAME, &g, &ns);
    if (rc) {
        check_failure(rc, "fa_runfile_grid", 1);
        return;
    }
    if (ns < 1 || ns > 64) fail("fa_runfile_grid", "species count out of range");
    if (fa_grid_total_cells(g) <= MAX_CELLS) {
        double *rho = malloc((size_t)fa_grid_total_cells(g) * sizeof(double)), t;
        if (!rho) abort();
        for (int i = 0; i < ns; i++) {
            rc = fa_runfile_read(NAME, i, 0, 0, g, rho, &t);
            if (rc) check_failure(rc, "fa_runfile_read", 1);
            else if (!isfinite(t)) fail("fa_runfile_read", "a record time that is not finite");
        }
        free(rho);
    }
    fa_grid_free(g);
}

static void continue_run(void)
{
    fa_model_t *m = NULL;
    fa_continuation_t info;
    int rc = fa_continuation_open(NAME, NULL, 0, NULL, &m, &info);
    if (rc) {
        check_failure(rc, "fa_continuation_open", 0);
        return;
    }
    if (!m && !info.complete) fail("fa_continuation_open", "neither a model nor a complete run");
    if (m && fa_grid_total_cells(fa_model_grid(m)) <= MAX_CELLS) {
        const fa_grid_t *g = fa_model_grid(m);
        long n = fa_grid_local_cells(g);
        double *rho = malloc((size_t)(n > 0 ? n : 1) * sizeof(double));
        if (!rho) abort();
        for (int i = 0; i < fa_model_species(m); i++) {
            rc = fa_model_initial(m, i, rho);
            if (rc) {
                check_failure(rc, "fa_model_initial", 0);
                break;
            }
            for (long c = 0; c < n; c++)
                if (!isfinite(rho[c])) fail("fa_model_initial", "restart data accepted that are not finite");
        }
        free(rho);
    }
    fa_model_free(m);
    fa_continuation_free(&info);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(NAME, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) abort();

    int rc = fa_runfile_info(NAME, devnull);
    if (rc) check_failure(rc, "fa_runfile_info", 1);

    char *text = NULL;
    long records = -1;
    double last = 0;
    rc = fa_runfile_config(NAME, &text, &records, &last);
    if (rc) {
        check_failure(rc, "fa_runfile_config", 1);
    } else {
        if (records < 0) fail("fa_runfile_config", "negative record count");
        if (records > 0 && !isfinite(last)) fail("fa_runfile_config", "last time not finite");
        fa_config_t *cfg = NULL;
        rc = fa_config_read_string(text, NAME, &cfg);
        if (rc) check_failure(rc, "fa_config_read_string", 0);
        fa_config_free(cfg);
        free(text);
        continue_run();
    }

    read_fields();

    fa_hs_series_t ser;
    rc = fa_hs_series_read(NAME, 2.0, &ser);
    if (rc) check_failure(rc, "fa_hs_series_read", 1);
    fa_hs_series_free(&ser);
    fa_clear_error();
    return 0;
}
