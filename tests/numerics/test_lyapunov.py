"""Lyapunov exponents against exact values."""

import numpy as np
import pytest
import sympy as sp

from numerics import compile_map, lyapunov, periodic_orbits, transverse_exponent
from theory import SymbolicMap


def test_cubic_at_mu_2_has_exponent_log_3(cubic):
    # g(a) = 3a - 2a^3 is conjugate to the Chebyshev map -T3: exponent log 3 for a.e. start
    starts = np.linspace(0.05, 1.35, 64)
    le = lyapunov(cubic, None, None, x0=starts, steps=100_000, other_params={"mu": 2.0})
    assert not le.diverged.any()
    assert abs(le.exponents.mean() - np.log(3.0)) < 1e-3


@pytest.mark.parametrize("mu", [0.1, 0.45, 0.5 + 1e-3, 0.8, 0.99])
def test_cubic_stable_fixed_point_exponent(cubic, mu):
    le = lyapunov(cubic, "mu", [mu], x0=0.9, steps=5000, transient=5000)
    assert abs(le.exponents[0] - np.log(abs(1 - 2 * mu))) < 1e-6


def test_linear_diagonal_map_spectrum():
    x, y, p1, p2 = sp.symbols("x y p1 p2")
    K = compile_map(SymbolicMap((x, y), (p1 * x, p2 * y), params=(p1, p2), name="diag"))
    p1s = np.array([1.5, 0.9, 1.02, 0.3])
    p2s = np.array([0.5, 0.2, 1.01, 0.7])
    le = lyapunov(K, "p1", p1s, x0=(1e-3, 1e-3), steps=50, transient=0, spectrum=True,
                  other_params={"p2": p2s})
    expected = np.sort(np.log(np.stack([p1s, p2s], axis=1)), axis=1)[:, ::-1]
    np.testing.assert_allclose(le.exponents, expected, rtol=0, atol=1e-8)
    top = lyapunov(K, "p1", p1s, x0=(1e-3, 1e-3), steps=3000, transient=0,
                   other_params={"p2": p2s})
    np.testing.assert_allclose(top.exponents, expected[:, 0], rtol=0, atol=1e-2)


def test_spectrum_of_two_factor_sums_to_log_det(two_factor, two_factor_map):
    # sum of exponents = mean log|det J| along the orbit, whatever the orbit
    le = lyapunov(two_factor, "mu", [0.3], x0=(1.7, 0.2), steps=400, transient=0, spectrum=True)
    det = sp.lambdify((*two_factor_map.state, *two_factor_map.params),
                      two_factor_map.jacobian().det())
    run = two_factor.iterate([1.7, 0.2], {"mu": 0.3}, steps=400, record=400)
    pts = np.vstack([[1.7, 0.2], run.trajectory[0, :-1]])
    expected = np.mean([np.log(abs(det(*p, 0.3))) for p in pts])
    assert abs(le.exponents[0].sum() - expected) < 1e-10


def test_diverging_orbits_do_not_leak_nan(square):
    le = lyapunov(square, None, None, x0=[[10.0], [1.0], [0.5]], steps=100, transient=0)
    assert le.diverged.tolist() == [True, False, False]
    assert not np.isnan(le.exponents).any()
    assert abs(le.exponents[1] - np.log(2.0)) < 1e-14
    assert le.exponents[2] == -np.inf             # superattracting 0 (reached by underflow)
    assert le.steps_used[0] == 2                  # 10 -> 1e2 -> 1e4 (-> 1e8 beyond)
    assert abs(le.exponents[0] - np.mean(np.log([20.0, 200.0]))) < 1e-12


def test_transverse_exponent_of_the_balanced_line(two_factor_map, cubic_map):
    # on a = b the transverse factor is 1 + mu (a^2 - 1); the orbit from (0.9, 0.9) at
    # mu = 1.2 settles on the stable 2-cycle of the cubic slice: the exponent is the mean of
    # log|1 + mu (a_i^2 - 1)| over its two points
    mu = 1.2
    te = transverse_exponent(two_factor_map, (1, -1), "mu", [mu], x0=(0.9, 0.9), steps=4000)
    [cycle] = [o for o in periodic_orbits(cubic_map, 2, {"mu": mu}) if o.points[0, 0] > 0]
    a = cycle.points[:, 0]
    expected = np.mean(np.log(np.abs(1 + mu * (a**2 - 1))))
    assert abs(te.exponents[0] - expected) < 1e-10
    with pytest.raises(ValueError, match="normal"):
        transverse_exponent(two_factor_map, (1, -1, 0), "mu", [mu], x0=(0.9, 0.9))


def _coupled_map():
    """(x, y) -> (f, f^2 + r c - 8 c^3), c = y - x^2, f = 4x(1 - x): the parabola c = 0 is
    invariant (c' = r c - 8 c^3) and, for r > 1, repelling with transverse exponent ln r."""
    x, y, r = sp.symbols("x y r")
    f = 4 * x * (1 - x)
    c = y - x**2
    return SymbolicMap((x, y), (f, sp.expand(f**2 + r * c - 8 * c**3)), params=(r,)), y - x**2


def test_a_repelling_curve_is_followed_by_reprojection_not_left_silently():
    F, curve = _coupled_map()
    steps = 20_000
    te = transverse_exponent(F, None, "r", [2.9], x0=(0.3, 0.09), steps=steps,
                                          transient=100, curve=curve)
    # on the curve the transverse log-factor is ln r plus a telescoping normalisation term whose
    # time average is at most 0.5 ln 5 / steps
    assert abs(te.exponents[0] - np.log(2.9)) < 0.5 * np.log(5) / steps + 1e-9
    assert te.drift[0] < 1e-8  # re-projected every 8 steps, long before rounding grows
    plain = transverse_exponent(F, (-2 * F.state[0], 1), "r", [2.9],
                                             x0=(0.3, 0.09), steps=steps, transient=100)
    assert plain.drift is None  # the plain float orbit leaves the curve; nothing vouches for it
    assert abs(plain.exponents[0] - np.log(2.9)) > 0.05


def test_linear_map_and_stable_fixed_point_exponents_match_the_spectral_radius():
    x, y, c = sp.symbols("x y c")
    F = SymbolicMap((x, y), (sp.Rational(1, 2) * x + sp.Rational(3, 10) * y + c * x**2,
                             sp.Rational(1, 10) * x + sp.Rational(1, 5) * y - c * y**2),
                    params=(c,))
    A = np.array([[0.5, 0.3], [0.1, 0.2]])
    rho = max(abs(np.linalg.eigvals(A)))
    K = compile_map(F)
    for cval, start in ((0.0, (0.3, 0.2)), (1.0, (0.01, 0.02))):  # linear; nonlinear at 0
        le = lyapunov(K, "c", [cval], x0=start, steps=2000, transient=200)
        assert abs(le.exponents[0] - np.log(rho)) < 1e-10
    spec = lyapunov(K, "c", [0.0], x0=(0.3, 0.2), steps=2000, transient=200,
                                 spectrum=True)
    assert np.allclose(spec.exponents[0], np.log(sorted(abs(np.linalg.eigvals(A)))[::-1]),
                       atol=1e-10, rtol=0)
