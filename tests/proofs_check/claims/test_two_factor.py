"""The two-factor catalogue: every claim holds in the quick budget; mutations are refuted."""

import math
import time

import mpmath
import numpy as np
import pytest

import numerics
from proofs_check import check
from proofs_check.claims import two_factor as cat

IDS = [c.id for c in cat.CLAIMS]


def test_catalogue_shape():
    assert cat.MODEL == "two-factor"
    assert len(IDS) == len(set(IDS)) >= 55
    for c in cat.CLAIMS:
        assert c.source.startswith("arXiv 2605.21292, §")
        assert c.model == "two-factor"
    prefixes = {i.split(".")[1] for i in IDS}
    assert prefixes == {"reduction", "basic", "invariant", "slice", "ellipse", "transverse",
                        "catapult", "minibatch"}


_SLOW = time.perf_counter()


@pytest.mark.parametrize("claim", cat.CLAIMS, ids=IDS)
def test_claim_holds_quick(claim):
    r = check(claim, "quick", 0)
    assert r.status in ("proved", "verified"), (r.status, r.message, r.evidence[-1].details)
    if all(e.kind == "symbolic" for e in claim.evidence):
        assert r.status == "proved"
    else:
        assert r.status == "verified"


MUTATIONS = [(cid, name) for cid, spec in cat.EXACT.items() for name in spec.claimed()]


@pytest.mark.parametrize(("claim_id", "name"), MUTATIONS, ids=[f"{c}:{n}" for c, n in MUTATIONS])
def test_mutated_exact_claim_is_refuted(claim_id, name):
    r = cat.mutated(claim_id, name).run("quick", 0)
    assert r.status == "refuted", (r.status, r.method)


def test_every_exact_claim_has_a_mutation():
    no_claimed = {"tf.reduction.model_a", "tf.reduction.model_b"}  # steps come from theory
    for cid in cat.EXACT:
        if cid not in no_claimed:
            assert cat.EXACT[cid].claimed(), cid


def test_derivation_steps_mutated_are_refuted():
    from proofs_check.evidence.symbolic import Identity

    st = cat._tf().derivation_a.steps[1]
    bad = Identity(st.lhs, (st.rhs[0] + cat.mu, st.rhs[1]))
    assert bad.run("quick", 0).status == "refuted"


def test_wrong_numeric_constant_is_refuted():
    from proofs_check.evidence.numeric import Estimate

    claim = next(c for c in cat.CLAIMS if c.id == "tf.slice.mu_inf")
    ev = claim.evidence[0]
    wrong = Estimate(ev.compute, float(cat.MU_INF) + 1e-8, tol=1e-10)
    assert wrong.run("quick", 0).status == "refuted"


def test_measured_numbers():
    S = cat.superstable(10)
    ratio = float((S[9] - S[8]) / (S[10] - S[9]))
    assert abs(ratio - cat.FEIGENBAUM_DELTA) < 1e-5
    D = cat.doubling_points(6)
    with mpmath.workdps(40):   # the first two doubling points are exact: 1 and sqrt5 - 1
        assert abs(D[0] - 1) < mpmath.mpf(10) ** -30
        assert abs(D[1] - (mpmath.sqrt(5) - 1)) < mpmath.mpf(10) ** -30
    assert abs(float(cat.period3_saddle_node()[0]) - float(cat.MU_3)) < 1e-12
    m = np.array([0.3, 1.0, 1.5, 1.9])
    q = np.array([cat.ellipse_lyapunov_quadrature(float(t)) for t in m])
    assert np.max(np.abs(q - cat.ellipse_lyapunov_closed(m))) < 1e-12


def test_table_rows_are_ordered_with_ten_digits():
    t = cat.TABLES["two-factor-thresholds"](verdicts="no", digits="12")
    values = [float(r[2]) for r in t.rows]
    assert values == sorted(values)
    assert sum("doubling" in r[0] for r in t.rows) == 6
    assert all(len(r[2].replace(".", "").lstrip("0")) >= 10 for r in t.rows)
    with pytest.raises(ValueError):
        cat.TABLES["two-factor-thresholds"](digits="5")


@pytest.mark.parametrize("name", sorted(cat.PLOTS))
def test_plots_render(name):
    opts = {"two-factor-bifurcation": {"n_mu": "40"},
            "two-factor-plane": {"n": "30", "mus": "0.5,1.5"},
            "two-factor-ellipse-lyapunov": {"n_mu": "4", "steps": "1000"}}[name]
    fig = cat.PLOTS[name](budget="quick", seed=0, **opts)
    assert fig.axes


def test_superstable_secant_agrees_with_numerics_solver():
    """S_2 (secant on g^4(a*) - a*, derived g) against numerics' superstable solver."""
    S = cat.superstable(2)
    g = cat._tf().slice("balanced")
    with mpmath.workdps(40):
        assert abs(cat._crit(mpmath.mpf(1) / 2) - 1) < mpmath.mpf(10) ** -35   # g'(1) = 0 at 1/2
        c = float(cat._crit(S[2]))
    bp = numerics.bifurcation_points(g, "mu", "superstable", 4, near=float(S[2]), x0=[c])
    assert bp.digits >= 25
    assert abs(bp.value - S[2]) < mpmath.mpf(10) ** -25


def test_slice_exponents_on_exact_cycles():
    """Transverse and Lyapunov exponents of the balanced slice at exactly known attractors: the
    fixed point a = 1 (mu = 0.3: multipliers 1 and 1 - 2mu) and the asymmetric 2-cycle
    (mu = 1.2: transverse 3 - 2mu, tangential 9 - 2(1 + mu)^2 per period)."""
    m = np.array([0.3, 1.2])
    te = cat.transverse_exponent_balanced(m, 2000, 20000)
    ly = cat.lyapunov_balanced(m, 2000, 20000)
    assert abs(te[0]) < 1e-12
    assert abs(te[1] - math.log(3 - 2 * 1.2) / 2) < 1e-10
    assert abs(ly[0] - math.log(1 - 2 * 0.3)) < 1e-10
    assert abs(ly[1] - math.log(abs(9 - 2 * 2.2**2)) / 2) < 1e-10


def test_ellipse_helpers_are_the_exact_ellipse():
    for m in (0.3, 1.0, 1.7):
        su, sv = cat._ellipse_axes(m)
        assert abs(su - 2 * math.sqrt((2 + m) / m)) < 1e-13
        assert abs(sv - 2 * math.sqrt((2 - m) / m)) < 1e-13
        ab = cat._ellipse_starts(m, np.array([1.0, 0.25]), np.array([0.4, 2.0]))
        R = cat._np(cat._tf().R)(ab[:, 0], ab[:, 1], m)
        assert np.max(np.abs(R - [1.0, 0.25])) < 1e-13
    orbit = cat.ellipse_lyapunov_orbit(1.0, 20000, 0)
    assert abs(orbit - float(cat.ellipse_lyapunov_closed(1.0))) < 0.03


def test_plane_labels():
    """At mu = 0.5 starts inside E_mu such as (0.8, 0.8) and (0, 0.8) converge to a minimum,
    starts with a coordinate -5 lie outside E_mu and diverge, and the origin is a fixed point off
    the minimiser family (bounded, not converged to a minimum)."""
    lab = cat.plane_labels(0.5, [-5.0, 0.0, 0.8], 500)
    assert lab.tolist() == [[2, 2, 2], [2, 1, 0], [2, 0, 0]]


def test_period3_count():
    m3 = float(cat.MU_3)
    assert cat._period3_orbits(m3 - 1e-4) == 0
    assert cat._period3_orbits(m3 + 1e-4) == 4
    # the slice polynomial is the derived g
    assert [float(t) for t in cat._slice_coefficients()(1.5)] == [0.0, 2.5, 0.0, -1.5]
