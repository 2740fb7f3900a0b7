/* fracagg's N_Vector implementation (internal). */
#ifndef FA_NVECTOR_H
#define FA_NVECTOR_H

#include "comm.h"
#include "sundials_compat.h"

/* A vector of `len` local doubles: wraps `data` (borrowed) or allocates (data == NULL); its
 * reductions run over the ranks of comm (NULL: none). */
N_Vector fa_nvector_new(SUNContext ctx, long len, double *data, int threads, const fa_comm_t *comm);

#endif
