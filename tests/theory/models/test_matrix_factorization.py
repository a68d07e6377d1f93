"""Exact derivations for matrix factorization: Riccati, closed form (and a mutated one), aligned
logistic, the GD 2-cycle, depth-N."""

import pytest
import sympy as sp

from theory.models import matrix_factorization as mf


def test_flow_and_riccati():
    m = mf.model(2, 3)
    assert (m.field - (m.Y - m.X) * m.U).applyfunc(sp.expand).is_zero_matrix
    assert mf.riccati_residual(3, 2).is_zero_matrix


def test_closed_form_residual_zero_and_mutation_nonzero():
    for n, r in ((1, 2), (2, 2), (3, 1), (2, 4)):
        assert all(p == 0 for p in mf.closed_form_residual(n, r))
    assert any(p != 0 for p in mf.closed_form_residual(2, 2, factor=1))
    assert any(p != 0 for p in mf.closed_form_residual(1, 1, factor=3))


def test_inverse_form_and_singular_Y():
    l0 = sp.Symbol("l0", real=True)
    assert all(sp.expand(sp.numer(e)) == 0 for e in mf.inverse_form_residual((l0, 0)))
    assert all(sp.expand(sp.numer(e)) == 0 for e in mf.forms_agree_residual((l0,)))
    a = mf.alpha_sym
    assert sp.simplify(mf.closed_form([0], sp.Matrix([[a]]))[0, 0] - mf.aligned_logistic(0)) == 0


def test_aligned_logistic_and_times():
    lam = sp.Symbol("lambda", positive=True)
    s = mf.aligned_logistic(lam)
    assert sp.simplify(s.subs(mf.t_sym, mf.aligned_half_time(lam)) - lam / 2) == 0
    assert sp.simplify(sp.diff(s, mf.t_sym) - 2 * s * (lam - s)) == 0
    # a wrong half time (factor 2 dropped) is not a root
    wrong = sp.log(lam / mf.alpha_sym**2 - 1) / lam
    assert sp.simplify(s.subs(mf.t_sym, wrong) - lam / 2) != 0


def test_gram_ratios():
    assert mf.gram_ratios(sp.eye(3)) == [1, 1, 1]
    assert mf.gram_ratios(sp.Matrix([[1, 0], [1, 1], [0, 1]])) == [1, 1, 0]


def test_two_cycle():
    cyc = mf.two_cycle()
    c = cyc.c
    assert sp.expand(cyc.multiplier - (7 - 4 * c - 2 * c**2)) == 0
    assert cyc.stable == sp.Interval.open(1, sp.sqrt(5) - 1)
    s1, s2 = (v.subs(c, sp.Rational(6, 5)) for v in cyc.s_values)
    f = lambda s: s * (1 + c - c * s) ** 2  # noqa: E731
    assert abs(float(f(s1).subs(c, sp.Rational(6, 5)) - s2)) < 1e-14
    assert float(s1) < 1 < float(s2)


def test_scalar_sharpness_and_deep():
    assert mf.scalar_hessian_at_minimum() == 2 * sp.Symbol("lambda", positive=True)
    d = mf.deep_aligned(4)
    assert sp.simplify(d.x_rhs - d.claimed_rhs) == 0
    eta = mf.eta_sym
    assert d.jacobian_eigs == {1: 3, sp.expand(1 - 4 * eta * d.lam ** sp.Rational(3, 2)): 1}


def test_nc_evaluate_multiplies_in_order_and_reads_scalars_as_identities():
    U, Ut, Y = mf.nc_symbols("U U^T Y")
    Um = sp.Matrix([[1, 2, 0], [sp.Rational(1, 3), -1, 4]])
    Ym = sp.Matrix([[2, sp.Rational(1, 2)], [sp.Rational(1, 2), -3]])
    X = Um * Um.T
    env = {U: Um, Ut: Um.T, Y: Ym}
    # the Riccati right-hand side as stated in the free algebra vs explicit matrices
    rhs = Y * U * Ut + U * Ut * Y - 2 * (U * Ut) ** 2
    assert mf.nc_evaluate(rhs, env) == mf.riccati_rhs(X, Ym)
    # order matters (YX != XY here), and 3 + YX has 3 I
    assert mf.nc_evaluate(Y * U * Ut, env) != mf.nc_evaluate(U * Ut * Y, env)
    assert mf.nc_evaluate(3 + Y * U * Ut, env) == 3 * sp.eye(2) + Ym * X
    with pytest.raises(ValueError, match="cannot evaluate"):
        mf.nc_evaluate(U ** sp.Rational(1, 2), env)


def test_loss_hessian_is_the_hessian_of_the_models_loss():
    for n, r in ((1, 2), (2, 2), (2, 3)):
        m = mf.model(n, r)
        U, Y, H = mf.loss_hessian(n, r)
        assert list(U) == list(m.U) and Y == m.Y
        assert (H - sp.hessian(m.loss, list(m.U))).applyfunc(sp.expand).is_zero_matrix
    # at a minimiser U U^T = Y the Hessian is the quadratic form 1/2 |U V^T + V U^T|^2:
    # for n = r = 1, L = (u^2 - y)^2/4 and L''(u) = 3u^2 - y = 2y at u^2 = y
    U, Y, H = mf.loss_hessian(1, 1)
    assert sp.expand(H[0, 0].subs({U[0, 0]: 3, Y[0, 0]: 9})) == 18
