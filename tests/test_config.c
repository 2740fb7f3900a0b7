/* The configuration store: parsing details (comments, continuation lines, lists), overrides,
 * defaults from the key table, serialisation round trip, and the table itself. */
#include "testlib.h"

#include <string.h>

int main(void)
{
    const char *text =
        "; a comment\n# another\n[grid]\ndim = 2   ; inline comment\ncells = 32\n   48\n"
        "length = 8 12\n\n[species]\ncount = 2\nnames = a,b\n"
        "[kernel.1.2]\ntype = gaussian\nstrength = -1\nlength = 0.5\n"
        "[initial.1]\ntype = mode\nmean = 1\namplitude = 0.1\nwavenumber = 1 1\n"
        "[initial.2]\ntype = gaussian\nmass = 1\nwidth = 1\n[time]\nend = 1\n";
    fa_config_t *c;
    tl_check(fa_config_read_string(text, "t.ini", &c) == FA_OK, "parse: %s", fa_last_error());
    tl_check(strcmp(fa_config_get(c, "grid", "cells"), "32 48") == 0, "indented line continues a value: '%s'",
             fa_config_get(c, "grid", "cells"));
    tl_check(strcmp(fa_config_get(c, "grid", "dim"), "2") == 0, "inline comment stripped: '%s'", fa_config_get(c, "grid", "dim"));
    tl_check(strcmp(fa_config_where(c, "grid", "length"), "t.ini:7") == 0, "location of a key: %s", fa_config_where(c, "grid", "length"));
    tl_check(fa_config_validate(c) == FA_OK, "validates: %s", fa_last_error());
    /* defaults come from the table, per section type */
    tl_check(fa_config_get(c, "solver", "method") == NULL && strcmp(fa_config_value(c, "solver", "method"), "bdf") == 0,
             "default [solver] method = %s", fa_config_value(c, "solver", "method"));
    tl_check(strcmp(fa_config_value(c, "initial.2", "center"), "0") == 0, "default centre of a gaussian");
    tl_check(fa_config_value(c, "initial.1", "center") == NULL, "no centre default for a mode (does not apply)");
    double v[3];
    long l[3];
    tl_check(fa_config_reals(c, "grid", "length", v, 3) == 2 && v[0] == 8 && v[1] == 12, "per-axis reals");
    tl_check(fa_config_ints(c, "grid", "cells", l, 3) == 2 && l[0] == 32 && l[1] == 48, "per-axis integers");
    /* overrides: dotted sections, replacing, adding */
    tl_check(fa_config_set(c, "kernel.1.2.strength = -2") == FA_OK &&
                 strcmp(fa_config_get(c, "kernel.1.2", "strength"), "-2") == 0 &&
                 strcmp(fa_config_where(c, "kernel.1.2", "strength"), "--set kernel.1.2.strength") == 0,
             "--set replaces a key in a dotted section and records where");
    tl_check(fa_config_set(c, "solver.method=adams") == FA_OK && strcmp(fa_config_value(c, "solver", "method"), "adams") == 0,
             "--set adds a key");
    tl_check(fa_config_set(c, "nodot=1") == FA_ECONFIG, "--set without a section is refused: %s", fa_last_error());
    /* round trip through text */
    char *s = fa_config_to_string(c);
    fa_config_t *c2;
    tl_check(s && fa_config_read_string(s, "copy", &c2) == FA_OK, "serialised configuration parses again");
    tl_check(strcmp(fa_config_get(c2, "grid", "cells"), "32 48") == 0 && strcmp(fa_config_get(c2, "kernel.1.2", "strength"), "-2") == 0 &&
                 strcmp(fa_config_get(c2, "solver", "method"), "adams") == 0 && fa_config_validate(c2) == FA_OK,
             "round trip keeps every value");
    free(s);
    fa_config_free(c2);
    fa_config_free(c);
    /* the key table: every row well formed, no duplicate (section, key, type) rows */
    int n, bad = 0;
    const fa_config_key_t *k = fa_config_keys(&n);
    for (int i = 0; i < n; i++) {
        if (!k[i].doc || !*k[i].doc || (k[i].required && k[i].deflt) || k[i].min_count < 1) bad++;
        for (int j = 0; j < i; j++)
            if (!strcmp(k[i].section, k[j].section) && !strcmp(k[i].key, k[j].key) &&
                ((!k[i].when && !k[j].when) || (k[i].when && k[j].when && !strcmp(k[i].when, k[j].when))))
                bad++;
    }
    tl_check(bad == 0, "key table: %d rows, %d malformed or duplicated", n, bad);
    /* a model from the configuration uses the names given */
    fa_model_t *m = tl_model("%s", text);
    tl_check(!strcmp(fa_model_species_name(m, 1), "b") && fa_grid_cells(fa_model_grid(m), 1) == 48, "model reads names and cells");
    fa_model_free(m);

    /* regressions from fuzzing and the sanitizer builds (tests/fuzz/) */
    const char *base = "[grid]\ndim = 1\ncells = 16\nlength = 4\n[initial.1]\ntype = mode\nmean = 1\n"
                       "amplitude = 0.5\nwavenumber = 1\n[time]\nend = 1\n";
    char buf[8192];
    fa_model_t *mm;
    /* 1. a list longer than 1023 characters was cut silently when read as numbers */
    int pos = snprintf(buf, sizeof buf, "%s[output]\nhs = 0", base);
    for (int i = 1; i < 60; i++) pos += snprintf(buf + pos, sizeof buf - (size_t)pos, "\n    %d.0000000000000001", i);
    snprintf(buf + pos, sizeof buf - (size_t)pos, "\n");
    fa_config_t *c3;
    int nhs = 0;
    const double *hs = NULL;
    if (fa_config_read_string(buf, "long.ini", &c3) == FA_OK && fa_model_create(c3, NULL, &mm) == FA_OK) {
        hs = fa_model_hs_orders(mm, &nhs);
        tl_check(nhs == 60 && hs[59] == 59, "a list of %zu characters reads whole: %d orders, last %g",
                 strlen(fa_config_get(c3, "output", "hs")), nhs, nhs ? hs[nhs - 1] : -1.0);
        fa_model_free(mm);
    } else {
        tl_check(0, "a long list: %s", fa_last_error());
    }
    /* 2. ... and serialises to lines the parser takes, reading back the same */
    char *t3 = fa_config_to_string(c3);
    size_t longest = 0, len = 0;
    for (const char *p = t3; *p; p++) len = *p == '\n' ? (longest = len > longest ? len : longest, 0) : len + 1;
    fa_config_t *c4;
    tl_check(fa_config_read_string(t3, "copy", &c4) == FA_OK &&
                 strcmp(fa_config_get(c4, "output", "hs"), fa_config_get(c3, "output", "hs")) == 0,
             "the long list is written on continuation lines (longest %zu characters) and reads back", longest);
    free(t3);
    fa_config_free(c4);
    fa_config_free(c3);
    /* 3. overrides that a configuration line cannot hold are refused, not mangled */
    const char *refused[] = {"output.file=a ;b.nc", "grid.a:b=1", "gr]id.cells=1", "output.file=a\nb",
                             "output.file=\x01", "output.file=\xc3\x28"};
    if (fa_config_read_string(base, "t.ini", &c3)) return 99;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        tl_check(fa_config_set(c3, refused[i]) == FA_ECONFIG, "--set refused: %s", fa_last_error());
    tl_check(fa_config_set(c3, "output.file=;x.nc") == FA_OK, "--set accepts a value starting with ';'");
    t3 = fa_config_to_string(c3);
    if (fa_config_read_string(t3, "copy", &c4)) return 99;
    tl_check(!strcmp(fa_config_get(c4, "output", "file"), ";x.nc"), "... and it reads back: '%s'",
             fa_config_get(c4, "output", "file"));
    free(t3);
    fa_config_free(c4);
    fa_config_free(c3);
    /* 4. '= value' without a key; a comment on a continuation line; continuing an empty value */
    tl_check(fa_config_read_string("[grid]\n= 2\n", "t.ini", &c3) == FA_ECONFIG && strstr(fa_last_error(), "t.ini:2"),
             "a line without a key is refused: %s", fa_last_error());
    snprintf(buf, sizeof buf, "%s[output]\nhs = 0 1 ; first\n   2 ; second\nfile =\n   x.nc\n", base);
    if (fa_config_read_string(buf, "t.ini", &c3)) return 99;
    tl_check(!strcmp(fa_config_get(c3, "output", "hs"), "0 1 2") && !strcmp(fa_config_get(c3, "output", "file"), "x.nc"),
             "comments cut on continuation lines: hs = '%s', file = '%s'", fa_config_get(c3, "output", "hs"),
             fa_config_get(c3, "output", "file"));
    fa_config_free(c3);
    /* 4b. the line limit holds for a last line without a newline too (it could be read but
     *     not written back: written lines end with one) */
    snprintf(buf, sizeof buf, "[grid]\nk = %0194d", 0); /* 198 characters: taken */
    tl_check(fa_config_read_string(buf, "t.ini", &c3) == FA_OK, "a last line of 198 characters is read");
    fa_config_free(c3);
    snprintf(buf, sizeof buf, "[grid]\nk = %0195d", 0); /* 199 characters */
    tl_check(fa_config_read_string(buf, "t.ini", &c3) == FA_ECONFIG && strstr(fa_last_error(), "t.ini:2: line longer"),
             "a last line of 199 characters is refused: %s", fa_last_error());
    /* 5. model checks: too many names, output times that double cannot tell apart, a
     *    wavenumber of LONG_MIN (undefined behaviour in labs) */
    struct { const char *set1, *set2, *words; } refused_models[] = {
        {"species.names=a b", NULL, "2 names for 1 species"},
        {"time.start=1e16", "time.end=1.0000000000000004e16", "not distinct"},
        {"initial.1.wavenumber=-9223372036854775808", NULL, "Nyquist"},
        {"time.start=-1e308", "time.end=1e308", "not a finite number"},
    };
    for (size_t i = 0; i < sizeof refused_models / sizeof refused_models[0]; i++) {
        if (fa_config_read_string(base, "t.ini", &c3)) return 99;
        fa_config_set(c3, refused_models[i].set1);
        if (refused_models[i].set2) fa_config_set(c3, refused_models[i].set2);
        int rc = fa_model_create(c3, NULL, &mm);
        tl_check(rc == FA_ECONFIG && strstr(fa_last_error(), refused_models[i].words), "refused: %s", fa_last_error());
        if (!rc) fa_model_free(mm);
        fa_config_free(c3);
    }
    return tl_exit();
}
