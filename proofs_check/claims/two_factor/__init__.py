"""Catalogue: the two-factor map of a one-prompt linear transformer (arXiv 2605.21292).

Every claim of ``shared/spec/two_factor.md`` §1-8 under its ID, with its strongest honest
evidence. One-prompt GD on a linear transformer (Model A: ``yhat = v x_q^T Gamma h``; Model B:
``yhat = (W_Q x_q).(W_K h)``) reduces exactly to the two-factor map
``F_mu(a, b) = (a - mu b (ab - 1), b - mu a (ab - 1))``, GD on ``(ab - 1)^2/2`` with the effective
step ``mu = eta |y_q||x_q||h|``; the claims cover its fixed points and edge of stability, its
Darboux polynomials, the balanced slice ``g(a) = (1+mu)a - mu a^3`` (period-doubling cascade,
crises, chaos at ``mu = 2``), the invariant ellipse ``E_mu``, transverse stability of the
diagonal, the catapult, and mini-batch GD.

Exact claims are proved from the *derived* map (:func:`theory.models.two_factor.model`) and cover
their quantifiers as stated (every mu > 0 or a range of mu, every dimension d and width m, every
period n); dynamical claims are checked numerically, generated from the derived maps, and come
back at most ``verified``. Where the specification was wrong or imprecise, the statement says
what is true and ``CORRECTIONS`` lists the change.

Modules: :mod:`.claims` (declarations, ``CORRECTIONS``), :mod:`.exact` (claimed expressions and
their proofs, mutants), :mod:`.proofs_map`, :mod:`.proofs_slice`, :mod:`.proofs_ellipse` (exact
steps), :mod:`.derived` (what is taken from the derived map), :mod:`.reductions`,
:mod:`.cascade`, :mod:`.balanced`, :mod:`.ellipse`, :mod:`.minibatch` (computations),
:mod:`.tables`, :mod:`.plots` and :mod:`.maps` (the maps sweeps find by name).
"""

from proofs_check.claims.two_factor.claims import CERTIFIED, CLAIMS, CORRECTIONS, MODEL
from proofs_check.claims.two_factor.maps import MAPS
from proofs_check.claims.two_factor.plots import PLOTS
from proofs_check.claims.two_factor.tables import TABLES

__all__ = ["CERTIFIED", "CLAIMS", "CORRECTIONS", "MAPS", "MODEL", "PLOTS", "TABLES"]
