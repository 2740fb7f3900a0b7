#!/bin/sh
# Fuzz the configuration parser, the validator and the model builder (harness config, the
# default) or the run-file readers (harness runfile) with libFuzzer.
#
#   tests/fuzz/run-fuzz.sh [--harness config|runfile] [SECONDS] [libFuzzer options ...]
#                                                                (default 600 s)
#   tests/fuzz/run-fuzz.sh [--harness config|runfile] --coverage line coverage of the corpus
#
# harness config:  tests/fuzz/fuzz_config.c,  corpus tests/fuzz/corpus, regressions
#                  tests/fuzz/regressions (with a dictionary of the configuration's words)
# harness runfile: tests/fuzz/fuzz_runfile.c, corpus tests/fuzz/corpus-runfile, regressions
#                  tests/fuzz/regressions/runfile (inputs are whole files, up to 64 KB)
#
# Builds the harness with the library's sources under clang's
# -fsanitize=fuzzer,address,undefined (LeakSanitizer on), seeds it with tests/fuzz/corpus and
# tests/fuzz/regressions, and runs one job for SECONDS. Needs clang (Debian: apt-get install
# clang) and a configured build tree for config.h and the library flags.
#
# Environment:
#   BUILDDIR   configured build tree (default: the source tree)
#   FUZZ_WORK  where the binary, the grown corpus (corpus/) and crash/leak/timeout files go
#              (default: $BUILDDIR/tests/fuzz/work)
#   CC_FUZZ    compiler (default: clang)
#
# Every input that breaks something is written as $FUZZ_WORK/crash-*, leak-*, timeout-* or
# oom-*: fix the library, copy the input to the harness's regressions (a descriptive name), and
# check it with tests/fuzz/replay FILE (tests/fuzz/replay_runfile FILE).
set -eu
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=$(cd "${BUILDDIR:-$srcdir}" && pwd)
cc=${CC_FUZZ:-clang}
harness=config
if [ "${1:-}" = --harness ]; then
    harness=${2:-}
    shift 2 || { echo "run-fuzz.sh: --harness needs config or runfile" >&2; exit 2; }
fi
case $harness in
    config) corpus=$srcdir/tests/fuzz/corpus; regressions=$srcdir/tests/fuzz/regressions; max_len=8192
            work=${FUZZ_WORK:-$builddir/tests/fuzz/work} ;;
    runfile) corpus=$srcdir/tests/fuzz/corpus-runfile; regressions=$srcdir/tests/fuzz/regressions/runfile
             max_len=65536; work=${FUZZ_WORK:-$builddir/tests/fuzz/work-runfile} ;;
    *) echo "run-fuzz.sh: unknown harness '$harness' (config or runfile)" >&2; exit 2 ;;
esac

if [ ! -f "$builddir/config.h" ] || [ ! -f "$builddir/Makefile" ]; then
    echo "run-fuzz.sh: $builddir is not a configured build tree (run ./configure, or set BUILDDIR)" >&2
    exit 2
fi
command -v "$cc" > /dev/null || { echo "run-fuzz.sh: $cc not found (Debian: apt-get install clang)" >&2; exit 77; }

coverage=0
seconds=600
case ${1:-} in
    --coverage) coverage=1; shift ;;
    [0-9]*) seconds=$1; shift ;;
esac

# the library's flags, as configure found them
mkvar() { sed -n "s/^$1 = //p" "$builddir/Makefile" | head -n 1; }
cflags="-std=gnu11 -g -O1 -DHAVE_CONFIG_H -I$builddir -I$srcdir/include -I$builddir/include -I$srcdir/src/lib
  $(mkvar MPI_CFLAGS) $(mkvar FFTW_CFLAGS) $(mkvar NETCDF_CFLAGS) $(mkvar INIH_CFLAGS) $(mkvar SUNDIALS_CPPFLAGS)"
libs="$(mkvar SUNDIALS_LIBS) $(mkvar MPI_LIBS) $(mkvar FFTW_LIBS) $(mkvar NETCDF_LIBS) $(mkvar INIH_LIBS) -lm"
sources="$srcdir/src/lib/*.c $srcdir/tests/fuzz/fuzz_$harness.c"

mkdir -p "$work/corpus"

if [ $coverage -eq 1 ]; then
    # source-based coverage of the seed corpus, the regressions and the grown corpus
    command -v llvm-cov > /dev/null || { echo "run-fuzz.sh: llvm-cov not found (Debian: llvm)" >&2; exit 77; }
    # shellcheck disable=SC2086
    $cc $cflags -fprofile-instr-generate -fcoverage-mapping $sources "$srcdir/tests/fuzz/replay.c" \
        -o "$work/fuzz_${harness}_cov" $libs
    LLVM_PROFILE_FILE="$work/cov.profraw" "$work/fuzz_${harness}_cov" "$corpus" "$regressions" "$work/corpus"
    llvm-profdata merge -sparse "$work/cov.profraw" -o "$work/cov.profdata"
    if [ "$harness" = config ]; then
        files="config.c config_keys.c model.c initial.c grid.c"
    else
        files="runfile_header.c runfile_read.c runfile_schema.c hsverify.c continuation.c initial.c"
    fi
    # shellcheck disable=SC2086
    llvm-cov report "$work/fuzz_${harness}_cov" -instr-profile="$work/cov.profdata" \
        $(for f in $files; do printf '%s ' "$srcdir/src/lib/$f"; done)
    exit 0
fi

echo "run-fuzz.sh: building $work/fuzz_$harness with $cc"
# shellcheck disable=SC2086
$cc $cflags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -fno-omit-frame-pointer $sources -o "$work/fuzz_$harness" $libs

# a dictionary of the configuration's words, from the generated key reference (the config
# harness; the run-file harness has the netCDF tags and the layout's names)
dict="$work/$harness.dict"
if [ "$harness" = runfile ]; then
    for w in 'CDF\x01' 'CDF\x02' 'CDF\x05' '\x00\x00\x00\x0a' '\x00\x00\x00\x0b' '\x00\x00\x00\x0c' \
             '\xff\xff\xff\xff' '\x7f\xff\xff\xff' '\x00\x00\x00\x06' '\x00\x00\x00\x02' \
             'time' 'species' 'density_s1' 'hs' 'hs_norm' 'config' 'cells' 'length' 'dim' '_FillValue' \
             'fracagg_layout' 'boundary' 'free' '\x7f\xf8\x00\x00\x00\x00\x00\x00' \
             '\x7e\x99\x00\x00\x00\x00\x00\x00' '\x89HDF'; do
        printf '"%s"\n' "$w"
    done > "$dict"
else {
    for w in '[' ']' '=' ':' ';' '#' '.' '\x0a' '\x0a  ' ' ' 'nan' 'inf' '-' 'e' '1e308' '0x' \
             '[species]' '[kernel.1.1]' '[kernel.1.2]' '[kernel.2.1]' '[initial.1]' '[initial.2]' \
             'restart1d.nc' 'restart2d.nc' 'fifo'; do
        printf '"%s"\n' "$w"
    done
    sed -n 's/^| \[\([^]]*\)\] | \([a-z_]*\) |.*/[\1]\n\2/p' "$srcdir/doc/config-keys.md" | sort -u |
        sed 's/.*/"&"/'
    sed -n 's/^| \[[^]]*\] | [a-z_]* | \([a-z|\\]*\) |.*/\1/p' "$srcdir/doc/config-keys.md" |
        tr -d '\\' | tr '|' '\n' | grep -v '^$' | sort -u | sed 's/.*/"&"/'
} > "$dict"
fi

echo "run-fuzz.sh: fuzzing for $seconds s (one job); findings go to $work/"
cd "$work"
# -malloc_limit_mb: no single allocation may grow with the sizes an input names
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
"$work/fuzz_$harness" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=128 \
    -max_len="$max_len" -use_value_profile=1 -dict="$dict" -print_final_stats=1 \
    -artifact_prefix="$work/" "$@" \
    "$work/corpus" "$corpus" "$regressions"
