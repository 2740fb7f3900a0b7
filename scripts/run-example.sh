#!/bin/sh
# The main job on a fresh machine: install dependencies, build, run the default example
# (two species in 2D) and draw it. Writes two_species.nc, two_species_snapshots.png and
# two_species_series.png in the current directory.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
sh "$top/scripts/setup.sh"
sh "$top/scripts/build.sh"
"$top/src/cli/fracagg" run "$top/examples/two_species.ini" --overwrite -o two_species.nc
python=$(sed -n 's/^PYTHON_SCI = //p' "$top/Makefile")
"${python:-/usr/bin/python3}" "$top/examples/plot_run.py" two_species.nc
