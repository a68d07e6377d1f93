"""Claims of sections 4-5 of the spec: the minimiser and the optimal loss, and the GD dynamics
(rates, multipliers, stability thresholds, nuisance blocks, the literal S6 layer trained).
"""

from __future__ import annotations

import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claim import Claim
from theory.models import mamba_icl as mi

from . import claims as declare
from .claims import balanced_rate_claim, gamma_star_claim, multiplier_claim
from .convergence import (
    _loss_bound,
    _low_rank,
    _nuisance_rate,
    _reach_minimum,
    _unbalanced_rates,
    _unbalanced_spectrum,
)
from .formulas import (
    _DH,
    _ES1,
    _G0,
    _GS,
    _LIMIT_LN2,
    _T,
    D1_MULT,
    ETA_MAIN,
    ETA_V,
    GAMMA_STAR,
    L_STAR,
    L_STAR_NOISELESS,
    LOGISTIC_ODE,
    LOW_RANK_EXCESS,
    MULT_MODE,
    N_RHO_LIMIT,
    NUISANCE_BLOCKS,
    RATE_MAIN,
    RATIO_PARTS,
    _constant_rule,
    _fn,
    _linearised_default,
    _rule,
)
from .identities import _identity
from .limits import _ratio_property
from .map_proofs import _grad_gamma_step
from .rate_proofs import (
    _b_logistic,
    _b_logistic_instance,
    _b_logistic_slice,
    _b_unbalanced,
    _linearised_error,
    _stability_steps,
    _sylvester_eigen,
    _threshold_order_parts,
)
from .s6_training import _s6_gd, _s6_sgd
from .solution_proofs import (
    _b_loss_value,
    _b_low_rank_value,
    _b_saddle,
    _b_tf_loss,
    _b_zero_modes,
    _b_zero_modes_general,
    _ratio_steps,
    _saddle_steps,
)
from .thresholds import _threshold_main, _threshold_v, _v_catapult

_BISECTION = "multisection bisection on simulations of the derived map"

CLAIMS: list[Claim] = [
    # --------------------------------------------------------------------------- section 4
    gamma_star_claim(),
    declare.exact(
        "mamba.solution.loss_value", "4", {"L_star": L_STAR},
        "For every d: L* = (d/2) m rho / (1 + m rho) with m = d + 1 (noise: d + 1 + sigma^2), "
        "rho = s2/s1^2", _b_loss_value, "L(gamma* I), exact, symbolic d",
        forall={"d": "every d >= 1"}),
    declare.exact(
        "mamba.solution.tf_loss", "4",
        {"s1": sp.Integer(1), "rho": 1 / mi.n,
         "L_star_TF": mi.dim * (mi.dim + 1) / (2 * (mi.n + mi.dim + 1))},
        "Linear self-attention (uniform weights 1/N: s1 = 1, rho = 1/N) has "
        "L*_TF = (d/2)(d+1)/(N+d+1), for every d and N", _b_tf_loss, "exact, symbolic d and N",
        forall={"d": "every d >= 1", "N": "every N >= 1"}),
    declare.argued(
        "mamba.solution.ratio_bound", "4", dict(RATIO_PARTS),
        "For every d, N, sigma and weights: 1 <= L*_Mamba/L*_TF <= N rho: ratio - 1 = "
        "(N rho - 1)/(1 + m rho), N rho - ratio = m rho (N rho - 1)/(1 + m rho), and "
        "N rho - 1 = sum_{i<j}(g_i - g_j)^2/s1^2 >= 0 (Lagrange's identity)", _ratio_steps,
        "exact identities, Lagrange's "
                                     "identity by induction on N, positivity",
        forall={"d": "every d >= 1", "N": "every N >= 1"}),
    declare.argued(
        "mamba.solution.ratio_constant", "4",
        {"value": 3 * sp.log(2) / 2, "digits": sp.Rational(103972, 100000),
         "bound": sp.Rational(10398, 10000)},
        "For kappa = ln 2 the limit (kappa/2) coth(kappa/2) of N rho (mamba.loss.limits) is "
        "3 ln 2 / 2 = 1.03972... < 1.0398 (its rounding up to 4 decimals)",
        lambda c: [
            ev.identity(c["value"], _LIMIT_LN2, description="the limit at kappa = ln 2"),
            ev.certify_sign(_LIMIT_LN2 - c["digits"], {}, ">0",
                            description="the value is 1.03972..."),
            ev.certify_sign(c["digits"] + sp.Rational(1, 100000) - _LIMIT_LN2, {}, ">0",
                            description="... below 1.03973"),
            ev.certify_sign(c["bound"] - _LIMIT_LN2, {}, ">0", description="below the bound"),
            ev.certify_sign(_LIMIT_LN2 - (c["bound"] - sp.Rational(1, 10000)), {}, ">0",
                            description="the bound is the rounding up at 4 decimals")],
        "limit value and arb enclosures"),
    declare.claim("mamba.solution.ratio_property",
       "Over d, N, kappa, discretisation and sigma: 1 <= ratio <= N rho <= (kappa/2) coth(kappa/2)"
       " (the sup over N) and 2/(k2 gamma*) < 1/s1 < min(2/s1, 2/(kB gamma*))", "4-5",
       claimed={"n_rho_sup": N_RHO_LIMIT}, build=_ratio_property),
    declare.argued(
        "mamba.solution.saddle", "4", {"eig_plus": mi.s1, "eig_minus": -mi.s1},
        "P = Q = 0 is a strict saddle: the Hessian there has eigenvalues +s1 and -s1 "
        "(each d d_h times)",
        _saddle_steps,
        "every d, d_h: d d_h decoupled 2x2 blocks (P_jk, Q_jk) at 0",
        cross_check=(_b_saddle, "characteristic polynomial (d = d_h = 2)", {"d": 2, "d_h": 2})),
    declare.matrix_form_claim(
        "mamba.solution.zero_modes", "4", {"image": sp.Integer(0)},
        "A mode started at 0 (column j of P and of Q) stays at 0 under GD",
        (_b_zero_modes_general, "P e_j = Q e_j = 0"),
        (_b_zero_modes, "derived map (d = 2, d_h = 3)", {"d": 2, "d_h": 3}),
        "the matrix form maps P e_j, Q e_j linearly to themselves"),
    declare.exact(
        "mamba.solution.low_rank_value", "4", {"excess": LOW_RANK_EXCESS},
        "For every d > d_h: Gamma = gamma* (rank-d_h projector) has loss L* + (alpha/2) gamma*^2 "
        "(d - d_h) (L* = L(gamma* I))", _b_low_rank_value,
        "exact in the invariants "
                                   "|Gamma|^2, tr Gamma; symbolic d and d_h",
        forall=declare.SIZES),
    declare.computed(
        "mamba.solution.low_rank", "4", {"excess": LOW_RANK_EXCESS},
        "With d_h < d, GD from random starts reaches the best loss L* + (alpha/2) gamma*^2 "
        "(d - d_h)",
        lambda b, s, c: _low_rank(b, s, _rule(c["excess"].xreplace({mi.dim: 3, _DH: 2}))),
        "derived GD map, d = 3, d_h = 2, random Gaussian starts; loss from the general formula"),
    declare.computed(
        "mamba.solution.gd_reaches", "4", {"gamma_star": GAMMA_STAR, "L_star": L_STAR_NOISELESS},
        "GD on the reduced map from random (unbalanced) starts reaches Q^T P = gamma* I and L*",
        lambda b, s, c: _reach_minimum(b, s, _constant_rule(c["gamma_star"]),
                                       _constant_rule(c["L_star"])),
        "derived GD map, d = 2, d_h = 3, random Gaussian starts; loss from the general formula"),
    # --------------------------------------------------------------------------- section 5
    declare.argued(
        "mamba.rate.logistic", "5",
        {"ode": LOGISTIC_ODE, "solution": mi.logistic_solution(_G0, gstar=_GS, t=_T)},
        "Gradient flow on the balanced slice is logistic: gamma' = 2 s1 gamma (1 - gamma/gamma*), "
        "gamma(t) = gamma*/(1 + (gamma*/gamma0 - 1) exp(-2 s1 t))",
        lambda c: [
            _identity(lambda: _b_logistic(c), "ODE and initial value"),
            _grad_gamma_step(),
            declare.every_size(_b_logistic_slice, c, "flow on P = Q = r O")],
        "logistic ODE; reduction of the flow on the slice", forall=declare.SIZES,
        cross_check=(_b_logistic_instance, "derived loss on P = Q = r I (d = d_h = 2)",
                     {"d": 2, "d_h": 2})),
    multiplier_claim(),
    declare.argued(
        "mamba.rate.unbalanced_multipliers", "5",
        {"linearised": _linearised_default(), "multiplier": MULT_MODE},
        "At any minimum Q^T P = gamma* I the linearised error obeys dE' = dE - eta alpha (Q^T Q dE "
        "+ dE P^T P): multipliers 1 - eta alpha (mu_i + nu_j), contraction max |.|^2",
        lambda c: [
            _grad_gamma_step(),
            declare.every_size(_linearised_error, c, "linearised error"),
            declare.every_size(_sylvester_eigen, c, "eigenvectors u_i v_j^T")],
        "linearisation of the matrix form at E = 0", forall=declare.SIZES,
        cross_check=(_b_unbalanced, "derived Jacobian on the minimiser manifold P = gamma* "
                     "Q^-T (d = d_h = 2)", {"d": 2, "d_h": 2})),
    declare.computed(
        "mamba.rate.unbalanced_spectrum", "5", {"multiplier": MULT_MODE, "neutral": sp.Integer(1)},
        "The Jacobian at random unbalanced minima has eigenvalues {1 - eta alpha (mu_i + nu_j)} "
        "and 1 (neutral)",
        lambda b, s, c: _unbalanced_spectrum(b, s, c["multiplier"], c["neutral"]),
        "eigenvalues of the derived Jacobian, d = 2, d_h = 3"),
    declare.argued(
        "mamba.rate.stability", "5",
        {"threshold": sp.Integer(2), "balanced_eta_s1": sp.Integer(1),
         "d1_multiplier": D1_MULT},
        "A minimum is linearly stable iff eta alpha (lambda_max(Q^TQ) + lambda_max(P^TP)) < 2 "
        "(multipliers 1 - eta alpha (mu_i + nu_j) on the error, 1 along the minimisers); at the "
        "balanced minimum iff eta s1 < 1 (d = 1: eigenvalues 1 and 1 - eta alpha (p^2 + q^2))",
        _stability_steps, "every d, d_h: linearised error, its eigenvectors, "
        "|1 - s| < 1 iff 0 < s < 2; the d = 1 characteristic polynomial", forall=declare.SIZES),
    declare.computed(
        "mamba.rate.threshold_main", "5", {"eta_max": ETA_MAIN},
        "Simulated GD near the balanced minimum converges iff eta < 1/s1",
        lambda b, s, c: _threshold_main(b, s, _rule(c["eta_max"])), _BISECTION),
    declare.threshold_block_claim(
        "mamba.rate.threshold_v", "v",
        "If v is trained: the v-block of the Hessian at zero nuisance is k2 Q Q^T and decoupled, "
        "so GD is stable iff eta k2 lambda_max(Q^T Q) < 2, i.e. eta < 2/(k2 gamma*) at the "
        "balanced minimum"),
    declare.computed(
        "mamba.rate.threshold_v_simulated", "5", {"eta_max": ETA_V},
        "Simulated GD with v trained converges iff eta < 2/(k2 gamma*)",
        lambda b, s, c: _threshold_v(b, s, _rule(c["eta_max"])), _BISECTION),
    declare.computed(
        "mamba.rate.v_catapult", "5", {"eta_v": ETA_V},
        "[Beyond the spec] For eta slightly above 2/(k2 gamma*) GD with v trained does not fail: v "
        "grows, Q shrinks and P grows until eta k2 lambda_max(Q Q^T) < 2, and GD converges to "
        "another minimiser Q^T P = gamma* I (so 2/(k2 gamma*) bounds the stability of the balanced "
        "minimum, not convergence)", lambda b, s, c: _v_catapult(b, s, _rule(c["eta_v"])),
        "simulations of the derived map (P, Q, v trained), with a "
        "control lane just below the limit"),
    declare.threshold_block_claim(
        "mamba.rate.threshold_bB", "b_B",
        "If b_B is trained: Hessian block kB Q Q^T, stable iff eta < 2/(kB gamma*) "
        "(kB = d s2 without noise)", extra={"kB_noiseless": mi.dim * mi.s2}),
    declare.threshold_block_claim(
        "mamba.rate.threshold_bC", "b_C",
        "If b_C is trained: Hessian block alpha P P^T, stable iff eta < 2/s1 at the balanced "
        "minimum"),
    declare.claim("mamba.rate.threshold_order",
       "2/(k2 gamma*) < 1/s1 < 2/(kB gamma*) and 1/s1 < 2/s1 for every d >= 1, sigma >= 0: "
       "training v always binds first, the bias limits never bind", "5",
       ev.argument(_threshold_order_parts(), "exact positivity certificates with d = 1 + e, "
                   "e >= 0 (every real d >= 1)"),
       forall={"sigma": "every sigma >= 0"}),
    balanced_rate_claim(),
    declare.computed(
        "mamba.rate.unbalanced_rate", "5", {"mode_rate": MULT_MODE**2},
        "From random starts the excess loss contracts by max |1 - eta alpha (mu_i + nu_j)|^2 at "
        "the minimum reached", lambda b, s, c: _unbalanced_rates(b, s, c["mode_rate"]),
        "fit on the derived GD map vs the spectra at the limit"),
    declare.computed(
        "mamba.rate.loss_bound", "5", {"rate": RATE_MAIN},
        "GD on (P, Q) from balanced starts: L(theta_T) <= L* + C (1 - 2 eta s1)^(2(T - T0)), and "
        "the rate is attained (excess_T >= c (1 - 2 eta s1)^(2(T - T0)) excess_T0)",
        lambda b, s, c: _loss_bound(b, s, _fn(c["rate"], (_ES1,))),
        "sup and inf of excess_T / (excess_T0 q^(2(T-T0))) over T, eta s1 grid"),
    declare.computed(
        "mamba.rate.nuisance_rate", "5", dict(NUISANCE_BLOCKS),
        "[Correction] With v, b_B, b_C trained from non-zero values the excess loss contracts by "
        "the largest of (1-2 eta s1)^2, (1-eta k2 gamma*)^2, (1-eta kB gamma*)^2, (1-eta s1)^2, "
        "not by (1 - 2 eta s1)^2 (each block, excited alone, by its own factor)", _nuisance_rate,
        "fit on the derived full GD map vs the slowest block; single-block fits"),
    declare.computed(
        "mamba.rate.s6_gd", "5",
        {"rate": RATE_MAIN, "gamma_star": GAMMA_STAR, "L_star": L_STAR_NOISELESS},
        "Full-batch GD on the literal S6 layer (W_B, W_C from a small Gaussian start, Monte-Carlo "
        "prompts) reaches Gamma = gamma* I and L*, contracting by (1 - 2 eta s1)^2 per step "
        "(within Monte-Carlo error)",
        lambda b, s, c: _s6_gd(b, s, _fn(c["rate"], (_ES1,)), _constant_rule(c["gamma_star"]),
                               _constant_rule(c["L_star"])),
        "numerics.scan.train (fixed batch) and a log-linear fit"),
    declare.computed(
        "mamba.rate.s6_sgd", "5", {"gamma_star": GAMMA_STAR, "L_star": L_STAR_NOISELESS},
        "Online SGD on the literal S6 layer (fresh prompts each step, every parameter trained) "
        "reaches L* and gamma* I",
        lambda b, s, c: _s6_sgd(b, s, _constant_rule(c["gamma_star"]),
                                _constant_rule(c["L_star"])),
        "numerics.scan.train (fresh prompts), exact population loss at the end"),
]
