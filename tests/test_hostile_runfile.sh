#!/bin/sh
# Restart files are input too: files that are not what they claim are refused with exit 2 and
# a message (fracagg run), or summarised without reading past what they hold (fracagg info),
# never a crash, an overflow or a wait. Regressions: a `length` attribute of more than 3
# values was read into a 3-element array (stack overflow), a one-value `dim` attribute or a
# `time` variable of more than one dimension likewise; the record count of the header was
# allocated before anything was read; a FIFO as restart path blocked forever.
NCGEN=${NCGEN:-ncgen}
command -v "$NCGEN" > /dev/null 2>&1 || { echo "skip: ncgen not found (Debian: netcdf-bin)"; exit 77; }
fa_test=hostile; . "$(dirname "$0")/testlib.sh"

restart_config() { # restart_config FILE: a 1D run of 16 cells on length 4 from FILE
    printf '[grid]\ndim = 1\ncells = 16\nlength = 4\n[initial.1]\ntype = file\npath = %s\n[time]\nend = 1\n' "$1"
}

# a run file as fracagg writes it, reduced to what a restart reads, with CDL pieces replaced
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
    timeout 30 "$FRACAGG" run "$3" -q -o out.nc > /dev/null 2> err.txt
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
if "$FRACAGG" run good.ini -q -o out.nc > /dev/null 2> err.txt; then ok "a well-formed file restarts"
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
expect_refused "header claiming 2^30 records in a small file" "many.ini:7|claims 1073741824 records" many.ini
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
    check "fracagg $cmd: exit 2 with a message, no wait" sh -c "[ $code -eq 2 ] && grep -Eq 'not a regular file|claims 1073741824 records' err.txt"
done

finish
