/* What every module of the library shares (not installed): status and error helpers,
 * allocation, logging, small numeric helpers. Each module's own interface inside the library
 * is in its X_internal.h; its state is defined in its source file (or, for a module of several
 * files, in its X_private.h) and nobody else reads its fields. */
#ifndef FA_INTERNAL_H
#define FA_INTERNAL_H

#include <config.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "fracagg.h"

#define FA_MAX_SPECIES 64 /* [species] count is checked against this */

/* min/max as plain comparisons: libm's fmin/fmax are calls (NaN rules) and stop vectorisation */
static inline double fa_min2(double a, double b) { return a < b ? a : b; }
static inline double fa_max2(double a, double b) { return a > b ? a : b; }

/* Hot loops compiled for AVX-512 and AVX2 as well as the baseline, chosen at run time
 * (GCC's function multi-versioning; elsewhere, the baseline only). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__has_attribute)
#if __has_attribute(target_clones)
#define FA_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#define FA_MULTIVERSIONED 1
#endif
#endif
#ifndef FA_MULTIVERSION
#define FA_MULTIVERSION
#endif

/* ---- errors ------------------------------------------------------------------------ */

/* Record an error (code, printf-style message, source location) and return the code.
 * The one place every failure passes through: a good breakpoint. */
int fa_error_at(int code, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define FA_ERROR(code, ...) fa_error_at((code), __FILE__, __LINE__, __VA_ARGS__)

/* Propagate a failing status unchanged. */
#define FA_TRY(expr)                                                                      \
    do {                                                                                  \
        int fa_try_rc_ = (expr);                                                          \
        if (fa_try_rc_ != 0) return fa_try_rc_;                                           \
    } while (0)

/* Allocation helpers: record FA_ENOMEM on failure. */
void *fa_malloc_(size_t size, const char *file, int line);
void *fa_calloc_(size_t n, size_t size, const char *file, int line);
char *fa_strdup_(const char *s, const char *file, int line);
#define fa_malloc(sz) fa_malloc_((sz), __FILE__, __LINE__)
#define fa_calloc(n, sz) fa_calloc_((n), (sz), __FILE__, __LINE__)
#define fa_strdup(s) fa_strdup_((s), __FILE__, __LINE__)

/* printf into a fresh malloc'd string (NULL on failure, FA_ENOMEM recorded). */
char *fa_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- logging ----------------------------------------------------------------------- */
void fa_log(fa_log_level_t level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
