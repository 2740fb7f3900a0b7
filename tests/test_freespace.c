/* The whole-space (free) potentials against the direct sum they stand for: on a free grid
 * Phi_m = sum_n W(m - n) rho_n with the cell integrals W of the kernel, evaluated by
 * zero-padded FFTs. On small grids the direct O(n^2d) sum is cheap; the FFT result must agree
 * to rounding, for every kernel type, sums of terms, d = 1, 2, 3 and unequal spacings. Also
 * the free energy, the L2 norm (H^0, Parseval on the padded grid), and the refusal of a
 * growing kernel on the periodic box. */
#include "testlib.h"

#include <float.h>
#include <string.h>

#include "grid_internal.h"
#include "kernel_internal.h"
#include "spectral_internal.h"

/* The whole padded table of a kernel (sum of its terms), (2n)^d values x fastest. */
static double *table(const fa_kernel_t *K, const fa_grid_layout_t *g)
{
    long N0 = 2 * g->n[0], N1 = g->dim > 1 ? 2 * g->n[1] : 1, N2 = g->dim > 2 ? 2 * g->n[2] : 1, tot = N0 * N1 * N2;
    long slow = g->dim == 1 ? N0 : g->dim == 2 ? N1 : N2;
    double *W = calloc((size_t)tot, sizeof(double)), *t = malloc((size_t)tot * sizeof(double));
    for (int q = 0; q < K->nterms; q++) {
        if (fa_kernel_term_cell_integrals(&K->term[q], g->dim, g->h, g->n, 0, slow, 1, t)) {
            fprintf(stderr, "hard error: %s\n", fa_last_error());
            exit(99);
        }
        for (long c = 0; c < tot; c++) W[c] += t[c];
    }
    free(t);
    return W;
}

/* W(q) for a cell offset q (|q_a| < n_a) from the wrap-around table. */
static double W_at(const double *W, const fa_grid_layout_t *g, const long q[3])
{
    long N0 = 2 * g->n[0], N1 = g->dim > 1 ? 2 * g->n[1] : 1, N2 = g->dim > 2 ? 2 * g->n[2] : 1;
    long i = (q[0] + N0) % N0, j = (q[1] + N1) % N1, k = (q[2] + N2) % N2;
    return W[i + N0 * (j + N1 * k)];
}

typedef struct {
    const char *name;
    int nterms;
    fa_kernel_term_t t[3];
} kcase_t;

int main(void)
{
    const kcase_t kernels[] = {
        {"riesz alpha = d/2", 1, {{.type = FA_KERNEL_RIESZ, .strength = 1.3, .alpha = -1}}}, /* alpha set per d */
        {"gaussian", 1, {{.type = FA_KERNEL_GAUSSIAN, .strength = -0.7, .length = 0.3}}},
        {"morse", 1, {{.type = FA_KERNEL_MORSE, .attraction = 1, .attraction_length = 0.8, .repulsion = 2, .repulsion_length = 0.2}}},
        {"newtonian", 1, {{.type = FA_KERNEL_NEWTONIAN, .strength = 0.9}}},
        {"power a = 2 + newtonian", 2, {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = 2}, {.type = FA_KERNEL_NEWTONIAN, .strength = 1}}},
        {"power a = 1.5 - power a = -0.5", 2,
         {{.type = FA_KERNEL_POWER, .strength = 1, .exponent = 1.5}, {.type = FA_KERNEL_POWER, .strength = -0.4, .exponent = -0.5}}},
    };
    const int nk = sizeof kernels / sizeof kernels[0];
    struct { int d; long n[3]; double L[3]; } grids[] = {
        {1, {13, 1, 1}, {3.0, 1, 1}},
        {2, {9, 7, 1}, {2.0, 1.75, 1}},
        {3, {5, 6, 4}, {1.0, 1.5, 0.8}},
    };
    srand(7);
    for (int gi = 0; gi < 3; gi++) {
        int d = grids[gi].d;
        fa_grid_t *grid;
        if (fa_grid_create(d, grids[gi].n, grids[gi].L, FA_BOUNDARY_FREE, NULL, &grid)) return 99;
        const fa_grid_layout_t *g = fa_grid_layout(grid);
        long n = g->nlocal;
        double *rho = malloc(2 * (size_t)n * sizeof(double)), *phi = malloc(2 * (size_t)n * sizeof(double));
        for (long c = 0; c < 2 * n; c++) rho[c] = (double)rand() / RAND_MAX;
        for (int ki = 0; ki < nk; ki++) {
            /* two species: K_11 this kernel, K_12 the next, K_21 absent, K_22 this kernel again */
            fa_kernel_t K[4];
            memset(K, 0, sizeof K);
            for (int p = 0; p < 4; p += 3) {
                K[p].nterms = kernels[ki].nterms;
                for (int q = 0; q < kernels[ki].nterms; q++) K[p].term[q] = kernels[ki].t[q];
                if (K[p].term[0].type == FA_KERNEL_RIESZ) K[p].term[0].alpha = 0.5 * d;
            }
            const kcase_t *kn = &kernels[(ki + 1) % nk];
            K[1].nterms = kn->nterms;
            for (int q = 0; q < kn->nterms; q++) K[1].term[q] = kn->t[q];
            if (K[1].term[0].type == FA_KERNEL_RIESZ) K[1].term[0].alpha = 0.5 * d;
            fa_spectral_t *sp;
            if (fa_spectral_create(grid, 2, K, NULL, &sp)) {
                fprintf(stderr, "hard error: %s\n", fa_last_error());
                return 99;
            }
            const double *r[2] = {rho, rho + n};
            double *ph[2] = {phi, phi + n};
            fa_spectral_potentials(sp, r, ph);
            double *W[4] = {table(&K[0], g), table(&K[1], g), NULL, table(&K[3], g)};
            /* direct sums, and the scale sum |W| |rho| the FFT's rounding is relative to */
            double err = 0, scale = 0, e_direct = 0;
            for (int i = 0; i < 2; i++)
                for (long m = 0; m < n; m++) {
                    long mi[3] = {m % g->n[0], (m / g->n[0]) % g->n[1], m / (g->n[0] * g->n[1])};
                    double sum = 0, abs = 0;
                    for (int j = 0; j < 2; j++) {
                        if (!W[2 * i + j]) continue;
                        for (long c = 0; c < n; c++) {
                            long ci[3] = {c % g->n[0], (c / g->n[0]) % g->n[1], c / (g->n[0] * g->n[1])};
                            long q[3] = {mi[0] - ci[0], mi[1] - ci[1], mi[2] - ci[2]};
                            double w = W_at(W[2 * i + j], g, q);
                            sum += w * r[j][c];
                            abs += fabs(w * r[j][c]);
                        }
                    }
                    err = fmax(err, fabs(ph[i][m] - sum));
                    scale = fmax(scale, abs);
                    e_direct += 0.5 * g->cell_volume * r[i][m] * sum;
                }
            /* FFT rounding: O(eps log2 N) relative to the sum of magnitudes (N the padded points) */
            double npad = fa_spectral_norm(sp), tol = 8 * DBL_EPSILON * log2(npad) * scale;
            tl_check(err <= tol, "%dD %-30s potentials = direct sum: max error %.1e (tolerance %.1e = 8 eps log2 %.0f x %.3g)",
                     d, kernels[ki].name, err, tol, npad, scale);
            double e_fft;
            fa_spectral_energy(sp, r, &e_fft);
            double etol = 8 * DBL_EPSILON * log2(npad) * scale * g->cell_volume * (2 * n) * 1.0;
            tl_check(fabs(e_fft - e_direct) <= etol, "%dD %-30s free energy %.12g = direct %.12g (difference %.1e, tolerance %.1e)",
                     d, kernels[ki].name, e_fft, e_direct, fabs(e_fft - e_direct), etol);
            if (ki == 0) { /* H^0 = L2 by Parseval on the padded grid */
                double s0 = 0, norm, l2 = 0;
                fa_spectral_hs_norms(sp, rho, &s0, 1, &norm, NULL);
                for (long c = 0; c < n; c++) l2 += rho[c] * rho[c];
                l2 = sqrt(g->cell_volume * l2);
                tl_check(fabs(norm - l2) <= 8 * DBL_EPSILON * log2(npad) * l2,
                         "%dD H^0 norm of the zero-padded field %.15g = L2 norm %.15g (relative difference %.1e)", d, norm, l2,
                         fabs(norm - l2) / l2);
            }
            for (int p = 0; p < 4; p++) free(W[p]);
            fa_spectral_free(sp);
        }
        free(rho);
        free(phi);
        fa_grid_free(grid);
    }
    /* a growing power law has no multiplier: refused on the periodic box */
    {
        long n[3] = {8, 8, 1};
        double L[3] = {1, 1, 1};
        fa_grid_t *grid;
        if (fa_grid_create(2, n, L, FA_BOUNDARY_PERIODIC, NULL, &grid)) return 99;
        fa_kernel_t K = fa_kernel_single((fa_kernel_term_t){.type = FA_KERNEL_POWER, .strength = 1, .exponent = 2});
        fa_spectral_t *sp = NULL;
        int rc = fa_spectral_create(grid, 1, &K, NULL, &sp);
        tl_check(rc == FA_EINVAL && strstr(fa_last_error(), "free"), "periodic grid refuses |x|^2/2: %s", fa_last_error());
        fa_spectral_free(sp);
        fa_grid_free(grid);
    }
    return tl_exit();
}
