"""Figures of the two-factor catalogue (``dynverify plot NAME``), in the house style of
:mod:`proofs_check.plots`: no titles (each function's docstring says what the figure shows, for
the caption), mathtext for symbols, Okabe-Ito colours, a legend entry for every colour.

``PLOTS = {name: function(budget="quick", seed=0, **options)}``; options arrive as strings from
the command line and are validated (a ValueError names the bad option).
"""

from __future__ import annotations

import math

import numpy as np

import numerics
from proofs_check.budget import by_budget
from proofs_check.claims.two_factor.cascade import MU_3, MU_INF
from proofs_check.claims.two_factor.derived import (
    a,
    as_numpy,
    b,
    ellipse_axes,
    kernel_F,
    kernel_g,
    model,
)
from proofs_check.claims.two_factor.ellipse import (
    ellipse_lyapunov_closed,
    ellipse_lyapunov_orbit,
    ellipse_lyapunov_quadrature,
)

__all__ = ["PLOTS", "plane_labels", "plot_bifurcation", "plot_ellipse_lyapunov", "plot_plane"]

# matplotlib (through proofs_check.plots) is imported when a figure is drawn, not when the
# catalogue is listed; colours are indices into proofs_check.plots.PALETTE (Okabe-Ito)
BLACK, SKY, YELLOW, BLUE, VERMILLION, PURPLE = 0, 2, 4, 5, 6, 7


def _budget_option(budget) -> str:
    if budget not in ("quick", "full"):
        raise ValueError(f"budget {budget!r} is not 'quick' or 'full'")
    return budget


def _int_option(name: str, value, lo: int, hi: int) -> int:
    """An integer option (a string from the command line, or an int) in ``[lo, hi]``; else a
    ValueError naming the option."""
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise ValueError(f"option {name}={value!r} is not an integer")
    try:
        n = int(value) if isinstance(value, int | float) else int(str(value).strip())
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"option {name}={value!r} is not an integer") from None
    if not lo <= n <= hi:
        raise ValueError(f"option {name}={value!r} must be an integer between {lo} and {hi}")
    return n


def _mu_list_option(name: str, value, lo: float, hi: float, most: int) -> list[float]:
    """A comma-separated list of at most ``most`` mu values, each in the open interval
    ``(lo, hi)``; else a ValueError naming the option."""
    items = [t.strip() for t in str(value).split(",")]
    if not 1 <= len(items) <= most:
        raise ValueError(f"option {name}={value!r}: give 1 to {most} comma-separated values")
    out = []
    for t in items:
        try:
            m = float(t)
        except ValueError:
            raise ValueError(f"option {name}: {t!r} is not a number") from None
        if not (math.isfinite(m) and lo < m < hi):
            raise ValueError(f"option {name}: mu = {t} is outside the model's domain "
                             f"{lo:g} < mu < {hi:g}")
        out.append(m)
    return out




def _panel_label(ax, text: str) -> None:
    """A short mathtext label in the upper-left corner of a panel, on a white box."""
    from proofs_check.plots import MIN_FONT_PT

    ax.text(0.03, 0.97, text, transform=ax.transAxes, va="top", ha="left", fontsize=MIN_FONT_PT,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5})


def _mark_thresholds_in_rows(ax, marks: dict[str, float], rows: int = 3) -> None:
    """Dashed vertical lines at the thresholds, labelled inside the top of the axes: each label
    takes the first of up to ``rows`` rows, centred on its line or ending or starting at it,
    where it overlaps no label placed before it and covers no other threshold's line
    (neighbours such as sqrt5 - 1 and mu_inf sit too close for one row). Call it once the
    figure has its final size and legend: placement is measured on the drawn figure."""
    from proofs_check.plots import MIN_FONT_PT

    items = sorted(marks.items(), key=lambda kv: kv[1])
    transform = ax.get_xaxis_transform()
    fig = ax.figure
    for _, value in items:
        # gid "threshold": labelled where drawn, so exempt from needing a legend entry
        ax.axvline(value, color="0.45", linestyle="--", linewidth=0.7, gid="threshold")
    fig.canvas.draw()  # constrained layout fixes the axes before the labels are measured
    renderer = fig.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    pad = 3.0 * fig.dpi / 72  # 3 pt between a label and another label or line
    xs = [ax.transData.transform((v, 0))[0] for _, v in items]
    placed = []
    for k, (label, value) in enumerate(items):
        text = ax.text(value, 0.98, label, transform=transform, va="top", fontsize=MIN_FONT_PT,
                       bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.9,
                             "pad": 0.8})
        others = [x for i, x in enumerate(xs) if i != k]
        for row in range(rows):
            for ha in ("center", "right", "left"):
                text.set_y(0.98 - 0.09 * row)
                text.set_horizontalalignment(ha)
                ext = text.get_window_extent(renderer)
                free = (box.x0 <= ext.x0 and ext.x1 <= box.x1
                        and not any(ext.x0 - pad < x < ext.x1 + pad for x in others)
                        and not any(ext.x0 < q.x1 + pad and q.x0 < ext.x1 + pad
                                    and ext.y0 < q.y1 and q.y0 < ext.y1 for q in placed))
                if free:
                    break
            else:
                continue
            break
        placed.append(text.get_window_extent(renderer))


def plot_bifurcation(budget: str = "quick", seed: int = 0, n_mu=None):
    """Orbit diagram of the balanced slice ``g(a) = (1+mu)a - mu a^3`` for 0.6 < mu < 2, from
    ``a_0 = 0.7`` (blue) and ``a_0 = -0.7`` (vermillion; the mirror attractors until they merge
    at the crisis 3sqrt3/2 - 1), with the thresholds on the mu axis: loss monotone up to
    2sqrt2 - 2, doubling at 1 and sqrt5 - 1, accumulation mu_inf, period-3 window mu_3, merging
    crisis, boundary crisis at 2. (For mu < 0.6 the attractors are the fixed points a = +-1.)

    Options: ``n_mu`` values of mu (2..20000).

    Examples
    --------
    >>> fig = plot_bifurcation(n_mu="50")
    >>> len(fig.axes), [t.get_text() for t in fig.legends[0].get_texts()]
    (1, ['$a_0 = 0.7$', '$a_0 = -0.7$'])
    """
    from matplotlib.lines import Line2D

    from proofs_check.plots import PALETTE, new_figure

    budget = _budget_option(budget)
    n = _int_option("n_mu", by_budget(budget, 1200, 6000) if n_mu is None else n_mu, 2, 20000)
    ms = np.linspace(0.6, 2.0, n)
    fig, ax = new_figure(size="column")
    handles = []
    for y0, colour in ((0.7, BLUE), (-0.7, VERMILLION)):
        od = numerics.orbit_diagram(kernel_g(), "mu", ms, x0=y0, transient=1000,
                                    record=by_budget(budget, 120, 400))
        ax.plot(*od.scatter(), ",", color=PALETTE[colour], alpha=0.6, rasterized=True)
        handles.append(Line2D([], [], marker="o", markersize=4, linestyle="None",
                              color=PALETTE[colour],
                              label=f"$a_0 = {y0:g}$"))
    marks = {r"$2\sqrt{2}-2$": 2 * math.sqrt(2) - 2, r"$1$": 1.0,
             r"$\sqrt{5}-1$": math.sqrt(5) - 1, r"$\mu_\infty$": float(MU_INF),
             r"$\mu_3$": float(MU_3), r"$3\sqrt{3}/2-1$": 3 * math.sqrt(3) / 2 - 1, r"$2$": 2.0}
    ax.set_xlim(ms[0], ms[-1] + 0.04)   # room for the label of the boundary crisis at 2
    ax.set_ylim(-1.65, 2.45)      # room above the attractors (|a| <= sqrt2) for the labels
    ax.set_yticks([-1, 0, 1])
    ax.set_xlabel(r"$\mu$")
    ax.set_ylabel(r"$a$ on the attractor")
    fig.legend(handles=handles, loc="outside lower center", ncols=2)
    _mark_thresholds_in_rows(ax, marks)
    return fig


def plane_labels(m: float, grid, steps: int, grid_b=None) -> np.ndarray:
    """Labels of the starts ``(grid[i], grid_b[j])`` at ``mu = m`` (:func:`numerics.classify`;
    ``grid_b`` defaults to ``grid``): 0 converged to a minimum (``|ab - 1| <= 1e-8``), 1 bounded
    but not converged, 2 diverged.

    Examples
    --------
    >>> plane_labels(0.5, [0.8, 5.0], 400).tolist()
    [[0, 2], [2, 2]]
    """
    resid = as_numpy(model().e, (a, b))
    basins = numerics.classify(kernel_F(), grid, grid if grid_b is None else grid_b,
                               {"mu": m}, steps,
                               family=lambda X: resid(X[:, 0], X[:, 1]), assign_tol=1e-8,
                               horizon=1e8)
    code = {name: c for c, name in basins.legend.items()}
    return np.where(basins.labels == code["diverged"], 2,
                    np.where(basins.labels == code["converged to family"], 0, 1))


#: the three outcomes of a start in the plane: (label, colour, opacity of its region)
PLANE_OUTCOMES = (("converged to a minimum", SKY, 0.45), ("bounded, not converged", YELLOW, 0.8),
                  ("diverged", PURPLE, 0.35))


def plot_plane(budget: str = "quick", seed: int = 0, n=None, mus="0.5,0.9,1.5"):
    """The (a, b) plane at a few mu, one panel each: the ellipse E_mu (black), the minimiser
    hyperbola ab = 1 (vermillion, dashed) and the outcome of a grid of starts: converged to a
    minimum (sky blue), bounded but not converged (yellow), diverged (purple). Starts inside
    E_mu stay bounded; outside it they diverge except on the minimisers and their preimages.
    a and b share one scale; the shorter side of a panel spans -3..3 and the longer one shows
    more of the plane, so the panels fill the figure at any size.

    Options: ``n`` grid points across -3..3 (2..1000; proportionally more on a longer side),
    ``mus`` 1 to 6 comma-separated values in
    0 < mu < 2 (where E_mu is an ellipse).

    Examples
    --------
    >>> fig = plot_plane(n="40", mus="0.5,1.5")
    >>> len(fig.axes), len(fig.legends[0].get_texts())
    (2, 5)
    """
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MultipleLocator

    from proofs_check.plots import PALETTE, new_figure

    budget = _budget_option(budget)
    mus = _mu_list_option("mus", mus, 0.0, 2.0, 6)
    n = _int_option("n", by_budget(budget, 200, 600) if n is None else n, 2, 1000)
    fig, axes = new_figure(ncols=len(mus), size="page", sharex=True, sharey=True)
    axes = np.atleast_1d(axes)
    handles = [Patch(facecolor=PALETTE[colour], alpha=alpha, edgecolor="0.5", linewidth=0.5,
                     label=label) for label, colour, alpha in PLANE_OUTCOMES]
    handles += [Line2D([], [], color=PALETTE[BLACK], linestyle="-", linewidth=1.2,
                       label=r"$E_\mu$"),
                Line2D([], [], color=PALETTE[VERMILLION], linestyle="--", linewidth=1.2,
                       label=r"$ab = 1$")]
    # three columns fit a page-wide figure; a column-wide one takes two
    ncols = 3 if fig.get_figwidth() >= 5 else 2
    fig.legend(handles=handles, loc="outside lower center", ncols=ncols)
    for ax in axes:
        ax.set_xlabel(r"$a$")
        ax.xaxis.set_major_locator(MultipleLocator(2))
        ax.yaxis.set_major_locator(MultipleLocator(2))
        ax.grid(False)
    axes[0].set_ylabel(r"$b$")
    # the panels keep a and b at one scale and fill the space the layout gives them: the
    # longer side of a panel shows more of the plane (|a|, |b| <= 3 on the shorter one)
    fig.canvas.draw()
    box = axes[0].get_position()
    ratio = (box.height * fig.get_figheight()) / (box.width * fig.get_figwidth())
    L = 3.0
    La, Lb = (L, L * ratio) if ratio >= 1 else (L / ratio, L)
    ga = np.linspace(-La, La, max(2, round(n * La / L)))
    gb = np.linspace(-Lb, Lb, max(2, round(n * Lb / L)))
    rgba = np.array([to_rgba(PALETTE[colour], alpha)
                     for _, colour, alpha in PLANE_OUTCOMES])
    for ax, m in zip(axes, mus, strict=True):
        lab = plane_labels(m, ga, by_budget(budget, 1000, 4000), gb).T  # rows: b
        ax.imshow(rgba[lab], origin="lower", extent=(-La, La, -Lb, Lb), interpolation="nearest")
        t = np.linspace(0, 2 * np.pi, 400)
        su, sv = ellipse_axes(m)
        U, V = su * np.cos(t), sv * np.sin(t)
        ax.plot((U + V) / 2, (U - V) / 2, color=PALETTE[BLACK], linestyle="-", linewidth=1.2)
        for sgn in (1, -1):
            xs = sgn * np.geomspace(1 / Lb, La, 300)
            ax.plot(xs, 1 / xs, color=PALETTE[VERMILLION], linestyle="--", linewidth=1.2)
        ax.set_xlim(-La, La)
        ax.set_ylim(-Lb, Lb)
        ax.set_aspect("equal")
        _panel_label(ax, rf"$\mu = {m:g}$")
    return fig


def plot_ellipse_lyapunov(budget: str = "quick", seed: int = 0, n_mu=None, steps=None):
    """The transverse Lyapunov exponent Lambda(mu) of the invariant ellipse E_mu for 0 < mu < 2:
    the closed form arccosh((1 + sqrt(25 - 4mu^2))/4) (black line), the mpmath quadrature of
    the mean log multiplier over E_mu (blue circles) and orbit averages of the float64 map
    projected back onto E_mu (vermillion crosses, sampling error ~5e-3).

    Options: ``n_mu`` values of mu on (0.02, 1.98) (2..1000), ``steps`` of each orbit average
    (64..2000000).

    Examples
    --------
    >>> fig = plot_ellipse_lyapunov(n_mu="5", steps="2000")
    >>> len(fig.axes[0].lines), len(fig.axes[0].get_legend().get_texts())
    (3, 3)
    """
    from proofs_check.plots import PALETTE, new_figure

    budget = _budget_option(budget)
    seed = _int_option("seed", seed, 0, 2**32 - 1)
    n = _int_option("n_mu", by_budget(budget, 40, 200) if n_mu is None else n_mu, 2, 1000)
    steps = _int_option("steps", by_budget(budget, 20000, 200000) if steps is None else steps,
                        64, 2_000_000)
    ms = np.linspace(0.02, 1.98, n)
    fig, ax = new_figure(size="column")
    fine = np.linspace(0.001, 1.999, 400)
    ax.plot(fine, ellipse_lyapunov_closed(fine), color=PALETTE[BLACK], linestyle="-",
            label=r"$\Lambda(\mu)$, closed form")
    ax.plot(ms, [ellipse_lyapunov_quadrature(float(m)) for m in ms], color=PALETTE[BLUE],
            marker="o", markersize=3, linestyle="None", label="quadrature over $E_\\mu$")
    orbit_ms = ms[:: max(1, n // 10)]
    ax.plot(orbit_ms, [ellipse_lyapunov_orbit(float(m), steps, seed) for m in orbit_ms],
            color=PALETTE[VERMILLION], marker="x", markersize=5, linestyle="None", zorder=3,
            label=f"orbit average, {steps} steps")
    ax.set_xlim(0, 2)
    ax.set_ylim(0, None)
    ax.set_xlabel(r"$\mu$")
    ax.set_ylabel(r"$\Lambda(\mu)$")
    ax.legend(loc="lower left")
    return fig


PLOTS = {"two-factor-bifurcation": plot_bifurcation, "two-factor-plane": plot_plane,
         "two-factor-ellipse-lyapunov": plot_ellipse_lyapunov}
