#!/usr/bin/env python3
"""The H^s growth of fracagg runs against the bounds of Lemma 4.6.

    python3 examples/plot_hs_growth.py RUN.nc... --s S [--C C] [--out FILE.png] [--species]

For each run file, y(t)/y0 with y = ||rho||_{H^s} the combined norm (hs_norm_total; with
--species also each species' hs_norm), against time in units of the run's own Riccati time
1/(C y0), so that every run meets the same two bounds:

    the Riccati comparison  y/y0 <= 1/(1 - C t y0)   (dashed; it blows up at C t y0 = 1)
    the fourfold bound      y/y0 <= 4 up to T* = 3/(4 C y0), i.e. C t y0 = 3/4   (dotted)

Without --C the constant is the largest C_emp = max_t (1/y0 - 1/y(t))/t of the files given
(the smallest C all of them satisfy; printed), which every file meets by construction: the
picture then shows how close each run comes to it, not a verification (doc/manual.md,
section 6). A second panel shows the share of the squared H^s norm in the top third of the
wavenumbers (hs_top_share, resolution check; the line marks verify-hs's warning threshold).
Needs xarray and matplotlib (Debian: python3-xarray python3-netcdf4 python3-matplotlib).
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import xarray as xr  # noqa: E402

MAX_SHARE = 1e-3  # fracagg verify-hs's default warning threshold


def species_names(ds):
    """The species names: the char coordinate 'species' (fracagg_layout 2, decoded by xarray to
    an index of names), species_name before, else species 1, 2, ..."""
    if int(ds.attrs.get("fracagg_layout", 1)) >= 2:
        return [str(n) for n in ds["species"].values]
    if "species_name" in ds:
        return [n.decode() if isinstance(n, bytes) else str(n) for n in ds["species_name"].values]
    return [f"species {i + 1}" for i in range(ds.sizes["species"])]


def series(path, s, with_species):
    """[(label, t - t0, y, share)] of one file at order s."""
    ds = xr.open_dataset(path, decode_times=False)  # time holds the model time t itself
    for name in ("hs", "hs_norm", "hs_norm_total", "hs_top_share"):
        if name not in ds:
            sys.exit(f"{path}: no variable '{name}' (record H^s norms with [output] hs)")
    hs = ds["hs"].values
    q = np.nonzero(np.abs(hs - s) <= 1e-9 * max(1.0, abs(s)))[0]
    if len(q) == 0:
        sys.exit(f"{path}: H^s order {s:g} not recorded; the file has s = {' '.join(f'{v:g}' for v in hs)}")
    q = int(q[0])
    t = ds["time"].values
    if len(t) < 2:
        sys.exit(f"{path}: fewer than two records")
    t = t - t[0]
    # (time, species) in either layout: (time, hs, species) since fracagg_layout 2, (time, species, hs) before
    norms = ds["hs_norm"].isel(hs=q).transpose("time", "species").values
    shares = ds["hs_top_share"].isel(hs=q).transpose("time", "species").values
    total = ds["hs_norm_total"].isel(hs=q).values
    tot_share = (shares * norms**2).sum(axis=1) / np.maximum((norms**2).sum(axis=1), 1e-300)
    base = os.path.splitext(os.path.basename(path))[0]
    out = [(base, t, total, tot_share)]
    if with_species:
        names = species_names(ds)
        for i in range(norms.shape[1]):
            out.append((f"{base} {names[i]}", t, norms[:, i], shares[:, i]))
    ds.close()
    return out


def c_emp(t, y):
    return np.max((1 / y[0] - 1 / y[1:]) / t[1:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--s", type=float, required=True, help="H^s order (one the runs recorded)")
    ap.add_argument("--C", type=float, help="the constant to draw the bounds with (default: largest C_emp)")
    ap.add_argument("--species", action="store_true", help="also each species' own norm")
    ap.add_argument("--out", default="hs_growth.png")
    a = ap.parse_args()
    rows = [r for f in a.files for r in series(f, a.s, a.species)]
    cemps = [c_emp(t, y) for _, t, y, _ in rows]
    C = a.C
    if C is None:
        C = max(cemps)
        print(f"C = largest C_emp = {C:.10g} (not a verification: every file meets its own C_emp)")
    if not C > 0:
        sys.exit(f"C = {C:g}: the bounds need a positive constant (no run's norm grew)")

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 4.8), gridspec_kw={"width_ratios": [3, 2]})
    tau_max = 0
    for (label, t, y, share), ce in zip(rows, cemps):
        tau = C * t * y[0]
        tau_max = max(tau_max, tau[-1])
        ok = np.all((tau >= 1) | (y <= y[0] / np.maximum(1 - tau, 1e-300)))
        ax.plot(tau, y / y[0], lw=1.2, label=f"{label} (C_emp/C = {ce / C:.3f}{'' if ok else ', VIOLATES'})")
        ax2.semilogy(tau, np.maximum(share, 1e-300), lw=1)
    tb = np.linspace(0, min(0.97, max(tau_max, 0.8)), 300)
    ax.plot(tb, 1 / (1 - tb), "k--", lw=1.5, label="Riccati bound 1/(1 - C t y0)")
    ax.plot([0, 0.75], [4, 4], "k:", lw=1.5, label="4 y0 up to T* (C t y0 = 3/4)")
    ax.axvline(0.75, color="0.6", lw=0.8)
    ax.set_xlabel("C t y0  (time in units of each run's 1/(C y0))")
    ax.set_ylabel("y(t) / y0,  y = ||rho||_H^s")
    ax.set_title(f"H^{a.s:g} growth against Lemma 4.6, C = {C:.6g}")
    ax.set_yscale("log")
    ax.set_ylim(0.5, 100)
    ax.set_xlim(0, min(max(1.0, tau_max), 2.0))  # beyond C t y0 = 1 the Riccati bound is void
    ax.legend(fontsize=7, loc="upper left")
    ax2.axhline(MAX_SHARE, color="r", lw=0.8, ls="--")
    ax2.set_xlim(0, min(max(1.0, tau_max), 2.0))
    ax2.set_xlabel("C t y0")
    ax2.set_ylabel("top-third share of y^2")
    ax2.set_title("resolution (red: verify-hs warning threshold)")
    fig.tight_layout()
    fig.savefig(a.out, dpi=110)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
