"""Exact sign evidence: decided by exact root isolation / coefficients, refuted by exact points."""

import sympy as sp

from proofs_check import evidence as ev
from proofs_check.evidence.certificates import is_certified

x = sp.Symbol("x", real=True)


def test_sign_fact_decides_at_an_algebraic_end_exactly():
    end = 2 * sp.sqrt(2) - 2  # 8 - (2 + x)^2 vanishes exactly there
    r = ev.sign_fact(8 - (2 + x) ** 2, x, 0, end).run("quick", 0)
    assert r.status == "proved" and is_certified(r.certificate)
    moved = ev.sign_fact(8 - (2 + x) ** 2, x, 0, end + sp.Rational(1, 100)).run("quick", 0)
    assert moved.status == "refuted"
    point = sp.Rational(moved.counterexample["x"])
    assert (8 - (2 + point) ** 2) <= 0 and 0 < point < end + sp.Rational(1, 100)


def test_a_root_inside_a_strict_sign_fact_refutes_it():
    r = ev.sign_fact((x - 1) ** 2, x, 0, 2).run("quick", 0)
    assert r.status == "refuted" and r.counterexample == {"x": "1"}
    assert ev.sign_fact((x - 1) ** 2, x, 0, 2, ">=").run("quick", 0).status == "proved"


def test_positivity_certificate_and_its_witness():
    y = sp.Symbol("y", positive=True)
    r = ev.positivity((y + 1) ** 2 / (y + 2)).run("quick", 0)
    assert r.status == "proved" and is_certified(r.certificate)
    r = ev.positivity(1 - y).run("quick", 0)
    assert r.status == "refuted" and sp.Rational(r.counterexample["y"]) > 1
