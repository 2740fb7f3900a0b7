"""Exceptions: one class per kind of library failure, all carrying the library's message.

The library returns a negative status code (include/fracagg/error.h) and records a message;
every exception here keeps both (``code``, ``message``) and where the library detected it
(``location``). The grouping follows the command's exit codes: bad input (exit 2) raises
ConfigError or RunFileError, a failed integration (exit 3) SolverError, output and system
failures OutputError, MemoryError-like and resource failures ResourceError.
"""

# The library's status codes (FA_ERROR_LIST in include/fracagg/error.h).
OK = 0
ENOMEM = -1
EINVAL = -2
ECONFIG = -3
EIO = -4
ENETCDF = -5
EFFTW = -6
ESOLVER = -7
ENUMERIC = -8
EINTERRUPT = -9
EUNSUPPORTED = -10
EMPI = -11
EFORMAT = -12
EDOMAIN = -13


class Error(Exception):
    """Base of every fracagg failure. ``code`` is the library's status code (negative),
    ``message`` its message, ``location`` the source line that detected it."""

    def __init__(self, message, code=EINVAL, location=""):
        super().__init__(message)
        self.message, self.code, self.location = message, code, location

    def __str__(self):
        return self.message


class ConfigError(Error, ValueError):
    """Bad input: an invalid configuration, key, value or argument (FA_ECONFIG, FA_EINVAL,
    FA_EUNSUPPORTED); the command exits 2 on these."""


class RunFileError(Error, ValueError):
    """A run file that cannot be used: missing, damaged or of the wrong kind (FA_EFORMAT)."""


class OutputError(Error, OSError):
    """Reading or writing files failed (FA_EIO, FA_ENETCDF)."""


class SolverError(Error, RuntimeError):
    """The time integration failed (FA_ESOLVER, FA_ENUMERIC, FA_EDOMAIN); the records written
    before the failure stay in the run file."""


class ResourceError(Error, RuntimeError):
    """Out of memory, FFTW or MPI failure (FA_ENOMEM, FA_EFFTW, FA_EMPI)."""


class Interrupted(KeyboardInterrupt):
    """A run stopped by Ctrl-C (or fracagg.request_stop()). A KeyboardInterrupt, so that it ends
    a script as Ctrl-C does, but with what was computed: ``dataset`` (the records written, or
    None), ``path`` (the run file, if kept), ``result`` (a RunResult), ``message``, ``code``."""

    def __init__(self, message, dataset=None, path=None, result=None, location=""):
        super().__init__(message)
        self.message, self.code, self.location = message, EINTERRUPT, location
        self.dataset, self.path, self.result = dataset, path, result

    def __str__(self):
        return self.message


_BY_CODE = {
    ENOMEM: ResourceError, EINVAL: ConfigError, ECONFIG: ConfigError, EIO: OutputError, ENETCDF: OutputError,
    EFFTW: ResourceError, ESOLVER: SolverError, ENUMERIC: SolverError, EUNSUPPORTED: ConfigError,
    EMPI: ResourceError, EFORMAT: RunFileError, EDOMAIN: SolverError,
}


def error_class(code):
    """The exception class of a library status code."""
    return _BY_CODE.get(code, Error)


def _raise(code, message, location="", **extra):
    if code == EINTERRUPT:
        raise Interrupted(message, location=location, **extra)
    raise error_class(code)(message, code, location)
