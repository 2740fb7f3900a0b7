#!/bin/sh
# fracagg kinetic and fracagg limit from the command line: the run file's kinetic variables,
# the sweep's table and file, and bad input (exit 2).
fa_test=kinetic; . "$(dirname "$0")/testlib.sh"
cat > k.ini <<'INI'
[grid]
dim = 2
cells = 24 16
length = 8 6
[species]
count = 2
[kernel.1.1]
type = riesz
strength = 1
alpha = 1
[kernel.2.2]
type = gaussian
strength = 1
length = 1
[kernel.1.2]
type = gaussian
strength = -0.5
length = 1
[kernel.2.1]
type = gaussian
strength = -0.5
length = 1
[initial.1]
type = gaussian
mass = 1
width = 0.8
center = -1 0
[initial.2]
type = gaussian
mass = 1
width = 0.7
center = 1 0.5
[time]
end = 0.2
outputs = 4
[kinetic]
epsilon = 0.02
INI
check "fracagg kinetic (moment model) runs" "$FRACAGG" kinetic k.ini -q -o km.nc
if command -v "$NCDUMP" > /dev/null 2>&1; then
    "$NCDUMP" -h km.nc > km.txt 2>&1
    check "kinetic run file: kinetic_density_<name>, kinetic_momentum_<axis>_<name>, w1, modulated_* and epsilon" sh -c \
        "grep -q 'double density_s1(time, y, x)' km.txt && grep -q 'double density_s2(time, y, x)' km.txt \
         && grep -q 'double kinetic_density_s1(time, y, x)' km.txt && grep -q 'double kinetic_density_s2(time, y, x)' km.txt \
         && grep -q 'double kinetic_momentum_x_s1(time, y, x)' km.txt && grep -q 'double kinetic_momentum_y_s1(time, y, x)' km.txt \
         && grep -q 'double kinetic_momentum_x_s2(time, y, x)' km.txt && grep -q 'double kinetic_momentum_y_s2(time, y, x)' km.txt \
         && ! grep -Eq 'kinetic_momentum_z|rho_kinetic|double momentum|component = |, component,' km.txt \
         && grep -q 'double w1(time, species)' km.txt && grep -q 'double modulated_energy(time, species)' km.txt \
         && grep -q 'double modulated_kinetic(time, species)' km.txt && grep -q 'double modulated_interaction(time, species)' km.txt \
         && grep -q ':epsilon = 0.02' km.txt && grep -q ':kinetic_model = \"moment\"' km.txt && grep -q ':fracagg_layout = 2' km.txt"
    check "w1 and the modulated energy start at 0 (well prepared, same data)" sh -c \
        "'$NCDUMP' -v w1 km.nc | sed -n '/^ w1 =/{n;p;}' | grep -q '^  0, 0,' && '$NCDUMP' -v modulated_energy km.nc | sed -n '/^ modulated_energy =/{n;p;}' | grep -q '^  0, 0,'"
fi
check "fracagg kinetic (particles) runs" "$FRACAGG" kinetic k.ini -q -o kp.nc --set kinetic.model=particles --set kinetic.particles=2000
"$FRACAGG" limit k.ini --eps 0.02,0.01 -o lim.nc > table.txt 2>&1
code=$?
check "fracagg limit prints the table with orders" sh -c "[ $code -eq 0 ] && grep -q '^epsilon' table.txt && grep -qE '^0.01 +[0-9.e+-]+ +[0-9.]+' table.txt"
if command -v "$NCDUMP" > /dev/null 2>&1; then
    "$NCDUMP" -h lim.nc > lim.txt 2>&1
    check "the sweep's file holds the table and the series (time the record dimension, eps a coordinate)" sh -c \
        "grep -q 'time = UNLIMITED ; // (5 currently)' lim.txt && grep -q 'eps = 2 ;' lim.txt && grep -q 'double eps(eps)' lim.txt \
         && grep -q 'double w1_order(eps)' lim.txt && grep -q 'double w1_max(eps)' lim.txt && grep -q 'int steps(eps)' lim.txt \
         && grep -q 'int rhs_evals(eps)' lim.txt && grep -q 'double w1(time, eps, species)' lim.txt \
         && grep -q 'double modulated_energy(time, eps, species)' lim.txt && grep -q 'double modulated_kinetic(time, eps, species)' lim.txt \
         && grep -q 'double modulated_interaction(time, eps, species)' lim.txt && grep -q 'char species(species, name_strlen)' lim.txt \
         && grep -q ':history = .*fracagg limit k.ini --eps 0.02,0.01 -o lim.nc' lim.txt \
         && ! grep -Eq 'epsilon\(|order_w1|max_w1|kinetic_steps' lim.txt"
    # the table's numbers are the file's: eps, the maxima, the orders and every eps run (no fill value)
    "$NCDUMP" -v eps,w1_max,w1_order,steps lim.nc > limv.txt 2>&1
    fo=$(sed -n 's/^ w1_order = NaN, \([0-9.e+-]*\) ;/\1/p' limv.txt)
    to=$(awk '$1 == "0.01" {print $3}' table.txt)
    check "the sweep's file: eps = 0.02, 0.01, both rows complete, w1_order $fo as in the table ($to)" sh -c \
        "grep -q '^ eps = 0.02, 0.01 ;' limv.txt && grep -Eq '^ steps = [0-9]+, [0-9]+ ;' limv.txt \
         && awk -v a='$fo' -v b='$to' 'BEGIN { exit !(a != \"\" && b != \"\" && a - b < 6e-4 && b - a < 6e-4) }'"
fi
if [ -n "$PY" ] && "$PY" -c 'import xarray, netCDF4, matplotlib' 2> /dev/null; then
    check "plot_limit.py draws the sweep" sh -c "'$PY' '${top_srcdir:-$(dirname "$0")/..}/examples/plot_limit.py' lim.nc --out lim.png > plot.txt && [ -s lim.png ]"
else
    echo "skip: no Python with xarray/netCDF4/matplotlib (configure's PYTHON_SCI)"
fi
expect2() { # expect2 NAME WORDS ARGS...
    name=$1 words=$2; shift 2
    "$FRACAGG" "$@" > out.txt 2> err.txt
    code=$?
    if [ $code -eq 2 ] && grep -q "$words" err.txt; then ok "$name: $(head -1 err.txt)"; else
        bad "$name: exit $code: $(cat err.txt)"; fi
}
# a limit file is summarised by info (per eps the maxima, orders and steps, as the table) and
# refused by the readers of run files with what it is (info printed a 0D grid and NaN masses;
# --continue said "a 0D run file")
"$FRACAGG" info lim.nc > info.txt 2>&1
code=$?
check "info on a limit file: the eps table with the orders, no grid or masses" sh -c \
    "[ $code -eq 0 ] && grep -q '^limit: *2 values of eps' info.txt && grep -Eq '^  0.01 +[0-9.e+-]+ +[0-9.-]+ ' info.txt \
     && ! grep -Eq 'nan|0D|^grid' info.txt"
expect2 "run --continue on a limit file" "is a limit file" run --continue lim.nc
expect2 "w1 on a limit file" "is a limit file" w1 lim.nc km.nc
expect2 "verify-hs on a limit file" "is a limit file" verify-hs lim.nc --s 1
expect2 "limit without --eps" "give the inertias with --eps" limit k.ini
expect2 "limit with a bad eps" "not a positive number" limit k.ini --eps 0.1,-2
expect2 "a nonpositive epsilon in the config" "epsilon" kinetic k.ini --set kinetic.epsilon=0
expect2 "moment model with an explicit method" "needs an implicit method" kinetic k.ini --set solver.method=ssprk3
expect2 "an unknown kinetic model" "must be one of moment|particles" kinetic k.ini --set kinetic.model=fluid

# ---- continuing a kinetic run -----------------------------------------------------------
# The moment model's state is in the file (kinetic_density_*, kinetic_momentum_*): a run
# stopped at t = 0.1 and continued to 0.2 reaches the uninterrupted run's records within the
# solver tolerance (rtol 1e-9: BDF restarts at first order), the kinetic variables included
# (run --continue appended fill values to them, then refused kinetic files altogether). The
# states to 1e-6 relative (measured <= 6e-8); the comparisons (w1, modulated energies) are
# differences of the two models' states, small against them, so the same absolute error is a
# larger share of them: 1e-4 (measured <= 3.3e-6). A kinetic state restarted from equilibrium
# instead of the file's would differ by about exp(-t/eps) = exp(-5) there.
"$FRACAGG" kinetic k.ini -q -o kfull.nc --set solver.rtol=1e-9 --set solver.atol=1e-14
"$FRACAGG" kinetic k.ini -q -o kpart.nc --set solver.rtol=1e-9 --set solver.atol=1e-14 --set time.end=0.1 --set time.outputs=2
"$FRACAGG" kinetic --continue kpart.nc -q --set time.end=0.2 --set time.outputs=4
code=$?
if [ -n "$PY" ] && "$PY" -c 'import netCDF4' 2> /dev/null; then
    check "kinetic --continue (moment model): exit $code, every variable as the uninterrupted run's" \
        sh -c "[ $code -eq 0 ] && '$PY' - kfull.nc kpart.nc" <<'PYEOF'
import sys, netCDF4, numpy as np
a, b = netCDF4.Dataset(sys.argv[1]), netCDF4.Dataset(sys.argv[2])
worst = 0
for v in a.variables:
    if a[v].dimensions[:1] != ("time",) or a[v].dtype != np.float64:
        continue
    x, y = a[v][:], b[v][:]
    assert x.shape == y.shape, (v, x.shape, y.shape)
    assert not np.ma.is_masked(y), (v, "fill values in the continued file")
    rel = float(np.abs(x - y).max() / max(np.abs(x).max(), 1e-300))
    tol = 1e-4 if v == "w1" or v.startswith("modulated") else 1e-6
    print("      %-24s max relative difference %.2e (<= %.0e)" % (v, rel, tol))
    worst = max(worst, rel / tol)
sys.exit(0 if worst <= 1 else 1)
PYEOF
fi
"$FRACAGG" kinetic k.ini -q -o kpp.nc --set kinetic.model=particles --set kinetic.particles=2000 --set time.end=0.05 \
    --set time.outputs=1
before=$(cksum < kpp.nc)
expect2 "kinetic --continue of a particle run: refused, the file untouched" "particle's position and velocity" \
    kinetic --continue kpp.nc --set time.end=0.1
[ "$(cksum < kpp.nc)" = "$before" ] || bad "kinetic --continue of a particle run changed the file"
expect2 "run --continue of a kinetic run file" "fracagg kinetic --continue kfull.nc" run --continue kfull.nc
"$FRACAGG" run k.ini -q -o macro.nc --set time.end=0.05 --set time.outputs=1
expect2 "kinetic --continue of a macroscopic run file" "fracagg run --continue macro.nc" \
    kinetic --continue macro.nc --set time.end=0.1
finish
