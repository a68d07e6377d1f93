"""Figures: a consistent style, headless rendering, and atomic saving to PNG or PDF.

Figures are built with :class:`matplotlib.figure.Figure` and an Agg canvas, never through
``pyplot``'s global state, so they work without a display and do not change the backend of a
notebook that imports dynverify. Catalogue plot functions (``PLOTS = {"name": function}``) should
start from :func:`new_figure` and may mark claimed thresholds with :func:`mark_thresholds`.

Saved files are reproducible: PNG and PDF are written without creation dates or version strings.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from numerics.files import publish, remove_stale, tmp_prefix

__all__ = ["FIGURE_FORMATS", "STYLE", "check_figure_path", "mark_thresholds", "new_figure",
           "save_figure"]

FIGURE_FORMATS = (".png", ".pdf")

#: rcParams applied to every dynverify figure
STYLE = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.5,
    "lines.linewidth": 1.2,
    "legend.fontsize": 8,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "pdf.fonttype": 42,
    "svg.hashsalt": "dynverify",
    "path.simplify": False,
}

_METADATA = {".png": {"Software": None}, ".pdf": {"CreationDate": None, "Producer": None,
                                                   "Creator": None}}


def new_figure(ncols: int = 1, nrows: int = 1, *, width: float = 6.0, height: float = 3.6):
    """A styled figure with an Agg canvas and its axes.

    Returns
    -------
    (Figure, axes)
        ``axes`` is one Axes for a 1x1 grid, else an array of them.

    Examples
    --------
    >>> fig, ax = new_figure()
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> type(fig.canvas).__name__
    'FigureCanvasAgg'
    """
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(width, height), layout="constrained")
        FigureCanvasAgg(fig)
        axes = fig.subplots(nrows, ncols)
    return fig, axes


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
        if axis == "x":
            ax.axvline(value, **kw)
            ax.text(value, 1.0, f" {label}", rotation=90, va="top", ha="right", fontsize=7,
                    transform=transform)
        else:
            ax.axhline(value, **kw)
            ax.text(1.0, value, f"{label} ", va="bottom", ha="right", fontsize=7,
                    transform=transform)


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
        with os.fdopen(fd, "wb") as handle, matplotlib.rc_context(STYLE):
            if not isinstance(fig.canvas, FigureCanvasAgg):
                FigureCanvasAgg(fig)
            fig.savefig(handle, format=suffix[1:], metadata=_METADATA[suffix])
        publish(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
