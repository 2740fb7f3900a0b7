/* Configuration: INI parsing through libinih, of files and of strings, with the text rules
 * (UTF-8, no control characters, lines inih can hold) and the line of every key. */
#include "config_private.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    fa_config_t *cfg;
    const char *text; /* remaining input */
    int line;         /* line number of the line last handed to inih */
    int continuation; /* inih takes that line as the continuation of the last key's value */
    int have_key;     /* inih's "previous name": a key line since the last section header */
    int last;         /* entry of the last key line, -1 if none */
    int too_long;     /* line number of an over-long line */
    int header_line;  /* line of the last [section] header */
    int bad_header;   /* line of the first header with text after its ']' (inih ignores it) */
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
        const char *r = *q == ']' ? q + 1 : q;
        while (isspace((unsigned char)*r)) r++;
        if (*r && *r != ';' && *r != '#' && !ps->bad_header) ps->bad_header = ps->line; /* "[grid]]" */
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
    entry_t *e = fa_config_entry(c, section, name);
    if (e) {
        ps->error = FA_ERROR(FA_ECONFIG, "%s:%d: [%s] %s: duplicate key (first set at %s)",
                             c->name, ps->line, section, name, e->where);
        return 0;
    }
    char where[1024], swhere[1024];
    snprintf(where, sizeof where, "%s:%d", c->name, ps->line);
    snprintf(swhere, sizeof swhere, "%s:%d", c->name, ps->header_line);
    if (fa_config_set_entry(c, section, name, value, ps->line, where, ps->header_line ? swhere : NULL))
        return ps->error = FA_ENOMEM, 0;
    ps->last = c->n - 1;
    return 1;
}

/* A configuration must be text: no NUL bytes, no control characters but tab/CR/LF, and
 * valid UTF-8 (names and comments may be non-ASCII). Returns the offset of the first byte
 * that breaks this (with *utf8 telling which rule), or -1. */
long fa_config_bad_text_byte(const char *buf, size_t len, int *utf8)
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
    long bad = fa_config_bad_text_byte(buf, len, &utf8);
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
int fa_config_parse_text(const char *text, const char *name, int keep_text, fa_config_t **out)
{
    *out = NULL;
    FA_TRY(check_text(name, text, strlen(text)));
    fa_config_t *c = fa_config_new(name);
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
    if (ps.bad_header) {
        fa_config_free(c);
        return FA_ERROR(FA_ECONFIG, "%s:%d: malformed section header (expected '[name]' and nothing but a comment "
                        "after it)", name, ps.bad_header);
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
    return fa_config_parse_text(text, name, 1, out);
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
