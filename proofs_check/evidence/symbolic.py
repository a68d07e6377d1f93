"""Symbolic evidence: identities decided by exact arithmetic.

An identity ``lhs == rhs`` is *proved* when the difference reduces to zero exactly (polynomial
expansion or cancellation over the rationals, optionally modulo the equations of a variety such as
``a*b - 1 = 0``, then SymPy's exact simplifiers for algebraic and trigonometric terms). It is
*refuted* only by an exact witness: a rational point at which the difference is a non-zero
algebraic number (certified with its minimal polynomial) or a real number that arb ball arithmetic
certifies non-zero (exp, log, trigonometric values). Floating-point numbers in the input are
refused, since they cannot carry a proof.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import sympy as sp
from sympy.polys.polyerrors import NotAlgebraic

from proofs_check.claim import Evidence, EvidenceResult
from proofs_check.evidence import certificates as cert

__all__ = ["Identity", "identity"]


def _as_list(obj) -> list[sp.Expr]:
    if isinstance(obj, sp.MatrixBase):
        return list(obj)
    if isinstance(obj, list | tuple):
        return [sp.sympify(o) for o in obj]
    return [sp.sympify(obj)]


def _is_zero(diff: sp.Expr, modulo: Sequence[sp.Expr],
             gens: Sequence[sp.Symbol]) -> tuple[bool, str]:
    """Decide ``diff == 0`` exactly; return (True, method) on success, (False, '') otherwise."""
    num = sp.numer(sp.together(sp.expand(diff)))
    if sp.expand(num) == 0:
        return True, "exact expansion over Q"
    if modulo:
        from theory.maps import reduce_modulo

        if reduce_modulo(num, modulo, gens) == 0:
            return True, "exact reduction modulo a Groebner basis"
    for simplifier, name in ((sp.radsimp, "radsimp"), (lambda e: sp.expand_trig(sp.expand(e)),
                                                        "trigonometric expansion"),
                             (sp.simplify, "simplify")):
        if sp.expand(simplifier(diff)) == 0:
            return True, f"exact {name}"
    if not diff.free_symbols:
        x = sp.Symbol("_x")
        try:
            if sp.minimal_polynomial(diff, x) == x:
                return True, "minimal polynomial of an algebraic number"
        except (NotImplementedError, ValueError, NotAlgebraic):
            pass
    return False, ""


def _witness(diff: sp.Expr, symbols: Sequence[sp.Symbol], seed: int, assume=None):
    """An exact point where ``diff`` is a certified non-zero number, or None."""
    # indexed vectors (v[i]) are not numbers: the sums are expanded at an integer size and then
    # each entry v[1], v[2], ... gets its own rational value (a concrete size and vector)
    symbols = [s for s in symbols if isinstance(s, sp.Symbol) and not isinstance(s, sp.Indexed)]
    indexed = diff.has(sp.Indexed, sp.IndexedBase)
    rng = random.Random(seed)
    x = sp.Symbol("_x")
    # a symbol that is an integer, or bounds a sum or a product, only takes integer values
    # (a non-integer upper limit of a Sum would make a true identity look false)
    integral = {s for s in symbols if s.is_integer}
    for op in diff.atoms(sp.Sum, sp.Product):
        for limit in op.limits:
            integral |= set().union(*(sp.sympify(e).free_symbols for e in limit[1:]))
    for _ in range(60):
        point = {s: sp.Integer(rng.randint(1, 12)) if s in integral else
                 sp.Rational(rng.randint(-40, 40), rng.randint(1, 12)) for s in symbols}
        for s in symbols:  # respect sign assumptions of the symbols
            if s.is_positive and point[s] <= 0:
                point[s] = abs(point[s]) + (1 if s in integral else sp.Rational(1, 7))
            if s.is_nonnegative and point[s] < 0:
                point[s] = -point[s]
        if assume is not None and not assume(point):
            continue
        try:
            value = diff.xreplace(point)
            if value.has(sp.Sum, sp.Product):  # integer limits now: expand the finite sums
                value = value.doit()
            if indexed:
                entries = sorted(value.atoms(sp.Indexed), key=str)
                if any(e.free_symbols - {e} for e in entries):
                    continue  # an entry with a symbolic index left: no concrete vector
                for e in entries:
                    point[e] = sp.Rational(rng.randint(-40, 40), rng.randint(1, 12))
                value = value.xreplace({e: point[e] for e in entries})
            value = sp.simplify(value)
        except ZeroDivisionError:
            continue
        if value.has(sp.Sum, sp.Product, sp.Indexed):
            continue
        if value.has(sp.zoo, sp.nan, sp.oo) or value.free_symbols:
            continue
        if value.is_Rational:
            if value != 0:
                return point, value
            continue
        try:
            if value.is_real is not False and sp.minimal_polynomial(value, x) != x:
                return point, value
        except (NotImplementedError, ValueError, NotAlgebraic):
            pass
        if _arb_nonzero(value):  # transcendental (exp, log, trig): a ball that excludes 0
            return point, value
    return None


def _arb_nonzero(value: sp.Expr) -> bool:
    """True when arb ball arithmetic (256 bits) certifies the real number ``value`` != 0."""
    from proofs_check.evidence.interval import IntervalError, _compile, _precision

    if value.has(sp.I):
        return False
    try:
        with _precision(256):
            ball = _compile(value)({})
    except (IntervalError, ValueError, ZeroDivisionError, TypeError):
        return False
    return bool(ball.is_finite() and not ball.contains(0))


class Identity(Evidence):
    """Exact identity ``lhs == rhs`` (scalars, tuples or matrices, compared entry by entry)."""

    kind = "symbolic"

    def __init__(self, lhs, rhs=0, *, modulo: Sequence[sp.Expr] = (), description: str = "",
                 assume=None, point_filter=None, at: Mapping | None = None,
                 general: Sequence[str] = ()):
        self.lhs = _as_list(lhs)
        self.rhs = _as_list(rhs) if not (rhs == 0 and len(self.lhs) > 1) else [0] * len(self.lhs)
        if len(self.lhs) != len(self.rhs):
            raise ValueError(f"identity: {len(self.lhs)} left entries vs {len(self.rhs)} right")
        self.modulo = tuple(sp.sympify(m) for m in modulo)
        self.description = description or "exact identity"
        self.point_filter = point_filter
        self.at = {str(k): cert.Coverage.at_values(v) for k, v in (at or {}).items()}
        self.general = tuple(str(g) for g in general)
        if self.general and not any(not sym.is_commutative for e in (*self.lhs, *self.rhs)
                                    for sym in sp.sympify(e).free_symbols):
            raise ValueError(f"identity: general={self.general} needs non-commutative (matrix) "
                             "symbols: only an identity in them holds for every size it does "
                             "not name")
        for expr in (*self.lhs, *self.rhs, *self.modulo):
            if sp.sympify(expr).has(sp.Float):
                raise ValueError(f"identity: {expr} contains a float; exact input is required")

    def run(self, budget: str, seed: int) -> EvidenceResult:
        methods = []
        for i, (left, right) in enumerate(zip(self.lhs, self.rhs, strict=True)):
            diff = sp.sympify(left) - sp.sympify(right)
            symbols = sorted(diff.free_symbols, key=lambda s: s.name)
            gens = sorted(set().union(*(m.free_symbols for m in self.modulo)),
                          key=lambda s: s.name) if self.modulo else []
            zero, method = _is_zero(diff, self.modulo, gens)
            if zero:
                methods.append(method)
                continue
            if self.modulo:  # a witness must lie on the variety: no cheap way, say so
                return EvidenceResult(self.kind, "inconclusive", self.description,
                                      value=str(sp.factor(diff)), claimed="0",
                                      details={"entry": i, "residual": str(sp.factor(diff))},
                                      seed=seed)
            witness = _witness(diff, symbols, seed, self.point_filter)
            if witness is None:
                return EvidenceResult(self.kind, "inconclusive", self.description,
                                      value=str(diff), claimed="0",
                                      details={"entry": i, "residual": str(diff)}, seed=seed)
            point, value = witness
            cx = {str(s): str(v) for s, v in point.items()} or {"residual": str(value)}
            call = ", ".join(f"{k}=sp.Rational('{v}')" for k, v in cx.items() if k.isidentifier())
            return EvidenceResult(
                self.kind, "refuted", f"{self.description}: exact witness",
                value=str(value), claimed="0", margin=-abs(float(sp.N(value, 30))),
                counterexample=cx,
                rerun=None,
                details={"entry": i, "residual_at_witness": str(value), "lhs": str(left),
                         "rhs": str(right), "substitute": call},
                seed=seed,
            )
        unique = sorted(set(methods))
        method = f"{'; '.join(unique)}"
        symbols = set().union(*(sp.sympify(e).free_symbols for e in (*self.lhs, *self.rhs)))
        covers = {s.name: cert.Coverage("general") for s in symbols}
        covers.update({g: cert.Coverage("general") for g in self.general})
        covers.update(self.at)
        statement = self._statement()
        if self.modulo:
            certificate = cert.issue(cert.IdentityModuloIdeal(
                statement, method, covers, ideal=tuple(str(m) for m in self.modulo)))
        else:
            certificate = cert.issue(cert.ExactIdentity(statement, method, covers))
        return EvidenceResult(self.kind, "proved", f"{self.description} ({method})",
                              value="0", claimed="0", margin=0.0,
                              details={"entries": len(self.lhs)}, seed=seed,
                              certificate=certificate)

    def _statement(self) -> str:
        where = f" on {{{', '.join(f'{m} = 0' for m in self.modulo)}}}" if self.modulo else ""
        at = "".join(f", {c.describe(k)}" for k, c in self.at.items())
        text = f"{self.description}{at}{where}"
        if len(self.lhs) == 1:
            body = f"{_short(self.lhs[0])} == {_short(self.rhs[0])}"
            return f"{text}: {body}" if self.description else body + at + where
        return f"{text} ({len(self.lhs)} entries)"


def _short(expr, width: int = 80) -> str:
    text = sp.sstr(expr)
    return text if len(text) <= width else text[: width - 3] + "..."


def identity(lhs, rhs=0, *, modulo: Sequence[sp.Expr] = (), description: str = "",
             point_filter=None, at: Mapping | None = None,
             general: Sequence[str] = ()) -> Identity:
    """Evidence that ``lhs == rhs`` identically (see :class:`Identity`).

    ``modulo`` lists polynomials that vanish where the identity is claimed (a family of fixed
    points, an invariant curve); ``point_filter(point) -> bool`` restricts where refutation
    witnesses are sought (e.g. inside a domain where a denominator is non-zero); ``at`` says at
    which instances of a claim's quantified sizes the identity was built (``{"d": 2}``): its
    certificate then covers only those (see :mod:`proofs_check.evidence.certificates`);
    ``general`` names sizes an identity in non-commutative (matrix) symbols covers although it
    does not mention them (``("d", "d_h")``): refused for a commutative identity.

    Examples
    --------
    >>> a, b = sp.symbols("a b")
    >>> identity((a + b)**2, a**2 + 2*a*b + b**2).run("quick", 0).status
    'proved'
    >>> r = identity((a + b)**2, a**2 + 3*a*b + b**2).run("quick", 0)
    >>> r.status, sorted(r.counterexample)
    ('refuted', ['a', 'b'])
    >>> identity(a**2*b**2, 1, modulo=[a*b - 1]).run("quick", 0).status
    'proved'
    """
    return Identity(lhs, rhs, modulo=modulo, description=description, point_filter=point_filter,
                    at=at, general=general)


