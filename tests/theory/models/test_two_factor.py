"""The two-factor model is derived (not typed) and reduces full-parameter GD exactly.

Its float/mpmath oracles (full-parameter GD, the effective step) are tested against these
derivations in tests/numerics/test_reference.py."""

import pytest
import sympy as sp

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


def test_mu_of_is_exact_and_reads_both_context_forms():
    import sympy as sp

    half = sp.Rational(1, 2)
    pairs = [([3, 4], 2), ([0, 0], 1)]
    xy = ([[3, 4], [0, 0]], [2, 1])
    # h = (1/2)(2 (3, 4) + 1 (0, 0)) = (3, 4), |h| = 5; |x_q| = 1, |y_q| = 2
    assert tfm.mu_of(half, [1, 0], -2, pairs) == tfm.mu_of(half, [1, 0], -2, xy) == 5
    assert tfm.model().mu_of(half, [1, 0], -2, pairs) == 5
    with pytest.raises(ValueError, match="context"):
        tfm.mu_of(half, [1, 0], -2, [])
