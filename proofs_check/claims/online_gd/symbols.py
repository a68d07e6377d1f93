"""The free-algebra symbols of the claimed formulas and the size symbol ``d``.

Identities between non-commutative symbols (theory's free-algebra forms) hold for matrices and
vectors of every size, so they prove the statements for every ``d, d_v``; a size symbol enters only
through the matrix determinant lemma (``det(I + u v^T) = 1 + v^T u``), written for a symbolic
``d``.
"""

from __future__ import annotations

import sympy as sp

from theory.models import online_gd as og

#: the free-algebra symbols S, k, k^T, v, beta of the claimed formulas
F = og.deltanet_free()
D_SYM = sp.Symbol("d", integer=True, positive=True)


def nc_note(text: str) -> str:
    """A step's description, marked as proved in the free algebra (every ``d, d_v``)."""
    return f"{text} [free algebra: every d, d_v]"
