/**
 * @file grid.h
 * The periodic box [-L_a/2, L_a/2) in d = 1, 2, 3 dimensions, split into n_a cells of width
 * h_a = L_a/n_a along each axis a (a = 0 is x). Fields are stored cell by cell with x fastest,
 * i.e. as C arrays [z][y][x]. A grid may hold only a slab of the slowest axis (the layout of
 * FFTW-MPI); all field loops in the library run over the local extent.
 */
#ifndef FRACAGG_GRID_H
#define FRACAGG_GRID_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fa_grid fa_grid_t;

/** Create a grid. dim in 1..3; n[a] >= 1 cells and L[a] > 0 for a < dim.
 *  Returns FA_EINVAL with a message for a bad argument. */
int fa_grid_create(int dim, const long n[], const double L[], fa_grid_t **out);
void fa_grid_free(fa_grid_t *g);

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
