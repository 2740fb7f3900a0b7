#!/bin/sh
# Bad input is refused with exit 2 and a message naming the file, the line and the key,
# before any output file is created.
readme="$(cd "$(dirname "$0")/.." && pwd)/README.md" # before testlib changes directory
fa_test=input; . "$(dirname "$0")/testlib.sh"

good='[grid]
dim = 2
cells = 16
length = 4
[kernel.1.1]
type = riesz
strength = 1
alpha = 1
[initial.1]
type = gaussian
mass = 1
width = 0.5
[time]
end = 0.01
outputs = 1'

# expect_bad NAME "word1|word2|..." CONFIG-TEXT [extra args]: every word must appear
expect_bad() {
    name=$1 words=$2 text=$3
    shift 3
    rm -f ./*.nc
    printf '%s\n' "$text" > bad.ini
    "$FRACAGG" run bad.ini -q "$@" > out.txt 2> err.txt
    code=$?
    msg=$(cat err.txt)
    ok=1
    [ "$code" -eq 2 ] || ok=0
    old_ifs=$IFS; IFS='|'
    for w in $words; do
        case "$msg" in *"$w"*) ;; *) ok=0 ;; esac
    done
    IFS=$old_ifs
    if ls ./*.nc > /dev/null 2>&1; then ok=0; msg="$msg [an output file was created]"; fi
    if [ $ok -eq 1 ]; then
        ok "$name: exit $code: $msg"
    else
        bad "$name: exit $code (want 2, words '$words'): $msg"
    fi
}

# the good configuration runs
printf '%s\n' "$good" > good.ini
if "$FRACAGG" run good.ini -q && [ -f good.nc ]; then ok "the reference configuration runs"; else bad "the reference configuration does not run"; fi
rm -f good.nc

expect_bad "unknown section" "bad.ini:1|unknown section [gird]" "$(printf '%s\n' "$good" | sed 's/^\[grid\]/[gird]/')"
expect_bad "unknown key with suggestion" "bad.ini:3|unknown key 'cels'|did you mean 'cells'" "$(printf '%s\n' "$good" | sed 's/^cells/cels/')"
expect_bad "missing required key" "bad.ini:1|[grid]|missing required key 'length'" "$(printf '%s\n' "$good" | sed '/^length/d')"
expect_bad "wrong type (integer)" "bad.ini:3|cells|'abc' is not an integer" "$(printf '%s\n' "$good" | sed 's/^cells = 16/cells = abc/')"
expect_bad "wrong type (real)" "bad.ini:4|length|'4x' is not a real number" "$(printf '%s\n' "$good" | sed 's/^length = 4/length = 4x/')"
expect_bad "alpha outside (0,d)" "bad.ini:8|[kernel.1.1]|alpha|(0, d) = (0, 2)" "$(printf '%s\n' "$good" | sed 's/^alpha = 1/alpha = 2.5/')"
expect_bad "alpha = 0" "bad.ini:8|alpha" "$(printf '%s\n' "$good" | sed 's/^alpha = 1/alpha = 0/')"
expect_bad "zero cells" "bad.ini:3|cells|>= 1" "$(printf '%s\n' "$good" | sed 's/^cells = 16/cells = 0/')"
expect_bad "negative cells on one axis" "bad.ini:3|cells" "$(printf '%s\n' "$good" | sed 's/^cells = 16/cells = 16 -4/')"
expect_bad "nonpositive length" "bad.ini:4|length|> 0" "$(printf '%s\n' "$good" | sed 's/^length = 4/length = -1/')"
expect_bad "three cells in 2D" "bad.ini:3|cells|1 or 2 values" "$(printf '%s\n' "$good" | sed 's/^cells = 16/cells = 16 16 16/')"
expect_bad "species index out of range" "bad.ini:22|[kernel.1.3]|species index 3 out of range 1..2" "$(printf '%s\n[species]\ncount = 2\n[initial.2]\ntype = gaussian\nmass = 1\nwidth = 1\n[kernel.1.3]\ntype = gaussian\nstrength = 1\nlength = 1\n' "$good" | sed 's/^outputs = 1//')"
expect_bad "missing initial data" "bad.ini|[initial.2]|missing required key 'type'" "$(printf '%s\n[species]\ncount = 2\n' "$good")"
# a species name becomes part of variable names (density_<name>): letters, digits and
# underscores, a letter first (CF 2.3; CDO/NCO expressions, the CF checkers)
printf '%s\n[species]\ncount = 2\nnames = prey_1 Predator2\n[initial.2]\ntype = gaussian\nmass = 1\nwidth = 0.5\n' "$good" > names.ini
check "species names of letters, digits and underscores run" sh -c "'$FRACAGG' run names.ini -q && rm names.nc"
for name in 'a-b' 'été' '1a' '_a' 'a/b' 'a.b'; do
    expect_bad "species name '$name'" "bad.ini:17|[species]|names|$name" "$(printf '%s\n[species]\nnames = %s\n' "$good" "$name")"
done
expect_bad "choice not in list" "bad.ini:17|method|must be one of bdf|adams|ssprk3" "$(printf '%s\n[solver]\nmethod = rk4\n' "$good")"
expect_bad "key not applying to the type" "bad.ini:9|[kernel.1.1]|'alpha' does not apply to type = gaussian" "$(printf '%s\n' "$good" | sed 's/^type = riesz/type = gaussian\nlength = 1/')"
expect_bad "duplicate key" "bad.ini:18|duplicate key|first set at bad.ini:17" "$(printf '%s\n[solver]\nrtol = 1e-6\nrtol = 1e-7\n' "$good")"
expect_bad "end before start" "bad.ini:14|[time]|end|later than start" "$(printf '%s\n' "$good" | sed 's/^end = 0.01/end = -1/')"
expect_bad "mode amplitude above mean" "bad.ini:12|amplitude|mean" "$(printf '%s\n' "$good" | sed 's/^type = gaussian/type = mode\nmean = 1\namplitude = 2\nwavenumber = 1 1/; /^mass/d; /^width/d')"
expect_bad "wavenumber count" "bad.ini|wavenumber|2 values" "$(printf '%s\n' "$good" | sed 's/^type = gaussian/type = mode\nmean = 1\namplitude = 0.5\nwavenumber = 1 1 1/; /^mass/d; /^width/d')"
expect_bad "Barenblatt without a Riesz self-kernel" "bad.ini|[initial.1]|riesz self-kernel" "$(printf '%s\n' "$good" | sed 's/^type = gaussian/type = barenblatt\ntime = 1/; /^width/d; s/^type = riesz/type = gaussian\nlength = 1/; /^alpha/d')"
expect_bad "restart file missing" "bad.ini:11|[initial.1]|path = nowhere.nc|cannot open run file" "$(printf '%s\n' "$good" | sed 's/^type = gaussian/type = file\npath = nowhere.nc/; /^mass/d; /^width/d')"
expect_bad "syntax error" "bad.ini:2|syntax error" "$(printf '%s\n' "$good" | sed 's/^dim = 2/dim 2/')"
expect_bad "line too long" "bad.ini:2|longer than" "$(printf '%s\n' "$good" | sed "s/^dim = 2/dim = 2 $(printf '%0300d' 0)/")"
expect_bad "bad --set value" "--set grid.cells|'x' is not an integer" "$good" --set grid.cells=x
expect_bad "malformed --set" "--set cells|SECTION.KEY=VALUE" "$good" --set cells
expect_bad "unknown --set key" "--set grid.colour|unknown key 'colour'" "$good" --set grid.colour=red
expect_bad "unknown option" "unknown option '--frobnicate'" "$good" --frobnicate
expect_bad "unwritable output" "cannot write|/nonexistent/dir" "$good" -o /nonexistent/dir/out.nc

# files that are not configurations
for case in missing directory binary; do
    rm -f ./*.nc
    case $case in
        missing) target=nothere.ini; words="nothere.ini|cannot open" ;;
        directory) mkdir -p adir.ini; target=adir.ini; words="adir.ini|cannot read" ;;
        binary) printf '\177ELF\002\001\001\000\000\000[grid]\n' > binary.ini; target=binary.ini; words="binary.ini|not a text configuration" ;;
    esac
    "$FRACAGG" run "$target" -q > out.txt 2> err.txt
    code=$?
    msg=$(cat err.txt)
    ok=1
    [ $code -eq 2 ] || ok=0
    old_ifs=$IFS; IFS='|'
    for w in $words; do case "$msg" in *"$w"*) ;; *) ok=0 ;; esac; done
    IFS=$old_ifs
    if ls ./*.nc > /dev/null 2>&1; then ok=0; fi
    if [ $ok -eq 1 ]; then ok "$case file: exit $code: $msg"; else bad "$case file: exit $code: $msg"; fi
done

# bench's integer options: a value beyond int is refused, not wrapped (4294967298 became dim 2)
"$FRACAGG" bench --dim 4294967298 > bench.txt 2>&1
code=$?
check "fracagg bench --dim 4294967298: exit 2, the option named" sh -c "[ $code -eq 2 ] && grep -q -- '--dim: 4294967298 is outside 1 .. 3' bench.txt"

# the README's example configuration, as printed there, runs
sed -n '/^A configuration is an INI file/,/^Examples/p' "$readme" | sed -n 's/^    //p' > readme.ini
check "the README's example configuration runs" sh -c "grep -q '^\[grid\]' readme.ini && '$FRACAGG' run readme.ini -q -o readme.nc --set time.end=0.6"

finish
