"""Every built-in table, rendered as a paper would take it: static checks of the LaTeX (and a
real compile where a TeX engine is installed), numbers as numbers in CSV and JSON, one number
format per column, and ``--digits`` honoured."""

import csv
import io
import json
import math
import re
import shutil
import subprocess

import pytest

from proofs_check.cli import main
from proofs_check.registry import discover
from proofs_check.tables import Table, render, select_columns, transpose

CATALOGUE = discover()
NAMES = sorted(CATALOGUE.tables)


@pytest.fixture(scope="module")
def tables():
    return {name: CATALOGUE.tables[name]() for name in NAMES}


def tex_cells(tex: str) -> list[str]:
    body = tex.split(r"\midrule", 1)[1].split(r"\bottomrule", 1)[0]
    return [c.strip() for line in body.strip().splitlines() for c in line[:-2].split(" & ")]


@pytest.mark.parametrize("name", NAMES)
def test_latex_cells_are_typeset_not_python(tables, name):
    tex = render(tables[name], "tex", digits=4)
    header = tex.split(r"\toprule", 1)[1].split(r"\midrule", 1)[0]
    for cell in tex_cells(tex) + header.strip()[:-2].split(" & "):
        for bad in ("**", "sqrt(", "np.", r"\textasciicircum", "np.float"):
            assert bad not in cell, (name, cell)
        assert "*" not in cell.replace(r"\eta^*", "").replace(r"^{*}", "").replace("^*", ""), \
            (name, cell)
    spec = re.search(r"\\begin\{tabular\}\{([lrc]+)\}", tex)[1]
    rows = [line for line in tex.split(r"\toprule", 1)[1].split(r"\bottomrule")[0].splitlines()
            if line.endswith(r"\\")]
    assert all(line.count(" & ") == len(spec) - 1 for line in rows), name
    assert tex.count("{") == tex.count("}") and tex.count("$") % 2 == 0


@pytest.mark.parametrize("name", NAMES)
def test_csv_and_json_numbers_are_numbers_and_digits_are_honoured(tables, name):
    table: Table = tables[name]
    numeric = [j for j in range(len(table.columns))
               if all(isinstance(row[j], (int, float)) and not isinstance(row[j], bool)
                      for row in table.rows if row[j] is not None)]
    rows = list(csv.reader(io.StringIO(render(table, "csv"))))[1:]
    data = json.loads(render(table, "json", digits=4))["rows"]
    for j in numeric:
        for row, jrow in zip(rows, data, strict=True):
            if row[j]:
                float(row[j])  # parses
                assert isinstance(jrow[j], (int, float)) or jrow[j] in ("inf", "-inf", "nan")
                if isinstance(jrow[j], float) and math.isfinite(jrow[j]):
                    assert jrow[j] == float(f"{jrow[j]:.4g}"), (name, jrow[j])  # --digits 4
    md = render(table, "md", digits=4)
    for j in numeric:
        column = [line.split(" | ")[j].strip(" |") for line in md.splitlines()
                  if line.startswith("|") and "---" not in line][1:]  # below the header
        kinds = {("sci" if "e" in c or "10^" in c else "plain") for c in column if c}
        assert len(kinds) <= 1, (name, table.columns[j], column)


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no TeX engine installed (CI does "
                    "not install one: texlive is ~1 GB; the static checks above always run)")
@pytest.mark.parametrize("name", NAMES)
def test_latex_compiles(tables, name, tmp_path):
    doc = ("\\documentclass{article}\\usepackage{booktabs}\\usepackage{amsmath}"
           "\\begin{document}\n" + render(tables[name], "tex") + "\n\\end{document}\n")
    (tmp_path / "t.tex").write_text(doc)
    done = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:]


def test_wide_tables_split_and_transpose(tables, capsys, tmp_path):
    wide = max(tables.values(), key=lambda t: len(t.columns))
    left = select_columns(wide, [str(i) for i in range(1, 4)])
    assert left.columns == wide.columns[:3] and len(left.rows) == len(wide.rows)
    flipped = transpose(wide)
    assert len(flipped.rows) == len(wide.columns) - 1
    assert transpose(flipped).rows == wide.rows
    out = tmp_path / "w.tex"
    assert main(["table", wide.name, "--columns", "1,2", "--transpose", "--format", "tex",
                 "-o", str(out)]) == 0
    assert main(["table", wide.name, "--columns", "no-such-column"]) == 2
    assert "has no column 'no-such-column'" in capsys.readouterr().err
