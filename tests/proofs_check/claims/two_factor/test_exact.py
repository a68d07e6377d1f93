"""Exact claims of the two-factor catalogue: every claimed expression, perturbed, is refuted; the
proof steps use the derived map; instances of a general statement only verify."""

import pytest
import sympy as sp

from proofs_check import Claim, check
from proofs_check import evidence as ev
from proofs_check.claims.two_factor import derived
from proofs_check.claims.two_factor.exact import EXACT, mutated, proved, proved_value
from proofs_check.evidence.symbolic import Identity
from theory.models import two_factor as tfm

MUTATIONS = [(cid, name) for cid, spec in EXACT.items() for name in spec.claimed()]


@pytest.mark.parametrize(("claim_id", "name"), MUTATIONS, ids=[f"{c}:{n}" for c, n in MUTATIONS])
def test_mutated_exact_claim_is_refuted(claim_id, name):
    r = mutated(claim_id, name).run("quick", 0)
    assert r.status == "refuted", (r.status, r.method)


def test_unmutated_exact_claim_is_proved():
    assert EXACT["tf.invariant.u"].evidence().run("quick", 0).status == "proved"


def test_proved_values_are_the_claimed_ones():
    assert proved("tf.slice.bounded_set")["c2"] == 1 + 2 / derived.mu
    assert float(proved_value("tf.slice.two_cycle_asymmetric", "mu_super")) == \
        pytest.approx(3 / 2**0.5 - 1, abs=1e-15)


def test_derivation_steps_mutated_are_refuted():
    st = derived.model().derivation_a.steps[1]
    bad = Identity(st.lhs, (st.rhs[0] + derived.mu, st.rhs[1]))
    assert bad.run("quick", 0).status == "refuted"


def test_general_dimension_steps_are_exact_and_a_wrong_one_is_refuted():
    steps_a, steps_b = tfm.derive_model_a_general(), tfm.derive_model_b_general()
    assert all(st.holds() for st in (*steps_a, *steps_b))
    d = next(s for s in steps_a[2].lhs[0].free_symbols if s.name == "d")
    assert d.is_integer and d.is_positive
    grad = steps_a[0]                      # dL/dGamma_ij = r v x_i h_j
    assert Identity(grad.lhs, (2 * grad.rhs[0],)).run("quick", 0).status == "refuted"
    upd = steps_a[2]                       # s' = s - eta r v |x|^2 |h|^2
    eta = next(s for s in upd.lhs[0].free_symbols if s.name == "eta")
    assert Identity(upd.lhs, (upd.rhs[0] + eta,)).run("quick", 0).status == "refuted"


def test_d2_derivation_is_the_general_one_at_d_2():
    """The general s-update at d = 2 (sums expanded, indexed entries renamed) is the explicit
    d = 2 derivation's s', and the general identity holds there entry by entry."""
    upd = tfm.derive_model_a_general()[2]
    d = next(s for s in upd.lhs[0].free_symbols if s.name == "d")
    lhs2 = upd.lhs[0].xreplace({d: 2}).doit()
    assert sp.expand(lhs2 - upd.rhs[0].xreplace({d: 2}).doit()) == 0
    names = {"x_q": "xq{}", "h": "h{}", "Gamma": "G{}{}"}
    explicit = lhs2.replace(lambda e: isinstance(e, sp.Indexed),
                            lambda e: sp.Symbol(names[str(e.base)].format(*e.indices),
                                                real=True))
    s_new_d2 = derived.model().derivation_a.steps[1].lhs[1]      # explicit s' at d = 2
    assert explicit.free_symbols == s_new_d2.free_symbols
    assert sp.expand(explicit - s_new_d2) == 0


def test_invariant_density_wrong_density_is_refuted():
    uniform = sp.pi / (2 * derived.SQRT2)      # pi * 1/(2 sqrt2): the uniform density
    r = EXACT["tf.slice.invariant_density"].evidence({"pi_rho": uniform}).run("quick", 0)
    assert r.status == "refuted"


def test_cycle_product_needs_the_induction():
    """Checked at periods 1 and 2 only, the cycle product is verified, not proved."""
    a, mu = derived.a, derived.mu
    g = derived.g_expr()
    f = proved("tf.transverse.cycle_product")["factor"]
    m = derived.diagonal_multiplier()
    inst = ev.argument([ev.identity(f, m * g / a),
                        ev.identity(f * f.xreplace({a: g}),
                                    m * m.xreplace({a: g}) * g.xreplace({a: g}) / a)],
                       "periods 1 and 2", at={"n": (1, 2)})
    claim = Claim(id="x.cycle", statement="every n", forall={"n": "every n >= 1"},
                  evidence=[inst])
    r = check(claim, "quick", 0)
    assert (r.status, r.scope) == ("verified", "exact at n in {1, 2}")
    assert sp.expand(f - (1 - mu**2 * (a**2 - 1) ** 2)) == 0


def test_fixed_set_identity_tells_a_wrong_map_apart():
    """|F(p) - p|^2 = mu^2 (ab-1)^2 (a^2+b^2) fails for a map with an extra fixed point."""
    a, b, mu = derived.a, derived.b, derived.mu
    res = sp.Matrix([-mu * b * (a * b - 1) * (a - 2), -mu * a * (a * b - 1)])
    r = Identity(res.dot(res), mu**2 * (a * b - 1) ** 2 * (a**2 + b**2)).run("quick", 0)
    assert r.status == "refuted"
