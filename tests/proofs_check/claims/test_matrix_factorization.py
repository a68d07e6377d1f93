"""Catalogue matrix-factorization / online-gd / rates: every claim holds at the quick budget;
mutated claims are refuted; the learning-times table and the plots."""

import math

import numpy as np
import pytest
import sympy as sp

from proofs_check import check
from proofs_check.claims import matrix_factorization as cmf
from proofs_check.claims import online_gd as cog
from proofs_check.claims import rates as crt
from proofs_check.evidence import argument
from proofs_check.evidence.numeric import Estimate
from proofs_check.registry import discover

ALL = [*cmf.CLAIMS, *cog.CLAIMS, *crt.CLAIMS]


#: claims whose exact evidence covers only explicit sizes of a general statement (verified,
#: with that scope); every other claim with exact evidence is proved as stated
INSTANCE_ONLY = {"mf.rank_deficient": "exact at (k, r) in", "mf.gd.sharpness": "exact at (n, r) in",
                 "mf.gd.stability": "exact at (n, r) in"}


@pytest.mark.parametrize("claim", ALL, ids=[c.id for c in ALL])
def test_claim_holds_quick(claim):
    res = check(claim, budget="quick", seed=0)
    assert res.status in ("proved", "verified"), (res.status, res.message, res.evidence[-1])
    exact = any(e.kind in ("symbolic",) for e in claim.evidence)
    if claim.id in INSTANCE_ONLY:
        assert res.status == "verified" and INSTANCE_ONLY[claim.id] in res.scope
    elif exact:
        assert (res.status, res.scope) == ("proved", "as stated")


def test_registry_sees_the_three_models():
    cat = discover()
    assert not {k: v for k, v in cat.errors.items() if "matrix_factorization" in k
                or "online_gd" in k or "rates" in k}
    for model in ("matrix-factorization", "online-gd", "rates"):
        assert model in cat.model_names()
    assert "mf-learning-times" in cat.tables and "mf-staircase" in cat.plots


def test_mutated_closed_form_is_refuted():
    ev = argument(lambda: cmf.closed_form_steps(factor=1, sizes=((2, 1),)), "factor 2 dropped")
    assert ev.run("quick", 0).status == "refuted"


def test_wrong_learning_time_is_refuted():
    lt = cmf._times((4.0, 2.0, 1.0), "generic", 1e-6, 0)
    wrong = math.log(lt.lam[0] / (lt.rho[0] * 1e-12)) / lt.lam[0]   # factor 2 dropped
    ev = Estimate(lambda b, s: float(lt.exact[0]), wrong, tol=1e-3)
    assert ev.run("quick", 0).status == "refuted"
    right = Estimate(lambda b, s: float(lt.exact[0]), float(lt.predicted[0]), tol=1e-9)
    assert right.run("quick", 0).status == "verified"


def test_wrong_two_cycle_multiplier_is_refuted():
    c = sp.Symbol("c", positive=True)
    from theory.models import matrix_factorization as mf

    ev = argument(lambda: [cmf._id(mf.two_cycle().multiplier, 7 - 4 * c - c**2, "wrong")],
                   "mutated multiplier")
    assert ev.run("quick", 0).status == "refuted"


def test_spec_wy_form_in_recurrence_order_is_refuted():
    ev = argument(lambda: cog.wy_steps(reversed_form=True), "spec WY form = A_1...A_C")
    assert ev.run("quick", 0).status == "refuted"


def test_learning_times_table_default_and_options():
    t = cmf.learning_times_table()
    assert t.name == "mf-learning-times" and len(t.rows) == 2 * 4 * 3
    col = t.columns.index("error")
    for kind in ("aligned", "generic"):
        errs = [max(abs(r[col]) for r in t.rows if r[0] == kind and r[1] == a)
                for a in (1e-2, 1e-4, 1e-6)]
        assert errs[0] > errs[1] > errs[2]
    t2 = cmf.learning_times_table(spectrum="3,1,2", B="under", alphas="1e-3")
    assert [r[3] for r in t2.rows] == [3.0, 2.0, 1.0]
    assert t2.rows[2][5] is None          # r = 2 < k = 3: never learned
    for bad in ({"spectrum": "a,b"}, {"B": "weird"}, {"alphas": "2"}, {"seed": "x"}):
        with pytest.raises(ValueError):
            cmf.learning_times_table(**bad)


def test_plots_build():
    for fn in cmf.PLOTS.values():
        fig = fn(budget="quick", seed=0, spectrum="2,1", B="generic")
        assert fig.axes and np.isfinite(fig.axes[0].get_xlim()).all()


def test_learning_times_table_takes_B_from_a_file(tmp_path):
    from proofs_check.claims.matrix_factorization import learning_times_table

    np.savetxt(tmp_path / "eye.txt", np.eye(3))
    from_file = learning_times_table(spectrum="4,2,1", B=f"file:{tmp_path / 'eye.txt'}",
                                     alphas="1e-4")
    aligned = learning_times_table(spectrum="4,2,1", B="aligned", alphas="1e-4")
    assert [r[1:] for r in from_file.rows] == [r[1:] for r in aligned.rows]
    np.save(tmp_path / "bad.npy", np.ones((2, 2)))
    with pytest.raises(ValueError, match="need a finite 3 x r matrix"):
        learning_times_table(B=f"file:{tmp_path / 'bad.npy'}", alphas="1e-2")
    with pytest.raises(ValueError, match="B file"):
        learning_times_table(B=f"file:{tmp_path / 'missing.txt'}", alphas="1e-2")


# ---------------------------------------------------------------------------------------------
# scope of the exact evidence: general proofs, instances, planted wrong steps
# ---------------------------------------------------------------------------------------------
#: the claims proved before the proof vocabulary, and what they are now: "proved" (as stated)
#: or the scope of the exact evidence when it covers only explicit sizes
PREVIOUSLY_PROVED = {
    "mf.flow": "proved", "mf.riccati": "proved", "mf.closed_form": "proved",
    "mf.inverse_form": "proved", "mf.aligned": "proved", "mf.aligned.half_time": "proved",
    "mf.aligned.width": "proved", "mf.gd.two_cycle": "proved", "dmf.ode": "proved",
    "dmf.half_time.asymptotic": "proved", "dmf.gd": "proved",
    "mf.rank_deficient": "exact at (k, r) in {(2, 1), (3, 1), (3, 2), (4, 2), (4, 3)}",
    "mf.gd.sharpness": "exact at (n, r) in {(1, 1), (1, 2), (2, 1), (2, 2)}",
    "mf.gd.stability": "exact at (n, r) in {(1, 1), (1, 2), (2, 1), (2, 2)}",
    "delta.gd_step": "proved", "delta.residual": "proved", "delta.eigenvalues": "proved",
    "delta.norm": "proved", "delta.reflection": "proved", "delta.product": "proved",
    "delta.product.rank": "proved", "delta.product.complex": "proved", "delta.parity": "proved",
    "delta.wy": "proved", "wd.quadratic": "proved", "wd.scalar_factorization": "proved",
}
BY_ID = {c.id: c for c in ALL}


@pytest.mark.parametrize("cid", sorted(PREVIOUSLY_PROVED))
def test_previously_proved_claims_verdict_and_scope(cid):
    res = check(BY_ID[cid], budget="quick", seed=0)
    want = PREVIOUSLY_PROVED[cid]
    if want == "proved":
        assert (res.status, res.scope) == ("proved", "as stated"), (res.status, res.message)
    else:
        assert res.status == "verified", (res.status, res.message)
        exact = [e for e in res.evidence if e.kind == "symbolic"]
        assert exact and all(e.status == "verified" and e.scope == want for e in exact)
        assert want in res.scope


def test_instance_evidence_alone_is_verified_with_its_scope():
    from proofs_check import Claim

    for cid, fn, at, var in (("delta.eigenvalues", cog._eig_steps, (2, 3), "d"),
                             ("dmf.ode", cmf._dmf_ode_steps, (2, 3, 4, 5), "N"),
                             ("dmf.gd", cmf._dmf_gd_steps, (2, 3, 4, 5), "N")):
        c = BY_ID[cid]
        only = Claim(id=c.id + ".instances", statement=c.statement, forall=c.forall,
                     evidence=[argument(fn, "instances", at={var: at})])
        res = check(only)
        assert res.status == "verified"
        assert res.scope == f"exact at {var} in {{{', '.join(map(str, at))}}}"


def test_mutated_general_closed_form_is_refuted():
    for factor in (1, 3):
        ev = argument(lambda f=factor: cmf.closed_form_general_steps(factor=f), "mutated")
        assert ev.run("quick", 0).status == "refuted"


def test_wy_induction_with_planted_wrong_step_does_not_prove():
    for mutation, status in (("beta", "refuted"), ("order", "inconclusive")):
        res = argument(lambda m=mutation: cog.wy_general(m), "planted").run("quick", 0)
        assert res.status == status


def _run(e):
    return e.run("quick", 0).status


def test_depth_N_general_steps_reject_wrong_formulas():
    from proofs_check import evidence as ev
    from theory.models import matrix_factorization as mf

    g = mf.deep_general()
    N, m, lam, w = g.N, g.m, g.lam, g.w
    assert _run(ev.identity(g.x_rhs, N * (w**N) ** (2 - 1 / N) * (lam - w**N))) == "refuted"
    assert _run(ev.identity(g.jac_diag, 1 - mf.eta_sym * m ** (2 * N - 1))) == "refuted"
    assert _run(ev.identity(g.threshold.subs(lam, m**N), 1 / (N * m ** (2 * N - 2)))) == \
        "refuted"
    assert _run(ev.identity(sp.diff(g.antiderivative, w), 1 / (lam * w**N))) == "refuted"
    # the remainder bound needs x = w^N <= lam/2: without it (lam = x + e) it is false
    x, e = sp.symbols("x e", nonnegative=True)
    assert _run(ev.positivity(2 / lam**2 - 1 / (lam * (lam - x)), substitute={lam: x + e},
                              strict=False)) == "refuted"
    # the determinant lemma with a wrong multiplicity
    z, c = sp.Symbol("z"), g.c
    assert _run(ev.identity((z - 1) ** N * (1 + c * N / (z - 1)),
                            (z - 1) ** N * (z - 1 + c * N))) == "refuted"


def test_householder_general_steps_reject_wrong_eigenvalue():
    from proofs_check import evidence as ev

    d, z, b = cog.D_SYM, sp.Symbol("z"), sp.Symbol("beta")
    assert _run(ev.identity((z - 1) ** d * (1 + b / (z - 1)),
                            (z - 1) ** (d - 1) * (z - 1 + 2 * b))) == "refuted"
    from theory.models import matrix_factorization as mf

    k, kt = mf.nc_symbols("k k^T")
    assert _run(ev.identity((1 - b * k * kt) * k, (1 - 2 * b) * k)) == "refuted"


def test_sharpness_steps_reject_wrong_spectrum_and_order():
    from proofs_check import evidence as ev

    _, _, cp, _, z, m1, m2 = cmf._sharpness_case(2, 2)
    wrong = z * (z - 2 * m1**2) ** 2 * (z - m1**2 - m2**2)
    assert _run(ev.identity(cp, sp.expand(wrong))) == "refuted"
    # 2 m1^2 >= m1^2 + m2^2 needs m1 >= m2
    assert _run(ev.positivity(m1**2 - m2**2, strict=False)) == "refuted"


def test_two_cycle_and_parity_steps_reject_planted_errors():
    from proofs_check import evidence as ev
    from theory.models import matrix_factorization as mf
    from theory.models import online_gd as og

    cyc = mf.two_cycle()
    c = cyc.c
    s_lo, s_hi = cyc.s_values
    assert _run(ev.identity(s_lo * (1 + c - c * s_lo) ** 2, s_lo)) == "refuted"   # not a fixed pt
    assert _run(ev.identity((1 + c - 3 * c * s_lo) * (1 + c - 3 * c * s_hi),
                            7 - 4 * c - c**2)) == "refuted"
    S = sp.Symbol("S", integer=True)
    assert _run(ev.identity((-1) ** S * og.parity_factor(1), (-1) ** S)) == "refuted"


def test_rank_deficient_numeric_fails_for_a_planted_smaller_rank():
    import functools

    from proofs_check import evidence as ev

    good = ev.computed(cmf.rank_deficient_numeric, "rank <= r")
    bad = ev.computed(functools.partial(cmf.rank_deficient_numeric, claimed_rank_offset=1),
                      "rank <= r - 1 (false)")
    assert good.run("quick", 0).status == "verified"
    assert bad.run("quick", 0).status == "refuted"


def test_wd_check_is_correct_for_large_decay():
    # the quadratic's test point lies on the right side of the threshold for every eta, gamma
    for seed in range(12):
        margin, info = crt.wd_check("full", seed)
        assert margin == 0.0, info


# ---------------------------------------------------------------------------------------------
# claim mutants and hostile table/plot options
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("module", [cmf, cog, crt], ids=["matrix-factorization", "online-gd",
                                                         "rates"])
def test_claim_mutants_are_killed(module):
    from proofs_check.mutants import run_mutants

    report = run_mutants(module.CLAIMS, budget="quick", seed=0)
    survivors = {s: v for c in report.claims for s, v in c.survivors.items()}
    assert report.total >= 19 and report.rate >= 0.95, (report.killed, report.total, survivors)


@pytest.mark.parametrize("options, name", [
    ({"spectrum": "1e300,1"}, "spectrum"), ({"spectrum": "-1,2"}, "spectrum"),
    ({"spectrum": "2,0"}, "spectrum"), ({"spectrum": "nan,1"}, "spectrum"),
    ({"spectrum": "100,0.5"}, "spectrum"), ({"spectrum": ",".join(["1"] * 7)}, "spectrum"),
    ({"alphas": "1e-300"}, "alphas"), ({"alphas": "inf"}, "alphas"),
    ({"alphas": ",".join(["0.1"] * 9)}, "alphas"), ({"seed": "-1"}, "seed"),
    ({"seed": "1e40"}, "seed"), ({"B": "aligned,generic,under,over,aligned"}, "B"),
])
def test_learning_times_table_refuses_hostile_options(options, name):
    with pytest.raises(ValueError, match=name):
        cmf.learning_times_table(**{"alphas": "1e-2", **options})


def test_B_file_limits(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(("1 " * 3 + "\n") * 200_000)          # > 1 MiB
    with pytest.raises(ValueError, match=r"B file.*bytes"):
        cmf.learning_times_table(spectrum="4,2,1", B=f"file:{big}", alphas="1e-2")
    wide = tmp_path / "wide.npy"
    np.save(wide, np.ones((2, 100)))
    with pytest.raises(ValueError, match=r"B file.*columns"):
        cmf.learning_times_table(spectrum="2,1", B=f"file:{wide}", alphas="1e-2")
    tiny = tmp_path / "tiny.txt"   # rho_k = 1e-300: 2 lam_1 t_2 ~ 7e4 e-foldings (~3e4 digits)
    np.savetxt(tiny, 1e-150 * np.eye(2))
    with pytest.raises(ValueError, match="B 'file:"):
        cmf.learning_times_table(spectrum="100,1", B=f"file:{tiny}", alphas="1e-2")


@pytest.mark.parametrize("options", [{"spectrum": "1e300,1"}, {"spectrum": "-1,2"},
                                     {"B": "file:/etc/passwd"}, {"seed": "x"},
                                     {"budget": "huge"}])
def test_plots_refuse_hostile_options(options):
    for fn in cmf.PLOTS.values():
        with pytest.raises(ValueError):
            fn(**{"budget": "quick", "seed": 0, "spectrum": "2,1", "B": "aligned", **options})
