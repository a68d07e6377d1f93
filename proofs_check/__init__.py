"""proofs_check: claims, evidence, honest verdicts, tables, figures and the CLI.

Examples
--------
>>> import sympy as sp
>>> from proofs_check import Claim, check, evidence as ev
>>> x = sp.Symbol("x")
>>> check(Claim(id="demo.cube", statement="x^3 - x = x(x-1)(x+1)",
...             evidence=[ev.identity(x**3 - x, x*(x - 1)*(x + 1))])).status
'proved'
"""

from proofs_check import evidence
from proofs_check.claim import (
    STATUSES,
    CheckResult,
    Claim,
    ClaimError,
    Evidence,
    EvidenceResult,
    check,
)

__all__ = [
    "STATUSES",
    "CheckResult",
    "Claim",
    "ClaimError",
    "Evidence",
    "EvidenceResult",
    "check",
    "evidence",
]
