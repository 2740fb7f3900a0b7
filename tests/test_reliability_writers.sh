#!/bin/sh
# Outputs are regular files fracagg creates: what a run, kinetic run or sweep writes must never
# destroy or block on something else. Regressions:
#  - `-o /dev/null` as root deleted /dev/null (netCDF removes a file whose creation failed);
#    a FIFO or a directory as the output;
#  - an existing run file silently replaced (no --overwrite), or the configuration itself;
#  - two writers of one file (the same -o twice, --continue of a running run) interleaved;
#  - results printed into a full disk reported as success (exit 0);
#  - misleading configuration messages ('1e-308' is not a real number, "expected 1 or 1
#    values", a profile without mass not naming its line, mass = 1e308 blamed on time),
#    "[grid]]" accepted, tolerances that make a run endless, more threads than processors;
#  - parameters that overflow (densities, H^s weights, kernel multipliers) found only by the
#    solver, and a non-finite record written.
fa_test=writers; . "$(dirname "$0")/testlib.sh"

barenblatt_1d_ini 16 4 0.2 4 > w.ini

# 1. only regular files, and never removing what fracagg did not create
if mknod devnull c 1 3 2> /dev/null; then
    expect "run -o DEVICE is refused" 2 "devnull is a character device" "$FRACAGG" run w.ini -q -o devnull
    check "... and the device is still there" test -c devnull
    expect "kinetic -o DEVICE is refused" 2 "character device" "$FRACAGG" kinetic w.ini -q -o devnull
    expect "limit -o DEVICE is refused" 2 "character device" "$FRACAGG" limit w.ini --eps 0.1 -q -o devnull
    expect "run -o DEVICE --overwrite is refused" 2 "character device" "$FRACAGG" run w.ini -q --overwrite -o devnull
    check "... and the device is still there" test -c devnull
    ln -s devnull devlink
    expect "run -o SYMLINK-TO-DEVICE is refused" 2 "character device" "$FRACAGG" run w.ini -q --overwrite -o devlink
    check "... and link and device are still there" test -c devlink -a -c devnull
else
    echo "skip: mknod not permitted (not root)"
fi
mkfifo fifo
expect "run -o FIFO is refused (without hanging)" 2 "fifo is a FIFO" timeout 20 "$FRACAGG" run w.ini -q -o fifo
mkdir dir
expect "run -o DIRECTORY is refused" 2 "dir is a directory" "$FRACAGG" run w.ini -q --overwrite -o dir
check "no temporary file is left behind" sh -c '! ls -A | grep -q "^\.[a-z]*\..*\.[A-Za-z0-9]\{6\}$"'

# 3. existing outputs: replaced only with --overwrite, never an input
"$FRACAGG" run w.ini -q -o a.nc --set time.end=0.1 || exit 99
cp a.nc a.orig
expect "run into an existing file is refused" 2 "a.nc exists; replace it with --overwrite" \
    "$FRACAGG" run w.ini -q -o a.nc
check "... and leaves it alone" cmp a.nc a.orig
expect "[output] file of an existing file is refused" 2 "exists" "$FRACAGG" run w.ini -q --set output.file=a.nc
check "run --overwrite replaces it" "$FRACAGG" run w.ini -q --overwrite -o a.nc
check "... with the new run (5 records)" test "$(records a.nc)" -eq 5
check "--set output.overwrite=yes does the same" "$FRACAGG" run w.ini -q --set output.overwrite=yes -o a.nc
"$FRACAGG" limit w.ini --eps 0.1 -q -o l.nc --set time.end=0.05 || exit 99
expect "limit into an existing file is refused" 2 "exists" "$FRACAGG" limit w.ini --eps 0.1 -q -o l.nc
expect "kinetic into an existing file is refused" 2 "exists" "$FRACAGG" kinetic w.ini -q -o l.nc
cp w.ini keep.ini
expect "--overwrite of the configuration is refused" 2 "is the configuration of this run" \
    "$FRACAGG" run w.ini -q --overwrite -o w.ini
check "... which is unchanged" cmp w.ini keep.ini
ln w.ini hard.ini
expect "... also under another name (a hard link)" 2 "is the configuration of this run" \
    "$FRACAGG" run w.ini -q --overwrite -o hard.ini
sed "s|^type = barenblatt|type = file\npath = a.nc|; /^mass/d; /^time = 0.1/d" w.ini > re.ini
cp a.nc a.orig
expect "--overwrite of a type = file source is refused" 2 "type = file source" \
    "$FRACAGG" run re.ini -q --overwrite -o a.nc
check "... which is unchanged" cmp a.nc a.orig
expect "--continue takes no --overwrite" 2 "no --overwrite" "$FRACAGG" run --continue a.nc --overwrite

# 2. [solver] wisdom: a regular file or none, never an input, saved atomically
expect "wisdom = FIFO is refused (no hang)" 2 "wisdom = fifo is not a regular file" \
    timeout 20 "$FRACAGG" run w.ini -q -o wz.nc --set solver.wisdom=fifo
if [ -c /dev/zero ]; then
    expect "wisdom = /dev/zero is refused (no hang)" 2 "wisdom = /dev/zero is not a regular file" \
        timeout 20 "$FRACAGG" run w.ini -q -o wz.nc --set solver.wisdom=/dev/zero
fi
expect "wisdom = the configuration is refused" 2 "wisdom = w.ini is the configuration" \
    "$FRACAGG" run w.ini -q -o wz.nc --set solver.wisdom=w.ini
check "an absent wisdom file is created" sh -c "\"$FRACAGG\" run w.ini -q -o wz.nc --set solver.wisdom=wis \
    --set time.end=0.11 && test -f wis && grep -q fftw wis"
expect "the run file cannot be the wisdom file" 2 "is the \[solver\] wisdom file" \
    "$FRACAGG" run w.ini -q --overwrite -o wis --set solver.wisdom=wis
check "... which is unchanged" grep -q fftw wis

# 4. one writer per file
slow() { # a run that lasts until it is stopped (exec: $! is fracagg itself)
    exec "$FRACAGG" run w.ini -q "$@" --set grid.cells=512 --set time.end=1000 --set time.outputs=1000 \
        --set solver.method=ssprk3 > /dev/null 2>&1
}
slow -o busy.nc &
pid=$!
wait_records busy.nc 2
expect "a second writer of the same file fails at once" 2 "busy.nc is being written by another" \
    timeout 20 "$FRACAGG" run w.ini -q --overwrite -o busy.nc
expect "--continue of a file being written fails at once" 2 "busy.nc is being written by another" \
    timeout 20 "$FRACAGG" run --continue busy.nc -q
kill -TERM "$pid" 2> /dev/null
wait "$pid"
check "after the writer, the file is free again" "$FRACAGG" run w.ini -q --overwrite -o busy.nc --set time.end=0.05

# 5. lost standard output
if [ -w /dev/full ]; then
    expect "info > /dev/full fails" 3 "writing standard output failed" sh -c "\"$FRACAGG\" info a.nc > /dev/full"
    expect "w1 > /dev/full fails" 3 "standard output" sh -c "\"$FRACAGG\" w1 a.nc a.nc > /dev/full"
    expect "verify-hs > /dev/full fails" 3 "standard output" \
        sh -c "\"$FRACAGG\" verify-hs a.nc --s 2 --any-s > /dev/full"
    expect "limit > /dev/full fails" 3 "standard output" \
        sh -c "\"$FRACAGG\" limit w.ini --eps 0.1 --overwrite -o l.nc --set time.end=0.05 > /dev/full"
    expect "bench > /dev/full fails" 3 "standard output" \
        sh -c "\"$FRACAGG\" bench --dim 1 --cells 64 --species 1 --reps 1 > /dev/full"
fi

# 6. configuration messages
expect "1e-308 (a subnormal) is a real number" 2 "rtol must be in" "$FRACAGG" run w.ini -q -o s.nc --set solver.rtol=1e-308
expect "1e309 is out of range, not 'not a real number'" 2 "'1e309' is out of range" \
    "$FRACAGG" run w.ini -q -o s.nc --set solver.atol=1e309
expect "no 'expected 1 or 1 values' in 1D" 2 "center = 1 2: expected one value (the x axis), got 2" \
    "$FRACAGG" run w.ini -q -o s.nc --set 'initial.1.center=1 2'
sed 's/^\[grid\]$/[grid]]/' w.ini > hdr.ini
expect "[grid]] is a malformed section header" 2 "hdr.ini:1: malformed section header" "$FRACAGG" run hdr.ini -q -o s.nc
expect "mass = 1e308 is blamed on mass" 2 "\[initial.1\] mass = 1e308: the support" \
    "$FRACAGG" run w.ini -q -o s.nc --set initial.1.mass=1e308
expect "a profile without mass names its line" 2 "w.ini:10: \[initial.1\] type = barenblatt: .*no mass" \
    "$FRACAGG" run w.ini -q -o s.nc --set initial.1.time=1e-30
expect "atol = 1e-300 is refused with its bound and why" 2 "atol must be >= 1e-30 (.*cost grows" \
    "$FRACAGG" run w.ini -q -o s.nc --set solver.atol=1e-300
expect "rtol = 1e-16 is refused with its bound and why" 2 "rtol must be in \[1e-14, 1) (.*rounding" \
    "$FRACAGG" run w.ini -q -o s.nc --set solver.rtol=1e-16
expect "threads = 1024 is capped to the processors, with a warning" 0 "threads = 1024: this machine has" \
    "$FRACAGG" run w.ini -o t.nc --set solver.threads=1024 --set time.end=0.11

# 7. overflowing parameters fail before running, naming the key; no non-finite record
sed 's/^dim = 1/dim = 3/; s/^cells = 16/cells = 8/; s/^alpha = 0.5/alpha = 2.5/' w.ini > w3.ini
expect "3D grid.length = 1e-300 is refused (cell volume 0)" 2 "\[grid\] length = 1e-300: a box of volume" \
    "$FRACAGG" run w3.ini -q -o s.nc --set grid.length=1e-300
expect "output.hs = 1e300 is refused (weights overflow)" 2 "\[output\] hs = 1e300: order s" \
    "$FRACAGG" run w.ini -q -o s.nc --set output.hs=1e300
cat > g3.ini <<'INI'
[grid]
dim = 3
cells = 8
length = 4
[kernel.1.1]
type = gaussian
strength = 1
length = 1e300
[initial.1]
type = gaussian
mass = 1
width = 0.5
[time]
end = 0.1
INI
expect "a Gaussian kernel of length 1e300 is refused" 2 "\[kernel.1.1\] length = 1e300: the kernel's multiplier at k = 0" \
    "$FRACAGG" run g3.ini -q -o s.nc
check "... before creating any file" test ! -e s.nc
sed 's/^length = 1e300/length = 1/; s/^mass = 1$/mass = 1e300/' g3.ini > big.ini
expect "a state whose energy overflows is not written (exit 3)" 3 "non-finite free energy.*not written" \
    "$FRACAGG" run big.ini -q -o big.nc
check "... and the file holds no non-finite record" test "$(records big.nc)" -eq 0
expect "... nor a kinetic run's (its companion's part neither)" 3 "non-finite free energy.*not written" \
    "$FRACAGG" kinetic big.ini -q -o bigk.nc
check "... whose file holds no record" test "$(records bigk.nc)" -eq 0

finish
