"""Exact steps of the flow: planted wrong closed forms and Riccati right-hand sides are refuted
(the steps evaluate a claimed free-algebra formula on matrices with theory's nc_evaluate)."""

from proofs_check.claims.matrix_factorization import flow
from proofs_check.claims.matrix_factorization.symbols import RICCATI_RHS, U_NC, UT_NC, Y_NC
from proofs_check.evidence import argument


def _status(build):
    return argument(build, "planted").run("quick", 0).status


def test_mutated_closed_form_is_refuted():
    assert _status(lambda: flow.closed_form_steps(factor=1, sizes=((2, 1),))) == "refuted"


def test_mutated_general_closed_form_is_refuted():
    for factor in (1, 3):
        assert _status(lambda f=factor: flow.closed_form_general_steps(factor=f)) == "refuted"


def test_riccati_steps_prove_the_true_rhs_and_refute_a_wrong_one():
    assert _status(lambda: flow.riccati_steps(RICCATI_RHS)) == "proved"
    wrong = Y_NC * U_NC * UT_NC + U_NC * UT_NC * Y_NC - (U_NC * UT_NC) ** 2   # factor 2 dropped
    assert _status(lambda: flow.riccati_steps(wrong)) == "refuted"
    assert _status(lambda: flow.riccati_general_steps(wrong)) == "refuted"
