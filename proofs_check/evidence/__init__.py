"""Kinds of evidence, one module each.

``symbolic`` (exact identities) and ``interval`` (rigorous arb enclosures) can prove; ``numeric``
(floating-point sweeps and estimates) and ``property`` (Hypothesis searches) can at most verify.

Examples
--------
>>> from proofs_check import evidence as ev
>>> sorted({ev.identity(1, 1).kind, ev.certify_sign("1 + x**2", {"x": (-1, 1)}).kind,
...         ev.property(lambda x: x, {"x": (0, 1)}).kind})
['interval', 'property', 'symbolic']
"""

from proofs_check.evidence.interval import (
    IntervalError,
    RootEnclosure,
    SignCertificate,
    arb_function,
    certify_sign,
    enclose_root,
)
from proofs_check.evidence.numeric import Estimate, Sample, Sweep, estimate, sweep
from proofs_check.evidence.property import PropertySearch, property, strategies_for
from proofs_check.evidence.symbolic import Identity, identity

__all__ = [
    "Estimate",
    "Identity",
    "IntervalError",
    "PropertySearch",
    "RootEnclosure",
    "Sample",
    "SignCertificate",
    "Sweep",
    "arb_function",
    "certify_sign",
    "enclose_root",
    "estimate",
    "identity",
    "property",
    "strategies_for",
    "sweep",
]
