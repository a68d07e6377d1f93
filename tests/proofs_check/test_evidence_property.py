"""Property evidence: Hypothesis finds planted counterexamples, reproducibly, and never proves."""

import math

import pytest

from proofs_check import Claim, check
from proofs_check.evidence import property as prop
from proofs_check.evidence import strategies_for


def test_finds_a_planted_counterexample_and_shrinks_it():
    # holds except in the corner x + y > 1.9
    r = prop(lambda x, y: 1.9 - x - y, {"x": (0, 1), "y": (0, 1)}).run("quick", 0)
    assert r.status == "refuted" and r.kind == "property"
    assert r.counterexample["x"] + r.counterexample["y"] > 1.9
    assert r.margin < 0
    assert r.sample_size >= 1 and r.seed == 0


def test_a_true_property_is_verified_with_its_sample_size_and_worst_margin():
    r = prop(lambda x: x * x - 2 * x + 1, {"x": (-5, 5)}, examples=50).run("quick", 0)
    assert r.status == "verified"
    assert 1 <= r.details["valid_examples"] <= 60  # Hypothesis may stop early on a small space
    # the sample is every point examined: the Sobol pass and Hypothesis's valid examples
    assert r.sample_size == r.details["sobol_points"] + r.details["valid_examples"]
    assert r.margin >= 0 and "worst_at" in r.details
    assert check(Claim(id="p.sq", statement="(x-1)^2 >= 0", evidence=[
        prop(lambda x: (x - 1) ** 2, {"x": (-5, 5)}, examples=30)])).status == "verified"


def test_same_seed_same_result():
    def margin(x, n):
        return 3.5 - x * n

    domain = {"x": (0, 1), "n": range(1, 6)}
    first = prop(margin, domain).run("quick", 7).to_dict()
    second = prop(margin, domain).run("quick", 7).to_dict()
    assert first == second
    assert first["status"] == "refuted" and first["counterexample"]["n"] >= 4


def test_discrete_domains_predicates_rejections_and_nan():
    seen = set()

    def margin(kind, n):
        seen.add(kind)
        return kind != "bad" or n < 3

    r = prop(margin, {"kind": ["good", "bad"], "n": range(0, 10)}).run("quick", 0)
    assert r.status == "refuted" and r.counterexample == {"kind": "bad", "n": 3}
    r = prop(lambda x: None, {"x": (0, 1)}, examples=10).run("quick", 0)
    assert r.status == "inconclusive"
    r = prop(lambda x: math.nan if x > 0.5 else 1.0, {"x": (0, 1)}).run("quick", 0)
    assert r.status == "error" and r.counterexample["x"] > 0.5


def test_domains_are_validated():
    with pytest.raises(ValueError, match="empty"):
        strategies_for({"mu": (1, 0)})
    with pytest.raises(ValueError, match="empty"):
        strategies_for({"mu": (0, math.inf)})
    with pytest.raises(ValueError, match="no values"):
        strategies_for({"k": []})
    with pytest.raises(ValueError, match="cannot draw"):
        strategies_for({"k": "abc"})


def test_a_nan_elsewhere_does_not_hide_a_refutation():
    def margin(x):
        if 0.2 < x < 0.3:
            return math.nan
        return 0.8 - x

    r = prop(margin, {"x": (0, 1)}).run("quick", 0)
    assert r.status in ("refuted", "error")
    assert (r.counterexample["x"] > 0.8) == (r.status == "refuted")


def test_a_violation_on_a_thousandth_of_the_box_is_refuted_at_the_quick_budget():
    r2 = 0.001 / math.pi  # the violating set is a disc of area 0.001 inside the unit square

    def margin(x, y):
        return (x - 0.37) ** 2 + (y - 0.61) ** 2 - r2

    for seed in range(5):
        r = prop(margin, {"x": (0, 1), "y": (0, 1)}).run("quick", seed)
        assert r.status == "refuted", seed
        assert margin(**r.counterexample) < 0
