/* fracagg: the command-line front end. Thin: parse the command line, call the library,
 * report. Exit codes (manual, section 3): 0 success, 1 a check failed, 2 bad usage or
 * bad input, 3 the integration failed, 130/143 interrupted by SIGINT/SIGTERM. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#ifdef FA_HAVE_MPI
#include <mpi.h>

#include "fracagg/comm_mpi.h"
#endif

static const cli_command_t commands[] = {
    {"run", cmd_run, "CONFIG.ini [-o OUT.nc] [--overwrite] [--set SECTION.KEY=VALUE ...] [-q|-v]  |  --continue RUN.nc [--set ...]",
     "Run the macroscopic solver and write a run file, or continue one from its last record.",
     "  -o, --output FILE     run file to write (default: [output] file, or CONFIG with .nc)\n"
     "      --overwrite       replace an existing output file (never an input of the run)\n"
     "      --continue FILE   continue FILE's run (its stored configuration) from its last record to\n"
     "                        [time] end, appending to FILE; --set time.end=T extends it\n"
     "      --set S.K=V       override a configuration key (repeatable), e.g. --set grid.cells=256\n"
     "  -q, --quiet           no progress and no summary\n"
     "  -v, --verbose         solver statistics and details on standard error\n"},
    {"bench", cmd_bench, "[--dim D] [--cells N] [--species S] [--threads T] [--reps R] [--measure|--estimate] [--scheme S] [--limiter L] [--boundary B]",
     "Time one right-hand side against its lower bound (S r2c + c2r FFT pairs).",
     "  --dim D          space dimension (default 2)\n"
     "  --cells N        cells per axis (default 256)\n"
     "  --species S      number of species (default 2)\n"
     "  --threads T      threads for FFTW and the flux loops (default 1)\n"
     "  --reps R         timed repetitions, medians reported (default 21)\n"
     "  --measure, --estimate   FFTW planner (default: as fft_planning = auto, measure from\n"
     "                   2^18 cells up)\n"
     "  --scheme S, --limiter L   as in [solver]\n"
     "  --boundary B     periodic (default) or free: the whole space, whose transforms are of the\n"
     "                   zero-padded grid (the FFT limit is then that of those transforms)\n"},
    {"kinetic", cmd_kinetic, "CONFIG.ini [-o OUT.nc] [--overwrite] [--set SECTION.KEY=VALUE ...] [-q|-v]  |  --continue RUN.nc [--set ...]",
     "Run the kinetic model of [kinetic] beside the macroscopic one: W1 and modulated energy.",
     "  -o, --output FILE     run file to write (holds rho and rho_kinetic, momentum, w1,\n"
     "                        modulated_energy, modulated_kinetic, modulated_interaction)\n"
     "      --overwrite       replace an existing output file (never an input of the run)\n"
     "      --continue FILE   continue FILE's kinetic run (moment model) from its last record,\n"
     "                        both models from their stored states, appending to FILE\n"
     "      --set S.K=V       override a configuration key, e.g. --set kinetic.epsilon=0.01\n"
     "  -q, --quiet           no progress and no summary\n"
     "  -v, --verbose         solver statistics on standard error\n"},
    {"limit", cmd_limit, "CONFIG.ini --eps E1,E2,... [-o OUT.nc] [--overwrite] [--set SECTION.KEY=VALUE ...] [-q|-v]",
     "Small-inertia sweep: the kinetic model for each epsilon against one macroscopic run; table of rates.",
     "  --eps E1,E2,...       the inertias, e.g. 0.04,0.02,0.01,0.005\n"
     "  -o, --output FILE     NetCDF file of the table and the series (default: the run's\n"
     "                        output file with _limit: CONFIG_limit.nc unless [output] file)\n"
     "      --overwrite       replace an existing output file (never an input of the run)\n"
     "      --set S.K=V       override a configuration key\n"
     "  -q, --quiet           no table on standard output\n"
     "The table: epsilon, max_t sum_i W1(rho_i^eps, rho_i), max_t of the modulated energy and its\n"
     "kinetic and interaction parts (sums over species), each with the observed order in epsilon\n"
     "against the previous row.\n"},
    {"info", cmd_info, "RUN.nc", "Summarise what a run file holds.", ""},
    {"verify-hs", cmd_verify_hs, "RUN.nc... --s S [--C C | --calibrate] [options]",
     "Check the H^s growth bound of Lemma 4.6 (d/dt y <= C y^2) on run files.",
     "  --s S              H^s order to analyse: one of the orders the runs recorded ([output] hs);\n"
     "                     the lemma needs s > d/2 + 3\n"
     "  --C C              check every file against the constant C: y(t) <= y0/(1 - C t y0) while\n"
     "                     C t y0 < 1, and y <= 4 y0 up to T* = 3/(4 C y0); exit 1 on a violation\n"
     "  --calibrate        print the largest C_emp of the files, as '--C VALUE' on the last line\n"
     "  --per-species      also check (and calibrate on) each species' own norm; the lemma bounds\n"
     "                     the combined norm only\n"
     "  --any-s            analyse an order s <= d/2 + 3 (outside the lemma)\n"
     "  --max-share X      warn above this top-third share of the squared norm (default 1e-3)\n"
     "  --strict           count a resolution warning as a failed check (exit 1)\n"
     "  --tsv              one tab-separated line per series instead of the report\n"
     "Without --C no bound is checked (exit 0 unless --strict finds an unresolved run): C_emp =\n"
     "max_t (1/y0 - 1/y(t))/t always satisfies the bound on its own run. Exit codes: 0 all hold, 1 a bound is violated, 2 bad usage or input.\n"},
    {"w1", cmd_w1, "A.nc B.nc [--species I] [--time T] [--tol R] [--max-iter N]",
     "Wasserstein-1 distance between the densities of two run files on the same grid.",
     "  --species I       only species I (1-based; default: every species in both files)\n"
     "  --time T          the records at time T in both files (default: the last record of each)\n"
     "  --tol R           2D/3D: relative duality gap to reach (default 1e-4)\n"
     "  --max-iter N      2D/3D: iteration limit (default 20000)\n"
     "\n"
     "One line per species, 'species I (name): W1 = ...', then 'total: W1 = ...', the sum over\n"
     "the species. 1D is exact; in 2D/3D each value is the midpoint of a certified bracket\n"
     "[lower, upper] for the grid problem (manual, section 8).\n"},
    {"help", cmd_help, "[COMMAND | config]",
     "Describe a command, or print the reference of every configuration key (help config).", ""},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: fracagg COMMAND [ARGS]\n\n"
               "Multi-species nonlocal aggregation with fractional self-interaction.\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++) fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n  --version     print the version\n  --help        this text\n\n"
               "'fracagg help COMMAND' describes a command; 'fracagg help config' lists every\n"
               "configuration key. Exit codes: 0 success, 1 a check failed, 2 bad usage or input,\n"
               "3 the integration failed, 130/143 interrupted.\n");
}

int cli_command_help(const char *name, FILE *f)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0) {
            fprintf(f, "usage: fracagg %s %s\n\n%s\n", commands[i].name, commands[i].args, commands[i].summary);
            if (commands[i].options[0]) fprintf(f, "\noptions:\n%s", commands[i].options);
            return 0;
        }
    return -1;
}

int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        usage(stdout);
        return FA_EXIT_OK;
    }
    if (strcmp(argv[1], "config") == 0) {
        printf("Configuration keys (INI: [section] key = value). I, J are 1-based species indices.\n\n");
        return fa_config_write_reference(stdout) ? FA_EXIT_USAGE : FA_EXIT_OK;
    }
    if (cli_command_help(argv[1], stdout) == 0) return FA_EXIT_OK;
    fprintf(stderr, "fracagg: no command '%s'\n", argv[1]);
    return FA_EXIT_USAGE;
}

/* Commands that run distributed under an MPI launcher; the others are for one process. */
static int distributed_command(const char *name)
{
    return !strcmp(name, "run") || !strcmp(name, "kinetic") || !strcmp(name, "limit") || !strcmp(name, "bench");
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return FA_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
#ifdef FA_HAVE_MPI
        printf("fracagg %s (MPI)\n", FA_VERSION);
#else
        printf("fracagg %s\n", FA_VERSION);
#endif
        return FA_EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return FA_EXIT_OK;
    }
    if (fa_comm_size(cli_comm()) > 1 && !distributed_command(argv[1])) {
        fprintf(stderr, "fracagg %s: runs on one process (not under mpirun)\n", argv[1]);
        return FA_EXIT_USAGE;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, argv[1]) == 0) return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "fracagg: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return FA_EXIT_USAGE;
}

/* The command line, shell-quoted where needed, for the history of the files a run writes. */
static char command_line[4096];
const char *cli_command_line(void) { return command_line; }

static void record_command_line(int argc, char **argv)
{
    size_t w = 0;
    for (int i = 0; i < argc && w + 8 < sizeof command_line; i++) {
        const char *a = i == 0 ? "fracagg" : argv[i];
        int plain = a[0] != '\0';
        for (const char *p = a; *p; p++)
            if (!(isalnum((unsigned char)*p) || strchr("-_=.,/:+@%", *p))) plain = 0;
        if (i) command_line[w++] = ' ';
        if (!plain) command_line[w++] = '\'';
        for (const char *p = a; *p && w + 6 < sizeof command_line; p++) {
            if (*p == '\'') { /* ' -> '\'' */
                memcpy(command_line + w, "'\\''", 4);
                w += 4;
            } else if ((unsigned char)*p >= 32) {
                command_line[w++] = *p;
            }
        }
        if (!plain) command_line[w++] = '\'';
    }
    command_line[w] = '\0';
}

/* The communicator of this process's run, NULL when it runs alone. */
static fa_comm_t *comm;
const fa_comm_t *cli_comm(void) { return comm; }

/* MPI is started only under an MPI launcher (or when FRACAGG_MPI is set): a plain `fracagg
 * run` stays a serial process without MPI's start-up cost. The library is then handed the
 * world communicator. */
static int start_mpi(int *argc, char ***argv)
{
#ifdef FA_HAVE_MPI
    const char *vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS", "FRACAGG_MPI"};
    int launched = 0;
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i])) launched = 1;
    if (!launched) return 0;
    if (MPI_Init(argc, argv) != MPI_SUCCESS) {
        fprintf(stderr, "fracagg: MPI_Init failed\n");
        return -1;
    }
    if (fa_comm_create(MPI_COMM_WORLD, &comm) != FA_OK) {
        fprintf(stderr, "fracagg: %s\n", fa_last_error());
        MPI_Finalize();
        return -1;
    }
#else
    (void)argc, (void)argv;
#endif
    return 0;
}

static void stop_mpi(void)
{
#ifdef FA_HAVE_MPI
    if (comm) {
        fa_comm_free(comm);
        comm = NULL;
        MPI_Finalize();
    }
#endif
}

int main(int argc, char **argv)
{
    /* Under mpirun every rank runs the command; rank 0 alone talks and writes files. */
    if (start_mpi(&argc, &argv) != 0) return FA_EXIT_FAILED;
    record_command_line(argc, argv);
    if (fa_comm_rank(comm) != 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) return FA_EXIT_FAILED;
    }
    int code = dispatch(argc, argv);
    /* a result printed into a full disk or a closed pipe is lost: say so, and fail */
    if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
        fprintf(stderr, "fracagg: writing standard output failed: %s\n", strerror(errno));
        if (code == FA_EXIT_OK || code == FA_EXIT_CHECK) code = FA_EXIT_FAILED;
    }
    stop_mpi();
    return code;
}
