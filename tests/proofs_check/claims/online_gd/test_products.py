"""Exact steps for products of factors: the spec's WY form in recurrence order and planted
wrong induction steps do not prove; the parity induction rejects a planted error."""

import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claims.online_gd.products import wy_general, wy_steps
from theory.models import online_gd as og


def test_spec_wy_form_in_recurrence_order_is_refuted():
    res = ev.argument(lambda: wy_steps(reversed_form=True), "spec WY form = A_1...A_C")
    assert res.run("quick", 0).status == "refuted"


def test_wy_induction_with_planted_wrong_step_does_not_prove():
    for mutation, status in (("beta", "refuted"), ("order", "inconclusive")):
        res = ev.argument(lambda m=mutation: wy_general(m), "planted").run("quick", 0)
        assert res.status == status


def test_parity_step_rejects_a_planted_error():
    S = sp.Symbol("S", integer=True)
    assert ev.identity((-1) ** S * og.parity_factor(1), (-1) ** S).run("quick", 0).status == \
        "refuted"
