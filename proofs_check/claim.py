"""Claims, evidence and verdicts: the data model of dynverify.

A :class:`Claim` is a statement from a paper with the evidence that checks it, strongest first.
:func:`check` runs the evidence and returns a :class:`CheckResult` whose ``status`` is

``proved``        exact arithmetic or a rigorous enclosure established the claim;
``verified``      floating-point evidence agrees on a stated sample, with its worst error;
``refuted``       a counterexample was found (carried with a command that reruns it);
``inconclusive``  nothing decided the claim either way;
``error``         the evidence could not be run (the message says why).

Honesty is enforced here, not left to each piece of evidence: only evidence whose kind can prove
(``symbolic``, ``interval``) may return ``proved``; anything else that says so is capped at
``verified``.
"""

from __future__ import annotations

import math
import shlex
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

__all__ = [
    "BUDGETS",
    "STATUSES",
    "CheckResult",
    "Claim",
    "ClaimError",
    "Evidence",
    "EvidenceResult",
    "check",
    "to_jsonable",
]

STATUSES = ("proved", "verified", "refuted", "inconclusive", "error")
BUDGETS = ("quick", "full")
#: Evidence kinds whose positive answer is a proof.
PROVING_KINDS = frozenset({"symbolic", "interval"})


class ClaimError(ValueError):
    """A claim or a request to check it is malformed (bad domain, unknown budget, ...)."""


def to_jsonable(value: Any) -> Any:
    """Convert numbers, arrays and SymPy objects into plain JSON values (finite floats or str).

    Examples
    --------
    >>> import numpy as np, sympy as sp
    >>> to_jsonable({"x": np.float64(0.5), "n": np.arange(2), "e": sp.sqrt(2), "bad": float("inf")})
    {'x': 0.5, 'n': [0, 1], 'e': 'sqrt(2)', 'bad': 'inf'}
    """
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):  # also numpy.float64, a float subclass
        return float(value) if math.isfinite(value) else repr(float(value))
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if hasattr(value, "tolist") and hasattr(value, "dtype"):  # numpy scalar or array
        return to_jsonable(value.tolist())
    return str(value)


@dataclass
class EvidenceResult:
    """What one piece of evidence found.

    Fields
    ------
    kind : ``symbolic`` | ``interval`` | ``numeric`` | ``property``.
    status : one of :data:`STATUSES`.
    method : one line saying how the answer was obtained.
    value, claimed : the computed and the claimed value (numbers or expression strings).
    margin : worst margin found (``>= 0`` means the claim held there).
    sample_size : number of points / examples examined (floating-point evidence).
    worst_error : the largest error against the claimed value.
    digits : number of correct (or certified) decimal digits, where meaningful.
    counterexample : the point refuting the claim, as ``{name: value}``.
    rerun : a one-line command that reproduces the counterexample or the check.
    details : anything else worth reporting (grid bounds, fit windows, ...).
    seed : the seed of every random draw made.
    """

    kind: str
    status: str
    method: str
    value: Any = None
    claimed: Any = None
    margin: float | None = None
    sample_size: int | None = None
    worst_error: float | None = None
    digits: float | None = None
    counterexample: dict | None = None
    rerun: str | None = None
    details: dict = field(default_factory=dict)
    seed: int | None = None

    def to_dict(self) -> dict:
        """The result as plain JSON values.

        Examples
        --------
        >>> r = EvidenceResult("numeric", "verified", "sweep", margin=0.5, sample_size=3)
        >>> r.to_dict()["margin"]
        0.5
        """
        return to_jsonable(asdict(self))


class Evidence(ABC):
    """One way of checking a claim. Subclasses set ``kind`` and implement :meth:`run`."""

    kind: ClassVar[str] = "numeric"
    description: str = ""

    @abstractmethod
    def run(self, budget: str, seed: int) -> EvidenceResult:
        """Run the check at the given budget (``quick`` or ``full``) with the given seed."""

    def summary(self) -> str:
        """One line for listings."""
        return f"{self.kind}: {self.description}" if self.description else self.kind


@dataclass(frozen=True)
class Claim:
    """A statement from a paper, with the evidence that checks it (strongest first).

    ``model`` is a catalogue model name (``"two-factor"``) or a :class:`theory.SymbolicMap`;
    ``domain`` maps a parameter name to its ``(low, high)`` range; ``source`` cites paper, arXiv id
    and section.

    Examples
    --------
    >>> import sympy as sp
    >>> from proofs_check import evidence as ev
    >>> a, b = sp.symbols("a b")
    >>> c = Claim(id="demo.square", statement="(a+b)^2 = a^2 + 2ab + b^2",
    ...           evidence=[ev.identity((a + b)**2, a**2 + 2*a*b + b**2)])
    >>> check(c).status
    'proved'
    """

    id: str
    statement: str
    evidence: Sequence[Evidence]
    latex: str = ""
    source: str = ""
    model: Any = ""
    domain: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    claimed: Any = None

    def __post_init__(self):
        if not self.id or any(ch.isspace() for ch in self.id):
            raise ClaimError(f"claim id {self.id!r} must be a non-empty word like 'tf.basic.x'")
        object.__setattr__(self, "evidence", tuple(self.evidence))
        if not self.evidence:
            raise ClaimError(f"claim {self.id}: no evidence given")
        for name, bounds in self.domain.items():
            try:
                lo, hi = (float(v) for v in bounds)
            except (TypeError, ValueError):
                raise ClaimError(f"claim {self.id}: domain of {name!r} is not a (low, high) pair") \
                    from None
            if math.isnan(lo) or math.isnan(hi) or not lo < hi:
                raise ClaimError(f"claim {self.id}: domain of {name!r} is empty: ({lo}, {hi})")

    @property
    def model_name(self) -> str:
        """The model as a name (a SymbolicMap contributes its ``name``)."""
        return self.model if isinstance(self.model, str) else getattr(self.model, "name", "")

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of evidence this claim uses, in order."""
        return tuple(e.kind for e in self.evidence)


@dataclass
class CheckResult:
    """The verdict on one claim, with everything needed to trust or reproduce it.

    ``timing`` (seconds) is kept apart from the rest so that :meth:`to_dict` with
    ``timing=False`` is byte-for-byte reproducible for a given seed.
    """

    claim_id: str
    status: str
    statement: str
    source: str
    model: str
    budget: str
    seed: int
    evidence: list[EvidenceResult]
    value: Any = None
    claimed: Any = None
    margin: float | None = None
    counterexample: dict | None = None
    rerun: str | None = None
    message: str = ""
    timing: float = 0.0

    @property
    def holds(self) -> bool:
        """True for ``proved`` and ``verified``."""
        return self.status in ("proved", "verified")

    def to_dict(self, timing: bool = False) -> dict:
        """The verdict as plain JSON values; ``timing=True`` adds ``timing_s`` (not reproducible).

        Examples
        --------
        >>> import sympy as sp
        >>> from proofs_check import evidence as ev
        >>> x = sp.Symbol("x")
        >>> d = check(Claim(id="d.x", statement="x = x", evidence=[ev.identity(x, x)])).to_dict()
        >>> d["status"], "timing_s" in d
        ('proved', False)
        """
        out = {
            "id": self.claim_id,
            "status": self.status,
            "statement": self.statement,
            "source": self.source,
            "model": self.model,
            "budget": self.budget,
            "seed": self.seed,
            "value": to_jsonable(self.value),
            "claimed": to_jsonable(self.claimed),
            "margin": to_jsonable(self.margin),
            "counterexample": to_jsonable(self.counterexample),
            "rerun": self.rerun,
            "message": self.message,
            "evidence": [e.to_dict() for e in self.evidence],
        }
        if timing:
            out["timing_s"] = round(self.timing, 3)
        return out


def _run_one(evidence: Evidence, budget: str, seed: int) -> EvidenceResult:
    try:
        result = evidence.run(budget, seed)
    except Exception as exc:  # an evidence failure is a verdict of its own, not a crash
        return EvidenceResult(evidence.kind, "error", evidence.summary(),
                              details={"error": f"{type(exc).__name__}: {exc}"}, seed=seed)
    if result.status not in STATUSES:
        return EvidenceResult(evidence.kind, "error", evidence.summary(),
                              details={"error": f"unknown status {result.status!r}"}, seed=seed)
    if result.status == "proved" and evidence.kind not in PROVING_KINDS:
        result.status = "verified"
        result.details["capped"] = "floating-point evidence cannot prove; reported as verified"
    return result


def check(claim: Claim, budget: str = "quick", seed: int = 0, *,
          origin: str | None = None) -> CheckResult:
    """Run a claim's evidence and combine it into one verdict.

    Evidence runs in order. A refutation ends the check (``refuted``); so does a proof
    (``proved``) — weaker evidence after a proof adds nothing. Otherwise the claim is
    ``verified`` if some evidence verified it and none errored, ``error`` if evidence could not be
    run, else ``inconclusive``. Evidence whose kind cannot prove (``numeric``, ``property``) is
    capped at ``verified`` whatever it reports.

    ``origin`` is the user's file the claim came from (``my_claims.py``); it goes into the
    ``rerun`` command of a refutation, which is otherwise
    ``dynverify check ID --seed S --budget B``.

    Examples
    --------
    >>> import sympy as sp
    >>> from proofs_check import evidence as ev
    >>> x = sp.Symbol("x")
    >>> bad = Claim(id="demo.bad", statement="(x+1)^2 = x^2 + 1",
    ...             evidence=[ev.identity((x + 1)**2, x**2 + 1)])
    >>> r = check(bad, seed=3, origin="mine.py")
    >>> r.status, r.rerun
    ('refuted', 'dynverify check mine.py demo.bad --seed 3 --budget quick')
    """
    if budget not in BUDGETS:
        raise ClaimError(f"budget {budget!r} is not one of {', '.join(BUDGETS)}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ClaimError(f"seed {seed!r} is not an integer")
    start = time.perf_counter()
    results: list[EvidenceResult] = []
    status = "inconclusive"
    for evidence in claim.evidence:
        result = _run_one(evidence, budget, seed)
        results.append(result)
        if result.status in ("refuted", "proved"):
            status = result.status
            break
    else:
        found = {r.status for r in results}
        if "error" in found:
            status = "error"
        elif "verified" in found:
            status = "verified"
    decisive = next((r for r in results if r.status == status), results[-1])
    message = decisive.details.get("error", "") if status == "error" else decisive.method
    rerun = decisive.rerun
    if status == "refuted" and rerun is None:
        target = f"{shlex.quote(str(origin))} " if origin else ""
        rerun = f"dynverify check {target}{shlex.quote(claim.id)} --seed {seed} --budget {budget}"
    return CheckResult(
        claim_id=claim.id,
        status=status,
        statement=claim.statement,
        source=claim.source,
        model=claim.model_name,
        budget=budget,
        seed=seed,
        evidence=results,
        value=decisive.value,
        claimed=decisive.claimed if decisive.claimed is not None else claim.claimed,
        margin=decisive.margin,
        counterexample=decisive.counterexample,
        rerun=rerun,
        message=message,
        timing=time.perf_counter() - start,
    )
