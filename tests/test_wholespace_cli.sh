#!/bin/sh
# The whole space from the command line: the attractive ball stops before its collapse with
# exit 3 and a message, its file complete and finite; a run reaching the box edge stops the
# same way and says what box it needs; particles that leave the box too; a growing kernel is
# refused on the periodic box; a free run file is continued, restarted, compared (W1 with the
# Euclidean cost) and summarised, and cannot be continued as a periodic one.
fa_test=wholespace; . "$(dirname "$0")/testlib.sh"

cat > attract.ini <<'INI'
[grid]
dim = 2
cells = 48
length = 2
boundary = free
[kernel.1.1]
type = newtonian
strength = -1
[initial.1]
type = plateau
value = 1
radius = 0.5
[time]
end = 1.5
outputs = 15
INI
"$FRACAGG" run attract.ini -q -o attract.nc 2> attract.txt
code=$?
check "attractive ball: exit 3 with the collapse named" sh -c "[ $code -eq 3 ] && grep -q 'collapsed below the grid' attract.txt"
check "attractive ball: the records before t* = 1 are kept, the file says why it stopped" sh -c \
    "'$FRACAGG' info attract.nc > info.txt && grep -q 'records:   10, t = 0 .. 0.9' info.txt && grep -q 'status:    stopped' info.txt"
if command -v "$NCDUMP" > /dev/null 2>&1; then
    check "attractive ball: no NaN or Inf in any record" sh -c "! '$NCDUMP' -v density_s1 attract.nc | grep -qi 'nan\|inf'"
fi

cat > spread.ini <<'INI'
[grid]
dim = 2
cells = 32
length = 2
boundary = free
[kernel.1.1]
type = newtonian
strength = 1
[initial.1]
type = plateau
value = 1
radius = 0.4
[time]
end = 3
outputs = 6
INI
"$FRACAGG" run spread.ini -q -o spread.nc 2> spread.txt
code=$?
check "box edge: exit 3, the time, the species and the length needed" sh -c \
    "[ $code -eq 3 ] && grep -q 'species 1 (s1) reached the edge of the box at t = ' spread.txt && grep -q 'enlarge \[grid\] length to at least about' spread.txt"
kept=$(sed -n 's/^fracagg: \([0-9]*\) records up to t = \([0-9.]*\) are kept.*/\1, t = 0 .. \2/p' spread.txt)
check "box edge: the file is complete up to its last good record ($kept), its mass exact" sh -c \
    "[ -n '$kept' ] && '$FRACAGG' info spread.nc > info2.txt && grep -q 'status:    stopped (the solution left the box)' info2.txt && grep -q 'records:   $kept' info2.txt && grep -Eq 'relative change (0.00e\+00|-?[0-9.]+e-1[5-9])' info2.txt"
"$FRACAGG" run spread.ini -q -o spread_ok.nc --set grid.length=6 --set grid.cells=48 --set time.end=1 2> /dev/null
check "box edge: the same run in a box of the length asked for completes" test $? -eq 0

"$FRACAGG" kinetic spread.ini -q -o kin.nc --set kinetic.model=particles --set kinetic.particles=2000 \
    --set kinetic.epsilon=0.5 --set kinetic.drift=3 2> kin.txt
code=$?
check "particles that leave the box stop the kinetic run (exit 3)" sh -c "[ $code -eq 3 ] && grep -q 'left the box' kin.txt"

sed 's/boundary = free/boundary = periodic/; s/type = newtonian/type = power\nexponent = 2/' spread.ini > periodic.ini
"$FRACAGG" run periodic.ini -q -o p.nc 2> p.txt
code=$?
check "a growing power law on the periodic box: exit 2, pointing at boundary = free" sh -c \
    "[ $code -eq 2 ] && grep -q 'boundary = free' p.txt"

# a whole-space run file: continued, restarted, compared, summarised
sed 's/end = 1.5/end = 0.6/; s/outputs = 15/outputs = 6/' attract.ini > free.ini
"$FRACAGG" run free.ini -q -o free.nc --set time.end=0.3 --set time.outputs=3
check "continue a free run to the end" "$FRACAGG" run --continue free.nc -q --set time.end=0.6 --set time.outputs=6
check "info names the boundary" sh -c "'$FRACAGG' info free.nc | grep -q 'free (the whole space)'"
"$FRACAGG" run --continue free.nc -q --set time.end=0.8 --set grid.boundary=periodic 2> switch.txt
code=$?
check "a continuation cannot switch to the periodic box (exit 2)" sh -c "[ $code -eq 2 ] && grep -q 'cannot change its boundary' switch.txt"
"$FRACAGG" run free.ini -q -o whole.nc
check "the continued file equals the uninterrupted run (W1 = 0 to the solver's tolerance)" sh -c \
    "'$FRACAGG' w1 whole.nc free.nc > w1.txt && awk '/^total/ { exit !(\$4 + 0 < 1e-5) }' w1.txt"
cat > restart.ini <<'INI'
[grid]
dim = 2
cells = 48
length = 2
boundary = free
[kernel.1.1]
type = newtonian
strength = -1
[initial.1]
type = file
path = whole.nc
time = 0.3
[time]
start = 0.3
end = 0.6
outputs = 3
INI
check "restart a free run from its record (type = file)" "$FRACAGG" run restart.ini -q -o restart.nc
check "the restart's file starts after the record it continues (no repeated time)" sh -c \
    "'$FRACAGG' info restart.nc | grep -q 'records:   3, t = 0.4 .. 0.6'"
sed 's/boundary = free/boundary = periodic/' restart.ini > restart_p.ini
"$FRACAGG" run restart_p.ini -q -o restart_p.nc 2> rp.txt
code=$?
check "a periodic run cannot restart from a free run's file (exit 2)" sh -c "[ $code -eq 2 ] && grep -q 'cannot change its boundary' rp.txt"
finish
