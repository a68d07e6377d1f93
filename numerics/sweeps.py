"""Large parameter / initial-condition sweeps in chunks: resumable, in-process or on Dask.

A sweep is a map, a product grid over some of its parameters and state variables (the other ones
fixed), a number of steps and the quantities to record per orbit. The grid is flattened in C order
and cut into chunks of ``chunk`` orbits; a chunk is one call of the :mod:`numerics` kernels, and
the per-orbit arithmetic does not depend on the chunk (see :mod:`numerics.codegen`), so the store
is bitwise the same whatever runs it: in-process (Numba threads), a Dask cluster, or a run killed
half-way and resumed.

The store is a directory a user can read with NumPy alone::

    STORE/sweep.json             the definition (map, axes, steps, record, chunk, seed), its digest,
                                 the label legend and this layout note
    STORE/chunks/c000000/F.npy   field F of orbits [0, chunk) ... one directory per chunk

A chunk directory is written under a temporary name and renamed into place, so it is either
complete or absent; rerunning a sweep skips the chunks present. A store whose ``sweep.json``
differs from the sweep being run is refused rather than mixed.

Recordable fields: ``label`` (int8, see ``LEGEND``), ``diverge_step`` (int64, -1 if bounded),
``final`` (float64 state after ``steps`` steps, frozen at the last state within the horizon for a
diverged orbit), ``lyapunov`` (float64 largest exponent over the ``steps`` steps after the first
``steps``//10 transient ones, 0 for a diverged orbit), ``loss`` (the map's loss at the final state,
for maps derived from a loss).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from numerics.basins import classify_points
from numerics.codegen import DEFAULT_HORIZON, compile_map
from numerics.files import publish, remove_stale, tmp_prefix
from numerics.lyapunov import lyapunov

__all__ = [
    "FIELDS",
    "Axis",
    "SweepDefinition",
    "SweepError",
    "SweepStore",
    "SweepSummary",
    "run_chunk",
    "run_sweep",
]

FIELDS = ("label", "diverge_step", "final", "lyapunov", "loss")
FORMAT_VERSION = 1
LAYOUT = ("chunks/cNNNNNN/FIELD.npy holds FIELD for flat orbits [N*chunk, (N+1)*chunk) of the "
          "C-ordered grid of shape 'shape' over 'axes'; concatenate and reshape to read it all.")


class SweepError(ValueError):
    """A sweep cannot be run as asked (bad grid, store conflict, unreachable scheduler)."""


#: points on one axis; orbits in one sweep; orbits in one chunk (memory is allocated per chunk)
MAX_AXIS_POINTS = 10**7
MAX_ORBITS = 10**10
MAX_CHUNK = 2**22


@dataclass(frozen=True)
class Axis:
    """A grid axis: ``n`` equally spaced values of a parameter or state variable in ``[lo, hi]``.

    Examples
    --------
    >>> Axis.parse("mu=0:2:5").values().tolist()
    [0.0, 0.5, 1.0, 1.5, 2.0]
    """

    name: str
    lo: float
    hi: float
    n: int

    def __post_init__(self):
        if not (math.isfinite(self.lo) and math.isfinite(self.hi)):
            raise SweepError(f"axis {self.name}: bounds must be finite, got {self.lo}, {self.hi}")
        if self.n < 1:
            raise SweepError(f"axis {self.name}: the grid has {self.n} points")
        if self.n > MAX_AXIS_POINTS:
            raise SweepError(f"axis {self.name}: {self.n} points; at most {MAX_AXIS_POINTS:,}")
        if self.n > 1 and not self.lo < self.hi:
            raise SweepError(f"axis {self.name}: need lo < hi, got {self.lo}, {self.hi}")

    def values(self) -> np.ndarray:
        return np.linspace(self.lo, self.hi, self.n)

    @classmethod
    def parse(cls, text: str) -> Axis:
        """``name=lo:hi:n`` (or ``name=value`` for a single point)."""
        name, _, spec = text.partition("=")
        parts = spec.split(":")
        try:
            if len(parts) not in (1, 3):
                raise ValueError
            lo = float(parts[0])
            hi, n = (float(parts[1]), int(parts[2])) if len(parts) == 3 else (lo, 1)
        except ValueError:
            raise SweepError(f"axis {text!r}: expected name=lo:hi:n or name=value") from None
        return cls(name.strip(), lo, hi, n)


@dataclass(frozen=True)
class SweepDefinition:
    """Everything that determines a sweep's results (its digest names the store's content).

    ``state``, ``params`` and ``update`` describe the map as plain strings (so that a worker can
    rebuild it with :func:`theory.parse.parse_expression`, never ``eval``); ``loss`` likewise, if
    any. ``axes`` are grid axes over names of parameters or state variables; ``fixed`` gives every
    other parameter and state variable a value.
    """

    name: str
    state: tuple[str, ...]
    params: tuple[str, ...]
    update: tuple[str, ...]
    axes: tuple[Axis, ...]
    fixed: Mapping[str, float]
    steps: int = 1000
    record: tuple[str, ...] = ("label", "diverge_step")
    chunk: int = 65536
    horizon: float = DEFAULT_HORIZON
    max_period: int = 8
    tol: float = 1e-9
    seed: int = 0
    loss: str | None = None
    positive: tuple[str, ...] = field(default=())

    def __post_init__(self):
        names = [a.name for a in self.axes]
        known = set(self.state) | set(self.params)
        for nm in names:
            if nm not in known:
                raise SweepError(f"axis {nm}: not a parameter or state variable of {self.name!r}")
        if len(set(names)) != len(names):
            raise SweepError("axes: a name is swept twice")
        for nm, value in self.fixed.items():
            if nm not in known:
                raise SweepError(f"fixed {nm}: not a parameter or state variable of {self.name!r}")
            if nm in names:
                raise SweepError(f"fixed {nm}: also a swept axis")
            if not math.isfinite(float(value)):
                raise SweepError(f"fixed {nm}: value {value} is not finite")
        for nm in self.positive:  # the map was derived for a positive step (or constant)
            if nm in self.fixed and not float(self.fixed[nm]) > 0:
                raise SweepError(f"fixed {nm}: {self.fixed[nm]} is outside the map's domain "
                                 f"({nm} > 0)")
            axis = next((a for a in self.axes if a.name == nm), None)
            if axis is not None and not axis.lo > 0:
                raise SweepError(f"axis {nm}: starts at {axis.lo}, outside the map's domain "
                                 f"({nm} > 0)")
        total = math.prod(a.n for a in self.axes)
        if total > MAX_ORBITS:
            raise SweepError(f"sweep: {total:,} orbits; at most {MAX_ORBITS:,} (split it into "
                             "several sweeps)")
        missing = sorted(known - set(names) - set(self.fixed))
        if missing:
            raise SweepError(f"sweep: no value or axis for {', '.join(missing)}")
        bad = [r for r in self.record if r not in FIELDS]
        if bad or not self.record:
            raise SweepError(f"record: {', '.join(bad) or 'nothing'} (choose from "
                             f"{', '.join(FIELDS)})")
        if "loss" in self.record and self.loss is None:
            raise SweepError(f"record: 'loss' needs a map derived from a loss, not {self.name!r}")
        if self.steps < 2 * self.max_period:
            raise SweepError(f"steps: need at least 2*max_period = {2 * self.max_period}")
        if not 1 <= self.chunk <= MAX_CHUNK:
            raise SweepError(f"chunk: must be between 1 and {MAX_CHUNK:,}, got {self.chunk}")
        if not (math.isfinite(self.horizon) and self.horizon > 0):
            raise SweepError(f"horizon: must be finite and > 0, got {self.horizon}")

    # -- construction ----------------------------------------------------------------------------
    @classmethod
    def from_map(cls, F, axes: Iterable[Axis], fixed: Mapping[str, float] | None = None,
                 **options) -> SweepDefinition:
        """Build a definition from a :class:`theory.SymbolicMap` (named after the map unless
        ``name=`` is given).

        Examples
        --------
        >>> from theory import gd_map
        >>> F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
        >>> d = SweepDefinition.from_map(F, [Axis("mu", 0.1, 1.0, 4), Axis("a", -2, 2, 3)],
        ...                              {"b": 0.5}, steps=100, chunk=5)
        >>> d.shape, d.n_orbits, d.n_chunks
        ((4, 3), 12, 3)
        """
        import sympy as sp

        return cls(
            name=options.pop("name", F.name),
            state=tuple(s.name for s in F.state),
            params=tuple(p.name for p in F.params),
            update=tuple(sp.sstr(u) for u in F.update),
            axes=tuple(axes),
            fixed={str(k): float(v) for k, v in dict(fixed or {}).items()},
            loss=None if F.loss is None else sp.sstr(F.loss),
            positive=tuple(p.name for p in F.params if p.is_positive),
            **options,
        )

    def symbolic_map(self):
        """Rebuild the SymbolicMap from the stored strings (strict parser, no eval)."""
        import sympy as sp

        from theory.maps import SymbolicMap
        from theory.parse import parse_expression

        table = {n: sp.Symbol(n, real=True) for n in self.state}
        table |= {n: sp.Symbol(n, positive=True) if n in self.positive else sp.Symbol(n, real=True)
                  for n in self.params}
        update = [parse_expression(u, table, "update") for u in self.update]
        loss = parse_expression(self.loss, table, "loss") if self.loss else None
        return SymbolicMap([table[n] for n in self.state], update,
                           [table[n] for n in self.params], name=self.name, loss=loss)

    # -- geometry --------------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(a.n for a in self.axes)

    @property
    def n_orbits(self) -> int:
        return math.prod(self.shape)

    @property
    def n_chunks(self) -> int:
        return -(-self.n_orbits // self.chunk)

    def to_json(self) -> dict:
        return {
            "format": FORMAT_VERSION,
            "name": self.name,
            "state": list(self.state),
            "params": list(self.params),
            "positive": list(self.positive),
            "update": list(self.update),
            "loss": self.loss,
            "axes": [[a.name, a.lo, a.hi, a.n] for a in self.axes],
            "fixed": dict(sorted(self.fixed.items())),
            "steps": self.steps,
            "record": list(self.record),
            "chunk": self.chunk,
            "horizon": self.horizon,
            "max_period": self.max_period,
            "tol": self.tol,
            "seed": self.seed,
        }

    @classmethod
    def from_json(cls, data: Mapping) -> SweepDefinition:
        data = dict(data)
        if data.pop("format", None) != FORMAT_VERSION:
            raise SweepError("sweep.json: unknown format version")
        axes = tuple(Axis(n, lo, hi, k) for n, lo, hi, k in data.pop("axes"))
        tuples = {k: tuple(data.pop(k)) for k in ("state", "params", "positive", "update",
                                                    "record")}
        return cls(axes=axes, **tuples, **data)

    def digest(self) -> str:
        text = json.dumps(self.to_json(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()

    def points(self, lo: int, hi: int) -> dict[str, np.ndarray]:
        """Values of every parameter and state variable for flat orbits ``[lo, hi)``."""
        flat = np.arange(lo, hi, dtype=np.int64)
        idx = np.unravel_index(flat, self.shape) if self.axes else ()
        out = {a.name: a.values()[i] for a, i in zip(self.axes, idx, strict=True)}
        for nm, value in self.fixed.items():
            out[nm] = np.full(hi - lo, float(value))
        return out


# -- one chunk ----------------------------------------------------------------------------------
def _legend(definition: SweepDefinition) -> dict[int, str]:
    """The label legend (fixed by the definition, identical for every chunk)."""
    from numerics.basins import BOUNDED, CONVERGED, DIVERGED

    legend = {DIVERGED: "diverged", BOUNDED: "bounded", CONVERGED: "converged"}
    for p in range(2, definition.max_period + 1):
        legend[CONVERGED + p - 1] = f"period {p}"
    return legend


def compute_chunk(definition: SweepDefinition, index: int, K=None) -> dict[str, np.ndarray]:
    """The recorded fields of chunk ``index`` (pure: no I/O)."""
    lo = index * definition.chunk
    hi = min(definition.n_orbits, lo + definition.chunk)
    if K is None:
        K = compile_map(definition.symbolic_map())
    pts = definition.points(lo, hi)
    starts = np.stack([pts[s] for s in definition.state], axis=1)
    params = {p: pts[p] for p in definition.params}
    out: dict[str, np.ndarray] = {}
    if {"label", "diverge_step", "final", "loss"} & set(definition.record):
        lab = classify_points(K, starts, params, definition.steps,
                              max_period=definition.max_period, tol=definition.tol,
                              horizon=definition.horizon)
        if lab.legend != _legend(definition):  # the store's legend must describe every chunk
            raise RuntimeError(f"label legend changed: {lab.legend}")
        final = lab.final
        out["label"] = lab.labels
        out["diverge_step"] = lab.diverge_step
    if "final" in definition.record:
        out["final"] = final
    if "lyapunov" in definition.record:
        le = lyapunov(K, None, None, starts, definition.steps,
                      transient=definition.steps // 10, other_params=params,
                      horizon=definition.horizon)
        out["lyapunov"] = np.where(le.diverged, 0.0, le.exponents)
    if "loss" in definition.record:
        out["loss"] = _loss_values(definition, final, params)
    return {k: np.ascontiguousarray(out[k]) for k in definition.record}


def _loss_values(definition: SweepDefinition, final: np.ndarray,
                 params: Mapping[str, np.ndarray]) -> np.ndarray:
    import sympy as sp

    F = definition.symbolic_map()
    fn = sp.lambdify(F.state + F.params, F.loss, "numpy")
    # a diverged orbit's last state can overflow the loss: inf (or nan) is its value, not news
    with np.errstate(over="ignore", invalid="ignore"):
        values = fn(*final.T, *(params[p.name] for p in F.params))
    return np.broadcast_to(np.asarray(values, dtype=np.float64), (len(final),)).copy()


def _chunk_dir(store: Path, index: int) -> Path:
    return store / "chunks" / f"c{index:06d}"


def _write_chunk(store: Path, index: int, fields: Mapping[str, np.ndarray]) -> None:
    """Write a chunk's fields under a temporary name and rename it into place (atomic)."""
    final = _chunk_dir(store, index)
    tmp = Path(tempfile.mkdtemp(prefix=tmp_prefix(f"c{index:06d}"), dir=store / "chunks"))
    try:
        for name, arr in fields.items():
            np.save(tmp / f"{name}.npy", arr, allow_pickle=False)
        publish(tmp)
        try:
            os.rename(tmp, final)
        except OSError:
            if not final.is_dir():  # another runner finished it first: identical content
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


_WORKER_KERNELS: dict = {}


def run_chunk(definition_json: str, store: str, index: int, numba_threads: int = 0) -> dict:
    """Compute and store one chunk; returns its label counts. Importable by Dask workers."""
    if numba_threads:
        import numba

        numba.set_num_threads(numba_threads)
    definition = SweepDefinition.from_json(json.loads(definition_json))
    digest = definition.digest()
    if digest not in _WORKER_KERNELS:  # rebuild and load the kernels once per worker process
        _WORKER_KERNELS[digest] = compile_map(definition.symbolic_map())
    fields = compute_chunk(definition, index, _WORKER_KERNELS[digest])
    _write_chunk(Path(store), index, fields)
    return _counts(fields)


def _counts(fields: Mapping[str, np.ndarray]) -> dict[int, int]:
    if "label" not in fields:
        return {}
    codes, num = np.unique(fields["label"], return_counts=True)
    return {int(c): int(k) for c, k in zip(codes, num, strict=True)}


# -- the store ------------------------------------------------------------------------------------
class SweepStore:
    """A sweep's directory: its definition, which chunks are done, and their data.

    Examples
    --------
    >>> import tempfile
    >>> from theory import gd_map
    >>> F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    >>> d = SweepDefinition.from_map(F, [Axis("a", -3, 3, 4)], {"b": 0.5, "mu": 0.5}, steps=100)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     summary = run_sweep(d, tmp + "/s", progress=False)
    ...     SweepStore(tmp + "/s").load("label").tolist()
    [0, 2, 2, 0]
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        meta = self.path / "sweep.json"
        if not meta.is_file():
            raise SweepError(f"store {self.path}: no sweep.json (not a dynverify sweep store)")
        try:
            self.meta = json.loads(meta.read_text())
            self.definition = SweepDefinition.from_json(self.meta["definition"])
            self.legend = {int(k): v for k, v in self.meta["legend"].items()}
        except SweepError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SweepError(f"store {self.path}: sweep.json is damaged ({type(exc).__name__}: "
                             f"{exc})") from None

    def done(self) -> list[int]:
        """Indices of the chunks present."""
        root = self.path / "chunks"
        return sorted(int(p.name[1:]) for p in root.iterdir()
                      if p.is_dir() and p.name.startswith("c")) if root.is_dir() else []

    @property
    def complete(self) -> bool:
        return len(self.done()) == self.definition.n_chunks

    def load(self, name: str) -> np.ndarray:
        """The whole field, reshaped to the grid (``final`` gets a trailing state axis)."""
        d = self.definition
        if name not in d.record:
            raise SweepError(f"field {name!r} was not recorded (recorded: {', '.join(d.record)})")
        if not self.complete:
            raise SweepError(f"store {self.path}: {len(self.done())}/{d.n_chunks} chunks done")
        parts = [np.load(_chunk_dir(self.path, i) / f"{name}.npy") for i in range(d.n_chunks)]
        arr = np.concatenate(parts, axis=0)
        return arr.reshape(*d.shape, *arr.shape[1:])


def _prepare_store(definition: SweepDefinition, path: Path) -> None:
    """Create the store, or check that an existing one holds this very sweep."""
    meta = {"definition": definition.to_json(), "digest": definition.digest(),
            "legend": {str(k): v for k, v in _legend(definition).items()},
            "shape": list(definition.shape), "layout": LAYOUT}
    target = path / "sweep.json"
    if target.exists():
        try:
            old = json.loads(target.read_text())
        except (OSError, json.JSONDecodeError):
            raise SweepError(f"store {path}: unreadable sweep.json") from None
        if old.get("digest") != meta["digest"]:
            theirs = str(old.get("digest"))[:12]
            raise SweepError(f"store {path} holds another sweep (digest {theirs}, this one "
                             f"{meta['digest'][:12]}); choose a new --store")
        return
    if path.exists() and any(path.iterdir()):
        raise SweepError(f"store {path}: exists, is not empty and is not a sweep store")
    (path / "chunks").mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path, prefix=tmp_prefix("sweep"))
    with os.fdopen(fd, "w") as fh:
        json.dump(meta, fh, indent=2, sort_keys=True)
    publish(tmp)
    os.replace(tmp, target)


@dataclass
class SweepSummary:
    """What a run did: chunks computed now and before, label fractions, elapsed time."""

    store: str
    n_orbits: int
    n_chunks: int
    computed: int
    skipped: int
    seconds: float
    label_fractions: dict[str, float]

    @property
    def orbits_per_second(self) -> float:
        done = self.computed * (self.n_orbits / max(self.n_chunks, 1))
        return done / self.seconds if self.seconds > 0 else math.inf


def run_sweep(definition: SweepDefinition, store: str | os.PathLike, *, client=None,
              scheduler: str | None = None, workers: int | None = None,
              progress: bool | Callable[[int, int], None] = True,
              max_in_flight: int | None = None,
              no_worker_timeout: float = 60.0) -> SweepSummary:
    """Run (or resume) a sweep into ``store``.

    Parameters
    ----------
    definition : what to sweep (:class:`SweepDefinition`).
    store : directory of the results (created; an existing store must hold the same sweep).
    client : a ``distributed.Client`` to send chunks to; or ``scheduler`` an address to connect
        to; or ``workers`` N to start a local cluster of N single-threaded worker processes on
        loopback. None of them: chunks run in this process on Numba's threads.
    progress : a rich progress bar on stderr (chunks, orbits/s, ETA), ``False``, or a callable
        ``(done, total)``.
    max_in_flight : chunks submitted to Dask at once (default twice the worker threads), which
        bounds memory however large the sweep.
    no_worker_timeout : seconds a Dask cluster may go without any worker before the sweep stops
        with :class:`SweepError` (finished chunks are kept; rerunning resumes), instead of
        waiting forever for a worker that died.
    """
    path = Path(store)
    if sum(x is not None for x in (client, scheduler, workers)) > 1:
        raise SweepError("give at most one of client, scheduler, workers")
    if workers is not None and workers < 1:
        raise SweepError(f"workers: must be >= 1, got {workers}")
    if not no_worker_timeout > 0:
        raise SweepError(f"no_worker_timeout: must be > 0 seconds, got {no_worker_timeout}")
    own_cluster = None
    if scheduler is not None:
        client = _connect(scheduler)
        own_cluster = client
    elif workers is not None:
        client = _local_cluster(workers)
        own_cluster = client
    try:
        _prepare_store(definition, path)
        # temporary chunks of runs that were killed (their process is gone) are left-overs
        remove_stale(path / "chunks")
        remove_stale(path)
        return _run(definition, path, client, progress, max_in_flight, no_worker_timeout)
    finally:
        if own_cluster is not None:
            cluster = getattr(own_cluster, "cluster", None)
            own_cluster.close()
            if cluster is not None and workers is not None:
                cluster.close()


def _connect(address: str):
    try:
        from distributed import Client
    except ImportError:
        raise SweepError("scheduler: install the 'dist' extra (dask[distributed])") from None
    try:
        return Client(address, timeout="5s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise SweepError(f"scheduler {address!r} unreachable: {type(exc).__name__}") from None


def _local_cluster(workers: int):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise SweepError("workers: install the 'dist' extra (dask[distributed])") from None
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    return Client(cluster)


def _run(definition: SweepDefinition, path: Path, client, progress, max_in_flight,
         no_worker_timeout):
    todo = sorted(set(range(definition.n_chunks)) - set(SweepStore(path).done()))
    skipped = definition.n_chunks - len(todo)
    counts: dict[int, int] = {}
    start = time.perf_counter()
    report = _progress(progress, definition, skipped)
    try:
        if client is None:
            K = compile_map(definition.symbolic_map())
            for index in todo:
                fields = compute_chunk(definition, index, K)
                _write_chunk(path, index, fields)
                _merge(counts, _counts(fields))
                report(1)
        else:
            _run_on_dask(definition, path, client, todo, counts, report, max_in_flight,
                         no_worker_timeout)
    finally:
        report(None)
    seconds = time.perf_counter() - start
    legend = _legend(definition)
    total = sum(counts.values())
    fractions = {legend[c]: k / total for c, k in sorted(counts.items())} if total else {}
    return SweepSummary(str(path), definition.n_orbits, definition.n_chunks, len(todo), skipped,
                        seconds, fractions)


def _run_on_dask(definition, path, client, todo, counts, report, max_in_flight,
                 no_worker_timeout):
    from distributed import wait
    from distributed.scheduler import KilledWorker

    text = json.dumps(definition.to_json(), sort_keys=True)
    threads = sum(client.nthreads().values()) or 1
    limit = max_in_flight or 2 * threads
    pending = iter(todo)

    def submit(i):
        return client.submit(run_chunk, text, str(path.resolve()), i, 1, pure=False)

    running = {submit(i): i for i in _take(pending, limit)}
    alone_since = None  # when the cluster was last seen without workers
    while running:
        # wake up now and then to look at the cluster: with no worker left (the sole one died
        # and nothing restarts it) the futures would wait forever
        try:
            done, _ = wait(list(running), timeout=_WATCH_SECONDS, return_when="FIRST_COMPLETED")
        except TimeoutError:  # nothing finished within the interval
            done = set()
        for fut in done:
            index = running.pop(fut)
            try:
                _merge(counts, fut.result())
            except KilledWorker:
                _cancel(client, running)
                raise SweepError(f"chunk {index} killed its Dask worker repeatedly (out of "
                                 "memory?); finished chunks are kept, rerun to resume") from None
            report(1)
            running.update({submit(i): i for i in _take(pending, 1)})
        if done or client.nthreads():
            alone_since = None
        elif alone_since is None:
            alone_since = time.monotonic()
        elif time.monotonic() - alone_since > no_worker_timeout:
            _cancel(client, running)
            raise SweepError(f"no Dask worker for {no_worker_timeout:g} s with "
                             f"{len(running) + len(list(pending))} chunk(s) left; finished chunks "
                             "are kept, rerun with workers to resume")


#: how often (seconds) a Dask sweep looks for workers while it waits
_WATCH_SECONDS = 1.0


def _cancel(client, futures) -> None:
    with contextlib.suppress(Exception):  # best effort: the cluster may be gone
        client.cancel(list(futures))


def _take(it, n: int) -> list:
    out = []
    for _ in range(n):
        try:
            out.append(next(it))
        except StopIteration:
            break
    return out


def _merge(into: dict[int, int], more: Mapping[int, int]) -> None:
    for k, v in more.items():
        into[k] = into.get(k, 0) + v


def _progress(progress, definition: SweepDefinition, skipped: int):
    """A callback ``report(k)`` advancing by k chunks; ``report(None)`` closes it."""
    total = definition.n_chunks
    if callable(progress):
        state = {"done": skipped}

        def report(k):
            if k is not None:
                state["done"] += k
                progress(state["done"], total)
        return report
    if not progress:
        return lambda k: None
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    per_chunk = definition.n_orbits / max(total, 1)
    console = Console(stderr=True)  # stdout carries only the answer; no bar unless on a terminal
    bar = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("{task.fields[rate]}"), TimeRemainingColumn(),
                   transient=False, console=console, disable=not console.is_terminal)
    task = bar.add_task("sweep", total=total, completed=skipped, rate="")
    bar.start()
    t0 = time.perf_counter()
    state = {"new": 0}

    def report(k):
        if k is None:
            bar.stop()
            return
        state["new"] += k
        rate = state["new"] * per_chunk / max(time.perf_counter() - t0, 1e-9)
        bar.update(task, advance=k, rate=f"{rate:,.0f} orbits/s")
    return report

