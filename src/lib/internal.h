/* Internal declarations shared by the library's modules (not installed). */
#ifndef FA_INTERNAL_H
#define FA_INTERNAL_H

#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "fracagg.h"

#define FA_MAX_SPECIES 64 /* [species] count is checked against this */

/* min/max as plain comparisons: libm's fmin/fmax are calls (NaN rules) and stop vectorisation */
static inline double fa_min2(double a, double b) { return a < b ? a : b; }
static inline double fa_max2(double a, double b) { return a > b ? a : b; }

/* Hot loops compiled for AVX-512 and AVX2 as well as the baseline, chosen at run time
 * (GCC's function multi-versioning; elsewhere, the baseline only). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define FA_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#define FA_MULTIVERSIONED 1
#endif
#endif
#ifndef FA_MULTIVERSION
#define FA_MULTIVERSION
#endif

/* ---- errors ------------------------------------------------------------------------ */

/* Record an error (code, printf-style message, source location) and return the code.
 * The one place every failure passes through: a good breakpoint. */
int fa_error_at(int code, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define FA_ERROR(code, ...) fa_error_at((code), __FILE__, __LINE__, __VA_ARGS__)

/* Propagate a failing status unchanged. */
#define FA_TRY(expr)                                                                      \
    do {                                                                                  \
        int fa_try_rc_ = (expr);                                                          \
        if (fa_try_rc_ != 0) return fa_try_rc_;                                           \
    } while (0)

/* Allocation helpers: record FA_ENOMEM on failure. */
void *fa_malloc_(size_t size, const char *file, int line);
void *fa_calloc_(size_t n, size_t size, const char *file, int line);
char *fa_strdup_(const char *s, const char *file, int line);
#define fa_malloc(sz) fa_malloc_((sz), __FILE__, __LINE__)
#define fa_calloc(n, sz) fa_calloc_((n), (sz), __FILE__, __LINE__)
#define fa_strdup(s) fa_strdup_((s), __FILE__, __LINE__)

/* printf into a fresh malloc'd string (NULL on failure, FA_ENOMEM recorded). */
char *fa_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- logging ----------------------------------------------------------------------- */
void fa_log(fa_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- distributed runs (parallel.c; serial identities without MPI) ------------------- */
double fa_reduce_sum(double x);
double fa_reduce_max(double x);
double fa_reduce_min(double x);
void fa_reduce_sum_array(double *v, int n);
int fa_bcast_int(int v);         /* rank 0's value */
void fa_bcast_doubles(double *v, long n);
void fa_parallel_abort(int code);

/* ---- grid -------------------------------------------------------------------------- */

struct fa_grid {
    int dim;
    fa_boundary_t boundary;
    long n[3];       /* cells per axis; axis 0 = x (fastest in memory); 1 for a >= dim */
    double L[3], h[3];
    double cell_volume;
    long ntotal;     /* cells on all ranks */
    long stride[3];  /* memory stride of each axis */
    /* Slab decomposition along the slowest axis (dim-1): planes [slow_start, slow_start +
     * slow_count) are stored here; `plane` cells per plane. Serial: the whole grid. */
    int slow;        /* = dim - 1 */
    long plane;
    long slow_start, slow_count;
    long nlocal;     /* slow_count * plane */
    int distributed; /* slabs on several MPI ranks */
    long max_slow_count;   /* largest slab of any rank */
    long tr_start, tr_count; /* distributed: the local slab of the transposed spectrum */
    long alloc_complex;    /* distributed: complex values FFTW-MPI needs locally */
};

/* Reductions over the ranks that share a grid: identities unless it is distributed (a grid
 * held whole by one rank of a distributed run must not start a collective). */
static inline double fa_gsum(const struct fa_grid *g, double x) { return g->distributed ? fa_reduce_sum(x) : x; }
static inline double fa_gmax(const struct fa_grid *g, double x) { return g->distributed ? fa_reduce_max(x) : x; }
static inline double fa_gmin(const struct fa_grid *g, double x) { return g->distributed ? fa_reduce_min(x) : x; }
static inline void fa_gsum_array(const struct fa_grid *g, double *v, int n)
{
    if (g->distributed) fa_reduce_sum_array(v, n);
}
static inline int fa_gbcast_int(const struct fa_grid *g, int v) { return g->distributed ? fa_bcast_int(v) : v; }

/* Halo planes of the slab axis: lower = planes -depth .. -1, upper = count .. count+depth-1
 * (neighbouring ranks, or the periodic wrap when not distributed); depth*plane doubles each. */
void fa_halo(const struct fa_grid *g, const double *f, int depth, double *lower, double *upper);
/* Write a field slab by slab on rank 0 (in order of ranks); the status agreed by all ranks. */
typedef int (*fa_slab_writer_fn)(void *user, long start, long count, const double *data);
int fa_gather_slabs(const struct fa_grid *g, const double *local, fa_slab_writer_fn write, void *user);
/* The whole field on rank 0 (global: ntotal doubles on rank 0, unused elsewhere). */
int fa_gather_to_root(const struct fa_grid *g, const double *local, double *global);


/* W1 between two fields of a possibly distributed grid: gathered to rank 0, computed there by
 * fa_w1, the distance broadcast. */
typedef struct fa_w1g fa_w1g_t;
int fa_w1g_create(const struct fa_grid *g, fa_w1g_t **out);
int fa_w1g_compute(fa_w1g_t *w, const double *f, const double *h, double *distance);
void fa_w1g_free(fa_w1g_t *w);

/* Index of cell (ix, iy, iz) in a full (non-distributed) array. */
static inline long fa_grid_index(const struct fa_grid *g, long ix, long iy, long iz)
{
    return ix + g->n[0] * (iy + g->n[1] * iz);
}

/* ---- spectral ---------------------------------------------------------------------- */

#include <fftw3.h>

struct fa_spectral {
    const struct fa_grid *grid;
    int nspecies;
    int threads;           /* for the loops over the spectrum */
    fa_kernel_t *kernels;  /* N*N copy */
    fftw_plan r2c, c2r;
    int fftw_threads;
    long nk;               /* local complex coefficients of the half spectrum */
    double *kabs2;         /* |k|^2 per local coefficient */
    double *kdisc2;        /* sum_a (4/h_a^2) sin^2(k_a h_a / 2): the scheme's |k|^2 */
    unsigned char *weight; /* 1 or 2: how many times the coefficient counts in the full spectrum */
    unsigned char *top;    /* coefficient in the top third of the wavenumbers along some axis */
    double **mult;         /* N*N multipliers K^_ij(k)/ntotal, NULL where K_ij is absent;
                              symmetric pairs share storage */
    int *mult_owner;       /* which entries own their array */
    fftw_complex **rhohat; /* N forward transforms */
    int *has_row;          /* some kernel acts on species i */
    double *acc;           /* N chunks of sums per thread, for more than 4 species (apply_kernels) */
    fftw_complex *work;    /* scratch transform (diagnostics, preconditioner) */
    double *rin;           /* aligned copy of a misaligned input field; distributed: padded rows */
    double *diff;          /* a difference of two fields (kernel form) */
    int align_ref;         /* fftw_alignment_of of the planning arrays */
};

/* The two halves of fa_spectral_potentials, for callers that interleave other work. */
int fa_spectral_forward_all(struct fa_spectral *sp, const double *const rho[]);
/* Phi^_i = sum_j K^_ij rho^_j in place of the stored transforms (after forward_all). */
#define FA_SPECTRAL_CHUNK 512
int fa_spectral_apply_kernels(struct fa_spectral *sp);
/* Phi_i from Phi^_i (after apply_kernels; consumes the transform). */
int fa_spectral_inverse_species(struct fa_spectral *sp, int i, double *phi);
/* Complex values a transform's output array must hold (FFTW-MPI may need more than nk). */
size_t fa_spectral_complex_alloc(const struct fa_spectral *sp);
/* Forward r2c transform of a local field (any alignment) into out. */
void fa_spectral_forward(struct fa_spectral *sp, const double *f, fftw_complex *out);
/* Inverse c2r transform of sp->work (destroyed) into out, unnormalised. */
void fa_spectral_inverse_work(struct fa_spectral *sp, double *out);

/* The solver's flux machinery (bench.c times its parts). */
struct fa_fv *fa_solver_fv(fa_solver_t *s);

/* ---- model ------------------------------------------------------------------------- */

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
    char *path;           /* file */
    int file_species;     /* file: 0-based species in the file */
    int has_time;         /* file: time given (else last record) */
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

struct fa_model {
    fa_config_t *config;
    struct fa_grid *grid;
    int nspecies;
    char **names;
    fa_kernel_t *kernels;     /* N*N */
    fa_initial_t *initial;    /* N */
    double t_start, t_end;
    double *out_times;
    int nout;
    double *hs;
    int nhs;
    char *output_file;
    fa_solver_options_t solver;
    fa_kinetic_options_t kinetic;
};

/* Cell averages of a profile given as a point function, by Gauss-Legendre quadrature with
 * recursive subdivision of cells the profile's discontinuity set (a sphere of radius r_edge
 * around `center`, periodic images included; r_edge <= 0: none) passes through. */
typedef double (*fa_point_fn)(const double x[3], void *user);
int fa_cell_averages(const struct fa_grid *g, fa_point_fn fn, void *user, const double center[3],
                     double r_edge, double *out);

/* Index ranges [lo, hi) per axis of the cells stored locally (the slab of the slowest axis). */
void fa_grid_local_range(const struct fa_grid *g, long lo[3], long hi[3]);

/* Periodic displacement x - c folded into [-L/2, L/2) per axis. */
void fa_grid_periodic_delta(const struct fa_grid *g, const double x[3], const double c[3],
                            double d[3]);

/* Initial profiles (initial.c): table lookup by name, and cell averages on the local slab. */
int fa_initial_lookup(const char *name);
int fa_initial_fill(const struct fa_grid *g, const fa_initial_t *in, double *rho);

/* Kernel type by name (FA_KERNEL_NONE if unknown). */
fa_kernel_type_t fa_kernel_type_lookup(const char *name);

/* ---- run files --------------------------------------------------------------------- */

/* Can species `species` of run file `path` at `time` (or its last record) be read onto grid g?
 * FA_EIO / FA_EFORMAT with a message otherwise. */
int fa_runfile_check(const char *path, int species, int has_time, double time, const struct fa_grid *g);
/* Open a run file for reading: only a regular file (a FIFO or a terminal would block), errors
 * naming the path. */
int fa_runfile_open(const char *path, int *ncid);


/* Files of small-inertia sweeps (io.c): eps is the record dimension. series[q] are
 * [time][species] arrays of w1, modulated_energy, modulated_kinetic, modulated_interaction. */
typedef struct fa_limitfile fa_limitfile_t;
int fa_limitfile_create(const char *path, const fa_model_t *m, fa_limitfile_t **out);
int fa_limitfile_write(fa_limitfile_t *f, long row, const fa_limit_row_t *r, const double *const series[4]);
int fa_limitfile_close(fa_limitfile_t *f);

/* ---- small numerics ---------------------------------------------------------------- */

/* Gauss-Legendre nodes and weights on [-1/2, 1/2] (weights sum to 1) for n in 1..8. */
void fa_gauss_legendre(int n, double *x, double *w);

#endif
