/* The right-hand side against its lower bound: N r2c + N c2r transforms with the same plans. */
#include "grid_internal.h"
#include "solver_internal.h"
#include "spectral_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int fa_bench_rhs(fa_solver_t *s, int reps, fa_bench_result_t *out)
{
    if (reps < 1) return FA_ERROR(FA_EINVAL, "fa_bench_rhs: %d repetitions", reps);
    fa_spectral_t *sp = fa_solver_spectral(s);
    const fa_grid_layout_t *g = fa_grid_layout(fa_spectral_grid(sp));
    int N = fa_spectral_species(sp);
    long len = (long)N * g->nlocal;
    double *y = fftw_malloc((size_t)len * sizeof(double)), *ydot = fftw_malloc((size_t)len * sizeof(double));
    double *t = fa_malloc((size_t)6 * reps * sizeof(double));
    if (!y || !ydot || !t) {
        fftw_free(y);
        fftw_free(ydot);
        free(t);
        return FA_ENOMEM;
    }
    double *tr = t, *tf = t + reps, *p1 = t + 2 * reps, *p2 = t + 3 * reps, *p3 = t + 4 * reps, *p4 = t + 5 * reps;
    fa_fv_t *fv = fa_solver_fv(s);
    double *phi = fa_solver_phi_buffer(s);
    fftw_complex *work = fa_spectral_work(sp);
    const double *rho[FA_MAX_SPECIES];
    for (int j = 0; j < N; j++) rho[j] = y + j * g->nlocal;
    for (int i = 0; i < N; i++) memcpy(y + i * g->nlocal, fa_solver_density(s, i), (size_t)g->nlocal * sizeof(double));
    fa_solver_rhs(s, y, ydot); /* warm caches and pages */
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        fa_solver_rhs(s, y, ydot);
        double t1 = now();
        for (int j = 0; j < N; j++) {
            /* through the same entry points as the right-hand side: they handle the
             * distributed layout (padded rows, transposed spectrum) and alignment */
            fa_spectral_forward(sp, y + j * g->nlocal, work);
            fa_spectral_inverse(sp, work, ydot + j * g->nlocal);
        }
        double t2 = now();
        tr[r] = t1 - t0;
        tf[r] = t2 - t1;
        /* the same work in parts */
        double a = now();
        fa_spectral_forward_all(sp, rho);
        double b = now();
        fa_spectral_apply_kernels(sp);
        double c = now();
        p3[r] = p4[r] = 0;
        for (int i = 0; i < N; i++) {
            double e0 = now();
            fa_spectral_inverse_species(sp, i, phi);
            double e1 = now();
            fa_fv_divergence(fv, rho[i], phi, ydot + i * g->nlocal, NULL);
            double e2 = now();
            p3[r] += e1 - e0;
            p4[r] += e2 - e1;
        }
        p1[r] = b - a;
        p2[r] = c - b;
    }
    out->part_forward = median(p1, reps);
    out->part_kernels = median(p2, reps);
    out->part_inverse = median(p3, reps);
    out->part_fluxes = median(p4, reps);
    out->reps = reps;
    out->rhs_seconds = median(tr, reps);
    out->fft_seconds = median(tf, reps);
    out->rhs_min = tr[0];
    out->fft_min = tf[0];
    out->ratio = out->rhs_seconds / out->fft_seconds;
    fftw_free(y);
    fftw_free(ydot);
    free(t);
    return FA_OK;
}
