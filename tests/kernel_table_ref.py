#!/usr/bin/env python3
"""Reference cell integrals for tests/test_kernel_table.c, printed as C initialisers.

W(q) = integral over the cell centred at q o h (sides h) of K(|x|), computed by Gaussian
subordination, a method that shares nothing with src/lib/kernel_table.c:

  |x|^beta  = 1/Gamma(s) int_0^inf t^(s-1) [e^(-t|x|^2) - Taylor terms] dt,  s = -beta/2,
  log|x|^2  = int_0^inf (e^-t - e^(-t|x|^2)) / t dt,
  e^(-r/l)  = pi^-1/2 int_0^inf e^-u u^-1/2 e^(-r^2 / (4 u l^2)) du,

so the cell integral of e^(-t|x|^2) is a product of erf differences and what remains is one
integral over t, done by mpmath's tanh-sinh quadrature at 40 digits, with the endpoint
behaviours removed by substitutions (v = t^(s+j) near 0; u = t^(s - d/2) at infinity for the
cell that holds the origin). Checked against closed forms (the square and the cube of
|x|^-1, the square of log|x|) to 19+ digits. Run once: python3 tests/kernel_table_ref.py
(needs mpmath; a few minutes).
"""
import itertools
import mpmath as mp

mp.mp.dps = 40


def G(t, x0, x1):
    """int_x0^x1 e^(-t x^2) dx: far out on one side of 0 by erfc (relative accuracy where erf
    would be 1 - tiny), elsewhere by erf (erfc would be 1 - tiny near t = 0)"""
    st = mp.sqrt(t)
    c = mp.sqrt(mp.pi) / (2 * st)
    if x0 >= 0 and st * x0 > 1:
        return c * (mp.erfc(st * x0) - mp.erfc(st * x1))
    if x1 <= 0 and -st * x1 > 1:
        return c * (mp.erfc(-st * x1) - mp.erfc(-st * x0))
    return c * (mp.erf(st * x1) - mp.erf(st * x0))


def box(q, h):
    return [((mp.mpf(qa) - mp.mpf(1) / 2) * ha, (mp.mpf(qa) + mp.mpf(1) / 2) * ha) for qa, ha in zip(q, h)]


def prodG(t, B):
    p = mp.mpf(1)
    for x0, x1 in B:
        p *= G(t, x0, x1)
    return p


def vol(B):
    v = mp.mpf(1)
    for x0, x1 in B:
        v *= x1 - x0
    return v


def straddle(B):
    return sum(1 for x0, x1 in B if x0 < 0 < x1)


def breaks(B):
    """Break points in t: 1/(largest r)^2 .. 1/(smallest width)^2 and the distance from 0."""
    rmax2 = sum(max(x0 * x0, x1 * x1) for x0, x1 in B)
    wmin = min(x1 - x0 for x0, x1 in B)
    dmin2 = sum((min(abs(x0), abs(x1)) if x0 * x1 > 0 else 0) ** 2 for x0, x1 in B)
    pts = [mp.mpf(0), 1 / rmax2 / 16, 1 / rmax2, 1 / wmin ** 2]
    if dmin2 > 0:
        pts += [1 / dmin2, 40 / dmin2]
    return sorted(set(pts)) + [mp.inf]


def moment(B, k):
    """int_B |x|^(2k), by the multinomial expansion of (sum x_a^2)^k"""
    d = len(B)
    tot = mp.mpf(0)
    for ks in itertools.product(range(k + 1), repeat=d):
        if sum(ks) != k:
            continue
        c = mp.factorial(k)
        term = mp.mpf(1)
        for (x0, x1), ka in zip(B, ks):
            c /= mp.factorial(ka)
            term *= (x1 ** (2 * ka + 1) - x0 ** (2 * ka + 1)) / (2 * ka + 1)
        tot += c * term
    return tot


def tail(s, B, P, T2):
    """int_T2^inf t^(s-1) P(t) dt; algebraic decay t^(-d/2) when the box holds the origin"""
    d = len(B)
    if straddle(B) == d:
        e = s - mp.mpf(d) / 2
        return mp.quad(lambda u: P(u ** (1 / e)) * (u ** (1 / e)) ** (mp.mpf(d) / 2), [0, T2 ** e]) / (-e)
    return mp.quad(lambda t: t ** (s - 1) * P(t), [T2, mp.inf])


def power_cell(beta, B):
    """int_B |x|^beta for -d < beta < 4, beta not an even integer"""
    s = -beta / 2
    V = vol(B)
    R2 = moment(B, 1)
    M = [moment(B, k) for k in range(6)]
    rmax2 = sum(max(x0 * x0, x1 * x1) for x0, x1 in B)
    P = lambda t: prodG(t, B)
    pts = breaks(B)[:-1]
    T1, T2 = pts[1], pts[-1]

    def taylor(t, j):  # P minus its first j Taylor terms, where the subtraction would cancel
        return sum((-t) ** k * M[k] / mp.factorial(k) for k in range(j, 6))

    small = mp.mpf(10) ** -8
    if beta < 0:
        j, sub, closed = 0, P, 0
    elif beta < 2:
        j, closed = 1, V * T2 ** s / s
        sub = lambda t: P(t) - V if t * rmax2 > small else taylor(t, 1)
    elif beta < 4:
        j, closed = 2, V * T2 ** s / s - R2 * T2 ** (s + 1) / (s + 1)
        sub = lambda t: P(t) - V + t * R2 if t * rmax2 > small else taylor(t, 2)
    else:
        raise ValueError(beta)
    e = s + j
    lo = mp.quad(lambda v: sub(v ** (1 / e)) / (v ** (1 / e)) ** j, [0, T1 ** e]) / e
    mid = mp.quad(lambda t: t ** (s - 1) * sub(t), pts[1:])
    return (lo + mid + tail(s, B, P, T2) + closed) / mp.gamma(s)


def exp_cell(l, B):
    """int_B e^(-|x|/l)"""
    l = mp.mpf(l)
    f = lambda u: mp.exp(-u) / mp.sqrt(u) * prodG(1 / (4 * u * l * l), B)
    dmin2 = sum((min(abs(x0), abs(x1)) if x0 * x1 > 0 else 0) ** 2 for x0, x1 in B)
    pts = [mp.mpf(0), mp.mpf(1) / 64, mp.mpf(1) / 4, mp.mpf(1), mp.mpf(4)]
    if dmin2 > 0:
        # the integrand peaks at the saddle u* of u + r^2 / (4 u l^2), width ~ sqrt(u*/2):
        # break points across the peak (wide tanh-sinh panels miss it far out)
        us = mp.sqrt(dmin2) / (2 * l)
        sig = mp.sqrt(us / 2) + 1
        pts += [us + k * sig for k in range(-12, 13) if us + k * sig > 0] + [us / 4, us / 2, 2 * us, 4 * us]
    return mp.quad(f, sorted(set(pts)) + [mp.inf]) / mp.sqrt(mp.pi)


def exact(x):
    """the double nearest x, exactly: the C test's grid spacing and parameters are doubles"""
    return mp.mpf(float(x))


def cell(kind, par, q, h):
    B = box(q, [exact(x) for x in h])
    if kind == 'riesz':
        return power_cell(-exact(par), B)
    if kind == 'power':  # |x|^a / a
        return power_cell(exact(par), B) / exact(par)
    if kind == 'morse':  # -Ca e^(-r/la) + Cr e^(-r/lr)
        ca, la, cr, lr = [exact(x) for x in par]
        return -ca * exp_cell(la, B) + cr * exp_cell(lr, B)
    if kind == 'gaussian':
        return prodG(1 / exact(par), B)
    raise ValueError(kind)


def term(kind, par):
    if kind == 'riesz':
        return '{.type = FA_KERNEL_RIESZ, .strength = 1, .alpha = %s}' % par
    if kind == 'power':
        return '{.type = FA_KERNEL_POWER, .strength = 1, .exponent = %s}' % par
    if kind == 'gaussian':
        return '{.type = FA_KERNEL_GAUSSIAN, .strength = 1, .length = %s}' % par
    if kind == 'morse':
        return ('{.type = FA_KERNEL_MORSE, .attraction = %s, .attraction_length = %s, .repulsion = %s, '
                '.repulsion_length = %s}' % par)
    raise ValueError(kind)


H2, H3 = ('0.1', '0.1'), ('0.1', '0.1', '0.1')
MORSE = ('1', '1', '2', '0.3')
CASES = [
    # kind, parameter, h, cells
    ('riesz', '0.3', H2, [(0, 0), (1, 0), (2, 1), (40, 17)]),
    ('riesz', '1.9', H2, [(0, 0), (1, 0), (1, 1), (9, 4)]),
    ('power', '-0.5', H2, [(0, 0), (1, 1), (13, 2)]),
    ('power', '1.5', H2, [(0, 0), (1, 0), (5, 3), (200, 1)]),
    ('power', '3.3', H2, [(0, 0), (1, 1), (30, 29)]),
    ('morse', MORSE, H2, [(0, 0), (1, 0), (2, 2), (50, 20)]),
    ('morse', ('1', '0.04', '2', '0.03'), H2, [(0, 0), (1, 0), (1, 1), (3, 2)]),
    ('gaussian', '0.05', H2, [(0, 0), (1, 0), (3, 2), (9, 7)]),
    ('riesz', '1.2', ('0.1', '0.037'), [(0, 0), (1, 0), (0, 1), (5, 11)]),
    ('morse', MORSE, ('0.1', '0.27'), [(0, 0), (1, 0), (0, 1), (4, 3)]),
    ('riesz', '0.3', H3, [(0, 0, 0), (1, 0, 0), (2, 1, 1), (30, 7, 3)]),
    ('riesz', '2.7', H3, [(0, 0, 0), (1, 0, 0), (1, 1, 1), (6, 2, 0)]),
    ('power', '-2.5', H3, [(0, 0, 0), (1, 1, 0), (4, 0, 3)]),
    ('power', '1.5', H3, [(0, 0, 0), (1, 0, 0), (7, 5, 2)]),
    ('power', '3.3', H3, [(0, 0, 0), (2, 1, 0)]),
    ('morse', MORSE, H3, [(0, 0, 0), (1, 0, 0), (1, 1, 1), (12, 3, 5)]),
    ('gaussian', '0.05', H3, [(0, 0, 0), (2, 1, 0)]),
    ('riesz', '1.5', ('0.1', '0.05', '0.2'), [(0, 0, 0), (1, 0, 0), (0, 1, 0), (0, 0, 1), (3, 7, 1)]),
    ('power', '1.5', ('0.1', '0.1', '0.04'), [(0, 0, 0), (1, 1, 0), (2, 3, 9)]),
]

if __name__ == '__main__':
    for kind, par, h, cells in CASES:
        for q in cells:
            v = cell(kind, par, q, h)
            hh = ', '.join(list(h) + ['1'] * (3 - len(h)))
            qq = ', '.join(str(x) for x in list(q) + [0] * (3 - len(q)))
            print('    {%s, %d, {%s}, {%s}, %s},' % (term(kind, par), len(h), hh, qq, mp.nstr(v, 21, min_fixed=1, max_fixed=0)),
                  flush=True)
