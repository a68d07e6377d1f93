"""Figures of the catalogue: ``mamba-loss-vs-N``, ``mamba-readout-cosine``, ``mamba-loss-curves``.

They follow the house style of :mod:`proofs_check.plots` (no titles: each function's docstring
says what a caption should say; mathtext for symbols; colours from its palette).
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.ticker import LogLocator

from numerics import scan
from proofs_check.plots import PALETTE, new_figure

from .constants import float_constants
from .gd_simulation import _balanced_start, _excess, _iterate
from .options import _parse_budget, _parse_int, _parse_ints, _parse_seed

#: colours: black for theory's predictions, then one per step size / model
_PREDICTION = PALETTE[0]
_STEP_COLOURS = (PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[6])
_MARK = {"marker": "o", "markersize": 3, "markerfacecolor": "none", "zorder": 3}


def _corner(ax, text: str, where: str = "upper right") -> None:
    """A short panel label in a corner of ``ax`` (8 pt, above the data)."""
    x, ha = (0.97, "right") if where.endswith("right") else (0.03, "left")
    y, va = (0.95, "top") if where.startswith("upper") else (0.05, "bottom")
    ax.text(x, y, text, transform=ax.transAxes, ha=ha, va=va, fontsize=8, zorder=4,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.5})


def plot_loss_vs_N(budget="quick", seed=0, d="2", N=None) -> object:
    """Test loss of the literal S6 layer trained by online SGD against the context length ``N``,
    with the optimum ``L*`` of the reduced Mamba model and ``L*_TF`` of linear attention (ZOH,
    ``kappa = ln 2``, input dimension ``d``; log-log axes).

    Each point: SGD from a small Gaussian start (``eta s1 = 0.2``), then a Monte-Carlo test
    loss with its 99% confidence interval (error bars). ``N`` is a list such as ``"5,10,20"``.

    Examples
    --------
    >>> fig = plot_loss_vs_N(budget="quick", seed=0, d="1", N="4,8")
    >>> print(*[line.get_label() for line in fig.axes[0].get_lines()][:2], sep="; ")
    $L^*$ (Mamba); $L^*_{\\mathrm{TF}}$ (linear attention)
    """
    budget, seed = _parse_budget(budget), _parse_seed(seed)
    # sizes: the literal layer is trained on batch x (N + 1) x (d + 1) floats (16384 prompts at
    # the full budget: <= 16384 * 201 * 11 * 8 B ~ 0.3 GB at the limits)
    dd = _parse_int("d", d, hi=10)
    if N is not None:
        Ns = _parse_ints("N", N, hi=200, count=12)
    else:
        Ns = [5, 10, 20, 50, 100] if budget == "quick" else [5, 10, 20, 35, 50, 75, 100, 200]
    sim, lo, hi = [], [], []
    for N in Ns:
        c = float_constants(dd, N)
        p0 = scan.S6Params.gaussian(dd, dd, scale=0.1, seed=seed, biases=False)
        run = scan.train(p0, N, steps=120 if budget == "quick" else 300, eta=0.2 / c["s1"],
                         batch=2048 if budget == "quick" else 16384, seed=seed + N,
                         trained=("P", "v", "Q"))
        r = scan.mc_loss(run.params, N, 50_000 if budget == "quick" else 500_000,
                         seed=seed + 1000 + N, chunk=8192)
        sim.append(r.mean)
        lo.append(r.mean - r.ci[0])
        hi.append(r.ci[1] - r.mean)
    fig, ax = new_figure(size="column")
    grid = np.unique(np.geomspace(min(Ns), max(Ns), 60).round().astype(int))
    ax.plot(grid, [float_constants(dd, int(n))["L_star"] for n in grid], color=PALETTE[5],
            label=r"$L^*$ (Mamba)")
    ax.plot(grid, [float_constants(dd, int(n))["L_star_TF"] for n in grid], "--",
            color=PALETTE[1], label=r"$L^*_{\mathrm{TF}}$ (linear attention)")
    # markers and error bars drawn apart: the legend shows one entry for both
    ax.errorbar(Ns, sim, yerr=[lo, hi], fmt="none", color=_PREDICTION, capsize=2)
    ax.plot(Ns, sim, "o", ms=3, color=_PREDICTION, label="trained S6 (99% CI)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    # plain numbers on both log axes: the N simulated on x, 1-2-5 steps of the loss on y
    from matplotlib.ticker import FixedLocator, LogLocator, NullFormatter, StrMethodFormatter

    ax.xaxis.set_major_locator(FixedLocator(Ns))
    ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(StrMethodFormatter("{x:g}"))
        axis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("context length $N$")
    ax.set_ylabel("test loss")
    _corner(ax, rf"$d = {dd}$, ZOH, $\kappa = \ln 2$", "lower left")
    ax.legend(loc="upper right")
    return fig


def plot_readout_cosine(budget="quick", seed=0, d="5", N="100") -> object:
    """Mean cosine between the task vector ``w`` and the readout ``w_l = Q^T h_l`` along the
    context, at the ICL solution ``Gamma = gamma* I`` (ZOH, ``kappa = ln 2``), with online LMS
    (step ``1/(d+2)``) on the same prompts for comparison.

    Examples
    --------
    >>> ax = plot_readout_cosine(budget="quick", seed=0, d="2", N="10").axes[0]
    >>> ax.get_xlabel(), len(ax.get_lines())
    ('token $l$', 2)
    """
    budget, seed = _parse_budget(budget), _parse_seed(seed)
    # sizes: 1024 prompts of (N + 1) x (d + 1) floats at the full budget (<= 0.2 GB) and a
    # Python loop over the N tokens of every prompt
    dd, NN = _parse_int("d", d, hi=20), _parse_int("N", N, hi=1000)
    c = float_constants(dd, NN)
    n = 64 if budget == "quick" else 1024
    X, _, w = scan.sample_prompts(n, dd, NN, seed=seed)
    r = math.sqrt(c["gamma_star"])
    p = scan.S6Params.from_blocks(P=r * np.eye(dd), Q=r * np.eye(dd))
    cos_m = np.zeros(NN + 1)
    cos_l = np.zeros(NN + 1)
    for k in range(n):
        path = scan.readout_path(X[k], p)[: NN + 1]
        u = np.zeros(dd)
        lms = [u]
        for ll in range(NN):
            u = u + (X[k, ll, dd] - u @ X[k, ll, :dd]) * X[k, ll, :dd] / (dd + 2)
            lms.append(u)
        for arr, acc in ((path, cos_m), (np.array(lms), cos_l)):
            norms = np.linalg.norm(arr, axis=1) * np.linalg.norm(w[k])
            acc += np.where(norms > 0, arr @ w[k] / np.where(norms > 0, norms, 1), 0.0) / n
    fig, ax = new_figure(size="column")
    ax.plot(np.arange(NN + 1), cos_m, color=PALETTE[5],
            label=r"Mamba readout $w_l = Q^\top h_l$, $\Gamma = \gamma^* I$")
    ax.plot(np.arange(NN + 1), cos_l, "--", color=PALETTE[6],
            label=r"online LMS, step $1/(d+2)$")
    ax.set_xlabel("token $l$")
    ax.set_ylabel(r"mean $\cos(w, w_l)$")
    ax.set_ylim(0, 1.35)  # headroom above cos = 1 for the legend
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.legend(loc="upper left")
    _corner(ax, rf"$d = {dd}$, $N = {NN}$, {n} prompts", "lower right")
    return fig


def plot_loss_curves(budget="quick", seed=0, batch=None) -> object:
    """(a) Excess loss ``L - L*`` of GD on the derived map from a balanced start, for several
    ``eta s1``, and (b) the literal S6 layer's loss decrease per step ``L_t - L_{t+1}`` under
    full-batch GD (``eta s1 = 0.1``), each with the predicted ``(1 - 2 eta s1)^(2t)`` (black
    dotted with open circles, started where the curve has fallen by 10^3); ``d = d_h = 2``,
    ``N = 20``, ZOH, ``kappa = ln 2``. In (a) the grey dashed line marks the float64 floor of
    the excess loss (rounding of the entries of ``Q^T P - gamma* I``); values below it are not
    drawn. Panel (b): the literal S6 layer of :mod:`numerics.scan` (W_B, W_C trained).

    ``batch``: prompts of the literal layer's fixed batch (default 2^14 quick, 2^17 full).

    Examples
    --------
    >>> fig = plot_loss_curves(budget="quick", seed=0, batch="512")
    >>> len(fig.axes)
    2
    """
    budget, seed = _parse_budget(budget), _parse_seed(seed)
    # batch x 21 x 3 floats: <= 2^18 prompts (~0.13 GB)
    nb = (_parse_int("batch", batch, lo=16, hi=2**18) if batch is not None
          else 2**14 if budget == "quick" else 2**17)
    d, d_h, N = 2, 2, 20
    c = float_constants(d, N)
    xs = [0.1, 0.25, 0.4, 0.7]
    traj = _iterate(d, d_h, ("P", "Q"), _balanced_start(d, d_h, c, 0.2, len(xs)), c,
                    np.array(xs) / c["s1"], 200)
    e = _excess(traj, d, d_h, c)
    # float floor: the excess is (alpha/2)|Q^T P - gamma* I|^2 and each of its d^2 entries
    # carries the rounding of a few products and of the iteration (observed <~ 8 ulps of
    # gamma*: the excess levels off near 5e-30); below 16 ulps per entry it is rounding
    floor = c["alpha"] / 2 * d * d * (16 * np.finfo(float).eps * c["gamma_star"]) ** 2
    t = np.arange(e.shape[0])
    fig, (ax1, ax2) = new_figure(2, 1, size="page")
    for k, x in enumerate(xs):
        ax1.semilogy(t, np.where(e[:, k] > floor, e[:, k], np.nan), color=_STEP_COLOURS[k],
                     label=rf"$\eta s_1 = {x}$")
        _prediction(ax1, t, e[:, k], (1 - 2 * x) ** 2, floor)
    floor_line = ax1.axhline(floor, color="0.35", linestyle="--", linewidth=0.8)
    ax1.set_ylim(floor / 10, 10 * float(e[0].max()))
    ax1.set_xlabel("step $t$")
    ax1.set_ylabel(r"$L - L^*$")
    _corner(ax1, "(a)")
    x = 0.1
    run = scan.train(scan.S6Params.gaussian(d, d_h, scale=0.1, seed=seed, biases=False), N,
                     steps=130, eta=x / c["s1"], batch=nb, fresh=False, seed=seed,
                     trained=("P", "v", "Q", "c"))
    D = run.loss[:-1] - run.loss[1:]
    tt = np.arange(D.size)
    ax2.semilogy(tt, np.where(D > 0, D, np.nan), color=_STEP_COLOURS[0])
    _prediction(ax2, tt, D, (1 - 2 * x) ** 2, 0.0)
    ax2.set_xlabel("step $t$")
    ax2.set_ylabel(r"$L_t - L_{t+1}$")
    _corner(ax2, "(b)")
    for ax in (ax1, ax2):
        ax.yaxis.set_major_locator(LogLocator(numticks=6))
    narrow = fig.get_figwidth() < 5  # a column: the legend below the panels, else beside them
    fig.legend(handles=[*ax1.get_lines()[: 2 * len(xs): 2], ax1.get_lines()[1], floor_line],
               labels=[*(rf"$\eta s_1 = {x}$" for x in xs), r"$(1 - 2\eta s_1)^{2t}$",
                       "float64 floor"],
               loc="outside lower center" if narrow else "outside right upper",
               ncols=3 if narrow else 1, columnspacing=1.0, handlelength=1.8)
    return fig


def _prediction(ax, t, values, factor: float, floor: float) -> None:
    """The predicted geometric decay ``values[T0] factor^(t - T0)`` from the first step ``T0``
    where ``values`` has fallen below 1e-3 of its largest value, drawn on top of the data (black
    dotted, open circles) down to ``floor``."""
    T0 = int(np.argmax(values < 1e-3 * np.nanmax(values)))
    pred = values[T0] * factor ** (t[T0:] - T0).astype(float)
    ax.semilogy(t[T0:], np.where(pred > floor, pred, np.nan), ":", color=_PREDICTION,
                markevery=max(1, (t.size - T0) // 12), **_MARK)


PLOTS = {"mamba-loss-vs-N": plot_loss_vs_N, "mamba-readout-cosine": plot_readout_cosine,
         "mamba-loss-curves": plot_loss_curves}
