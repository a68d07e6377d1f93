"""Declarations shared by the catalogue's claims: the model's name, the sources, the claim
factory and its shapes (:func:`computed`, :func:`exact`, :func:`argued`,
:func:`matrix_form_claim`), and the parametrised claims that the mutation tests perturb
(minimiser, balanced rate, balanced multiplier, population loss, nuisance-block thresholds).

The claims themselves are declared by section in :mod:`.model_statements` (sections 1-3) and
:mod:`.dynamics_statements` (sections 4-5); the package joins them into ``CLAIMS``.
"""

from __future__ import annotations

import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claim import Claim
from theory.models import mamba_icl as mi

from .convergence import _balanced_rates
from .formulas import (
    _BLOCKS,
    _ES1,
    ALPHA,
    GAMMA_STAR,
    KB,
    MULT_MAIN,
    POP_COEFFS,
    RATE_MAIN,
    _as_expr,
    _fn,
)
from .identities import _identity, _nc_lazy
from .loss_proofs import _b_population
from .map_proofs import _grad_gamma_step
from .rate_proofs import (
    _b_balanced_multiplier,
    _balanced_multiplier_parts,
    _linearised_error,
    _nuisance_block_cross_check,
    _nuisance_block_steps,
)
from .solution_proofs import _minimiser_steps

MODEL = "mamba-icl"
PAPER = "Jiang et al., Trained Mamba Emulates Online GD in ICL Linear Regression, arXiv 2509.23779"

#: quantifiers of the statements made for every size
EVERY_N = {"N": "every N >= 1"}
SIZES = {"d": "every d >= 1", "d_h": "every d_h >= 1"}
SIZES_N = {**SIZES, **EVERY_N}


def _src(section: str) -> str:
    return f"{PAPER}; spec mamba_icl.md section {section}"


def claim(id, statement, section, *evidence, forall=None, claimed=None, build=None):
    """The claim factory: a claim of this model citing ``section`` of the spec, with fixed
    ``evidence`` or, with ``claimed`` values, evidence built from them (``build(c)``).

    Examples
    --------
    >>> from proofs_check import check
    >>> c = exact("demo.s1_ln2", "3", {"s1": mi.a / 2}, "s1 = a/2 when a^N = 1/2",
    ...           lambda c: ([mi.a * (1 - sp.Rational(1, 2))], [c["s1"]]), "exact")
    >>> c.source.endswith("section 3"), check(c).status
    (True, 'proved')
    """
    if build is not None:
        return Claim(id=id, statement=statement, source=_src(section), model=MODEL,
                     forall=forall or {}, claimed=claimed, build=build)
    return Claim(id=id, statement=statement, source=_src(section), model=MODEL,
                 evidence=list(evidence), forall=forall or {})


def computed(id, section, claimed, statement, experiment, description):
    """A claim checked by one seeded computation ``experiment(budget, seed, c)`` of the claimed
    values ``c``."""
    return claim(id, statement, section, claimed=claimed,
                 build=lambda c: [ev.computed(lambda b, s: experiment(b, s, c), description)])


def exact(id, section, claimed, statement, identity, description, *, forall=None,
          point_filter=None):
    """A claim proved by one exact identity ``identity(c) -> (lhs, rhs)`` of the claimed values."""
    return claim(id, statement, section, forall=forall, claimed=claimed,
                 build=lambda c: [_identity(lambda: identity(c), description,
                                            point_filter=point_filter)])


def argued(id, section, claimed, statement, steps, description, *, forall=None,
           cross_check=None):
    """A claim proved by an argument whose steps ``steps(c)`` use the claimed values;
    ``cross_check = (identity, text, at)`` adds the explicit identity ``identity(c) -> (lhs,
    rhs)`` built at the sizes ``at`` as its own evidence (an instance beside the general
    argument, scoped to those sizes)."""
    def build(c):
        out = [ev.argument(lambda: steps(c), description)]
        if cross_check is not None:
            out.append(instance_check(cross_check, c))
        return out
    return claim(id, statement, section, forall=forall, claimed=claimed, build=build)


def instance_check(cross_check, c) -> ev.Lazy:
    """The explicit identity ``identity(c) -> (lhs, rhs)`` of ``cross_check = (identity, text,
    at)``, marked as built at the sizes ``at`` (``{"d": 2, "d_h": 3}``): a cross-check at one
    size, its own evidence."""
    identity, text, at = cross_check
    return _identity(lambda: identity(c), text, at=at)


def nc_note(text: str) -> str:
    """``text`` with the note that a free-algebra identity covers every matrix size."""
    return f"{text} [sizes: free-algebra identities, valid for matrices of every size]"


def every_size(identity, c, text: str) -> ev.Lazy:
    """The free-algebra identity ``identity(c) -> (lhs, rhs)`` of the claimed values ``c``: it
    holds for matrices of every size (described by ``text`` and a note saying so)."""
    return _nc_lazy(lambda: identity(c), nc_note(text))


def matrix_form_claim(id, section, claimed, statement, general, instance, argument):
    """A claim about the reduced map for every ``d, d_h``, proved by the gradient in ``Gamma``
    and the free-algebra identity ``general = (identity, text)`` of the claimed values; the
    explicit instance ``instance = (identity, text, at)`` is a cross-check at the sizes ``at``,
    its own evidence."""
    general, general_text = general
    return argued(id, section, claimed, statement,
                  lambda c: [_grad_gamma_step(), every_size(general, c, general_text)],
                  argument, forall=SIZES, cross_check=instance)


def gamma_star_claim(gamma_claim: sp.Expr | None = None, *, d: int | None = None,
                     id: str = "mamba.solution.minimiser") -> Claim:
    """The minimiser claim ``L - L* = (alpha/2)|Gamma - gamma* I|^2``, ``gamma* = s1/alpha``.

    ``gamma_claim`` replaces ``s1/alpha``; it may use ``alpha`` or spell it out through ``s1, s2,
    sigma`` and ``d`` (``mi.dim``): ``alpha`` is ``s1^2 + (d+1+sigma^2) s2`` throughout. ``d``
    fixes the dimension (default: every ``d``, symbolic). A wrong value is refuted by an exact
    witness. Claimed: ``gamma_star`` and ``alpha``.

    Examples
    --------
    >>> from proofs_check import check
    >>> check(gamma_star_claim(mi.s1 / (2 * mi.alpha))).status
    'refuted'
    >>> check(gamma_star_claim(mi.s1 / (mi.s1**2 + 4 * mi.s2 + mi.sigma**2 * mi.s2), d=3)).status
    'proved'
    """
    g = GAMMA_STAR if gamma_claim is None else gamma_claim
    where = "every d >= 1" if d is None else f"d = {d}"
    return Claim(
        id=id, model=MODEL, source=_src("4"),
        statement=f"For {where}: L(Gamma) - L* = (alpha/2)|Gamma - gamma* I|_F^2 with "
                  f"gamma* = {g}, alpha = s1^2 + (d+1+sigma^2) s2 > 0: the global minimisers are "
                  "exactly Q^T P = gamma* I (reachable when d_h >= d)",
        forall={"d": "every d >= 1"} if d is None else {},
        claimed={"gamma_star": g, "alpha": ALPHA},
        build=lambda c: [ev.argument(lambda: _minimiser_steps(c, d),
                                     "completing the square in |Gamma|_F^2 and tr Gamma "
                                     f"({'symbolic d' if d is None else f'd = {d}'})")])


def balanced_rate_claim(rate=None, *, id: str = "mamba.rate.balanced_rate") -> Claim:
    """Fitted contraction of GD from balanced starts against ``rate`` (an expression in
    ``eta_s1`` or a function of it; claimed ``rate``).

    Examples
    --------
    >>> from proofs_check import check
    >>> check(balanced_rate_claim(lambda x: (1 - x)**2)).status
    'refuted'
    """
    return Claim(
        id=id, model=MODEL, source=_src("5"),
        statement="GD on (P, Q) from balanced starts: the excess loss contracts per step by "
                  "(1 - 2 eta s1)^2 near the minimum (fitted on the derived map, eta s1 in (0, 1))",
        claimed={"rate": RATE_MAIN if rate is None else _as_expr(rate)},
        build=lambda c: [ev.computed(
            lambda b, s: _balanced_rates(b, s, _fn(c["rate"], (_ES1,))),
            "log-linear fit of the excess loss of the derived GD map vs the rate")])


def multiplier_claim(mult: sp.Expr | None = None, *,
                     id: str = "mamba.rate.balanced_multiplier") -> Claim:
    """Jacobian at the balanced minimum: eigenvalue ``1`` (neutral) and ``mult`` (d^2 times);
    claimed ``multiplier``, ``neutral`` and the excess-loss ``rate``.

    Examples
    --------
    >>> from proofs_check import check
    >>> check(multiplier_claim(1 - mi.eta * mi.s1)).status
    'refuted'
    """
    return Claim(
        id=id, model=MODEL, source=_src("5"),
        statement="At the balanced minimum P = Q = sqrt(gamma*) [I; 0] the Jacobian of the GD map "
                  "has eigenvalue 1 (2 d d_h - d^2 neutral directions along the minimisers) and "
                  "1 - 2 eta s1 (d^2 times): the excess loss contracts by (1 - 2 eta s1)^2",
        forall=SIZES,
        claimed={"multiplier": MULT_MAIN if mult is None else mult, "neutral": sp.Integer(1),
                 "rate": MULT_MAIN**2},
        build=lambda c: [ev.argument(lambda: [
            _grad_gamma_step(),
            _nc_lazy(lambda: _linearised_error(), "linearised error at a minimum (free algebra)"),
            _nc_lazy(lambda: _balanced_multiplier_parts(c["multiplier"], c["rate"]),
                     "at Q^T Q = P^T P = gamma* I: dE' = (1 - 2 eta s1) dE on all d^2 error "
                     "directions, the excess contracts by its square; dE is onto (kernel of "
                     "dimension 2 d d_h - d^2, where the Jacobian is the identity) (free "
                     "algebra)"),
            _identity(lambda: _b_balanced_multiplier(c["multiplier"], c["neutral"]),
                      "characteristic polynomial of the derived Jacobian, (d, d_h) = (1, 2), "
                      "(2, 2)"),
        ], "every d <= d_h: gradient in Gamma, linearised error, kernel count; explicit "
           "characteristic polynomials")])


def population_claim(k2_rule=None, kB_rule=None, *, id: str = "mamba.loss.population") -> Claim:
    """The population-loss formula for every d, d_h, N and gate weights (see
    :func:`_b_population`); claimed ``alpha``, ``k2``, ``kB`` and ``query_noise``;
    ``k2_rule(d, s1, s2, sigma)`` / ``kB_rule`` replace the constants.

    Examples
    --------
    >>> from proofs_check import check
    >>> wrong = lambda d, s1, s2, sig: ((d + sig**2)**2 + 2*d + (d - 1)*(d - 2))*(s1**2 + 2*s2)
    >>> check(population_claim(k2_rule=wrong,
    ...                        kB_rule=lambda d, s1, s2, sig: (d + sig**2)*s2)).status
    'refuted'
    """
    args = (mi.dim, mi.s1, mi.s2, mi.sigma)
    claimed = {**POP_COEFFS}
    if k2_rule is not None:
        claimed["k2"] = sp.expand(k2_rule(*args))
    if kB_rule is not None:
        claimed["kB"] = sp.expand(kB_rule(*args))
    return Claim(
        id=id, model=MODEL, source=_src("3"),
        statement="For every d >= 1, d_h >= 1, N >= 1 and gate weights g_i: "
                  "L = 1/2[alpha |Gamma|^2 - 2 s1 tr Gamma + d] + 1/2[k2(|Q^T v|^2 + "
                  "(b_C^T v)^2) + kB(|Q^T b_B|^2 + (b_C^T b_B)^2) + alpha |P^T b_C|^2] with "
                  "alpha = s1^2 + "
                  "(d+1+sigma^2) s2, k2 = ((d+sigma^2)^2 + 2d)(s1^2 + 2 s2), kB = (d+sigma^2) s2 "
                  "(+ tau^2/2 for query label noise tau z_q, tau = sigma for a noisy query label). "
                  "[Corrected: the spec's k2 = d(d+2)(s1^2+2s2) and d s2 hold for sigma = 0.]",
        forall={"d": "every d >= 1", "d_h": "every d_h >= 1", "N": "every N >= 1"},
        claimed=claimed, build=lambda c: [_b_population(c)])


def threshold_block_claim(id, part, statement, extra=None):
    """The stability limit of GD on the nuisance ``part`` (v, b_B or b_C) for every ``d, d_h``:
    its Hessian block ``k F F^T`` decouples at zero nuisance; claimed ``block_coef`` (k),
    ``threshold`` (2), ``eta_max`` (the limit) and the ``extra`` values."""
    coef, eta_max = _BLOCKS[part]
    claimed = {"block_coef": coef, "threshold": sp.Integer(2), "eta_max": eta_max,
               **(extra or {})}

    def build(c):
        out = [ev.argument(lambda: [*_nuisance_block_steps(c, coef, part),
                                    *([ev.identity(KB.xreplace({mi.sigma: 0}),
                                                   c["kB_noiseless"],
                                                   description="kB without noise")]
                                      if "kB_noiseless" in c else [])],
                           f"every d, d_h: the {part} block, decoupled; stability of GD on it"),
               _nuisance_block_cross_check(c, part)]
        return out
    return claim(id, statement, "5", forall=SIZES, claimed=claimed, build=build)
