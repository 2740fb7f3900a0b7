# Shared set-up of the shell tests, sourced after setting fa_test (a short name):
#     fa_test=kinetic; . "$(dirname "$0")/testlib.sh"
# It gives the fracagg under test and the tools' paths, a scratch directory (the current
# directory from here on) removed on exit after the script's own at_exit, pass/fail counters
# with ok, bad and check, and finish, which prints the summary line and sets the exit status.
set -u
FRACAGG=${FRACAGG:-$(cd "$(dirname "$0")/.." && pwd)/src/cli/fracagg}
NCDUMP=${NCDUMP:-ncdump}
PY=${PYTHON_SCI:-}
export HDF5_USE_FILE_LOCKING=FALSE
work=$(mktemp -d "${TMPDIR:-/tmp}/fa-$fa_test.XXXXXX") || exit 99
at_exit() { :; } # a script redefines it to undo more than the scratch directory
trap 'at_exit; rm -rf "$work"' EXIT
cd "$work" || exit 99
pass=0 fail=0
CHECK_TAIL=${CHECK_TAIL:-0} # lines of a passing check's output to show

ok() { pass=$((pass + 1)); echo "ok  : $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# check NAME COMMAND...: passes when COMMAND exits 0; its output is shown when it fails (and
# its last CHECK_TAIL lines when it passes)
check() {
    name=$1; shift
    if "$@" > check.out 2>&1; then
        ok "$name"
        [ "$CHECK_TAIL" -eq 0 ] || sed 's/^/      /' check.out | tail -n "$CHECK_TAIL"
    else
        bad "$name"
        sed 's/^/      /' check.out
    fi
}

# expect NAME CODE PATTERN COMMAND...: COMMAND exits CODE and its stderr matches PATTERN
expect() {
    name=$1 code=$2 pattern=$3; shift 3
    "$@" > out.txt 2> err.txt
    rc=$?
    if [ "$rc" -eq "$code" ] && grep -q -- "$pattern" err.txt; then
        ok "$name"
    else
        bad "$name (exit $rc, want $code and /$pattern/)"
        sed 's/^/      /' err.txt | head -n 5
    fi
}

# records FILE: the records a run file holds (ncdump's count of the unlimited dimension)
records() { "$NCDUMP" -h "$1" 2> /dev/null | sed -n 's/.*UNLIMITED ; \/\/ (\([0-9]*\) currently).*/\1/p'; }
wait_records() { # wait_records FILE N: until FILE holds N records (at most 20 s)
    for i in $(seq 1 200); do
        [ "$(records "$1")" -ge "$2" ] 2> /dev/null && return 0
        sleep 0.1
    done
    return 1
}

# barenblatt_1d_ini CELLS LENGTH END OUTPUTS: a 1D configuration on standard output, one
# species with the Riesz kernel |x|^-1/2 from the Barenblatt profile of mass 1 at t = 0.1
barenblatt_1d_ini() {
    printf '[grid]\ndim = 1\ncells = %s\nlength = %s\n' "$1" "$2"
    printf '[kernel.1.1]\ntype = riesz\nstrength = 1\nalpha = 0.5\n'
    printf '[initial.1]\ntype = barenblatt\nmass = 1\ntime = 0.1\n'
    printf '[time]\nend = %s\noutputs = %s\n' "$3" "$4"
}

finish() { echo "$pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
