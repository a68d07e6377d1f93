"""Exact steps of one DeltaNet step: planted wrong eigenvalues and updates are refuted (the
explicit-size steps evaluate a claimed free-algebra update on matrices with nc_evaluate)."""

import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claims.online_gd import householder as hh
from proofs_check.claims.online_gd.symbols import D_SYM, F
from theory.models import matrix_factorization as mf


def _run(e):
    return e.run("quick", 0).status


def test_householder_general_steps_reject_wrong_eigenvalue():
    z, b = sp.Symbol("z"), sp.Symbol("beta")
    assert _run(ev.identity((z - 1) ** D_SYM * (1 + b / (z - 1)),
                            (z - 1) ** (D_SYM - 1) * (z - 1 + 2 * b))) == "refuted"
    k, kt = mf.nc_symbols("k k^T")
    assert _run(ev.identity((1 - b * k * kt) * k, (1 - 2 * b) * k)) == "refuted"


def test_gd_and_residual_steps_refute_a_wrong_claimed_formula():
    true_update = F.S * (1 - F.beta * F.k * F.kt) + F.beta * F.v * F.kt
    assert _run(ev.argument(lambda: hh.gd_steps(true_update), "true")) == "proved"
    wrong = F.S * (1 - F.beta * F.k * F.kt) + F.v * F.kt          # beta dropped
    assert _run(ev.argument(lambda: hh.gd_steps(wrong), "wrong")) == "refuted"
    assert _run(ev.argument(lambda: hh.gd_general_steps(wrong), "wrong")) == "refuted"
    wrong_factor = 1 - 2 * F.beta * F.kt * F.k
    assert _run(ev.argument(lambda: hh.residual_steps(wrong_factor), "wrong")) == "refuted"
