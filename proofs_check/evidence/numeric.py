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
from proofs_check.evidence.confirm import confirm, rounding_allowance

__all__ = ["Computed", "Estimate", "Sample", "Sweep", "computed", "estimate", "sweep", "worst_of"]


def worst_of(*errors) -> float:
    """The largest of ``errors``, a NaN counting as ``inf``.

    Python's ``max(0.0, nan)`` is ``0.0``: an error that is undefined somewhere (a claimed
    formula that is NaN on the sample) would vanish from a running ``max`` and the check pass.
    Fold errors with this instead.

    Examples
    --------
    >>> max(0.0, float("nan")), worst_of(0.0, float("nan")), worst_of(0.5, 2, 1e-3)
    (0.0, inf, 2.0)
    """
    return max((math.inf if math.isnan(e) else float(e)) for e in errors)


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

    The claim holds at a point where its margin is ``>= -tol``. ``margin`` may also return
    ``(margins, extras)`` with ``extras`` a dict of per-point arrays (``diverge_step`` of an
    orbit, say), reported with a counterexample. A margin of ``-inf`` marks a diverging
    computation: a violation. A candidate violation refutes only when confirmed
    (:func:`proofs_check.evidence.confirm.confirm`): beyond the rounding allowance, and at 50
    digits where the margin computes in mpmath.
    """

    kind = "numeric"
    #: candidate violations re-examined before the sweep gives up confirming
    CANDIDATES = 5

    def __init__(self, margin: Callable[..., np.ndarray], sample: Sample, *, tol: float = 0.0,
                 description: str = "", margin_is: str = ""):
        self.margin = margin
        self.sample = sample
        self.tol = tol
        self.description = description or "numeric sweep"
        self.margin_is = margin_is or "the claim's margin function (it holds where >= -tol)"

    def run(self, budget: str, seed: int) -> EvidenceResult:
        points = self.sample.draw(budget, seed)
        out = self.margin(**points)
        margins, extras = out if isinstance(out, tuple) else (out, {})
        margins = np.asarray(margins, dtype=np.float64).ravel()
        n = margins.size
        details = {"ranges": {k: list(v) for k, v in self.sample.ranges.items()},
                   "mode": self.sample.mode, "tol": self.tol, "margin_is": self.margin_is}
        if not n:
            return EvidenceResult(self.kind, "inconclusive", self.description, sample_size=0,
                                  details=details, seed=seed)

        def at(i: int) -> dict:
            where = {k: float(v[i]) for k, v in points.items()}
            where.update({k: np.asarray(v).ravel()[i].item() for k, v in extras.items()})
            return where

        bad = np.isnan(margins) | (margins == np.inf)
        if bad.any():
            where = at(int(np.argmax(bad)))
            return EvidenceResult(self.kind, "error", self.description, sample_size=n,
                                  seed=seed, details={**details, "error":
                                                      f"margin is NaN or +inf at {where}"})
        i = int(np.argmin(margins))
        worst = float(margins[i])
        details["worst_at"] = at(i)
        finite = margins[np.isfinite(margins)]
        scale = max([float(np.max(np.abs(finite))) if finite.size else 1.0,
                     *(float(np.max(np.abs(v))) for v in points.values() if np.size(v))])
        rounding = np.flatnonzero((margins < -self.tol)
                                  & (margins >= -(self.tol + rounding_allowance(scale))))
        if rounding.size:
            details["rounding_size_violations"] = int(rounding.size)
        candidates = np.flatnonzero(margins < -(self.tol + rounding_allowance(scale)))
        cleared = []
        for j in candidates[np.argsort(margins[candidates], kind="stable")][: self.CANDIDATES]:
            point = {k: float(v[j]) for k, v in points.items()}
            c = confirm(self.margin, point, float(margins[j]), tol=self.tol, scale=scale)
            if c.confirmed:
                return EvidenceResult(self.kind, "refuted", self.description,
                                      margin=float(margins[j]), sample_size=n,
                                      counterexample=at(int(j)), worst_error=-float(margins[j]),
                                      details={**details, "confirmed": c.how}, seed=seed)
            cleared.append(c.how)
        if cleared:
            details["unconfirmed_violations"] = {"count": int(candidates.size),
                                                 "first": cleared[0]}
        if candidates.size > len(cleared):
            return EvidenceResult(self.kind, "inconclusive", f"{self.description}: "
                                  f"{candidates.size} float violations, none confirmed among "
                                  f"the {len(cleared)} worst", margin=worst, sample_size=n,
                                  details=details, seed=seed)
        return EvidenceResult(self.kind, "verified", self.description, margin=worst,
                              sample_size=n, worst_error=max(0.0, -worst), details=details,
                              seed=seed)


def sweep(margin, sample: Sample, *, tol: float = 0.0, description: str = "",
          margin_is: str = "") -> Sweep:
    """Numeric sweep evidence (see :class:`Sweep`); ``margin_is`` says what ``margin`` measures
    (printed by ``explain`` and the report).

    Examples
    --------
    >>> s = Sample({"mu": (0.0, 0.9)}, quick=10)
    >>> sweep(lambda mu: 1 - mu, s).run("quick", 0).status
    'verified'
    >>> r = sweep(lambda mu: 0.5 - mu, s).run("quick", 0)
    >>> r.status, r.counterexample
    ('refuted', {'mu': 0.9})
    >>> sweep(lambda x: x * 0.3 - 3 * (x * 0.1), Sample({"x": (0.0, 1.0)})).run("quick", 0).status
    'verified'
    """
    return Sweep(margin, sample, tol=tol, description=description, margin_is=margin_is)


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
        allowed = self.tol * scale
        # a difference within tol plus the rounding of the two numbers compared is agreement
        beyond = err > allowed + rounding_allowance(max(abs(value), abs(self.claimed)))
        status = "refuted" if beyond else "verified"
        counterexample = None
        if beyond:
            counterexample = {"computed": value, "claimed": self.claimed, "allowed": allowed,
                              **{k: v for k, v in details.items()
                                 if isinstance(v, int | float | str)}}
        return EvidenceResult(self.kind, status, self.description, value=value,
                              claimed=self.claimed, margin=allowed - err,
                              worst_error=err, digits=round(min(digits, 17.0), 2),
                              sample_size=sample_size, counterexample=counterexample,
                              details={**details, "tol": self.tol, "relative": self.rel,
                                       "margin_is": ("tol |claimed|" if self.rel else "tol")
                                       + " - |computed - claimed|"},
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


class Computed(Evidence):
    """Floating-point evidence from a computation that reports its own worst margin.

    ``compute(budget, seed)`` returns either ``(margin, details)`` (the claim holds where
    ``margin >= 0``; ``details`` may carry ``sample_size``, ``worst_error``, ``digits``,
    ``worst_at``, ``value``, ``claimed``, and should carry ``margin_is``: what the margin
    measures, with any tolerance folded into it and where that tolerance comes from, e.g.
    ``"1e-9 - max |t_k - prediction| / t_k (1e-9: Brent's xtol)"``, which ``explain`` and the
    report print) or a dict with ``error`` (the worst error found) and ``tol`` (the accuracy
    claimed, with its source), plus optionally ``value``, ``claimed``, ``sample_size``,
    ``counterexample`` and ``details``; then ``margin = tol - error``.

    A negative margin refutes only beyond the rounding allowance of
    :mod:`proofs_check.evidence.confirm` (``-inf``, a diverging computation, always does), with
    ``worst_at`` (or the reported counterexample, or the margin and values) as counterexample.
    """

    kind = "numeric"

    def __init__(self, compute: Callable, description: str):
        self.compute = compute
        self.description = description

    def run(self, budget: str, seed: int) -> EvidenceResult:
        out = self.compute(budget, seed)
        if isinstance(out, Mapping):
            err, tol = float(out["error"]), float(out["tol"])
            margin = tol - err
            details = {"tol": tol, "margin_is": "tol - error", **out.get("details", {})}
            n, worst, where = out.get("sample_size"), err, out.get("counterexample")
            value, claimed = out.get("value"), out.get("claimed")
            digits = None if err == 0 or not math.isfinite(err) else (
                round(-math.log10(err), 2) if err < 1 else 0.0)
        else:
            margin, details = out
            margin, details = float(margin), dict(details)
            n, worst = details.pop("sample_size", None), details.pop("worst_error", None)
            digits, where = details.pop("digits", None), details.get("worst_at")
            value, claimed = details.get("value"), details.get("claimed")
        common = {"value": value, "claimed": claimed, "sample_size": n, "worst_error": worst,
                  "digits": digits, "seed": seed}
        if math.isnan(margin) or margin == math.inf:
            return EvidenceResult(self.kind, "error", self.description, details={
                **details, "error": "non-finite margin in the computation"}, **common)
        scale = max(abs(v) for v in (1.0, value, claimed, worst)
                    if isinstance(v, int | float) and math.isfinite(v))
        if margin >= -rounding_allowance(scale) and margin != -math.inf:
            if margin < 0:
                details["rounding_size_violation"] = margin
            return EvidenceResult(self.kind, "verified", self.description, margin=margin,
                                  details=details, **common)
        counterexample = dict(where) if isinstance(where, Mapping) else {
            "margin": margin, **({"value": value} if value is not None else {}),
            **({"claimed": claimed} if claimed is not None else {})}
        details["confirmed"] = ("the computation diverged (margin -inf)" if margin == -math.inf
                                else f"margin {margin:.6g} is beyond the rounding allowance "
                                     f"{rounding_allowance(scale):.3g}")
        return EvidenceResult(self.kind, "refuted", self.description, margin=margin,
                              counterexample=counterexample, details=details, **common)


def computed(compute: Callable, description: str) -> Computed:
    """Evidence from a computation that reports its worst margin (see :class:`Computed`).

    Examples
    --------
    >>> computed(lambda b, s: (0.5, {"sample_size": 10}), "fits").run("quick", 0).status
    'verified'
    >>> r = computed(lambda b, s: {"error": 0.2, "tol": 0.01}, "too far").run("quick", 0)
    >>> r.status, r.counterexample["margin"]
    ('refuted', -0.19)
    """
    return Computed(compute, description)
