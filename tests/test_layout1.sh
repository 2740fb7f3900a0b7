#!/bin/sh
# Run files of layout version 1 (before fracagg_layout: rho(time, species, ...), species_name,
# hs_norm(time, species, hs), time in units "1") are still input: tests/data/layout1_run.nc and
# layout1_kinetic.nc were written by the fracagg of that layout. fracagg info, w1 and verify-hs
# read them (verify-hs's norms as computed from the file: hs_norm is (time, species, hs) there);
# a run restarts from one of their records (type = file) into a layout-2 file; and fracagg run
# --continue appends to a copy in layout 1 (rho, hs_norm in layout 1's order) records equal to
# those of a restart from the same last record into a new file, and within solver tolerance of
# a fresh run of the same configuration to the same end time.
data=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/tests/data
CHECK_TAIL=3 fa_test=layout1; . "$(dirname "$0")/testlib.sh"
v1=$data/layout1_run.nc
v1k=$data/layout1_kinetic.nc
[ -r "$v1" ] && [ -r "$v1k" ] || { echo "hard error: $v1 or $v1k missing"; exit 99; }
have_py() { [ -n "$PY" ] && "$PY" -c 'import netCDF4, numpy' 2> /dev/null; }
# w1_total A B: the total W1 between the last records of A and B (empty on failure)
w1_total() { "$FRACAGG" w1 "$1" "$2" 2> /dev/null | sed -n 's/^total: W1 = \([^ ]*\).*/\1/p'; }
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 <= b + 0) }'; }

# ---- fracagg info ------------------------------------------------------------------------
"$FRACAGG" info "$v1" > info.txt 2>&1
code=$?
check "info on a layout-1 run file" sh -c "[ $code -eq 0 ] && grep -q 'layout version 1' info.txt \
    && grep -q 'grid:      2D, cells 12 10, box 6 5, periodic' info.txt && grep -q 'records:   5, t = 0 .. 0.4' info.txt \
    && grep -q '1 prey ' info.txt && grep -q '2 predator ' info.txt && grep -q 'H^s:       s = 0 1' info.txt \
    && grep -q 'status:    complete' info.txt"
"$FRACAGG" info "$v1k" > infok.txt 2>&1
code=$?
check "info on a layout-1 kinetic run file" sh -c "[ $code -eq 0 ] && grep -q 'layout version 1' infok.txt \
    && grep -q 'species:   2 (with the kinetic model)' infok.txt && grep -q 'records:   3' infok.txt"

# the stored configuration, as info prints it, is a configuration
"$FRACAGG" info "$v1" | sed -n '/^config:/,$p' | sed '1d; s/^  //' > v1.ini
# the same configuration run by this fracagg: a layout-2 file
check "the stored configuration runs (layout 2)" "$FRACAGG" run v1.ini -q -o ref.nc
check "... and writes layout 2" sh -c "'$FRACAGG' info ref.nc | grep -q 'layout version 2'"

# ---- fracagg w1 --------------------------------------------------------------------------
w=$(w1_total "$v1" "$v1")
check "w1 of a layout-1 file against itself is 0 (W1 = $w)" [ "$w" = 0 ]
"$FRACAGG" w1 "$v1" ref.nc > w1.txt 2>&1
w=$(sed -n 's/^total: W1 = \([^ ]*\).*/\1/p' w1.txt)
check "w1 between layout 1 and a layout-2 run of the same configuration: per species by name, W1 = $w <= 1e-5" sh -c \
    "grep -q 'species 1 (prey)' w1.txt && grep -q 'species 2 (predator)' w1.txt && awk -v a='$w' 'BEGIN { exit !(a != \"\" && a <= 1e-5) }'"
w=$(w1_total "$v1k" "$v1k")
check "w1 of a layout-1 kinetic file against itself is 0 (W1 = $w)" [ "$w" = 0 ]

# ---- fracagg verify-hs: hs_norm(time, species, hs) read as such ---------------------------
"$FRACAGG" verify-hs "$v1" --s 1 > vhs.txt 2>&1
code=$?
check "verify-hs --s 1 on a layout-1 file: the lemma's condition is named (2D needs s > 4)" sh -c \
    "[ $code -eq 2 ] && grep -q 's > d/2 + 3' vhs.txt"
"$FRACAGG" verify-hs "$v1" --s 1 --any-s --per-species --tsv > vhs.tsv 2>&1
check "verify-hs --s 1 --any-s --per-species on a layout-1 file" [ $? -eq 0 ]
"$FRACAGG" verify-hs "$v1k" --s 1 --any-s > vhsk.txt 2>&1
check "verify-hs --s 1 --any-s on a layout-1 kinetic file" [ $? -eq 0 ]
if have_py; then
    # y0 and C_emp = max_t (1/y0 - 1/y(t))/t of each species' hs_norm[:, i, q] and of
    # hs_norm_total[:, q], computed from the file, against verify-hs's columns 6 and 7
    check "verify-hs reads layout 1's hs_norm(time, species, hs): y0 and C_emp per species as computed from the file" \
        "$PY" - "$v1" vhs.tsv <<'PYEOF'
import sys, netCDF4, numpy as np
d = netCDF4.Dataset(sys.argv[1])
t = np.asarray(d["time"][:]); q = list(d["hs"][:]).index(1.0)
names = [str(s) for s in d["species_name"][:]]
series = {n: np.asarray(d["hs_norm"][:, i, q]) for i, n in enumerate(names)}
series["combined"] = np.asarray(d["hs_norm_total"][:, q])
rows = [l.split("\t") for l in open(sys.argv[2]) if not l.startswith("#")]
assert sorted(r[1] for r in rows) == sorted(series), rows
for r in rows:
    y = series[r[1]]
    cemp = np.max((1 / y[0] - 1 / y[1:]) / (t[1:] - t[0]))
    print("%-9s y0 %.12g (file %.12g)  C_emp %.12g (file %.12g)" % (r[1], float(r[5]), y[0], float(r[6]), cemp))
    assert abs(float(r[5]) - y[0]) <= 1e-12 * y[0] and abs(float(r[6]) - cemp) <= 1e-9 * max(1, abs(cemp))
PYEOF
fi

# ---- a restart from a record of a layout-1 file ---------------------------------------------
sed '/^\[initial.1\]/,$d' v1.ini > restart.ini
cat >> restart.ini <<INI
[initial.1]
type = file
path = $v1
time = 0.2
[initial.2]
type = file
path = $v1
time = 0.2
[time]
start = 0.2
end = 0.4
outputs = 2
[output]
hs = 0 1
INI
check "restart from the record at t = 0.2 of a layout-1 file" "$FRACAGG" run restart.ini -q -o restart.nc
check "the restarted file is layout 2 and starts at its first new output time" sh -c \
    "'$FRACAGG' info restart.nc | grep -q 'layout version 2' && '$FRACAGG' info restart.nc | grep -q 'records:   2, t = 0.3 .. 0.4'"
w=$(w1_total "$v1" restart.nc)
check "the restarted run ends where the layout-1 run ended (W1 = $w <= 1e-5)" below "$w" 1e-5

# ---- --continue on a copy: appending keeps layout 1 -------------------------------------------
cp "$v1" cont.nc && chmod u+w cont.nc
check "run --continue on a copy of a layout-1 file, to t = 0.8" "$FRACAGG" run --continue cont.nc --set time.end=0.8 -q
"$FRACAGG" info cont.nc > infoc.txt 2>&1
check "the continued file is still layout 1, 7 records to t = 0.8, status complete" sh -c \
    "grep -q 'layout version 1' infoc.txt && grep -q 'records:   7, t = 0 .. 0.8' infoc.txt && grep -q 'status:    complete' infoc.txt"
if command -v "$NCDUMP" > /dev/null 2>&1; then
    "$NCDUMP" -h cont.nc > conth.txt 2>&1
    check "... with layout 1's variables only (rho, species_name; no density_*, no fracagg_layout)" sh -c \
        "grep -q 'double rho(time, species, y, x)' conth.txt && grep -q 'char species_name(species, name_strlen)' conth.txt \
         && grep -q 'double hs_norm(time, species, hs)' conth.txt && ! grep -q 'density_' conth.txt && ! grep -q 'fracagg_layout' conth.txt"
    check "... and the continuation is a line of its history" grep -q 'Z: fracagg run --continue cont.nc --set time.end=0.8 -q"' conth.txt
fi
check "the same configuration run to t = 0.8 (layout 2)" "$FRACAGG" run v1.ini -q -o ref8.nc --set time.end=0.8
w=$(w1_total cont.nc ref8.nc)
check "the continued file's last record agrees with the fresh run (W1 = $w <= 1e-5)" below "$w" 1e-5
# the same continuation as a restart from the layout-1 file's last record into a new
# (layout-2) file: the same state, the same output times, hence the same arithmetic
sed '/^\[initial.1\]/,$d' v1.ini > from04.ini
cat >> from04.ini <<INI
[initial.1]
type = file
path = $v1
[initial.2]
type = file
path = $v1
[time]
start = 0.4
end = 0.8
outputs = 2
[output]
hs = 0 1
INI
check "a restart from the layout-1 file's last record to t = 0.8 (layout 2)" "$FRACAGG" run from04.ini -q -o from04.nc
if have_py; then
    export V1="$v1"
    check "appended records: layout 1's variables in its order, equal to the restart's, within tolerance of the fresh run's" "$PY" - <<'PYEOF'
import os, netCDF4, numpy as np
c, r, s = netCDF4.Dataset("cont.nc"), netCDF4.Dataset("ref8.nc"), netCDF4.Dataset("from04.nc")
t = np.asarray(c["time"][:])
assert np.allclose(t, [0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8], rtol=0, atol=1e-12), t
assert np.array_equal(np.asarray(s["time"][:]), t[5:]), s["time"][:]
# char variables with _Encoding are read as strings (netCDF4's auto chartostring)
names = [str(x) for x in c["species_name"][:]]
assert names == ["prey", "predator"], names
assert [str(x) for x in r["species"][:]] == names and [str(x) for x in s["species"][:]] == names
for i, n in enumerate(names):
    # every appended record is the restart's record (rho(time, species, ...) in layout 1)
    a, b = np.asarray(c["rho"][5:, i]), np.asarray(s["density_" + n][:])
    err = float(np.abs(a - b).max() / np.abs(b).max())
    print("%-9s appended records against the restart's: max relative difference %.2e" % (n, err))
    assert err <= 1e-12
    a, b = np.asarray(c["rho"][-1, i]), np.asarray(r["density_" + n][-1])
    err = float(np.abs(a - b).max() / np.abs(b).max())
    print("%-9s t = 0.8 against the fresh run: max relative difference %.2e (rtol 1e-6)" % (n, err))
    assert err < 5e-5
m = np.asarray(c["mass"][:])
assert np.allclose(m, m[0], rtol=1e-12), m
assert np.allclose(m[5:], np.asarray(s["mass"][:]), rtol=1e-12, atol=0)
# hs_norm and hs_top_share are (time, species, hs) in layout 1, (time, hs, species) in layout 2
for v in ("hs_norm", "hs_top_share"):
    a, b = np.asarray(c[v][5:]), np.asarray(s[v][:]).transpose(0, 2, 1)
    assert np.allclose(a, b, rtol=1e-12, atol=1e-300), (v, a, b)
assert np.allclose(np.asarray(c["hs_norm_total"][5:]), np.asarray(s["hs_norm_total"][:]), rtol=1e-12, atol=0)
# the records of the original file are untouched
v = netCDF4.Dataset(os.environ["V1"])
assert np.array_equal(np.asarray(v["rho"][:]), np.asarray(c["rho"][:5]))
assert np.array_equal(np.asarray(v["hs_norm"][:]), np.asarray(c["hs_norm"][:5]))
assert np.array_equal(np.asarray(v["time"][:]), t[:5])
PYEOF
fi
finish
