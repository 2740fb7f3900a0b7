"""fracagg files in xarray: the one-liners of the user manual, checked (run by
tests/test_xarray.sh on the files of tests/analysis_files.sh).

    python3 tests/test_xarray.py DIR

DIR holds run1d.nc, run2d.nc, run2d_b.nc (its continuation into a new file), run3d.nc,
kin2d.nc, limit.nc, kin1d.nc, kinp1d.nc (particles), limit1d.nc and kin3d.nc (a free box).
Checked, on every file where it applies:
  - xr.open_dataset(path) at its defaults raises no warning and decodes time to
    1970-01-01 + t minutes; (ds.time - 1970-01-01) / 1 minute is the model time t;
  - xr.open_dataset(path, decode_times=False).time is the model time t (the stored values);
  - species is an index of names: ds.mass.sel(species="prey") is the mass of that species;
  - all species in one array: xr.concat([ds["density_" + s] for s in ds.species.values],
    dim=ds.species), then .sel(species=..., time=...) is that density;
  - ds.hs_norm.sel(species=..., hs=...) is a series in time;
  - kinetic files: the momentum of a species as one vector labelled by its components;
  - limit files: eps is an index coordinate, lim.w1.sel(eps=..., species=...), the
    table lim.w1_max.to_series() indexed by eps;
  - ds.attrs["history"] holds the command line;
  - the manual's plots: ds.density_prey.isel(time=-1).plot(), ds.hs_norm.sel(...).plot();
  - a run and its continuation concatenated along time (the manual's xr.concat, and
    open_mfdataset when dask is there): strictly increasing, unique times, selection by time.
Prints "N passed, N failed"; exit status 0 if all pass.
"""
import os
import sys
import warnings

import numpy as np
import netCDF4  # noqa: F401  (imported before xarray: on Debian 12 its import warns about numpy, not about a file)
import xarray as xr

fails = []
passes = 0


def check(cond, what):
    global passes
    print(("ok  : " if cond else "FAIL: ") + what, flush=True)
    if cond:
        passes += 1
    else:
        fails.append(what)


def attempt(what, fn):
    """check(fn()) with an exception as a failure."""
    try:
        r = fn()
    except Exception as e:  # noqa: BLE001
        check(False, f"{what}: {type(e).__name__}: {e}")
        return
    check(bool(r), what)


d = sys.argv[1]
p = lambda name: os.path.join(d, name + ".nc")  # noqa: E731


def raw_times(path):
    with netCDF4.Dataset(path) as nc:
        return np.asarray(nc.variables["time"][:], dtype=float)


# the command that wrote each file (tests/analysis_files.sh), for the history check
commands = {"kin2d": "fracagg kinetic kin2d.ini -q -o kin2d.nc",
            "limit": "fracagg limit kin2d.ini --eps 0.04,0.02 -o limit.nc",
            "kin1d": "fracagg kinetic kin1d.ini -q -o kin1d.nc",
            "kinp1d": "fracagg kinetic kin1d.ini -q -o kinp1d.nc --set kinetic.model=particles",
            "limit1d": "fracagg limit kin1d.ini --eps 0.1,0.05 -o limit1d.nc",
            "kin3d": "fracagg kinetic kin3d.ini -q -o kin3d.nc"}
limit_eps = {"limit": [0.04, 0.02], "limit1d": [0.1, 0.05]}

for name in ("run1d", "run2d", "run2d_b", "run3d", "kin2d", "limit", "kin1d", "kinp1d", "limit1d", "kin3d"):
    path = p(name)
    print(f"# {name}.nc")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ds = xr.open_dataset(path)
        ds.load()
    check(not w, f"{name}: xr.open_dataset(path) raises no warning"
          + ("" if not w else f": {[str(x.message)[:120] for x in w]}"))
    t = raw_times(path)
    check(np.issubdtype(ds.time.dtype, np.datetime64), f"{name}: time decoded to datetime64 ({ds.time.dtype})")
    t_dec = ((ds.time - np.datetime64("1970-01-01")) / np.timedelta64(1, "m")).values
    check(np.allclose(t_dec, t, rtol=0, atol=1e-9),
          f"{name}: (ds.time - np.datetime64('1970-01-01')) / np.timedelta64(1, 'm') is t = {t_dec}")
    dsr = xr.open_dataset(path, decode_times=False)
    check(np.array_equal(dsr.time.values, t), f"{name}: open_dataset(path, decode_times=False).time is t = {dsr.time.values}")
    names = [str(s) for s in dsr.species.values]
    check("species" in dsr.indexes and all(isinstance(s, str) for s in dsr.species.values),
          f"{name}: species is an index of names {names}")
    hist = dsr.attrs.get("history", "")
    cmd = commands.get(name, f"fracagg run {name}.ini -q -o {name}.nc")
    check(cmd in hist, f"{name}: ds.attrs['history'] holds the command line {cmd!r}")
    if name in limit_eps:
        eps = limit_eps[name]
        check("eps" in dsr.indexes and list(dsr.eps.values) == eps, f"{name}: eps is an index coordinate {dsr.eps.values}")
        sp = names[-1]
        v = dsr.w1.sel(eps=eps[1], species=sp)
        with netCDF4.Dataset(path) as nc:
            w1 = np.asarray(nc.variables["w1"][:, 1, names.index(sp)])
        check(v.dims == ("time",) and np.array_equal(v.values, w1),
              f"{name}: lim.w1.sel(eps={eps[1]}, species={sp!r}) is w1[:, 1, {names.index(sp)}]")
        s = dsr.w1_max.to_series()
        check(list(s.index) == eps and s.index.name == "eps" and bool(np.all(np.isfinite(s.values))),
              f"{name}: lim.w1_max.to_series() indexed by eps: {s.to_dict()}")
        check(bool(np.all(np.isfinite(dsr.steps.values))) and bool(np.all(dsr.steps.values > 0)),
              f"{name}: every eps run (steps {dsr.steps.values}: no fill value)")
        continue
    for i, s in enumerate(names):
        with netCDF4.Dataset(path) as nc:
            m = np.asarray(nc.variables["mass"][:, i])
        attempt(f"{name}: ds.mass.sel(species={s!r}) is column {i} of mass",
                lambda: np.array_equal(dsr.mass.sel(species=s).values, m))
    rho = xr.concat([dsr["density_" + s] for s in dsr.species.values], dim=dsr.species)
    check(rho.dims[:2] == ("species", "time") and list(rho.species.values) == names,
          f"{name}: xr.concat([ds['density_' + s] for s in ds.species.values], dim=ds.species) -> {dict(rho.sizes)}")
    last = names[-1]
    attempt(f"{name}: rho.sel(species={last!r}, time=ds.time[-1]) is density_{last} at the last time",
            lambda: np.array_equal(rho.sel(species=last, time=dsr.time[-1]).values, dsr["density_" + last][-1].values))
    if "hs" in dsr.dims:
        hs = float(dsr.hs.values[-1])
        with netCDF4.Dataset(path) as nc:
            h = np.asarray(nc.variables["hs_norm"][:, -1, 0])
        attempt(f"{name}: ds.hs_norm.sel(species={names[0]!r}, hs={hs:g}) is a series in time",
                lambda: np.array_equal(dsr.hs_norm.sel(species=names[0], hs=hs).values, h))
    if name.startswith("kin"):
        axes = [a for a in "xyz" if a in dsr.dims]
        for s in names:
            m = xr.concat([dsr[f"kinetic_momentum_{a}_{s}"] for a in axes], dim=xr.DataArray(axes, dims="component"))
            ok = list(m.component.values) == axes and all(
                np.array_equal(m.sel(component=a).values, dsr[f"kinetic_momentum_{a}_{s}"].values) for a in axes)
            check(ok, f"{name}: xr.concat([ds[f'kinetic_momentum_{{a}}_{s}'] for a in {axes}], "
                  f"dim=xr.DataArray({axes}, dims='component')) -> {dict(m.sizes)}")
        w1 = dsr.w1.sel(species=names[-1])
        if dsr.attrs.get("kinetic_model") == "particles":
            # sampled particles differ from the macroscopic density from the start
            check(w1.dims == ("time",) and bool(np.all(np.isfinite(w1.values))) and float(w1[0]) > 0,
                  f"{name}: ds.w1.sel(species={names[-1]!r}) is a series in time, > 0 at t = 0 (sampling)")
        else:
            check(w1.dims == ("time",) and float(w1[0]) == 0.0,
                  f"{name}: ds.w1.sel(species={names[-1]!r}) starts at 0 (well prepared)")

# the manual's plots (matplotlib's Agg backend, nothing shown)
try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    ds = xr.open_dataset(p("run2d"), decode_times=False)
    attempt("ds.density_prey.isel(time=-1).plot() (2D: an image)",
            lambda: ds.density_prey.isel(time=-1).plot() is not None)
    attempt("ds.hs_norm.sel(species='prey', hs=1.0).plot()",
            lambda: len(ds.hs_norm.sel(species="prey", hs=1.0).plot()) == 1)
    check("[grid]" in ds.attrs.get("config", ""), "ds.attrs['config'] holds the configuration")
    plt.close("all")
except ImportError:
    print("skip: no matplotlib: the manual's .plot() calls not tried")

# a run and its continuation into a new file: the manual's xr.concat, and open_mfdataset (dask)
print("# run2d.nc + run2d_b.nc")
ways = [("xr.concat([xr.open_dataset(f, decode_times=False) for f in (run, continuation)], dim='time')",
         lambda: xr.concat([xr.open_dataset(f, decode_times=False) for f in (p("run2d"), p("run2d_b"))], dim="time"))]
try:
    import dask  # noqa: F401
    ways.append(("xr.open_mfdataset([run, continuation], decode_times=False)",
                 lambda: xr.open_mfdataset([p("run2d"), p("run2d_b")], decode_times=False)))
except ImportError:
    print("skip: no dask (python3-dask): open_mfdataset not tried")
b0 = xr.open_dataset(p("run2d_b"), decode_times=False).density_prey[0].values
for how, open_both in ways:
    mf = open_both()
    tt = mf.time.values
    check(len(tt) == 9 and bool(np.all(np.diff(tt) > 0)), f"{how}: times strictly increasing {tt}")
    check(mf.indexes["time"].is_unique, "  ... the time index is unique")
    attempt("  ... sel by time at the first record of the continuation",
            lambda: np.array_equal(mf.density_prey.sel(time=tt[5]).values, b0))
print(f"{passes} passed, {len(fails)} failed")
sys.exit(1 if fails else 0)
