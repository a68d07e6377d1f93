"""Declarations of the claims on asymptotic rates near minimiser manifolds (``pl.*``) and
weight-decay thresholds (``wd.*``)."""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claim import Claim
from proofs_check.claims.rates.experiments import (
    pl_rate_check,
    pl_upper_check,
    wd_quadratic_check,
    wd_scalar_check,
)
from proofs_check.claims.rates.steps import wd_quadratic_steps, wd_scalar_steps

MODEL = "rates"
PL = "Kassing & Kruse, arXiv 2605.14663 (local PL), spec section D"
WD = "Kolic et al., arXiv 2605.16622 (weight decay), spec section D"

ETA, H_SYM = sp.symbols("eta h", positive=True)


def _rate_fn(expr):
    """The claimed per-mode rate ``expr(eta, h)`` as a vectorised float function."""
    f = sp.lambdify((ETA, H_SYM), expr, "numpy")
    return lambda eta, h: np.broadcast_to(np.asarray(f(eta, h), dtype=float), np.shape(h))


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
              ev.argument(lambda: wd_quadratic_steps(c["threshold"]),
                          "the linear map, mode by mode (every dimension)")]),
    Claim(id="wd.scalar_factorization", statement="For 1/4(u^2 - lam)^2 + gamma u^2/2 "
          "(gamma < lam) the GD step limit at the minimum rises from 1/lam to 1/(lam - gamma).",
          source=WD, model=MODEL, claimed={"limit": 1 / (LAM - GAMMA)},
          mutation_delta=0.2,   # well above the +-3% bracket of the numeric check
          build=lambda c: [
              ev.computed(functools.partial(wd_scalar_check, limit=_fn(c["limit"], (LAM, GAMMA))),
                          "GD at +-3% of the step limit"),
              ev.argument(lambda: wd_scalar_steps(c["limit"]),
                          "Hessian, Jacobian and multiplier at u*")]),
]
