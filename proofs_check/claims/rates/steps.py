"""Exact steps for the weight-decay claims: the linear map mode by mode (``wd.quadratic``) and the
Hessian, Jacobian and multiplier at the minimum of the scalar factorization
(``wd.scalar_factorization``), from the maps of :mod:`.maps`."""

from __future__ import annotations

import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claims.rates.maps import wd_coordinate_gd, wd_quadratic_gd, wd_scalar_gd
from theory.gd import hessian
from theory.models import matrix_factorization as mf

__all__ = ["wd_quadratic_steps", "wd_scalar_steps"]


def wd_quadratic_steps(threshold=None):
    """Steps for ``wd.quadratic``; ``threshold`` is the claimed ``h_max`` bound in ``eta, gamma``
    (true: ``2/eta - gamma``)."""
    F = wd_quadratic_gd()
    (x,) = F.state
    eta, h, g = F.params
    Fi = wd_coordinate_gd()
    sig = Fi.params[2]
    J = sp.expand(F.jacobian()[0, 0])
    Hm, q = mf.nc_symbols("H q")
    s = sp.Symbol("s", positive=True)  # s = eta (h + gamma) > 0
    claimed = 2 / eta - g if threshold is None else threshold
    return [
        ev.identity(Fi.update[0], x - eta * (h * x + sig + g * x),
                    description="every dimension: coordinate i of GD is x_i - eta((Hx)_i + gamma "
                                "x_i), i.e. x -> (I - eta(H + gamma I)) x (H_ii = h, sigma_i the "
                                "rest of (Hx)_i)"),
        ev.identity((1 - eta * (Hm + g)) * q - (1 - eta * (h + g)) * q, -eta * (Hm * q - h * q),
                    description="free algebra: an eigenvector q of H (Hq = hq) has multiplier 1 - "
                                "eta(h + gamma); H symmetric has an orthonormal eigenbasis, so "
                                "these are all the multipliers"),
        ev.identity(J, 1 - eta * (h + g),
                    description="one mode (derived by theory.gd): x -> (1 - eta(h + gamma)) x"),
        ev.identity(1 - (1 - s) ** 2, s * (2 - s), description="1 - (1 - s)^2 = s(2 - s)"),
        ev.sign_fact(s * (2 - s), s, 0, 2, statement="|1 - s| < 1 for 0 < s < 2: every mode "
                     "with h < 2/eta - gamma contracts"),
        ev.sign_fact(s * (2 - s), s, 2, sp.oo, "<", statement="|1 - s| > 1 for s > 2: a mode "
                     "with h > 2/eta - gamma grows"),
        ev.identity((1 - s).subs(s, 2), -1,
                    description="s = 2 (h = 2/eta - gamma): multiplier -1, not stable"),
        ev.identity(1 - eta * (claimed + g), -1,
                    description="at the claimed threshold h = 2/eta - gamma: s = eta (h + gamma) "
                                "= 2, the boundary between the two signs above")]


def wd_scalar_steps(limit=None):
    """Steps for ``wd.scalar_factorization``; ``limit`` is the claimed step limit in ``lambda,
    gamma`` (true: ``1/(lambda - gamma)``)."""
    F = wd_scalar_gd()
    (u,) = F.state
    eta, lam, g = F.params
    loss = F.loss
    e = sp.Symbol("e", positive=True)  # lam = gamma + e: gamma < lam
    c = sp.Symbol("c", positive=True)  # c = eta (lam - gamma)
    lim = 1 / (lam - g) if limit is None else limit
    ustar = sp.sqrt(lam - g)
    grad_at = sp.diff(loss, u).subs(u, ustar)
    J = sp.expand(F.jacobian()[0, 0].subs(u, ustar))
    return [
        ev.identity(grad_at, 0, description="u*^2 = lam - gamma is critical"),
        ev.identity(sp.expand(hessian(loss, (u,))[0, 0].subs(u, ustar)), 2 * (lam - g),
                    description="sharpness 2(lam - gamma)"),
        ev.positivity(2 * (lam - g), substitute={lam: g + e},
                      description="2(lam - gamma) > 0 for gamma < lam: u* is a minimum"),
        ev.identity(J, 1 - 2 * eta * (lam - g),
                    description="F'(u*) = 1 - 2 eta (lam - gamma) = 1 - 2c, c = eta (lam - gamma)"),
        ev.identity(1 - (1 - 2 * c) ** 2, 4 * c * (1 - c), description="1 - (1 - 2c)^2 = 4c(1 - "
                                                                       "c)"),
        ev.sign_fact(4 * c * (1 - c), c, 0, 1, statement="|1 - 2c| < 1 for 0 < c < 1: "
                     "stable iff eta < 1/(lam - gamma)"),
        ev.sign_fact(4 * c * (1 - c), c, 1, sp.oo, "<", statement="|1 - 2c| > 1 for c > 1"),
        ev.identity((1 - 2 * c).subs(c, 1), -1, description="c = 1: multiplier -1, not stable"),
        ev.identity(J.subs(eta, lim), -1,
                    description="at the claimed limit eta = 1/(lam - gamma): c = 1, multiplier "
                                "-1, the boundary between the two signs above"),
        ev.identity(lim.subs(g, 0), 1 / lam, description="gamma = 0: the limit is 1/lam"),
        ev.positivity(lim - 1 / lam, substitute={lam: g + e},
                      description="1/(lam - gamma) - 1/lam = gamma/(lam(lam - gamma)) > 0: "
                      "the limit rises")]
