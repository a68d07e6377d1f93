"""`dynverify list | check | table | plot`: golden outputs, exit codes and bad inputs."""

import json
from pathlib import Path

import pytest

from proofs_check.cli import main
from proofs_check.registry import discover

from .conftest import make_module, write

GOLDEN = Path(__file__).parent / "golden"

INCONCLUSIVE = '''
from proofs_check import Claim, evidence as ev
touch = Claim(id="t.touch", statement="x^2 >= 0", evidence=[
    ev.certify_sign("x**2", {"x": (-1, 1)}, ">=0")])
'''


@pytest.fixture
def run(capsys, catalogue):
    def go(*argv, cat=catalogue):
        code = main([str(a) for a in argv], catalogue=cat)
        out, err = capsys.readouterr()
        return code, out, err
    return go


LIST_GOLDEN = """\
### claims

3 claim(s).

| id | model | evidence | source |
| :--- | :--- | :--- | :--- |
| demo.square | demo | symbolic | demo, sec. 1 |
| demo.positive | demo | interval | demo, sec. 2 |
| demo.decay | demo | numeric | demo, sec. 3 |
"""


def test_list(run, good_file):
    assert run("list") == (0, LIST_GOLDEN, "")
    assert run("list", "--model", "demo")[1] == LIST_GOLDEN
    code, out, _ = run("list", "--tables", "--plots")
    assert code == 0
    assert "| demo-thresholds | table | demo_catalogue | Thresholds of the demo map. |" in out
    assert "| demo-line | plot | demo_catalogue | A line. |" in out
    code, out, _ = run("list", good_file)
    assert code == 0 and "| file.sqrt2 |  | interval |  |" in out


def test_list_names_a_broken_catalogue_module(run):
    cat = discover(modules=[make_module(), "no_such_catalogue_module"])
    code, out, err = run("list", cat=cat)
    assert code == 1 and out == LIST_GOLDEN
    assert err.startswith("dynverify: error: catalogue module no_such_catalogue_module: "
                          "failed to import: ModuleNotFoundError")
    code, out, err = run("check", cat=cat)  # the whole catalogue: the broken module is an error
    assert code == 1 and "| no_such_catalogue_module | error |" in out


def test_check_exit_codes(run, planted_file, good_file, tmp_path):
    code, out, err = run("check")
    assert code == 0
    assert out.startswith("### verdicts")
    assert "| demo.positive | proved |" in out and "| demo.decay | verified |" in out
    assert "2 proved, 1 verified" in err
    assert run("check", "demo.decay", "--model", "demo")[0] == 0
    assert run("check", good_file, "file.sqrt2")[0] == 0
    code, out, err = run("check", planted_file, good_file)
    assert code == 1 and "| planted.tf.stable22 | refuted |" in out
    assert "planted.tf.stable22 refuted; rerun: python -c" in err
    touch = write(tmp_path, "touch.py", INCONCLUSIVE)
    code, out, _ = run("check", touch)
    assert code == 1 and "| t.touch | inconclusive |" in out
    assert run("check", touch, "--allow-inconclusive")[0] == 0


def test_check_format_chooses_what_stdout_gets(run, planted_file, tmp_path):
    code, out, _ = run("check", planted_file, "--format", "json", "--json", tmp_path / "r.json")
    assert code == 1 and json.loads(out) == json.loads((tmp_path / "r.json").read_text())
    code, out, _ = run("check", planted_file, "--format", "md")
    assert out.startswith("### verdicts") and "| planted.tf.stable22 | refuted |" in out
    code, out, _ = run("check", planted_file, "--format", "rich")
    assert out.startswith("┏") and "refuted" in out and "| :---" not in out


def test_parallel_workers_give_the_serial_bytes(run, planted_file, good_file, tmp_path):
    """--jobs 2 checks in spawned workers that load the files themselves; the verdicts, their
    order and the JSON are those of --jobs 1."""
    outs = []
    for jobs in ("1", "2"):
        code, out, _ = run("check", planted_file, good_file, "--seed", "4", "--jobs", jobs,
                           "--json", tmp_path / f"j{jobs}.json")
        assert code == 1
        outs.append(out)
    assert outs[0] == outs[1]
    assert (tmp_path / "j1.json").read_bytes() == (tmp_path / "j2.json").read_bytes()
    for bad in ("0", "x", "65"):
        code, _, err = run("check", good_file, "--jobs", bad)
        assert code == 2 and "--jobs" in err


def test_same_seed_gives_byte_identical_json_and_report(run, planted_file, good_file, tmp_path):
    outputs = []
    for name in ("a", "b"):
        code, out, _ = run("check", planted_file, good_file, "--seed", "5", "--json",
                           tmp_path / f"{name}.json", "--report", tmp_path / f"rep_{name}")
        assert code == 1
        outputs.append(out)
    assert outputs[0] == outputs[1]
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    for f in ("index.md", "results.json"):
        assert (tmp_path / "rep_a" / f).read_bytes() == (tmp_path / "rep_b" / f).read_bytes()
    data = json.loads((tmp_path / "a.json").read_text())
    assert data["seed"] == 5 and [r["status"] for r in data["results"]] == [
        "refuted", "proved", "proved"]


def test_report_includes_the_catalogue_tables_and_figures(run, tmp_path):
    assert run("check", "--report", tmp_path / "rep")[0] == 0
    index = (tmp_path / "rep" / "index.md").read_text()
    assert "## Tables" in index and "![demo-line](figures/demo-line.png)" in index
    assert (tmp_path / "rep" / "tables" / "demo-thresholds.tex").exists()
    assert run("check", "--report", tmp_path / "rep2", "--no-extras")[0] == 0
    assert not (tmp_path / "rep2" / "figures").exists()


@pytest.mark.parametrize(("fmt", "digits"), [("md", None), ("tex", 4), ("csv", None),
                                             ("json", None)])
def test_table_golden(run, fmt, digits):
    extra = [] if digits is None else ["--digits", digits]
    code, out, err = run("table", "demo-thresholds", "--format", fmt, *extra)
    assert (code, err) == (0, "")
    assert out == (GOLDEN / f"table_demo.{fmt}").read_text()


def test_table_options_and_output_file(run, tmp_path):
    code, out, _ = run("table", "demo-thresholds", "--d", "5", "--kind=float", "--format", "csv")
    assert code == 0 and "pd_5," in out
    target = tmp_path / "t.tex"
    code, out, _ = run("table", "demo-thresholds", "--format", "tex", "-o", target)
    assert code == 0 and out == f"{target}\n" and r"\toprule" in target.read_text()


def test_plot(run, tmp_path, monkeypatch):
    code, out, _ = run("plot", "demo-line", "-o", tmp_path / "f.pdf", "--slope", "2")
    assert code == 0 and (tmp_path / "f.pdf").read_bytes()[:4] == b"%PDF"
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("plot", "demo-line")
    assert (code, out) == (0, "demo-line.png\n")
    assert (tmp_path / "demo-line.png").read_bytes()[:4] == b"\x89PNG"


BAD = {
    "unknown id": (["check", "demo.nope"], "unknown claim id 'demo.nope'"),
    "unknown model": (["check", "--model", "nope"], "unknown model 'nope'"),
    "missing file": (["check", "{tmp}/missing.py"], "missing.py' does not exist"),
    "no claims": (["check", "{tmp}/empty.py"], "empty.py' defines no claims"),
    "seed": (["check", "--seed", "abc"], "seed 'abc' is not an integer"),
    "seed float": (["check", "--seed", "1.5"], "seed '1.5' is not an integer"),
    "negative seed": (["check", "--seed", "-2"], "seed '-2' must be a non-negative integer"),
    "budget": (["check", "--budget", "huge"], "invalid choice: 'huge'"),
    "json dir missing": (["check", "{good}", "--json", "{tmp}/no/x.json"],
                         "JSON file '{tmp}/no/x.json': directory '{tmp}/no' does not exist"),
    "json is a dir": (["check", "{good}", "--json", "{tmp}"], "is a directory"),
    "report is a file": (["check", "{good}", "--report", "{tmp}/empty.py"],
                         "exists and is not a folder"),
    "report not ours": (["check", "{good}", "--report", "{tmp}/mine"],
                        "not a dynverify report"),
    "unknown option": (["check", "--bogus"], "unrecognized arguments: --bogus"),
    "list id": (["list", "demo.square"], "not ids"),
    "list model": (["list", "--model", "nope"], "unknown model 'nope'"),
    "unknown table": (["table", "nope"], "unknown table 'nope' (available: demo-thresholds)"),
    "table ValueError": (["table", "demo-thresholds", "--kind", "x"],
                         "table demo-thresholds: kind 'x' is not 'exact' or 'float'"),
    "table bad int": (["table", "demo-thresholds", "--d", "x"], "invalid literal"),
    "table option": (["table", "demo-thresholds", "--zzz", "1"],
                     "unknown option --zzz (options: --d, --kind)"),
    "table format": (["table", "demo-thresholds", "--format", "xls"], "invalid choice: 'xls'"),
    "table digits": (["table", "demo-thresholds", "--digits", "0"], "--digits 0"),
    "table output": (["table", "demo-thresholds", "-o", "{tmp}/no/t.md"], "does not exist"),
    "unknown plot": (["plot", "nope"], "unknown plot 'nope'"),
    "plot extension": (["plot", "demo-line", "-o", "{tmp}/f.svg"], "unknown extension '.svg'"),
    "plot dir": (["plot", "demo-line", "-o", "{tmp}/no/f.png"], "does not exist"),
    "plot seed": (["plot", "demo-line", "--seed", "x", "-o", "{tmp}/f.png"], "seed 'x'"),
    "command": (["frobnicate"], "invalid choice: 'frobnicate'"),
    "sweep store": (["plot", "sweep", "{tmp}/nostore"], "store '{tmp}/nostore' does not exist"),
    "sweep no store": (["plot", "sweep"], "give the sweep's STORE"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_line_exit_2_nothing_written(run, tmp_path, good_file, case):
    write(tmp_path, "empty.py", "x = 1\n")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    argv, message = BAD[case]
    fill = {"tmp": str(tmp_path), "good": str(good_file)}
    code, out, err = run(*(a.format(**fill) for a in argv))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("dynverify: error: ")
    assert message.format(**fill) in err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit) as info:
        main(["check", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "exit status: 0 when every claim is proved or verified" in out
    assert "inconclusive" in out


@pytest.mark.parametrize("command", ["table", "plot"])
def test_table_and_plot_usage_names_the_optional_claims_file(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    usage = capsys.readouterr().out.split("\n\n")[0]
    assert f"dynverify {command} NAME [FILE.py]" in usage
