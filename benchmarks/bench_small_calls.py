"""Per-call cost of small kernel calls (a benchmark, not a test).

Property tests and Newton loops call the kernels many times on a few points, so what counts there
is the cost of one call, not the throughput. Measured after compilation, on the two-factor map
``F_mu(a, b) = (a - mu b (ab - 1), b - mu a (ab - 1))``:

* ``iterate``  -- :meth:`numerics.CompiledMap.iterate` on 64 orbits x 100 steps;
* ``step``     -- :meth:`numerics.CompiledMap.step` at one point;
* ``jacobian`` -- :meth:`numerics.CompiledMap.jacobian` at one point;
* ``lyapunov`` -- :func:`numerics.lyapunov` for 8 parameter values x 200 steps;

each through the public call (small batches take the serial kernels) and, for comparison, the
parallel kernel called directly on the same prepared arrays (what every call paid before the
serial path: waking the worker threads). Prints the median and the fastest of ``--calls`` calls in
microseconds; ``--json`` prints them as one JSON object. ``--cascade`` adds the wall time of one
logistic-map period-doubling cascade to period 256 (:func:`numerics.period_doubling_cascade`,
9 levels: many small Newton calls of :func:`numerics.periodic_orbits`).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from numerics import compile_map, lyapunov, period_doubling_cascade
from numerics.codegen import kernel_horizon
from theory import SymbolicMap, gd_map


def _per_call(fn, calls: int) -> dict:
    fn()
    times = np.empty(calls)
    for i in range(calls):
        t0 = time.perf_counter()
        fn()
        times[i] = time.perf_counter() - t0
    return {"median_us": float(np.median(times) * 1e6), "min_us": float(times.min() * 1e6)}


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--calls", type=int, default=300)
    ap.add_argument("--cascade", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    K = compile_map(gd_map("(a*b - 1)**2/2", params="a b", step="mu"))
    rng = np.random.default_rng(0)
    X = rng.uniform(0.2, 1.8, (64, 2))
    mu = rng.uniform(0.05, 0.6, 64)
    x1 = X[0]
    H = kernel_horizon(1e6)
    out, dstep, R = np.empty_like(X), np.empty(64, np.int64), np.empty((64, 0, 2))
    P = mu[None, :].copy()
    Xt, P1 = np.ascontiguousarray(x1[:, None]), np.array([[0.3]])
    o1, j1 = np.empty((2, 1)), np.empty((2, 2, 1))
    mus = np.linspace(0.1, 0.8, 8)

    res = {
        "iterate_64x100": _per_call(lambda: K.iterate(X, {"mu": mu}, 100), args.calls),
        "iterate_64x100_parallel_kernel": _per_call(
            lambda: K.module.iterate(X, P, 100, H, 64, R, 100, out, dstep), args.calls),
        "step_1": _per_call(lambda: K.step(x1, {"mu": 0.3}), args.calls),
        "step_1_parallel_kernel": _per_call(lambda: K.module.step_many(Xt, P1, o1), args.calls),
        "jacobian_1": _per_call(lambda: K.jacobian(x1, {"mu": 0.3}), args.calls),
        "jacobian_1_parallel_kernel": _per_call(lambda: K.module.jacobian_many(Xt, P1, j1),
                                                args.calls),
        "lyapunov_8x200": _per_call(
            lambda: lyapunov(K, "mu", mus, x0=(1.7, 0.2), steps=200, transient=0), args.calls),
    }
    if args.cascade:
        x, r = sp.symbols("x r", real=True)
        logistic = SymbolicMap((x,), (r * x * (1 - x),), params=(r,), name="logistic")
        period_doubling_cascade(logistic, "r", near=(3.0, 3.45), levels=2, box=(0.05, 0.95))
        t0 = time.perf_counter()
        period_doubling_cascade(logistic, "r", near=(3.0, 3.45), levels=9, box=(0.05, 0.95))
        res["cascade_to_period_256_s"] = time.perf_counter() - t0
    if args.json:
        print(json.dumps(res))
    else:
        for name, r in res.items():
            if isinstance(r, float):
                print(f"{name:>32s}: {r:.2f} s")
            else:
                print(f"{name:>32s}: median {r['median_us']:9.1f} us, "
                      f"fastest {r['min_us']:9.1f} us")
    return res


if __name__ == "__main__":
    main()
