"""Tests of the reduced Mamba ICL derivation (theory.models.mamba_icl)."""

import pytest
import sympy as sp

from theory.models import mamba_icl as mi


def test_constants_exact_at_N_1():
    C = mi.constants(2, 1)
    assert (C["a"], C["s1"], C["s2"], C["alpha"]) == (sp.Rational(1, 2), sp.Rational(1, 4),
                                                       sp.Rational(1, 16), sp.Rational(1, 4))
    assert C["gamma_star"] == 1 and C["L_star"] == C["L_star_TF"] == sp.Rational(3, 4)
    assert C["eta_main"] == 4 and C["k2"] == sp.Rational(8 * 1 + 16, 16)


@pytest.mark.parametrize("N", [1, 2, 7, 50])
def test_s1_is_a_over_two_for_ln2(N):
    C = mi.constants(3, N)
    assert sp.simplify(C["s1"] - C["a"] / 2) == 0


def test_rho_equal_for_zoh_and_euler_and_bounded():
    for N in (3, 10):
        z, e = mi.constants(2, N, 1.5, "zoh"), mi.constants(2, N, 1.5, "euler")
        assert abs(float(z["rho"]) - float(e["rho"])) < 1e-15
        assert abs(float(z["s1"]) - float(e["s1"])) > 1e-3
        assert 1 <= float(z["n_rho"]) < 0.75 / float(sp.tanh(sp.Rational(3, 4)))
        assert abs(float(z["n_rho"]) - float(mi.n_rho_closed_form(N, sp.Rational(3, 2)))) < 1e-14


def test_gate_limits():
    lim = mi.gate_limits("euler")
    assert sp.simplify(lim["s1"] - (1 - sp.exp(-mi.kappa))) == 0
    val = lim["n_rho"].subs(mi.kappa, sp.log(2))
    assert abs(float(val) - 1.5 * float(sp.log(2))) < 1e-14


def test_closed_form_equals_recurrence():
    yhat, S = mi.recurrence_prediction(2, 2, 2, "euler")
    main, nuis = mi.closed_form_prediction(S, mi.gate_weights(2, "euler"))
    assert sp.expand(yhat - main - nuis) == 0
    # a wrong gate exponent is detected
    wrong = tuple(mi.delta * mi.a ** (1 - i) for i in range(2))  # exponent N - i: off by one
    main_w, nuis_w = mi.closed_form_prediction(S, wrong)
    assert sp.expand(yhat - main_w - nuis_w) != 0


def test_gaussian_moments():
    x, y = sp.symbols("x y")
    assert mi.gaussian_expectation(x**4, [x]) == 3
    assert mi.gaussian_expectation(x**6 * y**2, [x, y]) == 15
    assert mi.gaussian_expectation(x**3 * y, [x, y]) == 0


def test_population_loss_formula_and_spec_noise_correction():
    L, S = mi.population_loss_moments(1, 1, 2, noise=True)
    g = S["g"]
    s1, s2 = sum(g), sum(x**2 for x in g)
    A, K2, KB = mi.loss_coefficients(1, s1, s2, mi.sigma)
    assert sp.expand(L - mi.population_loss(S, 1, A=A, K2=K2, KB=KB, S1=s1)) == 0
    # the spec's noise-free constants k2 = d(d+2)(s1^2+2s2), kB = d s2 are wrong when sigma > 0
    spec = mi.population_loss(S, 1, A=A, K2=3 * (s1**2 + 2 * s2), KB=s2, S1=s1)
    assert sp.expand(L - spec) != 0
    assert sp.expand((L - spec).subs(mi.sigma, 0)) == 0


def test_reduced_map_balanced_slice_and_gamma_star():
    M = mi.model(2, 2)
    F = M.map()
    P1, Q1 = M.matrix_update()
    assert all(sp.expand(u - v) == 0 for u, v in zip(F.update, [*P1, *Q1], strict=True))
    g = mi.gamma
    target = g * (1 - mi.eta * (mi.alpha * g - mi.s1)) ** 2
    assert sp.expand(M.slice().update[0] - target) == 0
    assert M.gamma_star() == mi.s1 / mi.alpha
    assert set(M.map(("P", "Q", "v")).params) == {mi.eta, mi.alpha, mi.k2, mi.s1}


@pytest.mark.parametrize(("d", "d_h"), [(1, 1), (2, 2), (2, 3)])
def test_slice_is_the_full_maps_p00_entry(d, d_h):
    """The slice derives GD along P_00 only; it must equal the whole derived map's P_00 entry at
    P = Q = sqrt(gamma) [I; 0] (the slow route it replaces)."""
    M = mi.model(d, d_h)
    F = M.map()
    r = sp.Symbol("r", positive=True)
    Ob = sp.eye(d_h)[:, :d]
    point = dict(zip(F.state, (*(r * Ob), *(r * Ob)), strict=True))
    slow = sp.factor((F.update[0].xreplace(point) ** 2).subs(r, sp.sqrt(mi.gamma)))
    assert sp.expand(M.slice().update[0] - slow) == 0


def test_loss_is_built_on_first_use():
    M = mi.model(2, 2)
    assert "loss" not in vars(M)
    assert sp.expand(M.loss - mi.population_loss(M.S, 2)) == 0 and "loss" in vars(M)


def test_optimal_loss_and_tf():
    d = sp.Symbol("d", positive=True)
    assert sp.simplify(mi.optimal_loss(d, 1 / mi.n) - d * (d + 1) / (2 * (mi.n + d + 1))) == 0


@pytest.mark.parametrize("call,match", [
    (lambda: mi.gate_weights(0), "N must be"),
    (lambda: mi.gate_sums("rk4"), "discretisation"),
    (lambda: mi.model(0, 1), "d must be"),
    (lambda: mi.constants(2, 3, k=-1), "kappa > 0"),
    (lambda: mi.model(2, 1).slice(), "d_h >= d"),
    (lambda: mi.model(1, 1).map(("P", "W")), "unknown parameter"),
])
def test_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
