"""Catalogue online-gd: every claim holds at the quick budget with the verdict and scope it had
before the split into a package; exact evidence at instances only is ``verified`` with that
scope; claim mutants are killed."""

import pytest

from proofs_check import check
from proofs_check.claims import online_gd as cog
from proofs_check.claims.online_gd.householder import eig_steps
from proofs_check.evidence import argument
from proofs_check.registry import discover

BY_ID = {c.id: c for c in cog.CLAIMS}
#: every claim except the numerical delta.chunked is proved as stated
PROVED = {"delta.gd_step", "delta.residual", "delta.eigenvalues", "delta.norm",
          "delta.reflection", "delta.product", "delta.product.rank", "delta.product.complex",
          "delta.parity", "delta.wy"}


@pytest.mark.parametrize("claim", cog.CLAIMS, ids=[c.id for c in cog.CLAIMS])
def test_claim_holds_quick(claim):
    res = check(claim, budget="quick", seed=0)
    if claim.id in PROVED:
        assert (res.status, res.scope) == ("proved", "as stated"), (res.status, res.message)
    else:
        assert res.status == "verified", (res.status, res.message)


def test_the_registry_reads_the_package():
    cat = discover()
    assert not {k: v for k, v in cat.errors.items() if "online_gd" in k}
    assert sorted(c.id for c in cat.select(model="online-gd")) == sorted(BY_ID)
    assert cog.TABLES == {} and cog.PLOTS == {}


def test_instance_evidence_alone_is_verified_with_its_scope():
    from proofs_check import Claim

    c = BY_ID["delta.eigenvalues"]
    only = Claim(id=c.id + ".instances", statement=c.statement, forall=c.forall,
                 evidence=[argument(eig_steps, "instances", at={"d": (2, 3)})])
    res = check(only)
    assert res.status == "verified" and res.scope == "exact at d in {2, 3}"


def test_claim_mutants_are_killed():
    from proofs_check.mutants import run_mutants

    report = run_mutants(cog.CLAIMS, budget="quick", seed=0)
    survivors = {s: v for c in report.claims for s, v in c.survivors.items()}
    assert report.total >= 19 and report.rate >= 0.95, (report.killed, report.total, survivors)
