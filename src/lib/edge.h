/* The box edge of a free grid: is the whole-space solution still inside the box? (edge.c) */
#ifndef FA_EDGE_H
#define FA_EDGE_H

#include "grid_internal.h"

typedef struct fa_edge fa_edge_t;

/* Watch the model's densities, starting from rho0 (masses and supports recorded). FA_EINVAL
 * if the initial data already reach the edge. */
int fa_edge_create(const fa_model_t *m, const double *const rho0[], fa_edge_t **out);
void fa_edge_free(fa_edge_t *e);

/* FA_OK, or FA_EDOMAIN with the message (time, species, the box length needed) when a
 * species' mass in the two outermost cell layers exceeds the edge fraction. Collective. */
int fa_edge_check(fa_edge_t *e, double t, const double *const rho[]);

#endif
