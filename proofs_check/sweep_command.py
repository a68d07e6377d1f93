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

__all__ = ["add_sweep_arguments", "build_definition", "plot_sweep", "run_sweep_command"]


def model_maps() -> dict:
    """Named maps a sweep can use without writing a loss (built by the theory models)."""
    from theory.models import two_factor

    tf = two_factor.model()
    return {"two-factor": lambda: tf.map, "two-factor-balanced": lambda: tf.slice("balanced")}


def add_sweep_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``dynverify sweep``."""
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--model", help="a named map: two-factor, two-factor-balanced")
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

    if args.model is not None:
        maps = model_maps()
        if args.model not in maps:
            raise SweepError(f"--model {args.model!r}: unknown (choose from {', '.join(maps)})")
        F = maps[args.model]()
    else:
        if not args.params:
            raise SweepError("--loss needs --params")
        F = gd_map(args.loss, args.params, args.step, args.constants, name="loss")
    axes = [Axis.parse(text) for text in args.axis]
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
    if not args.store.strip():
        raise SweepError("--store: empty path")
    parent = Path(args.store).expanduser().absolute().parent
    if not parent.is_dir():
        raise SweepError(f"--store {args.store}: folder {parent} does not exist")
    record = tuple(r.strip() for r in args.record.split(",") if r.strip())
    return SweepDefinition.from_map(F, axes, fixed, steps=args.steps, record=record,
                                    chunk=args.chunk, horizon=args.horizon, seed=args.seed)


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


def plot_sweep(store: str | Path, x: str | None = None, y: str | None = None,
               at: dict[str, float] | None = None):
    """The phase diagram of a stored sweep: its label image over axes ``x`` and ``y``.

    Other axes are fixed at the grid point nearest to ``at[name]`` (default their middle point).
    Returns a matplotlib Figure.
    """
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    s = SweepStore(store)
    d = s.definition
    names = [a.name for a in d.axes]
    if len(names) < 1:
        raise SweepError(f"store {store}: the sweep has no axes to plot")
    x = x or names[0]
    y = y or (names[1] if len(names) > 1 else None)
    for nm in (x, y):
        if nm is not None and nm not in names:
            raise SweepError(f"axis {nm!r} is not an axis of the sweep ({', '.join(names)})")
    labels = s.load("label")
    index = []
    for a in d.axes:
        if a.name in (x, y):
            index.append(slice(None))
        else:
            target = (at or {}).get(a.name, a.values()[a.n // 2])
            index.append(int(np.abs(a.values() - target).argmin()))
    img = labels[tuple(index)]
    kept = [a for a in d.axes if a.name in (x, y)]
    if kept[0].name != x:
        img = img.T
    codes = sorted(s.legend)
    colours = ["#b2182b", "#bababa", "#2166ac", "#67a9cf", "#d1e5f0", "#fddbc7", "#ef8a62",
               "#762a83", "#1b7837", "#e08214"]
    cmap = ListedColormap([colours[i % len(colours)] for i in range(len(codes))])
    norm = BoundaryNorm(np.arange(len(codes) + 1) - 0.5, len(codes))
    fig = Figure(figsize=(6, 4.5), constrained_layout=True)
    ax = fig.add_subplot()
    ax_x = next(a for a in d.axes if a.name == x)
    if y is None:
        ax.imshow(img[None, :], aspect="auto", cmap=cmap, norm=norm, interpolation="nearest",
                  extent=(ax_x.lo, ax_x.hi, 0, 1))
        ax.set_yticks([])
    else:
        ax_y = next(a for a in d.axes if a.name == y)
        ax.imshow(img.T, origin="lower", aspect="auto", cmap=cmap, norm=norm,
                  interpolation="nearest", extent=(ax_x.lo, ax_x.hi, ax_y.lo, ax_y.hi))
        ax.set_ylabel(y)
    ax.set_xlabel(x)
    fixed = ", ".join(f"{a.name}={a.values()[i]:.4g}" for a, i in zip(d.axes, index, strict=True)
                      if not isinstance(i, slice))
    ax.set_title(f"{d.name}: fate after {d.steps} steps" + (f" ({fixed})" if fixed else ""))
    handles = [Patch(color=cmap(i), label=s.legend[c])
               for i, c in enumerate(codes) if np.any(img == c)]
    ax.legend(handles=handles, loc="upper right", fontsize="small", framealpha=0.8)
    return fig
