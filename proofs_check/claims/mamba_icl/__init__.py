"""Catalogue: a reduced Mamba (S6) layer trained on in-context linear regression.

Source: Jiang, Huang, Zhang, Suzuki, Nie, *Trained Mamba Emulates Online Gradient Descent in
In-Context Linear Regression* (arXiv 2509.23779, NeurIPS 2025), as restated in
``shared/spec/mamba_icl.md`` (our own derivation; section numbers below are the spec's).

Every formula is derived in :mod:`theory.models.mamba_icl` and checked here: exact identities,
induction and certified signs (``proved``), simulations of the reduced map and of the literal S6
layer of :mod:`numerics.scan` (``verified``, with sample sizes, fit windows and worst errors) and
Hypothesis searches over ``(d, N, kappa, discretisation, sigma)`` (``verified``).

How the exact claims cover every size:

* ``N``: induction (:func:`proofs_check.evidence.induction`) or a symbolic ``N``;
* ``d`` in scalar formulas: a symbolic ``d`` (``theory.models.mamba_icl.dim``); the population
  loss is computed for every ``d`` by exact Gaussian moments with ``k = 1..4`` explicit
  coordinates and the other ``d - k`` through ``chi^2(d - k)`` moments;
* matrix sizes ``d, d_h``: identities between non-commutative symbols (the free algebra: true for
  matrices of every compatible size), entrywise (separable) derivatives, and explicit sizes as a
  cross-check. A free-algebra identity names no size symbol; it is built with
  ``general=("d", "d_h")`` (accepted only for identities in non-commutative symbols), so the claims
  stated for every matrix size declare ``forall={"d": ..., "d_h": ...}`` and are proved as stated;
* limits ``N -> oo`` have no certificate in the proof vocabulary: they are ``verified`` at
  ``N = 10^j`` against proven remainder bounds.

Claim mutants: every claim with a claimed value, expression, rate or threshold declares it in
``claimed={...}`` and builds its evidence from it (``build=``), so that
``dynverify check --mutants --model mamba-icl`` measures whether the evidence kills perturbed
statements (:mod:`proofs_check.mutants`). The defaults are the theory's expressions where the theory
has the formula (gate sums, loss coefficients, ``L*``, ``N rho``, the logistic solution); the
simulations are cached per ``(budget, seed)`` and only compared with the claimed values again.

Corrections to the spec established here (see the claims' statements):

* with label noise ``sigma``, the fourth-moment constant is ``k2 = ((d+sigma^2)^2 + 2d)(s1^2+2 s2)``
  and the ``b_B`` coefficient ``(d+sigma^2) s2`` (the spec's ``d(d+2)(...)`` and ``d s2`` hold only
  for ``sigma = 0``); a noisy query label adds ``sigma^2/2``;
* the rate ``(1 - 2 eta s1)^2`` and the loss bound hold for GD on ``(P, Q)``; when nuisance
  parameters are trained from non-zero values the excess loss contracts by the largest of
  ``(1-2 eta s1)^2``, ``(1 - eta k2 gamma*)^2`` (v), ``(1 - eta kB gamma*)^2`` (b_B) and
  ``(1 - eta s1)^2`` (b_C), which for small steps is the ``b_C`` or ``b_B`` factor;
* for Euler, the readout update ``a w + Delta gamma* y x`` is a GD step with step ``1 - a`` on the
  surrogate with ``gamma*`` scaled by ``Delta/(1 - a)``; the spec's "step Delta" holds only to
  first order in ``Delta``.

Layout: :mod:`.claims` (the model's name and the claim factories), :mod:`.model_statements`
(sections 1-3: the layer, its forward pass and its loss) and :mod:`.dynamics_statements`
(sections 4-5: the minimiser and the GD dynamics) declare the claims; :mod:`.formulas` holds the
statements' formulas; the exact arguments are built in :mod:`.forward_proofs`,
:mod:`.loss_proofs`, :mod:`.map_proofs`, :mod:`.solution_proofs` and :mod:`.rate_proofs` (on the
free-algebra helpers of :mod:`.identities`); the simulations in :mod:`.scan_checks`,
:mod:`.convergence`, :mod:`.thresholds`, :mod:`.s6_training` and :mod:`.limits` (on
:mod:`.constants` and :mod:`.gd_simulation`); :mod:`.tables` and :mod:`.plots` draw on them.
"""

from . import dynamics_statements, model_statements
from .claims import (
    MODEL,
    balanced_rate_claim,
    gamma_star_claim,
    multiplier_claim,
    population_claim,
)
from .constants import float_constants
from .limits import ratio_margin
from .plots import PLOTS, plot_loss_curves, plot_loss_vs_N, plot_readout_cosine
from .tables import TABLES, table_constants, table_rates

__all__ = [
    "CLAIMS",
    "MODEL",
    "PLOTS",
    "TABLES",
    "balanced_rate_claim",
    "float_constants",
    "gamma_star_claim",
    "multiplier_claim",
    "plot_loss_curves",
    "plot_loss_vs_N",
    "plot_readout_cosine",
    "population_claim",
    "ratio_margin",
    "table_constants",
    "table_rates",
]

#: every claim of the catalogue, in the order of the spec's sections
CLAIMS = [*model_statements.CLAIMS, *dynamics_statements.CLAIMS]
