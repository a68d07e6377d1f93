"""Figures of the catalogue: house style at both print sizes, content, and their options."""

import inspect

import numpy as np
import pytest

from proofs_check.claims.mamba_icl import (
    plot_loss_curves,
    plot_loss_vs_N,
    plot_readout_cosine,
)
from proofs_check.plots import PALETTE, style_problems, using_size

#: each figure with small options that keep it quick (the defaults are drawn by the CLI)
FIGURES = [(plot_loss_vs_N, {"d": "1", "N": "4,8"}),
           (plot_readout_cosine, {"d": "2", "N": "12"}),
           (plot_loss_curves, {"batch": "512"})]


@pytest.mark.parametrize("fn, opts", FIGURES, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("size", ["column", "page"])
def test_figures_follow_the_house_style(fn, opts, size):
    with using_size(size):
        fig = fn(budget="quick", seed=0, **opts)
    assert style_problems(fig, size=size) == []
    assert all(not ax.get_title() for ax in fig.axes)


def test_readout_cosine_draws_the_readout_and_lms():
    fig = plot_readout_cosine(budget="quick", seed=0, d="2", N="12")
    lines = fig.axes[0].get_lines()
    assert len(lines) == 2 and all(len(ln.get_xdata()) == 13 for ln in lines)
    assert all(0 <= y <= 1 for ln in lines for y in ln.get_ydata())


def test_loss_curves_draw_visible_predictions_with_a_legend_entry():
    fig = plot_loss_curves(budget="quick", seed=0, batch="512")
    ax1, ax2 = fig.axes
    for ax in (ax1, ax2):
        preds = [ln for ln in ax.get_lines() if ln.get_linestyle() == ":"]
        assert preds
        data = [ln for ln in ax.get_lines() if ln.get_linestyle() == "-"]
        for ln in preds:
            # on top of the data, in a contrasting colour, with markers
            assert ln.get_zorder() > max(d.get_zorder() for d in data)
            assert ln.get_color() == PALETTE[0] and ln.get_marker() == "o"
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert r"$(1 - 2\eta s_1)^{2t}$" in labels and "float64 floor" in labels
    # nothing is drawn below the float floor of panel (a)
    floor = next(ln for ln in ax1.get_lines() if ln.get_linestyle() == "--").get_ydata()[0]
    assert all(np.nanmin(ln.get_ydata()) > floor for ln in ax1.get_lines()
               if ln.get_linestyle() != "--")


@pytest.mark.parametrize("fn, opts, msg", [
    (plot_loss_vs_N, {"d": "1000"}, "--d"),
    (plot_loss_vs_N, {"N": "5,100000"}, "--N"),
    (plot_loss_vs_N, {"seed": -1}, "--seed"),
    (plot_readout_cosine, {"N": "10000000"}, "--N"),
    (plot_readout_cosine, {"d": "2,3"}, "--d"),
    (plot_readout_cosine, {"budget": "slow"}, "--budget"),
    (plot_loss_curves, {"batch": "0"}, "--batch"),
    (plot_loss_curves, {"batch": str(2**40)}, "--batch"),
])
def test_hostile_options_are_refused(fn, opts, msg):
    with pytest.raises(ValueError, match=msg):
        fn(**opts)


@pytest.mark.parametrize("fn", [plot_loss_vs_N, plot_readout_cosine, plot_loss_curves])
def test_unknown_options_are_refused(fn):
    assert not any(p.kind is p.VAR_KEYWORD for p in inspect.signature(fn).parameters.values())
    with pytest.raises(TypeError):
        fn(bogus="1")
