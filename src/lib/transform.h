/* The FFTs of a grid's fields (internal to the spectral module). On a periodic grid, the real
 * transform of the grid itself; on a free grid, the transform of the field zero-padded to
 * twice the box per axis (Hockney-Eastwood: a cyclic convolution there is the acyclic one on
 * the box), with the zero blocks skipped where the layout allows. Serial or distributed
 * (FFTW-MPI, transposed spectra). Plans are made once; nothing here allocates after creation. */
#ifndef FA_TRANSFORM_H
#define FA_TRANSFORM_H

#include <fftw3.h>

#include "grid_internal.h"

typedef struct fa_fft fa_fft_t;

int fa_fft_create(const fa_grid_t *g, const fa_fft_options_t *opt, fa_fft_t **out);
void fa_fft_free(fa_fft_t *f);
/* Bytes fa_fft_create allocates on this process for a grid (the memory estimate, memory.h),
 * and the transient of a free grid's kernel table (fa_fft_forward_table). */
double fa_fft_memory(const fa_grid_t *g);
double fa_fft_table_memory(const fa_grid_t *g);
/* fa_fft_nk and fa_fft_complex_alloc of the transform fa_fft_create would make. */
void fa_fft_spectrum_size(const fa_grid_t *g, long *nk, size_t *alloc);
/* fa_fft_total_points of that transform. */
double fa_fft_grid_points(const fa_grid_t *g);

/* The transform grid: points per axis (n; free grids N >= 2n, padded) and its box (L; N h). */
const long *fa_fft_points(const fa_fft_t *f);
const double *fa_fft_box(const fa_fft_t *f);
double fa_fft_total_points(const fa_fft_t *f); /* the inverse's normalisation */

/* Local coefficients of the half spectrum in FFTW's r2c order (distributed: transposed), and
 * per coefficient: |k|^2, the scheme's |k|_h^2 = sum_a 4 sin^2(k_a h_a / 2) / h_a^2, how often
 * it counts in the full spectrum (1 or 2), and whether it lies in the top third of the
 * wavenumbers along some axis. */
long fa_fft_nk(const fa_fft_t *f);
const double *fa_fft_kabs2(const fa_fft_t *f);
const double *fa_fft_kdisc2(const fa_fft_t *f);
const unsigned char *fa_fft_weight(const fa_fft_t *f);
const unsigned char *fa_fft_top(const fa_fft_t *f);
/* Complex values an array passed to forward/inverse must hold (FFTW-MPI may need more than nk). */
size_t fa_fft_complex_alloc(const fa_fft_t *f);

/* out = DFT of a field (the grid's local slab, any alignment; zero-padded on a free grid). */
void fa_fft_forward(fa_fft_t *f, const double *field, fftw_complex *out);
/* field = unnormalised inverse DFT of in (destroyed), restricted to the box on a free grid. */
void fa_fft_inverse(fa_fft_t *f, fftw_complex *in, double *field);

/* A free grid's kernel table: fill(user, p0, p1, table) writes planes [p0, p1) of the slowest
 * axis of a table on the whole transform grid (x fastest, fa_fft_points per axis), and its
 * full DFT lands in out. Set-up only (plans a transform of its own). */
typedef int (*fa_fft_table_fn)(void *user, long p0, long p1, double *table);
int fa_fft_forward_table(fa_fft_t *f, fa_fft_table_fn fill, void *user, fftw_complex *out);

#endif
