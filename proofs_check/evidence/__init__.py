"""Kinds of evidence, one module each, and the proof vocabulary they issue.

Exact and rigorous evidence (``identity``, ``sign_fact``, ``positivity``, ``certify_sign``,
``enclose_root``, ``argument``, ``induction``) proves by issuing a certificate of
:mod:`proofs_check.evidence.certificates`; floating-point evidence (``sweep``, ``estimate``,
``property``) can at most verify, and refutes only with a confirmed counterexample
(:mod:`proofs_check.evidence.confirm`).

Examples
--------
>>> from proofs_check import evidence as ev
>>> sorted({ev.identity(1, 1).kind, ev.certify_sign("1 + x**2", {"x": (-1, 1)}).kind,
...         ev.property(lambda x: x, {"x": (0, 1)}).kind})
['interval', 'property', 'symbolic']
"""

from proofs_check.evidence.argument import (
    Argument,
    Induction,
    Lazy,
    argument,
    induction,
    lazy,
)
from proofs_check.evidence.certificates import ProofStepError, is_certified, scope_of
from proofs_check.evidence.dynamics import (
    LinearRate,
    LyapunovEstimate,
    linear_rate,
    lyapunov_exponent,
)
from proofs_check.evidence.exact_sign import Positivity, SignFact, positivity, sign_fact
from proofs_check.evidence.interval import (
    IntervalError,
    RootEnclosure,
    SignCertificate,
    arb_function,
    certify_sign,
    enclose_root,
)
from proofs_check.evidence.numeric import (
    Computed,
    Estimate,
    Sample,
    Sweep,
    computed,
    estimate,
    sweep,
    worst_of,
)
from proofs_check.evidence.orbits import (
    bifurcation_point,
    certify_bifurcation,
    certify_orbit,
    periodic_orbit,
)
from proofs_check.evidence.property import PropertySearch, property, strategies_for
from proofs_check.evidence.stability import (
    BasinFraction,
    StepThreshold,
    basin_fraction,
    step_threshold,
)
from proofs_check.evidence.symbolic import Identity, identity

__all__ = [
    "Argument",
    "BasinFraction",
    "Computed",
    "Estimate",
    "Identity",
    "Induction",
    "IntervalError",
    "Lazy",
    "LinearRate",
    "LyapunovEstimate",
    "Positivity",
    "ProofStepError",
    "PropertySearch",
    "RootEnclosure",
    "Sample",
    "SignCertificate",
    "SignFact",
    "StepThreshold",
    "Sweep",
    "arb_function",
    "argument",
    "basin_fraction",
    "bifurcation_point",
    "certify_bifurcation",
    "certify_orbit",
    "certify_sign",
    "computed",
    "enclose_root",
    "estimate",
    "identity",
    "induction",
    "is_certified",
    "lazy",
    "linear_rate",
    "lyapunov_exponent",
    "periodic_orbit",
    "positivity",
    "property",
    "scope_of",
    "sign_fact",
    "step_threshold",
    "strategies_for",
    "sweep",
    "worst_of",
]
