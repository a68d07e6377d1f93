"""Claim mutants: evidence that can fail kills them; evidence that cannot is exposed."""

import json

import numpy as np
import sympy as sp

from proofs_check import Claim
from proofs_check import evidence as ev
from proofs_check.cli import main
from proofs_check.mutants import mutants_of, run_mutants, value_mutants

x, mu = sp.symbols("x mu", real=True)


def threshold_claim():
    """The multiplier 1 - 2 mu of x -> x - mu (x^2 - 1) ... at x = 1 lies in (-1, 1) for mu in
    (0, 1): an identity and a sign fact built from the claimed values."""
    def build(c):  # two steps of one proof (not two independent checks: they would disagree)
        return [ev.argument([
            ev.identity(sp.diff(x - mu * (x**2 - 1), x).subs(x, 1), c["multiplier"]),
            ev.sign_fact(1 - c["multiplier"] ** 2, mu, *c["range"])], "multiplier and range")]
    return Claim(id="m.thr", statement="multiplier 1 - 2 mu, stable for 0 < mu < 1",
                 claimed={"multiplier": 1 - 2 * mu, "range": (sp.Integer(0), sp.Integer(1))},
                 build=build)


def test_exact_evidence_kills_every_mutant():
    report = run_mutants([threshold_claim()])
    assert report.total >= 6 and report.rate == 1.0


def test_a_check_that_cannot_fail_has_all_its_mutants_survive():
    sample = ev.Sample({"mu": (0.0, 1.0)}, quick=20)

    def build(c):  # the margin never looks at the claimed value
        return [ev.sweep(lambda mu: np.ones_like(mu), sample)]

    idle = Claim(id="m.idle", statement="...", claimed={"threshold": 2.0}, build=build)
    report = run_mutants([idle])
    assert report.total == 2 and report.killed == 0
    assert set(report.claims[0].survivors.values()) == {"verified"}


def test_claims_without_declared_values_say_why():
    plain = Claim(id="m.plain", statement="x = x", evidence=[ev.identity(x, x)])
    mutants, reason = mutants_of(plain)
    assert mutants == [] and "not built from declared claimed values" in reason


def test_value_mutants_change_the_value():
    for value in (sp.Rational(3, 2), 0.5, 0, x**2 - 3 * x + 1, (0.0, 2.0)):
        for _, mutated in value_mutants(value, 0.1):
            assert mutated != value


def test_check_mutants_cli(tmp_path, capsys):
    src = tmp_path / "mine.py"
    src.write_text(
        "import sympy as sp\n"
        "from proofs_check import Claim, evidence as ev\n"
        "x = sp.Symbol('x')\n"
        "c = Claim(id='mine.sq', statement='(x+1)^2', claimed={'rhs': x**2 + 2*x + 1},\n"
        "          build=lambda c: [ev.identity((x + 1)**2, c['rhs'])])\n")
    out = tmp_path / "m.json"
    assert main(["check", "--mutants", str(src), "--json", str(out), "--no-progress"]) == 0
    printed = capsys.readouterr()
    assert "kill rate 1.000" in printed.out
    data = json.loads(out.read_text())
    assert data["rate"] == 1.0 and data["killed"] == data["total"] > 0
