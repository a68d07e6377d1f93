"""Claims, evidence and verdicts: the data model of dynverify.

A :class:`Claim` is a statement from a paper with the evidence that checks it: independent checks
of one statement, all of which run. :func:`check` returns a :class:`CheckResult` whose ``status``
is

``proved``        a certificate of the proof vocabulary (:mod:`proofs_check.evidence.certificates`)
                  covers the statement as written (``scope == "as stated"``);
``verified``      floating-point evidence agrees on a stated sample (with its worst error), or
                  exact evidence covers only instances of a general statement (the ``scope`` says
                  which: ``exact at d in {1, 2}``);
``refuted``       a confirmed counterexample was found (with a command that reruns it);
``inconclusive``  nothing decided the claim either way;
``error``         the evidence could not be run, or its pieces disagree (one proves, one refutes).

Honesty is enforced here, not left to each piece of evidence: ``proved`` needs an issued
certificate (never a ``kind`` string or a boolean), and a refutation needs a counterexample.
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
    certificate : for ``proved``, the certificate of the proof vocabulary behind it.
    scope : what the evidence covers, in words (set by :func:`check`).
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
    certificate: Any = None
    scope: str = ""

    def to_dict(self) -> dict:
        """The result as plain JSON values (the certificate as its tree).

        Examples
        --------
        >>> r = EvidenceResult("numeric", "verified", "sweep", margin=0.5, sample_size=3)
        >>> r.to_dict()["margin"]
        0.5
        """
        cert = self.certificate
        out = to_jsonable({k: v for k, v in asdict(self).items() if k != "certificate"})
        out["certificate"] = cert.to_dict() if hasattr(cert, "to_dict") else None
        return out


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
    and section. ``forall`` says what the statement quantifies over: ``{"d": "every d >= 1"}``
    (every value) or ``{"mu": (0, 2)}`` (a range); a proof must cover each as stated, exact
    evidence at instances makes the claim ``verified`` (see
    :func:`proofs_check.evidence.certificates.scope_of`). ``claimed`` may be a dict of the
    values and expressions the statement claims, with ``build(claimed) -> evidence`` instead of
    ``evidence``: then :mod:`proofs_check.mutants` can perturb each claimed value (by
    ``mutation_delta``, relative) and measure whether the evidence kills the mutant.

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
    evidence: Sequence[Evidence] = ()
    latex: str = ""
    source: str = ""
    model: Any = ""
    domain: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    claimed: Any = None
    forall: Mapping[str, Any] = field(default_factory=dict)
    build: Any = None
    mutation_delta: float | None = None
    expect: str = "holds"

    def __post_init__(self):
        if not self.id or any(ch.isspace() for ch in self.id):
            raise ClaimError(f"claim id {self.id!r} must be a non-empty word like 'tf.basic.x'")
        if self.build is not None:
            if not isinstance(self.claimed, Mapping):
                raise ClaimError(f"claim {self.id}: build= needs claimed={{name: value}}")
            if self.evidence:
                raise ClaimError(f"claim {self.id}: give evidence or build=, not both")
            object.__setattr__(self, "evidence", self.build(self.claimed))
        object.__setattr__(self, "evidence", tuple(self.evidence))
        if not self.evidence:
            raise ClaimError(f"claim {self.id}: no evidence given")
        for i, e in enumerate(self.evidence):
            if not isinstance(e, Evidence):
                raise ClaimError(f"claim {self.id}: evidence {i} is {type(e).__name__} "
                                 f"({e!r:.40}), not an Evidence object")
        if self.expect not in ("holds", "refuted"):
            raise ClaimError(f"claim {self.id}: expect={self.expect!r} is not 'holds' or "
                             "'refuted'")
        for name, stated in self.forall.items():
            if not (isinstance(stated, str) or (isinstance(stated, tuple) and len(stated) == 2)):
                raise ClaimError(f"claim {self.id}: forall[{name!r}] must be a description or a "
                                 "(low, high) range")
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
    scope: str = ""
    expect: str = "holds"
    forall: dict = field(default_factory=dict)

    @property
    def holds(self) -> bool:
        """True for ``proved`` and ``verified`` (for a planted false claim, ``expect ==
        "refuted"``: True when it is refuted)."""
        if self.expect == "refuted":
            return self.status == "refuted"
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
            "scope": self.scope,
            "expect": self.expect,
            "statement": self.statement,
            "forall": dict(self.forall),
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


def seed_sympy(seed: int) -> None:
    """Seed SymPy's own random source (its multivariate factorization picks random evaluation
    points) before each evidence and each catalogue module: unseeded, an unlucky draw made
    ``sp.factor`` in mf.riccati's derivation take 9 s instead of 0.2 s in 1 of 12 processes;
    seeded, each does the same work every time, whichever worker runs it and after whatever."""
    import sympy.core.random

    sympy.core.random.seed(seed)


def _run_one(evidence: Evidence, claim: Claim, budget: str, seed: int) -> EvidenceResult:
    """Run one piece of evidence and hold its answer to the rules of the vocabulary."""
    from proofs_check.evidence.certificates import is_certified, scope_of

    seed_sympy(seed)
    try:
        result = evidence.run(budget, seed)
    except KeyboardInterrupt:
        raise
    except (Exception, SystemExit) as exc:  # a failing check is a verdict of its own, not a crash
        return EvidenceResult(evidence.kind, "error", evidence.summary(),
                              details={"error": f"{type(exc).__name__}: {exc}"}, seed=seed)
    if not isinstance(result, EvidenceResult):
        return EvidenceResult(evidence.kind, "error", evidence.summary(), seed=seed,
                              details={"error": f"evidence returned {type(result).__name__}, "
                                                "not an EvidenceResult"})
    if result.status not in STATUSES:
        return EvidenceResult(evidence.kind, "error", evidence.summary(),
                              details={"error": f"unknown status {result.status!r}"}, seed=seed)
    if result.status == "proved":
        if not is_certified(result.certificate):
            result.status = "verified"
            result.certificate = None
            result.details["capped"] = ("said 'proved' without a certificate of the proof "
                                        "vocabulary; reported as verified")
        else:
            as_stated, scope = scope_of(result.certificate, claim.forall)
            result.scope = scope
            if not as_stated:
                result.status = "verified"
                result.method = f"{scope}: {result.method}"
    elif result.status == "refuted" and result.counterexample is None:
        result.status = "inconclusive"
        result.details["unconfirmed"] = "said 'refuted' without a counterexample"
    if not result.scope:
        result.scope = _float_scope(result)
    return result


def _float_scope(result: EvidenceResult) -> str:
    if result.status == "refuted":
        return "counterexample"
    if result.sample_size:
        return f"{result.sample_size} points"
    return ""


def check(claim: Claim, budget: str = "quick", seed: int = 0, *,
          origin: str | None = None) -> CheckResult:
    """Run every piece of a claim's evidence and combine the answers into one verdict.

    The evidence are independent checks of one statement; all of them run, and their order
    decides nothing. If one proves and another refutes, the verdict is ``error`` (``evidence
    disagrees``, both shown). Otherwise a confirmed counterexample makes it ``refuted``; an
    evidence that could not run makes it ``error``; a certificate covering the statement as
    written makes it ``proved``; agreement on a sample (or exact evidence at instances) makes it
    ``verified``; else ``inconclusive``.

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
    >>> both = Claim(id="demo.both", statement="x = x",
    ...              evidence=[ev.identity(x, x), ev.identity(x, x + 1)])
    >>> check(both).status
    'error'
    """
    if budget not in BUDGETS:
        raise ClaimError(f"budget {budget!r} is not one of {', '.join(BUDGETS)}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ClaimError(f"seed {seed!r} is not an integer")
    start = time.perf_counter()
    results = [_run_one(evidence, claim, budget, seed) for evidence in claim.evidence]
    by_status = {s: [r for r in results if r.status == s] for s in STATUSES}
    message = ""
    if by_status["proved"] and by_status["refuted"]:
        status = "error"
        p, r = by_status["proved"][0], by_status["refuted"][0]
        message = f"evidence disagrees: '{p.method}' proves it, '{r.method}' refutes it"
        decisive = r
    else:
        status = next((s for s in ("refuted", "error", "proved", "verified")
                       if by_status[s]), "inconclusive")
        decisive = by_status[status][0] if by_status[status] else results[0]
        if status == "error":
            message = decisive.details.get("error", "") or decisive.method
        else:
            message = decisive.method
    rerun = decisive.rerun
    if decisive.status == "refuted" and rerun is None:
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
        scope=_verdict_scope(status, results),
        expect=claim.expect,
        forall={name: describe_quantifier(name, stated) for name, stated in claim.forall.items()},
    )


def describe_quantifier(name: str, stated) -> str:
    """What a claim says of one quantified variable, in words.

    Examples
    --------
    >>> describe_quantifier("mu", (0, 2)), describe_quantifier("d", "every d >= 1")
    ('mu in (0, 2)', 'every d >= 1')
    """
    return f"{name} in ({stated[0]}, {stated[1]})" if isinstance(stated, tuple) else str(stated)


def _verdict_scope(status: str, results: list[EvidenceResult]) -> str:
    """The verdict's scope: ``as stated`` for a proof, else what the agreeing evidence covered."""
    if status == "proved":
        return "as stated"
    if status == "verified":
        return "; ".join(dict.fromkeys(r.scope for r in results
                                       if r.status == "verified" and r.scope))
    if status == "refuted":
        return "counterexample"
    return ""
