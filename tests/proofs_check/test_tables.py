"""Table rendering: golden Markdown, LaTeX (booktabs), CSV and JSON; verdict tables."""

import csv
import io
import json
from pathlib import Path

import pytest
import sympy as sp

from proofs_check import Claim, check
from proofs_check import evidence as ev
from proofs_check.tables import Table, render, verdict_table

from .conftest import thresholds_table

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize(("fmt", "digits"), [("md", None), ("tex", 4), ("csv", None),
                                             ("json", None)])
def test_golden(fmt, digits):
    text = render(thresholds_table(), fmt, digits)
    assert text == (GOLDEN / f"table_demo.{fmt}").read_text()
    assert text == render(thresholds_table(), fmt, digits)  # deterministic


def test_latex_is_booktabs_and_escaped():
    tex = render(thresholds_table(), "tex", 3)
    assert tex.index(r"\toprule") < tex.index(r"\midrule") < tex.index(r"\bottomrule")
    assert r"\hline" not in tex
    assert r"interval \& 50\% \#" in tex and r"$\sqrt{5} - 1$" in tex and "1.24 " in tex


def test_csv_and_json_round_trip():
    rows = list(csv.reader(io.StringIO(render(thresholds_table(), "csv"))))
    assert rows[0] == ["name", "exact form", "value", "method"]
    assert float(rows[2][2]) == 5**0.5 - 1  # full precision by default
    data = json.loads(render(thresholds_table(), "json", 3))
    assert data["rows"][1][2] == 1.24 and data["rows"][2][1] is None


def test_bad_tables_and_options():
    with pytest.raises(ValueError, match="row 0 has 1 cells"):
        Table("t", "", ["a", "b"], [[1]])
    with pytest.raises(ValueError, match="digits"):
        render(thresholds_table(), "md", 0)
    with pytest.raises(ValueError, match="unknown table format"):
        render(thresholds_table(), "html")


def test_verdict_table():
    x = sp.Symbol("x")
    results = [
        check(Claim(id="v.proved", statement=".", evidence=[ev.identity(x * x, x**2)])),
        check(Claim(id="v.refuted", statement=".", evidence=[
            ev.sweep(lambda mu: 0.5 - mu, ev.Sample({"mu": (0.0, 1.0)}, quick=11))])),
    ]
    table = verdict_table(results)
    assert table.columns == ["claim", "status", "scope", "value", "claimed", "margin", "n",
                             "evidence", "reason"]
    assert table.rows[0][2] == "as stated" and table.rows[0][5] is None  # a proof: no margin
    assert table.rows[1] == ["v.refuted", "refuted", "counterexample", None, None, -0.5, 11,
                             "numeric", "counterexample mu=1.0"]
    assert table.notes == ["2 claim(s): 1 proved, 1 refuted", "budget quick; seed 0"]
    # a claim's declared values, shown where the evidence names none: text, not a dict repr
    mc = check(Claim(id="v.mc", statement=".", claimed={"moment": x**2, "n": 2},
                     build=lambda c: [ev.computed(lambda b, s: (0.5, {}), "mc")]))
    assert verdict_table([mc]).rows[0][4] == "moment = x**2; n = 2"


def test_exact_forms_and_greek_headers_are_typeset_and_columns_share_a_format():
    import sympy as sp

    t = Table("x", "", ["name", "mu", "s1^2", "value"],
              [["a", "-2 + 2*sqrt(2)", sp.sqrt(5) - 1, 0.5], ["b", "mu**2", 2, 1e-9]])
    tex = render(t, "tex", 4)
    body = tex.split(r"\midrule")[1]
    for bad in ("*", "sqrt(", "np.", r"\textasciicircum"):
        assert bad not in tex
    assert r"$\mu$ & $s_{1}^{2}$" in tex and r"$-2 + 2 \sqrt{2}$" in body
    # a column of short values prints them short, in one format: 5e-01, not 5.000e-01
    assert r"$5 \times 10^{-1}$" in body and r"$10^{-9}$" in body
    md = render(t, "md", 4)
    assert "| 5e-01 |" in md and "| 1e-09 |" in md


def test_lists_and_numpy_scalars_never_print_a_repr():
    import numpy as np

    t = Table("x", "", ["v"], [[(np.float64(1.0), np.float64(0.25))]])
    for fmt in ("md", "tex", "csv"):
        assert "np." not in render(t, fmt) and "1.0, 0.25" in render(t, fmt)


def test_scientific_columns_keep_the_digits_their_values_need_and_zero_is_zero():
    t = Table("x", "", ["alpha", "err"], [[1e-2, 1.25e-7], [1e-8, 0.0], [1e-4, -3e-5]])
    md = render(t, "md", 6)
    assert "| 1e-02 | 1.25e-07 |" in md and "| 1e-08 | 0 |" in md and "-3.00e-05" in md
    tex = render(t, "tex", 6)
    assert r"$10^{-2}$ & $1.25 \times 10^{-7}$" in tex and r"$10^{-8}$ & 0 \\" in tex
    assert "1.00000" not in md + tex


def test_notes_go_with_the_columns_they_describe():
    from proofs_check.tables import select_columns

    t = Table("x", "", ["a", "b"], [[1, 2]], notes=["on a", "on b", "general"],
              note_columns={"on a": ("a",), "on b": ("b",)})
    kept = select_columns(t, ["b"])
    assert kept.notes == ["on b", "general"] and "on a" not in render(kept, "tex")
    assert select_columns(t, ["a", "b"]).notes == t.notes
    with pytest.raises(ValueError, match="not in the table"):
        Table("x", "", ["a"], [[1]], notes=["n"], note_columns={"n": ("zz",)})
