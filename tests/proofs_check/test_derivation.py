"""`dynverify derive`: golden outputs in text and JSON, and one-line errors with exit code 2."""

import json
from pathlib import Path

import pytest

from proofs_check.cli import main
from proofs_check.derivation import derive_report, render

GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "two_factor": ["--loss", "(a*b-1)**2/2", "--params", "a b", "--step", "mu"],
    "quadratic": ["--loss", "(2*x**2 + 2*x*y + 3*y**2)/2", "--params", "x y", "--step", "eta"],
    "scalar_lam": ["--loss", "lam*(u**2 - 1)**2/4", "--params", "u", "--step", "eta",
                   "--constants", "lam"],
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize(("fmt", "ext"), [("text", "txt"), ("json", "json")])
def test_golden_output(name, fmt, ext, capsys):
    assert main(["derive", *CASES[name], "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert out == (GOLDEN / f"derive_{name}.{ext}").read_text()


def test_json_carries_the_exact_answers():
    report = json.loads(render(derive_report("(a*b-1)**2/2", "a b", "mu"), "json"))
    assert report["map"] == ["a - b*mu*(a*b - 1)", "-a*mu*(a*b - 1) + b"]
    assert report["points"][0]["point"] == {"a": "0", "b": "0"}
    family = report["families"][0]
    assert family["equations"] == ["a*b - 1"]
    assert family["stability"]["eigenvalues"] == ["1", "-a**2*mu - b**2*mu + 1"]
    assert family["edge_of_stability"] == "mu*(a**2 + b**2) < 2"


def test_latex_output_is_an_align_block(capsys):
    assert main(["derive", *CASES["two_factor"], "--format", "latex"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\\begin{align*}")
    assert "a b - 1 = 0" in out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--loss", "(a*b-1", "--params", "a b"], "does not parse"),
        (["--loss", "(a*c-1)**2", "--params", "a b"], "undeclared symbol 'c'"),
        (["--loss", "(a*b-1)**2", "--params", "a b", "--step", "a"], "step 'a' is also"),
        (["--loss", "(a*b-1)**2", "--params", ""], "parameter list is empty"),
        (["--params", "a b"], "--loss"),
    ],
)
def test_bad_input_exits_2_with_one_line(argv, needle, capsys):
    assert main(["derive", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert needle in captured.err
    assert captured.err.count("\n") == 1
