"""Fixtures of the Python package's tests: the command under test, tiny configurations.

Run by tests/test_python.sh (make check) with FRACAGG_LIBRARY pointing at the build tree's
library and FRACAGG at its command; every file is written to a fresh temporary path.
"""
import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))

# Two species in 2D on 16 x 16 cells: the README's two-species example, shrunk.
TWO_SPECIES = """\
[grid]
dim = 2
cells = 16
length = 12

[species]
count = 2
names = a b

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

[initial.1]
type = gaussian
mass = 1
width = 1
center = -1.5 0.5

[initial.2]
type = gaussian
mass = 1
width = 1
center = 1.5 -0.5

[time]
end = 0.5
outputs = 4

[output]
hs = 0 1
"""

# One species in 1D with a kinetic companion (examples/limit_smooth.ini's kind, tiny).
KINETIC_1D = """\
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
width = 0.8

[time]
end = 0.2
outputs = 2

[solver]
rtol = 1e-8
atol = 1e-12

[kinetic]
model = moment
velocity = equilibrium
epsilon = 0.05
"""

# One species in 1D drawn together by an attractive kernel: its H^s norm grows (verify_hs).
GROWING_1D = """\
[grid]
dim = 1
cells = 64
length = 16

[kernel.1.1]
type = gaussian
strength = -1
length = 2

[initial.1]
type = gaussian
mass = 1
width = 1.5

[time]
end = 1
outputs = 4

[output]
hs = 0 4.5
"""


@pytest.fixture(scope="session")
def fracagg_cli():
    """The command under test (FRACAGG from make check, else the build tree's)."""
    path = os.environ.get("FRACAGG") or os.path.join(SRC, "src", "cli", "fracagg")
    if not os.access(path, os.X_OK):
        pytest.skip(f"no fracagg command at {path}")
    return path


def cli(fracagg_cli, *args, cwd=None):
    """Run the command; its CompletedProcess (no check: tests look at the code)."""
    return subprocess.run([fracagg_cli, *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def ini(tmp_path):
    """write(text, name): an INI file in this test's directory."""
    def write(text, name="cfg.ini"):
        p = tmp_path / name
        p.write_text(text)
        return p
    return write


@pytest.fixture(scope="session")
def nbconvert():
    """jupyter-nbconvert, or skip."""
    exe = shutil.which("jupyter-nbconvert") or shutil.which("jupyter")
    if not exe:
        pytest.skip("jupyter nbconvert is not installed (Debian: jupyter-nbconvert python3-ipykernel)")
    return exe
