#!/bin/sh
# Negative values and mass drift of CVODE BDF against rtol and atol, with and without the
# nonnegativity constraints, on two long attracting runs (doc/manual.md section 2, the table
# under "Positivity and mass with CVODE"). About 2 minutes on one core.
#   sh bench/tolerance_study.sh [DIR]      (run files kept in DIR, default a temporary one)
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
FRACAGG=${FRACAGG:-$here/src/cli/fracagg}
PY=
for p in ${PYTHON_SCI:-} python3 /usr/bin/python3; do # the first that imports numpy and netCDF4
    if "$p" -c 'import numpy, netCDF4' 2> /dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "needs a Python with numpy and netCDF4 (set PYTHON_SCI)"; exit 2; }
work=${1:-$(mktemp -d)}
mkdir -p "$work" || exit 2
for ex in two_species morse_swarm; do
    for rt in 1e-4 1e-6 1e-8; do
        for at in 1e-8 1e-10 1e-12 1e-14; do
            for nn in no yes; do
                "$FRACAGG" run "$here/examples/$ex.ini" --overwrite -o "$work/${ex}_r${rt}_a${at}_$nn.nc" -q \
                    --set solver.rtol=$rt --set solver.atol=$at --set solver.nonnegative=$nn || exit 1
            done
        done
    done
done
"$PY" - "$work"/*.nc <<'PYEOF'
import sys, numpy as np, netCDF4
print(f"{'file':44s} {'min rho':>11s} {'max rho':>9s} {'mass drift':>10s}")
for p in sys.argv[1:]:
    with netCDF4.Dataset(p) as f:
        vol = np.prod([float(f[a][1] - f[a][0]) for a in ("x", "y", "z") if a in f.variables])
        mn, mx, drift = np.inf, 0.0, 0.0
        for n in (v for v in f.variables if v.startswith("density_")):
            r = np.asarray(f[n][:], dtype=float)
            mn, mx = min(mn, r.min()), max(mx, r.max())
            m = r.reshape(r.shape[0], -1).sum(axis=1) * vol
            drift = max(drift, float(np.abs(m / m[0] - 1).max()))
    print(f"{p.split('/')[-1][:-3]:44s} {mn:11.2e} {mx:9.3g} {drift:10.1e}")
PYEOF
