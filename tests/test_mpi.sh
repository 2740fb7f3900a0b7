#!/bin/sh
# Distributed runs: `mpirun -np 2` against a serial run of the same configuration
# (SSP-RK3: the same arithmetic up to the order of FFT sums, max relative difference <= 1e-10;
# BDF: within the solver tolerance), periodic and free boxes (the whole space, with a growing
# kernel), restarts across rank counts (2 -> 1 and 1 -> 2), the kinetic moment model, and the
# clear refusals (1D, particles). Skipped without MPI.
CHECK_TAIL=3 fa_test=mpi; . "$(dirname "$0")/testlib.sh"
MPIRUN=${MPIRUN:-mpirun}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
"$FRACAGG" --version | grep -q "(MPI)" || { echo "skip: this build has no MPI"; exit 77; }
command -v "$MPIRUN" > /dev/null 2>&1 || { echo "skip: no mpirun"; exit 77; }
[ -n "$PY" ] && "$PY" -c 'import netCDF4, numpy' 2> /dev/null || { echo "skip: no Python with netCDF4"; exit 77; }
mpi() { "$MPIRUN" -np 2 "$FRACAGG" "$@"; }
# compare A B TOL VAR...: max relative difference of the variables over all records; a VAR
# with * is a pattern (density_* = every species' density) that must match in A, and B must
# hold exactly the same variables
compare() {
    a=$1 b=$2 tol=$3; shift 3
    "$PY" - "$a" "$b" "$tol" "$@" <<'PYEOF'
import fnmatch, sys, netCDF4, numpy as np
a, b, tol = netCDF4.Dataset(sys.argv[1]), netCDF4.Dataset(sys.argv[2]), float(sys.argv[3])
ok = True
for pat in sys.argv[4:]:
    names = sorted(v for v in a.variables if fnmatch.fnmatchcase(v, pat))
    assert names, (pat, "matches no variable of", sys.argv[1])
    assert names == sorted(v for v in b.variables if fnmatch.fnmatchcase(v, pat)), (pat, list(b.variables))
    for v in names:
        x, y = np.asarray(a[v][:]), np.asarray(b[v][:])
        assert x.shape == y.shape, (v, x.shape, y.shape)
        rel = float(np.abs(x - y).max() / max(np.abs(x).max(), 1e-300))
        print("%-22s %-22s max relative difference %.2e (<= %.0e)" % (v, str(x.shape), rel, tol))
        ok = ok and rel <= tol
sys.exit(0 if ok else 1)
PYEOF
}

cat > two.ini <<'INI'
[grid]
dim = 2
cells = 48 32
length = 12 8
[species]
count = 2
[kernel.1.1]
type = riesz
strength = 1
alpha = 1
[kernel.2.2]
type = riesz
strength = 0.5
alpha = 1.5
[kernel.1.2]
type = gaussian
strength = -1
length = 2
[kernel.2.1]
type = gaussian
strength = -1
length = 2
[initial.1]
type = gaussian
mass = 1
width = 0.8
center = -1.5 0.5
[initial.2]
type = plateau
value = 0.5
radius = 1
center = 1.5 -0.5
[time]
end = 0.5
outputs = 4
[solver]
rtol = 1e-8
atol = 1e-14
INI
cat > three.ini <<'INI'
[grid]
dim = 3
cells = 16 16 20
length = 4 4 5
[kernel.1.1]
type = riesz
strength = 1
alpha = 1
[initial.1]
type = plateau
value = 1
radius = 0.8
background = 0.1
[time]
end = 0.05
outputs = 2
INI

# SSP-RK3: the same sequence of steps; only the distributed FFT's summation order differs
for cfg in two three; do
    "$FRACAGG" run $cfg.ini -q -o ${cfg}_s.nc --set solver.method=ssprk3
    mpi run $cfg.ini -q -o ${cfg}_m.nc --set solver.method=ssprk3
    check "$cfg.ini, SSP-RK3: np 2 equals serial" compare ${cfg}_s.nc ${cfg}_m.nc 1e-10 'density_*' mass energy hs_norm
done
# the whole space (boundary = free): the distributed zero-padded transforms, ghost planes of
# vacuum at the box's faces, the edge and collapse monitors reduced over the ranks; a growing
# kernel (|x|^2/2 attraction with Newtonian repulsion) that only the free box allows
# (two.ini's support reaches its box's edge at t = 0.28; three.ini's plateau sits on a background)
for cfg in "two --set time.end=0.25" "three --set initial.1.background=0"; do
    set -- $cfg; cfg=$1; shift
    "$FRACAGG" run $cfg.ini -q -o ${cfg}_fs.nc --set solver.method=ssprk3 --set grid.boundary=free "$@"
    mpi run $cfg.ini -q -o ${cfg}_fm.nc --set solver.method=ssprk3 --set grid.boundary=free "$@"
    check "$cfg.ini, free box, SSP-RK3: np 2 equals serial" compare ${cfg}_fs.nc ${cfg}_fm.nc 1e-10 'density_*' mass energy hs_norm
done
cat > swarm.ini <<'INI'
[grid]
dim = 2
cells = 40 48
length = 6 7.2
boundary = free
[kernel.1.1]
type = power
strength = 1
exponent = 2
[kernel.1.1.2]
type = newtonian
strength = 1
[initial.1]
type = gaussian
mass = 1
width = 0.4
center = 0.2 -0.1
[time]
end = 0.3
outputs = 3
INI
"$FRACAGG" run swarm.ini -q -o swarm_s.nc --set solver.method=ssprk3
mpi run swarm.ini -q -o swarm_m.nc --set solver.method=ssprk3
check "|x|^2/2 + Newtonian repulsion, free box, SSP-RK3: np 2 equals serial" compare swarm_s.nc swarm_m.nc 1e-10 'density_*' mass energy
"$FRACAGG" run swarm.ini -q -o swarm_bs.nc --set solver.rtol=1e-8 --set solver.atol=1e-14
mpi run swarm.ini -q -o swarm_bm.nc --set solver.rtol=1e-8 --set solver.atol=1e-14
check "|x|^2/2 + Newtonian repulsion, free box, BDF: np 2 within the solver tolerance" compare swarm_bs.nc swarm_bm.nc 1e-7 'density_*' mass energy

# BDF: CVODE's adaptive steps amplify the rounding differences, bounded by the tolerance
"$FRACAGG" run two.ini -q -o bdf_s.nc
mpi run two.ini -q -o bdf_m.nc
check "two.ini, BDF (rtol 1e-8): np 2 within the solver tolerance" compare bdf_s.nc bdf_m.nc 1e-7 'density_*' mass energy
# the state in SUNDIALS' NVECTOR_PARALLEL instead of fracagg's vector: the same algorithm
mpi run two.ini -q -o bdf_mp.nc --set solver.nvector=sundials
check "two.ini, BDF with NVECTOR_PARALLEL: np 2 within the solver tolerance" compare bdf_s.nc bdf_mp.nc 1e-7 'density_*' mass energy

# restarts across rank counts, against the uninterrupted serial run
mpi run two.ini -q -o half21.nc --set time.end=0.25 --set time.outputs=2 --set solver.method=ssprk3
"$FRACAGG" run --continue half21.nc -q --set time.end=0.5 --set time.outputs=4
check "written with 2 ranks, continued with 1" compare two_s.nc half21.nc 1e-10 'density_*' mass
"$FRACAGG" run two.ini -q -o half12.nc --set time.end=0.25 --set time.outputs=2 --set solver.method=ssprk3
mpi run --continue half12.nc -q --set time.end=0.5 --set time.outputs=4
check "written with 1 rank, continued with 2" compare two_s.nc half12.nc 1e-10 'density_*' mass

# the kinetic moment model distributes too (its W1 is computed on rank 0)
cat >> two.ini <<'INI'
[kinetic]
epsilon = 0.02
INI
"$FRACAGG" kinetic two.ini -q -o kin_s.nc --set time.end=0.1 --set solver.rtol=1e-9
mpi kinetic two.ini -q -o kin_m.nc --set time.end=0.1 --set solver.rtol=1e-9
check "kinetic moment model: np 2 within the solver tolerance" compare kin_s.nc kin_m.nc 1e-7 'density_*' 'kinetic_density_*' 'kinetic_momentum_*' w1 modulated_energy
"$FRACAGG" kinetic two.ini -q -o kinf_s.nc --set time.end=0.1 --set solver.rtol=1e-9 --set grid.boundary=free
mpi kinetic two.ini -q -o kinf_m.nc --set time.end=0.1 --set solver.rtol=1e-9 --set grid.boundary=free
check "kinetic moment model, free box: np 2 within the solver tolerance" compare kinf_s.nc kinf_m.nc 1e-7 'density_*' 'kinetic_density_*' 'kinetic_momentum_*' w1 modulated_energy
# a kinetic run stopped serially, continued on two ranks (each reads its slab of the kinetic state)
"$FRACAGG" kinetic two.ini -q -o kinc.nc --set time.end=0.05 --set time.outputs=2 --set solver.rtol=1e-9
mpi kinetic --continue kinc.nc -q --set time.end=0.1 --set time.outputs=4
check "kinetic --continue on np 2 of a serial kinetic file: within the solver tolerance" compare kin_s.nc kinc.nc 1e-6 'density_*' 'kinetic_density_*' 'kinetic_momentum_*'

# what does not distribute says so
cat > one.ini <<'INI'
[grid]
dim = 1
cells = 64
length = 8
[kernel.1.1]
type = riesz
strength = 1
alpha = 0.5
[initial.1]
type = gaussian
mass = 1
width = 1
[time]
end = 0.1
INI
mpi run one.ini -q -o one.nc > one.txt 2>&1
code=$?
check "1D under mpirun: a clear refusal" sh -c "[ $code -ne 0 ] && grep -q '1D grids run on one process' one.txt"
mpi kinetic two.ini -q -o p.nc --set kinetic.model=particles > p.txt 2>&1
code=$?
check "particles under mpirun: a clear refusal" sh -c "[ $code -eq 2 ] && grep -q 'particle model does not run on a distributed grid' p.txt"
finish
