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
    check "layout 2: density_<name>(time, y, x) per species, char species coordinate, CF conventions, config" sh -c \
        "grep -q 'double density_prey(time, y, x)' header.txt && grep -q 'double density_predator(time, y, x)' header.txt \
         && grep -q 'char species(species, name_strlen)' header.txt && grep -q 'species:_Encoding = \"utf-8\"' header.txt \
         && grep -q 'double mass(time, species)' header.txt && grep -q 'double hs_norm(time, hs, species)' header.txt \
         && grep -q ':fracagg_layout = 2' header.txt && grep -q ':Conventions = \"CF-1.8\"' header.txt && grep -q ':config = ' header.txt \
         && ! grep -Eq 'double rho\(|species_name|component' header.txt"
    check "coordinates carry bounds and no axis; time is a CF time axis" sh -c \
        "grep -q 'x:bounds = \"x_bnds\"' header.txt && grep -q 'y:bounds = \"y_bnds\"' header.txt && ! grep -Eq '[xyz]:axis' header.txt \
         && grep -q 'time:units = \"minutes since 1970-01-01 00:00:00\"' header.txt && grep -q 'time:calendar = \"proleptic_gregorian\"' header.txt"
    check "history holds the command line" grep -q 'Z: fracagg run two.ini"' header.txt
else
    echo "skip: ncdump not found"
fi
check "fracagg info summarises" sh -c "'$FRACAGG' info two.nc > info.txt && grep -q 'records:   5, t = 0 .. 1' info.txt && grep -q 'prey' info.txt && grep -q 'status:    complete' info.txt"

if [ -n "$PY" ] && "$PY" -c 'import xarray, netCDF4, numpy' 2> /dev/null; then
    check "xarray: dimensions, masses, coordinates, config" "$PY" - <<'PYEOF'
import configparser, numpy as np, xarray as xr
ds = xr.open_dataset("two.nc", decode_times=False)
names = [str(n) for n in ds.species.values]
assert names == ["prey", "predator"], names
for n in names:
    assert ds["density_" + n].dims == ("time", "y", "x"), ds["density_" + n].dims
assert "rho" not in ds and "species_name" not in ds
assert ds.sizes["x"] == 40 and ds.sizes["y"] == 24 and ds.sizes["time"] == 5
h = float(ds.x[1] - ds.x[0]) * float(ds.y[1] - ds.y[0])
for n in names:
    mass = ds["density_" + n].sum(("x", "y")).values * h
    assert np.allclose(mass, ds.mass.sel(species=n).values, rtol=1e-12), (n, mass, ds.mass.values)
assert abs(float(ds.x[0]) - (-5 + 0.125)) < 1e-12 and abs(float(ds.x_bnds[0, 0]) + 5) < 1e-12
assert list(ds.time.values) == [0, 0.25, 0.5, 0.75, 1.0], ds.time.values
cfg = configparser.ConfigParser(); cfg.read_string(ds.attrs["config"])
assert cfg["grid"]["cells"] == "40 24" and cfg["species"]["names"] == "prey predator"
assert ds.hs_norm.dims == ("time", "hs", "species") and list(ds.hs.values) == [0, 1.5]
assert ds.hs_norm.sel(species="predator", hs=1.5).dims == ("time",)
assert float(ds.energy[-1]) < float(ds.energy[0])
assert int(ds.attrs["fracagg_layout"]) == 2
# decoded times: 1970-01-01 + t minutes
dt = xr.open_dataset("two.nc").time
t = ((dt - np.datetime64("1970-01-01")) / np.timedelta64(1, "m")).values
assert np.allclose(t, ds.time.values, rtol=0, atol=1e-9), t
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
check "initial_record = yes writes the start record again" "$FRACAGG" run cont.ini -q -o cont_yes.nc --set output.initial_record=yes
if [ -n "$PY" ] && "$PY" -c 'import netCDF4' 2> /dev/null; then
    check "restarted run matches the uninterrupted one to solver tolerance; no repeated record" "$PY" - <<'PYEOF'
import netCDF4, numpy as np
a, b, c = netCDF4.Dataset("two.nc"), netCDF4.Dataset("cont.nc"), netCDF4.Dataset("cont_yes.nc")
tb, tc = list(b["time"][:]), list(c["time"][:])
assert tb == [0.75, 1.0], tb   # the record at [time] start = 0.5 is half.nc's, not repeated
assert tc == [0.5, 0.75, 1.0], tc
for n in ("prey", "predator"):
    x, y = a["density_" + n][-1], b["density_" + n][-1]
    err = float(np.abs(x - y).max() / np.abs(x).max())
    print("%s: max relative difference %.2e (rtol 1e-6)" % (n, err))
    assert err < 1e-5
    # the start record of cont_yes.nc is half.nc's last record, bit for bit
    h = netCDF4.Dataset("half.nc")["density_" + n][-1]
    assert np.array_equal(np.asarray(c["density_" + n][0]), np.asarray(h)), n
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
t = d["time"][:]
assert not np.ma.is_masked(t) and np.all(np.diff(t) > 0), t
dens = [v for v in d.variables if v.startswith("density_")]
assert dens == ["density_s1"], dens
for v in dens:
    rho = d[v][:]
    assert rho.shape[0] == len(t) and np.all(np.isfinite(rho)) and not np.ma.is_masked(rho)
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
