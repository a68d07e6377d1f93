"""Chunked, resumable sweeps: identical stores in-process, on Dask, and after a kill + resume."""

import json
import math
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
import sympy as sp

from numerics.sweeps import Axis, SweepDefinition, SweepError, SweepStore, run_sweep
from theory import SymbolicMap, gd_map

FIELDS = ("label", "diverge_step", "final", "loss")


def two_factor_sweep(chunk=7, steps=200, n=(6, 5, 4)):
    F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    axes = [Axis("mu", 0.1, 1.9, n[0]), Axis("a", -3.0, 3.0, n[1]), Axis("b", -2.0, 2.5, n[2])]
    return SweepDefinition.from_map(F, axes, {}, steps=steps, chunk=chunk, record=FIELDS)


def load_all(path):
    store = SweepStore(path)
    return {f: store.load(f) for f in store.definition.record}


def assert_same_arrays(x, y):
    assert x.keys() == y.keys()
    for k in x:
        assert x[k].dtype == y[k].dtype
        assert x[k].tobytes() == y[k].tobytes(), k


def test_cubic_slice_escape_labels_match_the_exact_bounded_interval(tmp_path):
    a, mu = sp.symbols("a mu", real=True)
    g = SymbolicMap((a,), ((1 + mu) * a - mu * a**3,), params=(mu,), name="cubic")
    d = SweepDefinition.from_map(g, [Axis("mu", 0.2, 1.8, 9), Axis("a", -3.0, 3.0, 61)], {},
                                 steps=300, chunk=50, record=("label",))
    run_sweep(d, tmp_path / "s", progress=False)
    labels = SweepStore(tmp_path / "s").load("label")
    mus, starts = np.meshgrid(d.axes[0].values(), d.axes[1].values(), indexing="ij")
    outside = np.abs(starts) > np.sqrt(1 + 2 / mus) + 1e-12
    assert np.all(labels[outside] == 0)            # diverged
    inside_conv = (np.abs(starts) < np.sqrt(1 + 2 / mus) - 1e-9) & (mus < 1) & (starts != 0)
    assert np.all(labels[inside_conv] == 2)         # converged to +-1


def test_chunk_size_does_not_change_the_results(tmp_path):
    stores = []
    for chunk in (1, 7, 4096):
        path = tmp_path / f"c{chunk}"
        run_sweep(two_factor_sweep(chunk=chunk, n=(3, 4, 3)), path, progress=False)
        stores.append(load_all(path))
    assert_same_arrays(stores[0], stores[1])
    assert_same_arrays(stores[0], stores[2])


def test_loss_field_is_the_loss_at_the_final_state(tmp_path):
    d = two_factor_sweep(n=(3, 3, 3))
    run_sweep(d, tmp_path / "s", progress=False)
    data = load_all(tmp_path / "s")
    final = data["final"]
    expected = (final[..., 0] * final[..., 1] - 1) ** 2 / 2
    np.testing.assert_allclose(data["loss"], expected, rtol=1e-15, atol=0)


def test_rerun_skips_done_chunks_and_progress_counts(tmp_path):
    d = two_factor_sweep(n=(3, 3, 3))
    first = run_sweep(d, tmp_path / "s", progress=False)
    assert (first.computed, first.skipped) == (d.n_chunks, 0)
    assert math.isclose(sum(first.label_fractions.values()), 1.0)
    seen = []
    again = run_sweep(d, tmp_path / "s", progress=lambda done, total: seen.append((done, total)))
    assert (again.computed, again.skipped) == (0, d.n_chunks)
    assert seen == []


def test_store_with_another_definition_is_refused(tmp_path):
    run_sweep(two_factor_sweep(n=(2, 2, 2)), tmp_path / "s", progress=False)
    before = sorted(p.name for p in (tmp_path / "s" / "chunks").iterdir())
    with pytest.raises(SweepError, match="holds another sweep"):
        run_sweep(two_factor_sweep(n=(2, 2, 2), steps=300), tmp_path / "s", progress=False)
    assert sorted(p.name for p in (tmp_path / "s" / "chunks").iterdir()) == before


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Axis("mu", 0.0, 1.0, 0), "has 0 points"),
        (lambda: Axis("mu", 0.0, math.inf, 3), "must be finite"),
        (lambda: Axis.parse("mu=0:1"), "expected name=lo:hi:n"),
        (lambda: two_factor_sweep().__class__.from_map(
            gd_map("(a*b-1)**2/2", "a b", "mu"), [Axis("c", 0, 1, 2)], {"a": 1, "b": 1, "mu": 1}),
         "not a parameter or state"),
        (lambda: SweepDefinition.from_map(
            gd_map("(a*b-1)**2/2", "a b", "mu"), [Axis("a", 0, 1, 2)], {"b": 1}), "no value"),
        (lambda: SweepDefinition.from_map(
            gd_map("(a*b-1)**2/2", "a b", "mu"), [Axis("a", 0, 1, 2)], {"b": 1, "mu": math.nan}),
         "not finite"),
    ],
)
def test_bad_definitions_are_one_line_errors(make, message):
    with pytest.raises(SweepError, match=message) as info:
        make()
    assert "\n" not in str(info.value)


def test_unreachable_scheduler_writes_nothing(tmp_path):
    with pytest.raises(SweepError, match="unreachable"):
        run_sweep(two_factor_sweep(n=(2, 2, 2)), tmp_path / "s", scheduler="tcp://127.0.0.1:9",
                  progress=False)
    assert not (tmp_path / "s").exists()


def test_definition_round_trips_through_json():
    d = two_factor_sweep()
    again = SweepDefinition.from_json(json.loads(json.dumps(d.to_json())))
    assert again == d
    assert again.digest() == d.digest()
    F = again.symbolic_map()
    a, b = F.state
    assert sp.expand(F.update[0] - (a - F.params[0] * b * (a * b - 1))) == 0


KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    from tests_numerics_sweep_helper import definition
    from numerics.sweeps import run_sweep

    def tick(done, total):
        print(done, total, flush=True)
        time.sleep(0.05)

    run_sweep(definition(), sys.argv[1], progress=tick)
""")


def test_in_process_dask_and_killed_then_resumed_stores_are_identical(tmp_path):
    helper = tmp_path / "tests_numerics_sweep_helper.py"
    helper.write_text(textwrap.dedent("""
        from numerics.sweeps import Axis, SweepDefinition
        from theory import gd_map

        def definition():
            F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
            axes = [Axis("mu", 0.1, 1.9, 8), Axis("a", -3.0, 3.0, 10), Axis("b", -2.0, 2.5, 10)]
            return SweepDefinition.from_map(F, axes, {}, steps=200, chunk=40,
                                            record=("label", "diverge_step", "final", "loss"))
    """))
    sys.path.insert(0, str(tmp_path))
    try:
        from tests_numerics_sweep_helper import definition
    finally:
        sys.path.remove(str(tmp_path))
    d = definition()
    run_sweep(d, tmp_path / "inproc", progress=False)
    reference = load_all(tmp_path / "inproc")

    # killed with SIGKILL about half-way, then resumed
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.getcwd()])}
    script = tmp_path / "kill_me.py"
    script.write_text(KILL_SCRIPT)
    with subprocess.Popen([sys.executable, str(script), str(tmp_path / "killed")],
                          stdout=subprocess.PIPE, text=True, env=env) as proc:
        for line in proc.stdout:
            done, total = map(int, line.split())
            if done >= total // 2:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    n_before = len(SweepStore(tmp_path / "killed").done())
    assert 0 < n_before < d.n_chunks
    resumed = run_sweep(d, tmp_path / "killed", progress=False)
    assert (resumed.skipped, resumed.computed) == (n_before, d.n_chunks - n_before)
    assert_same_arrays(load_all(tmp_path / "killed"), reference)

    # a 2-worker local Dask cluster on loopback
    pytest.importorskip("distributed")
    run_sweep(d, tmp_path / "dask", workers=2, progress=False)
    assert_same_arrays(load_all(tmp_path / "dask"), reference)


def test_a_cluster_without_workers_stops_the_sweep_instead_of_hanging(tmp_path):
    """A sole worker that died (and nothing restarts) leaves the futures pending forever; the
    sweep must notice that no worker is left and stop with a one-line error, keeping the store."""
    distributed = pytest.importorskip("distributed")
    F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    d = SweepDefinition.from_map(F, [Axis("mu", 0.1, 1.9, 4), Axis("a", -1.0, 1.0, 4)],
                                 {"b": 0.5}, steps=20, chunk=4)
    cluster = distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=None)
    with cluster, distributed.Client(cluster) as client:
        start = time.monotonic()
        with pytest.raises(SweepError, match=r"no Dask worker for 2 s with 4 chunk\(s\) left"):
            run_sweep(d, tmp_path / "s", client=client, progress=False, no_worker_timeout=2.0)
        assert time.monotonic() - start < 30
    assert SweepStore(tmp_path / "s").done() == []
    with pytest.raises(SweepError, match="no_worker_timeout"):
        run_sweep(d, tmp_path / "t", no_worker_timeout=0)
