#!/bin/sh
# fracagg verify-hs (the H^s growth bound of Lemma 4.6) as a user meets it: --calibrate prints
# a constant the next call takes; --C exits 0 when the bound holds and 1 when it is broken,
# naming the file, the series, the time and the values; exit 2 for each kind of bad input
# (missing variable or attribute, order not recorded, fewer than two records, s <= d/2 + 3,
# not a run file, bad usage); the resolution warning on an under-resolved run; and the fast
# 1D part of the scripted verification (examples/verify_hs.sh --quick).
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
fa_test=verify-hs; . "$(dirname "$0")/testlib.sh"

# expect CODE "word|word|..." NAME COMMAND...: exit code CODE and every word in the output
expect() {
    want=$1 words=$2 name=$3
    shift 3
    "$@" > out.txt 2>&1
    code=$?
    ok=1
    [ "$code" -eq "$want" ] || ok=0
    old_ifs=$IFS; IFS='|'
    for w in $words; do
        grep -qF -- "$w" out.txt || ok=0
    done
    IFS=$old_ifs
    if [ $ok -eq 1 ]; then
        ok "$name: exit $code: $(grep -v '^ *$' out.txt | tail -n 1 | cut -c1-200)"
    else
        bad "$name: exit $code (want $want, words '$words'):"; sed 's/^/      /' out.txt | tail -n 20
    fi
}

# a growing run: two species, weak Riesz self-repulsion, Gaussian cross-attraction, cosine
# modes; the central scheme, ended before the aggregate reaches the grid scale
cat > grow.ini << 'EOF'
[grid]
dim = 1
cells = 128
length = 6.283185307179586
[species]
count = 2
names = a b
[kernel.1.1]
type = riesz
strength = 0.1
alpha = 0.1
[kernel.2.2]
type = riesz
strength = 0.1
alpha = 0.1
[kernel.1.2]
type = gaussian
strength = -1
length = 1
[kernel.2.1]
type = gaussian
strength = -1
length = 1
[initial.1]
type = mode
mean = 1
amplitude = 0.9
wavenumber = 1
[initial.2]
type = mode
mean = 1
amplitude = 0.5
wavenumber = 1
[time]
end = 0.3
outputs = 60
[solver]
method = ssprk3
scheme = central
[output]
hs = 0 2 4
EOF
"$FRACAGG" run grow.ini -q -o grow.nc || { echo "hard error: the reference run failed"; exit 99; }

# calibrate, then check with the printed constant
"$FRACAGG" verify-hs grow.nc --s 4 --calibrate > cal.txt 2>&1
code=$?
C=$(tail -n 1 cal.txt | awk '$1 == "--C" {print $2}')
if [ $code -eq 0 ] && [ -n "$C" ]; then ok "--calibrate: exit 0, last line '--C $C'"
else bad "--calibrate: exit $code"; cat cal.txt; C=1; fi
expect 0 "all bounds hold|holds (Riccati comparison" "--C C_emp (the run's own constant): holds" \
    "$FRACAGG" verify-hs grow.nc --s 4 $(tail -n 1 cal.txt)
Clow=$(awk -v c="$C" 'BEGIN { printf "%.10g", 0.99 * c }')
expect 1 "grow.nc, combined, t = |> y0/(1 - C t y0) = |Riccati comparison|1 violation" "--C 0.99 C_emp: violated, named" \
    "$FRACAGG" verify-hs grow.nc --s 4 --C "$Clow"
expect 1 "grow.nc	combined	1	4	61	|	riccati	" "--tsv with a violation: the combined row says riccati" \
    "$FRACAGG" verify-hs grow.nc --s 4 --C "$Clow" --tsv
expect 1 "grow.nc, a, t = " "--per-species: the first violation names the species" \
    "$FRACAGG" verify-hs grow.nc --s 4 --C "$Clow" --per-species
expect 0 "no --C given: report only, nothing checked|combined" "no --C: report only, exit 0" \
    "$FRACAGG" verify-hs grow.nc --s 4
# a decaying run (one species, Riesz self-repulsion only: the cosine mode flattens) holds for any C
printf '[grid]\ndim = 1\ncells = 64\nlength = 6.283185307179586\n[kernel.1.1]\ntype = riesz\nstrength = 1\nalpha = 0.5\n[initial.1]\ntype = mode\nmean = 1\namplitude = 0.5\nwavenumber = 1\n[time]\nend = 0.5\noutputs = 10\n[solver]\nscheme = central\n[output]\nhs = 4\n' > decay.ini
"$FRACAGG" run decay.ini -q -o decay.nc
expect 0 "all bounds hold" "a decaying run: holds for any C" "$FRACAGG" verify-hs decay.nc --s 4 --C 1e-6
expect 2 "no checked series grew" "--calibrate on a run whose norm never grows: exit 2" \
    "$FRACAGG" verify-hs decay.nc --s 4 --calibrate
expect 1 "1 violation; first: grow.nc" "two files, one violating" "$FRACAGG" verify-hs decay.nc grow.nc --s 4 --C "$Clow"

# bad input: exit 2 with a specific message
expect 2 "grow.nc: H^s order s = 5 is not recorded; the file has s = 0 2 4" "order not recorded" \
    "$FRACAGG" verify-hs grow.nc --s 5
expect 2 "grow.nc is a 1D run: Lemma 4.6 needs s > d/2 + 3 = 3.5, got s = 2|--any-s" "s <= d/2 + 3 refused" \
    "$FRACAGG" verify-hs grow.nc --s 2
expect 0 "combined" "s <= d/2 + 3 with --any-s" "$FRACAGG" verify-hs grow.nc --s 2 --any-s
"$FRACAGG" run grow.ini -q --set time.outputs=1 --set solver.max_steps=1 -o one.nc 2> /dev/null
expect 2 "one.nc: 1 record; the growth bound needs at least two times" "fewer than two records" \
    "$FRACAGG" verify-hs one.nc --s 4
expect 2 "cannot open run file absent.nc" "missing file" "$FRACAGG" verify-hs absent.nc --s 4
expect 2 "cannot open run file grow.ini" "not a NetCDF file" "$FRACAGG" verify-hs grow.ini --s 4
expect 2 "grow.nc: H^s order s = 5" "a bad file among good ones: nothing reported" "$FRACAGG" verify-hs grow.nc grow.nc --s 5
NCGEN=$(dirname "$(command -v "$NCDUMP" 2> /dev/null || echo /nonexistent/ncdump)")/ncgen
if [ -x "$NCGEN" ]; then
    "$NCDUMP" grow.nc > grow.cdl
    # remove a variable (declaration, attributes, data) / the dim attribute
    awk '/^\t[a-z]+ hs_norm_total\(/ {next} /^\t\ths_norm_total:/ {next}
         /^ hs_norm_total =/ {skip = 1} skip {if (/;[ \t]*$/) skip = 0; next} {print}' grow.cdl > nototal.cdl
    sed '/^\t\t:dim = /d' grow.cdl > nodim.cdl
    "$NCGEN" -k 64-bit-offset -o nototal.nc nototal.cdl && "$NCGEN" -k 64-bit-offset -o nodim.nc nodim.cdl
    expect 2 "nototal.nc: no variable 'hs_norm_total'" "missing variable hs_norm_total" "$FRACAGG" verify-hs nototal.nc --s 4
    expect 2 "nodim.nc: no global attribute 'dim'" "missing attribute dim" "$FRACAGG" verify-hs nodim.nc --s 4
else
    echo "skip: ncgen not found next to $NCDUMP (missing-variable cases)"
fi
# bad usage
expect 2 "--s S is required" "no --s" "$FRACAGG" verify-hs grow.nc
expect 2 "no run file given" "no file" "$FRACAGG" verify-hs --s 4
expect 2 "--C: 'x' is not a number" "--C not a number" "$FRACAGG" verify-hs grow.nc --s 4 --C x
expect 2 "the lemma's constant is positive" "--C not positive" "$FRACAGG" verify-hs grow.nc --s 4 --C -1
expect 2 "--C and --calibrate exclude each other" "--C with --calibrate" "$FRACAGG" verify-hs grow.nc --s 4 --C 1 --calibrate
expect 2 "unknown option '--bogus'" "unknown option" "$FRACAGG" verify-hs grow.nc --s 4 --bogus

# resolution: the same run with the limited MUSCL scheme puts grid-scale content into H^4
sed 's/^scheme = central/scheme = muscl/' grow.ini > muscl.ini
"$FRACAGG" run muscl.ini -q -o muscl.nc
expect 0 "warning: combined: top-third share|not resolved" "resolution warning on the limited-MUSCL run" \
    "$FRACAGG" verify-hs muscl.nc --s 4
expect 1 "(--strict: counted as a failure)" "--strict turns the warning into exit 1" \
    "$FRACAGG" verify-hs muscl.nc --s 4 --strict
expect 0 "all bounds hold" "the resolved run passes --strict" "$FRACAGG" verify-hs grow.nc --s 4 --C "$C" --strict

# the picture of the growth (reads the run file's H^s series with xarray)
if [ -n "$PY" ] && "$PY" -c 'import xarray, netCDF4, matplotlib' 2> /dev/null; then
    expect 0 "wrote hs.png" "examples/plot_hs_growth.py draws the growth against the bounds" \
        "$PY" "$top/examples/plot_hs_growth.py" grow.nc muscl.nc --s 4 --C "$C" --species --out hs.png
else
    echo "skip: no Python with xarray/netCDF4/matplotlib (configure's PYTHON_SCI)"
fi

# the scripted verification, 1D part
expect 0 "verify_hs: all checks hold and every control behaves|C_emp against amplitude" \
    "examples/verify_hs.sh --quick" sh "$top/examples/verify_hs.sh" --quick
grep -E '^(c1_|calibration|control)' out.txt | sed 's/^/      /'

finish
