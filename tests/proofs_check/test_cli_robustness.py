"""Hostile input at the command line: one line on stderr, the right exit code, nothing hangs.

Each row of FUZZ is (arguments, expected exit code, a fragment of the one-line message). Every
case must finish within a few seconds (the limits refuse instead of computing) and print at most
one line on stderr, never a traceback.
"""

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proofs_check import Claim, Evidence
from proofs_check.cli import main
from proofs_check.registry import Catalogue

D = ["derive", "--params", "a b", "--step", "mu", "--loss"]
S = ["sweep", "--loss", "(a*b-1)**2/2", "--params", "a b", "--steps", "50"]

FUZZ = [
    # parser limits and malformed expressions
    ([*D, "(a*b-1)**1e300"], 2, "is too large"),
    ([*D, "a**(10**10)"], 2, "is too large"),
    ([*D, "(a*b-1)**1000"], 2, "at most 64"),
    ([*D, "9**9**9*a*b"], 2, "too large a number"),
    ([*D, "exp()"], 2, "takes exactly one argument (got 0)"),
    ([*D, "exp(a,b)"], 2, "takes exactly one argument (got 2)"),
    ([*D, "log(a,b)"], 2, "takes exactly one argument (got 2)"),
    ([*D, "a*1e400"], 2, "'1e400' is not a finite number"),
    ([*D, "a/0+b"], 2, "is not finite"),
    ([*D, "ａ*b"], 2, "non-ASCII character"),
    ([*D, "+".join(["a*b"] * 2000)], 2, "too long"),
    ([*D, "__import__('os')"], 2, "not allowed"),
    ([*D, "a.b"], 2, "not allowed"),
    ([*D, "(a*b"], 2, "does not parse"),
    (["derive", "--params", "lambda b", "--loss", "(lambda*b-1)**2"], 2, "Python keyword"),
    # solving beyond SymPy or beyond the time limit: refused, not a crash or a hang
    (["derive", "--params", "a b c d e f", "--loss", "(a*b*c*d*e*f-1)**2", "--time-limit", "2"],
     2, "not finished in 2 s"),
    ([*D, "sin(a)*cos(b)+tanh(a*b)", "--time-limit", "10"], 2, "cannot derive"),
    # sweeps: domains, sizes, paths
    ([*S, "--axis", "mu=-1:1:5", "--axis", "a=0:1:3", "--fix", "b=1", "--store", "{tmp}/s"],
     2, "outside the map's domain"),
    ([*S, "--fix", "mu=-0.5", "--axis", "a=0:1:3", "--fix", "b=1", "--store", "{tmp}/s"],
     2, "outside the map's domain"),
    ([*S, "--axis", "a=-1:1:1000000000000", "--fix", "mu=0.5", "--fix", "b=1", "--store",
      "{tmp}/s"], 2, "at most 10,000,000"),
    ([*S, "--axis", "a=0:1:3", "--fix", "mu=0.5", "--fix", "mu=0.6", "--fix", "b=1",
      "--store", "{tmp}/s"], 2, "given twice"),
    ([*S, "--axis", "a=0:1:3", "--fix", "mu=0.5", "--fix", "b=1", "--store", ""], 2,
     "empty path"),
    ([*S, "--axis", "a=0:1:3", "--fix", "mu=0.5", "--fix", "b=1", "--store",
      "/nonexistent/deep/s"], 2, "does not exist"),
    # check / explain: output paths are checked before anything runs
    (["check", "--seed", "-1"], 2, "seed"),
    (["check", "delta.gd_step", "--json", "x" * 300 + ".json"], 2, "file name too long"),
    (["check", "delta.gd_step", "--report", "."], 2, "the working directory"),
    (["check", "delta.gd_step", "--json", "{tmp}/r", "--report", "{tmp}/r"], 2, "same path"),
    (["explain", "no.such.claim"], 2, "no.such.claim"),
]


@pytest.mark.parametrize(("argv", "code", "fragment"), FUZZ,
                         ids=[" ".join(a)[:60] for a, _, _ in FUZZ])
def test_hostile_input_gets_one_line_and_its_exit_code(argv, code, fragment, tmp_path, capsys):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    start = time.perf_counter()
    got = main(argv)
    elapsed = time.perf_counter() - start
    out, err = capsys.readouterr()
    assert got == code, err
    assert fragment in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert out == ""
    assert elapsed < 20
    assert not (tmp_path / "s").exists()  # nothing half-written


def test_an_invalid_vector_width_setting_is_refused_in_one_line(monkeypatch, capsys):
    monkeypatch.setenv("DYNVERIFY_WIDE_VECTORS", "fast")
    assert main(["check", "--list"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.strip().splitlines() == [
        "dynverify: error: DYNVERIFY_WIDE_VECTORS: expected auto, 0 or 1, got 'fast'"]

class Exits(Evidence):
    def run(self, budget, seed):
        raise SystemExit(0)


class Bug(Evidence):
    def run(self, budget, seed):
        return None


def _catalogue(*claims):
    cat = Catalogue()
    for c in claims:
        cat.claims[c.id] = c
        cat.models[c.id] = ""
        cat.origin[c.id] = "test"
    return cat


def test_evidence_that_exits_does_not_end_the_run(capsys):
    cat = _catalogue(Claim(id="u.exit", statement="...", evidence=[Exits()]),
                     Claim(id="u.none", statement="...", evidence=[Bug()]))
    assert main(["check", "--no-progress"], catalogue=cat) == 1
    out = capsys.readouterr().out
    assert "| u.exit | error |" in out and "| u.none | error |" in out


def test_an_internal_error_is_exit_3_with_one_line_and_debug_shows_it(capsys, monkeypatch):
    import proofs_check.cli as cli

    def broken(args):
        raise RuntimeError("something we did wrong")

    monkeypatch.setattr(cli, "_cmd_derive", broken)
    assert main(["derive", "--loss", "a", "--params", "a"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("dynverify: internal error: RuntimeError: something we did wrong")
    assert len(err.strip().splitlines()) == 1
    with pytest.raises(RuntimeError):
        main(["derive", "--loss", "a", "--params", "a", "--debug"])


def test_ctrl_c_is_one_line_and_exit_130(capsys, monkeypatch):
    import proofs_check.cli as cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_cmd_derive", interrupted)
    assert main(["derive", "--loss", "a", "--params", "a"]) == 130
    assert capsys.readouterr().err == "dynverify: interrupted\n"


TOKENS = ["a", "b", "mu", "1", "0", "2.5", "1e400", "(", ")", "+", "-", "*", "/", "**", "^",
          "exp", "log", "sqrt", ",", "x", "__import__", ".", "[", "]", "lambda", "'", "9**9",
          "ａ", " "]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=12))
def test_parser_fuzz_never_tracebacks(tokens):
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["derive", "--params", "a b", "--step", "mu", "--time-limit", "5",
                     "--loss", "".join(tokens)])
    text = err.getvalue()
    assert code in (0, 2), text
    assert "Traceback" not in text and len(text.strip().splitlines()) <= 1


def test_cache_info_and_clear(tmp_path, monkeypatch, capsys):
    import sympy as sp

    from numerics import compile_map
    from theory import SymbolicMap

    monkeypatch.setenv("DYNVERIFY_CACHE", str(tmp_path / "c"))
    x = sp.Symbol("x")
    compile_map(SymbolicMap((x,), (x / 2,), name="cache-cli"))
    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out
    assert f"cache: {tmp_path / 'c'}" in out and "kernels: 1 generated modules" in out
    assert main(["cache", "clear"]) == 0
    assert not list((tmp_path / "c").glob("dv_*.py"))


def test_plot_sweep_on_a_damaged_store_is_a_one_line_error(tmp_path, capsys):
    store = tmp_path / "s"
    store.mkdir()
    (store / "sweep.json").write_text('{"format": 1}')
    assert main(["plot", "sweep", str(store), "-o", str(tmp_path / "p.png")]) == 2
    err = capsys.readouterr().err
    assert "sweep.json is damaged" in err and len(err.strip().splitlines()) == 1


PLANTED_FILE = '''
import sympy as sp
from proofs_check import Claim, evidence as ev
from helper_beside import RHS   # a module next to the claims file

x = sp.Symbol("x")
CLAIMS = [
    Claim(id="f.true", statement="(x+1)^2", evidence=[ev.identity((x + 1)**2, RHS)]),
    Claim(id="f.planted", statement="(x+1)^2 = x^2 + 1 (false on purpose)", expect="refuted",
          evidence=[ev.identity((x + 1)**2, x**2 + 1)]),
]
'''


def test_claims_files_import_siblings_and_planted_false_claims_pass(tmp_path, capsys):
    (tmp_path / "helper_beside.py").write_text(
        "import sympy as sp\nx = sp.Symbol('x')\nRHS = x**2 + 2*x + 1\n")
    path = tmp_path / "mine.py"
    path.write_text(PLANTED_FILE)
    assert main(["check", str(path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "| f.planted | refuted (expected refuted) |" in out
    assert main(["check", f"{path}::f.planted", "--no-progress"]) == 0
    # a planted claim that its evidence does not refute fails the run
    path.write_text(PLANTED_FILE.replace("x**2 + 1)]", "x**2 + 2*x + 1)]"))
    assert main(["check", str(path), "--no-progress"]) == 1
    assert "planted false claim" in capsys.readouterr().err


def test_table_and_plot_from_a_claims_file(tmp_path, capsys):
    path = tmp_path / "withtable.py"
    path.write_text(
        "import sympy as sp\n"
        "from proofs_check import Claim, Table, evidence as ev\n"
        "from proofs_check.plots import new_figure\n"
        "x = sp.Symbol('x')\n"
        "CLAIMS = [Claim(id='t.one', statement='x = x', evidence=[ev.identity(x, x)])]\n"
        "def squares(n='3'):\n"
        "    return Table('squares', 'Squares.', ['k', 'k^2'],\n"
        "                 [[k, k * k] for k in range(1, int(n) + 1)])\n"
        "def line(budget='quick', seed=0):\n"
        "    fig, ax = new_figure()\n"
        "    ax.plot([0, 1], [0, 1])\n"
        "    return fig\n"
        "TABLES = {'squares': squares}\n"
        "PLOTS = {'line': line}\n")
    assert main(["table", "squares", str(path), "--n", "4", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "4,16"
    out = tmp_path / "line.png"
    assert main(["plot", "line", str(path), "-o", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_profile_reports_the_slowest_claims_and_timings_in_json(tmp_path, capsys):
    import json

    path = tmp_path / "two.py"
    path.write_text(
        "import sympy as sp\nfrom proofs_check import Claim, evidence as ev\nx = sp.Symbol('x')\n"
        "CLAIMS = [Claim(id='p.a', statement='.', evidence=[ev.identity(x, x)])]\n")
    out = tmp_path / "r.json"
    assert main(["check", str(path), "--no-progress", "--profile", "--json", str(out)]) == 0
    assert "slowest claims: p.a " in capsys.readouterr().err
    assert json.loads(out.read_text())["results"][0]["timing_s"] >= 0
    assert main(["check", str(path), "--no-progress", "--json", str(out)]) == 0
    assert "timing_s" not in json.loads(out.read_text())["results"][0]  # reproducible default


def test_a_sweep_writes_only_its_summary_to_stdout(tmp_path, capsys):
    argv = ["sweep", "--loss", "(a*b-1)**2/2", "--params", "a b", "--steps", "50",
            "--axis", "a=0.5:1.5:4", "--fix", "mu=0.5", "--fix", "b=1", "--chunk", "2",
            "--store", str(tmp_path / "s")]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("sweep ") and "━" not in out and "orbits/s" in out
    assert len(out.strip().splitlines()) <= 3


def test_a_sweep_whose_orbits_overflow_prints_no_numpy_warnings(tmp_path, capsys):
    """Diverged orbits' losses overflow float64: stored as inf, not reported as RuntimeWarnings
    (which printed before the summary and, under -W error, crashed the run)."""
    argv = ["sweep", "--loss", "(a*b-1)**2/2", "--params", "a b", "--steps", "50",
            "--axis", "a=-1e200:1e200:4", "--fix", "mu=0.5", "--fix", "b=1e200",
            "--record", "label,loss", "--store", str(tmp_path / "s")]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "Warning" not in captured.err + captured.out


def test_time_limit_survives_a_stop_swallowed_by_a_gc_callback():
    """A stop that lands in a gc callback is swallowed by CPython; the limit must still end the
    work, and the swallowed stop must not reach the unraisable hook (pytest turns it into an error;
    a user would see an "Exception ignored" block)."""
    import gc
    import sys

    from proofs_check.cli import UsageError, _time_limit

    def busy(seconds):
        stop = time.perf_counter() + seconds
        while time.perf_counter() < stop:
            pass

    def slow_callback(phase, info):  # most of the loop below runs here, where stops are swallowed
        busy(0.01)

    seen = []
    outer = sys.unraisablehook
    sys.unraisablehook = seen.append
    gc.callbacks.append(slow_callback)
    start = time.perf_counter()
    try:
        with pytest.raises(UsageError, match=r"not finished in 0\.2 s"):
            with _time_limit(0.2, "the loop"):
                while time.perf_counter() - start < 20:
                    busy(0.002)
                    gc.collect()
    finally:
        gc.callbacks.remove(slow_callback)
        sys.unraisablehook = outer
    assert time.perf_counter() - start < 5
    assert seen == []


def test_time_limit_counts_a_body_that_finished_after_a_swallowed_stop():
    from proofs_check.cli import UsageError, _time_limit

    class Eats:
        def __del__(self):  # a stop raised here would be swallowed
            stop = time.perf_counter() + 0.5
            while time.perf_counter() < stop:
                pass

    with pytest.raises(UsageError, match=r"not finished in 0\.1 s"):
        with _time_limit(0.1, "the body"):
            Eats()
