#!/bin/sh
# Print "N passed, N failed" summed over Automake test-suite.log files (FAIL, ERROR and XPASS
# count as failed; SKIP and XFAIL as neither). A missing log counts as one failure.
#   sh scripts/test-summary.sh [LOG ...]        (default: test-suite.log)
[ $# -eq 0 ] && set -- test-suite.log
pass=0 failed=0 skip=0 missing=""
get() { v=$(sed -n "s/^# $1: *\([0-9]*\)$/\1/p" "$log" | head -n 1); echo "${v:-0}"; }
for log in "$@"; do
    if [ ! -f "$log" ]; then failed=$((failed + 1)); missing="$missing $log"; continue; fi
    pass=$((pass + $(get PASS)))
    failed=$((failed + $(get FAIL) + $(get ERROR) + $(get XPASS)))
    skip=$((skip + $(get SKIP)))
done
[ -n "$missing" ] && echo "(no test log:$missing)"
[ "$skip" -gt 0 ] && echo "($skip skipped)"
echo "$pass passed, $failed failed"
