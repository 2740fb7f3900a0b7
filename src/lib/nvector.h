/* fracagg's N_Vector implementation (internal). */
#ifndef FA_NVECTOR_H
#define FA_NVECTOR_H

#include "sundials_compat.h"

/* A vector of `len` local doubles: wraps `data` (borrowed) or allocates (data == NULL);
 * `distributed`: its reductions run over the MPI ranks. */
N_Vector fa_nvector_new(SUNContext ctx, long len, double *data, int threads, int distributed);

#endif
