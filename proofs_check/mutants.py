"""Claim mutants: does a claim's evidence kill perturbed versions of what the claim says?

A check that cannot fail is worth nothing. A claim whose evidence is built from declared claimed
values (``Claim(claimed={...}, build=...)``) can be *mutated*: each claimed value is perturbed in a
way that makes the statement false, the evidence is rebuilt from the perturbed values and run
with the same budget and seed, and the mutant is *killed* when the verdict is ``refuted``. The
kill rate is the measure of the evidence's power.

Mutation operators (``delta`` is the claim's ``mutation_delta``, default :data:`DEFAULT_DELTA`,
chosen well above its tolerance):

numbers                  scaled by ``1 + delta`` and ``1 - delta`` (``+-delta`` for zero);
SymPy expressions        scaled by ``1 + delta``; each term of a sum dropped or its sign flipped;
                         each rational coefficient scaled by ``1 + delta`` (at most
                         :data:`MAX_PER_VALUE` mutants per value);
``(lo, hi)`` ranges      widened at either end by ``delta`` times the width (a claim over a
                         range is false on a wider one unless it was not sharp).

Examples
--------
>>> import sympy as sp
>>> from proofs_check import Claim, evidence as ev
>>> x = sp.Symbol("x")
>>> sq = Claim(id="demo.sq", statement="(x+1)^2 = x^2 + 2x + 1",
...            claimed={"rhs": x**2 + 2*x + 1},
...            build=lambda c: [ev.identity((x + 1)**2, c["rhs"])])
>>> report = run_mutants([sq])
>>> report.killed, report.total, report.rate
(6, 6, 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import sympy as sp

from proofs_check.claim import Claim, check

__all__ = ["DEFAULT_DELTA", "ClaimMutants", "MutantReport", "mutants_of", "run_mutants"]

#: relative size of a mutation when a claim does not set ``mutation_delta``
DEFAULT_DELTA = 0.1
#: mutants made from one claimed value at most
MAX_PER_VALUE = 6


def _scaled(value, factor):
    if isinstance(value, sp.Basic):
        return sp.nsimplify(factor, rational=True) * value
    return value * factor


def _number_mutants(value, delta: float) -> list[tuple[str, Any]]:
    if value == 0:
        d = sp.Rational(delta).limit_denominator(10**6) if isinstance(value, sp.Basic) else delta
        return [(f"+{delta:g}", value + d), (f"-{delta:g}", value - d)]
    return [(f"x(1+{delta:g})", _scaled(value, 1 + delta)),
            (f"x(1-{delta:g})", _scaled(value, 1 - delta))]


def _expr_mutants(expr: sp.Expr, delta: float) -> list[tuple[str, Any]]:
    factor = sp.nsimplify(1 + delta, rational=True)
    out: list[tuple[str, Any]] = [(f"x(1+{delta:g})", factor * expr)]
    terms = sp.Add.make_args(sp.expand(expr))
    if len(terms) > 1:
        for i, term in enumerate(terms):
            out.append((f"drop-term-{i}", sp.expand(expr) - term))
            out.append((f"flip-term-{i}", sp.expand(expr) - 2 * term))
    coeffs = sorted({a for a in expr.atoms(sp.Rational) if a not in (0, 1, -1)}, key=str)
    for c in coeffs:
        out.append((f"coefficient-{c}-x(1+{delta:g})", expr.xreplace({c: c * factor})))
    unique, seen = [], set()
    for name, e in out:
        key = sp.srepr(sp.expand(e))
        if key not in seen and sp.expand(e - expr) != 0:
            seen.add(key)
            unique.append((name, e))
    return unique[:MAX_PER_VALUE]


def _range_mutants(lo, hi, delta: float) -> list[tuple[str, Any]]:
    width = hi - lo
    step = _scaled(width, delta) if isinstance(width, sp.Basic) else width * delta
    return [("lower-end-widened", (lo - step, hi)), ("upper-end-widened", (lo, hi + step))]


def _is_number(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | Fraction):
        return math.isfinite(float(value))
    return isinstance(value, sp.Basic) and value.is_number and value.is_real is True


def value_mutants(value, delta: float) -> list[tuple[str, Any]]:
    """The mutants of one claimed value (see the module docstring); [] when it has none."""
    if _is_number(value):
        return _number_mutants(value, delta)
    if isinstance(value, sp.Expr):
        return _expr_mutants(value, delta)
    if isinstance(value, tuple) and len(value) == 2 and all(_is_number(v) for v in value):
        return _range_mutants(value[0], value[1], delta)
    return []


def mutants_of(claim: Claim) -> tuple[list[Claim], str]:
    """The mutant claims of ``claim`` and, when there are none, why."""
    if claim.build is None or not isinstance(claim.claimed, Mapping):
        return [], ("its evidence is not built from declared claimed values "
                    "(Claim(claimed={...}, build=...))")
    delta = claim.mutation_delta or DEFAULT_DELTA
    out = []
    for name, value in claim.claimed.items():
        for label, mutated in value_mutants(value, delta):
            claimed = {**claim.claimed, name: mutated}
            out.append(replace(claim, id=f"{claim.id}~{name}:{label}", claimed=claimed,
                               evidence=()))
    if not out:
        return [], "no claimed value is a number, an expression or a range"
    return out, ""


@dataclass
class ClaimMutants:
    """The mutants of one claim: how many were killed, and the survivors with their verdicts."""

    claim_id: str
    total: int
    killed: int
    survivors: dict[str, str] = field(default_factory=dict)
    reason: str = ""


@dataclass
class MutantReport:
    """Per-claim mutant results and the overall kill rate (killed / total mutants)."""

    claims: list[ClaimMutants]

    @property
    def total(self) -> int:
        return sum(c.total for c in self.claims)

    @property
    def killed(self) -> int:
        return sum(c.killed for c in self.claims)

    @property
    def rate(self) -> float:
        return self.killed / self.total if self.total else math.nan

    def to_dict(self) -> dict:
        return {"total": self.total, "killed": self.killed,
                "rate": None if not self.total else round(self.rate, 4),
                "claims": [{"id": c.claim_id, "mutants": c.total, "killed": c.killed,
                            "survivors": c.survivors, "no_mutants": c.reason or None}
                           for c in self.claims]}


def run_mutants(claims: Sequence[Claim] | Iterable[Claim], budget: str = "quick",
                seed: int = 0, progress=None) -> MutantReport:
    """Build and check every mutant of every claim; ``progress(claim_id)`` is called per claim."""
    results = []
    for claim in claims:
        if progress is not None:
            progress(claim.id)
        mutants, reason = mutants_of(claim)
        survivors = {}
        killed = 0
        for m in mutants:
            status = check(m, budget, seed).status
            if status == "refuted":
                killed += 1
            else:
                survivors[m.id] = status
        results.append(ClaimMutants(claim.id, len(mutants), killed, survivors, reason))
    return MutantReport(results)
