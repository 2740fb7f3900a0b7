#!/bin/sh
# fracagg's files in ParaView's NetCDF (CF) reader at its defaults, without a display: a 1D,
# 2D and 3D run, a run continued into a new file, a kinetic run and a limit file written by
# fracagg (tests/analysis_files.sh), checked by tests/test_paraview.py under pvpython (the
# grid as default dimensions, Cartesian image/rectilinear data, every field an array with the
# file's values, the bounds of the cell centres, the file's times as time steps). Skipped (77)
# without pvpython (Debian: paraview python3-paraview).
src=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
PVPYTHON=${PVPYTHON:-pvpython}
command -v "$PVPYTHON" > /dev/null 2>&1 || { echo "SKIP: no pvpython (Debian: paraview python3-paraview)"; exit 77; }
fa_test=paraview; . "$src/tests/testlib.sh"
. "$src/tests/analysis_files.sh"
make_analysis_files
files=""
for f in $analysis_files; do files="$files $f.nc"; done
# ParaView writes its warnings and notices to standard error; the verdicts are on standard output
# shellcheck disable=SC2086
"$PVPYTHON" "$src/tests/test_paraview.py" $files 2> pvpython.err
code=$?
[ $code -eq 0 ] || [ $code -eq 77 ] || { echo "--- pvpython's standard error (last 30 lines):"; tail -30 pvpython.err; }
exit $code
