/* The Newton matrix is M = I - gamma J; at high frequencies, where it is stiff, J acts near a
 * point x like the constant-coefficient operator -rho(x) |k|_h^2 K^_ii(k) (doc/theory/scheme.md section 11),
 * so M^-1 is close to the pseudo-differential operator with symbol 1/(1 + gamma rho(x) S(k)).
 * We apply it by interpolation between constant-coefficient solves: levels rho_l = rho_max q^l
 * (l < L), exact in Fourier space (one inverse FFT each), and the identity for rho = 0;
 * each cell blends the two levels around its own density, linearly in log rho (in rho below
 * the lowest level). One level is the plain constant-coefficient preconditioner with
 * rho_ref = max rho, which over-damps where rho is small (vacuum, compact supports).
 * Cross-species coupling is left to the Krylov solver (block-diagonal preconditioner). */
#include "precond.h"
#include "memory.h"
#include "transform.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FA_PREC_RATIO 0.25 /* q */

struct fa_sprec {
    fa_spectral_t *sp;
    const fa_grid_t *grid;
    int N, levels;
    long nloc, nk;
    double norm;             /* the inverse transform's normalisation */
    double *symbol;          /* N * nk: |k|_h^2 max(K^_ii(k), 0), unnormalised */
    double *rho_max;         /* per species at the last set-up */
    double *pos;             /* N * nloc: each cell's position on the scale of levels, in
                                [0, L]: level l weighs max(0, 1 - |pos - l|), and level L
                                is the identity (rho = 0) */
    fftw_complex *rhat;      /* transform of the residual */
};

double fa_sprec_memory(const fa_grid_t *grid, int N)
{
    long nk;
    size_t alloc;
    fa_fft_spectrum_size(grid, &nk, &alloc);
    /* symbol, pos, rhat */
    return (double)N * nk * sizeof(double) + (double)N * fa_grid_layout(grid)->nlocal * sizeof(double) +
           (double)alloc * sizeof(fftw_complex);
}

int fa_sprec_create(fa_spectral_t *sp, int levels, fa_sprec_t **out)
{
    *out = NULL;
    fa_sprec_t *p = fa_calloc(1, sizeof *p);
    if (!p) return FA_ENOMEM;
    int N = fa_spectral_species(sp);
    p->sp = sp;
    p->grid = fa_spectral_grid(sp);
    p->N = N;
    p->levels = levels < 1 ? 1 : levels;
    p->nloc = fa_grid_layout(p->grid)->nlocal;
    p->nk = fa_spectral_nk(sp);
    p->norm = fa_spectral_norm(sp);
    p->symbol = fa_malloc((size_t)N * (p->nk > 0 ? p->nk : 1) * sizeof(double));
    p->rho_max = fa_calloc((size_t)N, sizeof(double));
    p->pos = fa_malloc((size_t)N * p->nloc * sizeof(double));
    p->rhat = fftw_malloc(fa_spectral_complex_alloc(sp) * sizeof(fftw_complex));
    if (!p->symbol || !p->rho_max || !p->pos || !p->rhat) {
        fa_sprec_free(p);
        return FA_ERROR(FA_ENOMEM, "out of memory for the preconditioner");
    }
    const double *kd2 = fa_spectral_kdisc2(sp);
    for (int i = 0; i < N; i++) { /* multipliers carry 1/norm */
        const double *m = fa_spectral_multiplier(sp, i, i);
        double *S = p->symbol + i * p->nk;
        for (long c = 0; c < p->nk; c++) S[c] = m ? kd2[c] * fmax(m[c] * p->norm, 0.0) : 0.0;
    }
    *out = p;
    return FA_OK;
}

void fa_sprec_free(fa_sprec_t *p)
{
    if (!p) return;
    free(p->symbol);
    free(p->rho_max);
    free(p->pos);
    fftw_free(p->rhat);
    free(p);
}

void fa_sprec_setup(fa_sprec_t *p, const double *const rho[])
{
    int L = p->levels;
    double lq = log(FA_PREC_RATIO);
    for (int i = 0; i < p->N; i++) {
        const double *r = rho[i];
        double mx = 0;
        for (long c = 0; c < p->nloc; c++) mx = r[c] > mx ? r[c] : mx;
        mx = fa_gmax(p->grid, mx);
        p->rho_max[i] = mx;
        double *pos = p->pos + i * p->nloc, low = mx * pow(FA_PREC_RATIO, L - 1);
        for (long c = 0; c < p->nloc; c++) {
            double v = r[c];
            if (!(mx > 0) || v >= mx)
                pos[c] = 0;
            else if (v <= low) /* between the lowest level and the identity, linear in rho */
                pos[c] = L - (v > 0 ? v / low : 0);
            else /* between two levels, linear in log rho: in (0, L-1) */
            {
                double x = log(v / mx) / lq;
                pos[c] = x < L - 1 ? x : L - 1;
            }
        }
    }
}

/* (fmax and fmin are library calls unless NaNs are ruled out; comparisons vectorise) */
static inline double hat(double x)
{
    double t = 1.0 - fabs(x);
    return t > 0 ? t : 0.0;
}

/* sum(a - b), vectorised in blocks and compensated across blocks: the rounding error stays
 * near (block length) eps sum|a - b| while the loop runs at memory speed. */
static double sum_difference(const double *restrict a, const double *restrict b, long n)
{
    enum { BLOCK = 256 };
    double sum = 0, comp = 0;
    for (long c0 = 0; c0 < n; c0 += BLOCK) {
        long c1 = c0 + BLOCK < n ? c0 + BLOCK : n;
        double part = 0;
#pragma omp simd reduction(+ : part)
        for (long c = c0; c < c1; c++) part += a[c] - b[c];
        double y = part - comp, t = sum + y;
        comp = (t - sum) - y;
        sum = t;
    }
    return sum;
}

void fa_sprec_solve(fa_sprec_t *p, int i, const double *r, double *z, double gamma, double *tmp)
{
    fa_spectral_t *sp = p->sp;
    long n = p->nloc;
    int L = p->levels;
    if (!fa_spectral_multiplier(sp, i, i) || !(gamma * p->rho_max[i] > 0)) {
        memcpy(z, r, (size_t)n * sizeof(double));
        return;
    }
    const double *S = p->symbol + i * p->nk;
    const double *restrict pos = p->pos + i * n;
    double inv_n = 1.0 / p->norm;
    fa_spectral_forward(sp, r, p->rhat);
    for (int l = 0; l < L; l++) {
        double g = gamma * p->rho_max[i] * pow(FA_PREC_RATIO, l);
        fftw_complex *restrict wk = fa_spectral_work(sp);
        const fftw_complex *restrict rh = p->rhat;
        for (long c = 0; c < p->nk; c++) {
            double f = inv_n / (1 + g * S[c]);
            wk[c][0] = f * rh[c][0];
            wk[c][1] = f * rh[c][1];
        }
        fa_spectral_inverse(sp, fa_spectral_work(sp), L == 1 ? z : tmp);
        if (L == 1) break;
        if (l == 0)
            for (long c = 0; c < n; c++) z[c] = hat(pos[c]) * tmp[c];
        else if (l < L - 1)
            for (long c = 0; c < n; c++) z[c] += hat(pos[c] - l) * tmp[c];
        else /* with the identity below the lowest level */
            for (long c = 0; c < n; c++) z[c] += hat(pos[c] - l) * tmp[c] + hat(pos[c] - L) * r[c];
    }
    /* A single level on a periodic grid keeps sum(z) = sum(r) as the Jacobian does (mass: the
     * symbol is 0 at k = 0). Blending levels in space does not, nor does a level on a free
     * grid (it keeps the sum over the padded grid, not over the box it is cut back to).
     * Restore it with a uniform shift, so that Krylov corrections keep the mass exact (a
     * rank-one change of a fixed linear map). */
    if (L == 1 && fa_grid_boundary(p->grid) == FA_BOUNDARY_PERIODIC) return;
    double dm = fa_gsum(p->grid, sum_difference(r, z, n)) / (double)fa_grid_total_cells(p->grid);
    for (long c = 0; c < n; c++) z[c] += dm;
}
