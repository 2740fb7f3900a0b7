"""The C library through ctypes: loading libfracagg, the prototypes and the C structures.

Everything here mirrors include/fracagg/*.h field for field; nothing is computed in Python.
"""
import ctypes
import ctypes.util
import os

from .errors import _raise

c_int, c_long, c_double, c_char_p, c_void_p = ctypes.c_int, ctypes.c_long, ctypes.c_double, ctypes.c_char_p, ctypes.c_void_p
P = ctypes.POINTER


class SolverStats(ctypes.Structure):
    """fa_solver_stats_t: cumulative counters of a solver."""
    _fields_ = [("steps", c_long), ("rhs_evals", c_long), ("newton_iters", c_long), ("krylov_iters", c_long),
                ("newton_fails", c_long), ("error_fails", c_long), ("prec_setups", c_long),
                ("prec_solves", c_long), ("last_step", c_double)]

    def as_dict(self):
        """The counters as a plain dict."""
        return {name: getattr(self, name) for name, _ in self._fields_}


PROGRESS_FN = ctypes.CFUNCTYPE(None, c_double, c_double, c_long, c_void_p)
LOG_FN = ctypes.CFUNCTYPE(None, c_int, c_char_p, c_void_p)


class RunOptions(ctypes.Structure):
    _fields_ = [("output", c_char_p), ("append", c_int), ("progress", PROGRESS_FN), ("progress_user", c_void_p),
                ("config_text", c_char_p), ("history", c_char_p)]


class RunResult(ctypes.Structure):
    _fields_ = [("records", c_long), ("t_reached", c_double), ("stats", SolverStats), ("wall_seconds", c_double),
                ("mass_drift", c_double), ("kinetic_stats", SolverStats)]


class LimitRow(ctypes.Structure):
    _fields_ = [("epsilon", c_double), ("w1", c_double), ("modulated", c_double), ("modulated_kinetic", c_double),
                ("modulated_interaction", c_double), ("order_w1", c_double), ("order_modulated", c_double),
                ("order_kinetic", c_double), ("order_interaction", c_double), ("stats", SolverStats)]


LIMIT_FN = ctypes.CFUNCTYPE(None, P(LimitRow), c_int, c_int, c_void_p)


class LimitOptions(ctypes.Structure):
    _fields_ = [("output", c_char_p), ("history", c_char_p), ("progress", LIMIT_FN), ("progress_user", c_void_p)]


class W1Options(ctypes.Structure):
    _fields_ = [("tol", c_double), ("max_iter", c_int), ("mass_tol", c_double)]


class W1Info(ctypes.Structure):
    _fields_ = [("lower", c_double), ("upper", c_double), ("gap", c_double), ("iterations", c_int),
                ("converged", c_int), ("exact", c_int), ("mass_f", c_double), ("mass_g", c_double),
                ("lipschitz", c_double)]


class HsSeries(ctypes.Structure):
    _fields_ = [("path", c_char_p), ("dim", c_int), ("nspecies", c_int), ("s", c_double), ("ntimes", c_long),
                ("time", P(c_double)), ("norm", P(c_double)), ("share", P(c_double)), ("names", P(c_char_p))]


class HsSummary(ctypes.Structure):
    _fields_ = [("y0", c_double), ("c_emp", c_double), ("t_c_emp", c_double), ("c_emp_at_end", c_int),
                ("max_ratio", c_double), ("t_max_ratio", c_double), ("top_share", c_double),
                ("t_top_share", c_double)]


class HsViolation(ctypes.Structure):
    _fields_ = [("kind", c_int), ("index", c_long), ("time", c_double), ("y", c_double), ("bound", c_double),
                ("t_star", c_double), ("max_ratio_tstar", c_double)]


class ConfigKey(ctypes.Structure):
    _fields_ = [("section", c_char_p), ("key", c_char_p), ("type", c_int), ("min_count", c_int),
                ("max_count", c_int), ("when", c_char_p), ("required", c_int), ("deflt", c_char_p),
                ("choices", c_char_p), ("lo", c_double), ("hi", c_double), ("lo_open", c_int), ("hi_open", c_int),
                ("doc", c_char_p)]


# name: (restype, argtypes). Functions returning a status code are checked by _checked below.
_PROTOTYPES = {
    "fa_strerror": (c_char_p, [c_int]),
    "fa_last_error": (c_char_p, []),
    "fa_last_error_code": (c_int, []),
    "fa_last_error_location": (c_char_p, []),
    "fa_clear_error": (None, []),
    "fa_config_keys": (P(ConfigKey), [P(c_int)]),
    "fa_config_read_file": (c_int, [c_char_p, P(c_void_p)]),
    "fa_config_read_string": (c_int, [c_char_p, c_char_p, P(c_void_p)]),
    "fa_config_set": (c_int, [c_void_p, c_char_p]),
    "fa_config_set_value": (c_int, [c_void_p, c_char_p, c_char_p, c_char_p]),
    "fa_config_validate": (c_int, [c_void_p]),
    "fa_config_remove_section": (c_int, [c_void_p, c_char_p]),
    "fa_config_remove_key": (c_int, [c_void_p, c_char_p, c_char_p]),
    "fa_config_get": (c_char_p, [c_void_p, c_char_p, c_char_p]),
    "fa_config_value": (c_char_p, [c_void_p, c_char_p, c_char_p]),
    "fa_config_where": (c_char_p, [c_void_p, c_char_p, c_char_p]),
    "fa_config_to_string": (c_void_p, [c_void_p]),  # malloc'ed: freed with free()
    "fa_config_name": (c_char_p, [c_void_p]),
    "fa_config_copy": (c_int, [c_void_p, P(c_void_p)]),
    "fa_config_free": (None, [c_void_p]),
    "fa_model_create": (c_int, [c_void_p, c_void_p, P(c_void_p)]),
    "fa_model_free": (None, [c_void_p]),
    "fa_model_config": (c_void_p, [c_void_p]),
    "fa_model_grid": (c_void_p, [c_void_p]),
    "fa_model_species": (c_int, [c_void_p]),
    "fa_model_species_name": (c_char_p, [c_void_p, c_int]),
    "fa_model_initial": (c_int, [c_void_p, c_int, P(c_double)]),
    "fa_model_t_start": (c_double, [c_void_p]),
    "fa_model_t_end": (c_double, [c_void_p]),
    "fa_model_output_times": (P(c_double), [c_void_p, P(c_int)]),
    "fa_model_hs_orders": (P(c_double), [c_void_p, P(c_int)]),
    "fa_model_output_file": (c_char_p, [c_void_p]),
    "fa_grid_create": (c_int, [c_int, P(c_long), P(c_double), c_int, c_void_p, P(c_void_p)]),
    "fa_grid_free": (None, [c_void_p]),
    "fa_grid_dim": (c_int, [c_void_p]),
    "fa_grid_cells": (c_long, [c_void_p, c_int]),
    "fa_grid_length": (c_double, [c_void_p, c_int]),
    "fa_grid_boundary": (c_int, [c_void_p]),
    "fa_boundary_name": (c_char_p, [c_int]),
    "fa_grid_center": (c_double, [c_void_p, c_int, c_long]),
    "fa_grid_local_cells": (c_long, [c_void_p]),
    "fa_grid_total_cells": (c_long, [c_void_p]),
    "fa_solver_create": (c_int, [c_void_p, P(c_void_p)]),
    "fa_solver_free": (None, [c_void_p]),
    "fa_solver_advance": (c_int, [c_void_p, c_double]),
    "fa_solver_time": (c_double, [c_void_p]),
    "fa_solver_density": (P(c_double), [c_void_p, c_int]),
    "fa_solver_get_stats": (None, [c_void_p, P(SolverStats)]),
    "fa_request_stop": (None, [c_int]),
    "fa_stop_requested": (c_int, []),
    "fa_clear_stop": (None, []),
    "fa_run": (c_int, [c_void_p, P(RunOptions), P(RunResult)]),
    "fa_run_kinetic": (c_int, [c_void_p, P(RunOptions), P(RunResult)]),
    "fa_limit": (c_int, [c_void_p, P(c_double), c_int, P(LimitOptions), P(LimitRow)]),
    "fa_w1_create": (c_int, [c_void_p, P(W1Options), P(c_void_p)]),
    "fa_w1_compute": (c_int, [c_void_p, P(c_double), P(c_double), P(c_double), P(W1Info)]),
    "fa_w1_free": (None, [c_void_p]),
    "fa_runfile_grid": (c_int, [c_char_p, P(c_void_p), P(c_int)]),
    "fa_runfile_read": (c_int, [c_char_p, c_int, c_int, c_double, c_void_p, P(c_double), P(c_double)]),
    "fa_runfile_species_name": (c_int, [c_char_p, c_int, c_char_p, ctypes.c_size_t]),
    "fa_hs_series_read": (c_int, [c_char_p, c_double, P(HsSeries)]),
    "fa_hs_series_free": (None, [P(HsSeries)]),
    "fa_hs_lemma_min_order": (c_double, [c_int]),
    "fa_hs_summarise": (c_int, [P(c_double), P(c_double), P(c_double), c_long, P(HsSummary)]),
    "fa_hs_check": (c_int, [P(c_double), P(c_double), c_long, c_double, P(HsViolation)]),
    "fa_have_mpi": (c_int, []),
    "fa_log_set_handler": (None, [LOG_FN, c_void_p, c_int]),
}


def _candidates():
    """Where libfracagg may be, most specific first: FRACAGG_LIBRARY (a file), the libdir the
    package was installed with (_paths.py, written by make install), the system's search."""
    env = os.environ.get("FRACAGG_LIBRARY")
    if env:
        yield env
        return  # an explicit choice is not second-guessed: failing to load it is an error
    try:
        from . import _paths
        yield os.path.join(_paths.LIBDIR, "libfracagg.so")
    except ImportError:
        pass
    found = ctypes.util.find_library("fracagg")
    if found:
        yield found


def _load():
    tried = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            tried.append(f"{path}: {e}")
    raise ImportError("fracagg: cannot load libfracagg (install the library, or set FRACAGG_LIBRARY to its .so)"
                      + ("; tried " + "; ".join(tried) if tried else ""))


lib, path = _load()
for _name, (_res, _args) in _PROTOTYPES.items():
    _f = getattr(lib, _name)
    _f.restype, _f.argtypes = _res, _args

libc = ctypes.CDLL(None)
libc.free.argtypes, libc.free.restype = [c_void_p], None


def text(b):
    """A C string as str ('' for NULL)."""
    return b.decode("utf-8", "replace") if b else ""


def last_error():
    """(code, message, location) of this thread's last library error."""
    return lib.fa_last_error_code(), text(lib.fa_last_error()), text(lib.fa_last_error_location())


def check(rc, **extra):
    """Raise the exception of a nonzero status code, with the library's message."""
    if rc != 0:
        _code, msg, where = last_error()
        _raise(rc, msg or text(lib.fa_strerror(rc)), where, **extra)
    return rc


def encode(s):
    """A path or text as bytes for the C side (None stays NULL)."""
    if s is None:
        return None
    return os.fsencode(s) if isinstance(s, os.PathLike) else (s.encode() if isinstance(s, str) else bytes(s))
