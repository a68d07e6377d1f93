"""Lyapunov exponents from Jacobians, batched over parameter grids.

Method (Benettin et al. 1980; Eckmann & Ruelle 1985): tangent vectors are advanced with the
Jacobian at the current point, ``V <- DF(x) V``, and re-orthonormalised by modified Gram-Schmidt
(a QR factorisation); the exponents are the time averages of ``log |R_ii|``. With one tangent
vector this is the largest exponent; for a 1-D map it is the mean of ``log |f'(x_t)|``; with ``d``
vectors it is the full spectrum, in decreasing order for a generic start.

The largest exponent renormalises its vector once
per block of :data:`numerics.codegen.LYAPUNOV_BLOCK` steps (one log per block instead of one a
step, which is what makes it fast: for a 1-D map the log of a product of derivatives): a
block in which the vector's size leaves ``[1e-150, 1e150]`` or the orbit leaves the horizon is
redone with a renormalisation every step, so nothing overflows, underflows or loses precision to
subnormals. Both orders of rounding agree to about ``steps * eps`` relative (tested against the
per-step kernel to 1e-12 at 5000 steps, where the orbit's exponent is well conditioned).

The full spectrum re-orthonormalises its ``d`` vectors (modified Gram-Schmidt, ``d`` logs) once per
block of :data:`numerics.codegen.SPECTRUM_BLOCK` steps, under the same range guard and one more:
over a block the vectors draw together at the rate ``exp(lambda_1 - lambda_d)`` a step, and
Gram-Schmidt on nearly parallel vectors returns the smaller exponents with the rounding error
amplified by ``1 / sin(angle)``, so a block in which Gram-Schmidt removes more than
``1 - SPECTRUM_APART`` (99.9%) of a vector's length is redone step by step. Without that guard
blocks of 8 steps put the Henon map's spectrum (exponents 0.42 and -1.62) 1.3e-11 relative away
from the per-step one, blocks of 16 steps 3e-4; with it the two agree to 1e-12 (tested over
chaotic, periodic and diverging parameters). Blocks of 3 are kept while the exponents lie within
about 2.3 of each other; a map whose spectrum is wider pays for its redone blocks (about 0.7x the
per-step speed when every block is redone).

The transverse exponent of an invariant curve with normal field ``n(x)`` is the time average of
``log |nhat(F x) . DF(x) nhat(x)|`` along an orbit on the curve: the growth rate of perturbations
off the curve (negative: the curve attracts transversally).

An orbit that diverges (see :mod:`numerics.codegen`) stops accumulating; its exponent is the finite
time average over the ``steps_used`` steps before divergence, and ``diverged`` says so. Defaults:
``transient=1000`` discarded steps, ``steps=10_000`` averaged steps. The transient advances the
tangent vectors too, so the average starts from settled directions (no O(1/steps) bias from the
arbitrary start direction).
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
    default_chunk,
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
    drift : (m,) largest distance from the invariant curve seen before a re-projection
        (:func:`transverse_exponent` with ``curve``); None where the curve was not given.
    """

    param: str | None
    values: np.ndarray
    exponents: np.ndarray
    diverged: np.ndarray
    steps_used: np.ndarray
    drift: np.ndarray | None = None


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
             chunk: int | None = DEFAULT_CHUNK) -> LyapunovResult:
    """Largest Lyapunov exponent (or the full spectrum) along a parameter grid.

    Parameters
    ----------
    K : compiled map (or a SymbolicMap, compiled on the fly).
    param, values : the parameter swept and its values; ``param=None`` for a map whose
        parameters are all in ``other_params`` (then ``x0`` may hold many starts).
    x0 : start (d,) or one start per value (m, d).
    steps : averaged steps after ``transient`` discarded ones.
    spectrum : all ``d`` exponents (QR once per block of steps, see above) instead of the largest
        one.
    chunk : orbits per parallel task (performance only: results are bitwise identical for every
        chunk size and thread count; small grids run on the calling thread); None chooses it for
        the map and the grid (:func:`numerics.codegen.default_chunk`).

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
    X = np.ascontiguousarray(X)
    q = d if spectrum else 1
    if spectrum:
        V = np.tile(np.eye(d).reshape(d * d, 1), (1, n))  # vector m = column m of the identity
    else:
        v = 1.0 / np.sqrt(np.arange(1.0, d + 1.0))      # a generic unit start direction
        V = np.tile((v / np.linalg.norm(v))[:, None], (1, n))
    V = np.ascontiguousarray(V)
    if chunk is None:
        # per orbit in a chunk: the state and tangent vectors (twice: double buffer or block
        # start), parameters, sums and counters
        chunk = default_chunk(2 * (d + d * q) + len(K.param_names) + q + 2, n)
    chunk = int(chunk)
    if chunk < 1:
        raise ValueError(f"chunk: must be >= 1, got {chunk}")
    kernel = K.kernel("lyapunov_all" if spectrum else "lyapunov_top", n,
                      n * (steps + transient) * d * q, chunk)
    H = kernel_horizon(horizon)
    # the transient settles the tangent direction(s) as well as the state (the kernel advances X
    # and V in place): averaging from an unsettled direction biases the exponent by O(1/steps)
    warm_good = np.zeros(n)
    kernel(X, V, P, transient, H, chunk, np.zeros((q, n)), warm_good)
    warm_diverged = warm_good < transient
    S = np.zeros((q, n))
    good = np.zeros(n)
    kernel(X, V, P, steps, H, chunk, S, good)
    used = good.astype(np.int64)
    diverged = warm_diverged | (used < steps)
    used[warm_diverged] = 0
    S[:, warm_diverged] = 0.0
    exps = S / np.maximum(used, 1)
    exps = -np.sort(-exps.T, axis=1) if spectrum else exps[0]   # spectrum in decreasing order
    return LyapunovResult(param, vals, exps, diverged, used)


def transverse_exponent(F, normal=None, param: str | None = None, values=None, x0=None,
                        steps: int = 10_000, *, transient: int = 1000,
                        other_params: Mapping | None = None, curve=None, block: int = 8,
                        horizon: float = DEFAULT_HORIZON) -> LyapunovResult:
    """Transverse Lyapunov exponent of an invariant curve.

    Parameters
    ----------
    F : theory.SymbolicMap (or a CompiledMap: its map is used).
    normal : one expression (or number) per state variable: a normal vector field of the invariant
        curve, in the map's symbols, e.g. ``(1, -1)`` for the diagonal ``a = b`` or
        ``("b", "a")`` for the hyperbola ``a*b = c``. Defaults to the gradient of ``curve``.
    curve : an expression whose zero set is the invariant curve (``"a - b"``). Give it: a float
        orbit on a *repelling* curve leaves it within a few dozen steps (rounding grows like
        ``exp(exponent * t)``) and then measures something else; with ``curve`` the orbit is
        projected back onto the curve (Newton steps along the gradient) every ``block`` steps,
        and ``drift`` reports the largest distance seen before a projection. Without it nothing
        checks that the orbit stays on the curve (``drift`` is None).
    x0 : a start on the invariant curve (its invariance is not checked here).

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
    import sympy as sp

    G = F.map if isinstance(F, CompiledMap) else F
    c_expr = None
    if curve is not None:
        names = {str(s): s for s in (*G.state, *G.params)}
        c_expr = sp.sympify(curve, locals=names) if isinstance(curve, str) else sp.sympify(curve)
        grad = [sp.diff(c_expr, x) for x in G.state]
        if normal is None:
            normal = grad
    if normal is None:
        raise ValueError("normal: give the curve's normal field or the curve (curve=)")
    K = compile_map(G, normal=list(normal) if not isinstance(normal, str) else normal)
    if x0 is None:
        raise ValueError("x0: a start point on the invariant curve is required")
    vals, X, P = _sweep(K, param, values, x0, other_params)
    n = X.shape[1]
    H = kernel_horizon(horizon)
    if c_expr is None:
        warm = K.iterate(X.T, {name: P[j] for j, name in enumerate(K.param_names)},
                         int(transient), horizon=horizon)
        X = np.ascontiguousarray(warm.final.T)
        S = np.zeros(n)
        good = np.zeros(n)
        K.module.transverse(X, P, int(steps), H, S, good)
        used = good.astype(np.int64)
        used[warm.diverged] = 0
        S[warm.diverged] = 0.0
        diverged = warm.diverged | (used < steps)
        return LyapunovResult(param, vals, S / np.maximum(used, 1), diverged, used)
    args = [*G.state, *G.params]
    c_fn = sp.lambdify(args, c_expr, "numpy")
    g_fn = [sp.lambdify(args, gi, "numpy") for gi in grad]
    X = np.ascontiguousarray(X)
    drift = np.zeros(n)

    def project(X):
        for it in range(2):  # two Newton steps along the gradient: the residual is O(drift^2)
            cols = [*X, *P]
            cval = np.broadcast_to(c_fn(*cols), (n,))
            gv = np.array([np.broadcast_to(g(*cols), (n,)) for g in g_fn])
            g2 = np.maximum(np.sum(gv * gv, axis=0), np.finfo(float).tiny)
            if it == 0:
                np.maximum(drift, np.abs(cval) / np.sqrt(g2), out=drift)
            X -= gv * (cval / g2)
        return X

    def run(total, S, good):
        done = 0
        while done < total:
            k = min(block, total - done)
            s_blk, g_blk = np.zeros(n), np.zeros(n)
            K.module.transverse(X, P, k, H, s_blk, g_blk)
            S += s_blk
            good += g_blk
            project(X)
            done += k

    warm_good = np.zeros(n)
    run(int(transient), np.zeros(n), warm_good)
    warm_diverged = warm_good < transient
    S = np.zeros(n)
    good = np.zeros(n)
    run(int(steps), S, good)
    used = good.astype(np.int64)
    used[warm_diverged] = 0
    S[warm_diverged] = 0.0
    diverged = warm_diverged | (used < steps)
    return LyapunovResult(param, vals, S / np.maximum(used, 1), diverged, used, drift)
