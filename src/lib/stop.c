/* The process-wide stop request (run.h): one flag that every integration checks after each
 * step, so that a signal handler (the command's, or Python's) can stop whatever runs with one
 * async-signal-safe call. The library installs no handler itself. */
#include "internal.h"

#include <signal.h>

static volatile sig_atomic_t stop_reason;

void fa_request_stop(int reason) { stop_reason = reason ? reason : -1; }
int fa_stop_requested(void) { return stop_reason; }
void fa_clear_stop(void) { stop_reason = 0; }
