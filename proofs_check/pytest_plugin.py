"""pytest plugin: claims files as test items, one per claim.

Installed with dynverify (entry point ``pytest11``), so ``pytest`` collects every file named
``*_claims.py`` or ``claims_*.py`` (unless pytest already collects it as a test module, or it is a
module of a package: a claims file stands alone, a catalogue package's modules do not) and turns
each claim into an item. A claim passes when it holds (``proved`` or ``verified``; for a planted
false variant, ``Claim(expect="refuted")``, when it is refuted); a failure shows the statement,
the verdict and its scope, the counterexample and the line that reruns it.

Options: ``--dynverify-budget quick|full`` (default quick), ``--dynverify-seed N`` (default 0).
Inside a user's own tests, :func:`assert_claim` checks one claim the same way, and
:func:`proofs_check.evidence.strategies_for` turns a claim domain into Hypothesis strategies.

Examples
--------
>>> import sympy as sp
>>> from proofs_check import Claim, evidence as ev
>>> x = sp.Symbol("x")
>>> assert_claim(Claim(id="demo.ok", statement="x x = x^2",
...                     evidence=[ev.identity(x*x, x**2)])).status
'proved'
>>> assert_claim(Claim(id="demo.bad", statement="x = x + 1",
...                    evidence=[ev.identity(x, x + 1)]))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
AssertionError: demo.bad: refuted (expected to hold)
...
"""

from __future__ import annotations

import fnmatch
import json

import pytest

from proofs_check.claim import CheckResult, Claim, check

__all__ = ["ClaimItem", "ClaimsFile", "assert_claim", "failure_text"]

PATTERNS = ("*_claims.py", "claims_*.py")


def failure_text(result: CheckResult) -> str:
    """What a failing claim shows: verdict, statement, scope, reason, counterexample, rerun."""
    want = "refuted" if result.expect == "refuted" else "to hold"
    lines = [f"{result.claim_id}: {result.status} (expected {want})",
             f"statement: {' '.join(result.statement.split())}"]
    if result.scope:
        lines.append(f"scope: {result.scope}")
    if result.message:
        lines.append(f"reason: {' '.join(str(result.message).split())}")
    if result.counterexample is not None:
        lines.append("counterexample: "
                     + json.dumps(result.to_dict()["counterexample"], sort_keys=True))
    if result.rerun:
        lines.append(f"rerun: {result.rerun}")
    return "\n".join(lines)


def assert_claim(claim: Claim, budget: str = "quick", seed: int = 0) -> CheckResult:
    """Check ``claim``; raise AssertionError (with :func:`failure_text`) unless it holds."""
    result = check(claim, budget, seed)
    if not result.holds:
        raise AssertionError(failure_text(result))
    return result


def pytest_addoption(parser):
    group = parser.getgroup("dynverify")
    group.addoption("--dynverify-budget", choices=("quick", "full"), default="quick",
                    help="budget for claims collected from *_claims.py files (default quick)")
    group.addoption("--dynverify-seed", type=int, default=0,
                    help="seed for claims collected from *_claims.py files (default 0)")


def _is_test_module(config, name: str) -> bool:
    patterns = config.getini("python_files") or ["test_*.py", "*_test.py"]
    return any(fnmatch.fnmatch(name, p) for p in patterns)


def pytest_collect_file(file_path, parent):
    name = file_path.name
    in_package = (file_path.parent / "__init__.py").exists()
    if any(fnmatch.fnmatch(name, p) for p in PATTERNS) and not in_package and \
            not _is_test_module(parent.config, name):
        return ClaimsFile.from_parent(parent, path=file_path)
    return None


class ClaimsFile(pytest.File):
    """A user's claims file: one item per claim."""

    def collect(self):
        from proofs_check.registry import RegistryError, load_file

        try:
            catalogue = load_file(self.path)
        except RegistryError as exc:
            raise self.CollectError(str(exc)) from None
        for claim_id, claim in catalogue.claims.items():
            yield ClaimItem.from_parent(self, name=claim_id, claim=claim)


class ClaimFailure(Exception):
    """A claim that does not hold (carries its CheckResult)."""

    def __init__(self, result: CheckResult):
        super().__init__(result.claim_id)
        self.result = result


class ClaimItem(pytest.Item):
    """One claim: passes when it holds (or, for ``expect="refuted"``, when it is refuted)."""

    def __init__(self, *, claim: Claim, **kwargs):
        super().__init__(**kwargs)
        self.claim = claim

    def runtest(self):
        config = self.config
        result = check(self.claim, config.getoption("dynverify_budget"),
                       config.getoption("dynverify_seed"), origin=str(self.path))
        self.user_properties.append(("verdict", result.status))
        if not result.holds:
            raise ClaimFailure(result)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ClaimFailure):
            return failure_text(excinfo.value.result)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"claim {self.name}"
