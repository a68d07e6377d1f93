"""Figures: the incremental-learning staircase and the loss plateaus.

Both draw the closed form ``X(t)`` (:func:`numerics.factorization.closed_form`) for ``Y =
diag(spectrum)`` and ``U0 = alpha B`` at three scales ``alpha``; the plateau levels come from
:func:`theory.models.matrix_factorization.plateau_loss`.
"""

from __future__ import annotations

import numpy as np

from numerics import factorization as nf
from proofs_check.claims.matrix_factorization.experiments import B_of, cached_learning_times
from proofs_check.claims.matrix_factorization.options import (
    parse_budget,
    parse_kind,
    parse_seed,
    parse_spectrum,
)
from theory.models import matrix_factorization as mf

__all__ = ["PLOTS", "plot_loss", "plot_staircase"]

#: the initial scales drawn, and their colours (Okabe-Ito orange, blue, green)
ALPHAS = (1e-2, 1e-4, 1e-8)


def _alpha_colours():
    from proofs_check.plots import PALETTE

    return dict(zip(ALPHAS, (PALETTE[1], PALETTE[5], PALETTE[3]), strict=True))


def _alpha_label(a: float) -> str:
    """``$\\alpha = 10^{-2}$`` for a power of ten, else the number."""
    exponent = round(np.log10(a))
    if abs(a - 10.0**exponent) <= 1e-12 * a:
        return rf"$\alpha = 10^{{{exponent}}}$"
    return rf"$\alpha = {a:g}$"


def _legend_above(fig, entries: int) -> None:
    """The figure's legend above the axes, in the house style (8 pt, no frame): one row on a
    page-wide figure, two columns on a one-column figure."""
    from proofs_check.plots import MIN_FONT_PT

    ncols = entries if fig.get_size_inches()[0] > 5 else 2
    fig.legend(loc="outside upper center", ncols=ncols, fontsize=MIN_FONT_PT, frameon=False)


def _times_grid(spec: tuple, kind: str, seed: int, npts: int) -> np.ndarray:
    """Times from 0 to 1.3 x the last exact learning time over the drawn alphas."""
    T = 1.3 * max(float(np.nanmax(cached_learning_times(spec, kind, a, seed).exact))
                  for a in ALPHAS)
    return np.linspace(0, T, npts)


def _setup(budget, seed, spectrum, B):
    """The validated options of both plots and the time grid: ``(spec, kind, seed, B, Y, ts)``."""
    spec, kind, seed = parse_spectrum(spectrum), parse_kind(B), parse_seed(seed)
    npts = 120 if parse_budget(budget) == "quick" else 400
    return (spec, kind, seed, B_of(kind, len(spec), seed), np.diag(spec),
            _times_grid(spec, kind, seed, npts))


def plot_staircase(budget: str = "quick", seed: int = 0, spectrum="4,2,1", B="generic"):
    """Incremental learning: the eigenvalues of ``X(t)`` against ``t`` for ``alpha = 1e-2, 1e-4,
    1e-8`` (one colour each), for ``Y = diag(spectrum)`` and ``U0 = alpha B`` (``B`` of the given
    kind, seeded). Black crosses mark the predicted learning times ``t_k = ln(lam_k/(rho_k
    alpha^2))/(2 lam_k)`` at height ``lam_k/2``: each sits where its curve crosses half its
    final value when the prediction is good (it improves as alpha shrinks).

    Examples
    --------
    >>> fig = plot_staircase(spectrum="2,1", B="aligned")
    >>> len(fig.axes)
    1
    """
    from proofs_check.plots import PALETTE, new_figure

    spec, kind, seed, Bm, Y, ts = _setup(budget, seed, spectrum, B)
    fig, ax = new_figure()
    colours = _alpha_colours()
    for a in ALPHAS:
        lt = cached_learning_times(spec, kind, a, seed)
        eig = np.array([np.sort(np.linalg.eigvalsh(nf.closed_form(Y, a * Bm, t)))[::-1]
                        for t in ts])
        for k in range(len(spec)):
            ax.plot(ts, eig[:, k], color=colours[a], label=_alpha_label(a) if k == 0 else None)
        learned = np.isfinite(lt.predicted)
        ax.plot(lt.predicted[learned], np.asarray(spec)[learned] / 2, ls="none", marker="x",
                ms=5, mew=1.2, color=PALETTE[0], zorder=4,
                label=r"predicted $t_k$ (at $\lambda_k/2$)" if a == ALPHAS[-1] else None)
    ax.set_xlabel("$t$")
    ax.set_ylabel("eigenvalues of $X(t)$")
    ax.set_xlim(0, ts[-1])
    _legend_above(fig, 4)
    return fig


def plot_loss(budget: str = "quick", seed: int = 0, spectrum="4,2,1", B="generic"):
    """The loss ``L = 1/4 |X(t) - Y|_F^2`` against ``t`` on a log scale, for ``alpha = 1e-2,
    1e-4, 1e-8`` (one colour each), ``Y = diag(spectrum)``, ``U0 = alpha B``; dotted lines: the
    plateau levels ``1/4 sum_{i>k} lam_i^2``. Panel (a) zooms on the plateaus; panel (b) follows
    the decay down to the float64 floor ``(n eps lam_1)^2`` (dashed): the closed form is rounded
    to float64, so ``X - Y`` carries an error of about ``n eps lam_1`` and smaller losses are
    rounding noise; they are not drawn (drawn, they fell off a cliff to ~1e-56).

    Examples
    --------
    >>> fig = plot_loss(spectrum="2,1", B="aligned")
    >>> len(fig.axes)
    2
    """
    from proofs_check.plots import MIN_FONT_PT, PALETTE, new_figure

    spec, _kind, seed, Bm, Y, ts = _setup(budget, seed, spectrum, B)
    fig, (top, bottom) = new_figure(1, 2, sharex=True)
    colours = _alpha_colours()
    floor = (len(spec) * np.finfo(float).eps * max(spec)) ** 2
    levels = [float(mf.plateau_loss(spec, k)) for k in range(len(spec))]
    for a in ALPHAS:
        loss = np.array([float(nf.loss(nf.closed_form(Y, a * Bm, t), Y)) for t in ts])
        loss[loss < floor] = np.nan          # below the float64 floor: rounding noise
        for ax in (top, bottom):
            ax.plot(ts, loss, color=colours[a], label=_alpha_label(a) if ax is top else None)
    for i, level in enumerate(levels):
        top.axhline(level, color=PALETTE[0], ls=":", lw=0.8, zorder=1,
                    label=r"plateau $\frac{1}{4}\Sigma_{i>k}\lambda_i^2$" if i == 0 else None)
    top.set_ylim(min(levels) / 4, 1.6 * max(levels))
    bottom.set_ylim(floor / 30, 4 * max(levels))
    # the floor is labelled where it is drawn (gid "threshold": no legend entry), at the left,
    # away from the curves that reach it on the right
    bottom.axhline(floor, gid="threshold", color="0.35", ls="--", lw=0.8)
    bottom.text(0.01, floor, "float64 floor", transform=bottom.get_yaxis_transform(),
                va="bottom", fontsize=MIN_FONT_PT)
    # panel tags in corners the curves leave empty: lower right of (a), upper right of (b)
    for ax, tag, y, va in ((top, "(a)", 0.05, "bottom"), (bottom, "(b)", 0.95, "top")):
        ax.set_yscale("log")
        ax.text(0.99, y, tag, transform=ax.transAxes, fontsize=MIN_FONT_PT, ha="right", va=va)
        ax.set_ylabel("$L(t)$")
    bottom.set_xlabel("$t$")
    bottom.set_xlim(0, ts[-1])
    _legend_above(fig, 4)
    return fig


PLOTS = {"mf-staircase": plot_staircase, "mf-loss": plot_loss}
