"""Catalogue: asymptotic rates near minimiser manifolds and weight-decay thresholds (spec
section D: ``pl.*`` after Kassing & Kruse, arXiv 2605.14663; ``wd.*`` after Kolic et al.,
arXiv 2605.16622).

The local rate is measured on GD orbits computed in mpmath (60 digits) so that the loss can be
followed far below float64's resolution of a residual; the Hessian at the limit point comes from
the exact Hessian of the loss (:func:`theory.gd.hessian`), evaluated at the computed limit.

Modules: :mod:`.claims` (the declarations), :mod:`.maps` (the losses and their GD maps, derived
once), :mod:`.steps` (exact steps), :mod:`.experiments` (numerical checks). The catalogue has no
tables or plots.
"""

from proofs_check.claims.rates.claims import CLAIMS, MODEL

#: no tables or plots for this model
TABLES: dict = {}
PLOTS: dict = {}

__all__ = ["CLAIMS", "MODEL", "PLOTS", "TABLES"]
