"""The planted false claim (stable minima when mu(a^2+b^2) < 2.2) must come back refuted, with a
counterexample whose rerun shows the instability."""

import json
import math
import shlex
import subprocess
import sys
from pathlib import Path

from proofs_check import check
from proofs_check.cli import main
from proofs_check.registry import load_claims
from theory import gd_map

ROOT = Path(__file__).resolve().parents[2]


def iterate_from_perturbed_minimum(mu, a, steps=60, eps=1e-6):
    """Distance from the minimiser curve after iterating F_mu from (a, 1/a) + eps."""
    F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    sa, sb = F.state
    (smu,) = F.params
    fa, fb = (e.subs(smu, mu) for e in F.update)
    import sympy as sp

    step = sp.lambdify((sa, sb), (fa, fb), "math")
    x, y = a + eps, 1 / a
    errors = []
    for _ in range(steps):
        x, y = step(x, y)
        errors.append(abs(x * y - 1))
    return errors


def test_planted_claim_is_refuted_and_the_counterexample_is_unstable(planted_file):
    (claim,) = load_claims(planted_file)
    result = check(claim, budget="quick", seed=0)
    assert result.status == "refuted"
    cx = result.counterexample
    mu, a = cx["mu"], cx["a"]
    s = mu * (a * a + 1 / (a * a))
    assert s < 2.2  # inside the claim's hypothesis ...
    assert 1 - s < -1  # ... yet the Jacobian's transverse eigenvalue is below -1
    errors = iterate_from_perturbed_minimum(mu, a)
    assert errors[-1] > 1e3 * errors[0] or not math.isfinite(errors[-1])  # the orbit leaves ab=1


def test_numeric_sweep_alone_refutes_it_too(planted_file):
    (claim,) = load_claims(planted_file)
    sweep_only = type(claim)(**{**claim.__dict__, "evidence": claim.evidence[1:]})
    result = check(sweep_only, budget="quick", seed=0)
    assert result.status == "refuted"
    cx = result.counterexample
    assert cx["mu"] * (cx["a"] ** 2 + cx["a"] ** -2) > 2


def test_the_rerun_commands_reproduce_the_counterexample(planted_file, tmp_path, capsys):
    out = tmp_path / "out.json"
    assert main(["check", str(planted_file), "--seed", "0", "--json", str(out)]) == 1
    capsys.readouterr()
    data = json.loads(out.read_text())["results"][0]
    evidence = data["evidence"][0]
    assert evidence["status"] == "refuted" and evidence["rerun"].startswith("python -c")
    # the evidence's own rerun: evaluates the margin at the counterexample (negative)
    argv = shlex.split(evidence["rerun"])
    done = subprocess.run([sys.executable, *argv[1:]], capture_output=True, text=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": ""}, check=True)
    assert float(done.stdout) < 0
    # the claim's rerun through the CLI gives the same counterexample
    again = tmp_path / "again.json"
    rerun = f"dynverify check {shlex.quote(str(planted_file))} {data['id']} --seed 0"
    assert main([*shlex.split(rerun)[1:], "--json", str(again)]) == 1
    assert json.loads(again.read_text())["results"][0]["counterexample"] == data["counterexample"]
