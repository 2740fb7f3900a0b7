#!/bin/sh
# Print "N passed, N failed" from an Automake test-suite.log (FAIL, ERROR and XPASS count as
# failed; SKIP and XFAIL as neither).
log=${1:-test-suite.log}
if [ ! -f "$log" ]; then echo "0 passed, 1 failed (no $log)"; exit 1; fi
get() { sed -n "s/^# $1: *\([0-9]*\)$/\1/p" "$log" | head -n 1; }
pass=$(get PASS); fail=$(get FAIL); err=$(get ERROR); xpass=$(get XPASS); skip=$(get SKIP)
pass=${pass:-0}; failed=$(( ${fail:-0} + ${err:-0} + ${xpass:-0} ))
[ "${skip:-0}" -gt 0 ] && echo "(${skip} skipped)"
echo "$pass passed, $failed failed"
