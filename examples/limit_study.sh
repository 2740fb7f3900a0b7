#!/bin/sh
# The small-inertia convergence study of the paper reproduced numerically: smooth kernels
# (Theorem 2.1) and Riesz self-kernels (Theorem 2.2), each swept over eps, and a log-log plot.
#   sh examples/limit_study.sh [EPS_LIST]      (default 0.04,0.02,0.01,0.005)
# Writes limit_smooth_limit.nc, limit_riesz_limit.nc and limit_study.png here.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
FRACAGG=${FRACAGG:-$top/src/cli/fracagg}
PY=${PYTHON_SCI:-/usr/bin/python3}
eps=${1:-0.04,0.02,0.01,0.005}
for case in limit_smooth limit_riesz; do
    echo "== $case"
    "$FRACAGG" limit "$here/$case.ini" --eps "$eps" --overwrite -o "${case}_limit.nc"
done
"$PY" "$here/plot_limit.py" limit_smooth_limit.nc limit_riesz_limit.nc --out limit_study.png
