#!/bin/sh
# Restart files are input too: files that are not what they claim are refused with exit 2 and
# a message (fracagg run), or summarised without reading past what they hold (fracagg info),
# never a crash, an overflow or a wait. Regressions: a `length` attribute of more than 3
# values was read into a 3-element array (stack overflow), a one-value `dim` attribute or a
# `time` variable of more than one dimension likewise; the record count of the header was
# allocated before anything was read; a FIFO as restart path blocked forever.
# Both layouts are input: version 1 (rho(time, species, ...), no fracagg_layout attribute) and
# version 2 (fracagg_layout = 2: density_<name>(time, ...) per species, the names in the char
# coordinate species(species, name_strlen)); a variable whose dimensions are not the grid's is
# refused, never read into a buffer of another shape.
NCGEN=${NCGEN:-ncgen}
command -v "$NCGEN" > /dev/null 2>&1 || { echo "skip: ncgen not found (Debian: netcdf-bin)"; exit 77; }
fa_test=hostile; . "$(dirname "$0")/testlib.sh"

restart_config() { # restart_config FILE: a 1D run of 16 cells on length 4 from FILE
    printf '[grid]\ndim = 1\ncells = 16\nlength = 4\n[initial.1]\ntype = file\npath = %s\n[time]\nend = 1\n' "$1"
}

# a layout-1 run file as fracagg wrote it, reduced to what a restart reads, with CDL pieces replaced
make_file() { # make_file NAME GLOBAL-ATTRIBUTES [TIME-VARIABLE [TIME-DATA]]
    cat > "$1.cdl" <<EOF
netcdf $1 {
dimensions:
    time = UNLIMITED ; species = 1 ; x = 16 ;
variables:
    ${3:-double time(time) ;}
    double rho(time, species, x) ;
    $2
data:
    rho = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 ;
    ${4-time = 0 ;}
}
EOF
    "$NCGEN" -k classic -o "$1.nc" "$1.cdl" || { echo "hard error: ncgen $1"; exit 99; }
}

# expect_refused NAME WORDS CONFIG-FILE: exit 2 within 30 s, every |-separated word in the message
expect_refused() {
    name=$1 words=$2
    timeout 30 "$FRACAGG" run "$3" -q --overwrite -o out.nc > /dev/null 2> err.txt
    code=$?
    msg=$(cat err.txt)
    ok=1
    [ "$code" -eq 2 ] || ok=0
    old_ifs=$IFS; IFS='|'
    for w in $words; do case "$msg" in *"$w"*) ;; *) ok=0 ;; esac; done
    IFS=$old_ifs
    if [ $ok -eq 1 ]; then ok "$name: exit $code: $msg"
    else bad "$name: exit $code (want 2, words '$words'): $msg"; fi
}

# expect_info NAME FILE: fracagg info ends normally (0) or refuses (2), within 30 s
expect_info() {
    timeout 30 "$FRACAGG" info "$2" > info.txt 2> err.txt
    code=$?
    if [ "$code" -eq 0 ] || [ "$code" -eq 2 ]; then ok "info, $1: exit $code"
    else bad "info, $1: exit $code: $(cat err.txt)"; fi
}

# the reference: a well-formed file restarts
make_file good ':length = 4. ; :dim = 1 ; :cells = 16 ;'
restart_config good.nc > good.ini
if "$FRACAGG" run good.ini -q --overwrite -o out.nc > /dev/null 2> err.txt; then ok "a well-formed file restarts"
else bad "the well-formed file does not restart: $(cat err.txt)"; fi

make_file long_length ':length = 4., 4., 4., 4., 4., 4., 4., 4., 4., 4., 4., 4. ; :dim = 1 ;'
restart_config long_length.nc > long_length.ini
expect_refused "length attribute of 12 values" "long_length.ini:7|length attribute has 12 values" long_length.ini
expect_info "length attribute of 12 values" long_length.nc

make_file short_length ':length = 4., 4. ;'
restart_config short_length.nc > short_length.ini
expect_refused "length attribute of 2 values for 1D" "length attribute has 2 values" short_length.ini

make_file long_dim ':dim = 1, 2, 3, 4, 5, 6, 7, 8 ; :cells = 1, 2, 3, 4, 5, 6, 7, 8 ; :solver_steps = 1., 2., 3., 4. ;'
expect_info "dim, cells, solver_steps attributes of 8 values" long_dim.nc

make_file time_2d ':length = 4. ;' 'double time(time, x) ;' ''
restart_config time_2d.nc > time_2d.ini
expect_refused "time variable over (time, x)" "no time records" time_2d.ini
expect_info "time variable over (time, x)" time_2d.nc

# a header that claims 2^30 records in a file that holds one: nothing is allocated for them
cp good.nc many.nc
printf '\100\000\000\000' | dd of=many.nc bs=1 seek=4 conv=notrunc 2> /dev/null
restart_config many.nc > many.ini
expect_refused "header claiming 2^30 records in a small file" "many.ini:7|truncated|146028888288" many.ini
expect_info "header claiming 2^30 records in a small file" many.nc

mkfifo fifo
restart_config fifo > fifo.ini
expect_refused "a FIFO as restart file" "fifo.ini:7|not a regular file" fifo.ini
restart_config . > dir.ini
expect_refused "a directory as restart file" "dir.ini:7|not a regular file" dir.ini

# the readers of finished runs go through the same opening: verify-hs read a FIFO (it waited
# forever) and sized its buffers by the header's record count
for cmd in "verify-hs fifo --s 4" "verify-hs many.nc --s 4" "w1 fifo good.nc" "w1 many.nc good.nc"; do
    # shellcheck disable=SC2086
    timeout 30 "$FRACAGG" $cmd > /dev/null 2> err.txt
    code=$?
    check "fracagg $cmd: exit 2 with a message, no wait" sh -c "[ $code -eq 2 ] && grep -Eq 'not a regular file|truncated' err.txt"
done

# ---- layout 2 -----------------------------------------------------------------------
ones() { awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) printf "%s1", (i > 1 ? ", " : "") }'; }
# make_file2 NAME DIMENSIONS VARIABLES DATA [LAYOUT]: a layout-2 run file with one record (the
# times $TIMES if set)
make_file2() {
    cat > "$1.cdl" <<EOF
netcdf $1 {
dimensions:
    time = UNLIMITED ; $2
variables:
    double time(time) ;
    $3
    :fracagg_layout = ${5:-2} ;
data:
    time = ${TIMES:-0} ;
    $4
}
EOF
    "$NCGEN" -k 64-bit-offset -o "$1.nc" "$1.cdl" || { echo "hard error: ncgen $1"; exit 99; }
}
g1=':length = 4. ; :dim = 1 ; :cells = 16 ;'
one_species() { # one_species NAME [NAME_STRLEN]: dimensions, variables and data of a 1D file
    d1="x = 16 ; species = 1 ; name_strlen = ${2:-64} ;"
    q=$(printf '%s' "$1" | sed 's/[^A-Za-z0-9_]/\\&/g') # CDL escapes other characters of a name
    v1="char species(species, name_strlen) ; double density_$q(time, x) ; $g1"
    x1="species = \"$1\" ; density_$q = $(ones 16) ;"
}
expect_restarts() { # expect_restarts NAME CONFIG-FILE
    if timeout 30 "$FRACAGG" run "$2" -q --overwrite -o out.nc --set time.end=0.001 > /dev/null 2> err.txt; then ok "$1 restarts"
    else bad "$1 does not restart: $(cat err.txt)"; fi
}
one_species a
make_file2 good2 "$d1" "$v1" "$x1"
restart_config good2.nc > good2.ini
expect_restarts "layout 2: a well-formed file" good2.ini
expect_info "layout 2, well-formed" good2.nc

for v in 3 0 -7; do
    make_file2 layout$v "$d1" "$v1" "$x1" "$v"
    restart_config layout$v.nc > layout$v.ini
    expect_refused "layout version $v" "layout$v.ini:7|layout version $v|reads versions 1 to 2" layout$v.ini
    expect_info "layout version $v" layout$v.nc
done

make_file2 noname "$d1" "char species(species, name_strlen) ; double density_a(time, x) ; $g1" \
    "species = \"b\" ; density_a = $(ones 16) ;"
restart_config noname.nc > noname.ini
expect_refused "layout 2: a species name without its density variable" "noname.ini:7|no variable 'density_b'" noname.ini
expect_info "layout 2: a species name without its density variable" noname.nc

make_file2 many_species "x = 16 ; species = 65 ; name_strlen = 64 ;" "double density_s1(time, x) ; $g1" "density_s1 = $(ones 16) ;"
restart_config many_species.nc > many_species.ini
expect_refused "layout 2: 65 species" "many_species.ini:7|65 species" many_species.ini
expect_info "layout 2: 65 species" many_species.nc

# a name that fills name_strlen (no terminator) is a name; one longer than 64 is not fracagg's
long=$(printf 'n%.0s' $(seq 1 64))
one_species "$long"
make_file2 name64 "$d1" "$v1" "$x1"
restart_config name64.nc > name64.ini
expect_restarts "layout 2: a name of 64 characters (no terminator)" name64.ini
one_species "${long}xxxxxx" 70
make_file2 name70 "$d1" "$v1" "$x1"
restart_config name70.nc > name70.ini
expect_refused "layout 2: a name of 70 characters" "name70.ini:7|no variable 'density_$long'" name70.ini
expect_info "layout 2: a name of 70 characters" name70.nc

# printf conversions in a name read from a file are text, never a format
one_species 'p%s%n%n%s'
make_file2 fmt "$d1" "$v1" "$x1"
restart_config fmt.nc > fmt.ini
timeout 30 "$FRACAGG" run fmt.ini -q --overwrite -o out.nc --set time.end=0.001 > /dev/null 2> err.txt
code=$?
check "layout 2: a name with printf conversions restarts or is refused (exit $code: $(cat err.txt))" \
    sh -c "[ $code -eq 0 ] || { [ $code -eq 2 ] && grep -Fq 'p%s%n%n%s' err.txt; }"
timeout 30 "$FRACAGG" info fmt.nc > info.txt 2> err.txt
code=$?
check "info prints a name with printf conversions as it is, or refuses the file (exit $code)" \
    sh -c "{ [ $code -eq 0 ] && grep -Fq 'p%s%n%n%s' info.txt; } || { [ $code -eq 2 ] && grep -Fq 'p%s%n%n%s' err.txt; }"

# the header claiming 2^30 records, in layout 2
cp good2.nc many2.nc
printf '\100\000\000\000' | dd of=many2.nc bs=1 seek=4 conv=notrunc 2> /dev/null
restart_config many2.nc > many2.ini
expect_refused "layout 2: header claiming 2^30 records" "many2.ini:7|truncated|146028888464" many2.ini
expect_info "layout 2: header claiming 2^30 records" many2.nc

# variables whose dimensions are not the grid's: refused, never read into the grid's buffer
restart2d() { # restart2d FILE CELLS LENGTH: a 2D run from FILE
    printf '[grid]\ndim = 2\ncells = %s\nlength = %s\n[initial.1]\ntype = file\npath = %s\n[time]\nend = 1\n' "$2" "$3" "$1"
}
g2=':length = 4., 1. ; :dim = 2 ; :cells = 16, 4 ;'
d2="y = 4 ; x = 16 ; species = 1 ; name_strlen = 64 ;"
make_file2 good2d "$d2" "char species(species, name_strlen) ; double density_a(time, y, x) ; $g2" \
    "species = \"a\" ; density_a = $(ones 64) ;"
restart2d good2d.nc "16 4" "4 1" > good2d.ini
expect_restarts "layout 2: a well-formed 2D file" good2d.ini
make_file2 fewdims "$d2" "char species(species, name_strlen) ; double density_a(time, x) ; $g2" \
    "species = \"a\" ; density_a = $(ones 16) ;"
restart2d fewdims.nc "16 4" "4 1" > fewdims.ini
expect_refused "layout 2: density_a(time, x) in a file of a 2D grid" "fewdims.ini:7|density_a" fewdims.ini
make_file2 transposed "y = 16 ; x = 16 ; species = 1 ; name_strlen = 64 ;" \
    "char species(species, name_strlen) ; double density_a(time, x, y) ; :length = 4., 4. ; :dim = 2 ; :cells = 16, 16 ;" \
    "species = \"a\" ; density_a = $(ones 256) ;"
restart2d transposed.nc 16 4 > transposed.ini
expect_refused "layout 2: density_a(time, x, y), the axes swapped" "transposed.ini:7|density_a" transposed.ini
for f in fewdims transposed; do
    timeout 30 "$FRACAGG" w1 $f.nc $f.nc > /dev/null 2> err.txt
    code=$?
    check "fracagg w1 on $f.nc: exit 2 naming density_a" sh -c "[ $code -eq 2 ] && grep -q 'density_a' err.txt"
done
# layout 1: rho without its species dimension
make_file nospecies ':length = 4. ; :dim = 1 ; :cells = 16 ;'
sed 's/double rho(time, species, x)/double rho(time, x)/' nospecies.cdl > nospecies1.cdl
"$NCGEN" -k classic -o nospecies.nc nospecies1.cdl || { echo "hard error: ncgen nospecies"; exit 99; }
restart_config nospecies.nc > nospecies.ini
expect_refused "layout 1: rho(time, x), no species dimension" "nospecies.ini:7|rho" nospecies.ini
# verify-hs: hs_norm with species not last (layout 1's order in a layout-2 file) is not read
# as if it were (time, hs, species)
TIMES="0, 1" make_file2 hs_order "x = 16 ; hs = 3 ; species = 2 ; name_strlen = 64 ;" \
    "char species(species, name_strlen) ; double hs(hs) ; double density_a(time, x) ; double density_b(time, x) ;
    double hs_norm(time, species, hs) ; double hs_norm_total(time, hs) ; double hs_top_share(time, species, hs) ; $g1" \
    "species = \"a\", \"b\" ; hs = 0, 1, 2 ; density_a = $(ones 32) ; density_b = $(ones 32) ;
    hs_norm = 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6 ; hs_norm_total = 1, 1, 1, 1, 1, 1 ;
    hs_top_share = 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 ;"
timeout 30 "$FRACAGG" verify-hs hs_order.nc --s 1 --any-s > out.txt 2> err.txt
code=$?
check "verify-hs on hs_norm(time, species, hs) in a layout-2 file: exit 2 naming hs_norm" sh -c \
    "[ $code -eq 2 ] && grep -q 'hs_norm' err.txt"

finish
