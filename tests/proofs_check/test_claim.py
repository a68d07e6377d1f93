"""Verdict combination and honesty: only certificates prove, all evidence runs and must agree."""

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
    # every piece of evidence runs: a proof does not hide a check that could not run
    r = check(Claim(id="x.p", statement="...", evidence=[ev.identity(x, x), Boom()]))
    assert r.status == "error" and len(r.evidence) == 2
    assert "no luck" in r.message
    # a refutation wins over a verification, whatever the order
    for order in (1, -1):
        r = check(Claim(id="x.r", statement="...", evidence=[
            Lying(), ev.sweep(lambda mu: -mu, ev.Sample({"mu": (0.5, 1.0)}, quick=3))][::order]))
        assert r.status == "refuted" and r.counterexample == {"mu": 1.0}


class SymbolicLabel(Evidence):
    """Declares itself symbolic, compares floats and says proved: pi = 22/7 'to 1e-2'."""

    kind = "symbolic"

    def run(self, budget, seed):
        import math

        ok = abs(math.pi - 22 / 7) < 1e-2
        return EvidenceResult(self.kind, "proved" if ok else "refuted", "floats")


class ForgedCertificate(Evidence):
    """Attaches a hand-made certificate object: not issued by the vocabulary."""

    kind = "interval"

    def run(self, budget, seed):
        from proofs_check.evidence.certificates import ExactIdentity

        return EvidenceResult(self.kind, "proved", "forged",
                              certificate=ExactIdentity("pi == 22/7", "trust me", {}))


@pytest.mark.parametrize("liar", [SymbolicLabel, ForgedCertificate])
def test_a_kind_label_or_a_forged_certificate_proves_nothing(liar):
    r = check(Claim(id="x.pi", statement="pi = 22/7", evidence=[liar()]))
    assert r.status != "proved"
    assert "capped" in r.evidence[0].details


def test_a_bare_true_proof_step_is_rejected_with_a_clear_error():
    r = check(Claim(id="x.true", statement="...", evidence=[ev.argument([True], "label")]))
    assert r.status == "error"
    assert "step 0 is bool (True), not evidence that yields a certificate" in r.message
    with pytest.raises(ClaimError, match="not an Evidence object"):
        Claim(id="x.bool", statement="...", evidence=[True])


def test_disagreeing_evidence_is_an_error_in_either_order():
    x = sp.Symbol("x")
    for evidence in ([ev.identity(x, x), ev.identity(x, x + 1)],
                     [ev.identity(x, x + 1), ev.identity(x, x)]):
        r = check(Claim(id="x.dis", statement="x = x", evidence=evidence))
        assert r.status == "error"
        assert r.message.startswith("evidence disagrees")
        assert [e.status for e in r.evidence].count("proved") == 1


def test_a_refutation_needs_a_counterexample():
    class Bare(Evidence):
        def run(self, budget, seed):
            return EvidenceResult(self.kind, "refuted", "says so")

    r = check(Claim(id="x.bare", statement="...", evidence=[Bare()]))
    assert r.status == "inconclusive"


def test_user_evidence_that_exits_or_returns_none_is_that_claims_error():
    class Exits(Evidence):
        def run(self, budget, seed):
            raise SystemExit(0)

    class ReturnsNone(Evidence):
        def run(self, budget, seed):
            return None

    for bad in (Exits(), ReturnsNone()):
        assert check(Claim(id="x.bad", statement="...", evidence=[bad])).status == "error"


def test_scope_instances_make_a_general_claim_verified():
    x = sp.Symbol("x")
    general = Claim(id="x.d", statement="for every d ...", forall={"d": "every d >= 1"},
                    evidence=[ev.identity(x + 1, 1 + x, at={"d": (1, 2)})])
    r = check(general)
    assert (r.status, r.scope) == ("verified", "exact at d in {1, 2}")
    assert r.to_dict()["scope"] == "exact at d in {1, 2}"
    # an identity that never mentions d does not cover it either
    r = check(Claim(id="x.e", statement="...", forall={"d": "every d"},
                    evidence=[ev.identity(x, x)]))
    assert r.status == "verified" and "d not covered" in r.scope
    d = sp.Symbol("d", positive=True)
    r = check(Claim(id="x.f", statement="...", forall={"d": "every d"},
                    evidence=[ev.identity((d + x) ** 2, d**2 + 2 * d * x + x**2)]))
    assert (r.status, r.scope) == ("proved", "as stated")
    # a sign fact on (0, 2) covers a claim over (0, 2), not one over (0, 3)
    s = sp.Symbol("s")
    fact = ev.sign_fact(s * (2 - s), s, 0, 2)
    assert check(Claim(id="x.g", statement="...", forall={"s": (0, 2)},
                       evidence=[fact])).status == "proved"
    assert check(Claim(id="x.h", statement="...", forall={"s": (0, 3)},
                       evidence=[fact])).status == "verified"


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


def test_sympys_own_random_source_is_seeded_per_evidence():
    # SymPy's factorization draws from sympy.core.random; each evidence must start from the run's
    # seed, whatever ran before it (else its work, and its time, vary between runs)
    import sympy.core.random as sympy_random

    draws = []

    class Draws(Evidence):
        kind = "numeric"

        def run(self, budget, seed):
            draws.append(sympy_random.rng.random())
            return EvidenceResult(self.kind, "verified", "drew", sample_size=1)

    claim = Claim(id="x.draws", statement="...", evidence=[Draws(), Draws()])
    sympy_random.rng.random()  # a draw before the check must not matter
    check(claim, seed=5)
    check(claim, seed=5)
    check(claim, seed=6)
    sympy_random.seed(5)
    expected = sympy_random.rng.random()
    assert draws[:4] == [expected] * 4 and draws[4] != expected
