"""Bound tables: one :class:`Table` object, rendered as Markdown, LaTeX (booktabs), CSV or JSON.

Catalogue modules build tables (``TABLES = {"name": function}`` in ``proofs_check/claims/*.py``);
this module only knows how to lay them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Table"]


@dataclass
class Table:
    """A table of results.

    ``columns`` are header strings; ``rows`` lists of cells (numbers, strings or None);
    ``caption`` one sentence; ``notes`` lines printed under the table (methods, seeds, sizes).
    """

    name: str
    caption: str
    columns: list[str]
    rows: list[list[Any]]
    notes: list[str] = field(default_factory=list)
