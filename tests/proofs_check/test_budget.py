"""by_budget: the quick or the full setting, and a clear error for an unknown budget."""

import pytest

from proofs_check.budget import by_budget
from proofs_check.claim import BUDGETS


def test_each_budget_gets_its_own_setting():
    quick, full = object(), object()
    assert by_budget("quick", quick, full) is quick
    assert by_budget("full", quick, full) is full
    assert set(BUDGETS) == {"quick", "full"}


@pytest.mark.parametrize("budget", ["Quick", "", "huge", None])
def test_unknown_budget_is_refused_not_run_in_full(budget):
    with pytest.raises(ValueError, match="budget"):
        by_budget(budget, 1, 2)
