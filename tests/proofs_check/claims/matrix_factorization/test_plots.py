"""Figures mf-staircase and mf-loss: the house style at both print sizes, what they draw, and
hostile options refused."""

import numpy as np
import pytest

from proofs_check.claims.matrix_factorization.plots import PLOTS, plot_loss, plot_staircase
from proofs_check.plots import figure_size, style_problems, using_size


@pytest.mark.parametrize("size", ["column", "page"])
@pytest.mark.parametrize("name", sorted(PLOTS))
def test_plot_has_the_house_style(name, size):
    with using_size(size):
        fig = PLOTS[name](budget="quick", seed=0)
    assert style_problems(fig, size=size) == []
    assert tuple(fig.get_size_inches()) == figure_size(size)
    assert all(not ax.get_title() for ax in fig.axes) and not fig.get_suptitle()


def test_style_check_would_catch_the_old_unlabelled_prediction_lines():
    # the old figure drew each alpha's predicted times as dotted lines of its colour, without a
    # legend entry: the style check must flag such a line
    fig = plot_staircase(spectrum="2,1", B="aligned")
    ax = fig.axes[0]
    ax.axvline(1.0, color=ax.get_lines()[0].get_color(), ls=":")
    assert any("has no legend entry" in p for p in style_problems(fig))


def test_staircase_marks_every_predicted_time_on_its_curve():
    fig = plot_staircase(spectrum="4,2,1", B="aligned")
    ax = fig.axes[0]
    marks = [ln for ln in ax.get_lines() if ln.get_marker() == "x"]
    assert len(marks) == 3                      # one set of crosses per alpha
    for ln in marks:                            # at half height lam_k/2 of each component
        assert sorted(ln.get_ydata().tolist()) == [0.5, 1.0, 2.0]


def test_loss_is_clipped_at_the_float_floor_and_plateaus_are_theorys():
    fig = plot_loss(spectrum="4,2,1", B="generic")
    top, bottom = fig.axes
    floor = (3 * np.finfo(float).eps * 4.0) ** 2
    clipped = 0
    for ln in bottom.get_lines():
        if ln.get_gid() == "threshold":      # the floor, marked where it is drawn
            assert ln.get_ydata()[0] == pytest.approx(floor)
            continue
        y = np.asarray(ln.get_ydata(), dtype=float)
        assert np.nanmin(y) >= floor
        clipped += bool(np.isnan(y).any())
    assert clipped >= 1                       # alpha = 1e-2 reaches the floor before the end
    assert bottom.get_ylim()[0] > 1e-35                    # not down to 1e-56
    levels = sorted(ln.get_ydata()[0] for ln in top.get_lines() if ln.get_linestyle() == ":")
    assert levels == pytest.approx([0.25, 1.25, 5.25])    # 1/4 sum_{i>k} lam_i^2
    assert top.get_ylim()[0] < 0.25 < 5.25 < top.get_ylim()[1]


@pytest.mark.parametrize("options", [{"spectrum": "1e300,1"}, {"spectrum": "-1,2"},
                                     {"B": "file:/etc/passwd"}, {"seed": "x"},
                                     {"budget": "huge"}])
def test_plots_refuse_hostile_options(options):
    for fn in PLOTS.values():
        with pytest.raises(ValueError):
            fn(**{"budget": "quick", "seed": 0, "spectrum": "2,1", "B": "aligned", **options})
