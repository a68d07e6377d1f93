"""`dynverify sweep` and `dynverify plot sweep STORE`: runs, resumes, summaries and bad input."""

import textwrap

import numpy as np
import pytest

from numerics.sweeps import Axis, SweepDefinition, SweepStore, run_sweep
from proofs_check.cli import main
from proofs_check.plots import style_problems, using_size
from proofs_check.sweep_command import find_model, plot_sweep

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
    assert "no map 'nope' in the catalogue (known: " in capsys.readouterr().err
    assert main(["sweep", "--loss", "a**2", *SMALL, "--store", str(tmp_path / "s")]) == 2
    assert "--params" in capsys.readouterr().err


LOGISTIC = textwrap.dedent("""
    import sympy as sp
    from proofs_check import Model
    from theory import SymbolicMap

    x, r = sp.symbols("x r", real=True)
    MAPS = [Model("logistic", lambda: SymbolicMap((x,), (r*x*(1 - x),), params=(r,),
                                                  name="map"),
                  axes=("r=2.5:4:16", "x=0.1:0.9:5"), fixed={"x": 0.3},
                  overlays={"$r = 3$": "r=3"}, description="the logistic map")]
""")


def stored_files(store):
    return {p.relative_to(store): p.read_bytes() for p in sorted(store.rglob("*")) if p.is_file()}


def test_a_users_model_is_swept_by_name_with_its_defaults(tmp_path, capsys):
    path = tmp_path / "logistic_model.py"
    path.write_text(LOGISTIC)
    store = tmp_path / "s"
    assert main(["sweep", "--model", f"{path}:logistic", "--steps", "200", "--record",
                 "label,lyapunov", "--store", str(store)]) == 0
    assert "80 orbits" in capsys.readouterr().out
    # the same definition run through the library: the same bytes
    model = find_model(f"{path}:logistic")
    d = SweepDefinition.from_map(model.map(), [Axis.parse(t) for t in model.axes], {},
                                 steps=200, record=("label", "lyapunov"), chunk=65536,
                                 name="logistic")
    run_sweep(d, tmp_path / "lib", progress=False)
    assert stored_files(store) == stored_files(tmp_path / "lib")
    # stored under the model's name, not its map's generic one: plot finds its declared curves
    assert SweepStore(store).definition.name == "logistic"
    # r < 3: the fixed point 1 - 1/r attracts every start in (0, 1)
    labels = SweepStore(store).load("label")
    r = np.linspace(2.5, 4, 16)
    assert np.all(labels[r < 2.95] == 2) and np.any(labels[r > 3.1] != 2)
    # --axis replaces the declared axes; the declared fixed x applies when x is not an axis
    assert main(["sweep", "--model", f"{path}:logistic", "--axis", "r=2.6:2.8:3", "--steps",
                 "100", "--store", str(tmp_path / "t")]) == 0
    assert SweepStore(tmp_path / "t").definition.fixed == {"x": 0.3}


@pytest.mark.parametrize(("spec", "needle"), [
    ("{tmp}/logistic_model.py:henon", "no map 'henon' in"),
    ("{tmp}/missing.py:logistic", "does not exist"),
    ("{tmp}/claims_only.py:x", "declares no maps"),
])
def test_unknown_user_models_are_one_line_errors(tmp_path, capsys, spec, needle):
    (tmp_path / "logistic_model.py").write_text(LOGISTIC)
    (tmp_path / "claims_only.py").write_text("from proofs_check import Claim, evidence as ev\n"
                                             "c = Claim(id='c', statement='1 = 1', "
                                             "evidence=[ev.identity(1, 1)])\n")
    argv = ["sweep", "--model", spec.format(tmp=tmp_path), "--store", str(tmp_path / "s")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err and err.count("\n") == 1


@pytest.fixture(scope="module")
def two_factor_store(tmp_path_factory):
    from theory import gd_map

    store = tmp_path_factory.mktemp("tf") / "s"
    F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    d = SweepDefinition.from_map(F, [Axis("mu", 0.2, 1.8, 9), Axis("a", -2.5, 2.5, 21)],
                                 {"b": 0.5}, steps=300, chunk=64,
                                 record=("label", "lyapunov", "loss", "diverge_step"))
    run_sweep(d, store, progress=False)
    return store


def test_plot_sweep_lyapunov_with_an_overlay(two_factor_store):
    with using_size("page"):
        fig = plot_sweep(two_factor_store, x="mu", y="a", field="lyapunov",
                         overlays=["2/(a**2+b**2)"])
    ax = fig.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$\\mu$", "$a$")
    assert style_problems(fig, size="page") == []
    (line,) = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
    mu_curve, a_grid = line.get_data()  # the overlay gives mu as a function of a
    np.testing.assert_allclose(mu_curve, 2 / (a_grid**2 + 0.25), rtol=1e-15)
    assert line.get_label() == "$\\mu = \\frac{2}{a^{2} + b^{2}}$"
    # diverged orbits have no exponent: masked, and named in the legend
    image = ax.get_images()[0].get_array()
    labels = SweepStore(two_factor_store).load("label")
    assert np.array_equal(np.ma.getmaskarray(image).T, labels == 0)
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "diverged" in texts and fig.legends[0].get_title().get_text() == "$b = 0.5$; 300 steps"


def test_plot_sweep_labels_each_fate_once_in_order(two_factor_store):
    with using_size("column"):
        fig = plot_sweep(two_factor_store, field="label")
    assert style_problems(fig, size="column") == []
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    present = set(np.unique(SweepStore(two_factor_store).load("label")).tolist())
    legend = SweepStore(two_factor_store).legend
    assert 1 in present  # BOUNDED: drawn with the steps it was given to settle
    shown = {"bounded": "bounded, not settled in 300 steps"}
    assert sorted(texts) == sorted(shown.get(legend[c], legend[c]) for c in present)
    assert texts.index("converged") < texts.index("diverged")


@pytest.mark.parametrize(("kwargs", "needle"), [
    ({"field": "colour"}, "choose from label"),
    ({"field": "final"}, "choose from"),
    ({"overlays": ["a*mu"]}, "write AXIS=EXPR"),
    ({"overlays": ["b=a"]}, "not a plotted axis"),
    ({"overlays": ["mu=c*a"]}, "undeclared symbol 'c'"),
    ({"x": "b"}, "not an axis of the sweep"),
])
def test_plot_sweep_bad_options(two_factor_store, kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        plot_sweep(two_factor_store, **kwargs)


def test_plot_sweep_options_on_the_command_line(two_factor_store, tmp_path, capsys):
    out = tmp_path / "f.pdf"
    argv = ["plot", "sweep", str(two_factor_store), "--field", "loss", "--overlay",
            "mu=2/(a**2+b**2); mu=1", "--size", "column", "-o", str(out)]
    assert main(argv) == 0 and out.read_bytes()[:4] == b"%PDF"
    assert main(["plot", "sweep", str(two_factor_store), "--at", "b=nan"]) == 2
    assert "--at 'b=nan' is not NAME=NUMBER (finite)" in capsys.readouterr().err
    assert main(["plot", "sweep", str(two_factor_store), "--colour", "x"]) == 2
    assert "unknown option --colour (options: --x, --y, --field" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["plot", "--help"])
    assert "--overlay" in capsys.readouterr().out


def test_the_catalogue_two_factor_map_sweeps_as_the_derived_map(tmp_path, capsys):
    """`--model two-factor` (declared in the catalogue's MAPS) gives the bytes of a sweep of the
    derived map itself: the registry adds nothing to the stored sweep."""
    from theory.models import two_factor

    assert main(["sweep", "--model", "two-factor", *SMALL, "--record", "label,final,loss",
                 "--store", str(tmp_path / "cli")]) == 0
    d = SweepDefinition.from_map(two_factor.model().map,
                                 [Axis.parse("mu=0.2:1.8:5"), Axis.parse("a=-3:3:7")],
                                 {"b": 0.5}, steps=100, chunk=8,
                                 record=("label", "final", "loss"))
    run_sweep(d, tmp_path / "lib", progress=False)
    assert stored_files(tmp_path / "cli") == stored_files(tmp_path / "lib")
    assert main(["list", "--maps"]) == 0
    assert "| two-factor | proofs_check.claims.two_factor |" in capsys.readouterr().out


def test_missing_fields_and_undeclared_overlay_labels_say_what_to_do(two_factor_store,
                                                                     tmp_path):
    from theory import gd_map

    F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    d = SweepDefinition.from_map(F, [Axis("mu", 0.2, 1.8, 3), Axis("a", -1, 1, 3)], {"b": 0.5},
                                 steps=50, record=("label",))
    run_sweep(d, tmp_path / "s", progress=False)
    with pytest.raises(ValueError, match="new --store with --record label,lyapunov"):
        plot_sweep(tmp_path / "s", field="lyapunov")
    with pytest.raises(ValueError, match=r"not a curve declared by .*give --model FILE.py:NAME"):
        plot_sweep(two_factor_store, overlays=["$\\eta = 1$"])
