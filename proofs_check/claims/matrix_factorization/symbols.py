"""The symbols of the claimed formulas (the claims' ``claimed=`` values) and the claimed values
that more than one module needs."""

from __future__ import annotations

import sympy as sp

from theory.models import matrix_factorization as mf

#: symbols of the claimed formulas (the claims' ``claimed=`` values)
LAM_K = sp.Symbol("lambda_k", real=True, nonzero=True)
LAM = sp.Symbol("lambda", positive=True)
LAM_1 = sp.Symbol("lambda_1", positive=True)
RHO = sp.Symbol("rho_k", positive=True)
X_SYM = sp.Symbol("x", positive=True)
N_SYM = sp.Symbol("N", integer=True, positive=True)   # theory's depth symbol (deep_general)
ETA = sp.Symbol("eta", positive=True)
LAM_NEXT = sp.Symbol("lambda_next", positive=True)

U_NC, UT_NC, Y_NC = mf.nc_symbols("U U^T Y")
#: what mf.riccati states, X = U U^T in the free algebra
RICCATI_RHS = Y_NC * U_NC * UT_NC + U_NC * UT_NC * Y_NC - 2 * (U_NC * UT_NC) ** 2

C = sp.Symbol("c", positive=True)
_ROOT = sp.sqrt((C - 1) * (C + 3))
#: what mf.gd.two_cycle states (its claimed values)
TWO_CYCLE = {"s_minus": (C + 1 - _ROOT) / (2 * C), "s_plus": (C + 1 + _ROOT) / (2 * C),
             "multiplier": 7 - 4 * C - 2 * C**2, "c_max": sp.sqrt(5) - 1}


def nc_note(text: str) -> str:
    """A step's description, marked as proved in the free algebra (every ``n, r``)."""
    return f"{text} [free algebra: every n, r]"
