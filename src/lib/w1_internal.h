/* Wasserstein-1 inside the library: between two fields of a possibly distributed grid. */
#ifndef FA_W1_INTERNAL_H
#define FA_W1_INTERNAL_H

#include "grid_internal.h"

/* The fields are gathered to rank 0, the distance computed there by fa_w1 and broadcast. */
typedef struct fa_w1g fa_w1g_t;
int fa_w1g_create(const fa_grid_t *g, fa_w1g_t **out);
/* What fa_w1g_create allocates on this process (rank 0 of a distributed grid holds it all). */
double fa_w1g_memory(const fa_grid_t *g);
int fa_w1g_compute(fa_w1g_t *w, const double *f, const double *h, double *distance);
void fa_w1g_free(fa_w1g_t *w);

#endif
