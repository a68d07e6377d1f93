"""Simulated step-size thresholds refute a wrong claimed limit."""

from proofs_check import evidence as ev
from proofs_check.claims.mamba_icl.thresholds import _threshold_main


def test_wrong_threshold_is_refuted():
    wrong = ev.computed(lambda b, s: _threshold_main(b, s, claimed=lambda c: 2 / c["s1"]),
                        "wrong threshold")
    assert wrong.run("quick", 0).status == "refuted"
    right = ev.computed(lambda b, s: _threshold_main(b, s), "threshold 1/s1")
    assert right.run("quick", 0).status == "verified"
