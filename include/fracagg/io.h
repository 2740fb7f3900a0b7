/**
 * @file io.h
 * Run files: NetCDF (classic 64-bit-offset format, CF-1.8) holding the densities and
 * diagnostics at every output time (layout: the manual, section 5).
 *
 * Crash safety: the number of records in the file's header is only advanced after a whole
 * record has been written, and each record is synced to disk before the run goes on; a run
 * killed at any moment leaves a file whose finished records are all readable.
 */
#ifndef FRACAGG_IO_H
#define FRACAGG_IO_H

#include <stdio.h>

#include "diag.h"
#include "kinetic.h"
#include "model.h"
#include "solver.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fa_output fa_output_t;

/** Create (overwrite) a run file for a model: dimensions, coordinates, attributes (the full
 *  configuration text among them). FA_EIO if the path cannot be written. */
int fa_output_create(const char *path, const fa_model_t *m, fa_output_t **out);

/** Could `path` be created (append = 0) or appended to (1) now? A new output must be a regular
 *  file or absent, absent unless [output] overwrite = yes, not an input of m (its configuration,
 *  a type = file source, its wisdom) and not locked by another writer; a file to append to must
 *  be a regular file no other writer holds. Nothing is created. FA_EIO with a message. The
 *  writers check the same when they create or open the file. */
int fa_output_check(const char *path, const fa_model_t *m, int append);

/** Create a run file of a kinetic run (fracagg kinetic): also rho_kinetic, momentum(time,
 *  species, component, ...), w1, modulated_energy, modulated_kinetic, modulated_interaction. */
int fa_output_create_kinetic(const char *path, const fa_model_t *m, double epsilon, fa_output_t **out);

/** What a kinetic run stores per output time (arrays indexed by species; momentum[i*d + a]). */
typedef struct {
    const double *const *rho;
    const double *const *momentum;
    const fa_comparison_t *comparison;
} fa_kinetic_record_t;

/** Write the kinetic part of the next record; then fa_output_write completes the record. */
int fa_output_write_kinetic(fa_output_t *o, const fa_kinetic_record_t *k);

/** Size in bytes of a run file of the model with `records` records (-1: all output times). */
double fa_output_estimate_bytes(const fa_model_t *m, int kinetic, int records);

/** Size in bytes that `records` more records add to such a file (what an append needs). */
double fa_output_estimate_append_bytes(const fa_model_t *m, int kinetic, int records);

/** Open an existing run file of the same model layout (grid, species and their names, H^s
 *  orders) to append records after its last one; files of either layout version are accepted
 *  and keep their layout. fa_output_append_kinetic: the same for a kinetic run file (kinetic
 *  = 1) or a macroscopic one (0). */
int fa_output_append(const char *path, const fa_model_t *m, fa_output_t **out);
int fa_output_append_kinetic(const char *path, const fa_model_t *m, int kinetic, fa_output_t **out);

/** Add a line "<UTC time>: <command>" to the file's history attribute. */
int fa_output_add_history(fa_output_t *o, const char *command);

/** Append one record: densities rho[i] (local slabs), the diagnostics, the solver counters
 *  (may be NULL). The record is on disk when this returns. */
int fa_output_write(fa_output_t *o, const fa_diag_record_t *r, const double *const rho[],
                    const fa_solver_stats_t *st);

/** Number of records in the file. */
long fa_output_records(const fa_output_t *o);

/** Record a global text attribute (e.g. a run summary), up to the file's reserved header space. */
int fa_output_set_note(fa_output_t *o, const char *name, const char *text);

/** Close the file (safe on NULL). */
int fa_output_close(fa_output_t *o);

/** Read species `species` (0-based) at the record whose time is `time` (nearest within
 *  1e-9 relative; has_time = 0: the last record) onto grid g. The file's grid must match. */
int fa_runfile_read(const char *path, int species, int has_time, double time, const fa_grid_t *g,
                    double *rho, double *found_time);

/** The configuration text stored in a run file (caller frees), and its number of records and
 *  last record time. */
int fa_runfile_config(const char *path, char **config_text, long *records, double *last_time);

/** The grid of a run file (from its 'dim', 'cells' and 'length' attributes, checked against
 *  the shape of rho; free it with fa_grid_free) and its number of species. */
int fa_runfile_grid(const char *path, fa_grid_t **grid, int *nspecies);

/** Name of species `species` (0-based) of a run file into name[len] ("" if it has none). */
int fa_runfile_species_name(const char *path, int species, char *name, size_t len);

/** Print a human-readable summary of a run file. */
int fa_runfile_info(const char *path, FILE *out);

#ifdef __cplusplus
}
#endif
#endif
