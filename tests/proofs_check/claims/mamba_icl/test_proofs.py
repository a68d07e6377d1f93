"""The exact arguments' building blocks can fail: planted errors are refuted."""

import sympy as sp

from proofs_check import Claim, check
from proofs_check import evidence as ev
from proofs_check.claims.mamba_icl.claims import SIZES
from proofs_check.claims.mamba_icl.identities import _identity
from proofs_check.claims.mamba_icl.loss_proofs import _reduced_moments
from proofs_check.claims.mamba_icl.map_proofs import _b_balanced_slice_general
from proofs_check.claims.mamba_icl.rate_proofs import _b_balanced_multiplier_general
from proofs_check.claims.mamba_icl.solution_proofs import _b_zero_modes_general, _ratio_steps
from theory.models import mamba_icl as mi


def _status(build):
    c = Claim(id="demo.mutant", statement="mutant", evidence=[_identity(build, "mutant")])
    return check(c, "quick", 0).status


def test_general_steps_refute_planted_errors():
    # balanced multiplier 1 - eta s1 instead of 1 - 2 eta s1, in the every-size argument
    assert _status(lambda: _b_balanced_multiplier_general(1 - mi.eta * mi.s1)) == "refuted"
    assert _status(lambda: _b_balanced_multiplier_general()) == "proved"
    # balanced slice with the wrong exponent
    g = mi.gamma
    assert _status(lambda: _b_balanced_slice_general(
        g * (1 - mi.eta * (mi.alpha * g - mi.s1)))) == "refuted"


def test_lagrange_induction_step_can_fail():
    steps = _ratio_steps()
    assert [check(Claim(id="demo.s", statement="s", evidence=[s]), "quick", 0).status
            for s in steps] == ["proved"] * 4
    N, rho = mi.n, sp.Symbol("rho", positive=True)
    bad = ev.positivity((N * rho - 2) / (1 + rho), substitute={rho: (1 + sp.Symbol(
        "e", nonnegative=True)) / N}, strict=False)
    assert bad.run("quick", 0).status == "refuted"


def test_without_general_sizes_the_scope_is_not_as_stated():
    # the same free-algebra identity without general= does not cover d, d_h
    lhs, rhs = _b_zero_modes_general({"image": 0})
    with_sizes = Claim(id="demo.g", statement="s", forall=SIZES,
                       evidence=[ev.identity(lhs, rhs, general=("d", "d_h"))])
    without = Claim(id="demo.n", statement="s", forall=SIZES, evidence=[ev.identity(lhs, rhs)])
    assert check(with_sizes, "quick", 0).scope == "as stated"
    r = check(without, "quick", 0)
    assert r.status == "verified" and "not covered" in r.scope


def test_reduced_moments_match_the_literal_prediction():
    # the symbolic-d computation at k = d = 1 (no hidden coordinates) equals the literal
    # population_loss_moments (d = d_h = 1, N = 2, noisy query) in the reduced parameters
    L, R = _reduced_moments(1)
    lit, S = mi.population_loss_moments(1, 1, 2, noise=True, query_noise=True)
    red = mi.reduced_parameters(S)
    sub = {R["M"][0]: red["M"][0], R["u"][0]: red["u"][0], R["beta"][0]: red["beta"][0],
           R["p"][0]: red["p"][0], R["t1"]: red["t1"], R["t2"]: red["t2"], R["d"]: 1,
           R["tau"]: mi.sigma, **dict(zip(R["g"], S["g"], strict=True))}
    assert sp.expand(L.xreplace(sub) - lit) == 0
