/* Replay driver: feeds every file of a fuzzing corpus and of its regression inputs (each an
 * input a fuzzer once broke the library with) through a harness. Built with the normal
 * compiler and run by `make check`, so the corpora are regression tests on every build, with
 * or without clang; built once per harness:
 *   replay          fuzz_config.c:  tests/fuzz/corpus/, tests/fuzz/regressions/
 *   replay_runfile  fuzz_runfile.c: tests/fuzz/corpus-runfile/, tests/fuzz/regressions/runfile/
 * (FUZZ_CORPUS, FUZZ_REGRESSIONS and FUZZ_WHAT say which.)
 *
 *   replay                 the two directories under $top_srcdir/tests/fuzz
 *   replay FILE|DIR ...    the given inputs (e.g. a crash file from run-fuzz.sh)
 *
 * An input taking longer than 60 s counts as a hang: the driver names it and fails. */
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "tests/fuzz"
#endif

#ifndef FUZZ_CORPUS /* the configuration harness */
#define FUZZ_CORPUS "corpus"
#define FUZZ_REGRESSIONS "regressions"
#define FUZZ_WHAT "parse, overrides, validate, model, initial data, round trip"
#endif

#define HANG_SECONDS 60

static char **files;
static size_t nfiles, capfiles;
static const char *current;

static void add_file(const char *path)
{
    if (nfiles == capfiles) {
        capfiles = capfiles ? 2 * capfiles : 256;
        files = realloc(files, capfiles * sizeof *files);
        if (!files) exit(99);
    }
    char *abs = realpath(path, NULL);
    if (!abs) {
        perror(path);
        exit(99);
    }
    files[nfiles++] = abs;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* A file, or every regular file of a directory (not hidden), in name order. */
static size_t add_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        exit(99);
    }
    if (!S_ISDIR(st.st_mode)) {
        add_file(path);
        return 1;
    }
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        exit(99);
    }
    size_t first = nfiles;
    struct dirent *e;
    char p[PATH_MAX];
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) add_file(p);
    }
    closedir(d);
    qsort(files + first, nfiles - first, sizeof *files, by_name);
    return nfiles - first;
}

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "FAIL: hang: more than 60 s on ";
    if (write(2, msg, sizeof msg - 1) < 0 || write(2, current, strlen(current)) < 0 || write(2, "\n", 1) < 0) {
    }
    _exit(1);
}

static unsigned char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(99);
    }
    size_t cap = 4096, len = 0;
    unsigned char *buf = malloc(cap);
    for (;;) {
        if (!buf) exit(99);
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap) break;
        cap *= 2;
        buf = realloc(buf, cap);
    }
    if (ferror(f)) {
        perror(path);
        exit(99);
    }
    fclose(f);
    *size = len;
    return buf;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    size_t ncorpus = 0, nreg = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++) ncorpus += add_path(argv[i]);
    } else {
        const char *top = getenv("top_srcdir");
        char dir[PATH_MAX];
        if (top && *top)
            snprintf(dir, sizeof dir, "%s/tests/fuzz", top);
        else
            snprintf(dir, sizeof dir, "%s", FUZZ_SRCDIR);
        char p[PATH_MAX + 32];
        snprintf(p, sizeof p, "%s/" FUZZ_CORPUS, dir);
        ncorpus = add_path(p);
        snprintf(p, sizeof p, "%s/" FUZZ_REGRESSIONS, dir);
        nreg = add_path(p);
    }
    /* after collecting absolute paths: the harness works in its own directory */
    int one = 1;
    char *args[] = {argv[0], NULL}, **av = args;
    if (LLVMFuzzerInitialize(&one, &av) != 0) return 99;
    signal(SIGALRM, on_alarm);
    double t0 = now(), slowest = 0;
    const char *slowest_name = "";
    size_t bytes = 0;
    for (size_t i = 0; i < nfiles; i++) {
        size_t size;
        unsigned char *data = slurp(files[i], &size);
        current = files[i];
        double t = now();
        alarm(HANG_SECONDS);
        LLVMFuzzerTestOneInput(data, size);
        alarm(0);
        t = now() - t;
        if (t > slowest) slowest = t, slowest_name = files[i];
        bytes += size;
        free(data);
    }
    const char *base = strrchr(slowest_name, '/');
    printf("ok  : %zu inputs (%zu corpus, %zu regression), %zu bytes, through " FUZZ_WHAT
           ": no crash, no broken invariant\n",
           nfiles, ncorpus, nreg, bytes);
    printf("      %.2f s in all, slowest input %.3f s (%s)\n", now() - t0, slowest, base ? base + 1 : slowest_name);
    for (size_t i = 0; i < nfiles; i++) free(files[i]);
    free(files);
    return 0;
}
