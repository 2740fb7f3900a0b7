#!/bin/sh
# Two promises the documents make.
# 1. The configuration reference in doc/ is what the validator checks against: it must be
#    the output of `fracagg help config`, byte for byte. Regenerate with
#      src/cli/fracagg help config > doc/config-keys.md
# 2. Every reference to a document (a file, a numbered section of it, a section of the
#    manual, a markdown link) in the sources, tests, scripts, examples and documents
#    resolves in this tree (tests/check_doc_refs.py): a clone has nothing else to read.
set -u
FRACAGG=${FRACAGG:-$(cd "$(dirname "$0")/.." && pwd)/src/cli/fracagg}
src=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
PY=${PYTHON_SCI:-python3}
fail=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$FRACAGG" help config > "$tmp" || { echo "FAIL: fracagg help config"; exit 1; }
if diff -u "$src/doc/config-keys.md" "$tmp"; then
    echo "ok  : doc/config-keys.md matches the key table ($(grep -c '^| \[' "$tmp") keys)"
else
    echo "FAIL: doc/config-keys.md is out of date with the key table"
    fail=1
fi

# the text files of the project (the fuzz corpus and sample data are not prose)
files=$(cd "$src" && find README.md Makefile.am configure.ac src include tests examples doc scripts bench python \
            -type f \( -name '*.[ch]' -o -name '*.sh' -o -name '*.py' -o -name '*.md' -o -name '*.ini' \
                       -o -name '*.am' -o -name '*.ac' -o -name '*.1' -o -name '*.ipynb' \) \
            -not -path 'tests/fuzz/corpus/*' -not -path 'tests/data/*' 2> /dev/null | sort)
if ! (cd "$src" && "$PY" tests/check_doc_refs.py . $files); then
    fail=1
fi
exit $fail
