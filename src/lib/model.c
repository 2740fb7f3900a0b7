/* Building a model from a configuration: every check that needs more than one key (alpha
 * against the dimension, counts per axis, a Riesz self-kernel for a Barenblatt profile, a
 * readable restart file) happens here, before any run starts. */
#include "model_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grid_internal.h"
#include "kernel_internal.h"
#include "outfile.h"
#include "runfile.h"
#include "runfile_schema.h"

struct fa_model {
    fa_config_t *config;
    fa_grid_t *grid;
    int nspecies;
    char **names;
    fa_kernel_t *kernels;  /* N*N */
    fa_initial_t *initial; /* N */
    double t_start, t_end;
    double *out_times;
    int nout;
    double *hs;
    int nhs;
    char *output_file;
    int overwrite; /* [output] overwrite */
    char initial_record[8];
    double edge_fraction;
    fa_solver_options_t solver;
    fa_kinetic_options_t kinetic;
};

#define CFG_ERROR(cfg, sec, key, ...)                                                     \
    fa_error_at(FA_ECONFIG, __FILE__, __LINE__, "%s: [%s] %s = %s: %s",                  \
                fa_config_where((cfg), (sec), (key)), (sec), (key),                       \
                fa_config_value((cfg), (sec), (key)) ? fa_config_value((cfg), (sec), (key)) : "", \
                model_msg(__VA_ARGS__))

static _Thread_local char msgbuf[512];
static const char *model_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *model_msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msgbuf, sizeof msgbuf, fmt, ap);
    va_end(ap);
    return msgbuf;
}

static int get_real(const fa_config_t *c, const char *sec, const char *key, double *v)
{
    int n = fa_config_reals(c, sec, key, v, 1);
    return n < 0 ? n : FA_OK;
}

static int get_long(const fa_config_t *c, const char *sec, const char *key, long *v)
{
    int n = fa_config_ints(c, sec, key, v, 1);
    return n < 0 ? n : FA_OK;
}

/* A per-axis list of the wrong length: "expected 1 or 3 values", but in 1D (or when one value
 * is not allowed) no "1 or 1". */
static int axis_count_error(const fa_config_t *c, const char *sec, const char *key, int dim, int allow_one, int n)
{
    if (dim == 1) return CFG_ERROR(c, sec, key, "expected one value (the x axis), got %d", n);
    return CFG_ERROR(c, sec, key, "expected %s%d values (one per axis, x first), got %d", allow_one ? "1 or " : "",
                     dim, n);
}

/* A per-axis list: one value (the same on every axis) or exactly `dim` values. */
static int per_axis_reals(const fa_config_t *c, const char *sec, const char *key, int dim, double v[3])
{
    int n = fa_config_reals(c, sec, key, v, 3);
    if (n < 0) return n;
    if (n == 1)
        v[1] = v[2] = v[0];
    else if (n != dim)
        return axis_count_error(c, sec, key, dim, 1, n);
    for (int a = dim; a < 3; a++) v[a] = 0;
    return FA_OK;
}

static int per_axis_longs(const fa_config_t *c, const char *sec, const char *key, int dim, long v[3],
                          int allow_one)
{
    int n = fa_config_ints(c, sec, key, v, 3);
    if (n < 0) return n;
    if (n == 1 && allow_one)
        v[1] = v[2] = v[0];
    else if (n != dim)
        return axis_count_error(c, sec, key, dim, allow_one, n);
    for (int a = dim; a < 3; a++) v[a] = allow_one ? 1 : 0;
    return FA_OK;
}

static const char *word(const fa_config_t *c, const char *sec, const char *key)
{
    const char *v = fa_config_value(c, sec, key);
    return v ? v : "";
}

/* ---- pieces of the model ----------------------------------------------------------- */

static int read_grid(fa_model_t *m, const fa_comm_t *comm)
{
    const fa_config_t *c = m->config;
    long dim, n[3];
    double L[3];
    FA_TRY(get_long(c, "grid", "dim", &dim));
    FA_TRY(per_axis_longs(c, "grid", "cells", (int)dim, n, 1));
    FA_TRY(per_axis_reals(c, "grid", "length", (int)dim, L));
    for (int a = 0; a < dim; a++) {
        if (n[a] < 1) return CFG_ERROR(c, "grid", "cells", "cells must be positive");
        if (n[a] > FA_GRID_MAX_AXIS) return CFG_ERROR(c, "grid", "cells", "more than 2^24 cells along an axis");
        if (!(L[a] > 0)) return CFG_ERROR(c, "grid", "length", "lengths must be positive");
    }
    double total = (double)n[0] * n[1] * n[2];
    if (total > FA_GRID_MAX_CELLS) return CFG_ERROR(c, "grid", "cells", "%.3g cells is more than this build handles", total);
    /* densities are masses over cell volumes, and the energy and norms sum their squares over
     * the box: both volumes within 1e-100 .. 1e100 keep them finite for any sensible mass
     * (a 3D box of length 1e-300 has cells of volume 0, and infinite densities) */
    double box = 1, cell = 1;
    for (int a = 0; a < dim; a++) box *= L[a], cell *= L[a] / n[a];
    if (!(cell >= 1e-100) || !(box <= 1e100))
        return CFG_ERROR(c, "grid", "length", "a box of volume %.3g with cells of volume %.3g: both must lie within "
                         "1e-100 .. 1e100, or densities (mass / cell volume) and the sums of their squares overflow",
                         box, cell);
    fa_boundary_t b = strcmp(word(c, "grid", "boundary"), "free") == 0 ? FA_BOUNDARY_FREE : FA_BOUNDARY_PERIODIC;
    FA_TRY(get_real(c, "grid", "edge_fraction", &m->edge_fraction));
    return fa_grid_create((int)dim, n, L, b, comm, &m->grid);
}

static int read_species(fa_model_t *m)
{
    const fa_config_t *c = m->config;
    long N;
    FA_TRY(get_long(c, "species", "count", &N));
    m->nspecies = (int)N;
    m->names = fa_calloc((size_t)N, sizeof(char *));
    if (!m->names) return FA_ENOMEM;
    const char *names = fa_config_get(c, "species", "names");
    if (!names) {
        for (int i = 0; i < N; i++)
            if (!(m->names[i] = fa_asprintf("s%d", i + 1))) return FA_ENOMEM;
        return FA_OK;
    }
    char *buf = fa_strdup(names), *save = NULL;
    if (!buf) return FA_ENOMEM;
    int i = 0, rc = FA_OK;
    for (char *tok = strtok_r(buf, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save), i++) {
        if (i >= N) continue; /* count the extra names for the message */
        for (int j = 0; j < i; j++)
            if (strcmp(m->names[j], tok) == 0) rc = CFG_ERROR(c, "species", "names", "name '%s' given twice", tok);
        /* Names become parts of netCDF variable names (density_<name>): a letter, then
         * letters, digits and '_', which every CF-reading tool accepts unquoted. */
        if (rc == FA_OK && strlen(tok) > FA_RF_NAME_LEN)
            rc = CFG_ERROR(c, "species", "names", "name '%.20s...' longer than %d characters", tok, FA_RF_NAME_LEN);
        if (rc == FA_OK && !fa_rf_valid_species_name(tok))
            rc = CFG_ERROR(c, "species", "names",
                           "name '%s': a species name starts with a letter and has only letters, digits and '_'", tok);
        if (rc) break;
        if (!(m->names[i] = fa_strdup(tok))) rc = FA_ENOMEM;
    }
    free(buf);
    if (rc == FA_OK && i != N)
        rc = CFG_ERROR(c, "species", "names", "%d names for %ld species", i, N);
    return rc;
}

/* One term of a kernel from its section ([kernel.I.J] or [kernel.I.J.T]). */
static int read_term(fa_model_t *m, const char *sec, int self, fa_kernel_term_t *K)
{
    const fa_config_t *c = m->config;
    int d = fa_grid_dim(m->grid);
    K->type = fa_kernel_type_lookup(word(c, sec, "type"));
    switch (K->type) {
    case FA_KERNEL_RIESZ:
        FA_TRY(get_real(c, sec, "strength", &K->strength));
        FA_TRY(get_real(c, sec, "alpha", &K->alpha));
        if (!(K->alpha > 0 && K->alpha < d))
            return CFG_ERROR(c, sec, "alpha", "alpha must lie in (0, d) = (0, %d)", d);
        if (self && K->strength <= 0)
            fa_log(FA_LOG_WARN, "%s: [%s] a Riesz self-kernel with strength <= 0 is attractive and "
                   "ill-posed (the paper takes C_i > 0)", fa_config_where(c, sec, "strength"), sec);
        if (d - K->alpha > 2 + 1e-12)
            fa_log(FA_LOG_WARN, "%s: [%s] alpha < d - 2 lies outside the paper's theory "
                   "(-2 <= alpha - d <= 0)", fa_config_where(c, sec, "alpha"), sec);
        return FA_OK;
    case FA_KERNEL_GAUSSIAN:
        FA_TRY(get_real(c, sec, "strength", &K->strength));
        return get_real(c, sec, "length", &K->length);
    case FA_KERNEL_MORSE:
        FA_TRY(get_real(c, sec, "attraction", &K->attraction));
        FA_TRY(get_real(c, sec, "attraction_length", &K->attraction_length));
        FA_TRY(get_real(c, sec, "repulsion", &K->repulsion));
        return get_real(c, sec, "repulsion_length", &K->repulsion_length);
    case FA_KERNEL_NEWTONIAN:
        return get_real(c, sec, "strength", &K->strength);
    case FA_KERNEL_POWER:
        FA_TRY(get_real(c, sec, "strength", &K->strength));
        FA_TRY(get_real(c, sec, "exponent", &K->exponent));
        if (!(K->exponent > -d) || K->exponent == 0)
            return CFG_ERROR(c, sec, "exponent", "the exponent a of C |x|^a / a must be > -d = %d and not 0", -d);
        if (K->exponent > 0 && fa_grid_boundary(m->grid) == FA_BOUNDARY_PERIODIC)
            return CFG_ERROR(c, sec, "exponent", "a growing power law (a > 0) has no meaning on the periodic box: "
                             "set [grid] boundary = free");
        return FA_OK;
    default:
        return CFG_ERROR(c, sec, "type", "unknown kernel type");
    }
}

/* K_ij: the term of [kernel.I.J] and those of [kernel.I.J.2], [kernel.I.J.3], ... */
/* A kernel term's multiplier times densities squared is the energy: beyond 1e100 it overflows
 * (a Gaussian of length 1e300 in 3D: (pi l)^1.5 = inf). The kernels bounded at k = 0 (Gaussian,
 * Morse) are largest there; the singular ones (Riesz, Newtonian, power) are scaled by their
 * strength alone, which the key table bounds, and on a free grid use cell-integral tables. */
static int check_term_scale(const fa_model_t *m, const char *sec, const fa_kernel_term_t *t)
{
    if (t->type != FA_KERNEL_GAUSSIAN && t->type != FA_KERNEL_MORSE) return FA_OK;
    double h = fa_kernel_term_hat(t, fa_grid_dim(m->grid), 0);
    if (fabs(h) <= 1e100) return FA_OK;
    const char *key = fa_config_get(m->config, sec, "length") ? "length" : "attraction_length";
    return CFG_ERROR(m->config, sec, key, "the kernel's multiplier at k = 0 is %.3g, beyond 1e100 (the potentials "
                     "and the energy would overflow)", h);
}

static int read_kernels(fa_model_t *m)
{
    const fa_config_t *c = m->config;
    int N = m->nspecies;
    m->kernels = fa_calloc((size_t)N * N, sizeof *m->kernels);
    if (!m->kernels) return FA_ENOMEM;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            fa_kernel_t *K = &m->kernels[i * N + j];
            for (int t = 1; t <= FA_KERNEL_MAX_TERMS; t++) {
                char sec[64];
                if (t == 1) snprintf(sec, sizeof sec, "kernel.%d.%d", i + 1, j + 1);
                else snprintf(sec, sizeof sec, "kernel.%d.%d.%d", i + 1, j + 1, t);
                if (!fa_config_get(c, sec, "type")) continue;
                if (K->nterms != t - 1)
                    return CFG_ERROR(c, sec, "type", "term %d of K_%d%d needs the terms before it: [kernel.%d.%d] "
                                     "is term 1, then [kernel.%d.%d.2], [kernel.%d.%d.3], ... (term %d is missing)", t,
                                     i + 1, j + 1, i + 1, j + 1, i + 1, j + 1, i + 1, j + 1, K->nterms + 1);
                FA_TRY(read_term(m, sec, i == j, &K->term[K->nterms]));
                FA_TRY(check_term_scale(m, sec, &K->term[K->nterms]));
                K->nterms++;
            }
        }
    return FA_OK;
}

static int read_initial(fa_model_t *m, int i)
{
    const fa_config_t *c = m->config;
    const fa_grid_layout_t *g = fa_grid_layout(m->grid);
    int d = g->dim, N = m->nspecies;
    fa_initial_t *in = &m->initial[i];
    char sec[64];
    snprintf(sec, sizeof sec, "initial.%d", i + 1);
    int type = fa_initial_lookup(word(c, sec, "type"));
    if (type < 0) return CFG_ERROR(c, sec, "type", "unknown initial profile");
    in->type = (fa_init_type_t)type;
    snprintf(in->where, sizeof in->where, "%s: [%s] type = %s", fa_config_where(c, sec, "type"), sec,
             word(c, sec, "type"));
    switch (in->type) {
    case FA_INIT_BARENBLATT: {
        FA_TRY(get_real(c, sec, "mass", &in->mass));
        FA_TRY(get_real(c, sec, "time", &in->time));
        FA_TRY(per_axis_reals(c, sec, "center", d, in->center));
        const fa_kernel_t *K = &m->kernels[i * N + i];
        if (!fa_kernel_riesz_params(K, d, &in->kappa, &in->s))
            return CFG_ERROR(c, sec, "type", "a Barenblatt profile needs a riesz self-kernel [kernel.%d.%d]", i + 1, i + 1);
        if (!(in->kappa > 0))
            return CFG_ERROR(c, sec, "type", "a Barenblatt profile needs a repulsive self-kernel (strength > 0)");
        if (in->s > 1 + 1e-12)
            return CFG_ERROR(c, sec, "type", "the Barenblatt profile needs s = (d - alpha)/2 <= 1 (alpha >= d - 2)");
        double b = 1.0 / (d + 2 - 2 * in->s);
        double lambda = in->mass / fa_barenblatt_mass0(d, in->s), R = pow(lambda * in->kappa * in->time, b);
        /* R = (lambda kappa t0)^b: blame the factor farther from 1, mass's or time's */
        const char *culprit = fabs(log(lambda)) > fabs(log(in->kappa * in->time)) ? "mass" : "time";
        for (int a = 0; a < d; a++)
            if (!(2 * R <= g->L[a]))
                return CFG_ERROR(c, sec, culprit, "the support (radius %.4g, from mass = %g and time = %g) does not "
                                 "fit in the box (length %g)", R, in->mass, in->time, g->L[a]);
        break;
    }
    case FA_INIT_GAUSSIAN:
        FA_TRY(get_real(c, sec, "mass", &in->mass));
        FA_TRY(get_real(c, sec, "width", &in->width));
        FA_TRY(per_axis_reals(c, sec, "center", d, in->center));
        break;
    case FA_INIT_PLATEAU:
        FA_TRY(get_real(c, sec, "value", &in->value));
        FA_TRY(get_real(c, sec, "radius", &in->radius));
        FA_TRY(get_real(c, sec, "background", &in->background));
        FA_TRY(per_axis_reals(c, sec, "center", d, in->center));
        break;
    case FA_INIT_MODE:
        FA_TRY(get_real(c, sec, "mean", &in->mean));
        FA_TRY(get_real(c, sec, "amplitude", &in->amplitude));
        FA_TRY(per_axis_longs(c, sec, "wavenumber", d, in->wavenumber, 0));
        if (fabs(in->amplitude) > in->mean)
            return CFG_ERROR(c, sec, "amplitude", "|amplitude| must not exceed mean (the density would be negative)");
        for (int a = 0; a < d; a++) /* 2 |m| > n without overflow (m may be LONG_MIN) */
            if (in->wavenumber[a] > g->n[a] / 2 || in->wavenumber[a] < -(g->n[a] / 2))
                return CFG_ERROR(c, sec, "wavenumber", "wavenumber %ld along axis %d is above the grid's Nyquist number %ld",
                                 in->wavenumber[a], a, g->n[a] / 2);
        break;
    case FA_INIT_FILE: {
        const char *path = fa_config_get(c, sec, "path");
        if (!(in->path = fa_strdup(path))) return FA_ENOMEM;
        in->has_time = fa_config_get(c, sec, "time") != NULL;
        if (in->has_time) FA_TRY(get_real(c, sec, "time", &in->time));
        long sp = i + 1;
        if (fa_config_get(c, sec, "species")) FA_TRY(get_long(c, sec, "species", &sp));
        in->file_species = (int)sp - 1;
        break;
    }
    }
    return FA_OK;
}

static int read_time(fa_model_t *m)
{
    const fa_config_t *c = m->config;
    FA_TRY(get_real(c, "time", "start", &m->t_start));
    FA_TRY(get_real(c, "time", "end", &m->t_end));
    if (!(m->t_end > m->t_start))
        return CFG_ERROR(c, "time", "end", "end must be later than start = %g", m->t_start);
    double span = m->t_end - m->t_start;
    if (!isfinite(span)) return CFG_ERROR(c, "time", "end", "end - start = %g is not a finite number", span);
    if (fa_config_get(c, "time", "output_every")) {
        double every;
        FA_TRY(get_real(c, "time", "output_every", &every));
        double k = span / every;
        if (k > 1e6) return CFG_ERROR(c, "time", "output_every", "more than 10^6 records");
        long nint = (long)ceil(k - 1e-9);
        m->nout = (int)nint + 1;
        if (!(m->out_times = fa_malloc((size_t)m->nout * sizeof(double)))) return FA_ENOMEM;
        for (int i = 0; i < m->nout; i++) m->out_times[i] = m->t_start + i * every;
        m->out_times[m->nout - 1] = m->t_end;
    } else {
        long K;
        FA_TRY(get_long(c, "time", "outputs", &K));
        m->nout = (int)K + 1;
        if (!(m->out_times = fa_malloc((size_t)m->nout * sizeof(double)))) return FA_ENOMEM;
        for (int i = 0; i < m->nout; i++) m->out_times[i] = m->t_start + span * i / (double)K;
        m->out_times[m->nout - 1] = m->t_end;
    }
    /* the solver needs distinct times: near a large start time the spacing may be below the
     * resolution of double precision (start = 1e16, outputs 1 apart) */
    const char *key = fa_config_get(c, "time", "output_every") ? "output_every" : "outputs";
    for (int i = 1; i < m->nout; i++)
        if (!(m->out_times[i] > m->out_times[i - 1]))
            return CFG_ERROR(c, "time", key,
                             "output times %.17g and %.17g are not distinct in double precision "
                             "(intervals too short for times of this size)",
                             m->out_times[i - 1], m->out_times[i]);
    return FA_OK;
}

static int read_solver(fa_model_t *m)
{
    const fa_config_t *c = m->config;
    fa_solver_options_t *o = &m->solver;
    const char *method = word(c, "solver", "method");
    o->method = strcmp(method, "adams") == 0 ? FA_METHOD_ADAMS
              : strcmp(method, "ssprk3") == 0 ? FA_METHOD_SSPRK3 : FA_METHOD_BDF;
    const char *scheme = word(c, "solver", "scheme");
    o->scheme = strcmp(scheme, "upwind") == 0    ? FA_SCHEME_UPWIND
              : strcmp(scheme, "central") == 0 ? FA_SCHEME_CENTRAL : FA_SCHEME_MUSCL;
    o->limiter = fa_limiter_lookup(word(c, "solver", "limiter"));
    if (o->limiter < 0) return CFG_ERROR(c, "solver", "limiter", "unknown limiter");
    FA_TRY(get_real(c, "solver", "rtol", &o->rtol));
    FA_TRY(get_real(c, "solver", "atol", &o->atol));
    o->preconditioner = strcmp(word(c, "solver", "preconditioner"), "none") == 0 ? FA_PRECOND_NONE : FA_PRECOND_FFT;
    long threads, levels;
    FA_TRY(get_long(c, "solver", "preconditioner_levels", &levels));
    o->prec_levels = (int)levels;
    FA_TRY(get_long(c, "solver", "threads", &threads));
    /* more threads than processors only slow the run down (they take turns on the cores):
     * capped, with a warning, rather than refused, so a configuration moves between machines */
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    if (online > 0 && threads > online) {
        fa_log(FA_LOG_WARN, "%s: [solver] threads = %ld: this machine has %ld processors online; using %ld",
               fa_config_where(c, "solver", "threads"), threads, online, online);
        threads = online;
    }
    o->threads = (int)threads;
    FA_TRY(get_long(c, "solver", "max_steps", &o->max_steps));
    FA_TRY(get_real(c, "solver", "cfl", &o->cfl));
    const char *planning = word(c, "solver", "fft_planning");
    o->fft_measure = strcmp(planning, "measure") == 0 ||
                     (strcmp(planning, "auto") == 0 && fa_grid_total_cells(m->grid) >= FA_FFT_MEASURE_CELLS);
    o->nonnegative = strcmp(word(c, "solver", "nonnegative"), "yes") == 0;
    o->nvector = strcmp(word(c, "solver", "nvector"), "sundials") == 0 ? FA_NVECTOR_SUNDIALS : FA_NVECTOR_FRACAGG;
    o->wisdom = fa_config_get(c, "solver", "wisdom"); /* owned by m->config */
    FA_TRY(get_real(c, "solver", "collapse_width", &o->collapse_width));
    return FA_OK;
}

/* [solver] wisdom is read and rewritten by every run: a regular file or none (a device or a
 * FIFO could block or be destroyed), never one of the run's inputs. The run file is checked
 * against it when it is created (outfile.c). */
static int check_wisdom(const fa_model_t *m)
{
    const char *w = m->solver.wisdom, *which;
    struct stat st;
    if (!w) return FA_OK;
    const char *where = fa_config_where(m->config, "solver", "wisdom");
    if (stat(w, &st) == 0 && !S_ISREG(st.st_mode))
        return FA_ERROR(FA_ECONFIG, "%s: [solver] wisdom = %s is not a regular file (FFTW wisdom is read from and "
                        "saved to it)", where, w);
    if (fa_outfile_is_input(w, m, 0, &which))
        return FA_ERROR(FA_ECONFIG, "%s: [solver] wisdom = %s is %s: saving wisdom would overwrite it", where, w,
                        which);
    return FA_OK;
}

static int read_kinetic(fa_model_t *m)
{
    const fa_config_t *c = m->config;
    fa_kinetic_options_t *k = &m->kinetic;
    FA_TRY(get_real(c, "kinetic", "epsilon", &k->epsilon));
    k->model = strcmp(word(c, "kinetic", "model"), "particles") == 0 ? FA_KINETIC_PARTICLES : FA_KINETIC_MOMENT;
    k->velocity = strcmp(word(c, "kinetic", "velocity"), "zero") == 0 ? FA_VELOCITY_ZERO : FA_VELOCITY_EQUILIBRIUM;
    long particles, seed;
    FA_TRY(get_long(c, "kinetic", "particles", &particles));
    FA_TRY(get_long(c, "kinetic", "seed", &seed));
    FA_TRY(get_real(c, "kinetic", "spread", &k->spread));
    FA_TRY(per_axis_reals(c, "kinetic", "drift", fa_grid_dim(m->grid), k->drift));
    k->particles = particles;
    k->seed = (unsigned long)seed;
    return FA_OK;
}

static int read_output(fa_model_t *m)
{
    const fa_config_t *c = m->config;
    const char *file = fa_config_get(c, "output", "file");
    if (file) {
        m->output_file = fa_strdup(file);
    } else { /* the config's name with .nc, in the current directory */
        const char *name = fa_config_name(c), *base = strrchr(name, '/');
        base = base ? base + 1 : name;
        const char *dot = strrchr(base, '.');
        size_t len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
        m->output_file = fa_asprintf("%.*s.nc", (int)len, base);
    }
    if (!m->output_file) return FA_ENOMEM;
    m->overwrite = strcmp(word(c, "output", "overwrite"), "yes") == 0;
    snprintf(m->initial_record, sizeof m->initial_record, "%s", word(c, "output", "initial_record"));
    double hs[64];
    int n = fa_config_reals(c, "output", "hs", hs, 64);
    if (n < 0) return n;
    /* the H^s weight (1 + |k|^2)^s at the largest wavenumber (the Nyquist one on every axis)
     * must leave room for the squared transform it multiplies */
    const fa_grid_layout_t *g = fa_grid_layout(m->grid);
    double kmax2 = 0;
    for (int a = 0; a < g->dim; a++) kmax2 += pow(M_PI * g->n[a] / g->L[a], 2);
    for (int q = 0; q < n; q++)
        if (!(hs[q] * log10(1 + kmax2) <= 200))
            return CFG_ERROR(c, "output", "hs", "order s = %g: the weight (1 + |k|^2)^s reaches 10^%.3g at this grid's "
                             "largest wavenumber, beyond 1e200 (the H^s norms would overflow)", hs[q],
                             hs[q] * log10(1 + kmax2));
    m->nhs = n;
    if (!(m->hs = fa_malloc((size_t)(n ? n : 1) * sizeof(double)))) return FA_ENOMEM;
    memcpy(m->hs, hs, (size_t)n * sizeof(double));
    return FA_OK;
}

int fa_model_create(const fa_config_t *cfg, const fa_comm_t *comm, fa_model_t **out)
{
    *out = NULL;
    FA_TRY(fa_config_validate(cfg));
    fa_model_t *m = fa_calloc(1, sizeof *m);
    if (!m) return FA_ENOMEM;
    int rc = fa_config_copy(cfg, &m->config);
    if (!rc) rc = read_grid(m, comm);
    if (!rc) rc = read_species(m);
    if (!rc) rc = read_kernels(m);
    if (!rc && !(m->initial = fa_calloc((size_t)m->nspecies, sizeof *m->initial))) rc = FA_ENOMEM;
    for (int i = 0; !rc && i < m->nspecies; i++) rc = read_initial(m, i);
    if (!rc) rc = read_time(m);
    if (!rc) rc = read_solver(m);
    if (!rc) rc = read_output(m);
    if (!rc) rc = read_kinetic(m);
    /* restart files: check now (readable, matching grid, record present), not mid-run */
    for (int i = 0; !rc && i < m->nspecies; i++) {
        const fa_initial_t *in = &m->initial[i];
        if (in->type != FA_INIT_FILE) continue;
        char sec[64];
        snprintf(sec, sizeof sec, "initial.%d", i + 1);
        rc = fa_runfile_check(in->path, in->file_species, in->has_time, in->time, m->grid, &m->initial[i].found_time);
        if (rc) {
            char why[1024];
            snprintf(why, sizeof why, "%s", fa_last_error());
            rc = fa_error_at(rc, __FILE__, __LINE__, "%s: [%s] path = %s: %s", fa_config_where(cfg, sec, "path"),
                             sec, in->path, why);
        }
    }
    if (!rc) rc = check_wisdom(m);
    if (rc) {
        fa_model_free(m);
        return rc;
    }
    *out = m;
    return FA_OK;
}

void fa_model_free(fa_model_t *m)
{
    if (!m) return;
    if (m->names)
        for (int i = 0; i < m->nspecies; i++) free(m->names[i]);
    free(m->names);
    if (m->initial)
        for (int i = 0; i < m->nspecies; i++) free(m->initial[i].path);
    free(m->initial);
    free(m->kernels);
    free(m->out_times);
    free(m->hs);
    free(m->output_file);
    fa_grid_free(m->grid);
    fa_config_free(m->config);
    free(m);
}

int fa_model_resume(fa_model_t *m, double t)
{
    if (!(t >= m->t_start) || !(t < m->t_end))
        return FA_ERROR(FA_EINVAL, "cannot resume at t = %g: the run spans %g .. %g", t, m->t_start, m->t_end);
    /* keep the schedule's times after t; t itself becomes the first (initial) record */
    double tol = 1e-9 * fmax(1.0, fabs(t));
    int w = 1;
    for (int k = 0; k < m->nout; k++)
        if (m->out_times[k] > t + tol) m->out_times[w++] = m->out_times[k];
    m->out_times[0] = t;
    m->nout = w;
    m->t_start = t;
    return FA_OK;
}

const fa_config_t *fa_model_config(const fa_model_t *m) { return m->config; }
const fa_solver_options_t *fa_model_solver_options(const fa_model_t *m) { return &m->solver; }
const fa_kinetic_options_t *fa_model_kinetic_options(const fa_model_t *m) { return &m->kinetic; }
const fa_initial_t *fa_model_initial_spec(const fa_model_t *m, int i) { return &m->initial[i]; }
double fa_model_edge_fraction(const fa_model_t *m) { return m->edge_fraction; }

int fa_model_writes_initial_record(const fa_model_t *m)
{
    if (strcmp(m->initial_record, "auto") != 0) return strcmp(m->initial_record, "yes") == 0;
    for (int i = 0; i < m->nspecies; i++) {
        const fa_initial_t *in = &m->initial[i];
        if (in->type != FA_INIT_FILE || !(fabs(in->found_time - m->t_start) <= 1e-9 * fmax(1.0, fabs(m->t_start))))
            return 1;
    }
    return 0;
}
const fa_grid_t *fa_model_grid(const fa_model_t *m) { return m->grid; }
int fa_model_species(const fa_model_t *m) { return m->nspecies; }
const char *fa_model_species_name(const fa_model_t *m, int i) { return m->names[i]; }
const fa_kernel_t *fa_model_kernel(const fa_model_t *m, int i, int j) { return &m->kernels[i * m->nspecies + j]; }
const fa_kernel_t *fa_model_kernels(const fa_model_t *m) { return m->kernels; }
double fa_model_t_start(const fa_model_t *m) { return m->t_start; }
double fa_model_t_end(const fa_model_t *m) { return m->t_end; }
const char *fa_model_output_file(const fa_model_t *m) { return m->output_file; }
int fa_model_output_overwrite(const fa_model_t *m) { return m->overwrite; }

const double *fa_model_output_times(const fa_model_t *m, int *n)
{
    *n = m->nout;
    return m->out_times;
}

const double *fa_model_hs_orders(const fa_model_t *m, int *n)
{
    *n = m->nhs;
    return m->hs;
}

int fa_model_initial(const fa_model_t *m, int i, double *rho)
{
    if (i < 0 || i >= m->nspecies) return FA_ERROR(FA_EINVAL, "species %d out of range", i);
    return fa_initial_fill_state(m->grid, &m->initial[i], 1, &m->solver, rho, fa_grid_layout(m->grid)->nlocal);
}

int fa_model_initial_state(const fa_model_t *m, double *y, long n)
{
    return fa_initial_fill_state(m->grid, m->initial, m->nspecies, &m->solver, y, n);
}
