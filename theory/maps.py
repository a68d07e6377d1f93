"""Symbolic discrete-time maps: the object every reduced model of dynverify is expressed as.

A :class:`SymbolicMap` holds state symbols, parameter symbols and one update expression per state
symbol. It derives what the theory of a map needs exactly: the Jacobian, iterates, fixed points
(isolated points *and* positive-dimensional families such as the minimiser curve ``a*b = 1``) and
linear stability conditions, with directions tangent to a family of fixed points reported as
neutral rather than unstable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sympy as sp

__all__ = ["Family", "FixedPoints", "Stability", "SymbolicMap", "reduce_modulo"]


def _as_symbols(items: Iterable[sp.Symbol | str]) -> tuple[sp.Symbol, ...]:
    out = []
    for item in items:
        out.append(sp.Symbol(item, real=True) if isinstance(item, str) else item)
    return tuple(out)


def reduce_modulo(expr: sp.Expr, equations: Sequence[sp.Expr], gens: Sequence[sp.Symbol]):
    """Normal form of ``expr`` modulo the ideal of ``equations`` (Groebner basis, grevlex).

    Used to simplify quantities on a family of fixed points, e.g. ``a**2*b**2 -> 1`` on
    ``a*b - 1 = 0``. Rational functions are reduced numerator and denominator separately.

    Examples
    --------
    >>> a, b, mu = sp.symbols("a b mu")
    >>> reduce_modulo(1 - mu*a**2 - mu*b**2 + mu**2*a**2*b**2 - mu**2, [a*b - 1], [a, b])
    -a**2*mu - b**2*mu + 1
    """
    if not equations:
        return expr
    basis = sp.groebner([sp.expand(e) for e in equations], *gens, order="grevlex")
    num, den = sp.fraction(sp.together(expr))

    def normal(p):
        return sp.reduced(sp.expand(p), list(basis.exprs), *gens, order="grevlex")[1]

    den_n = normal(den)
    if den_n == 0:
        raise ZeroDivisionError(f"{expr} has a vanishing denominator on the family")
    return sp.expand(normal(num)) if den_n == 1 else normal(num) / den_n


@dataclass(frozen=True)
class Family:
    """A positive-dimensional set of fixed points.

    ``equations`` define it implicitly (all vanish on it); ``parametrisation`` maps each state
    symbol to an expression in the ``free`` symbols when one is known (``None`` otherwise).
    """

    equations: tuple[sp.Expr, ...]
    free: tuple[sp.Symbol, ...] = ()
    parametrisation: Mapping[sp.Symbol, sp.Expr] | None = None

    def contains(self, point: Mapping[sp.Symbol, sp.Expr]) -> bool:
        """True when every defining equation vanishes exactly at ``point``."""
        return all(sp.simplify(eq.subs(point)) == 0 for eq in self.equations)

    def __str__(self) -> str:
        eqs = ", ".join(f"{sp.sstr(e)} = 0" for e in self.equations)
        if self.parametrisation:
            par = ", ".join(f"{k} = {sp.sstr(v)}" for k, v in self.parametrisation.items())
            return f"{{{eqs}}}  ({par})"
        return f"{{{eqs}}}"


@dataclass(frozen=True)
class FixedPoints:
    """Fixed points of a map: isolated ``points`` (dicts state -> value) and ``families``."""

    points: tuple[dict, ...]
    families: tuple[Family, ...]


@dataclass(frozen=True)
class Stability:
    """Linear stability at a fixed point or along a family.

    ``eigenvalues`` are the Jacobian's eigenvalues with multiplicity (simplified on the family);
    ``neutral`` those identically equal to 1 because they are tangent to the family; ``conditions``
    the inequalities on parameters and state that place every other eigenvalue strictly inside the
    unit disc. ``conditions`` containing ``False`` means the point is never linearly stable.
    """

    jacobian: sp.Matrix
    eigenvalues: tuple[sp.Expr, ...]
    neutral: tuple[sp.Expr, ...]
    conditions: tuple[sp.Basic, ...]

    @property
    def condition(self) -> sp.Basic:
        """All conditions joined with ``And``."""
        return sp.And(*self.conditions)

    def holds_at(self, values: Mapping) -> bool:
        """Evaluate the stability condition at numeric values of the symbols."""
        return bool(self.condition.subs({sp.Symbol(str(k)) if isinstance(k, str) else k: v
                                         for k, v in values.items()}))


def _inside_unit_disc(lam: sp.Expr) -> list[sp.Basic]:
    """Inequalities equivalent to ``|lam| < 1``, written the way a paper would."""
    if lam.is_real is False or lam.has(sp.I):
        return [_positive(sp.expand(1 - lam * sp.conjugate(lam)))]
    return [_positive(sp.factor(1 - lam)), _positive(sp.factor(1 + lam))]


def _positive(expr: sp.Expr) -> sp.Basic:
    """``expr > 0`` rearranged as ``rest < c`` when ``expr = c - rest`` with a constant ``c``."""
    expr = sp.simplify(expr)
    if expr.is_positive:
        return sp.true
    if expr.is_nonpositive:
        return sp.false
    const, rest = sp.expand(expr).as_coeff_Add()
    if const != 0 and rest != 0:
        scale, term = sp.simplify(-rest).as_coeff_Mul()
        if scale < 0:  # c + |s|*term > 0  ->  -term < c/|s|
            return sp.StrictGreaterThan(sp.factor(term), const / scale)
        return sp.StrictLessThan(sp.factor(term), const / scale)
    scale, term = expr.as_coeff_Mul()
    if scale > 0:
        return sp.StrictGreaterThan(term, 0)
    return sp.StrictGreaterThan(expr, 0)


class SymbolicMap:
    """A discrete-time map ``x -> update(x; params)`` with exact symbolic expressions.

    Parameters
    ----------
    state : symbols (or names) of the state variables, in order.
    update : one expression per state variable, the image of the state.
    params : parameter symbols (step sizes, constants).
    assumptions : relational facts on the parameters (``mu > 0``), kept for display and domains.
    name : a label used in reports.

    Examples
    --------
    >>> a, b = sp.symbols("a b", real=True)
    >>> mu = sp.Symbol("mu", positive=True)
    >>> F = SymbolicMap((a, b), (a - mu*b*(a*b - 1), b - mu*a*(a*b - 1)), params=(mu,))
    >>> F.jacobian().applyfunc(sp.expand)
    Matrix([
    [  -b**2*mu + 1, -2*a*b*mu + mu],
    [-2*a*b*mu + mu,   -a**2*mu + 1]])
    >>> fp = F.fixed_points()
    >>> fp.points, [str(f) for f in fp.families]
    (({a: 0, b: 0},), ['{a*b - 1 = 0}  (a = 1/b)'])
    >>> F.linear_stability(fp.families[0]).eigenvalues
    (1, -a**2*mu - b**2*mu + 1)
    """

    def __init__(self, state, update, params=(), assumptions=(), name: str = "map",
                 loss: sp.Expr | None = None, step: sp.Symbol | None = None):
        self.loss = loss
        self.step = step
        self.state = _as_symbols(state)
        self.update = tuple(sp.sympify(u) for u in update)
        self.params = _as_symbols(params)
        self.assumptions = tuple(assumptions)
        self.name = name
        if len(self.update) != len(self.state):
            raise ValueError(
                f"map {name!r}: {len(self.update)} update expressions for {len(self.state)} states"
            )
        if set(self.state) & set(self.params):
            raise ValueError(f"map {name!r}: a symbol is both state and parameter")
        known = set(self.state) | set(self.params)
        for expr in self.update:
            unknown = expr.free_symbols - known
            if unknown:
                names = ", ".join(sorted(s.name for s in unknown))
                raise ValueError(f"map {name!r}: undeclared symbol(s) {names} in {expr}")

    # -- basic algebra -------------------------------------------------------------------------
    @property
    def dim(self) -> int:
        """Number of state variables."""
        return len(self.state)

    def __repr__(self) -> str:
        pairs = ", ".join(f"{s} -> {sp.sstr(u)}" for s, u in zip(self.state, self.update,
                                                                 strict=True))
        return f"SymbolicMap({self.name!r}: {pairs})"

    def __call__(self, *point) -> tuple[sp.Expr, ...]:
        """Image of a point given as state values (numbers or expressions)."""
        if len(point) != self.dim:
            raise ValueError(f"map {self.name!r} takes {self.dim} state values, got {len(point)}")
        sub = dict(zip(self.state, (sp.sympify(p) for p in point), strict=True))
        return tuple(u.xreplace(sub) for u in self.update)

    def jacobian(self) -> sp.Matrix:
        """The Jacobian matrix d update_i / d state_j."""
        return sp.Matrix(self.update).jacobian(sp.Matrix(self.state))

    def compose(self, n: int) -> SymbolicMap:
        """The n-th iterate F∘...∘F as a new map (expressions grow fast: keep n small).

        Examples
        --------
        >>> x, r = sp.symbols("x r")
        >>> SymbolicMap((x,), (r*x,), params=(r,)).compose(3).update
        (r**3*x,)
        """
        if n < 1:
            raise ValueError(f"compose needs n >= 1, got {n}")
        exprs = self.update
        for _ in range(n - 1):
            sub = dict(zip(self.state, exprs, strict=True))
            exprs = tuple(u.xreplace(sub) for u in self.update)
        return SymbolicMap(self.state, exprs, self.params, self.assumptions, f"{self.name}^{n}")

    def _values_of(self, table: Mapping, among: tuple, what: str) -> dict:
        """``{symbol: sympified value}`` for a table keyed by symbols of ``among`` or their
        names; an unknown key is a :class:`KeyError` naming it as a ``what``."""
        by_name = {s.name: s for s in among}
        out = {}
        for key, value in table.items():
            sym = by_name.get(key) if isinstance(key, str) else key
            if sym not in among:
                raise KeyError(f"map {self.name!r} has no {what} {key!r}")
            out[sym] = sp.sympify(value)
        return out

    def substitute(self, values: Mapping | None = None, **kwargs) -> SymbolicMap:
        """Fix some parameters to values; the remaining parameters stay symbolic.

        Examples
        --------
        >>> x, r = sp.symbols("x r")
        >>> SymbolicMap((x,), (r*x*(1 - x),), params=(r,)).substitute(r=4).update
        (4*x*(1 - x),)
        """
        sub = self._values_of({**(values or {}), **kwargs}, self.params, "parameter")
        params = tuple(p for p in self.params if p not in sub)
        exprs = tuple(u.xreplace(sub) for u in self.update)
        assumptions = tuple(a.xreplace(sub) for a in self.assumptions)
        assumptions = tuple(a for a in assumptions if a is not sp.true)
        return SymbolicMap(self.state, exprs, params, assumptions, self.name)

    def deviation(self, point: Mapping, names: Sequence[str] | None = None) -> SymbolicMap:
        """The map in deviation coordinates ``y = x - point`` about a fixed point.

        ``y -> F(point + y) - point``, expanded exactly, so that near the point float64 sees the
        small deviation itself instead of the difference of two nearly equal numbers; the loss
        (if any) becomes ``L(point + y) - L(point)``, exact, with no cancellation. ``point``
        maps state symbols or names to exact values (they may involve parameters); ``names``
        are the new state names (default ``d_<name>``).

        Examples
        --------
        >>> x, r = sp.symbols("x r")
        >>> G = SymbolicMap((x,), (r*x*(1 - x),), params=(r,)).deviation({x: 1 - 1/r})
        >>> G.state, sp.factor(G.update[0])
        ((d_x,), -d_x*(d_x*r + r - 2))
        """
        centre = self._values_of(point, self.state, "state variable")
        missing = [s.name for s in self.state if s not in centre]
        if missing:
            raise ValueError(f"deviation: no value for {', '.join(missing)}")
        names = list(names) if names is not None else [f"d_{s.name}" for s in self.state]
        if len(names) != self.dim:
            raise ValueError(f"deviation: {len(names)} names for {self.dim} state variables")
        new = tuple(sp.Symbol(n, **{k: v for k, v in s.assumptions0.items() if k == "real"})
                    for n, s in zip(names, self.state, strict=True))
        shift = {s: centre[s] + y for s, y in zip(self.state, new, strict=True)}
        exprs = tuple(sp.expand(u.xreplace(shift) - centre[s])
                      for s, u in zip(self.state, self.update, strict=True))
        loss = None if self.loss is None else \
            sp.expand(self.loss.xreplace(shift) - self.loss.xreplace(centre))
        return SymbolicMap(new, exprs, self.params, self.assumptions,
                           f"{self.name} in deviation coordinates", loss=loss, step=self.step)

    # -- fixed points and stability ------------------------------------------------------------
    def fixed_points(self) -> FixedPoints:
        """Solve ``F(x) = x`` exactly: isolated points and families of fixed points.

        A solution that leaves some state symbols free is a family; its implicit equations are the
        numerators of ``x_i - expr_i`` and its parametrisation is the solution itself.
        """
        residual = [sp.numer(sp.together(u - s)) for s, u in zip(self.state, self.update,
                                                                   strict=True)]
        try:
            solutions = sp.solve(residual, self.state, dict=True)
        except NotImplementedError as exc:
            raise NotImplementedError(f"map {self.name!r}: SymPy cannot solve F(x) = x: {exc}") \
                from None
        points, families = [], []
        for sol in solutions:
            free = tuple(s for s in self.state if s not in sol)
            if not free:
                points.append({s: sp.simplify(sol[s]) for s in self.state})
                continue
            equations = tuple(
                sp.factor(sp.numer(sp.together(s - sol[s]))) for s in self.state if s in sol
            )
            equations = tuple(sp.expand(e) if e.could_extract_minus_sign() is False else
                              sp.expand(-e) if e.could_extract_minus_sign() else sp.expand(e)
                              for e in equations)
            families.append(Family(equations, free, {s: sol[s] for s in self.state if s in sol}))
        return FixedPoints(tuple(points), tuple(families))

    def linear_stability(self, where) -> Stability:
        """Eigenvalues of the Jacobian at a fixed point (dict) or along a :class:`Family`, and the
        conditions for every non-neutral eigenvalue to lie strictly inside the unit disc.

        Along a family, eigenvalues identically 1 are neutral (tangent directions) and impose no
        condition. Quantities are reduced modulo the family's equations, so on ``a*b = 1`` the
        eigenvalues read ``1`` and ``1 - mu*(a**2 + b**2)``.
        """
        J = self.jacobian()
        x = sp.Symbol("_eigenvalue")
        if isinstance(where, Family):
            equations = where.equations
            poly = J.charpoly(x).as_expr()
            poly = reduce_modulo(poly, equations, self.state)
            Jw = J.applyfunc(lambda e: reduce_modulo(e, equations, self.state))
        else:
            point = {(sp.Symbol(k, real=True) if isinstance(k, str) else k): sp.sympify(v)
                     for k, v in dict(where).items()}
            Jw = J.xreplace(point)
            poly = Jw.charpoly(x).as_expr()
            equations = ()
        roots = sp.roots(sp.Poly(sp.factor(poly), x))
        if sum(roots.values()) != self.dim:
            raise NotImplementedError(f"map {self.name!r}: eigenvalues have no closed form here")
        eigenvalues = []
        for root, mult in roots.items():
            eigenvalues.extend([sp.expand(root) if root.is_polynomial() else sp.simplify(root)]
                               * mult)
        eigenvalues.sort(key=lambda e: (e != 1, sp.default_sort_key(e)))
        n_neutral = self.dim - self._rank_of_family(where) if isinstance(where, Family) else 0
        neutral, others = [], []
        for lam in eigenvalues:
            if lam == 1 and len(neutral) < n_neutral:
                neutral.append(lam)
            else:
                others.append(lam)
        conditions: list[sp.Basic] = []
        for lam in others:
            for cond in _inside_unit_disc(lam):
                if cond is not sp.true and cond not in conditions:
                    conditions.append(cond)
        return Stability(Jw, tuple(eigenvalues), tuple(neutral), tuple(conditions))

    def _rank_of_family(self, family: Family) -> int:
        """Codimension of a family = number of independent defining equations."""
        return len(family.equations)
