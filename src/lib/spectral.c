/* Potentials, free energy, H^s norms and kernel quadratic forms of a grid's densities, built on
 * one transform per field (transform.c) and kernel multipliers made once:
 *
 * - periodic grids: the whole-space transform K^(k) at the box's wavenumbers k = 2 pi m / L
 *   (exact for the periodised kernel by Poisson summation);
 * - free grids: the DFT of the table of cell-integrated kernel values W(q) on the padded grid
 *   (kernel_table.c), so that Phi = IDFT(W^ rho^)/N is the acyclic sum Phi_m = sum_n W(m - n)
 *   rho_n on the box (the cyclic convolution on a grid of at least twice the box cannot wrap).
 *
 * Either way every operation below is the same formula on the transform's coefficients. */
#include "spectral_internal.h"

#include <complex.h> /* after fftw3.h: fftw_complex stays double[2] */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernel_internal.h"
#include "memory.h"
#include "transform.h"

struct fa_spectral {
    const fa_grid_t *grid;
    const fa_grid_layout_t *g;
    fa_fft_t *fft;
    int nspecies;
    int threads;           /* for the loops over the spectrum */
    fa_kernel_t *kernels;  /* N*N copy */
    long nk;               /* local complex coefficients of the half spectrum */
    double norm;           /* points of the transform grid */
    double **mult;         /* N*N multipliers / norm, NULL where K_ij is absent; equal kernels
                              share storage */
    int *mult_owner;       /* which entries own their array */
    fftw_complex **rhohat; /* N forward transforms */
    int *has_row;          /* some kernel acts on species i */
    double *acc;           /* N chunks of sums per thread, for more than 4 species */
    fftw_complex *work;    /* scratch transform (diagnostics, preconditioner) */
    double *diff;          /* a difference of two fields (kernel form) */
};

#define FA_SPECTRAL_CHUNK 512

/* Same kernel, field by field (memcmp would read the struct's padding, which a caller's
 * initialiser need not set: valgrind reported it). */
static int term_equal(const fa_kernel_term_t *a, const fa_kernel_term_t *b)
{
    return a->type == b->type && a->strength == b->strength && a->alpha == b->alpha && a->length == b->length &&
           a->attraction == b->attraction && a->attraction_length == b->attraction_length &&
           a->repulsion == b->repulsion && a->repulsion_length == b->repulsion_length && a->exponent == b->exponent;
}

static int kernel_equal(const fa_kernel_t *a, const fa_kernel_t *b)
{
    if (a->nterms != b->nterms) return 0;
    for (int q = 0; q < a->nterms; q++)
        if (!term_equal(&a->term[q], &b->term[q])) return 0;
    return 1;
}

/* Species counts whose kernel sums run with unrolled species loops (fa_spectral_apply_kernels);
 * more species accumulate chunks in sp->acc. */
#define FA_KERNEL_SUMS_UNROLLED 4

/* A free grid's table of K_ij: the sum of its terms' cell integrals on planes [p0, p1) of the
 * padded grid of N_a points per axis (fa_fft_table_fn). The cell-integral tables hold W(q) for
 * q_a in [-N_a/2, N_a/2 - 1] in wrap-around order: the N_a-point table of N_a/2 cells (N_a is
 * even); the acyclic sum needs |q_a| <= n_a - 1 <= N_a/2 - 1 only. */
typedef struct {
    const fa_kernel_t *K;
    const fa_grid_layout_t *g;
    long half[3];  /* N_a / 2 */
    double *tmp;
    int threads; /* the quadrature's, sp->threads */
} table_fill_t;

static int fill_table(void *user, long p0, long p1, double *table)
{
    table_fill_t *t = user;
    const fa_grid_layout_t *g = t->g;
    long count = (p1 - p0) * (g->dim > 1 ? 2 * t->half[0] : 1) * (g->dim > 2 ? 2 * t->half[1] : 1);
    for (int q = 0; q < t->K->nterms; q++) {
        double *dst = q == 0 ? table : t->tmp;
        FA_TRY(fa_kernel_term_cell_integrals(&t->K->term[q], g->dim, g->h, t->half, p0, p1, t->threads, dst));
        if (q > 0)
            for (long c = 0; c < count; c++) table[c] += dst[c];
    }
    return FA_OK;
}

/* Multiplier table of one kernel, divided by the inverse's normalisation. */
static int kernel_multiplier(fa_spectral_t *sp, const fa_kernel_t *K, double *m)
{
    const double *kabs2 = fa_fft_kabs2(sp->fft);
    double scale = 1.0 / sp->norm; /* FFTW's inverse is unnormalised */
    if (sp->g->boundary == FA_BOUNDARY_PERIODIC) {
        for (long c = 0; c < sp->nk; c++) m[c] = scale * fa_kernel_hat(K, sp->g->dim, sqrt(kabs2[c]));
        return FA_OK;
    }
    /* W is even along every axis (a radial kernel over a symmetric cell), so its DFT is real:
     * the imaginary parts are rounding */
    const long *nt = fa_fft_points(sp->fft);
    long plane = sp->g->dim == 1 ? 1 : sp->g->dim == 2 ? nt[0] : nt[0] * nt[1];
    long slabmax = nt[sp->g->dim - 1];
    table_fill_t t = {K, sp->g, {nt[0] / 2, nt[1] / 2, nt[2] / 2}, NULL, sp->threads};
    for (int a = sp->g->dim; a < 3; a++) t.half[a] = 1;
    if (K->nterms > 1 && !(t.tmp = fftw_malloc((size_t)(plane * slabmax) * sizeof(double))))
        return FA_ERROR(FA_ENOMEM, "out of memory for a kernel table");
    int rc = fa_fft_forward_table(sp->fft, fill_table, &t, sp->work);
    fftw_free(t.tmp);
    FA_TRY(rc);
    for (long c = 0; c < sp->nk; c++) m[c] = scale * sp->work[c][0];
    return FA_OK;
}

static int build_multipliers(fa_spectral_t *sp)
{
    int N = sp->nspecies;
    sp->mult = fa_calloc((size_t)N * N, sizeof(double *));
    sp->mult_owner = fa_calloc((size_t)N * N, sizeof(int));
    sp->has_row = fa_calloc((size_t)N, sizeof(int));
    if (N > FA_KERNEL_SUMS_UNROLLED)
        sp->acc = fftw_malloc((size_t)sp->threads * N * 2 * FA_SPECTRAL_CHUNK * sizeof(double));
    if (!sp->mult || !sp->mult_owner || !sp->has_row || (N > FA_KERNEL_SUMS_UNROLLED && !sp->acc))
        return FA_ENOMEM;
    for (int p = 0; p < N * N; p++) {
        const fa_kernel_t *K = &sp->kernels[p];
        if (K->nterms == 0) continue;
        sp->has_row[p / N] = 1;
        for (int q = 0; q < p && !sp->mult[p]; q++) /* identical kernels share their table */
            if (sp->mult_owner[q] && kernel_equal(&sp->kernels[q], K)) sp->mult[p] = sp->mult[q];
        if (sp->mult[p]) continue;
        double *m = fftw_malloc((size_t)(sp->nk > 0 ? sp->nk : 1) * sizeof(double));
        if (!m) return FA_ERROR(FA_ENOMEM, "out of memory for kernel multipliers");
        sp->mult[p] = m;
        sp->mult_owner[p] = 1;
        FA_TRY(kernel_multiplier(sp, K, m));
    }
    return FA_OK;
}

double fa_spectral_memory(const fa_grid_t *grid, int N, const fa_kernel_t *kernels, int threads, double *setup)
{
    const fa_grid_layout_t *g = fa_grid_layout(grid);
    long nk;
    size_t alloc;
    fa_fft_spectrum_size(grid, &nk, &alloc);
    int tables = 0, several_terms = 0;
    for (int p = 0; p < N * N; p++) { /* build_multipliers: one table per distinct kernel */
        if (kernels[p].nterms == 0) continue;
        int shared = 0;
        for (int q = 0; q < p && !shared; q++) shared = kernels[q].nterms && kernel_equal(&kernels[q], &kernels[p]);
        tables += !shared;
        several_terms |= kernels[p].nterms > 1;
    }
    double d = fa_fft_memory(grid);
    d += (double)(N + 1) * alloc * sizeof(fftw_complex);                 /* rhohat, work */
    d += (double)(g->nlocal > 0 ? g->nlocal : 1) * sizeof(double);       /* diff */
    d += (double)tables * nk * sizeof(double);                           /* multipliers */
    if (N > FA_KERNEL_SUMS_UNROLLED) d += (double)(threads > 1 ? threads : 1) * N * 2 * FA_SPECTRAL_CHUNK * sizeof(double);
    /* a free grid's kernel table, and for kernels of several terms a whole table per term
     * beside it (kernel_multiplier) */
    *setup = fa_fft_table_memory(grid);
    if (several_terms && g->boundary == FA_BOUNDARY_FREE) *setup += fa_fft_grid_points(grid) * sizeof(double);
    return d;
}

int fa_spectral_create(const fa_grid_t *grid, int N, const fa_kernel_t *kernels, const fa_fft_options_t *opt,
                       fa_spectral_t **out)
{
    *out = NULL;
    if (N < 1) return FA_ERROR(FA_EINVAL, "fa_spectral_create: %d species", N);
    const fa_grid_layout_t *g = fa_grid_layout(grid);
    if (g->boundary == FA_BOUNDARY_PERIODIC)
        for (int p = 0; p < N * N; p++)
            if (!fa_kernel_periodic_ok(&kernels[p], g->dim))
                return FA_ERROR(FA_EINVAL, "kernel K_%d%d has no Fourier multiplier: a growing power law has no "
                                "meaning on the periodic box (use a free boundary)", p / N + 1, p % N + 1);
    fa_spectral_t *sp = fa_calloc(1, sizeof *sp);
    if (!sp) return FA_ENOMEM;
    sp->grid = grid;
    sp->g = g;
    sp->nspecies = N;
    sp->threads = opt && opt->threads > 1 ? opt->threads : 1;
    int rc = fa_fft_create(grid, opt, &sp->fft);
    if (rc) goto fail;
    sp->nk = fa_fft_nk(sp->fft);
    sp->norm = fa_fft_total_points(sp->fft);
    rc = FA_ENOMEM;
    sp->kernels = fa_malloc((size_t)N * N * sizeof *kernels);
    sp->rhohat = fa_calloc((size_t)N, sizeof *sp->rhohat);
    if (!sp->kernels || !sp->rhohat) goto fail;
    memcpy(sp->kernels, kernels, (size_t)N * N * sizeof *kernels);
    size_t ncomplex = fa_spectral_complex_alloc(sp);
    for (int j = 0; j < N; j++)
        if (!(sp->rhohat[j] = fftw_malloc(ncomplex * sizeof(fftw_complex)))) goto fail;
    sp->work = fftw_malloc(ncomplex * sizeof(fftw_complex));
    sp->diff = fftw_malloc((size_t)(g->nlocal > 0 ? g->nlocal : 1) * sizeof(double));
    if (!sp->work || !sp->diff) goto fail;
    if ((rc = build_multipliers(sp))) goto fail;
    *out = sp;
    return FA_OK;
fail:
    if (rc == FA_ENOMEM && fa_last_error_code() != FA_ENOMEM) FA_ERROR(FA_ENOMEM, "out of memory for the spectral module");
    fa_spectral_free(sp);
    return rc;
}

void fa_spectral_free(fa_spectral_t *sp)
{
    if (!sp) return;
    if (sp->mult)
        for (int p = 0; p < sp->nspecies * sp->nspecies; p++)
            if (sp->mult_owner[p]) fftw_free(sp->mult[p]);
    free(sp->mult);
    free(sp->mult_owner);
    free(sp->has_row);
    fftw_free(sp->acc);
    if (sp->rhohat)
        for (int j = 0; j < sp->nspecies; j++) fftw_free(sp->rhohat[j]);
    free(sp->rhohat);
    fftw_free(sp->work);
    fftw_free(sp->diff);
    free(sp->kernels);
    fa_fft_free(sp->fft);
    free(sp);
}

/* ---- accessors for the library ----------------------------------------------------- */

const fa_grid_t *fa_spectral_grid(const fa_spectral_t *sp) { return sp->grid; }
int fa_spectral_species(const fa_spectral_t *sp) { return sp->nspecies; }
size_t fa_spectral_complex_alloc(const fa_spectral_t *sp) { return fa_fft_complex_alloc(sp->fft); }
fftw_complex *fa_spectral_work(fa_spectral_t *sp) { return sp->work; }
long fa_spectral_nk(const fa_spectral_t *sp) { return sp->nk; }
const double *fa_spectral_kdisc2(const fa_spectral_t *sp) { return fa_fft_kdisc2(sp->fft); }
double fa_spectral_norm(const fa_spectral_t *sp) { return sp->norm; }
const double *fa_spectral_multiplier(const fa_spectral_t *sp, int i, int j) { return sp->mult[i * sp->nspecies + j]; }

double fa_spectral_stiffness(const fa_spectral_t *sp, int i)
{
    int N = sp->nspecies;
    const double *kd2 = fa_fft_kdisc2(sp->fft);
    double stiff = 0;
    for (long c = 0; c < sp->nk; c++) {
        double row = 0;
        for (int j = 0; j < N; j++)
            if (sp->mult[i * N + j]) row += fabs(sp->mult[i * N + j][c]) * sp->norm;
        stiff = fmax(stiff, kd2[c] * row);
    }
    return fa_gmax(sp->grid, stiff);
}

/* ---- transforms -------------------------------------------------------------------- */

void fa_spectral_forward(fa_spectral_t *sp, const double *f, fftw_complex *out) { fa_fft_forward(sp->fft, f, out); }
void fa_spectral_inverse(fa_spectral_t *sp, fftw_complex *in, double *out) { fa_fft_inverse(sp->fft, in, out); }

int fa_spectral_forward_all(fa_spectral_t *sp, const double *const rho[])
{
    for (int j = 0; j < sp->nspecies; j++) fa_fft_forward(sp->fft, rho[j], sp->rhohat[j]);
    return FA_OK;
}

/* Phi^_i = sum_j K^_ij rho^_j for every i, in place of rho^_i, as one streaming pass over the
 * spectrum: each multiplier table and each transform is read once and written once.
 *
 * Up to FA_KERNEL_SUMS_UNROLLED species the species loops are compile-time constants: all N
 * values at one wavenumber are loaded into registers, the N sums built there and stored over
 * them, so nothing else touches memory (the complex values as C99 complex, which FFTW
 * guarantees to share fftw_complex's layout: real-times-complex products then vectorise as
 * pairs). For 2 species on 512^2 this is 3-4x faster than accumulating chunks in scratch,
 * which stays the path for more species. */

static inline __attribute__((always_inline)) void kernel_sums_at(int N, const double *const *mult_in,
                                                                double complex *const *z_in, long c0, long c1)
{
    /* local copies: the compiler then keeps the pointers in registers and unrolls */
    const double *mult[FA_KERNEL_SUMS_UNROLLED * FA_KERNEL_SUMS_UNROLLED];
    double complex *z[FA_KERNEL_SUMS_UNROLLED];
    for (int p = 0; p < N * N; p++) mult[p] = mult_in[p];
    for (int j = 0; j < N; j++) z[j] = z_in[j];
    for (long c = c0; c < c1; c++) {
        double complex in[FA_KERNEL_SUMS_UNROLLED], sum[FA_KERNEL_SUMS_UNROLLED];
#pragma GCC unroll 4
        for (int j = 0; j < N; j++) in[j] = z[j][c];
#pragma GCC unroll 4
        for (int i = 0; i < N; i++) {
            sum[i] = 0;
#pragma GCC unroll 4
            for (int j = 0; j < N; j++) /* an absent kernel's test is the same at every c */
                if (mult[i * N + j]) sum[i] += mult[i * N + j][c] * in[j];
        }
#pragma GCC unroll 4
        for (int i = 0; i < N; i++) z[i][c] = sum[i];
    }
}

/* Wavenumbers [c0, c1) (a thread's share); N <= FA_KERNEL_SUMS_UNROLLED. */
FA_MULTIVERSION static void kernel_sums_unrolled(int N, const double *const *mult, double complex *const *z,
                                                 long c0, long c1)
{
    switch (N) { /* constant N: the species loops unroll */
    case 1: kernel_sums_at(1, mult, z, c0, c1); break;
    case 2: kernel_sums_at(2, mult, z, c0, c1); break;
    case 3: kernel_sums_at(3, mult, z, c0, c1); break;
    default: kernel_sums_at(4, mult, z, c0, c1); break;
    }
}

/* More species: the sums of a chunk of the spectrum are built in sp->acc, then stored. */
static void kernel_sums_chunked(fa_spectral_t *sp)
{
    int N = sp->nspecies, nt = sp->threads;
    long nk = sp->nk, nchunks = (nk + FA_SPECTRAL_CHUNK - 1) / FA_SPECTRAL_CHUNK;
#pragma omp parallel for num_threads(nt) if (nt > 1) schedule(static)
    for (long ch = 0; ch < nchunks; ch++) {
        int tid = 0;
#ifdef _OPENMP
        tid = omp_get_thread_num();
#endif
        long c0 = ch * FA_SPECTRAL_CHUNK, len = nk - c0 < FA_SPECTRAL_CHUNK ? nk - c0 : FA_SPECTRAL_CHUNK;
        double *acc_t = sp->acc + (size_t)tid * N * 2 * FA_SPECTRAL_CHUNK;
        for (int i = 0; i < N; i++) {
            double *restrict acc = acc_t + 2 * FA_SPECTRAL_CHUNK * i;
            for (long c = 0; c < 2 * len; c++) acc[c] = 0;
            for (int j = 0; j < N; j++) {
                const double *restrict m = sp->mult[i * N + j];
                if (!m) continue;
                m += c0;
                const double *restrict r = (const double *)(sp->rhohat[j] + c0);
                for (long c = 0; c < len; c++) {
                    acc[2 * c] += m[c] * r[2 * c];
                    acc[2 * c + 1] += m[c] * r[2 * c + 1];
                }
            }
        }
        for (int i = 0; i < N; i++)
            memcpy(sp->rhohat[i] + c0, acc_t + 2 * FA_SPECTRAL_CHUNK * i, (size_t)len * sizeof(fftw_complex));
    }
}

int fa_spectral_apply_kernels(fa_spectral_t *sp)
{
    int N = sp->nspecies, nt = sp->threads;
    if (N > FA_KERNEL_SUMS_UNROLLED) {
        kernel_sums_chunked(sp);
        return FA_OK;
    }
    long nk = sp->nk;
    double complex *z[FA_KERNEL_SUMS_UNROLLED];
    for (int j = 0; j < N; j++) z[j] = (double complex *)sp->rhohat[j];
    const double *const *mult = (const double *const *)sp->mult;
#pragma omp parallel num_threads(nt) if (nt > 1)
    {
        long c0 = 0, c1 = nk;
#ifdef _OPENMP
        int tid = omp_get_thread_num(), nth = omp_get_num_threads();
        c0 = nk * tid / nth, c1 = nk * (tid + 1) / nth;
#endif
        kernel_sums_unrolled(N, mult, z, c0, c1);
    }
    return FA_OK;
}

/* Phi_i from Phi^_i (after fa_spectral_apply_kernels; the transform is consumed). */
int fa_spectral_inverse_species(fa_spectral_t *sp, int i, double *phi)
{
    if (!sp->has_row[i]) { /* no kernel acts on species i */
        memset(phi, 0, (size_t)sp->g->nlocal * sizeof(double));
        return FA_OK;
    }
    fa_fft_inverse(sp->fft, sp->rhohat[i], phi);
    return FA_OK;
}

int fa_spectral_potentials(fa_spectral_t *sp, const double *const rho[], double *const phi[])
{
    FA_TRY(fa_spectral_forward_all(sp, rho));
    FA_TRY(fa_spectral_apply_kernels(sp));
    for (int i = 0; i < sp->nspecies; i++) FA_TRY(fa_spectral_inverse_species(sp, i, phi[i]));
    return FA_OK;
}

/* ---- quadratic functionals --------------------------------------------------------- */

int fa_spectral_energy(fa_spectral_t *sp, const double *const rho[], double *energy)
{
    int N = sp->nspecies;
    FA_TRY(fa_spectral_forward_all(sp, rho));
    /* sum_c rho_i Phi_ij = sum_k conj(rho^_i) (K^_ij/N) rho^_j over the full spectrum (on a free
     * grid over the padded one: rho_i is zero outside the box) */
    const unsigned char *weight = fa_fft_weight(sp->fft);
    double e = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            const double *m = sp->mult[i * N + j];
            if (!m) continue;
            const fftw_complex *a = sp->rhohat[i], *b = sp->rhohat[j];
            double s = 0;
            for (long c = 0; c < sp->nk; c++)
                s += weight[c] * m[c] * (a[c][0] * b[c][0] + a[c][1] * b[c][1]);
            e += s;
        }
    *energy = 0.5 * sp->g->cell_volume * fa_gsum(sp->grid, e);
    return FA_OK;
}

int fa_spectral_hs_norms(fa_spectral_t *sp, const double *f, const double *s, int ns,
                         double *norm, double *top)
{
    const fa_grid_layout_t *g = sp->g;
    const unsigned char *weight = fa_fft_weight(sp->fft), *topk = fa_fft_top(sp->fft);
    const double *kabs2 = fa_fft_kabs2(sp->fft);
    fa_fft_forward(sp->fft, f, sp->work);
    /* ||f||^2 = V^-d sum_k (1+|k|^2)^s |h^d DFT(f)_k|^2 over the transform's box of volume V
     * (on a free grid the padded box: the Fourier series of the zero-padded field samples the
     * whole-space transform of a density supported in the box) */
    double volume = sp->norm * g->cell_volume;
    double scale = g->cell_volume * g->cell_volume / volume;
    for (int q = 0; q < ns; q++) {
        double sum = 0, sum_top = 0;
        for (long c = 0; c < sp->nk; c++) {
            const double *z = sp->work[c];
            double v = weight[c] * pow(1 + kabs2[c], s[q]) * (z[0] * z[0] + z[1] * z[1]);
            sum += v;
            if (topk[c]) sum_top += v;
        }
        double both[2] = {sum, sum_top};
        fa_gsum_array(sp->grid, both, 2);
        norm[q] = sqrt(scale * both[0]);
        if (top) top[q] = both[0] > 0 ? both[1] / both[0] : 0;
    }
    return FA_OK;
}

int fa_spectral_kernel_form(fa_spectral_t *sp, int i, const double *f, const double *g2, double *value)
{
    const fa_grid_layout_t *g = sp->g;
    const double *m = sp->mult[i * sp->nspecies + i];
    if (!m) {
        *value = 0;
        return FA_OK;
    }
    const unsigned char *weight = fa_fft_weight(sp->fft);
    for (long c = 0; c < g->nlocal; c++) sp->diff[c] = f[c] - g2[c];
    fa_fft_forward(sp->fft, sp->diff, sp->work);
    /* sum_c h^d diff_c (K * diff)_c = h^d sum_k (K^/N) |DFT|^2 */
    double sum = 0;
    for (long c = 0; c < sp->nk; c++) {
        const double *z = sp->work[c];
        sum += weight[c] * m[c] * (z[0] * z[0] + z[1] * z[1]);
    }
    *value = g->cell_volume * fa_gsum(sp->grid, sum);
    return FA_OK;
}
