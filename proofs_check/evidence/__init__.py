"""Kinds of evidence, one module each.

``symbolic`` (exact identities) and ``interval`` (rigorous enclosures) can prove; ``numeric``
(floating-point sweeps and estimates) and ``property`` (Hypothesis searches) can at most verify.
"""

from proofs_check.evidence.numeric import Estimate, Sample, Sweep, estimate, sweep
from proofs_check.evidence.symbolic import Identity, identity

__all__ = ["Estimate", "Identity", "Sample", "Sweep", "estimate", "identity", "sweep"]
