#!/usr/bin/env python3
"""A sweep of the cross-interaction strength between two species, from Python.

Two species in 2D, each spreading under its own fractional (Riesz) repulsion, interact
through a Gaussian cross kernel K_12 = K_21 = c exp(-|x|^2/4): c < 0 attracts, c > 0 repels.
For each c the run ends as an xarray Dataset; we measure the distance between the species'
centres of mass at the end and plot the final patterns and that separation against c:

    python3 examples/python_sweep.py [OUTDIR]      # -> OUTDIR/python_sweep.png

(FRACAGG_EXAMPLE_QUICK=1 makes it a few seconds' check on a coarse grid.) The same as a
notebook: examples/python_sweep.ipynb.
"""
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

import fracagg

QUICK = os.environ.get("FRACAGG_EXAMPLE_QUICK") == "1"
outdir = sys.argv[1] if len(sys.argv) > 1 else "."

# The two-species example (examples/two_species.ini) as a dict; the cross strength is swept.
base = {
    "grid": {"dim": 2, "cells": 24 if QUICK else 64, "length": 12},
    "species": {"count": 2, "names": ["a", "b"]},
    "kernel.1.1": {"type": "riesz", "strength": 0.3, "alpha": 1},
    "kernel.2.2": {"type": "riesz", "strength": 0.2, "alpha": 1.2},
    "kernel.1.2": {"type": "gaussian", "strength": 0, "length": 4},
    "kernel.2.1": {"type": "gaussian", "strength": 0, "length": 4},
    "initial.1": {"type": "gaussian", "mass": 1, "width": 0.6, "center": [-1.5, 0.5]},
    "initial.2": {"type": "plateau", "value": 0.5, "radius": 1, "center": [1.5, -0.5]},
    "time": {"end": 0.5 if QUICK else 3, "outputs": 3},
}
strengths = [-2.0, 0.0, 1.0] if QUICK else [-3.0, -2.0, -1.0, -0.5, 0.0, 0.5, 1.0]


def centre_of_mass(ds, name):
    """Centre of mass (x, y) of species `name` at the last record."""
    rho = ds[f"density_{name}"].isel(time=-1)
    m = float(rho.sum())
    return np.array([float((rho * ds.x).sum()) / m, float((rho * ds.y).sum()) / m])


finals, separation = [], []
for c in strengths:
    cfg = fracagg.Config.from_dict(base)
    cfg["kernel.1.2.strength"] = c  # the same keys, checks and messages as --set
    cfg["kernel.2.1.strength"] = c
    ds = fracagg.Model(cfg).run()   # the run file as a Dataset (a temporary file, removed)
    finals.append(ds.isel(time=-1))
    separation.append(float(np.linalg.norm(centre_of_mass(ds, "a") - centre_of_mass(ds, "b"))))
    print(f"cross strength {c:+5.2f}: centres of mass {separation[-1]:.3f} apart at t = {float(ds.time[-1]):g}")

fig, axes = plt.subplots(2, len(strengths) + 1, figsize=(2.4 * (len(strengths) + 1), 5),
                         gridspec_kw={"width_ratios": [1] * len(strengths) + [1.6]})
for k, (c, f) in enumerate(zip(strengths, finals)):
    for row, name in enumerate(("a", "b")):
        ax = axes[row, k]
        ax.pcolormesh(f.x, f.y, f[f"density_{name}"], shading="auto", cmap="viridis")
        ax.set_aspect("equal")
        ax.set_xticks([]), ax.set_yticks([])
        if row == 0:
            ax.set_title(f"c = {c:g}")
        if k == 0:
            ax.set_ylabel(f"species {name}")
gs = axes[0, -1].get_gridspec()
for ax in axes[:, -1]:
    ax.remove()
ax = fig.add_subplot(gs[:, -1])
ax.plot(strengths, separation, "o-")
ax.set_xlabel("cross strength c")
ax.set_ylabel("distance of the centres of mass")
ax.set_title("separation at the end")
fig.tight_layout()
png = os.path.join(outdir, "python_sweep.png")
fig.savefig(png, dpi=100)
print("wrote", png)
