"""Slow, readable reference implementations: the oracles of the fast kernels.

One orbit at a time, plain Python floats and ``math``, the map's expressions turned into functions
with :func:`sympy.lambdify`. Nothing here is meant to be fast; everything here is meant to be
obviously right. The parity tests compare :mod:`numerics.codegen` and the toolbox against these.

Conventions are those of :mod:`numerics.codegen`: an orbit diverges at step ``k`` when ``x_k`` is
the first iterate with ``max|x_k[i]| > horizon`` or a non-finite coordinate, and its state is then
frozen at ``x_{k-1}``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
import sympy as sp

__all__ = ["iterate", "jacobian", "lyapunov", "step", "two_factor_orbit"]


@lru_cache(maxsize=64)
def _functions(F):
    args = (*F.state, *F.params)
    f = sp.lambdify(args, list(F.update), modules="math")
    J = F.jacobian()
    jac = sp.lambdify(args, [[J[i, j] for j in range(F.dim)] for i in range(F.dim)],
                      modules="math")
    return f, jac


def _param_values(F, params: Mapping | None) -> list[float]:
    params = {str(k): v for k, v in dict(params or {}).items()}
    return [float(params[p.name]) for p in F.params]


def _finite_within(x: Sequence[float], horizon: float) -> bool:
    return all(math.isfinite(v) and abs(v) <= horizon for v in x)


def step(F, x: Sequence[float], params: Mapping | None = None) -> list[float]:
    """``F(x)`` for one point, as a list of floats.

    Examples
    --------
    >>> from theory import gd_map
    >>> step(gd_map("(a*b - 1)**2/2", params="a b", step="mu"), [2.0, 1.0], {"mu": 0.5})
    [1.5, 0.0]
    """
    f, _ = _functions(F)
    try:
        return [float(v) for v in f(*x, *_param_values(F, params))]
    except (OverflowError, ZeroDivisionError, ValueError):
        return [math.nan] * F.dim


def jacobian(F, x: Sequence[float], params: Mapping | None = None) -> list[list[float]]:
    """``DF(x)`` for one point, as nested lists.

    Examples
    --------
    >>> from theory import gd_map
    >>> jacobian(gd_map("(a*b - 1)**2/2", params="a b", step="mu"), [1.0, 1.0], {"mu": 0.5})
    [[0.5, -0.5], [-0.5, 0.5]]
    """
    _, jac = _functions(F)
    return [[float(v) for v in row] for row in jac(*x, *_param_values(F, params))]


def iterate(F, x0: Sequence[float], params: Mapping | None = None, steps: int = 100,
            horizon: float = 1e6, record: int = 0):
    """Iterate one orbit; returns ``(final, diverge_step, trajectory)``.

    ``diverge_step`` is ``-1`` when the orbit stays within the horizon; ``trajectory`` lists the
    last ``record`` iterates (frozen after divergence).

    Examples
    --------
    >>> import sympy as sp
    >>> from theory import SymbolicMap
    >>> x = sp.Symbol("x")
    >>> iterate(SymbolicMap((x,), (x**2,)), [10.0], steps=5)
    ([10000.0], 3, [])
    """
    x = [float(v) for v in x0]
    trajectory = []
    dstep = -1 if _finite_within(x, horizon) else 0
    for t in range(steps):
        if dstep < 0:
            y = step(F, x, params)
            if _finite_within(y, horizon):
                x = y
            else:
                dstep = t + 1
        if t >= steps - record:
            trajectory.append(list(x))
    return x, dstep, trajectory


def lyapunov(F, x0: Sequence[float], params: Mapping | None = None, steps: int = 1000,
             horizon: float = 1e6, k: int | None = None,
             v0: Sequence[float] | None = None) -> tuple[list[float], int]:
    """The ``k`` largest Lyapunov exponents of one orbit (default: all), by QR every step.

    Returns ``(exponents, steps_used)``: the averages of ``log |R_ii|`` over the steps taken before
    divergence (the tangent vectors are advanced with ``DF`` at the current point, then the point).
    The tangent vectors start as the identity's columns, or as the unit vector ``v0`` (``k = 1``).

    Examples
    --------
    >>> import sympy as sp
    >>> from theory import SymbolicMap
    >>> x, y = sp.symbols("x y")
    >>> exps, used = lyapunov(SymbolicMap((x, y), (2*x, y/2)), [1e-3, 1.0], steps=10)
    >>> [round(e, 12) for e in exps], used
    ([0.69314718056, -0.69314718056], 10)
    """
    d = F.dim
    k = d if k is None else k
    x = [float(v) for v in x0]
    Q = np.eye(d)[:, :k]
    if v0 is not None:
        Q = np.array(v0, dtype=float).reshape(d, 1)
        k = 1
    sums = np.zeros(k)
    used = 0
    for _ in range(steps):
        y = step(F, x, params)
        if not _finite_within(y, horizon):
            break
        V = np.array(jacobian(F, x, params)) @ Q
        for m in range(k):                      # modified Gram-Schmidt, column by column
            for p in range(m):
                V[:, m] -= (V[:, p] @ V[:, m]) * V[:, p]
            r = math.sqrt(float(V[:, m] @ V[:, m]))
            sums[m] += math.log(r) if r > 0 else -math.inf
            if r > 0:
                V[:, m] /= r
        Q = V
        x = y
        used += 1
    return [float(s / used) if used else 0.0 for s in sums], used


def two_factor_orbit(a0, b0, mu_value, steps: int) -> list[tuple]:
    """The orbit of ``F_mu(a, b) = (a - mu b (ab - 1), b - mu a (ab - 1))`` (``steps + 1`` pairs).

    Typed by hand on purpose: an oracle independent of the derivation in
    :mod:`theory.models.two_factor`, in plain Python over any number type (``float`` or
    ``mpmath.mpf``).

    Examples
    --------
    >>> two_factor_orbit(2.0, 0.0, 0.5, 2)
    [(2.0, 0.0), (2.0, 1.0), (1.5, 0.0)]
    """
    x, y = a0, b0
    out = [(x, y)]
    for _ in range(steps):
        e = x * y - 1
        x, y = x - mu_value * y * e, y - mu_value * x * e
        out.append((x, y))
    return out
