/* Run files inside the library (io.c). */
#ifndef FA_RUNFILE_H
#define FA_RUNFILE_H

#include "grid_internal.h"

/* Can species `species` of run file `path` at `time` (or its last record) be read onto grid g?
 * FA_EIO / FA_EFORMAT with a message otherwise. */
int fa_runfile_check(const char *path, int species, int has_time, double time, const fa_grid_t *g);
/* Open a run file for reading: only a regular file (a FIFO or a terminal would block), errors
 * naming the path. */
int fa_runfile_open(const char *path, int *ncid);

/* Files of small-inertia sweeps: eps is the record dimension. series[q] are [time][species]
 * arrays of w1, modulated_energy, modulated_kinetic, modulated_interaction. */
typedef struct fa_limitfile fa_limitfile_t;
int fa_limitfile_create(const char *path, const fa_model_t *m, fa_limitfile_t **out);
int fa_limitfile_write(fa_limitfile_t *f, long row, const fa_limit_row_t *r, const double *const series[4]);
int fa_limitfile_close(fa_limitfile_t *f);

#endif
