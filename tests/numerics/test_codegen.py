"""Generated kernels: exact values, input validation, bitwise reproducibility, divergence, cache."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numba
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from numerics import compile_map
from numerics.codegen import ITERATE_BLOCK, IterateResult, all_finite
from theory import SymbolicMap

ROOT = Path(__file__).resolve().parents[2]


def test_step_and_jacobian_match_exact_sympy(two_factor, two_factor_map):
    F = two_factor_map
    pts = [(sp.Rational(3, 2), sp.Rational(-1, 4)), (sp.Rational(1, 3), sp.Integer(2))]
    mu = sp.Rational(3, 10)
    for p in pts:
        sub = dict(zip(F.state, p, strict=True)) | {F.params[0]: mu}
        exact = [float(u.subs(sub)) for u in F.update]
        jac = np.array(F.jacobian().subs(sub), dtype=float)
        x = np.array([float(v) for v in p])
        np.testing.assert_allclose(two_factor.step(x, {"mu": 0.3}), exact, rtol=1e-15)
        np.testing.assert_allclose(two_factor.jacobian(x, {"mu": 0.3}), jac, rtol=1e-15,
                                   atol=1e-15)


def test_batched_shapes_and_per_orbit_parameters(two_factor):
    X = np.array([[1.0, 2.0], [0.5, 0.5], [2.0, -1.0]])
    mus = np.array([0.1, 0.2, 0.3])
    out = two_factor.step(X, {"mu": mus})
    assert out.shape == (3, 2)
    for i in range(3):
        np.testing.assert_array_equal(out[i], two_factor.step(X[i], {"mu": mus[i]}))
    assert two_factor.jacobian(X, {"mu": 0.1}).shape == (3, 2, 2)
    run = two_factor.iterate([0.5, 0.5], {"mu": mus}, steps=3)   # one start, broadcast
    assert isinstance(run, IterateResult) and run.final.shape == (3, 2)


@pytest.mark.parametrize(
    ("x0", "params", "match"),
    [
        ([np.nan, 1.0], {"mu": 0.1}, "x0: non-finite"),
        ([1.0, 2.0, 3.0], {"mu": 0.1}, r"x0: shape \(3,\)"),
        ([1.0, 1.0], {"mu": 0.1, "nu": 2.0}, "params: unknown parameter.*nu"),
        ([1.0, 1.0], {}, "params: missing value for mu"),
        ([[1.0, 1.0]] * 3, {"mu": [0.1, 0.2]}, "do not broadcast"),
        ([1.0, 1.0], {"mu": np.inf}, "params: mu has non-finite"),
    ],
)
def test_bad_input_is_a_one_line_value_error(two_factor, x0, params, match):
    with pytest.raises(ValueError, match=match) as info:
        two_factor.iterate(x0, params, steps=2)
    assert "\n" not in str(info.value)


def test_bad_iterate_options(two_factor):
    for kwargs, match in [({"steps": -1}, "steps"), ({"record": 5}, "record"),
                          ({"chunk": 0}, "chunk"), ({"horizon": 0.0}, "horizon")]:
        with pytest.raises(ValueError, match=match):
            two_factor.iterate([1.0, 1.0], {"mu": 0.1}, **{"steps": 3, **kwargs})


def _mixed_starts(n, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2.5, 2.5, size=(n, 2))
    mu = rng.uniform(0.01, 0.9, size=n)   # converging, oscillating, chaotic and diverging orbits
    return X, mu


def test_bitwise_identical_for_any_chunk_and_thread_count(two_factor):
    X, mu = _mixed_starts(5000)
    before = numba.get_num_threads()
    results = []
    try:
        for threads in (1, 2):
            numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
            for chunk in (1, 7, 256, 4096):
                run = two_factor.iterate(X, {"mu": mu}, steps=300, chunk=chunk, record=4)
                results.append(run)
    finally:
        numba.set_num_threads(before)
    first = results[0]
    assert first.diverged.any() and not first.diverged.all()
    for run in results[1:]:
        assert run.final.tobytes() == first.final.tobytes()
        assert run.trajectory.tobytes() == first.trajectory.tobytes()
        assert np.array_equal(run.diverge_step, first.diverge_step)


def test_blocked_divergence_tests_equal_per_step_tests_bitwise(two_factor):
    """Unrecorded steps test divergence once per block and replay leavers; recorded steps test
    every step. Both paths must give the same states, labels and divergence steps, bit for bit,
    also for orbits that leave the horizon in the middle of a block."""
    rng = np.random.default_rng(3)
    x0 = rng.uniform(-3.0, 3.0, (4000, 2))
    mu = rng.uniform(0.05, 1.95, 4000)
    steps = 3 * ITERATE_BLOCK + 5
    blocked = two_factor.iterate(x0, {"mu": mu}, steps)
    per_step = two_factor.iterate(x0, {"mu": mu}, steps, record=steps)
    assert 0.2 < blocked.diverged.mean() < 0.95
    assert len(np.unique(blocked.diverge_step[blocked.diverged] % ITERATE_BLOCK)) > 10
    assert blocked.final.tobytes() == per_step.final.tobytes()
    assert np.array_equal(blocked.diverge_step, per_step.diverge_step)


@pytest.mark.parametrize("horizon", [1e6, np.inf])
def test_overflow_is_a_label_not_a_nan(square, horizon):
    run = square.iterate([[10.0], [0.5], [1.0]], {}, steps=50, horizon=horizon, record=10)
    assert run.diverged.tolist() == [True, False, False]
    assert np.isfinite(run.final).all() and np.isfinite(run.trajectory).all()
    # 10**(2**k): beyond 1e6 at k = 3; non-finite (overflow to inf) at k = 9
    assert run.diverge_step[0] == (3 if horizon == 1e6 else 9)
    x = 10.0
    for _ in range(run.diverge_step[0] - 1):
        x = x * x
    assert run.final[0, 0] == x and x == (1e4 if horizon == 1e6 else x)
    assert (run.trajectory[0] == run.final[0]).all()   # frozen


def test_start_beyond_horizon_diverges_at_step_zero(square):
    run = square.iterate([[2e6], [0.5]], {}, steps=3, record=2)
    assert run.diverge_step.tolist() == [0, -1]
    assert run.final[0, 0] == 2e6 and (run.trajectory[0] == 2e6).all()


def test_inputs_are_not_modified(cubic):
    a0 = np.array([0.3, 5.0, -0.2])
    cubic.iterate(a0, {"mu": 0.5}, steps=10)
    assert a0.tolist() == [0.3, 5.0, -0.2]


def test_a_single_parameter_array_is_read_in_place_and_left_untouched(two_factor):
    """One contiguous float64 parameter array goes to the kernels as a view (no copy of a
    sweep's parameters per call); the kernels only read it, and every other form is copied."""
    rng = np.random.default_rng(5)
    x0 = rng.uniform(-2.0, 2.0, (3000, 2))
    mu = rng.uniform(0.05, 1.9, 3000)
    kept = mu.copy()
    P, m = two_factor.param_matrix({"mu": mu}, 3000)
    assert m == 3000 and P.shape == (1, 3000) and np.shares_memory(P, mu)
    run = two_factor.iterate(x0, {"mu": mu}, steps=300, record=4)
    assert mu.tobytes() == kept.tobytes()
    assert 0 < run.diverged.mean() < 1
    # a strided parameter array and a list are copied, and give the same floats
    wide = np.empty(6000)
    wide[::2] = mu
    assert not np.shares_memory(two_factor.param_matrix({"mu": wide[::2]}, 3000)[0], wide)
    for form in (wide[::2], mu.tolist()):
        other = two_factor.iterate(x0, {"mu": form}, steps=300, record=4)
        assert other.final.tobytes() == run.final.tobytes()
        assert other.trajectory.tobytes() == run.trajectory.tobytes()
        assert np.array_equal(other.diverge_step, run.diverge_step)


@given(hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, max_side=6),
                  elements=st.floats(allow_nan=True, allow_infinity=True)))
@settings(max_examples=300, deadline=None)
def test_all_finite_agrees_with_the_entrywise_test(arr):
    assert all_finite(arr) == bool(np.isfinite(arr).all())


def test_all_finite_when_the_sum_overflows_or_cancels():
    big = np.full(4, np.finfo(np.float64).max)
    assert all_finite(big) and all_finite(np.concatenate([big, -big]))   # the sum overflows
    assert not all_finite(np.array([np.inf, -np.inf]))                    # the sum is nan
    assert not all_finite(np.concatenate([big, [np.nan]]))
    assert all_finite(np.empty(0))


def test_zero_steps_and_maps_without_parameters(square):
    run = square.iterate([0.5, 2.0], steps=0)
    assert run.final[:, 0].tolist() == [0.5, 2.0] and not run.diverged.any()


def test_generated_source_is_cached_on_disk(tmp_path):
    x, r = sp.symbols("x r")
    F = SymbolicMap((x,), (r * x * (1 - x),), params=(r,), name="cache-probe")
    K1 = compile_map(F, cache_dir=tmp_path)
    assert K1.source_path.parent == tmp_path and K1.source_path.exists()
    stamp = K1.source_path.stat().st_mtime_ns
    K2 = compile_map(F, cache_dir=tmp_path)
    assert K2.source_path == K1.source_path and K2.source_path.stat().st_mtime_ns == stamp
    assert K2.module is K1.module
    G = SymbolicMap((x,), (r * x * (1 - x) + 1,), params=(r,), name="cache-probe")
    assert compile_map(G, cache_dir=tmp_path).source_path != K1.source_path
    assert not list(tmp_path.glob(".*tmp-*"))       # atomic write leaves no temp files


def test_second_process_loads_machine_code_from_disk(tmp_path):
    script = textwrap.dedent(f"""
        import sympy as sp
        from numerics import compile_map
        from theory import SymbolicMap
        x, r = sp.symbols("x r")
        K = compile_map(SymbolicMap((x,), (r*x*(1 - x),), params=(r,), name="proc"),
                        cache_dir={str(tmp_path)!r})
        K.step([0.25], {{"r": 2.0}})
        st = K.module.step_many_serial.stats   # one point: the serial twin
        print(sum(st.cache_hits.values()), sum(st.cache_misses.values()))
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           env=env, check=True, timeout=120).stdout.split() for _ in range(2)]
    assert outs[0] == ["0", "1"]     # first process compiles
    assert outs[1] == ["1", "0"]     # second process loads from the disk cache


def _forget(K):
    """Drop an in-process loaded kernel module so the next compile_map reads the disk again."""
    from numerics import codegen

    for key in [k for k in codegen._LOADED if k[1] == str(K.source_path)]:
        sys.modules.pop(key[0], None)
        del codegen._LOADED[key]


def test_a_truncated_cached_kernel_is_rebuilt_not_trusted(tmp_path, capfd):
    x, r = sp.symbols("x r")
    F = SymbolicMap((x,), (r * x * (1 - x),), params=(r,), name="damage-probe")
    K = compile_map(F, cache_dir=tmp_path)
    expected = K.iterate([[0.2], [0.7]], {"r": 3.7}, 50).final
    text = K.source_path.read_text()
    cut = text.index("\n\n@njit", len(text) // 2)  # a still-valid Python prefix: fewer kernels
    K.source_path.write_text(text[:cut] + "\n")
    _forget(K)
    K2 = compile_map(F, cache_dir=tmp_path)
    assert "damaged or stale; rebuilding" in capfd.readouterr().err
    assert K2.source_path.read_text() == text
    assert np.array_equal(K2.iterate([[0.2], [0.7]], {"r": 3.7}, 50).final, expected)


def test_the_cache_key_covers_the_parameter_count(tmp_path):
    x, r, c = sp.symbols("x r c")
    with_c = SymbolicMap((x,), (r * x * (1 - x),), params=(r, c), name="npar-probe")
    without = SymbolicMap((x,), (r * x * (1 - x),), params=(r,), name="npar-probe")
    assert compile_map(with_c, cache_dir=tmp_path).source_path != \
        compile_map(without, cache_dir=tmp_path).source_path


def test_a_damaged_numba_cache_is_dropped_and_recompiled(tmp_path):
    script = textwrap.dedent(f"""
        import sympy as sp
        from numerics import compile_map
        from theory import SymbolicMap
        x, r = sp.symbols("x r")
        K = compile_map(SymbolicMap((x,), (r*x*(1 - x),), params=(r,), name="nbi"),
                        cache_dir={str(tmp_path)!r})
        print(float(K.step([0.25], {{"r": 2.0}}).ravel()[0]))
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run():
        return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              env=env, timeout=120)

    first = run()
    assert first.returncode == 0 and first.stdout.strip() == "0.375"
    damaged = list((tmp_path / "__pycache__").glob("*.nb[ic]"))
    assert damaged
    for f in damaged:
        f.write_bytes(f.read_bytes()[: len(f.read_bytes()) // 2])
    second = run()
    assert second.returncode == 0 and second.stdout.strip() == "0.375"
    assert "Numba cache of" in second.stderr and "recompiling" in second.stderr


def test_an_unusable_cache_falls_back_with_a_warning(tmp_path, capfd):
    x, r = sp.symbols("x r")
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    K = compile_map(SymbolicMap((x,), (r * x,), params=(r,), name="fallback-probe"),
                    cache_dir=not_a_dir)
    assert "is not a writable directory" in capfd.readouterr().err
    assert K.source_path.parent != not_a_dir
    assert float(K.step([2.0], {"r": 3.0}).ravel()[0]) == 6.0


def test_serial_twins_give_the_parallel_kernels_results_bitwise(two_factor):
    """Small batches run the `_serial` twin of each kernel (no thread start-up); it must give the
    parallel kernel's results bit for bit, also for diverging orbits and recorded steps."""
    from numerics.codegen import kernel_horizon

    X, mu = _mixed_starts(3000, seed=5)
    Xt, P = np.ascontiguousarray(X.T), mu[None, :].copy()
    mod = two_factor.module
    for name, args in [("step_many", lambda: (Xt, P, np.empty_like(Xt))),
                       ("jacobian_many", lambda: (Xt, P, np.empty((2, 2, X.shape[0]))))]:
        par, ser = args(), args()
        getattr(mod, name)(*par)
        getattr(mod, f"{name}_serial")(*ser)
        assert par[-1].tobytes() == ser[-1].tobytes()
    steps, record = 3 * ITERATE_BLOCK + 9, 7
    runs = []
    for kernel in (mod.iterate, mod.iterate_serial):
        out, dstep = np.empty_like(X), np.empty(X.shape[0], dtype=np.int64)
        R = np.empty((X.shape[0], record, 2))
        kernel(X, P, steps, kernel_horizon(1e6), 64, R, steps - record, out, dstep)
        runs.append((out, dstep, R))
    assert 0 < (runs[0][1] >= 0).mean() < 1
    for a, b in zip(*runs, strict=True):
        assert a.tobytes() == b.tobytes()


def test_small_batches_take_the_serial_kernel_and_large_ones_the_parallel(two_factor):
    from numerics.codegen import SERIAL_WORK

    mod = two_factor.module
    assert two_factor.kernel("iterate", 64, 64 * 100) is mod.iterate_serial
    assert two_factor.kernel("iterate", 10_000, 10) is mod.iterate_serial
    assert two_factor.kernel("iterate", 10_000, SERIAL_WORK + 1) is mod.iterate
    assert two_factor.kernel("step_many", 1, 1) is mod.step_many_serial
    # the public call on a small batch equals the parallel kernel's answer
    X, mu = _mixed_starts(64, seed=9)
    small = two_factor.iterate(X, {"mu": mu}, 100)
    out, dstep = np.empty_like(X), np.empty(64, dtype=np.int64)
    mod.iterate(X, mu[None, :].copy(), 100, 1e6, 8, np.empty((64, 0, 2)), 100, out, dstep)
    assert small.final.tobytes() == out.tobytes() and np.array_equal(small.diverge_step, dstep)


def test_monodromy_is_the_product_of_the_jacobians_along_the_orbit(two_factor):
    rng = np.random.default_rng(11)
    X = rng.uniform(0.3, 1.5, (5, 2))
    mu = 0.2
    n = 6
    Y = np.empty((2, 5))
    M = np.empty((2, 2, 5))
    two_factor.module.monodromy(np.ascontiguousarray(X.T), np.full((1, 5), mu), n, Y, M)
    run = two_factor.iterate(X, {"mu": mu}, n, record=n)
    # the update, CSE'd together with the Jacobian here: equal up to the order of a few roundings
    np.testing.assert_allclose(Y.T, run.final, rtol=1e-14, atol=0)
    for k in range(5):
        pts = np.vstack([X[k], run.trajectory[k, :-1]])
        expected = np.eye(2)
        for p in pts:
            expected = two_factor.jacobian(p, {"mu": mu}) @ expected
        # products of 6 2x2 matrices summed in a different order: a few ulps of the entries
        np.testing.assert_allclose(M[:, :, k], expected, rtol=1e-13, atol=1e-15)


def _per_step_oracle(K, X, params, steps, horizon):
    """Divergence semantics of the module docstring, one `K.step` call a step over all orbits:
    the same update expressions (so the same floats), tested after every step."""
    x = X.copy()
    dstep = np.where(np.all(np.abs(X) <= horizon, axis=1), -1, 0)
    traj = np.empty((X.shape[0], steps, X.shape[1]))
    with np.errstate(all="ignore"):
        for t in range(steps):
            y = K.step(x, params)
            ok = np.all(np.abs(y) <= horizon, axis=1) & (dstep < 0)
            dstep[(dstep < 0) & ~ok] = t + 1
            x = np.where(ok[:, None], y, x)
            traj[:, t] = x
    return x, dstep, traj


@pytest.mark.parametrize("record", [0, 5, ITERATE_BLOCK + 3, 3 * ITERATE_BLOCK + 7])
def test_iterate_equals_a_per_step_loop_bitwise(two_factor, record):
    """Both the unrecorded blocks (tested once per block, leavers replayed) and the recorded ones
    (tested every step by a sufficient test, leavers replayed) against a plain per-step loop."""
    rng = np.random.default_rng(21)
    X = rng.uniform(-3.0, 3.0, (700, 2))
    mu = rng.uniform(0.05, 1.95, 700)
    steps = 3 * ITERATE_BLOCK + 7
    final, dstep, traj = _per_step_oracle(two_factor, X, {"mu": mu}, steps, 1e6)
    assert 0.2 < (dstep >= 0).mean() < 0.95
    run = two_factor.iterate(X, {"mu": mu}, steps, record=record, chunk=32)
    assert run.final.tobytes() == final.tobytes()
    assert np.array_equal(run.diverge_step, dstep)
    if record:
        assert run.trajectory.tobytes() == traj[:, steps - record:].tobytes()
