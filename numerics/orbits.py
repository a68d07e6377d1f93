"""Orbits at scale: orbit ("bifurcation") diagrams over a parameter grid, and escape labels.

Both are thin, documented layers over :meth:`numerics.CompiledMap.iterate`, so they inherit its
guarantees: float64 without fastmath, results independent of chunking and threads, divergence as a
label (``diverged``, ``diverge_step``) with the orbit frozen at its last state within the horizon.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from numerics.codegen import DEFAULT_CHUNK, DEFAULT_HORIZON, CompiledMap

__all__ = ["EscapeResult", "OrbitDiagram", "escape", "orbit_diagram"]


@dataclass(frozen=True)
class OrbitDiagram:
    """Recorded iterates for each value of one parameter.

    Attributes
    ----------
    param : name of the swept parameter.
    values : (m,) parameter values.
    points : (m, record, d) the last ``record`` iterates after the transient (frozen after a
        divergence, never NaN).
    diverged : (m,) bool; diverge_step : (m,) int64 (``-1`` when bounded).
    """

    param: str
    values: np.ndarray
    points: np.ndarray
    diverged: np.ndarray
    diverge_step: np.ndarray

    def scatter(self, coordinate: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Flat ``(parameter, coordinate)`` pairs of bounded orbits, ready for a scatter plot.

        Examples
        --------
        >>> import sympy as sp
        >>> from theory import SymbolicMap
        >>> from numerics import compile_map
        >>> x, r = sp.symbols("x r")
        >>> K = compile_map(SymbolicMap((x,), (r*x*(1 - x),), params=(r,)))
        >>> od = orbit_diagram(K, "r", [2.5, 3.2], x0=0.3, transient=500, record=2)
        >>> p, y = od.scatter()
        >>> p.tolist(), np.round(y, 4).tolist()
        ([2.5, 2.5, 3.2, 3.2], [0.6, 0.6, 0.513, 0.7995])
        """
        keep = ~self.diverged
        _m, r = self.points.shape[:2]
        par = np.repeat(self.values[keep], r)
        return par, self.points[keep, :, coordinate].reshape(-1)


def orbit_diagram(K: CompiledMap, param: str, values, x0, transient: int = 1000,
                  record: int = 200, other_params: Mapping | None = None, *,
                  continuation: bool = False, horizon: float = DEFAULT_HORIZON,
                  chunk: int | None = DEFAULT_CHUNK) -> OrbitDiagram:
    """Orbit diagram: iterate from ``x0`` for each parameter value, discard a transient, record.

    Parameters
    ----------
    K : compiled map; param : the parameter swept; values : its values (1-D).
    x0 : start point (d,), or one start per value (m, d).
    transient, record : steps discarded, then steps recorded.
    other_params : values of the remaining parameters (scalars or (m,) arrays).
    continuation : seed each value with the end state of the previous one (a sequential sweep that
        follows an attractor, as in numerical continuation); a diverged predecessor passes on
        ``x0`` instead. Without it every value starts from ``x0`` and all run in parallel.

    Examples
    --------
    The cubic slice of the two-factor map: stable fixed point ``a = 1`` for ``mu < 1``, a 2-cycle
    beyond.

    >>> import sympy as sp
    >>> from theory import SymbolicMap
    >>> from numerics import compile_map
    >>> a, mu = sp.symbols("a mu")
    >>> K = compile_map(SymbolicMap((a,), ((1 + mu)*a - mu*a**3,), params=(mu,)))
    >>> od = orbit_diagram(K, "mu", [0.5, 1.1], x0=0.3, transient=2000, record=2)
    >>> np.round(od.points[:, :, 0], 6)
    array([[1.      , 1.      ],
           [0.814552, 1.116063]])
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"values: expected a non-empty 1-D array, got shape {values.shape}")
    if param not in K.param_names:
        raise ValueError(f"param: {param!r} is not a parameter of {K.name!r} "
                         f"(parameters: {', '.join(K.param_names) or 'none'})")
    others = {str(k): v for k, v in dict(other_params or {}).items()}
    if param in others:
        raise ValueError(f"other_params: {param!r} is the swept parameter")
    params = {**others, param: values}
    m = values.size
    X0 = K._states(x0)
    if X0.shape[0] not in (1, m):
        raise ValueError(f"x0: {X0.shape[0]} start points for {m} parameter values")
    if not continuation:
        start = np.repeat(X0, m, axis=0) if X0.shape[0] == 1 else X0
        warm = K.iterate(start, params, transient, horizon=horizon, chunk=chunk)
        run = K.iterate(warm.final, params, record, horizon=horizon, chunk=chunk, record=record)
        diverged = warm.diverged | run.diverged
        dstep = np.where(warm.diverged, warm.diverge_step,
                         np.where(run.diverged, run.diverge_step + transient, -1))
        # an orbit the transient froze stays frozen: its frozen state maps beyond the horizon
        # again (the same floats), so its recorded points are that state already
        return OrbitDiagram(param, values, run.trajectory, diverged, dstep)
    if X0.shape[0] != 1:
        raise ValueError("x0: continuation starts from one point, got several")
    P, _ = K.param_matrix(params, m)
    points = np.empty((m, record, K.dim))
    diverged = np.zeros(m, dtype=bool)
    dstep = np.full(m, -1, dtype=np.int64)
    x = X0[0]
    for i in range(m):
        pi = {name: P[j, i] for j, name in enumerate(K.param_names)}
        run = K.iterate(x, pi, transient + record, horizon=horizon, record=record)
        points[i] = run.trajectory[0]
        diverged[i] = run.diverged[0]
        dstep[i] = run.diverge_step[0]
        x = X0[0] if diverged[i] else run.final[0]
    return OrbitDiagram(param, values, points, diverged, dstep)


@dataclass(frozen=True)
class EscapeResult:
    """Bounded versus diverged starts: ``diverged`` and ``diverge_step`` in the grid's shape."""

    diverged: np.ndarray
    diverge_step: np.ndarray
    final: np.ndarray

    @property
    def bounded_fraction(self) -> float:
        """Fraction of starts that stayed within the horizon."""
        return float(1.0 - self.diverged.mean())


def escape(K: CompiledMap, starts, params: Mapping | None = None, steps: int = 1000, *,
           horizon: float = DEFAULT_HORIZON, chunk: int | None = DEFAULT_CHUNK) -> EscapeResult:
    """Which starts escape (leave the horizon within ``steps``)?

    ``starts`` is an array whose last axis has length ``d`` (any grid shape in front), or for a
    1-D map any array of start values. Outputs keep the grid's shape.

    Examples
    --------
    The cubic slice diverges from ``|a0| > sqrt(1 + 2/mu)``:

    >>> import sympy as sp
    >>> from theory import SymbolicMap
    >>> from numerics import compile_map
    >>> a, mu = sp.symbols("a mu")
    >>> K = compile_map(SymbolicMap((a,), ((1 + mu)*a - mu*a**3,), params=(mu,)))
    >>> escape(K, [0.5, 1.6, 1.8, -2.0], {"mu": 1.0}, steps=200).diverged
    array([False, False,  True,  True])
    """
    arr = np.asarray(starts, dtype=np.float64)
    if K.dim == 1 and (arr.ndim == 0 or arr.shape[-1] != 1):
        arr = arr[..., None]
    if arr.ndim == 0 or arr.shape[-1] != K.dim:
        raise ValueError(f"starts: last axis must have length {K.dim}, got shape {arr.shape}")
    shape = arr.shape[:-1]
    run = K.iterate(arr.reshape(-1, K.dim), params, steps, horizon=horizon, chunk=chunk)
    return EscapeResult(run.diverged.reshape(shape), run.diverge_step.reshape(shape),
                        run.final.reshape(*shape, K.dim))
