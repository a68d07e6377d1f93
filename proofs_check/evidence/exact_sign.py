"""Exact sign evidence: a univariate polynomial's sign on an interval, a rational function's
positivity. Both decide by exact arithmetic and issue certificates of the proof vocabulary.

:func:`sign_fact`
    ``p(x) rel 0`` on the open interval ``(lo, hi)`` for a polynomial with exact (rational or
    algebraic) coefficients: the real roots inside are isolated exactly (SymPy ``real_roots``) and
    the sign is evaluated exactly at a rational point between consecutive roots.
:func:`positivity`
    a rational function is positive (or non-negative) because, after an optional substitution
    (``d = 1 + e``), its numerator and denominator are polynomials with non-negative coefficients
    in variables that are all non-negative (and, for ``strict``, have a positive monomial in
    positive variables).

A failure is a refutation only at an exact rational point where the sign is wrong.
"""

from __future__ import annotations

import itertools
import random

import sympy as sp

from proofs_check.claim import Evidence, EvidenceResult
from proofs_check.evidence import certificates as cert

__all__ = ["Positivity", "SignFact", "positivity", "sign_fact"]

RELATIONS = (">", ">=", "<", "<=")


def _rational_between(lo, hi) -> sp.Rational:
    """An exact rational strictly between ``lo < hi`` (ends may be infinite or algebraic)."""
    if lo == -sp.oo and hi == sp.oo:
        return sp.Integer(0)
    if lo == -sp.oo:
        return sp.floor(hi) - 1
    if hi == sp.oo:
        return sp.ceiling(lo) + 1
    lo_f, hi_f = float(lo), float(hi)
    for den in (2, 4, 8, 16, 64, 256, 1024, 2**16, 2**24, 2**40, 2**64):
        p = sp.Rational(round((lo_f + hi_f) / 2 * den), den)
        if bool(p > lo) and bool(p < hi):
            return p
    raise ValueError(f"no rational found between {lo} and {hi}")


def _holds(value, rel: str) -> bool:
    return bool({">": value > 0, ">=": value >= 0, "<": value < 0, "<=": value <= 0}[rel])


class SignFact(Evidence):
    """``p(var) rel 0`` on ``(lo, hi)`` by exact root isolation. See :func:`sign_fact`."""

    kind = "symbolic"

    def __init__(self, p, var: sp.Symbol, lo, hi, rel: str = ">", statement: str = ""):
        if rel not in RELATIONS:
            raise ValueError(f"sign_fact: relation {rel!r} is not one of {', '.join(RELATIONS)}")
        self.p = sp.sympify(p)
        self.var = var
        self.lo, self.hi = sp.sympify(lo), sp.sympify(hi)
        if self.p.has(sp.Float) or self.lo.has(sp.Float) or self.hi.has(sp.Float):
            raise ValueError(f"sign_fact: {self.p} on ({lo}, {hi}) contains a float; exact input "
                             "is required")
        extra = self.p.free_symbols - {var}
        if extra:
            names = sorted(map(str, extra))
            raise ValueError(f"sign_fact: {self.p} has symbols other than {var}: {names}")
        if not bool(self.lo < self.hi):
            raise ValueError(f"sign_fact: interval ({lo}, {hi}) is empty")
        self.rel = rel
        self.description = statement or f"{self.p} {rel} 0 for {var} in ({lo}, {hi})"

    def run(self, budget: str, seed: int) -> EvidenceResult:
        poly = sp.Poly(sp.expand(self.p), self.var)
        roots = sorted({r for r in sp.real_roots(poly) if bool(r > self.lo) and bool(r < self.hi)},
                       key=lambda r: float(r))
        claimed = f"{self.p} {self.rel} 0"
        for left, right in itertools.pairwise([self.lo, *roots, self.hi]):
            point = _rational_between(left, right)
            value = poly.as_expr().xreplace({self.var: point})
            if not _holds(value, self.rel):
                return self._refuted(point, value, claimed, seed)
        if self.rel in (">", "<") and roots:
            return self._refuted(roots[0], sp.Integer(0), claimed, seed)
        covers = {self.var.name: cert.Coverage("interval", lo=str(self.lo), hi=str(self.hi))}
        method = (f"exact real-root isolation ({len(roots)} root(s) inside) and exact signs "
                  "between them")
        certificate = cert.issue(cert.UnivariateSign(
            f"{self.description}" if self.description != claimed else
            f"{claimed} for {self.var} in ({self.lo}, {self.hi})", method, covers))
        return EvidenceResult(self.kind, "proved", f"{self.description} ({method})",
                              value=claimed, claimed=claimed, margin=0.0, seed=seed,
                              details={"roots_inside": [str(r) for r in roots]},
                              certificate=certificate)

    def _refuted(self, point, value, claimed, seed) -> EvidenceResult:
        return EvidenceResult(self.kind, "refuted", f"{self.description}: exact witness",
                              value=str(value), claimed=claimed,
                              margin=-abs(float(value)), counterexample={self.var.name: str(point)},
                              details={"p_at_point": str(value)}, seed=seed)


def sign_fact(p, var: sp.Symbol, lo, hi, rel: str = ">", statement: str = "") -> SignFact:
    """Evidence that the polynomial ``p(var) rel 0`` for every ``var`` in the open ``(lo, hi)``.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> r = sign_fact(1 - x**2 / 4, x, 0, 2).run("quick", 0)
    >>> r.status, type(r.certificate).__name__
    ('proved', 'UnivariateSign')
    >>> sign_fact(x - 1, x, 0, 2).run("quick", 0).counterexample
    {'x': '1/2'}
    """
    return SignFact(p, var, lo, hi, rel, statement)


class Positivity(Evidence):
    """Exact positivity of a rational function. See :func:`positivity`."""

    kind = "symbolic"

    def __init__(self, expr, *, substitute=None, strict: bool = True, description: str = ""):
        self.expr = sp.sympify(expr)
        self.substitute = dict(substitute or {})
        self.strict = strict
        self.description = description or "exact positivity certificate"

    def run(self, budget: str, seed: int) -> EvidenceResult:
        expr = sp.together(self.expr.xreplace(self.substitute))
        num, den = sp.fraction(sp.factor(expr))
        symbols = sorted(expr.free_symbols, key=str)
        claimed = ">0" if self.strict else ">=0"
        bad = [s for s in symbols if not s.is_nonnegative]
        if bad:
            return EvidenceResult(self.kind, "inconclusive", self.description, seed=seed,
                                  details={"error": f"variables not known >= 0: {bad}"})
        ok = True
        for part in (num, den):
            poly = sp.Poly(sp.expand(part), *symbols) if symbols else None
            terms = poly.terms() if poly is not None else [((), part)]
            if any(c < 0 for _, c in terms):
                ok = False
            if self.strict and not any(
                    c > 0 and all(symbols[i].is_positive for i, k in enumerate(m) if k)
                    for m, c in terms):
                ok = False
        if ok:
            method = ("numerator and denominator are polynomials with non-negative coefficients "
                      "in non-negative variables")
            covers = {s.name: cert.Coverage("general") for s in symbols}
            subs = ", ".join(f"{k} = {v}" for k, v in self.substitute.items())
            certificate = cert.issue(cert.Positivity(
                f"{self.description}: {sp.sstr(self.expr)} {claimed}"
                + (f" (with {subs})" if subs else ""), method, covers))
            return EvidenceResult(self.kind, "proved", f"{self.description} ({method})",
                                  value=str(sp.factor(expr)), claimed=claimed, margin=0.0,
                                  details={"numerator": str(num), "denominator": str(den)},
                                  seed=seed, certificate=certificate)
        rng = random.Random(seed)
        for _ in range(200):
            point = {s: sp.Rational(rng.randint(1, 59), rng.randint(1, 11)) for s in symbols}
            value = expr.xreplace(point)
            if value.is_number and (value < 0 or (self.strict and value == 0)):
                return EvidenceResult(self.kind, "refuted", f"{self.description}: exact witness",
                                      value=str(value), claimed=claimed, margin=float(value),
                                      counterexample={str(k): str(v) for k, v in point.items()},
                                      seed=seed)
        return EvidenceResult(self.kind, "inconclusive", self.description, seed=seed,
                              details={"numerator": str(num), "denominator": str(den)})


def positivity(expr, *, substitute=None, strict: bool = True,
               description: str = "") -> Positivity:
    """Evidence that a rational function is ``> 0`` (``strict``) or ``>= 0``, by coefficients.

    Examples
    --------
    >>> e = sp.Symbol("e", nonnegative=True)
    >>> d = sp.Symbol("d", positive=True)
    >>> positivity((d**2 + 2) / (d + 1), substitute={d: 1 + e}).run("quick", 0).status
    'proved'
    >>> x = sp.Symbol("x", positive=True)
    >>> positivity(x - 3).run("quick", 0).status
    'refuted'
    """
    return Positivity(expr, substitute=substitute, strict=strict, description=description)
