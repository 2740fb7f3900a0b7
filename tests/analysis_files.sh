# Small files of every kind fracagg writes, for the tests of the analysis tools
# (test_cdo_nco.sh, test_paraview.sh, test_xarray.sh, test_cf_attrs.sh, test_compress.sh).
# Sourced after testlib.sh; make_analysis_files writes into the current directory:
#   run1d.nc    1D run, one species (s1), times 0, 1e-4, 2e-4, 3e-4 (CDO keeps t to 1/60000)
#   run2d.nc    2D run 16 x 12, species prey and predator, t = 0 .. 0.4
#   run2d_b.nc  its continuation into a new file: type = file at [time] start = 0.4, to 0.8
#               (the start record is not written again: t = 0.5 .. 0.8)
#   run3d.nc    3D run 12^3, species a and b
#   kin2d.nc    fracagg kinetic, 2D 16^2, species prey and predator (moment model)
#   limit.nc    fracagg limit --eps 0.04,0.02 of the same configuration
#   kin1d.nc    fracagg kinetic, 1D 32 cells, one species (moment model)
#   kinp1d.nc   the same with the particle model (2000 particles)
#   limit1d.nc  fracagg limit --eps 0.1,0.05 of kin1d.ini
#   kin3d.nc    fracagg kinetic, 3D 8^3 in a free box (boundary = free), species a and b
# and sets analysis_files to the list of their names. Exits 99 (hard error) when fracagg
# fails: these are inputs, not what the tests check.
analysis_files="run1d run2d run2d_b run3d kin2d limit kin1d kinp1d limit1d kin3d"

make_analysis_files() {
    barenblatt_1d_ini 64 16 0.0003 3 > run1d.ini
    two_species_2d > run2d.ini
    printf '[initial.1]\ntype = gaussian\nmass = 1\nwidth = 0.8\ncenter = -1.5 0.5\n' >> run2d.ini
    printf '[initial.2]\ntype = plateau\nvalue = 0.5\nradius = 1\ncenter = 1.5 -0.5\n' >> run2d.ini
    printf '[time]\nend = 0.4\noutputs = 4\n[output]\nhs = 0 1\n' >> run2d.ini
    two_species_2d > run2d_b.ini
    printf '[initial.1]\ntype = file\npath = run2d.nc\n[initial.2]\ntype = file\npath = run2d.nc\n' >> run2d_b.ini
    printf '[time]\nstart = 0.4\nend = 0.8\noutputs = 4\n[output]\nhs = 0 1\n' >> run2d_b.ini
    two_species_3d 12 4 > run3d.ini
    cat >> run3d.ini <<'INI'
[initial.1]
type = plateau
value = 1
radius = 0.8
background = 0.1
[initial.2]
type = gaussian
mass = 0.5
width = 0.4
center = 0.5 0 0
[time]
end = 0.05
outputs = 2
[output]
hs = 0 1
INI
    cat > kin2d.ini <<'INI'
[grid]
dim = 2
cells = 16
length = 12
[species]
count = 2
names = prey predator
[kernel.1.1]
type = gaussian
strength = 1
length = 1
[kernel.2.2]
type = gaussian
strength = 0.5
length = 2
[kernel.1.2]
type = gaussian
strength = -0.5
length = 1.5
[kernel.2.1]
type = gaussian
strength = -0.5
length = 1.5
[initial.1]
type = gaussian
mass = 1
width = 0.7
center = -1 0
[initial.2]
type = gaussian
mass = 1.5
width = 0.6
center = 1 0.5
[time]
end = 0.2
outputs = 4
[kinetic]
epsilon = 0.02
INI
    cat > kin1d.ini <<'INI'
[grid]
dim = 1
cells = 32
length = 12
[kernel.1.1]
type = gaussian
strength = 1
length = 1
[initial.1]
type = gaussian
mass = 1
width = 0.7
[time]
end = 0.1
outputs = 2
[kinetic]
epsilon = 0.02
INI
    two_species_3d 8 14 free > kin3d.ini
    cat >> kin3d.ini <<'INI'
[initial.1]
type = gaussian
mass = 1
width = 0.5
[initial.2]
type = gaussian
mass = 0.5
width = 0.4
[time]
end = 0.05
outputs = 2
[kinetic]
epsilon = 0.05
INI
    {
        "$FRACAGG" run run1d.ini -q -o run1d.nc &&
        "$FRACAGG" run run2d.ini -q -o run2d.nc &&
        "$FRACAGG" run run2d_b.ini -q -o run2d_b.nc &&
        "$FRACAGG" run run3d.ini -q -o run3d.nc &&
        "$FRACAGG" kinetic kin2d.ini -q -o kin2d.nc &&
        "$FRACAGG" limit kin2d.ini --eps 0.04,0.02 -o limit.nc > limit.txt &&
        "$FRACAGG" kinetic kin1d.ini -q -o kin1d.nc &&
        "$FRACAGG" kinetic kin1d.ini -q -o kinp1d.nc --set kinetic.model=particles --set kinetic.particles=2000 &&
        "$FRACAGG" limit kin1d.ini --eps 0.1,0.05 -o limit1d.nc > limit1d.txt &&
        "$FRACAGG" kinetic kin3d.ini -q -o kin3d.nc
    } || { echo "hard error: fracagg could not write the test files"; exit 99; }
}

two_species_2d() {
    cat <<'INI'
[grid]
dim = 2
cells = 16 12
length = 12 9
[species]
count = 2
names = prey predator
[kernel.1.1]
type = riesz
strength = 0.3
alpha = 1
[kernel.2.2]
type = riesz
strength = 0.2
alpha = 1.2
[kernel.1.2]
type = gaussian
strength = -2
length = 4
[kernel.2.1]
type = gaussian
strength = -2
length = 4
INI
}

two_species_3d() { # two_species_3d CELLS LENGTH [BOUNDARY]: the 3D grid, species a and b, their kernels
    printf '[grid]\ndim = 3\ncells = %s\nlength = %s\nboundary = %s\n' "$1" "$2" "${3:-periodic}"
    cat <<'INI'
[species]
count = 2
names = a b
[kernel.1.1]
type = riesz
strength = 1
alpha = 1
[kernel.2.2]
type = gaussian
strength = 0.5
length = 1
[kernel.1.2]
type = gaussian
strength = -0.5
length = 1
INI
}
