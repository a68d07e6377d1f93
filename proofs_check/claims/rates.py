"""Catalogue: asymptotic rates near minimiser manifolds and weight-decay thresholds (spec
section D: ``pl.*`` after Kassing & Kruse, arXiv 2605.14663; ``wd.*`` after Kolic et al.,
arXiv 2605.16622).

The local rate is measured on GD orbits computed in mpmath (60 digits) so that the loss can be
followed far below float64's resolution of a residual; the Hessian at the limit point comes from
the exact Hessian of the loss (:func:`theory.gd.hessian`), evaluated at the computed limit.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claim import Claim
from proofs_check.claims.matrix_factorization import _id, _q
from theory.gd import gd_map, hessian
from theory.models import matrix_factorization as mf

__all__ = ["CLAIMS", "MODEL", "loss_ratio"]

MODEL = "rates"
PL = "Kassing & Kruse, arXiv 2605.14663 (local PL), spec section D"
WD = "Kolic et al., arXiv 2605.16622 (weight decay), spec section D"


def _problems():
    a, b = sp.symbols("a b", real=True)
    u1, u2 = sp.symbols("u1 u2", real=True)
    m = mf.model(2, 2)
    Ysub = {m.Y[0, 0]: sp.Rational(3, 2), m.Y[0, 1]: sp.Rational(1, 5), m.Y[1, 1]: sp.Rational(1,
                                                                                               2)}
    return {
        "two-factor": ((a * b - 1) ** 2 / 2, (a, b)),
        "scalar-fact-2d": ((u1**2 + u2**2 - 1) ** 2 / 4, (u1, u2)),
        "matrix-fact-2x2": (m.loss.subs(Ysub), tuple(m.U)),
    }


def loss_ratio(problem: str, eta: float, x0, steps: int = 400, dps: int = 60):
    """GD on a catalogue problem in mpmath: returns ``(ratio, claimed, hmax_eta)`` where ratio is
    ``L_{k+1}/L_k`` at the end, claimed ``max_i (1 - eta h_i)^2`` over the non-zero Hessian
    eigenvalues at the final point, and ``eta max h_i``.

    Examples
    --------
    >>> r, c, s = loss_ratio("two-factor", 0.3, (1.3, 0.4), steps=200)
    >>> abs(r - c) < 1e-6, s < 2
    (True, True)
    """
    loss, params = _problems()[problem]
    F = gd_map(loss, params, step=sp.Symbol("eta", positive=True))
    upd = sp.lambdify((*params, F.step), F.update, "mpmath")
    L = sp.lambdify(params, loss, "mpmath")
    H = sp.lambdify(params, hessian(loss, params), "mpmath")
    with mpmath.workdps(dps):
        x = [mpmath.mpf(float(v)) for v in x0]
        e = mpmath.mpf(eta)
        prev = cur = None
        for _ in range(steps):
            prev = L(*x)
            x = list(upd(*x, e))
            cur = L(*x)
            if cur < mpmath.mpf(10) ** (-dps + 15):
                break
        ratio = float(cur / prev) if prev else math.nan
        Hm = np.array(mpmath.matrix(H(*x)).tolist(), dtype=float)
    h = np.linalg.eigvalsh(Hm)
    h = h[np.abs(h) > 1e-8 * max(1.0, np.abs(h).max())]
    return ratio, float(np.max((1 - eta * h) ** 2)), float(eta * h.max())


def pl_rate_check(budget: str, seed: int):
    """Random starts and steps on three problems; keep converged orbits with eta max h < 2;
    equality of the loss ratio and max (1 - eta h)^2 (generic starts) to 1e-6 relative."""
    rng = np.random.default_rng(seed)
    worst, n, worst_at = 0.0, 0, None
    for name in ("two-factor", "scalar-fact-2d", "matrix-fact-2x2"):
        dim = 4 if name == "matrix-fact-2x2" else 2
        for _ in range(_q(budget, 4, 20)):
            x0 = rng.uniform(0.3, 1.2, dim) * rng.choice([-1, 1], dim)
            eta = float(rng.uniform(0.05, 0.4))
            r, c, s = loss_ratio(name, eta, x0, steps=_q(budget, 500, 2000))
            if not (math.isfinite(r) and s < 2 and r < 1):
                continue
            err = abs(r - c) / c
            n += 1
            if err > worst:
                worst, worst_at = err, {"problem": name, "eta": eta, "x0": x0.tolist()}
    return 1e-6 - worst, {"sample_size": n, "worst_error": worst, "worst_at": worst_at}


def pl_upper_check(budget: str, seed: int):
    """Non-generic starts: matrix factorization with Y = diag(3/2, 1/2), U0 = diag(a, sqrt(1/2))
    (the second component exactly at its optimum, so the slowest mode h = 2 lam_2 = 1 is not
    excited): the loss ratio is (1 - 3 eta)^2, strictly below max (1 - eta h)^2 = (1 - eta)^2."""
    n, margin, gaps = 0, math.inf, []
    for eta in (0.1, 0.2, 0.3):
        for a in (0.3, 0.9, 1.6):
            r, c, _ = _diag_ratio(eta, a)
            margin = min(margin, c - r - 1e-3)
            gaps.append(c - r)
            n += 1
    return margin, {"sample_size": n, "worst_error": None, "min_gap": min(gaps)}


def _diag_ratio(eta, a):
    """Loss ratio for matrix factorization with Y = diag(3/2, 1/2) and U0 = diag(a, sqrt(1/2))
    (60 digits)."""
    m = mf.model(2, 2)
    Ysub = {m.Y[0, 0]: sp.Rational(3, 2), m.Y[0, 1]: 0, m.Y[1, 1]: sp.Rational(1, 2)}
    loss = m.loss.subs(Ysub)
    params = tuple(m.U)
    F = gd_map(loss, params, step=sp.Symbol("eta", positive=True))
    upd = sp.lambdify((*params, F.step), F.update, "mpmath")
    L = sp.lambdify(params, loss, "mpmath")
    H = sp.lambdify(params, hessian(loss, params), "mpmath")
    with mpmath.workdps(60):
        x = [mpmath.mpf(a), mpmath.mpf(0), mpmath.mpf(0), mpmath.sqrt(mpmath.mpf(1) / 2)]
        e = mpmath.mpf(eta)
        for _ in range(600):
            prev = L(*x)
            x = list(upd(*x, e))
            cur = L(*x)
            if cur < mpmath.mpf(10) ** -45:
                break
        Hm = np.array(mpmath.matrix(H(*x)).tolist(), dtype=float)
    h = np.linalg.eigvalsh(Hm)
    h = h[np.abs(h) > 1e-8]
    return float(cur / prev), float(np.max((1 - eta * h) ** 2)), float(eta * h.max())


def _wd_quadratic_steps():
    x = sp.Symbol("x", real=True)
    h, g = sp.symbols("h gamma", positive=True)
    eta = sp.Symbol("eta", positive=True)
    F = gd_map(h * x**2 / 2 + g * x**2 / 2, (x,), step=eta, constants=(h, g))
    J = sp.expand(F.jacobian()[0, 0])
    s = sp.Symbol("s", positive=True)  # s = eta (h + gamma)
    # |1 - s| < 1  <=>  1 - (1 - s)^2 = s(2 - s) > 0, i.e. 0 < s < 2: h < 2/eta - gamma
    return [_id(J, 1 - eta * (h + g), "GD with coupled decay: x -> (1 - eta(h + gamma)) x"),
            _id(1 - (1 - s) ** 2, s * (2 - s), "1 - (1 - s)^2 = s(2 - s)"),
            ev.sign_fact(s * (2 - s), s, 0, 2, statement="|1 - s| < 1 for 0 < s < 2"),
            ev.sign_fact(s * (2 - s), s, 2, sp.oo, "<", statement="|1 - s| > 1 for s > 2")]


def _wd_scalar_steps():
    u = sp.Symbol("u", real=True)
    lam, g = sp.symbols("lambda gamma", positive=True)
    eta = sp.Symbol("eta", positive=True)
    loss = (u**2 - lam) ** 2 / 4 + g * u**2 / 2
    F = gd_map(loss, (u,), step=eta, constants=(lam, g))
    ustar = sp.sqrt(lam - g)
    grad_at = sp.diff(loss, u).subs(u, ustar)
    J = sp.expand(F.jacobian()[0, 0].subs(u, ustar))
    return [_id(grad_at, 0, "u*^2 = lam - gamma is critical"),
            _id(sp.expand(hessian(loss, (u,))[0, 0].subs(u, ustar)), 2 * (lam - g),
                "sharpness 2(lam - gamma)"),
            _id(J, 1 - 2 * eta * (lam - g), "F'(u*) = 1 - 2 eta (lam - gamma): stable iff "
                "eta < 1/(lam - gamma) (and 1/lam at gamma = 0)")]


def wd_check(budget: str, seed: int):
    """GD on 1/4(u^2 - lam)^2 + gamma u^2/2 from 1e-4 off u*: converges at 0.97/(lam - gamma),
    leaves at 1.03/(lam - gamma); on the quadratic h x^2/2 with decay: converges iff h < 2/eta -
    gamma (checked at +-3%)."""
    rng = np.random.default_rng(seed)
    n, bad = 0, None
    for _ in range(_q(budget, 6, 40)):
        lam = float(rng.uniform(0.5, 3))
        g = float(rng.uniform(0, 0.9)) * lam
        us = math.sqrt(lam - g)
        for f, should in ((0.97, True), (1.03, False)):
            eta = f / (lam - g)
            u = us * (1 + 1e-4)
            for _ in range(20000):
                u = u - eta * ((u * u - lam) * u + g * u)
                if not math.isfinite(u) or abs(u) > 1e6:
                    break
            ok = math.isfinite(u) and abs(u - us) < 1e-9
            n += 1
            if ok != should:
                bad = {"lam": lam, "gamma": g, "factor": f}
        eta = float(rng.uniform(0.1, 1))
        hmax = 2 / eta - g
        for f, should in ((0.97, True), (1.03, False)):
            x = 1.0
            for _ in range(5000):
                x = (1 - eta * (f * hmax + g)) * x
            ok = abs(x) < 1e-6
            n += 1
            if ok != should:
                bad = {"eta": eta, "gamma": g, "factor": f}
    return (0.0 if bad is None else -1.0), {"sample_size": n, "worst_at": bad}


CLAIMS = [
    Claim(id="pl.rate", statement="If GD with fixed eta converges to x_inf where the non-zero "
          "Hessian eigenvalues satisfy eta max h_i < 2, the loss ratio per step tends to "
          "max_i (1 - eta h_i)^2 for generic starts.", source=PL, model=MODEL,
          evidence=[ev.computed(pl_rate_check, "mpmath GD orbits (60 digits) on three problems")]),
    Claim(id="pl.upper_bound", statement="The asymptotic loss ratio never exceeds max_i "
          "(1 - eta h_i)^2; it is strictly smaller when the slowest mode is not excited.",
          source=PL, model=MODEL,
          evidence=[ev.computed(pl_upper_check, "diagonal starts, matrix factorization 2x2")]),
    Claim(id="wd.quadratic", statement="On a quadratic with Hessian eigenvalues h, GD with "
          "coupled decay gamma is stable iff h_max < 2/eta - gamma.", source=WD, model=MODEL,
          evidence=[ev.computed(wd_check, "GD at +-3% of the thresholds"),
                    ev.argument(_wd_quadratic_steps, "the linear map")]),
    Claim(id="wd.scalar_factorization", statement="For 1/4(u^2 - lam)^2 + gamma u^2/2 "
          "(gamma < lam) the GD step limit at the minimum rises from 1/lam to 1/(lam - gamma).",
          source=WD, model=MODEL,
          evidence=[ev.computed(wd_check, "GD at +-3% of the thresholds"),
                    ev.argument(_wd_scalar_steps, "Hessian and Jacobian at u*")]),
]
