/* The run-file format in one place (runfile_schema.c): every dimension, variable and attribute
 * of the files fracagg writes, as tables that the writer, the appender, the readers, `info`,
 * the size estimate, verify-hs and the limit file all use. The layout is documented for users
 * in doc/manual.md (section 5); doc/design.md says why it is what it is.
 *
 * Two layouts are known: the current one (version 2: one variable per species and component,
 * char species coordinate, a CF time axis) and the first one (version 1: rho(time, species,
 * ...), time units "1"), which the readers and the appender still accept. */
#ifndef FA_RUNFILE_SCHEMA_H
#define FA_RUNFILE_SCHEMA_H

#include <netcdf.h>
#include <stddef.h>

#include "internal.h"

#define FA_RF_NAME_LEN 64 /* species names: at most 64 characters (the name_strlen dimension) */
#define FA_RF_VERSION 2   /* the layout written (global attribute fracagg_layout) */

/* What a variable holds (its role; readers look variables up by role, never by spelling). */
typedef enum {
    FA_RF_TIME = 0,
    FA_RF_COORD,      /* per axis: x, y, z */
    FA_RF_BOUNDS,     /* per axis: x_bnds, ... */
    FA_RF_SPECIES,    /* the names */
    FA_RF_HS,         /* the H^s orders */
    FA_RF_DENSITY,    /* per species */
    FA_RF_MASS,
    FA_RF_ENERGY,
    FA_RF_HS_NORM,
    FA_RF_HS_TOTAL,
    FA_RF_HS_TOP,
    FA_RF_STAT,       /* per counter: steps, rhs_evals, ... (FA_RF_NSTATS) */
    FA_RF_KIN_DENSITY, /* kinetic files: per species */
    FA_RF_KIN_MOMENTUM, /* per species and axis */
    FA_RF_W1,
    FA_RF_MODULATED,
    FA_RF_MOD_KINETIC,
    FA_RF_MOD_INTERACTION,
    /* limit files */
    FA_RF_EPS,
    FA_RF_SERIES_MAX,   /* per series: w1_max, ... */
    FA_RF_SERIES_ORDER, /* per series: w1_order, ... */
    FA_RF_LIMIT_STEPS,
    FA_RF_LIMIT_RHS,
    FA_RF_NROLES
} fa_rf_role_t;

#define FA_RF_NSTATS 6
extern const char *const fa_rf_stat_names[FA_RF_NSTATS]; /* steps, rhs_evals, newton_iters, ... */
extern const char *const fa_rf_axis_names[3];            /* x, y, z */
#define FA_RF_NSERIES 4
extern const char *const fa_rf_series_names[FA_RF_NSERIES]; /* w1, modulated_energy, ... (kinetic and limit files) */

typedef enum { FA_RF_RUNFILE = 1, FA_RF_KINETIC = 2, FA_RF_LIMITFILE = 4 } fa_rf_kind_t;

/* What the definitions depend on. */
typedef struct {
    fa_rf_kind_t kind;
    int dim;
    long n[3];
    int nspecies, nhs, neps;
    const char *const *names; /* species names */
} fa_rf_shape_t;

/* Define every dimension, variable and attribute of a new file of this shape (in define
 * mode). The global attributes that depend on the run are the writer's. */
int fa_rf_define(const char *path, int ncid, const fa_rf_shape_t *shape);

/* An open run file's layout: its version and the variable of each role (per species and axis
 * where the role has them). */
typedef struct {
    int ncid, version;
    fa_rf_shape_t shape;
    char names[64][FA_RF_NAME_LEN + 1];
    const char *name_ptr[64];
    size_t nrec;
} fa_rf_file_t;

/* Recognise the layout of an open file (version 1 or 2) and read its shape; FA_EFORMAT with
 * a message naming the path and what is missing. `kinetic`: the file must hold the kinetic
 * variables too. */
int fa_rf_inspect(const char *path, int ncid, fa_rf_file_t *f);

/* Where the values of a role (for species i and axis a where it has them) at record `rec` are:
 * the variable and the start and count of its leading dimensions (those before the space or
 * value dimensions), and how many leading dimensions there are. FA_EFORMAT if absent. */
int fa_rf_locate(const char *path, const fa_rf_file_t *f, fa_rf_role_t role, int i, int a, size_t rec, int *varid,
                 size_t start[], size_t count[], int *nlead);

/* Whether the H^s arrays of the file are (time, hs, species) (version 2) or (time, species, hs). */
int fa_rf_hs_species_last(const fa_rf_file_t *f);

/* Bytes of one record of a file of this shape, and of the fixed part (header, coordinates). */
double fa_rf_record_bytes(const fa_rf_shape_t *shape);
double fa_rf_fixed_bytes(const fa_rf_shape_t *shape);

/* Before netCDF opens a file (runfile_header.c): if it is a classic-format file (*classic = 1),
 * its header must be well formed within the file's bytes and the file as long as the header
 * says (every fixed variable and every counted record present): FA_EFORMAT naming the file,
 * its size and the size its header needs otherwise. Other formats pass (*classic = 0). */
int fa_rf_check_header(const char *path, int *classic);

/* Is `name` usable as a species name (it becomes part of variable names)? */
int fa_rf_valid_species_name(const char *name);

/* NC_TRY: a NetCDF call whose failure is returned as FA_ENETCDF naming the file. */
#define NC_TRY(path, call)                                                                \
    do {                                                                                  \
        int nc_rc_ = (call);                                                              \
        if (nc_rc_ != NC_NOERR)                                                           \
            return FA_ERROR(FA_ENETCDF, "%s: %s (in %s)", (path), nc_strerror(nc_rc_), #call); \
    } while (0)

int fa_rf_put_text(const char *path, int ncid, int var, const char *name, const char *text);

/* The CF time axis of version 2: model time t stored as itself, in a unit CF tools accept. */
#define FA_RF_TIME_UNITS "minutes since 1970-01-01 00:00:00"

#endif
