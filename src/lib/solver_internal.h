/* The macroscopic solver's interface inside the library (bench.c times its parts). */
#ifndef FA_SOLVER_INTERNAL_H
#define FA_SOLVER_INTERNAL_H

#include "fv.h"

fa_fv_t *fa_solver_fv(fa_solver_t *s);
/* The solver's scratch field for a potential (a local slab). */
double *fa_solver_phi_buffer(fa_solver_t *s);

#endif
