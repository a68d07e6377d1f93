"""The README's walk-through, run as written: its claims file and every command of it."""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def block(first_line: str, lang: str) -> str:
    """The fenced ``lang`` block of the README whose first line is ``first_line``."""
    for body in re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S):
        if body.startswith(first_line + "\n"):
            return body
    raise AssertionError(f"README has no ```{lang} block starting with {first_line!r}")


def commands(text: str) -> list[list[str]]:
    """Shell lines of a block, continuation lines joined, comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", text)
    return [shlex.split(line, comments=True) for line in joined.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if argv[0] == "dynverify":
        argv = [sys.executable, "-m", "proofs_check", *argv[1:]]
    elif argv[0] == "pytest":
        argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *argv[1:]]
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    where = tmp_path_factory.mktemp("walk")
    (where / "my_claims.py").write_text(block("# my_claims.py", "python"))
    return where


def test_the_walk_through_runs_as_written(walk):
    lines = commands(block("# walk-through", "bash"))
    assert [argv[:2] for argv in lines][:2] == [["dynverify", "check"], ["dynverify", "table"]]
    for argv in lines:
        done = run(argv, walk)
        assert done.returncode == 0, (argv, done.stdout[-2000:], done.stderr[-2000:])
    check = run(["dynverify", "check", "my_claims.py", "--format", "json"], walk).stdout
    status = {r["id"]: r["status"] for r in json.loads(check)["results"]}
    assert status == {"net.minimum": "proved", "net.threshold": "verified",
                      "net.rate": "verified", "net.threshold.planted": "refuted"}
    tex = (walk / "thresholds.tex").read_text()
    assert r"$\eta^*$" in tex and "1.33333" in tex  # 1/(1 - 1/4) at lam = 1/4
    for made in ("threshold.pdf", "phase.pdf"):
        assert (walk / made).read_bytes()[:4] == b"%PDF"
    assert (walk / "wd.sweep" / "sweep.json").is_file()


def test_the_derive_line_prints_what_the_readme_says(walk):
    (argv,) = commands(block('dynverify derive --loss "(a*b-1)**2/2 + lam/2*(a**2+b**2)" '
                             '--params "a b" --step eta \\', "bash"))
    out = run(argv, walk).stdout
    promised = "eta < 1/(1 - lam) for 0 < lam <= 1/2, eta < 1/lam for 1/2 <= lam < 1"
    assert promised in out and promised in README


def test_adding_a_model_works_as_the_readme_says(tmp_path, monkeypatch):
    """The README's example model, added to (scratch copies of) theory.models and
    proofs_check.claims, is found by the registry and its claims hold; its planted variant
    (a wrong threshold) is refuted, so the check can fail."""
    import importlib

    import proofs_check.claims
    import theory.models
    from proofs_check import Claim, check
    from proofs_check import evidence as ev
    from proofs_check.registry import discover

    files = {}
    for body in re.findall(r"```python\n(# [\w/]+\.py\n.*?)```", README, flags=re.S):
        path, code = body.split("\n", 1)
        if path[2:].startswith(("theory/models/", "proofs_check/claims/")):
            files[path[2:]] = code
    assert set(files) == {"theory/models/double_well.py",
                          "proofs_check/claims/double_well/claims.py",
                          "proofs_check/claims/double_well/__init__.py"}
    for rel, code in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(code)
    monkeypatch.setattr(theory.models, "__path__",
                        [*theory.models.__path__, str(tmp_path / "theory/models")])
    monkeypatch.setattr(proofs_check.claims, "__path__",
                        [*proofs_check.claims.__path__, str(tmp_path / "proofs_check/claims")])
    try:
        cat = discover()
        assert not cat.errors, cat.errors
        claims = cat.select(model="double-well")
        assert [c.id for c in claims] == ["dw.minima", "dw.threshold"]
        assert [check(c).status for c in claims] == ["proved", "verified"]
        module = importlib.import_module("proofs_check.claims.double_well.claims")
        wrong = Claim(id="dw.wrong", statement="stable for eta < 0.6",
                      evidence=[ev.step_threshold(module.F, {"u": 1.0}, 0.6, {"lam": 2.0})])
        assert check(wrong).status == "refuted"
    finally:
        for name in [m for m in sys.modules if "double_well" in m]:
            del sys.modules[name]
