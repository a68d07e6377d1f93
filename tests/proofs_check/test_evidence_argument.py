"""Multi-step proofs: every step a certificate; no label, boolean or tuple is a step."""

import pytest
import sympy as sp

from proofs_check import Claim, check
from proofs_check import evidence as ev
from proofs_check.evidence.certificates import ExactArgument, Induction, ProofStepError

x = sp.Symbol("x", real=True)
n = sp.Symbol("n", integer=True, positive=True)


def test_argument_certificate_is_a_tree_of_its_steps():
    r = ev.argument([ev.identity((x + 1) ** 2, x**2 + 2 * x + 1),
                     ev.sign_fact(x**2 + 1, x, -sp.oo, sp.oo)], "two steps").run("quick", 0)
    assert r.status == "proved" and isinstance(r.certificate, ExactArgument)
    assert [type(c).__name__ for c in r.certificate.steps] == ["ExactIdentity", "UnivariateSign"]


@pytest.mark.parametrize("step", [True, (True, "note"), "proved", 1])
def test_non_evidence_steps_are_rejected(step):
    with pytest.raises(ProofStepError, match="step 1 is"):
        ev.argument([ev.identity(x, x), step], "bad").run("quick", 0)


def test_a_failing_step_refutes_with_its_exact_witness():
    r = ev.argument([ev.identity(x, x), ev.sign_fact(x - 1, x, 0, 2)], "bad").run("quick", 0)
    assert r.status == "refuted" and r.counterexample == {"x": "1/2"}
    assert "step 1" in r.method


def test_instances_declared_on_an_argument_limit_its_scope():
    claim = Claim(id="x.arg", statement="for all d", forall={"d": "every d"},
                  evidence=[ev.argument([ev.identity(x, x)], "at d = 2", at={"d": 2})])
    r = check(claim)
    assert (r.status, r.scope) == ("verified", "exact at d in {2}")


def test_instances_limit_the_scope_even_when_the_claim_declares_no_quantifier():
    """A statement that leaves a size general without saying so (no forall) is not proved by a
    certificate built at d = 2: the instance shows in the scope; a general argument beside it
    still proves the claim, and the instance check is reported as what it is."""
    at_two = ev.argument([ev.identity(x, x)], "at d = 2", at={"d": 2})
    r = check(Claim(id="x.implicit", statement="for every size", evidence=[at_two]))
    assert (r.status, r.scope) == ("verified", "exact at d in {2}")
    both = check(Claim(id="x.both", statement="for every size",
                       evidence=[ev.identity((x + 1) ** 2, x**2 + 2 * x + 1), at_two]))
    assert both.status == "proved"
    assert [(e.status, e.scope) for e in both.evidence] == [
        ("proved", "as stated"), ("verified", "exact at d in {2}")]


def test_induction_covers_its_variable_and_a_wrong_step_refutes():
    S = n * (n + 1) / 2
    good = ev.induction(ev.identity(S.subs(n, 1), 1), ev.identity(S + n + 1, S.subs(n, n + 1)),
                        var="n", start=1, description="sum of 1..n")
    r = check(Claim(id="x.ind", statement="for all n", forall={"n": "every n >= 1"},
                    evidence=[good]))
    assert (r.status, r.scope) == ("proved", "as stated")
    assert isinstance(r.evidence[0].certificate, Induction)
    bad_step = ev.induction(ev.identity(S.subs(n, 1), 1), ev.identity(S + n, S.subs(n, n + 1)),
                            var="n", start=1, description="wrong step")
    assert bad_step.run("quick", 0).status == "refuted"
    # checking instances instead of inducting covers only the instances
    inst = ev.argument([ev.identity(S.subs(n, k), sum(range(1, k + 1))) for k in (1, 2, 3)],
                       "n = 1, 2, 3", at={"n": (1, 2, 3)})
    r = check(Claim(id="x.inst", statement="for all n", forall={"n": "every n >= 1"},
                    evidence=[inst]))
    assert (r.status, r.scope) == ("verified", "exact at n in {1, 2, 3}")


def test_lazy_builds_on_run_and_checks_its_declared_kind():
    built = []

    def build():
        built.append(1)
        return ev.identity(x, x)

    lazy = ev.lazy(build, "deferred")
    assert built == []
    assert lazy.run("quick", 0).status == "proved" and built == [1]
    with pytest.raises(TypeError, match="declared 'interval'"):
        ev.lazy(build, "deferred", kind="interval").run("quick", 0)


def test_identity_refutes_a_wrong_exponential_closed_form_at_every_seed():
    lam, t = sp.symbols("lambda t", positive=True)
    wrong = ev.identity(sp.exp(-lam * t) * (1 + lam), sp.exp(-2 * lam * t) * (1 + lam))
    assert all(wrong.run("quick", seed).status == "refuted" for seed in range(8))


def test_a_true_sum_identity_with_symbolic_limits_is_not_refuted():
    k, m = sp.symbols("k m", integer=True, positive=True)
    a = sp.Symbol("a")
    H = sp.Sum(a**k, (k, 1, m))
    r = ev.identity(H + a ** (m + 1), sp.Sum(a**k, (k, 1, m + 1))).run("quick", 0)
    assert r.status != "refuted"


def test_general_sizes_only_for_non_commutative_identities():
    A, B = sp.symbols("A B", commutative=False)
    cert = ev.identity((A + B) ** 2, sp.expand((A + B) ** 2), general=("d",)).run("quick", 0)
    r = check(Claim(id="x.nc", statement="for d x d matrices", forall={"d": "every d"},
                    evidence=[ev.identity((A + B) * (A + B), A * A + A * B + B * A + B * B,
                                          general=("d",))]))
    assert cert.status == "proved" and (r.status, r.scope) == ("proved", "as stated")
    with pytest.raises(ValueError, match="non-commutative"):
        ev.identity(x * x, x**2, general=("d",))


def test_identities_over_indexed_vectors_are_never_refuted_by_rational_stand_ins():
    d = sp.Symbol("d", integer=True, positive=True)
    i, j = sp.symbols("i j", integer=True)
    v = sp.IndexedBase("v")
    lhs = sp.Sum(v[i] ** 2, (i, 1, d))
    rhs = sp.Sum(v[j] ** 2, (j, 1, d))  # the same sum with another index name
    assert ev.identity(lhs, rhs).run("quick", 0).status != "refuted"
