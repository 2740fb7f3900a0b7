"""The Python package against the library and the command: runs bit for bit equal to the
command's run files, the callback's arrays, every exception path, Ctrl-C, kinetic, the limit
sweep, W1 and the H^s check. Tiny grids: the whole file runs in a few seconds."""
import ctypes
import os
import re
import signal
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

import fracagg
from fracagg import errors

from conftest import GROWING_1D, KINETIC_1D, SRC, TWO_SPECIES, cli


def open_cli(path):
    with xr.open_dataset(path, decode_times=False) as ds:
        return ds.load()


def assert_same_file(ds, ref):
    """Same variables, coordinates, dimensions and attributes; every array bit for bit equal.
    The history differs by construction (the time and the command that wrote the file)."""
    assert list(ds.variables) == list(ref.variables)
    assert list(ds.coords) == list(ref.coords)
    assert dict(ds.sizes) == dict(ref.sizes)
    for name in ref.variables:
        assert ds[name].dims == ref[name].dims, name
        assert ds[name].attrs == ref[name].attrs, name
        assert ds[name].dtype == ref[name].dtype, name
        assert np.array_equal(ds[name].values, ref[name].values, equal_nan=ds[name].dtype.kind == "f"), name
    assert set(ds.attrs) == set(ref.attrs)
    for k in ref.attrs:
        if k != "history":
            assert np.array_equal(np.asarray(ds.attrs[k]), np.asarray(ref.attrs[k])), k


# ---- package basics ----------------------------------------------------------------------------

def test_version_and_help():
    if os.environ.get("PACKAGE_VERSION"):
        assert fracagg.__version__ == os.environ["PACKAGE_VERSION"]
    import pydoc
    text = pydoc.render_doc(fracagg, renderer=pydoc.plaintext)
    for name in ("Config", "Model", "run", "w1", "verify_hs", "Interrupted", "ConfigError"):
        assert name in text


def test_every_public_function_has_a_docstring():
    for name in fracagg.__all__:
        obj = getattr(fracagg, name)
        if callable(obj):
            assert obj.__doc__ and obj.__doc__.strip(), name
            for attr, member in vars(obj).items() if isinstance(obj, type) else ():
                if not attr.startswith("_") and callable(member):
                    assert member.__doc__, f"{name}.{attr}"


# ---- configurations ----------------------------------------------------------------------------

def test_config_from_file_string_dict_agree(ini):
    path = ini(TWO_SPECIES)
    a = fracagg.Config.from_file(path)
    b = fracagg.Config.from_string(TWO_SPECIES, name="cfg.ini")
    c = fracagg.Config.from_dict({
        "grid": {"dim": 2, "cells": 16, "length": 12}, "species": {"count": 2, "names": ["a", "b"]},
        "kernel": {"1.1": {"type": "riesz", "strength": 0.3, "alpha": 1},
                   "2.2": {"type": "riesz", "strength": 0.2, "alpha": 1.2}},
        "kernel.1.2": {"type": "gaussian", "strength": -2, "length": 4},
        "kernel.2.1": {"type": "gaussian", "strength": -2, "length": 4},
        "initial.1": {"type": "gaussian", "mass": 1, "width": 1, "center": (-1.5, 0.5)},
        "initial.2": {"type": "gaussian", "mass": 1, "width": 1, "center": np.array([1.5, -0.5])},
        "time": {"end": 0.5, "outputs": 4}, "output": {"hs": [0, 1]}})
    for cfg in (a, b, c):
        cfg.validate()
        assert cfg["grid.cells"] == "16" and cfg.get("kernel.1.2.strength") == "-2"
    assert a.to_dict() == b.to_dict()
    ma, mc = fracagg.Model(a), fracagg.Model(c)
    assert ma.shape == mc.shape == (16, 16) and ma.species == mc.species == ["a", "b"]
    assert np.array_equal(ma.initial("b"), mc.initial(1))
    assert a.where("grid.cells").endswith("cfg.ini:3")


def test_config_set_and_copy(ini):
    cfg = fracagg.Config.from_file(ini(TWO_SPECIES))
    other = cfg.copy()
    cfg["grid.cells"] = 8
    cfg.update(time__end=0.25, solver={"rtol": 1e-7})
    assert cfg["grid.cells"] == "8" and other["grid.cells"] == "16"
    assert cfg["time.end"] == "0.25" and cfg["solver.rtol"] == "1e-07"
    assert cfg.where("grid.cells").startswith("--set")
    assert cfg.value("solver.method") == "bdf" and cfg.get("solver.method") is None  # the table's default
    cfg.remove("output.hs")
    assert "output.hs" not in cfg
    m = fracagg.Model(cfg)
    assert m.shape == (8, 8) and m.t_end == 0.25
    assert any(k["section"] == "grid" and k["key"] == "cells" for k in fracagg.keys())


@pytest.mark.parametrize("assignment", ["grid.cellz=3", "grid.cells=-3", "gridcells=4"])
def test_config_messages_are_the_commands(fracagg_cli, ini, tmp_path, assignment):
    """A bad key fails as --set does, with the same message, as ConfigError (exit 2's class)."""
    path = ini(TWO_SPECIES)
    proc = cli(fracagg_cli, "run", path, "--set", assignment, "-o", tmp_path / "x.nc")
    assert proc.returncode == 2
    with pytest.raises(fracagg.ConfigError) as e:
        cfg = fracagg.Config.from_file(path)
        cfg.set(*assignment.split("="))
        fracagg.Model(cfg)
    assert e.value.code == errors.ECONFIG
    assert e.value.message in proc.stderr, (e.value.message, proc.stderr)


def test_config_errors(ini, tmp_path):
    with pytest.raises(fracagg.OutputError) as e:
        fracagg.Config.from_file(tmp_path / "missing.ini")
    assert e.value.code == errors.EIO and "missing.ini" in str(e.value)
    assert isinstance(e.value, OSError) and isinstance(e.value, fracagg.Error)
    with pytest.raises(fracagg.ConfigError) as e:
        fracagg.Config.from_string("[grid\n", name="bad.ini")
    assert "bad.ini:1" in str(e.value) and e.value.code == errors.ECONFIG
    with pytest.raises(fracagg.ConfigError) as e:
        fracagg.Config.from_dict({"grid": {"dim": 2, "cells": 16, "length": 12, "colour": "red"}}).validate()
    assert "colour" in str(e.value)
    with pytest.raises(fracagg.ConfigError):  # alpha outside (0, d), found when the model is built
        fracagg.Model(ini(TWO_SPECIES), {"kernel.1.1.alpha": 3})
    with pytest.raises(fracagg.ConfigError):
        fracagg.Config.from_string("").set("nodot", 1)
    with pytest.raises(fracagg.ConfigError):
        fracagg.Config.from_string("").get("nodot")
    with pytest.raises(KeyError):
        fracagg.Config.from_string("")["grid.cells"]
    with pytest.raises(fracagg.ConfigError):
        fracagg.Model(ini(TWO_SPECIES)).initial("c")
    assert fracagg.error_class(errors.ESOLVER) is fracagg.SolverError
    assert fracagg.error_class(errors.EFORMAT) is fracagg.RunFileError


# ---- runs bit for bit as the command's ---------------------------------------------------------

def test_run_bit_for_bit(fracagg_cli, ini, tmp_path):
    path = ini(TWO_SPECIES)
    assert cli(fracagg_cli, "run", path, "-o", tmp_path / "cli.nc").returncode == 0
    ref = open_cli(tmp_path / "cli.nc")
    model = fracagg.Model(path)
    ds, res = model.run_result()  # a temporary file, removed
    assert_same_file(ds, ref)
    assert res.records == 5 and res.t_reached == 0.5 and res.stats["steps"] > 0
    kept = tmp_path / "py.nc"
    ds2 = fracagg.run(path, output=kept)
    assert kept.exists()
    assert_same_file(ds2, ref)
    assert_same_file(open_cli(kept), ref)
    assert "Python interface" in ds2.attrs["history"]
    assert list(ds.time.values) == list(model.output_times)


def test_callback_arrays_are_the_records(ini):
    model = fracagg.Model(ini(TWO_SPECIES))
    ds = model.run()
    seen = []

    def look(t, rho):
        assert list(rho) == ["a", "b"]
        for name, a in rho.items():
            assert a.shape == model.shape == (16, 16) and a.dtype == np.float64
            assert not a.flags.writeable and not a.flags.owndata  # a view of the solver's memory
        seen.append((t, {k: v.copy() for k, v in rho.items()}))

    solver = model.solve(look)
    assert [t for t, _ in seen] == list(ds.time.values)
    for k, (t, rho) in enumerate(seen):
        for name in ("a", "b"):
            assert np.array_equal(rho[name], ds[f"density_{name}"][k].values)
    assert solver.time == model.t_end and solver.stats["steps"] > 0
    # chosen times, and stopping early
    times = []
    model.solve(lambda t, rho: times.append(t) or t < 0.2, times=[0, 0.1, 0.2, 0.3])
    assert times == [0, 0.1, 0.2]
    s = model.solver().advance(0.125)
    assert np.array_equal(s.density("a"), ds.density_a[1].values)


def test_kinetic_bit_for_bit(fracagg_cli, ini, tmp_path):
    path = ini(KINETIC_1D)
    assert cli(fracagg_cli, "kinetic", path, "-o", tmp_path / "cli.nc").returncode == 0
    ds = fracagg.run_kinetic(path)
    assert_same_file(ds, open_cli(tmp_path / "cli.nc"))
    assert "kinetic_density_s1" in ds and "w1" in ds and ds.attrs["epsilon"] == 0.05


def test_limit_sweep(fracagg_cli, ini, tmp_path):
    path = ini(KINETIC_1D)
    assert cli(fracagg_cli, "limit", path, "--eps", "0.05,0.025", "-o", tmp_path / "cli.nc").returncode == 0
    rows = []
    sweep = fracagg.Model(path).limit([0.05, 0.025], progress=rows.append, output=tmp_path / "py.nc")
    assert_same_file(sweep, open_cli(tmp_path / "cli.nc"))
    assert [r["epsilon"] for r in rows] == [0.05, 0.025]
    assert np.isnan(rows[0]["order_w1"]) and rows[1]["order_w1"] > 0
    with pytest.raises(fracagg.ConfigError):
        fracagg.limit(path, [0.1, -1])


# ---- failures ---------------------------------------------------------------------------------

def test_solver_failure_keeps_the_records(fracagg_cli, ini, tmp_path):
    path = ini(TWO_SPECIES)
    proc = cli(fracagg_cli, "run", path, "--set", "solver.max_steps=2", "-o", tmp_path / "cli.nc")
    assert proc.returncode == 3
    out = tmp_path / "py.nc"
    with pytest.raises(fracagg.SolverError) as e:
        fracagg.run(path, sets={"solver.max_steps": 2}, output=out)
    assert e.value.code == errors.ESOLVER and "max_steps = 2" in str(e.value)
    assert e.value.message in proc.stderr
    ds = fracagg.open_dataset(out)
    assert ds.sizes["time"] == 1 and ds.attrs["run_status"].startswith("stopped")
    assert_same_file(e.value.dataset, ds) and e.value.result.records == 1
    with pytest.raises(fracagg.SolverError):
        fracagg.Model(path, {"solver.max_steps": 2}).solver().advance(0.5)


def test_output_and_run_file_errors(ini, tmp_path):
    with pytest.raises(fracagg.OutputError) as e:
        fracagg.run(ini(TWO_SPECIES), output=tmp_path / "no" / "such" / "dir.nc")
    assert e.value.code in (errors.EIO, errors.ENETCDF)
    garbage = tmp_path / "garbage.nc"
    garbage.write_bytes(b"not a netcdf file at all" * 10)
    with pytest.raises(fracagg.Error) as e:
        fracagg.verify_hs(garbage, 4.5)
    assert isinstance(e.value, (fracagg.RunFileError, fracagg.OutputError)) and "garbage.nc" in str(e.value)
    with pytest.raises(fracagg.Error):
        fracagg.read_density(tmp_path / "missing.nc")


def test_progress_exception_stops_the_run(ini):
    def boom(t, t_end, steps):
        raise ValueError("from the callback")
    with pytest.raises(ValueError, match="from the callback"):
        fracagg.run(ini(TWO_SPECIES), progress=boom)
    fracagg.run(ini(TWO_SPECIES), sets={"time.end": 0.1, "time.outputs": 1})  # the next run is not stopped


def test_ctrl_c_stops_cleanly(ini, tmp_path):
    """SIGINT during a run: it stops after the current step, the state reached is the last
    record of a complete file, and Interrupted (a KeyboardInterrupt) carries the records."""
    steps = []

    def interrupt_once(t, t_end, n):
        steps.append(n)
        if n == 3:
            os.kill(os.getpid(), signal.SIGINT)
    out = tmp_path / "stopped.nc"
    with pytest.raises(KeyboardInterrupt) as e:
        fracagg.run(ini(TWO_SPECIES), progress=interrupt_once, output=out)
    exc = e.value
    assert isinstance(exc, fracagg.Interrupted) and exc.code == errors.EINTERRUPT
    ds = exc.dataset
    assert 2 <= ds.sizes["time"] < 5 and ds.time.values[-1] < 0.5
    assert "interrupted" in ds.attrs["run_status"] and exc.result.records == ds.sizes["time"]
    assert_same_file(ds, fracagg.open_dataset(out))
    # the library's stop request was cleared: the next run completes
    assert fracagg.run(ini(TWO_SPECIES)).sizes["time"] == 5

    def interrupt_solve(t, rho):
        os.kill(os.getpid(), signal.SIGINT)
    with pytest.raises(fracagg.Interrupted) as e:
        fracagg.Model(ini(TWO_SPECIES)).solve(interrupt_solve)
    assert e.value.solver.time == 0  # stopped in the first callback, at the initial data


def test_log_goes_to_logging(ini, caplog):
    import logging
    fracagg.set_log_level("info")
    try:
        with caplog.at_level(logging.INFO, logger="fracagg"):
            fracagg.run(ini(TWO_SPECIES))
        assert any(r.name == "fracagg" and "steps" in r.getMessage() for r in caplog.records)
    finally:
        fracagg.set_log_level("warn")
    with pytest.raises(ValueError):
        fracagg.set_log_level("loud")


def test_overwrite_sets_the_key_only_when_asked(ini, tmp_path):
    path = ini(TWO_SPECIES)
    out = tmp_path / "run.nc"
    fracagg.run(path, output=out)
    if fracagg.has_key("output", "overwrite"):  # a library refusing existing files by default
        with pytest.raises(fracagg.Error):
            fracagg.run(path, output=out)
    assert fracagg.run(path, output=out, overwrite=True).sizes["time"] == 5


# ---- W1 and the H^s check ----------------------------------------------------------------------

def test_w1_arrays_and_files(fracagg_cli, ini, tmp_path):
    x = (np.arange(64) + 0.5) / 64 * 10 - 5
    f = np.exp(-(x - 1) ** 2)
    g = np.exp(-(x + 1) ** 2)
    f /= f.sum() * 10 / 64
    g /= g.sum() * 10 / 64
    d = fracagg.w1(f, g, 10)
    assert d.exact and d.converged and abs(float(d) - 2) < 0.05 and d.lower == d.upper == float(d)
    assert float(fracagg.w1(f, f, 10)) == 0
    dfree = fracagg.w1(f, g, 10, boundary="free")
    assert abs(float(dfree) - 2) < 0.05
    f2, g2 = np.outer(f, f), np.outer(g, f)
    d2 = fracagg.w1(f2, g2, [10, 10], tol=1e-5)
    assert d2.lower <= float(d2) <= d2.upper and abs(float(d2) - 2) < 0.05 and not d2.exact
    with pytest.raises(fracagg.ConfigError) as e:
        fracagg.w1(f, 2 * g, 10)  # masses differ: the library refuses
    assert e.value.code == errors.EINVAL and "mass" in str(e.value)
    with pytest.raises(fracagg.ConfigError):
        fracagg.w1(f, g[:10], 10)
    # between run files, as the command
    path = ini(TWO_SPECIES)
    a, b = tmp_path / "a.nc", tmp_path / "b.nc"
    fracagg.run(path, output=a)
    fracagg.run(path, sets={"solver.scheme": "upwind"}, output=b)
    proc = cli(fracagg_cli, "w1", a, b, "--tol", "1e-5")
    assert proc.returncode == 0
    res = fracagg.w1_files(a, b, tol=1e-5)
    cli_vals = dict(re.findall(r"^(?:species \d+ \((\w+)\)|(total)): W1 = (\S+)", proc.stdout, re.M)
                    and [(m[0] or m[1], float(m[2])) for m in
                         re.findall(r"^(?:species \d+ \((\w+)\)|(total)): W1 = (\S+)", proc.stdout, re.M)])
    assert set(res) == {"a", "b", "total"}
    for k in res:
        assert float(res[k]) == pytest.approx(cli_vals[k], rel=1e-9)
    rho, t = fracagg.read_density(a, 1, time=0.25)
    assert t == 0.25 and np.array_equal(rho, fracagg.open_dataset(a).density_b.sel(time=0.25).values)


def test_verify_hs_as_the_command(fracagg_cli, ini, tmp_path):
    path = ini(GROWING_1D)
    run = tmp_path / "grow.nc"
    fracagg.run(path, output=run)
    rep = fracagg.verify_hs(run, 4.5)
    assert rep.c_emp > 0 and set(rep.rows) == {"s1", "combined"}
    proc = cli(fracagg_cli, "verify-hs", run, "--s", "4.5", "--tsv", "--per-species", "--C", rep.c_emp * 0.5)
    lines = [l.split("\t") for l in proc.stdout.splitlines()]
    head = lines[0]
    body = {r[1]: dict(zip(head, r)) for r in lines[1:]}
    for name, row in rep.rows.items():
        assert row["summary"]["c_emp"] == float(body[name]["C_emp"])
        assert row["summary"]["y0"] == float(body[name]["y0"])
    low = fracagg.verify_hs(run, 4.5, C=rep.c_emp * 0.5)
    assert not low.holds and low.rows["combined"]["check"]["kind"] == body["combined"]["result"] == "riccati"
    assert low.rows["combined"]["check"]["time"] == float(body["combined"]["t_violation"])
    assert fracagg.verify_hs(run, 4.5, C=rep.c_emp).holds
    with pytest.raises(fracagg.RunFileError) as e:
        fracagg.verify_hs(run, 7)  # an order the file does not hold
    assert e.value.code == errors.EFORMAT
    with pytest.raises(fracagg.ConfigError):
        fracagg.verify_hs(run, 0)  # below the lemma's order
    assert fracagg.verify_hs(run, 0, any_s=True).rows["combined"]["norm"].shape == (5,)
    with pytest.raises(fracagg.ConfigError):
        fracagg.verify_hs(run, 4.5, C=-1)


# ---- the example ------------------------------------------------------------------------------

def example_env():
    """The environment of a child Python: this package first on its path, quick mode."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(fracagg.__file__)))
    return dict(os.environ, FRACAGG_EXAMPLE_QUICK="1", MPLBACKEND="Agg",
                PYTHONPATH=here + os.pathsep + os.environ.get("PYTHONPATH", ""))


def test_example_notebook_runs(nbconvert, tmp_path):
    nb = tmp_path / "python_sweep.ipynb"  # nbconvert runs it in its own directory: a copy here
    nb.write_bytes(open(os.path.join(SRC, "examples", "python_sweep.ipynb"), "rb").read())
    env = example_env()
    args = [nbconvert] + (["nbconvert"] if os.path.basename(nbconvert) == "jupyter" else [])
    proc = subprocess.run(args + ["--to", "notebook", "--execute", "--output", "executed.ipynb", str(nb)],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    if "No such kernel" in proc.stderr or "NoSuchKernel" in proc.stderr:
        pytest.skip("no Python kernel for Jupyter (Debian: python3-ipykernel)")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (tmp_path / "python_sweep.png").exists()


def test_example_script_runs(tmp_path):
    env = example_env()
    proc = subprocess.run([sys.executable, os.path.join(SRC, "examples", "python_sweep.py"), str(tmp_path)],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (tmp_path / "python_sweep.png").exists()
