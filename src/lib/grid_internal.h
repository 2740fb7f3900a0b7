/* The grid's interface inside the library (grid.c owns struct fa_grid). */
#ifndef FA_GRID_INTERNAL_H
#define FA_GRID_INTERNAL_H

#include "comm.h"
#include "internal.h"

/* Where a grid's cells are and how a field of it is stored: fixed at creation, read-only
 * for everyone else. Field loops of every module run over this. */
typedef struct {
    int dim;
    fa_boundary_t boundary;
    long n[3];        /* cells per axis; axis 0 = x (fastest in memory); 1 for a >= dim */
    double L[3], h[3];
    double cell_volume;
    long ntotal;      /* cells on all ranks */
    long stride[3];   /* memory stride of each axis in a whole field */
    /* Slab decomposition along the slowest axis (dim - 1): planes [slow_start, slow_start +
     * slow_count) are stored here, `plane` cells per plane. Serial: the whole grid. */
    int slow;
    long plane;
    long slow_start, slow_count;
    long nlocal;         /* slow_count * plane */
    long max_slow_count; /* largest slab of any rank */
    int distributed;     /* slabs on several ranks */
} fa_grid_layout_t;

const fa_grid_layout_t *fa_grid_layout(const fa_grid_t *g);

/* The largest grids this build handles: cells per axis, and in all (the configuration's
 * validator and the run-file readers, which size allocations by a file's dimensions, refuse
 * more). */
#define FA_GRID_MAX_AXIS (1L << 24)
#define FA_GRID_MAX_CELLS 4e9
/* The communicator the grid is distributed over (NULL when it is held whole). */
const fa_comm_t *fa_grid_comm(const fa_grid_t *g);
/* Is this process rank 0 of the grid's communicator (the one that writes files)? */
int fa_grid_is_root(const fa_grid_t *g);

/* Reductions over the ranks that share a grid: identities unless it is distributed (a grid
 * held whole by one rank of a distributed run must not start a collective). */
double fa_gsum(const fa_grid_t *g, double x);
double fa_gmax(const fa_grid_t *g, double x);
double fa_gmin(const fa_grid_t *g, double x);
void fa_gsum_array(const fa_grid_t *g, double *v, int n);
void fa_gmax_array(const fa_grid_t *g, double *v, int n);
int fa_gbcast_int(const fa_grid_t *g, int v); /* rank 0's value */
void fa_gbcast_doubles(const fa_grid_t *g, double *v, long n);

/* Halo planes of the slab axis of a distributed grid: lower = planes -depth .. -1, upper =
 * count .. count+depth-1 from the neighbouring ranks; periodic grids wrap around (also when
 * held whole), free grids leave the halos beyond the box's faces untouched. */
void fa_grid_halo(const fa_grid_t *g, const double *f, int depth, double *lower, double *upper);
/* Write a field slab by slab on rank 0 (in order of ranks); the status agreed by all ranks. */
int fa_grid_gather_slabs(const fa_grid_t *g, const double *local, fa_slab_writer_fn write, void *user);
/* The whole field on rank 0 (global: ntotal doubles on rank 0, unused elsewhere). */
int fa_grid_gather_to_root(const fa_grid_t *g, const double *local, double *global);

/* Index of cell (ix, iy, iz) in a whole (not distributed) field. */
static inline long fa_grid_index(const fa_grid_layout_t *g, long ix, long iy, long iz)
{
    return ix + g->n[0] * (iy + g->n[1] * iz);
}

/* Index ranges [lo, hi) per axis of the cells stored locally (the slab of the slowest axis). */
void fa_grid_local_range(const fa_grid_t *g, long lo[3], long hi[3]);

/* Displacement x - c: on a periodic grid folded into [-L/2, L/2) per axis (the nearest image),
 * on a free grid as it is. */
void fa_grid_delta(const fa_grid_t *g, const double x[3], const double c[3], double d[3]);

/* Cell averages of a profile given as a point function, by Gauss-Legendre quadrature with
 * recursive subdivision of cells the profile's discontinuity set (a sphere of radius r_edge
 * around `center`, periodic images included on a periodic grid; r_edge <= 0: none) passes
 * through. */
typedef double (*fa_point_fn)(const double x[3], void *user);
int fa_cell_averages(const fa_grid_t *g, fa_point_fn fn, void *user, const double center[3], double r_edge,
                     double *out);

/* Gauss-Legendre nodes and weights on [-1/2, 1/2] (weights sum to 1) for n in 1..8. */
void fa_gauss_legendre(int n, double *x, double *w);

#endif
