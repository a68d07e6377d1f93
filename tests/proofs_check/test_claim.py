"""Verdict combination and honesty: only symbolic and interval evidence can prove."""

import pytest
import sympy as sp

from proofs_check import Claim, ClaimError, Evidence, EvidenceResult, check
from proofs_check import evidence as ev
from theory import gd_map

a, b, mu = sp.symbols("a b mu")


class Lying(Evidence):
    """Floating-point evidence that claims a proof."""

    kind = "numeric"

    def run(self, budget, seed):
        return EvidenceResult(self.kind, "proved", "float64 says so", sample_size=3)


class Boom(Evidence):
    kind = "symbolic"

    def run(self, budget, seed):
        raise RuntimeError("no luck")


def cofactor_claim(coefficient):
    """a'^2 - b'^2 = (a^2 - b^2)(1 - c mu^2 (ab-1)^2) for GD on (ab-1)^2/2; true for c = 1."""
    F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    ap, bp = F.update
    syms = {s.name: s for s in (*F.state, *F.params)}
    A, B, M = syms["a"], syms["b"], syms["mu"]
    rhs = (A**2 - B**2) * (1 - coefficient * M**2 * (A * B - 1) ** 2)
    return Claim(id="tf.cofactor.e", statement="cofactor of a^2 - b^2",
                 evidence=[ev.identity(ap**2 - bp**2, rhs)])


def test_true_symbolic_claim_is_proved_and_a_mutant_is_refuted():
    assert check(cofactor_claim(1)).status == "proved"
    mutant = check(cofactor_claim(2))
    assert mutant.status == "refuted"
    assert set(mutant.counterexample) == {"a", "b", "mu"}
    assert mutant.rerun == "dynverify check tf.cofactor.e --seed 0 --budget quick"


def test_floating_point_evidence_is_capped_at_verified():
    result = check(Claim(id="x.lie", statement="...", evidence=[Lying()]))
    assert result.status == "verified"
    assert "capped" in result.evidence[0].details


@pytest.mark.parametrize("budget", ["quick", "full"])
def test_a_float_only_claim_is_never_proved(budget):
    sample = ev.Sample({"mu": (0.0, 1.0)}, quick=5, full=9)
    claim = Claim(id="x.float", statement="1 + mu > 0", evidence=[
        ev.sweep(lambda mu: 1 + mu, sample),
        ev.estimate(lambda bud, s: 2.0, 2.0, tol=1e-12),
        ev.property(lambda mu: 1 + mu, {"mu": (0, 1)}, examples=20),
        Lying(),
    ])
    result = check(claim, budget=budget)
    assert result.status == "verified"
    assert all(e.status != "proved" for e in result.evidence)


def test_errors_and_order():
    assert check(Claim(id="x.err", statement="...", evidence=[Boom()])).status == "error"
    x = sp.Symbol("x")
    # a proof stops the check: evidence after it is not run
    r = check(Claim(id="x.p", statement="...", evidence=[ev.identity(x, x), Boom()]))
    assert r.status == "proved" and len(r.evidence) == 1
    # a refutation wins over an earlier verification
    r = check(Claim(id="x.r", statement="...", evidence=[
        Lying(), ev.sweep(lambda mu: -mu, ev.Sample({"mu": (0.5, 1.0)}, quick=3))]))
    assert r.status == "refuted" and r.counterexample == {"mu": 1.0}


def test_bad_requests_and_domains():
    x = sp.Symbol("x")
    claim = Claim(id="x.ok", statement="...", evidence=[ev.identity(x, x)])
    with pytest.raises(ClaimError, match="budget"):
        check(claim, budget="huge")
    with pytest.raises(ClaimError, match="seed"):
        check(claim, seed="1")
    with pytest.raises(ClaimError, match="empty"):
        Claim(id="x.empty", statement="...", evidence=[ev.identity(x, x)],
              domain={"mu": (1.0, 0.5)})
    with pytest.raises(ClaimError, match="no evidence"):
        Claim(id="x.none", statement="...", evidence=[])


def test_origin_goes_into_the_rerun_command():
    x = sp.Symbol("x")
    r = check(Claim(id="x.bad", statement="...", evidence=[ev.identity(x**2, x)]), seed=4,
              origin="my dir/claims.py")
    assert r.rerun == "dynverify check 'my dir/claims.py' x.bad --seed 4 --budget quick"
