#!/bin/sh
# Fuzz the configuration parser, the validator and the model builder with libFuzzer.
#
#   tests/fuzz/run-fuzz.sh [SECONDS] [libFuzzer options ...]     (default 600 s)
#   tests/fuzz/run-fuzz.sh --coverage                            line coverage of the corpus
#
# Builds tests/fuzz/fuzz_config.c with the library's sources under clang's
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
# oom-*: fix the library, copy the input to tests/fuzz/regressions/ (a descriptive name), and
# check it with tests/fuzz/replay FILE.
set -eu
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=$(cd "${BUILDDIR:-$srcdir}" && pwd)
work=${FUZZ_WORK:-$builddir/tests/fuzz/work}
cc=${CC_FUZZ:-clang}

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
  $(mkvar FFTW_CFLAGS) $(mkvar NETCDF_CFLAGS) $(mkvar INIH_CFLAGS) $(mkvar SUNDIALS_CPPFLAGS)"
libs="$(mkvar SUNDIALS_LIBS) $(mkvar FFTW_LIBS) $(mkvar NETCDF_LIBS) $(mkvar INIH_LIBS) -lm"
sources="$srcdir/src/lib/*.c $srcdir/tests/fuzz/fuzz_config.c"

mkdir -p "$work/corpus"

if [ $coverage -eq 1 ]; then
    # source-based coverage of the seed corpus, the regressions and the grown corpus
    command -v llvm-cov > /dev/null || { echo "run-fuzz.sh: llvm-cov not found (Debian: llvm)" >&2; exit 77; }
    # shellcheck disable=SC2086
    $cc $cflags -fprofile-instr-generate -fcoverage-mapping $sources "$srcdir/tests/fuzz/replay.c" \
        -o "$work/fuzz_config_cov" $libs
    LLVM_PROFILE_FILE="$work/cov.profraw" "$work/fuzz_config_cov" \
        "$srcdir/tests/fuzz/corpus" "$srcdir/tests/fuzz/regressions" "$work/corpus"
    llvm-profdata merge -sparse "$work/cov.profraw" -o "$work/cov.profdata"
    llvm-cov report "$work/fuzz_config_cov" -instr-profile="$work/cov.profdata" \
        "$srcdir/src/lib/config.c" "$srcdir/src/lib/config_keys.c" "$srcdir/src/lib/model.c" \
        "$srcdir/src/lib/initial.c" "$srcdir/src/lib/grid.c" "$srcdir/src/lib/io.c"
    exit 0
fi

echo "run-fuzz.sh: building $work/fuzz_config with $cc"
# shellcheck disable=SC2086
$cc $cflags -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -fno-omit-frame-pointer $sources -o "$work/fuzz_config" $libs

# a dictionary of the configuration's words, from the generated key reference
dict="$work/config.dict"
{
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

echo "run-fuzz.sh: fuzzing for $seconds s (one job); findings go to $work/"
cd "$work"
# -malloc_limit_mb: no single allocation may grow with the sizes an input names
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
"$work/fuzz_config" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=128 \
    -max_len=8192 -use_value_profile=1 -dict="$dict" -print_final_stats=1 \
    -artifact_prefix="$work/" "$@" \
    "$work/corpus" "$srcdir/tests/fuzz/corpus" "$srcdir/tests/fuzz/regressions"
