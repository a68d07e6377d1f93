"""Assumptions on constants (``0 < lam < 1``) and what they decide about fixed points.

An assumption confines a constant to an interval. To let SymPy decide signs under it, each
constrained symbol is written through a *positive* symbol ``t`` (``lam = (lo + hi t)/(1 + t)``
for a bounded interval, ``lo + t`` or ``hi - t`` for a half-line): then ``sqrt(-lam - 1)`` is
visibly imaginary and ``eta*(1 - lam) > 0`` visibly true. With them:

* :func:`real_under` says whether a fixed point is real for every value allowed;
* :func:`step_threshold` turns the stability conditions of a fixed point into bounds on the step
  size (``eta < 1/lam``, ``eta < 1/(1 - lam)``), drops the conditions that always hold, and
  splits the interval where different bounds are the binding one (``eta < 1/(1 - lam)`` for
  ``lam <= 1/2``, ``eta < 1/lam`` above).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import sympy as sp

from theory.parse import ExpressionError, parse_expression

__all__ = ["Threshold", "parse_assumptions", "positive_parametrisation", "real_under",
           "step_threshold"]


def parse_assumptions(text: str | None, symbols: dict[str, sp.Symbol]) -> dict:
    """``"0 < lam < 1, c >= 2"`` -> ``{lam: Interval.open(0, 1), c: Interval(2, oo)}``.

    Bounds are numbers (exact rationals or expressions like ``sqrt(2)``); the names must be
    declared constants. Errors are :class:`~theory.parse.ExpressionError` (one line).

    Examples
    --------
    >>> lam = sp.Symbol("lam", real=True)
    >>> parse_assumptions("0<lam<1", {"lam": lam})
    {lam: Interval.open(0, 1)}
    """
    out: dict = {}
    if not text or not text.strip():
        return out
    for part in re.split(r"[,;]", text):
        part = part.strip()
        if not part:
            continue
        pieces = re.split(r"(<=|>=|<|>)", part)
        if len(pieces) not in (3, 5):
            raise ExpressionError(f"assumption {part!r}: expected 'lo < name < hi' or "
                                  "'name > lo' (or <=, >=)")
        terms, ops = pieces[0::2], pieces[1::2]
        names = [t.strip() for t in terms if t.strip() in symbols]
        if len(names) != 1:
            raise ExpressionError(f"assumption {part!r}: name exactly one declared constant "
                                  f"({', '.join(symbols) or 'none declared'})")
        name = names[0]
        interval = sp.Interval(-sp.oo, sp.oo)
        for k, op in enumerate(ops):
            left, right = terms[k].strip(), terms[k + 1].strip()
            bound_text, name_left = (right, True) if left == name else (left, False)
            try:
                bound = parse_expression(bound_text, {}, f"bound in {part!r}")
            except ExpressionError as exc:
                raise ExpressionError(str(exc)) from None
            if not bound.is_real:
                raise ExpressionError(f"assumption {part!r}: bound {bound_text!r} is not real")
            strict = op in ("<", ">")
            # name < b (or b > name): an upper bound; otherwise a lower bound
            upper = (op in ("<", "<=")) == name_left
            piece = (sp.Interval(-sp.oo, bound, right_open=strict) if upper else
                     sp.Interval(bound, sp.oo, left_open=strict))
            interval = interval & piece
        if interval.is_empty:
            raise ExpressionError(f"assumption {part!r}: no value satisfies it")
        out[symbols[name]] = out.get(symbols[name], sp.Interval(-sp.oo, sp.oo)) & interval
    return out


def assumed_names(text: str | None) -> list[str]:
    """The names an assumption text constrains, in order (an assumption declares a constant).

    Examples
    --------
    >>> assumed_names("0 < lam < 1, c >= sqrt(2)")
    ['lam', 'c']
    """
    from theory.parse import CONSTANTS, FUNCTIONS

    names: list[str] = []
    for part in re.split(r"[,;]", text or ""):
        for term in re.split(r"<=|>=|<|>", part):
            term = term.strip()
            if term.isidentifier() and term not in FUNCTIONS and term not in CONSTANTS \
                    and term not in names:
                names.append(term)
    return names


def positive_parametrisation(assumptions: dict) -> dict:
    """``{symbol: expression in a new positive symbol}`` covering each assumed interval's
    interior exactly (ends excluded: signs decided here hold on the open interval)."""
    subs = {}
    for s, interval in assumptions.items():
        t = sp.Symbol(f"_{s.name}_t", positive=True)
        lo, hi = interval.start, interval.end
        if lo.is_finite and hi.is_finite:
            subs[s] = (lo + hi * t) / (1 + t)
        elif lo.is_finite:
            subs[s] = lo + t
        elif hi.is_finite:
            subs[s] = hi - t
    return subs


def _decided(expr, subs):
    """True/False when ``expr`` (a relational or a number-valued expression's sign) is decided
    for every allowed value, else None."""
    e = sp.simplify(sp.sympify(expr).xreplace(subs))
    if e is sp.true or e is sp.false:
        return bool(e)
    return None


def real_under(point: dict, assumptions: dict) -> bool | None:
    """Whether every coordinate of a fixed point is real under the assumptions (None: unknown)."""
    subs = positive_parametrisation(assumptions)
    verdicts = [sp.simplify(sp.sympify(v).xreplace(subs)).is_real for v in point.values()]
    if any(v is False for v in verdicts):
        return False
    return True if all(v is True for v in verdicts) else None


@dataclass(frozen=True)
class Threshold:
    """The step-size bounds of a fixed point under the assumptions.

    Signs are decided on the open interior of each assumed interval. ``bounds`` are upper
    bounds on the step there (``step < b`` for each); ``pieces`` say which bound binds where:
    ``[(bound, (constant, interval)), ...]`` over the interior of one constant's interval (empty
    when there is one bound or more than one constant); ``never`` is True when some condition
    fails for every allowed value (the point is never stable); ``undecided`` lists conditions the
    method could not turn into a bound; ``neutral`` those that fail only by equality (an
    eigenvalue of modulus 1 for every step: the linear test cannot decide); ``ends`` holds
    ``(constant, end, Threshold)`` for each finite end an assumption includes (``0 <= lam``),
    decided there on its own.
    """

    step: sp.Symbol
    bounds: tuple
    pieces: tuple = ()
    never: bool = False
    undecided: tuple = ()
    ends: tuple = ()
    neutral: tuple = ()

    def text(self) -> str:
        """The threshold in words, e.g. ``eta < 1/(1 - lam) for 0 < lam <= 1/2, ...``."""
        at_ends = "".join(f"; at {v} = {e}: {t._interior_text('never stable')}"
                          for v, e, t in self.ends)
        return self._interior_text() + at_ends

    def _interior_text(self, never: str = "never stable under the assumptions") -> str:
        if self.never:
            return never
        on_circle = ("an eigenvalue stays on the unit circle for every step: the linear test "
                     "cannot decide")
        if not self.bounds:
            words = list(map(str, self.undecided)) + ([on_circle] if self.neutral else [])
            return "; ".join(words) if words else "stable for every step"
        extra = "".join(f"; and {w}" for w in [*map(str, self.undecided),
                                                 *([on_circle] if self.neutral else [])])
        if self.pieces:
            return ", ".join(f"{self.step} < {_show(b)} for {_range_text(v, iv)}"
                             for b, (v, iv) in self.pieces) + extra
        main = _show(self.bounds[0]) if len(self.bounds) == 1 else \
            f"min({', '.join(_show(b) for b in self.bounds)})"
        return f"{self.step} < {main}{extra}"


def _range_text(v, iv: sp.Interval) -> str:
    """``0 < lam <= 1/2``: an interval's ends with their openness."""
    return (f"{iv.start} {'<' if iv.left_open else '<='} {v} "
            f"{'<' if iv.right_open else '<='} {iv.end}")


def _show(expr) -> str:
    """A bound as a reader writes it: ``1/(1 - lam)`` rather than ``-1/(lam - 1)``."""
    n, d = sp.fraction(sp.together(expr))
    if n.could_extract_minus_sign() or d.could_extract_minus_sign():
        n, d = sp.expand(-n), sp.expand(-d)
    if d == 1:
        return str(n)
    den = f"({d})" if isinstance(d, sp.Add | sp.Mul) else str(d)
    num = f"({n})" if isinstance(n, sp.Add) else str(n)
    return f"{num}/{den}"


def step_threshold(conditions, step: sp.Symbol, assumptions: dict) -> Threshold:
    """Turn stability conditions (relationals, linear in ``step``) into upper bounds on it.

    Examples
    --------
    >>> eta = sp.Symbol("eta", positive=True)
    >>> lam = sp.Symbol("lam", real=True)
    >>> conds = [eta*lam > 0, eta*lam < 1, -eta*(lam - 1) < 1, eta*(1 - lam) > 0]
    >>> step_threshold(conds, eta, {lam: sp.Interval.open(0, 1)}).text()
    'eta < 1/(1 - lam) for 0 < lam <= 1/2, eta < 1/lam for 1/2 <= lam < 1'
    """
    subs = positive_parametrisation(assumptions)
    bounds, undecided, neutral, never = [], [], [], False
    for rel in conditions:
        decided = _decided(rel, subs)
        if decided is True:
            continue
        if decided is False:
            # x < c false but x <= c true: an eigenvalue on the unit circle for every step (a
            # direction along a family of minima), no instability; else never stable
            weak = {sp.StrictLessThan: sp.Le, sp.StrictGreaterThan: sp.Ge}.get(type(rel))
            if weak is not None and _decided(weak(rel.lhs, rel.rhs), subs) is True:
                neutral.append(rel)
            else:
                never = True
            continue
        diff = sp.expand(rel.lhs - rel.rhs)
        a, b = diff.coeff(step, 1), diff.coeff(step, 0)
        if sp.expand(diff - a * step - b) != 0 or a == 0:
            undecided.append(rel)
            continue
        a_sign = _decided(a > 0, subs)
        if a_sign is None:
            undecided.append(rel)
            continue
        upper_when_positive = isinstance(rel, sp.StrictLessThan | sp.LessThan)
        if a_sign == upper_when_positive:  # a*step + b < 0 with a > 0: step < -b/a
            bounds.append(sp.simplify(-b / a))
        else:  # a lower bound on the step: only binding if it is positive somewhere
            lower = sp.simplify(-b / a)
            if _decided(lower <= 0, subs) is not True:
                undecided.append(rel)
    bounds = list(dict.fromkeys(bounds))
    pieces = _pieces(bounds, assumptions) if len(bounds) > 1 else ()
    ends = []
    for v, iv in assumptions.items():  # an included end: the conditions there, decided alone
        for end, included in ((iv.start, not iv.left_open), (iv.end, not iv.right_open)):
            if included and end.is_finite:
                rest = {u: j for u, j in assumptions.items() if u != v}
                at_end = [type(c)(c.lhs.xreplace({v: end}), c.rhs.xreplace({v: end}),
                                  evaluate=False) if isinstance(c, sp.core.relational.Relational)
                          else sp.sympify(c).xreplace({v: end}) for c in conditions]
                ends.append((v, end, step_threshold(at_end, step, rest)))
    return Threshold(step, tuple(bounds), pieces, never, tuple(undecided), tuple(ends),
                     tuple(neutral))


def _pieces(bounds, assumptions) -> tuple:
    """Where each bound is the smallest, over the assumed interval of the single constant."""
    free = set().union(*(sp.sympify(b).free_symbols for b in bounds))
    if len(free) != 1:
        return ()
    (v,) = free
    interval = assumptions.get(v)
    if interval is None or not (interval.start.is_finite and interval.end.is_finite):
        return ()
    cuts = {interval.start, interval.end}
    for i, p in enumerate(bounds):
        for q in bounds[i + 1:]:
            num = sp.numer(sp.together(p - q))
            try:
                roots = sp.Poly(num, v).real_roots()
            except (sp.PolynomialError, sp.GeneratorsNeeded):
                return ()
            cuts |= {r for r in roots if interval.contains(r) is sp.true}
    cuts = sorted(cuts, key=lambda c: float(c))
    pieces = []
    for lo, hi in itertools.pairwise(cuts):
        mid = (lo + hi) / 2
        best = min(bounds, key=lambda b: float(sp.sympify(b).subs(v, mid)))
        if pieces and pieces[-1][0] == best:
            pieces[-1] = (best, (v, pieces[-1][1][1], hi))
        else:
            pieces.append((best, (v, lo, hi)))
    # closed at the cuts (both bounds agree there), open at the interval's ends (signs are
    # decided on the interior; an included end is decided on its own)
    inside = sp.Interval.open(interval.start, interval.end)
    pieces = [(b, (v, inside.intersect(sp.Interval(lo, hi)))) for b, (v, lo, hi) in pieces]
    return tuple(pieces) if len(pieces) > 1 else ()
