"""Structural CF checks of fracagg's files (run by tests/test_cf_attrs.sh on the files of
tests/analysis_files.sh): what the two CF checkers (cfchecks, IOOS compliance-checker; not
packaged for Debian, run by hand) and the analysis tools need, checked with netCDF4 alone.

    python3 tests/test_cf_attrs.py FILE.nc...

On every file:
  - global attributes Conventions = "CF-1.8", history (the command line), fracagg_layout = 2;
  - names of variables and dimensions match ^[A-Za-z][A-Za-z0-9_]*$ (CF 2.3);
  - every variable has long_name, except bounds variables (CF 7.1: they inherit);
  - every numeric variable except bounds has units;
  - time: the unlimited dimension, standard_name "time", calendar, units
    "minutes since 1970-01-01 ...", values strictly increasing; time is the first dimension of
    every variable over it;
  - x, y, z: no axis attribute (ParaView would take x/y for longitude/latitude), units, a
    bounds variable (a, bnds) that exists;
  - no variable over more than time + 3 dimensions (ParaView, CDO);
  - species: a char coordinate species(species, name_strlen) with _Encoding utf-8; wherever
    species is a dimension of another variable it is the last one (CDO) and the variable says
    coordinates = "species";
  - run files: one density_<name>(time, <grid>) per species name, and the alphabetically first
    data variable is a density (ParaView's default dimensions); limit files: the first is a
    (time, eps, species) series.
Prints "N passed, N failed"; exit status 0 if all pass.
"""
import os
import re
import sys

import netCDF4
import numpy as np

NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
fails = []
passes = 0


def check(cond, what):
    global passes
    print(("ok  : " if cond else "FAIL: ") + what, flush=True)
    if cond:
        passes += 1
    else:
        fails.append(what)


def check_file(path):
    f = os.path.basename(path)
    nc = netCDF4.Dataset(path)
    nc.set_auto_mask(False)
    V = nc.variables
    g = {k: nc.getncattr(k) for k in nc.ncattrs()}
    check(g.get("Conventions") == "CF-1.8", f"{f}: Conventions = {g.get('Conventions')!r}")
    check("fracagg " in str(g.get("history", "")), f"{f}: history holds the command line")
    check(int(g.get("fracagg_layout", 0)) == 2, f"{f}: fracagg_layout = {g.get('fracagg_layout')}")
    bad = [n for n in list(V) + list(nc.dimensions) if not NAME.match(n)]
    check(not bad, f"{f}: variable and dimension names match {NAME.pattern}" + (f" (not: {bad})" if bad else ""))
    bounds = {V[v].getncattr("bounds") for v in V if "bounds" in V[v].ncattrs()}
    no_long = [v for v in V if v not in bounds and "long_name" not in V[v].ncattrs()]
    check(not no_long, f"{f}: every variable but bounds has long_name" + (f" (missing: {no_long})" if no_long else ""))
    no_units = [v for v in V if v not in bounds and V[v].dtype.kind in "fiu" and "units" not in V[v].ncattrs()]
    check(not no_units, f"{f}: every numeric variable but bounds has units" + (f" (missing: {no_units})" if no_units else ""))
    t = V["time"]
    check(nc.dimensions["time"].isunlimited(), f"{f}: time is the unlimited dimension")
    check(t.getncattr("standard_name") == "time" if "standard_name" in t.ncattrs() else False,
          f"{f}: time has standard_name 'time'")
    check("calendar" in t.ncattrs() and t.getncattr("calendar") == "proleptic_gregorian", f"{f}: time has a calendar")
    units = t.getncattr("units") if "units" in t.ncattrs() else ""
    check(re.match(r"^minutes since 1970-01-01( 00:00:00)?$", units) is not None, f"{f}: time units {units!r}")
    tv = np.asarray(t[:], dtype=float)
    check(tv.size > 0 and bool(np.all(np.diff(tv) > 0)), f"{f}: time values strictly increasing {tv}")
    not_first = [v for v in V if "time" in V[v].dimensions and V[v].dimensions[0] != "time"]
    check(not not_first, f"{f}: time is the first dimension wherever it is one" + (f" (not: {not_first})" if not_first else ""))
    for a in ("x", "y", "z"):
        if a not in V:
            continue
        c = V[a]
        check("axis" not in c.ncattrs(), f"{f}: {a} has no axis attribute")
        b = c.getncattr("bounds") if "bounds" in c.ncattrs() else None
        check(b in V and V[b].dimensions == (a, "bnds") and "units" in c.ncattrs(),
              f"{f}: {a} has units and a bounds variable {b}({a}, bnds)")
    big = [f"{v}{V[v].dimensions}" for v in V if len([d for d in V[v].dimensions if d != "time"]) > 3]
    check(not big, f"{f}: no variable over more than time + 3 dimensions" + (f" (not: {big})" if big else ""))
    sp = V.get("species")
    check(sp is not None and sp.dtype.kind == "S" and sp.dimensions == ("species", "name_strlen")
          and sp.getncattr("_Encoding") == "utf-8",
          f"{f}: char species(species, name_strlen) with _Encoding utf-8")
    names = [str(s) for s in sp[:]] if sp is not None else []
    wrong = [v for v in V if v != "species" and "species" in V[v].dimensions
             and (V[v].dimensions[-1] != "species" or "coordinates" not in V[v].ncattrs()
                  or V[v].getncattr("coordinates") != "species")]
    check(not wrong, f"{f}: species is the last dimension and the coordinates of every variable over it"
          + (f" (not: {wrong})" if wrong else ""))
    coords = {v for v in V if V[v].dimensions == (v,)} | bounds | {"species"}
    data = sorted(v for v in V if v not in coords)
    if "eps" in nc.dimensions:  # a limit file
        check(V[data[0]].dimensions == ("time", "eps", "species"),
              f"{f}: the alphabetically first data variable {data[0]} is a (time, eps, species) series")
        check("eps" in V and V["eps"].dimensions == ("eps",), f"{f}: eps(eps) is a coordinate")
    else:
        grid = tuple(a for a in ("z", "y", "x") if a in nc.dimensions)
        dens = sorted(v for v in V if v.startswith("density_"))
        check(dens == sorted("density_" + s for s in names)
              and all(V[v].dimensions == ("time",) + grid for v in dens),
              f"{f}: one density_<name>(time, {', '.join(grid)}) per species {names}")
        check(data[0].startswith("density_"), f"{f}: the alphabetically first data variable {data[0]} is a density")
        no_cm = [v for v in V if (v.startswith("density_") or v.startswith("kinetic_")) and "cell_methods" not in V[v].ncattrs()]
        check(not no_cm, f"{f}: cell_methods on every field" + (f" (missing: {no_cm})" if no_cm else ""))
    nc.close()


for p in sys.argv[1:]:
    check_file(p)
print(f"{passes} passed, {len(fails)} failed")
sys.exit(1 if fails else 0)
