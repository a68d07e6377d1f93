"""`dynverify explain` and the scope of verdicts, over the whole built-in catalogue.

The catalogue is checked once (quick budget, seed 0) for this module; every verdict must explain
itself, and every `proved` verdict must say it covers its statement as stated.
"""

import json

import pytest
import sympy as sp

from proofs_check import Claim, check
from proofs_check import evidence as ev
from proofs_check.cli import main
from proofs_check.explain import explain
from proofs_check.registry import discover
from proofs_check.report import results_json
from proofs_check.tables import render, verdict_table


@pytest.fixture(scope="module")
def catalogue_results():
    catalogue = discover()
    assert not catalogue.errors, catalogue.errors
    return [check(c, "quick", 0) for c in catalogue.select()]


def test_every_catalogue_verdict_explains_itself(catalogue_results):
    for r in catalogue_results:
        text = explain(r)
        assert text.startswith(f"{r.claim_id}: {r.status}"), r.claim_id
        assert len(r.evidence) == sum(line.startswith("[") for line in text.splitlines())
        if r.status == "proved":
            assert "certificate:" in text and "(scope: as stated)" in text, r.claim_id


def test_every_proved_verdict_is_as_stated_in_json_and_table(catalogue_results):
    data = json.loads(results_json(catalogue_results, budget="quick", seed=0))
    proved = [r for r in data["results"] if r["status"] == "proved"]
    assert proved and all(r["scope"] == "as stated" for r in proved)
    for r in data["results"]:  # the evidence is all there and its proof is a tree, not a label
        for e in r["evidence"]:
            if e["status"] == "proved":
                assert e["certificate"]["type"] in {
                    "ExactIdentity", "IdentityModuloIdeal", "UnivariateSign", "BoxSign",
                    "CertifiedRoot", "KrawczykEnclosure", "Positivity", "ExactArgument",
                    "Induction"}, r["id"]
    table = verdict_table(catalogue_results)
    assert table.columns[2] == "scope"
    assert "| as stated |" in render(table, "md")


def test_no_catalogue_claim_errors_or_disagrees(catalogue_results):
    bad = {r.claim_id: r.message for r in catalogue_results
           if r.status in ("error", "refuted", "inconclusive")}
    assert not bad


def test_explain_cli_prints_the_tree_and_rejects_bad_input(capsys):
    assert main(["explain", "tf.basic.eos"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("tf.basic.eos: proved (scope: as stated)")
    assert "ExactArgument" in out and "ExactIdentity" in out
    assert main(["explain"]) == 2
    assert "explain needs claim ids" in capsys.readouterr().err
    assert main(["explain", "no.such.claim"]) == 2


def test_explain_shows_float_evidence_with_sample_and_seed():
    sample = ev.Sample({"mu": (0.0, 0.9)}, quick=10)
    r = check(Claim(id="x.float", statement="1 - mu >= 0",
                    evidence=[ev.sweep(lambda mu: 1 - mu, sample)]), seed=7)
    text = explain(r)
    assert "sample 10" in text and "seed 7" in text and "scope: 10 points" in text
    x = sp.Symbol("x")
    bad = check(Claim(id="x.bad", statement="x = x + 1", evidence=[ev.identity(x, x + 1)]))
    assert "counterexample:" in explain(bad) and "rerun:" in explain(bad)


def test_every_catalogue_margin_says_what_it_measures(catalogue_results):
    """A margin is a number a referee can only judge with its definition: every built-in
    evidence that reports one says what it measures (and so any tolerance folded into it).
    The framework's default for a computed ``{"error", "tol"}`` dict, a bare "tol - error",
    says neither what the error is nor where the tolerance comes from: it counts as silent."""
    defaults = {"", "tol - error"}
    silent = sorted({r.claim_id for r in catalogue_results for e in r.evidence
                     if e.margin is not None and e.certificate is None
                     and " ".join(str(e.details.get("margin_is") or "").split()) in defaults})
    assert not silent


def test_explain_and_report_define_the_margin(tmp_path):
    from proofs_check.report import MARGIN_NOTE, VERDICT_NOTE, write_report

    est = check(Claim(id="x.est", statement="log 3", evidence=[
        ev.estimate(lambda b, s: 1.0986, 1.0986123, tol=1e-4)]))
    assert "(margin = tol - |computed - claimed|)" in explain(est)
    own = check(Claim(id="x.own", statement="fits", evidence=[ev.computed(
        lambda b, s: (0.5, {"margin_is": "1 - max |x| (1: the claimed bound)"}), "fits")]))
    assert "(margin = 1 - max |x| (1: the claimed bound))" in explain(own)
    index = (write_report(tmp_path / "rep", [est, own], budget="quick", seed=0)
             / "index.md").read_text()
    assert MARGIN_NOTE in index and VERDICT_NOTE in index
    assert "evidence 1: margin = 1 - max |x| (1: the claimed bound)." in index


def test_explain_shows_what_the_statement_quantifies_over():
    """A certificate's "covers: every lam" is read against the claim's own range, shown too."""
    lam = sp.Symbol("lam", real=True)
    r = check(Claim(id="x.q", statement="lam^2 + 1 > 0 on (0, 1)", forall={"lam": (0, 1)},
                    evidence=[ev.sign_fact(lam**2 + 1, lam, -sp.oo, sp.oo)]))
    text = explain(r)
    assert r.status == "proved" and "for all: lam in (0, 1)" in text
    assert r.to_dict()["forall"] == {"lam": "lam in (0, 1)"}
