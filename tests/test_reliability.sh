#!/bin/sh
# Long runs lose nothing: kill -9 then --continue reaches the uninterrupted answer, SIGINT ends
# with 130 and a last record, a complete file is left alone, a disk too small is refused
# before the run and a disk that fills up mid-run keeps the records written.
CHECK_TAIL=2 fa_test=reliab; . "$(dirname "$0")/testlib.sh"
tiny=""
at_exit() { [ -n "$tiny" ] && umount "$tiny" 2> /dev/null; }
command -v "$NCDUMP" > /dev/null 2>&1 || { echo "skip: ncdump not found"; exit 77; }

cat > long.ini <<'INI'
[grid]
dim = 2
cells = 128
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
end = 3
outputs = 30
INI

# the uninterrupted reference
"$FRACAGG" run long.ini -q -o ref.nc || { echo "FAIL: reference run"; exit 1; }

# kill -9, then continue in place
"$FRACAGG" run long.ini -q -o killed.nc &
pid=$!
wait_records killed.nc 4
kill -9 $pid 2> /dev/null
wait $pid 2> /dev/null
n=$(records killed.nc)
check "after kill -9 the file opens with $n finished records" sh -c "[ ${n:-0} -ge 4 ] && '$NCDUMP' -v time killed.nc > /dev/null"
check "fracagg run --continue appends to the killed file up to the end" "$FRACAGG" run --continue killed.nc -q
n=$(records killed.nc)
check "the continued file has every record of the schedule ($n of 31)" [ "${n:-0}" -eq 31 ]
check "the continuation is a line of the history" sh -c "'$NCDUMP' -h killed.nc | grep -q 'Z: fracagg run --continue killed.nc -q\"'"
if [ -n "$PY" ] && "$PY" -c 'import netCDF4' 2> /dev/null; then
    check "the continued run reaches the uninterrupted answer (solver tolerance)" "$PY" - <<'PYEOF'
import netCDF4, numpy as np
a = netCDF4.Dataset("ref.nc"); b = netCDF4.Dataset("killed.nc")
assert np.allclose(a["time"][:], b["time"][:], rtol=0, atol=1e-12), (a["time"][:], b["time"][:])
assert [v for v in b.variables if v.startswith("density_")] == ["density_s1"]
ra, rb = a["density_s1"][-1], b["density_s1"][-1]
err = float(np.abs(ra - rb).max() / np.abs(ra).max())
print("max relative difference at t = 3: %.2e (rtol 1e-6)" % err)
assert err < 1e-5
assert abs(float(b["mass"][-1, 0]) / float(a["mass"][0, 0]) - 1) < 1e-12
PYEOF
fi
"$FRACAGG" run --continue killed.nc > done.txt 2>&1
code=$?
n=$(records killed.nc)
check "continuing a complete file changes nothing (exit 0, says so)" sh -c "[ $code -eq 0 ] && grep -q 'is complete' done.txt && [ ${n:-0} -eq 31 ]"
"$FRACAGG" run --continue missing.nc > missing.txt 2>&1
code=$?
check "continuing a file that does not exist exits 2 and names it (it crashed)" sh -c "[ $code -eq 2 ] && grep -q 'missing.nc' missing.txt"

# SIGINT: a last record, exit 130
"$FRACAGG" run long.ini -q -o int.nc 2> int.txt &
pid=$!
wait_records int.nc 3
kill -INT $pid
wait $pid
code=$?
n=$(records int.nc)
check "SIGINT exits 130, one line, the reached state written ($n records)" sh -c \
    "[ $code -eq 130 ] && grep -q 'interrupted at t = ' int.txt && [ \$(wc -l < int.txt) -eq 1 ] && '$FRACAGG' info int.nc | grep -q 'status:    stopped (interrupted)'"

# disks: too small before the run, full during it (needs a small tmpfs: root only)
tiny=$work/tiny
mkdir -p "$tiny"
if mount -t tmpfs -o size=3m tmpfs "$tiny" 2> /dev/null; then
    "$FRACAGG" run long.ini -q -o "$tiny/big.nc" --set grid.cells=256 2> small.txt
    code=$?
    check "a disk too small is refused before the run (exit 2, no file)" sh -c \
        "[ $code -eq 2 ] && grep -q 'would need' small.txt && [ ! -e '$tiny/big.nc' ]"
    "$FRACAGG" run long.ini -q -o "$tiny/fill.nc" --set time.outputs=20 2> full.txt &
    pid=$!
    wait_records "$tiny/fill.nc" 2
    dd if=/dev/zero of="$tiny/ballast" bs=64k 2> /dev/null
    wait $pid
    code=$?
    n=$(records "$tiny/fill.nc")
    check "a disk filling up mid-run: exit 3, 'No space left', $n records readable" sh -c \
        "[ $code -eq 3 ] && grep -q 'No space left on device' full.txt && [ ${n:-0} -ge 2 ] && '$NCDUMP' -v time '$tiny/fill.nc' > /dev/null"
else
    echo "skip: cannot mount a small tmpfs (not root): disk-space checks not run"
fi
finish
