/**
 * @file grid.h
 * The box [-L_a/2, L_a/2) in d = 1, 2, 3 dimensions, split into n_a cells of width
 * h_a = L_a/n_a along each axis a (a = 0 is x). Fields are stored cell by cell with x fastest,
 * i.e. as C arrays [z][y][x]. The box is either the periodic torus or a window on the whole
 * space R^d (densities zero outside it, no flux through its faces). A grid may hold only a slab
 * of the slowest axis (the layout of FFTW-MPI) of a grid distributed over the ranks of a
 * communicator; all field loops in the library run over the local extent.
 */
#ifndef FRACAGG_GRID_H
#define FRACAGG_GRID_H

#include <stddef.h>

#include "parallel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fa_grid fa_grid_t;

/** What lies beyond the box. */
typedef enum {
    FA_BOUNDARY_PERIODIC = 0, /**< the torus: the box repeats */
    FA_BOUNDARY_FREE          /**< the whole space R^d: nothing outside the box */
} fa_boundary_t;

/** Create a grid. dim in 1..3; n[a] >= 1 cells and L[a] > 0 for a < dim. comm: NULL for a
 *  grid held whole by this process, or a communicator (parallel.h) over whose ranks the grid
 *  is split in slabs of the slowest axis when it has more than one rank.
 *  Returns FA_EINVAL with a message for a bad argument. */
int fa_grid_create(int dim, const long n[], const double L[], fa_boundary_t boundary, const fa_comm_t *comm,
                   fa_grid_t **out);
void fa_grid_free(fa_grid_t *g);

fa_boundary_t fa_grid_boundary(const fa_grid_t *g);
/** "periodic" or "free" (the [grid] boundary key's words); NULL for an unknown value. */
const char *fa_boundary_name(fa_boundary_t b);

int fa_grid_dim(const fa_grid_t *g);
long fa_grid_cells(const fa_grid_t *g, int axis);   /**< n_a (1 for a >= dim) */
double fa_grid_length(const fa_grid_t *g, int axis); /**< L_a */
double fa_grid_spacing(const fa_grid_t *g, int axis); /**< h_a */
double fa_grid_cell_volume(const fa_grid_t *g);       /**< prod h_a */
long fa_grid_total_cells(const fa_grid_t *g);         /**< prod n_a, all ranks */
long fa_grid_local_cells(const fa_grid_t *g);         /**< cells stored here */
/** Local extent along the slowest axis (axis dim-1): first index and count. */
void fa_grid_local_slab(const fa_grid_t *g, long *start, long *count);
/** Centre of cell `index` along `axis`: -L/2 + (index + 1/2) h. */
double fa_grid_center(const fa_grid_t *g, int axis, long index);

#ifdef __cplusplus
}
#endif
#endif
