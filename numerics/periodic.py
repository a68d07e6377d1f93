"""Periodic orbits and their bifurcations, refined to high precision with mpmath.

* :func:`periodic_orbits` -- Newton's method on ``F^n(x) - x`` from many starts at once (float64;
  one compiled-kernel call per Newton round computes ``F^n`` and the product of Jacobians for all
  starts), de-duplicated orbit by orbit, with the multipliers (eigenvalues of the product of
  Jacobians along the orbit) and the minimal period.
* :func:`bifurcation_points` -- a point where a period-``n`` orbit has a multiplier ``-1``
  (period doubling / flip), ``+1`` (tangent / fold), or, for 1-D maps, passes through a critical
  point (superstable). The extended system (orbit equations + the bifurcation condition, unknowns
  the point and the parameter) is solved by :func:`mpmath.findroot` at ``dps`` digits from a
  float64 guess; the number of correct digits is estimated by re-solving at ``dps + 10``.
* :func:`period_doubling_cascade` -- successive period-doubling points ``mu_k`` (periods
  ``1, 2, 4, ...`` times a base period), the ratios ``delta_k = (mu_k - mu_{k-1}) / (mu_{k+1} -
  mu_k)`` (tending to Feigenbaum's ``4.669201609...`` for a quadratic critical point) and the
  accumulation point extrapolated geometrically.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from numerics.codegen import CompiledMap, compile_map

__all__ = [
    "FEIGENBAUM_DELTA",
    "BifurcationPoint",
    "Cascade",
    "PeriodicOrbit",
    "bifurcation_points",
    "period_doubling_cascade",
    "periodic_orbits",
]

FEIGENBAUM_DELTA = 4.669201609102990


@dataclass(frozen=True)
class PeriodicOrbit:
    """One periodic orbit: ``points`` (p, d) in orbit order, ``multipliers`` (d,) complex,
    ``period`` (minimal), ``stable`` (all multipliers strictly inside the unit circle)."""

    points: np.ndarray
    multipliers: np.ndarray
    period: int

    @property
    def stable(self) -> bool:
        return bool(np.all(np.abs(self.multipliers) < 1))


def _as_compiled(F) -> CompiledMap:
    return F if isinstance(F, CompiledMap) else compile_map(F)


def _orbit_and_monodromy(K: CompiledMap, X: np.ndarray, params: Mapping, n: int):
    """F^n(X) and the product of Jacobians along the n steps, for many points X (m, d): one
    kernel call for all of them."""
    m, d = X.shape
    P = np.ascontiguousarray(np.repeat(K.param_matrix(params)[0], m, axis=1))
    Xt = np.array(X.T, order="C")
    Y = np.empty_like(Xt)
    M = np.empty((d, d, m))
    K.kernel("monodromy", m, m * n * d * d)(Xt, P, n, Y, M)
    return Y.T, np.moveaxis(M, 2, 0)


def periodic_orbits(F, period: int, params: Mapping | None = None, starts=None, *,
                    box=(-2.0, 2.0), n_starts: int = 256, seed: int = 0, tol: float = 1e-10,
                    max_iter: int = 60, minimal: bool = True) -> list[PeriodicOrbit]:
    """Periodic orbits of period ``period`` by Newton on ``F^n(x) - x`` from many starts.

    Parameters
    ----------
    F : SymbolicMap or CompiledMap; period : n >= 1; params : parameter values (scalars).
    starts : (k, d) start points; default ``n_starts`` uniform draws in ``box`` per coordinate
        (``seed`` fixes them).
    tol : Newton stops when ``max|F^n(x) - x| <= tol``; orbits closer than ``1e3*tol`` are merged.
    minimal : keep only orbits whose minimal period is ``period``.

    Returns orbits sorted by their first coordinate.

    Examples
    --------
    The 2-cycle of the cubic slice at ``mu = 1.2`` has multiplier ``9 - 2*(1 + mu)**2``:

    >>> import sympy as sp
    >>> from theory import SymbolicMap
    >>> a, mu = sp.symbols("a mu")
    >>> g = SymbolicMap((a,), ((1 + mu)*a - mu*a**3,), params=(mu,))
    >>> [orb.points[:, 0].round(10).tolist() for orb in periodic_orbits(g, 2, {"mu": 1.2})]
    [[-1.6329931619, 1.6329931619], [-1.1395384919, -0.7312902015], [0.7312902015, 1.1395384919]]
    >>> [round(float(orb.multipliers[0].real), 12) for orb in periodic_orbits(g, 2, {"mu": 1.2})]
    [54.76, -0.68, -0.68]
    """
    K = _as_compiled(F)
    d = K.dim
    n = int(period)
    if n < 1:
        raise ValueError(f"period: must be >= 1, got {period}")
    params = {str(k): float(v) for k, v in dict(params or {}).items()}
    if starts is None:
        rng = np.random.default_rng(seed)
        lo, hi = box
        X = rng.uniform(lo, hi, size=(int(n_starts), d))
    else:
        X = K._states(starts, "starts")
    eye = np.eye(d)
    with np.errstate(all="ignore"):
        active = np.ones(X.shape[0], dtype=bool)
        for _ in range(max_iter):  # Newton until the step stalls at rounding level
            idx = np.flatnonzero(active)
            if idx.size == 0:
                break
            Xa = X[idx]
            Y, M = _orbit_and_monodromy(K, Xa, params, n)
            G = Y - Xa
            A = M - eye
            ok = np.all(np.isfinite(G), axis=1) & np.all(np.isfinite(M), axis=(1, 2))
            ok &= np.abs(np.linalg.det(np.where(ok[:, None, None], A, eye))) > 1e-300
            dx = np.zeros_like(Xa)
            if ok.any():
                dx[ok] = np.linalg.solve(A[ok], -G[ok][..., None])[..., 0]
            ok &= np.all(np.isfinite(Xa + dx), axis=1)
            X[idx[ok]] = Xa[ok] + dx[ok]
            tiny = np.abs(dx).max(axis=1) <= 4e-16 * (1.0 + np.abs(Xa).max(axis=1))
            active[idx[~ok | tiny]] = False
        X = X[np.all(np.isfinite(X), axis=1)]
        Y, _ = _orbit_and_monodromy(K, X, params, n)
        converged = np.all(np.isfinite(Y), axis=1) & (np.abs(Y - X).max(axis=1) <= tol)
    merge = 1e3 * tol
    Xc = X[converged]
    if len(Xc) == 0:
        return []
    # the n points of every converged orbit at once (K.step's arithmetic: bitwise its iterates)
    pts_all = Xc[:, None, :]
    if n > 1:
        run = K.iterate(Xc, params, n - 1, record=n - 1, horizon=np.inf)
        pts_all = np.concatenate([pts_all, run.trajectory], axis=1)
    # minimal period: the smallest divisor q of n with x_q back at x_0 (within merge)
    periods = np.full(len(Xc), n)
    for q in sorted((q for q in range(1, n) if n % q == 0), reverse=True):
        back = np.abs(pts_all[:, q] - pts_all[:, 0]).max(axis=1) <= merge
        periods[back] = q
    kept: list[tuple[np.ndarray, np.ndarray, int]] = []   # (orbit points, start found, period)
    for pts, q in zip(pts_all, periods, strict=True):
        if minimal and q != n:
            continue
        x = pts[0]
        if any(np.abs(o - x).max(axis=1).min() <= merge for o, _, _ in kept):
            continue
        start = int(np.lexsort(pts[:q].T[::-1])[0])
        kept.append((np.roll(pts[:q], -start, axis=0), x, int(q)))
    orbits: list[PeriodicOrbit] = []
    for q in sorted({q for _, _, q in kept}):
        group = [(o, x) for o, x, qq in kept if qq == q]
        # multipliers: the Jacobians' product around each orbit from its start as found
        _, Ms = _orbit_and_monodromy(K, np.array([x for _, x in group]), params, q)
        for (o, _), Mx in zip(group, Ms, strict=True):
            orbits.append(PeriodicOrbit(o, np.linalg.eigvals(Mx).astype(complex), q))
    orbits.sort(key=lambda o: tuple(o.points[0]))
    return orbits


# -- high precision --------------------------------------------------------------------------------
@lru_cache(maxsize=32)
def _mp_functions(F):
    args = (*F.state, *F.params)
    f = sp.lambdify(args, list(F.update), modules="mpmath")
    J = F.jacobian()
    jac = sp.lambdify(args, [[J[i, j] for j in range(F.dim)] for i in range(F.dim)],
                      modules="mpmath")
    return f, jac


def _mp_orbit(F, x, pvals, n):
    f, jac = _mp_functions(F)
    d = F.dim
    M = mpmath.eye(d)
    for _ in range(n):
        M = mpmath.matrix(jac(*x, *pvals)) * M
        x = list(f(*x, *pvals))
    return x, M


@dataclass(frozen=True)
class BifurcationPoint:
    """A bifurcation point found and refined with mpmath.

    Attributes
    ----------
    kind : "period-doubling", "tangent" or "superstable"; period : of the orbit involved.
    param : parameter name; value : the parameter value (mpmath.mpf at ``dps`` digits);
    point : a point of the orbit there (mpf list); digits : estimated correct significant digits
        (agreement with a solve at ``dps + 10``).
    """

    kind: str
    period: int
    param: str
    value: mpmath.mpf
    point: list
    digits: float
    multipliers: list = field(default_factory=list)

    def __float__(self) -> float:
        return float(self.value)


_TARGET = {"period-doubling": -1, "tangent": 1}


def _solve(F, kind, n, pindex, others, guess, dps):
    d = F.dim
    with mpmath.workdps(dps):
        def pvals(mu):
            vals = list(others)
            vals[pindex] = mu
            return vals

        if kind == "superstable":
            fprime = sp.lambdify((*F.state, *F.params), F.jacobian()[0, 0], modules="mpmath")

            def system(c, mu):
                y, _ = _mp_orbit(F, [c], pvals(mu), n)
                return [y[0] - c, fprime(c, *pvals(mu))]
        else:
            lam = _TARGET[kind]

            def system(*z):
                x, mu = list(z[:d]), z[d]
                y, M = _mp_orbit(F, x, pvals(mu), n)
                return [yi - xi for yi, xi in zip(y, x, strict=True)] + \
                    [mpmath.det(M - lam * mpmath.eye(d))]
        z = mpmath.findroot(system, [mpmath.mpf(float(g)) for g in guess],
                            tol=mpmath.mpf(10) ** (-(dps - 6)), maxsteps=100)
        z = list(z) if isinstance(z, mpmath.matrix) else [z]
        return z


def bifurcation_points(F, param: str, kind: str = "period-doubling", period: int = 1, *,
                       near: float, other_params: Mapping | None = None, x0=None,
                       box=(-2.0, 2.0), dps: int = 30) -> BifurcationPoint:
    """Locate and refine one bifurcation point of the period-``period`` orbits near ``near``.

    Parameters
    ----------
    F : theory.SymbolicMap (or CompiledMap); param : the parameter varied.
    kind : ``"period-doubling"`` (a multiplier ``-1``), ``"tangent"`` (``+1``) or
        ``"superstable"`` (1-D maps: a critical point ``f'(c) = 0`` lies on the orbit).
    near : a parameter value close to the bifurcation (the guess).
    x0 : optional guess of a point of the orbit; otherwise orbits at ``near`` are searched in
        ``box`` and the one whose multiplier is closest to the target is used.
    dps : working precision of :func:`mpmath.findroot`.

    Examples
    --------
    The cubic slice doubles its period at ``mu = 1`` (fixed point) and ``mu = sqrt(5) - 1``
    (2-cycle):

    >>> import sympy as sp
    >>> from theory import SymbolicMap
    >>> a, mu = sp.symbols("a mu")
    >>> g = SymbolicMap((a,), ((1 + mu)*a - mu*a**3,), params=(mu,))
    >>> bp = bifurcation_points(g, "mu", period=2, near=1.25, box=(0.2, 1.5))
    >>> mpmath.nstr(bp.value, 15), bp.digits >= 12
    ('1.23606797749979', True)
    """
    G = F.map if isinstance(F, CompiledMap) else F
    names = [p.name for p in G.params]
    if param not in names:
        raise ValueError(f"param: {param!r} is not a parameter of {G.name!r}")
    if kind not in ("period-doubling", "tangent", "superstable"):
        raise ValueError(f"kind: {kind!r} is not 'period-doubling', 'tangent' or 'superstable'")
    if kind == "superstable" and G.dim != 1:
        raise ValueError("kind: 'superstable' is defined here for 1-D maps only")
    others = {str(k): v for k, v in dict(other_params or {}).items()}
    missing = [p for p in names if p != param and p not in others]
    if missing:
        raise ValueError(f"other_params: missing value for {', '.join(missing)}")
    n = int(period)
    pindex = names.index(param)
    values = [mpmath.mpf(others[p]) if p != param else mpmath.mpf(near) for p in names]
    params = {**others, param: float(near)}
    K = _as_compiled(G)
    if kind == "superstable":
        guess = [*_superstable_guess(K, n, params, x0, box), float(near)]
    else:
        if x0 is None:
            orbits = periodic_orbits(K, n, params, box=box)
            if not orbits:
                raise ValueError(f"near: no period-{n} orbit found at {param} = {near} in {box}")
            target = _TARGET[kind]
            best = min(orbits, key=lambda o: np.abs(o.multipliers - target).min())
            x0 = best.points[0]
        guess = [*list(np.atleast_1d(np.asarray(x0, dtype=float))), float(near)]
    z = _solve(G, kind, n, pindex, values, guess, dps)
    z2 = _solve(G, kind, n, pindex, values, [float(v) for v in z], dps + 10)
    with mpmath.workdps(dps + 10):
        err = abs(z2[-1] - z[-1])
        digits = float(dps) if err == 0 else float(-mpmath.log10(err / max(abs(z2[-1]), 1e-300)))
    point = z[:-1]
    with mpmath.workdps(dps):
        vals = list(values)
        vals[pindex] = z[-1]
        _, M = _mp_orbit(G, point, vals, n)
        mults = list(mpmath.eig(M, left=False, right=False)) if G.dim > 1 else [M[0, 0]]
    return BifurcationPoint(kind, n, param, z[-1], point, min(digits, float(dps)), mults)


def _superstable_guess(K, n, params, x0, box):
    """A critical point c (f'(c) = 0) of a 1-D map whose orbit nearly returns after n steps."""
    if x0 is not None:
        return [float(np.atleast_1d(x0)[0])]
    c = np.linspace(box[0], box[1], 401)
    h = 1e-7
    with np.errstate(all="ignore"):
        for _ in range(60):  # Newton on f'(c) = 0, f'' by central differences
            f1 = K.jacobian(c[:, None], params).reshape(-1)
            f2 = (K.jacobian((c + h)[:, None], params).reshape(-1)
                  - K.jacobian((c - h)[:, None], params).reshape(-1)) / (2 * h)
            c = np.where(np.abs(f2) > 0, c - f1 / f2, c)
        f1 = K.jacobian(c[:, None], params).reshape(-1)
        ok = np.isfinite(c) & (np.abs(f1) < 1e-9)
        if not ok.any():
            raise ValueError(f"box: no critical point found in {box}")
        cands = np.unique(np.round(c[ok], 12))
        y = cands.copy()
        for _ in range(n):
            y = K.step(y[:, None], params).reshape(-1)
        miss = np.where(np.isfinite(y), np.abs(y - cands), np.inf)
    return [float(cands[int(np.argmin(miss))])]


@dataclass(frozen=True)
class Cascade:
    """A period-doubling cascade: ``values[k]`` doubles period ``periods[k]``; ``ratios[k] =
    (values[k+1] - values[k]) / (values[k+2] - values[k+1])``; ``accumulation`` the geometric
    extrapolation ``values[-1] + (values[-1] - values[-2]) / (ratios[-1] - 1)``."""

    param: str
    periods: list[int]
    values: list
    ratios: list
    accumulation: mpmath.mpf
    digits: list


def period_doubling_cascade(F, param: str, near: Sequence[float], levels: int = 5, *,
                            period: int = 1, other_params: Mapping | None = None,
                            box=(-2.0, 2.0), dps: int = 30) -> Cascade:
    """Follow a period-doubling cascade and extrapolate its accumulation point.

    Parameters
    ----------
    near : guesses of the first two period-doubling values (periods ``period`` and
        ``2*period``); later ones are predicted with Feigenbaum's constant and refined.
    levels : number of period-doubling points to locate (>= 2; ratios need >= 3).

    Examples
    --------
    The logistic map ``x -> r x (1 - x)``: ``r_1 = 3``, ``r_2 = 1 + sqrt(6)``, ...

    >>> import sympy as sp
    >>> from theory import SymbolicMap
    >>> x, r = sp.symbols("x r")
    >>> c = period_doubling_cascade(SymbolicMap((x,), (r*x*(1 - x),), params=(r,)), "r",
    ...                             near=(3.0, 3.45), levels=4, box=(0.05, 0.95))
    >>> [mpmath.nstr(v, 12) for v in c.values]
    ['3.0', '3.44948974278', '3.54409035955', '3.5644072661']
    >>> [round(float(d), 3) for d in c.ratios]
    [4.751, 4.656]
    """
    if levels < 2 or len(near) != 2:
        raise ValueError("levels: need >= 2 levels and two guesses in near")
    G = F.map if isinstance(F, CompiledMap) else F
    K = _as_compiled(G)
    others = {str(k): v for k, v in dict(other_params or {}).items()}
    values, digits, periods = [], [], []
    prev_points = None
    for k in range(levels):
        p = period * 2 ** k
        if k < 2:
            guess = float(near[k])
        else:
            gap = float(values[-1] - values[-2])
            ratio = float((values[-2] - values[-3]) / (values[-1] - values[-2])) if k >= 3 \
                else FEIGENBAUM_DELTA
            guess = float(values[-1]) + gap / ratio
        x0 = None
        if prev_points is not None:
            # the new orbit is born from the previous one: search next to its points
            params = {**others, param: guess}
            rng = np.random.default_rng(k)
            base = np.repeat(prev_points, 16, axis=0)
            starts = base + rng.normal(scale=1e-2, size=base.shape)
            orbs = periodic_orbits(K, p, params, starts=starts)
            if orbs:
                best = min(orbs, key=lambda o: np.abs(o.multipliers + 1).min())
                x0 = best.points[0]
        bp = bifurcation_points(G, param, "period-doubling", p, near=guess, other_params=others,
                                x0=x0, box=box, dps=dps)
        values.append(bp.value)
        digits.append(bp.digits)
        periods.append(p)
        with mpmath.workdps(dps):
            pts = [bp.point]
            pv = [mpmath.mpf(others[q.name]) if q.name != param else bp.value for q in G.params]
            f, _ = _mp_functions(G)
            for _ in range(p - 1):
                pts.append(list(f(*pts[-1], *pv)))
        prev_points = np.array([[float(c) for c in pt] for pt in pts])
    with mpmath.workdps(dps):
        ratios = [(values[i + 1] - values[i]) / (values[i + 2] - values[i + 1])
                  for i in range(len(values) - 2)]
        delta = ratios[-1] if ratios else mpmath.mpf(FEIGENBAUM_DELTA)
        acc = values[-1] + (values[-1] - values[-2]) / (delta - 1)
    return Cascade(param, periods, values, ratios, acc, digits)
