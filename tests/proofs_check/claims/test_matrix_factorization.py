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


@pytest.mark.parametrize("claim", ALL, ids=[c.id for c in ALL])
def test_claim_holds_quick(claim):
    res = check(claim, budget="quick", seed=0)
    assert res.status in ("proved", "verified"), (res.status, res.message, res.evidence[-1])
    exact = any(e.kind in ("symbolic",) for e in claim.evidence)
    if exact:
        assert res.status == "proved"


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
