"""Throughput of the S6 selective-scan kernels: prompts per second, fast Numba kernel vs NumPy.

Configuration of issue 7: d = 5, N = 50, d_h = 8, ZOH, kappa = ln 2. Forward (prediction) and
forward + backward (loss and every gradient). The baseline is the NumPy implementation vectorised
over the batch (:func:`numerics.scan.predict_numpy`, :func:`numerics.scan.loss_grad_numpy`); the
goal is a speed-up of at least 10x. Numba compilation happens before timing (warm-up call).

Run: ``python benchmarks/bench_scan.py [--batch 65536] [--repeat 5] [--threads K]``.
"""

from __future__ import annotations

import argparse
import time

import numba
import numpy as np

from numerics import scan


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run(batch: int = 65536, repeat: int = 5, d: int = 5, N: int = 50, d_h: int = 8) -> dict:
    """Time the four implementations; return prompts/second and the speed-ups.

    Examples
    --------
    >>> r = run(batch=256, repeat=1)
    >>> sorted(r)[:3]
    ['backward_speedup', 'fast_forward', 'fast_forward_backward']
    """
    X, y, _ = scan.sample_prompts(batch, d, N, seed=0)
    p = scan.S6Params.gaussian(d, d_h, scale=0.3, seed=1)
    scan.predict(X[:8], p)  # compile / load from cache
    scan.loss_grad(X[:8], y[:8], p)
    fns = {
        "fast_forward": lambda: scan.predict(X, p),
        "numpy_forward": lambda: scan.predict_numpy(X, p),
        "fast_forward_backward": lambda: scan.loss_grad(X, y, p),
        "numpy_forward_backward": lambda: scan.loss_grad_numpy(X, y, p),
    }
    # `repeat` runs of each in a row (the first run after a NumPy call pays for OpenBLAS's worker
    # threads, which spin on both cores for a while after each matrix product), in two rounds
    # (the machine is shared: a burst of load then hits the fast kernel and its baseline alike);
    # the fastest run of each counts
    t = dict.fromkeys(fns, float("inf"))
    for _ in range(2):
        for name, fn in fns.items():
            t[name] = min(t[name], _best(fn, repeat))
    out = {k: batch / v for k, v in t.items()}
    out["forward_speedup"] = t["numpy_forward"] / t["fast_forward"]
    out["backward_speedup"] = t["numpy_forward_backward"] / t["fast_forward_backward"]
    out["threads"] = numba.get_num_threads()
    out["batch"] = batch
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=65536)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        numba.set_num_threads(args.threads)
    r = run(args.batch, args.repeat)
    print(f"S6 scan, d=5 N=50 d_h=8, batch {r['batch']}, {r['threads']} thread(s)")
    for name in ("fast_forward", "numpy_forward", "fast_forward_backward",
                 "numpy_forward_backward"):
        print(f"  {name:24s} {r[name]:14,.0f} prompts/s")
    print(f"  speed-up forward           {r['forward_speedup']:6.1f}x")
    print(f"  speed-up forward+backward  {r['backward_speedup']:6.1f}x")


if __name__ == "__main__":
    np.seterr(all="raise")
    main()
