"""The mamba-icl catalogue's claims: structure, registry, verdicts and the scope of each proof."""

import math
from dataclasses import replace

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


def test_sections_are_in_order():
    # model_statements: sections 1-3, dynamics_statements: 4-5; CLAIMS joins them in order
    sections = [c.source.rsplit("section ", 1)[1][0] for c in cat.CLAIMS]
    assert sections == sorted(sections)


def test_registry_finds_the_model():
    found = discover(modules=["proofs_check.claims.mamba_icl"])
    assert "mamba.rate.s6_gd" in found.claims and found.models["mamba.rate.s6_gd"] == "mamba-icl"
    assert "mamba-constants" in found.tables and "mamba-loss-curves" in found.plots


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


# ---- scope: what each exact claim covers (statements for every d, d_h, N) -----------------------
PREVIOUSLY_PROVED = [
    "mamba.setup.discretisation", "mamba.setup.gates", "mamba.setup.c_unused",
    "mamba.forward.closed_form", "mamba.forward.readout", "mamba.forward.online_gd",
    "mamba.forward.surrogate_vs_lms", "mamba.forward.preconditioned_step", "mamba.loss.gate_sums",
    "mamba.loss.s1_ln2", "mamba.loss.rho", "mamba.loss.population",
    "mamba.loss.nuisance_invariant", "mamba.loss.gradients", "mamba.loss.reduced_map",
    "mamba.loss.normalisation", "mamba.loss.scalar_split", "mamba.loss.balanced_slice",
    "mamba.solution.minimiser", "mamba.solution.loss_value", "mamba.solution.tf_loss",
    "mamba.solution.ratio_bound", "mamba.solution.ratio_constant", "mamba.solution.saddle",
    "mamba.solution.zero_modes", "mamba.solution.low_rank_value", "mamba.rate.logistic",
    "mamba.rate.balanced_multiplier", "mamba.rate.unbalanced_multipliers",
    "mamba.rate.stability", "mamba.rate.threshold_v", "mamba.rate.threshold_bB",
    "mamba.rate.threshold_bC", "mamba.rate.threshold_order"]


@pytest.mark.parametrize("claim_id", PREVIOUSLY_PROVED)
def test_general_claims_are_proved_as_stated(claim_id):
    r = check(BY_ID[claim_id], "quick", 0)
    assert r.status == "proved" and r.scope == "as stated", (r.status, r.scope, r.message)


# claims proved by a general argument that also carry an explicit-size identity: the identity is
# its own evidence, marked at its sizes; inside the argument it would be listed as a step of the
# general proof and its sizes would read as covered
CROSS_CHECKED = [
    "mamba.setup.c_unused", "mamba.forward.readout", "mamba.forward.online_gd",
    "mamba.forward.surrogate_vs_lms", "mamba.forward.preconditioned_step",
    "mamba.loss.nuisance_invariant", "mamba.loss.gradients", "mamba.loss.reduced_map",
    "mamba.loss.normalisation", "mamba.loss.balanced_slice", "mamba.solution.saddle",
    "mamba.solution.zero_modes", "mamba.rate.logistic", "mamba.rate.unbalanced_multipliers",
    "mamba.rate.threshold_v", "mamba.rate.threshold_bB", "mamba.rate.threshold_bC"]


@pytest.mark.parametrize("claim_id", CROSS_CHECKED)
def test_explicit_size_checks_are_their_own_evidence(claim_id):
    from proofs_check.evidence.certificates import _instance_names

    r = check(BY_ID[claim_id], "quick", 0)
    general, *checks = r.evidence
    assert general.status == "proved" and general.scope == "as stated"
    assert not _instance_names(general.certificate)
    assert checks and all(e.status == "verified" and e.scope.startswith("exact at")
                          for e in checks), [(e.status, e.scope) for e in checks]


def test_the_general_argument_reads_the_claimed_factor():
    # a w_N: the induction itself must refute another factor, not only the N = 3 cross-check
    # (proved by one evidence and refuted by the other would be an error, not a refutation)
    c = BY_ID["mamba.forward.preconditioned_step"]
    r = check(replace(c, claimed={**c.claimed, "factor": mi.a**2}, evidence=()), "quick", 0)
    assert r.status == "refuted"
    assert [e.status for e in r.evidence] == ["refuted", "refuted"]


@pytest.mark.parametrize("claim_id, forall", [
    ("mamba.loss.population", {"d", "d_h", "N"}), ("mamba.solution.minimiser", {"d"}),
    ("mamba.solution.ratio_bound", {"d", "N"}), ("mamba.setup.gates", {"N"}),
    ("mamba.loss.gate_sums", {"N"}), ("mamba.solution.low_rank_value", {"d", "d_h"})])
def test_general_statements_declare_their_quantifiers(claim_id, forall):
    assert set(BY_ID[claim_id].forall) == forall


@pytest.mark.parametrize("claim_id", ["mamba.setup.step", "mamba.loss.limits"])
def test_limits_are_only_verified(claim_id):
    # a limit N -> oo has no certificate in the proof vocabulary: float evidence at N = 10^j
    # against proven remainder bounds
    r = check(BY_ID[claim_id], "quick", 0)
    assert r.status == "verified" and r.evidence[0].kind == "numeric" and "points" in r.scope


# ---- sizes: identities in non-commutative symbols cover every d, d_h ----------------------------
GENERAL_SIZES = [
    "mamba.setup.c_unused", "mamba.forward.closed_form", "mamba.forward.readout",
    "mamba.loss.population", "mamba.loss.gradients", "mamba.loss.reduced_map",
    "mamba.loss.normalisation", "mamba.loss.balanced_slice", "mamba.solution.zero_modes",
    "mamba.rate.logistic", "mamba.rate.balanced_multiplier", "mamba.rate.unbalanced_multipliers",
    "mamba.rate.stability", "mamba.rate.threshold_v", "mamba.rate.threshold_bB",
    "mamba.rate.threshold_bC"]


@pytest.mark.parametrize("claim_id", GENERAL_SIZES)
def test_every_size_claims_declare_and_prove_d_and_d_h(claim_id):
    c = BY_ID[claim_id]
    assert {"d", "d_h"} <= set(c.forall)
    r = check(c, "quick", 0)
    assert r.status == "proved" and r.scope == "as stated", (r.status, r.scope, r.message)


def test_claimed_defaults_of_the_forward_pass_are_the_theory_expressions():
    # the readout claims state the theory's step and prediction (one source of truth)
    from proofs_check.claims.mamba_icl import formulas as f

    for cid in ("mamba.forward.readout", "mamba.forward.readout_scan"):
        claimed = BY_ID[cid].claimed
        assert claimed["update"] == mi.readout_step(f._W, f._GX, f._Y, f._C)
        assert claimed["yhat"] == mi.readout_prediction(f._XW)
    claimed = BY_ID["mamba.setup.discretisation"].claimed
    for disc in mi.DISCRETISATIONS:
        # the input factor at a = exp(-Delta) is the theory's discretisation
        assert sp.simplify(claimed[f"c_{disc}"].subs(mi.a, sp.exp(-mi.delta))
                           - mi.discretise(disc)[1]) == 0


def test_a_claimed_rate_that_is_undefined_is_not_verified():
    """A running max(worst, nan) is worst: a NaN claimed rate used to come back verified with
    margin 1e-3. Folded with worst_of, the error is inf and the claim is refuted."""
    from proofs_check import evidence as ev
    from proofs_check.claims.mamba_icl.convergence import _balanced_rates

    good = ev.computed(lambda b, s: _balanced_rates(b, s), "rates").run("quick", 0)
    nan = ev.computed(lambda b, s: _balanced_rates(b, s, rate=lambda x: float("nan")),
                      "rates").run("quick", 0)
    assert good.status == "verified" and nan.status == "refuted" and nan.worst_error == math.inf
