"""Dynamics evidence for any derived map: Lyapunov exponents and linear rates (at most verified).

:func:`lyapunov_exponent`
    the largest Lyapunov exponent of ``F`` at given parameters, from :func:`numerics.lyapunov`
    (tangent vectors settled during the transient, so no ``O(1/steps)`` start-direction bias),
    compared with a claimed value. Steps scale with the budget.
:func:`linear_rate`
    the contraction rate at a fixed point: ``log`` of the spectral radius of the Jacobian there
    (evaluated from the symbolic Jacobian in float64) *and* the exponent measured along an orbit
    started next to the point; both must match the claim.

Each result reports its sample (steps), worst error, tolerance and seed; computations are cached
per (map, parameters, start, steps) within a process, so several claims about one map share them.
A tolerance states where it comes from: for a stable fixed point or a linear map the finite-time
average converges geometrically (``1e-10`` is float64 rounding over ``10^4`` steps); for a chaotic
orbit the error of a time average of ``n`` steps is of order ``n^(-1/2)``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping

import numpy as np

from proofs_check.claim import Evidence, EvidenceResult
from proofs_check.evidence.confirm import rounding_allowance

__all__ = ["LinearRate", "LyapunovEstimate", "linear_rate", "lyapunov_exponent"]

#: averaged steps per budget (after the transient)
STEPS = {"quick": 20_000, "full": 200_000}


@functools.lru_cache(maxsize=256)
def _exponent(K, params: tuple, x0: tuple, steps: int, transient: int,
              spectrum: bool = False) -> tuple:
    """``(exponent or tuple of exponents, steps used, diverged)``, cached per run."""
    from numerics import lyapunov

    res = lyapunov(K, None, None, x0=np.array([x0]), steps=steps, transient=transient,
                   other_params=dict(params), spectrum=spectrum)
    value = tuple(float(v) for v in res.exponents[0]) if spectrum else float(res.exponents[0])
    return value, int(res.steps_used[0]), bool(res.diverged[0])


def _compiled(F):
    from numerics import CompiledMap, compile_map

    return F if isinstance(F, CompiledMap) else compile_map(F)


def _verdict(kind, description, value, claimed, tol, seed, sample, details) -> EvidenceResult:
    err = abs(value - claimed)
    allowed = tol + rounding_allowance(max(abs(value), abs(claimed)))
    status = "verified" if err <= allowed else "refuted"
    cx = None if status == "verified" else {"computed": value, "claimed": claimed, "tol": tol,
                                            **{k: v for k, v in details.items()
                                               if isinstance(v, int | float | str)}}
    return EvidenceResult(kind, status, description, value=value, claimed=claimed,
                          margin=tol - err, sample_size=sample, worst_error=err,
                          digits=None if err == 0 else round(-math.log10(max(err, 1e-17)), 2),
                          counterexample=cx, details={**details, "tol": tol}, seed=seed)


class LyapunovEstimate(Evidence):
    """The largest Lyapunov exponent (or the spectrum) against claimed values. See
    :func:`lyapunov_exponent`."""

    kind = "numeric"

    def __init__(self, F, claimed, params: Mapping, x0, *, tol: float,
                 transient: int = 1000, steps: Mapping[str, int] | None = None,
                 description: str = ""):
        self.spectrum = np.ndim(claimed) == 1
        self.claimed = tuple(float(c) for c in claimed) if self.spectrum else float(claimed)
        self.F, self.params, self.x0 = F, dict(params), x0
        self.tol, self.transient = float(tol), int(transient)
        self.steps = dict(steps or STEPS)
        self.description = description or ("Lyapunov spectrum along an orbit" if self.spectrum
                                           else "largest Lyapunov exponent along an orbit")

    def run(self, budget: str, seed: int) -> EvidenceResult:
        K = _compiled(self.F)
        steps = self.steps.get(budget, self.steps["quick"])
        x0 = tuple(float(v) for v in np.atleast_1d(self.x0))
        if self.spectrum and len(self.claimed) != K.dim:
            return EvidenceResult(self.kind, "error", self.description, seed=seed,
                                  details={"error": f"{len(self.claimed)} claimed exponents for "
                                           f"a map of dimension {K.dim}"})
        value, used, diverged = _exponent(K, tuple(sorted(self.params.items())), x0, steps,
                                          self.transient, self.spectrum)
        details = {"steps": steps, "transient": self.transient, "x0": list(x0),
                   "params": self.params}
        if diverged:
            return EvidenceResult(self.kind, "error", self.description, seed=seed,
                                  details={**details, "error": f"the orbit from {list(x0)} "
                                           f"diverged after {used} steps"})
        if self.spectrum:  # judged on the exponent furthest from its claim
            details["spectrum"] = list(value)
            k = max(range(len(value)), key=lambda i: abs(value[i] - self.claimed[i]))
            details["worst_index"] = k
            return _verdict(self.kind, self.description, value[k], self.claimed[k], self.tol,
                            seed, steps, details)
        return _verdict(self.kind, self.description, value, self.claimed, self.tol, seed, steps,
                        details)


def lyapunov_exponent(F, claimed, params: Mapping, x0, *, tol: float,
                      transient: int = 1000, steps: Mapping[str, int] | None = None,
                      description: str = "") -> LyapunovEstimate:
    """Evidence that the largest Lyapunov exponent of ``F`` at ``params`` from ``x0`` is
    ``claimed`` within ``tol``; a sequence ``claimed`` claims the whole spectrum (in decreasing
    order; QR re-orthonormalisation), each exponent within ``tol``.

    Examples
    --------
    The logistic map at r = 4 (conjugate to the tent map): exponent ln 2.

    >>> import sympy as sp
    >>> from theory import SymbolicMap
    >>> x, r = sp.symbols("x r")
    >>> F = SymbolicMap((x,), (r*x*(1 - x),), params=(r,), name="logistic")
    >>> lyapunov_exponent(F, math.log(2), {"r": 4.0}, 0.3, tol=0.02).run("quick", 0).status
    'verified'
    >>> lyapunov_exponent(F, 0.6, {"r": 4.0}, 0.3, tol=0.02).run("quick", 0).status
    'refuted'

    The Henon map at a = 1.4, b = 0.3: the exponents sum to ln 0.3 (the Jacobian's determinant
    is -b), the largest is 0.419 (Sprott, *Chaos and Time-Series Analysis*, 2003):

    >>> u, v = sp.symbols("u v")
    >>> H = SymbolicMap((u, v), (1 - sp.Rational(7, 5)*u**2 + v, sp.Rational(3, 10)*u))
    >>> lyapunov_exponent(H, [0.4192, math.log(0.3) - 0.4192], {}, (0.1, 0.1), tol=0.01
    ...                   ).run("quick", 0).status
    'verified'
    """
    return LyapunovEstimate(F, claimed, params, x0, tol=tol, transient=transient, steps=steps,
                            description=description)


class LinearRate(Evidence):
    """The contraction rate at a fixed point. See :func:`linear_rate`."""

    kind = "numeric"

    def __init__(self, F, point: Mapping, claimed: float, params: Mapping, *, tol: float,
                 offset: float = 1e-6, steps: int = 2000, description: str = ""):
        self.F, self.point, self.claimed = F, dict(point), float(claimed)
        self.params, self.tol, self.offset, self.steps = dict(params), float(tol), offset, steps
        self.description = description or "linear rate at a fixed point"

    def run(self, budget: str, seed: int) -> EvidenceResult:
        import sympy as sp

        G = self.F.map if hasattr(self.F, "module") else self.F
        subs = {s: self.point[s.name] for s in G.state} | \
            {p: self.params[p.name] for p in G.params}
        J = np.array(G.jacobian().xreplace(subs).evalf(30).tolist(), dtype=float)
        residual = max(abs(float(sp.sympify(u).xreplace(subs)) - self.point[s.name])
                       for s, u in zip(G.state, G.update, strict=True))
        radius = float(max(abs(np.linalg.eigvals(J))))
        spectral = math.log(radius) if radius > 0 else -math.inf
        rng = np.random.default_rng(seed)
        start = tuple(self.point[s.name] + self.offset * rng.standard_normal()
                      for s in G.state)
        fitted, _, diverged = _exponent(_compiled(G), tuple(sorted(self.params.items())),
                                           start, self.steps, 200)
        details = {"spectral_log_radius": spectral, "orbit_exponent": fitted,
                   "fixed_point_residual": residual, "orbit_steps": self.steps,
                   "start_offset": self.offset}
        if residual > 1e-9 * max(1.0, *map(abs, self.point.values())):
            return EvidenceResult(self.kind, "error", self.description, seed=seed,
                                  details={**details, "error": f"{self.point} is not a fixed "
                                           f"point (|F(x) - x| = {residual:.3g})"})
        worse = max((spectral, fitted), key=lambda v: abs(v - self.claimed))
        if diverged:
            worse = spectral
        return _verdict(self.kind, self.description, worse, self.claimed, self.tol, seed,
                        self.steps, details)


def linear_rate(F, point: Mapping, claimed: float, params: Mapping, *, tol: float = 1e-10,
                offset: float = 1e-6, steps: int = 2000, description: str = "") -> LinearRate:
    """Evidence that orbits near the fixed point ``point`` contract at rate ``claimed`` (the log
    of the spectral radius of the Jacobian there), checked both from the Jacobian and along an
    orbit started ``offset`` away (seeded).

    Examples
    --------
    >>> import sympy as sp
    >>> from theory import gd_map
    >>> F = gd_map("x**2/2 + y**2", params="x y", step="eta")
    >>> r = linear_rate(F, {"x": 0.0, "y": 0.0}, math.log(0.8), {"eta": 0.2}).run("quick", 0)
    >>> r.status, r.worst_error < 1e-10
    ('verified', True)
    """
    return LinearRate(F, point, claimed, params, tol=tol, offset=offset, steps=steps,
                      description=description)
