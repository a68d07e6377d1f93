"""Page layout of a LaTeX table: which columns wrap, how wide, in which type size.

The widths are estimates in characters of the body font (a standard article's text width holds
about 62); :func:`layout` decides from them, and the compile test in
``tests/proofs_check/test_catalogue_tables.py`` checks the result with a real TeX engine.
"""

from __future__ import annotations

import re

__all__ = ["TEXTWIDTH_CHARS", "breakable", "layout", "tex_width"]


#: the width of a page's text in characters of the body font: a standard article's
#: ``\textwidth`` (345 pt) holds about 62 characters of 10 pt Computer Modern (5.5 pt each)
TEXTWIDTH_CHARS = 62

#: a text column wider than this many characters wraps (``X``) when the table is too wide
_WRAP_CHARS = 12

# commands that print nothing, or a thin space, in a cell
_ZERO_WIDTH = re.compile(r"\\hspace\{0pt\}"
                         r"|\\(?:mathrm|text|mathbf|operatorname|left|right|allowbreak|,|;|!)"
                         r"(?![A-Za-z])")


def tex_width(tex: str) -> float:
    r"""A rough printed width of a LaTeX cell, in characters of the body font: a command such as
    ``\mu`` or ``\times`` counts as one character, braces, ``$``, ``^`` and ``_`` as none.

    Examples
    --------
    >>> tex_width(r"$\mu_{\infty}$ (onset)"), tex_width("tf.slice.doubling\\_1")
    (10.0, 19.0)
    """
    text = _ZERO_WIDTH.sub("", tex)
    text = re.sub(r"\\[A-Za-z]+", "x", text)
    text = re.sub(r"\\.", "x", text)
    return float(len(re.sub(r"[{}$^_]", "", text)))


def _outside_math_parts(tex: str) -> list[str]:
    """``tex`` cut into text and ``$...$`` parts, in order."""
    return [p for p in re.split(r"(\$[^$]+\$)", tex) if p]


def breakable(tex: str) -> str:
    r"""``tex`` with break points after the dots and underscores of identifiers
    (``tf.slice.fixed\_points``) in its text parts (``\hspace{0pt}``: the next word may still
    be hyphenated), and long decimals in its math in groups of three that may break, for a
    narrow column.

    Examples
    --------
    >>> breakable(r"tf.slice.a\_b and $x.y$")
    'tf.\\hspace{0pt}slice.\\hspace{0pt}a\\_\\hspace{0pt}b and $x.y$'
    >>> breakable("$1.2360679775 \\pm 3$")
    '$1.236\\,\\allowbreak 067\\,\\allowbreak 977\\,\\allowbreak 5 \\pm 3$'
    """
    out = []
    for part in _outside_math_parts(tex):
        if not part.startswith("$"):
            part = re.sub(r"(?<=[A-Za-z0-9])\.(?=[A-Za-z])", r".\\hspace{0pt}", part)
            part = re.sub(r"\\_(?=\w)", r"\\_\\hspace{0pt}", part)
        else:  # long decimals in groups of three (thin spaces) that may break
            part = re.sub(r"(?<=\.)\d{10,}", lambda m: r"\,\allowbreak ".join(
                m.group(0)[i:i + 3] for i in range(0, len(m.group(0)), 3)), part)
        out.append(part)
    return "".join(out)


def _words(tex: str) -> list[str]:
    r"""The pieces of a cell that LaTeX cannot break: text cut at spaces and break points, math
    cut after top-level operators and relations (``\pm``, ``=``, ``+``, ``-``, ``\to``)."""
    pieces = []
    for part in _outside_math_parts(breakable(tex)):
        if part.startswith("$"):
            pieces += re.split(r" (?:\\pm|=|\+|-|\\to|<|>|\\le|\\ge) |\\allowbreak ", part)
        else:
            pieces += re.split(r"\s+|\\hspace\{0pt\}|(?<=[a-z]-)", part)
    return [p for p in pieces if p.strip()]


def _stacked(tex: str, width: float, align: str) -> str:
    r"""A header cell on as many lines as it needs to stay within ``width`` characters (a nested
    ``tabular``: no package needed); the cell itself when it fits."""
    if tex_width(tex) <= width:
        return tex
    lines: list[str] = []
    for part in _outside_math_parts(tex):
        for word in ([part] if part.startswith("$") else part.split()):
            if lines and tex_width(lines[-1] + " " + word) <= width:
                lines[-1] += " " + word
            else:
                lines.append(word)
    if len(lines) < 2:
        return tex
    return rf"\begin{{tabular}}[b]{{@{{}}{align}@{{}}}}" + r"\\".join(lines) + r"\end{tabular}"


def layout(heads: list[str], body: list[list[str]], numeric: list[bool]):
    r"""Column types and header cells for a table of rendered cells.

    A table whose estimated width fits :data:`TEXTWIDTH_CHARS` keeps ``l`` (text) and ``r``
    (numbers) columns. A wider one is set in ``\small`` with narrower gaps, as a ``tabularx`` of
    the line's width: its long text columns become ragged-right ``X`` columns that wrap, sized
    in proportion to their content but never narrower than their longest unbreakable word, and
    the long headers of the other columns are stacked on several lines.

    Returns ``(columns, heads, size, over)``: the type of each column (``l``, ``r`` or an ``X``
    with its options), the header cells, size None, ``"small"`` or ``"footnotesize"``, and
    ``over``, the estimated characters by which even the smaller layout exceeds the page (0
    when it fits: many number columns cannot wrap).
    """
    n = len(heads)
    natural = [max([tex_width(c) for c in [heads[j], *(row[j] for row in body)]])
               for j in range(n)]
    if sum(natural) + 2.2 * n <= TEXTWIDTH_CHARS:
        return ["r" if num else "l" for num in numeric], heads, None, 0.0
    cells = [[c for c in (row[j] for row in body)] for j in range(n)]
    wrap = [not numeric[j] and natural[j] > _WRAP_CHARS for j in range(n)]
    heads = list(heads)
    fixed = 0.0
    for j in range(n):
        if wrap[j]:
            continue
        body_width = max([tex_width(c) for c in cells[j]], default=0.0)
        longest = max([tex_width(w) for w in heads[j].split()], default=0.0)
        fixed += max(body_width, min(tex_width(heads[j]), max(body_width, 6.0, longest)))
        heads[j] = _stacked(heads[j], max(body_width, 6.0), "r" if numeric[j] else "l")
    wrapped = [j for j in range(n) if wrap[j]]
    def unbreakable(word: str) -> float:  # TeX hyphenates a long plain word
        width = tex_width(word)
        return min(width, 11.0) if re.fullmatch(r"\(?[A-Za-z]+-?[,;:)]*", word) else width

    least = {j: max(max((unbreakable(w) for c in [heads[j], *cells[j]] for w in _words(c)),
                        default=1.0), 6.0) for j in wrapped}
    # \small with 4 pt gaps, or \footnotesize with 2 pt gaps when \small cannot hold it
    size = "small"
    room = TEXTWIDTH_CHARS / 0.9 - 1.5 * n
    if fixed + sum(least.values()) > room:
        size, room = "footnotesize", TEXTWIDTH_CHARS / 0.8 - 0.8 * n
    if not wrapped:
        return ["r" if num else "l" for num in numeric], heads, size, max(fixed - room, 0.0)
    # widths are estimates: a column first gets a third more than its longest word, then the
    # rest of the room goes to the columns in proportion to the text they have beyond that
    least = {j: min(1.33 * w, natural[j]) for j, w in least.items()}
    spare = max(room - fixed - sum(least.values()), 0.0)
    extra = {j: max(natural[j] - least[j], 0.0) for j in wrapped}
    total = sum(extra.values()) or 1.0
    width = {j: least[j] + spare * extra[j] / total for j in wrapped}
    mean = sum(width.values()) / len(wrapped)
    spec = []
    for j in range(n):
        if wrap[j]:
            # \hspace{0pt}: TeX may hyphenate a cell's first word too
            spec.append(rf">{{\hsize={width[j] / mean:.2f}\hsize\raggedright\arraybackslash"
                        r"\hspace{0pt}}X")
        else:
            spec.append("r" if numeric[j] else "l")
    return spec, heads, size, max(fixed + sum(least.values()) - room, 0.0)
