"""The period-doubling cascade of the balanced slice: measured constants against exact values and
independent solvers, certified constants, and the computed checks of mu_inf and mu_3 failing when
any of their conditions fails."""

import dataclasses

import mpmath
import pytest
import sympy as sp

import numerics
from proofs_check import check
from proofs_check.claims.two_factor import cascade, derived
from proofs_check.claims.two_factor.claims import CERTIFIED
from proofs_check.claims.two_factor.tables import claim as _claim


def test_measured_numbers():
    S = cascade.superstable(10)
    ratio = float((S[9] - S[8]) / (S[10] - S[9]))
    assert abs(ratio - cascade.FEIGENBAUM_DELTA) < 1e-5
    D = cascade.doubling_points(6)
    with mpmath.workdps(40):   # the first two doubling points are exact: 1 and sqrt5 - 1
        assert abs(D[0] - 1) < mpmath.mpf(10) ** -30
        assert abs(D[1] - (mpmath.sqrt(5) - 1)) < mpmath.mpf(10) ** -30
    assert abs(float(cascade.period3_saddle_node()[0]) - float(cascade.MU_3)) < 1e-12


def test_superstable_secant_agrees_with_numerics_solver():
    """S_2 (secant on g^4(a*) - a*, derived g) against numerics' superstable solver."""
    S = cascade.superstable(2)
    g = derived.model().slice("balanced")
    with mpmath.workdps(40):
        assert abs(derived.critical_point(mpmath.mpf(1) / 2) - 1) < mpmath.mpf(10) ** -35
        c = float(derived.critical_point(S[2]))
    bp = numerics.bifurcation_points(g, "mu", "superstable", 4, near=float(S[2]), x0=[c])
    assert bp.digits >= 25
    assert abs(bp.value - S[2]) < mpmath.mpf(10) ** -25


def test_period3_count():
    m3 = float(cascade.MU_3)
    assert cascade.period3_orbits(m3 - 1e-4) == 0
    assert cascade.period3_orbits(m3 + 1e-4) == 4
    # the slice polynomial is the derived g
    assert [float(t) for t in cascade.slice_coefficients()(1.5)] == [0.0, 2.5, 0.0, -1.5]


def test_certified_constants_are_proved_and_mu_inf_delta_stay_verified():
    for cid in CERTIFIED:
        r = check(_claim(cid), "quick", 0)
        assert r.status == "proved" and r.scope == "as stated", (cid, r.status, r.message)
    for cid in ("tf.slice.mu_inf", "tf.slice.cascade", "tf.slice.period3"):
        assert check(_claim(cid), "quick", 0).status == "verified", cid


@pytest.mark.parametrize("k", [3, 7])
def test_moved_doubling_point_is_refuted(k):
    """A doubling point moved by 1e-12 (2000x the stated tolerance 5e-16) is refuted, with the
    uniqueness box covering the claimed window; moved by 1e-17 (inside it) it stays proved."""
    claim = _claim(f"tf.slice.doubling_{k}")
    value = claim.claimed["mu"]
    for shift, want in ((sp.Rational(1, 10**12), "refuted"), (-sp.Rational(1, 10**12), "refuted"),
                        (sp.Rational(1, 10**17), "proved")):
        moved = dataclasses.replace(claim, claimed={"mu": value + shift}, evidence=())
        r = check(moved, "quick", 0)
        assert r.status == want, (shift, r.status, r.message)
        if want == "refuted":
            assert r.evidence[0].details["uniqueness_box_covers_claim"]


def _rebuilt(cid, **claimed):
    claim = _claim(cid)
    return dataclasses.replace(claim, claimed={**claim.claimed, **claimed}, evidence=())


def test_wrong_numeric_constants_are_refuted():
    """mu_inf moved by 1e-8 (100x its tolerance 1e-10) and mu_3 moved by 1e-8 are refuted."""
    r = check(_rebuilt("tf.slice.mu_inf", mu_inf=float(cascade.MU_INF) + 1e-8), "quick", 0)
    assert r.status == "refuted" and r.counterexample["claimed"] == float(cascade.MU_INF) + 1e-8
    r = check(_rebuilt("tf.slice.period3", mu_3=float(cascade.MU_3) - 1e-8), "quick", 0)
    assert r.status == "refuted"


def test_mu_inf_refuted_when_the_two_extrapolations_disagree(monkeypatch):
    """Planted: doubling points that extrapolate elsewhere (the last one moved by 1e-6) refute
    mu_inf even though the superstable extrapolation matches the claim."""
    true = cascade.doubling_points

    def moved(kmax, dps=40):
        D = true(kmax, dps)
        return (*D[:-1], D[-1] + mpmath.mpf("1e-6"))
    monkeypatch.setattr(cascade, "doubling_points", moved)
    r = check(_rebuilt("tf.slice.mu_inf"), "quick", 0)
    assert r.status == "refuted"
    assert set(r.counterexample) == {"superstable_vs_doubling", "doubling_error_scale"}


def test_period3_refuted_when_an_orbit_exists_below_mu3(monkeypatch):
    """Planted: a period-3 orbit counted below the claimed opening refutes tf.slice.period3."""
    true = cascade.period3_orbits
    monkeypatch.setattr(cascade, "period3_orbits",
                        lambda m: 4 if 1.2 < m < 1.3 else true(m))
    r = check(_rebuilt("tf.slice.period3"), "quick", 0)
    assert r.status == "refuted"
    assert r.counterexample["max_orbits_before"] == 4
