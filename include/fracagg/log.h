/**
 * @file log.h
 * The library is silent unless the caller installs a log handler. Messages at or below
 * the chosen level are passed to it.
 *
 * @code
 *   static void to_stderr(fa_log_level_t lv, const char *msg, void *u) { fprintf(stderr, "%s\n", msg); }
 *   fa_log_set_handler(to_stderr, NULL, FA_LOG_INFO);
 * @endcode
 */
#ifndef FRACAGG_LOG_H
#define FRACAGG_LOG_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    FA_LOG_ERROR = 0, /**< a failure is being reported */
    FA_LOG_WARN = 1,  /**< something the user should know (results may be doubtful) */
    FA_LOG_INFO = 2,  /**< progress and summaries: solver statistics, outputs written */
    FA_LOG_DEBUG = 3  /**< details: FFT planning, per-step data */
} fa_log_level_t;

typedef void (*fa_log_fn)(fa_log_level_t level, const char *message, void *user);

/** Install a handler (NULL = silent, the default) receiving messages up to max_level.
 *  Not thread safe: call before starting work. */
void fa_log_set_handler(fa_log_fn fn, void *user, fa_log_level_t max_level);

/** Is a message at this level passed to the handler? (Lets callers skip expensive formatting.) */
int fa_log_enabled(fa_log_level_t level);

#ifdef __cplusplus
}
#endif
#endif
