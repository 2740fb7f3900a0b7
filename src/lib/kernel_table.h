/* Cell integrals of a kernel term for the whole-space (free) potential: the table W of the
 * aperiodic convolution Phi_m = sum_n W(m - n) rho_n (doc/theory/cell-integrals.md). */
#ifndef FA_KERNEL_TABLE_H
#define FA_KERNEL_TABLE_H

#include "internal.h"

/* Cell integrals W(q) = int_{C_0} K(q o h - y) dy, C_0 = prod_a [-h_a/2, h_a/2], of one kernel
 * term on the grid of spacing h[0..d-1] with n[0..d-1] cells per axis, for q_a in [-n_a, n_a - 1],
 * stored on the (2 n_a)^d grid in wrap-around order: index i_a in [0, 2 n_a) holds q_a = i_a for
 * i_a < n_a and q_a = i_a - 2 n_a otherwise; x fastest (index i_0 + 2n_0 (i_1 + 2n_1 i_2)).
 * Only planes [p0, p1) of the slowest axis (axis d-1) are written: out holds (p1 - p0) *
 * (product over the other axes of 2 n_a) doubles.
 *
 * Every entry is accurate to about 1e-14 relative to int_{C_0} |K(q o h - y)| dy (for morse:
 * to the same integral of the sum of the two exponentials' magnitudes). A term of type none
 * gives zeros. FA_EINVAL for bad arguments (d, h, n, planes, the term's parameters),
 * FA_ENOMEM if scratch cannot be allocated.
 *
 * The quadrature of the radial terms runs on at most `threads` OpenMP threads (<= 1: the
 * calling thread only; a library uses the threads it is given, [solver] threads, not every
 * core). The result is the same to the bit for any count. */
int fa_kernel_term_cell_integrals(const fa_kernel_term_t *t, int d, const double h[3], const long n[3],
                                  long p0, long p1, int threads, double *out);

#endif
