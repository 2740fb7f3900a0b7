/* fracagg verify-hs: the H^s growth bound of Lemma 4.6 on run files (doc/theory/hs-check.md).
 * Reports y0, C_emp, max y/y0 and the top-third share per species and for the combined norm;
 * checks against a given constant (--C), or prints the largest C_emp (--calibrate). */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Above this share of the squared H^s norm in the top third of the wavenumbers a figure is
 * not trusted. Measured (doc/manual.md, section 6.1): the resolved runs of the scripted
 * verification (central scheme) stay below 5e-4, most below 1e-9; limited-MUSCL runs sit at
 * 1e-2 with a 0.4 % bias in C_emp that refinement does not remove (0.6 .. 0.98 in 2D H^5);
 * collapsing, under-resolved runs reach 0.1 .. 0.9. */
#define DEFAULT_MAX_SHARE 1e-3

typedef struct {
    const char **files;
    int nfiles;
    double s, C, max_share;
    int have_s, have_C, calibrate, any_s, per_species, tsv, strict;
} vargs_t;

static int parse_args(int argc, char **argv, vargs_t *a)
{
    memset(a, 0, sizeof *a);
    a->max_share = DEFAULT_MAX_SHARE;
    a->files = calloc((size_t)argc, sizeof(char *));
    if (!a->files) return -1;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *val;
        int m;
        if ((m = cli_option_value("verify-hs", argc, argv, &i, "--s", &val))) {
            if (m < 0 || cli_parse_double("verify-hs", "--s", val, &a->s)) return -1;
            if (a->s < 0) {
                fprintf(stderr, "fracagg verify-hs: --s %g: the order must be >= 0\n", a->s);
                return -1;
            }
            a->have_s = 1;
        } else if ((m = cli_option_value("verify-hs", argc, argv, &i, "--C", &val))) {
            if (m < 0 || cli_parse_double("verify-hs", "--C", val, &a->C)) return -1;
            if (!(a->C > 0)) {
                fprintf(stderr, "fracagg verify-hs: --C %g: the lemma's constant is positive\n", a->C);
                return -1;
            }
            a->have_C = 1;
        } else if ((m = cli_option_value("verify-hs", argc, argv, &i, "--max-share", &val))) {
            if (m < 0 || cli_parse_double("verify-hs", "--max-share", val, &a->max_share)) return -1;
            if (!(a->max_share > 0 && a->max_share < 1)) {
                fprintf(stderr, "fracagg verify-hs: --max-share %g: must lie in (0, 1)\n", a->max_share);
                return -1;
            }
        } else if (strcmp(arg, "--calibrate") == 0) {
            a->calibrate = 1;
        } else if (strcmp(arg, "--any-s") == 0) {
            a->any_s = 1;
        } else if (strcmp(arg, "--per-species") == 0) {
            a->per_species = 1;
        } else if (strcmp(arg, "--tsv") == 0) {
            a->tsv = 1;
        } else if (strcmp(arg, "--strict") == 0) {
            a->strict = 1;
        } else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            cli_command_help("verify-hs", stdout);
            exit(FA_EXIT_OK);
        } else if (arg[0] == '-' && arg[1] != '\0') {
            fprintf(stderr, "fracagg verify-hs: unknown option '%s'\n", arg);
            return -1;
        } else {
            a->files[a->nfiles++] = arg;
        }
    }
    if (a->nfiles == 0 || !a->have_s) {
        fprintf(stderr, "fracagg verify-hs: %s\n", a->nfiles == 0 ? "no run file given" : "--s S is required (the H^s order to analyse)");
        cli_command_help("verify-hs", stderr);
        return -1;
    }
    if (a->have_C && a->calibrate) {
        fprintf(stderr, "fracagg verify-hs: --C and --calibrate exclude each other: calibrate on one set of runs, "
                        "then check another with the constant printed\n");
        return -1;
    }
    return 0;
}

/* One analysed series (a species or the combined norm). */
typedef struct {
    int file, row, checked, valid, warn;
    fa_hs_summary_t sum;
    fa_hs_violation_t v;
} row_t;

static const char *row_name(const fa_hs_series_t *ser, int row)
{
    return row == ser->nspecies ? "combined" : ser->names[row];
}

static const char *kind_name(fa_hs_violation_kind_t k)
{
    return k == FA_HS_RICCATI ? "riccati" : k == FA_HS_FOURFOLD ? "fourfold" : "holds";
}

/* "y = 12.3 > y0/(1 - C t y0) = 11.9" */
static void describe_violation(FILE *f, const fa_hs_violation_t *v)
{
    if (v->kind == FA_HS_RICCATI)
        fprintf(f, "y = %.10g > y0/(1 - C t y0) = %.10g (Riccati comparison)", v->y, v->bound);
    else
        fprintf(f, "y = %.10g > 4 y0 = %.10g before T* = %.6g (fourfold bound)", v->y, v->bound, v->t_star);
}

int cmd_verify_hs(int argc, char **argv)
{
    vargs_t a;
    if (parse_args(argc, argv, &a) != 0) {
        free(a.files);
        return FA_EXIT_USAGE;
    }
    int code = FA_EXIT_OK;
    fa_hs_series_t *ser = calloc((size_t)a.nfiles, sizeof *ser);
    row_t *rows = NULL;
    int nrows = 0;
    if (!ser) goto nomem;

    /* read and validate every file before reporting anything */
    for (int k = 0; k < a.nfiles; k++) {
        if (fa_hs_series_read(a.files[k], a.s, &ser[k]) != FA_OK) {
            cli_error(NULL);
            code = FA_EXIT_USAGE;
            goto done;
        }
        double smin = fa_hs_lemma_min_order(ser[k].dim);
        if (!a.any_s && !(ser[k].s > smin)) {
            fprintf(stderr,
                    "fracagg verify-hs: %s is a %dD run: Lemma 4.6 needs s > d/2 + 3 = %g, got s = %g "
                    "(record a higher order in [output] hs, or pass --any-s to analyse it outside the lemma)\n",
                    a.files[k], ser[k].dim, smin, ser[k].s);
            code = FA_EXIT_USAGE;
            goto done;
        }
        nrows += ser[k].nspecies + 1;
    }
    rows = calloc((size_t)nrows, sizeof *rows);
    if (!rows) goto nomem;

    /* analyse */
    int r = 0, nviol = 0, nwarn = 0, best = -1, first = -1;
    for (int k = 0; k < a.nfiles; k++)
        for (int i = 0; i <= ser[k].nspecies; i++, r++) {
            row_t *w = &rows[r];
            w->file = k;
            w->row = i;
            const double *share, *y = fa_hs_series_row(&ser[k], i, &share);
            w->valid = fa_hs_summarise(ser[k].time, y, share, ser[k].ntimes, &w->sum) == FA_OK;
            w->checked = w->valid && (i == ser[k].nspecies || a.per_species);
            w->warn = w->valid && w->sum.top_share > a.max_share;
            nwarn += w->warn;
            if (w->checked && a.have_C) {
                if (fa_hs_check(ser[k].time, y, ser[k].ntimes, a.C, &w->v) != FA_OK) {
                    cli_error(NULL);
                    code = FA_EXIT_USAGE;
                    goto done;
                }
                if (w->v.kind != FA_HS_HOLDS) {
                    nviol++;
                    if (first < 0) first = r;
                }
            }
            if (w->checked && (best < 0 || w->sum.c_emp > rows[best].sum.c_emp)) best = r;
        }

    /* report */
    if (a.tsv) {
        printf("#file\tseries\tdim\ts\trecords\ty0\tC_emp\tt_C_emp\tC_emp_at_end\tmax_ratio\tt_max_ratio\ttop_share"
               "\tt_top_share\tchecked\tresult\tt_violation\ty_violation\tbound\tT_star\tmax_ratio_T_star\tresolution_warning\n");
        for (r = 0; r < nrows; r++) {
            const row_t *w = &rows[r];
            const fa_hs_series_t *S = &ser[w->file];
            printf("%s\t%s\t%d\t%.10g\t%ld", S->path, row_name(S, w->row), S->dim, S->s, S->ntimes);
            if (!w->valid) {
                printf("\t0\t-\t-\t-\t-\t-\t-\t-\t0\t-\t-\t-\t-\t-\t-\t0\n");
                continue;
            }
            const fa_hs_summary_t *u = &w->sum;
            printf("\t%.17g\t%.17g\t%.10g\t%d\t%.17g\t%.10g\t%.6g\t%.10g\t%d", u->y0, u->c_emp, u->t_c_emp, u->c_emp_at_end,
                   u->max_ratio, u->t_max_ratio, u->top_share, u->t_top_share, w->checked);
            if (w->checked && a.have_C && w->v.kind != FA_HS_HOLDS)
                printf("\t%s\t%.10g\t%.17g\t%.17g\t%.10g\t%.10g", kind_name(w->v.kind), w->v.time, w->v.y, w->v.bound,
                       w->v.t_star, w->v.max_ratio_tstar);
            else if (w->checked && a.have_C)
                printf("\tholds\t-\t-\t-\t%.10g\t%.10g", w->v.t_star, w->v.max_ratio_tstar);
            else
                printf("\t-\t-\t-\t-\t-\t-");
            printf("\t%d\n", w->warn);
        }
    } else {
        printf("H^%g growth bound (Lemma 4.6: d/dt y <= C y^2 for y = ||rho||_H^s, s > d/2 + 3)\n", a.s);
        printf("C_emp = max_t (1/y0 - 1/y(t))/t, the smallest C the series satisfies; "
               "top share = max_t share of y^2 in the top third of the wavenumbers\n");
        r = 0;
        for (int k = 0; k < a.nfiles; k++) {
            const fa_hs_series_t *S = &ser[k];
            printf("\n%s: %dD, %d species, s = %g, %ld records, t = %g .. %g\n", S->path, S->dim, S->nspecies, S->s,
                   S->ntimes, S->time[0], S->time[S->ntimes - 1]);
            printf("  %-12s %13s %13s %10s %12s %10s %11s\n", "series", "y0", "C_emp", "at t", "max y/y0", "at t",
                   "top share");
            for (int i = 0; i <= S->nspecies; i++, r++) {
                const row_t *w = &rows[r];
                if (!w->valid) {
                    printf("  %-12s %13.6g %13s (no analysis: y0 is not positive)\n", row_name(S, i), fa_hs_series_row(S, i, NULL)[0], "-");
                    continue;
                }
                const fa_hs_summary_t *u = &w->sum;
                printf("  %-12s %13.6e %13.6e %10.4g %12.6g %10.4g %11.2e%s%s\n", row_name(S, i), u->y0, u->c_emp, u->t_c_emp,
                       u->max_ratio, u->t_max_ratio, u->top_share, u->c_emp_at_end ? "  (C_emp at the last record)" : "",
                       w->warn ? "  (!)" : "");
            }
            for (int i = 0, r0 = r - S->nspecies - 1; i <= S->nspecies; i++) {
                const row_t *w = &rows[r0 + i];
                if (w->warn)
                    printf("  warning: %s: top-third share %.2e > %g (at t = %g): the H^%g norm is not resolved there; "
                           "its figures cannot be trusted\n",
                           row_name(S, i), w->sum.top_share, a.max_share, w->sum.t_top_share, S->s);
            }
            if (a.have_C)
                for (int i = 0, r0 = r - S->nspecies - 1; i <= S->nspecies; i++) {
                    const row_t *w = &rows[r0 + i];
                    if (!w->checked) continue;
                    printf("  check %-9s C = %g, T* = 3/(4 C y0) = %.6g: ", row_name(S, i), a.C, w->v.t_star);
                    if (w->v.kind == FA_HS_HOLDS) {
                        printf("holds (Riccati comparison at every record; max y/y0 up to min(T*, end) = %.6g <= 4)\n",
                               w->v.max_ratio_tstar);
                    } else {
                        printf("FAILS at t = %.10g: ", w->v.time);
                        describe_violation(stdout, &w->v);
                        printf("\n");
                    }
                }
        }
        printf("\n");
        const char *what = a.per_species ? "the combined norm and every species" : "the combined norm";
        if (a.have_C) {
            if (nviol == 0) {
                printf("verify-hs: %d file%s checked against C = %.10g (%s): all bounds hold\n", a.nfiles,
                       a.nfiles == 1 ? "" : "s", a.C, what);
            } else {
                const row_t *w = &rows[first];
                printf("verify-hs: %d file%s checked against C = %.10g (%s): %d violation%s; first: %s, %s, t = %.10g: ",
                       a.nfiles, a.nfiles == 1 ? "" : "s", a.C, what, nviol, nviol == 1 ? "" : "s",
                       ser[w->file].path, row_name(&ser[w->file], w->row), w->v.time);
                describe_violation(stdout, &w->v);
                printf("\n");
            }
        } else {
            printf("verify-hs: no --C given: report only, nothing checked (C_emp of a run always \"passes\" on that run)\n");
        }
        if (nwarn)
            printf("verify-hs: %d series above the top-third share %g: not resolved, figures not trusted%s\n", nwarn,
                   a.max_share, a.strict ? " (--strict: counted as a failure)" : "");
    }
    if (nviol) code = FA_EXIT_CHECK;
    if (nwarn && a.strict) code = FA_EXIT_CHECK;
    if (a.calibrate) {
        const row_t *w = &rows[best];
        if (!(w->sum.c_emp > 0)) {
            fprintf(stderr,
                    "fracagg verify-hs: no checked series grew (largest C_emp = %g, %s, %s): a positive constant cannot "
                    "be calibrated from these runs; include runs whose H^s norm grows\n",
                    w->sum.c_emp, ser[w->file].path, row_name(&ser[w->file], w->row));
            code = FA_EXIT_USAGE;
            goto done;
        }
        if (!a.tsv)
            printf("verify-hs: largest C_emp = %.17g (%s, %s, at t = %g)%s; to check other runs with it:\n", w->sum.c_emp,
                   ser[w->file].path, row_name(&ser[w->file], w->row), w->sum.t_c_emp,
                   w->sum.c_emp_at_end ? " [at its last record: the run may end before the maximum]" : "");
        printf("--C %.17g\n", w->sum.c_emp);
    }
done:
    if (ser)
        for (int k = 0; k < a.nfiles; k++) fa_hs_series_free(&ser[k]);
    free(ser);
    free(rows);
    free(a.files);
    return code;
nomem:
    fprintf(stderr, "fracagg verify-hs: out of memory\n");
    code = FA_EXIT_FAILED;
    goto done;
}
