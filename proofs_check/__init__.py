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
from proofs_check.models import Model
from proofs_check.registry import Catalogue, RegistryError, discover, load_claims
from proofs_check.tables import Table, render, verdict_table

__all__ = [
    "STATUSES",
    "Catalogue",
    "CheckResult",
    "Claim",
    "ClaimError",
    "Evidence",
    "EvidenceResult",
    "Model",
    "RegistryError",
    "Table",
    "check",
    "discover",
    "evidence",
    "load_claims",
    "render",
    "verdict_table",
]
