"""`dynverify sweep` and `dynverify plot sweep STORE`: runs, resumes, summaries and bad input."""

import numpy as np
import pytest

from numerics.sweeps import SweepStore
from proofs_check.cli import main

SMALL = ["--axis", "mu=0.2:1.8:5", "--axis", "a=-3:3:7", "--fix", "b=0.5", "--steps", "100",
         "--chunk", "8"]


def test_sweep_of_a_named_model_then_resume_then_plot(tmp_path, capsys):
    store = tmp_path / "s"
    assert main(["sweep", "--model", "two-factor", *SMALL, "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "35 orbits in 5 chunks (5 computed, 0 already stored)" in out
    labels = SweepStore(store).load("label")
    assert labels.shape == (5, 7)
    # spec two_factor.md §5: outside the ellipse H = 0 orbits diverge, inside they stay bounded
    mu, a = np.meshgrid(np.linspace(0.2, 1.8, 5), np.linspace(-3, 3, 7), indexing="ij")
    b = 0.5
    H = mu * (a**2 + b**2) - mu**2 * (a * b - 1) - 4
    minimum = a * b == 1  # the minimisers a*b = 1 are fixed, even outside the ellipse
    assert np.array_equal((labels == 0)[~minimum], (H > 0)[~minimum])
    assert np.all(labels[minimum] == 2)
    assert 0 < (H > 0).sum() < H.size
    assert main(["sweep", "--model", "two-factor", *SMALL, "--store", str(store)]) == 0
    assert "(0 computed, 5 already stored)" in capsys.readouterr().out
    png = tmp_path / "phase.png"
    assert main(["plot", "sweep", str(store), "--x", "mu", "--y", "a", "-o", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_sweep_of_a_loss(tmp_path, capsys):
    store = tmp_path / "s"
    argv = ["sweep", "--loss", "lam*(u**2 - 1)**2/4", "--params", "u", "--step", "eta",
            "--constants", "lam", "--axis", "u=-2:2:9", "--fix", "eta=0.1", "--fix", "lam=1",
            "--steps", "200", "--record", "label,final,loss", "--store", str(store)]
    assert main(argv) == 0
    final = SweepStore(store).load("final")[:, 0]
    loss = SweepStore(store).load("loss")
    np.testing.assert_allclose(np.abs(final[[2, 3, 5, 6]]), 1.0, rtol=1e-12)  # minima at +-1
    assert final[4] == 0.0 and loss[4] == pytest.approx(0.25)                # u = 0 stays


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--axis", "mu=0:1:0"], "has 0 points"),
        (["--axis", "mu=0:inf:3"], "must be finite"),
        (["--axis", "c=0:1:3"], "not a parameter or state variable"),
        (["--fix", "b=nan"], "not finite"),
        (["--record", "label,colour"], "colour"),
        (["--scheduler", "tcp://127.0.0.1:9"], "unreachable"),
    ],
)
def test_bad_sweeps_exit_2_and_write_nothing(tmp_path, capsys, extra, needle):
    store = tmp_path / "s"
    base = ["sweep", "--model", "two-factor", "--axis", "a=-1:1:3", "--fix", "mu=0.5",
            "--steps", "50", "--store", str(store)]
    if "b=nan" not in extra:
        base += ["--fix", "b=0.5"]
    assert main([*base, *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert needle in captured.err and captured.err.count("\n") == 1
    assert not store.exists()


def test_store_of_another_sweep_is_refused(tmp_path, capsys):
    store = tmp_path / "s"
    assert main(["sweep", "--model", "two-factor", *SMALL, "--store", str(store)]) == 0
    capsys.readouterr()
    changed = [*SMALL[:-4], "--steps", "120", "--chunk", "8"]
    assert main(["sweep", "--model", "two-factor", *changed, "--store", str(store)]) == 2
    assert "holds another sweep" in capsys.readouterr().err


def test_unknown_model_and_missing_params(tmp_path, capsys):
    assert main(["sweep", "--model", "nope", *SMALL, "--store", str(tmp_path / "s")]) == 2
    assert "unknown" in capsys.readouterr().err
    assert main(["sweep", "--loss", "a**2", *SMALL, "--store", str(tmp_path / "s")]) == 2
    assert "--params" in capsys.readouterr().err
