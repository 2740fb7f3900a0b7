/* Shared pieces of the fracagg command. */
#ifndef FA_CLI_H
#define FA_CLI_H

#include <stdio.h>

#include "fracagg.h"

enum { FA_EXIT_OK = 0, FA_EXIT_CHECK = 1, FA_EXIT_USAGE = 2, FA_EXIT_FAILED = 3 };

typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv); /* argv[0] is the command name */
    const char *args, *summary, *options;
} cli_command_t;

int cmd_run(int argc, char **argv);
int cmd_kinetic(int argc, char **argv);
int cmd_limit(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_verify_hs(int argc, char **argv);
int cmd_w1(int argc, char **argv);
int cmd_help(int argc, char **argv);

/* The communicator of this run (NULL: this process alone), started by main(). */
const fa_comm_t *cli_comm(void);

/* Print a command's usage; -1 if there is no such command. */
int cli_command_help(const char *name, FILE *f);

/* Report a library error on stderr: "fracagg: <message>". */
void cli_error(const char *what);

/* Exit code for a library status: bad input -> 2, integration failure -> 3. */
int cli_exit_code(int status);

/* Log handler writing "fracagg: ..." lines on stderr; verbosity -1 quiet, 0 normal, 1 verbose. */
void cli_set_verbosity(int verbosity);

/* "--name VALUE" or "--name=VALUE" at argv[*i]: 1 (value in *val, *i past it), 0 (another
 * argument), -1 (no value; message printed). */
int cli_option_value(const char *cmd, int argc, char **argv, int *i, const char *name, const char **val);

/* The whole of `text` as a finite number, or an integer in [lo, hi]; 0, or -1 with the message
 * "fracagg CMD: OPT: 'TEXT' is not a number" (an integer, or out of range) printed. */
int cli_parse_double(const char *cmd, const char *opt, const char *text, double *out);
int cli_parse_long(const char *cmd, const char *opt, const char *text, long lo, long hi, long *out);

/* Options shared by the commands that take a configuration. */
typedef struct {
    const char *config;
    const char *output;
    const char *sets[256];
    int nsets;
    int verbosity;
    int overwrite; /* --overwrite: [output] overwrite = yes */
} cli_config_args_t;

/* Parse "CONFIG [-o OUT] [--overwrite] [--set S.K=V]... [-q|-v]"; `extra` handles further options
 * (returns the number of argv entries consumed, 0 if not its option, -1 on error). */
typedef int (*cli_extra_fn)(int argc, char **argv, int i, void *user);
int cli_parse_config_args(const char *cmd, int argc, char **argv, cli_config_args_t *a,
                          cli_extra_fn extra, void *user);

/* Read the configuration, apply the overrides, build the model. Returns an exit code. */
int cli_load_model(const cli_config_args_t *a, fa_model_t **model);

/* SIGINT/SIGTERM ask the library to stop (fa_request_stop with the signal number). */
void cli_install_stop_signals(void);

/* The command line of this process, shell-quoted (for the files' history). */
const char *cli_command_line(void);

/* "integration failed" for the failures of an integration (cli_error's prefix), else NULL. */
const char *cli_failure_kind(int status);

/* Is there room for `bytes` more in the file system of `path`? Message and -1 if not. */
int cli_check_space(const char *path, double bytes);

/* Can the output `path` of m be created (or appended to) now (fa_output_check)? -1 and the
 * message printed if not, so that nothing runs for an output that will be refused. */
int cli_check_output(const char *path, const fa_model_t *m, int append);

#endif
