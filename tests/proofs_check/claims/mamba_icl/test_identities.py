"""The free-algebra helpers: transposes and evaluation at explicit matrices."""

import sympy as sp

from proofs_check.claims.mamba_icl.constants import _model
from proofs_check.claims.mamba_icl.identities import (
    _explicit_env,
    _nc,
    _nc_eval,
    _nc_transpose,
    _transposes,
)
from theory.models import mamba_icl as mi


def test_free_algebra_helpers():
    P, Pt, Q, Qt = _nc("P P^T Q Q^T")
    T = _transposes()
    assert _nc_transpose(Q * (mi.alpha * Qt * P - mi.s1), T) == sp.expand(
        (mi.alpha * Pt * Q - mi.s1) * Qt)
    M = _model(2, 3)
    E = _nc_eval(mi.alpha * Qt * P - mi.s1, _explicit_env(M))
    assert E == M.error()
    # a wrong transpose (the order of the factors kept) is told apart
    assert _nc_transpose(Q * P, T) != Qt * Pt
