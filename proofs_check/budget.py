"""Budgets: how much work a check does (``quick`` for CI and development, ``full`` for a paper).

A computed check sizes its sample by its budget; :func:`by_budget` picks the size (or any other
setting) that goes with one, so that every check spells the choice the same way.
"""

from __future__ import annotations

from typing import TypeVar

from proofs_check.claim import BUDGETS

__all__ = ["by_budget"]

T = TypeVar("T")


def by_budget(budget: str, quick: T, full: T) -> T:
    """``quick`` at the quick budget, ``full`` at the full one.

    An unknown budget is refused (a typo must not silently run the full sample).

    Examples
    --------
    >>> by_budget("quick", 16, 128), by_budget("full", 16, 128)
    (16, 128)
    >>> by_budget("huge", 16, 128)
    Traceback (most recent call last):
    ...
    ValueError: budget 'huge' is not quick or full
    """
    if budget not in BUDGETS:
        raise ValueError(f"budget {budget!r} is not {' or '.join(BUDGETS)}")
    return quick if budget == "quick" else full
