"""Figures: headless, styled, saved atomically and reproducibly to PNG and PDF."""

import pytest

from proofs_check.plots import check_figure_path, mark_thresholds, new_figure, save_figure


def figure():
    fig, ax = new_figure()
    ax.plot([0.0, 1.0, 2.0], [0.0, 1.0, 0.5])
    mark_thresholds(ax, {"$\\mu = 1$": 1.0})
    return fig


@pytest.mark.parametrize(("ext", "magic"), [(".png", b"\x89PNG"), (".pdf", b"%PDF")])
def test_saves_reproducible_files(tmp_path, ext, magic):
    first = save_figure(figure(), tmp_path / f"a{ext}").read_bytes()
    second = save_figure(figure(), tmp_path / f"b{ext}").read_bytes()
    assert first[:4] == magic and first == second
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"a{ext}", f"b{ext}"]  # no temp files


def test_bad_paths_write_nothing(tmp_path):
    with pytest.raises(ValueError, match=r"unknown extension '\.svg'"):
        save_figure(figure(), tmp_path / "a.svg")
    with pytest.raises(ValueError, match="does not exist"):
        check_figure_path(tmp_path / "missing" / "a.png")
    (tmp_path / "d.png").mkdir()
    with pytest.raises(ValueError, match="is a directory"):
        check_figure_path(tmp_path / "d.png")
    assert [p.name for p in tmp_path.iterdir()] == ["d.png"]


def test_a_failing_render_leaves_no_file(tmp_path, monkeypatch):
    fig = figure()

    def broken(*args, **kwargs):
        raise RuntimeError("render failed")

    monkeypatch.setattr(fig, "savefig", broken)
    with pytest.raises(RuntimeError):
        save_figure(fig, tmp_path / "x.png")
    assert list(tmp_path.iterdir()) == []


def test_saved_files_have_the_size_asked_for(tmp_path):
    """--size column is 3.3 in wide: 990 px at the house 300 dpi, whatever the labels do."""
    import struct

    from proofs_check.plots import SIZES, using_size

    with using_size("column"):
        fig = figure()
        fig.axes[0].set_ylabel("a long label that reaches the edge " * 2)
    png = save_figure(fig, tmp_path / "c.png").read_bytes()
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == tuple(round(v * 300) for v in SIZES["column"])


def test_style_problems_finds_what_breaks_the_house_style():
    from proofs_check.plots import style_problems

    fig, ax = new_figure(size="page")
    ax.plot([0, 1], [0, 1], label="loss")
    ax.plot([0, 1], [1, 0], "--")
    ax.set_xlabel("mu")
    ax.text(0.5, 0.5, "tiny", fontsize=6)
    ax.legend()
    found = style_problems(fig, size="column")
    assert any("size" in f for f in found) and any("6 pt" in f for f in found)
    assert any("'mu' names a symbol" in f for f in found)
    assert any("has no legend entry" in f for f in found)
    fig, ax = new_figure(size="page")
    ax.plot([0, 1], [0, 1], label="$L$")
    ax.set_xlabel("step $t$")
    mark_thresholds(ax, {"$\\mu = 1$": 0.5})
    ax.legend()
    assert style_problems(fig, size="page") == []


def test_style_problems_reads_legends_with_error_bars():
    from proofs_check.plots import style_problems

    fig, ax = new_figure()
    ax.errorbar([0, 1], [0, 1], yerr=[0.1, 0.1], fmt="o", label="$L$")
    ax.plot([0, 1], [1, 0], ":")
    ax.legend()
    found = style_problems(fig)
    assert len(found) == 1 and "style :" in found[0]


@pytest.mark.parametrize(("font", "family", "math"), [
    ("sans", "DejaVu Sans", "dejavusans"), ("serif", "DejaVu Serif", "dejavuserif"),
    ("cm", "cmr10", "cm")])
def test_a_font_choice_reaches_text_ticks_and_the_saved_file(font, family, math, tmp_path):
    import warnings

    from matplotlib import font_manager

    from proofs_check.plots import using_size

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a glyph missing from the font would warn
        with using_size("column", font=font):
            fig, ax = new_figure()
            ax.plot([-1, 1], [-2, 2], label=r"$\mu_\infty - 1$")
            ax.set_xlabel(r"step $\eta$")
            ax.legend()
            path = save_figure(fig, tmp_path / "f.png")
    assert path.stat().st_size > 0
    label = ax.xaxis.label
    assert font_manager.findfont(label.get_fontproperties()) == font_manager.findfont(family)
    assert label.get_fontproperties().get_math_fontfamily() == math
    tick = ax.get_xticklabels()[0]
    assert font_manager.findfont(tick.get_fontproperties()) == font_manager.findfont(family)


def test_an_unknown_font_is_refused():
    from proofs_check.plots import using_size

    with pytest.raises(ValueError, match="font 'comic' is not one of sans, serif, cm"):
        with using_size(None, font="comic"):
            pass
