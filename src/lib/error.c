/* Status codes, per-thread last-error message, logging, small allocation helpers. */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char last_message[2048];
static _Thread_local char last_location[256];
static _Thread_local int last_code;

const char *fa_strerror(int code)
{
    switch (code) {
#define FA_ERROR_CASE_(name, value, text)                                                 \
    case value:                                                                           \
        return text;
        FA_ERROR_LIST(FA_ERROR_CASE_)
#undef FA_ERROR_CASE_
    default:
        return "unknown error";
    }
}

int fa_error_at(int code, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_message, sizeof last_message, fmt, ap);
    va_end(ap);
    snprintf(last_location, sizeof last_location, "%s:%d", file, line);
    last_code = code;
    fa_log(FA_LOG_DEBUG, "error %d (%s) at %s: %s", code, fa_strerror(code), last_location,
           last_message);
    return code;
}

const char *fa_last_error(void) { return last_message; }
int fa_last_error_code(void) { return last_code; }
const char *fa_last_error_location(void) { return last_location; }

void fa_clear_error(void)
{
    last_message[0] = '\0';
    last_location[0] = '\0';
    last_code = FA_OK;
}

/* ---- logging ----------------------------------------------------------------------- */

static fa_log_fn log_fn;
static void *log_user;
static fa_log_level_t log_level = FA_LOG_ERROR;

void fa_log_set_handler(fa_log_fn fn, void *user, fa_log_level_t max_level)
{
    log_fn = fn;
    log_user = user;
    log_level = max_level;
}

int fa_log_enabled(fa_log_level_t level) { return log_fn != NULL && level <= log_level; }

void fa_log(fa_log_level_t level, const char *fmt, ...)
{
    if (!fa_log_enabled(level)) return;
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    log_fn(level, buf, log_user);
}

/* ---- allocation -------------------------------------------------------------------- */

void *fa_malloc_(size_t size, const char *file, int line)
{
    void *p = malloc(size ? size : 1);
    if (!p) fa_error_at(FA_ENOMEM, file, line, "out of memory (%zu bytes)", size);
    return p;
}

void *fa_calloc_(size_t n, size_t size, const char *file, int line)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) fa_error_at(FA_ENOMEM, file, line, "out of memory (%zu x %zu bytes)", n, size);
    return p;
}

char *fa_strdup_(const char *s, const char *file, int line)
{
    size_t n = strlen(s) + 1;
    char *p = fa_malloc_(n, file, line);
    if (p) memcpy(p, s, n);
    return p;
}

char *fa_asprintf(const char *fmt, ...)
{
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = n >= 0 ? fa_malloc((size_t)n + 1) : NULL;
    if (p) vsnprintf(p, (size_t)n + 1, fmt, aq);
    va_end(aq);
    return p;
}
