"""Numeric evidence: floating-point sweeps and estimates (at most ``verified``).

Every result states its sample size, its worst margin or error, where that occurred, and the seed
of any random draw, so that a reader can judge and rerun it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from proofs_check.claim import Evidence, EvidenceResult

__all__ = ["Estimate", "Sample", "Sweep", "estimate", "sweep"]


@dataclass(frozen=True)
class Sample:
    """Points to check: a grid or a seeded uniform sample over a box.

    ``ranges`` maps names to ``(low, high)``; ``quick`` and ``full`` are the number of points per
    axis (grid) or in total (random) at each budget.

    Examples
    --------
    >>> pts = Sample({"mu": (0.1, 0.9)}, quick=5, full=50).draw("quick", seed=0)
    >>> pts["mu"].tolist()
    [0.1, 0.30000000000000004, 0.5, 0.7000000000000001, 0.9]
    """

    ranges: Mapping[str, tuple[float, float]]
    quick: int = 64
    full: int = 1024
    mode: str = "grid"

    def __post_init__(self):
        if self.mode not in ("grid", "random"):
            raise ValueError(f"sample mode {self.mode!r} is not 'grid' or 'random'")
        for name, (lo, hi) in self.ranges.items():
            if not (math.isfinite(lo) and math.isfinite(hi) and lo <= hi):
                raise ValueError(f"sample range of {name!r} is not a finite interval: ({lo}, {hi})")
        if min(self.quick, self.full) < 1:
            raise ValueError("sample sizes must be at least 1")

    def size(self, budget: str) -> int:
        n = self.quick if budget == "quick" else self.full
        return n ** len(self.ranges) if self.mode == "grid" else n

    def draw(self, budget: str, seed: int) -> dict[str, np.ndarray]:
        """The points as a dict of flat float64 arrays."""
        n = self.quick if budget == "quick" else self.full
        names = list(self.ranges)
        if self.mode == "grid":
            axes = [np.linspace(*self.ranges[k], n) for k in names]
            mesh = np.meshgrid(*axes, indexing="ij")
            return {k: m.ravel() for k, m in zip(names, mesh, strict=True)}
        rng = np.random.default_rng(seed)
        return {k: rng.uniform(*self.ranges[k], size=n) for k in names}


class Sweep(Evidence):
    """Evaluate ``margin(**points) -> array`` on a :class:`Sample`.

    The claim holds at a point where its margin is ``>= -tol``.
    """

    kind = "numeric"

    def __init__(self, margin: Callable[..., np.ndarray], sample: Sample, *, tol: float = 0.0,
                 description: str = ""):
        self.margin = margin
        self.sample = sample
        self.tol = tol
        self.description = description or "numeric sweep"

    def run(self, budget: str, seed: int) -> EvidenceResult:
        points = self.sample.draw(budget, seed)
        margins = np.asarray(self.margin(**points), dtype=np.float64).ravel()
        n = margins.size
        where = {}
        if n:
            bad = ~np.isfinite(margins)
            if bad.any():
                i = int(np.argmax(bad))
                where = {k: float(v[i]) for k, v in points.items()}
                return EvidenceResult(self.kind, "error", self.description, sample_size=n,
                                      counterexample=where, seed=seed,
                                      details={"error": f"non-finite margin at {where}"})
            i = int(np.argmin(margins))
            where = {k: float(v[i]) for k, v in points.items()}
        worst = float(margins.min()) if n else math.nan
        details = {"ranges": {k: list(v) for k, v in self.sample.ranges.items()},
                   "mode": self.sample.mode, "tol": self.tol, "worst_at": where}
        if n and worst < -self.tol:
            return EvidenceResult(self.kind, "refuted", self.description, margin=worst,
                                  sample_size=n, counterexample=where, details=details, seed=seed)
        return EvidenceResult(self.kind, "verified" if n else "inconclusive", self.description,
                              margin=worst, sample_size=n, details=details, seed=seed)


def sweep(margin, sample: Sample, *, tol: float = 0.0, description: str = "") -> Sweep:
    """Numeric sweep evidence (see :class:`Sweep`).

    Examples
    --------
    >>> s = Sample({"mu": (0.0, 0.9)}, quick=10)
    >>> sweep(lambda mu: 1 - mu, s).run("quick", 0).status
    'verified'
    >>> r = sweep(lambda mu: 0.5 - mu, s).run("quick", 0)
    >>> r.status, r.counterexample
    ('refuted', {'mu': 0.9})
    """
    return Sweep(margin, sample, tol=tol, description=description)


class Estimate(Evidence):
    """Compare a computed number with a claimed one within a tolerance.

    ``compute(budget, seed)`` returns the value, or ``(value, details)`` with a dict of details
    (sample size, fit window, ...). ``rel=True`` makes ``tol`` relative.
    """

    kind = "numeric"

    def __init__(self, compute: Callable, claimed: float, *, tol: float, rel: bool = False,
                 description: str = ""):
        self.compute = compute
        self.claimed = float(claimed)
        self.tol = tol
        self.rel = rel
        self.description = description or "numeric estimate"

    def run(self, budget: str, seed: int) -> EvidenceResult:
        out = self.compute(budget, seed)
        value, details = out if isinstance(out, tuple) else (out, {})
        value = float(value)
        details = dict(details)
        sample_size = details.pop("sample_size", None)
        if not math.isfinite(value):
            return EvidenceResult(self.kind, "error", self.description, value=value,
                                  claimed=self.claimed, seed=seed,
                                  details={**details, "error": "computed value is not finite"})
        err = abs(value - self.claimed)
        scale = abs(self.claimed) if self.rel and self.claimed != 0 else 1.0
        rel_err = err / abs(self.claimed) if self.claimed != 0 else err
        digits = math.inf if rel_err == 0 else -math.log10(rel_err)
        status = "verified" if err <= self.tol * scale else "refuted"
        return EvidenceResult(self.kind, status, self.description, value=value,
                              claimed=self.claimed, margin=self.tol * scale - err,
                              worst_error=err, digits=round(min(digits, 17.0), 2),
                              sample_size=sample_size,
                              details={**details, "tol": self.tol, "relative": self.rel},
                              seed=seed)


def estimate(compute, claimed: float, *, tol: float, rel: bool = False,
             description: str = "") -> Estimate:
    """Numeric estimate evidence (see :class:`Estimate`).

    Examples
    --------
    >>> e = estimate(lambda budget, seed: math.log(3.0000001), math.log(3), tol=1e-6)
    >>> e.run("quick", 0).status
    'verified'
    >>> estimate(lambda budget, seed: 1.1, 1.0, tol=1e-3).run("quick", 0).status
    'refuted'
    """
    return Estimate(compute, claimed, tol=tol, rel=rel, description=description)
