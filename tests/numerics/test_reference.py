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


# --- the two-factor model's full-parameter GD oracles (arXiv 2605.21292 §1) -------------------

def _derived_step(F, state, values):
    """One step of a derived SymbolicMap at float values (``values`` by parameter name)."""
    import sympy as sp

    f = sp.lambdify((*F.state, *F.params), list(F.update), "math")
    return f(*state, *(values[p.name] for p in F.params))


def _prompt(rng, d=2):
    xq, h = rng.standard_normal(d).tolist(), rng.standard_normal(d).tolist()
    return xq, h, float(rng.standard_normal())


@pytest.mark.parametrize("seed", range(5))
def test_gd_model_a_is_the_derived_gd_map(seed):
    """One step of the hand-typed Model-A oracle equals one step of the GD map derived from the
    Model-A loss (theory.models.two_factor, d = 2), read through the same normalisation.
    Tolerance 1e-13: both sides round ~20 float operations (a few ulps each)."""
    from theory.models import two_factor as tfm

    rng = np.random.default_rng(seed)
    xq, h, yq = _prompt(rng)
    v, G, eta = float(rng.standard_normal()), rng.standard_normal((2, 2)).tolist(), 0.1
    oracle = ref.gd_model_a(v, G, xq, yq, [(h, 1.0)], eta, 1)[1]     # context (h, 1): h = h
    values = {"eta": eta, "y_q": yq, "xq1": xq[0], "xq2": xq[1], "h1": h[0], "h2": h[1]}
    new = _derived_step(tfm.model().derivation_a.full, [v, *np.ravel(G)], values)
    derived = ref.normalise_model_a(new[0], [new[1:3], new[3:5]], xq, yq, h)
    assert np.allclose(oracle, derived, rtol=1e-13, atol=1e-13)


@pytest.mark.parametrize("seed", range(5))
def test_gd_model_b_is_the_derived_gd_map(seed):
    """The same parity for Model B (W_Q, W_K in R^{2x2})."""
    from theory.models import two_factor as tfm

    rng = np.random.default_rng(seed)
    xq, h, yq = _prompt(rng)
    WQ, WK, eta = rng.standard_normal((2, 2)).tolist(), rng.standard_normal((2, 2)).tolist(), 0.1
    oracle = ref.gd_model_b(WQ, WK, xq, yq, [(h, 1.0)], eta, 1)[1]
    values = {"eta": eta, "y_q": yq, "xq1": xq[0], "xq2": xq[1], "h1": h[0], "h2": h[1]}
    new = _derived_step(tfm.model().derivation_b.full, [*np.ravel(WQ), *np.ravel(WK)], values)
    derived = ref.normalise_model_b([new[0:2], new[2:4]], [new[4:6], new[6:8]], xq, yq, h)
    assert np.allclose(oracle, derived, rtol=1e-13, atol=1e-13)


def test_a_wrong_gradient_is_told_apart():
    """Planted: the derived map with its v-update changed no longer matches the oracle."""
    import sympy as sp

    from theory.models import two_factor as tfm

    rng = np.random.default_rng(0)
    xq, h, yq = _prompt(rng)
    v, G, eta = 0.7, [[0.2, 0.1], [-0.3, 0.4]], 0.1
    F = tfm.model().derivation_a.full
    wrong = type(F)(F.state, (F.update[0] * (1 + sp.Rational(1, 100)), *F.update[1:]), F.params)
    values = {"eta": eta, "y_q": yq, "xq1": xq[0], "xq2": xq[1], "h1": h[0], "h2": h[1]}
    new = _derived_step(wrong, [v, *np.ravel(G)], values)
    oracle = ref.gd_model_a(v, G, xq, yq, [(h, 1.0)], eta, 1)[1]
    assert not np.allclose(oracle, ref.normalise_model_a(new[0], [new[1:3], new[3:5]], xq, yq, h),
                           rtol=1e-6)


def test_two_factor_mu_and_context_forms():
    ctx_pairs = [([3.0, 4.0], 2.0), ([0.0, 0.0], 1.0)]
    ctx_xy = ([[3.0, 4.0], [0.0, 0.0]], [2.0, 1.0])
    m1 = ref.two_factor_mu(0.5, [1.0, 0.0], -2.0, ctx_pairs)
    m2 = ref.two_factor_mu(0.5, [1.0, 0.0], -2.0, ctx_xy)
    # h = (1/2)(2 (3, 4) + 1 (0, 0)) = (3, 4), |h| = 5
    assert m1 == m2 == pytest.approx(0.5 * 2.0 * 1.0 * 5.0)


@pytest.mark.parametrize("seed", range(5))
def test_two_factor_mu_is_the_theory_formula(seed):
    """The float effective step against theory's exact mu_of at the same random prompt
    (tolerance 1e-14: a handful of float operations and three square roots)."""
    from theory.models import two_factor as tfm

    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((5, 3)).tolist(), rng.standard_normal(5).tolist()
    xq, yq = rng.standard_normal(3).tolist(), float(rng.standard_normal())
    exact = float(tfm.mu_of(0.3, xq, yq, (X, y)))
    assert ref.two_factor_mu(0.3, xq, yq, (X, y)) == pytest.approx(exact, rel=1e-14)


def test_gd_oracles_work_in_mpmath():
    import mpmath

    with mpmath.workdps(40):
        one = mpmath.mpf(1)
        traj = ref.gd_model_a(one, [[one / 2, 0 * one], [0 * one, one / 2]], [one, 0 * one], one,
                              [([one, 0 * one], one)], one / 10, 3)
        orbit = ref.two_factor_orbit(*traj[0], one / 10, 3)
        assert max(abs(x - y) for p, r in zip(traj, orbit, strict=True)
                   for x, y in zip(p, r, strict=True)) < mpmath.mpf(10) ** -35
