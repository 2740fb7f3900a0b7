"""fracagg files in ParaView's NetCDF (CF) reader at its default settings (run by
tests/test_paraview.sh under pvpython; no display needed, nothing is rendered).

    pvpython tests/test_paraview.py FILE.nc...

For each file, the reader the GUI calls "NetCDF Reader" (NetCDFReader(FileName=...): File >
Open of a .nc file asks which reader, and OpenDataFile() would pick the CAM reader in 5.11)
is checked against the file itself, read with netCDF4:
  - the default 'Dimensions' is the field's: the grid (z, y, x) / (y, x) / (x), or (eps,
    species) for a limit file; ParaView takes the dimensions of the alphabetically first data
    variable, so nothing may sort before density_*;
  - Cartesian output: SphericalCoordinates is on by default, and an `axis` attribute X/Y on
    x/y would make a spherical wedge; the output must be image or rectilinear data whose
    bounds are the ranges of the cell centres (ParaView puts point data at the centres);
  - every variable over (time, field dimensions) is an array: each density_<name>, each
    kinetic_density_<name> and kinetic_momentum_<a>_<name>, the limit file's series;
  - the time steps are the file's time values (the model times t);
  - at the first and the last time step every array holds the file's values, in the file's
    order (x fastest), so no axis is swapped or flipped;
  - 3D: the manual's Contour of a density gives a surface (computed, not rendered).
Exit status 0 if every check passes on every file.
"""
import os
import sys

import numpy as np

try:
    import netCDF4
except ImportError:
    print("SKIP: pvpython's Python has no netCDF4 (Debian: python3-netcdf4)")
    sys.stdout.flush()
    os._exit(77)
from paraview.simple import Contour, Delete, NetCDFReader
from vtk.util.numpy_support import vtk_to_numpy

fails = []
passes = 0


def check(cond, what):
    global passes
    print(("ok  : " if cond else "FAIL: ") + what, flush=True)
    if not cond:
        fails.append(what)
    else:
        passes += 1


def expected(path):
    """What the file holds: field dimensions, field variables, times, centres, values."""
    with netCDF4.Dataset(path) as nc:
        nc.set_auto_mask(False)
        times = np.asarray(nc.variables["time"][:], dtype=float)
        limit = "eps" in nc.dimensions
        if limit:
            field_dims = tuple(d for d in nc.variables["w1"].dimensions if d != "time")
        else:
            first = sorted(v for v in nc.variables if v.startswith("density_"))[0]
            field_dims = tuple(d for d in nc.variables[first].dimensions if d != "time")
        fields = sorted(v for v, var in nc.variables.items() if var.dimensions == ("time",) + field_dims)
        centres = {}
        for d in field_dims:
            if d in nc.variables and nc.variables[d].ndim == 1 and nc.variables[d].dtype.kind == "f":
                centres[d] = np.asarray(nc.variables[d][:], dtype=float)
            else:  # no numeric coordinate (species): ParaView uses the index
                centres[d] = np.arange(len(nc.dimensions[d]), dtype=float)
        values = {f: np.asarray(nc.variables[f][:], dtype=float) for f in fields}
    return limit, field_dims, fields, times, centres, values


def point_arrays(reader, t):
    reader.UpdatePipeline(t)
    # the reader's own output (pvpython's built-in session); servermanager.Fetch() of a
    # rectilinear grid (the limit file) returned uninitialised coordinates and values here
    data = reader.GetClientSideObject().GetOutputDataObject(0)
    pd = data.GetPointData()
    return {pd.GetArrayName(k): vtk_to_numpy(pd.GetArray(k)) for k in range(pd.GetNumberOfArrays())}


def check_file(path):
    limit, field_dims, fields, times, centres, values = expected(path)
    name = os.path.basename(path)
    print(f"# {name}: fields {fields} over {field_dims}, {len(times)} times", flush=True)
    r = NetCDFReader(registrationName=name, FileName=[path])
    r.UpdatePipelineInformation()
    want = "(" + ", ".join(field_dims) + ")"
    check(r.Dimensions == want, f"{name}: default Dimensions {r.Dimensions!r} is the field's {want}")
    ts = r.TimestepValues
    ts = [ts] if isinstance(ts, float) else list(ts or [])
    check(len(ts) == len(times) and np.allclose(ts, times, rtol=0, atol=1e-12 * max(1.0, np.abs(times).max())),
          f"{name}: time steps {ts} are the file's times")
    r.UpdatePipeline(times[-1])
    di = r.GetDataInformation()
    dtype = di.GetDataSetTypeAsString()
    check(dtype in ("vtkImageData", "vtkRectilinearGrid", "vtkUniformGrid"),
          f"{name}: Cartesian output ({dtype}; SphericalCoordinates = {r.SphericalCoordinates})")
    npts = int(np.prod([len(centres[d]) for d in field_dims]))
    check(di.GetNumberOfPoints() == npts, f"{name}: {di.GetNumberOfPoints()} points, one per cell ({npts})")
    exp = []
    for d in reversed(field_dims):  # VTK's x is the file's last (fastest) dimension
        exp += [centres[d].min(), centres[d].max()]
    exp += [0.0, 0.0] * (3 - len(field_dims))
    b = di.GetBounds()
    check(np.allclose(b, exp, rtol=0, atol=1e-9),
          f"{name}: bounds {tuple(round(v, 9) for v in b)} are the cell-centre ranges {tuple(round(v, 9) for v in exp)}")
    for k in (0, len(times) - 1):
        arrays = point_arrays(r, times[k])
        check(all(f in arrays for f in fields), f"{name}: every field is an array at t = {times[k]:g}: {sorted(arrays)}")
        worst = 0.0
        for f in fields:
            if f not in arrays:
                continue
            a, v = arrays[f].astype(float), values[f][k].ravel()
            if a.shape != v.shape:
                worst = np.inf
                print(f"      {f}: {a.shape} values, the file has {v.shape}")
                continue
            if limit:  # a fill value (eps not run) is not compared
                keep = np.abs(v) < 1e30
                a, v = a[keep], v[keep]
            worst = max(worst, float(np.abs(a - v).max() / max(np.abs(v).max(), 1e-300)) if v.size else 0.0)
        check(worst <= 1e-12, f"{name}: at t = {times[k]:g} the arrays hold the file's values in its order "
              f"(max relative difference {worst:.1e})")
    if len(field_dims) == 3:  # the manual's contour (computed, not rendered)
        lo, hi = (float(values[fields[0]][-1].min()), float(values[fields[0]][-1].max()))
        c = Contour(Input=r, ContourBy=["POINTS", fields[0]], Isosurfaces=[lo + 0.5 * (hi - lo)])
        c.UpdatePipeline(times[-1])
        n = c.GetDataInformation().GetNumberOfPoints()
        check(n > 0, f"{name}: Contour of {fields[0]} at half its range: a surface of {n} points")
        Delete(c)
    Delete(r)


for p in sys.argv[1:]:
    check_file(os.path.abspath(p))
print(f"{passes} passed, {len(fails)} failed", flush=True)
sys.stdout.flush()
sys.stderr.flush()
# os._exit: skip ParaView's teardown (under a display it can end in an X error after a
# successful run, which would turn a pass into a failing exit status)
os._exit(1 if fails else 0)
