"""Report folders and results JSON: deterministic, atomic, never clobbering other files."""

import json

import pytest
import sympy as sp

from proofs_check import Claim, check
from proofs_check import evidence as ev
from proofs_check import report as rep

from .conftest import line_plot, thresholds_table


def results(seed=0):
    x = sp.Symbol("x")
    claims = [
        Claim(id="r.proved", statement="x*x = x^2", source="demo", evidence=[
            ev.identity(x * x, x**2)]),
        Claim(id="r.refuted", statement="x/2 <= 0.4 on [0, 1]", evidence=[
            ev.property(lambda x: 0.4 - x / 2, {"x": (0, 1)})]),
    ]
    return [check(c, seed=seed) for c in claims]


def test_report_contents_and_determinism(tmp_path):
    tables = {"demo-thresholds": thresholds_table(), "broken": "ValueError: no data"}
    out1 = rep.write_report(tmp_path / "one", results(), budget="quick", seed=0, tables=tables,
                            figures={"demo-line": line_plot()})
    out2 = rep.write_report(tmp_path / "two", results(), budget="quick", seed=0, tables=tables,
                            figures={"demo-line": line_plot()})
    files = sorted(str(p.relative_to(out1)) for p in out1.rglob("*") if p.is_file())
    assert files == ["figures/demo-line.png", "index.md", "results.json",
                     "tables/demo-thresholds.csv", "tables/demo-thresholds.md",
                     "tables/demo-thresholds.tex"]
    for name in files:
        assert (out1 / name).read_bytes() == (out2 / name).read_bytes(), name
    index = (out1 / "index.md").read_text()
    for text in ("## Verdicts", "| r.refuted | refuted |", "- counterexample: `{\"x\": ",
                 "- rerun: `", "Not built: ValueError: no data", "![demo-line]",
                 "| 1 | property | refuted |"):
        assert text in index, text
    data = json.loads((out1 / "results.json").read_text())
    assert data["summary"]["refuted"] == 1 and data["holds"] is False
    assert "timing_s" not in data["results"][0]


def test_json_is_byte_identical_for_the_same_seed():
    a = rep.results_json(results(3), budget="quick", seed=3)
    assert a == rep.results_json(results(3), budget="quick", seed=3)
    assert a.endswith("\n") and json.loads(a)["seed"] == 3


def test_replaces_an_old_report_but_not_other_folders(tmp_path):
    target = tmp_path / "rep"
    rep.write_report(target, results(), budget="quick", seed=0)
    (target / "stale.txt").write_text("old")
    rep.write_report(target, results(), budget="quick", seed=1)
    assert not (target / "stale.txt").exists()
    assert json.loads((target / "results.json").read_text())["seed"] == 1
    other = tmp_path / "mine"
    other.mkdir()
    (other / "thesis.tex").write_text("precious")
    with pytest.raises(ValueError, match="not a dynverify report"):
        rep.write_report(other, results(), budget="quick", seed=0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine", "rep"]


def test_a_failure_midway_leaves_nothing(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(rep, "results_json", broken)
    with pytest.raises(RuntimeError):
        rep.write_report(tmp_path / "rep", results(), budget="quick", seed=0)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="does not exist"):
        rep.check_output_file(tmp_path / "no" / "x.json")
