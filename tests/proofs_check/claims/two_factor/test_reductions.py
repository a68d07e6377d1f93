"""Full-parameter GD (the hand-typed oracles of numerics.reference) against the derived F_mu."""

import pytest

from numerics.reference import two_factor_orbit
from proofs_check.claims.two_factor import reductions


@pytest.mark.parametrize("kind", ["A", "B"])
@pytest.mark.parametrize("mu_value", [0.4, 0.95, 1.15])
def test_reduction_parity_float64(kind, mu_value):
    for d, N, m in ((2, 3, 1), (6, 12, 4)):
        assert reductions.reduction_error(kind, d, N, mu_value, 150, seed=1, width=m) < 1e-12


@pytest.mark.parametrize("kind", ["A", "B"])
def test_reduction_parity_chaotic_needs_precision(kind):
    high = reductions.reduction_error(kind, 3, 5, 1.9, 120, seed=2, width=2, dps=90)
    low = reductions.reduction_error(kind, 3, 5, 1.9, 120, seed=2, width=2, dps=None)
    assert high < 1e-12
    assert low > 1e-6  # float64 drift in the chaotic regime (why the spec needed correcting)


def test_model_b_is_F_up_to_signs_only():
    """(|U|, |V|) of Model B equal (|u|, |v|) of F_mu, not the signed (u, v)."""
    a0, b0, m = 0.2, 0.1, 1.6  # e = -0.98: 1 + mu e < 0, v changes sign under F_mu
    (p, q), = two_factor_orbit(a0, b0, m, 1)[1:]
    assert p - q < 0 < abs(p - q)


def test_reduction_check_refutes_a_wrong_map(monkeypatch):
    """Planted: if the 2-D map were F_mu at a slightly different step, the reduction check
    would refute (the check compares with the map, not with itself)."""
    true = reductions.orbit_F
    monkeypatch.setattr(reductions, "orbit_F",
                        lambda a0, b0, m, steps, high: true(a0, b0, m * 1.001, steps, high))
    margin, details = reductions.reduction_check("A")("quick", 0)
    assert margin < 0 and details["worst_error"] > 1e-6
