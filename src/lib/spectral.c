/* FFT plans, wavenumber tables and kernel multipliers, made once per grid; potentials, free
 * energy, H^s norms and kernel quadratic forms built on them. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_FFTW_THREADS
static int fftw_threads_ready;
#endif

/* Coefficients of the local half spectrum, in FFTW's r2c output order ([z][y][x/2+1]). */
static int build_tables(fa_spectral_t *sp)
{
    const fa_grid_t *g = sp->grid;
    int d = g->dim;
    long nxh = g->n[0] / 2 + 1;
    long n1 = d > 1 ? g->n[1] : 1, n2 = d > 2 ? g->n[2] : 1;
    sp->nk = nxh * n1 * n2;
    sp->kabs2 = fa_malloc((size_t)sp->nk * sizeof(double));
    sp->kdisc2 = fa_malloc((size_t)sp->nk * sizeof(double));
    sp->weight = fa_malloc((size_t)sp->nk);
    sp->top = fa_malloc((size_t)sp->nk);
    if (!sp->kabs2 || !sp->kdisc2 || !sp->weight || !sp->top) return FA_ENOMEM;
    long c = 0;
    for (long iz = 0; iz < n2; iz++)
        for (long iy = 0; iy < n1; iy++)
            for (long ix = 0; ix < nxh; ix++, c++) {
                long m[3] = {ix, iy <= n1 / 2 ? iy : iy - n1, iz <= n2 / 2 ? iz : iz - n2};
                double k2 = 0, kd2 = 0;
                int top = 0;
                for (int a = 0; a < d; a++) {
                    double k = 2 * M_PI * (double)m[a] / g->L[a];
                    double s = sin(0.5 * k * g->h[a]);
                    k2 += k * k;
                    kd2 += 4 * s * s / (g->h[a] * g->h[a]);
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
static int kernel_equal(const fa_kernel_t *a, const fa_kernel_t *b)
{
    return a->type == b->type && a->strength == b->strength && a->alpha == b->alpha && a->length == b->length &&
           a->attraction == b->attraction && a->attraction_length == b->attraction_length &&
           a->repulsion == b->repulsion && a->repulsion_length == b->repulsion_length;
}

static int build_multipliers(fa_spectral_t *sp)
{
    int N = sp->nspecies, d = sp->grid->dim;
    sp->mult = fa_calloc((size_t)N * N, sizeof(double *));
    sp->mult_owner = fa_calloc((size_t)N * N, sizeof(int));
    if (!sp->mult || !sp->mult_owner) return FA_ENOMEM;
    double scale = 1.0 / (double)sp->grid->ntotal; /* FFTW's inverse is unnormalised */
    for (int p = 0; p < N * N; p++) {
        const fa_kernel_t *K = &sp->kernels[p];
        if (K->type == FA_KERNEL_NONE) continue;
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
    int rc = FA_ENOMEM;
    sp->kernels = fa_malloc((size_t)N * N * sizeof *kernels);
    if (!sp->kernels) goto fail;
    memcpy(sp->kernels, kernels, (size_t)N * N * sizeof *kernels);
    if ((rc = build_tables(sp))) goto fail;
    rc = FA_ENOMEM;
    sp->rhohat = fa_calloc((size_t)N, sizeof *sp->rhohat);
    if (!sp->rhohat) goto fail;
    for (int j = 0; j < N; j++)
        if (!(sp->rhohat[j] = fftw_malloc((size_t)sp->nk * sizeof(fftw_complex)))) goto fail;
    sp->work = fftw_malloc((size_t)sp->nk * sizeof(fftw_complex));
    sp->rin = fftw_malloc((size_t)g->nlocal * sizeof(double));
    if (!sp->work || !sp->rin) goto fail;
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
    sp->r2c = fftw_plan_dft_r2c(g->dim, nrev, sp->rin, sp->work, flags);
    sp->c2r = fftw_plan_dft_c2r(g->dim, nrev, sp->work, sp->rin, flags);
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
    if (sp->rhohat)
        for (int j = 0; j < sp->nspecies; j++) fftw_free(sp->rhohat[j]);
    free(sp->rhohat);
    fftw_free(sp->work);
    fftw_free(sp->rin);
    free(sp->kabs2);
    free(sp->kdisc2);
    free(sp->weight);
    free(sp->top);
    free(sp->kernels);
    free(sp);
}

/* ---- transforms -------------------------------------------------------------------- */

void fa_spectral_forward(fa_spectral_t *sp, const double *f, fftw_complex *out)
{
    /* FFTW's new-array execute needs the planning arrays' alignment; an input that lacks it
     * (a CVODE vector, a species at an odd offset) goes through the aligned scratch. */
    if (fftw_alignment_of((double *)f) != sp->align_ref) {
        memcpy(sp->rin, f, (size_t)sp->grid->nlocal * sizeof(double));
        f = sp->rin;
    }
    fftw_execute_dft_r2c(sp->r2c, (double *)f, out); /* out-of-place r2c keeps its input */
}

void fa_spectral_inverse_work(fa_spectral_t *sp, double *out)
{
    if (fftw_alignment_of(out) != sp->align_ref) {
        fftw_execute_dft_c2r(sp->c2r, sp->work, sp->rin);
        memcpy(out, sp->rin, (size_t)sp->grid->nlocal * sizeof(double));
    } else {
        fftw_execute_dft_c2r(sp->c2r, sp->work, out);
    }
}

int fa_spectral_forward_all(fa_spectral_t *sp, const double *const rho[])
{
    for (int j = 0; j < sp->nspecies; j++) fa_spectral_forward(sp, rho[j], sp->rhohat[j]);
    return FA_OK;
}

int fa_spectral_potential_of(fa_spectral_t *sp, int i, double *phi)
{
    int N = sp->nspecies, first = 1;
    long nk = sp->nk;
    fftw_complex *restrict w = sp->work;
    for (int j = 0; j < N; j++) {
        const double *restrict m = sp->mult[i * N + j];
        const fftw_complex *restrict r = sp->rhohat[j];
        if (!m) continue;
        if (first) {
            for (long c = 0; c < nk; c++) {
                w[c][0] = m[c] * r[c][0];
                w[c][1] = m[c] * r[c][1];
            }
            first = 0;
        } else {
            for (long c = 0; c < nk; c++) {
                w[c][0] += m[c] * r[c][0];
                w[c][1] += m[c] * r[c][1];
            }
        }
    }
    if (first) { /* no kernel acts on species i */
        memset(phi, 0, (size_t)sp->grid->nlocal * sizeof(double));
        return FA_OK;
    }
    fa_spectral_inverse_work(sp, phi);
    return FA_OK;
}

int fa_spectral_potentials(fa_spectral_t *sp, const double *const rho[], double *const phi[])
{
    FA_TRY(fa_spectral_forward_all(sp, rho));
    for (int i = 0; i < sp->nspecies; i++) FA_TRY(fa_spectral_potential_of(sp, i, phi[i]));
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
    *energy = 0.5 * sp->grid->cell_volume * e;
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
        norm[q] = sqrt(scale * sum);
        if (top) top[q] = sum > 0 ? sum_top / sum : 0;
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
    for (long c = 0; c < g->nlocal; c++) sp->rin[c] = f[c] - g2[c];
    fa_spectral_forward(sp, sp->rin, sp->work);
    /* L^-d sum_k K^ |h^d DFT|^2 = h^d sum_k (K^/ntotal) |DFT|^2 */
    double sum = 0;
    for (long c = 0; c < sp->nk; c++) {
        const double *z = sp->work[c];
        sum += sp->weight[c] * m[c] * (z[0] * z[0] + z[1] * z[1]);
    }
    *value = g->cell_volume * sum;
    return FA_OK;
}
