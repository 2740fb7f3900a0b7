#!/bin/sh
# Configure and build fracagg in the source tree (idempotent): autoreconf if needed,
# configure if needed, make.
set -eu
cd "$(dirname "$0")/.."
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure "$@"
make -j"$(nproc 2>/dev/null || echo 2)"
