#!/bin/sh
# The memory estimate (doc/manual.md section 10): a job that cannot fit is refused at once,
# with the estimate and what is available in the message, before its file exists; and the
# estimate bounds what a run really takes. The second part runs each case under an
# address-space limit (ulimit -v) of the process's size at the check plus a fraction f of the
# estimate: at f = 0.9 the run must be refused by the check (not crash or fail later), at
# f = 1.05 it must complete (every array it allocates was counted, to 5 %).
fa_test=memory; . "$(dirname "$0")/testlib.sh"
# one malloc arena and one OpenMP thread: each further arena or thread stack reserves address
# space (64 MB, 8 MB) that no allocation of ours accounts for
export OMP_NUM_THREADS=1 MALLOC_ARENA_MAX=1

cat > two.ini <<'INI'
[grid]
dim = 2
cells = 128
length = 12
[species]
count = 2
[kernel.1.1]
type = riesz
strength = 0.3
alpha = 1
[kernel.2.2]
type = riesz
strength = 0.2
alpha = 1.2
[kernel.1.2]
type = gaussian
strength = -2
length = 4
[kernel.2.1]
type = gaussian
strength = -2
length = 4
[initial.1]
type = gaussian
mass = 1
width = 0.6
[initial.2]
type = gaussian
mass = 1
width = 0.8
[time]
end = 1e-5
outputs = 1
[kinetic]
epsilon = 0.1
INI

# ---- refused at once ----------------------------------------------------------------------
start=$(date +%s)
"$FRACAGG" run two.ini -o big.nc --set grid.cells=16384 2> big.txt
code=$?
took=$(($(date +%s) - start))
check "2D 16384^2 BDF: refused (exit 3) in $took s, the estimate in the message, no file" sh -c \
    "[ $code -eq 3 ] && [ $took -le 5 ] && grep -q 'needs about [0-9.]* GB of memory, but only' big.txt && [ ! -e big.nc ]"
sed 's/^/      /' big.txt
"$FRACAGG" kinetic two.ini -o particles.nc --set kinetic.model=particles --set kinetic.particles=1000000000 2> particles.txt
code=$?
check "1e9 particles: refused (exit 3), the message says to use fewer particles" sh -c \
    "[ $code -eq 3 ] && grep -q 'fewer particles' particles.txt && [ ! -e particles.nc ]"

# ---- the estimate bounds the run ---------------------------------------------------------
# bound NAME COMMAND ARGS...: the estimate E and the process size V at the check, from the -v
# log of a run under a generous limit (available = limit - V), then the runs at f = 0.9, 1.05
generous=8000000 # KiB
# AddressSanitizer reserves terabytes of address space for its shadow memory at start-up, so
# an address-space limit says nothing about the arrays of a sanitizer build: skipped there
# (ASAN_OPTIONS is set by make check of a configure --enable-sanitizers build)
bound() {
    what=$1; shift
    if [ -n "${ASAN_OPTIONS-}" ]; then
        echo "skip: $what: under AddressSanitizer, ulimit -v does not bound the arrays"
        return
    fi
    line=$( (ulimit -v $generous; "$@" -o probe.nc -v 2>&1) | grep -m1 'memory:')
    rm -f probe.nc probe_limit.nc
    E=$(echo "$line" | sed -n 's/.*needs about \([0-9.e+]*\) MB.*/\1/p')
    A=$(echo "$line" | sed -n 's/.*, \([0-9.e+]*\) MB available.*/\1/p')
    if [ -z "$E" ] || [ -z "$A" ]; then
        bad "$what: no estimate in the -v log ($line)"
        return
    fi
    V=$(awk -v g=$generous -v a="$A" 'BEGIN { print g * 1024 / 1e6 - a }')
    for f in 0.9 1.05; do
        lim=$(awk -v v="$V" -v e="$E" -v f=$f 'BEGIN { printf "%d", (v + f * e) * 1e6 / 1024 }')
        (ulimit -v "$lim"; "$@" -o run.nc -q > out.txt 2>&1)
        code=$?
        rm -f run.nc run_limit.nc
        if [ $f = 0.9 ]; then
            check "$what: estimate $E MB; limit at 0.9 x: refused by the check (exit 3)" sh -c \
                "[ $code -eq 3 ] && grep -q 'needs about .* (ulimit -v / -d)' out.txt"
        else
            check "$what: limit at 1.05 x the estimate: completes" sh -c "[ $code -eq 0 ] || { cat out.txt; false; }"
        fi
    done
}
bound "2D 512^2 BDF" "$FRACAGG" run two.ini --set grid.cells=512
bound "2D 512^2 BDF, nonnegative" "$FRACAGG" run two.ini --set grid.cells=512 --set solver.nonnegative=yes
bound "2D 512^2 SSP-RK3, free" "$FRACAGG" run two.ini --set grid.cells=512 --set solver.method=ssprk3 --set grid.boundary=free
bound "3D 48^3 BDF, free" "$FRACAGG" run two.ini --set grid.dim=3 --set grid.cells=48 --set grid.boundary=free
bound "kinetic moment model 2D 192^2, free" "$FRACAGG" kinetic two.ini --set grid.cells=192 --set grid.boundary=free
bound "kinetic particles 2D 96^2, 2e6 particles" "$FRACAGG" kinetic two.ini --set grid.cells=96 \
    --set kinetic.model=particles --set kinetic.particles=2000000
bound "limit sweep 2D 192^2" "$FRACAGG" limit two.ini --set grid.cells=192 --eps 0.1
finish
