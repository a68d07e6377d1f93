"""Stability evidence for any derived map: the step-size threshold of a fixed point, and the
fraction of a box of starts that meets a fate (escape, convergence, a period). At most verified.

:func:`step_threshold`
    the largest step ``eta*`` below which the fixed point is linearly stable: the spectral radius
    of the symbolic Jacobian there, evaluated in float64, crosses 1 (a scan, then bisection to
    rounding), *and* orbits started next to the point contract just below ``eta*`` and do not
    just above it (seeded). Both must agree with the claim.
:func:`basin_fraction`
    the fraction of uniformly drawn starts in a box whose orbits diverge, converge, stay bounded
    or settle on a period-k cycle within the budget's steps, against a claimed fraction: the
    claim is verified when it lies in the 99.9 % Wilson interval of the sample (widened by the
    caller's ``tol``, which must say where it comes from), refuted outside it.

Each result reports its sample, worst error, tolerance and seed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from proofs_check.claim import Evidence, EvidenceResult
from proofs_check.evidence.confirm import rounding_allowance
from proofs_check.evidence.dynamics import _compiled

__all__ = ["BasinFraction", "StepThreshold", "basin_fraction", "step_threshold"]

#: sample sizes of basin_fraction per budget
SAMPLES = {"quick": 20_000, "full": 1_000_000}

#: two-sided normal quantile of the 99.9 % Wilson interval
Z_999 = 3.290526731491926


def _symbolic(F):
    return F.map if hasattr(F, "module") else F


class StepThreshold(Evidence):
    """The step-size threshold of a fixed point. See :func:`step_threshold`."""

    kind = "numeric"

    def __init__(self, F, point: Mapping, claimed: float, params: Mapping | None = None, *,
                 step: str | None = None, tol: float = 1e-9, margin: float = 0.05,
                 orbit_steps: int = 4000, offset: float = 1e-6, description: str = ""):
        self.F, self.point, self.claimed = F, dict(point), float(claimed)
        self.params, self.step = dict(params or {}), step
        self.tol, self.margin, self.offset = float(tol), float(margin), float(offset)
        self.orbit_steps = int(orbit_steps)
        self.description = description or "step-size threshold of linear stability"
        if not (0 < self.margin < 1 and self.claimed > 0 and self.tol >= 0):
            raise ValueError("step_threshold: need claimed > 0, 0 < margin < 1, tol >= 0")

    @staticmethod
    def _radius(G, eta, subs):
        """The spectral radius of the Jacobian at ``subs`` as a function of the step."""
        import sympy as sp

        J = sp.lambdify([eta], G.jacobian().xreplace(subs), "numpy")
        return lambda h: float(max(abs(np.linalg.eigvals(np.asarray(J(h), dtype=float)))))

    def run(self, budget: str, seed: int) -> EvidenceResult:
        G = _symbolic(self.F)
        by_name = {p.name: p for p in G.params}
        eta = by_name.get(self.step) if self.step else getattr(G, "step", None)
        if eta is None:
            return EvidenceResult(self.kind, "error", self.description, seed=seed,
                                  details={"error": "name the step-size parameter (step=...)"})
        missing = [p.name for p in G.params if p != eta and p.name not in self.params] + \
            [s.name for s in G.state if s.name not in self.point]
        if missing:
            return EvidenceResult(self.kind, "error", self.description, seed=seed,
                                  details={"error": f"no value for {', '.join(missing)}"})
        import sympy as sp

        subs = {s: self.point[s.name] for s in G.state} | \
            {p: self.params[p.name] for p in G.params if p != eta}
        residual = max(abs(complex(sp.sympify(u).xreplace(subs).xreplace({eta: 1}))
                           - self.point[s.name]) for s, u in zip(G.state, G.update, strict=True))
        if residual > 1e-9 * max(1.0, *map(abs, self.point.values())):
            return EvidenceResult(self.kind, "error", self.description, seed=seed,
                                  details={"error": f"{self.point} is not a fixed point "
                                           f"(|F(x) - x| = {residual:.3g} at step 1)"})
        rho = self._radius(G, eta, subs)
        # scan (0, 4 claimed] for the first step where the radius leaves the unit disc
        grid = np.linspace(0.0, 4.0 * self.claimed, 4001)[1:]
        outside = [h for h in grid if rho(h) > 1.0]
        details = {"params": self.params, "point": self.point, "step": eta.name,
                   "scanned": [0.0, float(grid[-1])], "orbit_steps": self.orbit_steps,
                   "margin": self.margin, "start_offset": self.offset}
        if not outside:
            return EvidenceResult(self.kind, "refuted", self.description, value=math.inf,
                                  claimed=self.claimed, sample_size=len(grid), seed=seed,
                                  counterexample={"step": float(grid[-1]),
                                                  "spectral_radius": rho(grid[-1])},
                                  details={**details, "note": "stable over the whole scan"})
        if outside[0] == grid[0]:
            return EvidenceResult(self.kind, "refuted", self.description, value=0.0,
                                  claimed=self.claimed, sample_size=len(grid), seed=seed,
                                  counterexample={"step": float(grid[0]),
                                                  "spectral_radius": rho(grid[0])},
                                  details={**details, "note": "unstable for every step "
                                           "scanned: a saddle or a maximum, not a minimum"})
        hi = float(outside[0])
        lo = float(grid[max(0, int(np.searchsorted(grid, hi)) - 1)]) if hi > grid[0] else 0.0
        if rho(lo) > 1.0:
            lo = 0.0
        for _ in range(200):  # bisection to adjacent floats
            mid = 0.5 * (lo + hi)
            if mid in (lo, hi):
                break
            lo, hi = (lo, mid) if rho(mid) > 1.0 else (mid, hi)
        star = lo
        details["spectral_threshold"] = star
        # orbits next to the point: contract below the threshold, do not above it
        K = _compiled(G)
        rng = np.random.default_rng(seed)
        names = [s.name for s in G.state]
        x_star = np.array([self.point[n] for n in names], dtype=float)
        start = x_star + self.offset * rng.standard_normal(len(names))
        contracts = {}
        for side, h in (("below", star * (1 - self.margin)), ("above", star * (1 + self.margin))):
            run = K.iterate(start[None, :], {**self.params, eta.name: h}, self.orbit_steps)
            dist = math.inf if run.diverged[0] else \
                float(np.linalg.norm(run.final[0] - x_star))
            contracts[side] = dist < 0.5 * self.offset
            details[f"distance_{side}"] = dist
        orbit_ok = contracts["below"] and not contracts["above"]
        err = abs(star - self.claimed)
        allowed = self.tol + rounding_allowance(max(star, self.claimed))
        if not orbit_ok:
            return EvidenceResult(self.kind, "inconclusive", self.description, value=star,
                                  claimed=self.claimed, sample_size=len(grid), seed=seed,
                                  details={**details, "note": "orbits next to the point do not "
                                           "change behaviour at the spectral threshold within "
                                           f"{self.orbit_steps} steps"})
        status = "verified" if err <= allowed else "refuted"
        return EvidenceResult(
            self.kind, status, self.description, value=star, claimed=self.claimed,
            margin=self.tol - err, sample_size=len(grid), worst_error=err, seed=seed,
            digits=None if err == 0 else round(-math.log10(max(err, 1e-17)), 2),
            counterexample=None if status == "verified" else
            {"threshold": star, "claimed": self.claimed, "tol": self.tol},
            details={**details, "tol": self.tol})


def step_threshold(F, point: Mapping, claimed: float, params: Mapping | None = None, *,
                   step: str | None = None, tol: float = 1e-9, margin: float = 0.05,
                   orbit_steps: int = 4000, offset: float = 1e-6,
                   description: str = "") -> StepThreshold:
    """Evidence that the fixed point ``point`` of ``F`` is linearly stable exactly for steps
    below ``claimed`` (within ``tol``; the default is bisection to rounding of a float64
    spectral radius, so give a looser one for an ill-conditioned Jacobian).

    Examples
    --------
    Weight-decayed two-factor GD at its minimum a = b = sqrt(1 - lam): the eigenvalues are
    ``1 - 2 eta lam`` and ``1 - 2 eta (1 - lam)``, so for lam = 1/4 the threshold is 4/3.

    >>> from theory import gd_map
    >>> F = gd_map("(a*b - 1)**2/2 + lam/2*(a**2 + b**2)", params="a b", step="eta",
    ...            constants="lam")
    >>> s = 0.75 ** 0.5
    >>> step_threshold(F, {"a": s, "b": s}, 4/3, {"lam": 0.25}).run("quick", 0).status
    'verified'
    >>> step_threshold(F, {"a": s, "b": s}, 1.4, {"lam": 0.25}).run("quick", 0).status
    'refuted'
    """
    return StepThreshold(F, point, claimed, params, step=step, tol=tol, margin=margin,
                         orbit_steps=orbit_steps, offset=offset, description=description)


def _wilson(successes: int, n: int, z: float = Z_999) -> tuple[float, float]:
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


class BasinFraction(Evidence):
    """The fraction of a box of starts that meets a fate. See :func:`basin_fraction`."""

    kind = "numeric"

    FATES = ("diverged", "converged", "bounded")

    def __init__(self, F, box: Mapping, claimed: float, params: Mapping | None = None, *,
                 fate: str = "diverged", steps: int = 1000, tol: float = 0.0,
                 samples: Mapping[str, int] | None = None, description: str = ""):
        self.F, self.box, self.claimed = F, dict(box), float(claimed)
        self.params, self.fate, self.steps = dict(params or {}), fate, int(steps)
        self.tol = float(tol)
        self.samples = dict(samples or SAMPLES)
        self.description = description or f"fraction of starts that {fate}"
        period = fate.startswith("period ") and fate[7:].isdigit() and int(fate[7:]) >= 2
        if fate not in self.FATES and not period:
            raise ValueError(f"basin_fraction: fate {fate!r} is not one of "
                             f"{', '.join(self.FATES)} or 'period K'")
        if not 0 <= self.claimed <= 1 or self.tol < 0:
            raise ValueError("basin_fraction: claimed must be a fraction in [0, 1], tol >= 0")

    def run(self, budget: str, seed: int) -> EvidenceResult:
        from numerics import classify_points

        G = _symbolic(self.F)
        names = [s.name for s in G.state]
        missing = [n for n in names if n not in self.box]
        if missing:
            return EvidenceResult(self.kind, "error", self.description, seed=seed,
                                  details={"error": f"box: no range for {', '.join(missing)}"})
        n = self.samples.get(budget, self.samples["quick"])
        rng = np.random.default_rng(seed)
        starts = np.stack([rng.uniform(*map(float, self.box[v]), n) for v in names], axis=1)
        period = int(self.fate[7:]) if self.fate.startswith("period ") else 1
        lab = classify_points(_compiled(G), starts, self.params, self.steps,
                              max_period=max(8, period))
        codes = [c for c, text in lab.legend.items() if text == self.fate]
        hits = int(np.isin(lab.labels, codes).sum())
        lo, hi = _wilson(hits, n)
        lo, hi = lo - self.tol, hi + self.tol
        value = hits / n
        err = abs(value - self.claimed)
        status = "verified" if lo <= self.claimed <= hi else "refuted"
        details = {"box": {k: list(map(float, v)) for k, v in self.box.items()},
                   "params": self.params, "steps": self.steps, "fate": self.fate,
                   "hits": hits, "interval_99_9": [lo, hi], "tol": self.tol}
        return EvidenceResult(
            self.kind, status, self.description, value=value, claimed=self.claimed,
            margin=min(self.claimed - lo, hi - self.claimed), sample_size=n, worst_error=err,
            seed=seed, counterexample=None if status == "verified" else
            {"fraction": value, "interval_99_9": [lo, hi], "claimed": self.claimed,
             "samples": n, "seed": seed}, details=details)


def basin_fraction(F, box: Mapping, claimed: float, params: Mapping | None = None, *,
                   fate: str = "diverged", steps: int = 1000, tol: float = 0.0,
                   samples: Mapping[str, int] | None = None,
                   description: str = "") -> BasinFraction:
    """Evidence that a fraction ``claimed`` of the starts drawn uniformly from ``box``
    (``{state: (lo, hi)}``) meet ``fate`` ("diverged", "converged", "bounded" or "period K")
    within ``steps`` steps. Samples per budget: 2e4 (quick), 1e6 (full), seeded.

    Examples
    --------
    The cubic slice ``a -> (1 + mu) a - mu a^3`` escapes exactly from ``|a| > sqrt(1 + 2/mu)``:
    at mu = 1 a share ``1 - sqrt(3)/2`` of the box ``[-2, 2]`` escapes.

    >>> import sympy as sp
    >>> from theory import SymbolicMap
    >>> a, mu = sp.symbols("a mu")
    >>> F = SymbolicMap((a,), ((1 + mu)*a - mu*a**3,), params=(mu,))
    >>> exact = 1 - 3 ** 0.5 / 2
    >>> basin_fraction(F, {"a": (-2, 2)}, exact, {"mu": 1.0}, steps=300).run("quick", 0).status
    'verified'
    >>> basin_fraction(F, {"a": (-2, 2)}, exact + 0.02, {"mu": 1.0}, steps=300
    ...                ).run("quick", 0).status
    'refuted'
    """
    return BasinFraction(F, box, claimed, params, fate=fate, steps=steps, tol=tol,
                         samples=samples, description=description)
