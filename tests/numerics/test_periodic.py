"""Periodic orbits and bifurcation points against closed forms and known constants."""

import mpmath
import numpy as np
import pytest

from numerics import (
    FEIGENBAUM_DELTA,
    bifurcation_points,
    period_doubling_cascade,
    periodic_orbits,
)


def test_cubic_two_cycle_multiplier(cubic_map):
    for mu in (1.05, 1.2, 1.23):
        orbits = [o for o in periodic_orbits(cubic_map, 2, {"mu": mu}) if o.points[0, 0] > 0]
        assert len(orbits) == 1
        [orb] = orbits
        assert orb.period == 2 and orb.stable
        assert abs(orb.multipliers[0] - (9 - 2 * (1 + mu) ** 2)) < 1e-12
        # the points solve g(g(a)) = a exactly up to rounding
        v = orb.points[::-1, 0]
        np.testing.assert_allclose((1 + mu) * v - mu * v**3, orb.points[:, 0], rtol=1e-14)


def test_fixed_points_of_cubic_and_minimal_period_filter(cubic_map):
    fps = periodic_orbits(cubic_map, 1, {"mu": 0.5})
    np.testing.assert_allclose([o.points[0, 0] for o in fps], [-1, 0, 1], atol=1e-14)
    # period 2 orbits exclude the fixed points unless asked for
    assert all(o.period == 2 for o in periodic_orbits(cubic_map, 2, {"mu": 1.2}))
    assert {o.period for o in periodic_orbits(cubic_map, 2, {"mu": 1.2}, minimal=False)} == {1, 2}


@pytest.mark.parametrize(("period", "near", "exact"),
                         [(1, 0.97, lambda: mpmath.mpf(1)), (2, 1.25, lambda: mpmath.sqrt(5) - 1)])
def test_cubic_period_doubling_points_to_12_digits(cubic_map, period, near, exact):
    bp = bifurcation_points(cubic_map, "mu", "period-doubling", period, near=near, box=(0.2, 1.5))
    with mpmath.workdps(30):
        assert abs(bp.value - exact()) < mpmath.mpf(10) ** -20
        assert abs(bp.multipliers[0] + 1) < mpmath.mpf(10) ** -20
    assert bp.digits >= 12


def test_two_factor_period_doubling_on_the_diagonal(two_factor_map):
    # the balanced fixed point (1, 1) loses stability at mu (a^2 + b^2) = 2, i.e. mu = 1
    bp = bifurcation_points(two_factor_map, "mu", "period-doubling", 1, near=0.98,
                            x0=(1.0, 1.0))
    with mpmath.workdps(30):
        assert abs(bp.value - 1) < 1e-20 and bp.digits >= 12


def test_tangent_and_superstable_points_of_logistic(logistic_map):
    # period-3 window opens by a tangent bifurcation at r = 1 + sqrt(8)
    bp = bifurcation_points(logistic_map, "r", "tangent", 3, near=3.83, box=(0.05, 0.95))
    with mpmath.workdps(30):
        assert abs(bp.value - (1 + mpmath.sqrt(8))) < 1e-20
    # superstable fixed point at r = 2, superstable 2-cycle at r = 1 + sqrt(5)
    s1 = bifurcation_points(logistic_map, "r", "superstable", 1, near=2.05, box=(0.1, 0.9))
    s2 = bifurcation_points(logistic_map, "r", "superstable", 2, near=3.2, box=(0.1, 0.9))
    with mpmath.workdps(30):
        assert abs(s1.value - 2) < 1e-20 and abs(s2.value - (1 + mpmath.sqrt(5))) < 1e-20


def test_logistic_cascade_and_feigenbaum_ratios(logistic_map):
    c = period_doubling_cascade(logistic_map, "r", near=(3.0, 3.45), levels=5,
                                box=(0.05, 0.95))
    known = [3, 1 + np.sqrt(6), 3.5440903595519228536, 3.5644072660954325977,
             3.5687594194100618]
    np.testing.assert_allclose([float(v) for v in c.values], known, rtol=0, atol=1e-9)
    assert c.periods == [1, 2, 4, 8, 16]
    assert min(c.digits) >= 12
    assert abs(float(c.ratios[-1]) - FEIGENBAUM_DELTA) < 5e-3
    assert abs(float(c.accumulation) - 3.5699456718) < 5e-6


def test_bad_inputs(cubic_map):
    with pytest.raises(ValueError, match="param"):
        bifurcation_points(cubic_map, "nu", near=1.0)
    with pytest.raises(ValueError, match="kind"):
        bifurcation_points(cubic_map, "mu", "hopf", near=1.0)
    with pytest.raises(ValueError, match="period"):
        periodic_orbits(cubic_map, 0, {"mu": 1.0})


def _primitive_orbit_count(n):
    """Orbits of minimal period n of the doubling map (and so of the logistic map at r = 4):
    (1/n) sum_{q | n} moebius(n/q) 2^q."""
    import sympy as sp

    return sum(int(sp.mobius(n // q)) * 2**q for q in sp.divisors(n)) // n


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6])
def test_every_cycle_of_the_logistic_map_at_r_4_with_its_multiplier(logistic_map, n):
    # x = sin^2(theta) conjugates r = 4 to the doubling of theta: the n-periodic points are
    # sin^2(pi j / (2^n - 1)) and sin^2(pi j / (2^n + 1)); every cycle off 0 has |multiplier| 2^n
    orbits = periodic_orbits(logistic_map, n, {"r": 4.0}, box=(0.0, 1.0), n_starts=4000)
    assert len(orbits) == _primitive_orbit_count(n)
    exact = np.concatenate([np.sin(np.pi * np.arange(2**n) / (2**n - 1)) ** 2,
                            np.sin(np.pi * np.arange(2**n + 1) / (2**n + 1)) ** 2])
    for orb in orbits:
        assert orb.period == n and orb.points.shape == (n, 1)
        # Newton's tolerance 1e-10 on F^n(x) - x, divided by the expansion 2^n - 1
        assert np.abs(orb.points[:, 0][:, None] - exact[None, :]).min(axis=1).max() < 1e-10
        through_zero = np.abs(orb.points[:, 0]).min() < 1e-12
        assert abs(abs(orb.multipliers[0]) - (4.0 if through_zero else 2.0**n)) < 1e-9 * 2**n


def test_one_kernel_call_per_newton_round_for_all_starts(logistic_map):
    from numerics import compile_map

    K = compile_map(logistic_map)
    calls = []
    real = K.kernel

    def counting(name, *args, **kwargs):
        calls.append(name)
        return real(name, *args, **kwargs)

    K.kernel = counting
    try:
        orbits = periodic_orbits(K, 8, {"r": 3.56}, box=(0.05, 0.95), n_starts=512,
                                 max_iter=60)
    finally:
        del K.kernel
    # r = 3.56 lies between the doublings 4 -> 8 (3.5441) and 8 -> 16 (3.5644): one 8-cycle ...
    assert [len(o.points) for o in orbits] == [8] and orbits[0].stable
    # ... and, whatever the number of starts, one kernel call per Newton round (at most 60), then
    # one for the convergence test, one for the orbits' points, one for their multipliers
    assert len(calls) <= 60 + 3
    assert set(calls) == {"monodromy", "iterate"} and calls.count("iterate") == 1
