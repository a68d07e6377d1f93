"""theory: exact derivations with SymPy (no numerics, no I/O).

Examples
--------
>>> from theory import gd_map
>>> F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
>>> F.fixed_points().points
({a: 0, b: 0},)
"""

from theory.gd import (
    EdgeOfStability,
    GradientFlow,
    edge_of_stability,
    gd_map,
    gradient,
    gradient_flow,
    hessian,
    sharpness,
)
from theory.invariants import check_cofactor, cofactor, conserved
from theory.maps import Family, FixedPoints, Stability, SymbolicMap
from theory.parse import ExpressionError, parse_expression, parse_loss

__all__ = [
    "EdgeOfStability",
    "ExpressionError",
    "Family",
    "FixedPoints",
    "GradientFlow",
    "Stability",
    "SymbolicMap",
    "check_cofactor",
    "cofactor",
    "conserved",
    "edge_of_stability",
    "gd_map",
    "gradient",
    "gradient_flow",
    "hessian",
    "parse_expression",
    "parse_loss",
    "sharpness",
]
