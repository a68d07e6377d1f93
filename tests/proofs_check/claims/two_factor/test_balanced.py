"""Exponents on the balanced slice at exactly known attractors."""

import math

import numpy as np

from proofs_check.claims.two_factor import balanced


def test_slice_exponents_on_exact_cycles():
    """Transverse and Lyapunov exponents of the balanced slice at exactly known attractors: the
    fixed point a = 1 (mu = 0.3: multipliers 1 and 1 - 2mu) and the asymmetric 2-cycle
    (mu = 1.2: transverse 3 - 2mu, tangential 9 - 2(1 + mu)^2 per period)."""
    m = np.array([0.3, 1.2])
    te = balanced.transverse_exponent_balanced(m, 2000, 20000)
    ly = balanced.lyapunov_balanced(m, 2000, 20000)
    assert abs(te[0]) < 1e-12
    assert abs(te[1] - math.log(3 - 2 * 1.2) / 2) < 1e-10
    assert abs(ly[0] - math.log(1 - 2 * 0.3)) < 1e-10
    assert abs(ly[1] - math.log(abs(9 - 2 * 2.2**2)) / 2) < 1e-10


def test_escape_check_fails_for_a_wrong_threshold():
    """Planted: claiming escape above 1.9 (where [-c, c] is still invariant) is refuted: the
    starts just above 1.9 stay bounded."""
    margin, details = balanced.escape_check(1.9)("quick", 0)
    assert margin < 0 and details["value"] < 0.5
