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

__all__ = ["gd_model_a", "gd_model_b", "iterate", "jacobian", "lyapunov", "normalise_model_a",
           "normalise_model_b", "step", "two_factor_mu", "two_factor_orbit"]


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


# --- the two-factor model's full-parameter GD (arXiv 2605.21292 §1), typed by hand --------------
# Oracles for the reductions derived in theory.models.two_factor: the textbook gradients of
# Model A (yhat = v x_q^T Gamma h) and Model B (yhat = (W_Q x_q).(W_K h)) and the normalised
# coordinates, in plain Python over float or mpmath.mpf (tests/numerics/test_reference.py holds
# them to the derived maps).

def _norm(x):
    return _sqrt(sum(xi * xi for xi in x))


def _sqrt(x):
    try:
        import mpmath

        if isinstance(x, mpmath.mpf):
            return mpmath.sqrt(x)
    except ImportError:  # pragma: no cover
        pass
    return math.sqrt(x)


def _is_scalar(x) -> bool:
    try:
        len(x)
    except TypeError:
        return True
    return False


def _context_h(context):
    """``h = (1/N) sum y_i x_i`` from ``context = (X, y)`` (rows ``x_i``) or ``[(x_i, y_i)]``."""
    if len(context) == 2 and not _is_scalar(context[1]) and len(context[1]) \
            and all(_is_scalar(yi) for yi in context[1]):
        X, y = context
        pairs = list(zip([list(row) for row in X], list(y), strict=True))
    else:
        pairs = [(list(x), yi) for x, yi in context]
    if not pairs:
        raise ValueError("context: no (x_i, y_i) pairs")
    n = len(pairs)
    d = len(pairs[0][0])
    return [sum(yi * x[j] for x, yi in pairs) / n for j in range(d)]


def two_factor_mu(eta, x_q, y_q, context) -> float:
    """Effective step size ``mu = eta |y_q| |x_q| |h|`` with ``h = (1/N) sum_i y_i x_i``.

    Parameters
    ----------
    eta : learning rate of GD on the full parameters.
    x_q, y_q : the query and its label.
    context : ``(X, y)`` with rows ``x_i`` of ``X``, or a sequence of pairs ``(x_i, y_i)``.

    Examples
    --------
    >>> two_factor_mu(0.5, [1.0, 0.0], -2.0, [([3.0, 4.0], 1.0)])
    5.0
    """
    h = _context_h(context)
    return eta * abs(y_q) * _norm(list(x_q)) * _norm(h)


def normalise_model_a(v0, Gamma, x_q, y_q, h):
    """``(a, b)`` of Model A parameters: ``a = v sqrt(kappa/|y_q|)``,
    ``b = sgn(y_q) x_q^T Gamma h / sqrt(kappa |y_q|)``, ``kappa = |x_q||h|``.

    Examples
    --------
    >>> normalise_model_a(2.0, [[1.0, 0.0], [0.0, 1.0]], [1.0, 0.0], 1.0, [1.0, 0.0])
    (2.0, 1.0)
    """
    kappa = _norm(x_q) * _norm(h)
    s = sum(x_q[i] * Gamma[i][j] * h[j] for i in range(len(x_q)) for j in range(len(h)))
    Y = abs(y_q)
    sgn = 1 if y_q > 0 else -1
    return v0 * _sqrt(kappa / Y), sgn * s / _sqrt(kappa * Y)


def normalise_model_b(WQ, WK, x_q, y_q, h):
    """``(|U|, |V|)`` of Model B parameters, ``U, V = A +- B`` with
    ``A = q sqrt(|h|/(|x_q||y_q|))``, ``B = sgn(y_q) k sqrt(|x_q|/(|h||y_q|))``,
    ``q = W_Q x_q``, ``k = W_K h``.

    Examples
    --------
    >>> normalise_model_b([[1.0, 0.0]], [[1.0, 0.0]], [1.0, 0.0], 1.0, [1.0, 0.0])
    (2.0, 0.0)
    """
    nx, nh, Y = _norm(x_q), _norm(h), abs(y_q)
    sgn = 1 if y_q > 0 else -1
    q = [sum(row[j] * x_q[j] for j in range(len(x_q))) for row in WQ]
    k = [sum(row[j] * h[j] for j in range(len(h))) for row in WK]
    alpha, beta = _sqrt(nh / (nx * Y)), sgn * _sqrt(nx / (nh * Y))
    A = [alpha * qi for qi in q]
    B = [beta * ki for ki in k]
    return (_norm([x + y for x, y in zip(A, B, strict=True)]),
            _norm([x - y for x, y in zip(A, B, strict=True)]))


def gd_model_a(v0, Gamma, x_q, y_q, context, eta, steps: int) -> list[tuple]:
    """Gradient descent on all parameters ``(v, Gamma)`` of Model A; the normalised ``(a, b)``
    after each step (``steps + 1`` pairs, the start included).

    The gradient is the textbook one (``dL/dv = r s``, ``dL/dGamma = r v x_q h^T``), written
    independently of the symbolic derivation so that the two can be compared. Works with
    ``float`` or ``mpmath.mpf`` entries.

    Examples
    --------
    >>> traj = gd_model_a(1.0, [[0.5, 0.0], [0.0, 0.5]], [1.0, 0.0], 1.0,
    ...                   [([1.0, 0.0], 1.0)], 0.1, 2)
    >>> len(traj), traj[0]
    (3, (1.0, 0.5))
    """
    h = _context_h(context)
    d = len(x_q)
    G = [list(row) for row in Gamma]
    vv = v0
    out = [normalise_model_a(vv, G, x_q, y_q, h)]
    for _ in range(steps):
        s = sum(x_q[i] * G[i][j] * h[j] for i in range(d) for j in range(d))
        r = vv * s - y_q
        gv = r * s
        for i in range(d):
            for j in range(d):
                G[i][j] = G[i][j] - eta * r * vv * x_q[i] * h[j]
        vv = vv - eta * gv
        out.append(normalise_model_a(vv, G, x_q, y_q, h))
    return out


def gd_model_b(WQ, WK, x_q, y_q, context, eta, steps: int) -> list[tuple]:
    """Gradient descent on all parameters ``(W_Q, W_K)`` of Model B; ``(|U|, |V|)`` after each
    step (``steps + 1`` pairs). Gradients: ``dL/dW_Q = r k x_q^T``, ``dL/dW_K = r q h^T``.

    Examples
    --------
    >>> traj = gd_model_b([[1.0, 0.0]], [[0.5, 0.0]], [1.0, 0.0], 1.0, [([1.0, 0.0], 1.0)],
    ...                   0.1, 1)
    >>> traj[0]
    (1.5, 0.5)
    """
    h = _context_h(context)
    d = len(x_q)
    Q = [list(row) for row in WQ]
    K = [list(row) for row in WK]
    out = [normalise_model_b(Q, K, x_q, y_q, h)]
    for _ in range(steps):
        q = [sum(row[j] * x_q[j] for j in range(d)) for row in Q]
        k = [sum(row[j] * h[j] for j in range(d)) for row in K]
        r = sum(qi * ki for qi, ki in zip(q, k, strict=True)) - y_q
        Q = [[Q[i][j] - eta * r * k[i] * x_q[j] for j in range(d)] for i in range(len(Q))]
        K = [[K[i][j] - eta * r * q[i] * h[j] for j in range(d)] for i in range(len(K))]
        out.append(normalise_model_b(Q, K, x_q, y_q, h))
    return out
