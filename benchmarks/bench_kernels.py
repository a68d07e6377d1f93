"""Throughput of the generated kernels against baselines (a benchmark, not a test).

Map-iterations per second (one orbit advanced by one step = one iteration) for the two-factor map
``F_mu(a, b) = (a - mu b (ab - 1), b - mu a (ab - 1))`` with per-orbit ``mu`` and divergence
tracking, computed by

* ``generated``  -- :meth:`numerics.CompiledMap.iterate` (kernel generated from the SymPy map);
* ``per_orbit``  -- a hand-written ``@njit(parallel=True)`` loop, one orbit per ``prange`` item,
  time loop inside, stopping at divergence;
* ``numpy``      -- a NumPy loop over time, vectorized over orbits;
* ``fma_limit``  -- the rate this machine's FMA units allow for this map: a microkernel measures
  the peak FMA throughput (vector ``llvm.fma`` on independent register accumulators, all threads),
  divided by the map's 8 floating-point operations a step (5 multiplies + 3 adds, each occupying an
  FMA-unit slot since nothing is fused without fastmath);

and the two jobs users compare with other packages: an orbit diagram of the cubic slice (10^4
values of mu in (0, 2.2), 1000 transient + 200 recorded steps) and a Lyapunov grid (10^4 values x
10^4 steps). Run ``python benchmarks/bench_kernels.py --orbits 262144 --steps 200`` for a quick
look; ``--json`` prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numba
import numpy as np
import sympy as sp
from llvmlite import ir
from numba import njit, prange, types
from numba.core import cgutils
from numba.extending import intrinsic

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from numerics import compile_map, lyapunov, orbit_diagram
from numerics.codegen import DEFAULT_CHUNK
from theory import SymbolicMap, gd_map

HORIZON = 1e6
OPS_PER_STEP = 8  # 5 multiplies + 3 adds


# -- FMA peak --------------------------------------------------------------------------------------
def _fma_burner(width: int, nacc: int):
    @intrinsic
    def burn(typingctx, n, seed):
        sig = types.float64(types.int64, types.float64)

        def codegen(context, builder, signature, args):
            nval, s = args
            vt = ir.VectorType(ir.DoubleType(), width)
            fma = cgutils.get_or_insert_function(
                builder.module, ir.FunctionType(vt, [vt, vt, vt]), f"llvm.fma.v{width}f64")
            i64, i32 = ir.IntType(64), ir.IntType(32)
            pre = builder.block
            loop = builder.append_basic_block("burn.loop")
            after = builder.append_basic_block("burn.after")
            sv = builder.insert_element(ir.Constant(vt, ir.Undefined), s, ir.Constant(i32, 0))
            sv = builder.shuffle_vector(sv, ir.Constant(vt, ir.Undefined),
                                        ir.Constant(ir.VectorType(i32, width), [0] * width))
            inits = [builder.fadd(sv, ir.Constant(vt, [float(k)] * width)) for k in range(nacc)]
            mul = ir.Constant(vt, [0.9999999] * width)
            add = ir.Constant(vt, [1e-7] * width)
            builder.branch(loop)
            builder.position_at_end(loop)
            i = builder.phi(i64)
            accs = [builder.phi(vt) for _ in range(nacc)]
            new = [builder.call(fma, [a, mul, add]) for a in accs]
            inext = builder.add(i, ir.Constant(i64, 1))
            i.add_incoming(ir.Constant(i64, 0), pre)
            i.add_incoming(inext, loop)
            for a, a0, a1 in zip(accs, inits, new, strict=True):
                a.add_incoming(a0, pre)
                a.add_incoming(a1, loop)
            builder.cbranch(builder.icmp_signed("<", inext, nval), loop, after)
            builder.position_at_end(after)
            tot = new[0]
            for v in new[1:]:
                tot = builder.fadd(tot, v)
            return builder.extract_element(tot, ir.Constant(i32, 0))

        return sig, codegen

    @njit(parallel=True)
    def run(tasks, n):
        out = np.zeros(tasks)
        for c in prange(tasks):
            out[c] = burn(n, 1.0 + c)
        return out

    return run


def fma_peak(seconds: float = 0.5) -> float:
    """Peak FMA lane-operations per second on all threads (best of a few register layouts)."""
    threads = numba.get_num_threads()
    best = 0.0
    for width, nacc in ((4, 8), (4, 12), (8, 6), (8, 8)):
        run = _fma_burner(width, nacc)
        run(threads, 10)
        n = 1_000_000
        t = _best(lambda run=run, n=n: run(threads, n))
        n = max(n, int(n * seconds / max(t, 1e-6)))
        t = _best(lambda run=run, n=n: run(threads, n))
        best = max(best, threads * n * width * nacc / t)
    return best


# -- baselines ------------------------------------------------------------------------------
@njit(parallel=True, error_model="numpy")
def per_orbit(A, B, M, steps, H):
    """One orbit per prange item, time loop inside, stop at divergence (same labels)."""
    n = A.shape[0]
    dstep = np.full(n, -1)
    for i in prange(n):
        a = A[i]
        b = B[i]
        mu = M[i]
        for t in range(steps):
            e = mu * (a * b - 1.0)
            na = a - b * e
            nb = b - a * e
            if not (abs(na) <= H and abs(nb) <= H):
                dstep[i] = t + 1
                break
            a = na
            b = nb
        A[i] = a
        B[i] = b
    return dstep


def numpy_loop(A, B, M, steps, H):
    alive = np.ones(A.shape, dtype=bool)
    dstep = np.full(A.shape, -1)
    with np.errstate(all="ignore"):
        for t in range(steps):
            e = M * (A * B - 1.0)
            na = A - B * e
            nb = B - A * e
            ok = (np.abs(na) <= H) & (np.abs(nb) <= H)
            newly = alive & ~ok
            dstep[newly] = t + 1
            alive &= ok
            A = np.where(alive, na, A)
            B = np.where(alive, nb, B)
    return A, B, dstep


def _best(fn, reps: int = 3) -> float:
    best = np.inf
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--orbits", type=int, default=1_000_000)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--numpy-orbits", type=int, default=None,
                    help="orbits for the (slow) NumPy baseline (default: orbits // 8)")
    ap.add_argument("--diagram-values", type=int, default=10_000)
    ap.add_argument("--lyapunov-values", type=int, default=10_000)
    ap.add_argument("--lyapunov-steps", type=int, default=10_000)
    ap.add_argument("--chunk", type=int, default=DEFAULT_CHUNK,
                    help=f"orbits per parallel task (default: the library's, {DEFAULT_CHUNK})")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    rng = np.random.default_rng(0)
    n, steps = args.orbits, args.steps
    A0 = rng.uniform(0.2, 1.8, n)
    B0 = rng.uniform(0.2, 1.8, n)
    mu = rng.uniform(0.05, 0.6, n)
    K = compile_map(gd_map("(a*b - 1)**2/2", params="a b", step="mu"))
    X0 = np.stack([A0, B0], axis=1)

    K.iterate(X0[:1000], {"mu": mu[:1000]}, 2, chunk=args.chunk)      # compile / load
    t_gen = _best(lambda: K.iterate(X0, {"mu": mu}, steps, chunk=args.chunk))
    per_orbit(A0[:100].copy(), B0[:100].copy(), mu[:100], 2, HORIZON)
    t_po = _best(lambda: per_orbit(A0.copy(), B0.copy(), mu, steps, HORIZON))
    m = args.numpy_orbits or max(1, n // 8)
    t_np = _best(lambda: numpy_loop(A0[:m].copy(), B0[:m].copy(), mu[:m], steps, HORIZON), 1)
    peak = fma_peak()

    a, s = sp.symbols("a mu", real=True)
    cubic = compile_map(SymbolicMap((a,), ((1 + s) * a - s * a**3,), params=(s,), name="cubic"))
    vals = np.linspace(0, 2.2, args.diagram_values + 2)[1:-1]
    orbit_diagram(cubic, "mu", vals[:10], x0=0.3, transient=2, record=2)
    t_od = _best(lambda: orbit_diagram(cubic, "mu", vals, x0=0.3, transient=1000, record=200))
    lv = np.linspace(0, 2.2, args.lyapunov_values + 2)[1:-1]
    lyapunov(cubic, "mu", lv[:10], x0=0.3, steps=2, transient=0)
    t_ly = _best(lambda: lyapunov(cubic, "mu", lv, x0=0.3, steps=args.lyapunov_steps,
                                  transient=0), 1)

    res = {
        "generated": n * steps / t_gen,
        "per_orbit": n * steps / t_po,
        "numpy": m * steps / t_np,
        "fma_limit": peak / OPS_PER_STEP,
        "orbit_diagram": vals.size * 1200 / t_od,
        "lyapunov_grid": lv.size * args.lyapunov_steps / t_ly,
    }
    extra = {
        "fma_peak_lane_ops": peak,
        "generated_over_per_orbit": res["generated"] / res["per_orbit"],
        "generated_over_fma_limit": res["generated"] / res["fma_limit"],
        "threads": numba.get_num_threads(),
        "orbits": n,
        "steps": steps,
    }
    if args.json:
        print(json.dumps(res))
    else:
        for k, v in res.items():
            print(f"{k:>14s}: {v:10.3e} map-iterations/s")
        for k, v in extra.items():
            print(f"{k:>26s}: {v:.4g}" if isinstance(v, float) else f"{k:>26s}: {v}")
    return {**res, **extra}


if __name__ == "__main__":
    main()
