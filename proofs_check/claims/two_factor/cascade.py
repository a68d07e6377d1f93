"""The period-doubling cascade of the balanced slice and the period-3 window: superstable
parameters, doubling points, their accumulation ``mu_inf``, Feigenbaum's delta and the period-3
saddle-node, computed from the derived slice (mpmath, :func:`numerics.bifurcation_points`), and
the certified (Krawczyk, arb) evidence for the constants the catalogue states.
"""

from __future__ import annotations

import functools
import math

import mpmath
import numpy as np
import sympy as sp

import numerics
from proofs_check import evidence as ev
from proofs_check.budget import by_budget
from proofs_check.claims.two_factor.derived import (
    a,
    critical_point,
    g_expr,
    kernel_g,
    model,
    mu,
    orbit_mp,
)
from proofs_check.claims.two_factor.exact import proved_value

#: accumulation point of the period-doubling cascade of the balanced slice (as claimed)
MU_INF = "1.302283462700712"
#: saddle-node birth of the first period-3 orbit (the period-3 window opens; as claimed)
MU_3 = "1.450440964487875"
FEIGENBAUM_DELTA = numerics.FEIGENBAUM_DELTA
#: the interval of the slice's states searched by the certification (holds the attractors)
SLICE_BOX = (0.05, 1.6)


def _slice():
    return model().slice("balanced")


@functools.cache
def superstable(kmax: int, dps: int = 40) -> tuple:
    """Parameters ``S_k`` (k = 0..kmax) where the period-``2^k`` orbit of the balanced slice
    contains the critical point ``a*`` (secant on ``g^n(a*) - a*``, Feigenbaum extrapolated
    starting guesses; ``S_0 = 1/2`` and ``S_1 = 3/sqrt2 - 1`` are the proved exact values of
    tf.slice.fixed_points and tf.slice.two_cycle_asymmetric); mpmath numbers at ``dps`` digits.

    Examples
    --------
    >>> [round(float(t), 10) for t in superstable(2)]
    [0.5, 1.1213203436, 1.2629896545]
    """
    with mpmath.workdps(dps):
        if kmax <= 1:
            out = (proved_value("tf.slice.fixed_points", "mu_super"),
                   proved_value("tf.slice.two_cycle_asymmetric", "mu_super"))
            return out[: kmax + 1]
        prev = superstable(kmax - 1, dps)
        n = 2**kmax
        d = prev[-1] - prev[-2]
        guess = prev[-1] + d / (mpmath.mpf(FEIGENBAUM_DELTA) if kmax > 2 else 4)
        root = mpmath.findroot(lambda m: orbit_mp(critical_point(m), m, n)[0] - critical_point(m),
                               (guess, guess + d * mpmath.mpf("1e-3")), solver="secant",
                               tol=mpmath.mpf(10) ** (-dps + 6))
        return (*prev, root)


@functools.cache
def _doubling_point(k: int, dps: int) -> numerics.BifurcationPoint:
    n = 2 ** (k - 1)
    S = superstable(k, dps)
    m0 = float(S[k - 1] + (S[k] - S[k - 1]) / 2)
    # converge onto the attractor at m0 (float64, compiled g), then refine with mpmath
    y = kernel_g().iterate([float(critical_point(mpmath.mpf(m0)))], {"mu": m0},
                           400 * n).final[0, 0]
    return numerics.bifurcation_points(_slice(), "mu", "period-doubling", n, near=m0, x0=[y],
                                       dps=dps)


@functools.cache
def doubling_points(kmax: int, dps: int = 40) -> tuple:
    """Period-doubling points ``mu_k`` where the period-``2^(k-1)`` orbit of the balanced slice
    has multiplier ``-1`` (k = 1..kmax; ``mu_1 = 1``, ``mu_2 = sqrt5 - 1``):
    :func:`numerics.bifurcation_points` (mpmath Newton on ``(g^n(y) - y, (g^n)'(y) + 1)``)
    started between consecutive superstable parameters.

    Examples
    --------
    >>> [round(float(t), 10) for t in doubling_points(3)]
    [1.0, 1.2360679775, 1.2880317545]
    """
    return tuple(_doubling_point(k, dps).value for k in range(1, kmax + 1))


def aitken(seq):
    """Accumulation point of a geometric-like sequence by Aitken's delta-squared (last three).

    Examples
    --------
    >>> aitken([1.0, 1.5, 1.75])
    2.0
    """
    x0, x1, x2 = seq[-3], seq[-2], seq[-1]
    return x2 - (x2 - x1) ** 2 / ((x2 - x1) - (x1 - x0))


@functools.cache
def superstable_period3(dps: int = 40):
    """Parameter where the period-3 orbit of the balanced slice contains the critical point:
    bracketed on a float64 grid (compiled g), refined by :func:`numerics.bifurcation_points`
    (kind ``"superstable"``).

    Examples
    --------
    >>> round(float(superstable_period3()), 8)
    1.45315558
    """
    grid = np.linspace(1.4, 1.6, 401)
    with mpmath.workdps(dps):
        c = np.array([float(critical_point(mpmath.mpf(m))) for m in grid])
    f = kernel_g().iterate(c, {"mu": grid}, 3).final[:, 0] - c
    for i in range(len(grid) - 1):
        if f[i] * f[i + 1] < 0:
            mid = (grid[i] + grid[i + 1]) / 2
            return numerics.bifurcation_points(_slice(), "mu", "superstable", 3, near=mid,
                                               x0=[(c[i] + c[i + 1]) / 2], dps=dps).value
    raise RuntimeError("no superstable period-3 parameter in (1.4, 1.6)")


@functools.cache
def period3_saddle_node(dps: int = 40):
    """``(mu_3, y)``: the first saddle-node of period 3 of the balanced slice (``g^3(y) = y``,
    ``(g^3)'(y) = 1``; :func:`numerics.bifurcation_points`, kind ``"tangent"``), started from the
    superstable period-3 orbit.

    Examples
    --------
    >>> round(float(period3_saddle_node()[0]), 10)
    1.4504409645
    """
    m3 = superstable_period3(dps)
    with mpmath.workdps(dps):
        y = float(critical_point(m3))   # the superstable orbit passes through a*
    bp = numerics.bifurcation_points(_slice(), "mu", "tangent", 3, near=float(m3) - 1e-4,
                                     x0=[y], dps=dps)
    return bp.value, bp.point[0]


@functools.cache
def slice_coefficients():
    """Coefficients of the derived g as a polynomial in ``a`` (lowest first), a NumPy function
    of mu."""
    coeffs = sp.Poly(g_expr(), a).all_coeffs()[::-1]
    return sp.lambdify((mu,), coeffs, "numpy")


def period3_orbits(m: float) -> int:
    """Number of real period-3 orbits of the balanced slice at ``mu = m`` (roots of
    ``g^3(a) - a`` that are not fixed points, floating point; g's coefficients derived)."""
    p = np.polynomial.Polynomial([float(t) for t in slice_coefficients()(m)])
    q = p(p(p)) - np.polynomial.Polynomial([0.0, 1.0])
    roots = q.roots()
    # Thresholds from measured separations (mu in [1, mu_3 + 1e-4]): the real roots come back
    # with imaginary part 0, the complex ones >= 4.5e-4 (the pair born at mu_3 splits like
    # sqrt(mu - mu_3)); fixed points have |g(r) - r| <= 7e-11, the other real roots >= 0.43.
    # 1e-7 and 1e-6 sit orders of magnitude from both sides.
    real = roots[np.abs(roots.imag) < 1e-7].real
    fixed = [r for r in real if abs(p(r) - r) < 1e-6]
    return (len(real) - len(fixed)) // 3


# ---- computed checks (``ev.computed``: ``(margin, details)``, the claim holds where margin >= 0)

def cascade_check(delta_claimed):
    """The check of tf.slice.cascade against a claimed Feigenbaum delta."""
    delta_claimed = float(delta_claimed)

    def compute(budget, seed):
        kmax = by_budget(budget, 10, 14)
        S = superstable(kmax)
        Mu = doubling_points(6)
        ratios_s = [float((S[k - 1] - S[k - 2]) / (S[k] - S[k - 1])) for k in range(2, kmax + 1)]
        ratios_d = [float((Mu[k - 1] - Mu[k - 2]) / (Mu[k] - Mu[k - 1])) for k in range(2, 6)]
        err = abs(ratios_s[-1] - delta_claimed)
        # the ratios converge geometrically at rate 1/delta (measured |ratio_k - delta| = 1.6e-6,
        # 3.4e-7, 7.4e-8 at k = 10, 11, 12), so the expected error is 1.6e-6 at k = 10 (quick)
        # and ~3e-9 at k = 14 (full); the tolerance is ~6x (quick) and ~30x (full) that
        tol = by_budget(budget, 1e-5, 1e-7)
        return tol - err, {"sample_size": kmax + 6, "worst_error": err, "margin_is":
                           f"{tol:g} - |ratio_{kmax} of superstable mu_k - claimed delta| "
                           f"({tol:g}: 6x / 30x the geometric error 1.6e-6 / 3e-9 at k = 10 / 14)",
                           "digits": round(-math.log10(err / delta_claimed), 1),
                           "value": ratios_s[-1], "claimed": delta_claimed,
                           "doubling_points": [mpmath.nstr(t, 16) for t in Mu],
                           "doubling_ratios": ratios_d, "superstable_ratios": ratios_s}
    return compute


def mu_inf_check(claimed):
    """The check of tf.slice.mu_inf: the Aitken extrapolation of the superstable parameters
    within 1e-10 of the claimed value (the spec asks for 10 digits; the extrapolation itself
    moves by < 1e-13 with its last point), and the extrapolation of the doubling points agreeing
    with it within its own error scale (how much it moves when its last point is added: 3.9e-8
    with 7 points, 8e-11 with 9). Both are differences in mu; the margin is the smaller slack."""
    claimed = float(claimed)

    def compute(budget, seed):
        kmax = by_budget(budget, 11, 14)
        S = superstable(kmax)
        D = doubling_points(by_budget(budget, 7, 9))
        from_s, from_d = aitken(S), aitken(D)
        d_step = float(abs(from_d - aitken(D[:-1])))
        gap = float(abs(from_s - from_d))
        err = abs(float(from_s) - claimed)
        worst_at = ({"superstable_vs_doubling": gap, "doubling_error_scale": d_step}
                    if gap > d_step else {"computed": float(from_s), "claimed": claimed})
        return min(1e-10 - err, d_step - gap), {
            "sample_size": kmax + len(D), "value": float(from_s), "claimed": claimed,
            "worst_error": err, "digits": round(-math.log10(max(err, 1e-300) / claimed), 1),
            "worst_at": worst_at, "from_superstable": mpmath.nstr(from_s, 15),
            "from_doubling": mpmath.nstr(from_d, 15), "superstable_vs_doubling": gap,
            "doubling_error_scale": d_step, "margin_is":
            "min(1e-10 - |Aitken(superstable) - claimed|, s - |Aitken(superstable) - "
            "Aitken(doubling)|) (1e-10: spec's 10 digits; s: doubling Aitken's last move)"}
    return compute


def period3_check(claimed):
    """The check of tf.slice.period3: the saddle-node (2-D Newton on ``(g^3 - id, (g^3)' - 1)``,
    40 digits) within 1e-10 of the claimed ``mu_3`` (the spec asks for 10 digits), no real
    period-3 orbit on a grid of mu below it nor just below it, and four (two +- symmetric pairs)
    just above it."""
    claimed = float(claimed)

    def compute(budget, seed):
        m3, y = period3_saddle_node()
        n = by_budget(budget, 40, 400)
        below = period3_orbits(float(m3) - 1e-4)
        above = period3_orbits(float(m3) + 1e-4)
        before = max(period3_orbits(m) for m in np.linspace(1.0, float(m3) - 1e-3, n))
        counts = {"orbits_below": below, "orbits_above": above, "max_orbits_before": before}
        err = abs(float(m3) - claimed)
        counts_hold = below == 0 and above == 4 and before == 0
        margin = 1e-10 - err if counts_hold else min(1e-10 - err, -1.0)
        return margin, {"sample_size": n + 2, "value": float(m3), "claimed": claimed,
                        "worst_error": err,
                        "digits": round(-math.log10(max(err, 1e-300) / claimed), 1),
                        "worst_at": {"computed": float(m3), "claimed": claimed} if counts_hold
                        else counts, **counts,
                        "superstable_period3": mpmath.nstr(superstable_period3(), 15),
                        "saddle_node_point": mpmath.nstr(y, 15), "margin_is":
                        "1e-10 - |mu_3 (Newton, 40 digits) - claimed|, <= -1 unless 0 period-3 "
                        "orbits below mu_3 and 4 just above (1e-10: the spec's 10 digits)"}
    return compute


# ---- certified constants (Krawczyk enclosures in arb, built when checked) -----------------------

def certified_doubling(k: int, value, tol):
    """Krawczyk enclosure (arb) of the k-th doubling point against its claimed value: an exact
    value (``tol=None``) must lie in the enclosure, a decimal must contain it within ``tol``."""
    n = 2 ** (k - 1)
    what = f"doubling {n} -> {2 * n} of the balanced slice"
    return ev.lazy(lambda: ev.bifurcation_point(
        _slice(), "mu", "period-doubling", n, near=float(value), claimed=value, tol=tol,
        box=SLICE_BOX, description=what), what, kind="interval")


def certified_superstable(n: int, value, tol):
    """Krawczyk enclosure of the parameter where the period-n orbit passes through the critical
    point a* (started from a*), within ``tol`` of the claimed value."""
    what = f"superstable period-{n} orbit of the balanced slice"

    def build():
        m = float(value)
        return ev.bifurcation_point(_slice(), "mu", "superstable", n, near=m, claimed=value,
                                    tol=tol, box=SLICE_BOX,
                                    x0=[float(critical_point(mpmath.mpf(m)))], description=what)
    return ev.lazy(build, what, kind="interval")


def certified_saddle_node(value, tol):
    """Krawczyk enclosure of the period-3 saddle-node within ``tol`` of the claimed value."""
    what = "period-3 saddle-node of the balanced slice"
    return ev.lazy(lambda: ev.bifurcation_point(
        _slice(), "mu", "tangent", 3, near=float(value), claimed=value, tol=tol, box=SLICE_BOX,
        description=what), what, kind="interval")
