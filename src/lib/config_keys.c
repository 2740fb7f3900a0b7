/* The table of configuration keys: what the validator checks against and what the manual's
 * config reference is generated from (fa_config_write_reference), so the two cannot drift.
 * Adding a key is adding a row here and reading it in model.c. */
#include "internal.h"

#include <math.h>
#include <string.h>

#define INF HUGE_VAL
/* numeric ranges: lo, hi, lo_open, hi_open */
#define ANY -INF, INF, 0, 0
#define POSITIVE 0.0, INF, 1, 0
#define NONNEG 0.0, INF, 0, 0
#define RANGE(a, b) (a), (b), 0, 0

#define SCALAR 1, 1
#define PER_AXIS 1, 3
#define LIST 1, 0

static const fa_config_key_t keys[] = {
    /* section, key, type, count, when, required, default, choices, range, doc */
    {"grid", "dim", FA_KEY_INT, SCALAR, NULL, 1, NULL, NULL, RANGE(1, 3),
     "space dimension d"},
    {"grid", "cells", FA_KEY_INT, PER_AXIS, NULL, 1, NULL, NULL, RANGE(1, INF),
     "cells per axis, x first (one value: the same on every axis)"},
    {"grid", "length", FA_KEY_REAL, PER_AXIS, NULL, 1, NULL, NULL, POSITIVE,
     "box length per axis, x first; the box is [-L/2, L/2)"},
    {"grid", "boundary", FA_KEY_WORD, SCALAR, NULL, 0, "periodic", "periodic|free", ANY,
     "periodic: the box is the torus; free: the whole space R^d, densities zero outside the box, "
     "aperiodic potentials (zero-padded FFTs of cell-integrated kernels), no flux through the box's "
     "faces; the run stops when a density reaches the box edge (edge_fraction)"},
    {"grid", "edge_fraction", FA_KEY_REAL, SCALAR, NULL, 0, "1e-4", NULL, 0.0, 1.0, 1, 1,
     "boundary = free: stop the run (exit 3, file complete up to the last good record) when the mass "
     "in the two outermost cell layers exceeds this fraction of a species' mass (the faces hold back at "
     "most that much: far below a grid's L1 error; a scheme's tails ahead of a front carry 1e-6 to 1e-5 "
     "of the mass a few cells out)"},

    {"species", "count", FA_KEY_INT, SCALAR, NULL, 0, "1", NULL, RANGE(1, 64),
     "number of species N"},
    {"species", "names", FA_KEY_TEXT, LIST, NULL, 0, NULL, NULL, ANY,
     "one name per species (default s1 s2 ...)"},

    {"kernel.I.J", "type", FA_KEY_WORD, SCALAR, NULL, 1, NULL, "riesz|gaussian|morse|newtonian|power", ANY,
     "kernel K_IJ acting on species I from species J (1-based); absent section = no interaction. "
     "[kernel.I.J.T] (T = 2..8) adds term T to K_IJ (same keys): e.g. power a = 2 plus newtonian"},
    {"kernel.I.J", "strength", FA_KEY_REAL, SCALAR, "riesz|gaussian|newtonian|power", 1, NULL, NULL, ANY,
     "C; positive repels, negative attracts (power: see exponent). newtonian: C G_d with G_1 = -|x|/2, "
     "G_2 = -log|x|/(2 pi), G_3 = 1/(4 pi |x|) (-Laplace G_d = delta)"},
    {"kernel.I.J", "alpha", FA_KEY_REAL, SCALAR, "riesz", 1, NULL, NULL, 0.0, 3.0, 1, 1,
     "exponent of C|x|^-alpha, 0 < alpha < d; s = (d - alpha)/2"},
    {"kernel.I.J", "length", FA_KEY_REAL, SCALAR, "gaussian", 1, NULL, NULL, POSITIVE,
     "l in C exp(-|x|^2/l)"},
    {"kernel.I.J", "exponent", FA_KEY_REAL, SCALAR, "power", 1, NULL, NULL, -3.0, INF, 1, 0,
     "a in C |x|^a / a, a > -d, a != 0; its gradient is C |x|^(a-2) x for every a, so C > 0 attracts "
     "(the swarming convention: |x|^a/a - |x|^b/b with a > b attracts far, repels near); a > 0 only with "
     "boundary = free"},
    {"kernel.I.J", "attraction", FA_KEY_REAL, SCALAR, "morse", 0, "0", NULL, NONNEG,
     "C_a in -C_a exp(-|x|/l_a) + C_r exp(-|x|/l_r)"},
    {"kernel.I.J", "attraction_length", FA_KEY_REAL, SCALAR, "morse", 0, "1", NULL, POSITIVE,
     "l_a"},
    {"kernel.I.J", "repulsion", FA_KEY_REAL, SCALAR, "morse", 0, "0", NULL, NONNEG, "C_r"},
    {"kernel.I.J", "repulsion_length", FA_KEY_REAL, SCALAR, "morse", 0, "1", NULL, POSITIVE,
     "l_r"},

    {"initial.I", "type", FA_KEY_WORD, SCALAR, NULL, 1, NULL,
     "barenblatt|gaussian|plateau|mode|file", ANY,
     "initial density of species I (cell averages of the profile)"},
    {"initial.I", "mass", FA_KEY_REAL, SCALAR, "barenblatt|gaussian", 1, NULL, NULL, POSITIVE,
     "total mass M"},
    {"initial.I", "time", FA_KEY_REAL, SCALAR, "barenblatt", 1, NULL, NULL, POSITIVE,
     "t0: the exact self-similar solution at time t0 (needs a riesz kernel I.I)"},
    {"initial.I", "width", FA_KEY_REAL, SCALAR, "gaussian", 1, NULL, NULL, POSITIVE,
     "sigma in M (2 pi sigma^2)^(-d/2) exp(-|x-c|^2 / (2 sigma^2)), periodised"},
    {"initial.I", "center", FA_KEY_REAL, PER_AXIS, "barenblatt|gaussian|plateau", 0, "0", NULL,
     ANY, "centre c, x first (one value: the same on every axis)"},
    {"initial.I", "value", FA_KEY_REAL, SCALAR, "plateau", 1, NULL, NULL, NONNEG,
     "rho0 inside the ball |x - c| < R"},
    {"initial.I", "radius", FA_KEY_REAL, SCALAR, "plateau", 1, NULL, NULL, POSITIVE, "R"},
    {"initial.I", "background", FA_KEY_REAL, SCALAR, "plateau", 0, "0", NULL, NONNEG,
     "rho_b outside the ball"},
    {"initial.I", "mean", FA_KEY_REAL, SCALAR, "mode", 1, NULL, NULL, NONNEG,
     "rho_bar in rho_bar + delta cos(k.x), k = 2 pi m / L"},
    {"initial.I", "amplitude", FA_KEY_REAL, SCALAR, "mode", 1, NULL, NULL, ANY,
     "delta, |delta| <= rho_bar"},
    {"initial.I", "wavenumber", FA_KEY_INT, PER_AXIS, "mode", 1, NULL, NULL, ANY,
     "integers m, x first (one per axis)"},
    {"initial.I", "path", FA_KEY_TEXT, SCALAR, "file", 1, NULL, NULL, ANY,
     "run file (NetCDF) to take the density from; its grid must match"},
    {"initial.I", "time", FA_KEY_REAL, SCALAR, "file", 0, NULL, NULL, ANY,
     "record time to take (default: the last record)"},
    {"initial.I", "species", FA_KEY_INT, SCALAR, "file", 0, NULL, NULL, RANGE(1, 64),
     "species index in the file (default: I)"},

    {"time", "start", FA_KEY_REAL, SCALAR, NULL, 0, "0", NULL, ANY,
     "time of the initial data"},
    {"time", "end", FA_KEY_REAL, SCALAR, NULL, 1, NULL, NULL, ANY, "final time T (> start)"},
    {"time", "outputs", FA_KEY_INT, SCALAR, NULL, 0, "10", NULL, RANGE(1, 1000000),
     "records after the initial one, evenly spaced up to end"},
    {"time", "output_every", FA_KEY_REAL, SCALAR, NULL, 0, NULL, NULL, POSITIVE,
     "record interval (instead of outputs); end is always recorded"},

    {"solver", "method", FA_KEY_WORD, SCALAR, NULL, 0, "bdf", "bdf|adams|ssprk3", ANY,
     "CVODE BDF (stiff), CVODE Adams, or explicit SSP-RK3 with a positivity step bound"},
    {"solver", "scheme", FA_KEY_WORD, SCALAR, NULL, 0, "muscl", "upwind|muscl|central", ANY,
     "first-order upwind, MUSCL (second order, limited slopes), or central (fourth-order face "
     "values, central flux, no limiter: smooth solutions only, not positivity preserving)"},
    {"solver", "limiter", FA_KEY_WORD, SCALAR, NULL, 0, "vanalbada",
     "minmod|vanalbada|vanleer|mc|superbee", ANY, "slope limiter of the MUSCL scheme"},
    {"solver", "rtol", FA_KEY_REAL, SCALAR, NULL, 0, "1e-6", NULL, 1e-14, 1.0, 0, 1,
     "relative tolerance (CVODE); at least 1e-14, about 45 double-precision epsilons: a step's own "
     "rounding error is larger than a smaller tolerance, which then means nothing"},
    {"solver", "atol", FA_KEY_REAL, SCALAR, NULL, 0, "1e-12", NULL, 1e-30, INF, 0, 0,
     "absolute tolerance (CVODE); at least 1e-30: near-vacuum densities are resolved to atol, and the "
     "cost grows without bound below (1D Barenblatt example: 0.5 s at 1e-12, 19 s at 1e-25, 55 s at "
     "1e-30, over 60 s at 1e-40)"},
    {"solver", "preconditioner", FA_KEY_WORD, SCALAR, NULL, 0, "fft", "fft|none", ANY,
     "Krylov preconditioner: spectral 1 + gamma rho_ref |k|^2 K^_ii(k) per species, or none"},
    {"solver", "preconditioner_levels", FA_KEY_INT, SCALAR, NULL, 0, "2", NULL, RANGE(1, 8),
     "FFT preconditioner: density levels rho_max 4^-l it interpolates between (1: rho_max only)"},
    {"solver", "nonnegative", FA_KEY_WORD, SCALAR, NULL, 0, "no", "yes|no", ANY,
     "BDF/Adams: enforce rho >= 0 by CVODE's constraints (mass then drifts at tolerance level; "
     "without: mass exact to rounding, rho >= -O(atol))"},
    {"solver", "nvector", FA_KEY_WORD, SCALAR, NULL, 0, "fracagg", "fracagg|sundials", ANY,
     "BDF/Adams state vector: fracagg's (vectorised, threaded, MPI reductions) or SUNDIALS' own "
     "NVECTOR_SERIAL / NVECTOR_PARALLEL (same results; slower where SUNDIALS is built without "
     "optimisation, as in Debian)"},
    {"solver", "threads", FA_KEY_INT, SCALAR, NULL, 0, "1", NULL, RANGE(1, 1024),
     "threads for FFTW and the flux loops; more than the processors online are capped to them "
     "(with a warning)"},
    {"solver", "max_steps", FA_KEY_INT, SCALAR, NULL, 0, "10000000", NULL, RANGE(1, INF),
     "most time steps in a run before it is stopped as failed"},
    {"solver", "cfl", FA_KEY_REAL, SCALAR, NULL, 0, "0.9", NULL, 0.0, 1.0, 1, 0,
     "SSP-RK3: fraction of the positivity and stability step bound"},
    {"solver", "fft_planning", FA_KEY_WORD, SCALAR, NULL, 0, "auto", "auto|estimate|measure",
     ANY, "FFTW planner: estimate (instant, the same plan every run, hence bitwise reproducible "
     "runs), measure (times candidate plans: 10-30 % faster transforms at 512^2-1024^2, 5x at "
     "256^3, planning 0.3-3 s; the plan, hence the rounding, may differ between runs unless a "
     "wisdom file fixes it), auto: measure from 2^18 cells up, estimate below"},
    {"solver", "collapse_width", FA_KEY_REAL, SCALAR, NULL, 0, "5", NULL, NONNEG,
     "stop the run (exit 3) when a species' mass concentrates in fewer than collapse_width^d cells, "
     "measured by the participation number (sum rho)^2 / sum rho^2 (a uniform ball of m cells: m): a "
     "finite-time aggregation or a concentration the grid does not resolve (a species that starts that "
     "concentrated is watched from half its initial number); 0: never"},
    {"solver", "wisdom", FA_KEY_TEXT, SCALAR, NULL, 0, NULL, NULL, ANY,
     "file FFTW wisdom is read from and saved to"},

    {"kinetic", "epsilon", FA_KEY_REAL, SCALAR, NULL, 0, "0.01", NULL, POSITIVE,
     "inertia epsilon of the kinetic companion (fracagg kinetic; fracagg limit sweeps it)"},
    {"kinetic", "model", FA_KEY_WORD, SCALAR, NULL, 0, "moment", "moment|particles", ANY,
     "monokinetic moment model (damped pressureless Euler, asymptotic preserving) or particles (PIC)"},
    {"kinetic", "velocity", FA_KEY_WORD, SCALAR, NULL, 0, "equilibrium", "equilibrium|zero", ANY,
     "initial velocities: the macroscopic u_i0 = -sum_j grad K_ij * rho_j0 (well prepared), or zero"},
    {"kinetic", "drift", FA_KEY_REAL, PER_AXIS, NULL, 0, "0", NULL, ANY,
     "a constant velocity added to every initial velocity, x first (both models)"},
    {"kinetic", "particles", FA_KEY_INT, SCALAR, NULL, 0, "100000", NULL, RANGE(1, 1e9),
     "particles per species (model = particles)"},
    {"kinetic", "spread", FA_KEY_REAL, SCALAR, NULL, 0, "0", NULL, NONNEG,
     "Gaussian thermal spread sigma_v of the particles' initial velocities"},
    {"kinetic", "seed", FA_KEY_INT, SCALAR, NULL, 0, "1", NULL, RANGE(0, 9e15),
     "random seed of the particle sampling (runs are reproducible for a given seed)"},

    {"output", "file", FA_KEY_TEXT, SCALAR, NULL, 0, NULL, NULL, ANY,
     "run file to write (default: the config file's name with .nc); -o overrides"},
    {"output", "overwrite", FA_KEY_WORD, SCALAR, NULL, 0, "no", "no|yes", ANY,
     "replace an existing output file (--overwrite); never an input of the run. The old file stays whole "
     "until the new one's header is written"},
    {"output", "initial_record", FA_KEY_WORD, SCALAR, NULL, 0, "auto", "auto|yes|no", ANY,
     "write the initial state as the first record; auto: yes, unless every species starts from a run "
     "file's record at [time] start (a continuation into a new file: concatenating the two files then "
     "repeats no time)"},
    {"output", "hs", FA_KEY_REAL, LIST, NULL, 0, "0 1 2", NULL, NONNEG,
     "orders s of the H^s norms recorded in hs_norm"},
};

const fa_config_key_t *fa_config_keys(int *n)
{
    if (n) *n = (int)(sizeof keys / sizeof keys[0]);
    return keys;
}

static const char *type_name(fa_key_type_t t)
{
    switch (t) {
    case FA_KEY_INT: return "integer";
    case FA_KEY_REAL: return "real";
    case FA_KEY_WORD: return "word";
    default: return "text";
    }
}

/* Markdown table cells: a '|' inside a cell must be escaped. */
static void write_cell(FILE *out, const char *text)
{
    for (const char *c = text; *c; c++) {
        if (*c == '|') fputc('\\', out);
        fputc(*c, out);
    }
}

static void write_range(FILE *out, const fa_config_key_t *k)
{
    if (k->type != FA_KEY_INT && k->type != FA_KEY_REAL) return;
    if (isinf(k->lo) && isinf(k->hi)) return;
    if (isinf(k->hi))
        fprintf(out, " %s %g", k->lo_open ? ">" : ">=", k->lo);
    else
        fprintf(out, " in %c%g, %g%c", k->lo_open ? '(' : '[', k->lo, k->hi, k->hi_open ? ')' : ']');
}

int fa_config_write_reference(FILE *out)
{
    fprintf(out, "| section | key | value | applies to | default | meaning |\n");
    fprintf(out, "|---|---|---|---|---|---|\n");
    int n;
    const fa_config_key_t *k = fa_config_keys(&n);
    for (int i = 0; i < n; i++, k++) {
        fprintf(out, "| [%s] | %s | ", k->section, k->key);
        if (k->choices)
            write_cell(out, k->choices);
        else
            fprintf(out, "%s", type_name(k->type));
        if (k->max_count != 1)
            fprintf(out, k->max_count == 0 ? " list" : " (1 to %d values)", k->max_count);
        write_range(out, k);
        fprintf(out, " | ");
        write_cell(out, k->when ? k->when : "all");
        fprintf(out, " | %s | ", k->required ? "**required**" : (k->deflt ? k->deflt : "—"));
        write_cell(out, k->doc);
        fprintf(out, " |\n");
    }
    return ferror(out) ? FA_ERROR(FA_EIO, "cannot write the key reference") : FA_OK;
}
