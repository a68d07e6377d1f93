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


# -- the blocked kernel (one log per LYAPUNOV_BLOCK steps) against the per-step kernel -----------
def _henon():
    x, y, a, b = sp.symbols("x y a b", real=True)
    return compile_map(SymbolicMap((x, y), (1 - a * x**2 + y, b * x), params=(a, b),
                                   name="henon"))


def _blocked_and_stepwise(K, X, V, P, steps, horizon=1e6):
    """(exponents, steps used, final states) of lyapunov_top and lyapunov_stepwise."""
    from numerics.codegen import kernel_horizon

    out = []
    for kernel in (K.module.lyapunov_top, K.module.lyapunov_stepwise):
        Xc, Vc = np.array(X, dtype=float), np.array(V, dtype=float)
        n = Xc.shape[1]
        S, good = np.zeros((1, n)), np.zeros(n)
        kernel(Xc, Vc, np.asarray(P, dtype=float), steps, kernel_horizon(horizon), 64, S, good)
        out.append((S[0] / np.maximum(good, 1), good, Xc))
    return out


# The per-step kernel adds one log a step: its own rounding error on the mean grows like
# steps * eps relative (5000 * 1.1e-16 = 5.6e-13 when every term rounds the same way, as on a
# periodic orbit); 1e-12 relative bounds it at 5000 steps. The orbits are the same floats in both.
STEPS = 5000


@pytest.mark.parametrize(("which", "values"), [
    # logistic: fixed point, 2-, 4-cycle, period-3 window, chaos, r = 4, and escape (r = 4.2)
    ("logistic", [2.8, 3.2, 3.5, 3.83, 3.6, 3.9, 4.0, 4.2]),
    # cubic slice: stable fixed point, 2-cycle, chaos, mu = 2 (log 3), escape beyond
    ("cubic", [0.3, 1.2, 1.9, 2.0, 2.3]),
])
def test_blocked_exponent_of_1d_maps_agrees_with_the_per_step_kernel(
        which, values, logistic_map, cubic_map):
    F = logistic_map if which == "logistic" else cubic_map
    K = compile_map(F)
    n = len(values)
    (e1, used1, x1), (e2, used2, x2) = _blocked_and_stepwise(
        K, np.full((1, n), 0.3), np.ones((1, n)), [values], STEPS)
    assert (used2 < STEPS).any() and (used2 == STEPS).sum() >= n - 1   # one diverging value
    assert np.array_equal(used1, used2) and x1.tobytes() == x2.tobytes()
    np.testing.assert_allclose(e1, e2, rtol=1e-12, atol=0)


def test_blocked_exponent_of_the_henon_map_agrees_with_the_per_step_kernel():
    K = _henon()
    a = np.array([1.4, 1.2, 1.0, 0.9, 1.3, 1.1, 1.35, 1.5])   # chaotic, periodic, escaping
    n = a.size
    v = np.array([1.0, 1.0 / np.sqrt(2.0)])
    v /= np.linalg.norm(v)                                # lyapunov()'s start direction
    (e1, used1, x1), (e2, used2, x2) = _blocked_and_stepwise(
        K, [[0.1] * n, [0.1] * n], np.tile(v[:, None], (1, n)), [a, [0.3] * n], STEPS)
    assert used2[-1] < STEPS and (used2[:-1] == STEPS).all()
    assert np.array_equal(used1, used2) and x1.tobytes() == x2.tobytes()
    np.testing.assert_allclose(e1, e2, rtol=1e-12, atol=0)
    # and the public function on the same orbits (transient 0) gives the blocked numbers
    le = lyapunov(K, "a", a, x0=(0.1, 0.1), steps=STEPS, transient=0, other_params={"b": 0.3})
    np.testing.assert_allclose(le.exponents, e2, rtol=1e-12, atol=0)


def _spectra(K, X, P, steps, horizon=1e6):
    """(spectrum, steps used, final states) of lyapunov_all (blocked) and spectrum_stepwise."""
    from numerics.codegen import kernel_horizon

    out = []
    for kernel in (K.module.lyapunov_all, K.module.spectrum_stepwise):
        Xc = np.array(X, dtype=float)
        d, n = Xc.shape
        V = np.tile(np.eye(d).reshape(d * d, 1), (1, n))
        S, good = np.zeros((d, n)), np.zeros(n)
        kernel(Xc, V, np.asarray(P, dtype=float), steps, kernel_horizon(horizon), 64, S, good)
        out.append((S / np.maximum(good, 1), good, Xc))
    return out


@pytest.mark.parametrize("which", ["henon", "two_factor"])
def test_blocked_spectrum_agrees_with_the_per_step_kernel(which, two_factor):
    # Henon: chaotic (1.4, 1.2, 1.35), periodic (1.0, 0.9), escaping (1.5); its exponents are
    # about 2 apart (the vectors draw together by e^6 in a block of 3 steps). The two-factor map:
    # converging, oscillating, chaotic and diverging step sizes. Blocks are kept (the answers
    # then differ from the per-step kernel's in the last bits) or redone step by step.
    if which == "henon":
        K, n = _henon(), 8
        X = [[0.1] * n, [0.1] * n]
        P = [[1.4, 1.2, 1.0, 0.9, 1.3, 1.1, 1.35, 1.5], [0.3] * n]
    else:
        K, mu = two_factor, [0.1, 0.5, 0.9, 1.1, 1.3, 1.45, 2.2]
        n = len(mu)
        X, P = [[1.7] * n, [0.2] * n], [mu]
    (e1, used1, x1), (e2, used2, x2) = _spectra(K, X, P, STEPS)
    assert (used2 < STEPS).any() and (used2 == STEPS).any() and (e2[0] > 0.1).any()
    assert np.array_equal(used1, used2) and x1.tobytes() == x2.tobytes()
    np.testing.assert_allclose(e1, e2, rtol=1e-12, atol=0)
    assert e1.tobytes() != e2.tobytes()              # the blocked path did run


def test_blocked_spectrum_of_a_3d_linear_map_is_the_log_of_its_diagonal():
    # upper triangular, so the exponents are log 1.5, log 0.9, log 0.5; weakly coupled, so the
    # vectors stay apart enough over a block for it to be kept: the blocked path is exercised
    x, y, z = sp.symbols("x y z", real=True)
    F = SymbolicMap((x, y, z), (sp.Float(1.5) * x + y / 10, sp.Float(0.9) * y + z / 10,
                                    z / 2),
                    name="triangular")
    K = compile_map(F)
    (e1, used1, _), (e2, _, _) = _spectra(K, [[1e-200], [1.0], [1.0]], [[]], 600,
                                          horizon=np.inf)
    assert used1.tolist() == [600]
    np.testing.assert_allclose(e1[:, 0], np.log([1.5, 0.9, 0.5]), rtol=1e-12, atol=0)
    np.testing.assert_allclose(e1, e2, rtol=1e-12, atol=0)
    assert e1.tobytes() != e2.tobytes()
    le = lyapunov(K, None, None, x0=(1e-200, 1.0, 1.0), steps=600, transient=0, spectrum=True,
                  horizon=np.inf)
    assert le.exponents[0].tobytes() == e1[:, 0].tobytes()


@pytest.mark.parametrize("factor", [1e30, 1e-30])
def test_a_product_beyond_float64_range_is_renormalised_step_by_step(factor):
    # x -> c x: every stretching factor is c, so the exponent is log c exactly (up to one log's
    # rounding); 16 factors of 1e30 overflow and 16 of 1e-30 underflow, so the block's guard must
    # fall back to per-step renormalisation (an unguarded product gives inf or log(0) = -inf)
    x, c = sp.symbols("x c", real=True)
    K = compile_map(SymbolicMap((x,), (c * x,), params=(c,), name="scale"))
    x0 = 1e-300 if factor > 1 else 1.0
    le = lyapunov(K, "c", [factor], x0=x0, steps=40, transient=0, horizon=np.inf)
    assert le.steps_used[0] == (20 if factor > 1 else 40)      # 1e-300 * 1e30**20 = 1e300
    assert abs(le.exponents[0] - np.log(factor)) < 1e-14 * abs(np.log(factor))


def test_a_2d_tangent_vector_beyond_float64_range_is_renormalised_step_by_step():
    from numerics import reference

    x, y, p1, p2 = sp.symbols("x y p1 p2", real=True)
    F = SymbolicMap((x, y), (p1 * x, p2 * y), params=(p1, p2), name="diag")
    p1s, p2s = [1e25, 1e-25], [1e-25, 1e-30]
    le = lyapunov(compile_map(F), "p1", p1s, x0=(1e-280, 1.0), steps=30, transient=0,
                  other_params={"p2": p2s}, horizon=np.inf)
    assert le.steps_used.tolist() == [23, 30]              # 1e-280 * 1e25**23 = 1e295
    v0 = np.array([1.0, 1.0 / np.sqrt(2.0)]) / np.sqrt(1.5)  # lyapunov()'s start direction
    for i in range(2):
        [expected], used = reference.lyapunov(F, (1e-280, 1.0), {"p1": p1s[i], "p2": p2s[i]},
                                              steps=30, horizon=np.inf, v0=v0)
        assert used == le.steps_used[i]
        # about log p1 (a large number): the slow oracle's per-step logs, to 1e-14 relative
        assert abs(le.exponents[i] - expected) < 1e-14 * abs(expected)


def test_lyapunov_is_bitwise_identical_for_any_chunk_thread_count_and_serial_path(cubic):
    import numba

    mu = np.linspace(0.05, 2.4, 3000)                     # converging, chaotic and escaping
    before = numba.get_num_threads()
    results = []
    try:
        for threads in (1, 2):
            numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
            for chunk in (1, 7, 64, 5000):                # 5000 > n: the serial twin
                results.append(lyapunov(cubic, "mu", mu, x0=0.3, steps=300, transient=50,
                                        chunk=chunk))
    finally:
        numba.set_num_threads(before)
    first = results[0]
    assert first.diverged.any() and not first.diverged.all()
    for le in results[1:]:
        assert le.exponents.tobytes() == first.exponents.tobytes()
        assert np.array_equal(le.steps_used, first.steps_used)
