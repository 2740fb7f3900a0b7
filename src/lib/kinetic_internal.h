/* The kinetic module inside the library (for tests). */
#ifndef FA_KINETIC_INTERNAL_H
#define FA_KINETIC_INTERNAL_H

#include "internal.h"

/* The moment model's right-hand side at its current state into ydot: N densities, then N*d
 * momenta, local slabs (FA_EUNSUPPORTED for the particle model). */
int fa_kinetic_moment_rhs(fa_kinetic_t *k, double *ydot);

#endif
