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
    elif all(e.kind == "interval" for e in claim.evidence):   # Krawczyk enclosures in arb
        assert r.status == "proved", (r.status, r.message)
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
    assert sum("doubling" in r[0] for r in t.rows) == 7
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
    # sampling error: log|K| has standard deviation 0.71 under the uniform angle at mu = 1, so
    # the mean of 20000 samples has standard error ~5e-3 (seeds 0-7: errors <= 7.7e-3); 0.03 is
    # ~6 standard errors
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


# --- what the exact claims quantify over, and planted claims that must not pass ---------------

def _claim(cid):
    return next(c for c in cat.CLAIMS if c.id == cid)


def test_general_statements_declare_what_they_quantify_over():
    want = {"tf.reduction.model_a": {"d"}, "tf.reduction.model_b": {"d", "m"},
            "tf.transverse.cycle_product": {"n"}, "tf.basic.eos": {"mu"},
            "tf.slice.bounded_set": {"mu"}, "tf.catapult.none_above_1": {"mu"},
            "tf.transverse.two_cycles": {"mu"}, "tf.ellipse.cofactor_bound": {"mu"}}
    for cid, names in want.items():
        assert set(_claim(cid).forall) == names, cid
    for cid in want:
        r = check(_claim(cid), "quick", 0)
        assert (r.status, r.scope) == ("proved", "as stated"), (cid, r.status, r.message)


def test_model_a_at_d2_only_is_verified_not_proved():
    """The d = 2 derivation (explicit entries) cannot prove a statement for every d."""
    from proofs_check import Claim
    from proofs_check import evidence as ev

    steps = cat._tf().derivation_a.steps
    inst = ev.argument([ev.identity(st.lhs, st.rhs, description=st.statement) for st in steps],
                       "Model-A reduction at d = 2", at={"d": 2})
    claim = Claim(id="x.model_a_d2", statement="every d", forall={"d": "every d >= 1"},
                  evidence=[inst])
    r = check(claim, "quick", 0)
    assert (r.status, r.scope) == ("verified", "exact at d in {2}")


def test_general_dimension_steps_are_exact_and_a_wrong_one_is_refuted():
    from proofs_check.evidence.symbolic import Identity
    from theory.models import two_factor as tfm

    steps_a, steps_b = tfm.derive_model_a_general(), tfm.derive_model_b_general()
    assert all(st.holds() for st in (*steps_a, *steps_b))
    d = next(s for s in steps_a[2].lhs[0].free_symbols if s.name == "d")
    assert d.is_integer and d.is_positive
    grad = steps_a[0]                      # dL/dGamma_ij = r v x_i h_j
    assert Identity(grad.lhs, (2 * grad.rhs[0],)).run("quick", 0).status == "refuted"
    upd = steps_a[2]                       # s' = s - eta r v |x|^2 |h|^2
    eta = next(s for s in upd.lhs[0].free_symbols if s.name == "eta")
    assert Identity(upd.lhs, (upd.rhs[0] + eta,)).run("quick", 0).status == "refuted"


def test_d2_derivation_is_the_general_one_at_d_2():
    """The general s-update at d = 2 (sums expanded, indexed entries renamed) is the explicit
    d = 2 derivation's s', and the general identity holds there entry by entry."""
    import sympy as sp

    from theory.models import two_factor as tfm

    upd = tfm.derive_model_a_general()[2]
    d = next(s for s in upd.lhs[0].free_symbols if s.name == "d")
    lhs2 = upd.lhs[0].xreplace({d: 2}).doit()
    assert sp.expand(lhs2 - upd.rhs[0].xreplace({d: 2}).doit()) == 0
    names = {"x_q": "xq{}", "h": "h{}", "Gamma": "G{}{}"}
    explicit = lhs2.replace(lambda e: isinstance(e, sp.Indexed),
                            lambda e: sp.Symbol(names[str(e.base)].format(*e.indices),
                                                real=True))
    s_new_d2 = cat._tf().derivation_a.steps[1].lhs[1]      # explicit s' at d = 2
    assert explicit.free_symbols == s_new_d2.free_symbols
    assert sp.expand(explicit - s_new_d2) == 0


def test_wider_ranges_are_refuted_or_not_proved():
    """Planted: the same proofs stretched beyond what holds."""
    import sympy as sp

    from proofs_check import Claim
    from proofs_check import evidence as ev

    mu = cat.mu
    # |3 - 2mu| < 1 fails above mu = 2: a sign fact on (0, 3) is refuted with a witness
    bad = ev.sign_fact(1 + (3 - 2 * mu), mu, 0, 3)
    r = bad.run("quick", 0)
    assert r.status == "refuted" and sp.Rational(r.counterexample["mu"]) > 2
    # the stable segment needs mu < 1
    assert ev.sign_fact(1 - mu**2, mu, 0, 2).run("quick", 0).status == "refuted"
    # no catapult above 1 does not extend below 1
    assert ev.sign_fact(2 * mu - 2, mu, sp.Rational(1, 2), sp.oo).run("quick", 0).status \
        == "refuted"
    # a proof whose sign facts cover (1, sqrt5 - 1) does not prove a statement on (1, 3)
    two = _claim("tf.transverse.two_cycles")
    wide = Claim(id="x.wide", statement="...", evidence=two.evidence, forall={"mu": ("1", "3")})
    r = check(wide, "quick", 0)
    assert r.status == "verified" and r.scope != "as stated"


def test_invariant_density_wrong_density_is_refuted():
    import sympy as sp

    uniform = sp.pi / (2 * cat.SQRT2)      # pi * 1/(2 sqrt2): the uniform density
    r = cat.EXACT["tf.slice.invariant_density"].evidence({"pi_rho": uniform}).run("quick", 0)
    assert r.status == "refuted"


def test_cycle_product_needs_the_induction():
    """Checked at periods 1 and 2 only, the cycle product is verified, not proved."""
    import sympy as sp

    from proofs_check import Claim
    from proofs_check import evidence as ev

    a, mu = cat.a, cat.mu
    g = cat._g()
    f = cat.EXACT["tf.transverse.cycle_product"].claimed()["factor"]
    m = cat._diagonal_multiplier()
    a1 = g
    inst = ev.argument([ev.identity(f, m * g / a),
                        ev.identity(f * f.xreplace({a: a1}),
                                    m * m.xreplace({a: a1}) * g.xreplace({a: a1}) / a)],
                       "periods 1 and 2", at={"n": (1, 2)})
    claim = Claim(id="x.cycle", statement="every n", forall={"n": "every n >= 1"},
                  evidence=[inst])
    r = check(claim, "quick", 0)
    assert (r.status, r.scope) == ("verified", "exact at n in {1, 2}")
    assert sp.expand(f - (1 - mu**2 * (a**2 - 1) ** 2)) == 0


def test_fixed_set_identity_tells_a_wrong_map_apart():
    """|F(p) - p|^2 = mu^2 (ab-1)^2 (a^2+b^2) fails for a map with an extra fixed point."""
    import sympy as sp

    from proofs_check.evidence.symbolic import Identity

    a, b, mu = cat.a, cat.b, cat.mu
    res = sp.Matrix([-mu * b * (a * b - 1) * (a - 2), -mu * a * (a * b - 1)])
    r = Identity(res.dot(res), mu**2 * (a * b - 1) ** 2 * (a**2 + b**2)).run("quick", 0)
    assert r.status == "refuted"


# ---- mutants, certified constants, hostile plot options ----------------------------------------

def test_model_kill_rate_at_least_95_percent():
    """Every mutable claim of the model, quick budget (~25 s): the kill rate is >= 0.95."""
    from proofs_check.mutants import run_mutants

    report = run_mutants(cat.CLAIMS, "quick", 0)
    assert report.total >= 300
    assert report.rate >= 0.95, {c.claim_id: c.survivors for c in report.claims if c.survivors}


def test_certified_constants_are_proved_and_mu_inf_delta_stay_verified():
    for cid in cat.CERTIFIED:
        r = check(cat._claim(cid), "quick", 0)
        assert r.status == "proved" and r.scope == "as stated", (cid, r.status, r.message)
    for cid in ("tf.slice.mu_inf", "tf.slice.cascade", "tf.slice.period3"):
        assert check(cat._claim(cid), "quick", 0).status == "verified", cid


@pytest.mark.parametrize("k", [3, 7])
def test_moved_doubling_point_is_refuted(k):
    """A doubling point moved by 1e-12 (2000x the stated tolerance 5e-16) is refuted, with the
    uniqueness box covering the claimed window; moved by 1e-17 (inside it) it stays proved."""
    import dataclasses

    import sympy as sp

    claim = cat._claim(f"tf.slice.doubling_{k}")
    value = claim.claimed["mu"]
    for shift, want in ((sp.Rational(1, 10**12), "refuted"), (-sp.Rational(1, 10**12), "refuted"),
                        (sp.Rational(1, 10**17), "proved")):
        moved = dataclasses.replace(claim, claimed={"mu": value + shift}, evidence=())
        r = check(moved, "quick", 0)
        assert r.status == want, (shift, r.status, r.message)
        if want == "refuted":
            assert r.evidence[0].details["uniqueness_box_covers_claim"]


def test_thresholds_table_shows_enclosures_and_verdicts():
    t = cat.thresholds_table(verdicts="no")
    col = t.columns.index("certified enclosure")
    rows = {r[t.columns.index("claim")]: r for r in t.rows}
    for cid in cat.CERTIFIED:
        row = rows[cid]
        assert row[col].startswith("[") and "+/-" in row[col], row
        assert row[-1] == "proved"
        mid, rad = row[col].strip("[]").split("+/-")
        assert abs(float(mid) - float(row[2])) < 1e-10 and float(rad) < 1e-20
    assert rows["tf.slice.mu_inf"][-1] == "not run" and rows["tf.slice.mu_inf"][col] == ""
    with pytest.raises(ValueError, match="verdicts"):
        cat.thresholds_table(verdicts="maybe")


@pytest.mark.parametrize(("name", "options", "named"), [
    ("two-factor-bifurcation", {"n_mu": "0"}, "n_mu"),
    ("two-factor-bifurcation", {"n_mu": "-5"}, "n_mu"),
    ("two-factor-bifurcation", {"n_mu": "10**9"}, "n_mu"),
    ("two-factor-bifurcation", {"n_mu": "1e12"}, "n_mu"),
    ("two-factor-bifurcation", {"n_mu": "2.5"}, "n_mu"),
    ("two-factor-plane", {"n": "100000"}, "n"),
    ("two-factor-plane", {"n": "abc"}, "n"),
    ("two-factor-plane", {"mus": "-1"}, "mus"),
    ("two-factor-plane", {"mus": "0"}, "mus"),
    ("two-factor-plane", {"mus": "2.5"}, "mus"),
    ("two-factor-plane", {"mus": "nan"}, "mus"),
    ("two-factor-plane", {"mus": "inf"}, "mus"),
    ("two-factor-plane", {"mus": "0.5,x"}, "mus"),
    ("two-factor-plane", {"mus": ",".join(["0.5"] * 7)}, "mus"),
    ("two-factor-ellipse-lyapunov", {"steps": "0"}, "steps"),
    ("two-factor-ellipse-lyapunov", {"steps": "99999999999"}, "steps"),
    ("two-factor-ellipse-lyapunov", {"n_mu": "-1"}, "n_mu"),
    ("two-factor-ellipse-lyapunov", {"n_mu": "True"}, "n_mu"),
])
def test_plots_reject_hostile_options(name, options, named):
    with pytest.raises(ValueError, match=named):
        cat.PLOTS[name](budget="quick", seed=0, **options)


@pytest.mark.parametrize("name", sorted(cat.PLOTS))
def test_plots_have_no_catch_all_options(name):
    import inspect

    params = inspect.signature(cat.PLOTS[name]).parameters.values()
    assert not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
    with pytest.raises(TypeError):
        cat.PLOTS[name](budget="quick", seed=0, bogus="1")
    with pytest.raises(ValueError, match="budget"):
        cat.PLOTS[name](budget="huge", seed=0)
