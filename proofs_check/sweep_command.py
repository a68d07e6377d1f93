"""``dynverify sweep`` and ``dynverify plot sweep STORE``: phase diagrams at scale.

The sweep itself lives in :mod:`numerics.sweeps`; this module turns command-line words into a
:class:`numerics.sweeps.SweepDefinition`, runs it, prints a summary, and draws a stored sweep's
label image over two of its axes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from numerics.sweeps import FIELDS, Axis, SweepDefinition, SweepError, SweepStore, run_sweep
from proofs_check.models import Model

__all__ = ["add_sweep_arguments", "build_definition", "find_model", "plot_sweep",
           "run_sweep_command"]


def find_model(spec: str) -> Model:
    """The model named ``spec``: ``NAME`` of the catalogue's ``MAPS`` or ``FILE.py:NAME`` of a
    user's file (see :mod:`proofs_check.models`). One-line :class:`SweepError` otherwise."""
    from proofs_check.registry import RegistryError, discover, load_file

    path, sep, name = spec.rpartition(":")
    if sep and path.endswith(".py"):
        try:
            maps = load_file(path, need="maps").maps
        except RegistryError as exc:
            raise SweepError(f"--model {spec}: {exc}") from None
        where = path
    else:
        maps, name, where = discover().maps, spec, "the catalogue"
    if name not in maps:
        known = ", ".join(sorted(maps)) or "none"
        raise SweepError(f"--model {spec!r}: no map {name!r} in {where} (known: {known})")
    return maps[name]


def add_sweep_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``dynverify sweep``."""
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", metavar="NAME|FILE.py:NAME",
                     help="a declared map: of the catalogue (see `dynverify list --maps`) or "
                          "of a file's MAPS list; its default axes and fixed values apply "
                          "unless --axis / --fix are given")
    src.add_argument("--loss", help='a loss to derive the GD map from, e.g. "(a*b-1)**2/2"')
    p.add_argument("--params", help="trained variables of --loss")
    p.add_argument("--step", default="mu", help="step-size symbol of --loss (default mu)")
    p.add_argument("--constants", default=None, help="other symbols of --loss")
    p.add_argument("--axis", action="append", default=[], metavar="NAME=LO:HI:N",
                   help="a grid axis over a parameter or state variable (repeatable)")
    p.add_argument("--fix", action="append", default=[], metavar="NAME=VALUE",
                   help="a fixed value for a parameter or state variable (repeatable)")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--record", default="label,diverge_step",
                   help=f"comma-separated fields from {', '.join(FIELDS)}")
    p.add_argument("--chunk", type=int, default=65536, help="orbits per chunk (default 65536)")
    p.add_argument("--horizon", type=float, default=1e6)
    p.add_argument("--seed", type=int, default=0, help="stored with the sweep")
    p.add_argument("--store", required=True, help="directory of the results (resumable)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", help="address of a Dask scheduler, e.g. tcp://host:8786")
    where.add_argument("--workers", type=int, help="start a local Dask cluster of N workers")


def build_definition(args) -> SweepDefinition:
    """A SweepDefinition from parsed arguments (SweepError / ExpressionError on bad input)."""
    from theory.gd import gd_map

    default_axes, default_fixed, named = [], {}, {}
    if args.model is not None:
        model = find_model(args.model)
        F = model.map()
        # stored under the model's name: `plot sweep` finds its declared curves by it
        default_axes, default_fixed, named = list(model.axes), dict(model.fixed), \
            {"name": model.name}
    else:
        if not args.params:
            raise SweepError("--loss needs --params")
        F = gd_map(args.loss, args.params, args.step, args.constants, name="loss")
    axes = [Axis.parse(text) for text in (args.axis or default_axes)]
    fixed = {}
    for text in args.fix:
        name, sep, value = text.partition("=")
        try:
            number = float(value)
        except ValueError:
            raise SweepError(f"--fix {text!r}: expected NAME=VALUE") from None
        if not sep:
            raise SweepError(f"--fix {text!r}: expected NAME=VALUE")
        if name.strip() in fixed:
            raise SweepError(f"--fix {name.strip()}: given twice")
        fixed[name.strip()] = number
    on_axis = {a.name for a in axes}
    fixed.update({k: float(v) for k, v in default_fixed.items()
                  if k not in fixed and k not in on_axis})
    if not args.store.strip():
        raise SweepError("--store: empty path")
    parent = Path(args.store).expanduser().absolute().parent
    if not parent.is_dir():
        raise SweepError(f"--store {args.store}: folder {parent} does not exist")
    record = tuple(r.strip() for r in args.record.split(",") if r.strip())
    return SweepDefinition.from_map(F, axes, fixed, steps=args.steps, record=record,
                                    chunk=args.chunk, horizon=args.horizon, seed=args.seed,
                                    **named)


def run_sweep_command(args) -> int:
    """Run ``dynverify sweep``; prints a one-paragraph summary."""
    definition = build_definition(args)
    summary = run_sweep(definition, args.store, scheduler=args.scheduler, workers=args.workers,
                        progress=True)
    fractions = ", ".join(f"{k} {v:.4f}" for k, v in summary.label_fractions.items())
    print(f"sweep {definition.name}: {summary.n_orbits} orbits in {summary.n_chunks} chunks "
          f"({summary.computed} computed, {summary.skipped} already stored) in "
          f"{summary.seconds:.2f} s, {summary.orbits_per_second:,.0f} orbits/s")
    if fractions:
        print(f"labels (computed chunks): {fractions}")
    print(f"store: {summary.store} (seed {definition.seed})")
    return 0


#: fields ``plot sweep --field`` can draw (``period`` is read from the label)
PLOT_FIELDS = ("label", "period", "diverge_step", "lyapunov", "loss")

# label colours by meaning, from the colour-blind-safe palette (diverged a neutral grey)
_LABEL_COLOURS = {"converged": "#0072B2", "bounded": "#E69F00", "diverged": "#D9D9D9"}
# periods 2, 3, ...: Paul Tol's muted scheme (colour-blind safe, distinct from the three above)
_PERIOD_COLOURS = ("#88CCEE", "#44AA99", "#DDCC77", "#CC6677", "#117733", "#AA4499", "#999933",
                   "#332288", "#882255")

# cells without a value in a continuous field (diverged orbits, or never-diverged ones)
_MASKED = "#4D4D4D"

# names that abbreviate a Greek letter (SymPy typesets "lam" as a word)
_GREEK_ALIASES = {"lam": r"\lambda", "lamda": r"\lambda", "lmbda": r"\lambda"}


def _math(name: str) -> str:
    r"""``mu`` -> ``$\mu$``: an axis or parameter name as mathtext."""
    import sympy as sp

    return f"${_GREEK_ALIASES.get(name) or sp.latex(sp.Symbol(name))}$"


def _grid_slice(store: SweepStore, field: str, index: list) -> np.ndarray:
    return store.load(field)[tuple(index)]


def plot_sweep(store: str | Path, x: str | None = None, y: str | None = None,
               at: dict[str, float] | None = None, field: str = "label",
               overlays: list[str] | tuple[str, ...] = (), model: str | None = None):
    r"""A stored sweep as a figure: ``field`` over axes ``x`` (and ``y``).

    Parameters
    ----------
    store : the sweep's folder.
    x, y : axes to draw (default the first two).
    at : values of the other axes (the grid point nearest; default their middle point).
    field : ``label`` (fate: converged / period k / bounded / diverged, one colour each;
        "bounded" is drawn as "bounded, not settled in N steps": it is what is left over),
        ``period``, ``diverge_step``, ``lyapunov`` or ``loss`` (recorded by the sweep).
    overlays : threshold curves, each ``"AXIS=EXPR"`` or ``"EXPR"`` (the value of the axis that
        the expression does not mention), in the sweep's symbols, or the label of a curve the
        model declares (:class:`proofs_check.models.Model`).
    model : where the declared curves are: ``NAME`` or ``FILE.py:NAME`` (default: the catalogue's
        maps of the sweep's name).

    Axis labels are the symbols' mathtext; the values held fixed and the number of steps head
    the legend, which sits outside the data (without a legend they are written under the axes).
    Returns a matplotlib Figure.
    """
    from matplotlib.colors import BoundaryNorm, ListedColormap, LogNorm, TwoSlopeNorm
    from matplotlib.patches import Patch

    from numerics.basins import BOUNDED, CONVERGED, DIVERGED
    from proofs_check.plots import legend_outside, new_figure, style

    s = SweepStore(store)
    d = s.definition
    names = [a.name for a in d.axes]
    if not names:
        raise SweepError(f"store {store}: the sweep has no axes to plot")
    if field not in PLOT_FIELDS:
        raise SweepError(f"--field {field!r}: choose from {', '.join(PLOT_FIELDS)}")
    source = "label" if field == "period" else field
    if source not in d.record:
        raise SweepError(f"--field {field}: the sweep did not record {source!r} (recorded: "
                         f"{', '.join(d.record)}); sweep again into a new --store with "
                         f"--record {','.join([*d.record, source])}")
    x = x or names[0]
    y = y or (names[1] if len(names) > 1 and names[1] != x else None)
    for nm in (x, y):
        if nm is not None and nm not in names:
            raise SweepError(f"axis {nm!r} is not an axis of the sweep ({', '.join(names)})")
    if y == x:
        raise SweepError(f"--x and --y are the same axis {x!r}")
    index, held = [], {}
    for a in d.axes:
        if a.name in (x, y):
            index.append(slice(None))
        else:
            target = (at or {}).get(a.name, a.values()[a.n // 2])
            i = int(np.abs(a.values() - target).argmin())
            index.append(i)
            held[a.name] = float(a.values()[i])
    kept = [a for a in d.axes if a.name in (x, y)]
    ax_x = next(a for a in d.axes if a.name == x)
    ax_y = next((a for a in d.axes if a.name == y), None)

    def oriented(img):  # rows along x, columns along y
        return img.T if len(kept) == 2 and kept[0].name != x else img

    img = oriented(_grid_slice(s, source, index))
    labels = img if source == "label" else \
        oriented(_grid_slice(s, "label", index)) if "label" in d.record else None
    fig, ax = new_figure(size="page" if y is not None else "column")
    ax.grid(False)  # grid lines would sit on the data of an image
    extent = (ax_x.lo, ax_x.hi, 0, 1) if ax_y is None else (ax_x.lo, ax_x.hi, ax_y.lo, ax_y.hi)

    def show(data, **kw):
        data = data[None, :] if ax_y is None else data.T
        return ax.imshow(data, origin="lower", aspect="auto", interpolation="nearest",
                         extent=extent, **kw)

    handles = []
    if field in ("label", "period"):
        legend = s.legend
        if field == "period":
            img = np.where((img >= CONVERGED) & (img < CONVERGED + d.max_period), img, -99)
        # in order of meaning: converged, period 2, 3, ..., bounded, diverged
        codes = sorted((c for c in legend if np.any(img == c)),
                       key=lambda c: (c < CONVERGED, c == DIVERGED, c))
        colours = []
        for c in codes:
            name = legend[c]
            colours.append(_LABEL_COLOURS.get(name) or
                           _PERIOD_COLOURS[(c - CONVERGED - 1) % len(_PERIOD_COLOURS)])
        if codes:
            lut = np.full(max(codes) - min(codes) + 1, -1)
            lut[np.array(codes) - min(codes)] = np.arange(len(codes))
            inside = (img >= min(codes)) & (img <= max(codes))
            mapped = np.where(inside, lut[np.clip(img - min(codes), 0, len(lut) - 1)], -1)
            shown = np.ma.masked_less(mapped, 0)
            cmap = ListedColormap(colours).with_extremes(bad="white")
            show(shown, cmap=cmap, norm=BoundaryNorm(np.arange(len(codes) + 1) - 0.5,
                                                     len(codes)))
        # "bounded" only says the orbit neither diverged nor settled within the steps run
        names_shown = {BOUNDED: f"bounded, not settled in {d.steps} steps"}
        if field == "period":
            names_shown[CONVERGED] = "period 1 (fixed point)"
        handles = [Patch(facecolor=col, edgecolor="0.5", linewidth=0.5,
                         label=names_shown.get(c, legend[c]))
                   for c, col in zip(codes, colours, strict=True)]
    else:
        data = img.astype(np.float64)
        bad = ~np.isfinite(data)
        if labels is not None and field != "diverge_step":
            bad |= labels == DIVERGED  # a diverged orbit has no exponent or finite loss
        if field == "diverge_step":
            bad |= data < 0  # never diverged
        kw: dict = {}
        if field == "loss":
            bad |= data <= 0
            good = data[~bad]
            if good.size:
                kw["norm"] = LogNorm(vmin=max(good.min(), 1e-300), vmax=max(good.max(), 1e-300))
            cmap, what = "viridis", f"loss $L$ after {d.steps} steps"
        elif field == "lyapunov":
            good = data[~bad]
            bound = float(np.abs(good).max()) if good.size else 1.0
            kw["norm"] = TwoSlopeNorm(0.0, -bound or -1.0, bound or 1.0)
            cmap, what = "PuOr_r", r"largest Lyapunov exponent $\lambda_1$"
        else:
            cmap, what = "viridis", "step $k$ of divergence"
        import matplotlib

        # masked cells dark: the diverging colour map's centre (0) is near white already
        cmap = matplotlib.colormaps[cmap].with_extremes(bad=_MASKED)
        image = show(np.ma.masked_array(data, bad), cmap=cmap, **kw)
        with matplotlib.rc_context(style()):
            fig.colorbar(image, ax=ax, label=what)
        if bad.any():
            handles = [Patch(facecolor=_MASKED, edgecolor="0.5",
                             linewidth=0.5,
                             label="never diverged" if field == "diverge_step" else "diverged")]
    # the curves a model declares, looked up once (a catalogue lookup imports every catalogue)
    declared = {} if not overlays else dict(find_model(model).overlays) if model else \
        _declared_overlays(d.name)
    for k, spec in enumerate(overlays):
        label, xs, ys = _overlay_curve(spec, d, x, y, held, declared, model)
        line_kw = dict(color="black", linestyle=("--", ":", "-.")[k % 3], linewidth=1.2)
        if ys is None:
            ax.axvline(xs, label=label, **line_kw)
        else:
            ax.plot(xs, ys, label=label, **line_kw)
            ax.set_ylim(extent[2], extent[3])
        ax.set_xlim(extent[0], extent[1])
    ax.set_xlabel(_math(x))
    if ax_y is None:
        ax.set_yticks([])
    else:
        ax.set_ylabel(_math(y))
    handles += [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
    fixed = {**d.fixed, **held}
    caption = ", ".join(f"{_math(k)[:-1]} = {v:.4g}$" for k, v in fixed.items())
    caption = (caption + "; " if caption else "") + f"{d.steps} steps"
    if handles:  # what was held fixed heads the legend
        legend_outside(fig, handles, title=caption)
    else:
        fig.supxlabel(caption, fontsize=8)
    return fig


def _overlay_curve(spec: str, d: SweepDefinition, x: str, y: str | None, held: dict,
                   declared: dict[str, str], model: str | None = None):
    """``(label, xs, ys)`` of an overlay on the plotted axes (``ys`` None: a vertical line at
    ``xs``); ``spec`` is ``AXIS=EXPR``, ``EXPR`` or a label the model declares."""
    import sympy as sp

    from theory.parse import ExpressionError, parse_expression

    label = None
    if spec in declared:
        label, spec = spec, declared[spec]
    elif "$" in spec:  # a label, not an expression
        where = f"model {model!r}" if model else f"the catalogue's maps named {d.name!r}"
        raise SweepError(f"--overlay {spec!r} is not a curve declared by {where} (declared: "
                         f"{', '.join(declared) or 'none'}); for a map of your file give "
                         "--model FILE.py:NAME")
    target, sep, text = spec.partition("=")
    if not sep:
        target, text = "", spec
    symbols = {n: sp.Symbol(n) for n in (*d.state, *d.params)}
    try:
        expr = parse_expression(text, symbols, what=f"--overlay {spec!r}")
    except ExpressionError as exc:
        raise SweepError(str(exc)) from None
    axes = [n for n in (x, y) if n is not None]
    used = {str(v) for v in expr.free_symbols}
    target = target.strip()
    if not target:
        others = [n for n in axes if n not in used]
        if len(axes) != 2 or len(others) != 1:
            raise SweepError(f"--overlay {spec!r}: write AXIS=EXPR (which of {', '.join(axes)} "
                             "does it give?)")
        target = others[0]
    if target not in axes:
        raise SweepError(f"--overlay {spec!r}: {target!r} is not a plotted axis "
                         f"({', '.join(axes)})")
    free = [n for n in axes if n != target]
    values = {**d.fixed, **held}
    missing = sorted(used - set(values) - set(free))
    if missing:
        raise SweepError(f"--overlay {spec!r}: {', '.join(missing)} is neither a plotted axis "
                         "nor a fixed value")
    greek = {sp.Symbol(k): v for k, v in _GREEK_ALIASES.items()}
    label = label or f"{_math(target)[:-1]} = {sp.latex(expr, symbol_names=greek)}$"
    bound = expr.xreplace({sp.Symbol(k): sp.Float(v) for k, v in values.items()
                           if sp.Symbol(k) in expr.free_symbols})
    if not free:  # a constant: a line across the other axis
        value = float(bound)
        if target == x:
            return label, value, None
        ax_x = next(a for a in d.axes if a.name == x)
        return label, np.array([ax_x.lo, ax_x.hi]), np.array([value, value])
    along = next(a for a in d.axes if a.name == free[0])
    grid = np.linspace(along.lo, along.hi, 801)
    fn = sp.lambdify([sp.Symbol(free[0])], bound, "numpy")
    with np.errstate(all="ignore"):
        curve = np.broadcast_to(np.asarray(fn(grid), dtype=np.float64), grid.shape)
    curve = np.where(np.isfinite(curve), curve, np.nan)
    return (label, curve, grid) if target == x else (label, grid, curve)


def _declared_overlays(map_name: str) -> dict[str, str]:
    """Overlays declared by catalogue models whose map has this name."""
    from proofs_check.registry import discover

    out: dict[str, str] = {}
    for model in discover().maps.values():
        if model.name == map_name or getattr(model.map(), "name", None) == map_name:
            out.update(model.overlays)
    return out
