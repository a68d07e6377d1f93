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
#: one column type of a tabular(x) spec: l, r, c or an X with its >{...} options
X_OR_LRC = r">\{(?:[^{}]|\{[^{}]*\})*\}X|[lrc]"
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
    spec = re.search(r"\\begin\{tabularx?\}(?:\{\\linewidth\})?\{(.+)\}$", tex, re.M)[1]
    kinds = re.findall(X_OR_LRC, spec)
    assert "".join(kinds) == spec, (name, spec)
    rows = [line for line in tex.split(r"\toprule", 1)[1].split(r"\bottomrule")[0].splitlines()
            if line.endswith(r"\\")]
    assert all(line.count(" & ") == len(kinds) - 1 for line in rows), name
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
        kinds = {("sci" if "e" in c or "10^" in c else "plain") for c in column
                 if c and c != "0"}  # zero has no exponent
        assert len(kinds) <= 1, (name, table.columns[j], column)


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no TeX engine installed (CI does "
                    "not install one: texlive is ~1 GB; the static checks above always run)")
@pytest.mark.parametrize("name", NAMES)
def test_latex_compiles(tables, name, tmp_path):
    done = compile_tex(render(tables[name], "tex"), tmp_path)
    assert done.returncode == 0, done.stdout[-3000:]
    if name in TEXT_TABLES:  # wrapped to the page's width: no line sticks out
        assert overfull(tmp_path) == 0, (name, overfull(tmp_path))


#: tables with long text columns: they must fit the text width of a standard article. (The
#: all-number tables mamba-constants and mf-learning-times are split with --columns.)
TEXT_TABLES = ("two-factor-thresholds", "mamba-rates")


def compile_tex(tex: str, where):
    doc = ("\\documentclass{article}\\usepackage{booktabs,amsmath,array,tabularx}"
           "\\begin{document}\n" + tex + "\n\\end{document}\n")
    (where / "t.tex").write_text(doc)
    return subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "t.tex"],
                          cwd=where, capture_output=True, text=True, timeout=120)


def overfull(where) -> float:
    """The widest Overfull \\hbox in points in the log of the last compile (0 if none)."""
    log = (where / "t.log").read_text(errors="replace")
    return max([float(x) for x in re.findall(r"Overfull \\hbox \(([\d.]+)pt", log)], default=0.0)


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="no TeX engine installed")
def test_overfull_check_catches_a_table_too_wide(tmp_path):
    """The check above can fail: a long text column set as a plain ``l`` column overflows."""
    tex = render(Table("w", "", ["a", "b"], [["word " * 30, "x"]]), "tex")
    assert r"\begin{tabularx}" in tex
    assert compile_tex(tex, tmp_path).returncode == 0 and overfull(tmp_path) == 0
    plain = tex.replace(r"\begin{tabularx}{\linewidth}", r"\begin{tabular}").replace(
        r"\end{tabularx}", r"\end{tabular}")
    plain = re.sub(r"\{(?:" + X_OR_LRC + r")+\}$", "{ll}", plain, flags=re.M)
    assert compile_tex(plain, tmp_path).returncode == 0 and overfull(tmp_path) > 100


@pytest.mark.parametrize("name", TEXT_TABLES)
def test_text_tables_wrap_to_the_page_width_static(tables, name):
    """Without TeX: a table with long text is a tabularx of the line's width whose long text
    columns wrap (X) and whose other columns' estimated width leaves them room."""
    from proofs_check.table_layout import TEXTWIDTH_CHARS, tex_width

    tex = render(tables[name], "tex")
    assert r"\begin{tabularx}{\linewidth}" in tex and "X" in tex
    assert tex.startswith(r"% needs \usepackage{booktabs,array,tabularx}")
    spec = re.search(r"\\begin\{tabularx\}\{\\linewidth\}\{(.+)\}$", tex, re.M)[1]
    kinds = re.findall(X_OR_LRC, spec)
    fixed = [j for j, k in enumerate(kinds) if not k.endswith("X")]
    body = [line[:-3].split(" & ") for line in tex.split(r"\midrule", 1)[1]
            .split(r"\bottomrule", 1)[0].strip().splitlines()]
    width = sum(max(tex_width(row[j]) for row in body) for j in fixed)
    assert width < 0.6 * TEXTWIDTH_CHARS / 0.8, (name, width)


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


#: the all-number tables too wide for a page, and how they split into halves that fit
SPLITS = {"mamba-constants": ["1,2,3,4,5,6", "1,2,7,8,9,10,11"],
          "mf-learning-times": ["1,2,3,4,5,6,7,8", "1,2,3,9,10,11,12"]}


@pytest.mark.parametrize("name", sorted(SPLITS))
def test_number_tables_say_they_are_too_wide_and_their_halves_fit(tables, name, tmp_path):
    whole = render(tables[name], "tex")
    assert whole.startswith("% probably too wide for a page"), whole[:80]
    for spec in SPLITS[name]:
        half = render(select_columns(tables[name], spec.split(",")), "tex")
        assert not half.startswith("%"), (name, spec)
        if shutil.which("pdflatex"):
            assert compile_tex(half, tmp_path).returncode == 0
            assert overfull(tmp_path) == 0, (name, spec, overfull(tmp_path))
