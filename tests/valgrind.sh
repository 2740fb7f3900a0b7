#!/bin/sh
# The 1D and 2D tests and small 1D/2D runs of the command under valgrind's memcheck: no
# invalid read or write, no use of uninitialised values, no leak (definite, indirect or
# possible). Not part of `make check` (about 2 minutes); run it with
#
#   make check-valgrind          or          sh tests/valgrind.sh   (in a configured build tree)
#
# BUILDDIR selects the build tree (default: the current directory if it has a Makefile, else
# the source tree). Valgrind's own log of a failing program is kept in $BUILDDIR/valgrind-logs/.
# tests/valgrind.supp suppresses third-party noise, each entry with its reason (today: the
# thread-local storage of FFTW's and libgomp's parked worker threads, "possibly lost").
set -u
srcdir=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${BUILDDIR:-}" ]; then builddir=$(cd "$BUILDDIR" && pwd)
elif [ -f Makefile ] && [ -x libtool ]; then builddir=$(pwd)
else builddir=$srcdir; fi
command -v valgrind > /dev/null || { echo "valgrind.sh: valgrind not found (Debian: apt-get install valgrind)"; exit 77; }
[ -x "$builddir/src/cli/fracagg" ] || { echo "valgrind.sh: build first (make check-valgrind builds)"; exit 2; }

logs=$builddir/valgrind-logs
work=$(mktemp -d "${TMPDIR:-/tmp}/fa-valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT
rm -rf "$logs"
mkdir -p "$logs"
export OMP_NUM_THREADS=1 HDF5_USE_FILE_LOCKING=FALSE top_srcdir="$srcdir"
supp="--suppressions=$srcdir/tests/valgrind.supp"
# 42: valgrind found something (distinct from the programs' own exit codes 0, 1, 2, 99)
vg="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=42 --num-callers=30 $supp"
pass=0 fail=0

# run NAME EXPECTED-EXIT COMMAND...: the command under memcheck (test programs through libtool,
# which runs the real binary, not its wrapper script)
run() {
    name=$1 want=$2
    shift 2
    log="$logs/$(echo "$name" | tr ' /' '__').log"
    t0=$(date +%s)
    # shellcheck disable=SC2086
    (cd "$work" && "$builddir/libtool" --mode=execute $vg "$@") > "$log" 2>&1
    code=$?
    t=$(( $(date +%s) - t0 ))
    if [ "$code" -eq "$want" ]; then
        pass=$((pass + 1)); echo "ok  : $name: exit $code, no memcheck error ($t s)"
        rm -f "$log"
    else
        fail=$((fail + 1)); echo "FAIL: $name: exit $code (want $want; 42 = memcheck error), log $log"
        grep -E '^==[0-9]+==' "$log" | head -n 30
    fi
}

fracagg=$builddir/src/cli/fracagg
ex=$srcdir/examples
for t in test_config test_spectral test_kernel test_fv test_initial test_mode test_methods test_properties; do
    run "$t" 0 "$builddir/tests/$t"
done
run "fuzz corpus replay" 0 "$builddir/tests/fuzz/replay"
run "fracagg run: 1D Barenblatt, 256 cells" 0 "$fracagg" run "$ex/barenblatt1d.ini" -q -o "$work/b1.nc" \
    --set grid.cells=256 --set grid.length=16 --set time.end=0.2 --set time.outputs=2
printf '[grid]\ndim = 1\ncells = 256\nlength = 16\n[kernel.1.1]\ntype = riesz\nstrength = 1\nalpha = 0.5\n[initial.1]\ntype = file\npath = b1.nc\n[time]\nstart = 0.2\nend = 0.3\noutputs = 1\n' > "$work/restart.ini"
run "fracagg run: 1D restart from that file" 0 "$fracagg" run "$work/restart.ini" -q -o "$work/b1c.nc"
run "fracagg run: 2D Barenblatt, 32 x 32, SSP-RK3" 0 "$fracagg" run "$ex/barenblatt2d.ini" -q -o "$work/b2.nc" \
    --set grid.cells=32 --set time.end=0.6 --set time.outputs=2 --set solver.method=ssprk3
run "fracagg run: 2D two species, 24 x 16" 0 "$fracagg" run "$ex/two_species.ini" -q -o "$work/t2.nc" \
    --set grid.cells="24 16" --set time.end=0.05 --set time.outputs=2
run "fracagg info" 0 "$fracagg" info "$work/b2.nc"
run "fracagg run: bad input (exit 2)" 2 "$fracagg" run "$ex/barenblatt2d.ini" -q -o "$work/bad.nc" --set grid.cellz=1

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
