#!/bin/sh
# Scripted verification of the H^s growth bound (Lemma 4.6 of Choi-Fagioli-Iorio):
#
#   for s > d/2 + 3 and -2 <= alpha_i - d <= 0,  d/dt ||rho||_{H^s} <= C ||rho||_{H^s}^2
#   with one C (depending on d, s and the kernels, not on the data), hence
#   y(t) <= y0/(1 - C t y0) while C t y0 < 1, and y <= 4 y0 up to T* = 3/(4 C y0).
#
# A constant fitted to a run always "passes" on that run, so the procedure is in two steps,
# per dimension (d = 1 with s = 4 > 3.5, d = 2 with s = 5 > 4):
#   1. calibrate: C = the largest C_emp = max_t (1/y0 - 1/y(t))/t over a set of smooth
#      two-species runs that spans the kernel family (Riesz self-repulsion 0.1 |x|^-alpha at both
#      ends of the alpha range, Gaussian and Morse cross-attraction) and the data that grow
#      fastest in our measurements (cosine modes of high contrast delta/mean = 0.9 at the lowest
#      wavenumber), plus the discretisation error of that maximum, estimated from the same runs
#      on half the cells (Richardson, second order: C = C_h + max(0, C_h - C_2h)/3);
#   2. check every other run against that C with `fracagg verify-hs --C C --strict`: larger
#      amplitudes (the whole state scaled by 2 and 4), other profiles (Gaussians, mixed,
#      other wavenumbers and contrasts), alpha inside the calibrated range and mixed, a grid twice
#      as fine. --strict makes an unresolved run (top-third share of the squared H^s norm above
#      1e-3) fail as well.
# Controls show that the procedure can fail: the calibration's own maximum lowered by 0.1 % is
# violated; a limited-MUSCL run of the same data trips the resolution warning; in 1D a Riesz
# exponent below the calibrated range (weaker self-repulsion) exceeds C, as the lemma allows
# (C depends on the kernels).
#
# Discretisation: box [-pi, pi)^d, the central scheme (fourth-order face values, central flux,
# no limiter: the only scheme here whose H^4/H^5 norms converge, doc/manual.md section 2 and
# doc/theory/hs-check.md section 8), CVODE
# BDF at rtol 1e-10. Every run ends before its aggregate reaches the grid scale.
#
# What it prints: a table per dimension (C_emp against amplitude and against the other data,
# C_emp/C, max y/y0, top-third share, pass/fail) and a summary; exit 0 when every check holds
# and every control behaves, 1 otherwise. What it does not prove: see doc/manual.md section 6.1
# and doc/theory/hs-check.md section 5 (a finite set of runs bounds nothing beyond itself; the lemma's C exists for each kernel set,
# these numbers only show that one C served all the data tried).
#
#   sh examples/verify_hs.sh [--quick] [--plot] [--keep DIR]
#     --quick  the 1D part only (what `make check` runs)
#     --plot   draw y/y0 against the bounds (examples/plot_hs_growth.py; needs xarray, matplotlib)
#     --keep   keep the run files in DIR (default: a temporary directory, removed at the end)
# Environment: FRACAGG (the command; default: the build tree's, else `fracagg` on PATH),
# PYTHON_SCI (a Python with xarray and matplotlib, for --plot).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
if [ -z "${FRACAGG:-}" ]; then
    if [ -x "$top/src/cli/fracagg" ]; then FRACAGG=$top/src/cli/fracagg; else FRACAGG=fracagg; fi
fi
quick=0 plot=0 keep=
while [ $# -gt 0 ]; do
    case $1 in
    --quick) quick=1 ;;
    --plot) plot=1 ;;
    --keep) shift; keep=${1:?--keep needs a directory} ;;
    *) echo "usage: $0 [--quick] [--plot] [--keep DIR]" >&2; exit 2 ;;
    esac
    shift
done
if [ -n "$keep" ]; then
    mkdir -p "$keep" || exit 2
    work=$(cd "$keep" && pwd)
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/verify-hs.XXXXXX") || exit 2
    trap 'rm -rf "$work"' EXIT
fi
export HDF5_USE_FILE_LOCKING=FALSE
start=$(date +%s)
failures=0
note_failure() { failures=$((failures + 1)); echo "FAILED: $*"; }

# ---- configurations ------------------------------------------------------------------
# profile spec: mode:MEAN:DELTA:M (M = "1" or "1 0")  or  gauss:MASS:WIDTH:CENTER
profile() {
    old_ifs=$IFS; IFS=:
    set -- $1
    IFS=$old_ifs
    case $1 in
    mode) printf 'type = mode\nmean = %s\namplitude = %s\nwavenumber = %s\n' "$2" "$3" "$4" ;;
    gauss) printf 'type = gaussian\nmass = %s\nwidth = %s\ncenter = %s\n' "$2" "$3" "$4" ;;
    esac
}
label() { # short description of a profile spec
    old_ifs=$IFS; IFS=:
    set -- $1
    IFS=$old_ifs
    case $1 in
    mode) echo "mode($4) $2+-$3" ;;
    gauss) echo "gauss M$2 w$3" ;;
    esac
}
cross_kernel() {
    case $1 in
    gaussian) printf 'type = gaussian\nstrength = -1\nlength = 1\n' ;;
    morse) printf 'type = morse\nattraction = 1\nattraction_length = 1\nrepulsion = 0.5\nrepulsion_length = 0.3\n' ;;
    esac
}
# write_ini FILE DIM CELLS A1 A2 CROSS P1 P2 T SCHEME HS
write_ini() {
    {
        printf '[grid]\ndim = %s\ncells = %s\nlength = 6.283185307179586\n' "$2" "$3"
        printf '[species]\ncount = 2\n'
        printf '[kernel.1.1]\ntype = riesz\nstrength = 0.1\nalpha = %s\n' "$4"
        printf '[kernel.2.2]\ntype = riesz\nstrength = 0.1\nalpha = %s\n' "$5"
        printf '[kernel.1.2]\n'; cross_kernel "$6"
        printf '[kernel.2.1]\n'; cross_kernel "$6"
        printf '[initial.1]\n'; profile "$7"
        printf '[initial.2]\n'; profile "$8"
        printf '[time]\nend = %s\noutputs = 100\n' "$9"
        printf '[solver]\nmethod = ssprk3\nscheme = %s\n' "${10}"
        printf '[output]\nhs = 0 %s\n' "${11}"
    } > "$1"
}

# runs one case; prints the run file name
run_case() { # ID DIM CELLS A1 A2 CROSS P1 P2 T [SCHEME]
    f=$work/$1
    write_ini "$f.ini" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" "${10:-central}" "$S"
    if ! "$FRACAGG" run "$f.ini" -q --overwrite -o "$f.nc" 2> "$f.err"; then
        note_failure "run $1 failed: $(cat "$f.err")"
    fi
}

# ---- one dimension -------------------------------------------------------------------
# Case table: ID|ROLE|CELLS|ALPHA1|ALPHA2|CROSS|PROFILE1|PROFILE2|END|AMPLITUDE (scale factor)
# ROLE: cal (calibration; also run on half the cells), chk (checked against C),
#       ctl-range (control: outside the calibrated alpha range, must exceed C).
verify_dim() { # DIM S CASEFILE
    D=$1 S=$2 cases=$3
    echo
    echo "==== ${D}D, s = $S (Lemma 4.6 needs s > $(awk "BEGIN{print $D/2 + 3}")) ===="
    cal= calc= chk= ctl=
    : > "$work/cases$D"
    while IFS='|' read -r id role cells a1 a2 cross p1 p2 T amp; do
        case $id in '' | '#'*) continue ;; esac
        run_case "$id" "$D" "$cells" "$a1" "$a2" "$cross" "$p1" "$p2" "$T"
        echo "$id|$role|$cells|$a1|$a2|$cross|$p1|$p2|$T|$amp" >> "$work/cases$D"
        case $role in
        cal)
            cal="$cal $work/$id.nc"
            half=$(echo "$cells" | awk '{for (i = 1; i <= NF; i++) $i = $i / 2; print}')
            run_case "${id}_coarse" "$D" "$half" "$a1" "$a2" "$cross" "$p1" "$p2" "$T"
            calc="$calc $work/${id}_coarse.nc"
            echo "${id}_coarse|cal/2|$half|$a1|$a2|$cross|$p1|$p2|$T|" >> "$work/cases$D" ;;
        chk) chk="$chk $work/$id.nc" ;;
        ctl-range) ctl="$ctl $work/$id.nc" ;;
        esac
    done < "$cases"
    # calibration on the base grid and on half the cells
    "$FRACAGG" verify-hs $cal --s "$S" --strict --calibrate > "$work/cal$D.txt" 2>&1 ||
        note_failure "${D}D calibration: verify-hs --strict --calibrate failed: $(grep -E 'warning|fracagg' "$work/cal$D.txt")"
    Cb=$(tail -n 1 "$work/cal$D.txt" | awk '$1 == "--C" {print $2}')
    Cc=$("$FRACAGG" verify-hs $calc --s "$S" --calibrate 2> "$work/cal.err" | tail -n 1 | awk '$1 == "--C" {print $2}')
    if [ -z "$Cb" ] || [ -z "$Cc" ]; then
        note_failure "${D}D calibration: no constant: $(cat "$work/cal.err")"
        return
    fi
    C=$(awk -v b="$Cb" -v c="$Cc" 'BEGIN { e = b - c; if (e < 0) e = 0; printf "%.10g", b + e / 3 }')
    # the coarse runs only estimate the error; they must be resolved too
    "$FRACAGG" verify-hs $calc --s "$S" --strict --tsv > "$work/coarse$D.tsv" 2>&1 ||
        note_failure "${D}D calibration on half the cells: not resolved or bad input ($(grep -c '	1$' "$work/coarse$D.tsv") series above the share limit)"
    echo "calibration: largest C_emp $Cb on the base grids, $Cc on half the cells;"
    echo "             C = $C (with the estimated discretisation error of the maximum)"
    # the check: calibration runs (hold by construction) and the check set, --strict
    "$FRACAGG" verify-hs $cal $chk --s "$S" --C "$C" --strict --tsv > "$work/check$D.tsv" 2> "$work/check.err"
    code=$?
    [ $code -le 1 ] || note_failure "${D}D check: verify-hs exit $code: $(cat "$work/check.err")"
    [ $code -eq 0 ] || note_failure "${D}D check: verify-hs --C $C --strict exit $code (a bound is violated or a run is not resolved)"
    # control: out of the calibrated kernel range
    if [ -n "$ctl" ]; then
        "$FRACAGG" verify-hs $ctl --s "$S" --C "$C" --tsv > "$work/ctl$D.tsv" 2>&1
        code=$?
        [ $code -eq 1 ] || note_failure "${D}D control: a run outside the calibrated alpha range should exceed C (exit $code, expected 1)"
    else
        : > "$work/ctl$D.tsv"
    fi
    # control: the calibration's own maximum lowered by 0.1 % must be violated
    Clow=$(awk -v b="$Cb" 'BEGIN { printf "%.10g", b * 0.999 }')
    "$FRACAGG" verify-hs $cal --s "$S" --C "$Clow" > "$work/sharp$D.txt" 2>&1
    code=$?
    sharp=$(sed -n 's/.*first: //p' "$work/sharp$D.txt")
    if [ $code -eq 1 ]; then echo "control: C_emp lowered by 0.1 % (C = $Clow) is violated, exit 1: $sharp"
    else note_failure "${D}D control: C = $Clow below the calibration's maximum was not violated (exit $code)"; fi
    # control: the first calibration case with the limited MUSCL scheme trips the resolution check
    first=$(awk -F'|' '$2 == "cal" {print; exit}' "$work/cases$D")
    old_ifs=$IFS; IFS='|'
    set -- $first
    IFS=$old_ifs
    fid=$1
    run_case "${fid}_muscl" "$D" "$3" "$4" "$5" "$6" "$7" "$8" "$9" muscl
    "$FRACAGG" verify-hs "$work/${fid}_muscl.nc" --s "$S" --C "$C" --strict > "$work/muscl$D.txt" 2>&1
    code=$?
    share=$(awk '$1 == "combined" {print $7}' "$work/muscl$D.txt")
    cemp=$(awk '$1 == "combined" {print $3}' "$work/muscl$D.txt")
    if [ $code -eq 1 ] && grep -q "not resolved" "$work/muscl$D.txt"; then
        echo "control: $fid with limited MUSCL (van Albada): top-third share $share, C_emp $cemp: resolution warning, exit 1"
    else
        note_failure "${D}D control: the limited-MUSCL run did not trip the resolution check (exit $code)"
    fi

    # the table
    echo
    printf '%-15s %-9s %-7s %-9s %-8s %-18s %-18s %4s %6s %10s %10s %7s %8s %9s %9s  %s\n' \
        case role cells alpha cross "profile 1" "profile 2" amp end y0 C_emp "at t" C_emp/C "max y/y0" share result
    cat "$work/check$D.tsv" "$work/coarse$D.tsv" "$work/ctl$D.tsv" | awk -F'\t' -v C="$C" -v cases="$work/cases$D" '
        BEGIN { while ((getline line < cases) > 0) { split(line, f, "|"); row[f[1]] = line } }
        $2 == "combined" {
            n = split($1, p, "/"); id = p[n]; sub(/\.nc$/, "", id)
            split(row[id], f, "|")
            res = $15 == "holds" ? "pass" : ("FAIL (" $15 " at t=" $16 ")")
            if (f[2] == "cal") res = "pass (calibration)"
            if (f[2] == "cal/2") res = "error estimate only"
            if (f[2] == "ctl-range") res = $15 == "holds" ? "control FAILED: within C" : "exceeds C (control, expected)"
            if ($21 == 1) res = res ", NOT RESOLVED"
            printf "%-15s %-9s %-7s %-9s %-8s %-18s %-18s %4s %6.4g %10.4e %10.6f %7.4g %8.4f %9.4g %9.2e  %s\n", \
                id, f[2], f[3], f[4] "/" f[5], f[6], lab(f[7]), lab(f[8]), f[10], f[9], $6, $7, $8, $7 / C, $10, $12, res
        }
        function lab(s,   q) { split(s, q, ":"); return q[1] == "mode" ? "mode(" q[4] ") " q[2] "+-" q[3] : "gauss M" q[2] " w" q[3] }'
    echo "(share: the largest share of the squared H^$S norm in the top third of the wavenumbers over the run;"
    echo " amp: the factor the whole state is scaled by, against the calibration case it is a multiple of)"
    # C_emp against amplitude
    echo
    echo "C_emp against amplitude (the whole state scaled by amp, the run ended at end/amp):"
    awk -F'\t' -v cases="$work/cases$D" '
        BEGIN { while ((getline line < cases) > 0) { split(line, f, "|"); if (f[10] != "") { m++; k[m] = f[1]; amp[f[1]] = f[10] } } }
        $2 == "combined" { n = split($1, p, "/"); id = p[n]; sub(/\.nc$/, "", id); c[id] = $7; y0[id] = $6 }
        END {
            for (i = 1; i <= m; i++) if (amp[k[i]] == 1) b = k[i]
            for (i = 1; i <= m; i++)
                printf "  %-10s amp %-3s y0 %10.4e   C_emp %.9f   relative to amp 1: %+.1e\n", k[i], amp[k[i]], y0[k[i]], c[k[i]], c[k[i]] / c[b] - 1
        }' "$work/check$D.tsv"
    if [ $plot -eq 1 ]; then
        py=${PYTHON_SCI:-/usr/bin/python3}
        "$py" "$here/plot_hs_growth.py" $cal $chk --s "$S" --C "$C" --out "verify_hs_${D}d.png" > /dev/null &&
            echo "plot: verify_hs_${D}d.png"
    fi
}

# ---- the cases -----------------------------------------------------------------------
# 1D, s = 4, base 128 cells (calibration also at 64), alpha in [0.1, 0.9] (the range is (0, 1)).
# Ends: before the top-third share reaches 3e-4 on the coarser grid (measured).
cat > "$work/cases1.txt" << 'EOF'
# id     |role     |cells|a1  |a2  |cross   |profile 1       |profile 2       |end  |amp
c1_d05   |cal      |256  |0.1 |0.1 |gaussian|mode:1:0.5:1    |mode:1:0.5:1    |0.5  |1
c1_d09   |cal      |256  |0.1 |0.1 |gaussian|mode:1:0.9:1    |mode:1:0.9:1    |0.3  |
c1_a09   |cal      |256  |0.9 |0.9 |gaussian|mode:1:0.9:1    |mode:1:0.9:1    |0.5  |
c1_morse |cal      |256  |0.1 |0.1 |morse   |mode:1:0.9:1    |mode:1:0.9:1    |0.5  |
c1_d05_x3|chk      |256  |0.1 |0.1 |gaussian|mode:3:1.5:1    |mode:3:1.5:1    |0.1666666666666667|3
c1_d05_x10|chk     |256  |0.1 |0.1 |gaussian|mode:10:5:1     |mode:10:5:1     |0.05 |10
c1_gauss |chk      |256  |0.1 |0.1 |gaussian|gauss:3:1:-1    |gauss:3:1:1     |0.6  |
c1_mixed |chk      |256  |0.1 |0.1 |gaussian|mode:1:1.0:1    |gauss:6:1:0     |0.3  |
c1_m2    |chk      |256  |0.1 |0.1 |gaussian|mode:1:0.9:2    |mode:1:0.9:2    |0.3  |
c1_d10_07|chk      |256  |0.1 |0.1 |gaussian|mode:1:1.0:1    |mode:1:0.7:1    |0.3  |
c1_a05   |chk      |256  |0.5 |0.5 |gaussian|mode:1:0.9:1    |mode:1:0.9:1    |0.5  |
c1_amix  |chk      |256  |0.1 |0.9 |gaussian|mode:1:0.9:1    |mode:1:0.9:1    |0.5  |
c1_fine  |chk      |512  |0.1 |0.1 |gaussian|mode:1:0.9:1    |mode:1:0.9:1    |0.3  |
c1_a005  |ctl-range|256  |0.05|0.05|gaussian|mode:1:0.9:1    |mode:1:0.9:1    |0.3  |
EOF
sed 's/ *| */|/g; s/ *$//' "$work/cases1.txt" > "$work/c1"
verify_dim 1 4 "$work/c1"

if [ $quick -eq 0 ]; then
# 2D, s = 5, base 128^2 (calibration also at 64^2), alpha in [0.2, 1.8] (the range is (0, 2)).
cat > "$work/cases2.txt" << 'EOF'
# id     |role|cells|a1  |a2  |cross   |profile 1         |profile 2         |end  |amp
c2_a02   |cal |128  |0.2 |0.2 |gaussian|mode:1:0.9:1 0    |mode:1:0.9:0 1    |0.2  |1
c2_a18   |cal |128  |1.8 |1.8 |gaussian|mode:1:0.9:1 0    |mode:1:0.9:0 1    |0.065 |
c2_morse |cal |128  |0.2 |0.2 |morse   |mode:1:0.9:1 0    |mode:1:0.9:0 1    |0.3  |
c2_para  |cal |128  |0.2 |0.2 |gaussian|mode:1:0.9:1 0    |mode:1:0.9:1 0    |0.15 |
c2_a02_x3|chk |128  |0.2 |0.2 |gaussian|mode:3:2.7:1 0    |mode:3:2.7:0 1    |0.06666666666666667|3
c2_a02_x10|chk |128  |0.2 |0.2 |gaussian|mode:10:9:1 0     |mode:10:9:0 1     |0.02 |10
c2_gauss |chk |128  |0.2 |0.2 |gaussian|gauss:6:1:-0.5 0  |gauss:6:1:0.5 0.3 |0.3  |
c2_diag  |chk |128  |0.2 |0.2 |gaussian|mode:1:0.9:1 1    |mode:1:0.9:1 1    |0.15 |
c2_a10   |chk |128  |1.0 |1.0 |gaussian|mode:1:0.9:1 0    |mode:1:0.9:0 1    |0.3  |
c2_amix  |chk |128  |0.2 |1.8 |gaussian|mode:1:0.9:1 0    |mode:1:0.9:0 1    |0.2  |
c2_fine  |chk |256  |1.8 |1.8 |gaussian|mode:1:0.9:1 0    |mode:1:0.9:0 1    |0.065 |
EOF
sed 's/ *| */|/g; s/ *$//' "$work/cases2.txt" > "$work/c2"
verify_dim 2 5 "$work/c2"
fi

echo
elapsed=$(( $(date +%s) - start ))
if [ $failures -eq 0 ]; then
    echo "verify_hs: all checks hold and every control behaves (${elapsed} s)"
    exit 0
fi
echo "verify_hs: $failures failure(s) (${elapsed} s)"
exit 1
