"""Tests of the mamba-icl catalogue: structure, selected verdicts, mutations, tables, plots."""

import math
import time
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


def test_reduced_moments_match_the_literal_prediction():
    # the symbolic-d computation at k = d = 1 (no hidden coordinates) equals the literal
    # population_loss_moments (d = d_h = 1, N = 2, noisy query) in the reduced parameters
    L, R = cat._reduced_moments(1)
    lit, S = mi.population_loss_moments(1, 1, 2, noise=True, query_noise=True)
    red = mi.reduced_parameters(S)
    sub = {R["M"][0]: red["M"][0], R["u"][0]: red["u"][0], R["beta"][0]: red["beta"][0],
           R["p"][0]: red["p"][0], R["t1"]: red["t1"], R["t2"]: red["t2"], R["d"]: 1,
           R["tau"]: mi.sigma, **dict(zip(R["g"], S["g"], strict=True))}
    assert sp.expand(L.xreplace(sub) - lit) == 0


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


def test_general_steps_refute_planted_errors():
    from proofs_check import Claim

    def status(build):
        c = Claim(id="demo.mutant", statement="mutant", evidence=[cat._identity(build, "mutant")])
        return check(c, "quick", 0).status

    # balanced multiplier 1 - eta s1 instead of 1 - 2 eta s1, in the every-size argument
    assert status(lambda: cat._b_balanced_multiplier_general(1 - mi.eta * mi.s1)) == "refuted"
    # balanced slice with the wrong exponent
    g = mi.gamma
    assert status(lambda: cat._b_balanced_slice_general(
        g * (1 - mi.eta * (mi.alpha * g - mi.s1)))) == "refuted"


def test_online_gd_euler_step_delta_is_refuted():
    # the spec's "step Delta" for Euler: GD with scale 1 on the surrogate is not the readout update
    c = BY_ID["mamba.forward.online_gd"]
    wrong = replace(c, claimed={**c.claimed, "s_euler": sp.Integer(1)}, evidence=())
    assert check(wrong, "quick", 0).status == "refuted"
    assert check(c, "quick", 0).status == "proved"


def test_lagrange_induction_step_can_fail():
    steps = cat._ratio_steps()
    assert [check(cat.Claim(id="demo.s", statement="s", evidence=[s]), "quick", 0).status
            for s in steps] == ["proved"] * 4
    N, rho = mi.n, sp.Symbol("rho", positive=True)
    bad = cat.ev.positivity((N * rho - 2) / (1 + rho), substitute={rho: (1 + sp.Symbol(
        "e", nonnegative=True)) / N}, strict=False)
    assert bad.run("quick", 0).status == "refuted"


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
    ("mamba.rate.s6_gd", "rate", (1 - cat._ES1) ** 2),
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
    wrong = replace(c, claimed={**c.claimed, "v": (1 - mi.eta * mi.k2 * cat._GS / 2) ** 2},
                    evidence=())
    assert check(wrong, "quick", 0).status == "refuted"


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


def test_without_general_sizes_the_scope_is_not_as_stated():
    # the same free-algebra identity without general= does not cover d, d_h
    from proofs_check import Claim

    lhs, rhs = cat._b_zero_modes_general({"image": 0})
    with_sizes = Claim(id="demo.g", statement="s", forall=cat._SIZES,
                       evidence=[cat.ev.identity(lhs, rhs, general=("d", "d_h"))])
    without = Claim(id="demo.n", statement="s", forall=cat._SIZES,
                    evidence=[cat.ev.identity(lhs, rhs)])
    assert check(with_sizes, "quick", 0).scope == "as stated"
    r = check(without, "quick", 0)
    assert r.status == "verified" and "not covered" in r.scope


def test_free_algebra_helpers():
    P, Pt, Q, Qt = cat._nc("P P^T Q Q^T")
    T = cat._transposes()
    assert cat._nc_transpose(Q * (mi.alpha * Qt * P - mi.s1), T) == sp.expand(
        (mi.alpha * Pt * Q - mi.s1) * Qt)
    M = cat._model(2, 3)
    E = cat._nc_eval(mi.alpha * Qt * P - mi.s1, cat._explicit_env(M))
    assert E == M.error()


# ---- options of tables and plots ----------------------------------------------------------------
@pytest.mark.parametrize("fn, opts, msg", [
    (cat.table_constants, {"kappa": "1e308"}, "--kappa"),
    (cat.table_constants, {"kappa": "inf"}, "--kappa"),
    (cat.table_constants, {"kappa": "0"}, "--kappa"),
    (cat.table_constants, {"sigma": "1e300"}, "--sigma"),
    (cat.table_constants, {"d": "1" + "0" * 5000}, "--d"),
    (cat.table_constants, {"N": "99999999999"}, "--N"),
    (cat.table_constants, {"N": ",".join(["5"] * 51)}, "--N"),
    (cat.table_constants, {"N": "10", "kappa": "1e-12"}, "--kappa"),
    (cat.table_constants, {"d": "2.5"}, "--d"),
    (cat.table_constants, {"d": True}, "--d"),
    (cat.table_rates, {"seed": "-1"}, "--seed"),
    (cat.table_rates, {"seed": "x"}, "--seed"),
    (cat.table_rates, {"budget": "huge"}, "--budget"),
    (cat.plot_loss_vs_N, {"d": "1000"}, "--d"),
    (cat.plot_loss_vs_N, {"N": "5,100000"}, "--N"),
    (cat.plot_loss_vs_N, {"seed": -1}, "--seed"),
    (cat.plot_readout_cosine, {"N": "10000000"}, "--N"),
    (cat.plot_readout_cosine, {"d": "2,3"}, "--d"),
    (cat.plot_readout_cosine, {"budget": "slow"}, "--budget"),
    (cat.plot_loss_curves, {"batch": "0"}, "--batch"),
    (cat.plot_loss_curves, {"batch": str(2**40)}, "--batch"),
])
def test_hostile_options_are_refused(fn, opts, msg):
    with pytest.raises(ValueError, match=msg):
        fn(**opts)


@pytest.mark.parametrize("fn", [cat.table_constants, cat.table_rates, cat.plot_loss_vs_N,
                                cat.plot_readout_cosine, cat.plot_loss_curves])
def test_unknown_options_are_refused(fn):
    import inspect

    assert not any(p.kind is p.VAR_KEYWORD for p in inspect.signature(fn).parameters.values())
    with pytest.raises(TypeError):
        fn(bogus="1")


def test_cli_turns_a_bad_option_into_exit_2(capsys):
    from proofs_check.cli import main

    assert main(["table", "mamba-constants", "--kappa", "1e308"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--kappa" in err and len(err.splitlines()) == 1
