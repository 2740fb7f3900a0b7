/* The model's interface inside the library (model.c owns struct fa_model): the parts of a
 * configuration that only the library's solvers read. */
#ifndef FA_MODEL_INTERNAL_H
#define FA_MODEL_INTERNAL_H

#include "internal.h"

/* Initial profile of one species ([initial.I]). */
typedef enum {
    FA_INIT_BARENBLATT = 0,
    FA_INIT_GAUSSIAN,
    FA_INIT_PLATEAU,
    FA_INIT_MODE,
    FA_INIT_FILE
} fa_init_type_t;

typedef struct {
    fa_init_type_t type;
    double mass, time, width, value, radius, background, mean, amplitude;
    double center[3];
    long wavenumber[3];
    char *path;       /* file */
    int file_species; /* file: 0-based species in the file */
    int has_time;     /* file: time given (else last record) */
    double found_time; /* file: the time of the record used */
    char where[512]; /* "file:line: [initial.I] type = T" for messages about the profile */
    /* barenblatt: from the species' self kernel */
    double kappa, s;
} fa_initial_t;

/* Kinetic companion settings ([kinetic]). */
typedef enum { FA_KINETIC_MOMENT = 0, FA_KINETIC_PARTICLES } fa_kinetic_model_t;
typedef enum { FA_VELOCITY_EQUILIBRIUM = 0, FA_VELOCITY_ZERO } fa_velocity_init_t;
typedef struct {
    double epsilon;
    fa_kinetic_model_t model;
    fa_velocity_init_t velocity;
    long particles;
    double spread;
    double drift[3];
    unsigned long seed;
} fa_kinetic_options_t;

const fa_solver_options_t *fa_model_solver_options(const fa_model_t *m);
const fa_kinetic_options_t *fa_model_kinetic_options(const fa_model_t *m);
const fa_initial_t *fa_model_initial_spec(const fa_model_t *m, int i);

/* Free grids: the share of a species' mass in the box's outermost cell layers beyond which the
 * whole-space solution is no longer represented ([grid] edge_fraction). */
double fa_model_edge_fraction(const fa_model_t *m);

/* Should a run write its initial state as its first record? ([output] initial_record: yes, no,
 * or auto: unless every species starts from a run file's record at [time] start.) */
int fa_model_writes_initial_record(const fa_model_t *m);

/* Initial profiles (initial.c): table lookup by name, and the cell averages on the local slab of
 * N species, species i at y + i n (a run file's record for type = file, checked as input
 * against the solver options `so` and the whole state's largest density; collective over the
 * grid's ranks). */
int fa_initial_lookup(const char *name);
int fa_initial_fill_state(const fa_grid_t *g, const fa_initial_t *in, int N, const fa_solver_options_t *so, double *y,
                          long n);

/* The initial state of a model's solver: every species, species i at y + i n (the local slab's
 * cells); restart data checked against the whole state (fa_initial_fill_state). */
int fa_model_initial_state(const fa_model_t *m, double *y, long n);

#endif
