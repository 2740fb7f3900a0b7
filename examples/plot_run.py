#!/usr/bin/env python3
"""Pictures of a fracagg run file: density snapshots and the time series.

    python3 examples/plot_run.py RUN.nc [--out PREFIX] [--snapshots K]

writes PREFIX_snapshots.png (each species at K times; 1D: curves, 2D: images, 3D: the
mid-plane z = 0) and PREFIX_series.png (relative mass change, free energy, H^s norms).
PREFIX defaults to the run file's name without .nc. Reads both run-file layouts (version 2:
one variable density_<name> per species; version 1, before fracagg_layout: rho(time, species,
...)). Needs xarray and matplotlib
(Debian: python3-xarray python3-netcdf4 python3-matplotlib).
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402


def layout(ds):
    """The run file's layout version: 2 (density_<name> per species), or 1 (rho(time, species, ...))."""
    return int(ds.attrs.get("fracagg_layout", 1))


def species_names(ds):
    if layout(ds) >= 2:  # the char coordinate 'species', decoded by xarray to an index of names
        return [str(s) for s in ds["species"].values]
    if "species_name" in ds:  # layout 1
        raw = ds["species_name"].values
        names = []
        for row in raw:
            if isinstance(row, (bytes, np.bytes_)):
                row = row.decode()
            elif not isinstance(row, str):  # undecoded characters
                row = b"".join(np.atleast_1d(row).astype("S1")).decode()
            names.append(row.strip("\x00 "))
        return names
    return [f"species {i + 1}" for i in range(ds.sizes["species"])]


def densities(ds):
    """The densities as one array (species, time, [z,] [y,] x), whichever the layout."""
    if layout(ds) >= 2:
        return xr.concat([ds["density_" + n] for n in species_names(ds)], dim="species")
    return ds["rho"].transpose("species", ...)


def snapshot_indices(nt, k):
    k = max(1, min(k, nt))
    return sorted(set(np.linspace(0, nt - 1, k).round().astype(int).tolist()))


def plot_snapshots(ds, prefix, k):
    dim = int(ds.attrs.get("dim", len([d for d in ("x", "y", "z") if d in ds.dims])))
    names = species_names(ds)
    times = ds["time"].values
    idx = snapshot_indices(len(times), k)
    rho = densities(ds)
    if dim == 3:  # mid-plane through the origin
        rho = rho.isel(z=int(np.argmin(np.abs(ds["z"].values))))
    ns = ds.sizes["species"]
    if dim == 1:
        fig, axes = plt.subplots(1, ns, figsize=(5 * ns, 3.6), squeeze=False)
        for s in range(ns):
            ax = axes[0, s]
            for i in idx:
                ax.plot(ds["x"], rho.isel(time=i, species=s), label=f"t = {times[i]:.3g}")
            ax.set_title(names[s])
            # zoom on where the species lives (compact profiles in wide boxes)
            r = rho.isel(species=s).max("time").values
            live = np.nonzero(r > 1e-3 * r.max())[0]
            if live.size:
                x = ds["x"].values
                pad = 0.15 * (x[live[-1]] - x[live[0]]) + (x[1] - x[0])
                ax.set_xlim(max(x[0], x[live[0]] - pad), min(x[-1], x[live[-1]] + pad))
            ax.set_xlabel("x")
            ax.set_ylabel("density")
            ax.legend(fontsize=8)
    else:
        fig, axes = plt.subplots(ns, len(idx), figsize=(2.6 * len(idx) + 1, 2.6 * ns + 0.4), squeeze=False)
        for s in range(ns):
            vmax = float(rho.isel(species=s).max())
            for c, i in enumerate(idx):
                ax = axes[s, c]
                im = ax.pcolormesh(ds["x"], ds["y"], rho.isel(time=i, species=s), shading="auto",
                                   cmap="viridis", vmin=0, vmax=vmax)
                ax.set_aspect("equal")
                ax.set_xticks([])
                ax.set_yticks([])
                if s == 0:
                    ax.set_title(f"t = {times[i]:.3g}", fontsize=9)
                if c == 0:
                    ax.set_ylabel(names[s])
            fig.colorbar(im, ax=list(axes[s, :]), shrink=0.85, pad=0.01)
        if dim == 3:
            fig.suptitle("mid-plane z = 0", fontsize=10)
    out = f"{prefix}_snapshots.png"
    fig.savefig(out, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return out


def plot_series(ds, prefix):
    names = species_names(ds)
    t = ds["time"].values
    panels = 3 if "hs_norm" in ds else 2
    fig, axes = plt.subplots(1, panels, figsize=(4.4 * panels, 3.4))
    mass = ds["mass"].transpose("time", "species").values
    for s in range(mass.shape[1]):
        m0 = mass[0, s]
        axes[0].plot(t, (mass[:, s] - m0) / (abs(m0) if m0 else 1.0), marker=".", label=names[s])
    axes[0].set_title("relative mass change")
    axes[0].set_xlabel("t")
    axes[0].legend(fontsize=8)
    axes[0].ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
    axes[1].plot(t, ds["energy"].values, marker=".")
    axes[1].set_title("free energy")
    axes[1].set_xlabel("t")
    if panels == 3:
        hs = ds["hs"].values
        for q, s_order in enumerate(hs):
            axes[2].semilogy(t, ds["hs_norm_total"].values[:, q], label=f"s = {s_order:g}")
        axes[2].set_title("H^s norm (all species)")
        axes[2].set_xlabel("t")
        axes[2].legend(fontsize=8)
    fig.tight_layout()
    out = f"{prefix}_series.png"
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("run", help="fracagg run file (.nc)")
    p.add_argument("--out", help="prefix of the PNG files (default: the run file without .nc)")
    p.add_argument("--snapshots", type=int, default=5, help="number of times shown (default 5)")
    a = p.parse_args(argv)
    if not os.path.exists(a.run):
        print(f"plot_run.py: {a.run}: no such file", file=sys.stderr)
        return 2
    prefix = a.out or os.path.splitext(os.path.basename(a.run))[0]
    # decode_times=False: the time variable holds the model time t itself (its CF units,
    # "minutes since 1970-01-01", only make CF tools see a time axis)
    with xr.open_dataset(a.run, decode_times=False) as ds:
        if not any(v.startswith("density_") for v in ds.data_vars) and "rho" not in ds:
            print(f"plot_run.py: {a.run}: no density_<name> (or, layout 1, 'rho') variable "
                  "(not a fracagg run file?)", file=sys.stderr)
            return 2
        for f in (plot_snapshots(ds, prefix, a.snapshots), plot_series(ds, prefix)):
            print(f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
