"""gd_map, gradient_flow, sharpness and the edge-of-stability condition."""

import sympy as sp

from theory import edge_of_stability, gd_map, gradient_flow, sharpness
from theory.invariants import cofactor


def test_two_factor_map_is_derived_exactly():
    F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    a, b = F.state
    mu = F.step
    expected = (a - mu * b * (a * b - 1), b - mu * a * (a * b - 1))
    assert all(sp.expand(u - v) == 0 for u, v in zip(F.update, expected, strict=True))
    assert F.params == (mu,)
    assert mu.is_positive


def test_edge_of_stability_on_hyperbola():
    F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    a, b = F.state
    (eos,) = edge_of_stability(F)
    assert sp.expand(eos.sharpness - (a**2 + b**2)) == 0
    assert eos.condition == sp.StrictLessThan(F.step * (a**2 + b**2), 2)
    assert sharpness(F.loss, F.state, eos.family) == (0, a**2 + b**2)


def test_gradient_flow_conserves_imbalance_but_gd_does_not():
    flow = gradient_flow("(a*b - 1)**2/2", params="a b")
    a, b = flow.state
    assert flow.conserved(a**2 - b**2)
    assert not flow.conserved(a**2 + b**2)
    F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    a, b = F.state
    e = a * b - 1
    K = cofactor(a**2 - b**2, F)
    assert sp.expand(K - (1 - F.step**2 * e**2)) == 0
    assert K != 1


def test_constants_become_parameters_after_the_step():
    F = gd_map("lam*x**2/2", params="x", step="eta", constants="lam")
    assert [p.name for p in F.params] == ["eta", "lam"]
    (x,) = F.state
    eta, lam = F.params
    assert sp.expand(F.update[0] - (x - eta * lam * x)) == 0
