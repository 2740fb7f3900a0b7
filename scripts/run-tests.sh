#!/bin/sh
# The test suite on a fresh machine: install dependencies, build, run `make check`, then
# `make check` again on an AddressSanitizer + UndefinedBehaviorSanitizer build
# (scripts/check-sanitizers.sh), and end with the summary line "N passed, N failed" over both.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/scripts/setup.sh" --mpi || exit 1
sh "$top/scripts/build.sh" || exit 1
cd "$top"
make check -j"$(nproc 2>/dev/null || echo 2)"
status=$?
sh "$top/scripts/check-sanitizers.sh"
san=$?
sh "$top/scripts/test-summary.sh" test-suite.log build-san/obj/test-suite.log
[ "$status" -eq 0 ] && [ "$san" -eq 0 ]
