#!/usr/bin/env python3
"""The script a user would write instead of fracagg: the same scheme in NumPy.

One species on a periodic 2D grid, Riesz self-kernel C|x|^-alpha:
  * potential by FFT with the exact multiplier C c(2,alpha) |k|^(alpha-2) (zero mode removed),
  * face velocities u = -(phi[c+1] - phi[c])/h, MUSCL face values with the van Albada limiter,
    upwind fluxes, conservative differences,
  * SSP-RK3 with the same step bound as fracagg (positivity: dt sum_a 2 max|u_a|/h <= cfl;
    stability: dt rho_max max_k |k|_h^2 K^(k) <= 2 cfl).
Written the way a careful NumPy user would: whole-array operations, rfft2/irfft2, np.roll.

    python3 bench/peer_numpy.py INIT.nc EXACT.nc --alpha A --strength C --end T [--cfl 0.9]

INIT.nc and EXACT.nc are fracagg run files holding the initial cell averages and the exact
solution's cell averages at time T (their first record is read); the script prints the
wall time of the time stepping, the steps, the right-hand-side evaluations and the L1 error.
"""
import argparse
import math
import time

import netCDF4
import numpy as np


def riesz_constant(d, alpha):
    return 2 ** (d - alpha) * math.pi ** (d / 2) * math.gamma((d - alpha) / 2) / math.gamma(alpha / 2)


def density(f, record):
    """The first species' density at a record of an open run file, in either layout
    (fracagg_layout 2: density_<name>(time, ...) per species, the names in the char coordinate
    species; before: rho(time, species, ...))."""
    if getattr(f, "fracagg_layout", 1) >= 2:
        name = str(f["species"][0])  # netCDF4 reads the char coordinate as strings (_Encoding)
        return np.array(f["density_" + name][record], dtype=float)
    return np.array(f["rho"][record, 0], dtype=float)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("init")
    p.add_argument("exact")
    p.add_argument("--alpha", type=float, required=True)
    p.add_argument("--strength", type=float, default=1.0)
    p.add_argument("--end", type=float, required=True)
    p.add_argument("--cfl", type=float, default=0.9)
    a = p.parse_args()

    with netCDF4.Dataset(a.init) as f:
        rho = density(f, 0)
        x = np.array(f["x"][:])
        y = np.array(f["y"][:])
    with netCDF4.Dataset(a.exact) as f:
        exact = density(f, 0)
    ny, nx = rho.shape
    hx, hy = x[1] - x[0], y[1] - y[0]
    Lx, Ly = nx * hx, ny * hy

    kx = 2 * np.pi * np.fft.rfftfreq(nx, d=hx)
    ky = 2 * np.pi * np.fft.fftfreq(ny, d=hy)
    KX, KY = np.meshgrid(kx, ky)
    kabs = np.sqrt(KX ** 2 + KY ** 2)
    with np.errstate(divide="ignore"):
        khat = a.strength * riesz_constant(2, a.alpha) * kabs ** (a.alpha - 2)
    khat[0, 0] = 0.0
    kdisc2 = 4 / hx ** 2 * np.sin(KX * hx / 2) ** 2 + 4 / hy ** 2 * np.sin(KY * hy / 2) ** 2
    stiff = float(np.max(kdisc2 * np.abs(khat)))

    def rhs(r):
        phi = np.fft.irfft2(khat * np.fft.rfft2(r), s=r.shape)
        out = np.zeros_like(r)
        umax = 0.0
        for axis, h in ((1, hx), (0, hy)):
            fwd = np.roll(r, -1, axis) - r
            bwd = r - np.roll(r, 1, axis)
            ab = fwd * bwd
            pos = ab > 0
            slope = np.where(pos, ab * (fwd + bwd), 0.0) / np.where(pos, fwd * fwd + bwd * bwd, 1.0)
            east = r + 0.5 * slope
            west_next = np.roll(r - 0.5 * slope, -1, axis)
            u = -(np.roll(phi, -1, axis) - phi) / h
            flux = np.maximum(u, 0) * east + np.minimum(u, 0) * west_next
            out -= (flux - np.roll(flux, 1, axis)) / h
            umax += 2 * np.max(np.abs(u)) / h
        return out, umax

    t, T, steps, nrhs = 0.0, a.end, 0, 0
    start = time.perf_counter()
    while t < T:
        f0, rate = rhs(rho)
        nrhs += 1
        dt = math.inf
        if rate > 0:
            dt = 1 / rate
        lam = rho.max() * stiff
        if lam > 0:
            dt = min(dt, 2 / lam)
        dt *= a.cfl
        if t + dt >= T - 1e-12 * max(1.0, abs(T)):
            dt = T - t
        y1 = rho + dt * f0
        f1, _ = rhs(y1)
        y2 = 0.75 * rho + 0.25 * (y1 + dt * f1)
        f2, _ = rhs(y2)
        rho = rho / 3 + 2 / 3 * (y2 + dt * f2)
        nrhs += 2
        t = T if t + dt >= T else t + dt
        steps += 1
    wall = time.perf_counter() - start
    err = float(np.abs(rho - exact).sum() * hx * hy)
    print(f"numpy ssprk3: wall {wall:.3f} s, steps {steps}, rhs {nrhs}, L1 error {err:.4e}, "
          f"grid {nx}x{ny}, box {Lx:g}x{Ly:g}")


if __name__ == "__main__":
    main()
