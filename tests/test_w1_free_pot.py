"""W1 on free grids (the whole space): the library against independent computations (run by
tests/test_w1_free_pot.sh).

1D: the exact line formula (the integral of |F - G| over x) against the quantile form of the
same distance, W1 = integral over t in (0, M) of |F^-1(t) - G^-1(t)|, also exact (the other
variable: both quantile functions are piecewise linear in t).

2D, 3D: the grid Beckmann problem with no flux through the box boundary against exact
linear-programming optimal transport (POT's ot.emd2) between cell centres with the Euclidean
cost |x - y| (no periodic images). The two are different discretisations of the continuum W1 of
the piecewise-constant densities, each with an O(h) error: the LP moves the mass of a cell from
its centre (|W_LP - W| <= 2 * 0.3826 h M in 2D, 2 * 0.4803 h M in 3D: twice the mean distance
of a point of a cell to its centre; also W_LP >= W, since the cell averages of a 1-Lipschitz
function are 1-Lipschitz on the centres), the grid problem moves it through faces.

  sampled: four pairs (a corner-to-corner translate, whose LP value is exactly M |a|; two
  blobs each; mass piled against two different faces; smooth non-periodic densities) sampled
  on 8x8 .. 32x32 and 4^3 .. 12^3 grids, grid and LP at each. The densities change with the
  grid, so each n has its own continuum value.
  refined: the same pairs on 8x8 / 4^3 cells held fixed (one continuum value W), the grid
  problem on them with each cell split into r^d cells, the LP with each split into q^d atoms:
  both must tend to the same W. This is the sharper test: it leaves no room for a consistent
  offset (say a wrong boundary), which the sampled comparison could mistake for discretisation.

Everything measured is printed: (W_grid - W_LP) / (M h), |W_grid - W_LP| and the observed
orders; the checks are regression bounds from those measurements (comments at the end).

usage: test_w1_free_pot.py PROBE    (PROBE = tests/test_w1, run as 'PROBE probe-free ...')
"""
import atexit
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import ot

probe_exe = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="fa-w1free.")
atexit.register(shutil.rmtree, tmp, ignore_errors=True)
failures = 0


def check(ok, msg):
    global failures
    print(("ok  : " if ok else "FAIL: ") + msg, flush=True)
    if not ok:
        failures += 1


def probe(f, g, L, mode="probe-free"):
    """(value, lower, upper, iterations, converged) from the library, f and g as [z][y][x]."""
    fa, fb = os.path.join(tmp, "f.bin"), os.path.join(tmp, "g.bin")
    f.astype("<f8").tofile(fa)
    g.astype("<f8").tofile(fb)
    shape = list(f.shape[::-1])  # x first
    args = [probe_exe, mode, str(f.ndim)] + [str(s) for s in shape] + [repr(float(L))] * f.ndim + [fa, fb]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1]), float(out[2]), int(out[3]), int(out[4])


# ---- 1D: the line formula against the quantile form -----------------------------------------
def quantile_w1(f, g, L):
    """integral over t in (0, M) of |F^-1(t) - G^-1(t)|, exactly: both quantile functions are
    linear between consecutive values of F and G at the cell edges, so on each such interval
    the integrand is |a linear function|, integrated in closed form."""
    n = len(f)
    h = L / n
    x = -L / 2 + np.arange(n + 1) * h
    F = np.concatenate([[0.0], np.cumsum(f) * h])
    G = np.concatenate([[0.0], np.cumsum(g) * h])
    G *= F[-1] / G[-1]
    t = np.unique(np.concatenate([F, G]))
    lo, dt = t[:-1], np.diff(t)
    # the quantiles inside each interval (flat pieces of F, the empty cells, are single values
    # of t, never inside one), extended linearly to its ends
    q1, q3 = lo + 0.25 * dt, lo + 0.75 * dt
    d1 = np.interp(q1, F, x) - np.interp(q1, G, x)
    d3 = np.interp(q3, F, x) - np.interp(q3, G, x)
    a, b = 1.5 * d1 - 0.5 * d3, 1.5 * d3 - 0.5 * d1
    same = a * b >= 0
    den = np.where(same, 1.0, np.abs(a - b))
    return np.where(same, 0.5 * dt * np.abs(a + b), 0.5 * dt * (a * a + b * b) / den).sum()


rng = np.random.default_rng(20240611)
worst = 0.0
cases = 0
for n, L in [(7, 1.0), (60, 3.0), (200, 10.0), (333, 2.5)]:
    for k in range(3):
        f = rng.random(n) ** 3
        g = rng.random(n) * (rng.random(n) > 0.3)  # with empty cells
        if k == 2:  # a one-cell mass against a bump that touches an edge
            f = np.zeros(n)
            f[rng.integers(n)] = 1.0
            x = np.arange(n) / n
            g = np.maximum(0, 1 - (x * 2) ** 2)
        g *= f.sum() / g.sum()
        v = probe(f, g, L)[0]
        ref = quantile_w1(f, g, L)
        e = abs(v - ref) / ref
        worst = max(worst, e)
        cases += 1
check(worst <= 1e-12, "1D free: %d random pairs (n = 7 .. 333, empty cells, one-cell masses): the line "
      "formula against the exact quantile form: max relative difference %.1e <= 1e-12" % (cases, worst))

# ---- 2D, 3D: grid Beckmann (no flux) against exact LP between cell centres ------------------
L = 2.0


def centres(n, d):
    h = L / n
    x = -L / 2 + (np.arange(n) + 0.5) * h
    return h, np.meshgrid(*([x] * d), indexing="ij")[::-1]  # X, Y(, Z) as [z][y][x] arrays


def cell_avg(fn, n, d, q=3):
    """Cell averages by q^d Gauss-Legendre points."""
    h, P = centres(n, d)
    xg, wg = np.polynomial.legendre.leggauss(q)
    out = np.zeros(P[0].shape)
    for idx in np.ndindex(*([q] * d)):
        w = np.prod([wg[i] for i in idx]) / 2 ** d
        out += w * fn(*[P[a] + 0.5 * xg[idx[a]] * h for a in range(d)])
    return out


def bump(c, R):
    def fn(*x):
        r2 = sum((xa - ca) ** 2 for xa, ca in zip(x, c))
        return np.maximum(0, 1 - r2 / R ** 2) ** 2
    return fn


def edge(axis, side, s=0.35):
    """Mass piled against one face of the box: exp(-distance to it / s)."""
    def fn(*x):
        return np.exp(-(L / 2 - side * x[axis]) / s)
    return fn


def smooth(seed, d):
    """A positive, non-periodic smooth density: a ramp and a few half-wave cosines."""
    r = np.random.default_rng(seed)
    ramp = r.normal(size=d)
    modes = [(r.integers(0, 4, size=d), r.normal(), r.random() * 2 * np.pi) for _ in range(5)]

    def fn(*x):
        s = 1.8 + sum(0.3 * ramp[a] * x[a] / L for a in range(d))
        for k, a, p in modes:
            s = s + 0.2 * a * np.cos(np.pi * sum(k[i] * (x[i] + L / 2) for i in range(d)) / L + p)
        return s
    return fn


def lp(f, g, n, d):
    h, P = centres(n, d)
    X = np.stack([p.ravel() for p in P], 1)
    C = ot.dist(X, X, metric="euclidean")
    return ot.emd2(f.ravel() * h ** d, g.ravel() * h ** d, C, numItermax=10 ** 8)


def pairs(n, d):
    s = n // 2  # the corner-to-corner translate: (1, .., 1)
    R = 0.3 if d == 2 else 0.5  # 3D: a wider bump, the grids being coarser
    base = cell_avg(bump([-0.5] * d, R), n, d)
    shifted = base
    for ax in range(d):
        shifted = np.roll(shifted, s, ax)  # support [-0.5 - R, -0.5 + R] + 1: no wrap-around
    blobs_f = lambda *x: bump([-0.7] + [0.3] * (d - 1), 0.35)(*x) + 0.7 * bump([0.4] + [-0.5] * (d - 1), 0.45)(*x)
    blobs_g = lambda *x: bump([0.65] * d, 0.35)(*x) + 0.7 * bump([-0.3] + [-0.2] * (d - 1), 0.4)(*x)
    return {
        "translate": (base, shifted),
        "two blobs": (cell_avg(blobs_f, n, d), cell_avg(blobs_g, n, d)),
        "edges": (cell_avg(edge(0, -1), n, d), cell_avg(edge(d - 1, +1), n, d)),
        "smooth": (cell_avg(smooth(1, d), n, d), cell_avg(smooth(2, d), n, d)),
    }


def normalised(f, g, h, d):
    return f / (f.sum() * h ** d), g / (g.sum() * h ** d)  # mass M = 1


def sampled(d, grids):
    """Each pair sampled on grids of n^d cells: the grid problem and the LP at every n."""
    print("    %dD  n   case        W_grid      [lower, upper]           iter  W_LP        (W_grid-W_LP)/(M h)" % d)
    devs = {}
    for n in grids:
        h = L / n
        for name, (f, g) in pairs(n, d).items():
            f, g = normalised(f, g, h, d)
            v, lo, up, it, conv = probe(f, g, L)
            w = lp(f, g, n, d)
            devs.setdefault(name, []).append((n, (v - w) / h))
            print("   %4d   %-10s %.8f [%.8f, %.8f] %4d  %.8f  %+.4f" % (n, name, v, lo, up, it, w, (v - w) / h))
            if not conv:
                check(False, "%dD %d^%d %s: the iteration did not converge" % (d, n, d, name))
            if name == "translate":
                ex = np.sqrt(d)  # M |a|, a = (1, .., 1)
                check(abs(w - ex) <= 1e-9 and up >= ex * (1 - 1e-12),
                      "%dD %d^%d: the LP value of the corner-to-corner translate is M |a| = %.10f (%.10f) and the "
                      "grid's upper bound is not below it (%.10f)" % (d, n, d, ex, w, up))
        if n == grids[0]:
            # the free value is the whole-space one, not the torus': on the torus the edge
            # pair are neighbours across the periodic faces
            f, g = normalised(*pairs(n, d)["edges"], h, d)
            vp, vf = probe(f, g, L, "probe")[0], probe(f, g, L)[0]
            check(vp < 0.8 * vf, "%dD %d^%d edges: periodic %.6f < free %.6f" % (d, n, d, vp, vf))
    return devs


def sampled_checks(d, devs, bound, shrink):
    worst = max(abs(x) for v in devs.values() for (_, x) in v)
    check(worst <= bound, "%dD sampled pairs: |W_grid - W_LP| <= %.2f M h on all grids (largest %.3f M h)"
          % (d, bound, worst))
    for name, v in devs.items():
        rel = [abs(x) * L / k for k, x in v]  # |W_grid - W_LP| / M, h = L / n
        p = np.log(rel[0] / rel[-1]) / np.log(v[-1][0] / v[0][0])
        msg = "%dD %s: |W_grid - W_LP| / M from %d to %d cells per side: %s (overall order %.2f)" % (
            d, name, v[0][0], v[-1][0], ", ".join("%.2e" % r for r in rel), p)
        if name == "smooth":
            # both discretisations are O(h) off the continuum here, with the same sign and
            # similar size, and the densities themselves change with n: their difference is
            # not monotone (measured: 3D 3.9e-4 .. 5.7e-4). refined() below shows that the two
            # have the same limit; here the bound above is the check
            print("      " + msg)
        else:
            check(rel[-1] <= rel[0] / shrink, msg + ", shrinks by %.1f >= %.1f" % (rel[0] / rel[-1], shrink))


def refined(d, n, rs, qs, shrink):
    """One pair of piecewise-constant densities on n^d cells, so one continuum value W: the grid
    problem on the same densities with every cell split into r^d (r in rs), the LP between the
    centres of every cell split into q^d (q in qs). Each LP value is an upper bound for W (a
    1-Lipschitz function's cell averages are 1-Lipschitz on the centres) and tends to it as
    h/q; the grid value tends to it as h/r. |W_grid(r) - min_q W_LP(q)| must shrink."""
    h = L / n
    print("    %dD %d^%d pairs refined: W_grid for r = %s, W_LP for q = %s" % (d, n, d, rs, qs))
    for name, (f, g) in pairs(n, d).items():
        f, g = normalised(f, g, h, d)
        grid = []
        for r in rs:
            F, G = (np.kron(x, np.ones((r,) * d)) for x in (f, g))
            grid.append(probe(F, G, L))
        lps = [lp(*(np.kron(x, np.ones((q,) * d)) for x in (f, g)), n * q, d) for q in qs]
        best = min(lps)
        dev = [abs(v[0] - best) for v in grid]
        print("      %-10s grid %s; LP %s" % (name, " ".join("%.8f" % v[0] for v in grid),
                                              " ".join("%.8f" % w for w in lps)))
        p = np.log(dev[0] / dev[-1]) / np.log(rs[-1] / rs[0])
        check(dev[-1] <= dev[0] / shrink and all(v[4] for v in grid),
              "%dD %d^%d %s refined: |W_grid - W_LP| %s (r = %s; overall order %.2f), shrinks by %.1f >= %.1f"
              % (d, n, d, name, ", ".join("%.2e" % x for x in dev), rs, p, dev[0] / dev[-1], shrink))


# bounds from the measurements (doc/theory/w1-whole-space.md), with room for rounding-level
# changes only. 2D sampled: the largest |W_grid - W_LP| is 0.399 M h (translate, 8x8); the pairs
# but the smooth one shrink at least 4.9x from 8 to 32 cells per side (order 1.15). Refined 8x8,
# r = 1 .. 8: at least 15.9x (order 1.33).
sampled_checks(2, sampled(2, [8, 16, 24, 32]), 0.5, 3.0)
refined(2, 8, [1, 2, 4, 8], [1, 2, 4], 8.0)
# 3D sampled, 4^3 .. 12^3: the largest is 0.537 M h (translate, 8^3); the pairs but the smooth
# one shrink at least 2.8x (order 0.94). Refined 4^3, r = 1 .. 4: at least 8.0x (order 1.50).
sampled_checks(3, sampled(3, [4, 6, 8, 12]), 0.7, 2.2)
refined(3, 4, [1, 2, 4], [1, 2, 3], 4.0)
sys.exit(1 if failures else 0)
