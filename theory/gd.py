"""Derive training dynamics from a loss: gradient descent maps and gradient flows.

The update is derived, never typed: ``gd_map`` differentiates the loss exactly, so the map of any
reduced model has one source of truth, its loss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from theory.maps import Family, SymbolicMap, reduce_modulo
from theory.parse import ExpressionError, parse_loss

__all__ = [
    "EdgeOfStability",
    "GradientFlow",
    "edge_of_stability",
    "gd_map",
    "gradient",
    "gradient_flow",
    "hessian",
    "sharpness",
]


def gradient(loss: sp.Expr, params: Sequence[sp.Symbol]) -> sp.Matrix:
    """Column vector of partial derivatives of ``loss``.

    Examples
    --------
    >>> a, b = sp.symbols("a b")
    >>> gradient((a*b - 1)**2/2, (a, b)).T
    Matrix([[b*(a*b - 1), a*(a*b - 1)]])
    """
    return sp.Matrix([sp.factor(sp.diff(loss, p)) for p in params])


def hessian(loss: sp.Expr, params: Sequence[sp.Symbol]) -> sp.Matrix:
    """Matrix of second derivatives of ``loss``.

    Examples
    --------
    >>> a, b = sp.symbols("a b")
    >>> hessian((a*b - 1)**2/2, (a, b))
    Matrix([
    [     b**2, 2*a*b - 1],
    [2*a*b - 1,      a**2]])
    """
    return sp.hessian(loss, list(params)).applyfunc(sp.expand)


def _loss_inputs(loss, params, step, constants):
    """Accept either strings (parsed strictly) or SymPy objects."""
    if isinstance(loss, str):
        return parse_loss(loss, params, step, constants)
    loss = sp.sympify(loss)
    param_syms = tuple(params)
    if not param_syms:
        raise ExpressionError("params: the parameter list is empty")
    const_syms = tuple(constants or ())
    step_sym = sp.Symbol(step, positive=True) if isinstance(step, str) else step
    if step_sym is not None and step_sym in param_syms:
        raise ExpressionError(f"step {step_sym} is also a parameter")
    unknown = loss.free_symbols - set(param_syms) - set(const_syms)
    if unknown:
        names = ", ".join(sorted(s.name for s in unknown))
        raise ExpressionError(f"loss {loss}: undeclared symbol(s) {names}")
    return loss, param_syms, step_sym, const_syms


def gd_map(loss, params, step="mu", constants=None, name: str = "gd") -> SymbolicMap:
    """Gradient descent ``theta -> theta - step * grad L(theta)`` as a :class:`SymbolicMap`.

    ``loss`` is a string (parsed with a strict whitelist) or a SymPy expression; ``params`` the
    trained variables; ``step`` the step-size symbol (positive); ``constants`` any further symbols
    of the loss, which become parameters of the map next to the step.

    Examples
    --------
    >>> F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    >>> F.state, F.params
    ((a, b), (mu,))
    >>> F.update
    (a - b*mu*(a*b - 1), -a*mu*(a*b - 1) + b)
    """
    loss, param_syms, step_sym, const_syms = _loss_inputs(loss, params, step, constants)
    if step_sym is None:
        raise ExpressionError("step: gd_map needs a step-size symbol")
    grad = gradient(loss, param_syms)
    update = tuple(p - step_sym * g for p, g in zip(param_syms, grad, strict=True))
    return SymbolicMap(param_syms, update, (step_sym, *const_syms), (step_sym > 0,), name,
                       loss=loss, step=step_sym)


@dataclass(frozen=True)
class GradientFlow:
    """The ODE ``d theta/dt = -grad L(theta)``.

    Examples
    --------
    >>> flow = gradient_flow("(a*b - 1)**2/2", params="a b")
    >>> flow.field.T
    Matrix([[-b*(a*b - 1), -a*(a*b - 1)]])
    >>> a, b = flow.state
    >>> flow.derivative(a**2 - b**2)
    0
    """

    state: tuple[sp.Symbol, ...]
    field: sp.Matrix
    params: tuple[sp.Symbol, ...]
    loss: sp.Expr

    def derivative(self, quantity: sp.Expr) -> sp.Expr:
        """Time derivative of ``quantity`` along the flow (exact, expanded)."""
        grad = sp.Matrix([sp.diff(quantity, s) for s in self.state])
        return sp.expand((grad.T * self.field)[0, 0])

    def conserved(self, quantity: sp.Expr) -> bool:
        """True when ``quantity`` is exactly constant along the flow (d/dt expands to 0)."""
        return self.derivative(quantity) == 0


def gradient_flow(loss, params, constants=None) -> GradientFlow:
    """Gradient flow of ``loss`` (see :class:`GradientFlow`)."""
    loss, param_syms, _, const_syms = _loss_inputs(loss, params, None, constants)
    return GradientFlow(param_syms, -gradient(loss, param_syms), const_syms, loss)


def sharpness(loss: sp.Expr, params: Sequence[sp.Symbol], where) -> tuple[sp.Expr, ...]:
    """Hessian eigenvalues at a point (dict) or along a :class:`Family`, largest-looking last.

    Examples
    --------
    >>> a, b = sp.symbols("a b", real=True)
    >>> sharpness((a*b - 1)**2/2, (a, b), Family((a*b - 1,), (b,), {a: 1/b}))
    (0, a**2 + b**2)
    """
    H = hessian(loss, params)
    x = sp.Symbol("_eigenvalue")
    if isinstance(where, Family):
        poly = reduce_modulo(H.charpoly(x).as_expr(), where.equations, params)
    else:
        poly = H.xreplace({k: sp.sympify(v) for k, v in dict(where).items()}).charpoly(x).as_expr()
    roots = sp.roots(sp.Poly(sp.factor(poly), x))
    eig = []
    for root, mult in roots.items():
        eig.extend([sp.factor(root)] * mult)
    return tuple(sorted(eig, key=lambda e: (e != 0, sp.default_sort_key(e))))


@dataclass(frozen=True)
class EdgeOfStability:
    """Sharpness along a family of minimisers and the GD stability condition there."""

    family: Family
    sharpness: sp.Expr
    condition: sp.Basic


def edge_of_stability(F: SymbolicMap) -> tuple[EdgeOfStability, ...]:
    """For a GD map derived from a loss, the sharpness along each family of fixed points and the
    edge-of-stability condition ``step * sharpness < 2``.

    Examples
    --------
    >>> F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    >>> [str(e.condition) for e in edge_of_stability(F)]
    ['mu*(a**2 + b**2) < 2']
    """
    if F.loss is None or F.step is None:
        raise ValueError(f"map {F.name!r} was not derived from a loss")
    out = []
    for family in F.fixed_points().families:
        eig = [e for e in sharpness(F.loss, F.state, family) if e != 0]
        top = eig[0] if len(eig) == 1 else sp.Max(*eig)
        out.append(EdgeOfStability(family, top, sp.StrictLessThan(F.step * top, 2)))
    return tuple(out)


