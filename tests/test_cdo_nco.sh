#!/bin/sh
# fracagg's files in CDO and NCO, as written (tests/analysis_files.sh: 1D, 2D, 3D run, a run
# continued into a new file, kinetic run, limit file): CDO reads every variable (no "skipped"
# or "Unsupported" in cdo sinfon) on a time axis, and the time values (the model times t) are
# intact after cdo copy, fldmean and seltimestep,1 (CDO keeps t to 1/60000: every time here is
# a multiple); timmean runs; fldmean of a density is its species' mass over the box volume;
# ncks -d time,0,1 keeps the first two records; ncrcat of a run and its continuation gives
# strictly increasing times. Skipped (77) without cdo or NCO (Debian: cdo nco).
src=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
for tool in cdo ncks ncrcat; do
    command -v $tool > /dev/null 2>&1 || { echo "SKIP: no $tool (Debian: cdo nco)"; exit 77; }
done
fa_test=cdo; . "$src/tests/testlib.sh"
. "$src/tests/analysis_files.sh"
make_analysis_files

tvals() { ncks -H -C -v time --trd "$1" 2> /dev/null | sed -n 's/^time\[[0-9]*\]=\([^ ]*\).*/\1/p' | tr '\n' ' '; }
same() { # same "A..." "B...": the same number of values, equal to 1e-12 relative
    echo "$1|$2" | awk -F'|' '{ n = split($1, a, " "); m = split($2, b, " "); if (n != m || n == 0) exit 1
        for (i = 1; i <= n; i++) { d = a[i] - b[i]; s = a[i] < 0 ? -a[i] : a[i]; if (s < 1) s = 1
            if (d > 1e-12 * s || -d > 1e-12 * s) exit 1 } }'
}
increasing() { echo "$1" | awk '{ if (NF < 2) exit 1; for (i = 2; i <= NF; i++) if (!($i > $(i - 1))) exit 1 }'; }

for f in $analysis_files; do
    t0=$(tvals $f.nc)
    echo "# $f.nc: times $t0"
    cdo sinfon $f.nc > sinfon.txt 2>&1
    code=$?
    if [ $code -eq 0 ] && ! grep -Eqi 'skipped|not supported|unsupported' sinfon.txt; then
        ok "$f: cdo sinfon reads every variable (no skipped/unsupported)"
    else
        bad "$f: cdo sinfon: exit $code"; sed 's/^/      /' sinfon.txt | head -40
    fi
    check "$f: cdo sees a time axis (minutes since 1970-01-01, proleptic_gregorian)" sh -c \
        "grep -q 'Time coordinate' sinfon.txt && grep -q 'RefTime =  1970-01-01 00:00:00  Units = minutes  Calendar = proleptic_gregorian' sinfon.txt"
    # CDO's variables are the file's numeric variables less coordinates (x(x), eps(eps), ...)
    # and bounds: every one of them, by name
    "$NCDUMP" -h $f.nc | sed -n 's/^\t\(double\|int\) \([A-Za-z0-9_]*\)(\([^)]*\)) ;/\2 \3/p' |
        awk '$1 != $2 && $1 !~ /_bnds$/ { print $1 }' | sort > want.txt
    cdo -s showname $f.nc 2> /dev/null | tr ' ' '\n' | sed '/^$/d' | sort > got.txt
    check "$f: cdo lists every data variable ($(wc -l < want.txt) of them)" sh -c "[ -s want.txt ] && diff want.txt got.txt"
    cdo -s copy $f.nc copy.nc > cdo.err 2>&1
    check "$f: cdo copy keeps the time values" same "$t0" "$(tvals copy.nc)"
    cdo -s fldmean $f.nc fldmean.nc > cdo.err 2>&1
    code=$?
    tf=$(tvals fldmean.nc)
    if [ $code -eq 0 ] && same "$t0" "$tf"; then ok "$f: cdo fldmean runs and keeps the time values"
    else bad "$f: cdo fldmean: exit $code, times $tf: $(grep -v 'Grid cell bounds' cdo.err | head -3)"; fi
    cdo -s timmean $f.nc timmean.nc > cdo.err 2>&1
    code=$?
    check "$f: cdo timmean runs (time $(tvals timmean.nc))" [ $code -eq 0 ]
    first=$(echo "$t0" | awk '{ print $1 }')
    cdo -s seltimestep,1 $f.nc sel.nc > cdo.err 2>&1
    check "$f: cdo seltimestep,1 gives the first time ($(tvals sel.nc))" same "$first" "$(tvals sel.nc)"
    two=$(echo "$t0" | awk '{ print $1, $2 }')
    ncks -O -d time,0,1 $f.nc sub.nc > nco.err 2>&1
    check "$f: ncks -d time,0,1 keeps the first two times ($(tvals sub.nc))" same "$two" "$(tvals sub.nc)"
done

# fldmean of a density: its species' mass over the box volume (constant weights are right on
# the uniform grid), at every time, by name; in 3D z is CDO's vertical axis (generic levels
# with bounds) and vertmean averages over it
for case in "run2d prey 108" "run2d predator 108" "run3d b 64" "kin2d predator 144" "run1d s1 16"; do
    set -- $case
    cdo -s outputf,%.17g -vertmean -fldmean -selname,density_$2 $1.nc > mean.txt 2> cdo.err
    ncks -H -C -v mass --trd $1.nc | sed -n "s/.*species\[\([0-9]*\)\] mass\[[0-9]*\]=\([^ ]*\).*/\1 \2/p" > mass.txt
    # the species' index: its line in ncdump's list of names, from 0
    i=$("$NCDUMP" -v species $1.nc | sed -n '/^ species =/,/;/p' | sed 1d | grep -n "\"$2\"" | cut -d: -f1)
    i=$((${i:-0} - 1))
    check "$1: cdo vertmean -fldmean of density_$2 is its mass / $3 at every time" awk -v i="$i" -v V="$3" '
        NR == FNR { m[++n] = $1; next }
        $1 == i { k++; d = m[k] - $2 / V; if (d < 0) d = -d; if (d > 1e-10 * ($2 / V)) bad = 1 }
        END { exit !(n > 0 && k == n && !bad) }' mean.txt mass.txt
done

# the manual's subset: the named variables and their coordinates
ncks -O -v density_prey,mass run2d.nc sub.nc > nco.err 2>&1
check "ncks -v density_prey,mass keeps those two and their coordinates" sh -c \
    "'$NCDUMP' -h sub.nc | grep -q 'double density_prey(time, y, x)' && '$NCDUMP' -h sub.nc | grep -q 'double mass(time, species)' \
     && ! '$NCDUMP' -h sub.nc | grep -q 'density_predator' && '$NCDUMP' -h sub.nc | grep -q 'char species(species, name_strlen)'"

# a run and its continuation into a new file: one time axis, no repeated time
ncrcat -O run2d.nc run2d_b.nc cat.nc > nco.err 2>&1
tc=$(tvals cat.nc)
if increasing "$tc" && [ "$(echo "$tc" | wc -w)" -eq 9 ]; then ok "ncrcat of a run and its continuation: 9 times, strictly increasing"
else bad "ncrcat of a run and its continuation: times $tc ($(head -3 nco.err))"; fi
cdo -s mergetime run2d.nc run2d_b.nc merge.nc > cdo.err 2>&1
check "cdo mergetime of a run and its continuation: 9 steps, the same times" same "$tc" "$(tvals merge.nc)"
finish
