#!/bin/sh
# The main job on a fresh machine: install dependencies, build, install fracagg (the command,
# the library, the Python package), run the default example (two species in 2D) and draw it. Writes two_species.nc, two_species_snapshots.png and
# two_species_series.png in the current directory.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/scripts/setup.sh"
sh "$top/scripts/build.sh"
# install the library, the command and the Python package (for Debian's /usr/bin/python3:
# `python3 -c "import fracagg"`), as the set-up above, as root or with sudo
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo > /dev/null; then SUDO=sudo; else SUDO=none; fi
if [ "$SUDO" = none ]; then
    echo "run-example.sh: not root and no sudo: fracagg is built in $top but not installed"
else
    (cd "$top" && $SUDO make install > /dev/null && $SUDO ldconfig) || exit 1
    /usr/bin/python3 -c "import fracagg; print('installed: fracagg', fracagg.__version__, 'for', __import__('sys').executable)"
fi
"$top/src/cli/fracagg" run "$top/examples/two_species.ini" --overwrite -o two_species.nc
python=$(sed -n 's/^PYTHON_SCI = //p' "$top/Makefile")
"${python:-/usr/bin/python3}" "$top/examples/plot_run.py" two_species.nc
