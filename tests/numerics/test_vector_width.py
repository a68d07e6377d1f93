"""512-bit vectors in dynverify's kernels only: marked where asked, nowhere else, same results."""

import re

import numba
import numpy as np
import pytest
import sympy as sp

from numerics import compile_map, lyapunov, vector_width
from numerics.vector_width import lane_array, lane_width, njit, parse_setting, setting_error
from theory import SymbolicMap, gd_map

AVX512 = vector_width.host_has_avx512()
needs_avx512 = pytest.mark.skipif(not AVX512, reason="the CPU has no AVX-512: no zmm to look for")


def registers(asm: str) -> dict[str, int]:
    return {r: len(re.findall(rf"%{r}\d", asm)) for r in ("zmm", "ymm")}


def asm_of(dispatcher) -> str:
    return "".join(dispatcher.inspect_asm().values())


@pytest.mark.parametrize(("value", "host", "expected"), [
    (None, True, True), (None, False, False), ("auto", True, True), ("AUTO ", False, False),
    ("1", False, True), ("on", True, True), ("0", True, False), ("off", True, False),
])
def test_parse_setting(value, host, expected):
    assert parse_setting(value, host_avx512=host) is expected


def test_an_invalid_setting_is_named(monkeypatch):
    monkeypatch.setenv(vector_width.ENV, "fast")
    assert setting_error() == "DYNVERIFY_WIDE_VECTORS: expected auto, 0 or 1, got 'fast'"
    monkeypatch.setenv(vector_width.ENV, "0")
    assert setting_error() is None


def _total(x):
    s = np.zeros(8)
    for i in range(x.shape[0] // 8):
        for j in range(8):
            s[j] += x[8 * i + j] * x[8 * i + j]
    return s


@needs_avx512
def test_only_the_marked_function_gets_512_bit_vectors():
    x = np.arange(64.0)
    plain = numba.njit(_total)
    wide = njit(wide=True)(_total)
    after = numba.njit(_total)   # compiled after the wide one: must stay unmarked
    assert np.array_equal(plain(x), wide(x)) and np.array_equal(after(x), wide(x))
    assert registers(asm_of(wide))["zmm"] > 0
    assert registers(asm_of(plain))["zmm"] == 0
    assert registers(asm_of(after))["zmm"] == 0


@pytest.fixture(scope="module")
def two_widths(tmp_path_factory):
    # (a module already imported from the session's kernel cache under the same key is reused:
    # the same width, since the width is part of the key)
    F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
    return {w: compile_map(F, cache_dir=tmp_path_factory.mktemp(f"wide{w}"), wide_vectors=w)
            for w in (True, False)}


def test_the_width_is_part_of_the_kernel_key(two_widths):
    wide, narrow = two_widths[True], two_widths[False]
    assert wide.source_path.name != narrow.source_path.name
    assert "WIDE_VECTORS = True" in wide.source_path.read_text()
    assert "WIDE_VECTORS = False" in narrow.source_path.read_text()


def test_both_widths_give_bitwise_the_same_orbits_and_exponents(two_widths):
    # a batch large enough for the parallel kernels (their prange loops are compiled apart),
    # with orbits that diverge, settle and wander (mu up to 1.2 at these starts)
    rng = np.random.default_rng(7)
    n = 20_000
    X = np.stack([rng.uniform(-1.0, 2.5, n), rng.uniform(-1.0, 2.5, n)], axis=1)
    mu = rng.uniform(0.05, 1.2, n)
    runs = {}
    for w, K in two_widths.items():
        it = K.iterate(X, {"mu": mu}, 300, record=7)
        # 250 x 450 orbit-steps: the serial twins (same statements), quicker to compile; the
        # spectrum kernel (about 5 s to compile per width) is left out for the suite's time
        top = lyapunov(K, "mu", mu[:250], X[:250], steps=400, transient=50)
        runs[w] = (it.final, it.diverge_step, it.trajectory, top.exponents)
    assert np.any(runs[True][1] >= 0) and np.any(runs[True][1] < 0)  # both kinds of orbit met
    for a, b in zip(runs[True], runs[False], strict=True):
        assert np.array_equal(a, b, equal_nan=True)


def _scaled(x, out):
    for i in numba.prange(x.shape[0] // 64):
        for j in range(64 * i, 64 * i + 64):
            out[j] = 3.0 * x[j] * x[j] - x[j]


@needs_avx512
def test_the_parallel_loops_are_marked_too():
    # prange moves a loop into a function of its own (where the generated kernels' lanes are)
    x, outs = np.linspace(-1.0, 1.0, 256), [np.empty(256), np.empty(256)]
    wide = njit(wide=True, parallel=True)(_scaled)
    plain = numba.njit(parallel=True)(_scaled)
    wide(x, outs[0])
    plain(x, outs[1])
    assert np.array_equal(*outs)
    assert registers(asm_of(wide))["zmm"] > 0 and registers(asm_of(plain))["zmm"] == 0


def test_a_one_dimensional_map_agrees_too(tmp_path):
    a, s = sp.symbols("a mu", real=True)
    F = SymbolicMap((a,), ((1 + s) * a - s * a**3,), params=(s,), name="cubic")
    mu = np.linspace(0.0, 2.3, 4000)
    out = [compile_map(F, cache_dir=tmp_path / str(w), wide_vectors=w)
           .iterate(np.full(mu.size, 0.3), {"mu": mu}, 500, record=3) for w in (True, False)]
    assert np.any(out[0].diverged) and not np.all(out[0].diverged)
    assert np.array_equal(out[0].trajectory, out[1].trajectory)
    assert np.array_equal(out[0].diverge_step, out[1].diverge_step)


@numba.njit
def _lane_rows(rows, w):
    width = lane_width(w)
    a = lane_array(rows, width)
    a[:] = 1.0  # every element writable: the view lies inside its allocation
    return width, np.array([a[i].ctypes.data % 64 for i in range(rows)]), a.shape


def test_lane_arrays_start_every_row_on_a_cache_line():
    # np.empty in Numba is only 32-byte aligned: over these many allocations some would be off
    for rows in (1, 2, 3, 5):
        for w in (1, 7, 8, 13, 64, 255, 256):
            width, offsets, shape = _lane_rows(rows, w)
            assert width % 8 == 0 and w <= width < w + 8 and shape == (rows, width)
            assert not offsets.any(), (rows, w, offsets)


@numba.njit
def _user_square(x, out):  # stands for a user's own jitted function
    for i in range(x.shape[0]):
        out[i] = x[i] * x[i] + 1.0


def _calls_user(x, out):
    _user_square(x, out)


@needs_avx512
def test_a_function_compiled_on_the_way_stays_unmarked():
    # our kernel compiles _user_square first (it calls it); the user's own later calls run that
    # compiled code, so it must carry no mark (with fastmath a mark would change its results)
    x, out = np.arange(64.0), np.empty(64)
    kernel = njit(wide=True)(_calls_user)
    kernel(x, out)
    assert registers(asm_of(_user_square))["zmm"] == 0
    assert np.array_equal(out, x * x + 1.0)
