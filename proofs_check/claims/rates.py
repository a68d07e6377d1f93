"""Catalogue: asymptotic rates near minimiser manifolds and weight-decay thresholds (spec
section D: ``pl.*`` after Kassing & Kruse, arXiv 2605.14663; ``wd.*`` after Kolic et al.,
arXiv 2605.16622).

The local rate is measured on GD orbits computed in mpmath (60 digits) so that the loss can be
followed far below float64's resolution of a residual; the Hessian at the limit point comes from
the exact Hessian of the loss (:func:`theory.gd.hessian`), evaluated at the computed limit.
"""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=256)
def _orbit(problem: str, eta: float, x0: tuple, steps: int, dps: int):
    """``(ratio, non-zero Hessian eigenvalues)`` at the end of a GD orbit in mpmath (cached: the
    orbit does not depend on the claimed rate, so mutants reuse it)."""
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
    # drop the zero eigenvalues (tangent to the minimiser manifold): at a limit computed to 60
    # digits they come back as ~eps |H| ~ 1e-16 after the float64 conversion; non-zero ones are
    # >= 0.1 on these problems, so 1e-8 separates them
    return ratio, h[np.abs(h) > 1e-8 * max(1.0, np.abs(h).max())]


def loss_ratio(problem: str, eta: float, x0, steps: int = 400, dps: int = 60, rate=None):
    """GD on a catalogue problem in mpmath: returns ``(ratio, claimed, hmax_eta)`` where ratio is
    ``L_{k+1}/L_k`` at the end, claimed ``max_i (1 - eta h_i)^2`` over the non-zero Hessian
    eigenvalues at the final point, and ``eta max h_i``.

    Examples
    --------
    >>> r, c, s = loss_ratio("two-factor", 0.3, (1.3, 0.4), steps=200)
    >>> abs(r - c) < 1e-6, s < 2
    (True, True)
    """
    ratio, h = _orbit(problem, float(eta), tuple(float(v) for v in x0), int(steps), int(dps))
    per_mode = (1 - eta * h) ** 2 if rate is None else rate(eta, h)
    return ratio, float(np.max(per_mode)), float(eta * h.max())


ETA, H_SYM = sp.symbols("eta h", positive=True)


def _rate_fn(expr):
    """The claimed per-mode rate ``expr(eta, h)`` as a vectorised float function."""
    f = sp.lambdify((ETA, H_SYM), expr, "numpy")
    return lambda eta, h: np.broadcast_to(np.asarray(f(eta, h), dtype=float), np.shape(h))


def pl_rate_check(budget: str, seed: int, rate=None):
    """Random starts and steps on three problems; keep converged orbits with eta max h < 2;
    equality of the loss ratio and max over modes of the claimed ``rate(eta, h)`` (default
    (1 - eta h)^2; generic starts) to 1e-6 relative."""
    rng = np.random.default_rng(seed)
    worst, n, worst_at = 0.0, 0, None
    for name in ("two-factor", "scalar-fact-2d", "matrix-fact-2x2"):
        dim = 4 if name == "matrix-fact-2x2" else 2
        for _ in range(_q(budget, 4, 20)):
            x0 = rng.uniform(0.3, 1.2, dim) * rng.choice([-1, 1], dim)
            eta = float(rng.uniform(0.05, 0.4))
            r, c, s = loss_ratio(name, eta, x0, steps=_q(budget, 500, 2000), rate=rate)
            if not (math.isfinite(r) and s < 2 and r < 1):
                continue
            err = abs(r - c) / abs(c) if c != 0 else math.inf
            n += 1
            if err > worst:
                worst, worst_at = err, {"problem": name, "eta": eta, "x0": x0.tolist()}
    # tolerance: the orbit is followed in 60 digits until the loss is below 1e-45, where the
    # ratio differs from its limit by the next mode's share (q_2/q_1)^k and by nonlinear terms
    # O(residual) ~ 1e-22; a near-tie q_2 ~ q_1 would slow the first, and 1e-6 leaves room for it
    # (measured ~4e-16, the float64 conversion)
    return 1e-6 - worst, {"sample_size": n, "worst_error": worst, "worst_at": worst_at}


def pl_upper_check(budget: str, seed: int, unexcited=None):
    """Non-generic starts: matrix factorization with Y = diag(3/2, 1/2), U0 = diag(a, sqrt(1/2))
    (the second component exactly at its optimum, so the slowest mode h = 2 lam_2 = 1 is not
    excited): the loss ratio is ``unexcited(eta)`` (claimed (1 - 3 eta)^2, the mode h = 2 lam_1
    = 3) to 1e-6 relative, strictly below max (1 - eta h)^2 = (1 - eta)^2."""
    unexcited = unexcited or (lambda e: (1 - 3 * e) ** 2)
    n, margin, gaps, worst = 0, math.inf, [], 0.0
    for eta in (0.1, 0.2, 0.3):
        for a in (0.3, 0.9, 1.6):
            r, c, _ = _diag_ratio(eta, a)
            # the ratio tends to its limit like the rate of the pl.rate check (60-digit orbit
            # followed to a loss of 1e-45): 1e-6 as there
            u = float(unexcited(eta))
            err = abs(r - u) / abs(u) if u != 0 else math.inf
            worst = max(worst, err)
            margin = min(margin, 1e-6 - err)
            # "strictly smaller": the exact gap is (1 - eta)^2 - (1 - 3 eta)^2 = 4 eta (1 - 2 eta)
            # >= 0.32 here; 1e-3 only has to exceed the float error (~1e-15)
            margin = min(margin, c - r - 1e-3)
            gaps.append(c - r)
            n += 1
    return margin, {"sample_size": n, "worst_error": worst, "min_gap": min(gaps)}


@functools.lru_cache(maxsize=32)
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
    h = h[np.abs(h) > 1e-8]  # zero eigenvalues come back as ~1e-16; the others are >= 1
    return float(cur / prev), float(np.max((1 - eta * h) ** 2)), float(eta * h.max())


def _wd_quadratic_steps(threshold=None):
    x = sp.Symbol("x", real=True)
    h, g = sp.symbols("h gamma", positive=True)
    eta = sp.Symbol("eta", positive=True)
    sig = sp.Symbol("sigma_i", real=True)
    F = gd_map(h * x**2 / 2 + g * x**2 / 2, (x,), step=eta, constants=(h, g))
    J = sp.expand(F.jacobian()[0, 0])
    # every dimension: as a function of x_i, 1/2 x^T H x + gamma/2 |x|^2 is
    # H_ii x_i^2/2 + x_i sigma_i + gamma x_i^2/2 + const (sigma_i = sum_{k != i} H_ik x_k, H = H^T)
    Fi = gd_map(h * x**2 / 2 + sig * x + g * x**2 / 2, (x,), step=eta, constants=(h, sig, g))
    Hm, q = mf.nc_symbols("H q")
    s = sp.Symbol("s", positive=True)  # s = eta (h + gamma) > 0
    return [_id(Fi.update[0], x - eta * (h * x + sig + g * x),
                "every dimension: coordinate i of GD is x_i - eta((Hx)_i + gamma x_i), i.e. "
                "x -> (I - eta(H + gamma I)) x (H_ii = h, sigma_i the rest of (Hx)_i)"),
            _id((1 - eta * (Hm + g)) * q - (1 - eta * (h + g)) * q, -eta * (Hm * q - h * q),
                "free algebra: an eigenvector q of H (Hq = hq) has multiplier 1 - eta(h + gamma); "
                "H symmetric has an orthonormal eigenbasis, so these are all the multipliers"),
            _id(J, 1 - eta * (h + g), "one mode (derived by theory.gd): x -> (1 - eta(h + "
                "gamma)) x"),
            _id(1 - (1 - s) ** 2, s * (2 - s), "1 - (1 - s)^2 = s(2 - s)"),
            ev.sign_fact(s * (2 - s), s, 0, 2, statement="|1 - s| < 1 for 0 < s < 2: every mode "
                         "with h < 2/eta - gamma contracts"),
            ev.sign_fact(s * (2 - s), s, 2, sp.oo, "<", statement="|1 - s| > 1 for s > 2: a mode "
                         "with h > 2/eta - gamma grows"),
            _id((1 - s).subs(s, 2), -1, "s = 2 (h = 2/eta - gamma): multiplier -1, not stable"),
            _id(1 - eta * ((2 / eta - g if threshold is None else threshold) + g), -1,
                "at the claimed threshold h = 2/eta - gamma: s = eta (h + gamma) = 2, the "
                "boundary between the two signs above")]


def _wd_scalar_steps(limit=None):
    u = sp.Symbol("u", real=True)
    lam, g = sp.symbols("lambda gamma", positive=True)
    eta = sp.Symbol("eta", positive=True)
    e = sp.Symbol("e", positive=True)  # lam = gamma + e: gamma < lam
    c = sp.Symbol("c", positive=True)  # c = eta (lam - gamma)
    loss = (u**2 - lam) ** 2 / 4 + g * u**2 / 2
    lim = 1 / (lam - g) if limit is None else limit
    F = gd_map(loss, (u,), step=eta, constants=(lam, g))
    ustar = sp.sqrt(lam - g)
    grad_at = sp.diff(loss, u).subs(u, ustar)
    J = sp.expand(F.jacobian()[0, 0].subs(u, ustar))
    return [_id(grad_at, 0, "u*^2 = lam - gamma is critical"),
            _id(sp.expand(hessian(loss, (u,))[0, 0].subs(u, ustar)), 2 * (lam - g),
                "sharpness 2(lam - gamma)"),
            ev.positivity(2 * (lam - g), substitute={lam: g + e},
                          description="2(lam - gamma) > 0 for gamma < lam: u* is a minimum"),
            _id(J, 1 - 2 * eta * (lam - g), "F'(u*) = 1 - 2 eta (lam - gamma) = 1 - 2c, "
                "c = eta (lam - gamma)"),
            _id(1 - (1 - 2 * c) ** 2, 4 * c * (1 - c), "1 - (1 - 2c)^2 = 4c(1 - c)"),
            ev.sign_fact(4 * c * (1 - c), c, 0, 1, statement="|1 - 2c| < 1 for 0 < c < 1: "
                         "stable iff eta < 1/(lam - gamma)"),
            ev.sign_fact(4 * c * (1 - c), c, 1, sp.oo, "<", statement="|1 - 2c| > 1 for c > 1"),
            _id((1 - 2 * c).subs(c, 1), -1, "c = 1: multiplier -1, not stable"),
            _id(J.subs(eta, lim), -1, "at the claimed limit eta = 1/(lam - gamma): c = 1, "
                "multiplier -1, the boundary between the two signs above"),
            _id(lim.subs(g, 0), 1 / lam, "gamma = 0: the limit is 1/lam"),
            ev.positivity(lim - 1 / lam, substitute={lam: g + e},
                          description="1/(lam - gamma) - 1/lam = gamma/(lam(lam - gamma)) > 0: "
                          "the limit rises")]


def wd_scalar_check(budget: str, seed: int, limit=None):
    """GD on 1/4(u^2 - lam)^2 + gamma u^2/2 from 1e-4 off u*: converges at 0.97 x the claimed step
    limit ``limit(lam, gamma)`` (true: 1/(lam - gamma)), leaves at 1.03 x.

    Tolerances: at 0.97 x the limit the multiplier is -0.94, so 20000 steps reach float64
    rounding (~1e-16 |u*|), far below 1e-9; at 1.03 x it is -1.06 and the deviation grows to
    O(1) (a 2-cycle or divergence; 1e6 is a divergence guard)."""
    limit = limit or (lambda lam, g: 1 / (lam - g))
    rng = np.random.default_rng(seed)
    n, bad = 0, None
    for _ in range(_q(budget, 6, 40)):
        lam = float(rng.uniform(0.5, 3))
        g = float(rng.uniform(0, 0.9)) * lam
        us = math.sqrt(lam - g)
        for f, should in ((0.97, True), (1.03, False)):
            eta = f * float(limit(lam, g))
            u = us * (1 + 1e-4)
            for _ in range(20000):
                u = u - eta * ((u * u - lam) * u + g * u)
                if not math.isfinite(u) or abs(u) > 1e6:
                    break
            ok = math.isfinite(u) and abs(u - us) < 1e-9
            n += 1
            if ok != should:
                bad = {"lam": lam, "gamma": g, "factor": f}
    return (0.0 if bad is None else -1.0), {"sample_size": n, "worst_at": bad}


def wd_quadratic_check(budget: str, seed: int, threshold=None):
    """On the quadratic h x^2/2 with decay gamma: converges iff h < the claimed threshold
    ``threshold(eta, gamma)`` (true: 2/eta - gamma), checked at h = f (threshold + gamma) - gamma,
    f = 0.97 and 1.03 (for the true threshold eta (h + gamma) = 2f > 0; the old choice h = f
    (2/eta - gamma) crossed the threshold the wrong way when 2/eta - gamma <= 0).

    Tolerance: at f = 0.97 the multiplier is -0.94, so 5000 steps reach 1e-6 from x = 1; at 1.03
    it is -1.06 and |x| grows."""
    threshold = threshold or (lambda eta, g: 2 / eta - g)
    rng = np.random.default_rng(seed)
    n, bad = 0, None
    for _ in range(_q(budget, 6, 40)):
        lam = float(rng.uniform(0.5, 3))
        g = float(rng.uniform(0, 0.9)) * lam
        eta = float(rng.uniform(0.1, 1))
        for f, should in ((0.97, True), (1.03, False)):
            h = f * (float(threshold(eta, g)) + g) - g
            x = 1.0
            for _ in range(5000):
                x = (1 - eta * (h + g)) * x
                if not math.isfinite(x) or abs(x) > 1e6:
                    break
            ok = math.isfinite(x) and abs(x) < 1e-6
            n += 1
            if ok != should:
                bad = {"eta": eta, "gamma": g, "h": h, "factor": f}
    return (0.0 if bad is None else -1.0), {"sample_size": n, "worst_at": bad}


def wd_check(budget: str, seed: int):
    """Both weight-decay checks with the true thresholds (:func:`wd_scalar_check`,
    :func:`wd_quadratic_check`)."""
    m1, i1 = wd_scalar_check(budget, seed)
    m2, i2 = wd_quadratic_check(budget, seed)
    return min(m1, m2), {"sample_size": i1["sample_size"] + i2["sample_size"],
                         "worst_at": i1["worst_at"] or i2["worst_at"]}


GAMMA, LAM = sp.symbols("gamma lambda", positive=True)


def _fn(expr, args):
    return sp.lambdify(args, expr, "math")


CLAIMS = [
    Claim(id="pl.rate", statement="If GD with fixed eta converges to x_inf where the non-zero "
          "Hessian eigenvalues satisfy eta max h_i < 2, the loss ratio per step tends to "
          "max_i (1 - eta h_i)^2 for generic starts.", source=PL, model=MODEL,
          claimed={"rate": (1 - ETA * H_SYM) ** 2},
          build=lambda c: [ev.computed(functools.partial(pl_rate_check, rate=_rate_fn(c["rate"])),
                                       "mpmath GD orbits (60 digits) on three problems")]),
    Claim(id="pl.upper_bound", statement="The asymptotic loss ratio never exceeds max_i "
          "(1 - eta h_i)^2; it is strictly smaller when the slowest mode is not excited.",
          source=PL, model=MODEL, claimed={"unexcited_rate": (1 - 3 * ETA) ** 2},
          build=lambda c: [ev.computed(
              functools.partial(pl_upper_check, unexcited=_fn(c["unexcited_rate"], (ETA,))),
              "diagonal starts, matrix factorization 2x2: ratio (1 - 3 eta)^2 < (1 - eta)^2")]),
    Claim(id="wd.quadratic", statement="On a quadratic with Hessian eigenvalues h (h + gamma > "
          "0), GD with coupled decay gamma is stable iff h_max < 2/eta - gamma.", source=WD,
          model=MODEL, claimed={"threshold": 2 / ETA - GAMMA},
          mutation_delta=0.2,   # well above the +-3% bracket of the numeric check
          build=lambda c: [
              ev.computed(functools.partial(wd_quadratic_check,
                                            threshold=_fn(c["threshold"], (ETA, GAMMA))),
                          "GD at +-3% of the threshold"),
              ev.argument(lambda: _wd_quadratic_steps(c["threshold"]),
                          "the linear map, mode by mode (every dimension)")]),
    Claim(id="wd.scalar_factorization", statement="For 1/4(u^2 - lam)^2 + gamma u^2/2 "
          "(gamma < lam) the GD step limit at the minimum rises from 1/lam to 1/(lam - gamma).",
          source=WD, model=MODEL, claimed={"limit": 1 / (LAM - GAMMA)},
          mutation_delta=0.2,   # well above the +-3% bracket of the numeric check
          build=lambda c: [
              ev.computed(functools.partial(wd_scalar_check, limit=_fn(c["limit"], (LAM, GAMMA))),
                          "GD at +-3% of the step limit"),
              ev.argument(lambda: _wd_scalar_steps(c["limit"]),
                          "Hessian, Jacobian and multiplier at u*")]),
]
