"""Closed form vs ODE, long-time accuracy, learning times, batched GD, depth-N times."""

import math

import numpy as np
import pytest
import sympy as sp

from numerics import factorization as nf
from theory.models import matrix_factorization as mf


def _case(rng, n, r):
    A = rng.standard_normal((n, n))
    return (A + A.T) / 2, rng.standard_normal((n, r)) / math.sqrt(r), 10 ** rng.uniform(-3, -1)


def test_closed_form_matches_ode_random_cases():
    rng = np.random.default_rng(7)
    worst = 0.0
    for n in range(1, 6):
        for r in sorted({1, n, n + 2}):
            Y, B, a = _case(rng, n, r)
            lam1 = max(float(np.linalg.eigvalsh(Y).max()), 0.2)
            ts = [1.0 / lam1, 30.0 / lam1]          # the second is beyond float64 (e^60)
            Xo = nf.ode_reference(Y, a * B, ts)
            for i, t in enumerate(ts):
                worst = max(worst, nf.relative_error(nf.closed_form(Y, a * B, t), Xo[i]))
    assert worst < 1e-9


def test_naive_float64_fails_at_long_times_auto_does_not():
    rng = np.random.default_rng(3)
    Y = np.diag([3.0, 1.0, -0.5])
    U0 = 1e-3 * rng.standard_normal((3, 3))
    t = 20.0
    Xo = nf.ode_reference(Y, U0, [t])[0]
    naive = nf.closed_form(Y, U0, t, method="naive")
    err_naive = nf.relative_error(naive, Xo)
    assert not (err_naive < 1e-6)          # wrong or nan
    assert nf.relative_error(nf.closed_form(Y, U0, t), Xo) < 1e-9


def test_multiprecision_raises_its_precision_until_the_balls_are_narrow():
    # Y = diag(1, 0, -1) at t = 1469: the entries span 10^-1278 .. 1 and cond(P) ~ 10^1276; the
    # estimate asks 1310 digits. Started far too low, the evaluation must climb to the same floats
    # or refuse; never return what a too-wide ball says.
    rng = np.random.default_rng(0)
    Y, U0, t = np.diag([1.0, 0.0, -1.0]), 0.1 * rng.standard_normal((3, 3)), 1469.0
    right = nf.closed_form(Y, U0, t)
    assert np.isfinite(right).all() and abs(right[0, 0] - 1.0) < 1e-12
    lam, Q = nf._eig_desc(Y)
    C = Q.T @ U0
    need = nf.closed_form_dps(lam, C, t)
    assert np.array_equal(nf._closed_form_mp(lam, Q, C, t, need // 3), right)  # two doublings
    with pytest.raises(ArithmeticError, match="not resolved"):
        nf._closed_form_mp(lam, Q, C, t, need // 40)  # 16x is still too few digits


def test_multiprecision_leaves_flints_precision_as_it_found_it():
    # interval evidence sets flint.ctx.prec in bits; a dps round trip turned 128 into 130
    import flint

    saved = flint.ctx.prec
    try:
        for bits in (128, 200):
            flint.ctx.prec = bits
            nf.closed_form(np.diag([4.0, 2.0, 1.0]), 1e-4 * np.eye(3), 30.0, method="mp")
            assert flint.ctx.prec == bits
    finally:
        flint.ctx.prec = saved


def test_mutated_closed_form_is_far_from_ode():
    # factor 2 dropped from the integral term: evaluate the mutation symbolically at a point
    lam = [sp.Rational(2), sp.Rational(1, 2)]
    B = sp.Matrix([[sp.Rational(1, 10), 0], [sp.Rational(1, 20), sp.Rational(1, 10)]])
    Y = np.diag([2.0, 0.5])
    Xo = nf.ode_reference(Y, np.array(B, dtype=float), [3.0])[0]
    good = np.array(mf.closed_form(lam, B, sp.Integer(3)).evalf(30), dtype=float)
    bad = np.array(mf.closed_form(lam, B, sp.Integer(3), factor=1).evalf(30), dtype=float)
    assert nf.relative_error(good, Xo) < 1e-10
    assert nf.relative_error(bad, Xo) > 1e-2


def test_aligned_learning_times_exact():
    lt = nf.learning_times(np.diag([4.0, 2.0, 1.0]), np.eye(3), 1e-4)
    exact = np.log(np.array([4.0, 2.0, 1.0]) / 1e-8 - 1) / (2 * np.array([4.0, 2.0, 1.0]))
    assert np.abs(lt.exact - exact).max() < 1e-10
    # a wrong learning time (factor 2 dropped) is far off
    assert np.abs(lt.exact - 2 * exact).min() > 1.0


@pytest.mark.parametrize("kind", ["aligned", "generic", "under", "over"])
def test_learning_time_error_shrinks(kind):
    rng = np.random.default_rng(1)
    r = {"aligned": 3, "generic": 3, "under": 2, "over": 5}[kind]
    B = np.eye(3) if kind == "aligned" else rng.standard_normal((3, r)) / math.sqrt(r)
    errs = []
    for a in (1e-2, 1e-4, 1e-6):
        lt = nf.learning_times(np.diag([4.0, 2.0, 1.0]), B, a)
        assert lt.learned == min(r, 3)
        errs.append(float(np.nanmax(np.abs(lt.error))))
        assert np.all(np.diff(lt.exact[np.isfinite(lt.exact)]) > 0)   # learning order
    assert errs[0] > 10 * errs[1] > 100 * errs[2]


def test_gram_ratios_match_exact():
    C = np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]])
    exact = [float(v) for v in mf.gram_ratios(sp.Matrix(C).applyfunc(sp.nsimplify))]
    assert np.allclose(nf.gram_ratios(C), exact, rtol=1e-12, atol=1e-14)


def test_gd_run_matches_derived_map():
    F = mf.model(2, 3).gd
    rng = np.random.default_rng(0)
    A = rng.standard_normal((2, 2))
    Y = (A + A.T) / 2
    U = rng.standard_normal((2, 3))
    eta = 0.05
    sub = {s: v for s, v in zip(F.state, U.ravel(), strict=True)}
    sub.update({F.params[0]: eta})
    sub.update({sp.Symbol(f"y_{i}_{j}", real=True): Y[i, j] for i in range(2) for j in range(i, 2)})
    expected = np.array([float(u.subs(sub)) for u in F.update]).reshape(2, 3)
    run = nf.gd_run(Y, U[None], eta, 1)
    assert np.allclose(run.U[0], expected, rtol=1e-13, atol=1e-14)


def test_gd_half_steps_and_divergence():
    Y = np.diag([1.0, 0.5])
    run = nf.gd_run(Y, 1e-3 * np.eye(2)[None], 0.1, 400)
    hs = run.half_steps(np.array([1.0, 0.5]))[0]
    pred = np.log(np.array([1.0, 0.5]) / 1e-6) / (2 * np.log(1 + 0.1 * np.array([1.0, 0.5])))
    assert np.all(np.abs(hs - pred) <= 1)
    big = nf.gd_run(Y, 10 * np.eye(2)[None], 1.0, 50)
    assert big.diverged[0] and np.isnan(big.loss[0, -1])


def test_deep_half_time_quadrature_vs_ode():
    for N in (2, 3, 4):
        assert abs(nf.deep_half_time(N, 1.5, 0.2) - nf.deep_half_time_ode(N, 1.5, 0.2)) < 1e-8


def test_bad_input():
    with pytest.raises(ValueError, match="symmetric"):
        nf.closed_form(np.array([[1.0, 2.0], [0.0, 1.0]]), np.eye(2), 1.0)
    with pytest.raises(ValueError, match="t must"):
        nf.closed_form(np.eye(2), np.eye(2), -1.0)
    with pytest.raises(ValueError, match="alpha"):
        nf.learning_times(np.eye(2), np.eye(2), 0.0)
