/* The integrator's state check (integrator.c): after every step the state must be finite and
 * its densities not negative beyond what the method leaves (rounding for SSP-RK3, the
 * tolerances for CVODE; the same for the central scheme). A failing step stops the run with
 * FA_ENUMERIC and a message that names what went wrong, where and when. Toy right-hand sides
 * on a state of two species of four cells and three further entries (as the kinetic model's
 * momenta follow its densities) make each failure happen at a known time and place. */
#include "testlib.h"

#include <string.h>

#include "integrator.h"

enum { CELLS = 4, SPECIES = 2, DENS = SPECIES * CELLS, LEN = DENS + 3 };

typedef struct {
    long where;   /* entry whose derivative is `rate` (NaN after t_bad) */
    double rate, t_bad;
} toy_t;

static int toy_rhs(void *user, double t, const double *y, double *ydot, int stage)
{
    (void)y, (void)stage;
    const toy_t *toy = user;
    for (long c = 0; c < LEN; c++) ydot[c] = 0;
    ydot[toy->where] = t >= toy->t_bad ? NAN : toy->rate;
    return FA_OK;
}

static double toy_bound(void *user, double t, const double *y)
{
    (void)user, (void)t, (void)y;
    return 0.01;
}

/* Integrate the toy from t = 0 to 1; the status, and the error message in msg. */
static int run(fa_method_t method, fa_scheme_t scheme, toy_t toy, char *msg, size_t len, double *t_stop)
{
    double y0[LEN];
    for (long c = 0; c < LEN; c++) y0[c] = 0.5;
    fa_solver_options_t opt = {.method = method, .scheme = scheme, .rtol = 1e-6, .atol = 1e-9, .threads = 1,
                               .cfl = 0.9, .nvector = FA_NVECTOR_FRACAGG, .prec_levels = 1,
                               .max_steps = 100000};
    fa_integrator_ops_t ops = {.rhs = toy_rhs, .step_bound = toy_bound, .user = &toy, .species_len = CELLS,
                               .density_name = "kinetic density", .rest_name = "kinetic momentum"};
    fa_integrator_t *it;
    if (fa_integrator_create(LEN, DENS, 0.0, y0, &opt, &ops, 0, &it)) {
        fprintf(stderr, "integrator: %s\n", fa_last_error());
        exit(99);
    }
    int rc = fa_integrator_advance(it, 1.0);
    snprintf(msg, len, "%s", rc ? fa_last_error() : "");
    *t_stop = fa_integrator_time(it);
    fa_integrator_free(it);
    return rc;
}

int main(void)
{
    char msg[512];
    double t;
    /* a NaN in species 2, cell 1 (entry 5) from t = 0.3 */
    int rc = run(FA_METHOD_SSPRK3, FA_SCHEME_MUSCL, (toy_t){5, 0.0, 0.3}, msg, sizeof msg, &t);
    tl_check(rc == FA_ENUMERIC && strstr(msg, "kinetic density of species 2 became nan") && strstr(msg, "(cell 1)") &&
                 t > 0.3 && t < 0.3 + 0.0091, /* the step whose stages saw the NaN */
             "NaN in a density: status %d, stopped at t = %.3f, \"%s\"", rc, t, msg);
    /* a NaN beyond the densities (entry 9) */
    rc = run(FA_METHOD_SSPRK3, FA_SCHEME_MUSCL, (toy_t){9, 0.0, 0.3}, msg, sizeof msg, &t);
    tl_check(rc == FA_ENUMERIC && strstr(msg, "kinetic momentum became nan"), "NaN in the rest of the state: "
             "status %d, \"%s\"", rc, msg);
    /* a density driven through zero at rate 1 from 0.5: negative from t = 0.5 on. SSP-RK3
     * steps 0.009 at a time and stops at the first step past 0.5; BDF integrates a linear
     * solution exactly and may take one step to t = 1: it stops at the step that crossed. */
    fa_method_t methods[] = {FA_METHOD_SSPRK3, FA_METHOD_BDF};
    for (int k = 0; k < 2; k++) {
        rc = run(methods[k], FA_SCHEME_MUSCL, (toy_t){2, -1.0, INFINITY}, msg, sizeof msg, &t);
        tl_check(rc == FA_ENUMERIC && strstr(msg, "kinetic density became negative") && t > 0.5 &&
                     (k ? t <= 1 : t < 0.5 + 0.0091),
                 "%s, density through zero at t = 0.5: status %d, stopped at t = %.4f, \"%s\"",
                 k ? "BDF" : "SSP-RK3", rc, t, msg);
    }
    /* the central scheme does not preserve positivity, but a negative density stops it too
     * (it ran on to t = 1 and wrote negative records before) */
    rc = run(FA_METHOD_SSPRK3, FA_SCHEME_CENTRAL, (toy_t){2, -1.0, INFINITY}, msg, sizeof msg, &t);
    tl_check(rc == FA_ENUMERIC && strstr(msg, "became negative") && t > 0.5 && t < 0.5 + 0.0091,
             "central scheme, density through zero at t = 0.5: status %d, stopped at t = %.4f, \"%s\"", rc, t, msg);
    /* a density that stays positive passes */
    rc = run(FA_METHOD_BDF, FA_SCHEME_MUSCL, (toy_t){2, -0.25, INFINITY}, msg, sizeof msg, &t);
    tl_check(rc == FA_OK && fabs(t - 1) < 1e-12, "BDF, density 0.5 - t/4 > 0: status %d, reached t = %g", rc, t);
    return tl_exit();
}
