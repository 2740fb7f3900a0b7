/* Configuration: validation against the table of keys (config_keys.c): known sections and
 * keys (with a suggestion for a misspelt one), values of the right count, type, range and
 * choices, required sections and keys, species indices in range, exclusive keys. */
#include "config_private.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *fa_config_section_pattern(const char *section, long idx[3])
{
    static const char *plain[] = {"grid", "species", "time", "solver", "output", "kinetic"};
    idx[0] = idx[1] = idx[2] = 0;
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (strcmp(section, plain[i]) == 0) return plain[i];
    const char *p;
    char *end;
    if (strncmp(section, "kernel.", 7) == 0) {
        p = section + 7;
        if (!isdigit((unsigned char)*p)) return NULL;
        idx[0] = strtol(p, &end, 10);
        if (*end != '.' || !isdigit((unsigned char)end[1])) return NULL;
        idx[1] = strtol(end + 1, &end, 10);
        if (*end == '.' && isdigit((unsigned char)end[1])) {
            idx[2] = strtol(end + 1, &end, 10);
            if (idx[2] < 2 || idx[2] > FA_KERNEL_MAX_TERMS) return NULL;
        }
        return *end ? NULL : "kernel.I.J";
    }
    if (strncmp(section, "initial.", 8) == 0) {
        p = section + 8;
        if (!isdigit((unsigned char)*p)) return NULL;
        idx[0] = strtol(p, &end, 10);
        return *end ? NULL : "initial.I";
    }
    return NULL;
}

static int word_in(const char *word, const char *list)
{
    size_t n = strlen(word);
    for (const char *p = list; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, word, n) == 0) return 1;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

static int edit_distance(const char *a, const char *b)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > 63 || lb > 63) return 99;
    int d[64][64];
    for (int i = 0; i <= la; i++) d[i][0] = i;
    for (int j = 0; j <= lb; j++) d[0][j] = j;
    for (int i = 1; i <= la; i++)
        for (int j = 1; j <= lb; j++) {
            int sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

/* Row of the key table for (pattern, key) applicable to `type` (the section's type value,
 * or NULL). *known is set if the key exists for the pattern at all. */
const fa_config_key_t *fa_config_lookup_key(const char *pattern, const char *key, const char *type,
                                            int *known)
{
    int n;
    const fa_config_key_t *k = fa_config_keys(&n);
    *known = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(k[i].section, pattern) != 0 || strcmp(k[i].key, key) != 0) continue;
        *known = 1;
        if (!k[i].when || (type && word_in(type, k[i].when))) return &k[i];
    }
    return NULL;
}

static const char *suggest_key(const char *pattern, const char *key)
{
    int n, best = 3;
    const char *s = NULL;
    const fa_config_key_t *k = fa_config_keys(&n);
    for (int i = 0; i < n; i++) {
        if (strcmp(k[i].section, pattern) != 0) continue;
        int d = edit_distance(key, k[i].key);
        if (d < best) best = d, s = k[i].key;
    }
    return s;
}

static int check_tokens(const entry_t *e, const fa_config_key_t *k, char *buf);

/* Check one value against its row: count, type, range, choices. */
static int check_value(const entry_t *e, const fa_config_key_t *k)
{
    char *buf = fa_strdup(e->value);
    if (!buf) return FA_ENOMEM;
    int rc = check_tokens(e, k, buf);
    free(buf);
    return rc;
}

static int check_tokens(const entry_t *e, const fa_config_key_t *k, char *buf)
{
    /* a single text value (a path) is one value whatever it holds: spaces, commas, ' ;'
     * (a continuation sets the run file's own path, which may hold them) */
    if (k->type == FA_KEY_TEXT && k->max_count == 1 && strspn(buf, " \t,") < strlen(buf)) return FA_OK;
    int count = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
        count++;
        if (k->type == FA_KEY_INT || k->type == FA_KEY_REAL) {
            double v;
            long l;
            const char *why = fa_config_parse_number(tok, k->type == FA_KEY_INT, &v, &l);
            if (why)
                return FA_ERROR(FA_ECONFIG, "%s: [%s] %s = %s: '%s' %s", e->where, e->section, e->key, e->value, tok,
                                why);
            int below = k->lo_open ? v <= k->lo : v < k->lo;
            int above = k->hi_open ? v >= k->hi : v > k->hi;
            if (below || above) {
                char range[128];
                if (isinf(k->hi))
                    snprintf(range, sizeof range, "%s %g", k->lo_open ? ">" : ">=", k->lo);
                else
                    snprintf(range, sizeof range, "in %c%g, %g%c", k->lo_open ? '(' : '[', k->lo,
                             k->hi, k->hi_open ? ')' : ']');
                return FA_ERROR(FA_ECONFIG, "%s: [%s] %s = %s: %s must be %s (%s)", e->where,
                                e->section, e->key, e->value, k->key, range, k->doc);
            }
        } else if (k->type == FA_KEY_WORD && k->choices && !word_in(tok, k->choices)) {
            return FA_ERROR(FA_ECONFIG, "%s: [%s] %s = %s: must be one of %s", e->where,
                            e->section, e->key, e->value, k->choices);
        }
    }
    if (count < k->min_count || (k->max_count && count > k->max_count)) {
        if (k->max_count == 1)
            return FA_ERROR(FA_ECONFIG, "%s: [%s] %s = %s: expected one value", e->where,
                            e->section, e->key, e->value);
        return FA_ERROR(FA_ECONFIG, "%s: [%s] %s = %s: expected %d to %d values, got %d",
                        e->where, e->section, e->key, e->value, k->min_count,
                        k->max_count ? k->max_count : 99, count);
    }
    return FA_OK;
}

int fa_config_validate(const fa_config_t *c)
{
    long idx[3];
    /* 1. every entry: known section, known key, applicable, well-formed value */
    for (int i = 0; i < c->n; i++) {
        const entry_t *e = &c->e[i];
        const char *pattern = fa_config_section_pattern(e->section, idx);
        if (!pattern)
            return FA_ERROR(FA_ECONFIG,
                            "%s: unknown section [%s] (known: grid, species, kernel.I.J, kernel.I.J.T "
                            "(T = 2..%d), initial.I, time, solver, output, kinetic)",
                            e->section_where, e->section, FA_KERNEL_MAX_TERMS);
        const char *type = fa_config_get(c, e->section, "type");
        int known;
        const fa_config_key_t *k = fa_config_lookup_key(pattern, e->key, type, &known);
        if (!known) {
            const char *s = suggest_key(pattern, e->key);
            return FA_ERROR(FA_ECONFIG, "%s: [%s] unknown key '%s'%s%s%s", e->where, e->section,
                            e->key, s ? " (did you mean '" : "", s ? s : "", s ? "'?)" : "");
        }
        if (!k) {
            if (!type) continue; /* reported below as a missing type */
            return FA_ERROR(FA_ECONFIG, "%s: [%s] key '%s' does not apply to type = %s",
                            e->where, e->section, e->key, type);
        }
        FA_TRY(check_value(e, k));
    }
    /* 2. required sections */
    static const char *required_sections[] = {"grid", "time"};
    for (size_t s = 0; s < 2; s++) {
        int found = 0;
        for (int i = 0; i < c->n && !found; i++)
            found = strcmp(c->e[i].section, required_sections[s]) == 0;
        if (!found)
            return FA_ERROR(FA_ECONFIG, "%s: missing section [%s]", c->name, required_sections[s]);
    }
    /* 3. species count and indices */
    long nsp = 1;
    if (fa_config_get(c, "species", "count")) nsp = strtol(fa_config_get(c, "species", "count"), NULL, 10);
    for (int i = 0; i < c->n; i++) {
        const entry_t *e = &c->e[i];
        const char *pattern = fa_config_section_pattern(e->section, idx);
        int nidx = strcmp(pattern, "kernel.I.J") == 0 ? 2 : strcmp(pattern, "initial.I") == 0;
        for (int a = 0; a < nidx; a++)
            if (idx[a] < 1 || idx[a] > nsp)
                return FA_ERROR(FA_ECONFIG,
                                "%s: [%s] species index %ld out of range 1..%ld ([species] count = %ld)",
                                e->section_where, e->section, idx[a], nsp, nsp);
    }
    for (long s = 1; s <= nsp; s++) {
        char sec[64];
        snprintf(sec, sizeof sec, "initial.%ld", s);
        if (!fa_config_get(c, sec, "type"))
            return FA_ERROR(FA_ECONFIG, "%s: [%s] missing required key 'type' (every species needs initial data)",
                            fa_config_where(c, sec, "type"), sec);
    }
    /* 4. required keys of every present section, for its type */
    int n;
    const fa_config_key_t *k = fa_config_keys(&n);
    for (int i = 0; i < c->n; i++) {
        const entry_t *e = &c->e[i];
        int first = 1; /* check each section once, at its first entry */
        for (int j = 0; j < i && first; j++) first = strcmp(c->e[j].section, e->section) != 0;
        if (!first) continue;
        const char *pattern = fa_config_section_pattern(e->section, idx);
        const char *type = fa_config_get(c, e->section, "type");
        for (int r = 0; r < n; r++) {
            if (!k[r].required || strcmp(k[r].section, pattern) != 0) continue;
            if (k[r].when && (!type || !word_in(type, k[r].when))) continue;
            if (!fa_config_get(c, e->section, k[r].key))
                return FA_ERROR(FA_ECONFIG, "%s: [%s] missing required key '%s'%s%s", e->section_where,
                                e->section, k[r].key, type ? " for type = " : "", type ? type : "");
        }
    }
    /* 5. exclusive keys */
    if (fa_config_get(c, "time", "outputs") && fa_config_get(c, "time", "output_every"))
        return FA_ERROR(FA_ECONFIG, "%s: [time] give either outputs or output_every, not both",
                        fa_config_where(c, "time", "output_every"));
    return FA_OK;
}
