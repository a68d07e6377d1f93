"""Lyapunov exponents from Jacobians, batched over parameter grids.

Method (Benettin et al. 1980; Eckmann & Ruelle 1985): tangent vectors are advanced with the
Jacobian at the current point, ``V <- DF(x) V``, and re-orthonormalised *every step* by modified
Gram-Schmidt (a QR factorisation); the exponents are the time averages of ``log |R_ii|``. With one
tangent vector this is the largest exponent; for a 1-D map it is the mean of ``log |f'(x_t)|``; with
``d`` vectors it is the full spectrum, in decreasing order for a generic start.

The transverse exponent of an invariant curve with normal field ``n(x)`` is the time average of
``log |nhat(F x) . DF(x) nhat(x)|`` along an orbit on the curve: the growth rate of perturbations
off the curve (negative: the curve attracts transversally).

An orbit that diverges (see :mod:`numerics.codegen`) stops accumulating; its exponent is the finite
time average over the ``steps_used`` steps before divergence, and ``diverged`` says so. Defaults:
``transient=1000`` discarded steps, ``steps=10_000`` averaged steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from numerics.codegen import (
    DEFAULT_CHUNK,
    DEFAULT_HORIZON,
    CompiledMap,
    compile_map,
    kernel_horizon,
)

__all__ = ["LyapunovResult", "lyapunov", "transverse_exponent"]


@dataclass(frozen=True)
class LyapunovResult:
    """Exponents for each parameter value.

    Attributes
    ----------
    param, values : the swept parameter and its (m,) values.
    exponents : (m,) largest exponent, or (m, d) spectrum in decreasing order (``spectrum=True``).
        ``-inf`` where a tangent vector is annihilated (an orbit through a critical point).
    diverged : (m,) bool; steps_used : (m,) int64 steps averaged (fewer than ``steps`` after a
        divergence).
    """

    param: str | None
    values: np.ndarray
    exponents: np.ndarray
    diverged: np.ndarray
    steps_used: np.ndarray


def _sweep(K: CompiledMap, param, values, x0, other_params):
    others = {str(k): v for k, v in dict(other_params or {}).items()}
    if param is None:
        params = others
        vals = np.zeros(0)
    else:
        if param not in K.param_names:
            raise ValueError(f"param: {param!r} is not a parameter of {K.name!r}")
        vals = np.atleast_1d(np.asarray(values, dtype=np.float64))
        if vals.ndim != 1:
            raise ValueError(f"values: expected a 1-D array, got shape {vals.shape}")
        params = {**others, param: vals}
    X, P = K._prepare(x0, params)
    return vals, X, P


def lyapunov(K: CompiledMap, param: str | None = None, values=None, x0=None, steps: int = 10_000,
             *, transient: int = 1000, other_params: Mapping | None = None,
             spectrum: bool = False, horizon: float = DEFAULT_HORIZON,
             chunk: int = DEFAULT_CHUNK) -> LyapunovResult:
    """Largest Lyapunov exponent (or the full spectrum) along a parameter grid.

    Parameters
    ----------
    K : compiled map (or a SymbolicMap, compiled on the fly).
    param, values : the parameter swept and its values; ``param=None`` for a map whose
        parameters are all in ``other_params`` (then ``x0`` may hold many starts).
    x0 : start (d,) or one start per value (m, d).
    steps : averaged steps after ``transient`` discarded ones.
    spectrum : all ``d`` exponents (QR every step) instead of the largest one.

    Examples
    --------
    The cubic slice ``g(a) = (1 + mu) a - mu a**3`` at its stable fixed point ``a = 1``
    (exponent ``log|1 - 2 mu|``) and at ``mu = 2`` (conjugate to a Chebyshev map: ``log 3``):

    >>> import sympy as sp
    >>> from theory import SymbolicMap
    >>> a, mu = sp.symbols("a mu")
    >>> K = compile_map(SymbolicMap((a,), ((1 + mu)*a - mu*a**3,), params=(mu,)))
    >>> le = lyapunov(K, "mu", [0.3, 2.0], x0=0.3, steps=200_000)
    >>> err = np.abs(le.exponents - np.log([0.4, 3.0]))
    >>> bool(err[0] < 1e-9), bool(err[1] < 1e-2)
    (True, True)
    """
    if not isinstance(K, CompiledMap):
        K = compile_map(K)
    steps, transient = int(steps), int(transient)
    if steps < 1 or transient < 0:
        raise ValueError(f"steps: need steps >= 1 and transient >= 0, got {steps}, {transient}")
    if x0 is None:
        raise ValueError("x0: a start point is required")
    vals, X, P = _sweep(K, param, values, x0, other_params)
    n, d = X.shape[1], K.dim
    warm = K.iterate(X.T, {name: P[j] for j, name in enumerate(K.param_names)}, transient,
                     horizon=horizon, chunk=chunk)
    X = np.ascontiguousarray(warm.final.T)
    q = d if spectrum else 1
    if spectrum:
        V = np.tile(np.eye(d).reshape(d * d, 1), (1, n))  # vector m = column m of the identity
    else:
        v = 1.0 / np.sqrt(np.arange(1.0, d + 1.0))      # a generic unit start direction
        V = np.tile((v / np.linalg.norm(v))[:, None], (1, n))
    S = np.zeros((q, n))
    good = np.zeros(n)
    kernel = K.module.lyapunov_all if spectrum else K.module.lyapunov_top
    kernel(X, np.ascontiguousarray(V), P, steps, kernel_horizon(horizon), int(chunk), S, good)
    used = good.astype(np.int64)
    diverged = warm.diverged | (used < steps)
    used[warm.diverged] = 0
    S[:, warm.diverged] = 0.0
    exps = S / np.maximum(used, 1)
    exps = -np.sort(-exps.T, axis=1) if spectrum else exps[0]   # spectrum in decreasing order
    return LyapunovResult(param, vals, exps, diverged, used)


def transverse_exponent(F, normal, param: str | None = None, values=None, x0=None,
                        steps: int = 10_000, *, transient: int = 1000,
                        other_params: Mapping | None = None,
                        horizon: float = DEFAULT_HORIZON) -> LyapunovResult:
    """Transverse Lyapunov exponent of an invariant curve with normal field ``normal``.

    Parameters
    ----------
    F : theory.SymbolicMap (or a CompiledMap: its map is used).
    normal : one expression (or number) per state variable: a normal vector field of the invariant
        curve, in the map's symbols, e.g. ``(1, -1)`` for the diagonal ``a = b`` or
        ``("b", "a")`` for the hyperbola ``a*b = c``.
    x0 : a start on the invariant curve (the curve must be invariant: this is not checked here).

    Examples
    --------
    The diagonal ``a = b`` of the two-factor map carries the cubic slice; across it the
    stretching factor is ``1 + mu*(a**2 - 1)``, exactly 1 at the minimiser ``a = 1`` that orbits
    with ``mu < 1`` converge to, so the exponent there is 0.

    >>> from theory import gd_map
    >>> F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    >>> te = transverse_exponent(F, (1, -1), "mu", [0.5], x0=(0.8, 0.8), steps=2000)
    >>> abs(float(te.exponents[0])) < 1e-12
    True
    """
    G = F.map if isinstance(F, CompiledMap) else F
    K = compile_map(G, normal=list(normal) if not isinstance(normal, str) else normal)
    if x0 is None:
        raise ValueError("x0: a start point on the invariant curve is required")
    vals, X, P = _sweep(K, param, values, x0, other_params)
    n = X.shape[1]
    warm = K.iterate(X.T, {name: P[j] for j, name in enumerate(K.param_names)}, int(transient),
                     horizon=horizon)
    X = np.ascontiguousarray(warm.final.T)
    S = np.zeros(n)
    good = np.zeros(n)
    K.module.transverse(X, P, int(steps), kernel_horizon(horizon), S, good)
    used = good.astype(np.int64)
    used[warm.diverged] = 0
    S[warm.diverged] = 0.0
    diverged = warm.diverged | (used < steps)
    return LyapunovResult(param, vals, S / np.maximum(used, 1), diverged, used)
