"""Figures of the two-factor catalogue: the house style at both print sizes, what they show,
and hostile options refused with a message naming the option."""

import inspect

import numpy as np
import pytest

from proofs_check.claims.two_factor import plots
from proofs_check.plots import PALETTE, style_problems, using_size

#: small options at the quick budget, so each figure renders in about a second
SMALL = {"two-factor-bifurcation": {"n_mu": "40"},
         "two-factor-plane": {"n": "30", "mus": "0.5,0.9,1.5"},
         "two-factor-ellipse-lyapunov": {"n_mu": "4", "steps": "1000"}}


@pytest.mark.parametrize("size", ["column", "page"])
@pytest.mark.parametrize("name", sorted(plots.PLOTS))
def test_plot_follows_the_house_style(name, size):
    with using_size(size):
        fig = plots.PLOTS[name](budget="quick", seed=0, **SMALL[name])
    assert style_problems(fig, size=size) == []
    assert all(not ax.get_title() for ax in fig.axes)
    fig.canvas.draw()   # renders (mathtext parses) without error


def test_bifurcation_legend_names_both_colours_and_thresholds_are_labelled():
    fig = plots.plot_bifurcation(n_mu="40")
    legend = fig.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == ["$a_0 = 0.7$", "$a_0 = -0.7$"]
    ax = fig.axes[0]
    data = [ln for ln in ax.get_lines() if ln.get_gid() != "threshold"]
    assert {ln.get_color() for ln in data} == {PALETTE[5], PALETTE[6]}
    labels = [t.get_text() for t in ax.texts]
    assert len(labels) == len([ln for ln in ax.get_lines() if ln.get_gid() == "threshold"]) == 7
    assert all(t.startswith("$") and t.endswith("$") for t in labels)


def test_bifurcation_threshold_labels_do_not_overlap():
    """The labels of neighbouring thresholds (sqrt5 - 1 and mu_inf are 0.066 apart) do not
    overlap at the column size."""
    with using_size("column"):
        fig = plots.plot_bifurcation(n_mu="40")
    renderer = fig.canvas.get_renderer()
    fig.canvas.draw()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts]
    for i, p in enumerate(boxes):
        for q in boxes[i + 1:]:
            assert not p.overlaps(q)


def test_plane_has_one_shared_legend_with_the_three_outcomes():
    fig = plots.plot_plane(n="30", mus="0.5,1.5")
    assert len(fig.legends) == 1 and all(ax.get_legend() is None for ax in fig.axes)
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert texts == ["converged to a minimum", "bounded, not converged", "diverged",
                     "$E_\\mu$", "$ab = 1$"]
    assert [t.get_text() for ax in fig.axes for t in ax.texts] == ["$\\mu = 0.5$", "$\\mu = 1.5$"]


def test_plane_labels():
    """At mu = 0.5 starts inside E_mu such as (0.8, 0.8) and (0, 0.8) converge to a minimum,
    starts with a coordinate -5 lie outside E_mu and diverge, and the origin is a fixed point off
    the minimiser family (bounded, not converged to a minimum)."""
    lab = plots.plane_labels(0.5, [-5.0, 0.0, 0.8], 500)
    assert lab.tolist() == [[2, 2, 2], [2, 1, 0], [2, 0, 0]]


def test_ellipse_lyapunov_plot_shows_the_closed_form():
    fig = plots.plot_ellipse_lyapunov(n_mu="4", steps="1000")
    closed = fig.axes[0].lines[0]
    x, y = closed.get_data()
    i = int(np.argmin(np.abs(x - 1.5)))
    assert abs(y[i] - np.log(2)) < 5e-3     # Lambda(3/2) = ln 2, on a grid of step 0.005


@pytest.mark.parametrize(("name", "options", "named"), [
    ("two-factor-bifurcation", {"n_mu": "0"}, "n_mu"),
    ("two-factor-bifurcation", {"n_mu": "-5"}, "n_mu"),
    ("two-factor-bifurcation", {"n_mu": "10**9"}, "n_mu"),
    ("two-factor-bifurcation", {"n_mu": "1e12"}, "n_mu"),
    ("two-factor-bifurcation", {"n_mu": "2.5"}, "n_mu"),
    ("two-factor-plane", {"n": "100000"}, "n"),
    ("two-factor-plane", {"n": "abc"}, "n"),
    ("two-factor-plane", {"mus": "-1"}, "mus"),
    ("two-factor-plane", {"mus": "0"}, "mus"),
    ("two-factor-plane", {"mus": "2.5"}, "mus"),
    ("two-factor-plane", {"mus": "nan"}, "mus"),
    ("two-factor-plane", {"mus": "inf"}, "mus"),
    ("two-factor-plane", {"mus": "0.5,x"}, "mus"),
    ("two-factor-plane", {"mus": ",".join(["0.5"] * 7)}, "mus"),
    ("two-factor-ellipse-lyapunov", {"steps": "0"}, "steps"),
    ("two-factor-ellipse-lyapunov", {"steps": "99999999999"}, "steps"),
    ("two-factor-ellipse-lyapunov", {"n_mu": "-1"}, "n_mu"),
    ("two-factor-ellipse-lyapunov", {"n_mu": "True"}, "n_mu"),
])
def test_plots_reject_hostile_options(name, options, named):
    with pytest.raises(ValueError, match=named):
        plots.PLOTS[name](budget="quick", seed=0, **options)


@pytest.mark.parametrize("name", sorted(plots.PLOTS))
def test_plots_have_no_catch_all_options(name):
    params = inspect.signature(plots.PLOTS[name]).parameters.values()
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
    with pytest.raises(TypeError):
        plots.PLOTS[name](budget="quick", seed=0, bogus="1")
    with pytest.raises(ValueError, match="budget"):
        plots.PLOTS[name](budget="huge", seed=0)


@pytest.mark.parametrize("size", ["column", "page"])
def test_bifurcation_labels_cover_no_other_threshold_and_stay_inside(size):
    """Each threshold label sits inside the axes, overlaps no other label and covers no other
    threshold's line (the sqrt5 - 1 label used to hide the mu_inf line at the column size)."""
    with using_size(size):
        fig = plots.plot_bifurcation(n_mu="40")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    box = ax.get_window_extent(renderer)
    xs = [ax.transData.transform((ln.get_xdata()[0], 0))[0] for ln in ax.get_lines()
          if ln.get_gid() == "threshold"]
    boxes = [t.get_window_extent(renderer) for t in ax.texts]
    for i, p in enumerate(boxes):
        assert box.x0 <= p.x0 and p.x1 <= box.x1
        assert sum(p.x0 < x < p.x1 for x in xs) <= 1, ax.texts[i].get_text()
        for q in boxes[i + 1:]:
            assert not p.overlaps(q)


def test_plane_at_column_size_leaves_no_empty_band():
    """The panels and the legend take the figure's height (no empty band above the panels)."""
    with using_size("column"):
        fig = plots.plot_plane(n="30", mus="0.5,0.9,1.5")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    height = fig.bbox.height
    top = max(ax.get_window_extent(renderer).y1 for ax in fig.axes)
    bottom = fig.legends[0].get_window_extent(renderer).y0
    assert (top - bottom) / height > 0.8, (top - bottom) / height
