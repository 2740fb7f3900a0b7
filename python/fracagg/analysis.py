"""Wasserstein-1 distances and the H^s growth check, through the library's own functions."""
import ctypes

import numpy as np

from ._lib import HsSeries, HsSummary, HsViolation, W1Info, W1Options, check, encode, lib, text
from .errors import ConfigError

_DP = ctypes.POINTER(ctypes.c_double)


class W1Result(float):
    """A W1 distance (a float: the midpoint of the certified bracket) with what the
    computation did: lower, upper, gap, iterations, converged, exact, mass_f, mass_g,
    lipschitz (fa_w1_info_t)."""

    def __new__(cls, value, info):
        self = super().__new__(cls, value)
        for name, _ in W1Info._fields_:
            setattr(self, name, getattr(info, name))
        self.converged, self.exact = bool(info.converged), bool(info.exact)
        return self

    def __repr__(self):
        return (f"W1Result({float(self)!r}, lower={self.lower!r}, upper={self.upper!r}, "
                f"iterations={self.iterations}, converged={self.converged})")


class _Grid:
    """A library grid (fa_grid_t*), freed with the object."""

    def __init__(self, handle):
        self.h = ctypes.c_void_p(handle)

    def __del__(self):
        if self.h and self.h.value:
            lib.fa_grid_free(self.h)
            self.h = None

    @property
    def shape(self):
        d = lib.fa_grid_dim(self.h)
        return tuple(lib.fa_grid_cells(self.h, a) for a in reversed(range(d)))


class _Workspace:
    def __init__(self, grid, tol, max_iter, mass_tol):
        self.grid = grid  # the library needs the grid for the workspace's lifetime
        opt = W1Options(tol=tol or 0.0, max_iter=int(max_iter or 0), mass_tol=mass_tol or 0.0)
        self.h = ctypes.c_void_p()
        check(lib.fa_w1_create(grid.h, ctypes.byref(opt), ctypes.byref(self.h)))

    def __del__(self):
        if self.h and self.h.value:
            lib.fa_w1_free(self.h)
            self.h = None

    def compute(self, f, g):
        d, info = ctypes.c_double(), W1Info()
        check(lib.fa_w1_compute(self.h, f.ctypes.data_as(_DP), g.ctypes.data_as(_DP), ctypes.byref(d),
                                ctypes.byref(info)))
        return W1Result(d.value, info)


def w1(f, g, length, boundary="periodic", tol=None, max_iter=None, mass_tol=None):
    """Wasserstein-1 distance between two densities given as cell averages on the same grid
    (arrays of shape ([nz,] [ny,] nx), x fastest, as in a run file) on the box of side
    `length` (a number or one per axis, x first). boundary: 'periodic' (the torus) or 'free'
    (the whole space). tol, max_iter (d >= 2) and mass_tol as fa_w1_options_t (None: the
    library's defaults). Returns a W1Result (a float with lower, upper, iterations, ...).
    1D is exact; 2D/3D the midpoint of a certified bracket (manual, section 8)."""
    f = np.ascontiguousarray(f, dtype=float)
    g = np.ascontiguousarray(g, dtype=float)
    if f.shape != g.shape:
        raise ConfigError(f"w1: the densities have different shapes {f.shape} and {g.shape}")
    if not 1 <= f.ndim <= 3:
        raise ConfigError(f"w1: densities are 1D, 2D or 3D arrays, not {f.ndim}D")
    d = f.ndim
    L = np.broadcast_to(np.asarray(length, dtype=float), (d,))
    n = (ctypes.c_long * d)(*f.shape[::-1])
    Lc = (ctypes.c_double * d)(*L)
    bounds = {"periodic": 0, "free": 1}
    if boundary not in bounds:
        raise ConfigError(f"w1: boundary '{boundary}': expected periodic or free")
    h = ctypes.c_void_p()
    check(lib.fa_grid_create(d, n, Lc, bounds[boundary], None, ctypes.byref(h)))
    return _Workspace(_Grid(h.value), tol, max_iter, mass_tol).compute(f, g)


def _runfile_grid(path):
    h, ns = ctypes.c_void_p(), ctypes.c_int()
    check(lib.fa_runfile_grid(encode(path), ctypes.byref(h), ctypes.byref(ns)))
    return _Grid(h.value), ns.value


def read_density(path, species=0, time=None, _grid=None):
    """Density of species `species` (0-based) at the record of time `time` (nearest within
    1e-9 relative; None: the last record) of a run file, read by the library
    (fa_runfile_read). Returns (array, time found)."""
    grid = _grid or _runfile_grid(path)[0]
    rho = np.empty(grid.shape)
    found = ctypes.c_double()
    check(lib.fa_runfile_read(encode(path), int(species), time is not None, float(time or 0.0), grid.h,
                              rho.ctypes.data_as(_DP), ctypes.byref(found)))
    return rho, found.value


def w1_files(file_a, file_b, species=None, time=None, tol=None, max_iter=None):
    """W1 between the densities of two run files on the same grid, species by species, as
    ``fracagg w1`` computes it: a dict {species name: W1Result, ..., "total": float}. species:
    one 0-based index (None: every species both files hold); time: the records' time (None:
    the last records)."""
    ga, na = _runfile_grid(file_a)
    gb, nb = _runfile_grid(file_b)
    dims = (lib.fa_grid_dim(ga.h), lib.fa_grid_dim(gb.h))
    same = dims[0] == dims[1] and all(
        lib.fa_grid_cells(ga.h, a) == lib.fa_grid_cells(gb.h, a)
        and abs(lib.fa_grid_length(ga.h, a) - lib.fa_grid_length(gb.h, a))
        <= 1e-12 * max(lib.fa_grid_length(ga.h, a), lib.fa_grid_length(gb.h, a)) for a in range(dims[0]))
    if not same:
        raise ConfigError(f"w1: the run files have different grids: {file_a} has {ga.shape[::-1]}, "
                          f"{file_b} {gb.shape[::-1]} cells")
    nboth = min(na, nb)
    if species is not None and not 0 <= species < nboth:
        raise ConfigError(f"w1: species {species}: {file_a} holds {na} species, {file_b} {nb} (0-based)")
    ws = _Workspace(ga, tol, max_iter, None)
    out, total = {}, 0.0
    for i in ([species] if species is not None else range(nboth)):
        fa, _ = read_density(file_a, i, time, ga)
        fb, _ = read_density(file_b, i, time, ga)
        name = ctypes.create_string_buffer(80)
        lib.fa_runfile_species_name(encode(file_a), i, name, 80)
        r = ws.compute(fa, fb)
        out[text(name.value) or f"species {i + 1}"] = r
        total += float(r)
    out["total"] = total
    return out


class HsReport:
    """The H^s series of one run file at order s, and what it shows: for each row (every
    species by name, and "combined"): the norms y(t), the summary (y0, c_emp, t_c_emp,
    c_emp_at_end, max_ratio, top_share, ...) and, given a constant C, the first violation
    (kind 'holds', 'riccati' or 'fourfold', with index, time, y, bound, t_star,
    max_ratio_tstar)."""

    def __init__(self, path, s, dim, time, rows, C, min_order):
        self.path, self.s, self.dim, self.time, self.rows, self.C = path, s, dim, time, rows, C
        self.lemma_min_order = min_order

    @property
    def holds(self):
        """True if C was given and no row violates the bound."""
        return self.C is not None and all(r["check"]["kind"] == "holds" for r in self.rows.values())

    @property
    def c_emp(self):
        """The combined norm's empirical constant."""
        return self.rows["combined"]["summary"]["c_emp"]

    def __repr__(self):
        return f"<HsReport {self.path} s={self.s:g}: C_emp = {self.c_emp:.6g}" + (
            f", C = {self.C:g} {'holds' if self.holds else 'violated'}>" if self.C is not None else ">")


def verify_hs(path, s, C=None, any_s=False):
    """The H^s growth bound of Lemma 4.6 on a run file (as ``fracagg verify-hs --s S [--C C]``):
    reads the series of order s (one of the file's [output] hs orders) and returns an HsReport.
    As the command, orders the lemma does not cover (s <= d/2 + 3) are refused unless any_s.
    Raises RunFileError for a file without that series, ConfigError for C <= 0 or such s."""
    if C is not None and not C > 0:
        raise ConfigError(f"verify_hs: C = {C:g}: the lemma's constant is positive")
    ser = HsSeries()
    check(lib.fa_hs_series_read(encode(path), float(s), ctypes.byref(ser)))
    try:
        least = lib.fa_hs_lemma_min_order(ser.dim)
        if not any_s and not ser.s > least:
            raise ConfigError(f"{path} is a {ser.dim}D run: Lemma 4.6 needs s > d/2 + 3 = {least:g}, got s = "
                              f"{ser.s:g} (record a higher order in [output] hs, or pass any_s=True to analyse "
                              "it outside the lemma)")
        n, N = ser.ntimes, ser.nspecies
        t = np.ctypeslib.as_array(ser.time, shape=(n,)).copy()
        names = [text(ser.names[i]) for i in range(N)] + ["combined"]
        rows = {}
        for row, name in enumerate(names):
            y = np.ctypeslib.as_array(ser.norm, shape=((N + 1) * n,))[row * n:(row + 1) * n].copy()
            share = np.ctypeslib.as_array(ser.share, shape=((N + 1) * n,))[row * n:(row + 1) * n].copy()
            sm = HsSummary()
            check(lib.fa_hs_summarise(t.ctypes.data_as(_DP), y.ctypes.data_as(_DP), share.ctypes.data_as(_DP), n,
                                      ctypes.byref(sm)))
            entry = {"norm": y, "top_share": share,
                     "summary": {k: getattr(sm, k) for k, _ in HsSummary._fields_}}
            entry["summary"]["c_emp_at_end"] = bool(sm.c_emp_at_end)
            if C is not None:
                v = HsViolation()
                check(lib.fa_hs_check(t.ctypes.data_as(_DP), y.ctypes.data_as(_DP), n, float(C), ctypes.byref(v)))
                chk = {k: getattr(v, k) for k, _ in HsViolation._fields_}
                chk["kind"] = ("holds", "riccati", "fourfold")[v.kind]
                entry["check"] = chk
            rows[name] = entry
        return HsReport(text(ser.path), ser.s, ser.dim, t, rows, C, least)
    finally:
        lib.fa_hs_series_free(ctypes.byref(ser))
