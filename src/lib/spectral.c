/* FFT plans, wavenumber tables and kernel multipliers, made once per grid; potentials, free
 * energy, H^s norms and kernel quadratic forms built on them. */
#include "internal.h"

#include <complex.h> /* after fftw3.h (internal.h): fftw_complex stays double[2] */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef FA_HAVE_MPI
#include <fftw3-mpi.h>
#endif

#ifdef HAVE_FFTW_THREADS
static int fftw_threads_ready;
#endif

/* Coefficients of the local half spectrum, in FFTW's r2c output order: [z][y][x/2+1] serially;
 * distributed (FFTW_MPI_TRANSPOSED_OUT), the first two dimensions swapped and the new first
 * one sliced: 2D [kx slab][y], 3D [y slab][z][x/2+1]. */
static int build_tables(fa_spectral_t *sp)
{
    const fa_grid_t *g = sp->grid;
    int d = g->dim;
    long nxh = g->n[0] / 2 + 1;
    long n1 = d > 1 ? g->n[1] : 1, n2 = d > 2 ? g->n[2] : 1;
    /* loop bounds, slowest first, and which grid axis each loop index is */
    long lo[3] = {0, 0, 0}, hi[3] = {n2, n1, nxh};
    int axis[3] = {2, 1, 0};
    if (g->distributed && d == 2) {
        lo[0] = 0, hi[0] = 1, axis[0] = 2;                                   /* unused */
        lo[1] = g->tr_start, hi[1] = g->tr_start + g->tr_count, axis[1] = 0; /* kx slab */
        lo[2] = 0, hi[2] = n1, axis[2] = 1;                                  /* y */
    } else if (g->distributed && d == 3) {
        lo[0] = g->tr_start, hi[0] = g->tr_start + g->tr_count, axis[0] = 1; /* y slab */
        lo[1] = 0, hi[1] = n2, axis[1] = 2;                                  /* z */
        lo[2] = 0, hi[2] = nxh, axis[2] = 0;                                 /* kx */
    }
    sp->nk = (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]);
    size_t alloc = (size_t)(sp->nk > 0 ? sp->nk : 1);
    sp->kabs2 = fa_malloc(alloc * sizeof(double));
    sp->kdisc2 = fa_malloc(alloc * sizeof(double));
    sp->weight = fa_malloc(alloc);
    sp->top = fa_malloc(alloc);
    if (!sp->kabs2 || !sp->kdisc2 || !sp->weight || !sp->top) return FA_ENOMEM;
    long c = 0, idx[3];
    for (idx[0] = lo[0]; idx[0] < hi[0]; idx[0]++)
        for (idx[1] = lo[1]; idx[1] < hi[1]; idx[1]++)
            for (idx[2] = lo[2]; idx[2] < hi[2]; idx[2]++, c++) {
                long i3[3] = {0, 0, 0}; /* index along grid axes x, y, z */
                for (int q = 0; q < 3; q++) i3[axis[q]] = idx[q];
                long ix = i3[0];
                long m[3] = {ix, i3[1] <= n1 / 2 ? i3[1] : i3[1] - n1, i3[2] <= n2 / 2 ? i3[2] : i3[2] - n2};
                double k2 = 0, kd2 = 0;
                int top = 0;
                for (int a = 0; a < d; a++) {
                    double k = 2 * M_PI * (double)m[a] / g->L[a];
                    double sn = sin(0.5 * k * g->h[a]);
                    k2 += k * k;
                    kd2 += 4 * sn * sn / (g->h[a] * g->h[a]);
                    if (3 * labs(m[a]) > g->n[a]) top = 1;
                }
                sp->kabs2[c] = k2;
                sp->kdisc2[c] = kd2;
                sp->top[c] = (unsigned char)top;
                /* r2c stores kx = 0 .. nx/2; the others appear twice in the full spectrum */
                sp->weight[c] = (unsigned char)((ix == 0 || (g->n[0] % 2 == 0 && ix == g->n[0] / 2)) ? 1 : 2);
            }
    return FA_OK;
}

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

static int build_multipliers(fa_spectral_t *sp)
{
    int N = sp->nspecies, d = sp->grid->dim;
    sp->mult = fa_calloc((size_t)N * N, sizeof(double *));
    sp->mult_owner = fa_calloc((size_t)N * N, sizeof(int));
    sp->has_row = fa_calloc((size_t)N, sizeof(int));
    if (N > FA_KERNEL_SUMS_UNROLLED)
        sp->acc = fftw_malloc((size_t)sp->threads * N * 2 * FA_SPECTRAL_CHUNK * sizeof(double));
    if (!sp->mult || !sp->mult_owner || !sp->has_row || (N > FA_KERNEL_SUMS_UNROLLED && !sp->acc))
        return FA_ENOMEM;
    double scale = 1.0 / (double)sp->grid->ntotal; /* FFTW's inverse is unnormalised */
    for (int p = 0; p < N * N; p++) {
        const fa_kernel_t *K = &sp->kernels[p];
        if (K->nterms == 0) continue;
        sp->has_row[p / N] = 1;
        for (int q = 0; q < p && !sp->mult[p]; q++) /* identical kernels share their table */
            if (sp->mult_owner[q] && kernel_equal(&sp->kernels[q], K)) sp->mult[p] = sp->mult[q];
        if (sp->mult[p]) continue;
        double *m = fftw_malloc((size_t)sp->nk * sizeof(double));
        if (!m) return FA_ERROR(FA_ENOMEM, "out of memory for kernel multipliers");
        for (long c = 0; c < sp->nk; c++) m[c] = scale * fa_kernel_hat(K, d, sqrt(sp->kabs2[c]));
        sp->mult[p] = m;
        sp->mult_owner[p] = 1;
    }
    return FA_OK;
}

int fa_spectral_create(const fa_grid_t *g, int N, const fa_kernel_t *kernels,
                       const fa_fft_options_t *opt, fa_spectral_t **out)
{
    *out = NULL;
    fa_fft_options_t defaults = {0};
    if (!opt) opt = &defaults;
    if (N < 1) return FA_ERROR(FA_EINVAL, "fa_spectral_create: %d species", N);
    fa_spectral_t *sp = fa_calloc(1, sizeof *sp);
    if (!sp) return FA_ENOMEM;
    sp->grid = g;
    sp->nspecies = N;
    sp->threads = opt->threads > 1 ? opt->threads : 1;
    int rc = FA_ENOMEM;
    sp->kernels = fa_malloc((size_t)N * N * sizeof *kernels);
    if (!sp->kernels) goto fail;
    memcpy(sp->kernels, kernels, (size_t)N * N * sizeof *kernels);
    if ((rc = build_tables(sp))) goto fail;
    rc = FA_ENOMEM;
    sp->rhohat = fa_calloc((size_t)N, sizeof *sp->rhohat);
    if (!sp->rhohat) goto fail;
    /* distributed: FFTW-MPI's local sizes, and real data padded to rows of 2 (nx/2+1) */
    size_t ncomplex = fa_spectral_complex_alloc(sp);
    size_t nreal = g->distributed ? 2 * ncomplex : (size_t)g->nlocal;
    for (int j = 0; j < N; j++)
        if (!(sp->rhohat[j] = fftw_malloc(ncomplex * sizeof(fftw_complex)))) goto fail;
    sp->work = fftw_malloc(ncomplex * sizeof(fftw_complex));
    sp->rin = fftw_malloc((nreal > 0 ? nreal : 1) * sizeof(double));
    sp->diff = fftw_malloc((size_t)(g->nlocal > 0 ? g->nlocal : 1) * sizeof(double));
    if (!sp->work || !sp->rin || !sp->diff) goto fail;
    if ((rc = build_multipliers(sp))) goto fail;

    int nrev[3];
    for (int r = 0; r < g->dim; r++) nrev[r] = (int)g->n[g->dim - 1 - r];
    unsigned flags = opt->measure ? FFTW_MEASURE : FFTW_ESTIMATE;
#ifdef HAVE_FFTW_THREADS
    if (opt->threads > 1) {
        if (!fftw_threads_ready) {
            if (!fftw_init_threads()) {
                rc = FA_ERROR(FA_EFFTW, "fftw_init_threads failed");
                goto fail;
            }
            fftw_threads_ready = 1;
        }
        fftw_plan_with_nthreads(opt->threads);
        sp->fftw_threads = opt->threads;
    } else if (fftw_threads_ready) {
        fftw_plan_with_nthreads(1);
    }
#endif
    if (opt->wisdom) fftw_import_wisdom_from_filename(opt->wisdom); /* absent file: fine */
    /* FFTW_MEASURE overwrites the arrays while planning: plan on our scratch buffers. */
    if (g->distributed) {
#ifdef FA_HAVE_MPI
        ptrdiff_t nr[3];
        for (int r = 0; r < g->dim; r++) nr[r] = nrev[r];
        /* transposed spectra: one global transpose saved per transform */
        sp->r2c = fftw_mpi_plan_dft_r2c(g->dim, nr, sp->rin, sp->work, MPI_COMM_WORLD, flags | FFTW_MPI_TRANSPOSED_OUT);
        sp->c2r = fftw_mpi_plan_dft_c2r(g->dim, nr, sp->work, sp->rin, MPI_COMM_WORLD, flags | FFTW_MPI_TRANSPOSED_IN);
#endif
    } else {
        sp->r2c = fftw_plan_dft_r2c(g->dim, nrev, sp->rin, sp->work, flags);
        sp->c2r = fftw_plan_dft_c2r(g->dim, nrev, sp->work, sp->rin, flags);
    }
    if (!sp->r2c || !sp->c2r) {
        rc = FA_ERROR(FA_EFFTW, "FFTW could not plan a %d-dimensional transform of %ld cells",
                      g->dim, g->ntotal);
        goto fail;
    }
    if (opt->wisdom && !fftw_export_wisdom_to_filename(opt->wisdom))
        fa_log(FA_LOG_WARN, "could not save FFTW wisdom to %s", opt->wisdom);
    sp->align_ref = fftw_alignment_of(sp->rin);
    *out = sp;
    return FA_OK;
fail:
    fa_spectral_free(sp);
    return rc;
}

void fa_spectral_free(fa_spectral_t *sp)
{
    if (!sp) return;
    if (sp->r2c) fftw_destroy_plan(sp->r2c);
    if (sp->c2r) fftw_destroy_plan(sp->c2r);
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
    fftw_free(sp->rin);
    fftw_free(sp->diff);
    free(sp->kabs2);
    free(sp->kdisc2);
    free(sp->weight);
    free(sp->top);
    free(sp->kernels);
    free(sp);
}

size_t fa_spectral_complex_alloc(const fa_spectral_t *sp)
{
    const fa_grid_t *g = sp->grid;
    size_t n = (size_t)(g->distributed ? g->alloc_complex : sp->nk);
    return n > 0 ? n : 1;
}

/* ---- transforms -------------------------------------------------------------------- */

/* Distributed: rows of nx between the field and FFTW-MPI's padded rows of 2 (nx/2+1). */
static void pad_rows(const fa_spectral_t *sp, const double *f)
{
    long nx = sp->grid->n[0], stride = 2 * (nx / 2 + 1), rows = sp->grid->nlocal / nx;
    for (long r = 0; r < rows; r++) memcpy(sp->rin + r * stride, f + r * nx, (size_t)nx * sizeof(double));
}

static void unpad_rows(const fa_spectral_t *sp, double *f)
{
    long nx = sp->grid->n[0], stride = 2 * (nx / 2 + 1), rows = sp->grid->nlocal / nx;
    for (long r = 0; r < rows; r++) memcpy(f + r * nx, sp->rin + r * stride, (size_t)nx * sizeof(double));
}

/* c2r of a complex array (destroyed) into out, unnormalised. */
static void inverse(fa_spectral_t *sp, fftw_complex *in, double *out)
{
#ifdef FA_HAVE_MPI
    if (sp->grid->distributed) {
        fftw_mpi_execute_dft_c2r(sp->c2r, in, sp->rin);
        unpad_rows(sp, out);
        return;
    }
#endif
    if (fftw_alignment_of(out) != sp->align_ref) {
        fftw_execute_dft_c2r(sp->c2r, in, sp->rin);
        memcpy(out, sp->rin, (size_t)sp->grid->nlocal * sizeof(double));
    } else {
        fftw_execute_dft_c2r(sp->c2r, in, out);
    }
}

void fa_spectral_forward(fa_spectral_t *sp, const double *f, fftw_complex *out)
{
#ifdef FA_HAVE_MPI
    if (sp->grid->distributed) {
        pad_rows(sp, f);
        fftw_mpi_execute_dft_r2c(sp->r2c, sp->rin, out);
        return;
    }
#endif
    /* FFTW's new-array execute needs the planning arrays' alignment; an input that lacks it
     * (a CVODE vector, a species at an odd offset) goes through the aligned scratch. */
    if (fftw_alignment_of((double *)f) != sp->align_ref) {
        memcpy(sp->rin, f, (size_t)sp->grid->nlocal * sizeof(double));
        f = sp->rin;
    }
    fftw_execute_dft_r2c(sp->r2c, (double *)f, out); /* out-of-place r2c keeps its input */
}

void fa_spectral_inverse_work(fa_spectral_t *sp, double *out) { inverse(sp, sp->work, out); }

int fa_spectral_forward_all(fa_spectral_t *sp, const double *const rho[])
{
    for (int j = 0; j < sp->nspecies; j++) fa_spectral_forward(sp, rho[j], sp->rhohat[j]);
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
        memset(phi, 0, (size_t)sp->grid->nlocal * sizeof(double));
        return FA_OK;
    }
    inverse(sp, sp->rhohat[i], phi);
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
    /* sum_c rho_i Phi_ij = sum_k conj(rho^_i) (K^_ij/ntotal) rho^_j over the full spectrum */
    double e = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            const double *m = sp->mult[i * N + j];
            if (!m) continue;
            const fftw_complex *a = sp->rhohat[i], *b = sp->rhohat[j];
            double s = 0;
            for (long c = 0; c < sp->nk; c++)
                s += sp->weight[c] * m[c] * (a[c][0] * b[c][0] + a[c][1] * b[c][1]);
            e += s;
        }
    *energy = 0.5 * sp->grid->cell_volume * fa_gsum(sp->grid, e);
    return FA_OK;
}

int fa_spectral_hs_norms(fa_spectral_t *sp, const double *f, const double *s, int ns,
                         double *norm, double *top)
{
    const fa_grid_t *g = sp->grid;
    fa_spectral_forward(sp, f, sp->work);
    /* ||f||^2 = L^-d sum_k (1+|k|^2)^s |h^d DFT(f)_k|^2 */
    double volume = (double)g->ntotal * g->cell_volume;
    double scale = g->cell_volume * g->cell_volume / volume;
    for (int q = 0; q < ns; q++) {
        double sum = 0, sum_top = 0;
        for (long c = 0; c < sp->nk; c++) {
            const double *z = sp->work[c];
            double v = sp->weight[c] * pow(1 + sp->kabs2[c], s[q]) * (z[0] * z[0] + z[1] * z[1]);
            sum += v;
            if (sp->top[c]) sum_top += v;
        }
        double both[2] = {sum, sum_top};
        fa_gsum_array(g, both, 2);
        norm[q] = sqrt(scale * both[0]);
        if (top) top[q] = both[0] > 0 ? both[1] / both[0] : 0;
    }
    return FA_OK;
}

int fa_spectral_kernel_form(fa_spectral_t *sp, int i, const double *f, const double *g2, double *value)
{
    const fa_grid_t *g = sp->grid;
    const double *m = sp->mult[i * sp->nspecies + i];
    if (!m) {
        *value = 0;
        return FA_OK;
    }
    for (long c = 0; c < g->nlocal; c++) sp->diff[c] = f[c] - g2[c];
    fa_spectral_forward(sp, sp->diff, sp->work);
    /* L^-d sum_k K^ |h^d DFT|^2 = h^d sum_k (K^/ntotal) |DFT|^2 */
    double sum = 0;
    for (long c = 0; c < sp->nk; c++) {
        const double *z = sp->work[c];
        sum += sp->weight[c] * m[c] * (z[0] * z[0] + z[1] * z[1]);
    }
    *value = g->cell_volume * fa_gsum(g, sum);
    return FA_OK;
}
