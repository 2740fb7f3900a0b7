/* Run files inside the library: the readers' and the limit file's internal interface
 * (runfile_read.c, limitfile.c; the public part is io.h, the layout runfile_schema.h). */
#ifndef FA_RUNFILE_H
#define FA_RUNFILE_H

#include "grid_internal.h"

/* Can species `species` of run file `path` at `time` (or its last record) be read onto grid g?
 * FA_EIO / FA_EFORMAT with a message otherwise; the record's time in *found (may be NULL). */
int fa_runfile_check(const char *path, int species, int has_time, double time, const fa_grid_t *g, double *found);
/* A record's density read as restart data (initial.c), and where it came from, for messages
 * about its values: the record (from 1), its time, the variable. fa_runfile_read is this
 * without `where`. */
typedef struct {
    size_t record;
    double time;
    char var[320];
} fa_runfile_where_t;
int fa_runfile_read_record(const char *path, int species, int has_time, double time, const fa_grid_t *g, double *rho,
                           fa_runfile_where_t *where);
/* A kinetic run file's last record: species `species`' kinetic density (axis < 0) or the
 * component `axis` of its momentum, on this rank's slab (the continuation of a kinetic run). */
int fa_runfile_read_kinetic(const char *path, int species, int axis, const fa_grid_t *g, double *f,
                            fa_runfile_where_t *where);
/* Restart data checked as input (initial.c; the definitions there): which = 1 every value
 * finite, 2 none below zero beyond the integrator's slack for a state whose largest density is
 * mx, 3 the sum of squares finite. FA_EFORMAT naming the file, variable, record and cell.
 * Collective over the grid's ranks. */
int fa_restart_check(const fa_grid_t *grid, const char *path, const fa_solver_options_t *so, const double *v,
                     const fa_runfile_where_t *w, int which, double mx);
/* fa_runfile_config (io.h), and whether the file is a kinetic run file. */
int fa_runfile_stored(const char *path, char **config_text, long *records, double *last_time, int *kinetic);
/* Open a run file for reading: only a regular file (a FIFO or a terminal would block), errors
 * naming the path. */
int fa_runfile_open(const char *path, int *ncid);
/* The H^s series of order s (verify-hs; hsverify.h). */
int fa_runfile_hs_series(const char *path, double s, fa_hs_series_t *out);

/* FA_OK if record r's figures (time, masses, energy, H^s norms) are finite, else FA_ENUMERIC
 * with a message: fa_output_write writes no record that is not; a kinetic run checks before
 * writing its companion's part of the record. */
int fa_output_record_finite(const fa_output_t *o, const fa_diag_record_t *r);

/* Files of small-inertia sweeps: one column per epsilon. series[q] are [time][species] arrays
 * of w1, modulated_energy, modulated_kinetic, modulated_interaction. history: the command
 * line, or NULL. */
typedef struct fa_limitfile fa_limitfile_t;
int fa_limitfile_create(const char *path, const fa_model_t *m, const double *eps, int neps, const char *history,
                        fa_limitfile_t **out);
int fa_limitfile_write(fa_limitfile_t *f, long col, const fa_limit_row_t *r, const double *const series[4]);
int fa_limitfile_close(fa_limitfile_t *f);

#endif
