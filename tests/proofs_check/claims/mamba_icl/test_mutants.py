"""Wrong statements are refuted: the parametrised claims of claims.py and the claim mutants."""

import time
from dataclasses import replace

import pytest
import sympy as sp

from proofs_check import check
from proofs_check.claims import mamba_icl as cat
from proofs_check.claims.mamba_icl.formulas import _ES1, _GS
from theory.models import mamba_icl as mi

BY_ID = {c.id: c for c in cat.CLAIMS}


def test_wrong_gamma_star_is_refuted():
    r = check(cat.gamma_star_claim(mi.s1 / (mi.alpha + mi.s2)), "quick", 0)
    assert r.status == "refuted" and r.counterexample


def test_wrong_rate_is_refuted():
    assert check(cat.balanced_rate_claim(lambda x: (1 - x) ** 2), "quick", 0).status == "refuted"
    assert check(cat.multiplier_claim(1 - mi.eta * mi.s1), "quick", 0).status == "refuted"


def _true_k2(d, s1, s2, sig):
    return ((d + sig**2) ** 2 + 2 * d) * (s1**2 + 2 * s2)


def _true_kB(d, s1, s2, sig):
    return (d + sig**2) * s2


def test_population_loss_wrong_only_for_d_at_least_3_is_refuted():
    # k2 + c (d-1)(d-2) agrees with the true k2 at d = 1, 2 (where the old check stopped)
    def wrong(d, s1, s2, sig):
        return _true_k2(d, s1, s2, sig) + sp.Rational(1, 3) * (d - 1) * (d - 2)

    r = check(cat.population_claim(k2_rule=wrong, kB_rule=_true_kB), "quick", 0)
    assert r.status == "refuted"
    d = sp.Rational(r.counterexample["d"])
    assert d.is_integer and d >= 3
    ok = check(cat.population_claim(k2_rule=_true_k2, kB_rule=_true_kB), "quick", 0)
    assert ok.status == "proved" and ok.scope == "as stated"


@pytest.mark.parametrize("k2_rule, kB_rule", [
    (lambda d, s1, s2, sig: d * (d + 2) * (s1**2 + 2 * s2), _true_kB),  # the spec's sigma = 0 k2
    (_true_k2, lambda d, s1, s2, sig: d * s2),                          # the spec's kB
    (lambda d, s1, s2, sig: _true_k2(d, s1, s2, sig) + (d - 1) * (d - 2) * (d - 3) * (d - 4) * s2,
     _true_kB),                                                        # wrong only for d >= 5
])
def test_population_loss_mutations_are_refuted(k2_rule, kB_rule):
    r = check(cat.population_claim(k2_rule=k2_rule, kB_rule=kB_rule), "quick", 0)
    assert r.status == "refuted" and r.counterexample


def test_gamma_star_factory_proves_the_true_optimum_and_refutes_wrong_ones():
    s1, s2, sig, d = mi.s1, mi.s2, mi.sigma, mi.dim
    assert check(cat.gamma_star_claim(), "quick", 0).status == "proved"
    spelled = s1 / (s1**2 + (d + 1 + sig**2) * s2)
    r = check(cat.gamma_star_claim(spelled), "quick", 0)
    assert r.status == "proved" and r.scope == "as stated"
    assert check(cat.gamma_star_claim(s1 / (s1**2 + (4 + sig**2) * s2), d=3),
                 "quick", 0).status == "proved"
    for wrong, dd in [(s1 / (s1**2 + (3 + sig**2) * s2), 3), (s1 / (s1**2 + (d + sig**2) * s2),
                                                              None), (s1 / (2 * mi.alpha), None)]:
        r = check(cat.gamma_star_claim(wrong, d=dd), "quick", 0)
        assert r.status == "refuted" and r.counterexample


def test_online_gd_euler_step_delta_is_refuted():
    # the spec's "step Delta" for Euler: GD with scale 1 on the surrogate is not the readout update
    c = BY_ID["mamba.forward.online_gd"]
    wrong = replace(c, claimed={**c.claimed, "s_euler": sp.Integer(1)}, evidence=())
    assert check(wrong, "quick", 0).status == "refuted"
    assert check(c, "quick", 0).status == "proved"


def test_a_wrong_readout_step_is_refuted_exactly_and_by_the_scan():
    # the readout's claimed update (the theory's readout_step) with a^2 for a
    for cid in ("mamba.forward.readout", "mamba.forward.readout_scan"):
        c = BY_ID[cid]
        wrong = c.claimed["update"].xreplace({mi.a: mi.a**2})
        mutant = replace(c, claimed={**c.claimed, "update": wrong}, evidence=())
        assert check(mutant, "quick", 0).status == "refuted", cid


# ---- claim mutants: the evidence kills perturbed statements -------------------------------------
#: claims without claimed values, and why (see the report of the mutant run)
NOT_MUTABLE = {"mamba.rate.threshold_order"}  # strict orderings with slack >= 1/3 at every d
#: left out of the fast subset for time (symbolic refutations of radicals, Monte-Carlo and
#: training runs: ~45 s together); the slow test runs the whole model
SLOW_MUTANTS = {"mamba.loss.rho", "mamba.loss.population_mc", "mamba.loss.scalar_split",
                "mamba.loss.normalisation", "mamba.solution.minimiser", "mamba.rate.s6_gd",
                "mamba.rate.s6_sgd"}


def test_every_claim_but_the_orderings_declares_mutable_values():
    from proofs_check.mutants import mutants_of

    for c in cat.CLAIMS:
        mutants, reason = mutants_of(c)
        assert bool(mutants) == (c.id not in NOT_MUTABLE), (c.id, reason)


def test_mutants_of_a_representative_subset_are_killed():
    from proofs_check.mutants import run_mutants

    claims = [c for c in cat.CLAIMS if c.id not in SLOW_MUTANTS | NOT_MUTABLE]
    start = time.perf_counter()
    report = run_mutants(claims, "quick", 0)
    elapsed = time.perf_counter() - start
    survivors = {k: v for c in report.claims for k, v in c.survivors.items()}
    assert report.total >= 250 and report.rate >= 0.95, survivors
    assert elapsed < 120, elapsed  # ~35 s on 2 cores


@pytest.mark.slow
def test_mutants_of_the_whole_model_are_killed():
    from proofs_check.mutants import run_mutants

    report = run_mutants(cat.CLAIMS, "quick", 0)
    survivors = {k: v for c in report.claims for k, v in c.survivors.items()}
    assert report.total >= 350 and report.rate >= 0.95, survivors


@pytest.mark.parametrize("claim_id, name, wrong", [
    ("mamba.loss.rho", "rho", 11 * mi.n_rho_closed_form() / (10 * mi.n)),
    ("mamba.rate.s6_gd", "rate", (1 - _ES1) ** 2),
    ("mamba.loss.population_mc", "kB", mi.dim * mi.s2),  # the spec's noise-free kB
    ("mamba.loss.scalar_split", "mu", 2 * mi.eta * mi.s1),
])
def test_slow_claims_refute_a_wrong_value(claim_id, name, wrong):
    c = BY_ID[claim_id]
    assert name in c.claimed
    mutant = replace(c, claimed={**c.claimed, name: wrong}, evidence=())
    assert check(mutant, "quick", 0).status == "refuted"


def test_nuisance_rate_checks_every_block():
    # a wrong non-binding block (here v) is caught by its single-block lanes
    c = BY_ID["mamba.rate.nuisance_rate"]
    wrong = replace(c, claimed={**c.claimed, "v": (1 - mi.eta * mi.k2 * _GS / 2) ** 2},
                    evidence=())
    assert check(wrong, "quick", 0).status == "refuted"
