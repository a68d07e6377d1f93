"""Figures for papers: one style, print sizes, headless rendering, atomic saving to PNG or PDF.

Figures are built with :class:`matplotlib.figure.Figure` and an Agg canvas, never through
``pyplot``'s global state, so they work without a display and do not change the backend of a
notebook that imports dynverify. Catalogue plot functions (``PLOTS = {"name": function}``) start
from :func:`new_figure` and may mark claimed thresholds with :func:`mark_thresholds`.

The house style, for a figure that drops into a paper unedited:

- sizes of a one-column (3.3 in) and a two-column (6.8 in) figure (:data:`SIZES`); ``dynverify
  plot ... --size column|page|W,H`` chooses one for every figure (:func:`figure_size`);
- fonts of at least 8 pt at that size, the colour-blind-safe Okabe-Ito palette (:data:`PALETTE`);
- mathtext (``$\\eta s_1$``) for every symbol in labels and legends, a legend entry for every
  colour or line style that means something, and no title: the caption belongs to the paper
  (``--title`` adds one, :func:`finish_figure`);
- vector PDF for ``.pdf`` (fonts embedded as TrueType), 300 dpi for ``.png``.

Saved files are reproducible: PNG and PDF are written without creation dates or version strings.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import matplotlib
from cycler import cycler
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from numerics.files import publish, remove_stale, tmp_prefix

__all__ = ["FIGURE_FORMATS", "FONTS", "MIN_FONT_PT", "PALETTE", "SIZES", "STYLE",
           "check_figure_path",
           "figure_size", "finish_figure", "legend_outside", "mark_thresholds", "new_figure",
           "save_figure", "style_problems", "using_size"]

FIGURE_FORMATS = (".png", ".pdf")

#: figure sizes in inches: one column and a full page width of a two-column paper
SIZES = {"column": (3.3, 2.5), "page": (6.8, 3.4)}

#: the smallest font, in points at print size, any text of a figure may use
MIN_FONT_PT = 8.0

#: Okabe & Ito's colour-blind-safe palette (black first, then orange, sky blue, green, ...)
PALETTE = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
           "#CC79A7")

#: rcParams applied to every dynverify figure
STYLE = {
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.prop_cycle": cycler(color=PALETTE[1:] + PALETTE[:1]),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.5,
    "lines.linewidth": 1.2,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": None,  # not "tight": a saved figure keeps exactly the size asked for
    "pdf.fonttype": 42,
    "svg.hashsalt": "dynverify",
    "path.simplify": False,
}

#: font choices (``--font``): the house sans-serif; a serif; Computer Modern, as in a LaTeX paper
#: (cmr10 has no minus sign, so ticks write theirs in mathtext)
#: Families are named, not generic ("serif"), so a figure keeps its font when saved elsewhere.
FONTS = {
    "sans": {},
    "serif": {"font.family": ["DejaVu Serif"], "mathtext.fontset": "dejavuserif"},
    "cm": {"font.family": ["cmr10"], "mathtext.fontset": "cm",
           "axes.formatter.use_mathtext": True},
}

_REQUESTED_FONT: contextvars.ContextVar[str] = contextvars.ContextVar("dynverify_figure_font",
                                                                     default="sans")


def style() -> dict:
    """The rcParams of a dynverify figure: :data:`STYLE` with the font chosen by
    :func:`using_size` (sans-serif by default)."""
    return {**STYLE, **FONTS[_REQUESTED_FONT.get()]}


# the size chosen on the command line (--size) for every figure drawn inside using_size()
_REQUESTED_SIZE: contextvars.ContextVar[tuple[float, float] | None] = \
    contextvars.ContextVar("dynverify_figure_size", default=None)


def figure_size(spec: str | tuple[float, float]) -> tuple[float, float]:
    """Width and height in inches of ``"column"``, ``"page"`` or ``"W,H"`` (inches).

    Raises :class:`ValueError` with a one-line message for anything else.

    Examples
    --------
    >>> figure_size("column"), figure_size("5,3")
    ((3.3, 2.5), (5.0, 3.0))
    >>> figure_size("huge")
    Traceback (most recent call last):
    ...
    ValueError: figure size 'huge' is not column, page or W,H in inches (e.g. 3.3,2.5)
    """
    if isinstance(spec, tuple):
        width, height = spec
    elif spec in SIZES:
        return SIZES[spec]
    else:
        try:
            width, height = (float(part) for part in str(spec).split(","))
        except ValueError:
            raise ValueError(f"figure size {spec!r} is not column, page or W,H in inches "
                             "(e.g. 3.3,2.5)") from None
    if not (0.5 <= width <= 40 and 0.5 <= height <= 40):
        raise ValueError(f"figure size {spec!r}: width and height must lie in [0.5, 40] inches")
    return float(width), float(height)


@contextlib.contextmanager
def using_size(spec: str | tuple[float, float] | None, font: str = "sans") -> Iterator[None]:
    """Draw every :func:`new_figure` inside the block at ``spec`` (see :func:`figure_size`), in
    the house style (``spec=None``: each figure's own size) with the font ``font`` (one of
    :data:`FONTS`). Save inside the block too: tick labels are made when the figure is drawn.

    Examples
    --------
    >>> with using_size("column"):
    ...     fig, ax = new_figure(size="page")
    >>> tuple(fig.get_size_inches().tolist())
    (3.3, 2.5)
    """
    if font not in FONTS:
        raise ValueError(f"font {font!r} is not one of {', '.join(FONTS)}")
    token = _REQUESTED_SIZE.set(None if spec is None else figure_size(spec))
    font_token = _REQUESTED_FONT.set(font)
    try:
        with matplotlib.rc_context(style()):  # legends, colour bars, texts added later too
            yield
    finally:
        _REQUESTED_FONT.reset(font_token)
        _REQUESTED_SIZE.reset(token)

_METADATA = {".png": {"Software": None}, ".pdf": {"CreationDate": None, "Producer": None,
                                                   "Creator": None}}


def new_figure(ncols: int = 1, nrows: int = 1, *, size: str | tuple[float, float] = "column",
               **subplot_kw):
    """A styled figure with an Agg canvas and its axes.

    Parameters
    ----------
    ncols, nrows : int
        The grid of axes.
    size : str or (float, float)
        The figure's default size (see :func:`figure_size`); a size chosen with
        :func:`using_size` (the command line's ``--size``) takes precedence.
    **subplot_kw
        Passed to :meth:`Figure.subplots` (``sharex``, ``sharey``, ``gridspec_kw``, ...).

    Returns
    -------
    (Figure, axes)
        ``axes`` is one Axes for a 1x1 grid, else an array of them.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> type(fig.canvas).__name__, tuple(fig.get_size_inches().tolist())
    ('FigureCanvasAgg', (3.3, 2.5))
    """
    width, height = _REQUESTED_SIZE.get() or figure_size(size)
    with matplotlib.rc_context(style()):
        fig = Figure(figsize=(width, height), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(nrows, ncols, **subplot_kw)
    return fig, axes


def finish_figure(fig: Figure, *, size: str | tuple[float, float] | None = None,
                  title: str | None = None) -> Figure:
    """Give ``fig`` its final print size and, when asked, a title (figures have none by default:
    the caption belongs to the paper).

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> fig = finish_figure(fig, size="page", title="Phase diagram")
    >>> tuple(fig.get_size_inches().tolist()), fig.get_suptitle()
    ((6.8, 3.4), 'Phase diagram')
    """
    if size is not None:
        fig.set_size_inches(*figure_size(size))
    if title:
        with matplotlib.rc_context(style()):
            fig.suptitle(title)
    return fig


def mark_thresholds(ax, thresholds: Mapping[str, float], *, axis: str = "x", **style) -> None:
    """Draw labelled reference lines at claimed thresholds (``{label: value}``).

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> mark_thresholds(ax, {"$\\\\mu=1$": 1.0, "$\\\\mu=\\\\sqrt{5}-1$": 5 ** 0.5 - 1})
    >>> len(ax.lines)
    2
    """
    if axis not in ("x", "y"):
        raise ValueError(f"axis {axis!r} is not 'x' or 'y'")
    kw = {"color": "0.35", "linestyle": "--", "linewidth": 0.8, **style}
    transform = ax.get_xaxis_transform() if axis == "x" else ax.get_yaxis_transform()
    for label, value in thresholds.items():
        # each line is labelled where it is drawn, so it needs no legend entry (gid says so)
        if axis == "x":
            ax.axvline(value, gid="threshold", **kw)
            ax.text(value, 1.0, f" {label}", rotation=90, va="top", ha="right",
                    fontsize=MIN_FONT_PT, transform=transform)
        else:
            ax.axhline(value, gid="threshold", **kw)
            ax.text(1.0, value, f"{label} ", va="bottom", ha="right", fontsize=MIN_FONT_PT,
                    transform=transform)


# words that name a symbol and must be typeset as math ($\\mu$, not mu)
_SYMBOL_WORD = re.compile(
    r"(?<![\\\w])(?:alpha|beta|gamma|delta|epsilon|eta|theta|kappa|lambda|mu|nu|xi|rho|sigma|tau|"
    r"phi|chi|psi|omega|Gamma|Delta|Lambda|Sigma|Omega)(?![a-z])"
    r"|(?<![\\\w$])[A-Za-z]\w*(?:_\{?\w+\}?|\^\{?\w+\}?)"
    r"|(?<![\w$\\])[A-Za-z](?![\w'])")

# single letters that are words, not symbols, in an English label
_NOT_SYMBOLS = {"a", "A", "I"}


def _outside_math(text: str) -> str:
    """``text`` without its ``$...$`` parts."""
    return re.sub(r"\$[^$]*\$", " ", text)


def style_problems(fig: Figure, *, size: str | tuple[float, float] | None = None) -> list[str]:
    """What keeps ``fig`` from the house style (see the module's docstring): one line per problem.

    Checked: the size (when given), every visible text at least :data:`MIN_FONT_PT` at that size,
    symbols in axis labels and legend entries typeset as mathtext, and a legend entry for every
    colour and line style of the lines on an axes that has more than one (lines labelled where
    they are drawn, such as :func:`mark_thresholds`, are exempt).

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> _ = ax.plot([0, 1], [0, 1], label=r"$\\eta s_1$")
    >>> _ = ax.plot([0, 1], [1, 0], linestyle=":")
    >>> _ = ax.set_xlabel("eta")
    >>> _ = ax.legend()
    >>> for line in style_problems(fig): print(line)
    axes 0: x label 'eta' names a symbol outside mathtext
    axes 0: a line (color #56B4E9, style :) has no legend entry
    """
    from matplotlib.container import Container
    from matplotlib.lines import Line2D
    from matplotlib.text import Text

    problems = []
    if size is not None:
        want = figure_size(size)
        got = tuple(float(v) for v in fig.get_size_inches())
        if any(abs(g - w) > 1e-9 for g, w in zip(got, want, strict=True)):
            problems.append(f"size {got} is not the requested {want}")
    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text().strip() and text.get_fontsize() < MIN_FONT_PT:
            problems.append(f"text {text.get_text()!r} is {text.get_fontsize():g} pt "
                            f"(< {MIN_FONT_PT:g})")
    for k, ax in enumerate(fig.axes):
        legend = ax.get_legend() or (fig.legends[0] if fig.legends else None)
        entries = [t.get_text() for t in legend.get_texts()] if legend else []
        named = [("x label", ax.get_xlabel()), ("y label", ax.get_ylabel())]
        named += [("legend entry", t) for t in entries]
        for what, label in named:
            words = [m.group(0) for m in _SYMBOL_WORD.finditer(_outside_math(label))]
            if any(w not in _NOT_SYMBOLS for w in words):
                problems.append(f"axes {k}: {what} {label!r} names a symbol outside mathtext")
        lines = [ln for ln in ax.get_lines() if ln.get_gid() != "threshold" and ln.get_visible()]
        styles = {(_colour(ln.get_color()), ln.get_linestyle()) for ln in lines}
        if len(styles) < 2:
            continue
        handles = [*legend.legend_handles, *ax.get_legend_handles_labels()[0]] if legend else []
        # lines are matched by lines in the legend, including the data line of an error-bar
        # container (patches and bar collections name other artists)
        flat = [c for h in handles for c in (h if isinstance(h, Container) else [h])]
        shown = {(_colour(h.get_color()), h.get_linestyle()) for h in flat
                 if isinstance(h, Line2D)}
        for colour, style in sorted(styles - shown):
            problems.append(f"axes {k}: a line (color {colour}, style {style}) has no legend "
                            "entry")
    return problems


def _colour(value) -> str:
    from matplotlib.colors import to_hex

    return to_hex(value).upper()


def legend_outside(fig: Figure, handles, **kw):
    """A figure legend outside the data: to the right of the axes on a wide figure, below them on
    a one-column one.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> line, = ax.plot([0, 1], [0, 1], label="$x$")
    >>> legend_outside(fig, [line]).get_texts()[0].get_text()
    '$x$'
    """
    wide = fig.get_size_inches()[0] >= 5.0
    with matplotlib.rc_context(style()):
        if wide:
            return fig.legend(handles=handles, loc="outside right upper", **kw)
        return fig.legend(handles=handles, loc="outside lower center",
                          ncols=min(3, max(1, len(handles))), **kw)


def check_figure_path(path: str | os.PathLike) -> Path:
    """Validate an output path for a figure before any work is done (extension, directory).

    Raises :class:`ValueError` with a one-line message naming the path.

    Examples
    --------
    >>> check_figure_path("out.svg")
    Traceback (most recent call last):
    ...
    ValueError: figure file 'out.svg': unknown extension '.svg' (use .png or .pdf)
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FIGURE_FORMATS:
        raise ValueError(f"figure file {str(path)!r}: unknown extension {path.suffix!r} "
                         "(use .png or .pdf)")
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ValueError(f"figure file {str(path)!r} is a directory")
    if not parent.is_dir():
        raise ValueError(f"figure file {str(path)!r}: directory {str(parent)!r} does not exist")
    if not os.access(parent, os.W_OK):
        raise ValueError(f"figure file {str(path)!r}: directory {str(parent)!r} is not writable")
    return path


def save_figure(fig: Figure, path: str | os.PathLike) -> Path:
    """Save ``fig`` to ``path`` (.png or .pdf) atomically: a temporary file, then a rename.

    Nothing is left at ``path`` if rendering fails; an existing file is replaced only by a
    complete one.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> fig, ax = new_figure()
    >>> _ = ax.plot([0, 1], [1, 0])
    >>> out = save_figure(fig, pathlib.Path(tempfile.mkdtemp()) / "line.png")
    >>> out.read_bytes()[:4]
    b'\\x89PNG'
    """
    path = check_figure_path(path)
    suffix = path.suffix.lower()
    parent = path.parent if str(path.parent) else Path(".")
    remove_stale(parent)
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=tmp_prefix(path.name), suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as handle, matplotlib.rc_context(style()):
            if not isinstance(fig.canvas, FigureCanvasAgg):
                FigureCanvasAgg(fig)
            fig.savefig(handle, format=suffix[1:], metadata=_METADATA[suffix])
        publish(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
