#!/bin/sh
# The configuration reference in doc/ is what the validator checks against: it must be the
# output of `fracagg help config`, byte for byte. Regenerate with
#   src/cli/fracagg help config > doc/config-keys.md
set -u
FRACAGG=${FRACAGG:-$(cd "$(dirname "$0")/.." && pwd)/src/cli/fracagg}
src=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$FRACAGG" help config > "$tmp" || { echo "FAIL: fracagg help config"; exit 1; }
if diff -u "$src/doc/config-keys.md" "$tmp"; then
    echo "ok  : doc/config-keys.md matches the key table ($(grep -c '^| \[' "$tmp") keys)"
    exit 0
fi
echo "FAIL: doc/config-keys.md is out of date with the key table"
exit 1
