"""The learning-times table: defaults and options, B from a file, hostile options refused."""

import numpy as np
import pytest

from proofs_check.claims.matrix_factorization.tables import TABLES, learning_times_table


def test_the_table_is_registered():
    assert TABLES == {"mf-learning-times": learning_times_table}


def test_learning_times_table_default_and_options():
    t = learning_times_table()
    assert t.name == "mf-learning-times" and len(t.rows) == 2 * 4 * 3
    col = t.columns.index("error")
    for kind in ("aligned", "generic"):
        errs = [max(abs(r[col]) for r in t.rows if r[0] == kind and r[1] == a)
                for a in (1e-2, 1e-4, 1e-6)]
        assert errs[0] > errs[1] > errs[2]
    t2 = learning_times_table(spectrum="3,1,2", B="under", alphas="1e-3")
    assert [r[3] for r in t2.rows] == [3.0, 2.0, 1.0]
    assert t2.rows[2][5] is None          # r = 2 < k = 3: never learned
    for bad in ({"spectrum": "a,b"}, {"B": "weird"}, {"alphas": "2"}, {"seed": "x"}):
        with pytest.raises(ValueError):
            learning_times_table(**bad)


def test_learning_times_table_takes_B_from_a_file(tmp_path):
    np.savetxt(tmp_path / "eye.txt", np.eye(3))
    from_file = learning_times_table(spectrum="4,2,1", B=f"file:{tmp_path / 'eye.txt'}",
                                     alphas="1e-4")
    aligned = learning_times_table(spectrum="4,2,1", B="aligned", alphas="1e-4")
    assert [r[1:] for r in from_file.rows] == [r[1:] for r in aligned.rows]
    np.save(tmp_path / "bad.npy", np.ones((2, 2)))
    with pytest.raises(ValueError, match="need a finite 3 x r matrix"):
        learning_times_table(B=f"file:{tmp_path / 'bad.npy'}", alphas="1e-2")
    with pytest.raises(ValueError, match="B file"):
        learning_times_table(B=f"file:{tmp_path / 'missing.txt'}", alphas="1e-2")


@pytest.mark.parametrize("options, name", [
    ({"spectrum": "1e300,1"}, "spectrum"), ({"spectrum": "-1,2"}, "spectrum"),
    ({"spectrum": "2,0"}, "spectrum"), ({"spectrum": "nan,1"}, "spectrum"),
    ({"spectrum": "100,0.5"}, "spectrum"), ({"spectrum": ",".join(["1"] * 7)}, "spectrum"),
    ({"alphas": "1e-300"}, "alphas"), ({"alphas": "inf"}, "alphas"),
    ({"alphas": ",".join(["0.1"] * 9)}, "alphas"), ({"seed": "-1"}, "seed"),
    ({"seed": "1e40"}, "seed"), ({"B": "aligned,generic,under,over,aligned"}, "B"),
])
def test_learning_times_table_refuses_hostile_options(options, name):
    with pytest.raises(ValueError, match=name):
        learning_times_table(**{"alphas": "1e-2", **options})


def test_B_file_limits(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(("1 " * 3 + "\n") * 200_000)          # > 1 MiB
    with pytest.raises(ValueError, match=r"B file.*bytes"):
        learning_times_table(spectrum="4,2,1", B=f"file:{big}", alphas="1e-2")
    wide = tmp_path / "wide.npy"
    np.save(wide, np.ones((2, 100)))
    with pytest.raises(ValueError, match=r"B file.*columns"):
        learning_times_table(spectrum="2,1", B=f"file:{wide}", alphas="1e-2")
    tiny = tmp_path / "tiny.txt"   # rho_k = 1e-300: 2 lam_1 t_2 ~ 7e4 e-foldings (~3e4 digits)
    np.savetxt(tiny, 1e-150 * np.eye(2))
    with pytest.raises(ValueError, match="B 'file:"):
        learning_times_table(spectrum="100,1", B=f"file:{tiny}", alphas="1e-2")


def test_notes_follow_the_columns_kept():
    """--columns drops the notes of the columns it drops (a note on t_k exact, plateaus, B...)."""
    from proofs_check.tables import render, select_columns

    t = learning_times_table(spectrum="2,1", B="aligned", alphas="1e-2")
    assert len(t.notes) == 6
    kept = select_columns(t, ["$B$", "$\\alpha$", "$k$", "$t_k$ exact"])
    text = render(kept, "md")
    assert "t_k$ exact: first time" in text and "$B$: aligned" in text
    for gone in ("predicted:", "plateau $k$", "error ="):
        assert gone not in text, gone
    assert "Empty cells" in text   # a note on the whole table stays
    only_plateau = select_columns(t, ["plateau loss"])
    assert [n.split(":")[0] for n in only_plateau.notes] == ["plateau $k$", "Empty cells"]


def test_alpha_prints_as_a_power_of_ten_in_one_format():
    """alpha = 1e-2 ... 1e-8 prints as $10^{-2}$ (tex) and 1e-02 (md), not 1.00000e-02."""
    from proofs_check.tables import render

    t = learning_times_table(spectrum="2,1", B="aligned", alphas="1e-2,1e-4,1e-6,1e-8")
    tex, md = render(t, "tex"), render(t, "md")
    assert "1.00000" not in tex + md
    assert r"aligned & $10^{-2}$ &" in tex and r"aligned & $10^{-8}$ &" in tex
    assert "| aligned | 1e-02 |" in md and "| aligned | 1e-08 |" in md


def test_notes_describe_the_rows_and_cells_printed():
    """The empty-cell note says both reasons a cell is empty (never learned; no plateau after
    the last learning time, which is what the default table shows at k = 3) and leaves with the
    columns that can be empty; the B note names only the kinds in the table."""
    from proofs_check.tables import select_columns

    t = learning_times_table(alphas="1e-2")
    empty_plateau = [r for r in t.rows if r[2] == 3]
    assert empty_plateau and all(r[8] is None and r[5] is not None for r in empty_plateau)
    (empty,) = [n for n in t.notes if n.startswith("Empty cells")]
    assert "never learned" in empty and "no learning time follows the last one" in empty
    (kinds,) = [n for n in t.notes if n.startswith("$B$")]
    assert "aligned" in kinds and "generic" in kinds and "under" not in kinds
    assert [n for n in select_columns(t, ["1", "2", "3"]).notes] == [kinds]
