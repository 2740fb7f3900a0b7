#!/usr/bin/env python3
"""Log-log pictures of small-inertia sweeps (files of `fracagg limit`).

    python3 examples/plot_limit.py A_limit.nc [B_limit.nc ...] [--out limit_study.png]

One panel per file: max_t W1 and the modulated energy with its kinetic and interaction parts
against epsilon, with reference slopes eps and eps^2 through the smallest epsilon. Needs
xarray and matplotlib (Debian: python3-xarray python3-netcdf4 python3-matplotlib).
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
        with xr.open_dataset(path) as ds:
            eps = ds["epsilon"].values
            series = [("max_w1", "max$_t$ W1", "o-"), ("max_modulated_energy", "modulated energy", "s-"),
                      ("max_modulated_kinetic", "  kinetic part", "^--"), ("max_modulated_interaction", "  interaction part", "v--")]
            for name, label, style in series:
                v = ds[name].values
                orders = ds["order_" + name[4:]].values
                last = orders[-1] if len(orders) > 1 else float("nan")
                ax.loglog(eps, v, style, label=f"{label} (order {last:.2f})")
            e0, e1 = eps.min(), eps.max()
            ref = ds["max_w1"].values[np.argmin(eps)]
            ax.loglog([e0, e1], [ref, ref * e1 / e0], "k:", lw=1, label="slope 1")
            refk = ds["max_modulated_kinetic"].values[np.argmin(eps)]
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
