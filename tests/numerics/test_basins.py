"""Basin labels."""

import numpy as np

from numerics import classify


def test_cubic_basins_fixed_points_two_cycle_and_divergence(cubic):
    a0 = np.array([0.5, -0.5, 3.0, 1e-3])
    lab = classify(cubic, a0, None, {"mu": 0.5}, 2000, fixed_points=[[1.0], [-1.0]])
    names = [lab.legend[c] for c in lab.labels.tolist()]
    assert names == ["fixed point (1.0,)", "fixed point (-1.0,)", "diverged",
                     "fixed point (1.0,)"]
    two = classify(cubic, [0.5, 1.0], None, {"mu": 1.2}, 3000)
    assert [two.legend[c] for c in two.labels.tolist()] == ["period 2", "period 2"]
    chaos = classify(cubic, [0.3], None, {"mu": 2.0}, 3000)
    assert chaos.legend[int(chaos.labels[0])] == "bounded"


def test_two_factor_grid_converges_to_the_minimiser_family(two_factor):
    ga = np.linspace(0.2, 2.0, 10)
    gb = np.linspace(0.2, 2.0, 8)
    lab = classify(two_factor, ga, gb, {"mu": 0.1}, 3000, family=lambda X: X[:, 0] * X[:, 1] - 1)
    assert lab.labels.shape == (10, 8) and lab.labels.dtype == np.int8
    assert (lab.labels == 3).all() and lab.legend[3] == "converged to family"
    far = classify(two_factor, [30.0], [30.0], {"mu": 0.1}, 100)
    assert far.legend[int(far.labels[0, 0])] == "diverged"
    assert lab.counts() == {"converged to family": 80}
