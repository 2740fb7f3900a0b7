#!/bin/sh
# fracagg's files in xarray: the manual's one-liners (species by name, every species in one
# array, the model time with decode_times=False, labelled kinetic components, the limit
# file's eps coordinate, the command line in history, a run and its continuation on one time
# axis) on the files of tests/analysis_files.sh, checked by tests/test_xarray.py. Skipped (77)
# without a Python that imports xarray and netCDF4 (configure's PYTHON_SCI; Debian:
# python3-xarray python3-netcdf4; python3-dask for open_mfdataset).
src=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
fa_test=xarray; . "$src/tests/testlib.sh"
[ -n "$PY" ] && "$PY" -c 'import netCDF4, xarray' 2> /dev/null || { echo "SKIP: no Python with xarray and netCDF4 (PYTHON_SCI)"; exit 77; }
. "$src/tests/analysis_files.sh"
make_analysis_files
"$PY" "$src/tests/test_xarray.py" .
