#!/bin/sh
# Run files are input: a damaged or hostile one is refused by every reader (info, run
# --continue, type = file initial data, w1, verify-hs) with exit 2 and a message naming the
# file, never read as zeros, continued out of order or handed to the solver. Regressions:
#  - a truncated copy read as all-zero records (info: mass falling to 0; --continue: restart
#    from zero density, records appended out of time order, the file marked complete);
#  - repeated, decreasing or fill-value times continued without complaint ("t = 9.97e36");
#  - NaN, Inf, 1e300 or negative restart data reported as an integration failure;
#  - a header claiming a huge grid made w1 allocate gigabytes;
#  - --continue failing for long paths or paths with ' ;' or a newline;
#  - --continue obeying a stored [solver] wisdom path, and accepting overrides of keys that
#    define the file's layout (output.hs, species.names) without writing them.
NCGEN=${NCGEN:-ncgen}
command -v "$NCGEN" > /dev/null 2>&1 || { echo "skip: ncgen not found (Debian: netcdf-bin)"; exit 77; }
fa_test=readers; . "$(dirname "$0")/testlib.sh"

barenblatt_1d_ini 16 4 0.2 4 > r.ini
"$FRACAGG" run r.ini -q -o good.nc || exit 99
restart_config() { # restart_config FILE: a run of the same grid from FILE's last record
    sed "s|^type = barenblatt|type = file\npath = $1|; /^mass/d; /^time = 0.1/d" r.ini
}

# edit_cdl IN OUT VAR INDEX VALUE: the value INDEX (0-based over the flattened data; negative:
# from the end) of VAR's data replaced in a CDL file
edit_cdl() {
    awk -v var="$3" -v idx="$4" -v val="$5" '
        /^data:/ { indata = 1 }
        indata && !invar && $1 == var && $2 == "=" { invar = 1; buf = ""; sub(/^[^=]*=/, "") }
        invar {
            buf = buf $0 " "
            if (index($0, ";")) {
                invar = 0; sub(/;.*/, "", buf); n = split(buf, a, ",")
                i = idx < 0 ? n + idx + 1 : idx + 1; a[i] = " " val
                line = " " var " ="
                for (j = 1; j <= n; j++) line = line a[j] (j < n ? "," : "")
                print line " ;"
            }
            next
        }
        { print }' "$1" > "$2"
}
"$NCDUMP" good.nc > good.cdl || exit 99
# variant NAME VAR INDEX VALUE: good.nc with one value changed, as NAME.nc (64-bit offset)
variant() {
    edit_cdl good.cdl "$1.cdl" "$2" "$3" "$4" && "$NCGEN" -k nc6 -o "$1.nc" "$1.cdl" || exit 99
}

# ---- A: truncated files ----------------------------------------------------------------------
size=$(wc -c < good.nc)
head -c $((size - 100)) good.nc > cut.nc
head -c $((size / 2)) good.nc > half.nc
expect "info refuses a truncated copy (size and needed size named)" 2 \
    "cut.nc: truncated: an interrupted copy? The file has $((size - 100)) bytes, its header needs $size" \
    "$FRACAGG" info cut.nc
expect "info refuses a file cut in half" 2 "half.nc: truncated" "$FRACAGG" info half.nc
cp cut.nc cont.nc
expect "run --continue refuses a truncated file" 2 "cont.nc: truncated" "$FRACAGG" run --continue cont.nc -q
check "... and leaves it as it was" cmp cont.nc cut.nc
restart_config cut.nc > from-cut.ini
expect "type = file refuses a truncated file" 2 "cut.nc: truncated" "$FRACAGG" run from-cut.ini -q -o x.nc
expect "w1 refuses a truncated file" 2 "cut.nc: truncated" "$FRACAGG" w1 good.nc cut.nc
expect "verify-hs refuses a truncated file" 2 "cut.nc: truncated" "$FRACAGG" verify-hs cut.nc --s 2
head -c 1000 good.nc > header-cut.nc
expect "a file cut inside its header" 2 "header-cut.nc: not a valid netCDF classic file" "$FRACAGG" info header-cut.nc

# ---- B: the time axis ------------------------------------------------------------------------
variant repeated time 3 0.1
expect "info refuses a repeated time (records named)" 2 \
    "repeated.nc: times do not increase: record 3 has t = 0.10000000000000001, record 4 t = 0.10000000000000001 (a repeated time)" \
    "$FRACAGG" info repeated.nc
variant decreasing time 2 0.01
expect "--continue refuses decreasing times" 2 "decreasing.nc: times do not increase: record 2 .* record 3 .*out of order" \
    "$FRACAGG" run --continue decreasing.nc -q
variant filltime time -1 _
expect "info refuses a fill-value time (no 't = 9.97e36')" 2 "filltime.nc: record 5 of 5 has the fill value as its time" \
    "$FRACAGG" info filltime.nc
variant nantime time 0 NaN
restart_config nantime.nc > from-nantime.ini
expect "type = file refuses a NaN time" 2 "nantime.nc: record 1 of 5 has time nan" "$FRACAGG" run from-nantime.ini -q -o x.nc
expect "verify-hs refuses a repeated time" 2 "repeated.nc: times do not increase" "$FRACAGG" verify-hs repeated.nc --s 2

# ---- C: restart data are input ----------------------------------------------------------------
for v in NaN Infinity 1e300 -0.001; do
    variant "bad$v" density_s1 -5 "$v"
    expect "--continue refuses $v in the last record (file, variable, record, cell, value)" 2 \
        "bad$v.nc: variable density_s1, record 5 (t = 0.2): cell x = 11 holds .*not usable as initial data" \
        "$FRACAGG" run --continue "bad$v.nc" -q --set time.end=0.3
done
restart_config bad1e300.nc > from-big.ini
expect "type = file refuses 1e300 (the squares overflow)" 2 "too large: the sum of the squared densities overflows" \
    "$FRACAGG" run from-big.ini -q -o x.nc
restart_config bad-0.001.nc > from-neg.ini
expect "type = file refuses -1e-3 as an input error, not 'became negative'" 2 "negative beyond the solver's tolerance" \
    "$FRACAGG" run from-neg.ini -q -o x.nc
variant tiny density_s1 -5 -1e-12
check "a BDF file holding -1e-12 stays continuable" "$FRACAGG" run --continue tiny.nc -q --set time.end=0.25

# ---- D: hostile headers ------------------------------------------------------------------------
# the header of a 40000^2 grid with one record, without its 12.8 GB of data
printf 'netcdf huge {\ndimensions:\n time = UNLIMITED ; x = 40000 ; y = 40000 ; species = 1 ; name_strlen = 64 ;\nvariables:\n double time(time) ;\n double density_s1(time, y, x) ;\n char species(species, name_strlen) ;\n :fracagg_layout = 2 ; :dim = 2 ; :cells = 40000, 40000 ; :length = 1., 1. ; :config = "" ;\n}\n' > hdr.cdl
"$NCGEN" -k nc6 -o hdr.nc hdr.cdl || exit 99
# one record counted in the header (bytes 4..7: numrecs)
printf '\000\000\000\001' | dd of=hdr.nc bs=1 seek=4 conv=notrunc 2> /dev/null
start=$(date +%s)
expect "w1 refuses a header claiming 1.6e9 cells in a small file" 2 "hdr.nc: truncated" "$FRACAGG" w1 hdr.nc hdr.nc
expect "info refuses it" 2 "hdr.nc: truncated" "$FRACAGG" info hdr.nc
[ $(($(date +%s) - start)) -le 5 ] && ok "... quickly" || bad "... took more than 5 s"
sed 's/x = 40000 ; y = 40000/x = 70000 ; y = 70000/; s/cells = 40000, 40000/cells = 70000, 70000/' hdr.cdl > cap.cdl
"$NCGEN" -k nc6 -o cap.nc cap.cdl || exit 99
expect "a header beyond the grid-size cap (4.9e9 cells) is refused as such" 2 "cap.nc: a grid of 4.9e+09 cells" \
    "$FRACAGG" info cap.nc

# ---- E: continuation paths -------------------------------------------------------------------
long=$(printf 'd%.0s' $(seq 1 120))
mkdir -p "$long/$long"
for p in "$long/$long/run.nc" "semi ;colon.nc" "$(printf 'new\nline.nc')"; do
    "$FRACAGG" run r.ini -q -o "$p" --set time.end=0.1 || { bad "run -o '$p'"; continue; }
    check "--continue of a path of ${#p} characters ($(printf '%s' "$p" | tr '\n' '|' | cut -c1-12)...)" \
        "$FRACAGG" run --continue "$p" -q --set time.end=0.2
done

# ---- F: what a run file stores cannot make fracagg touch other paths -------------------------
mkdir victim
echo precious > victim/target
"$FRACAGG" run r.ini -q -o wis.nc --set time.end=0.1 --set "solver.wisdom=$work/victim/target" --set solver.fft_planning=measure \
    2> /dev/null || exit 99
echo precious > victim/target
rm -f victim/new
"$FRACAGG" run r.ini -q -o wis2.nc --set time.end=0.1 --set "solver.wisdom=$work/victim/new" --set solver.fft_planning=measure \
    2> /dev/null || exit 99
rm -f victim/new
"$FRACAGG" run --continue wis.nc --set time.end=0.2 > /dev/null 2> wis.err
check "--continue leaves the stored wisdom file alone" grep -qx precious victim/target
"$FRACAGG" run --continue wis2.nc -q --set time.end=0.2 2> /dev/null
check "... and creates none" test ! -e victim/new
check "... and says so" grep -q "wisdom = .*target is not used by a continuation" wis.err
"$FRACAGG" run r.ini -q -o lay.nc --set time.end=0.1 || exit 99
expect "--continue refuses --set output.hs (the file's hs coordinate)" 2 "cannot change \[output\] hs" \
    "$FRACAGG" run --continue lay.nc -q --set 'output.hs=3 4 5'
expect "--continue refuses --set species.names" 2 "cannot change \[species\] names" \
    "$FRACAGG" run --continue lay.nc -q --set species.names=other
expect "--continue refuses --set kernel.1.1.strength" 2 "cannot change \[kernel.1.1\] strength" \
    "$FRACAGG" run --continue lay.nc -q --set kernel.1.1.strength=2
check "--continue accepts time.end, solver.method and tolerances" \
    "$FRACAGG" run --continue lay.nc -q --set time.end=0.15 --set solver.method=adams --set solver.rtol=1e-7

finish
