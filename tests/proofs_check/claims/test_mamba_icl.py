"""Tests of the mamba-icl catalogue: structure, selected verdicts, mutations, tables, plots."""

import math

import pytest
import sympy as sp

from proofs_check import check
from proofs_check.claims import mamba_icl as cat
from proofs_check.registry import discover
from theory.models import mamba_icl as mi

BY_ID = {c.id: c for c in cat.CLAIMS}


def test_catalogue_structure():
    assert cat.MODEL == "mamba-icl"
    ids = [c.id for c in cat.CLAIMS]
    assert len(ids) == len(set(ids)) >= 45
    prefixes = ("mamba.setup.", "mamba.forward.", "mamba.loss.", "mamba.solution.", "mamba.rate.")
    assert all(i.startswith(prefixes) for i in ids)
    assert all(any(i.startswith(p) for i in ids) for p in prefixes)
    assert all("arXiv 2509.23779" in c.source and "section" in c.source for c in cat.CLAIMS)
    assert set(cat.TABLES) == {"mamba-constants", "mamba-rates"}
    assert len(cat.PLOTS) == 3


def test_registry_finds_the_model():
    found = discover(modules=["proofs_check.claims.mamba_icl"])
    assert "mamba.rate.s6_gd" in found.claims and found.models["mamba.rate.s6_gd"] == "mamba-icl"
    assert "mamba-constants" in found.tables


@pytest.mark.parametrize("claim_id", [
    "mamba.forward.closed_form", "mamba.loss.population", "mamba.solution.minimiser",
    "mamba.solution.ratio_bound", "mamba.rate.balanced_multiplier", "mamba.rate.threshold_order",
    "mamba.solution.ratio_constant", "mamba.loss.rho"])
def test_exact_claims_are_proved(claim_id):
    assert check(BY_ID[claim_id], "quick", 0).status == "proved"


@pytest.mark.parametrize("claim_id", ["mamba.rate.balanced_rate", "mamba.forward.scan",
                                      "mamba.rate.threshold_main"])
def test_numeric_claims_are_verified(claim_id):
    r = check(BY_ID[claim_id], "quick", 0)
    assert r.status == "verified" and r.evidence[0].kind == "numeric"


def test_wrong_gamma_star_is_refuted():
    r = check(cat.gamma_star_claim(mi.s1 / (mi.alpha + mi.s2)), "quick", 0)
    assert r.status == "refuted" and r.counterexample


def test_wrong_rate_is_refuted():
    assert check(cat.balanced_rate_claim(lambda x: (1 - x) ** 2), "quick", 0).status == "refuted"
    assert check(cat.multiplier_claim(1 - mi.eta * mi.s1), "quick", 0).status == "refuted"


def test_wrong_threshold_is_refuted():
    ev = cat.ev.computed(lambda b, s: cat._threshold_main(b, s, claimed=lambda c: 2 / c["s1"]),
                     "wrong threshold")
    assert ev.run("quick", 0).status == "refuted"


def test_float_constants_match_exact_theory():
    for d, N, k, disc, sig in [(2, 20, math.log(2), "zoh", 0), (5, 7, 1.5, "euler", 0.5)]:
        exact = mi.constants(d, N, sp.nsimplify(k) if k != math.log(2) else None, disc,
                             sp.nsimplify(sig))
        flt = cat.float_constants(d, N, k, disc, sig)
        for key in ("s1", "n_rho", "alpha", "gamma_star", "L_star", "L_star_TF", "eta_v"):
            assert math.isclose(flt[key], float(exact[key]), rel_tol=1e-10), key


def test_table_constants_and_options():
    t = cat.table_constants()
    assert len(t.rows) == 20 and t.columns[-1] == "2/(k2 gamma*)"
    row = t.rows[0]  # d = 2, N = 10
    assert 1 <= row[8] <= row[3] < 1.0398
    t2 = cat.table_constants(d="3", N="5", kappa="1.2", discretisation="euler", sigma="0.5")
    assert t2.rows[0][:2] == [3, 5]
    for opts, msg in [({"d": "x"}, "not an integer"), ({"kappa": "-1"}, "> 0"),
                      ({"discretisation": "rk"}, "zoh"), ({"sigma": "nan"}, "finite")]:
        with pytest.raises(ValueError, match=msg):
            cat.table_constants(**opts)


def test_readout_cosine_plot():
    fig = cat.plot_readout_cosine(budget="quick", seed=0, d="2", N="12")
    assert len(fig.axes[0].lines) == 2


def test_ratio_margin_detects_violation():
    assert cat.ratio_margin(3, 10, 0.7, "zoh", 0.0) > 0
    assert cat.ratio_margin(3, 1, 0.7, "euler", 1.0) >= 0
