"""Exact invariants of maps: cofactor (Darboux) relations, conserved quantities.

A polynomial ``X`` is a Darboux function of a map ``F`` with cofactor ``K`` when
``X∘F = K·X`` identically; then ``{X = 0}`` is invariant and the sign of ``K`` says how ``X``
changes along orbits. Everything here is decided by exact polynomial arithmetic over the rationals
(with parameters as indeterminates), so a positive answer is a proof.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from theory.maps import SymbolicMap

__all__ = ["CofactorCheck", "check_cofactor", "cofactor", "compose_with", "conserved"]


def compose_with(X: sp.Expr, F: SymbolicMap) -> sp.Expr:
    """``X∘F``: substitute the map's update into ``X``."""
    return sp.sympify(X).xreplace(dict(zip(F.state, F.update, strict=True)))


def cofactor(X: sp.Expr, F: SymbolicMap) -> sp.Expr | None:
    """The polynomial ``K`` with ``X∘F = K·X``, or ``None`` when ``X`` does not divide ``X∘F``.

    Examples
    --------
    >>> from theory.gd import gd_map
    >>> F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    >>> a, b = F.state
    >>> sp.factor(cofactor(a**2 - b**2, F))
    -(a*b*mu - mu - 1)*(a*b*mu - mu + 1)
    >>> cofactor(a + 2*b, F) is None
    True
    """
    X = sp.expand(X)
    if X == 0:
        raise ValueError("cofactor of the zero polynomial is undefined")
    image = sp.expand(compose_with(X, F))
    gens = F.state
    quotient, remainder = sp.div(sp.Poly(image, *gens), sp.Poly(X, *gens))
    if not remainder.is_zero:
        return None
    return sp.expand(quotient.as_expr())


@dataclass(frozen=True)
class CofactorCheck:
    """Outcome of :func:`check_cofactor`: ``holds`` and the exact residual ``X∘F - K·X``."""

    holds: bool
    residual: sp.Expr

    def __bool__(self) -> bool:
        return self.holds


def check_cofactor(X: sp.Expr, K: sp.Expr, F: SymbolicMap) -> CofactorCheck:
    """Prove or disprove ``X∘F ≡ K·X`` by exact polynomial expansion.

    Examples
    --------
    >>> from theory.gd import gd_map
    >>> F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    >>> a, b = F.state; mu = F.step; e = a*b - 1
    >>> bool(check_cofactor(a + b, 1 - mu*e, F))
    True
    >>> bool(check_cofactor(a + b, 1 - 2*mu*e, F))
    False
    """
    residual = sp.expand(compose_with(X, F) - sp.sympify(K) * sp.sympify(X))
    return CofactorCheck(residual == 0, residual)


def conserved(Q: sp.Expr, flow) -> bool:
    """True when ``Q`` is exactly conserved by a :class:`theory.gd.GradientFlow`."""
    return flow.conserved(Q)
