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
    return tl_exit();
}
