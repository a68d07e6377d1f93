"""Basins: label every point of a grid of initial conditions by the fate of its orbit.

After ``steps`` steps, the last ``2 * max_period`` iterates decide (``tol`` is relative to
``max(1, |x|)``, coordinatewise):

* **diverged** -- the orbit left the horizon (see :mod:`numerics.codegen`);
* **converged** -- it stopped moving: ``|x_t - x_{t-1}| <= tol`` over the window. If
  ``fixed_points`` are given, a converged orbit within ``assign_tol`` of one of them is labelled
  with that fixed point; if ``family`` (a residual function, zero on a family of fixed points such
  as ``a*b - 1``) is given, converged orbits with ``|family(x)| <= assign_tol`` get its label;
* **period p** (``2 <= p <= max_period``) -- ``|x_t - x_{t-p}| <= tol`` over the window, smallest p;
* **bounded** -- none of the above (aperiodic, quasi-periodic, chaotic, or not yet settled).

Labels are ``int8``; ``legend`` maps each code to its meaning.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numba import prange

from numerics.codegen import DEFAULT_CHUNK, DEFAULT_HORIZON, CompiledMap, compile_map
from numerics.numba_cache import guard
from numerics.vector_width import njit

guard(__file__)  # Numba's cache of these kernels under the kernel cache, checked

__all__ = ["BasinLabels", "classify", "classify_points"]

DIVERGED, BOUNDED, CONVERGED = 0, 1, 2


@dataclass(frozen=True)
class BasinLabels:
    """``labels`` (int8, the grid's shape) and ``legend`` (code -> description).

    ``labels[i, j]`` is the fate of the start ``(grid_a[i], grid_b[j])`` (``indexing="ij"``);
    ``final`` the state after the last step and ``diverge_step`` the step at which an orbit left
    the horizon (``-1`` if it did not), both with the labels' shape.
    """

    labels: np.ndarray
    legend: dict[int, str]
    final: np.ndarray
    diverge_step: np.ndarray | None = None

    def counts(self) -> dict[str, int]:
        """Number of starts per label that occurs.

        Examples
        --------
        >>> BasinLabels(np.array([0, 2, 2], np.int8), {0: "diverged", 2: "converged"},
        ...             np.zeros((3, 1))).counts()
        {'diverged': 1, 'converged': 2}
        """
        codes, num = np.unique(self.labels, return_counts=True)
        return {self.legend[int(c)]: int(k) for c, k in zip(codes, num, strict=True)}


@njit(parallel=True, cache=True)
def _smallest_period(T, max_period, tol, codes, labels):
    """labels[i] = codes[p] for the smallest p <= max_period with |x_t - x_{t-p}| <= tol*scale over
    the window of orbit i (scale = max(1, |x|) coordinatewise over the window), else codes[0]."""
    n, window, d = T.shape
    for i in prange(n):
        labels[i] = codes[0]
        for p in range(1, max_period + 1):
            ok = True
            for j in range(d):
                scale = 1.0
                for t in range(window):
                    scale = max(scale, abs(T[i, t, j]))
                for t in range(p, window):
                    if not abs(T[i, t, j] - T[i, t - p, j]) <= tol * scale:
                        ok = False
                        break
                if not ok:
                    break
            if ok:
                labels[i] = codes[p]
                break


def classify_points(K: CompiledMap, starts, params: Mapping | None = None, steps: int = 1000, *,
                    max_period: int = 8, tol: float = 1e-9, fixed_points=None,
                    family: Callable | None = None, assign_tol: float = 1e-6,
                    horizon: float = DEFAULT_HORIZON,
                    chunk: int | None = DEFAULT_CHUNK) -> BasinLabels:
    """Label an array of starts (last axis = state) -- see :func:`classify`.

    Examples
    --------
    >>> import sympy as sp
    >>> from theory import SymbolicMap
    >>> a, mu = sp.symbols("a mu")
    >>> K = compile_map(SymbolicMap((a,), ((1 + mu)*a - mu*a**3,), params=(mu,)))
    >>> lab = classify_points(K, [[0.5], [-0.5], [2.5]], {"mu": 0.5}, 500, fixed_points=[[1], [-1]])
    >>> lab.labels.tolist(), [lab.legend[c] for c in lab.labels.tolist()]
    ([3, 4, 0], ['fixed point (1.0,)', 'fixed point (-1.0,)', 'diverged'])
    """
    if not isinstance(K, CompiledMap):
        K = compile_map(K)
    max_period = int(max_period)
    if max_period < 1:
        raise ValueError(f"max_period: must be >= 1, got {max_period}")
    arr = np.asarray(starts, dtype=np.float64)
    if arr.ndim == 0 or arr.shape[-1] != K.dim:
        raise ValueError(f"starts: last axis must have length {K.dim}, got shape {arr.shape}")
    shape = arr.shape[:-1]
    X = arr.reshape(-1, K.dim)
    window = 2 * max_period
    if steps < window:
        raise ValueError(f"steps: need at least 2*max_period = {window}, got {steps}")
    run = K.iterate(X, params, steps, horizon=horizon, chunk=chunk, record=window)
    T = run.trajectory                         # (n, window, d), frozen after divergence

    legend: dict[int, str] = {DIVERGED: "diverged", BOUNDED: "bounded", CONVERGED: "converged"}
    code = CONVERGED + 1
    fam_code = None
    if family is not None:
        fam_code = code
        legend[code] = "converged to family"
        code += 1
    fp = None
    if fixed_points is not None:
        fp = np.asarray(fixed_points, dtype=np.float64).reshape(-1, K.dim)
        fp_codes = list(range(code, code + len(fp)))
        for c, p in zip(fp_codes, fp, strict=True):
            legend[c] = "fixed point " + str(tuple(float(v) for v in p))
        code += len(fp)
    period_code = {}
    for p in range(2, max_period + 1):
        period_code[p] = code
        legend[code] = f"period {p}"
        code += 1
    if code > 127:
        raise ValueError("fixed_points: too many categories for int8 labels")

    codes = np.array([BOUNDED, CONVERGED, *(period_code[p] for p in range(2, max_period + 1))],
                     dtype=np.int8)
    labels = np.empty(X.shape[0], dtype=np.int8)
    _smallest_period(T, max_period, float(tol), codes, labels)
    conv = labels == CONVERGED
    final = run.final
    if fp is not None and conv.any():
        dist = np.abs(final[conv][:, None, :] - fp[None, :, :]).max(axis=2)
        nearest = dist.argmin(axis=1)
        close = dist[np.arange(nearest.size), nearest] <= assign_tol
        sub = labels[conv]
        sub[close] = np.asarray(fp_codes, dtype=np.int8)[nearest[close]]
        labels[conv] = sub
    if fam_code is not None:
        still = labels == CONVERGED
        if still.any():
            res = np.abs(np.asarray(family(final[still]), dtype=np.float64).reshape(-1))
            sub = labels[still]
            sub[res <= assign_tol] = fam_code
            labels[still] = sub
    labels[run.diverged] = DIVERGED
    return BasinLabels(labels.reshape(shape), legend, final.reshape(*shape, K.dim),
                       run.diverge_step.reshape(shape))


def classify(K: CompiledMap, grid_a, grid_b=None, params: Mapping | None = None,
             steps: int = 1000, **options) -> BasinLabels:
    """Label a grid of initial conditions: converged (to which fixed point / family), period p,
    bounded, diverged.

    Parameters
    ----------
    K : compiled map (or SymbolicMap) of dimension 1 (``grid_b=None``) or 2.
    grid_a, grid_b : 1-D arrays of start values for the two state variables; the labels have
        shape ``(len(grid_a), len(grid_b))``.
    params : parameter values (scalars). steps : steps before the decision.
    options : ``max_period`` (8), ``tol`` (1e-9), ``fixed_points``, ``family`` (a vectorised
        residual ``f(X) -> (n,)`` vanishing on a family of fixed points), ``assign_tol`` (1e-6),
        ``horizon``, ``chunk``.

    Examples
    --------
    The two-factor map at ``mu = 0.5``: starts near the hyperbola ``a*b = 1`` converge to it;
    large ones diverge.

    >>> from theory import gd_map
    >>> K = compile_map(gd_map("(a*b - 1)**2/2", params="a b", step="mu"))
    >>> lab = classify(K, [0.5, 1.0, 3.0], [0.7, 4.0], {"mu": 0.5}, 400,
    ...                family=lambda X: X[:, 0]*X[:, 1] - 1)
    >>> lab.labels
    array([[3, 0],
           [3, 0],
           [0, 0]], dtype=int8)
    >>> lab.legend[3]
    'converged to family'
    """
    if not isinstance(K, CompiledMap):
        K = compile_map(K)
    ga = np.asarray(grid_a, dtype=np.float64).reshape(-1)
    if grid_b is None:
        if K.dim != 1:
            raise ValueError(f"grid_b: required for a map of dimension {K.dim}")
        return classify_points(K, ga[:, None], params, steps, **options)
    if K.dim != 2:
        raise ValueError(f"grid_b: grids of two coordinates need a 2-D map, got dimension {K.dim}"
                         " (use classify_points)")
    gb = np.asarray(grid_b, dtype=np.float64).reshape(-1)
    A, B = np.meshgrid(ga, gb, indexing="ij")
    return classify_points(K, np.stack([A, B], axis=-1), params, steps, **options)
