/* The configuration store's own state, shared by its files (config.c: the store, --set
 * overrides, typed access, serialisation; config_read.c: INI parsing through libinih;
 * config_validate.c: validation against the table of keys). Nobody else includes it. */
#ifndef FA_CONFIG_PRIVATE_H
#define FA_CONFIG_PRIVATE_H

#include "internal.h"

#include <ini.h>

/* inih hands the reader a buffer of INI_MAX_LINE bytes (200 in Debian's build) for a line,
 * its newline and a NUL: lines hold at most INI_MAX_LINE - 2 characters. The reader refuses
 * longer lines and the writer keeps within them, so what is written reads back. */
#define FA_CONFIG_LINE_MAX (INI_MAX_LINE - 2)

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

/* ---- the store (config.c) ---------------------------------------------------------- */

/* The entry (section, key), or NULL. */
entry_t *fa_config_entry(const fa_config_t *c, const char *section, const char *key);

/* Set (section, key) to value, remembering where from (section_where NULL: as where); an
 * existing entry keeps its place and its section's origin. FA_ENOMEM on failure. */
int fa_config_set_entry(fa_config_t *c, const char *section, const char *key, const char *value,
                        int line, const char *where, const char *section_where);

/* An empty configuration named `name` (NULL on failure, FA_ENOMEM recorded). */
fa_config_t *fa_config_new(const char *name);

/* ---- INI parsing (config_read.c) --------------------------------------------------- */

/* The offset of the first byte of buf[0..len) that breaks the text rules (no NUL, no control
 * characters but tab/CR/LF, valid UTF-8), *utf8 telling which; -1 if none. --set applies the
 * same rules as a file. */
long fa_config_bad_text_byte(const char *buf, size_t len, int *utf8);

/* Parse INI text into a new configuration named `name` (the text kept if keep_text). --set
 * parses its entry written back, to refuse what would not read back the same. */
int fa_config_parse_text(const char *text, const char *name, int keep_text, fa_config_t **out);

/* One number of a value: 0 and the number in *v, else a message's words for `tok` ("is not a
 * real number", "is out of range ..."). A value below the smallest normal double (1e-308 read
 * as a subnormal, ERANGE from strtod) is the finite number written; only overflow is out of
 * range. */
const char *fa_config_parse_number(const char *tok, int is_int, double *v, long *l);

/* ---- validation (config_validate.c) ------------------------------------------------ */

/* Section patterns: plain names, "kernel.I.J" (also "kernel.I.J.T", term T >= 2 of K_IJ, with
 * the same keys), "initial.I". Returns the pattern and the 1-based indices (0 where none), or
 * NULL for an unknown section. */
const char *fa_config_section_pattern(const char *section, long idx[3]);

/* Row of the key table for (pattern, key) applicable to `type` (the section's type value,
 * or NULL). *known is set if the key exists for the pattern at all. Typed access takes a
 * missing key's default from it. */
const fa_config_key_t *fa_config_lookup_key(const char *pattern, const char *key, const char *type,
                                            int *known);

#endif
