"""Catalogue matrix-factorization: every claim holds at the quick budget with the verdict and
scope it had before the split into a package; exact evidence at instances only is ``verified``
with that scope; claim mutants are killed."""

import pytest

from proofs_check import check
from proofs_check.claims import matrix_factorization as cmf
from proofs_check.claims.matrix_factorization.deep import dmf_gd_steps, dmf_ode_steps
from proofs_check.evidence import argument
from proofs_check.registry import discover

BY_ID = {c.id: c for c in cmf.CLAIMS}

#: the claims proved before the proof vocabulary, and what they are now: "proved" (as stated)
#: or the scope of the exact evidence when it covers only explicit sizes
PREVIOUSLY_PROVED = {
    "mf.flow": "proved", "mf.riccati": "proved", "mf.closed_form": "proved",
    "mf.inverse_form": "proved", "mf.aligned": "proved", "mf.aligned.half_time": "proved",
    "mf.aligned.width": "proved", "mf.gd.two_cycle": "proved", "dmf.ode": "proved",
    "dmf.half_time.asymptotic": "proved", "dmf.gd": "proved",
    "mf.rank_deficient": "exact at (k, r) in {(2, 1), (3, 1), (3, 2), (4, 2), (4, 3)}",
    "mf.gd.sharpness": "exact at (n, r) in {(1, 1), (1, 2), (2, 1), (2, 2)}",
    "mf.gd.stability": "exact at (n, r) in {(1, 1), (1, 2), (2, 1), (2, 2)}",
}


@pytest.mark.parametrize("claim", cmf.CLAIMS, ids=[c.id for c in cmf.CLAIMS])
def test_claim_holds_quick(claim):
    res = check(claim, budget="quick", seed=0)
    assert res.status in ("proved", "verified"), (res.status, res.message, res.evidence[-1])
    want = PREVIOUSLY_PROVED.get(claim.id)
    if want == "proved":
        assert (res.status, res.scope) == ("proved", "as stated"), (res.status, res.message)
    elif want is not None:
        assert res.status == "verified", (res.status, res.message)
        exact = [e for e in res.evidence if e.kind == "symbolic"]
        assert exact and all(e.status == "verified" and e.scope == want for e in exact)
        assert want in res.scope
    else:   # numerical evidence only
        assert res.status == "verified"


def test_the_registry_reads_the_package():
    cat = discover()
    assert not {k: v for k, v in cat.errors.items() if "matrix_factorization" in k}
    assert "matrix-factorization" in cat.model_names()
    assert set(cmf.TABLES) == {"mf-learning-times"} and set(cmf.PLOTS) == {"mf-staircase",
                                                                          "mf-loss"}
    assert {"mf-learning-times"} <= set(cat.tables) and {"mf-staircase", "mf-loss"} <= set(
        cat.plots)
    assert sorted(c.id for c in cat.select(model="matrix-factorization")) == sorted(BY_ID)


def test_instance_evidence_alone_is_verified_with_its_scope():
    from proofs_check import Claim

    for cid, fn, at, var in (("dmf.ode", dmf_ode_steps, (2, 3, 4, 5), "N"),
                             ("dmf.gd", dmf_gd_steps, (2, 3, 4, 5), "N")):
        c = BY_ID[cid]
        only = Claim(id=c.id + ".instances", statement=c.statement, forall=c.forall,
                     evidence=[argument(fn, "instances", at={var: at})])
        res = check(only)
        assert res.status == "verified"
        assert res.scope == f"exact at {var} in {{{', '.join(map(str, at))}}}"


def test_claim_mutants_are_killed():
    from proofs_check.mutants import run_mutants

    report = run_mutants(cmf.CLAIMS, budget="quick", seed=0)
    survivors = {s: v for c in report.claims for s, v in c.survivors.items()}
    assert report.total >= 19 and report.rate >= 0.95, (report.killed, report.total, survivors)
