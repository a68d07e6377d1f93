"""Catalogue rates: every claim holds at the quick budget with the verdict it had before the
split into a package (the wd.* claims proved, the pl.* claims verified); mutants are killed."""

import pytest

from proofs_check import check
from proofs_check.claims import rates as crt
from proofs_check.registry import discover

PROVED = {"wd.quadratic", "wd.scalar_factorization"}


@pytest.mark.parametrize("claim", crt.CLAIMS, ids=[c.id for c in crt.CLAIMS])
def test_claim_holds_quick(claim):
    res = check(claim, budget="quick", seed=0)
    if claim.id in PROVED:
        assert (res.status, res.scope) == ("proved", "as stated"), (res.status, res.message)
    else:
        assert res.status == "verified", (res.status, res.message)


def test_the_registry_reads_the_package():
    cat = discover()
    assert not {k: v for k, v in cat.errors.items() if "rates" in k}
    assert sorted(c.id for c in cat.select(model="rates")) == sorted(c.id for c in crt.CLAIMS)
    assert crt.TABLES == {} and crt.PLOTS == {}


def test_claim_mutants_are_killed():
    from proofs_check.mutants import run_mutants

    report = run_mutants(crt.CLAIMS, budget="quick", seed=0)
    survivors = {s: v for c in report.claims for s, v in c.survivors.items()}
    assert report.total >= 4 and report.rate >= 0.95, (report.killed, report.total, survivors)
