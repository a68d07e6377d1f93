"""Explain a verdict: the certificate tree and the evidence behind it, as text a referee reads.

``dynverify explain ID`` prints, for one claim, the verdict and its scope, then every piece of
evidence: its status, what was checked and how (exact, arb, or float with sample size, worst error,
tolerance and seed), its scope, and for a proof the certificate tree step by step.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from proofs_check.claim import CheckResult, EvidenceResult

__all__ = ["explain", "explain_all", "explain_evidence"]


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def explain_evidence(e: EvidenceResult, index: int) -> list[str]:
    """The lines explaining one piece of evidence (see :func:`explain`)."""
    lines = [f"[{index}] {e.kind} evidence: {e.status}", f"    what/how: {_one_line(e.method)}"]
    if e.scope:
        lines.append(f"    scope: {e.scope}")
    facts = []
    if e.sample_size is not None:
        facts.append(f"sample {e.sample_size}")
    if e.worst_error is not None:
        facts.append(f"worst error {e.worst_error:.3g}")
    if e.margin is not None and e.certificate is None:
        margin_is = e.details.get("margin_is")
        facts.append(f"worst margin {e.margin:.3g}" + (f" (margin = {margin_is})" if margin_is
                                                        else ""))
    tol = e.details.get("tol")
    if tol is not None:
        facts.append(f"tolerance {tol}")
    if e.digits is not None:
        facts.append(f"digits {e.digits}")
    if e.seed is not None and e.kind in ("numeric", "property"):
        facts.append(f"seed {e.seed}")
    if facts:
        lines.append("    " + ", ".join(facts))
    for key in ("capped", "unconfirmed", "confirmed", "error"):
        if e.details.get(key):
            lines.append(f"    {key}: {_one_line(e.details[key])}")
    if e.counterexample is not None:
        lines.append(f"    counterexample: {json.dumps(e.to_dict()['counterexample'])}")
    if e.certificate is not None:
        lines.append("    certificate:")
        lines += ["      " + line for line in e.certificate.lines()]
    return lines


def explain(result: CheckResult) -> str:
    """A verdict and the evidence behind it as plain text.

    Examples
    --------
    >>> import sympy as sp
    >>> from proofs_check import Claim, check, evidence as ev
    >>> x = sp.Symbol("x", real=True)
    >>> proof = ev.argument([ev.identity((x + 1)**2, x**2 + 2*x + 1, description="square"),
    ...                      ev.sign_fact(x**2 + 1, x, -sp.oo, sp.oo)], "two steps")
    >>> print(explain(check(Claim(id="demo.two", statement="...", evidence=[proof]))))
    demo.two: proved (scope: as stated)
    statement: ...
    [1] symbolic evidence: proved
        what/how: two steps (2 certified steps)
        scope: as stated
        certificate:
          - ExactArgument: two steps
            how: conjunction of 2 certified step(s)
            - ExactIdentity: square: (x + 1)**2 == x**2 + 2*x + 1
              how: exact expansion over Q
              covers: every x
            - UnivariateSign: x**2 + 1 > 0 for x in (-oo, oo)
              how: exact real-root isolation (0 root(s) inside) and exact signs between them
              covers: x in (-oo, oo)
    """
    head = f"{result.claim_id}: {result.status}"
    if result.scope:
        head += f" (scope: {result.scope})"
    lines = [head, f"statement: {_one_line(result.statement)}"]
    if result.forall:  # what the statement quantifies over: a certificate must cover this
        lines.append("for all: " + "; ".join(result.forall.values()))
    if result.source:
        lines.append(f"source: {result.source}")
    if result.message and result.status in ("error", "refuted", "inconclusive"):
        lines.append(f"reason: {_one_line(result.message)}")
    if result.rerun:
        lines.append(f"rerun: {result.rerun}")
    for i, e in enumerate(result.evidence, 1):
        lines += explain_evidence(e, i)
    return "\n".join(lines)


def explain_all(results: Iterable[CheckResult]) -> str:
    """Several explanations separated by blank lines."""
    return "\n\n".join(explain(r) for r in results)
