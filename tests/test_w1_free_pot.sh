#!/bin/sh
# W1 on free grids (the whole space) against independent computations: the 1D line formula
# against the quantile form, the 2D/3D no-flux grid problem against exact linear-programming
# optimal transport with the Euclidean cost (POT), on sampled and on refined pairs.
# Skipped (77) without a Python that imports numpy and ot (Debian: python3-pot).
set -u
FRACAGG=${FRACAGG:-$(cd "$(dirname "$0")/.." && pwd)/src/cli/fracagg}
src=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
PY=${PYTHON_SCI:-}
probe=$(dirname "$FRACAGG")/../../tests/test_w1
if [ -z "$PY" ] || ! "$PY" -c 'import numpy, ot' 2> /dev/null; then
    echo "SKIP: no Python with numpy and POT (python3-pot)"
    exit 77
fi
[ -x "$probe" ] || { echo "hard error: $probe not built"; exit 99; }
exec "$PY" "$src/tests/test_w1_free_pot.py" "$probe"
