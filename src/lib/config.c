/* Configuration store: INI parsing through libinih, --set overrides, validation against the
 * table of keys (config_keys.c). Every entry remembers where it came from (file and line), so
 * each complaint points at the line to fix. */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *section, *key, *value;
    int line;      /* 0 = command line */
    char *where;   /* "file:line" or "--set section.key" */
    char *section_where; /* "file:line" of the section's header, or as where */
} entry_t;

struct fa_config {
    char *name;     /* file path or given name */
    char *text;     /* source text as read */
    entry_t *e;
    int n, cap;
};

/* ---- the store --------------------------------------------------------------------- */

static entry_t *find(const fa_config_t *c, const char *section, const char *key)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->e[i].section, section) == 0 && strcmp(c->e[i].key, key) == 0)
            return &c->e[i];
    return NULL;
}

static int set_entry(fa_config_t *c, const char *section, const char *key, const char *value,
                     int line, const char *where, const char *section_where)
{
    entry_t *e = find(c, section, key);
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

static fa_config_t *config_new(const char *name)
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
    fa_config_t *c = config_new(src->name);
    if (!c) return FA_ENOMEM;
    if (src->text && !(c->text = fa_strdup(src->text))) goto fail;
    for (int i = 0; i < src->n; i++) {
        const entry_t *e = &src->e[i];
        if (set_entry(c, e->section, e->key, e->value, e->line, e->where, e->section_where)) goto fail;
    }
    *out = c;
    return FA_OK;
fail:
    fa_config_free(c);
    return FA_ENOMEM;
}

const char *fa_config_name(const fa_config_t *c) { return c->name; }

const char *fa_config_get(const fa_config_t *c, const char *section, const char *key)
{
    const entry_t *e = find(c, section, key);
    return e ? e->value : NULL;
}

const char *fa_config_where(const fa_config_t *c, const char *section, const char *key)
{
    const entry_t *e = find(c, section, key);
    if (e) return e->where;
    /* absent key: the section's header line, if the section exists */
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->e[i].section, section) == 0) return c->e[i].section_where;
    return c->name;
}

/* ---- INI parsing ------------------------------------------------------------------- */

/* inih hands the reader a buffer of INI_MAX_LINE bytes (200 in Debian's build) for a line,
 * its newline and a NUL: lines hold at most INI_MAX_LINE - 2 characters. */
#define FA_CONFIG_LINE_MAX (INI_MAX_LINE - 2)

typedef struct {
    fa_config_t *cfg;
    const char *text; /* remaining input */
    int line;         /* line number of the line last handed to inih */
    int continuation; /* inih takes that line as the continuation of the last key's value */
    int have_key;     /* inih's "previous name": a key line since the last section header */
    int last;         /* entry of the last key line, -1 if none */
    int too_long;     /* line number of an over-long line */
    int header_line;  /* line of the last [section] header */
    int error;        /* first error code from the handler */
} parse_state_t;

/* First of `chars` in s, or a ';' after whitespace (an inline comment), or the end: inih's
 * find_chars_or_comment. */
static const char *until(const char *s, const char *chars)
{
    int was_space = 0;
    while (*s && !strchr(chars, *s) && !(was_space && *s == ';')) was_space = isspace((unsigned char)*s++);
    return s;
}

/* inih reader over an in-memory text: hands out one line at a time, counting lines so that
 * the handler knows where each key is (Debian's libinih is built without line numbers), and
 * classifying each line as inih will: a non-blank, non-comment line that starts with
 * whitespace after a key line is a continuation. (inih passes a continuation to the handler
 * under a copy of the key cut to 49 characters, so the handler cannot tell by the name.) */
static char *reader(char *str, int num, void *stream)
{
    parse_state_t *ps = stream;
    if (ps->too_long || *ps->text == '\0') return NULL;
    const char *nl = strchr(ps->text, '\n');
    size_t len = nl ? (size_t)(nl - ps->text) + 1 : strlen(ps->text);
    ps->line++;
    /* at most FA_CONFIG_LINE_MAX characters besides the newline, also on a last line without
     * one (which inih's buffer would take one longer): what is read can be written back */
    size_t chars = len - (nl != NULL), most = (size_t)num - 2;
    if (most > FA_CONFIG_LINE_MAX) most = FA_CONFIG_LINE_MAX;
    if (chars > most) {
        ps->too_long = ps->line;
        return NULL;
    }
    memcpy(str, ps->text, len);
    str[len] = '\0';
    ps->text += len;
    const char *p = str;
    if (ps->line == 1 && strncmp(p, "\xef\xbb\xbf", 3) == 0) p += 3; /* inih skips a BOM */
    const char *start = p;
    while (isspace((unsigned char)*p)) p++;
    ps->continuation = 0;
    if (!*p || *p == ';' || *p == '#') return str; /* blank or comment */
    if (p > start && ps->have_key) {
        ps->continuation = 1;
    } else if (*p == '[') { /* a header if ']' comes before a comment */
        const char *q = until(p + 1, "]");
        if (*q == ']') ps->header_line = ps->line, ps->have_key = 0;
    } else { /* "key = value" if '=' or ':' comes before a comment */
        const char *q = until(p, "=:");
        if (*q == '=' || *q == ':') ps->have_key = 1;
    }
    return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
    parse_state_t *ps = user;
    fa_config_t *c = ps->cfg;
    if (ps->error) return 0;
    if (ps->continuation && ps->last >= 0) {
        /* an indented line continues the previous value; inih leaves a comment after ';'
         * on such a line in the value: cut it as on the first line */
        entry_t *e = &c->e[ps->last];
        size_t len = strlen(value);
        for (size_t i = 1; i < len; i++)
            if (value[i] == ';' && isspace((unsigned char)value[i - 1])) {
                len = i;
                break;
            }
        while (len > 0 && isspace((unsigned char)value[len - 1])) len--;
        char *v = fa_asprintf("%s%s%.*s", e->value, *e->value && len ? " " : "", (int)len, value);
        if (!v) return ps->error = FA_ENOMEM, 0;
        free(e->value);
        e->value = v;
        return 1;
    }
    if (!*name) { /* "= value": written back it would read as a continuation line */
        ps->error = FA_ERROR(FA_ECONFIG, "%s:%d: [%s] '=' or ':' without a key before it", c->name, ps->line,
                             section);
        return 0;
    }
    entry_t *e = find(c, section, name);
    if (e) {
        ps->error = FA_ERROR(FA_ECONFIG, "%s:%d: [%s] %s: duplicate key (first set at %s)",
                             c->name, ps->line, section, name, e->where);
        return 0;
    }
    char where[1024], swhere[1024];
    snprintf(where, sizeof where, "%s:%d", c->name, ps->line);
    snprintf(swhere, sizeof swhere, "%s:%d", c->name, ps->header_line);
    if (set_entry(c, section, name, value, ps->line, where, ps->header_line ? swhere : NULL))
        return ps->error = FA_ENOMEM, 0;
    ps->last = c->n - 1;
    return 1;
}

/* A configuration must be text: no NUL bytes, no control characters but tab/CR/LF, and
 * valid UTF-8 (names and comments may be non-ASCII). Returns the offset of the first byte
 * that breaks this (with *utf8 telling which rule), or -1. */
static long bad_text_byte(const char *buf, size_t len, int *utf8)
{
    *utf8 = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)buf[i];
        if (ch == 0 || (ch < 32 && ch != '\t' && ch != '\r' && ch != '\n') || ch == 127) return (long)i;
        if (ch >= 0x80) { /* UTF-8 sequence */
            int extra = ch >= 0xf0 && ch < 0xf5 ? 3 : ch >= 0xe0 ? 2 : ch >= 0xc2 && ch < 0xe0 ? 1 : -1;
            if (ch >= 0xf5) extra = -1;
            for (int k = 1; extra > 0 && k <= extra; k++)
                if (i + (size_t)k >= len || ((unsigned char)buf[i + k] & 0xc0) != 0x80) extra = -1;
            if (extra < 0) {
                *utf8 = 1;
                return (long)i;
            }
            i += (size_t)extra;
        }
    }
    return -1;
}

static int check_text(const char *name, const char *buf, size_t len)
{
    int utf8;
    long bad = bad_text_byte(buf, len, &utf8);
    if (bad < 0) return FA_OK;
    int line = 1;
    for (long i = 0; i < bad; i++) line += buf[i] == '\n';
    if (utf8)
        return FA_ERROR(FA_ECONFIG, "%s:%d: not a text configuration file (invalid UTF-8 at offset %ld)",
                        name, line, bad);
    return FA_ERROR(FA_ECONFIG, "%s:%d: not a text configuration file (control byte 0x%02x at offset %ld)",
                    name, line, (unsigned char)buf[bad], bad);
}

/* Parse INI text into a new configuration named `name` (the text kept if keep_text). */
static int parse_text(const char *text, const char *name, int keep_text, fa_config_t **out)
{
    *out = NULL;
    FA_TRY(check_text(name, text, strlen(text)));
    fa_config_t *c = config_new(name);
    if (!c) return FA_ENOMEM;
    if (keep_text && !(c->text = fa_strdup(text))) {
        fa_config_free(c);
        return FA_ENOMEM;
    }
    parse_state_t ps = {.cfg = c, .text = text, .last = -1};
    int rc = ini_parse_stream(reader, &ps, handler, &ps);
    if (ps.error) {
        fa_config_free(c);
        return ps.error;
    }
    if (ps.too_long) {
        fa_config_free(c);
        return FA_ERROR(FA_ECONFIG, "%s:%d: line longer than %d characters", name, ps.too_long,
                        FA_CONFIG_LINE_MAX);
    }
    if (rc != 0) {
        fa_config_free(c);
        return FA_ERROR(FA_ECONFIG,
                        "%s:%d: syntax error (expected '[section]', 'key = value' or a comment)",
                        name, rc);
    }
    *out = c;
    return FA_OK;
}

int fa_config_read_string(const char *text, const char *name, fa_config_t **out)
{
    *out = NULL;
    if (!text || !name) return FA_ERROR(FA_EINVAL, "fa_config_read_string: NULL argument");
    return parse_text(text, name, 1, out);
}

int fa_config_read_file(const char *path, fa_config_t **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return FA_ERROR(FA_EIO, "cannot open configuration %s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 4096) {
            size_t ncap = cap ? 2 * cap : 8192;
            if (ncap > ((size_t)64 << 20)) {
                free(buf);
                fclose(f);
                return FA_ERROR(FA_ECONFIG, "%s: configuration larger than 64 MiB", path);
            }
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                fclose(f);
                return FA_ERROR(FA_ENOMEM, "out of memory reading %s", path);
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0) break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        return FA_ERROR(FA_EIO, "cannot read configuration %s", path);
    }
    buf[len] = '\0';
    int rc = check_text(path, buf, len);
    if (rc == FA_OK) rc = fa_config_read_string(buf, path, out);
    free(buf);
    return rc;
}

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
    long bad = bad_text_byte(assignment, strlen(assignment), &utf8);
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
    int prc = parse_text(text, "--set", 0, &back);
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
    rc = set_entry(c, section, key, value, 0, where, NULL);
done:
    free(a);
    return rc;
}

int fa_config_set_value(fa_config_t *c, const char *section, const char *key, const char *value)
{
    if (!section[0] || !key[0]) return FA_ERROR(FA_EINVAL, "fa_config_set_value: empty section or key");
    char where[512];
    snprintf(where, sizeof where, "[%s] %s (set by the program)", section, key);
    return set_entry(c, section, key, value, 0, where, NULL);
}

int fa_config_remove_section(fa_config_t *c, const char *section)
{
    int w = 0;
    for (int i = 0; i < c->n; i++) {
        entry_t *e = &c->e[i];
        if (strcmp(e->section, section) == 0) {
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

/* ---- validation -------------------------------------------------------------------- */

/* Section patterns: plain names, "kernel.I.J" (also "kernel.I.J.T", term T >= 2 of K_IJ, with
 * the same keys), "initial.I". Returns the pattern and the 1-based indices (0 where none), or
 * NULL for an unknown section. */
static const char *section_pattern(const char *section, long idx[3])
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
static const fa_config_key_t *lookup_key(const char *pattern, const char *key, const char *type,
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
    int count = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
        count++;
        if (k->type == FA_KEY_INT || k->type == FA_KEY_REAL) {
            char *end;
            errno = 0;
            double v;
            if (k->type == FA_KEY_INT) {
                long l = strtol(tok, &end, 10);
                v = (double)l;
            } else {
                v = strtod(tok, &end);
            }
            if (*end || end == tok || errno == ERANGE || !isfinite(v))
                return FA_ERROR(FA_ECONFIG, "%s: [%s] %s = %s: '%s' is not %s", e->where,
                                e->section, e->key, e->value, tok,
                                k->type == FA_KEY_INT ? "an integer" : "a real number");
            int below = k->lo_open ? v <= k->lo : v < k->lo;
            int above = k->hi_open ? v >= k->hi : v > k->hi;
            if (below || above) {
                char range[128];
                if (isinf(k->hi))
                    snprintf(range, sizeof range, "%s %g", k->lo_open ? ">" : ">=", k->lo);
                else
                    snprintf(range, sizeof range, "in %c%g, %g%c", k->lo_open ? '(' : '[', k->lo,
                             k->hi, k->hi_open ? ')' : ']');
                return FA_ERROR(FA_ECONFIG, "%s: [%s] %s = %s: %s must be %s", e->where,
                                e->section, e->key, e->value, k->key, range);
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
        const char *pattern = section_pattern(e->section, idx);
        if (!pattern)
            return FA_ERROR(FA_ECONFIG,
                            "%s: unknown section [%s] (known: grid, species, kernel.I.J, kernel.I.J.T "
                            "(T = 2..%d), initial.I, time, solver, output, kinetic)",
                            e->section_where, e->section, FA_KERNEL_MAX_TERMS);
        const char *type = fa_config_get(c, e->section, "type");
        int known;
        const fa_config_key_t *k = lookup_key(pattern, e->key, type, &known);
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
        const char *pattern = section_pattern(e->section, idx);
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
        const char *pattern = section_pattern(e->section, idx);
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

/* ---- typed access ------------------------------------------------------------------ */

const char *fa_config_value(const fa_config_t *c, const char *section, const char *key)
{
    const char *v = fa_config_get(c, section, key);
    if (v) return v;
    long idx[3];
    const char *pattern = section_pattern(section, idx);
    if (!pattern) return NULL;
    int known;
    const fa_config_key_t *k = lookup_key(pattern, key, fa_config_get(c, section, "type"), &known);
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
        char *end;
        errno = 0;
        if (is_int)
            lv[count] = strtol(tok, &end, 10);
        else
            dv[count] = strtod(tok, &end);
        if (*end || end == tok || errno == ERANGE || (!is_int && !isfinite(dv[count]))) {
            count = FA_ERROR(FA_ECONFIG, "%s: [%s] %s = %s: '%s' is not %s",
                             fa_config_where(c, section, key), section, key, v, tok,
                             is_int ? "an integer" : "a real number");
            break;
        }
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
