"""Catalogue: incremental learning in symmetric matrix factorization (Min & Vidal, arXiv
2508.20344) and deep aligned factorization (Chou & Wang, arXiv 2605.28613).

Spec sections A (``mf.*``) and B (``dmf.*``) of ``shared/spec/matrix_factorization.md``. Exact
statements are proved from the derivations in :mod:`theory.models.matrix_factorization`
(identities over Q, built lazily at check time so that importing the catalogue is cheap): for
every size at once in the free algebra (flow, Riccati, closed and inverse forms) and for a
symbolic depth ``N`` (``dmf.*``); explicit sizes are cross-checks declared with ``at=``. The
Hessian spectra behind ``mf.gd.sharpness`` / ``mf.gd.stability`` and the Gram determinants of
``mf.rank_deficient`` are exact only at explicit sizes, so these claims are ``verified`` with
that scope. Closed form vs ODE, learning times, plateaus, GD steps are checked with
:mod:`numerics.factorization` and come back ``verified`` with sizes and worst errors.

Modules: :mod:`.claims` (the declarations and ``CORRECTIONS``), :mod:`.flow` (exact steps for the
gradient flow), :mod:`.experiments` (numerics of the flow), :mod:`.gd` (gradient descent),
:mod:`.deep` (depth ``N``), :mod:`.tables`, :mod:`.plots` and their :mod:`.options`.
"""

from proofs_check.claims.matrix_factorization.claims import CLAIMS, CORRECTIONS, MODEL
from proofs_check.claims.matrix_factorization.plots import PLOTS
from proofs_check.claims.matrix_factorization.tables import TABLES

__all__ = ["CLAIMS", "CORRECTIONS", "MODEL", "PLOTS", "TABLES"]
