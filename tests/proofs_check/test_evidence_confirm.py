"""Refutations are confirmed: rounding-size margins refute nothing; divergence does."""

import math

import numpy as np

from proofs_check import Claim, check
from proofs_check import evidence as ev
from proofs_check.evidence.confirm import ROUNDING_RELATIVE, confirm


def test_a_rounding_error_does_not_refute_a_true_identity():
    sample = ev.Sample({"x": (0.0, 1.0)}, quick=200, full=2000)
    margins = ev.sweep(lambda x: x * 0.3 - 3 * (x * 0.1), sample)
    r = margins.run("quick", 0)
    assert r.status == "verified"
    assert r.details["rounding_size_violations"] > 0  # the float margins really were negative
    prop = ev.property(lambda x: x * 0.3 - 3 * (x * 0.1), {"x": (0, 1)}, examples=100)
    assert prop.run("quick", 0).status == "verified"
    both = check(Claim(id="x.round", statement="x*0.3 == 3*(x*0.1)", evidence=[margins, prop]))
    assert both.status == "verified"


def test_a_real_violation_is_confirmed_at_50_digits():
    r = ev.sweep(lambda x: 0.25 - x * x, ev.Sample({"x": (0.0, 1.0)}, quick=11)).run("quick", 0)
    assert r.status == "refuted" and r.counterexample == {"x": 1.0}
    assert r.details["confirmed"].startswith("re-evaluated at 50 digits")


def test_a_tiny_but_real_violation_beyond_rounding_is_confirmed():
    eps = 1e-6
    c = confirm(lambda x: x - (1 + eps), {"x": 1.0}, -eps, tol=0.0)
    assert c.confirmed
    # and one inside the allowance is not, even though it is exact in mpmath
    tiny = ROUNDING_RELATIVE / 4
    assert not confirm(lambda x: x - (1 + tiny), {"x": 1.0}, -tiny, tol=0.0).confirmed


def test_numpy_only_margins_are_confirmed_in_float_and_say_so():
    r = ev.sweep(lambda x: np.sin(x) - 0.5, ev.Sample({"x": (0.0, 1.0)}, quick=5)).run("quick", 0)
    assert r.status == "refuted" and "no high-precision re-evaluation" in r.details["confirmed"]


def _orbit_margin(mu):
    """1 - |x_1000| for x -> x^2 + mu from x0 = 0: -inf where the orbit leaves the horizon."""
    x = np.zeros_like(mu)
    step = np.full(mu.shape, -1)
    for t in range(1000):
        x = np.where(np.abs(x) > 1e6, x, x * x + mu)
        step = np.where((np.abs(x) > 1e6) & (step < 0), t, step)
    return np.where(step >= 0, -np.inf, 1 - np.abs(x)), {"diverge_step": step}


def test_a_diverging_orbit_refutes_with_its_start_and_step():
    r = ev.sweep(_orbit_margin, ev.Sample({"mu": (-1.0, 0.5)}, quick=16)).run("quick", 0)
    assert r.status == "refuted"
    assert r.counterexample["mu"] > 0.25  # x^2 + mu escapes exactly for mu > 1/4
    assert r.counterexample["diverge_step"] >= 0
    assert r.margin == -math.inf


def test_an_estimate_refutation_carries_its_counterexample():
    r = ev.estimate(lambda b, s: (1.1, {"sample_size": 5}), 1.0, tol=1e-3).run("quick", 0)
    assert r.status == "refuted"
    assert r.counterexample["computed"] == 1.1 and r.counterexample["claimed"] == 1.0
    ok = ev.estimate(lambda b, s: 0.1 + 0.2, 0.3, tol=0.0).run("quick", 0)
    assert ok.status == "verified"  # 5.6e-17 apart: rounding, not a disagreement
