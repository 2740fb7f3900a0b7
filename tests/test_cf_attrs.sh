#!/bin/sh
# The structural CF checks of tests/test_cf_attrs.py (what the CF checkers and the analysis
# tools need: long_name and units, a CF time axis, no axis on x/y/z, at most time + 3
# dimensions, names of letters, digits and underscores, species a labelled coordinate and the
# last dimension, history and Conventions) on a file of every kind fracagg writes
# (tests/analysis_files.sh); and, that the checks can fail, on a layout-1 file, which has
# none of this. Skipped (77) without a Python that imports netCDF4 (configure's PYTHON_SCI).
src=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
fa_test=cfattrs; . "$src/tests/testlib.sh"
[ -n "$PY" ] && "$PY" -c 'import netCDF4, numpy' 2> /dev/null || { echo "SKIP: no Python with netCDF4 (PYTHON_SCI)"; exit 77; }
. "$src/tests/analysis_files.sh"
make_analysis_files
files=""
for f in $analysis_files; do files="$files $f.nc"; done
# shellcheck disable=SC2086
"$PY" "$src/tests/test_cf_attrs.py" $files
code=$?
"$PY" "$src/tests/test_cf_attrs.py" "$src/tests/data/layout1_run.nc" > layout1.txt 2>&1
if [ $? -eq 1 ] && grep -q "^FAIL: layout1_run.nc: time units '1'" layout1.txt; then
    echo "ok  : the checks fail on a layout-1 file ($(grep -c '^FAIL' layout1.txt) failed checks)"
else
    echo "FAIL: the checks do not fail on a layout-1 file:"; sed 's/^/      /' layout1.txt
    code=1
fi
exit $code
