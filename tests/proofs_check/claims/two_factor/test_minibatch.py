"""Mini-batch GD: the GD step comes from the derived Model-A map, and the per-step check sees a
change of that map."""

import math

import sympy as sp

from numerics import reference as ref
from proofs_check.claims.two_factor import minibatch


def test_gd_step_is_the_derived_one_and_matches_the_oracle():
    """The lambdified derived GD step equals the hand-typed oracle's step (parity)."""
    v, G, xq, h, yq, eta = 0.8, [[0.3, -0.1], [0.2, 0.5]], [1.0, -2.0], [0.5, 0.7], 1.3, 0.05
    v1, G1 = minibatch.model_a_gd_step()(v, G, xq, h, yq, eta)
    s = sum(xq[i] * G[i][j] * h[j] for i in range(2) for j in range(2))
    r = v * s - yq
    assert math.isclose(v1, v - eta * r * s, rel_tol=1e-15)
    # one step of the oracle gd_model_a, read back through its normalisation
    traj = ref.gd_model_a(v, G, xq, yq, [(h, 1.0)], eta, 1)
    assert all(math.isclose(p, q, rel_tol=1e-13)
               for p, q in zip(traj[1], ref.normalise_model_a(v1, G1, xq, yq, h), strict=True))


def test_per_step_uses_the_derived_map(monkeypatch):
    """Perturb the derived Model-A GD map (an extra 1e-3 on v') and the per-step check fails:
    its number comes from that map, not from a retyped gradient."""
    minibatch.model_a_gd_step.cache_clear()
    margin, _ = minibatch.per_step("quick", 0)
    assert margin > 0
    full = minibatch.model().derivation_a.full
    perturbed = type(full)(full.state, (full.update[0] + sp.Rational(1, 1000), *full.update[1:]),
                           full.params, full.assumptions, full.name)

    class Model:
        derivation_a = type("D", (), {"full": perturbed})

    monkeypatch.setattr(minibatch, "model", lambda: Model)
    minibatch.model_a_gd_step.cache_clear()
    try:
        margin, details = minibatch.per_step("quick", 0)
    finally:
        minibatch.model_a_gd_step.cache_clear()
    assert margin < 0 and details["worst_error"] > 1e-5


def test_mu_distribution_phases():
    r = minibatch.mu_distribution(0.1, 3, 10, n=2000)
    assert sorted(r["phases"]) == sorted(p[0] for p in minibatch.PHASES)
    assert abs(sum(r["phases"].values()) - 1) < 1e-12
