"""The maps of spec section D, each derived once from its loss by :func:`theory.gd.gd_map`:
the three problems of the local-rate claims and the weight-decay losses. The exact steps and the
numerical checks both use these (cached) maps, so a change of a loss changes both."""

from __future__ import annotations

import functools

import sympy as sp

from theory.gd import gd_map
from theory.maps import SymbolicMap
from theory.models import matrix_factorization as mf

__all__ = ["problems", "wd_coordinate_gd", "wd_quadratic_gd", "wd_scalar_gd"]


def problems() -> dict:
    """``{name: (loss, params)}``: the two-factor loss, a scalar factorization in 2-D and a 2x2
    matrix factorization with a fixed ``Y``.

    Examples
    --------
    >>> sorted(problems())
    ['matrix-fact-2x2', 'scalar-fact-2d', 'two-factor']
    """
    a, b = sp.symbols("a b", real=True)
    u1, u2 = sp.symbols("u1 u2", real=True)
    m = mf.model(2, 2)
    Ysub = {m.Y[0, 0]: sp.Rational(3, 2), m.Y[0, 1]: sp.Rational(1, 5),
            m.Y[1, 1]: sp.Rational(1, 2)}
    return {
        "two-factor": ((a * b - 1) ** 2 / 2, (a, b)),
        "scalar-fact-2d": ((u1**2 + u2**2 - 1) ** 2 / 4, (u1, u2)),
        "matrix-fact-2x2": (m.loss.subs(Ysub), tuple(m.U)),
    }


@functools.cache
def wd_scalar_gd() -> SymbolicMap:
    """GD on ``1/4 (u^2 - lam)^2 + gamma u^2/2`` (one aligned component with coupled weight
    decay); ``params`` are ``(eta, lambda, gamma)``.

    Examples
    --------
    >>> F = wd_scalar_gd()
    >>> F.update, F.params
    ((-eta*u*(gamma - lambda + u**2) + u,), (eta, lambda, gamma))
    """
    u = sp.Symbol("u", real=True)
    lam, g = sp.symbols("lambda gamma", positive=True)
    eta = sp.Symbol("eta", positive=True)
    return gd_map((u**2 - lam) ** 2 / 4 + g * u**2 / 2, (u,), step=eta, constants=(lam, g),
                  name="wd-scalar-gd")


@functools.cache
def wd_quadratic_gd() -> SymbolicMap:
    """GD on one mode ``h x^2/2`` of a quadratic with coupled decay ``gamma x^2/2``; ``params``
    are ``(eta, h, gamma)``.

    Examples
    --------
    >>> F = wd_quadratic_gd()
    >>> sp.factor(F.update[0])
    -x*(eta*gamma + eta*h - 1)
    """
    x = sp.Symbol("x", real=True)
    h, g = sp.symbols("h gamma", positive=True)
    eta = sp.Symbol("eta", positive=True)
    return gd_map(h * x**2 / 2 + g * x**2 / 2, (x,), step=eta, constants=(h, g),
                  name="wd-quadratic-gd")


@functools.cache
def wd_coordinate_gd() -> SymbolicMap:
    """GD on ``1/2 x^T H x + gamma/2 |x|^2`` as a function of one coordinate ``x = x_i`` in any
    dimension: ``H_ii x^2/2 + sigma_i x + gamma x^2/2 + const`` with ``h = H_ii`` and ``sigma_i =
    sum_{k != i} H_ik x_k`` (``H = H^T``); ``params`` are ``(eta, h, sigma_i, gamma)``.

    Examples
    --------
    >>> sp.expand(wd_coordinate_gd().update[0])
    -eta*gamma*x - eta*h*x - eta*sigma_i + x
    """
    x = sp.Symbol("x", real=True)
    h, g = sp.symbols("h gamma", positive=True)
    sig = sp.Symbol("sigma_i", real=True)
    eta = sp.Symbol("eta", positive=True)
    return gd_map(h * x**2 / 2 + sig * x + g * x**2 / 2, (x,), step=eta, constants=(h, sig, g),
                  name="wd-coordinate-gd")
