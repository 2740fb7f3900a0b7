"""The library's log, passed to Python's logging (logger "fracagg").

The library is silent unless a handler is installed; the package installs one at import that
passes warnings and errors to logging.getLogger("fracagg") (shown on stderr by Python's
last-resort handler, as the command shows them). set_log_level("info") adds the progress and
summaries the command prints with -v.
"""
import logging

from ._lib import LOG_FN, lib, text

logger = logging.getLogger("fracagg")
_LEVELS = {"error": 0, "warn": 1, "warning": 1, "info": 2, "debug": 3}
_TO_LOGGING = (logging.ERROR, logging.WARNING, logging.INFO, logging.DEBUG)


def _handler(level, message, _user):
    logger.log(_TO_LOGGING[min(max(level, 0), 3)], "%s", text(message))


_callback = LOG_FN(_handler)  # kept for the life of the process: the library holds it


def set_log_level(level="warn"):
    """Pass the library's messages up to `level` ('error', 'warn', 'info', 'debug') to the
    logger "fracagg"; None silences the library. Call it between runs, not during one."""
    if level is None:
        lib.fa_log_set_handler(LOG_FN(), None, 0)
        return
    if level not in _LEVELS:
        raise ValueError(f"log level '{level}': expected one of error, warn, info, debug")
    lib.fa_log_set_handler(_callback, None, _LEVELS[level])


set_log_level("warn")
