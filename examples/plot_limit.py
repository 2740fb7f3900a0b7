#!/usr/bin/env python3
"""Log-log pictures of small-inertia sweeps (files of `fracagg limit`).

    python3 examples/plot_limit.py A_limit.nc [B_limit.nc ...] [--out limit_study.png]

One panel per file: max_t W1 and the modulated energy with its kinetic and interaction parts
against epsilon, with reference slopes eps and eps^2 through the smallest epsilon; an epsilon
the sweep did not finish is left out. Reads both file layouts (fracagg_layout 2 and the
earlier one). Needs xarray and matplotlib (Debian: python3-xarray python3-netcdf4
python3-matplotlib).
"""
import argparse
import configparser
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402


def title(ds, path):
    try:
        cfg = configparser.ConfigParser()
        cfg.read_string(ds.attrs["config"])
        kinds = sorted({cfg[s]["type"] for s in cfg.sections() if s.startswith("kernel.") and "type" in cfg[s]})
        return f"{os.path.basename(path)}: {cfg['grid']['dim']}D, kernels {', '.join(kinds)}"
    except (KeyError, configparser.Error):
        return os.path.basename(path)


def sweep(ds):
    """The epsilons run and, per series q, (max_t of q, observed order) at each of them.

    Layout 2 (fracagg_layout = 2): coordinate eps, q_max(eps), q_order(eps), steps(eps) whose
    fill value (masked by xarray) marks an eps not (completely) run. Layout 1: epsilon(eps),
    max_q(eps), order_q(eps), one row per completed eps."""
    names = ("w1", "modulated_energy", "modulated_kinetic", "modulated_interaction")
    if int(ds.attrs.get("fracagg_layout", 1)) >= 2:
        done = np.isfinite(ds["steps"].values.astype(float))
        eps = ds["eps"].values[done]
        return eps, {q: (ds[q + "_max"].values[done], ds[q + "_order"].values[done]) for q in names}
    return ds["epsilon"].values, {q: (ds["max_" + q].values, ds["order_" + q].values) for q in names}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="+")
    p.add_argument("--out", default="limit_study.png")
    a = p.parse_args(argv)
    fig, axes = plt.subplots(1, len(a.files), figsize=(5.6 * len(a.files), 4.4), squeeze=False)
    for ax, path in zip(axes[0], a.files):
        if not os.path.exists(path):
            print(f"plot_limit.py: {path}: no such file", file=sys.stderr)
            return 2
        with xr.open_dataset(path, decode_times=False) as ds:
            eps, table = sweep(ds)
            if len(eps) == 0:
                print(f"plot_limit.py: {path}: no epsilon finished", file=sys.stderr)
                return 2
            series = [("w1", "max$_t$ W1", "o-"), ("modulated_energy", "modulated energy", "s-"),
                      ("modulated_kinetic", "  kinetic part", "^--"), ("modulated_interaction", "  interaction part", "v--")]
            for name, label, style in series:
                v, orders = table[name]
                last = orders[-1] if len(orders) > 1 else float("nan")
                ax.loglog(eps, v, style, label=f"{label} (order {last:.2f})")
            e0, e1 = eps.min(), eps.max()
            ref = table["w1"][0][np.argmin(eps)]
            ax.loglog([e0, e1], [ref, ref * e1 / e0], "k:", lw=1, label="slope 1")
            refk = table["modulated_kinetic"][0][np.argmin(eps)]
            ax.loglog([e0, e1], [refk, refk * (e1 / e0) ** 2], "k-.", lw=1, label="slope 2")
            ax.set_xlabel("epsilon")
            ax.set_title(title(ds, path), fontsize=9)
            ax.legend(fontsize=7)
            ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(a.out, dpi=110)
    print(a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
