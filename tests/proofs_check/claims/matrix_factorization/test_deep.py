"""Depth N: planted errors in the symbolic-depth steps are refuted, and the layer-wise GD check
iterates theory's derived map with theory's threshold (perturbing either fails the check)."""

import dataclasses

import numpy as np
import pytest
import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claims.matrix_factorization import deep
from theory.gd import gd_map
from theory.models import matrix_factorization as mf


def _run(e):
    return e.run("quick", 0).status


def test_depth_N_general_steps_reject_wrong_formulas():
    g = mf.deep_general()
    N, m, lam, w = g.N, g.m, g.lam, g.w
    assert _run(ev.identity(g.x_rhs, N * (w**N) ** (2 - 1 / N) * (lam - w**N))) == "refuted"
    assert _run(ev.identity(g.jac_diag, 1 - mf.eta_sym * m ** (2 * N - 1))) == "refuted"
    assert _run(ev.identity(g.threshold.subs(lam, m**N), 1 / (N * m ** (2 * N - 2)))) == \
        "refuted"
    assert _run(ev.identity(sp.diff(g.antiderivative, w), 1 / (lam * w**N))) == "refuted"
    # the remainder bound needs x = w^N <= lam/2: without it (lam = x + e) it is false
    x, e = sp.symbols("x e", nonnegative=True)
    assert _run(ev.positivity(2 / lam**2 - 1 / (lam * (lam - x)), substitute={lam: x + e},
                              strict=False)) == "refuted"
    # the determinant lemma with a wrong multiplicity
    z, c = sp.Symbol("z"), g.c
    assert _run(ev.identity((z - 1) ** N * (1 + c * N / (z - 1)),
                            (z - 1) ** N * (z - 1 + c * N))) == "refuted"


def test_layer_gd_fns_is_the_layer_wise_gradient_step():
    rng = np.random.default_rng(0)
    for N in (2, 3, 4, 5):
        step, thr = deep.layer_gd_fns(N)
        w, eta, lam = rng.uniform(0.5, 1.5, N), 0.1, 1.3
        prod = np.prod(w)
        # oracle: dL/dw_j = (prod w - lam) prod_{i != j} w_i for L = (prod w - lam)^2/2
        want = w - eta * (prod - lam) * np.array([np.prod(np.delete(w, j)) for j in range(N)])
        assert np.allclose(step(w, eta, lam), want, rtol=1e-14, atol=0)
        assert thr(lam) == pytest.approx(2 / (N * lam ** (2 - 2 / N)), rel=1e-14)


@pytest.fixture
def clear_layer_cache():
    deep.layer_gd_fns.cache_clear()
    yield
    deep.layer_gd_fns.cache_clear()


@pytest.mark.parametrize("part", ["map", "threshold"])
def test_dmf_gd_check_uses_theorys_map_and_threshold(monkeypatch, clear_layer_cache, part):
    assert deep.dmf_gd_check("quick", 0)[0] == 0.0
    real = mf.deep_aligned

    def perturbed(N):
        d = real(N)
        if part == "map":     # the loss scaled by 1.1: the step is effectively 1.1 eta
            return dataclasses.replace(d, gd=gd_map(sp.Rational(11, 10) * d.gd.loss, d.w,
                                                    step=mf.eta_sym, constants=(d.lam,)))
        return dataclasses.replace(d, threshold=sp.Rational(6, 5) * d.threshold)

    monkeypatch.setattr(mf, "deep_aligned", perturbed)
    deep.layer_gd_fns.cache_clear()
    margin, info = deep.dmf_gd_check("quick", 0)
    assert margin < 0 and info["worst_at"] is not None
