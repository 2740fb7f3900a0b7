/**
 * @file config.h
 * Run configuration: INI files (parsed by libinih), command-line overrides, validation.
 *
 * A configuration is a set of `[section] key = value` entries, each remembering the file
 * and line it came from so that every complaint can point at it. The keys the project
 * knows are listed in one table (fa_config_keys()); the validator checks against that table
 * and the documentation is generated from it, so the two cannot drift.
 *
 * @code
 *   fa_config_t *cfg;
 *   if (fa_config_read_file("run.ini", &cfg) ||
 *       fa_config_set(cfg, "grid.cells=256") ||
 *       fa_config_validate(cfg))
 *       fprintf(stderr, "%s\n", fa_last_error());
 * @endcode
 */
#ifndef FRACAGG_CONFIG_H
#define FRACAGG_CONFIG_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fa_config fa_config_t;

/** Value types of configuration keys. */
typedef enum {
    FA_KEY_INT,  /**< integer(s) */
    FA_KEY_REAL, /**< real number(s) */
    FA_KEY_WORD, /**< one word, possibly restricted to a list of choices */
    FA_KEY_TEXT  /**< free text (names, paths) */
} fa_key_type_t;

/** One row of the table of known keys. */
typedef struct {
    const char *section;  /**< "grid", "kernel.I.J", "initial.I", ... (I, J species indices) */
    const char *key;      /**< key name */
    fa_key_type_t type;   /**< value type */
    int min_count;        /**< least number of whitespace-separated values */
    int max_count;        /**< most number of values (0 = unbounded) */
    const char *when;     /**< NULL, or "a|b": key applies only when the section's type is a or b */
    int required;         /**< must be present (where it applies) */
    const char *deflt;    /**< default as text; NULL if none */
    const char *choices;  /**< FA_KEY_WORD: "a|b|c"; NULL = any word */
    double lo, hi;        /**< numeric range of every value */
    int lo_open, hi_open; /**< range end excluded */
    const char *doc;      /**< one-line meaning */
} fa_config_key_t;

/** The table of known keys (n rows). */
const fa_config_key_t *fa_config_keys(int *n);

/** Write the key reference as a Markdown table (the config reference of the manual). */
int fa_config_write_reference(FILE *out);

/** Read an INI file. Errors: FA_EIO (cannot open or read), FA_ECONFIG (not a text file,
 *  syntax error, line too long, duplicate key); the message names file and line. */
int fa_config_read_file(const char *path, fa_config_t **out);

/** Parse INI text; `name` is used in messages in place of a file name. */
int fa_config_read_string(const char *text, const char *name, fa_config_t **out);

/** Override or add one key: "section.key=value" (the section may contain dots:
 *  "kernel.1.2.alpha=0.5"). FA_ECONFIG if malformed. */
int fa_config_set(fa_config_t *cfg, const char *assignment);

/** Check every entry against the table of keys: unknown sections or keys, keys that do not
 *  apply to the section's type, values of the wrong type or count or out of range, missing
 *  required keys and sections, species indices out of range. FA_ECONFIG on the first problem,
 *  with a message naming file, line, section and key. */
int fa_config_validate(const fa_config_t *cfg);

/** Set one key to a value as it is, without the text rules of fa_config_set (for values a
 *  program has, e.g. a file name with any characters). Such a value may not read back from
 *  fa_config_to_string's text. FA_EINVAL for an empty section or key. */
int fa_config_set_value(fa_config_t *cfg, const char *section, const char *key, const char *value);

/** Remove every key of a section (e.g. to replace [initial.1] when continuing a run). */
int fa_config_remove_section(fa_config_t *cfg, const char *section);

/** Remove one key (nothing if absent). */
int fa_config_remove_key(fa_config_t *cfg, const char *section, const char *key);

/** Raw value of a key, NULL if absent (no defaults applied). */
const char *fa_config_get(const fa_config_t *cfg, const char *section, const char *key);

/** Value of a key with the table's default applied; NULL if absent and without default. */
const char *fa_config_value(const fa_config_t *cfg, const char *section, const char *key);

/** "file:line" of a key for messages ("run.ini:12", "--set", or the file name alone when
 *  the key is absent). The string is owned by cfg. */
const char *fa_config_where(const fa_config_t *cfg, const char *section, const char *key);

/** Parse up to `max` reals/ints of a key (defaults applied). Return the count read, or a
 *  negative code (FA_ECONFIG, message with file:line) if the key is absent without default
 *  or a value does not parse. */
int fa_config_reals(const fa_config_t *cfg, const char *section, const char *key, double *v, int max);
int fa_config_ints(const fa_config_t *cfg, const char *section, const char *key, long *v, int max);

/** The effective configuration (after overrides) as INI text; caller frees with free(). */
char *fa_config_to_string(const fa_config_t *cfg);

/** Name of the configuration's source (file path or the name given). */
const char *fa_config_name(const fa_config_t *cfg);

/** A deep copy. */
int fa_config_copy(const fa_config_t *cfg, fa_config_t **out);

void fa_config_free(fa_config_t *cfg);

#ifdef __cplusplus
}
#endif
#endif
