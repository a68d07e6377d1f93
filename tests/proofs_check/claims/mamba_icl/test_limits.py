"""The ratio-bound margin searched by Hypothesis."""

from proofs_check.claims.mamba_icl import ratio_margin
from proofs_check.claims.mamba_icl.limits import _ratio_margin


def test_ratio_margin_detects_violation():
    assert ratio_margin(3, 10, 0.7, "zoh", 0.0) > 0
    assert ratio_margin(3, 1, 0.7, "euler", 1.0) >= 0
    # a claimed sup of N rho below its true value (1.0 < (kappa/2) coth(kappa/2)) is violated
    assert _ratio_margin(3, 50, 0.7, "zoh", 0.0, sup=lambda k: 1.0) < 0
