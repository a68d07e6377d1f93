"""The two-factor catalogue's declarations: every claim holds at the quick budget with the
strength its evidence allows, what each claim quantifies over is covered, planted stretches of the
proofs are not proved, and the claims' mutants are killed."""

import sympy as sp

from proofs_check import Claim, check
from proofs_check import evidence as ev
from proofs_check.claims import two_factor as cat
from proofs_check.claims.two_factor import derived
from proofs_check.claims.two_factor.exact import EXACT
from proofs_check.claims.two_factor.tables import claim as _claim

IDS = [c.id for c in cat.CLAIMS]


def test_package_exports_the_catalogue():
    assert cat.MODEL == "two-factor"
    assert set(cat.TABLES) == {"two-factor-thresholds"}
    assert set(cat.PLOTS) == {"two-factor-bifurcation", "two-factor-plane",
                              "two-factor-ellipse-lyapunov"}
    assert len(cat.CORRECTIONS) == 5


def test_catalogue_shape():
    assert len(IDS) == len(set(IDS)) == 70
    for c in cat.CLAIMS:
        assert c.source.startswith("arXiv 2605.21292, §")
        assert c.model == "two-factor"
    prefixes = {i.split(".")[1] for i in IDS}
    assert prefixes == {"reduction", "basic", "invariant", "slice", "ellipse", "transverse",
                        "catapult", "minibatch"}


def test_no_evidence_class_of_its_own():
    """Evidence comes from the public vocabulary (proofs_check.evidence), not from classes
    defined in the catalogue."""
    for c in cat.CLAIMS:
        for e in c.evidence:
            assert type(e).__module__.startswith("proofs_check.evidence."), (c.id, type(e))


def test_every_claim_holds_at_the_quick_budget():
    """One run of the whole catalogue (~25 s): exact evidence proves, interval evidence
    (Krawczyk enclosures in arb) proves, floating-point evidence verifies."""
    for claim in cat.CLAIMS:
        r = check(claim, "quick", 0)
        kinds = {e.kind for e in claim.evidence}
        want = "proved" if kinds <= {"symbolic", "interval"} else "verified"
        assert r.status == want, (claim.id, r.status, r.message)


def test_every_exact_claim_has_a_mutation():
    no_claimed = {"tf.reduction.model_a", "tf.reduction.model_b"}  # steps come from theory
    assert set(EXACT) <= set(IDS)
    for cid in EXACT:
        if cid not in no_claimed:
            assert EXACT[cid].claimed(), cid


def test_general_statements_declare_what_they_quantify_over():
    want = {"tf.reduction.model_a": {"d"}, "tf.reduction.model_b": {"d", "m"},
            "tf.transverse.cycle_product": {"n"}, "tf.basic.eos": {"mu"},
            "tf.slice.bounded_set": {"mu"}, "tf.catapult.none_above_1": {"mu"},
            "tf.transverse.two_cycles": {"mu"}, "tf.ellipse.cofactor_bound": {"mu"}}
    for cid, names in want.items():
        assert set(_claim(cid).forall) == names, cid
    for cid in want:
        r = check(_claim(cid), "quick", 0)
        assert (r.status, r.scope) == ("proved", "as stated"), (cid, r.status, r.message)


def test_model_a_at_d2_only_is_verified_not_proved():
    """The d = 2 derivation (explicit entries) cannot prove a statement for every d."""
    steps = derived.model().derivation_a.steps
    inst = ev.argument([ev.identity(st.lhs, st.rhs, description=st.statement) for st in steps],
                       "Model-A reduction at d = 2", at={"d": 2})
    claim = Claim(id="x.model_a_d2", statement="every d", forall={"d": "every d >= 1"},
                  evidence=[inst])
    r = check(claim, "quick", 0)
    assert (r.status, r.scope) == ("verified", "exact at d in {2}")


def test_wider_ranges_are_refuted_or_not_proved():
    """Planted: the same proofs stretched beyond what holds."""
    mu = derived.mu
    # |3 - 2mu| < 1 fails above mu = 2: a sign fact on (0, 3) is refuted with a witness
    r = ev.sign_fact(1 + (3 - 2 * mu), mu, 0, 3).run("quick", 0)
    assert r.status == "refuted" and sp.Rational(r.counterexample["mu"]) > 2
    # the stable segment needs mu < 1
    assert ev.sign_fact(1 - mu**2, mu, 0, 2).run("quick", 0).status == "refuted"
    # no catapult above 1 does not extend below 1
    assert ev.sign_fact(2 * mu - 2, mu, sp.Rational(1, 2), sp.oo).run("quick", 0).status \
        == "refuted"
    # a proof whose sign facts cover (1, sqrt5 - 1) does not prove a statement on (1, 3)
    two = _claim("tf.transverse.two_cycles")
    wide = Claim(id="x.wide", statement="...", evidence=two.evidence, forall={"mu": ("1", "3")})
    r = check(wide, "quick", 0)
    assert r.status == "verified" and r.scope != "as stated"


def test_model_kill_rate_at_least_95_percent():
    """Every mutable claim of the model, quick budget (~25 s): the kill rate is >= 0.95."""
    from proofs_check.mutants import run_mutants

    report = run_mutants(cat.CLAIMS, "quick", 0)
    assert report.total >= 300
    assert report.rate >= 0.95, {c.claim_id: c.survivors for c in report.claims if c.survivors}
