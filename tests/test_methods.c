/* BDF, Adams and SSP-RK3 agree to the tolerance requested: each against a reference run
 * (BDF, rtol 1e-11), two species with smooth data on a 2D box. CVODE controls the local
 * error per step at rtol; the global error over a run is a small multiple of it (measured
 * up to 2.4 rtol; the test allows 5 rtol, max norm relative to max rho). SSP-RK3 has no tolerance: its error is set by
 * the step bound and shrinks like dt^3 (checked at cfl 0.9 and 0.3). Threads and SUNDIALS' own
 * NVECTOR_SERIAL change only the order of sums. */
#include "testlib.h"

static const char *cfg =
    "[grid]\ndim = 2\ncells = 32 48\nlength = 8 12\n"
    "[species]\ncount = 2\n"
    "[kernel.1.1]\ntype = riesz\nstrength = 1\nalpha = 1.2\n"
    "[kernel.2.2]\ntype = riesz\nstrength = 0.5\nalpha = 0.8\n"
    "[kernel.1.2]\ntype = gaussian\nstrength = -0.5\nlength = 1\n"
    "[kernel.2.1]\ntype = morse\nattraction = 0.3\nattraction_length = 1.5\nrepulsion = 0.1\nrepulsion_length = 0.5\n"
    "[initial.1]\ntype = gaussian\nmass = 1\nwidth = 0.8\ncenter = -1 0.5\n"
    "[initial.2]\ntype = gaussian\nmass = 2\nwidth = 1.0\ncenter = 1 -0.5\n"
    "[time]\nend = 0.5\noutputs = 1\n"
    "[solver]\nmethod = %s\nrtol = %g\natol = 1e-14\ncfl = %g\nthreads = %d\nnvector = %s\n";

static int threads = 1;
static const char *nvector = "fracagg";

static double *solve(const char *method, double rtol, double cfl, fa_solver_stats_t *st)
{
    fa_model_t *m = tl_model(cfg, method, rtol, cfl, threads, nvector);
    double *y = tl_solve(m, 0.5, st);
    fa_model_free(m);
    return y;
}

int main(void)
{
    const long n = 2 * 32 * 48;
    fa_solver_stats_t st;
    double *ref = solve("bdf", 1e-11, 0.9, &st);
    double scale = 0;
    for (long c = 0; c < n; c++) scale = fmax(scale, fabs(ref[c]));
    printf("reference: BDF rtol 1e-11, %ld steps; max rho %.4f\n", st.steps, scale);
    const char *cv[] = {"bdf", "adams"};
    for (int k = 0; k < 2; k++)
        for (double rtol = 1e-4; rtol >= 1e-8; rtol *= 1e-2) {
            double *y = solve(cv[k], rtol, 0.9, &st);
            double err = tl_max_abs_diff(y, ref, n) / scale;
            tl_check(err <= 5 * rtol, "%-5s rtol %.0e: max error %.2e <= 5 rtol (%ld steps, %ld RHS)", cv[k], rtol, err,
                     st.steps, st.rhs_evals);
            free(y);
        }
    /* SSP-RK3: the error of a run with mean step dt = T/steps against the reference */
    const double cfls[] = {0.9, 0.3, 0.1};
    double e_prev = 0, dt_prev = 0, err = 0, p = 0;
    for (int k = 0; k < 3; k++) {
        double *y = solve("ssprk3", 1e-6 /* unused */, cfls[k], &st);
        err = tl_max_abs_diff(y, ref, n) / scale;
        double dt = 0.5 / (double)st.steps;
        printf("ssprk3 cfl %.1f: %3ld steps, mean dt %.4f, max error %.2e", cfls[k], st.steps, dt, err);
        if (k > 0) printf(", observed order %.2f", p = log(e_prev / err) / log(dt_prev / dt));
        printf("\n");
        e_prev = err;
        dt_prev = dt;
        free(y);
    }
    tl_check(p > 2.5, "ssprk3: error falls like dt^%.2f (third order: > 2.5)", p);
    tl_check(err <= 5e-6, "ssprk3 at cfl 0.1 agrees with BDF/Adams at rtol 1e-6: %.2e <= 5e-6", err);
    /* threads: FFTW's threaded transforms and the flux loops split between threads give the
     * same answer up to rounding, which the step-size control may amplify a little */
    fa_solver_stats_t st1, st2;
    double *y1 = solve("bdf", 1e-6, 0.9, &st1);
    threads = 2;
    double *y2 = solve("bdf", 1e-6, 0.9, &st2);
    threads = 1;
    double dthr = tl_max_abs_diff(y1, y2, n) / scale;
    tl_check(dthr <= 1e-10, "threads = 2 agrees with threads = 1: max difference %.1e (steps %ld, %ld)", dthr, st1.steps,
             st2.steps);
    /* SUNDIALS' NVECTOR_SERIAL in place of fracagg's vector: the same CVODE algorithm, only
     * the summation order of the reductions differs */
    nvector = "sundials";
    double *y3 = solve("bdf", 1e-6, 0.9, &st2);
    nvector = "fracagg";
    double dnv = tl_max_abs_diff(y1, y3, n) / scale;
    tl_check(dnv <= 1e-10, "nvector = sundials agrees with fracagg's vector: max difference %.1e (steps %ld, %ld)", dnv,
             st1.steps, st2.steps);
    free(y1);
    free(y2);
    free(y3);
    free(ref);
    return tl_exit();
}
