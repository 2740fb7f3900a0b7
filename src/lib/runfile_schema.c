/* The run-file format: the tables of runfile_schema.h and what is built on them (definition,
 * recognition, lookup by role, sizes).
 *
 * Why the layout is what it is (the analysis tools users open run files with, measured with
 * their Debian 12 versions; doc/design.md): at most time + 3 space dimensions per variable
 * (ParaView's CF reader and CDO refuse more), hence one density variable per species, named
 * density_<name> (ParaView loads by default the dimensions of the alphabetically first data
 * variable: 'density_' sorts before 'energy'); no `axis` attribute on x, y, z (ParaView would
 * take x/y for longitude/latitude); a CF time axis whose value is the model time itself
 * ("minutes since 1970-01-01": CF checkers, CDO and ParaView accept it, CDO keeps t to
 * 1/60000); the species names as a char coordinate named `species` (xarray's
 * .sel(species="prey")), species the last dimension wherever it appears (CDO reads a char
 * labelled dimension only there); long_name and units on every variable (CF checkers). */
#include "runfile_schema.h"

#include "grid_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const fa_rf_stat_names[FA_RF_NSTATS] = {"steps", "rhs_evals", "newton_iters",
                                                    "krylov_iters", "error_fails", "newton_fails"};
static const char *const stat_docs[FA_RF_NSTATS] = {"accepted time steps", "right-hand-side evaluations",
                                                    "Newton iterations", "Krylov iterations",
                                                    "local error test failures", "nonlinear convergence failures"};
const char *const fa_rf_axis_names[3] = {"x", "y", "z"};

/* the series of a limit file and of a kinetic run (per species) */
const char *const fa_rf_series_names[FA_RF_NSERIES] = {"w1", "modulated_energy", "modulated_kinetic", "modulated_interaction"};
static const char *const series_docs[4] = {
    "Wasserstein-1 distance between the kinetic and the macroscopic density",
    "modulated energy (kinetic + interaction part)",
    "kinetic part of the modulated energy, 1/2 int |u_i - v|^2 f_i",
    "interaction part of the modulated energy, (1/2 eps) int (rho_i - rho_i^eps) K_ii * (rho_i - rho_i^eps)"};

#define TIME_COMMENT                                                                                     \
    "The model time t is dimensionless; this variable holds t itself. Its units are a CF time unit only " \
    "so that CF tools recognise a time axis (1 unit of t is written as 1 minute). Read t with "           \
    "xarray.open_dataset(path, decode_times=False); CDO keeps t exactly when 60000 t is an integer, "     \
    "otherwise it rounds t to the nearest 1/60000."

typedef enum { ONE, PER_AXIS, PER_SPECIES, PER_SPECIES_AXIS, PER_STAT, PER_SERIES } per_t;

/* One variable. name and long_name are patterns: "%1$s" the species name (or counter, or
 * series), "%2$s" the axis. dims: space-separated dimension names, "@" the grid's space
 * dimensions (z y x, those present), "%2$s" the axis. attrs: "key=value" separated by '|'
 * ("@cm" for the cell_methods of the grid). */
typedef struct {
    fa_rf_role_t role;
    per_t per;
    nc_type type;
    const char *name, *dims, *long_name, *attrs;
    unsigned kinds; /* the files that have it */
    int needs_hs;   /* only when H^s orders are recorded */
} var_t;

#define RUN (FA_RF_RUNFILE | FA_RF_KINETIC)
#define KIN FA_RF_KINETIC
#define LIM FA_RF_LIMITFILE
#define U1 "units=1"
#define SP "|coordinates=species"

static const var_t vars[] = {
    {FA_RF_TIME, ONE, NC_DOUBLE, "time", "time", "model time t",
     "standard_name=time|units=" FA_RF_TIME_UNITS "|calendar=proleptic_gregorian|axis=T|comment=" TIME_COMMENT,
     RUN | LIM, 0},
    {FA_RF_COORD, PER_AXIS, NC_DOUBLE, "%2$s", "%2$s", "%2$s coordinate of the cell centre", U1 "|bounds=%2$s_bnds",
     RUN, 0},
    {FA_RF_BOUNDS, PER_AXIS, NC_DOUBLE, "%2$s_bnds", "%2$s bnds", NULL, NULL, RUN, 0},
    {FA_RF_EPS, ONE, NC_DOUBLE, "eps", "eps", "inertia epsilon of the kinetic model", U1, LIM, 0},
    {FA_RF_SPECIES, ONE, NC_CHAR, "species", "species name_strlen", "species name", "_Encoding=utf-8", RUN | LIM, 0},
    {FA_RF_HS, ONE, NC_DOUBLE, "hs", "hs", "order s of the H^s norm", U1, RUN, 1},
    {FA_RF_DENSITY, PER_SPECIES, NC_DOUBLE, "density_%1$s", "time @", "density of species %1$s (cell average)",
     U1 "|cell_methods=@cm", RUN, 0},
    {FA_RF_KIN_DENSITY, PER_SPECIES, NC_DOUBLE, "kinetic_density_%1$s", "time @",
     "density of species %1$s in the kinetic model (cell average)", U1 "|cell_methods=@cm", KIN, 0},
    {FA_RF_KIN_MOMENTUM, PER_SPECIES_AXIS, NC_DOUBLE, "kinetic_momentum_%2$s_%1$s", "time @",
     "%2$s component of the momentum density int v f dv of species %1$s in the kinetic model (cell average)",
     U1 "|cell_methods=@cm", KIN, 0},
    {FA_RF_MASS, ONE, NC_DOUBLE, "mass", "time species", "mass of each species, integral of its density", U1 SP, RUN,
     0},
    {FA_RF_ENERGY, ONE, NC_DOUBLE, "energy", "time", "free energy 1/2 sum_ij integral rho_i K_ij*rho_j", U1, RUN, 0},
    {FA_RF_HS_NORM, ONE, NC_DOUBLE, "hs_norm", "time hs species",
     "H^s norm, ||f||^2 = V^-1 sum_k (1+|k|^2)^s |f^(k)|^2 (V the transform's box)", U1 SP, RUN, 1},
    {FA_RF_HS_TOTAL, ONE, NC_DOUBLE, "hs_norm_total", "time hs", "H^s norm of the N-tuple, (sum_i ||rho_i||^2)^(1/2)", U1,
     RUN, 1},
    {FA_RF_HS_TOP, ONE, NC_DOUBLE, "hs_top_share", "time hs species",
     "share of the squared H^s norm in the top third of the wavenumbers (resolution check)", U1 SP, RUN, 1},
    {FA_RF_STAT, PER_STAT, NC_INT, "%1$s", "time", NULL, U1 "|comment=cumulative since the start of the run", RUN, 0},
    {FA_RF_W1, ONE, NC_DOUBLE, "w1", "time species", NULL, U1 SP, KIN, 0},
    {FA_RF_MODULATED, ONE, NC_DOUBLE, "modulated_energy", "time species", NULL, U1 SP, KIN, 0},
    {FA_RF_MOD_KINETIC, ONE, NC_DOUBLE, "modulated_kinetic", "time species", NULL, U1 SP, KIN, 0},
    {FA_RF_MOD_INTERACTION, ONE, NC_DOUBLE, "modulated_interaction", "time species", NULL, U1 SP, KIN, 0},
    /* limit files: the series per eps and species (fill values mark an eps not run) */
    {FA_RF_W1, PER_SERIES, NC_DOUBLE, "%1$s", "time eps species", NULL, U1 SP "|_FillValue", LIM, 0},
    {FA_RF_SERIES_MAX, PER_SERIES, NC_DOUBLE, "%1$s_max", "eps", "max over time of the sum over species of %1$s", U1,
     LIM, 0},
    {FA_RF_SERIES_ORDER, PER_SERIES, NC_DOUBLE, "%1$s_order", "eps",
     "observed order in eps of %1$s_max against the previous eps", U1, LIM, 0},
    {FA_RF_LIMIT_RHS, ONE, NC_INT, "rhs_evals", "eps", "right-hand-side evaluations of the kinetic model", U1, LIM, 0},
    {FA_RF_LIMIT_STEPS, ONE, NC_INT, "steps", "eps", "accepted time steps of the kinetic model",
     U1 "|_FillValue|comment=written last for each eps: a fill value marks an eps not (completely) run", LIM, 0},
};
#define NVARS (sizeof vars / sizeof vars[0])

/* ---- small helpers ----------------------------------------------------------------- */

int fa_rf_put_text(const char *path, int ncid, int var, const char *name, const char *text)
{
    NC_TRY(path, nc_put_att_text(ncid, var, name, strlen(text), text));
    return FA_OK;
}

int fa_rf_valid_species_name(const char *name)
{
    size_t n = strlen(name);
    if (n < 1 || n > FA_RF_NAME_LEN || !isalpha((unsigned char)name[0])) return 0;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)name[i]) || name[i] == '_')) return 0;
    return 1;
}

/* "%1$s" and "%2$s" of a pattern replaced (printf's positional arguments are POSIX, not C:
 * done by hand). */
static void expand(const char *pat, const char *s1, const char *s2, char *out, size_t cap)
{
    size_t w = 0;
    for (const char *p = pat; *p && w + 1 < cap; p++) {
        if (p[0] == '%' && (p[1] == '1' || p[1] == '2') && p[2] == '$' && p[3] == 's') {
            const char *v = p[1] == '1' ? s1 : s2;
            for (; v && *v && w + 1 < cap; v++) out[w++] = *v;
            p += 3;
            continue;
        }
        out[w++] = *p;
    }
    out[w] = '\0';
}

/* How many copies of a variable, and the two names of copy k. */
static int copies(const var_t *v, const fa_rf_shape_t *s)
{
    switch (v->per) {
    case PER_AXIS: return s->dim;
    case PER_SPECIES: return s->nspecies;
    case PER_SPECIES_AXIS: return s->nspecies * s->dim;
    case PER_STAT: return FA_RF_NSTATS;
    case PER_SERIES: return FA_RF_NSERIES;
    default: return 1;
    }
}

static void copy_args(const var_t *v, const fa_rf_shape_t *s, int k, const char **s1, const char **s2)
{
    *s1 = *s2 = NULL;
    switch (v->per) {
    case PER_AXIS: *s2 = fa_rf_axis_names[k]; break;
    case PER_SPECIES: *s1 = s->names[k]; break;
    case PER_SPECIES_AXIS: *s1 = s->names[k / s->dim], *s2 = fa_rf_axis_names[k % s->dim]; break;
    case PER_STAT: *s1 = fa_rf_stat_names[k]; break;
    case PER_SERIES: *s1 = fa_rf_series_names[k]; break;
    default: break;
    }
}

static int applies(const var_t *v, const fa_rf_shape_t *s)
{
    if (!(v->kinds & s->kind)) return 0;
    if (v->kinds == KIN && s->kind != FA_RF_KINETIC) return 0;
    return !v->needs_hs || s->nhs > 0;
}

/* ---- definition -------------------------------------------------------------------- */

static int def_dims(const char *path, int nc, const fa_rf_shape_t *s)
{
    int id;
    NC_TRY(path, nc_def_dim(nc, "time", NC_UNLIMITED, &id));
    if (s->kind == FA_RF_LIMITFILE) {
        NC_TRY(path, nc_def_dim(nc, "eps", (size_t)s->neps, &id));
    } else {
        for (int a = s->dim - 1; a >= 0; a--) NC_TRY(path, nc_def_dim(nc, fa_rf_axis_names[a], (size_t)s->n[a], &id));
        NC_TRY(path, nc_def_dim(nc, "bnds", 2, &id));
        if (s->nhs > 0) NC_TRY(path, nc_def_dim(nc, "hs", (size_t)s->nhs, &id));
    }
    NC_TRY(path, nc_def_dim(nc, "species", (size_t)s->nspecies, &id));
    NC_TRY(path, nc_def_dim(nc, "name_strlen", FA_RF_NAME_LEN, &id));
    return FA_OK;
}

static int def_var(const char *path, int nc, const fa_rf_shape_t *s, const var_t *v, int k)
{
    const char *s1, *s2;
    copy_args(v, s, k, &s1, &s2);
    char name[NC_MAX_NAME + 1], dims[128], buf[1024];
    expand(v->name, s1, s2, name, sizeof name);
    expand(v->dims, s1, s2, dims, sizeof dims);
    int ids[NC_MAX_VAR_DIMS], nd = 0;
    char *save = NULL;
    for (char *tok = strtok_r(dims, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        if (strcmp(tok, "@") == 0) {
            for (int a = s->dim - 1; a >= 0; a--) NC_TRY(path, nc_inq_dimid(nc, fa_rf_axis_names[a], &ids[nd++]));
            continue;
        }
        NC_TRY(path, nc_inq_dimid(nc, tok, &ids[nd++]));
    }
    int id;
    NC_TRY(path, nc_def_var(nc, name, v->type, nd, ids, &id));
    const char *doc = v->long_name;
    if (!doc && v->per == PER_STAT) doc = stat_docs[k];
    if (!doc && v->per == PER_SERIES) doc = series_docs[k];
    if (!doc) /* the kinetic run's series */
        for (int q = 0; q < 4; q++)
            if (strcmp(v->name, fa_rf_series_names[q]) == 0) doc = series_docs[q];
    if (doc) {
        expand(doc, s1, s2, buf, sizeof buf);
        FA_TRY(fa_rf_put_text(path, nc, id, "long_name", buf));
    }
    if (!v->attrs) return FA_OK;
    char attrs[2048];
    expand(v->attrs, s1, s2, attrs, sizeof attrs);
    save = NULL;
    for (char *kv = strtok_r(attrs, "|", &save); kv; kv = strtok_r(NULL, "|", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq && strcmp(kv, "_FillValue") == 0) { /* declared, so that every reader masks it */
            if (v->type == NC_INT) {
                int fill = NC_FILL_INT;
                NC_TRY(path, nc_put_att_int(nc, id, "_FillValue", NC_INT, 1, &fill));
            } else {
                double fill = NC_FILL_DOUBLE;
                NC_TRY(path, nc_put_att_double(nc, id, "_FillValue", NC_DOUBLE, 1, &fill));
            }
            continue;
        }
        if (!eq) continue;
        *eq = '\0';
        const char *value = eq + 1;
        if (strcmp(value, "@cm") == 0) value = s->dim == 1 ? "x: mean" : s->dim == 2 ? "x: y: mean" : "x: y: z: mean";
        FA_TRY(fa_rf_put_text(path, nc, id, kv, value));
    }
    return FA_OK;
}

int fa_rf_define(const char *path, int ncid, const fa_rf_shape_t *s)
{
    FA_TRY(def_dims(path, ncid, s));
    for (size_t i = 0; i < NVARS; i++) {
        if (!applies(&vars[i], s)) continue;
        for (int k = 0; k < copies(&vars[i], s); k++) FA_TRY(def_var(path, ncid, s, &vars[i], k));
    }
    int version = FA_RF_VERSION;
    NC_TRY(path, nc_put_att_int(ncid, NC_GLOBAL, "fracagg_layout", NC_INT, 1, &version));
    return FA_OK;
}

/* ---- sizes ------------------------------------------------------------------------- */

static double var_record_bytes(const var_t *v, const fa_rf_shape_t *s)
{
    if (!strstr(v->dims, "time")) return 0;
    double n = v->type == NC_INT ? 4 : 8;
    if (strstr(v->dims, "@")) n *= (double)s->n[0] * (double)s->n[1] * (double)s->n[2];
    if (strstr(v->dims, "species")) n *= s->nspecies;
    if (strstr(v->dims, "hs")) n *= s->nhs;
    if (strstr(v->dims, "eps")) n *= s->neps;
    return n * copies(v, s);
}

double fa_rf_record_bytes(const fa_rf_shape_t *s)
{
    double sum = 0;
    for (size_t i = 0; i < NVARS; i++)
        if (applies(&vars[i], s)) sum += var_record_bytes(&vars[i], s);
    return sum;
}

double fa_rf_fixed_bytes(const fa_rf_shape_t *s)
{
    /* the header space reserved at creation (attributes, the configuration text, notes), the
     * coordinates and their bounds, the names */
    return 40000 + 24.0 * ((double)s->n[0] + (double)s->n[1] + (double)s->n[2]) + 65.0 * s->nspecies +
           8.0 * s->nhs + 8.0 * s->neps;
}

/* ---- recognition and lookup -------------------------------------------------------- */

static int dim_len(int nc, const char *name, size_t *len)
{
    int id;
    return nc_inq_dimid(nc, name, &id) == NC_NOERR && nc_inq_dimlen(nc, id, len) == NC_NOERR;
}

/* Species names: version 2's char coordinate `species`, version 1's `species_name`, or s1 .. */
static void read_names(int nc, const char *var, fa_rf_file_t *f)
{
    int v, ok = nc_inq_varid(nc, var, &v) == NC_NOERR;
    nc_type type;
    int nd = 0;
    if (ok) ok = nc_inq_vartype(nc, v, &type) == NC_NOERR && type == NC_CHAR && nc_inq_varndims(nc, v, &nd) == NC_NOERR && nd == 2;
    size_t width = 0;
    if (ok) {
        int ids[2];
        ok = nc_inq_vardimid(nc, v, ids) == NC_NOERR && nc_inq_dimlen(nc, ids[1], &width) == NC_NOERR && width > 0;
    }
    for (int i = 0; i < f->shape.nspecies; i++) {
        char buf[FA_RF_NAME_LEN + 2] = "";
        size_t st[2] = {(size_t)i, 0}, ct[2] = {1, width < FA_RF_NAME_LEN + 1 ? width : FA_RF_NAME_LEN + 1};
        if (!ok || nc_get_vara_text(nc, v, st, ct, buf) != NC_NOERR) buf[0] = '\0';
        buf[FA_RF_NAME_LEN] = '\0';
        if (!buf[0]) snprintf(buf, sizeof buf, "s%d", i + 1);
        snprintf(f->names[i], sizeof f->names[i], "%s", buf);
        f->name_ptr[i] = f->names[i];
    }
    f->shape.names = f->name_ptr;
}

int fa_rf_inspect(const char *path, int nc, fa_rf_file_t *f)
{
    memset(f, 0, sizeof *f);
    f->ncid = nc;
    int layout = 0;
    f->version = nc_get_att_int(nc, NC_GLOBAL, "fracagg_layout", &layout) == NC_NOERR ? layout : 1;
    if (f->version < 1 || f->version > FA_RF_VERSION)
        return FA_ERROR(FA_EFORMAT, "%s: layout version %d; this fracagg reads versions 1 to %d", path, f->version,
                        FA_RF_VERSION);
    size_t nsp = 0, nhs = 0, nrec = 0;
    if (!dim_len(nc, "species", &nsp)) return FA_ERROR(FA_EFORMAT, "%s: no species dimension (not a fracagg run file?)", path);
    if (nsp < 1 || nsp > 64)
        return FA_ERROR(FA_EFORMAT, "%s: %zu species (a fracagg run file holds 1 to %d)", path, nsp, 64);
    if (!dim_len(nc, "time", &nrec)) return FA_ERROR(FA_EFORMAT, "%s: no time dimension (not a fracagg run file?)", path);
    dim_len(nc, "hs", &nhs);
    f->nrec = nrec;
    f->shape.nspecies = (int)nsp;
    f->shape.nhs = (int)nhs;
    f->shape.kind = FA_RF_RUNFILE;
    int dim = 0;
    for (int a = 0; a < 3; a++) {
        size_t len;
        if (dim_len(nc, fa_rf_axis_names[a], &len)) dim = a + 1, f->shape.n[a] = (long)len;
        else f->shape.n[a] = 1;
    }
    f->shape.dim = dim;
    /* the sizes readers allocate by: the configuration's limits (a header is input) */
    double total = (double)f->shape.n[0] * (double)f->shape.n[1] * (double)f->shape.n[2];
    for (int a = 0; a < dim; a++)
        if (f->shape.n[a] < 1 || f->shape.n[a] > FA_GRID_MAX_AXIS)
            return FA_ERROR(FA_EFORMAT, "%s: dimension %s is %ld cells; a fracagg grid has 1 to %ld per axis", path,
                            fa_rf_axis_names[a], f->shape.n[a], FA_GRID_MAX_AXIS);
    if (total > FA_GRID_MAX_CELLS)
        return FA_ERROR(FA_EFORMAT, "%s: a grid of %.3g cells; this build handles at most %.3g", path, total,
                        FA_GRID_MAX_CELLS);
    if (nhs > 64) return FA_ERROR(FA_EFORMAT, "%s: %zu H^s orders (a fracagg run file holds at most 64)", path, nhs);
    read_names(nc, f->version == 1 ? "species_name" : "species", f);
    int v;
    if (nc_inq_varid(nc, f->version == 1 ? "rho_kinetic" : "w1", &v) == NC_NOERR) f->shape.kind = FA_RF_KINETIC;
    size_t neps;
    if (dim_len(nc, "eps", &neps)) { /* fracagg limit's file: series over eps, no densities */
        if (neps < 1 || neps > 64)
            return FA_ERROR(FA_EFORMAT, "%s: %zu values of eps (a limit file holds 1 to 64)", path, neps);
        f->shape.kind = FA_RF_LIMITFILE;
        f->shape.neps = (int)neps;
    }
    return FA_OK;
}

int fa_rf_hs_species_last(const fa_rf_file_t *f) { return f->version >= 2; }

/* The dimensions a variable of this role has in a file of this layout and grid: version 2's
 * from the table (the run file's entry), version 1's from them (its density and momentum
 * arrays lead with species and component, its H^s arrays end with hs). */
static int expected_dims(const fa_rf_file_t *f, fa_rf_role_t role, const char *out[8])
{
    const var_t *v = NULL;
    for (size_t k = 0; k < NVARS && !v; k++)
        if (vars[k].role == role && (vars[k].kinds & FA_RF_RUNFILE || vars[k].kinds == KIN)) v = &vars[k];
    if (!v) return -1;
    char dims[128];
    snprintf(dims, sizeof dims, "%s", v->dims);
    int n = 0;
    int v1 = f->version == 1;
    char *save = NULL;
    for (char *tok = strtok_r(dims, " ", &save); tok && n < 4; tok = strtok_r(NULL, " ", &save)) {
        if (strcmp(tok, "time") == 0) {
            out[n++] = "time";
            if (v1 && (role == FA_RF_DENSITY || role == FA_RF_KIN_DENSITY || role == FA_RF_KIN_MOMENTUM))
                out[n++] = "species";
            if (v1 && role == FA_RF_KIN_MOMENTUM) out[n++] = "component";
        } else if (strcmp(tok, "@") == 0) {
            for (int a = f->shape.dim - 1; a >= 0; a--) out[n++] = fa_rf_axis_names[a];
            break;
        } else if (v1 && strcmp(tok, "hs") == 0 && (role == FA_RF_HS_NORM || role == FA_RF_HS_TOP)) {
            out[n++] = "species", out[n++] = "hs";
            break;
        } else {
            out[n++] = strcmp(tok, "hs") == 0 ? "hs" : strcmp(tok, "species") == 0 ? "species" : "time";
        }
    }
    return n;
}

/* A variable's dimensions are checked by name against the layout before any read or write
 * is sized by them: a file is input, and a density stored as (time, x) in a 2D file, or with
 * its axes swapped, would otherwise be read past its end or silently transposed. (The
 * lengths of the named dimensions were checked when the file was inspected.) */
static int check_dims(const char *path, const fa_rf_file_t *f, fa_rf_role_t role, const char *name, int nd,
                      const int ids[])
{
    const char *want[8];
    int n = expected_dims(f, role, want);
    if (n < 0) return FA_OK;
    char have[256] = "", need[256] = "";
    int ok = nd == n;
    for (int k = 0, p = 0; k < nd && p < (int)sizeof have; k++) {
        char dn[NC_MAX_NAME + 1] = "?";
        nc_inq_dimname(f->ncid, ids[k], dn);
        if (k < n && strcmp(dn, want[k]) != 0) ok = 0;
        p += snprintf(have + p, sizeof have - (size_t)p, "%s%s", k ? ", " : "", dn);
    }
    if (ok) return FA_OK;
    for (int k = 0, p = 0; k < n; k++) p += snprintf(need + p, sizeof need - (size_t)p, "%s%s", k ? ", " : "", want[k]);
    return FA_ERROR(FA_EFORMAT, "%s: variable '%s' has dimensions (%s); in a layout-%d run file of this grid it has (%s)",
                    path, name, have, f->version, need);
}

int fa_rf_locate(const char *path, const fa_rf_file_t *f, fa_rf_role_t role, int i, int a, size_t rec, int *varid,
                 size_t start[], size_t count[], int *nlead)
{
    char name[NC_MAX_NAME + 1];
    int lead = 1; /* leading dims: time, then (version 1) species and component */
    start[0] = rec, count[0] = 1;
    const char *sname = i >= 0 && i < f->shape.nspecies ? f->names[i] : "";
    const char *ax = a >= 0 && a < 3 ? fa_rf_axis_names[a] : "";
    switch (role) {
    case FA_RF_DENSITY:
    case FA_RF_KIN_DENSITY:
        if (f->version == 1) {
            snprintf(name, sizeof name, role == FA_RF_DENSITY ? "rho" : "rho_kinetic");
            start[1] = (size_t)i, count[1] = 1, lead = 2;
        } else {
            snprintf(name, sizeof name, role == FA_RF_DENSITY ? "density_%s" : "kinetic_density_%s", sname);
        }
        break;
    case FA_RF_KIN_MOMENTUM:
        if (f->version == 1) {
            snprintf(name, sizeof name, "momentum");
            start[1] = (size_t)i, count[1] = 1, start[2] = (size_t)a, count[2] = 1, lead = 3;
        } else {
            snprintf(name, sizeof name, "kinetic_momentum_%s_%s", ax, sname);
        }
        break;
    case FA_RF_STAT: snprintf(name, sizeof name, "%s", fa_rf_stat_names[i]); break;
    case FA_RF_TIME: snprintf(name, sizeof name, "time"); break;
    case FA_RF_MASS: snprintf(name, sizeof name, "mass"); break;
    case FA_RF_ENERGY: snprintf(name, sizeof name, "energy"); break;
    case FA_RF_HS: snprintf(name, sizeof name, "hs"), lead = 0; break;
    case FA_RF_HS_NORM: snprintf(name, sizeof name, "hs_norm"); break;
    case FA_RF_HS_TOTAL: snprintf(name, sizeof name, "hs_norm_total"); break;
    case FA_RF_HS_TOP: snprintf(name, sizeof name, "hs_top_share"); break;
    case FA_RF_W1: snprintf(name, sizeof name, "w1"); break;
    case FA_RF_MODULATED: snprintf(name, sizeof name, "modulated_energy"); break;
    case FA_RF_MOD_KINETIC: snprintf(name, sizeof name, "modulated_kinetic"); break;
    case FA_RF_MOD_INTERACTION: snprintf(name, sizeof name, "modulated_interaction"); break;
    default: return FA_ERROR(FA_EINVAL, "run file role %d has no lookup", (int)role);
    }
    if (nc_inq_varid(f->ncid, name, varid) != NC_NOERR)
        return FA_ERROR(FA_EFORMAT, "%s: no variable '%s' (not a fracagg run file, or not of this run?)", path, name);
    /* the value dimensions after the leading ones: the whole extent */
    int nd;
    int ids[NC_MAX_VAR_DIMS];
    NC_TRY(path, nc_inq_varndims(f->ncid, *varid, &nd));
    NC_TRY(path, nc_inq_vardimid(f->ncid, *varid, ids));
    FA_TRY(check_dims(path, f, role, name, nd, ids));
    for (int k = lead; k < nd; k++) {
        start[k] = 0;
        NC_TRY(path, nc_inq_dimlen(f->ncid, ids[k], &count[k]));
    }
    *nlead = lead;
    return FA_OK;
}
