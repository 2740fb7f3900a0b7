/* The spectral machinery against closed forms: the potential of a cosine mode, the free
 * energy against its real-space sum, H^s norms of single modes (doc/theory/equations.md section 10: a mode b + a cos(k.x)
 * has ||f||^2 = L^d (b^2 + a^2 (1+|k|^2)^s / 2), and a^2 (1+|k|^2)^s L^d at a Nyquist wavenumber),
 * the kernel quadratic form, and inputs at every memory alignment. */
#include "testlib.h"

#include <fftw3.h>
#include <string.h>

#include "spectral_internal.h"

/* f = b + a cos(k.x_c + shift) */
static void fill_phase(const fa_grid_t *g, const long m[3], double b, double a, double shift, double *f)
{
    long n = fa_grid_local_cells(g), n0 = fa_grid_cells(g, 0), n1 = fa_grid_cells(g, 1);
    for (long c = 0; c < n; c++) {
        long idx[3] = {c % n0, (c / n0) % n1, c / (n0 * n1)};
        double ph = 0;
        for (int a2 = 0; a2 < fa_grid_dim(g); a2++)
            ph += 2 * M_PI * m[a2] / fa_grid_length(g, a2) * fa_grid_center(g, a2, idx[a2]);
        f[c] = b + a * cos(ph + shift);
    }
}

static void fill_mode(const fa_grid_t *g, const long m[3], double b, double a, double *f)
{
    fill_phase(g, m, b, a, 0, f);
}

static double kmag(const fa_grid_t *g, const long m[3])
{
    double k2 = 0;
    for (int a = 0; a < fa_grid_dim(g); a++) k2 += pow(2 * M_PI * m[a] / fa_grid_length(g, a), 2);
    return sqrt(k2);
}

int main(void)
{
    struct { int d; long n[3]; double L[3]; long m[3]; } cases[] = {
        {1, {64, 1, 1}, {10, 1, 1}, {3, 0, 0}},
        {2, {48, 32, 1}, {12, 8, 1}, {2, -3, 0}},
        {3, {16, 12, 20}, {4, 3, 5}, {1, 2, -3}},
    };
    fa_kernel_t kr = fa_kernel_single((fa_kernel_term_t){.type = FA_KERNEL_RIESZ, .strength = 1.5, .alpha = 0.7});
    fa_kernel_t kg = fa_kernel_single((fa_kernel_term_t){.type = FA_KERNEL_GAUSSIAN, .strength = -0.4, .length = 0.6});
    for (int ci = 0; ci < 3; ci++) {
        int d = cases[ci].d;
        fa_grid_t *g;
        if (fa_grid_create(d, cases[ci].n, cases[ci].L, FA_BOUNDARY_PERIODIC, NULL, &g)) return 99;
        fa_kernel_t K[4] = {kr, kg, kg, kr};
        K[3].term[0].alpha = 0.5 * d; /* a second Riesz exponent */
        fa_spectral_t *sp;
        if (fa_spectral_create(g, 2, K, NULL, &sp)) return 99;
        long n = fa_grid_local_cells(g);
        double *buf = fftw_malloc((size_t)(4 * n + 8) * sizeof(double));
        double *f = buf, *h = buf + n, *phi0 = buf + 2 * n, *phi1 = buf + 3 * n;
        const long *m = cases[ci].m;
        double k = kmag(g, m), vol = fa_grid_length(g, 0) * fa_grid_length(g, 1) * fa_grid_length(g, 2);
        if (d < 3) vol /= fa_grid_length(g, 2);
        if (d < 2) vol /= fa_grid_length(g, 1);
        /* potentials of rho_1 = cos mode, rho_2 = 2 + cos mode: Phi_i = sum_j K^_ij(k) cos + K^_ij(0) * mean */
        fill_mode(g, m, 0, 1, f);
        fill_mode(g, m, 2, 1, h);
        const double *rho[2] = {f, h};
        double *phi[2] = {phi0, phi1};
        fa_spectral_potentials(sp, rho, phi);
        double err = 0;
        for (int i = 0; i < 2; i++) {
            double coef = fa_kernel_hat(&K[2 * i], d, k) + fa_kernel_hat(&K[2 * i + 1], d, k);
            double mean = 2 * fa_kernel_hat(&K[2 * i + 1], d, 0); /* riesz at 0 is 0 */
            for (long c = 0; c < n; c++) err = fmax(err, fabs(phi[i][c] - (coef * f[c] + mean)));
        }
        tl_check(err < 1e-12, "%dD: potentials of a cosine mode, max error %.1e", d, err);
        /* energy: spectral against 1/2 h^d sum rho_i Phi_i */
        double e_spec, e_real = 0;
        fa_spectral_energy(sp, rho, &e_spec);
        for (int i = 0; i < 2; i++)
            for (long c = 0; c < n; c++) e_real += 0.5 * fa_grid_cell_volume(g) * rho[i][c] * phi[i][c];
        tl_check(fabs(e_spec - e_real) < 1e-12 * fabs(e_real), "%dD: free energy spectral %.15g, real space %.15g", d, e_spec,
                 e_real);
        /* H^s of b + a cos(k.x) */
        const double s[4] = {0, 1, 2.5, 7};
        double norm[4], top[4];
        double b = 0.7, a = 0.3;
        fill_mode(g, m, b, a, f);
        fa_spectral_hs_norms(sp, f, s, 4, norm, top);
        for (int q = 0; q < 4; q++) {
            double expect = sqrt(vol * (b * b + 0.5 * a * a * pow(1 + k * k, s[q])));
            tl_check(fabs(norm[q] / expect - 1) < 1e-12, "%dD: ||0.7 + 0.3 cos||_H^%g = %.12g, closed form %.12g", d, s[q],
                     norm[q], expect);
        }
        tl_check(top[3] < 1e-15, "%dD: low mode: top-third share %.2g", d, top[3]);
        /* Nyquist along x (the halved axis of the real transform) and along the last axis */
        for (int ax = 0; ax < d; ax += (d > 1 ? d - 1 : 1)) {
            long mn[3] = {0, 0, 0};
            mn[ax] = fa_grid_cells(g, ax) / 2;
            /* at cell centres the Nyquist cosine vanishes: sample the sine */
            fill_phase(g, mn, 0, a, -0.5 * M_PI, f);
            fa_spectral_hs_norms(sp, f, s, 2, norm, top);
            double kn = kmag(g, mn), expect = sqrt(vol * a * a * (1 + kn * kn));
            tl_check(fabs(norm[1] / expect - 1) < 1e-12 && fabs(top[1] - 1) < 1e-15,
                     "%dD: Nyquist mode on axis %d: H^1 %.12g, closed form %.12g, top share %.2g", d, ax, norm[1], expect, top[1]);
        }
        /* kernel form int (f-g) K_11*(f-g) for f - g = a cos: L^d a^2 K^(k) / 2 */
        fill_mode(g, m, 1, a, f);
        fill_mode(g, m, 1, 0, h);
        double form;
        fa_spectral_kernel_form(sp, 0, f, h, &form);
        double expect = vol * a * a * fa_kernel_hat(&K[0], d, k) / 2;
        tl_check(fabs(form / expect - 1) < 1e-12, "%dD: kernel form %.12g, closed form %.12g", d, form, expect);
        /* misaligned input (offset by one double) gives the same H^s norms */
        double ref[2], got[2];
        fa_spectral_hs_norms(sp, f, s, 2, ref, NULL);
        double *tmp = malloc((size_t)(n + 1) * sizeof(double));
        memcpy(tmp + 1, f, (size_t)n * sizeof(double));
        fa_spectral_hs_norms(sp, tmp + 1, s, 2, got, NULL);
        tl_check(ref[0] == got[0] && ref[1] == got[1], "%dD: misaligned input gives identical norms", d);
        free(tmp);
        fftw_free(buf);
        fa_spectral_free(sp);
        fa_grid_free(g);
    }
    /* the kernel sums for 1 .. 6 species (the unrolled paths up to 4, the chunked one beyond),
     * with absent kernels: rho_j = b_j + a_j cos(k_j.x) has the exact potentials
     * Phi_i = sum_j K^_ij(|k_j|) a_j cos(k_j.x) + K^_ij(0) b_j, up to rounding: about
     * eps log2(n) per transform (n = 480) times N terms, under 2e-14 of the largest |Phi| */
    {
        long n2[3] = {24, 20, 1};
        double L2[3] = {6, 5, 1};
        fa_grid_t *g;
        if (fa_grid_create(2, n2, L2, FA_BOUNDARY_PERIODIC, NULL, &g)) return 99;
        long n = fa_grid_local_cells(g);
        for (int N = 1; N <= 6; N++) {
            fa_kernel_t K[36];
            memset(K, 0, sizeof K);
            for (int i = 0; i < N; i++)
                for (int j = 0; j < N; j++) {
                    fa_kernel_t *k = &K[i * N + j];
                    if ((i + 2 * j) % 5 == 3) continue; /* absent: FA_KERNEL_NONE */
                    if (i == j) {
                        *k = fa_kernel_single((fa_kernel_term_t){.type = FA_KERNEL_RIESZ, .strength = 1 + 0.1 * i, .alpha = 0.5 + 0.2 * i});
                    } else {
                        *k = fa_kernel_single((fa_kernel_term_t){.type = FA_KERNEL_GAUSSIAN, .strength = -0.3 + 0.05 * (i - j),
                                                                 .length = 0.4 + 0.1 * j});
                    }
                }
            fa_spectral_t *sp;
            if (fa_spectral_create(g, N, K, NULL, &sp)) return 99;
            double *buf = fftw_malloc((size_t)(2 * N * n) * sizeof(double));
            const double *rho[6];
            double *phi[6];
            long modes[6][3];
            for (int j = 0; j < N; j++) {
                long mj[3] = {j % 3, 1 - j % 2, 0};
                memcpy(modes[j], mj, sizeof mj);
                fill_mode(g, mj, 1 + 0.5 * j, 0.3 + 0.1 * j, buf + j * n);
                rho[j] = buf + j * n;
                phi[j] = buf + (N + j) * n;
            }
            fa_spectral_potentials(sp, rho, phi);
            double err = 0, scale = 0;
            double *expect = fftw_malloc((size_t)n * sizeof(double)), *mode = fftw_malloc((size_t)n * sizeof(double));
            for (int i = 0; i < N; i++) {
                memset(expect, 0, (size_t)n * sizeof(double));
                for (int j = 0; j < N; j++) {
                    const fa_kernel_t *k = &K[i * N + j];
                    if (k->nterms == 0) continue;
                    fill_mode(g, modes[j], 0, 0.3 + 0.1 * j, mode);
                    double khat = fa_kernel_hat(k, 2, kmag(g, modes[j])), k0 = fa_kernel_hat(k, 2, 0);
                    for (long c = 0; c < n; c++) expect[c] += khat * mode[c] + k0 * (1 + 0.5 * j);
                }
                for (long c = 0; c < n; c++) {
                    err = fmax(err, fabs(phi[i][c] - expect[c]));
                    scale = fmax(scale, fabs(expect[c]));
                }
            }
            fftw_free(expect);
            fftw_free(mode);
            tl_check(err <= 2e-14 * scale, "%d species (%s kernel sums), absent kernels: potentials max error %.1e of %.2g",
                     N, N <= 4 ? "unrolled" : "chunked", err, scale);
            fftw_free(buf);
            fa_spectral_free(sp);
        }
        fa_grid_free(g);
    }
    /* equal kernels share one multiplier table whatever their padding bytes hold (the test
     * compared kernels with memcmp, reading padding: valgrind's uninitialised-value report) */
    {
        long n1[3] = {16, 1, 1};
        double L1[3] = {4, 1, 1};
        fa_grid_t *g;
        if (fa_grid_create(1, n1, L1, FA_BOUNDARY_PERIODIC, NULL, &g)) return 99;
        fa_kernel_t K[4];
        memset(&K[0], 0x00, sizeof K[0]);
        memset(&K[3], 0xa5, sizeof K[3]);
        for (int i = 0; i < 4; i += 3) {
            fa_kernel_term_t *t = &K[i].term[0];
            K[i].nterms = 1;
            t->type = FA_KERNEL_RIESZ, t->strength = 1, t->alpha = 0.5, t->length = 0, t->exponent = 0;
            t->attraction = t->attraction_length = t->repulsion = t->repulsion_length = 0;
        }
        memset(&K[1], 0, 2 * sizeof K[1]); /* nterms = 0: absent */
        fa_spectral_t *sp;
        if (fa_spectral_create(g, 2, K, NULL, &sp)) return 99;
        tl_check(fa_spectral_multiplier(sp, 0, 0) == fa_spectral_multiplier(sp, 1, 1), "equal kernels K_11 = K_22 with different padding share their table");
        fa_spectral_free(sp);
        fa_grid_free(g);
    }
    return tl_exit();
}
