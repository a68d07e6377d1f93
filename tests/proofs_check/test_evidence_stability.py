"""Step-size thresholds and basin fractions, against exact answers."""

import math

import pytest
import sympy as sp

from proofs_check import evidence as ev
from theory import SymbolicMap, gd_map


def quadratic(c):
    """GD on c x^2 / 2: x -> (1 - eta c) x, stable exactly for eta < 2 / c."""
    return gd_map(f"{c}*x**2/2", params="x", step="eta")


@pytest.mark.parametrize("c", [0.5, 3.0, 40.0])
def test_threshold_of_a_quadratic_is_two_over_c(c):
    r = ev.step_threshold(quadratic(c), {"x": 0.0}, 2 / c).run("quick", 3)
    assert r.status == "verified" and r.worst_error <= 4 * math.ulp(2 / c)
    assert r.seed == 3 and r.details["distance_below"] < 1e-6 < r.details["distance_above"]
    wrong = ev.step_threshold(quadratic(c), {"x": 0.0}, 2 / c * (1 + 1e-6)).run("quick", 0)
    assert wrong.status == "refuted" and wrong.counterexample["threshold"] == r.value


def test_threshold_along_a_family_with_weight_decay():
    """At a = b = sqrt(1 - lam): eigenvalues 1 - 2 eta lam, 1 - 2 eta (1 - lam)."""
    F = gd_map("(a*b - 1)**2/2 + lam/2*(a**2 + b**2)", params="a b", step="eta",
               constants="lam")
    for lam in (0.1, 0.25, 0.7):
        s = math.sqrt(1 - lam)
        exact = min(1 / lam, 1 / (1 - lam))
        r = ev.step_threshold(F, {"a": s, "b": s}, exact, {"lam": lam}, tol=1e-12)
        assert r.run("quick", 0).status == "verified"


def test_saddles_non_fixed_points_and_missing_values_are_not_verified():
    saddle = gd_map("-x**2/2 + y**2/2", params="x y", step="eta")
    r = ev.step_threshold(saddle, {"x": 0.0, "y": 0.0}, 2.0).run("quick", 0)
    assert r.status == "refuted" and "saddle" in r.details["note"]
    assert ev.step_threshold(quadratic(1.0), {"x": 0.5}, 2.0).run("quick", 0).status == "error"
    F = gd_map("lam*x**2/2", params="x", step="eta", constants="lam")
    r = ev.step_threshold(F, {"x": 0.0}, 2.0).run("quick", 0)
    assert r.status == "error" and "lam" in r.details["error"]
    x, r_ = sp.symbols("x r")
    no_step = SymbolicMap((x,), (r_ * x,), params=(r_,))
    assert ev.step_threshold(no_step, {"x": 0.0}, 1.0, {"r": 0.5}).run("quick", 0).status \
        == "error"


def cubic():
    a, mu = sp.symbols("a mu")
    return SymbolicMap((a,), ((1 + mu) * a - mu * a**3,), params=(mu,))


@pytest.mark.parametrize("mu", [0.5, 1.0, 1.5])
def test_escape_fraction_of_the_cubic_slice(mu):
    """|a| > sqrt(1 + 2/mu) escapes, the rest of [-3, 3] stays (spec two_factor.md, slice)."""
    exact = 1 - math.sqrt(1 + 2 / mu) / 3
    r = ev.basin_fraction(cubic(), {"a": (-3, 3)}, exact, {"mu": mu}, steps=400).run("quick", 1)
    assert r.status == "verified" and r.sample_size == 20_000
    lo, hi = r.details["interval_99_9"]
    assert lo <= r.value <= hi and hi - lo < 0.03
    off = ev.basin_fraction(cubic(), {"a": (-3, 3)}, exact + 0.03, {"mu": mu}, steps=400)
    assert off.run("quick", 1).status == "refuted"  # > 7 standard errors out
    # between the 99.9 % and the 1 - 1e-9 intervals: no verdict either way
    sigma = math.sqrt(exact * (1 - exact) / 20_000)
    near = ev.basin_fraction(cubic(), {"a": (-3, 3)}, r.value + 4.5 * sigma, {"mu": mu},
                             steps=400).run("quick", 1)
    assert near.status == "inconclusive" and near.counterexample is None


def test_period_two_basin_of_the_logistic_map():
    x, r = sp.symbols("x r")
    F = SymbolicMap((x,), (r * x * (1 - x),), params=(r,))
    got = ev.basin_fraction(F, {"x": (0.01, 0.99)}, 1.0, {"r": 3.2}, fate="period 2",
                            steps=2000).run("quick", 0)
    assert got.status == "verified" and got.value == 1.0
    with pytest.raises(ValueError, match="fate"):
        ev.basin_fraction(F, {"x": (0, 1)}, 0.5, {"r": 3.2}, fate="chaotic")


def test_a_neutral_eigenvalue_is_not_instability():
    """On the minimum family ab = 1 the Jacobian has the eigenvalue 1 exactly (along the family);
    float64 gives 1 + 2e-16 at some steps. The threshold is the transverse one, 2 / (a^2 + b^2)."""
    F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    for a in (1.0, 2.0, 0.3, 5.0):
        b = 1 / a
        r = ev.step_threshold(F, {"a": a, "b": b}, 2 / (a * a + b * b), tol=1e-12).run("quick", 0)
        assert r.status == "verified", (a, r.value, r.details.get("note"))
        assert "one fixed point" in r.scope and "4000 steps in (0," in r.scope


def test_a_refutation_is_confirmed_at_50_digits():
    c = 3.0
    for claimed in (2 / c * (1 + 1e-6), 2 / c * (1 - 1e-6)):
        r = ev.step_threshold(quadratic(c), {"x": 0.0}, claimed).run("quick", 0)
        assert r.status == "refuted" and "(50 digits)" in r.details["confirmed"]
        h = r.counterexample["step"]
        assert min(claimed, 2 / c) < h < max(claimed, 2 / c)  # between threshold and claim
    saddle = gd_map("-x**2/2 + y**2/2", params="x y", step="eta")
    r = ev.step_threshold(saddle, {"x": 0.0, "y": 0.0}, 2.0).run("quick", 0)
    assert r.status == "refuted" and "(50 digits)" in r.details["confirmed"]


def test_a_neutral_eigenvalue_decides_by_the_transverse_one_at_50_digits():
    """At (2, 1/2) on the family ab = 1 the eigenvalues are 1 (exactly, every step) and
    1 - mu (a^2 + b^2): the threshold is 2/4.25. A claim of 0.3 or 0.46 is wrong on the same
    side and must get the same verdict, refuted, however the 1e-51 error of the neutral
    eigenvalue falls (the 1e-30 guard is compared at 50 digits)."""
    F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    for claimed in (0.3, 0.4, 0.46, 0.47):
        r = ev.step_threshold(F, {"a": 2.0, "b": 0.5}, claimed).run("quick", 0)
        assert r.status == "refuted", (claimed, r.details)
        assert r.counterexample["step"] < 2 / 4.25
    assert ev.step_threshold(F, {"a": 2.0, "b": 0.5}, 0.48).run("quick", 0).status == "refuted"


def test_a_point_never_unstable_refutes_any_threshold():
    """x -> x (the loss 0): radius exactly 1 at every step, never beyond it: no threshold."""
    F = gd_map("0*x**2", params="x", step="eta")
    r = ev.step_threshold(F, {"x": 0.0}, 1.0).run("quick", 0)
    assert r.status == "refuted" and r.details["note"] == "stable over the whole scan"
