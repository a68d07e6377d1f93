"""Interval evidence (arb balls): certified brackets, certified signs, honest failures."""

import mpmath
import pytest
import sympy as sp
from flint import ctx

from proofs_check import Claim, check
from proofs_check import evidence as ev
from proofs_check.evidence import IntervalError, certify_sign, enclose_root

x, mu = sp.symbols("x mu")


def test_sqrt2_is_certified_in_a_tight_bracket():
    r = enclose_root(x**2 - 2, 1, 2, digits=30).run("quick", 0)
    assert r.status == "proved" and r.kind == "interval"
    assert r.digits >= 30
    lo, hi = (mpmath.mpf(v) for v in r.details["exact_enclosure"][0].split("/")), None
    with mpmath.workdps(60):
        num, den = (int(v) for v in r.details["exact_enclosure"][0].split("/"))
        num2, den2 = (int(v) for v in r.details["exact_enclosure"][1].split("/"))
        lo, hi = mpmath.mpf(num) / den, mpmath.mpf(num2) / den2
        assert lo <= mpmath.sqrt(2) <= hi
        assert hi - lo < mpmath.mpf(10) ** -29
    assert r.margin > 0.4  # the zero sits well inside [1, 2]


def test_a_wrong_bracket_is_refuted_and_a_right_one_with_claimed_value_is_proved():
    r = enclose_root("x**2 - 2", "1.5", "1.6", var="x").run("quick", 0)
    assert r.status == "refuted"
    assert r.counterexample["lo"] == "3/2" and r.rerun.startswith("python -c")
    r = enclose_root("x**2 - 2", "1.41", "1.42", var="x", claimed="sqrt(2)").run("quick", 0)
    assert r.status == "proved"


def test_a_threshold_with_an_exact_form():
    # the second period-doubling of the cubic slice: mu^2 + 2 mu - 4 = 0, mu = sqrt(5) - 1
    f = mu**2 + 2 * mu - 4
    assert enclose_root(f, 1, 2, claimed=sp.sqrt(5) - 1).run("quick", 0).status == "proved"
    wrong = enclose_root(f, 1, 2, claimed="1.2361").run("quick", 0)  # off in the 5th digit
    assert wrong.status == "refuted"
    assert wrong.details["unique_in_bracket"] is True
    loose = enclose_root(f, 1, 2, claimed="1.2361", tol="1e-4").run("quick", 0)
    assert loose.status == "proved"


def test_no_sign_change_without_certificate_is_inconclusive():
    # two zeros inside: no sign change at the ends, and f is not of one sign
    r = enclose_root("(x - 1)*(x - 2)", 0, 3, var="x").run("quick", 0)
    assert r.status == "inconclusive"
    # a sign change across a pole is not a zero
    r = enclose_root("1/(x - 3/2)", 1, 2, var="x").run("quick", 0)
    assert r.status == "inconclusive"


def test_certify_sign_proves_refutes_and_admits_defeat():
    ok = certify_sign("1 - mu*(a**2 + b**2)/4", {"mu": (0, 1), "a": (-1, 1), "b": (-1, 1)})
    assert ok.run("quick", 0).status == "proved"
    bad = certify_sign("2 - mu*(a**2 + b**2)", {"mu": (0, 1.5), "a": (-1, 1), "b": (-1, 1)})
    r = bad.run("quick", 0)
    assert r.status == "refuted"
    point = {k: sp.Rational(v) for k, v in r.counterexample.items()}
    assert sp.sympify("2 - mu*(a**2 + b**2)").subs(point) <= 0  # exact check of the witness
    touching = certify_sign("x**2", {"x": (-1, 1)}, ">=0").run("quick", 0)
    assert touching.status == "inconclusive"  # true, but arb cannot certify it at x = 0
    assert touching.details["undecided_boxes"] >= 1
    assert certify_sign("-1 - x**2", {"x": (-3, 3)}, "<0").run("quick", 0).status == "proved"


def test_the_working_precision_is_restored():
    before = ctx.prec
    enclose_root(x**2 - 2, 1, 2, digits=50).run("quick", 0)
    certify_sign(1 + x**2, {"x": (-1, 1)}).run("quick", 0)
    assert ctx.prec == before


def test_bad_inputs_are_one_line_errors():
    with pytest.raises(IntervalError, match="float"):
        certify_sign(x - 0.1, {"x": (0, 1)})
    with pytest.raises(IntervalError, match="undeclared symbol 'y'"):
        certify_sign("x + y", {"x": (0, 1)})
    with pytest.raises(IntervalError, match="no range for y"):
        certify_sign(x + sp.Symbol("y"), {"x": (0, 1)})
    with pytest.raises(IntervalError, match="empty"):
        certify_sign("x", {"x": (1, 0)})
    with pytest.raises(IntervalError, match="sign"):
        certify_sign("x", {"x": (0, 1)}, sign="positive")
    with pytest.raises(IntervalError, match="var="):
        enclose_root("x**2 - 2", 1, 2)
    with pytest.raises(IntervalError, match="empty"):
        enclose_root(x, 2, 1)
    with pytest.raises(IntervalError, match="cannot evaluate"):
        certify_sign(sp.gamma(x), {"x": (1, 2)})


def test_interval_evidence_can_prove_a_claim():
    claim = Claim(id="demo.cofactor.positive", statement="1 - mu^2/4 > 0 for 0 < mu < 2",
                  evidence=[certify_sign("1 - mu**2/4", {"mu": (0, "1.99")})])
    assert check(claim).status == "proved"


def test_a_wrong_root_in_a_positive_symbol_is_refuted():
    # gd_map and the models make positive symbols; differentiating by a fresh Symbol("mu") gave
    # 0, the root was reported "not unique" and a wrong claimed root was never refuted
    mu = sp.Symbol("mu", positive=True)
    r = ev.enclose_root(mu**2 - 2, 1, 2, claimed="1.4142").run("quick", 0)
    assert r.status == "refuted" and r.details["unique_in_bracket"] is True
    assert ev.enclose_root(mu**2 - 2, 1, 2, claimed="sqrt(2)").run("quick", 0).status == "proved"


def test_certify_sign_finds_a_small_violation_away_from_where_f_touches_zero():
    # f >= 0 touches zero on the whole diagonal of the cube (ball arithmetic cannot decide
    # there) and is negative on ~0.1% of the cube near the corner (1, 0, 0)
    w, x, y = sp.symbols("w x y")
    f = sp.expand(((w - x) ** 2 + (x - y) ** 2 + (y - w) ** 2)
                  * (1 - sp.Rational(3, 2) * (w * (1 - x) * (1 - y)) ** 2))
    r = ev.certify_sign(f, {"w": (0, 1), "x": (0, 1), "y": (0, 1)}, ">=0").run("quick", 0)
    assert r.status == "refuted"
    point = {sp.Symbol(k): sp.Rational(v) for k, v in r.counterexample.items()}
    assert f.xreplace(point) < 0  # exact re-evaluation of the certified counterexample
