"""The two-factor catalogue: every claim holds in the quick budget; mutations are refuted."""

import time

import numpy as np
import pytest
import sympy as sp

from proofs_check import check
from proofs_check.claims import two_factor as cat

IDS = [c.id for c in cat.CLAIMS]


def test_catalogue_shape():
    assert cat.MODEL == "two-factor"
    assert len(IDS) == len(set(IDS)) >= 55
    for c in cat.CLAIMS:
        assert c.source.startswith("arXiv 2605.21292, §")
        assert c.model == "two-factor"
    prefixes = {i.split(".")[1] for i in IDS}
    assert prefixes == {"reduction", "basic", "invariant", "slice", "ellipse", "transverse",
                        "catapult", "minibatch"}


_SLOW = time.perf_counter()


@pytest.mark.parametrize("claim", cat.CLAIMS, ids=IDS)
def test_claim_holds_quick(claim):
    r = check(claim, "quick", 0)
    assert r.status in ("proved", "verified"), (r.status, r.message, r.evidence[-1].details)
    if all(e.kind == "symbolic" for e in claim.evidence):
        assert r.status == "proved"
    else:
        assert r.status == "verified"


MUTATIONS = [(cid, name) for cid, spec in cat.EXACT.items() for name in spec.claimed()]


@pytest.mark.parametrize(("claim_id", "name"), MUTATIONS, ids=[f"{c}:{n}" for c, n in MUTATIONS])
def test_mutated_exact_claim_is_refuted(claim_id, name):
    r = cat.mutated(claim_id, name).run("quick", 0)
    assert r.status == "refuted", (r.status, r.method)


def test_every_exact_claim_has_a_mutation():
    no_claimed = {"tf.reduction.model_a", "tf.reduction.model_b"}  # steps come from theory
    for cid in cat.EXACT:
        if cid not in no_claimed:
            assert cat.EXACT[cid].claimed(), cid


def test_derivation_steps_mutated_are_refuted():
    from proofs_check.evidence.symbolic import Identity

    st = cat._tf().derivation_a.steps[1]
    bad = Identity(st.lhs, (st.rhs[0] + cat.mu, st.rhs[1]))
    assert bad.run("quick", 0).status == "refuted"


def test_signfact_decides_exactly():
    x = cat.x
    assert cat.SignFact("", 8 - (2 + x) ** 2, x, 0, 2 * sp.sqrt(2) - 2).decide()[0]
    assert not cat.SignFact("", 8 - (2 + x) ** 2, x, 0, 2 * sp.sqrt(2) - 2 + sp.Rational(1, 100)
                            ).decide()[0]


def test_wrong_numeric_constant_is_refuted():
    from proofs_check.evidence.numeric import Estimate

    claim = next(c for c in cat.CLAIMS if c.id == "tf.slice.mu_inf")
    ev = claim.evidence[0]
    wrong = Estimate(ev.compute, float(cat.MU_INF) + 1e-8, tol=1e-10)
    assert wrong.run("quick", 0).status == "refuted"


def test_measured_numbers():
    S = cat.superstable(10)
    ratio = float((S[9] - S[8]) / (S[10] - S[9]))
    assert abs(ratio - cat.FEIGENBAUM_DELTA) < 1e-5
    D = cat.doubling_points(6)
    assert abs(float(D[1]) - (5**0.5 - 1)) < 1e-30 + 1e-15
    assert abs(float(cat.period3_saddle_node()[0]) - float(cat.MU_3)) < 1e-12
    m = np.array([0.3, 1.0, 1.5, 1.9])
    q = np.array([cat.ellipse_lyapunov_quadrature(float(t)) for t in m])
    assert np.max(np.abs(q - cat.ellipse_lyapunov_closed(m))) < 1e-12


def test_table_rows_are_ordered_with_ten_digits():
    t = cat.TABLES["two-factor-thresholds"](verdicts="no", digits="12")
    values = [float(r[2]) for r in t.rows]
    assert values == sorted(values)
    assert sum("doubling" in r[0] for r in t.rows) == 6
    assert all(len(r[2].replace(".", "").lstrip("0")) >= 10 for r in t.rows)
    with pytest.raises(ValueError):
        cat.TABLES["two-factor-thresholds"](digits="5")


@pytest.mark.parametrize("name", sorted(cat.PLOTS))
def test_plots_render(name):
    opts = {"two-factor-bifurcation": {"n_mu": "40"},
            "two-factor-plane": {"n": "30", "mus": "0.5,1.5"},
            "two-factor-ellipse-lyapunov": {"n_mu": "4", "steps": "1000"}}[name]
    fig = cat.PLOTS[name](budget="quick", seed=0, **opts)
    assert fig.axes
