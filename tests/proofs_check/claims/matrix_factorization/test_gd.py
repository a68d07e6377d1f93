"""Gradient descent on the factorization: planted errors in the exact steps are refuted, and the
numbers of the GD checks come from theory's derived maps (a perturbed map changes them: the
check fails) and Hessian (parity with an independent second derivative of the loss)."""

import numpy as np
import pytest
import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claims.matrix_factorization import gd
from theory.gd import gd_map
from theory.models import matrix_factorization as mf


def _run(e):
    return e.run("quick", 0).status


def test_wrong_two_cycle_multiplier_is_refuted():
    c = sp.Symbol("c", positive=True)
    step = ev.identity(mf.two_cycle().multiplier, 7 - 4 * c - c**2, description="wrong")
    assert _run(ev.argument(lambda: [step], "mutated multiplier")) == "refuted"
    cyc = mf.two_cycle()
    s_lo = cyc.s_values[0]
    assert _run(ev.identity(s_lo * (1 + cyc.c - cyc.c * s_lo) ** 2, s_lo)) == "refuted"


def test_sharpness_steps_reject_wrong_spectrum_and_order():
    _, _, cp, _, z, m1, m2 = gd.sharpness_case(2, 2)
    wrong = z * (z - 2 * m1**2) ** 2 * (z - m1**2 - m2**2)
    assert _run(ev.identity(cp, sp.expand(wrong))) == "refuted"
    # 2 m1^2 >= m1^2 + m2^2 needs m1 >= m2
    assert _run(ev.positivity(m1**2 - m2**2, strict=False)) == "refuted"


def test_two_cycle_check_iterates_theorys_scalar_map(monkeypatch):
    assert gd.two_cycle_check("quick", 0)[0] > 0

    def perturbed():   # the loss scaled by 1.1: the step is effectively 1.1 eta
        u, lam = sp.Symbol("u", real=True), sp.Symbol("lambda", positive=True)
        return gd_map(sp.Rational(11, 10) * (u**2 - lam) ** 2 / 4, (u,), step=mf.eta_sym,
                      constants=(lam,))

    monkeypatch.setattr(mf, "scalar_gd", perturbed)
    assert gd.two_cycle_check("quick", 0)[0] < 0


def test_loss_hessian_fn_matches_an_independent_second_derivative():
    # d^2/ds dt L(U + sV + tW) at 0 = 1/2 <A_V, A_W> + <R, V W^T>, A_V = U V^T + V U^T,
    # R = U U^T - Y; compared at random points (not minimisers), sizes up to 3 x 4
    rng = np.random.default_rng(1)
    for n, r in ((1, 1), (2, 3), (3, 2), (3, 4)):
        U = rng.standard_normal((n, r))
        A = rng.standard_normal((n, n))
        Y = (A + A.T) / 2
        R = U @ U.T - Y
        E = np.eye(n * r)
        want = np.empty((n * r, n * r))
        for i in range(n * r):
            for j in range(n * r):
                V, W = E[i].reshape(n, r), E[j].reshape(n, r)
                want[i, j] = 0.5 * np.sum((U @ V.T + V @ U.T) * (U @ W.T + W @ U.T)) \
                    + np.sum(R * (V @ W.T))
        got = gd.loss_hessian_fn(n, r)(U, Y)
        # float evaluation of polynomials of degree 2 in entries of size ~1: ~1e-15 relative
        assert np.abs(got - want).max() <= 1e-12 * max(1.0, np.abs(want).max())


@pytest.fixture
def clear_hessian_cache():
    gd.loss_hessian_fn.cache_clear()
    yield
    gd.loss_hessian_fn.cache_clear()


def test_sharpness_check_uses_theorys_hessian(monkeypatch, clear_hessian_cache):
    assert gd.gd_sharpness_check("quick", 0)[0] > 0
    real = mf.loss_hessian

    def perturbed(n, r):
        U, Y, H = real(n, r)
        return U, Y, H * sp.Rational(101, 100)

    monkeypatch.setattr(mf, "loss_hessian", perturbed)
    gd.loss_hessian_fn.cache_clear()
    margin, info = gd.gd_sharpness_check("quick", 0)
    assert margin < 0 and info["worst_error"] > 1e-3


def test_half_step_check_predicts_with_theorys_formula(monkeypatch):
    gd.predicted_gd_step_fn.cache_clear()
    real = mf.predicted_gd_step

    def perturbed(lam, rho, alpha=mf.alpha_sym, eta=mf.eta_sym):
        return sp.Rational(11, 10) * real(lam, rho, alpha, eta)

    try:
        assert gd.gd_half_step_check("quick", 0)[0] > 0
        monkeypatch.setattr(mf, "predicted_gd_step", perturbed)
        gd.predicted_gd_step_fn.cache_clear()
        margin, info = gd.gd_half_step_check("quick", 0)
        assert margin < 0 and info["worst_error"] > 1.0
    finally:
        gd.predicted_gd_step_fn.cache_clear()
