#!/bin/sh
# Compressed copies of run files are still fracagg's input: `nccopy -k nc4 -d 1 -s` (NetCDF-4,
# deflate level 1 with shuffle; the manual's recipe for finished runs) of a 1D, 2D, 3D and a
# kinetic run file (tests/analysis_files.sh) gives a file that fracagg info summarises as the
# original, whose densities are the original's (fracagg w1 original compressed = 0), whose
# H^s series verify-hs reads alike, that a run restarts from, and that fracagg run --continue
# extends exactly as it extends the original. Skipped (77) without nccopy (Debian: netcdf-bin).
src=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
NCCOPY=${NCCOPY:-nccopy}
command -v "$NCCOPY" > /dev/null 2>&1 || { echo "SKIP: no nccopy (Debian: netcdf-bin)"; exit 77; }
fa_test=compress; . "$src/tests/testlib.sh"
. "$src/tests/analysis_files.sh"
make_analysis_files
w1_total() { "$FRACAGG" w1 "$1" "$2" 2> /dev/null | sed -n 's/^total: W1 = \([^ ]*\).*/\1/p'; }

for f in run1d run2d run3d kin2d; do
    "$NCCOPY" -k nc4 -d 1 -s $f.nc ${f}_z.nc 2> nccopy.err || { bad "$f: nccopy: $(cat nccopy.err)"; continue; }
    kind=$("$NCDUMP" -k ${f}_z.nc 2> /dev/null)
    "$FRACAGG" info $f.nc 2>&1 | sed 1d > info.txt
    "$FRACAGG" info ${f}_z.nc > info_z.txt 2>&1
    code=$?
    check "$f: fracagg info reads the compressed copy ($kind) and says what it says of the original" sh -c \
        "[ $code -eq 0 ] && sed 1d info_z.txt | diff info.txt -"
    w=$(w1_total $f.nc ${f}_z.nc)
    check "$f: fracagg w1 original compressed = 0 (W1 = $w)" [ "$w" = 0 ]
done
# verify-hs reads the compressed H^s series alike
"$FRACAGG" verify-hs run2d.nc --s 1 --any-s --tsv 2>&1 | cut -f2- > hs.txt
"$FRACAGG" verify-hs run2d_z.nc --s 1 --any-s --tsv 2>&1 | cut -f2- > hs_z.txt
check "verify-hs: the same series from the compressed copy" sh -c "[ -s hs.txt ] && diff hs.txt hs_z.txt"
# a restart from the compressed copy
sed 's/path = run2d.nc/path = run2d_z.nc/' run2d_b.ini > restart_z.ini
check "a run restarts from the compressed copy (type = file)" "$FRACAGG" run restart_z.ini -q -o restart_z.nc
w=$(w1_total run2d_b.nc restart_z.nc)
check "... to the same end as from the original (W1 = $w)" [ "$w" = 0 ]
# --continue appends to the compressed copy (from then on a NetCDF-4 file) as to the original
cp run2d.nc cont.nc
cp run2d_z.nc cont_z.nc
"$FRACAGG" run --continue cont.nc --set time.end=0.6 -q
check "run --continue extends the compressed copy" "$FRACAGG" run --continue cont_z.nc --set time.end=0.6 -q
check "... with the same records as the original's continuation" sh -c \
    "'$FRACAGG' info cont_z.nc | grep -q 'records:   7, t = 0 .. 0.6' && [ \"\$('$FRACAGG' w1 cont.nc cont_z.nc | sed -n 's/^total: W1 = \([^ ]*\).*/\1/p')\" = 0 ]"
finish
