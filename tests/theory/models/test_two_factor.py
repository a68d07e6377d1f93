"""The two-factor model is derived (not typed) and reduces full-parameter GD exactly."""

import mpmath
import pytest
import sympy as sp

from numerics.reference import two_factor_orbit
from theory import gd_map
from theory.models import two_factor as tfm


@pytest.fixture(scope="module")
def tf():
    return tfm.model()


def test_derived_map_equals_literal_F_mu(tf):
    a, b, mu = tf.a, tf.b, tf.mu
    literal = (a - mu * b * (a * b - 1), b - mu * a * (a * b - 1))
    assert tf.map.name == "two-factor"
    for got, want in zip(tf.map.update, literal, strict=True):
        assert sp.expand(got - want) == 0
    ref = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    assert all(sp.expand(p - q) == 0 for p, q in zip(tf.map.update, ref.update, strict=True))


def test_a_wrong_literal_map_is_told_apart(tf):
    a, b, mu = tf.a, tf.b, tf.mu
    wrong = a - mu * b * (a * b - 1) + mu**2 * a
    assert sp.expand(tf.map.update[0] - wrong) != 0


def test_every_derivation_step_holds(tf):
    assert tf.derivation_a.all_hold()
    assert tf.derivation_b.all_hold()
    assert len(tf.derivation_a.steps) >= 5 and len(tf.derivation_b.steps) >= 4


def test_a_perturbed_step_fails(tf):
    st = tf.derivation_a.steps[0]
    bad = tfm.Step(st.statement, st.lhs, tuple(2 * r for r in st.rhs))
    assert not bad.holds()


def test_slices_and_quantities(tf):
    a, mu = tf.a, tf.mu
    assert sp.expand(tf.slice("balanced").update[0] - ((1 + mu) * a - mu * a**3)) == 0
    assert sp.expand(tf.slice("anti-balanced").update[0] - ((1 - mu) * a - mu * a**3)) == 0
    with pytest.raises(ValueError, match="slice"):
        tf.slice("diagonal")
    q = tf.quantities()
    assert set(q) == {"P", "e", "lambda", "Q", "H", "R", "u", "v"}
    assert sp.simplify(q["H"] - (4 - mu**2) * (q["R"] - 1)) == 0


def test_mu_of_and_context_forms():
    ctx_pairs = [([3.0, 4.0], 2.0), ([0.0, 0.0], 1.0)]
    ctx_xy = ([[3.0, 4.0], [0.0, 0.0]], [2.0, 1.0])
    m1 = tfm.mu_of(0.5, [1.0, 0.0], -2.0, ctx_pairs)
    m2 = tfm.mu_of(0.5, [1.0, 0.0], -2.0, ctx_xy)
    assert m1 == m2 == pytest.approx(0.5 * 2.0 * 1.0 * 5.0)


@pytest.mark.parametrize("kind", ["A", "B"])
@pytest.mark.parametrize("mu_value", [0.4, 0.95, 1.15])
def test_reduction_parity_float64(kind, mu_value):
    from proofs_check.claims.two_factor import reduction_error

    for d, N, m in ((2, 3, 1), (6, 12, 4)):
        assert reduction_error(kind, d, N, mu_value, 150, seed=1, width=m) < 1e-12


@pytest.mark.parametrize("kind", ["A", "B"])
def test_reduction_parity_chaotic_needs_precision(kind):
    from proofs_check.claims.two_factor import reduction_error

    high = reduction_error(kind, 3, 5, 1.9, 120, seed=2, width=2, dps=90)
    low = reduction_error(kind, 3, 5, 1.9, 120, seed=2, width=2, dps=None)
    assert high < 1e-12
    assert low > 1e-6  # float64 drift in the chaotic regime (why the spec needed correcting)


def test_model_b_is_F_up_to_signs_only():
    """(|U|, |V|) of Model B equal (|u|, |v|) of F_mu, not the signed (u, v)."""
    a0, b0, m = 0.2, 0.1, 1.6  # e = -0.98: 1 + mu e < 0, v changes sign under F_mu
    (p, q), = two_factor_orbit(a0, b0, m, 1)[1:]
    assert p - q < 0 < abs(p - q)


def test_gd_helpers_work_in_mpmath():
    with mpmath.workdps(40):
        one = mpmath.mpf(1)
        traj = tfm.gd_model_a(one, [[one / 2, 0 * one], [0 * one, one / 2]], [one, 0 * one], one,
                              [([one, 0 * one], one)], one / 10, 3)
        ref = two_factor_orbit(*traj[0], one / 10, 3)
        assert max(abs(x - y) for p, r in zip(traj, ref, strict=True)
                   for x, y in zip(p, r, strict=True)) < mpmath.mpf(10) ** -35
