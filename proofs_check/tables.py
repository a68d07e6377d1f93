"""Bound tables: one :class:`Table` object, rendered as Markdown, LaTeX (booktabs), CSV or JSON.

Catalogue modules build tables (``TABLES = {"name": function}`` in ``proofs_check/claims/*.py``);
this module only lays them out. Every renderer is deterministic: the same table gives the same
bytes.

Conventions for cells: numbers (``int``, ``float``, NumPy or SymPy numbers) are formatted to
``digits`` significant digits with one format per column (scientific for the whole column when a
value needs an exponent; Markdown and LaTeX default to 6 digits; CSV and JSON keep full precision
unless ``digits`` is given, and write numbers as numbers); ``None`` is an empty cell; a SymPy
expression, or a string the strict parser reads as one (``"-2 + 2*sqrt(2)"``, ``"mu"``), is
typeset with :func:`sympy.latex` in LaTeX (headers too); anything else is text, escaped except for
``$...$`` segments, which are kept as math, so a cell may read ``"$\\sqrt{5} - 1$"``.
"""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from proofs_check.table_layout import breakable, layout

__all__ = [
    "FORMATS",
    "Table",
    "render",
    "select_columns",
    "to_csv",
    "to_json",
    "to_latex",
    "to_markdown",
    "transpose",
    "verdict_table",
]

FORMATS = ("md", "tex", "csv", "json")
DEFAULT_DIGITS = 6


@dataclass
class Table:
    """A table of results.

    ``columns`` are header strings; ``rows`` lists of cells (numbers, strings or None);
    ``caption`` one sentence; ``notes`` lines printed under the table (methods, seeds, sizes).

    Examples
    --------
    >>> t = Table("demo", "Two thresholds.", ["name", "value"],
    ...           [["pd1", 1.0], ["pd2", 1.2360679775]])
    >>> print(to_markdown(t, digits=4))
    ### demo
    <BLANKLINE>
    Two thresholds.
    <BLANKLINE>
    | name | value |
    | :--- | ---: |
    | pd1 | 1 |
    | pd2 | 1.236 |
    """

    name: str
    caption: str
    columns: list[str]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)
    #: significant digits for md and tex when the caller asks for none (default 6)
    digits: int | None = None
    #: the columns (header texts) each note describes; a note not listed describes the whole
    #: table. :func:`select_columns` keeps a note only while one of its columns is kept.
    note_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self):
        for i, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise ValueError(f"table {self.name!r}: row {i} has {len(row)} cells, "
                                 f"expected {len(self.columns)}")
        for note, described in self.note_columns.items():
            if note not in self.notes:
                raise ValueError(f"table {self.name!r}: note_columns names a note that is not "
                                 f"in notes: {note!r}")
            missing = [c for c in described if c not in self.columns]
            if missing:
                raise ValueError(f"table {self.name!r}: a note describes columns that are not "
                                 f"in the table: {', '.join(map(repr, missing))}")


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, numbers.Number):
        return True
    is_number = getattr(value, "is_number", False)  # SymPy numbers
    return is_number is True and getattr(value, "is_real", False) is True


def _as_float(value: Any) -> float | int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if getattr(value, "is_Integer", False):
        return int(value)
    return float(value)


def _number(value: Any, digits: int | None) -> str:
    """A number as text: ``digits`` significant digits, or its full ``repr`` when None."""
    x = _as_float(value)
    if isinstance(x, int):
        return str(x)
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if digits is None:
        return repr(x)
    text = f"{x:.{digits}g}"
    return text


def _round(value: Any, digits: int | None) -> Any:
    """A JSON value for a cell."""
    if value is None or isinstance(value, bool | str):
        return value
    if _is_number(value):
        x = _as_float(value)
        if isinstance(x, int):
            return x
        if not math.isfinite(x):
            return _number(x, None)
        return x if digits is None else float(f"{x:.{digits}g}")
    from proofs_check.claim import to_jsonable

    return to_jsonable(value)


def _expression(value: Any):
    """A SymPy expression for a cell or header that is one: a SymPy object, or a string such as
    ``"-2 + 2*sqrt(2)"``, ``"mu"`` or ``"s1^2"`` that the strict parser reads (every name a
    symbol). Prose does not parse and stays text. None when it is not an expression."""
    import sympy as sp

    if isinstance(value, sp.Basic):
        return value if not _is_number(value) or not value.is_Float else None
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        return None
    import ast

    from theory.parse import ExpressionError, parse_expression

    try:
        names = {n.id for n in ast.walk(ast.parse(value.strip().replace("^", "**"),
                                                  mode="eval"))
                 if isinstance(n, ast.Name)}
    except SyntaxError:
        return None
    from theory.parse import CONSTANTS, FUNCTIONS

    table = {n: sp.Symbol(n) for n in names if n not in FUNCTIONS and n not in CONSTANTS}
    try:
        return parse_expression(value, table)
    except ExpressionError:
        return None


def _math_text(value: Any) -> str | None:
    """``$latex$`` for an expression whose LaTeX differs from its plain text, else None."""
    import sympy as sp

    expr = _expression(value)
    if expr is None:
        return None
    tex = sp.latex(expr)
    if isinstance(value, str) and isinstance(expr, sp.Symbol) and not tex.startswith("\\"):
        return None  # a plain label such as "pd_1" stays text; Greek names become math
    return None if tex == str(value).strip() else f"${tex}$"


def _column_formats(table: Table, digits: int | None) -> list[str | None]:
    """One number format per numeric column: ``g`` unless some value needs an exponent (below
    1e-3 or from 1e6 on), then scientific for the whole column, ``e`` followed by the mantissa's
    significant digits: ``digits``, or fewer when every value of the column reads the same with
    fewer (``1e-02`` rather than ``1.00000e-02`` in a column of powers of ten); None for a text
    column.

    Examples
    --------
    >>> t = Table("t", "", ["alpha", "err", "name"], [[1e-2, 2.5e-7, "a"], [1e-8, 0.0, "b"]])
    >>> _column_formats(t, 6)
    ['e1', 'e2', None]
    """
    out = []
    for j, numeric in enumerate(_numeric_columns(table)):
        if not numeric or digits is None:
            out.append(None)
            continue
        values = [abs(_as_float(row[j])) for row in table.rows if row[j] is not None]
        floats = [v for v in values if isinstance(v, float) and math.isfinite(v) and v != 0]
        if not any(v < 1e-3 or v >= 1e6 for v in floats):
            out.append("g")
            continue
        shown = [float(f"{v:.{digits - 1}e}") for v in floats]
        need = next(k for k in range(1, digits + 1)
                    if all(float(f"{v:.{k - 1}e}") == w for v, w in zip(floats, shown,
                                                                         strict=True)))
        out.append(f"e{need}")
    return out


def _formatted(value: Any, digits: int | None, fmt: str | None) -> str:
    x = _as_float(value)
    if fmt is None or isinstance(x, int) or not math.isfinite(x):
        return _number(value, digits)
    if fmt.startswith("e"):
        if x == 0:
            return "0"  # zero has no exponent
        return f"{x:.{max(int(fmt[1:]) - 1, 0)}e}"
    return f"{x:.{digits}g}"


def _check_digits(digits: int | None) -> None:
    if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int)
                               or not 1 <= digits <= 17):
        raise ValueError(f"digits {digits!r} must be an integer from 1 to 17")


def _numeric_columns(table: Table) -> list[bool]:
    out = []
    for j in range(len(table.columns)):
        cells = [row[j] for row in table.rows if row[j] is not None]
        out.append(bool(cells) and all(_is_number(c) for c in cells))
    return out


def to_markdown(table: Table, digits: int | None = DEFAULT_DIGITS) -> str:
    """The table as GitHub-flavoured Markdown (numeric columns right-aligned).

    Examples
    --------
    >>> print(to_markdown(Table("t", "", ["a|b"], [[None]])))
    ### t
    <BLANKLINE>
    | a\\|b |
    | :--- |
    |  |
    """
    _check_digits(digits)

    formats = _column_formats(table, digits)

    def cell(v, fmt=None):
        if v is None:
            return ""
        text = _formatted(v, digits, fmt) if _is_number(v) else _plain_text(v)
        return " ".join(text.replace("|", "\\|").split())

    numeric = _numeric_columns(table)
    lines = [f"### {table.name}", ""]
    if table.caption:
        lines += [table.caption, ""]
    lines.append("| " + " | ".join(cell(c) for c in table.columns) + " |")
    lines.append("| " + " | ".join("---:" if n else ":---" for n in numeric) + " |")
    lines += ["| " + " | ".join(cell(v, f) for v, f in zip(row, formats, strict=True)) + " |"
              for row in table.rows]
    if table.notes:
        lines.append("")
        lines += [f"- {note}" for note in table.notes]
    return "\n".join(lines)


_TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}


def _tex_escape(text: str) -> str:
    return "".join(_TEX_SPECIAL.get(ch, ch) for ch in text)


def _tex_text(text: str) -> str:
    """Escape text for LaTeX, keeping ``$...$`` segments as math."""
    parts = re.split(r"(\$[^$]+\$)", str(text))
    return "".join(p if p.startswith("$") and p.endswith("$") and len(p) > 1 else _tex_escape(p)
                   for p in parts)


def _plain_text(value: Any) -> str:
    """Text of a non-number cell: lists joined, NumPy scalars as numbers, never a repr."""
    import sympy as sp

    if isinstance(value, list | tuple):
        return ", ".join(_number(v, None) if _is_number(v) else _plain_text(v) for v in value)
    if isinstance(value, sp.Basic):
        return sp.sstr(value)
    return str(value)


def _tex_number(value: Any, digits: int | None, fmt: str | None = None) -> str:
    text = _formatted(value, digits, fmt)
    if text in ("inf", "-inf"):
        return "$" + text.replace("inf", r"\infty") + "$"
    if text == "nan":
        return "NaN"
    m = re.fullmatch(r"(-?[\d.]+)e([+-])0*(\d+)", text)
    if m:
        mant, sign, exp = m.groups()
        sign = "-" if sign == "-" else ""
        if mant in ("1", "-1"):  # 10^{-2}, not 1 \times 10^{-2}
            return f"${mant[:-1]}10^{{{sign}{exp}}}$"
        return f"${mant} \\times 10^{{{sign}{exp}}}$"
    return text


def to_latex(table: Table, digits: int | None = DEFAULT_DIGITS) -> str:
    r"""The table as a LaTeX ``table`` with a booktabs ``tabular`` (``\usepackage{booktabs}``).

    A table too wide for the page (estimated, see :func:`proofs_check.table_layout.layout`) is
    set in ``\small`` (or ``\footnotesize``) as a ``tabularx`` of the line's width whose long
    text columns wrap; it needs ``\usepackage{array,tabularx}`` too (the output's first line
    says so). A table of many number columns that still does not fit says so in a comment on its
    first line.

    Examples
    --------
    >>> t = Table("pd", r"Thresholds of $F_\mu$.", ["name", "value"], [["mu_1", 2.5e-7]])
    >>> print(to_latex(t, digits=3))
    \begin{table}[ht]
    \centering
    \caption{Thresholds of $F_\mu$.}
    \label{tab:pd}
    \begin{tabular}{lr}
    \toprule
    name & value \\
    \midrule
    $\mu_{1}$ & $2.5 \times 10^{-7}$ \\
    \bottomrule
    \end{tabular}
    \end{table}
    """
    _check_digits(digits)
    numeric = _numeric_columns(table)
    formats = _column_formats(table, digits)

    def cell(v, fmt=None):
        if v is None:
            return ""
        if _is_number(v):
            return _tex_number(v, digits, fmt)
        if isinstance(v, str) and "$" in v:
            return _tex_text(v)
        return _math_text(v) or _tex_text(_plain_text(v))

    heads = [cell(c) for c in table.columns]
    body = [[cell(v, f) for v, f in zip(row, formats, strict=True)] for row in table.rows]
    kinds, heads, wide, over = layout(heads, body, numeric)
    spec = "".join(kinds)
    if "X" in spec:
        body = [[breakable(c) if k.endswith("X") else c for k, c in zip(kinds, row, strict=True)]
                for row in body]
    label = re.sub(r"[^A-Za-z0-9:.-]", "-", table.name)
    lines = []
    if "X" in spec:
        lines.append(r"% needs \usepackage{booktabs,array,tabularx}")
    if over > 0:
        lines.append(f"% probably too wide for a page ({len(kinds)} columns): print fewer "
                     "(--columns) or transpose it (--transpose)")
    lines += [r"\begin{table}[ht]", r"\centering"]
    if table.caption:
        lines.append(rf"\caption{{{_tex_text(table.caption)}}}")
    lines.append(rf"\label{{tab:{label}}}")
    if wide:
        gap = "4pt" if wide == "small" else "2pt"
        lines.append(rf"\{wide}\setlength{{\tabcolsep}}{{{gap}}}")
    begin, end = ((r"\begin{tabularx}{\linewidth}", r"\end{tabularx}") if "X" in spec else
                  (r"\begin{tabular}", r"\end{tabular}"))
    lines += [begin + "{" + spec + "}",
              r"\toprule",
              " & ".join(heads) + r" \\",
              r"\midrule"]
    lines += [" & ".join(row) + r" \\" for row in body]
    lines += [r"\bottomrule", end]
    if table.notes:
        lines.append(r"\par\smallskip{\footnotesize " + r" \par ".join(_tex_text(n)
                                                                      for n in table.notes) + "}")
    lines.append(r"\end{table}")
    return "\n".join(lines)


def to_csv(table: Table, digits: int | None = None) -> str:
    """The table as CSV: a header row, then the rows (caption and notes are left out).

    Examples
    --------
    >>> print(to_csv(Table("t", "c", ["x", "note"], [[0.1, "a, b"], [None, "q"]])), end="")
    x,note
    0.1,"a, b"
    ,q
    """
    _check_digits(digits)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if v is None else (_number(v, digits) if _is_number(v) else
                                               _plain_text(v)) for v in row])
    return buffer.getvalue()


def to_json(table: Table, digits: int | None = None) -> str:
    """The table as JSON (sorted keys, two-space indent, non-finite numbers as strings).

    Examples
    --------
    >>> print(to_json(Table("t", "c", ["x"], [[float("inf")], [1 / 3]]), digits=3))
    {
      "caption": "c",
      "columns": [
        "x"
      ],
      "name": "t",
      "notes": [],
      "rows": [
        [
          "inf"
        ],
        [
          0.333
        ]
      ]
    }
    """
    _check_digits(digits)
    data = {"name": table.name, "caption": table.caption, "columns": list(table.columns),
            "rows": [[_round(v, digits) for v in row] for row in table.rows],
            "notes": list(table.notes)}
    return json.dumps(data, sort_keys=True, indent=2, allow_nan=False, ensure_ascii=False)


def select_columns(table: Table, columns: Sequence[str]) -> Table:
    """The table with only ``columns`` (header texts or 1-based numbers), in that order: how a
    table too wide for a page is split into two.

    Examples
    --------
    >>> t = Table("t", "c", ["a", "b", "c"], [[1, 2, 3]])
    >>> select_columns(t, ["c", "1"]).rows
    [[3, 1]]
    >>> t.notes, t.note_columns = ["on a", "on all"], {"on a": ("a",)}
    >>> select_columns(t, ["b", "c"]).notes  # a note on a dropped column goes with it
    ['on all']
    >>> select_columns(t, ["d"])
    Traceback (most recent call last):
    ...
    ValueError: table 't' has no column 'd' (columns: a, b, c)
    """
    picked = []
    for name in columns:
        name = str(name).strip()
        if name in table.columns:
            picked.append(table.columns.index(name))
        elif name.isdigit() and 1 <= int(name) <= len(table.columns):
            picked.append(int(name) - 1)
        else:
            raise ValueError(f"table {table.name!r} has no column {name!r} (columns: "
                             f"{', '.join(map(str, table.columns))})")
    kept = [table.columns[i] for i in picked]
    notes = [n for n in table.notes
             if n not in table.note_columns or set(table.note_columns[n]) & set(kept)]
    note_columns = {n: tuple(c for c in cols if c in kept)
                    for n, cols in table.note_columns.items() if n in notes}
    return Table(table.name, table.caption, kept,
                 [[row[i] for i in picked] for row in table.rows], notes, table.digits,
                 note_columns)


def transpose(table: Table) -> Table:
    """Rows become columns: the first column's cells head the new columns. For a table with
    many columns and few rows (a page is taller than it is wide).

    Examples
    --------
    >>> t = Table("t", "c", ["name", "x", "y"], [["p", 1, 2], ["q", 3, 4]])
    >>> u = transpose(t)
    >>> u.columns, u.rows
    (['name', 'p', 'q'], [['x', 1, 3], ['y', 2, 4]])
    """
    if not table.columns:
        return table
    columns = [table.columns[0], *(row[0] for row in table.rows)]
    rows = [[head, *(row[j] for row in table.rows)] for j, head in
            enumerate(table.columns[1:], start=1)]
    # the headers become cells of the first column, so every note now describes the whole table
    return Table(table.name, table.caption, columns, rows, list(table.notes), table.digits)


def render(table: Table, fmt: str = "md", digits: int | None = None) -> str:
    """Render ``table`` in ``fmt`` (one of :data:`FORMATS`), ending with a newline.

    ``digits=None`` means the table's own ``digits`` (else 6) significant digits for ``md`` and
    ``tex``, full precision for ``csv`` and ``json``.

    Examples
    --------
    >>> t = Table("t", "c", ["x"], [[2 ** 0.5]])
    >>> render(t, "csv")
    'x\\n1.4142135623730951\\n'
    >>> render(t, "md", digits=3).splitlines()[-1]
    '| 1.41 |'
    >>> render(t, "xls")
    Traceback (most recent call last):
    ...
    ValueError: unknown table format 'xls' (choose from md, tex, csv, json)
    """
    shown = digits if digits is not None else table.digits or DEFAULT_DIGITS
    if fmt == "md":
        text = to_markdown(table, shown)
    elif fmt == "tex":
        text = to_latex(table, shown)
    elif fmt == "csv":
        text = to_csv(table, digits)
    elif fmt == "json":
        text = to_json(table, digits)
    else:
        raise ValueError(f"unknown table format {fmt!r} (choose from {', '.join(FORMATS)})")
    return text if text.endswith("\n") else text + "\n"


def _short(value: Any, width: int = 40) -> Any:
    """A cell of at most ``width`` characters: numbers as they are, a mapping as ``k = v; ...``
    (no Python repr), anything else as its one-line text."""
    if value is None or _is_number(value):
        return value
    if isinstance(value, dict):
        value = "; ".join(f"{k} = {v}" for k, v in value.items())
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def reason(result) -> str:
    """Why a verdict is what it is, in one line: the counterexample of a refutation, the message
    of an error or an undecided check; empty for a claim that holds."""
    if result.status in ("proved", "verified"):
        return ""
    if result.status == "refuted" and result.counterexample is not None:
        point = ", ".join(f"{k}={v}" for k, v in result.to_dict()["counterexample"].items())
        return f"counterexample {point}"
    return " ".join(str(result.message).split())


def verdict_table(results: Sequence, name: str = "verdicts") -> Table:
    """A table of verdicts: id, status, scope, value, claimed, margin, sample size, evidence kinds
    and the reason of a verdict that does not hold (counterexample or message).

    ``results`` are :class:`~proofs_check.CheckResult` objects. The scope is ``as stated`` for a
    proof, else what the evidence covered (``exact at d in {1, 2}``, ``400 points``). The sample
    size is the number of points or examples the floating-point evidence examined (summed over the
    evidence run).

    Examples
    --------
    >>> import sympy as sp
    >>> from proofs_check import Claim, check, evidence as ev
    >>> x = sp.Symbol("x")
    >>> r = check(Claim(id="demo.sq", statement="...", evidence=[ev.identity(x**2, x*x)]))
    >>> verdict_table([r]).rows
    [['demo.sq', 'proved', 'as stated', '0', '0', None, None, 'symbolic', '']]
    """
    rows = []
    counts: dict[str, int] = {}
    for r in results:
        sizes = [e.sample_size for e in r.evidence if e.sample_size is not None]
        status = r.status if getattr(r, "expect", "holds") == "holds" else \
            f"{r.status} (expected refuted)"
        rows.append([r.claim_id, status, _short(r.scope), _short(r.value), _short(r.claimed),
                     None if r.status == "proved" else r.margin,  # a proof has no margin
                     sum(sizes) if sizes else None, ", ".join(e.kind for e in r.evidence),
                     _short(reason(r), 60)])
        counts[r.status] = counts.get(r.status, 0) + 1
    summary = ", ".join(f"{counts[s]} {s}" for s in
                        ("proved", "verified", "refuted", "inconclusive", "error") if s in counts)
    budgets = sorted({r.budget for r in results})
    seeds = sorted({r.seed for r in results})
    notes = [f"{len(rows)} claim(s): {summary or 'none'}"]
    if results:
        notes.append(f"budget {', '.join(budgets)}; seed {', '.join(map(str, seeds))}")
    return Table(name, "Verdicts on the claims checked.",
                 ["claim", "status", "scope", "value", "claimed", "margin", "n", "evidence",
                  "reason"], rows, notes)
