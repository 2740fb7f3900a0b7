/* The kinetic module's own state, shared by its files (kinetic.c: the interface and what both
 * models share; kinetic_moment.c and kinetic_particles.c: the two models behind one table of
 * operations, as the integrator puts CVODE and SSP-RK3 behind one). Nobody else includes it. */
#ifndef FA_KINETIC_PRIVATE_H
#define FA_KINETIC_PRIVATE_H

#include "grid_internal.h"
#include "model_internal.h"
#include "spectral_internal.h"
#include "w1_internal.h"

typedef struct fa_kinetic_ops {
    const char *name;
    int (*create)(fa_kinetic_t *k);
    double (*memory)(const fa_model_t *m); /* what create allocates (memory.h), in bytes */
    void (*free)(fa_kinetic_t *k);
    int (*resume)(fa_kinetic_t *k, const char *path); /* NULL: the state is not in a run file */
    int (*advance)(fa_kinetic_t *k, double tout);
    double (*time)(const fa_kinetic_t *k);
    void (*stats)(const fa_kinetic_t *k, fa_solver_stats_t *st);
    /* cell averages of the local slab */
    const double *(*density)(fa_kinetic_t *k, int i);
    const double *(*momentum)(fa_kinetic_t *k, int i, int a);
    void (*total_momentum)(fa_kinetic_t *k, int i, double J[3]);
    void (*center_of_mass)(fa_kinetic_t *k, int i, double X[3]);
    /* 1/2 int |u - v|^2 f_i dx dv on this rank, u = -grad (k->grad, cell centred) */
    double (*velocity_gap)(fa_kinetic_t *k, int i, const double *grad);
} fa_kinetic_ops_t;

extern const fa_kinetic_ops_t fa_kinetic_moment_ops, fa_kinetic_particle_ops;

struct fa_kinetic {
    const fa_kinetic_ops_t *ops;
    void *impl; /* the model's own state */
    const fa_model_t *model;
    const fa_grid_t *grid;
    const fa_grid_layout_t *g;
    int N, d, lim;
    long nloc;
    double eps;
    fa_kinetic_options_t opt;
    fa_solver_options_t sopt;
    fa_spectral_t *sp;
    double *phi;  /* a potential (nloc) */
    double *grad; /* its centred gradient (d * nloc) */
    double *ext;  /* distributed: fields with halo planes (3 + d of them, two planes each side) */
    fa_w1g_t *w1; /* the comparison's W1 workspace, made on first use */
};

/* After fa_spectral_forward_all and fa_spectral_apply_kernels of the densities: species i's
 * potential in k->phi and its centred gradient in k->grad (one-sided at a free box's faces). */
void fa_kinetic_potential_gradient(fa_kinetic_t *k, int i);

/* A field with `depth` halo planes of the slab axis on each side (a distributed grid's
 * neighbours' planes; beyond a free box's faces, ghosts: 0, or for a potential (phi = 1) the
 * boundary plane): ext[(p + depth) * plane + l] is cell l of local plane p, -depth <= p <
 * count + depth. */
const double *fa_kinetic_extend(fa_kinetic_t *k, const double *f, int depth, int phi, double *ext);

/* Index of the neighbour of local cell c at offset `off` along axis a of a grid held whole:
 * periodic wrap, or -1 beyond a free box's faces. */
long fa_kinetic_neighbour(const fa_grid_layout_t *g, long c, int a, long off);

#endif
