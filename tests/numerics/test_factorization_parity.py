"""Parity of numerics.factorization's float closed form with theory's exact one.

:func:`numerics.factorization.closed_form` types the closed form again (in float64 and in
mpmath); here it is compared with :func:`theory.models.matrix_factorization.closed_form`
evaluated at 60 digits at random rational points: rational eigenvalues
(negative, zero and positive), a rational ``U0`` of every shape ``n x r`` with ``n, r <= 3`` and
rational times. A perturbed theory expression (the factor 2 of ``I + 2 U0^T S U0`` changed) must
fail the same comparison, so the test can tell the two apart.

Tolerance: the inputs are dyadic rationals (exact in float64), so the float evaluation only
rounds; with ``2 lam_1 t <= 6`` the condition number of ``P = I + 2 C^T S C`` stays below
``~1e4`` for these entries, and the error of the float64 path is at most ``~cond(P) n eps <=
1e-11`` relative (Frobenius); the mpmath path rounds once at the end (``~n eps``).
"""

import fractions
import random

import numpy as np
import pytest
import sympy as sp

from numerics import factorization as nf
from theory.models import matrix_factorization as mf

FLOAT_TOL = 1e-11
MP_TOL = 1e-13


def _dyadic(rng: random.Random, lo: float, hi: float, bits: int = 6) -> sp.Rational:
    """A random rational in ``[lo, hi]`` with denominator ``2^bits`` (exact in float64)."""
    f = fractions.Fraction(rng.uniform(lo, hi)).limit_denominator(2**bits)
    return sp.Rational(round(f * 2**bits), 2**bits)


def _case(seed: int):
    rng = random.Random(seed)
    n, r = rng.randint(1, 3), rng.randint(1, 3)
    lams = [_dyadic(rng, -1.5, 1.5) for _ in range(n)]
    if n >= 2 and seed % 3 == 0:
        lams[-1] = sp.Integer(0)             # a singular Y
    if len(set(lams)) < n:                   # distinct eigenvalues keep eigh's basis exact
        lams = [lam + sp.Rational(i, 8) for i, lam in enumerate(lams)]
    U0 = sp.Matrix(n, r, lambda i, j: _dyadic(rng, -1, 1))
    if all(v == 0 for v in U0):
        U0[0, 0] = sp.Rational(1, 2)
    lam_top = max(max(lams), sp.Rational(1, 2))
    t = _dyadic(rng, 0, 3 / float(lam_top))  # 2 lam_1 t <= 6
    return lams, U0, t


def _exact(lams, U0, t, factor=2) -> np.ndarray:
    # t is dyadic, so the 60-digit Float is t exactly; e^{lam t} and the inverse are then
    # evaluated at 60 digits (far beyond float64)
    X = mf.closed_form(lams, U0, sp.Float(t, 60), factor=factor)
    return np.array(X.evalf(40).tolist(), dtype=float)


def _float(lams, U0, t, method: str) -> np.ndarray:
    Y = np.diag([float(v) for v in lams])
    return nf.closed_form(Y, np.array(U0.tolist(), dtype=float), float(t), method=method)


@pytest.mark.parametrize("seed", range(12))
def test_float_closed_form_matches_theory_at_rational_points(seed):
    lams, U0, t = _case(seed)
    exact = _exact(lams, U0, t)
    assert nf.relative_error(_float(lams, U0, t, "naive"), exact) < FLOAT_TOL
    assert nf.relative_error(_float(lams, U0, t, "mp"), exact) < MP_TOL


def test_rotated_Y_matches_theory_in_the_eigenbasis():
    # Y = Q diag(lam) Q^T with a rational rotation: X = Q X_theory(Q^T U0) Q^T
    Q = sp.Matrix([[sp.Rational(3, 5), -sp.Rational(4, 5)], [sp.Rational(4, 5), sp.Rational(3, 5)]])
    lams = [sp.Rational(5, 4), -sp.Rational(1, 2)]
    U0 = sp.Matrix([[sp.Rational(1, 8), sp.Rational(-3, 16)], [sp.Rational(1, 4), 0]])
    t = sp.Rational(3, 2)
    X = Q * mf.closed_form(lams, Q.T * U0, sp.Float(t, 60)) * Q.T
    exact = np.array(X.evalf(40).tolist(), dtype=float)
    Y = np.array((Q * sp.diag(*lams) * Q.T).tolist(), dtype=float)
    got = nf.closed_form(Y, np.array(U0.tolist(), dtype=float), float(t))
    # Y's entries are not dyadic (3/5, 4/5): their rounding adds ~eps |Y| t to the error
    assert nf.relative_error(got, exact) < FLOAT_TOL


@pytest.mark.parametrize("factor", [1, 3])
def test_a_perturbed_theory_closed_form_fails_the_parity(factor):
    failures = 0
    for seed in range(12):
        lams, U0, t = _case(seed)
        wrong = _exact(lams, U0, t, factor=factor)
        err = nf.relative_error(_float(lams, U0, t, "mp"), wrong)
        failures += err > FLOAT_TOL
    assert failures >= 10       # t > 0 and U0 != 0 in every case; t can be small in a few
