"""Models, stepping with a callback, and the whole runs of the library (run, kinetic, limit)."""
import contextlib
import ctypes
import os
import shutil
import signal
import sys
import tempfile

import numpy as np

from . import _call
from ._lib import (LIMIT_FN, PROGRESS_FN, LimitOptions, LimitRow, RunOptions, SolverStats, check,
                   encode, lib, text)
from ._lib import RunResult as _CRunResult
from .config import Config, as_config, has_key
from .errors import EINTERRUPT, ConfigError, Interrupted, _raise, error_class


def _version():
    from . import __version__
    return __version__


def open_dataset(path):
    """A run file (or a sweep's file) as an xarray.Dataset loaded into memory, the file closed.
    Opened as the manual says (section 5): decode_times=False, so `time` holds the model's t."""
    import xarray as xr
    with xr.open_dataset(path, decode_times=False) as ds:
        return ds.load()


class RunResult:
    """What a run did: records written, last time, solver counters, wall time, mass drift."""

    def __init__(self, r):
        self.records = r.records
        self.t_reached = r.t_reached
        self.stats = r.stats.as_dict()
        self.kinetic_stats = r.kinetic_stats.as_dict()
        self.wall_seconds = r.wall_seconds
        self.mass_drift = r.mass_drift

    def __repr__(self):
        return (f"RunResult(records={self.records}, t_reached={self.t_reached}, steps={self.stats['steps']}, "
                f"wall_seconds={self.wall_seconds:.3g}, mass_drift={self.mass_drift:.2g})")


class Model:
    """A model built from a configuration (fa_model_create): grid, species, kernels, initial
    data, output times, solver choices. Everything checkable is checked here, so a run never
    fails on bad input halfway (ConfigError names file, line and key).

    ``Model(config, sets=None)``: config is a Config, a nested dict, or an INI file's path;
    sets (a dict {"grid.cells": 64, ...}) are applied on top as ``--set`` would.
    """

    def __init__(self, config, sets=None):
        cfg = as_config(config, sets)
        h = ctypes.c_void_p()
        check(lib.fa_model_create(cfg.handle, None, ctypes.byref(h)))
        self._h = h
        self._grid = lib.fa_model_grid(h)

    def __del__(self):
        if getattr(self, "_h", None) and self._h.value:
            lib.fa_model_free(self._h)
            self._h = None

    @property
    def handle(self):
        """The fa_model_t* (as a ctypes c_void_p)."""
        return self._h

    @property
    def config(self):
        """A copy of the model's (validated) configuration."""
        h = ctypes.c_void_p()
        check(lib.fa_config_copy(lib.fa_model_config(self._h), ctypes.byref(h)))
        return Config(h.value)

    @property
    def dim(self):
        """Space dimension d."""
        return lib.fa_grid_dim(self._grid)

    @property
    def shape(self):
        """Shape of a density array: ([nz,] [ny,] nx), x fastest, as in the run file."""
        return tuple(lib.fa_grid_cells(self._grid, a) for a in reversed(range(self.dim)))

    @property
    def lengths(self):
        """Box lengths (L_x, L_y, L_z)[:d]."""
        return tuple(lib.fa_grid_length(self._grid, a) for a in range(self.dim))

    @property
    def boundary(self):
        """'periodic' or 'free'."""
        return text(lib.fa_boundary_name(lib.fa_grid_boundary(self._grid)))

    def centers(self, axis):
        """Cell centres along axis 0 (x), 1 (y) or 2 (z): the run file's coordinate."""
        return np.array([lib.fa_grid_center(self._grid, axis, i) for i in range(lib.fa_grid_cells(self._grid, axis))])

    @property
    def species(self):
        """Species names, in order."""
        return [text(lib.fa_model_species_name(self._h, i)) for i in range(lib.fa_model_species(self._h))]

    @property
    def t_start(self):
        """Time of the first record ([time] start)."""
        return lib.fa_model_t_start(self._h)

    @property
    def t_end(self):
        """Time of the last record ([time] end)."""
        return lib.fa_model_t_end(self._h)

    @property
    def output_times(self):
        """The output times (the start included), ascending."""
        n = ctypes.c_int()
        p = lib.fa_model_output_times(self._h, ctypes.byref(n))
        return np.array(p[:n.value], dtype=float)

    @property
    def hs_orders(self):
        """The H^s orders recorded ([output] hs)."""
        n = ctypes.c_int()
        p = lib.fa_model_hs_orders(self._h, ctypes.byref(n))
        return np.array(p[:n.value], dtype=float)

    @property
    def output_file(self):
        """The run file of [output] file (default: the configuration's name with .nc)."""
        return text(lib.fa_model_output_file(self._h))

    def initial(self, species=0):
        """Initial cell averages of a species (index or name) as a new array of `shape`."""
        i = self._index(species)
        a = np.empty(self.shape)
        check(lib.fa_model_initial(self._h, i, a.ctypes.data_as(ctypes.POINTER(ctypes.c_double))))
        return a

    def _index(self, species):
        if isinstance(species, str):
            try:
                return self.species.index(species)
            except ValueError:
                raise ConfigError(f"no species '{species}' (the model has {', '.join(self.species)})") from None
        if not 0 <= species < len(self.species):
            raise ConfigError(f"species index {species} outside 0 .. {len(self.species) - 1}")
        return int(species)

    def solver(self):
        """A Solver at the initial data, to step yourself (fa_solver_create)."""
        return Solver(self)

    def solve(self, callback, times=None):
        """Integrate from the initial data through `times` (default: the output times), calling
        ``callback(t, densities)`` at each, with ``densities`` a dict {species name: array}.

        The arrays are the solver's own memory (no copy), read-only, of shape `shape`; they are
        valid only during the call: copy what you keep (``rho.copy()``). At the output times
        they are bit for bit the densities ``run()`` writes as records. A callback returning
        False stops the integration. Returns the Solver (its time and counters). Ctrl-C stops
        after the current step (or the callback) and raises Interrupted, whose ``solver``
        holds the state reached."""
        s = Solver(self)
        try:
            for t in (self.output_times if times is None else np.asarray(times, dtype=float)):
                if t != s.time:
                    s.advance(t)
                if callback(s.time, s.densities()) is False:
                    break
        except Interrupted as e:  # Ctrl-C during a step: the state reached stays reachable
            e.solver = s
            raise
        except KeyboardInterrupt:  # Ctrl-C during the callback: the same for the caller
            e = Interrupted(f"interrupted at t = {s.time:g}")
            e.solver = s
            raise e from None
        return s

    # ---- whole runs -------------------------------------------------------------------------

    def _with_overwrite(self, overwrite):
        """The model to run: itself, or when overwrite is asked a model whose configuration says
        [output] overwrite = yes (libraries without that key overwrite anyway)."""
        if not overwrite or not has_key("output", "overwrite"):
            return self
        return Model(self.config, {"output.overwrite": "yes"})

    def run(self, output=None, progress=None, overwrite=False, history=None):
        """Run from the initial data to [time] end (fa_run) and return the run file as an
        xarray.Dataset in memory, with the names, coordinates and attributes of the file.

        output: the run file to keep (None: a temporary file, removed). overwrite: replace an
        existing file (sets [output] overwrite = yes). progress: ``progress(t, t_end, steps)``
        after every step. history: the line the file's history records (default: the script
        and "fracagg VERSION Python interface"). run_result() also returns the counters.
        Raises SolverError (the records so far stay in `output` and are the exception's
        ``dataset``), Interrupted on Ctrl-C (with the records written, as ``.dataset``)."""
        return self._run(lib.fa_run, output, progress, overwrite, history)[0]

    def run_result(self, output=None, progress=None, overwrite=False, history=None):
        """As run(), returning (Dataset, RunResult)."""
        return self._run(lib.fa_run, output, progress, overwrite, history)

    def run_kinetic(self, output=None, progress=None, overwrite=False, history=None):
        """The macroscopic run with its kinetic companion of [kinetic] (fa_run_kinetic): the
        Dataset adds kinetic_density_*, kinetic_momentum_*, w1 and the modulated energies.
        Arguments and exceptions as run()."""
        return self._run(lib.fa_run_kinetic, output, progress, overwrite, history)[0]

    def _run(self, fn, output, progress, overwrite, history):
        m = self._with_overwrite(overwrite)
        with _output_path(output, self.output_file) as path:
            errors = []

            def on_step(t, t_end, steps, _user):
                try:
                    progress(t, t_end, steps)
                except BaseException as e:  # an exception cannot cross C: stop the run, re-raise after
                    errors.append(e)
                    lib.fa_request_stop(int(signal.SIGINT))

            opt = RunOptions(output=encode(path), history=encode(history or _history(fn.__name__)))
            cb = PROGRESS_FN(on_step) if progress else PROGRESS_FN()
            opt.progress = cb
            res = _CRunResult()
            out = _call.call(fn, m._h, ctypes.byref(opt), ctypes.byref(res))
            result = RunResult(res)
            if errors:
                lib.fa_clear_stop()
                raise errors[0]
            if out.rc == EINTERRUPT or out.interrupted:
                ds = open_dataset(path) if res.records > 0 else None
                raise Interrupted(out.message or "interrupted", dataset=ds,
                                  path=output, result=result, location=out.location)
            if out.rc:
                exc = error_class(out.rc)(out.message, out.rc, out.location)
                # what was computed before the failure: the records on disk
                exc.dataset = open_dataset(path) if res.records > 0 else None
                exc.result = result
                raise exc
            return open_dataset(path), result

    def limit(self, epsilon, output=None, progress=None, overwrite=False, history=None):
        """The small-inertia sweep (fa_limit): the macroscopic run, then the kinetic model for
        each inertia in `epsilon`, compared at every output time. Returns the sweep's file as an
        xarray.Dataset over eps (w1(time, eps, species), modulated energies, the table of maxima
        and orders). progress: ``progress(row)`` after each epsilon, row a dict (epsilon, w1,
        modulated, ..., order_w1, ...). output/overwrite/exceptions as run()."""
        eps = np.ascontiguousarray(np.atleast_1d(np.asarray(epsilon, dtype=float)))
        if eps.size == 0 or not np.all(eps > 0):
            raise ConfigError("limit: epsilon must be one or more positive numbers")
        m = self._with_overwrite(overwrite)
        stem = self.output_file[:-3] if self.output_file.endswith(".nc") else self.output_file
        with _output_path(output, stem + "_limit.nc") as path:
            errors = []

            def on_row(row, index, count, _user):
                try:
                    progress(_row_dict(row.contents))
                except BaseException as e:
                    errors.append(e)
                    lib.fa_request_stop(int(signal.SIGINT))

            opt = LimitOptions(output=encode(path), history=encode(history or _history("fa_limit")))
            cb = LIMIT_FN(on_row) if progress else LIMIT_FN()
            opt.progress = cb
            rows = (LimitRow * eps.size)()
            out = _call.call(lib.fa_limit, m._h, eps.ctypes.data_as(ctypes.POINTER(ctypes.c_double)),
                             int(eps.size), ctypes.byref(opt), rows)
            if errors:
                lib.fa_clear_stop()
                raise errors[0]
            if out.rc == EINTERRUPT or out.interrupted:
                ds = open_dataset(path) if os.path.exists(path) else None
                raise Interrupted(out.message or "interrupted", dataset=ds, path=output, location=out.location)
            if out.rc:
                _raise(out.rc, out.message, out.location)
            return open_dataset(path)

    def __repr__(self):
        return (f"<fracagg.Model {self.dim}D {'x'.join(map(str, self.shape[::-1]))} {self.boundary}, "
                f"species {', '.join(self.species)}, t = {self.t_start:g} .. {self.t_end:g}>")


def _row_dict(r):
    d = {name: getattr(r, name) for name, _ in LimitRow._fields_ if name != "stats"}
    d["stats"] = r.stats.as_dict()
    return d


def _history(what):
    argv0 = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "python"
    return f"{argv0}: fracagg {_version()} Python interface ({what})"


@contextlib.contextmanager
def _output_path(output, default_name):
    """The path a run writes: the user's (kept), or a fresh one in a temporary directory
    (removed afterwards; fresh, so that no existing file is ever overwritten)."""
    if output is not None:
        yield os.fspath(output)
        return
    d = tempfile.mkdtemp(prefix="fracagg-")
    try:
        yield os.path.join(d, os.path.basename(default_name) or "run.nc")
    finally:
        shutil.rmtree(d, ignore_errors=True)


class Solver:
    """The time integrator of a model at its current state (fa_solver_create): step it with
    advance(t) and look at densities(). The model must stay alive while the solver is used
    (the solver keeps a reference)."""

    def __init__(self, model):
        self.model = model
        h = ctypes.c_void_p()
        check(lib.fa_solver_create(model.handle, ctypes.byref(h)))
        self._h = h
        self._shape = model.shape
        self._names = model.species

    def __del__(self):
        if getattr(self, "_h", None) and self._h.value:
            lib.fa_solver_free(self._h)
            self._h = None

    @property
    def time(self):
        """The current time."""
        return lib.fa_solver_time(self._h)

    def advance(self, t):
        """Integrate to time t (>= time) (fa_solver_advance). Raises SolverError when the
        integration fails (the state is the last completed step), Interrupted on Ctrl-C (the
        state is the last completed step, time says when)."""
        out = _call.call(lib.fa_solver_advance, self._h, float(t))
        if out.rc == EINTERRUPT or out.interrupted:
            raise Interrupted(out.message or f"interrupted at t = {self.time:g}", location=out.location)
        if out.rc:
            _raise(out.rc, out.message, out.location)
        return self

    def density(self, species=0):
        """Density of a species (index or name): a read-only view of the solver's memory, valid
        until the next advance() or until the solver is freed; copy it to keep it."""
        i = self.model._index(species)
        a = np.ctypeslib.as_array(lib.fa_solver_density(self._h, i), shape=self._shape)
        a.flags.writeable = False
        return a

    def densities(self):
        """{species name: density view} (see density() for the lifetime)."""
        return {name: self.density(i) for i, name in enumerate(self._names)}

    @property
    def stats(self):
        """The solver's cumulative counters (steps, rhs_evals, ...) as a dict."""
        st = SolverStats()
        lib.fa_solver_get_stats(self._h, ctypes.byref(st))
        return st.as_dict()


def run(config, output=None, sets=None, **kw):
    """Build a Model from `config` (Config, dict or INI path) with `sets` on top and run it:
    ``fracagg.run("run.ini", sets={"grid.cells": 64})`` returns the run file as an
    xarray.Dataset (see Model.run for the other arguments)."""
    return Model(config, sets).run(output=output, **kw)


def run_kinetic(config, output=None, sets=None, **kw):
    """The kinetic run of a configuration (see Model.run_kinetic)."""
    return Model(config, sets).run_kinetic(output=output, **kw)


def limit(config, epsilon, output=None, sets=None, **kw):
    """The small-inertia sweep of a configuration over `epsilon` (see Model.limit)."""
    return Model(config, sets).limit(epsilon, output=output, **kw)


def request_stop(reason=int(signal.SIGINT)):
    """Ask the run in progress to stop after its current step, as Ctrl-C does (fa_request_stop;
    safe from any thread or a signal handler)."""
    lib.fa_request_stop(int(reason))
