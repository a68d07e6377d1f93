"""The ``dynverify`` command line.

Exit codes: 0 every claim holds (or the command succeeded), 1 a claim is refuted, errored or
inconclusive (unless ``--allow-inconclusive``), or a catalogue module is broken, 2 bad input (one
line on stderr naming it, nothing on stdout, no file half-written), 3 an internal error (one line;
``--debug`` anywhere on the command line shows the traceback), 130 interrupted (Ctrl-C).

Standard output carries only the answer (verdict table, listing, table, written path) and is
deterministic for a given seed; progress, timings and warnings go to standard error.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import math
import os
import sys
import time
from pathlib import Path

from theory.parse import ExpressionError

__all__ = ["UsageError", "main"]

EPILOG_CHECK = """\
claims: IDS select catalogue claims; --model M all claims of a model; FILE.py the claims a user's
file defines (IDS then select among them); nothing: the whole catalogue.

exit status: 0 when every claim is proved or verified; 1 when any claim is refuted, errors, or is
inconclusive (an undecided claim does not hold; pass --allow-inconclusive to accept it), or a
catalogue module fails to import; 2 for bad input (unknown id or model, missing file, a file with
no claims, an unwritable output, a seed that is not a non-negative integer).

--json OUT and --report DIR are byte-identical for the same claims, budget and seed (timings are
printed on stderr only)."""


class UsageError(Exception):
    """Bad input from the command line: reported as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)  # '--d 5' must not mean '--digits 5'
        super().__init__(*args, **kwargs)

    def error(self, message):  # argparse prints usage + message; we want one line and exit 2
        raise UsageError(message)


# --------------------------------------------------------------------------- helpers


def _stdout(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _warn(text: str) -> None:
    print(f"dynverify: {text}", file=sys.stderr)


def _seed(text: str) -> int:
    try:
        value = int(str(text).strip(), 10)
    except ValueError:
        raise UsageError(f"seed {text!r} is not an integer") from None
    if value < 0:
        raise UsageError(f"seed {text!r} must be a non-negative integer")
    return value


def _options(extras: list[str], what: str) -> dict[str, str]:
    """``['--d', '5', '--kappa=0.69']`` -> ``{'d': '5', 'kappa': '0.69'}``."""
    out: dict[str, str] = {}
    i = 0
    while i < len(extras):
        token = extras[i]
        if not token.startswith("--") or len(token) <= 2:
            raise UsageError(f"{what}: unexpected argument {token!r} (options are --KEY VALUE)")
        key, eq, value = token[2:].partition("=")
        if not eq:
            if i + 1 >= len(extras):
                raise UsageError(f"{what}: option --{key} needs a value")
            value = extras[i + 1]
            i += 1
        name = key.replace("-", "_")
        if not name.isidentifier():
            raise UsageError(f"{what}: {token!r} is not a valid option name")
        if name in out:
            raise UsageError(f"{what}: option --{key} given twice")
        out[name] = value
        i += 1
    return out


def _call_with_options(fn, kwargs: dict, fixed: dict, what: str):
    """Call ``fn(**fixed, **kwargs)``: unknown options and ValueError are usage errors."""
    try:
        inspect.signature(fn).bind(**fixed, **kwargs)
    except TypeError:
        params = [p for p in inspect.signature(fn).parameters if p not in fixed]
        unknown = [k for k in kwargs if k not in params]
        known = ", ".join(f"--{p}" for p in params if p not in ("args", "kwargs")) or "none"
        bad = f"unknown option --{unknown[0]}" if unknown else "bad options"
        raise UsageError(f"{what}: {bad} (options: {known})") from None
    except ValueError:  # builtins without a signature: just call
        pass
    try:
        return fn(**fixed, **kwargs)
    except ValueError as exc:
        raise UsageError(f"{what}: {' '.join(str(exc).split())}") from None


def _output_file(path: str | None, what: str) -> Path | None:
    if path is None:
        return None
    from proofs_check.report import check_output_file

    try:
        return check_output_file(path, what)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _catalogue(args):
    if getattr(args, "_catalogue", None) is None:
        from proofs_check.registry import discover

        args._catalogue = discover()
    return args._catalogue


def _sources(args, targets: list[str]):
    """(catalogue, ids, from_files) for the positional targets."""
    from proofs_check.registry import Catalogue, RegistryError, load_file

    files, ids = [], []
    for t in targets:  # FILE.py, ID, or FILE.py::ID (the form of a file claim's rerun line)
        path, sep, claim_id = t.partition(".py::")
        if sep:
            files.append(path + ".py")
            ids.append(claim_id)
        elif t.endswith(".py"):
            files.append(t)
        else:
            ids.append(t)
    files = list(dict.fromkeys(files))
    if not files:
        return _catalogue(args), ids, False
    merged = Catalogue()
    try:
        for f in files:
            cat = load_file(f)
            for claim_id, claim in cat.claims.items():
                if claim_id in merged.claims:
                    raise UsageError(f"claim id {claim_id!r} is defined in both "
                                     f"{merged.origin[claim_id]!r} and {f!r}")
                merged.claims[claim_id] = claim
                merged.origin[claim_id] = f
                merged.models[claim_id] = cat.models[claim_id]
            for store, origin, items in ((merged.tables, merged.table_origin, cat.tables),
                                         (merged.plots, merged.plot_origin, cat.plots),
                                         (merged.maps, merged.map_origin, cat.maps)):
                for name, fn in items.items():
                    store.setdefault(name, fn)
                    origin.setdefault(name, f)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    return merged, ids, True


def _catalogue_with_file(args, extras: list[str]):
    """``table NAME FILE.py ...`` / ``plot NAME FILE.py ...``: the file's tables and plots."""
    if extras and extras[0].endswith(".py") and not extras[0].startswith("-"):
        catalogue, _, _ = _sources(args, [extras[0]])
        return catalogue, extras[1:]
    return _catalogue(args), extras


def _report_broken(catalogue) -> int:
    for module, error in catalogue.errors.items():
        _warn(f"error: catalogue module {module}: {error}")
    return 1 if catalogue.errors else 0


# --------------------------------------------------------------------------- commands


class _TimeLimit(BaseException):  # not Exception: a broad `except Exception` must not eat it
    pass


def _in_swallowing_frame(frame) -> bool:
    """Whether ``frame`` runs (inside) a gc callback or a ``__del__``, where CPython swallows an
    exception instead of propagating it."""
    import gc

    callbacks = {getattr(cb, "__code__", None) for cb in gc.callbacks}
    while frame is not None:
        if frame.f_code in callbacks or frame.f_code.co_name == "__del__":
            return True
        frame = frame.f_back
    return False


@contextlib.contextmanager
def _time_limit(seconds: float, what: str):
    """Stop ``what`` after ``seconds`` with a one-line UsageError (main thread only: SymPy's
    solvers cannot be asked to stop, so a timer signal interrupts them).

    A signal handler's exception is swallowed when it lands in a garbage-collector callback or a
    ``__del__`` (CPython reports it as "unraisable" and carries on). So a stop that would land in
    one waits 5 ms and tries again, the timer repeats every 50 ms until a stop escapes (callbacks
    this cannot see), swallowed stops are kept out of the unraisable hook, and a body that
    finishes after a swallowed stop still counts as over time.
    """
    import signal
    import sys
    import threading

    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    expired = escaped = False

    def expire(signum, frame):
        nonlocal expired
        expired = True
        if escaped:  # caught below: a further stop would replace the one-line error
            return
        if _in_swallowing_frame(frame):  # try again just after it returns
            signal.setitimer(signal.ITIMER_REAL, 0.005, 0.05)
            return
        raise _TimeLimit

    outer_hook = sys.unraisablehook

    def hook(unraisable):
        if not isinstance(unraisable.exc_value, _TimeLimit):
            outer_hook(unraisable)

    old = signal.signal(signal.SIGALRM, expire)
    sys.unraisablehook = hook
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.05)
    over = UsageError(f"{what} not finished in {seconds:g} s (raise --time-limit, or simplify "
                      "the loss)")
    try:
        yield
    except _TimeLimit:
        escaped = True
        raise over from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        sys.unraisablehook = outer_hook
    if expired:
        raise over


def _cmd_derive(args) -> int:
    from proofs_check.derivation import derive_report, render

    with _time_limit(args.time_limit, "the symbolic derivation (fixed points, stability)"):
        try:
            report = derive_report(args.loss, args.params, args.step, args.constants,
                                   args.assume)
        except NotImplementedError as exc:  # beyond SymPy's solvers: say so, it is no crash
            raise UsageError(f"cannot derive for this loss: {exc}") from None
        text = render(report, args.format)
    print(text)
    return 0


def _first_line(fn) -> str:
    doc = inspect.getdoc(fn) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def _cmd_list(args) -> int:
    from proofs_check.registry import RegistryError
    from proofs_check.tables import Table, render

    catalogue, ids, _ = _sources(args, args.targets)
    if ids:
        raise UsageError(f"list takes claim files (FILE.py), not ids: {ids[0]!r}")
    if args.maps:
        rows = [[name, catalogue.map_origin[name], ", ".join(m.axes),
                 ", ".join(f"{k}={v:g}" for k, v in m.fixed.items()), m.description]
                for name, m in sorted(catalogue.maps.items())]
        table = Table("maps", "Maps to sweep by name (dynverify sweep --model NAME).",
                      ["name", "module", "default axes", "fixed", "description"], rows)
    elif args.tables or args.plots:
        rows = []
        for kind, store, origin in (("table", catalogue.tables, catalogue.table_origin),
                                    ("plot", catalogue.plots, catalogue.plot_origin)):
            if (kind == "table" and args.tables) or (kind == "plot" and args.plots):
                rows += [[name, kind, origin[name], _first_line(store[name])]
                         for name in sorted(store)]
        table = Table("available", "Tables and plots.", ["name", "kind", "module", "description"],
                      rows)
    else:
        try:
            claims = catalogue.select(model=args.model)
        except RegistryError as exc:
            raise UsageError(str(exc)) from None
        rows = [[c.id, catalogue.models[c.id], ", ".join(c.kinds), c.source or ""]
                for c in claims]
        table = Table("claims", f"{len(rows)} claim(s).", ["id", "model", "evidence", "source"],
                      rows)
    _stdout(render(table, "md"))
    return _report_broken(catalogue)


def _progress(total: int, enabled: bool):
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True,
                    disable=not (enabled and console.is_terminal))


def _extras_for(catalogue, results, budget: str, seed: int):
    """Tables and figures of the catalogue modules whose claims were checked (for --report)."""
    modules = {catalogue.origin[r.claim_id] for r in results if r.claim_id in catalogue.origin}
    tables: dict = {}
    figures: dict = {}
    for name in sorted(catalogue.tables):
        if catalogue.table_origin[name] in modules:
            try:
                tables[name] = catalogue.tables[name]()
            except Exception as exc:
                tables[name] = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    for name in sorted(catalogue.plots):
        if catalogue.plot_origin[name] in modules:
            try:
                fig = catalogue.plots[name](budget=budget, seed=seed)
                figures[name] = fig[0] if isinstance(fig, tuple) else fig
            except Exception as exc:
                figures[name] = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    return tables, figures


def _jobs(text: str, n_claims: int) -> int:
    """``--jobs``: ``auto`` (one worker per CPU, at most 4, when there is work enough) or N."""
    from proofs_check.parallel import default_jobs

    if text == "auto":
        return default_jobs(n_claims)
    try:
        n = int(text)
    except ValueError:
        raise UsageError(f"--jobs {text!r} is not a number or 'auto'") from None
    if not 1 <= n <= 64:
        raise UsageError(f"--jobs {n} must be between 1 and 64")
    return min(n, max(1, n_claims))


def _cmd_check(args) -> int:
    from proofs_check.claim import CheckResult, check
    from proofs_check.registry import RegistryError
    from proofs_check.report import check_output_dir, results_json, write_atomic, write_report
    from proofs_check.tables import render, verdict_table

    seed = _seed(args.seed)
    json_path = _output_file(args.json, "JSON file")
    if args.report is not None and json_path is not None and \
            Path(args.report).resolve() == json_path.resolve():
        raise UsageError(f"--json and --report name the same path {args.report!r}")
    if args.report is not None:
        try:
            check_output_dir(args.report)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    catalogue, ids, from_files = _sources(args, args.targets)
    try:
        claims = catalogue.select(ids, model=args.model)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    broken = [] if (from_files or ids or args.model) else sorted(catalogue.errors)
    if not claims and not broken:
        raise UsageError("no claims to check" + (f" for model {args.model!r}" if args.model
                                                  else " (the catalogue is empty)"))
    for module in sorted(catalogue.errors):
        _warn(f"warning: catalogue module {module}: {catalogue.errors[module]}")
    if args.mutants:
        return _check_mutants(args, claims, seed, json_path)
    start = time.perf_counter()
    results: list[CheckResult] = []
    workers = _jobs(args.jobs, len(claims))
    # workers load the catalogue themselves: not a catalogue handed to main() (tests)
    if getattr(args, "_injected", False) and not from_files:
        workers = 1
    with _progress(len(claims), not args.no_progress) as progress:
        task = progress.add_task("checking", total=len(claims))
        origins = [catalogue.origin[c.id] if from_files else None for c in claims]
        if workers > 1:
            from proofs_check.parallel import check_in_parallel

            results = check_in_parallel([(c.id, o) for c, o in zip(claims, origins,
                                                                   strict=True)],
                                        args.budget, seed, workers,
                                        on_done=lambda _: progress.advance(task))
        else:
            for claim, origin in zip(claims, origins, strict=True):
                progress.update(task, description=claim.id)
                results.append(check(claim, args.budget, seed, origin=origin))
                progress.advance(task)
    for module in broken:
        results.append(CheckResult(claim_id=module, status="error",
                                   statement="catalogue module could not be loaded", source="",
                                   model="", budget=args.budget, seed=seed, evidence=[],
                                   message=catalogue.errors[module]))
    shape = args.format if args.format != "auto" else \
        ("rich" if sys.stdout.isatty() else "md")
    if shape == "rich":
        _print_verdicts(results)
    elif shape == "json":
        _stdout(results_json(results, budget=args.budget, seed=seed, timing=args.profile)
                .rstrip("\n"))
    else:
        _stdout(render(verdict_table(results), "md"))
    if json_path is not None:
        write_atomic(json_path, results_json(results, budget=args.budget, seed=seed,
                                             timing=args.profile))
    if args.report is not None:
        tables, figures = ({}, {}) if args.no_extras else _extras_for(catalogue, results,
                                                                      args.budget, seed)
        write_report(args.report, results, budget=args.budget, seed=seed, tables=tables,
                     figures=figures)
    counts = {s: sum(r.status == s for r in results) for s in
              ("proved", "verified", "refuted", "inconclusive", "error")}
    _warn(", ".join(f"{n} {s}" for s, n in counts.items() if n)
          + f" in {time.perf_counter() - start:.1f} s (budget {args.budget}, seed {seed})")
    if args.profile:
        slowest = sorted(results, key=lambda r: -r.timing)[:10]
        _warn("slowest claims: " + ", ".join(f"{r.claim_id} {r.timing:.2f} s" for r in slowest))
    for r in results:
        if r.status == "refuted" and r.rerun and r.expect != "refuted":
            _warn(f"{r.claim_id} refuted; rerun: {r.rerun}")
        if r.expect == "refuted" and r.status != "refuted":
            _warn(f"{r.claim_id} is a planted false claim (expect='refuted') but came back "
                  f"{r.status}: its evidence cannot tell")
    return 0 if all(r.holds or (args.allow_inconclusive and r.status == "inconclusive")
                    for r in results) else 1


_COLOURS = {"proved": "bold green", "verified": "green", "refuted": "bold red",
            "inconclusive": "yellow", "error": "bold magenta"}


def _print_verdicts(results) -> None:
    """The verdicts as a rich table on a terminal: status in colour, scope, a short statement
    and the reason of a verdict that does not hold."""
    from rich.console import Console
    from rich.table import Table as RichTable

    from proofs_check.tables import reason

    table = RichTable(show_lines=False, header_style="bold")
    for column in ("claim", "status", "scope", "statement", "reason"):
        table.add_column(column, overflow="fold")
    for r in results:
        status = r.status + (" (expected)" if r.expect == "refuted" else "")
        statement = " ".join(r.statement.split())
        table.add_row(r.claim_id, f"[{_COLOURS.get(r.status, '')}]{status}[/]", r.scope,
                      statement if len(statement) <= 70 else statement[:69] + "…", reason(r))
    Console().print(table)


def _check_mutants(args, claims, seed: int, json_path) -> int:
    import json

    from proofs_check.mutants import run_mutants
    from proofs_check.report import write_atomic
    from proofs_check.tables import Table, render

    start = time.perf_counter()
    with _progress(len(claims), not args.no_progress) as progress:
        task = progress.add_task("mutants", total=len(claims))

        def step(claim_id):
            progress.update(task, description=claim_id)
            progress.advance(task)

        report = run_mutants(claims, args.budget, seed, progress=step)
    rows = [[c.claim_id, c.total, c.killed,
             "; ".join(f"{k.split('~', 1)[1]}: {v}" for k, v in c.survivors.items())
             or (f"no mutants: {c.reason}" if c.reason else "")] for c in report.claims]
    rate = "n/a" if not report.total else f"{report.rate:.3f}"
    table = Table("mutants", "Claim mutants killed by the claims' own evidence.",
                  ["claim", "mutants", "killed", "survivors"], rows,
                  [f"kill rate {rate}: {report.killed} of {report.total} mutants refuted",
                   f"budget {args.budget}; seed {seed}"])
    _stdout(render(table, "md"))
    if json_path is not None:
        write_atomic(json_path, json.dumps(report.to_dict(), sort_keys=True, indent=2) + "\n")
    _warn(f"kill rate {rate} ({report.killed}/{report.total}) in "
          f"{time.perf_counter() - start:.1f} s (budget {args.budget}, seed {seed})")
    return 0


def _cmd_explain(args) -> int:
    from proofs_check.claim import check
    from proofs_check.explain import explain_all
    from proofs_check.registry import RegistryError

    seed = _seed(args.seed)
    catalogue, ids, from_files = _sources(args, args.targets)
    if not ids and not args.model and not from_files:
        raise UsageError("explain needs claim ids, --model M or FILE.py (see `dynverify list`)")
    try:
        claims = catalogue.select(ids, model=args.model)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    results = [check(c, args.budget, seed, origin=catalogue.origin[c.id] if from_files else None)
               for c in claims]
    _stdout(explain_all(results))
    return 0 if all(r.holds for r in results) else 1


def _cmd_cache(args) -> int:
    import shutil

    from numerics.codegen import default_cache_dir

    root = default_cache_dir()
    files = [p for p in root.rglob("*") if p.is_file()] if root.is_dir() else []
    kernels = [p for p in files if p.parent == root and p.name.startswith("dv_")]
    if args.action == "info":
        size = sum(p.stat().st_size for p in files)
        _stdout(f"cache: {root}\nkernels: {len(kernels)} generated modules\n"
                f"files: {len(files)}, {size / 2**20:.1f} MiB")
        return 0
    removed = 0
    entries = [*root.glob("dv_*.py"), root / "__pycache__", root / "numba", root / "hypothesis"] \
        if root.is_dir() else []
    for entry in entries:
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.exists():
            entry.unlink()
        removed += 1
    _stdout(f"cleared {root} ({removed} entries)")
    return 0


def _lookup(store: dict, name: str, kind: str, catalogue) -> object:
    if name in store:
        return store[name]
    known = ", ".join(sorted(store)) or "none"
    broken = f"; modules that failed to load: {', '.join(catalogue.errors)}" \
        if catalogue.errors else ""
    raise UsageError(f"unknown {kind} {name!r} (available: {known}){broken}")


def _cmd_table(args, extras: list[str]) -> int:
    from proofs_check.report import write_atomic
    from proofs_check.tables import Table, render, select_columns, transpose

    if args.digits is not None and not 1 <= args.digits <= 17:
        raise UsageError(f"--digits {args.digits} must be an integer from 1 to 17")
    out = _output_file(args.output, "table file")
    catalogue, extras = _catalogue_with_file(args, extras)
    options = _options(extras, f"table {args.name}")
    fn = _lookup(catalogue.tables, args.name, "table", catalogue)
    if args.digits is not None and "digits" in inspect.signature(fn).parameters:
        options.setdefault("digits", str(args.digits))  # --digits reaches a table that rounds
    table = _call_with_options(fn, options, {}, f"table {args.name}")
    if not isinstance(table, Table):
        _warn(f"error: table {args.name}: the function returned {type(table).__name__}, "
              "not a Table")
        return 1
    try:
        if args.columns:
            table = select_columns(table, args.columns.split(","))
        if args.transpose:
            table = transpose(table)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    text = render(table, args.format, args.digits)
    if out is None:
        _stdout(text)
    else:
        write_atomic(out, text)
        _stdout(str(out))
    return 0


def _cmd_sweep(args) -> int:
    from proofs_check.sweep_command import run_sweep_command

    try:
        return run_sweep_command(args)
    except ValueError as exc:  # SweepError and bad expressions are bad input
        raise UsageError(" ".join(str(exc).split())) from None
    except OSError as exc:  # an unwritable --store
        raise UsageError(f"--store {args.store!r}: {exc.strerror or exc}") from None


_SWEEP_PLOT_HELP = """\
plot sweep STORE [--x NAME] [--y NAME] [--field FIELD] [--overlay CURVES] [--at NAME=V,...]
           [--model NAME|FILE.py:NAME]
  draws a stored sweep (dynverify sweep --store STORE):
  --x, --y      the axes to draw (default the sweep's first two)
  --field       label (default: converged / period k / bounded / diverged), period,
                diverge_step, lyapunov or loss (what the sweep recorded)
  --overlay     threshold curves, separated by ';': AXIS=EXPR, or EXPR (the value of the
                plotted axis it does not mention), e.g. --overlay "2/(a**2+b**2)", or the label
                of a curve the model declares
  --at          values of the axes not drawn (default their middle grid point)
  --model       NAME or FILE.py:NAME whose declared curves --overlay may name (default: the
                catalogue's map of the sweep's name)"""


def _sweep_figure(extras: list[str]):
    """``dynverify plot sweep STORE [options]``: a stored sweep (see ``_SWEEP_PLOT_HELP``)."""
    if not extras or extras[0].startswith("--"):
        raise UsageError("plot sweep: give the sweep's STORE folder")
    store, options = extras[0], _options(extras[1:], "plot sweep")
    known = ("x", "y", "field", "overlay", "at", "model")
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise UsageError(f"plot sweep: unknown option --{unknown[0]} (options: "
                         f"{', '.join('--' + k for k in known)})")
    if not Path(store).is_dir():
        raise UsageError(f"plot sweep: store {store!r} does not exist")
    at = {}
    for item in filter(None, (t.strip() for t in options.get("at", "").split(","))):
        name, sep, value = item.partition("=")
        try:
            at[name.strip()] = float(value)
        except ValueError:
            raise UsageError(f"plot sweep: --at {item!r} is not NAME=NUMBER") from None
        if not sep or not math.isfinite(at[name.strip()]):
            raise UsageError(f"plot sweep: --at {item!r} is not NAME=NUMBER (finite)")
    overlays = [t.strip() for t in options.get("overlay", "").split(";") if t.strip()]
    from proofs_check.sweep_command import plot_sweep

    return lambda: plot_sweep(store, x=options.get("x"), y=options.get("y"), at=at,
                              field=options.get("field", "label"), overlays=overlays,
                              model=options.get("model"))


def _cmd_plot(args, extras: list[str]) -> int:
    from matplotlib.figure import Figure

    from proofs_check.plots import (
        check_figure_path,
        figure_size,
        finish_figure,
        save_figure,
        using_size,
    )

    seed = _seed(args.seed)
    try:
        size = None if args.size is None else figure_size(args.size)
    except ValueError as exc:
        raise UsageError(f"--size: {exc}") from None
    catalogue, extras = _catalogue_with_file(args, extras)
    if args.name == "sweep" and "sweep" not in catalogue.plots:
        draw = _sweep_figure(extras)
    else:
        options = _options(extras, f"plot {args.name}")
        fn = _lookup(catalogue.plots, args.name, "plot", catalogue)

        def draw():
            return _call_with_options(fn, options, {"budget": args.budget, "seed": seed},
                                      f"plot {args.name}")
    try:
        out = check_figure_path(args.output or f"{args.name}.png")
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    with using_size(size, font=args.font):  # saved inside: tick labels take the font then
        try:
            fig = draw()
        except ValueError as exc:
            raise UsageError(f"plot {args.name}: {' '.join(str(exc).split())}") from None
        fig = fig[0] if isinstance(fig, tuple) else fig
        if not isinstance(fig, Figure):
            _warn(f"error: plot {args.name}: the function returned {type(fig).__name__}, "
                  "not a matplotlib Figure")
            return 1
        save_figure(finish_figure(fig, size=size, title=args.title), out)
    _stdout(str(out))
    return 0


# --------------------------------------------------------------------------- parser


def build_parser(sweep: bool = False) -> argparse.ArgumentParser:
    """The argument parser of ``dynverify`` (derive, list, check, explain, table, plot, sweep).

    ``sweep=True`` adds the options of ``dynverify sweep`` (importing the sweep machinery, which
    other commands do not need).

    Examples
    --------
    >>> build_parser().parse_args(["check", "--model", "two-factor", "--seed", "3"]).seed
    '3'
    """
    parser = _Parser(prog="dynverify", description="Check claims about training dynamics.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("derive", help="derive the GD map of a loss, its fixed points and stability")
    p.add_argument("--loss", required=True, help='loss expression, e.g. "(a*b-1)**2/2"')
    p.add_argument("--params", required=True, help='trained variables, e.g. "a b"')
    p.add_argument("--step", default="mu", help="step-size symbol (default: mu)")
    p.add_argument("--constants", default=None, help="other symbols the loss uses")
    p.add_argument("--assume", default=None, metavar='"0<lam<1, ..."',
                   help="intervals for the constants: fixed points that are not real there are "
                        "dropped and each point's stability becomes a threshold on the step")
    p.add_argument("--format", choices=["text", "latex", "json"], default="text")
    p.add_argument("--time-limit", type=float, default=60.0, metavar="S",
                   help="give up the symbolic solving after S seconds (default 60; 0: no limit)")
    p.set_defaults(func=_cmd_derive)

    p = sub.add_parser("list", help="list claims (or --tables, --plots) of the catalogue")
    p.add_argument("targets", nargs="*", metavar="FILE.py",
                   help="list the claims of these files instead of the catalogue")
    p.add_argument("--model", default=None, help="only the claims of this model")
    p.add_argument("--tables", action="store_true", help="list the tables instead of claims")
    p.add_argument("--plots", action="store_true", help="list the plots instead of claims")
    p.add_argument("--maps", action="store_true",
                   help="list the maps that `dynverify sweep --model` knows")
    p.set_defaults(func=_cmd_list)

    p = sub.add_parser("check", help="check claims and print their verdicts",
                       epilog=EPILOG_CHECK, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("targets", nargs="*", metavar="IDS|FILE.py",
                   help="claim ids and/or user claim files (default: the whole catalogue)")
    p.add_argument("--model", default=None, help="only the claims of this model")
    p.add_argument("--budget", choices=["quick", "full"], default="quick",
                   help="quick (CI, default) or full (the sample sizes a paper would quote)")
    p.add_argument("--seed", default="0", help="seed of every random draw (default 0)")
    p.add_argument("--json", default=None, metavar="OUT", help="write the results as JSON")
    p.add_argument("--format", choices=["auto", "rich", "md", "json"], default="auto",
                   help="the verdicts on stdout: a colour table (rich), Markdown or JSON; "
                        "auto (default): rich on a terminal, Markdown otherwise")
    p.add_argument("--report", default=None, metavar="DIR",
                   help="write a self-contained report folder (index.md, results.json, ...)")
    p.add_argument("--no-extras", action="store_true",
                   help="with --report: leave out the catalogue's tables and figures")
    p.add_argument("--allow-inconclusive", action="store_true",
                   help="exit 0 even if some claims are inconclusive")
    p.add_argument("--profile", action="store_true",
                   help="print the slowest claims on stderr and put each claim's wall time "
                        "(timing_s) in --json (which is then not byte-reproducible)")
    p.add_argument("--mutants", action="store_true",
                   help="instead of the verdicts, report how many mutants of each claim (its "
                        "claimed values perturbed) its evidence refutes, and the kill rate")
    p.add_argument("--jobs", default="auto", metavar="N|auto",
                   help="worker processes (default auto: one per CPU, at most 4, for 16 claims "
                        "or more); results are identical to --jobs 1")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("explain", help="print the certificate tree and evidence of verdicts")
    p.add_argument("targets", nargs="*", metavar="IDS|FILE.py",
                   help="claim ids and/or user claim files")
    p.add_argument("--model", default=None, help="all claims of this model")
    p.add_argument("--budget", choices=["quick", "full"], default="quick")
    p.add_argument("--seed", default="0", help="seed of every random draw (default 0)")
    p.set_defaults(func=_cmd_explain)

    p = sub.add_parser("table", help="print a bound table (md, tex, csv or json)",
                       usage="%(prog)s NAME [FILE.py] [--format {md,tex,csv,json}] "
                             "[--digits D] [-o FILE]\n         [--columns A,B,...] "
                             "[--transpose] [--KEY VALUE ...]",
                       epilog="FILE.py: a claims file whose TABLES hold NAME. Other options "
                              "--KEY VALUE are passed to the table as strings.")
    p.add_argument("name", help="table name (see `dynverify list --tables`)")
    p.add_argument("--format", choices=["md", "tex", "csv", "json"], default="md")
    p.add_argument("--digits", type=int, default=None,
                   help="significant digits (default 6 for md/tex, full for csv/json)")
    p.add_argument("-o", "--output", default=None, metavar="FILE", help="write to FILE")
    p.add_argument("--columns", default=None, metavar="A,B,...",
                   help="only these columns (header texts or 1-based numbers), in this order: "
                        "split a table too wide for a page")
    p.add_argument("--transpose", action="store_true",
                   help="rows become columns (for a wide table with few rows)")
    p.set_defaults(func=_cmd_table, extras=True)

    p = sub.add_parser("plot", help="draw a figure to PNG or PDF",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       usage="%(prog)s NAME [FILE.py] [-o FILE.png|FILE.pdf] "
                             "[--budget {quick,full}]\n         [--seed SEED] "
                             "[--size column|page|W,H] [--title TITLE]\n         "
                             "[--font sans|serif|cm] [--KEY VALUE ...]\n"
                             "       %(prog)s sweep STORE [options, below]",
                       epilog="FILE.py: a claims file whose PLOTS hold NAME. Other options "
                              "--KEY VALUE are passed to the plot as strings "
                              "(see `dynverify list --plots`).\n\n" + _SWEEP_PLOT_HELP)
    p.add_argument("name", help="plot name (see `dynverify list --plots`)")
    p.add_argument("-o", "--output", default=None, metavar="FILE.png|FILE.pdf",
                   help="output file (default NAME.png)")
    p.add_argument("--budget", choices=["quick", "full"], default="quick")
    p.add_argument("--seed", default="0", help="seed of every random draw (default 0)")
    p.add_argument("--size", default=None, metavar="column|page|W,H",
                   help="print size: one column (3.3 in wide), a full page (6.8 in) or W,H in "
                        "inches (default: the figure's own, column or page)")
    p.add_argument("--title", default=None, help="add a title (none by default: the caption "
                                                 "belongs to the paper)")
    p.add_argument("--font", default="sans", choices=["sans", "serif", "cm"],
                   help="sans (default), serif, or cm: Computer Modern, as in a LaTeX paper")
    p.set_defaults(func=_cmd_plot, extras=True)

    p = sub.add_parser("cache", help="where the compiled-kernel cache is, or clear it")
    p.add_argument("action", choices=["info", "clear"])
    p.set_defaults(func=_cmd_cache)

    p = sub.add_parser("sweep", help="run a chunked, resumable sweep (in-process or on Dask)",
                       add_help=sweep)
    if sweep:
        from proofs_check.sweep_command import add_sweep_arguments

        add_sweep_arguments(p)
    p.set_defaults(func=_cmd_sweep)
    return parser


def main(argv: list[str] | None = None, *, catalogue=None) -> int:
    """Entry point of the ``dynverify`` console script; returns the exit code.

    ``catalogue`` replaces the discovered catalogue (a :class:`proofs_check.registry.Catalogue`;
    tests use it).

    Examples
    --------
    >>> main(["check", "--seed", "x"])
    2
    """
    os.environ.setdefault("MPLBACKEND", "Agg")  # headless, whatever pyplot a catalogue uses
    from numerics.vector_width import setting_error  # imports the kernels: they read it silently

    if (problem := setting_error()) is not None:
        print(f"dynverify: error: {problem}", file=sys.stderr)
        return 2
    _hypothesis_home()
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    try:
        parser = build_parser(sweep=bool(argv) and argv[0] == "sweep")
        args, extras = parser.parse_known_args(argv)
        args._catalogue, args._injected = catalogue, catalogue is not None
        if getattr(args, "extras", False):
            return args.func(args, extras)
        if extras:
            raise UsageError(f"unrecognized arguments: {' '.join(extras)}")
        return args.func(args)
    except (UsageError, ExpressionError) as exc:
        print(f"dynverify: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dynverify: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours, not a verdict: exit 3, one line
        if debug:
            raise
        print(f"dynverify: internal error: {type(exc).__name__}: {_one_line(exc)} (rerun with "
              "--debug for the traceback)", file=sys.stderr)
        return 3


def _hypothesis_home() -> None:
    """Keep Hypothesis's files under the dynverify cache, not in the working directory."""
    if os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        return
    from hypothesis.configuration import set_hypothesis_home_dir

    from numerics.codegen import default_cache_dir

    set_hypothesis_home_dir(str(default_cache_dir() / "hypothesis"))


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:500]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
