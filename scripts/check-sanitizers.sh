#!/bin/sh
# `make check` of an AddressSanitizer + UndefinedBehaviorSanitizer build (LeakSanitizer on),
# beside the normal build: a clean copy of the sources (make distdir of the configured tree)
# in build-san/src, configured with --enable-sanitizers in build-san/obj. Its log is
# build-san/obj/test-suite.log. Run from a configured tree (scripts/build.sh).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
[ -f Makefile ] || { echo "check-sanitizers.sh: configure the normal build first (scripts/build.sh)" >&2; exit 2; }
jobs=$(nproc 2>/dev/null || echo 2)
rm -rf build-san
mkdir -p build-san
echo "check-sanitizers.sh: copying the sources to build-san/src"
make -s distdir distdir=build-san/src > build-san/distdir.log 2>&1 || { cat build-san/distdir.log; exit 1; }
mkdir -p build-san/obj
cd build-san/obj || exit 2
echo "check-sanitizers.sh: configure --enable-sanitizers, build"
# without MPI: OpenMPI's own allocations would show as leaks (MPI runs are tested in the
# normal build, tests/test_mpi.sh)
../src/configure -q --enable-sanitizers --with-mpi=no > ../configure.log 2>&1 || { tail -n 30 ../configure.log; exit 1; }
make -j"$jobs" > ../build.log 2>&1 || { tail -n 30 ../build.log; exit 1; }
echo "check-sanitizers.sh: make check under ASan + UBSan"
make check -j"$jobs"
