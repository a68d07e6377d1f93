"""Exact identities as evidence: lazy identities, and the free algebra of matrix symbols.

An identity between non-commutative polynomials that holds in the free algebra holds for matrices
of every compatible size, so such identities cover every ``d`` and ``d_h`` (``general=``).
"""

from __future__ import annotations

import sympy as sp

from proofs_check import evidence as ev
from theory.models import mamba_icl as mi


def _identity(build, description: str, *, at=None, point_filter=None) -> ev.Lazy:
    """Lazy exact identity: ``build() -> (lhs_list, rhs_list)``; ``at`` declares the instances
    of the claim's quantified sizes it was built at (see :mod:`proofs_check.evidence`)."""
    def make():
        lhs, rhs = build()
        return ev.identity(list(lhs), list(rhs), at=at, point_filter=point_filter)
    return ev.lazy(make, description)


def _nc(names: str):
    """Non-commutative symbols: matrices (and vectors) of unspecified compatible sizes.

    An identity between non-commutative polynomials that holds in the free algebra holds for
    matrices of every size; transposes are separate symbols (``Qt`` for ``Q^T``), the identity
    matrix is the unit 1 and scalars are commutative symbols.
    """
    return sp.symbols(names, commutative=False)


#: the sizes a free-algebra identity covers although it names no size symbol
_GENERAL = ("d", "d_h")


def _nc_identity(lhs, rhs, description: str, sizes=_GENERAL) -> ev.Identity:
    """An identity in non-commutative symbols: true for matrices of every compatible size."""
    return ev.identity(lhs, rhs, description=description, general=sizes)


def _nc_lazy(build, description: str, sizes=_GENERAL) -> ev.Lazy:
    """Lazy :func:`_nc_identity`: ``build() -> (lhs_list, rhs_list)``."""
    def make():
        lhs, rhs = build()
        return _nc_identity(list(lhs), list(rhs), description, sizes)
    return ev.lazy(make, description)


def _nc_transpose(expr, pairs: dict):
    """The transpose of a free-algebra expression: products reversed, each matrix symbol mapped to
    its transpose's symbol (``pairs``: ``{P: P^T, P^T: P, ...}``); scalars and the unit stay."""
    expr = sp.expand(expr)
    if expr.is_Add:
        return sp.Add(*(_nc_transpose(t, pairs) for t in expr.args))
    if expr.is_Mul:
        c, nc = expr.args_cnc()
        return sp.Mul(*c) * sp.Mul(*(_nc_transpose(f, pairs) for f in reversed(nc)))
    if expr.is_Pow:
        return _nc_transpose(expr.base, pairs) ** expr.exp
    if expr.is_Symbol and not expr.is_commutative:
        return pairs[expr]
    return expr


def _nc_eval(expr, env: dict):
    """A free-algebra expression at explicit matrices ``env = {symbol: Matrix}`` (commutative
    factors stay scalars; a scalar term of a sum is that multiple of the identity)."""
    expr = sp.expand(sp.sympify(expr))
    if all(s.is_commutative for s in expr.free_symbols):
        return expr
    if expr.is_Add:
        parts = [_nc_eval(t, env) for t in expr.args]
        shape = next(p.shape for p in parts if isinstance(p, sp.MatrixBase))
        out = sp.zeros(*shape)
        for p in parts:
            out += p if isinstance(p, sp.MatrixBase) else p * sp.eye(shape[0])
        return out
    if expr.is_Mul:
        c, nc = expr.args_cnc()
        out = sp.Mul(*c)
        for f in nc:
            out = out * _nc_eval(f, env)
        return out
    if expr.is_Pow:
        return _nc_eval(expr.base, env) ** int(expr.exp)
    return env[expr]


def _vec(name, d):
    return sp.Matrix(d, 1, lambda k, _j: sp.Symbol(f"{name}_{k}", real=True))


def _nc_map():
    """Free-algebra symbols of the reduced map and its matrix form (``1`` is I)."""
    P, Pt, Q, Qt = _nc("P P^T Q Q^T")
    E, Et = mi.error_map(P, Q, Pt, Qt)
    return P, Pt, Q, Qt, E, Et


def _transposes():
    P, Pt, Q, Qt = _nc("P P^T Q Q^T")
    dP, dPt, dQ, dQt = _nc("dP dP^T dQ dQ^T")
    return {P: Pt, Pt: P, Q: Qt, Qt: Q, dP: dPt, dPt: dP, dQ: dQt, dQt: dQ}


def _explicit_env(M):
    P, Pt, Q, Qt = _nc("P P^T Q Q^T")
    return {P: M.P, Pt: M.P.T, Q: M.Q, Qt: M.Q.T}
