"""Scaling of chunked sweeps (a benchmark, not a test).

Runs one compute-bound two-factor sweep (a grid over mu x a x b, labels only) three ways and
prints orbits per second and the ratios measured in this one run:

* ``in_process``  -- chunks in this process on Numba's threads (the default of ``run_sweep``),
  and ``in_process_1_thread`` on one thread: their ratio is this machine's own two-core scaling;
* ``dask_1``      -- a local Dask cluster of 1 single-threaded worker process on loopback;
* ``dask_2``      -- the same with 2 workers (the scaling goal: ``dask_2 / dask_1 >= 1.7``).

With ``--big N`` it also runs an N-orbit in-process sweep and reports orbits/s and the peak
resident memory of this process (the store is written to a temporary directory and removed), to
show that memory stays bounded by a few chunks however large the sweep.

    python benchmarks/bench_sweeps.py --json
    python benchmarks/bench_sweeps.py --big 100000000 --steps 1000
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numba
from distributed import Client, LocalCluster

from numerics.sweeps import Axis, SweepDefinition, run_sweep
from theory import gd_map


def definition(n_side: int, steps: int, chunk: int) -> SweepDefinition:
    F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    axes = [Axis("mu", 0.05, 1.95, n_side), Axis("a", -3.0, 3.0, n_side),
            Axis("b", -3.0, 3.0, n_side)]
    return SweepDefinition.from_map(F, axes, {}, steps=steps, chunk=chunk, record=("label",))


def timed(d: SweepDefinition, **where) -> float:
    root = Path(tempfile.mkdtemp(prefix="dv-bench-"))
    try:
        t0 = time.perf_counter()
        run_sweep(d, root / "store", progress=False, **where)
        return time.perf_counter() - t0
    finally:
        shutil.rmtree(root)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--side", type=int, default=64, help="grid points per axis (side**3 orbits)")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--chunk", type=int, default=16384)
    ap.add_argument("--big", type=int, default=0, help="orbits of the large in-process sweep")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    d = definition(args.side, args.steps, args.chunk)
    timed(definition(4, 20, 16))  # compile / load the kernels once
    n = d.n_orbits
    out = {"orbits": n, "steps": args.steps, "chunk": args.chunk}
    out["in_process"] = n / timed(d)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)  # the machine's own two-core scaling, for comparison
    out["in_process_1_thread"] = n / timed(d)
    numba.set_num_threads(threads)
    out["in_process_over_1_thread"] = out["in_process"] / out["in_process_1_thread"]
    for workers in (1, 2):
        # time the sweep, not the cluster's start: workers are started and have loaded the
        # kernels (a small sweep of the same map) before the clock starts
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          host="127.0.0.1", dashboard_address=None) as cluster, \
                Client(cluster) as client:
            timed(definition(4, 20, 16), client=client)
            out[f"dask_{workers}"] = n / timed(d, client=client)
    out["dask_2_over_1"] = out["dask_2"] / out["dask_1"]
    if args.big:
        side = round(args.big ** (1 / 3))
        big = definition(side, args.steps, 1 << 18)
        t = timed(big)
        out["big_orbits"] = big.n_orbits
        out["big_orbits_per_s"] = big.n_orbits / t
        out["big_seconds"] = t
        out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if args.json:
        print(json.dumps(out, indent=2, sort_keys=True))
    else:
        for key, value in out.items():
            print(f"{key:>18}: {value:,.3f}" if isinstance(value, float) else
                  f"{key:>18}: {value}")
    return out


if __name__ == "__main__":
    main()
