"""Numerical experiments of the flow: a wrong learning time and a planted smaller rank fail."""

import functools
import math

from proofs_check import evidence as ev
from proofs_check.claims.matrix_factorization.experiments import (
    B_of,
    cached_learning_times,
    rank_deficient_numeric,
)
from proofs_check.evidence.numeric import Estimate


def test_wrong_learning_time_is_refuted():
    lt = cached_learning_times((4.0, 2.0, 1.0), "generic", 1e-6, 0)
    wrong = math.log(lt.lam[0] / (lt.rho[0] * 1e-12)) / lt.lam[0]   # factor 2 dropped
    bad = Estimate(lambda b, s: float(lt.exact[0]), wrong, tol=1e-3)
    assert bad.run("quick", 0).status == "refuted"
    right = Estimate(lambda b, s: float(lt.exact[0]), float(lt.predicted[0]), tol=1e-9)
    assert right.run("quick", 0).status == "verified"


def test_rank_deficient_numeric_fails_for_a_planted_smaller_rank():
    good = ev.computed(rank_deficient_numeric, "rank <= r")
    bad = ev.computed(functools.partial(rank_deficient_numeric, claimed_rank_offset=1),
                      "rank <= r - 1 (false)")
    assert good.run("quick", 0).status == "verified"
    assert bad.run("quick", 0).status == "refuted"


def test_B_kinds_have_their_shapes():
    assert [B_of(k, 3).shape for k in ("aligned", "generic", "under", "over")] == \
        [(3, 3), (3, 3), (3, 2), (3, 5)]
