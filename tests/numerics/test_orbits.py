"""Orbit diagrams and escape labels."""

import numpy as np
import pytest

from numerics import escape, orbit_diagram


def test_orbit_diagram_of_cubic_slice(cubic):
    mus = np.array([0.3, 0.8, 1.2])
    od = orbit_diagram(cubic, "mu", mus, x0=0.4, transient=3000, record=4)
    assert od.points.shape == (3, 4, 1) and not od.diverged.any()
    np.testing.assert_allclose(od.points[:2, :, 0], 1.0, atol=1e-12)   # stable fixed point
    cyc = np.sort(od.points[2, :2, 0])
    np.testing.assert_allclose(cyc, [0.7312902014610, 1.1395384919197], atol=1e-9)
    cont = orbit_diagram(cubic, "mu", mus, x0=0.4, transient=3000, record=4, continuation=True)
    np.testing.assert_allclose(np.sort(cont.points, axis=1), np.sort(od.points, axis=1),
                               atol=1e-9)


def test_orbit_diagram_marks_divergence(cubic):
    od = orbit_diagram(cubic, "mu", [0.5, 0.5], x0=[[0.5], [3.0]], transient=10, record=3)
    assert od.diverged.tolist() == [False, True] and np.isfinite(od.points).all()
    p, y = od.scatter()
    assert p.size == y.size == 3
    with pytest.raises(ValueError, match="param"):
        orbit_diagram(cubic, "nu", [0.5], x0=0.5)


@pytest.mark.parametrize("mu", [0.25, 0.7, 1.0, 1.6, 2.0])
def test_every_start_beyond_the_edge_diverges(cubic, mu):
    edge = np.sqrt(1 + 2 / mu)
    beyond = edge * (1 + np.geomspace(1e-10, 10.0, 400))
    starts = np.concatenate([beyond, -beyond])
    esc = escape(cubic, starts, {"mu": mu}, steps=300)
    assert esc.diverged.all()
    assert np.isfinite(esc.final).all()
    inside = escape(cubic, np.linspace(-0.99, 0.99, 101) * edge, {"mu": min(mu, 0.9)},
                    steps=300)
    assert inside.bounded_fraction == 1.0 or mu > 0.9


def test_orbits_that_diverge_in_the_transient_are_frozen_at_their_last_state(two_factor):
    # against a per-step loop of F (the same floats): the recorded points of every orbit, also of
    # those that left the horizon during the transient or the recorded steps
    mus = np.linspace(0.05, 1.6, 300)
    transient, record = 6, 10            # these orbits leave the horizon after 4 to 10 steps
    od = orbit_diagram(two_factor, "mu", mus, x0=(1.7, 0.2), transient=transient,
                       record=record)
    x = np.tile([1.7, 0.2], (mus.size, 1))
    alive = np.ones(mus.size, dtype=bool)
    points = np.empty((mus.size, record, 2))
    with np.errstate(all="ignore"):
        for t in range(transient + record):
            y = two_factor.step(x, {"mu": mus})
            alive &= np.all(np.abs(y) <= 1e6, axis=1)
            x = np.where(alive[:, None], y, x)
            if t >= transient:
                points[:, t - transient] = x
    assert (od.diverged == ~alive).all()
    assert (od.diverge_step[od.diverged] <= transient).any()          # some in the transient
    assert (od.diverge_step[od.diverged] > transient).any()           # some while recording
    assert od.points.tobytes() == points.tobytes()
