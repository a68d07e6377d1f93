"""Generated kernels against the hand-written best, job by job, in one process (a benchmark, not a
test).

Throughput in map-iterations per second (one orbit advanced by one step = one iteration) of six
jobs, each run twice on the same inputs: through the public API of :mod:`numerics` (kernels
generated from the SymPy map) and by the best hand-written Numba kernel for that job, kept here,
readable, and not in the package (the package's kernels are generated, never typed by hand). The
hand-written kernels mirror the generated expressions operation for operation, so both compute the
same floats; each job also reports how far the two answers are apart.

* ``iterate``           the two-factor map ``F_mu(a, b) = (a - mu b (ab - 1), b - mu a (ab - 1))``,
                        per-orbit ``mu``, divergence step and frozen state (best: lanes of 1024,
                        a divergence test per block of 64 steps, leavers replayed step by step);
* ``orbit_diagram_1d``  the cubic slice ``g(a) = (1 + mu) a - mu a^3`` over a grid of ``mu``, a
                        transient then recorded steps (best: lanes of 256, no per-step tests,
                        divergence read off the end state; both sides allocate their output,
                        whose writing bounds the recorded steps);
* ``orbit_diagram_2d``  the same for the two-factor map;
* ``lyapunov_1d``       the exponent of the cubic slice along the grid (best: the product of 8
                        derivatives, one log per 8 steps, no range guard);
* ``lyapunov_2d``       the largest exponent of the two-factor map, Benettin (best: the tangent
                        vector renormalised every 8 steps, no range guard);
* ``basins``            converged / bounded / diverged labels of a grid of starts of the
                        two-factor map (:func:`numerics.classify_points` with ``max_period=1``;
                        best: lanes of 1024, a divergence test per block of 64 steps).

``iterate_fma_fraction`` is the generated ``iterate`` against this machine's FMA limit for the map:
a microkernel measures the peak FMA throughput (vector ``llvm.fma`` on independent register
accumulators, all threads), divided by the map's 8 floating-point operations a step (5 multiplies
+ 3 adds, each occupying an FMA-unit slot since nothing is fused without fastmath; the generated
code shares ``mu (ab - 1)`` between the two coordinates and issues 7, so the FP ports are full at
8/7 = 1.14). ``iterate_kernel_fma_fraction`` is the same for the generated kernel called on
prepared arrays, without ``CompiledMap.iterate``'s per-call work.

The peak counts 512-bit FMAs where the CPU has them. LLVM's own tuning for AVX-512 cores prefers
256-bit vectors in loops; dynverify's kernels ask for 512-bit ones there
(:mod:`numerics.vector_width`), and the hand-written kernels here are compiled the same way, so
both sides run on the same lanes. ``DYNVERIFY_WIDE_VECTORS=0`` compares both at LLVM's own width.
The peak is measured between the iterate runs, the machine being shared.

``python benchmarks/bench_kernels.py --quick`` for a look in seconds; ``--json`` prints
``{"jobs": {JOB: {"generated": M/s, "best": M/s, "ratio": generated/best, ...}},
"iterate_fma_fraction": f, ...}`` (rates in millions of map-iterations per second).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numba
import numpy as np
import sympy as sp
from llvmlite import ir
from numba import prange, types
from numba.core import cgutils
from numba.extending import intrinsic

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from numerics import classify_points, compile_map, lyapunov, orbit_diagram
from numerics.vector_width import njit, wide_vectors
from theory import SymbolicMap, gd_map

HORIZON = 1e6
OPS_PER_STEP = 8  # 5 multiplies + 3 adds
LANES = 256        # orbits advanced together by the hand-written diagram / Lyapunov kernels
WIDE_LANES = 1024  # ... by the hand-written iterate / basins kernels
BLOCK = 64         # steps between divergence tests (hand-written iterate / basins)
LOG_EVERY = 8      # steps between logs / renormalisations (hand-written Lyapunov)


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


def fma_burners(seconds: float = 0.25) -> list:
    """``[(run, lane_operations)]``: FMA microkernels on all threads, one per register layout,
    each sized to run about ``seconds``."""
    threads = numba.get_num_threads()
    out = []
    for width, nacc in ((4, 8), (4, 12), (8, 6), (8, 8)):
        run = _fma_burner(width, nacc)
        run(threads, 10)
        n = 1_000_000
        t = _best(lambda run=run, n=n: run(threads, n))
        n = max(n, int(n * seconds / max(t, 1e-6)))
        out.append((lambda run=run, n=n: run(threads, n), threads * n * width * nacc))
    return out


def fma_peak(burners=None) -> float:
    """Peak FMA lane-operations per second on all threads (best of the register layouts)."""
    return max(ops / _best(run, 1) for run, ops in (burners or fma_burners(0.5)))


# -- the hand-written best kernels ---------------------------------------------------------------
# The map's formulas are typed here on purpose (a benchmark's baseline, not a path of the
# package), in exactly the generated operation order, so that both sides compute the same floats.
@njit(inline="always")
def _cubic(a, mu):
    return -mu * (a * a * a) + a * (mu + 1.0)


@njit(inline="always")
def _cubic_slope(a, mu):
    return -3.0 * mu * (a * a) + (mu + 1.0)


@njit(inline="always")
def _two_factor(a, b, mu):
    e = mu * (a * b - 1.0)
    return a - b * e, -a * e + b


@njit(parallel=True, error_model="numpy")
def best_iterate(A, B, M, steps, H, dstep):
    """Lanes of WIDE_LANES orbits; BLOCK steps without tests, then a lane beyond the horizon is
    replayed from the block's start step by step (its divergence step and frozen state exact)."""
    n = A.shape[0]
    for c in prange((n + WIDE_LANES - 1) // WIDE_LANES):
        lo = c * WIDE_LANES
        hi = min(n, lo + WIDE_LANES)
        a = A[lo:hi].copy()
        b = B[lo:hi].copy()
        mu = M[lo:hi].copy()
        a0 = np.empty_like(a)
        b0 = np.empty_like(b)
        dead = np.zeros(hi - lo, np.bool_)
        t = 0
        while t < steps:
            nb = min(BLOCK, steps - t)
            a0[:] = a
            b0[:] = b
            for _ in range(nb):
                for k in range(hi - lo):
                    a[k], b[k] = _two_factor(a[k], b[k], mu[k])
            for k in range(hi - lo):
                if dead[k]:
                    a[k] = a0[k]
                    b[k] = b0[k]
                elif not (abs(a[k]) <= H and abs(b[k]) <= H):
                    x, y = a0[k], b0[k]
                    for s in range(nb):
                        nx, ny = _two_factor(x, y, mu[k])
                        if not (abs(nx) <= H and abs(ny) <= H):
                            dead[k] = True
                            dstep[lo + k] = t + s + 1
                            break
                        x, y = nx, ny
                    a[k], b[k] = x, y
            t += nb
        A[lo:hi] = a
        B[lo:hi] = b


@njit(parallel=True, error_model="numpy")
def best_orbit_diagram_1d(mu, a0, transient, record, H, out):
    """Lanes of LANES values, no per-step tests; divergence read off the end state."""
    m = mu.size
    diverged = np.zeros(m, np.bool_)
    for c in prange((m + LANES - 1) // LANES):
        lo = c * LANES
        hi = min(m, lo + LANES)
        a = np.full(hi - lo, a0)
        p = mu[lo:hi].copy()
        for _ in range(transient):
            for k in range(hi - lo):
                a[k] = _cubic(a[k], p[k])
        for t in range(record):
            for k in range(hi - lo):
                a[k] = _cubic(a[k], p[k])
                out[lo + k, t] = a[k]
        for k in range(hi - lo):
            diverged[lo + k] = not abs(a[k]) <= H
    return diverged


@njit(parallel=True, error_model="numpy")
def best_orbit_diagram_2d(mu, a0, b0, transient, record, H, out):
    """The two-factor map in lanes of LANES values, as :func:`best_orbit_diagram_1d`."""
    m = mu.size
    diverged = np.zeros(m, np.bool_)
    for c in prange((m + LANES - 1) // LANES):
        lo = c * LANES
        hi = min(m, lo + LANES)
        a = np.full(hi - lo, a0)
        b = np.full(hi - lo, b0)
        p = mu[lo:hi].copy()
        for _ in range(transient):
            for k in range(hi - lo):
                a[k], b[k] = _two_factor(a[k], b[k], p[k])
        for t in range(record):
            for k in range(hi - lo):
                a[k], b[k] = _two_factor(a[k], b[k], p[k])
                out[lo + k, t, 0] = a[k]
                out[lo + k, t, 1] = b[k]
        for k in range(hi - lo):
            diverged[lo + k] = not (abs(a[k]) <= H and abs(b[k]) <= H)
    return diverged


@njit(parallel=True, error_model="numpy")
def best_lyapunov_1d(mu, a0, steps, out):
    """Lanes of LANES values; the product of LOG_EVERY derivatives, one log per LOG_EVERY steps
    (nothing guards the product's range or divergence: such lanes come out inf or nan)."""
    m = mu.size
    for c in prange((m + LANES - 1) // LANES):
        lo = c * LANES
        hi = min(m, lo + LANES)
        a = np.full(hi - lo, a0)
        p = mu[lo:hi].copy()
        s = np.zeros(hi - lo)
        prod = np.empty(hi - lo)
        for t in range(0, steps, LOG_EVERY):
            prod[:] = 1.0
            for _ in range(min(LOG_EVERY, steps - t)):
                for k in range(hi - lo):
                    prod[k] *= _cubic_slope(a[k], p[k])
                    a[k] = _cubic(a[k], p[k])
            for k in range(hi - lo):
                s[k] += math.log(abs(prod[k]))
        out[lo:hi] = s / steps


@njit(parallel=True, error_model="numpy")
def best_lyapunov_2d(mu, a0, b0, u0, v0, steps, out):
    """Benettin for the two-factor map in lanes of LANES values: the tangent vector multiplied by
    the Jacobians, renormalised (one sqrt, one log) every LOG_EVERY steps, no range guard."""
    m = mu.size
    for c in prange((m + LANES - 1) // LANES):
        lo = c * LANES
        hi = min(m, lo + LANES)
        a = np.full(hi - lo, a0)
        b = np.full(hi - lo, b0)
        u = np.full(hi - lo, u0)
        v = np.full(hi - lo, v0)
        p = mu[lo:hi].copy()
        s = np.zeros(hi - lo)
        for t in range(0, steps, LOG_EVERY):
            for _ in range(min(LOG_EVERY, steps - t)):
                for k in range(hi - lo):
                    x, y, q = a[k], b[k], p[k]
                    xy = x * y
                    e = q * (xy - 1.0)
                    off = -q * xy - e                      # the Jacobian's off-diagonal
                    nu = (-q * (y * y) + 1.0) * u[k] + off * v[k]
                    nv = off * u[k] + (-q * (x * x) + 1.0) * v[k]
                    u[k], v[k] = nu, nv
                    a[k], b[k] = x - y * e, -x * e + y
            for k in range(hi - lo):
                r = math.sqrt(u[k] * u[k] + v[k] * v[k])
                s[k] += math.log(r)
                u[k] /= r
                v[k] /= r
        out[lo:hi] = s / steps


@njit(parallel=True, error_model="numpy")
def best_basins(A, B, mu, steps, H, tol, labels):
    """Converged (2) / bounded (1) / diverged (0) after ``steps`` steps, in lanes of WIDE_LANES:
    a divergence test per BLOCK steps, the last step kept apart for the convergence test
    ``|x_T - x_{T-1}| <= tol * max(1, |x_{T-1}|, |x_T|)`` coordinatewise."""
    n = A.shape[0]
    for c in prange((n + WIDE_LANES - 1) // WIDE_LANES):
        lo = c * WIDE_LANES
        hi = min(n, lo + WIDE_LANES)
        a = A[lo:hi].copy()
        b = B[lo:hi].copy()
        dead = np.zeros(hi - lo, np.bool_)
        t = 0
        while t < steps - 1:
            nb = min(BLOCK, steps - 1 - t)
            for _ in range(nb):
                for k in range(hi - lo):
                    a[k], b[k] = _two_factor(a[k], b[k], mu)
            for k in range(hi - lo):
                dead[k] |= not (abs(a[k]) <= H and abs(b[k]) <= H)
            t += nb
        for k in range(hi - lo):
            x, y = _two_factor(a[k], b[k], mu)
            if dead[k] or not (abs(x) <= H and abs(y) <= H):
                labels[lo + k] = 0
            else:
                sa = max(1.0, abs(a[k]), abs(x))
                sb = max(1.0, abs(b[k]), abs(y))
                still = abs(x - a[k]) <= tol * sa and abs(y - b[k]) <= tol * sb
                labels[lo + k] = 2 if still else 1


def _best(fn, reps: int = 3) -> float:
    best = np.inf
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


REPEAT = 5


def _pair(generated, best, reps: int = REPEAT) -> tuple[float, float]:
    """Best-of-``reps`` times of the two, runs interleaved (the machine is shared: a burst of load
    then hits both sides alike)."""
    tg = tb = np.inf
    for _ in range(reps):
        tg = min(tg, _best(generated, 1))
        tb = min(tb, _best(best, 1))
    return tg, tb


def _job(n_steps: float, t_generated: float, t_best: float, **agreement) -> dict:
    gen, best = n_steps / t_generated / 1e6, n_steps / t_best / 1e6
    return {"generated": gen, "best": best, "ratio": gen / best, **agreement}


def _rel(x, y) -> float:
    """Largest relative difference of two arrays over the entries finite in both (0 if none)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return 0.0
    return float(np.max(np.abs(x[ok] - y[ok]) / np.maximum(np.abs(y[ok]), 1e-300)))


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--orbits", type=int, default=1_000_000, help="iterate: orbits")
    ap.add_argument("--steps", type=int, default=1000, help="iterate: steps")
    ap.add_argument("--diagram-values", type=int, default=10_000)
    ap.add_argument("--lyapunov-values", type=int, default=10_000)
    ap.add_argument("--lyapunov-steps", type=int, default=10_000)
    ap.add_argument("--basin-side", type=int, default=1000, help="basins: side of the grid")
    ap.add_argument("--basin-steps", type=int, default=1000)
    ap.add_argument("--quick", action="store_true", help="small sizes (seconds)")
    ap.add_argument("--repeat", type=int, default=REPEAT,
                    help="runs of each side, interleaved; the fastest counts")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    reps = max(1, args.repeat)
    if args.quick:
        args.orbits, args.steps = 131_072, 200
        args.diagram_values = args.lyapunov_values = 2000
        args.lyapunov_steps, args.basin_side, args.basin_steps = 2000, 256, 400

    rng = np.random.default_rng(0)
    a, s = sp.symbols("a mu", real=True)
    cubic = compile_map(SymbolicMap((a,), ((1 + s) * a - s * a**3,), params=(s,), name="cubic"))
    two = compile_map(gd_map("(a*b - 1)**2/2", params="a b", step="mu"))
    jobs = {}

    # iterate -------------------------------------------------------------------------------------
    n, steps = args.orbits, args.steps
    A0, B0 = rng.uniform(0.2, 1.8, n), rng.uniform(0.2, 1.8, n)
    mu = rng.uniform(0.05, 0.6, n)
    X0 = np.stack([A0, B0], axis=1)
    two.iterate(X0[:1000], {"mu": mu[:1000]}, 2)                       # compile / load
    ref = two.iterate(X0, {"mu": mu}, steps)
    best_iterate(A0[:100].copy(), B0[:100].copy(), mu[:100], 2, HORIZON, np.full(100, -1))
    A, B, dstep = A0.copy(), B0.copy(), np.full(n, -1)
    # the FMA peak is measured between the runs (the machine is shared and its capacity varies
    # by 2x from minute to minute: a peak taken at another time would skew the fraction)
    burners = fma_burners()
    # the generated kernel alone, on arrays prepared as CompiledMap.iterate prepares them: the
    # API's own per-call work (checking the starts, allocating and first touching the outputs)
    # is the difference
    chunk = two.iterate_chunk(n)
    kern = two.kernel("iterate", n, n * steps, chunk)
    P1, out1, ds1, R0 = mu.reshape(1, n), np.empty((n, 2)), np.empty(n, np.int64), \
        np.empty((n, 0, 2))
    t_gen = t_best = t_kernel = np.inf
    peak = 0.0
    for _ in range(reps):
        t_kernel = min(t_kernel, _best(
            lambda: kern(X0, P1, steps, HORIZON, chunk, R0, steps, out1, ds1), 1))
        t_gen = min(t_gen, _best(lambda: two.iterate(X0, {"mu": mu}, steps), 1))
        t_best = min(t_best, _best(
            lambda: best_iterate(A0.copy(), B0.copy(), mu, steps, HORIZON, dstep), 1))
        peak = max(peak, fma_peak(burners))
    best_iterate(A, B, mu, steps, HORIZON, dstep)
    same = (np.array_equal(ref.final, np.stack([A, B], axis=1))
            and np.array_equal(ref.diverge_step, dstep))
    jobs["iterate"] = _job(n * steps, t_gen, t_best, bitwise_equal=bool(same))

    # orbit diagrams ------------------------------------------------------------------------------
    transient, record = 1000, 200
    vals = np.linspace(0, 2.2, args.diagram_values + 2)[1:-1]
    orbit_diagram(cubic, "mu", vals[:10], x0=0.3, transient=2, record=2)
    od = orbit_diagram(cubic, "mu", vals, x0=0.3, transient=transient, record=record)
    out = np.empty((vals.size, record))
    best_orbit_diagram_1d(vals[:10], 0.3, 2, 2, HORIZON, out[:10, :2].copy())
    t_gen, t_best = _pair(
        lambda: orbit_diagram(cubic, "mu", vals, x0=0.3, transient=transient, record=record),
        lambda: best_orbit_diagram_1d(vals, 0.3, transient, record, HORIZON,
                                      np.empty((vals.size, record))), reps)
    dv = best_orbit_diagram_1d(vals, 0.3, transient, record, HORIZON, out)
    keep = ~od.diverged & ~dv
    jobs["orbit_diagram_1d"] = _job(vals.size * (transient + record), t_gen, t_best,
                                    bitwise_equal=bool(np.array_equal(od.points[keep, :, 0],
                                                                      out[keep])))
    vals2 = np.linspace(0.05, 1.5, args.diagram_values)
    x0 = (1.7, 0.2)
    orbit_diagram(two, "mu", vals2[:10], x0=x0, transient=2, record=2)
    od = orbit_diagram(two, "mu", vals2, x0=x0, transient=transient, record=record)
    out2 = np.empty((vals2.size, record, 2))
    best_orbit_diagram_2d(vals2[:10], *x0, 2, 2, HORIZON, out2[:10, :2].copy())
    t_gen, t_best = _pair(
        lambda: orbit_diagram(two, "mu", vals2, x0=x0, transient=transient, record=record),
        lambda: best_orbit_diagram_2d(vals2, *x0, transient, record, HORIZON,
                                      np.empty((vals2.size, record, 2))), reps)
    dv = best_orbit_diagram_2d(vals2, *x0, transient, record, HORIZON, out2)
    keep = ~od.diverged & ~dv
    jobs["orbit_diagram_2d"] = _job(vals2.size * (transient + record), t_gen, t_best,
                                    bitwise_equal=bool(np.array_equal(od.points[keep],
                                                                      out2[keep])))

    # Lyapunov --------------------------------------------------------------------------------
    ls = args.lyapunov_steps
    lv = np.linspace(0, 2.0, args.lyapunov_values + 2)[1:-1]
    lyapunov(cubic, "mu", lv[:10], x0=0.3, steps=2, transient=0)
    le = lyapunov(cubic, "mu", lv, x0=0.3, steps=ls, transient=0)
    ex = np.empty(lv.size)
    best_lyapunov_1d(lv[:10], 0.3, 2, ex[:10])
    t_gen, t_best = _pair(lambda: lyapunov(cubic, "mu", lv, x0=0.3, steps=ls, transient=0),
                          lambda: best_lyapunov_1d(lv, 0.3, ls, ex), reps)
    ok = ~le.diverged
    jobs["lyapunov_1d"] = _job(lv.size * ls, t_gen, t_best,
                               max_rel_diff=_rel(le.exponents[ok], ex[ok]))
    lv2 = np.linspace(0.05, 0.8, args.lyapunov_values)
    v = np.array([1.0, 1.0 / math.sqrt(2.0)]) / math.sqrt(1.5)   # lyapunov()'s start direction
    lyapunov(two, "mu", lv2[:10], x0=x0, steps=2, transient=0)
    le = lyapunov(two, "mu", lv2, x0=x0, steps=ls, transient=0)
    ex2 = np.empty(lv2.size)
    best_lyapunov_2d(lv2[:10], *x0, *v, 2, ex2[:10])
    t_gen, t_best = _pair(lambda: lyapunov(two, "mu", lv2, x0=x0, steps=ls, transient=0),
                          lambda: best_lyapunov_2d(lv2, *x0, *v, ls, ex2), reps)
    ok = ~le.diverged
    diff = np.abs(le.exponents[ok] - ex2[ok])
    jobs["lyapunov_2d"] = _job(lv2.size * ls, t_gen, t_best,
                               median_abs_diff=float(np.median(diff)) if diff.size else 0.0,
                               max_abs_diff=float(diff.max()) if diff.size else 0.0)

    # basins ------------------------------------------------------------------------------------
    side, bsteps, mu_b, tol = args.basin_side, args.basin_steps, 0.3, 1e-9
    g = np.linspace(-2.5, 2.5, side)
    GA, GB = np.meshgrid(g, g, indexing="ij")
    starts = np.stack([GA.ravel(), GB.ravel()], axis=1)
    classify_points(two, starts[:100], {"mu": mu_b}, 10, max_period=1)
    lab = classify_points(two, starts, {"mu": mu_b}, bsteps, max_period=1, tol=tol).labels
    labels = np.empty(side * side, np.int8)
    best_basins(starts[:100, 0].copy(), starts[:100, 1].copy(), mu_b, 10, HORIZON, tol,
                labels[:100])
    SA, SB = starts[:, 0].copy(), starts[:, 1].copy()
    t_gen, t_best = _pair(
        lambda: classify_points(two, starts, {"mu": mu_b}, bsteps, max_period=1, tol=tol),
        lambda: best_basins(SA, SB, mu_b, bsteps, HORIZON, tol, labels), reps)
    jobs["basins"] = _job(side * side * bsteps, t_gen, t_best,
                          labels_equal=bool(np.array_equal(lab, labels)))

    res = {
        "jobs": jobs,
        "iterate_fma_fraction": jobs["iterate"]["generated"] * 1e6 / (peak / OPS_PER_STEP),
        "iterate_best_fma_fraction": jobs["iterate"]["best"] * 1e6 / (peak / OPS_PER_STEP),
        "iterate_kernel_fma_fraction": n * steps / t_kernel / (peak / OPS_PER_STEP),
        "fma_limit": peak / OPS_PER_STEP / 1e6,
        "threads": numba.get_num_threads(),
        "wide_vectors": wide_vectors(),
        "sizes": {k: getattr(args, k) for k in ("orbits", "steps", "diagram_values",
                                                 "lyapunov_values", "lyapunov_steps",
                                                 "basin_side", "basin_steps")},
    }
    if args.json:
        print(json.dumps(res))
    else:
        print(f"{'job':>18s} {'generated':>10s} {'best':>10s} {'ratio':>6s}   (M steps/s)")
        for name, j in jobs.items():
            extra = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                              for k, v in j.items() if k not in ("generated", "best", "ratio"))
            print(f"{name:>18s} {j['generated']:10.1f} {j['best']:10.1f} {j['ratio']:6.2f}   "
                  f"{extra}")
        print(f"iterate at {res['iterate_fma_fraction']:.2f} of the FMA limit "
              f"({res['fma_limit']:.0f} M steps/s; its kernel alone "
              f"{res['iterate_kernel_fma_fraction']:.2f}), the best at "
              f"{res['iterate_best_fma_fraction']:.2f}; {res['threads']} threads, "
              f"{'512' if res['wide_vectors'] else 'LLVM-chosen'}-bit vectors")
    return res


if __name__ == "__main__":
    main()
