"""Numba kernels generated from a :class:`theory.SymbolicMap`, cached on disk.

The map's update and Jacobian are turned into Python source (common subexpressions eliminated with
SymPy's ``cse``, small integer powers expanded into products), written to a cache directory under a
name that is a hash of the expressions, imported, and compiled by Numba with ``cache=True``: a
second process neither regenerates the source nor recompiles the machine code.

Layout of the batched kernels (the reason they are fast): ``prange`` over chunks of orbits, the time
loop inside a chunk, the orbit ("lane") loop innermost, so that LLVM vectorizes across orbits. The
state of a chunk is double buffered (read one buffer, write the other) so that freezing a diverged
orbit is a register blend, not a masked store. All arithmetic is float64, without fastmath, and the
arithmetic applied to one orbit does not depend on the chunk it falls in: results are bitwise
identical for every chunk size and thread count. Each parallel kernel has a serial twin
(``NAME_serial``, the same source with ``range`` for ``prange``) that small batches use: waking
the worker threads costs more than a few thousand orbit-steps (:meth:`CompiledMap.kernel`).

Divergence. An orbit diverges at step ``k`` when ``x_k`` is the first iterate with
``max_i |x_k[i]| > horizon`` or a non-finite coordinate (``k = 0`` when the start itself lies beyond
the horizon). From then on its state is *frozen* at ``x_{k-1}``, the last iterate within the
horizon,
and statistics (Lyapunov sums) stop accumulating. No NaN or inf ever reaches an output array.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numba
import numpy as np
import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

from numerics import vector_width
from numerics.files import publish, remove_stale, tmp_prefix
from numerics.numba_cache import cache_files_ok, drop_cache_files

__all__ = ["CompiledMap", "IterateResult", "compile_map", "default_cache_dir"]

#: bump when the generated source changes shape (part of the cache key)
CODEGEN_VERSION = "17"
DEFAULT_HORIZON = 1e6
#: ``chunk=None``: the orbits per parallel task are chosen per map and batch by
#: :func:`default_chunk` (speed only: results are bitwise identical for every chunk)
DEFAULT_CHUNK = None
#: bounds of the chosen chunk, and the bytes its working arrays may take (about an L1 data cache:
#: a chunk's lanes then stay in L1 from one step to the next)
MIN_CHUNK, MAX_CHUNK, CHUNK_BYTES = 64, 1024, 32 * 1024
#: steps between divergence tests in `iterate` (speed only: results do not depend on it). An
#: orbit replays at most one block, once, when it leaves; 256 measured 7-10% faster than 64 on
#: 10^6 orbits x 1000 steps, also with half of the orbits diverging
ITERATE_BLOCK = 256
#: steps between renormalisations (one log) of the tangent vector in `lyapunov_top`
LYAPUNOV_BLOCK = 64
#: a block in which the tangent vector's 1-norm leaves [TINY, HUGE] is redone with a
#: renormalisation every step (its squared norm stays a normal float64: no overflow, no precision
#: lost to subnormals)
LYAPUNOV_TINY, LYAPUNOV_HUGE = 1e-150, 1e150
#: steps between re-orthonormalisations of the d tangent vectors in `lyapunov_all`; a block after
#: which Gram-Schmidt removes more than 1 - SPECTRUM_APART of a vector's length (the vectors
#: have drawn together: the difference would carry the rounding error amplified by up to
#: 1 / SPECTRUM_APART) is redone with a re-orthonormalisation every step. Blocks of 3 keep the
#: vectors of spectra whose exponents lie up to log(1000) / 3 = 2.3 apart (Henon's are 2.05 apart;
#: blocks of 3 give it 1.6x, the two-factor map 2x the per-step speed); longer blocks would be
#: faster where exponents are close (8: 4x) but slower where they are far apart (8: 0.66x for
#: Henon, whose blocks would all be redone step by step)
SPECTRUM_BLOCK, SPECTRUM_APART = 3, 1e-3
#: batches with at most this many orbit-steps (or one chunk) run on the calling thread: starting
#: the worker threads costs more than the work (speed only: the serial kernels are the parallel
#: ones with ``range`` for ``prange``, bitwise the same results)
SERIAL_WORK = 1 << 17


def default_chunk(rows: int, n: int, threads: int | None = None) -> int:
    """Orbits per parallel task for a kernel whose chunk keeps ``rows`` float64 values per orbit
    (state buffers, saved state, parameters, counters) and a batch of ``n`` orbits.

    The largest power of two in [:data:`MIN_CHUNK`, :data:`MAX_CHUNK`] whose ``rows * 8 * chunk``
    bytes fit in :data:`CHUNK_BYTES`, and at most ``n / (4 * threads)`` (each thread gets a few
    tasks, so a slow task does not leave a core idle). Wide lanes halve the loop overhead per
    step; they pay most for maps with a small state. Speed only: the results do not depend on it.

    Examples
    --------
    >>> default_chunk(9, 10**6, threads=2)      # the two-factor map in `iterate`: 72 bytes/orbit
    256
    >>> default_chunk(6, 10**6, threads=2), default_chunk(6, 2000, threads=2)
    (512, 128)
    >>> default_chunk(200, 10**6, threads=2)    # a large state: the smallest chunk
    64
    """
    if threads is None:
        threads = numba.get_num_threads()
    cap = min(MAX_CHUNK, CHUNK_BYTES // (8 * max(rows, 1)), n // (4 * max(threads, 1)))
    chunk = MIN_CHUNK
    while 2 * chunk <= cap:
        chunk *= 2
    return chunk


def default_cache_dir() -> Path:
    """Directory of generated kernels: ``$DYNVERIFY_CACHE`` or ``~/.cache/dynverify/kernels``.

    Examples
    --------
    >>> default_cache_dir().name in ("kernels", os.environ.get("DYNVERIFY_CACHE", "")[-7:]) or True
    True
    """
    env = os.environ.get("DYNVERIFY_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "dynverify" / "kernels"


# -- printing ----------------------------------------------------------------------------------
class _KernelPrinter(PythonCodePrinter):
    """Plain ``math`` Python that Numba compiles well: float literals, small powers as products."""

    def _print_Pow(self, expr, rational=False):
        base, exp = expr.as_base_exp()
        if exp.is_Integer and 1 <= abs(int(exp)) <= 8:
            b = self.parenthesize(base, 1000)  # atoms print bare, everything else in parentheses
            prod = "*".join([b] * abs(int(exp)))
            return f"({prod})" if exp > 0 else f"(1.0/({prod}))"
        if exp == sp.Rational(1, 2):
            return f"math.sqrt({self._print(base)})"
        if exp == -sp.Rational(1, 2):
            return f"(1.0/math.sqrt({self._print(base)}))"
        return f"({self._print(base)})**({self._print(exp)})"

    def _print_Rational(self, expr):
        return repr(float(expr))

    def _print_Integer(self, expr):
        return repr(float(expr))

    def _print_Float(self, expr):
        return repr(float(expr))


def _printer() -> _KernelPrinter:
    return _KernelPrinter({"fully_qualified_modules": True, "standard": "python3"})


def _assignments(exprs: Sequence[sp.Expr], targets: Sequence[str], indent: str,
                 prefix: str) -> list[str]:
    """CSE'd straight-line code computing ``targets[i] = exprs[i]``."""
    printer = _printer()
    temps, reduced = sp.cse(list(exprs), symbols=sp.numbered_symbols(f"_{prefix}"))
    lines = [f"{indent}{sym} = {printer.doprint(val)}" for sym, val in temps]
    lines += [f"{indent}{t} = {printer.doprint(e)}" for t, e in zip(targets, reduced, strict=True)]
    return lines


# -- source generation -------------------------------------------------------------------------
@dataclass(frozen=True)
class _Spec:
    dim: int
    npar: int
    update: tuple[sp.Expr, ...]       # in the local symbols _s0.., _p0..
    jacobian: tuple[sp.Expr, ...]     # row-major d*d
    normal: tuple[sp.Expr, ...] | None


def _spec(F, normal=None) -> _Spec:
    state = [sp.Symbol(f"_s{i}", real=True) for i in range(F.dim)]
    params = [sp.Symbol(f"_p{j}", real=True) for j in range(len(F.params))]
    sub = dict(zip(F.state, state, strict=True)) | dict(zip(F.params, params, strict=True))
    update = tuple(sp.sympify(u).xreplace(sub) for u in F.update)
    J = F.jacobian()
    jac = tuple(J[i, j].xreplace(sub) for i in range(F.dim) for j in range(F.dim))
    nrm = None
    if normal is not None:
        nrm = tuple(sp.sympify(c).xreplace(sub) for c in normal)
        if len(nrm) != F.dim:
            raise ValueError(f"normal: {len(nrm)} components for a map of dimension {F.dim}")
        bad = set().union(*(c.free_symbols for c in nrm)) - set(state) - set(params)
        if bad:
            raise ValueError(f"normal: unknown symbol(s) {', '.join(sorted(map(str, bad)))}")
    return _Spec(F.dim, len(F.params), update, jac, nrm)


_HEADER = '''"""Kernels generated by dynverify.numerics.codegen for map {name!r}. Do not edit.

{pairs}
"""
import functools
import math

import numpy as np
from numba import prange

from numerics import vector_width
from numerics.vector_width import lane_array, lane_width

DIM = {dim}
NPAR = {npar}
#: 512-bit vectors in these kernels (numerics.vector_width; speed only, part of the cache key)
WIDE_VECTORS = {wide}
_OPTS = dict(cache=True, error_model="numpy", nogil=True)
njit = functools.partial(vector_width.njit, wide=WIDE_VECTORS)
'''


def _load_lines(spec: _Spec, indent: str, xs: str, ps: str, idx: str) -> list[str]:
    out = [f"{indent}_s{i} = {xs.format(i=i, idx=idx)}" for i in range(spec.dim)]
    out += [f"{indent}_p{j} = {ps.format(j=j, idx=idx)}" for j in range(spec.npar)]
    return out


def _good_expr(names: Sequence[str]) -> str:
    return " & ".join(f"(abs({n}) <= H)" for n in names)


def _with_serial_twin(L: list[str], start: int, name: str) -> None:
    """Append ``NAME_serial``: the parallel kernel ``NAME`` emitted from ``L[start:]`` with
    ``prange`` as ``range``, for batches too small to pay for starting threads. Same statements,
    same float64 operations in the same order: bitwise the same results."""
    text = "\n".join(L[start:])
    head = f"@njit(parallel=True, **_OPTS)\ndef {name}("
    if text.count(head) != 1:
        raise AssertionError(f"codegen: kernel {name} not found exactly once")
    twin = text.replace(head, f"@njit(**_OPTS)\ndef {name}_serial(").replace("prange(", "range(")
    L.append(twin)


def _source(spec: _Spec, name: str, pairs: str, wide: bool) -> str:
    d, npar = spec.dim, spec.npar
    L: list[str] = [_HEADER.format(name=name, pairs=pairs, dim=d, npar=npar, wide=wide)]
    w = L.append
    new = [f"_n{i}" for i in range(d)]
    [f"_j{i}_{j}" for i in range(d) for j in range(d)]

    # one point ------------------------------------------------------------------------------
    w("\n@njit(**_OPTS)\ndef step_point(x, p, out):")
    L += _load_lines(spec, "    ", "x[{i}]", "p[{j}]", "")
    L += _assignments(spec.update, [f"out[{i}]" for i in range(d)], "    ", "t")
    w("\n\n@njit(**_OPTS)\ndef jacobian_point(x, p, out):")
    L += _load_lines(spec, "    ", "x[{i}]", "p[{j}]", "")
    L += _assignments(spec.jacobian, [f"out[{i}, {j}]" for i in range(d) for j in range(d)],
                      "    ", "t")

    # many points (one parallel loop, no time loop) --------------------------------------------
    start = len(L)
    w("\n\n@njit(parallel=True, **_OPTS)\ndef step_many(X, P, OUT):")
    w("    for k in prange(X.shape[1]):")
    L += _load_lines(spec, "        ", "X[{i}, {idx}]", "P[{j}, {idx}]", "k")
    L += _assignments(spec.update, [f"OUT[{i}, k]" for i in range(d)], "        ", "t")
    _with_serial_twin(L, start, "step_many")
    start = len(L)
    w("\n\n@njit(parallel=True, **_OPTS)\ndef jacobian_many(X, P, OUT):")
    w("    for k in prange(X.shape[1]):")
    L += _load_lines(spec, "        ", "X[{i}, {idx}]", "P[{j}, {idx}]", "k")
    L += _assignments(spec.jacobian, [f"OUT[{i}, {j}, k]" for i in range(d) for j in range(d)],
                      "        ", "t")
    _with_serial_twin(L, start, "jacobian_many")

    # batched iteration ---------------------------------------------------------------------------
    # Steps before `rec_start` run in blocks of BLOCK steps with no per-step test: the lane loop is
    # then pure arithmetic that LLVM vectorizes. After a block, a lane outside the horizon (or
    # non-finite) is replayed from the block's start with the per-step test, so its divergence
    # step and frozen state are exactly those of a step-by-step run; lanes already frozen are
    # restored. Every lane sees the same arithmetic in both paths, so results are bitwise those of
    # a per-step loop. Recorded steps run one at a time (double buffered).
    w(f"\n\nBLOCK = {ITERATE_BLOCK}")
    start = len(L)
    w("""

@njit(parallel=True, **_OPTS)
def iterate(X, P, steps, H, chunk, R, rec_start, OUT, DSTEP):
    \"\"\"Advance the orbits X (n, DIM) by `steps` steps with parameters P (NPAR, n) into OUT.

    DSTEP[i] is the first k with x_k beyond the horizon H (0 for a start beyond it), -1 if none;
    such an orbit is frozen at its last state within (see module docstring). Iterates x_{t+1}
    with t >= rec_start go to R[:, t - rec_start] (R has shape (n, r, DIM)).
    \"\"\"
    n = X.shape[0]
    nch = (n + chunk - 1) // chunk
    fast = min(steps, rec_start)
    for c in prange(nch):
        lo = c * chunk
        hi = min(n, lo + chunk)
        w = hi - lo
        W = lane_width(w)
        buf = lane_array(2 * DIM, W).reshape((2, DIM, W))
        save = lane_array(DIM, W)
        prm = lane_array(max(NPAR, 1), W)
        cnt = np.zeros(w)
        dead = np.zeros(w, dtype=np.bool_)
        for k in range(w):
            for i in range(DIM):
                buf[0, i, k] = X[lo + k, i]
                dead[k] |= not abs(X[lo + k, i]) <= H
        start_out = dead.copy()
        for j in range(NPAR):
            for k in range(w):
                prm[j, k] = P[j, lo + k]
        t = 0
        while t < fast:
            nb = min(BLOCK, fast - t)
            for i in range(DIM):
                for k in range(w):
                    save[i, k] = buf[0, i, k]""")
    for i in range(d):
        w(f"            a{i} = buf[0, {i}]")
    for j in range(npar):
        w(f"            q{j} = prm[{j}]")
    # two steps per pass over the lanes: half the loads and stores, more independent work
    w("            for s in range(nb // 2):")
    w("                for k in range(w):")
    L += _load_lines(spec, "                    ", "a{i}[{idx}]", "q{j}[{idx}]", "k")
    L += _assignments(spec.update, new, "                    ", "t")
    for i in range(d):
        w(f"                    _s{i} = _n{i}")
    L += _assignments(spec.update, new, "                    ", "t")
    for i in range(d):
        w(f"                    a{i}[k] = _n{i}")
    w("            if nb % 2:")
    w("                for k in range(w):")
    L += _load_lines(spec, "                    ", "a{i}[{idx}]", "q{j}[{idx}]", "k")
    L += _assignments(spec.update, new, "                    ", "t")
    for i in range(d):
        w(f"                    a{i}[k] = _n{i}")
    w("            for k in range(w):")
    w("                if dead[k]:")
    for i in range(d):
        w(f"                    a{i}[k] = save[{i}, k]")
    w(f"                elif {_good_expr([f'a{i}[k]' for i in range(d)])}:")
    w("                    cnt[k] += nb")
    w("                else:")
    L += _load_lines(spec, "                    ", "save[{i}, {idx}]", "q{j}[{idx}]", "k")
    w("                    for s in range(nb):")
    L += _assignments(spec.update, new, "                        ", "t")
    w(f"                        if not ({_good_expr(new)}):")
    w("                            dead[k] = True")
    w("                            break")
    for i in range(d):
        w(f"                        _s{i} = _n{i}")
    w("                        cnt[k] += 1.0")
    for i in range(d):
        w(f"                    a{i}[k] = _s{i}")
    w("            t += nb")
    w("        src = 0")
    w("        for t in range(fast, steps):")
    w("            dst = 1 - src")
    for i in range(d):
        w(f"            a{i} = buf[src, {i}]")
        w(f"            b{i} = buf[dst, {i}]")
    for j in range(npar):
        w(f"            q{j} = prm[{j}]")
    w("            for k in range(w):")
    L += _load_lines(spec, "                ", "a{i}[{idx}]", "q{j}[{idx}]", "k")
    L += _assignments(spec.update, new, "                ", "t")
    w(f"                g = ({_good_expr(new)}) & (not dead[k])")
    for i in range(d):
        w(f"                b{i}[k] = _n{i} if g else _s{i}")
    w("                cnt[k] += 1.0 if g else 0.0")
    w("            r = t - rec_start")
    w("            for k in range(w):")
    w("                for i in range(DIM):")
    w("                    R[lo + k, r, i] = buf[dst, i, k]")
    w("            src = dst")
    w("        for k in range(w):")
    w("            for i in range(DIM):")
    w("                OUT[lo + k, i] = buf[src, i, k]")
    w("            if start_out[k]:")
    w("                DSTEP[lo + k] = 0")
    w("            elif cnt[k] < steps:")
    w("                DSTEP[lo + k] = np.int64(cnt[k]) + 1")
    w("            else:")
    w("                DSTEP[lo + k] = -1")
    _with_serial_twin(L, start, "iterate")

    # Lyapunov ------------------------------------------------------------------------------------
    # lyapunov_top (largest exponent): one tangent vector, renormalised once per LYAPUNOV_BLOCK
    # steps (one log per block, see _lyapunov_blocked_source); lyapunov_stepwise: the same with a
    # renormalisation every step (the oracle of the blocked one); lyapunov_all: d vectors,
    # re-orthonormalised by modified Gram-Schmidt once per SPECTRUM_BLOCK steps where the vectors
    # stay apart (see _spectrum_blocked_source), else every step; spectrum_stepwise: every step
    # (its oracle).
    w(f"\n\nLYAPUNOV_BLOCK = {LYAPUNOV_BLOCK}\nTINY = {LYAPUNOV_TINY!r}\nHUGE = {LYAPUNOV_HUGE!r}")
    w(f"SPECTRUM_BLOCK = {SPECTRUM_BLOCK}\nSPECTRUM_APART = {SPECTRUM_APART!r}")
    start = len(L)
    _lyapunov_blocked_source(L, spec)
    _with_serial_twin(L, start, "lyapunov_top")
    _lyapunov_source(L, spec, 1, "lyapunov_stepwise")
    if d == 1:
        w("\n\nlyapunov_all = lyapunov_top\nlyapunov_all_serial = lyapunov_top_serial")
    else:
        _lyapunov_source(L, spec, d, "spectrum_stepwise")
        start = len(L)
        _spectrum_blocked_source(L, spec)
        _with_serial_twin(L, start, "lyapunov_all")
    start = len(L)
    _monodromy_source(L, spec)
    _with_serial_twin(L, start, "monodromy")
    if spec.normal is not None:
        _transverse_source(L, spec)
    return "\n".join(L) + "\n"


def _monodromy_source(L: list[str], spec: _Spec) -> None:
    """F^n and the product of the Jacobians along the n steps, for many points in one call (the
    Newton step on F^n(x) - x of :func:`numerics.periodic_orbits`). Nothing is tested: a
    non-finite value just propagates."""
    d = spec.dim
    w = L.append
    w('''

@njit(parallel=True, **_OPTS)
def monodromy(X, P, n, Y, M):
    """Y = F^n(X) and M = DF(x_{n-1}) ... DF(x_0) for points X (DIM, m), parameters P (NPAR, m);
    M has shape (DIM, DIM, m)."""
    for k in prange(X.shape[1]):''')
    ind = "        "
    L.extend(_load_lines(spec, ind, "X[{i}, {idx}]", "P[{j}, {idx}]", "k"))
    for i in range(d):
        for j in range(d):
            w(f"{ind}_M{i}_{j} = {1.0 if i == j else 0.0!r}")
    w(f"{ind}for t in range(n):")
    jn = [f"_j{i}_{j}" for i in range(d) for j in range(d)]
    L.extend(_assignments(list(spec.update) + list(spec.jacobian),
                          [f"_n{i}" for i in range(d)] + jn, ind + "    ", "t"))
    for i in range(d):
        for j in range(d):
            terms = " + ".join(f"_j{i}_{m}*_M{m}_{j}" for m in range(d))
            w(f"{ind}    _N{i}_{j} = {terms}")
    for i in range(d):
        w(f"{ind}    _s{i} = _n{i}")
        for j in range(d):
            w(f"{ind}    _M{i}_{j} = _N{i}_{j}")
    for i in range(d):
        w(f"{ind}Y[{i}, k] = _s{i}")
        for j in range(d):
            w(f"{ind}M[{i}, {j}, k] = _M{i}_{j}")


def _tangent_step_lines(spec: _Spec, q: int, ind: str) -> list[str]:
    """One step of the state ``_s*`` and the q orthonormal tangent vectors ``_v{m}_*``: the image
    ``_n*``, ``g`` (the image within the horizon), the re-orthonormalised images ``_u{m}_*`` of the
    vectors and their stretching factors ``_r{m}`` (modified Gram-Schmidt)."""
    d = spec.dim
    jn = [f"_j{i}_{j}" for i in range(d) for j in range(d)]
    out = _assignments(list(spec.update) + list(spec.jacobian),
                       [f"_n{i}" for i in range(d)] + jn, ind, "t")
    out.append(f"{ind}g = {_good_expr([f'_n{i}' for i in range(d)])}")
    for m in range(q):  # u_m = J v_m
        for i in range(d):
            terms = " + ".join(f"_j{i}_{j}*_v{m}_{j}" for j in range(d))
            out.append(f"{ind}_u{m}_{i} = {terms}")
    for m in range(q):
        for p in range(m):
            dot = " + ".join(f"_u{p}_{i}*_u{m}_{i}" for i in range(d))
            out.append(f"{ind}_h = {dot}")
            for i in range(d):
                out.append(f"{ind}_u{m}_{i} = _u{m}_{i} - _h*_u{p}_{i}")
        nrm2 = " + ".join(f"_u{m}_{i}*_u{m}_{i}" for i in range(d))
        out.append(f"{ind}_r{m} = math.sqrt({nrm2})")
        for i in range(d):  # a collapsed vector (r = 0, exactly superstable) is kept as it was
            out.append(f"{ind}_u{m}_{i} = _u{m}_{i} / _r{m} if _r{m} > 0.0 else _v{m}_{i}")
    return out


def _lyapunov_source(L: list[str], spec: _Spec, q: int, fname: str) -> None:
    """q tangent vectors re-orthonormalised every step (the reference layout, one log a step)."""
    d, npar = spec.dim, spec.npar
    w = L.append
    nv = d * q  # tangent components: v{m}_{i} = component i of vector m
    w(f'''

@njit(parallel=True, **_OPTS)
def {fname}(X, V, P, steps, H, chunk, S, GOOD):
    """{q} tangent vector(s) V ({d}*{q}, n) along orbits X; S ({q}, n) += log stretching factors."""
    n = X.shape[1]
    nch = (n + chunk - 1) // chunk
    for c in prange(nch):
        lo = c * chunk
        hi = min(n, lo + chunk)
        w = hi - lo
        buf = np.empty((2, DIM + {nv}, w))
        prm = np.empty((max(NPAR, 1), w))
        acc = np.zeros(({q}, w))
        cnt = np.zeros(w)
        for i in range(DIM):
            for k in range(w):
                buf[0, i, k] = X[i, lo + k]
        for i in range({nv}):
            for k in range(w):
                buf[0, DIM + i, k] = V[i, lo + k]
        for j in range(NPAR):
            for k in range(w):
                prm[j, k] = P[j, lo + k]
        src = 0
        for t in range(steps):
            dst = 1 - src
            a = buf[src]
            b = buf[dst]''')
    for j in range(npar):
        w(f"            q{j} = prm[{j}]")
    w("            for k in range(w):")
    ind = "                "
    L.extend(_load_lines(spec, ind, "a[{i}, {idx}]", "q{j}[{idx}]", "k"))
    for m in range(q):
        for i in range(d):
            w(f"{ind}_v{m}_{i} = a[{d + m * d + i}, k]")
    L.extend(_tangent_step_lines(spec, q, ind))
    for m in range(q):
        w(f"{ind}acc[{m}, k] += math.log(_r{m}) if g else 0.0")
    for i in range(d):
        w(f"{ind}b[{i}, k] = _n{i} if g else _s{i}")
    for m in range(q):
        for i in range(d):
            w(f"{ind}b[{d + m * d + i}, k] = _u{m}_{i} if g else _v{m}_{i}")
    w(f"{ind}cnt[k] += 1.0 if g else 0.0")
    w(f'''            src = dst
        for i in range(DIM + {nv}):
            for k in range(w):
                if i < DIM:
                    X[i, lo + k] = buf[src, i, k]
                else:
                    V[i - DIM, lo + k] = buf[src, i, k]
        for m in range({q}):
            for k in range(w):
                S[m, lo + k] += acc[m, k]
        for k in range(w):
            GOOD[lo + k] += cnt[k]''')


def _tangent_block_prologue(name: str, doc: str, rows: str, acc: str, block: str) -> str:
    """The start of a blocked tangent-vector kernel (lyapunov_top, lyapunov_all): a chunk's orbits
    X, tangent entries V (``rows`` of them per orbit) and parameters loaded into lanes, the
    accumulators (shape ``acc``), and the head of the loop over blocks of ``block`` steps, which
    saves the block's start and marks every lane clean."""
    return f'''

@njit(parallel=True, **_OPTS)
def {name}(X, V, P, steps, H, chunk, S, GOOD):
    """{doc}"""
    n = X.shape[1]
    nch = (n + chunk - 1) // chunk
    for c in prange(nch):
        lo = c * chunk
        hi = min(n, lo + chunk)
        w = hi - lo
        W = lane_width(w)
        st = lane_array(DIM, W)
        tv = lane_array({rows}, W)
        st0 = lane_array(DIM, W)
        tv0 = lane_array({rows}, W)
        prm = lane_array(max(NPAR, 1), W)
        acc = np.zeros({acc})
        cnt = np.zeros(w)
        dead = np.zeros(w, dtype=np.bool_)
        clean = np.empty(w, dtype=np.bool_)
        for i in range(DIM):
            for k in range(w):
                st[i, k] = X[i, lo + k]
        for i in range({rows}):
            for k in range(w):
                tv[i, k] = V[i, lo + k]
        for j in range(NPAR):
            for k in range(w):
                prm[j, k] = P[j, lo + k]
        t = 0
        while t < steps:
            nb = min({block}, steps - t)
            for i in range(DIM):
                for k in range(w):
                    st0[i, k] = st[i, k]
            for i in range({rows}):
                for k in range(w):
                    tv0[i, k] = tv[i, k]
            for k in range(w):
                clean[k] = True'''


def _lyapunov_blocked_source(L: list[str], spec: _Spec) -> None:
    """Largest exponent with one log and one renormalisation per block of LYAPUNOV_BLOCK steps.

    Inside a block the tangent vector is only multiplied by the Jacobians (no sqrt, division or
    log: the lane loop vectorizes), and each lane records whether every step stayed clean: image
    within the horizon, the vector's 1-norm within [LYAPUNOV_TINY, LYAPUNOV_HUGE] (so its squared
    2-norm is a normal float64 for any DIM below ~6000). After the block a clean lane adds
    the log of its vector's norm and renormalises; any other lane is replayed from the block's
    start with the per-step code of ``lyapunov_stepwise`` (its divergence step, a collapsed
    vector, an overflow handled exactly as there); a lane frozen earlier is restored. What a lane
    computes depends on its own orbit only: bitwise the same for every chunk and thread count.
    """
    d, npar = spec.dim, spec.npar
    w = L.append
    w(_tangent_block_prologue("lyapunov_top", "One tangent vector V (DIM, n) along orbits X; "
                              "S (1, n) += log stretching factors.", "DIM", "w",
                              "LYAPUNOV_BLOCK"))
    for i in range(d):
        w(f"            a{i} = st[{i}]")
        w(f"            u{i} = tv[{i}]")
    for j in range(npar):
        w(f"            q{j} = prm[{j}]")
    # two steps per pass over the lanes: half the loads and stores, more independent work
    jn = [f"_j{i}_{j}" for i in range(d) for j in range(d)]
    # cheap sufficient tests (a lane they flag is only replayed, never wrong): sum |n_i| <= H
    # implies every |n_i| <= H; TINY <= sum |w_i| <= HUGE implies every |w_i| <= HUGE and one
    # |w_i| >= TINY / DIM. NaN fails every comparison.
    nsum = " + ".join(f"abs(_n{i})" for i in range(d))
    wsum = " + ".join(f"abs(_w{i})" for i in range(d))

    def one_step(ind: str) -> None:
        L.extend(_assignments(list(spec.update) + list(spec.jacobian),
                              [f"_n{i}" for i in range(d)] + jn, ind, "t"))
        for i in range(d):
            terms = " + ".join(f"_j{i}_{j}*_x{j}" for j in range(d))
            w(f"{ind}_w{i} = {terms}")
        w(f"{ind}_m = {wsum}")
        w(f"{ind}_c = _c & ({nsum} <= H) & (_m <= HUGE) & (_m >= TINY)")
        for i in range(d):
            w(f"{ind}_s{i} = _n{i}")
            w(f"{ind}_x{i} = _w{i}")

    for passes, steps_per_pass in (("nb // 2", 2), ("nb % 2", 1)):
        w(f"            for s in range({passes}):")
        w("                for k in range(w):")
        ind = "                    "
        L.extend(_load_lines(spec, ind, "a{i}[{idx}]", "q{j}[{idx}]", "k"))
        for i in range(d):
            w(f"{ind}_x{i} = u{i}[k]")
        w(f"{ind}_c = clean[k]")
        for _ in range(steps_per_pass):
            one_step(ind)
        for i in range(d):
            w(f"{ind}a{i}[k] = _s{i}")
            w(f"{ind}u{i}[k] = _x{i}")
        w(f"{ind}clean[k] = _c")
    w("            for k in range(w):")
    w("                if dead[k]:")
    for i in range(d):
        w(f"                    a{i}[k] = st0[{i}, k]")
        w(f"                    u{i}[k] = tv0[{i}, k]")
    w("                elif clean[k]:")
    # the norm; for d = 1 |u|, which is what sqrt(u*u) rounds to (the guard keeps u*u normal)
    nrm = "abs(u0[k])" if d == 1 else "math.sqrt(" + " + ".join(
        f"u{i}[k]*u{i}[k]" for i in range(d)) + ")"
    w(f"                    _r = {nrm}")
    w("                    acc[k] += math.log(_r)")
    w("                    cnt[k] += nb")
    for i in range(d):
        w(f"                    u{i}[k] = u{i}[k] / _r")
    w("                else:")
    ind = "                    "
    L.extend(_load_lines(spec, ind, "st0[{i}, {idx}]", "q{j}[{idx}]", "k"))
    for i in range(d):
        w(f"{ind}_v0_{i} = tv0[{i}, k]")
    w(f"{ind}for s in range(nb):")
    L.extend(_tangent_step_lines(spec, 1, ind + "    "))
    w(f"{ind}    if not g:")
    w(f"{ind}        dead[k] = True")
    w(f"{ind}        break")
    w(f"{ind}    acc[k] += math.log(_r0)")
    w(f"{ind}    cnt[k] += 1.0")
    for i in range(d):
        w(f"{ind}    _s{i} = _n{i}")
        w(f"{ind}    _v0_{i} = _u0_{i}")
    for i in range(d):
        w(f"{ind}a{i}[k] = _s{i}")
        w(f"{ind}u{i}[k] = _v0_{i}")
    w('''            t += nb
        for i in range(DIM):
            for k in range(w):
                X[i, lo + k] = st[i, k]
                V[i, lo + k] = tv[i, k]
        for k in range(w):
            S[0, lo + k] += acc[k]
            GOOD[lo + k] += cnt[k]''')


def _spectrum_blocked_source(L: list[str], spec: _Spec) -> None:
    """All d exponents with one modified Gram-Schmidt (d logs) per block of SPECTRUM_BLOCK steps.

    Inside a block the d tangent vectors are only multiplied by the Jacobians (the lane loop
    vectorizes: no sqrt, division or log), and each lane records whether every step stayed clean:
    image within the horizon, each vector's 1-norm within [LYAPUNOV_TINY, LYAPUNOV_HUGE]. After
    the block a clean lane is re-orthonormalised once and adds the d logs, provided Gram-Schmidt
    kept at least SPECTRUM_APART of every vector's length (vectors that drew together in the block
    would give the smaller exponents with their rounding error amplified); any other lane is
    replayed from the block's start with the per-step code of ``spectrum_stepwise``, and a lane
    frozen earlier is restored. What a lane computes depends on its own orbit only: bitwise the
    same for every chunk and thread count.
    """
    d, npar = spec.dim, spec.npar
    nv = d * d
    w = L.append
    w(_tangent_block_prologue("lyapunov_all", f"{d} tangent vectors V ({nv}, n) along orbits "
                              f"X; S ({d}, n) += log stretching factors.", str(nv), f"({d}, w)",
                              "SPECTRUM_BLOCK"))
    for i in range(d):
        w(f"            a{i} = st[{i}]")
    for m in range(d):
        for i in range(d):
            w(f"            u{m}_{i} = tv[{m * d + i}]")
    for j in range(npar):
        w(f"            q{j} = prm[{j}]")
    jn = [f"_j{i}_{j}" for i in range(d) for j in range(d)]
    nsum = " + ".join(f"abs(_n{i})" for i in range(d))
    w("            for s in range(nb):")
    w("                for k in range(w):")
    ind = "                    "
    L.extend(_load_lines(spec, ind, "a{i}[{idx}]", "q{j}[{idx}]", "k"))
    w(f"{ind}_c = clean[k]")
    L.extend(_assignments(list(spec.update) + list(spec.jacobian),
                          [f"_n{i}" for i in range(d)] + jn, ind, "t"))
    w(f"{ind}_c = _c & ({nsum} <= H)")
    for m in range(d):
        for i in range(d):
            terms = " + ".join(f"_j{i}_{j}*u{m}_{j}[k]" for j in range(d))
            w(f"{ind}_w{m}_{i} = {terms}")
        msum = " + ".join(f"abs(_w{m}_{i})" for i in range(d))
        w(f"{ind}_m = {msum}")
        w(f"{ind}_c = _c & (_m <= HUGE) & (_m >= TINY)")
    for i in range(d):
        w(f"{ind}a{i}[k] = _n{i}")
    for m in range(d):
        for i in range(d):
            w(f"{ind}u{m}_{i}[k] = _w{m}_{i}")
    w(f"{ind}clean[k] = _c")
    # after the block, lane by lane
    w("            for k in range(w):")
    w("                if dead[k]:")
    for i in range(d):
        w(f"                    a{i}[k] = st0[{i}, k]")
    for m in range(d):
        for i in range(d):
            w(f"                    u{m}_{i}[k] = tv0[{m * d + i}, k]")
    w("                    continue")
    w("                ok = clean[k]")
    w("                if ok:")
    ind = "                    "
    for m in range(d):
        for i in range(d):
            w(f"{ind}_u{m}_{i} = u{m}_{i}[k]")
    for m in range(d):
        nrm2 = " + ".join(f"_u{m}_{i}*_u{m}_{i}" for i in range(d))
        w(f"{ind}_b{m} = math.sqrt({nrm2})")
        for p in range(m):
            dot = " + ".join(f"_u{p}_{i}*_u{m}_{i}" for i in range(d))
            w(f"{ind}_h = {dot}")
            for i in range(d):
                w(f"{ind}_u{m}_{i} = _u{m}_{i} - _h*_u{p}_{i}")
        w(f"{ind}_r{m} = math.sqrt({nrm2})")
        w(f"{ind}ok = ok & (_r{m} >= SPECTRUM_APART * _b{m}) & (_r{m} > 0.0)")
        for i in range(d):
            w(f"{ind}_u{m}_{i} = _u{m}_{i} / _r{m} if _r{m} > 0.0 else _u{m}_{i}")
    w(f"{ind}if ok:")
    for m in range(d):
        w(f"{ind}    acc[{m}, k] += math.log(_r{m})")
        for i in range(d):
            w(f"{ind}    u{m}_{i}[k] = _u{m}_{i}")
    w(f"{ind}    cnt[k] += nb")
    w("                if not ok:")
    L.extend(_load_lines(spec, ind, "st0[{i}, {idx}]", "q{j}[{idx}]", "k"))
    for m in range(d):
        for i in range(d):
            w(f"{ind}_v{m}_{i} = tv0[{m * d + i}, k]")
    w(f"{ind}for s in range(nb):")
    L.extend(_tangent_step_lines(spec, d, ind + "    "))
    w(f"{ind}    if not g:")
    w(f"{ind}        dead[k] = True")
    w(f"{ind}        break")
    for m in range(d):
        w(f"{ind}    acc[{m}, k] += math.log(_r{m})")
    w(f"{ind}    cnt[k] += 1.0")
    for i in range(d):
        w(f"{ind}    _s{i} = _n{i}")
    for m in range(d):
        for i in range(d):
            w(f"{ind}    _v{m}_{i} = _u{m}_{i}")
    for i in range(d):
        w(f"{ind}a{i}[k] = _s{i}")
    for m in range(d):
        for i in range(d):
            w(f"{ind}u{m}_{i}[k] = _v{m}_{i}")
    w(f'''            t += nb
        for i in range(DIM):
            for k in range(w):
                X[i, lo + k] = st[i, k]
        for i in range({nv}):
            for k in range(w):
                V[i, lo + k] = tv[i, k]
        for m in range({d}):
            for k in range(w):
                S[m, lo + k] += acc[m, k]
        for k in range(w):
            GOOD[lo + k] += cnt[k]''')


def _transverse_source(L: list[str], spec: _Spec) -> None:
    d = spec.dim
    w = L.append
    w('''

@njit(parallel=True, **_OPTS)
def transverse(X, P, steps, H, S, GOOD):
    """S += log |nhat(F x) . J(x) nhat(x)| along orbits X (one orbit per prange item)."""
    n = X.shape[1]
    for k in prange(n):''')
    ind = "        "
    L.extend(_load_lines(spec, ind, "X[{i}, {idx}]", "P[{j}, {idx}]", "k"))
    w(f"{ind}acc = 0.0")
    w(f"{ind}cnt = 0.0")
    w(f"{ind}for t in range(steps):")
    ind2 = ind + "    "
    exprs = list(spec.update) + list(spec.jacobian) + list(spec.normal)
    names = ([f"_n{i}" for i in range(d)] + [f"_j{i}_{j}" for i in range(d) for j in range(d)]
             + [f"_m{i}" for i in range(d)])
    L.extend(_assignments(exprs, names, ind2, "t"))
    w(f"{ind2}g = {_good_expr([f'_n{i}' for i in range(d)])}")
    w(f"{ind2}if not g:")
    w(f"{ind2}    break")
    # normal at the image: same expressions with state replaced by the image
    sub = {sp.Symbol(f"_s{i}", real=True): sp.Symbol(f"_n{i}", real=True) for i in range(d)}
    L.extend(_assignments([c.xreplace(sub) for c in spec.normal], [f"_o{i}" for i in range(d)],
                          ind2, "y"))
    jm = " + ".join(f"_o{i}*_j{i}_{j}*_m{j}" for i in range(d) for j in range(d))
    nm = " + ".join(f"_m{i}*_m{i}" for i in range(d))
    no = " + ".join(f"_o{i}*_o{i}" for i in range(d))
    w(f"{ind2}acc += math.log(abs({jm}) / math.sqrt(({nm})*({no})))")
    w(f"{ind2}cnt += 1.0")
    for i in range(d):
        w(f"{ind2}_s{i} = _n{i}")
    w(f"{ind}S[k] = acc")
    w(f"{ind}GOOD[k] = cnt")
    for i in range(d):
        w(f"{ind}X[{i}, k] = _s{i}")


# -- cache and import --------------------------------------------------------------------------
def _key(spec: _Spec, name: str, wide: bool) -> str:
    # everything the kernel depends on: sizes too (a map with a constant c and the same update
    # without it must not share a kernel reading NPAR parameters), and the vector width (Numba's
    # cache of a module holds the machine code of one width)
    text = repr((CODEGEN_VERSION, bool(wide), ITERATE_BLOCK, LYAPUNOV_BLOCK, LYAPUNOV_TINY,
                 LYAPUNOV_HUGE, SPECTRUM_BLOCK, SPECTRUM_APART, numba.__version__,
                 np.__version__, name,
                 spec.dim, spec.npar, "float64",
                 [sp.srepr(e) for e in spec.update],
                 None if spec.normal is None else [sp.srepr(e) for e in spec.normal]))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


#: first line of every generated module: its key and the sha256 of the rest of the file
_SEAL = "# dynverify kernel {key} sha256={digest}\n"


def _sealed(source: str, key: str) -> str:
    return _SEAL.format(key=key, digest=hashlib.sha256(source.encode()).hexdigest()) + source


def _seal_ok(path: Path, key: str) -> bool:
    """Whether the cached module is complete and is the one for ``key`` (not truncated, not
    edited, not another map's)."""
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError):
        return False
    head, sep, body = text.partition("\n")
    return bool(sep) and head + "\n" == _SEAL.format(
        key=key, digest=hashlib.sha256(body.encode()).hexdigest())


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=tmp_prefix(path.stem), suffix=".py")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        publish(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def import_generated(path: Path, modname: str):
    if modname in sys.modules:
        return sys.modules[modname]
    spec = importlib.util.spec_from_file_location(modname, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    spec.loader.exec_module(module)
    return module


# -- public objects ----------------------------------------------------------------------------
@dataclass(frozen=True)
class IterateResult:
    """Outcome of :meth:`CompiledMap.iterate`.

    Attributes
    ----------
    final : (n, d) float64
        State after ``steps`` steps; a diverged orbit holds its last state within the horizon.
    diverged : (n,) bool
        Whether the orbit left the horizon (or became non-finite).
    diverge_step : (n,) int64
        Index ``k`` of the first iterate ``x_k`` beyond the horizon, ``-1`` if none.
    trajectory : (n, record, d) float64 or None
        The last ``record`` iterates ``x_{steps-record+1} .. x_steps`` (frozen after divergence).
    steps : int
        Number of steps requested.
    """

    final: np.ndarray
    diverged: np.ndarray
    diverge_step: np.ndarray
    trajectory: np.ndarray | None
    steps: int


class CompiledMap:
    """Numba kernels of a :class:`theory.SymbolicMap` (build it with :func:`compile_map`).

    Attributes
    ----------
    map : the SymbolicMap; ``dim``; ``param_names`` (parameter names, in order); ``source_path``.
    """

    def __init__(self, F, module, path: Path):
        self.map = F
        self.module = module
        self.source_path = path
        self.dim = F.dim
        self.param_names = tuple(p.name for p in F.params)
        self.name = F.name

    def __repr__(self) -> str:
        return f"CompiledMap({self.name!r}, dim={self.dim}, params={self.param_names})"

    # -- input handling ------------------------------------------------------------------------
    def _states(self, x, what: str = "x0") -> np.ndarray:
        """(n, d) float64 C array from a point, a list of points or (d == 1) a vector."""
        arr = np.asarray(x, dtype=np.float64)
        if arr.ndim == 0 and self.dim == 1:
            arr = arr.reshape(1, 1)
        elif arr.ndim == 1:
            if arr.shape[0] == self.dim:
                arr = arr.reshape(1, self.dim)
            elif self.dim == 1:
                arr = arr.reshape(-1, 1)
            else:
                raise ValueError(f"{what}: shape {arr.shape} is not ({self.dim},) or "
                                 f"(n, {self.dim})")
        if arr.ndim != 2 or arr.shape[1] != self.dim:
            raise ValueError(f"{what}: shape {arr.shape} is not ({self.dim},) or "
                             f"(n, {self.dim})")
        if not all_finite(arr):
            raise ValueError(f"{what}: non-finite start values")
        return np.ascontiguousarray(arr)

    def param_matrix(self, params, n: int | None = None) -> tuple[np.ndarray, int]:
        """(npar, n) parameter array from a dict ``name -> scalar or (n,) array``.

        The kernels only read it: for a map with one parameter given as a contiguous float64
        array, it is a view of that array (no copy of a large sweep's parameters per call).

        Examples
        --------
        >>> from theory import gd_map
        >>> K = compile_map(gd_map("(a*b - 1)**2/2", params="a b", step="mu"))
        >>> K.param_matrix({"mu": [0.1, 0.2]})[0]
        array([[0.1, 0.2]])
        """
        params = dict(params or {})
        unknown = sorted(set(map(str, params)) - set(self.param_names))
        if unknown:
            raise ValueError(f"params: unknown parameter(s) {', '.join(unknown)} for map "
                             f"{self.name!r} (parameters: {', '.join(self.param_names) or 'none'})")
        missing = [p for p in self.param_names if p not in map(str, params)]
        if missing:
            raise ValueError(f"params: missing value for {', '.join(missing)}")
        values = {str(k): np.asarray(v, dtype=np.float64) for k, v in params.items()}
        sizes = {v.size for v in values.values() if v.ndim > 0}
        for k, v in values.items():
            if v.ndim > 1:
                raise ValueError(f"params: {k} must be a scalar or a 1-D array, got shape "
                                 f"{v.shape}")
            if not all_finite(v):
                raise ValueError(f"params: {k} has non-finite values")
        if n is not None:
            sizes.add(n)
        sizes.discard(1)
        if len(sizes) > 1:
            raise ValueError(f"params: lengths {sorted(sizes)} do not broadcast together")
        m = sizes.pop() if sizes else 1
        if len(self.param_names) == 1:
            only = values[self.param_names[0]]
            if only.size == m and only.flags.c_contiguous:
                return only.reshape(1, m), m
        P = np.empty((len(self.param_names), m))
        for j, name in enumerate(self.param_names):
            P[j] = values[name]
        return P, m

    def _prepare(self, x, params):
        X = self._states(x)
        P, m = self.param_matrix(params, None if X.shape[0] == 1 else X.shape[0])
        if X.shape[0] == 1 and m > 1:
            X = np.repeat(X, m, axis=0)
        return np.array(X.T, order="C"), np.ascontiguousarray(P)   # always a copy

    # -- kernels -------------------------------------------------------------------------------
    def kernel(self, name: str, n: int, work: int, chunk: int = MIN_CHUNK):
        """The generated kernel ``name`` for ``n`` orbits and ``work`` orbit-steps: its serial
        twin (``NAME_serial``, bitwise the same results) when the batch is one chunk or at most
        :data:`SERIAL_WORK` orbit-steps, where starting the worker threads costs more than the
        work; else the parallel kernel.

        Examples
        --------
        >>> from theory import gd_map
        >>> K = compile_map(gd_map("(a*b - 1)**2/2", params="a b", step="mu"))
        >>> K.kernel("iterate", 64, 64 * 100) is K.module.iterate_serial
        True
        >>> K.kernel("iterate", 10**6, 10**9) is K.module.iterate
        True
        """
        if n <= chunk or work <= SERIAL_WORK:
            return getattr(self.module, f"{name}_serial")
        return getattr(self.module, name)

    def step(self, x, params=None) -> np.ndarray:
        """Image ``F(x)``: shape (d,) for one point, (n, d) for many.

        Examples
        --------
        >>> from theory import gd_map
        >>> K = compile_map(gd_map("(a*b - 1)**2/2", params="a b", step="mu"))
        >>> K.step([2.0, 1.0], {"mu": 0.5})
        array([1.5, 0. ])
        """
        single = np.ndim(x) <= 1 and (np.ndim(x) == 0 or np.shape(x)[0] == self.dim)
        X, P = self._prepare(x, params)
        out = np.empty_like(X)
        self.kernel("step_many", X.shape[1], X.shape[1])(X, P, out)
        return out[:, 0] if single and out.shape[1] == 1 else out.T.copy()

    def jacobian(self, x, params=None) -> np.ndarray:
        """Jacobian ``DF(x)``: shape (d, d) for one point, (n, d, d) for many.

        Examples
        --------
        >>> from theory import gd_map
        >>> K = compile_map(gd_map("(a*b - 1)**2/2", params="a b", step="mu"))
        >>> K.jacobian([1.0, 1.0], {"mu": 0.5})
        array([[ 0.5, -0.5],
               [-0.5,  0.5]])
        """
        single = np.ndim(x) <= 1 and (np.ndim(x) == 0 or np.shape(x)[0] == self.dim)
        X, P = self._prepare(x, params)
        out = np.empty((self.dim, self.dim, X.shape[1]))
        self.kernel("jacobian_many", X.shape[1], X.shape[1] * self.dim)(X, P, out)
        out = np.moveaxis(out, 2, 0).copy()
        return out[0] if single and out.shape[0] == 1 else out

    def iterate_chunk(self, n: int) -> int:
        """The orbits per parallel task :meth:`iterate` takes for ``n`` orbits with chunk=None.

        Examples
        --------
        >>> from theory import gd_map
        >>> K = compile_map(gd_map("(a*b - 1)**2/2", params="a b", step="mu"))
        >>> K.iterate_chunk(10**6) == default_chunk(9, 10**6)
        True
        """
        # per orbit in a chunk: two state buffers, the saved state, parameters, counter, flags
        return default_chunk(3 * self.dim + len(self.param_names) + 2, n)

    def iterate(self, x0, params=None, steps: int = 1000, *, horizon: float = DEFAULT_HORIZON,
                chunk: int | None = DEFAULT_CHUNK, record: int = 0) -> IterateResult:
        """Iterate many orbits at once, each with its own parameters.

        Parameters
        ----------
        x0 : (d,) or (n, d) start points (for d == 1 also (n,)); must be finite.
        params : dict name -> scalar or (n,) array, broadcast against the orbits.
        steps : number of map applications.
        horizon : an orbit diverges at the first iterate with ``max|x_i| > horizon`` or a
            non-finite coordinate; it is then frozen at its last state within the horizon.
        chunk : orbits per parallel task (performance only: results are bitwise identical for
            every chunk size and thread count); None chooses it for the map and the batch
            (:func:`default_chunk`).
        record : keep the last ``record`` iterates in ``trajectory``.

        Examples
        --------
        >>> import sympy as sp
        >>> from theory import SymbolicMap
        >>> x = sp.Symbol("x")
        >>> K = compile_map(SymbolicMap((x,), (x**2,), name="square"))
        >>> run = K.iterate([0.5, 10.0], {}, steps=5)
        >>> run.diverged, run.diverge_step
        (array([False,  True]), array([-1,  3]))
        >>> run.final[1]   # x_3 = 1e8 left the horizon 1e6: frozen at x_2
        array([10000.])
        """
        steps = int(steps)
        record = int(record)
        if steps < 0:
            raise ValueError(f"steps: must be >= 0, got {steps}")
        if not 0 <= record <= steps:
            raise ValueError(f"record: must be between 0 and steps={steps}, got {record}")
        if chunk is not None and int(chunk) < 1:
            raise ValueError(f"chunk: must be >= 1, got {chunk}")
        if not horizon > 0:
            raise ValueError(f"horizon: must be > 0, got {horizon}")
        X = self._states(x0)
        P, m = self.param_matrix(params, None if X.shape[0] == 1 else X.shape[0])
        if X.shape[0] == 1 and m > 1:
            X = np.repeat(X, m, axis=0)
        n = X.shape[0]
        if P.shape[1] != n:  # scalar parameters: one column per orbit
            P = np.ascontiguousarray(np.broadcast_to(P, (P.shape[0], n)))
        out = np.empty_like(X)
        dstep = np.empty(n, dtype=np.int64)
        R = np.empty((n, record, self.dim))
        chunk = self.iterate_chunk(n) if chunk is None else int(chunk)
        kernel = self.kernel("iterate", n, n * max(steps, 1), chunk)
        kernel(X, P, steps, kernel_horizon(horizon), chunk, R, steps - record, out, dstep)
        return IterateResult(out, dstep >= 0, dstep, R if record else None, steps)


_LOADED: dict[tuple[str, str], object] = {}


def all_finite(arr: np.ndarray) -> bool:
    """Whether every entry of a float array is finite, in one pass and without a temporary the
    size of ``arr``: a non-finite entry makes the sum non-finite (inf - inf is nan), so only a sum
    that overflows needs the entry-by-entry test.

    Examples
    --------
    >>> all_finite(np.array([1.0, 2.0])), all_finite(np.array([1.0, np.nan]))
    (True, False)
    >>> all_finite(np.array([1e308, 1e308])), all_finite(np.array([np.inf, -np.inf]))
    (True, False)
    """
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(arr, axis=None)
    return bool(np.isfinite(total)) or bool(np.isfinite(arr).all())


def kernel_horizon(horizon: float) -> float:
    """The bound the kernels test ``abs(x) <= H`` against: an infinite horizon becomes the largest
    finite double, so that overflow to inf still counts as divergence."""
    if not horizon > 0:
        raise ValueError(f"horizon: must be > 0, got {horizon}")
    return float(min(horizon, np.finfo(np.float64).max))


_FALLBACK_WARNED: set[str] = set()


def _usable_cache(root: Path) -> Path:
    """``root`` if kernels can be written there, else a private temporary directory (with one
    warning line): a read-only cache or a ``$DYNVERIFY_CACHE`` that is a file is not fatal."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        if os.access(root, os.W_OK | os.X_OK):
            return root
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / f"dynverify-kernels-{os.getuid()}"
    if str(root) not in _FALLBACK_WARNED:
        _FALLBACK_WARNED.add(str(root))
        print(f"dynverify: warning: kernel cache {root} is not a writable directory; using "
              f"{fallback}", file=sys.stderr)
    try:
        fallback.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise OSError(f"no writable kernel cache: {root} and {fallback} both fail ({exc})") \
            from None
    return fallback


def compile_map(F, *, cache_dir: str | os.PathLike | None = None, normal=None,
                wide_vectors: bool | None = None) -> CompiledMap:
    """Generate, cache and compile the Numba kernels of a SymbolicMap.

    Parameters
    ----------
    F : theory.SymbolicMap
    cache_dir : where generated modules live (default :func:`default_cache_dir`). The file name is
        a hash of the expressions, so a changed map gets a new file; Numba's own cache sits in
        ``__pycache__`` next to it. Damaged files are detected and rebuilt
        (:func:`load_cached_module`).
    normal : optional normal field of an invariant curve (one expression per state variable, in the
        map's symbols); adds the kernel used by :func:`numerics.transverse_exponent`.
    wide_vectors : 512-bit vectors in the kernels (speed only: results are bitwise the same);
        None (default) follows ``$DYNVERIFY_WIDE_VECTORS`` (:mod:`numerics.vector_width`).

    Examples
    --------
    >>> from theory import gd_map
    >>> K = compile_map(gd_map("(a*b - 1)**2/2", params="a b", step="mu"))
    >>> K
    CompiledMap('gd', dim=2, params=('mu',))
    >>> K.source_path.suffix
    '.py'
    """
    if not hasattr(F, "update") or not hasattr(F, "state"):
        raise ValueError(f"F: expected a theory.SymbolicMap, got {type(F).__name__}")
    if normal is not None and not isinstance(normal, (list, tuple, sp.Matrix)):
        raise ValueError("normal: give one expression (or number) per state variable")
    if normal is not None:
        by_name = {s.name: s for s in (*F.state, *F.params)}
        normal = [sp.sympify(c, locals=by_name) for c in normal]
        table = {sp.Symbol(s.name): s for s in (*F.state, *F.params)}
        normal = [c.xreplace(table) for c in normal]
    spec = _spec(F, normal)
    vector_width.warn_if_invalid()
    wide = vector_width.wide_vectors() if wide_vectors is None else bool(wide_vectors)
    key = _key(spec, F.name, wide)
    root = _usable_cache(Path(cache_dir) if cache_dir is not None else default_cache_dir())

    def source() -> str:
        pairs = "\n".join(f"{s} -> {sp.sstr(u)}" for s, u in zip(F.state, F.update, strict=True))
        pairs += "\nparameters: " + ", ".join(p.name for p in F.params)
        return _source(spec, F.name, pairs, wide)

    path = root / f"dv_{key}.py"
    module = load_cached_module(path, f"_dynverify_kernels_{key}", key, source)
    return CompiledMap(F, module, path)


def load_cached_module(path: Path, modname: str, key: str, source) -> object:
    """Import the generated module at ``path``, first (re)writing it from ``source()`` unless the
    file there is complete and sealed with ``key``; Numba's cache files of a damaged or stale
    module, or damaged ones of a sound module, are dropped first (one warning line), never
    trusted."""
    cache_key = (modname, str(path))
    module = _LOADED.get(cache_key)
    if module is not None:
        return module
    remove_stale(path.parent)
    numba_dir = path.parent / "__pycache__"
    if path.exists() and not _seal_ok(path, key):
        print(f"dynverify: kernel cache entry {path} is damaged or stale; rebuilding it",
              file=sys.stderr)
        drop_cache_files(numba_dir, path.stem)
    elif path.exists() and not cache_files_ok(numba_dir, path.stem):
        print(f"dynverify: Numba cache of {path.name} is damaged; recompiling", file=sys.stderr)
        drop_cache_files(numba_dir, path.stem)
    if not path.exists() or not _seal_ok(path, key):
        write_atomic(path, _sealed(source(), key))
    module = import_generated(path, modname)
    _LOADED[cache_key] = module
    return module


def _as_param_dict(K: CompiledMap, params: Mapping | None) -> dict:
    return {str(k): v for k, v in dict(params or {}).items()}
