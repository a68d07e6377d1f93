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
