#!/bin/sh
# The Python package (python/fracagg) with pytest (python/tests) against this build's library:
# runs bit for bit against the command's run files, every exception, the callback's arrays,
# a limit sweep, kinetic, W1, the H^s check, Ctrl-C, the example notebook when nbconvert is
# there. Skipped (77) without a Python that imports pytest, numpy, xarray and netCDF4
# (configure's PYTHON_SCI; Debian: python3-pytest python3-xarray python3-netcdf4).
src=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
build=$(pwd)
fa_test=python; . "$src/tests/testlib.sh"
[ -n "$PY" ] && "$PY" -c 'import pytest, numpy, xarray, netCDF4' 2> /dev/null ||
    { echo "SKIP: no Python with pytest, numpy, xarray and netCDF4 (PYTHON_SCI)"; exit 77; }
# a sanitizer build's library needs the sanitizer runtime loaded first, which an ordinary
# interpreter does not do (ASAN_OPTIONS is set by make check of a --enable-sanitizers build):
# the library is tested under the sanitizers by the C tests and the command's
[ -z "${ASAN_OPTIONS-}" ] || { echo "SKIP: a sanitizer build's library cannot be loaded into the Python interpreter"; exit 77; }
FRACAGG_LIBRARY=${FRACAGG_LIBRARY:-$build/src/lib/.libs/libfracagg.so}
[ -f "$FRACAGG_LIBRARY" ] || { echo "SKIP: no shared library at $FRACAGG_LIBRARY (configured --disable-shared?)"; exit 77; }
export FRACAGG_LIBRARY FRACAGG
PYTHONPATH=$src/python${PYTHONPATH:+:$PYTHONPATH}; export PYTHONPATH
PYTHONDONTWRITEBYTECODE=1; export PYTHONDONTWRITEBYTECODE # the source tree may be read-only (distcheck)
"$PY" -m pytest -q -p no:cacheprovider --rootdir="$work" "$src/python/tests"
