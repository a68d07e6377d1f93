"""The SIMD width of dynverify's own kernels: 512-bit vectors where the CPU has AVX-512.

On AVX-512 CPUs LLVM's tuning prefers 256-bit vectors in loops (older cores slowed their clock
for 512-bit instructions), so Numba's kernels use half the lanes the FMA units offer; dynverify's
loops over orbits are pure arithmetic, and measured 1.0-1.3x faster with 512-bit vectors
(iterate, Lyapunov exponents, basins; ``benchmarks/bench_kernels.py``). Numba can only change
this for the whole process (``NUMBA_CPU_FEATURES``), which would change the machine code of the
user's own jitted functions too. :func:`njit` here instead marks the LLVM functions of one kernel
with the function attribute ``"prefer-vector-width"="512"`` while that kernel compiles (see
:func:`njit` for what else).

The width changes speed only: without fastmath, LLVM may not reorder or fuse floating-point
operations, and no vector math library is involved (``exp``/``log`` stay calls to the scalar C
library when Numba has no SVML), so each lane computes the same float64 operations in the same
order at any width: results are bitwise the same (tested).

``DYNVERIFY_WIDE_VECTORS``: ``auto`` (the default: 512-bit where the CPU has AVX-512), ``1``
(ask for it anyway: harmless without AVX-512, where 256 bits are the most LLVM can use), ``0``
(LLVM's own choice). The setting is read once per process; generated kernels are cached per width.

Examples
--------
>>> parse_setting("auto", host_avx512=True), parse_setting("0", host_avx512=True)
(True, False)
>>> parse_setting(None, host_avx512=False)
False
>>> parse_setting("fast", host_avx512=True)
Traceback (most recent call last):
...
ValueError: DYNVERIFY_WIDE_VECTORS: expected auto, 0 or 1, got 'fast'
"""

from __future__ import annotations

import functools
import os
import sys
import threading

import numba
import numpy as np

__all__ = ["ENV", "host_has_avx512", "lane_array", "lane_width", "njit", "parse_setting",
           "setting_error", "warn_if_invalid", "wide_vectors"]

ENV = "DYNVERIFY_WIDE_VECTORS"

# an LLVM string function attribute: the X86 back end reads it per function when it builds the
# subtarget, so it overrides the CPU's 256-bit preference for the marked functions only
_ATTRIBUTE = '"prefer-vector-width"="512"'

_compiling = threading.local()  # .wide: a kernel of ours is compiling in this thread


def parse_setting(value: str | None, *, host_avx512: bool) -> bool:
    """Whether kernels use 512-bit vectors, for the value of ``DYNVERIFY_WIDE_VECTORS``."""
    v = (value or "auto").strip().lower()
    if v == "auto":
        return host_avx512
    if v in ("1", "on", "yes", "true"):
        return True
    if v in ("0", "off", "no", "false"):
        return False
    raise ValueError(f"{ENV}: expected auto, 0 or 1, got {value!r}")


@functools.cache
def host_has_avx512() -> bool:
    """Whether this CPU has AVX-512F (as LLVM sees it)."""
    from llvmlite import binding

    try:
        return bool(binding.get_host_cpu_features().get("avx512f", False))
    except RuntimeError:  # LLVM cannot read the features on this platform
        return False


def setting_error() -> str | None:
    """The one-line complaint about ``DYNVERIFY_WIDE_VECTORS``, or None when it is valid."""
    try:
        parse_setting(os.environ.get(ENV), host_avx512=False)
    except ValueError as exc:
        return str(exc)
    return None


@functools.cache
def wide_vectors() -> bool:
    """This process's choice (read once): 512-bit vectors in dynverify's kernels, or not.

    An invalid ``DYNVERIFY_WIDE_VECTORS`` counts as ``auto`` (the command line refuses it with
    exit 2 before anything compiles; :func:`warn_if_invalid` tells a library user). False too
    where this Numba offers no way to mark a kernel's functions.
    """
    try:
        wide = parse_setting(os.environ.get(ENV), host_avx512=host_has_avx512())
    except ValueError:
        wide = host_has_avx512()
    return wide and _install_marker()


@functools.cache
def warn_if_invalid() -> None:
    """One warning line (once per process) when ``DYNVERIFY_WIDE_VECTORS`` is invalid. Not part
    of :func:`wide_vectors`, which runs when the kernel modules are imported: the command line
    checks the setting itself, after that import could print anything."""
    if (problem := setting_error()) is not None:
        print(f"dynverify: warning: {problem}; using auto", file=sys.stderr)


@functools.cache
def _install_marker() -> bool:
    """Make Numba's CPU code library mark each function it receives with :data:`_ATTRIBUTE`
    while one of :func:`njit`'s kernels compiles (every function of such a compilation passes
    through ``add_ir_module``, the loops that parallel=True moves into functions of their own
    too). Any other dispatcher compiling meanwhile (a jitted function the kernel calls for the
    first time, Numba's own implementations of NumPy functions) compiles unmarked: the flag
    follows the dispatcher being compiled. False, and nothing changed, where this Numba or
    llvmlite lacks the pieces."""
    try:
        from llvmlite import ir
        from numba.core.codegen import CPUCodeLibrary
        from numba.core.dispatcher import Dispatcher
    except ImportError:
        return False
    add_original = getattr(CPUCodeLibrary, "add_ir_module", None)
    compile_original = getattr(Dispatcher, "compile", None)
    if add_original is None or compile_original is None or not hasattr(ir.Module, "functions"):
        return False

    def add_ir_module(self, ir_module):
        if getattr(_compiling, "wide", False):
            for fn in ir_module.functions:
                if fn.blocks:  # a definition, not a declaration
                    # set.add: llvmlite's own add() accepts only the attributes it knows by name
                    set.add(fn.attributes, _ATTRIBUTE)
        return add_original(self, ir_module)

    def compile(self, sig):
        before = getattr(_compiling, "wide", False)
        _compiling.wide = getattr(self, "_dynverify_wide", False)
        try:
            return compile_original(self, sig)
        finally:
            _compiling.wide = before

    add_ir_module.__wrapped__ = add_original
    compile.__wrapped__ = compile_original
    CPUCodeLibrary.add_ir_module = add_ir_module
    Dispatcher.compile = compile
    return True


def njit(*, wide: bool | None = None, **options):
    """``numba.njit(**options)`` whose compilations use 512-bit vectors when ``wide`` (default:
    :func:`wide_vectors`). The loops that ``prange`` moves into functions of their own are marked
    too. Other jitted functions are not, even when this one's compilation compiles them first;
    the exception is Numba's small runtime helpers (reference counting), which then carry the
    mark wherever they are linked (speed only: they hold no vector loops).

    Examples
    --------
    >>> import numpy as np
    >>> @njit(cache=False)
    ... def total(x):
    ...     s = 0.0
    ...     for v in x:
    ...         s += v
    ...     return s
    >>> total(np.arange(4.0))
    6.0
    """
    wide = wide_vectors() if wide is None else (wide and _install_marker())

    def decorate(fn):
        dispatcher = numba.njit(**options)(fn)
        if wide:
            dispatcher._dynverify_wide = True  # read by the compile wrapper of _install_marker
        return dispatcher

    return decorate


# -- lane arrays ----------------------------------------------------------------------------------
# Kernels advance a chunk of orbits (prompts) side by side, one per lane, in arrays of shape
# (rows, lanes). Numba aligns arrays to 32 bytes only: in half the chunks every 512-bit load of 8
# lanes then straddles two cache lines (iterate ran at 0.8x in those).


@numba.njit(inline="always")
def lane_width(w):  # pragma: no cover - compiled
    """Row length for ``w`` lanes: ``w`` rounded up to whole 64-byte lines (8 float64)."""
    return (w + 7) // 8 * 8


@numba.njit(inline="always")
def lane_array(rows, width):  # pragma: no cover - compiled
    """An uninitialised C-contiguous ``(rows, width)`` float64 array, ``width`` from
    :func:`lane_width`, whose rows all start on a 64-byte boundary. Speed only: the lanes past the
    chunk's own are never read."""
    raw = np.empty(rows * width + 7)
    skip = (-(raw.ctypes.data >> 3)) & 7  # float64s to the next 64-byte boundary
    return raw[skip:skip + rows * width].reshape((rows, width))
