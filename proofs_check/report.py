"""Reproducible outputs of ``dynverify check``: the results JSON and the ``--report`` folder.

Everything written here is deterministic for a given seed and budget (no timings, dates, host
names or absolute paths), and written atomically: a temporary file or folder next to the target,
then a rename, so an interrupted run leaves either the old output or the complete new one.

The report folder holds

``index.md``       the verdict table, then each claim with its evidence (method, sample size,
                   worst margin and error, digits, seed, counterexample and the command that reruns
                   it), then the tables and figures of the models checked;
``results.json``   the same results as ``dynverify check --json``;
``tables/``        each table as Markdown, LaTeX and CSV; ``figures/`` each figure as PNG.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from numerics.files import publish, remove_stale, tmp_prefix
from proofs_check.claim import STATUSES, CheckResult
from proofs_check.tables import Table, render, to_markdown, verdict_table

__all__ = ["check_output_dir", "check_output_file", "results_data", "results_json",
           "write_atomic", "write_report"]

FORMAT_VERSION = 1


def write_atomic(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same directory and a rename.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = write_atomic(pathlib.Path(tempfile.mkdtemp()) / "x.txt", "hello\\n")
    >>> p.read_text()
    'hello\\n'
    """
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    remove_stale(parent)
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=tmp_prefix(path.name))
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode() if isinstance(data, str) else data)
        publish(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _writable_dir(parent: Path, what: str) -> None:
    if not parent.is_dir():
        raise ValueError(f"{what}: directory {str(parent)!r} does not exist")
    try:  # os.access is not enough (root, read-only mounts): really try
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=".dynverify-probe-")
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise ValueError(f"{what}: directory {str(parent)!r} is not writable "
                         f"({exc.strerror})") from None


def check_output_file(path: str | os.PathLike, what: str = "output file") -> Path:
    """Validate a file to be written later (its directory exists and is writable).

    Raises :class:`ValueError` with a one-line message naming the path.

    Examples
    --------
    >>> check_output_file("/nonexistent-dir/out.json")
    Traceback (most recent call last):
    ...
    ValueError: output file '/nonexistent-dir/out.json': directory '/nonexistent-dir' does not exist
    """
    path = Path(path)
    label = f"{what} {str(path)[:80]!r}"
    if len(path.name.encode()) > 200:  # leaves room for the temporary name's prefix and suffix
        raise ValueError(f"{label}: file name too long ({len(path.name.encode())} bytes; at "
                         "most 200)")
    if path.is_dir():
        raise ValueError(f"{label} is a directory")
    _writable_dir(path.parent if str(path.parent) else Path("."), label)
    return path


def check_output_dir(path: str | os.PathLike) -> Path:
    """Validate a report folder: its parent is writable; if it exists, it is an earlier report.

    An existing folder is replaced only when it is empty or looks like a dynverify report
    (``index.md`` and ``results.json``), never a folder of other files.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "notes.txt").write_text("mine")
    >>> check_output_dir(d)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: report folder '...' exists and is not a dynverify report; refusing to replace it
    """
    path = Path(path)
    label = f"report folder {str(path)[:80]!r}"
    if len(path.name.encode()) > 200:
        raise ValueError(f"{label}: name too long ({len(path.name.encode())} bytes; at most 200)")
    if path.resolve() == Path.cwd().resolve() or path.resolve() == path.resolve().parent:
        raise ValueError(f"{label} is the working directory or the root; name a new folder")
    if path.exists():
        if not path.is_dir():
            raise ValueError(f"{label} exists and is not a folder")
        contents = {p.name for p in path.iterdir()}
        if contents and not {"index.md", "results.json"} <= contents:
            raise ValueError(f"{label} exists and is not a dynverify report; refusing to "
                             "replace it")
    parent = path.resolve().parent
    _writable_dir(parent, label)
    return path


def results_data(results: Sequence[CheckResult], *, budget: str, seed: int,
                 timing: bool = False) -> dict[str, Any]:
    """The results as one JSON-ready dict (see :func:`results_json`).

    Examples
    --------
    >>> results_data([], budget="quick", seed=0)["holds"]
    True
    """
    summary = {s: sum(r.status == s for r in results) for s in STATUSES}
    return {"format": FORMAT_VERSION, "budget": budget, "seed": seed,
            "holds": all(r.holds for r in results), "summary": summary,
            "results": [r.to_dict(timing=timing) for r in results]}


def results_json(results: Sequence[CheckResult], *, budget: str, seed: int,
                 timing: bool = False) -> str:
    """The results as deterministic JSON text (sorted keys; no timings unless ``timing``, which
    adds each claim's ``timing_s`` and so is not reproducible), ending with a newline.

    Examples
    --------
    >>> import sympy as sp
    >>> from proofs_check import Claim, check, evidence as ev
    >>> x = sp.Symbol("x")
    >>> r = check(Claim(id="demo.sq", statement="x*x = x^2", evidence=[ev.identity(x*x, x**2)]))
    >>> data = json.loads(results_json([r], budget="quick", seed=0))
    >>> data["summary"]["proved"], data["results"][0]["id"]
    (1, 'demo.sq')
    """
    data = results_data(results, budget=budget, seed=seed, timing=timing)
    return json.dumps(data, sort_keys=True, indent=2, allow_nan=False, ensure_ascii=False) + "\n"


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


VERDICT_NOTE = ("*scope*: what the evidence covers (*as stated*: a certificate covers the "
                "statement as written); *value* / *claimed*: the computed and the claimed value "
                "of the deciding evidence; *margin*: see each claim's evidence table (empty for "
                "a proof); *n*: points or examples examined; *reason*: why a claim does not "
                "hold.")

MARGIN_NOTE = ("*n*: points or examples examined; *margin*: how far inside the claim the worst "
               "point lies (>= 0: the claim held everywhere examined; a tolerance is subtracted "
               "where the claim allows one); *worst error*: the largest distance from the "
               "claimed value; *digits*: correct (or certified) decimal digits.")


def _claim_section(r: CheckResult) -> list[str]:
    lines = [f"### `{r.claim_id}`: {r.status}", "", r.statement, ""]
    if r.forall:
        lines.append(f"- for all: {'; '.join(r.forall.values())}")
    if r.scope:
        lines.append(f"- scope: {r.scope}")
    if r.source:
        lines.append(f"- source: {r.source}")
    if r.model:
        lines.append(f"- model: {r.model}")
    lines.append(f"- budget {r.budget}, seed {r.seed}")
    if r.message:
        lines.append(f"- verdict from: {' '.join(r.message.split())}")
    if r.counterexample is not None:
        point = json.dumps(r.to_dict()["counterexample"], sort_keys=True)
        lines.append(f"- counterexample: `{point}`")
    if r.rerun:
        lines.append(f"- rerun: `{r.rerun}`")
    lines += ["", "| # | kind | status | method | n | margin | worst error | digits | seed |",
              "| ---: | :--- | :--- | :--- | ---: | ---: | ---: | ---: | ---: |"]
    for i, e in enumerate(r.evidence, 1):
        cells = [str(i), e.kind, e.status, " ".join(e.method.split()).replace("|", "\\|")]
        # a proof has no margin, and exact evidence draws nothing at random
        margin = None if e.certificate is not None else e.margin
        seed = e.seed if e.kind in ("numeric", "property") else None
        cells += ["" if v is None else _fmt(v)
                  for v in (e.sample_size, margin, e.worst_error, e.digits, seed)]
        lines.append("| " + " | ".join(cells) + " |")
    defined = [f"evidence {i}: margin = {e.details['margin_is']}" for i, e in
               enumerate(r.evidence, 1) if e.margin is not None and e.details.get("margin_is")]
    lines += ["", MARGIN_NOTE + (" " + "; ".join(defined) + "." if defined else "")]
    trees = [(i, e) for i, e in enumerate(r.evidence, 1) if e.certificate is not None]
    for i, e in trees:
        lines += ["", f"Certificate of evidence {i}:", "", "```text", *e.certificate.lines(),
                  "```"]
    for i, e in enumerate(r.evidence, 1):
        d = e.to_dict()
        extra = {k: d[k] for k in ("counterexample", "rerun", "details", "scope") if d.get(k)}
        if extra:
            lines += ["", f"<details><summary>evidence {i} ({e.kind}) details</summary>", "",
                      "```json", json.dumps(extra, sort_keys=True, indent=2, ensure_ascii=False),
                      "```", "", "</details>"]
    lines.append("")
    return lines


def write_report(directory: str | os.PathLike, results: Sequence[CheckResult], *, budget: str,
                 seed: int, tables: Mapping[str, Table | str] | None = None,
                 figures: Mapping[str, Any] | None = None) -> Path:
    """Write the report folder (see the module docstring) atomically; return its path.

    ``tables`` maps a name to a :class:`~proofs_check.tables.Table` (or to an error message when
    it could not be built); ``figures`` maps a name to a matplotlib Figure (or an error message).

    Examples
    --------
    >>> import sympy as sp, tempfile, pathlib
    >>> from proofs_check import Claim, check, evidence as ev
    >>> x = sp.Symbol("x")
    >>> r = check(Claim(id="demo.sq", statement="x*x = x^2", evidence=[ev.identity(x*x, x**2)]))
    >>> out = write_report(pathlib.Path(tempfile.mkdtemp()) / "rep", [r], budget="quick", seed=0)
    >>> sorted(p.name for p in out.iterdir())
    ['index.md', 'results.json']
    """
    from proofs_check.plots import save_figure

    target = check_output_dir(directory)
    parent = target.resolve().parent
    remove_stale(parent)
    tmp = Path(tempfile.mkdtemp(dir=parent, prefix=tmp_prefix(target.name)))
    try:
        lines = ["# dynverify report", "",
                 f"Budget `{budget}`, seed `{seed}`. Rerun everything with "
                 f"`dynverify check ... --budget {budget} --seed {seed} --report DIR`.", "",
                 "## Verdicts", ""]
        verdicts = to_markdown(verdict_table(results)).splitlines()[2:]  # drop the heading
        lines += [*verdicts, "", VERDICT_NOTE, "", "## Claims", ""]
        for r in results:
            lines += _claim_section(r)
        if tables:
            lines += ["## Tables", ""]
            (tmp / "tables").mkdir()
            for name, table in tables.items():
                if isinstance(table, Table):
                    for fmt in ("md", "tex", "csv"):
                        (tmp / "tables" / f"{name}.{fmt}").write_text(render(table, fmt))
                    lines += [*to_markdown(table).splitlines(), "",
                              f"([LaTeX](tables/{name}.tex), [CSV](tables/{name}.csv))", ""]
                else:
                    lines += [f"### {name}", "", f"Not built: {table}", ""]
        if figures:
            lines += ["## Figures", ""]
            (tmp / "figures").mkdir()
            for name, fig in figures.items():
                if isinstance(fig, str):
                    lines += [f"### {name}", "", f"Not drawn: {fig}", ""]
                else:
                    save_figure(fig, tmp / "figures" / f"{name}.png")
                    lines += [f"### {name}", "", f"![{name}](figures/{name}.png)", ""]
        (tmp / "index.md").write_text("\n".join(lines).rstrip("\n") + "\n")
        (tmp / "results.json").write_text(results_json(results, budget=budget, seed=seed))
        publish(tmp)
        old = None
        if target.exists():
            old = Path(tempfile.mkdtemp(dir=parent, prefix=tmp_prefix(target.name + "-old")))
            os.replace(target, old / "report")
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
