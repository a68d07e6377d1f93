"""The numbers of the scan checks come from the theory: the closed form is the theory's, the
readout recursion is the theory's step, and both agree with the literal scan."""

import math

import numpy as np
import pytest
import sympy as sp

from numerics import scan
from proofs_check.claims.mamba_icl import scan_checks
from theory.models import mamba_icl as mi


def _theory_prediction(X, p, kappa, disc, prompt):
    """The theory's closed form with its own gate weights, exactly (kappa rational), at the
    float inputs read as exact rationals; 40 digits."""
    N, d = X.shape[1] - 1, X.shape[2] - 1
    S = {**mi._param_matrices(d, p.d_h), **mi._data_symbols(d, N)}
    main, nuisance = mi.closed_form_prediction(S, mi.gate_weights(N, disc))
    R = sp.Rational
    at = {mi.a: sp.exp(-kappa / N), mi.delta: kappa / N}
    for name, values in (("P", p.P), ("Q", p.Q), ("v", p.v), ("b_B", p.b_B), ("b_C", p.b_C)):
        at |= {s: R(float(v)) for s, v in zip(S[name], np.ravel(values), strict=True)}
    for i in range(N):
        at |= {s: R(float(v)) for s, v in zip(S["x"][i], X[prompt, i, :d], strict=True)}
        at[S["y"][i]] = R(float(X[prompt, i, d]))
    at |= {s: R(float(v)) for s, v in zip(S["x_q"], X[prompt, N, :d], strict=True)}
    return float((main + nuisance).xreplace(at).evalf(40))


@pytest.mark.parametrize("disc", mi.DISCRETISATIONS)
def test_closed_form_numbers_are_the_theory_closed_form(disc):
    kappa = sp.Rational(7, 10)
    X, _, _ = scan.sample_prompts(3, 2, 3, seed=5, sigma=0.5)
    p = scan.S6Params.gaussian(2, 3, scale=0.5, seed=6)
    got = scan_checks._closed_form_numeric(X, p, float(kappa), disc)
    want = [_theory_prediction(X, p, kappa, disc, k) for k in range(3)]
    # tol: float64 evaluation of ~N d d_h = 18 products of O(1) terms, each rounded (~1e-16);
    # a changed weight or a dropped nuisance term moves the value by >~ 1e-3
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_closed_form_follows_the_theory(monkeypatch):
    # a changed theory changes the catalogue's numbers: nothing is retyped
    X, _, _ = scan.sample_prompts(4, 2, 3, seed=1, sigma=0.5)
    p = scan.S6Params.gaussian(2, 3, scale=0.5, seed=2)
    true = scan_checks._closed_form_numeric(X, p, math.log(2), "zoh")
    original = mi.closed_form_prediction
    monkeypatch.setattr(mi, "closed_form_prediction",
                        lambda S, g: (original(S, g)[0], 2 * original(S, g)[1]))
    scan_checks._closed_form_fn.cache_clear()
    try:
        doubled = scan_checks._closed_form_numeric(X, p, math.log(2), "zoh")
    finally:
        scan_checks._closed_form_fn.cache_clear()
    main_only = scan_checks._closed_form_numeric(
        X, scan.S6Params.from_blocks(P=p.P, Q=p.Q), math.log(2), "zoh")
    np.testing.assert_allclose(doubled, 2 * true - main_only, rtol=1e-12)
    assert np.abs(doubled - true).max() > 1e-3


def test_scan_matches_the_closed_form_and_a_wrong_weight_does_not():
    from proofs_check.claims.mamba_icl.formulas import _I, G_I

    ok = scan_checks._scan_vs_closed("quick", 0)
    assert ok["error"] < ok["tol"]
    wrong = scan_checks._scan_vs_closed("quick", 0, g_i=G_I.xreplace({_I: _I + 1}))
    assert wrong["error"] > 1e3 * ok["tol"]


@pytest.mark.parametrize("disc", mi.DISCRETISATIONS)
def test_readout_numbers_are_the_theory_recursion(disc):
    # the claimed update evaluated in float64 by the scan check, iterated, is the theory's
    # readout_recursion (exact, at rational inputs)
    from proofs_check.claims.mamba_icl.formulas import (
        _C,
        _GX,
        _W,
        _XW,
        _Y,
        C_DISC,
        W_UPDATE,
        W_YHAT,
    )

    step = sp.lambdify((mi.a, _C, _W, _GX, _Y), W_UPDATE, "numpy")
    _, S = mi.recurrence_prediction(2, 2, 3, disc)
    rng = np.random.default_rng(3)
    at = {s: sp.Rational(int(rng.integers(-9, 10)), 4)
          for s in [*S["P"], *S["Q"], *(e for x in S["x"] for e in x), *S["y"], *S["x_q"]]}
    at |= {mi.a: sp.Rational(3, 4), mi.delta: sp.Rational(1, 3)}
    exact = [w.xreplace(at) for w in mi.readout_recursion(S, disc)]
    G = np.array((S["Q"].T * S["P"]).xreplace(at), dtype=float)
    a, cf = 0.75, float(C_DISC[disc].xreplace(at))
    w = np.zeros(2)
    for ll in range(3):
        x = np.array(S["x"][ll].xreplace(at), dtype=float).ravel()
        w = step(a, cf, w, G @ x, float(at[S["y"][ll]]))
        # tol: a few float64 roundings of O(10) numbers
        np.testing.assert_allclose(w, np.array(exact[ll + 1], dtype=float).ravel(), rtol=1e-13)
    xq_w = float((S["x_q"].T * exact[-1])[0, 0].xreplace(at))
    assert float(W_YHAT.xreplace({mi.a: at[mi.a], _XW: xq_w})) == pytest.approx(
        float(mi.readout_prediction(xq_w).xreplace({mi.a: at[mi.a]})), rel=1e-15)
    r = scan_checks._readout_vs_scan("quick", 0)
    assert r["error"] < r["tol"]
