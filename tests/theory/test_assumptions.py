"""Assumptions on constants: parsing, real fixed points, step thresholds against the Hessian."""

import pytest
import sympy as sp

from proofs_check.cli import main
from theory.assumptions import parse_assumptions, real_under, step_threshold
from theory.gd import gd_map
from theory.parse import ExpressionError

lam = sp.Symbol("lam", real=True)


def test_parse_assumptions_and_errors():
    assert parse_assumptions("lam >= 2", {"lam": lam}) == {lam: sp.Interval(2, sp.oo)}
    assert parse_assumptions("1 > lam, lam > -1", {"lam": lam}) == {lam: sp.Interval.open(-1, 1)}
    for bad, match in (("0 < mu < 1", "declared constant"), ("2 < lam < 1", "no value"),
                       ("lam", "expected")):
        with pytest.raises(ExpressionError, match=match):
            parse_assumptions(bad, {"lam": lam})


def test_weight_decay_threshold_matches_the_hessian_at_the_minimum():
    # L = (ab - 1)^2/2 + lam (a^2 + b^2)/2 has minima a = b = +-sqrt(1 - lam) for 0 < lam < 1;
    # the Hessian there has eigenvalues 2 - 2 lam and 2 lam, so GD is stable iff
    # eta < 2 / max(2 - 2 lam, 2 lam): 1/(1 - lam) up to lam = 1/2, 1/lam above
    F = gd_map("(a*b-1)**2/2 + lam/2*(a**2+b**2)", "a b", "eta", "lam")
    a, b = F.state
    L = F.loss
    s = sp.sqrt(1 - F.params[1])
    H = sp.hessian(L, (a, b)).subs({a: s, b: s})
    assert {sp.simplify(e) for e in H.eigenvals()} == {2 - 2 * F.params[1], 2 * F.params[1]}
    assumptions = {F.params[1]: sp.Interval.open(0, 1)}
    stab = F.linear_stability({a: s, b: s})
    t = step_threshold(stab.conditions, F.step, assumptions)
    assert t.text() == "eta < 1/(1 - lam) for 0 < lam <= 1/2, eta < 1/lam for 1/2 <= lam < 1"
    assert real_under({a: sp.sqrt(-F.params[1] - 1)}, assumptions) is False
    assert real_under({a: s}, assumptions) is True


def test_derive_assume_prints_the_threshold(capsys):
    code = main(["derive", "--loss", "(a*b-1)**2/2 + lam/2*(a**2+b**2)", "--params", "a b",
                 "--step", "eta", "--constants", "lam", "--assume", "0<lam<1"])
    out = capsys.readouterr().out
    assert code == 0
    assert "assuming  0 < lam < 1" in out
    assert "eta < 1/(1 - lam) for 0 < lam <= 1/2" in out
    assert "sqrt(-lam - 1): not real under the assumptions" in out
    assert main(["derive", "--loss", "a**2", "--params", "a", "--assume", "0<lam<1"]) == 2
    assert "name exactly one declared constant" in capsys.readouterr().err


def test_a_constant_named_in_an_assumption_is_declared_by_it(capsys):
    """Issue 16's command: no --constants; lam is declared by --assume (it occurs in the loss).
    At the minimum a = b = sqrt(1 - lam) the eigenvalues are 1 - 2 eta lam and
    1 - 2 eta (1 - lam), so eta < min(1/lam, 1/(1 - lam)) = 1/(1 - lam) for lam <= 1/2."""
    assert main(["derive", "--loss", "(a*b-1)**2/2 + lam/2*(a**2+b**2)", "--params", "a b",
                 "--step", "eta", "--assume", "0<lam<1"]) == 0
    out = capsys.readouterr().out
    assert "GD map    step eta, constants lam" in out
    assert "eta < 1/(1 - lam) for 0 < lam <= 1/2, eta < 1/lam for 1/2 <= lam < 1" in out


def test_an_included_end_is_decided_on_its_own():
    """Signs are decided on the open interval; at lam = 0 the minima lie on a family (an
    eigenvalue 1 for every step) and at lam = 1 the minimum a = b = 0 has the eigenvalues 1 and
    1 - 2 eta: at both ends the linear test cannot decide (it is no instability: GD converges
    there), the other eigenvalue needs eta < 1, and the closed assumption must not print
    closed pieces."""
    F = gd_map("(a*b-1)**2/2 + lam/2*(a**2+b**2)", "a b", "eta", "lam")
    a, b = F.state
    lam = F.params[1]
    s = sp.sqrt(1 - lam)
    stab = F.linear_stability({a: s, b: s})
    t = step_threshold(stab.conditions, F.step, {lam: sp.Interval(0, 1)})
    undecided = "eta < 1; and an eigenvalue stays on the unit circle for every step: the linear " \
        "test cannot decide"
    assert t.text() == ("eta < 1/(1 - lam) for 0 < lam <= 1/2, eta < 1/lam for 1/2 <= lam < 1; "
                        f"at lam = 0: {undecided}; at lam = 1: {undecided}")
    half_open = step_threshold(stab.conditions, F.step, {lam: sp.Interval.Lopen(0, 1)})
    assert half_open.text().endswith(f"1/2 <= lam < 1; at lam = 1: {undecided}")
    # the origin, a saddle for lam < 1 (eigenvalue 1 + eta (1 - lam)), is never stable there
    origin = F.linear_stability({a: 0, b: 0})
    assert step_threshold(origin.conditions, F.step, {lam: sp.Interval.Ropen(0, 1)}).text() \
        == "never stable under the assumptions; at lam = 0: never stable"


def test_derive_says_when_the_linear_test_cannot_decide(capsys):
    """lam = 1: the origin is the minimum, eigenvalues 1 and 1 - 2 eta; "stable iff False" would
    read as unstable. The saddle of (ab - 1)^2/2 (eigenvalue 1 + eta) stays "stable iff False"."""
    assert main(["derive", "--loss", "(a*b-1)**2/2 + 1/2*(a**2+b**2)", "--params", "a b",
                 "--step", "eta"]) == 0
    out = capsys.readouterr().out
    assert "an eigenvalue is +-1 for every step: the linear test cannot decide (the others are " \
        "inside the unit disc iff eta < 1)" in out
    assert main(["derive", "--loss", "(a*b-1)**2/2", "--params", "a b", "--step", "eta"]) == 0
    assert "point (a = 0, b = 0): eigenvalues 1 - eta, eta + 1; stable iff False" in \
        capsys.readouterr().out
