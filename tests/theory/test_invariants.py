"""Cofactor (Darboux) identities of the two-factor map, spec two_factor.md §3."""

import pytest
import sympy as sp

from theory import check_cofactor, cofactor, gd_map


@pytest.fixture(scope="module")
def F():
    return gd_map("(a*b - 1)**2/2", params="a b", step="mu")


def _quantities(F):
    a, b = F.state
    mu = F.step
    P = a * b
    e = P - 1
    lam = a**2 + b**2
    return {
        "u": (a + b, 1 - mu * e),
        "v": (a - b, 1 + mu * e),
        "Q": (a**2 - b**2, 1 - mu**2 * e**2),
        "e": (e, 1 - mu * lam + mu**2 * P * (P - 1)),
        "H": (mu * lam - mu**2 * e - 4, 1 + mu**2 * P * (P - 1)),
    }


@pytest.mark.parametrize("name", ["u", "v", "Q", "e", "H"])
def test_cofactor_identity_is_proved(F, name):
    X, K = _quantities(F)[name]
    assert check_cofactor(X, K, F)
    assert sp.expand(cofactor(X, F) - K) == 0


@pytest.mark.parametrize("name", ["u", "v", "Q", "e", "H"])
def test_wrong_cofactor_is_rejected(F, name):
    X, K = _quantities(F)[name]
    wrong = sp.expand(K) + F.step  # change one coefficient
    result = check_cofactor(X, wrong, F)
    assert not result
    assert result.residual != 0


def test_no_cofactor_for_a_non_darboux_polynomial(F):
    a, b = F.state
    assert cofactor(a + 2 * b, F) is None
    with pytest.raises(ValueError, match="zero polynomial"):
        cofactor(sp.Integer(0), F)
