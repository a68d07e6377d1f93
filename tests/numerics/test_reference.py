"""Parity: the fast kernels against the slow reference, on 10^4 non-chaotic orbits."""

import numpy as np
import pytest

from numerics import lyapunov
from numerics import reference as ref


def _rel_err(fast, slow):
    """Normwise relative error (max norm over the last axis)."""
    fast, slow = np.atleast_1d(fast), np.atleast_1d(slow)
    return np.abs(fast - slow).max(axis=-1) / np.maximum(1.0, np.abs(slow).max(axis=-1))


def test_parity_cubic_5000_orbits(cubic, cubic_map, rng):
    n, steps = 5000, 25
    mu = rng.uniform(0.05, 0.95, n)               # stable fixed points +-1, no chaos
    edge = np.sqrt(1 + 2 / mu)                    # beyond it: divergence (a repelling 2-cycle)
    a0 = edge * rng.choice([-1, 1], n) * np.where(rng.random(n) < 0.5, rng.uniform(0, 0.9, n),
                                                  rng.uniform(1.1, 2.0, n))
    # kept away from the repelling edge, where rounding differences are amplified like chaos
    run = cubic.iterate(a0, {"mu": mu}, steps=steps, record=3)
    worst = 0.0
    for i in range(n):
        final, dstep, traj = ref.iterate(cubic_map, [a0[i]], {"mu": mu[i]}, steps, record=3)
        assert run.diverge_step[i] == dstep, i
        worst = max(worst, _rel_err(run.final[i, 0], final[0]),
                    _rel_err(run.trajectory[i], np.array(traj)).max())
    assert 0.2 < run.diverged.mean() < 0.8
    assert worst <= 1e-12


def test_parity_two_factor_5000_orbits(two_factor, two_factor_map, rng):
    n, steps = 5000, 25
    mu = rng.uniform(0.01, 0.2, n)
    X = rng.uniform(-2.0, 2.0, (n, 2))
    X[: n // 5] *= 20.0                           # a fifth start far out and diverge
    run = two_factor.iterate(X, {"mu": mu}, steps=steps)
    worst = 0.0
    for i in range(n):
        final, dstep, _ = ref.iterate(two_factor_map, X[i], {"mu": mu[i]}, steps)
        assert run.diverge_step[i] == dstep, i
        worst = max(worst, _rel_err(run.final[i], np.array(final)).max())
    assert run.diverged.any() and not run.diverged.all()
    assert worst <= 1e-12, worst


@pytest.mark.parametrize("spectrum", [False, True])
def test_lyapunov_parity_two_factor(two_factor, two_factor_map, spectrum):
    mus = np.array([0.05, 0.3, 0.6])
    x0 = (1.3, 0.4)
    le = lyapunov(two_factor, "mu", mus, x0=x0, steps=300, transient=0, spectrum=spectrum)
    for i, m in enumerate(mus):
        v0 = None if spectrum else np.array([1.0, 2.0**-0.5]) / np.sqrt(1.5)  # kernel's start
        exps, used = ref.lyapunov(two_factor_map, x0, {"mu": m}, steps=300, v0=v0)
        np.testing.assert_allclose(le.exponents[i], exps if spectrum else exps[0], rtol=0,
                                   atol=1e-12)
        assert le.steps_used[i] == used


def test_lyapunov_parity_cubic(cubic, cubic_map):
    mus = np.array([0.4, 0.9, 1.1])                # fixed point, fixed point, 2-cycle
    le = lyapunov(cubic, "mu", mus, x0=0.3, steps=2000, transient=0)
    for i, m in enumerate(mus):
        exps, _ = ref.lyapunov(cubic_map, [0.3], {"mu": m}, steps=2000)
        assert abs(le.exponents[i] - exps[0]) <= 1e-12 * max(1.0, abs(exps[0]))
