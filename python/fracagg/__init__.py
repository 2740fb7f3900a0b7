"""fracagg from Python: multi-species nonlocal aggregation with fractional (Riesz) kernels,
its kinetic companion, small-inertia sweeps, Wasserstein-1 distances and the H^s check.

A thin layer over the C library libfracagg (ctypes): every computation, check and message is
the library's, and a run writes the same run file as the ``fracagg`` command.

Configurations (the INI file's keys, checked as the file and --set are)::

    cfg = fracagg.Config.from_file("examples/two_species.ini")
    cfg["grid.cells"] = 64                     # as --set grid.cells=64
    cfg = fracagg.Config.from_dict({"grid": {"dim": 1, "cells": 128, "length": 10}, ...})

Runs return the run file as an xarray.Dataset (time is the model time t)::

    model = fracagg.Model(cfg)
    ds = model.run()                           # or model.run("out.nc") to keep the file
    ds = model.run_kinetic()                   # with the kinetic companion ([kinetic])
    sweep = model.limit([0.04, 0.02, 0.01])    # small-inertia sweep: a Dataset over eps

Stepping with a callback that sees the densities (views of the solver's memory, valid only
during the call)::

    model.solve(lambda t, rho: print(t, rho["a"].sum()))

Analysis: ``fracagg.w1(f, g, length)`` and ``fracagg.w1_files(a, b)`` (Wasserstein-1),
``fracagg.verify_hs(path, s, C)`` (the H^s growth bound of Lemma 4.6).

The library's warnings go to the logger "fracagg" (set_log_level("info") for progress).

Failures raise fracagg.Error subclasses (ConfigError, RunFileError, OutputError, SolverError,
ResourceError) with the library's message and code; Ctrl-C stops a run after its current
step and raises fracagg.Interrupted (a KeyboardInterrupt) holding what was computed.

The library is found through FRACAGG_LIBRARY (a path to libfracagg.so), the libdir it was
installed with, or the system's library search path. See the manual, section "Python".
"""
from ._lib import lib as _lib_handle, path as library_path, text as _text
from .analysis import HsReport, W1Result, read_density, verify_hs, w1, w1_files
from .config import Config, has_key, keys
from .log import set_log_level
from .errors import (ConfigError, Error, Interrupted, OutputError, ResourceError, RunFileError, SolverError,
                     error_class)
from .model import Model, RunResult, Solver, limit, open_dataset, request_stop, run, run_kinetic

__all__ = ["Config", "Model", "Solver", "RunResult", "run", "run_kinetic", "limit", "w1", "w1_files", "read_density",
           "verify_hs", "W1Result", "HsReport", "open_dataset", "request_stop", "keys", "has_key", "set_log_level",
           "Error", "ConfigError", "RunFileError", "OutputError", "SolverError", "ResourceError",
           "Interrupted", "error_class", "library_path", "__version__"]


# The project's version (configure.ac's AC_INIT); the tests check that the two agree.
__version__ = "0.1.0"
