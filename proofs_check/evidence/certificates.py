"""The proof vocabulary: certificates, the only things :func:`proofs_check.check` accepts as proof.

A certificate records one fact that dynverify's own exact or rigorous code has just checked, what
that fact covers, and how it was checked. It is made only by that checking code (the evidence of
:mod:`proofs_check.evidence`: :func:`~proofs_check.evidence.identity`,
:func:`~proofs_check.evidence.sign_fact`, :func:`~proofs_check.evidence.positivity`,
:func:`~proofs_check.evidence.certify_sign`, :func:`~proofs_check.evidence.enclose_root`,
:func:`~proofs_check.evidence.argument`, :func:`~proofs_check.evidence.induction`), which issues it;
:func:`is_certified` accepts exactly the issued certificates of the closed list of types below,
never a subclass, a label or a boolean. An evidence class that says ``proved`` without one is
capped at ``verified``.

Types
-----
:class:`ExactIdentity`        ``lhs == rhs`` by exact arithmetic over Q or an algebraic extension;
:class:`IdentityModuloIdeal`  ``lhs == rhs`` on a variety: the difference reduces to 0 modulo a
                              Groebner basis of its equations;
:class:`UnivariateSign`       ``p(x) rel 0`` on an interval, by exact real-root isolation;
:class:`BoxSign`              ``f rel 0`` on a box, by arb ball evaluation with bisection;
:class:`CertifiedRoot`        a zero of ``f`` in a certified bracket (sign change + continuity);
:class:`KrawczykEnclosure`    a unique zero of a system in a box (Krawczyk test in arb): a
                              periodic orbit, a bifurcation point;
:class:`Positivity`           a rational function whose numerator and denominator have
                              non-negative coefficients in non-negative variables;
:class:`ExactArgument`        a conjunction of certificates (a multi-step proof);
:class:`Induction`            a statement for every integer ``n >= n0``: base case + step.

Scope
-----
Each certificate says what it covers, per variable: ``general`` (every value: the variable is a
symbol of an exact identity, or the induction variable), an ``interval`` (a sign fact on
``(lo, hi)``), or a set of instances (``at={"d": (1, 2)}``: exact, but only at those sizes).
:func:`scope_of` compares this with what a claim quantifies over (``Claim.forall``): a claim is
``proved`` only when its certificate covers every quantified variable *as stated*; exact evidence
at instances of a general statement is ``verified``, with the scope ``exact at d in {1, 2}``.

Examples
--------
>>> import sympy as sp
>>> from proofs_check import evidence as ev
>>> d = sp.Symbol("d", positive=True)
>>> cert = ev.identity((d + 1)**2, d**2 + 2*d + 1).run("quick", 0).certificate
>>> is_certified(cert), scope_of(cert, {"d": "every d >= 1"})
(True, (True, 'as stated'))
>>> cert = ev.identity(sp.Integer(2)**2, 4, at={"d": 2}).run("quick", 0).certificate
>>> scope_of(cert, {"d": "every d >= 1"})
(False, 'exact at d in {2}')
>>> is_certified(ExactIdentity("pi == 22/7", "a label"))   # made by hand: not a proof
False
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "BoxSign",
    "Certificate",
    "CertifiedRoot",
    "Coverage",
    "ExactArgument",
    "ExactIdentity",
    "IdentityModuloIdeal",
    "Induction",
    "KrawczykEnclosure",
    "Positivity",
    "ProofStepError",
    "UnivariateSign",
    "is_certified",
    "scope_of",
]


class ProofStepError(TypeError):
    """A proof step is not evidence that yields a certificate (a bool, a tuple, a label)."""


@dataclass(frozen=True)
class Coverage:
    """What a certificate covers of one variable.

    ``kind`` is ``general`` (every value), ``interval`` (``lo < x < hi``, ends as strings, may be
    ``-oo``/``oo``) or ``at`` (the listed ``values`` only).

    Examples
    --------
    >>> Coverage.at_values([2, 1]).describe("d")
    'd in {1, 2}'
    >>> Coverage("interval", lo="0", hi="2").describe("mu")
    'mu in (0, 2)'
    """

    kind: str
    values: tuple = ()
    lo: str = "-oo"
    hi: str = "oo"

    @classmethod
    def at_values(cls, values) -> Coverage:
        vals = values if isinstance(values, list | tuple | set | frozenset | range) else [values]
        return cls("at", values=tuple(sorted(set(vals), key=_sort_key)))

    def describe(self, name: str) -> str:
        if self.kind == "general":
            return f"every {name}"
        if self.kind == "interval":
            return f"{name} in ({self.lo}, {self.hi})"
        return f"{name} in {{{', '.join(str(v) for v in self.values)}}}"


def _sort_key(v):
    try:
        return (0, float(v), str(v))
    except (TypeError, ValueError):
        return (1, 0.0, str(v))


_ISSUED: weakref.WeakSet = weakref.WeakSet()


@dataclass(frozen=True, eq=False)
class Certificate:
    """Base of the proof vocabulary: ``statement`` (what was shown), ``method`` (how), ``covers``
    (``{name: Coverage}``). Not itself a certificate type: only its subclasses below are."""

    statement: str
    method: str
    covers: Mapping[str, Coverage] = field(default_factory=dict)

    def children(self) -> tuple[Certificate, ...]:
        return ()

    def walk(self) -> Iterator[Certificate]:
        """This certificate and every certificate below it."""
        yield self
        for child in self.children():
            yield from child.walk()

    def lines(self, indent: int = 0) -> list[str]:
        """The certificate tree as indented text (what ``dynverify explain`` prints)."""
        cover = "; ".join(c.describe(k) for k, c in sorted(self.covers.items()))
        head = f"{'  ' * indent}- {type(self).__name__}: {self.statement}"
        out = [head, f"{'  ' * indent}  how: {self.method}"]
        if cover:
            out.append(f"{'  ' * indent}  covers: {cover}")
        for child in self.children():
            out.extend(child.lines(indent + 1))
        return out

    def to_dict(self) -> dict[str, Any]:
        out = {"type": type(self).__name__, "statement": self.statement, "method": self.method,
               "covers": {k: c.describe(k) for k, c in sorted(self.covers.items())}}
        kids = self.children()
        if kids:
            out["steps"] = [c.to_dict() for c in kids]
        return out


@dataclass(frozen=True, eq=False)
class ExactIdentity(Certificate):
    """``lhs == rhs`` decided by exact arithmetic over Q or an algebraic extension."""


@dataclass(frozen=True, eq=False)
class IdentityModuloIdeal(Certificate):
    """``lhs == rhs`` modulo the ideal of the listed equations (exact Groebner reduction)."""

    ideal: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class UnivariateSign(Certificate):
    """``p(var) rel 0`` on ``(lo, hi)`` by exact real-root isolation and exact signs between."""


@dataclass(frozen=True, eq=False)
class BoxSign(Certificate):
    """``f rel 0`` on a box, every leaf box certified by arb ball evaluation."""


@dataclass(frozen=True, eq=False)
class CertifiedRoot(Certificate):
    """A zero of ``f`` inside ``[lo, hi]``: certified sign change, ``f`` certified finite."""

    enclosure: tuple[str, str] = ("", "")
    unique: bool | None = None


@dataclass(frozen=True, eq=False)
class KrawczykEnclosure(Certificate):
    """A unique zero of a system (a periodic orbit, a bifurcation point) in a box that passed the
    Krawczyk test in arb ball arithmetic."""


@dataclass(frozen=True, eq=False)
class Positivity(Certificate):
    """A rational function with non-negative coefficients in non-negative variables."""


@dataclass(frozen=True, eq=False)
class ExactArgument(Certificate):
    """A conjunction: every step is a certificate."""

    steps: tuple[Certificate, ...] = ()

    def children(self) -> tuple[Certificate, ...]:
        return self.steps


@dataclass(frozen=True, eq=False)
class Induction(Certificate):
    """``P(n)`` for every integer ``n >= start``: ``base`` proves ``P(start)``, ``step`` proves
    ``P(n) => P(n+1)`` for a symbolic ``n`` (so it covers ``var`` generally)."""

    var: str = "n"
    start: int = 1
    base: Certificate | None = None
    step: Certificate | None = None

    def children(self) -> tuple[Certificate, ...]:
        return tuple(c for c in (self.base, self.step) if c is not None)


#: the closed list of certificate types (exact types: subclasses are not accepted)
CERTIFICATE_TYPES = frozenset({ExactIdentity, IdentityModuloIdeal, UnivariateSign, BoxSign,
                               CertifiedRoot, KrawczykEnclosure, Positivity, ExactArgument,
                               Induction})


def issue(cert: Certificate) -> Certificate:
    """Register a certificate made by dynverify's own checking code (used by the evidence modules
    right after their exact or rigorous check succeeded; not for claims files)."""
    if type(cert) not in CERTIFICATE_TYPES:
        raise ProofStepError(f"{type(cert).__name__} is not a certificate type")
    for child in cert.children():
        if not is_certified(child):
            raise ProofStepError(f"{type(cert).__name__} has a step that is not a certificate: "
                                 f"{child!r}")
    _ISSUED.add(cert)
    return cert


def is_certified(cert: Any) -> bool:
    """True when ``cert`` and every certificate in its tree were issued by the vocabulary."""
    if type(cert) not in CERTIFICATE_TYPES or cert not in _ISSUED:
        return False
    return all(is_certified(child) for child in cert.children())


def _inside(cover: Coverage, stated) -> bool:
    """Whether an interval coverage contains the stated range ``(lo, hi)``."""
    import sympy as sp

    lo, hi = (sp.sympify(str(v)) for v in stated)
    c_lo, c_hi = sp.sympify(cover.lo), sp.sympify(cover.hi)
    return bool(c_lo <= lo) and bool(hi <= c_hi)


def _instance_names(cert: Certificate) -> list[str]:
    """The variables some certificate of the tree covers only at listed values, in order."""
    names = {name: None for c in cert.walk() for name, cov in c.covers.items() if cov.kind == "at"}
    return list(names)


def _coverages(cert: Certificate, name: str) -> list[Coverage]:
    """Coverages of ``name`` in the leaves of ``cert`` (an induction on ``name`` covers it)."""
    if isinstance(cert, Induction) and cert.var == name:
        return [Coverage("general")]
    kids = cert.children()
    if not kids:
        return [cert.covers[name]] if name in cert.covers else []
    out: list[Coverage] = []
    if name in cert.covers:
        out.append(cert.covers[name])
    for child in kids:
        out.extend(_coverages(child, name))
    return out


def scope_of(cert: Certificate, forall: Mapping[str, Any]) -> tuple[bool, str]:
    """Whether ``cert`` covers a claim's quantifiers as stated, and the scope in words.

    ``forall`` maps a variable to what the claim says of it: a description (``"every d >= 1"``:
    every value must be covered) or a range ``(lo, hi)`` (an interval coverage containing it will
    do). A variable covered only at instances anywhere in the tree restricts the scope to those
    instances; one the certificate does not mention at all is not covered.

    Examples
    --------
    >>> scope_of(ExactIdentity("x = x", "exact", {"N": Coverage.at_values([2, 3])}),
    ...          {"N": "every N"})
    (False, 'exact at N in {2, 3}')
    """
    if not forall:
        # nothing declared: a certificate built at instances (of a size the statement leaves
        # general) still covers only those, and says so
        at = _instance_names(cert)
        if not at:
            return True, "as stated"
        forall = {name: f"every {name}" for name in at}
    missing, partial = [], []
    for name, stated in forall.items():
        covs = _coverages(cert, name)
        inst = [c for c in covs if c.kind == "at"]
        if inst:
            values = sorted({v for c in inst for v in c.values}, key=_sort_key)
            partial.append(Coverage("at", values=tuple(values)).describe(name))
            continue
        if not covs:
            missing.append(name)
            continue
        ranged = isinstance(stated, tuple) and len(stated) == 2
        ok = all(c.kind == "general" or (ranged and c.kind == "interval" and _inside(c, stated))
                 for c in covs)
        if not ok:
            widest = [c.describe(name) for c in covs if c.kind == "interval"]
            partial.append(" and ".join(widest) or f"{name} partly")
    if not missing and not partial:
        return True, "as stated"
    words = []
    if partial:
        words.append("exact at " + "; ".join(partial))
    if missing:
        words.append(f"{', '.join(missing)} not covered by the exact evidence")
    return False, "; ".join(words)
