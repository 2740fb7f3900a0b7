#!/bin/sh
# Run files as other tools see them: ncdump, xarray/netCDF4 (if a scientific Python is
# available), fracagg info; restart from a file; a run killed with SIGKILL or SIGTERM leaves a
# valid file; an integration failure exits 3 and keeps its records; no progress in pipes.
fa_test=runfile; . "$(dirname "$0")/testlib.sh"

cat > two.ini <<'INI'
[grid]
dim = 2
cells = 40 24
length = 10 6
[species]
count = 2
names = prey predator
[kernel.1.1]
type = riesz
strength = 1
alpha = 1
[kernel.2.2]
type = riesz
strength = 0.5
alpha = 1.5
[kernel.1.2]
type = gaussian
strength = -1
length = 1
[kernel.2.1]
type = gaussian
strength = -1
length = 1
[initial.1]
type = gaussian
mass = 1
width = 0.7
center = -1 0
[initial.2]
type = plateau
value = 0.4
radius = 1
center = 1.5 0.5
[time]
end = 1
outputs = 4
[output]
hs = 0 1.5
INI

check "run writes two.nc, nothing on stderr in a pipe" sh -c "'$FRACAGG' run two.ini 2> err.txt | cat > /dev/null && [ -f two.nc ] && [ ! -s err.txt ]"
if command -v "$NCDUMP" > /dev/null 2>&1; then
    "$NCDUMP" -h two.nc > header.txt 2>&1
    check "ncdump reads the header" grep -q "time = UNLIMITED ; // (5 currently)" header.txt
    check "rho(time, species, y, x), CF conventions, config attribute" sh -c \
        "grep -q 'double rho(time, species, y, x)' header.txt && grep -q ':Conventions = \"CF-1.8\"' header.txt && grep -q ':config = ' header.txt"
    check "coordinates carry axis and bounds" sh -c "grep -q 'x:axis = \"X\"' header.txt && grep -q 'y:bounds = \"y_bnds\"' header.txt"
else
    echo "skip: ncdump not found"
fi
check "fracagg info summarises" sh -c "'$FRACAGG' info two.nc > info.txt && grep -q 'records:   5, t = 0 .. 1' info.txt && grep -q 'prey' info.txt && grep -q 'status:    complete' info.txt"

if [ -n "$PY" ] && "$PY" -c 'import xarray, netCDF4, numpy' 2> /dev/null; then
    check "xarray: dimensions, masses, coordinates, config" "$PY" - <<'PYEOF'
import configparser, numpy as np, xarray as xr
ds = xr.open_dataset("two.nc")
assert ds.rho.dims == ("time", "species", "y", "x"), ds.rho.dims
assert ds.sizes["x"] == 40 and ds.sizes["y"] == 24 and ds.sizes["time"] == 5
h = float(ds.x[1] - ds.x[0]) * float(ds.y[1] - ds.y[0])
mass = ds.rho.sum(("x", "y")).values * h
assert np.allclose(mass, ds.mass.values, rtol=1e-12), (mass, ds.mass.values)
assert abs(float(ds.x[0]) - (-5 + 0.125)) < 1e-12 and abs(float(ds.x_bnds[0, 0]) + 5) < 1e-12
assert list(ds.time.values) == [0, 0.25, 0.5, 0.75, 1.0]
cfg = configparser.ConfigParser(); cfg.read_string(ds.attrs["config"])
assert cfg["grid"]["cells"] == "40 24" and cfg["species"]["names"] == "prey predator"
names = [str(n) for n in ds.species_name.values]
assert names == ["prey", "predator"], names
assert ds.hs_norm.dims == ("time", "species", "hs") and list(ds.hs.values) == [0, 1.5]
assert float(ds.energy[-1]) < float(ds.energy[0])
print("xarray ok:", dict(ds.sizes))
PYEOF
    check "plot_run.py draws both pictures" sh -c "'$PY' '${top_srcdir:-$(dirname "$0")/..}/examples/plot_run.py' two.nc > plot.txt && [ -s two_snapshots.png ] && [ -s two_series.png ]"
else
    echo "skip: no Python with xarray/netCDF4 (configure's PYTHON_SCI)"
fi

# restart: run to 0.5, continue from the file to 1, compare with the uninterrupted run
"$FRACAGG" run two.ini -q --set time.end=0.5 --set time.outputs=2 -o half.nc
sed '/^\[initial.1\]/,/^\[time\]/d' two.ini | sed '/^end = 1/d; /^outputs = 4/d; /^\[output\]/,$d' > cont.ini
cat >> cont.ini <<'INI'
[initial.1]
type = file
path = half.nc
[initial.2]
type = file
path = half.nc
[time]
start = 0.5
end = 1
outputs = 2
INI
check "restart from a run file (type = file)" "$FRACAGG" run cont.ini -q -o cont.nc
if [ -n "$PY" ] && "$PY" -c 'import netCDF4' 2> /dev/null; then
    check "restarted run matches the uninterrupted one to solver tolerance" "$PY" - <<'PYEOF'
import netCDF4, numpy as np
a = netCDF4.Dataset("two.nc")["rho"][-1]; b = netCDF4.Dataset("cont.nc")["rho"][-1]
err = float(np.abs(a - b).max() / np.abs(a).max())
print("max relative difference %.2e (rtol 1e-6)" % err)
assert err < 1e-5
PYEOF
fi

# an integration failure: exit 3, the records so far kept
"$FRACAGG" run two.ini -q --set solver.max_steps=5 -o fail.nc 2> fail.txt
code=$?
check "integration failure exits 3 and says why" sh -c "[ $code -eq 3 ] && grep -q 'max_steps' fail.txt"
check "the failed run's file holds its first record" sh -c "'$FRACAGG' info fail.nc | grep -q 'records:   1'"

# SIGKILL mid-run: the file opens and every counted record is complete
cat > long.ini <<'INI'
[grid]
dim = 2
cells = 192
length = 16
[kernel.1.1]
type = riesz
strength = 1
alpha = 1
[initial.1]
type = barenblatt
mass = 1
time = 0.5
[time]
end = 40
outputs = 400
INI
"$FRACAGG" run long.ini -q -o killed.nc &
pid=$!
wait_records killed.nc 3
kill -9 $pid 2> /dev/null
wait $pid 2> /dev/null
n=$(records killed.nc)
check "after kill -9 ncdump opens the file ($n records)" sh -c "[ '${n:-0}' -ge 3 ] && '$NCDUMP' -v time killed.nc > /dev/null"
if [ -n "$PY" ] && "$PY" -c 'import netCDF4' 2> /dev/null; then
    check "after kill -9 every counted record is complete" "$PY" - <<'PYEOF'
import netCDF4, numpy as np
d = netCDF4.Dataset("killed.nc")
t = d["time"][:]; rho = d["rho"][:]
assert not np.ma.is_masked(t) and np.all(np.diff(t) > 0), t
assert np.all(np.isfinite(rho)) and not np.ma.is_masked(rho)
m = d["mass"][:]
assert np.allclose(m, m[0], rtol=1e-12)
print(len(t), "records, last t =", float(t[-1]))
PYEOF
fi

# SIGTERM: a last record, exit 143
"$FRACAGG" run long.ini -q -o term.nc 2> term.txt &
pid=$!
wait_records term.nc 2
kill -TERM $pid
wait $pid 2> term.txt
code=$?
check "SIGTERM exits 143" [ $code -eq 143 ]
check "after SIGTERM the file says why it stopped" sh -c "'$FRACAGG' info term.nc | grep -q 'status:    stopped (interrupted)'"

finish
