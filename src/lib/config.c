/* Configuration store: the entries, --set overrides, typed access and serialisation. Every
 * entry remembers where it came from (file and line), so each complaint points at the line to
 * fix. INI parsing through libinih is in config_read.c, validation against the table of keys
 * (config_keys.c) in config_validate.c; the shared state in config_private.h. */
#include "config_private.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the store --------------------------------------------------------------------- */

entry_t *fa_config_entry(const fa_config_t *c, const char *section, const char *key)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->e[i].section, section) == 0 && strcmp(c->e[i].key, key) == 0)
            return &c->e[i];
    return NULL;
}

int fa_config_set_entry(fa_config_t *c, const char *section, const char *key, const char *value,
                        int line, const char *where, const char *section_where)
{
    entry_t *e = fa_config_entry(c, section, key);
    if (e) {
        char *v = fa_strdup(value), *w = fa_strdup(where);
        if (!v || !w) {
            free(v);
            free(w);
            return FA_ENOMEM;
        }
        free(e->value);
        free(e->where);
        e->value = v;
        e->where = w;
        e->line = line;
        return FA_OK;
    }
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 32;
        entry_t *ne = realloc(c->e, (size_t)cap * sizeof *ne);
        if (!ne) return FA_ERROR(FA_ENOMEM, "out of memory reading the configuration");
        c->e = ne;
        c->cap = cap;
    }
    e = &c->e[c->n];
    e->section = fa_strdup(section);
    e->key = fa_strdup(key);
    e->value = fa_strdup(value);
    e->where = fa_strdup(where);
    e->section_where = fa_strdup(section_where ? section_where : where);
    e->line = line;
    if (!e->section || !e->key || !e->value || !e->where || !e->section_where) {
        free(e->section);
        free(e->key);
        free(e->value);
        free(e->where);
        free(e->section_where);
        return FA_ENOMEM;
    }
    c->n++;
    return FA_OK;
}

void fa_config_free(fa_config_t *c)
{
    if (!c) return;
    for (int i = 0; i < c->n; i++) {
        free(c->e[i].section);
        free(c->e[i].key);
        free(c->e[i].value);
        free(c->e[i].where);
        free(c->e[i].section_where);
    }
    free(c->e);
    free(c->name);
    free(c->text);
    free(c);
}

fa_config_t *fa_config_new(const char *name)
{
    fa_config_t *c = fa_calloc(1, sizeof *c);
    if (!c) return NULL;
    c->name = fa_strdup(name);
    if (!c->name) {
        free(c);
        return NULL;
    }
    return c;
}

int fa_config_copy(const fa_config_t *src, fa_config_t **out)
{
    *out = NULL;
    fa_config_t *c = fa_config_new(src->name);
    if (!c) return FA_ENOMEM;
    if (src->text && !(c->text = fa_strdup(src->text))) goto fail;
    for (int i = 0; i < src->n; i++) {
        const entry_t *e = &src->e[i];
        if (fa_config_set_entry(c, e->section, e->key, e->value, e->line, e->where, e->section_where)) goto fail;
    }
    *out = c;
    return FA_OK;
fail:
    fa_config_free(c);
    return FA_ENOMEM;
}

const char *fa_config_name(const fa_config_t *c) { return c->name; }

const char *fa_config_parse_number(const char *tok, int is_int, double *v, long *l)
{
    char *end;
    errno = 0;
    if (is_int) {
        *l = strtol(tok, &end, 10);
        *v = (double)*l;
        if (*end || end == tok) return "is not an integer";
        return errno == ERANGE ? "is out of range (an integer beyond 64 bits)" : NULL;
    }
    *v = strtod(tok, &end);
    if (*end || end == tok || (!isfinite(*v) && errno != ERANGE)) return "is not a real number";
    if (errno == ERANGE && !(fabs(*v) <= 1)) return "is out of range (beyond 1.8e308, the largest double)";
    return NULL;
}

const char *fa_config_get(const fa_config_t *c, const char *section, const char *key)
{
    const entry_t *e = fa_config_entry(c, section, key);
    return e ? e->value : NULL;
}

const char *fa_config_where(const fa_config_t *c, const char *section, const char *key)
{
    const entry_t *e = fa_config_entry(c, section, key);
    if (e) return e->where;
    /* absent key: the section's header line, if the section exists */
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->e[i].section, section) == 0) return c->e[i].section_where;
    return c->name;
}

/* ---- overrides: --set and the program ---------------------------------------------- */

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
    return s;
}

static char *serialise_entry(const char *section, const char *key, const char *value);

int fa_config_set(fa_config_t *c, const char *assignment)
{
    /* the text rules of a file, and one line: no control characters, valid UTF-8 */
    int utf8;
    long bad = fa_config_bad_text_byte(assignment, strlen(assignment), &utf8);
    if (bad < 0 && assignment[strcspn(assignment, "\r\n")]) bad = (long)strcspn(assignment, "\r\n");
    if (bad >= 0) /* the message shows the assignment up to the bad byte */
        return FA_ERROR(FA_ECONFIG, "--set %.*s...: %s (byte 0x%02x) at offset %ld", (int)bad, assignment,
                        utf8 ? "invalid UTF-8" : "control character", (unsigned char)assignment[bad], bad);
    char *a = fa_strdup(assignment);
    if (!a) return FA_ENOMEM;
    int rc = FA_OK;
    char *eq = strchr(a, '=');
    char *dot = NULL;
    if (eq) {
        *eq = '\0';
        dot = strrchr(a, '.');
    }
    if (!eq || !dot) {
        rc = FA_ERROR(FA_ECONFIG, "--set %s: expected SECTION.KEY=VALUE (e.g. grid.cells=256)",
                      assignment);
        goto done;
    }
    *dot = '\0';
    char *section = trim(a), *key = trim(dot + 1), *value = trim(eq + 1);
    if (!*section || !*key) {
        rc = FA_ERROR(FA_ECONFIG, "--set %s: empty section or key", assignment);
        goto done;
    }
    /* The entry must read back the same from the configuration's text (run files keep the
     * effective configuration as text): no ']' in the section name, no '=' or ':' in the key
     * (they end it), no ' ;' in the value (it starts a comment). */
    char *text = serialise_entry(section, key, value);
    if (!text) {
        rc = FA_ENOMEM;
        goto done;
    }
    fa_config_t *back = NULL;
    int prc = fa_config_parse_text(text, "--set", 0, &back);
    free(text);
    int same = prc == FA_OK && back->n == 1 && strcmp(back->e[0].section, section) == 0 &&
               strcmp(back->e[0].key, key) == 0 && strcmp(back->e[0].value, value) == 0;
    fa_config_free(back);
    if (prc == FA_ENOMEM) {
        rc = prc;
        goto done;
    }
    if (!same) {
        rc = FA_ERROR(FA_ECONFIG,
                      "--set %s: cannot be written as a configuration line (a ']' in the section, "
                      "'=' or ':' in the key, or ' ;' starting a comment in the value?)",
                      assignment);
        goto done;
    }
    char where[512];
    snprintf(where, sizeof where, "--set %s.%s", section, key);
    rc = fa_config_set_entry(c, section, key, value, 0, where, NULL);
done:
    free(a);
    return rc;
}

int fa_config_set_value(fa_config_t *c, const char *section, const char *key, const char *value)
{
    if (!section[0] || !key[0]) return FA_ERROR(FA_EINVAL, "fa_config_set_value: empty section or key");
    char where[512];
    snprintf(where, sizeof where, "[%s] %s (set by the program)", section, key);
    return fa_config_set_entry(c, section, key, value, 0, where, NULL);
}

static int remove_entries(fa_config_t *c, const char *section, const char *key)
{
    int w = 0;
    for (int i = 0; i < c->n; i++) {
        entry_t *e = &c->e[i];
        if (strcmp(e->section, section) == 0 && (!key || strcmp(e->key, key) == 0)) {
            free(e->section);
            free(e->key);
            free(e->value);
            free(e->where);
            free(e->section_where);
            continue;
        }
        c->e[w++] = *e;
    }
    c->n = w;
    return FA_OK;
}

int fa_config_remove_section(fa_config_t *c, const char *section) { return remove_entries(c, section, NULL); }

int fa_config_remove_key(fa_config_t *c, const char *section, const char *key)
{
    return remove_entries(c, section, key);
}

/* ---- typed access ------------------------------------------------------------------ */

const char *fa_config_value(const fa_config_t *c, const char *section, const char *key)
{
    const char *v = fa_config_get(c, section, key);
    if (v) return v;
    long idx[3];
    const char *pattern = fa_config_section_pattern(section, idx);
    if (!pattern) return NULL;
    int known;
    const fa_config_key_t *k = fa_config_lookup_key(pattern, key, fa_config_get(c, section, "type"), &known);
    return k ? k->deflt : NULL;
}

static int parse_numbers(const fa_config_t *c, const char *section, const char *key, int is_int,
                         double *dv, long *lv, int max)
{
    const char *v = fa_config_value(c, section, key);
    if (!v)
        return FA_ERROR(FA_ECONFIG, "%s: [%s] missing required key '%s'",
                        fa_config_where(c, section, key), section, key);
    char *buf = fa_strdup(v); /* the whole value: no silent truncation of long lists */
    if (!buf) return FA_ENOMEM;
    int count = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
        if (count == max) {
            count = FA_ERROR(FA_ECONFIG, "%s: [%s] %s = %s: more than %d values",
                             fa_config_where(c, section, key), section, key, v, max);
            break;
        }
        double x;
        long lx;
        const char *why = fa_config_parse_number(tok, is_int, &x, &lx);
        if (why) {
            count = FA_ERROR(FA_ECONFIG, "%s: [%s] %s = %s: '%s' %s", fa_config_where(c, section, key), section, key,
                             v, tok, why);
            break;
        }
        if (is_int)
            lv[count] = lx;
        else
            dv[count] = x;
        count++;
    }
    free(buf);
    return count;
}

int fa_config_reals(const fa_config_t *c, const char *section, const char *key, double *v, int max)
{
    return parse_numbers(c, section, key, 0, v, NULL, max);
}

int fa_config_ints(const fa_config_t *c, const char *section, const char *key, long *v, int max)
{
    return parse_numbers(c, section, key, 1, NULL, v, max);
}

/* ---- serialisation ----------------------------------------------------------------- */

/* A growing string; on allocation failure `p` is freed and set to NULL. */
typedef struct {
    char *p;
    size_t len, cap;
} strbuf_t;

static void sb_add(strbuf_t *b, const char *s, size_t n)
{
    if (!b->p) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = 2 * (b->len + n + 1);
        char *np = realloc(b->p, cap);
        if (!np) {
            free(b->p);
            b->p = NULL;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_str(strbuf_t *b, const char *s) { sb_add(b, s, strlen(s)); }

/* Can a value be split into a continuation line at position i? The parser joins a
 * continuation line to the value with one space after stripping both, and a line starting
 * with ';' or '#' is a comment: split only at a single space not followed by those. */
static int can_split(const char *v, size_t i)
{
    return i > 0 && v[i] == ' ' && !isspace((unsigned char)v[i - 1]) && v[i + 1] &&
           !isspace((unsigned char)v[i + 1]) && v[i + 1] != ';' && v[i + 1] != '#';
}

/* End of the piece value[start..end) for a line whose text starts at column col: the rest if
 * it fits in `width` columns, else the furthest split point that fits (or the first one). */
static size_t piece_end(const char *value, size_t vlen, size_t start, size_t col, size_t width)
{
    if (col + (vlen - start) <= width) return vlen;
    size_t last = 0;
    for (size_t i = start + 1; i < vlen; i++)
        if (can_split(value, i)) {
            if (col + (i - start) > width && last) break;
            last = i;
            if (col + (i - start) > width) break;
        }
    return last ? last : vlen;
}

/* "key = value\n" as the parser reads it back: a value starting with ';' follows '=' directly
 * (after a space it would be a comment), and a value too long for one line goes on indented
 * continuation lines of up to 100 characters, split at spaces. A piece that cannot be split
 * stays whole (a line longer than the parser takes is then refused when read back; values
 * from files and from fa_config_set never need that). */
static void write_entry(strbuf_t *b, const char *key, const char *value)
{
    const char *eq = value[0] == ';' ? " =" : " = ";
    size_t klen = strlen(key), vlen = strlen(value);
    if (klen + strlen(eq) + vlen <= FA_CONFIG_LINE_MAX) {
        sb_str(b, key);
        sb_str(b, eq);
        sb_add(b, value, vlen);
        sb_str(b, "\n");
        return;
    }
    const size_t width = 100, indent = 4;
    size_t end = piece_end(value, vlen, 0, klen + strlen(eq), width);
    if (klen + strlen(eq) + end > FA_CONFIG_LINE_MAX) eq = "="; /* every column counts */
    sb_str(b, key);
    sb_str(b, eq);
    size_t start = 0;
    for (;;) {
        sb_add(b, value + start, end - start);
        sb_str(b, "\n");
        if (end >= vlen) break;
        start = end + 1;
        end = piece_end(value, vlen, start, indent, width);
        sb_str(b, indent + (end - start) <= FA_CONFIG_LINE_MAX ? "    " : " ");
    }
}

static char *serialise_entry(const char *section, const char *key, const char *value)
{
    strbuf_t b = {fa_malloc(256), 0, 256};
    if (!b.p) return NULL;
    b.p[0] = '\0';
    sb_str(&b, "[");
    sb_str(&b, section);
    sb_str(&b, "]\n");
    write_entry(&b, key, value);
    if (!b.p) fa_error_at(FA_ENOMEM, __FILE__, __LINE__, "out of memory writing the configuration");
    return b.p;
}

char *fa_config_to_string(const fa_config_t *c)
{
    strbuf_t b = {fa_malloc(1024), 0, 1024};
    if (!b.p) return NULL;
    b.p[0] = '\0';
    char *done = fa_calloc((size_t)c->n + 1, 1);
    if (!done) {
        free(b.p);
        return NULL;
    }
    /* sections in order of first appearance, their keys in order */
    for (int i = 0; i < c->n; i++) {
        if (done[i]) continue;
        if (b.len) sb_str(&b, "\n");
        sb_str(&b, "[");
        sb_str(&b, c->e[i].section);
        sb_str(&b, "]\n");
        for (int j = i; j < c->n; j++) {
            if (done[j] || strcmp(c->e[j].section, c->e[i].section) != 0) continue;
            write_entry(&b, c->e[j].key, c->e[j].value);
            done[j] = 1;
        }
    }
    free(done);
    if (!b.p) fa_error_at(FA_ENOMEM, __FILE__, __LINE__, "out of memory writing the configuration");
    return b.p;
}
