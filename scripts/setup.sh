#!/bin/sh
# Install what fracagg needs on a fresh Debian 12 machine (build tools, libraries, and the
# Python modules of the analysis scripts). Safe to run again: installed packages are skipped.
#   sh scripts/setup.sh            build and test dependencies
#   sh scripts/setup.sh --mpi      and the MPI stack (libopenmpi-dev, libfftw3-mpi-dev)
set -eu

# cdo nco python3-dask paraview python3-paraview: the tests of the files in the analysis
# tools (tests/test_cdo_nco.sh, test_xarray.sh, test_paraview.sh; each skips without its tool).
# ParaView is the big one: about 150 packages, 145 MB to download and 800 MB installed beyond
# the rest (measured on Debian 12); its test renders nothing, so no X server (xvfb) is needed.
# python3-pytest python3-cffi jupyter-nbconvert python3-ipykernel: the Python package's tests
# (tests/test_python.sh), and the example notebook run top to bottom.
packages="build-essential autoconf automake libtool autoconf-archive pkg-config
  libfftw3-dev libsundials-dev libnetcdf-dev netcdf-bin libinih-dev
  python3-numpy python3-netcdf4 python3-xarray python3-matplotlib python3-scipy python3-pot
  python3-pytest python3-cffi jupyter-nbconvert python3-ipykernel
  cdo nco python3-dask paraview python3-paraview"
for arg in "$@"; do
    case $arg in
        --mpi) packages="$packages libopenmpi-dev openmpi-bin libfftw3-mpi-dev" ;;
        *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
    esac
done

missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
    echo "setup.sh: all packages present"
    exit 0
fi
echo "setup.sh: installing$missing"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; else
    echo "setup.sh: need root (or sudo) to install:$missing" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
