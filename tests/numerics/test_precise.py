"""High-precision evaluation and deviation coordinates, against exact answers."""

import math

import mpmath
import pytest
import sympy as sp

from numerics.precise import PreciseMap
from theory import SymbolicMap, gd_map

x, r = sp.symbols("x r", real=True)
LOGISTIC = SymbolicMap((x,), (r * x * (1 - x),), params=(r,), name="logistic")


def test_a_chaotic_period_three_orbit_is_followed_in_high_precision():
    """r = 4 is conjugate to theta -> 2 theta (mod 1) by x = sin^2(pi theta); theta = 1/7 has
    period 3. Errors grow like 2^n: after 90 steps float64 has lost the orbit, 80 digits not."""
    with mpmath.workdps(100):
        x0 = mpmath.sin(mpmath.pi / 7) ** 2
    P = PreciseMap(LOGISTIC, digits=80)
    after = P.iterate([x0], {"r": 4}, steps=90)[0]
    assert abs(after - x0) < mpmath.mpf("1e-40")
    xf = float(x0)
    for _ in range(90):
        xf = 4.0 * xf * (1.0 - xf)
    assert abs(xf - float(x0)) > 1e-3  # why the precise evaluator exists


def test_step_matches_exact_rational_arithmetic():
    P = PreciseMap(LOGISTIC, digits=30)
    assert P.step(["0.25"], {"r": "3.5"})[0] == mpmath.mpf(sp.Rational(21, 32).p) / 32


def test_deviation_coordinates_are_conjugate_and_remove_the_cancellation():
    F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    a, b = F.state
    G = F.deviation({a: 1, b: 1})
    ya, yb = G.state
    # G(y) = F(1 + y) - 1 exactly, and the loss is L(1 + y) - L(1, 1)
    for g, f in zip(G.update, F.update, strict=True):
        assert sp.expand(g - (f.xreplace({a: 1 + ya, b: 1 + yb}) - 1)) == 0
    assert sp.expand(G.loss - F.loss.xreplace({a: 1 + ya, b: 1 + yb})) == 0
    # near the minimum the float64 loss in deviation coordinates matches 60-digit arithmetic
    dev = (3e-13, -1e-13)
    with mpmath.workdps(60):  # the start 1 + dev, exact
        start = [1 + mpmath.mpf(dev[0]), 1 + mpmath.mpf(dev[1])]
    truth = PreciseMap(F, digits=60).loss(start, {"mu": 0.1})
    in_deviation = float(sp.lambdify([ya, yb], G.loss)(*dev))
    assert math.isclose(in_deviation, float(truth), rel_tol=1e-12)
    naive = float(sp.lambdify([a, b], F.loss)(1 + dev[0], 1 + dev[1]))
    assert not math.isclose(naive, float(truth), rel_tol=1e-6)  # float64 cancels


@pytest.mark.parametrize(("call", "needle"), [
    (lambda: PreciseMap(LOGISTIC, digits=5), "digits"),
    (lambda: PreciseMap(LOGISTIC).step([0.1]), "no value for r"),
    (lambda: PreciseMap(LOGISTIC).step([0.1, 0.2], {"r": 1}), "1 state values"),
    (lambda: PreciseMap(LOGISTIC).loss([0.1], {"r": 1}), "has no loss"),
    (lambda: PreciseMap(LOGISTIC).iterate([0.1], {"r": 1}, steps=-1), "steps"),
    (lambda: LOGISTIC.deviation({"y": 0}), "no state variable"),
    (lambda: LOGISTIC.deviation({}), "no value for x"),
])
def test_bad_input(call, needle):
    with pytest.raises((ValueError, KeyError), match=needle):
        call()


def test_float_inputs_are_taken_exactly():
    P = PreciseMap(LOGISTIC, digits=40)
    got = P.step([0.1], {"r": 2.0})[0]
    tenth = sp.Rational(*0.1.as_integer_ratio())  # the double nearest 0.1, exactly
    exact = 2 * tenth * (1 - tenth)
    with mpmath.workdps(40):
        assert abs(got - mpmath.mpf(exact.p) / exact.q) < mpmath.mpf("1e-39")
