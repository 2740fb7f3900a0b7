/* Continuing run files at the library level (fa_continuation_open, fa_run with append):
 *  - a run or continuation stopped (fa_request_stop) before its first step writes no record at
 *    the time of the last one (it wrote a second record at the start time, which verify-hs and
 *    every reader then refused);
 *  - a file stopped before its first record (header and configuration written) is continued:
 *    from the configuration's own initial data, the initial record first;
 *  - such a file whose configuration takes its initial data from another run file is not
 *    continued unless that path is given again (a continuation opens no path a file names). */
#include <string.h>
#include <unistd.h>

#include "testlib.h"

#define CONFIG                                                                                        \
    "[grid]\ndim = 1\ncells = 16\nlength = 4\n[kernel.1.1]\ntype = riesz\nstrength = 1\nalpha = 0.5\n" \
    "[initial.1]\n%s\n[time]\nend = 0.2\noutputs = 4\n"
#define BARENBLATT "type = barenblatt\nmass = 1\ntime = 0.1"

/* the times of a run file, through the reader's own checks (which refuse a repeated time) */
static long records(const char *path, double *last)
{
    char *cfg = NULL;
    long n = -1;
    if (fa_runfile_config(path, &cfg, &n, last) != FA_OK) {
        printf("      (%s)\n", fa_last_error());
        return -1;
    }
    free(cfg);
    return n;
}

static int run_to(const fa_model_t *m, const char *path, int append, const char *config_text)
{
    fa_run_options_t opt = {.output = path, .append = append, .config_text = config_text};
    return fa_run(m, &opt, NULL);
}

int main(void)
{
    char dir[] = "/tmp/fa-cont.XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) return 99;
    fa_log_set_handler(NULL, NULL, FA_LOG_ERROR);
    double last = 0;

    /* 1. stopped before the first step: a fresh run keeps its initial record only */
    fa_model_t *m = tl_model(CONFIG, BARENBLATT);
    fa_request_stop(2);
    int rc = run_to(m, "stop.nc", 0, NULL);
    fa_clear_stop();
    long n = records("stop.nc", &last);
    tl_check(rc == FA_EINTERRUPT && n == 1 && last == 0,
             "run stopped before its first step: FA_EINTERRUPT (%d), 1 record (%ld) at t = 0 (%g)", rc, n, last);
    fa_model_free(m);

    /* ... and a continuation of it adds nothing */
    fa_continuation_t info;
    rc = fa_continuation_open("stop.nc", NULL, 0, NULL, &m, &info);
    tl_check(rc == FA_OK && m, "the stopped file opens for continuation (%s)", rc ? fa_last_error() : "ok");
    if (m) {
        fa_request_stop(2);
        rc = run_to(m, "stop.nc", 1, info.config_text);
        fa_clear_stop();
        n = records("stop.nc", &last);
        tl_check(rc == FA_EINTERRUPT && n == 1, "continuation stopped before its first step: still 1 record (%ld)", n);
        fa_model_free(m);
        fa_continuation_free(&info);
        rc = fa_continuation_open("stop.nc", NULL, 0, NULL, &m, &info);
        if (!rc) rc = run_to(m, "stop.nc", 1, info.config_text);
        n = records("stop.nc", &last);
        tl_check(rc == FA_OK && n == 5 && fabs(last - 0.2) < 1e-12,
                 "then continued to the end: 5 records (%ld), t = 0.2 (%g)", n, last);
        fa_model_free(m);
        fa_continuation_free(&info);
    }

    /* 2. a file without records: created, closed before its first record */
    m = tl_model(CONFIG, BARENBLATT);
    fa_output_t *out = NULL;
    if (fa_output_create("empty.nc", m, &out) || fa_output_close(out)) return 99;
    double *ref = tl_initial(m);
    fa_model_free(m);
    n = records("empty.nc", &last);
    tl_check(n == 0, "a file closed before its first record holds 0 records (%ld) and its configuration", n);
    m = NULL;
    rc = fa_continuation_open("empty.nc", NULL, 0, NULL, &m, &info);
    tl_check(rc == FA_OK && m && !info.complete && info.records == 0, "it opens for continuation (%s)",
             rc ? fa_last_error() : "ok");
    if (m) {
        rc = run_to(m, "empty.nc", 1, info.config_text);
        n = records("empty.nc", &last);
        tl_check(rc == FA_OK && n == 5 && fabs(last - 0.2) < 1e-12,
                 "continued: the initial record and the 4 outputs (%ld records), t = 0.2 (%g)", n, last);
        fa_grid_t *g = NULL;
        int ns;
        double *rho = malloc(16 * sizeof(double)), t0 = -1;
        if (!rho || fa_runfile_grid("empty.nc", &g, &ns)) return 99;
        rc = fa_runfile_read("empty.nc", 0, 1, 0.0, g, rho, &t0);
        tl_check(rc == FA_OK && t0 == 0 && tl_max_abs_diff(rho, ref, 16) == 0,
                 "its first record is the configuration's initial data at t = 0 (max diff %g)",
                 rc ? -1 : tl_max_abs_diff(rho, ref, 16));
        free(rho);
        fa_grid_free(g);
        fa_model_free(m);
        fa_continuation_free(&info);
    }
    free(ref);

    /* 3. a file without records whose initial data come from another run file */
    m = tl_model(CONFIG, "type = file\npath = stop.nc");
    if (fa_output_create("empty2.nc", m, &out) || fa_output_close(out)) return 99;
    fa_model_free(m);
    m = NULL;
    rc = fa_continuation_open("empty2.nc", NULL, 0, NULL, &m, &info);
    tl_check(rc == FA_ECONFIG && !m && strstr(fa_last_error(), "--set initial.1.path="),
             "... naming another run file: refused unless the path is given again (%s)", fa_last_error());
    const char *sets[] = {"initial.1.path=stop.nc"};
    rc = fa_continuation_open("empty2.nc", sets, 1, NULL, &m, &info);
    tl_check(rc == FA_OK && m, "... given again with --set: accepted (%s)", rc ? fa_last_error() : "ok");
    fa_model_free(m);
    fa_continuation_free(&info);

    unlink("stop.nc");
    unlink("empty.nc");
    unlink("empty2.nc");
    if (chdir("/") != 0 || rmdir(dir) != 0) printf("      (could not remove %s)\n", dir);
    return tl_exit();
}
