"""Catalogue: DeltaNet and DeltaProduct as online gradient descent (spec section C,
``delta.*``).

DeltaNet (Yang et al., arXiv 2406.06484) and DeltaProduct (Siems et al., arXiv 2502.10297); the
recurrences are derived in :mod:`theory.models.online_gd`, the scans live in
:mod:`numerics.delta_scan`.

Correction to our specification: the chunked WY expression
``I - K^T (I + tril(diag(beta) K K^T, -1))^{-1} diag(beta) K`` equals the *reversed* product
``A_C ... A_1``; the product in recurrence order ``A_1 ... A_C`` (``S_C = S_0 A_1 ... A_C``) is
``I - W^T K`` with ``W = (I + tril(diag(beta) K K^T, -1))^{-1} diag(beta) K``.

Modules: :mod:`.claims` (the declarations and ``CORRECTIONS``), :mod:`.householder` (exact steps
for one step and its factor), :mod:`.products` (products of factors, WY form),
:mod:`.experiments` (numerical checks). The catalogue has no tables or plots.
"""

from proofs_check.claims.online_gd.claims import CLAIMS, CORRECTIONS, MODEL

#: no tables or plots for this model
TABLES: dict = {}
PLOTS: dict = {}

__all__ = ["CLAIMS", "CORRECTIONS", "MODEL", "PLOTS", "TABLES"]
