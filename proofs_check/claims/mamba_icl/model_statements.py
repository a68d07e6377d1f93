"""Claims of sections 1-3 of the spec: the discretised layer, its forward pass (closed form,
readout, online-GD view) and its population loss and reduced GD map.
"""

from __future__ import annotations

import sympy as sp

from proofs_check.claim import Claim
from theory.models import mamba_icl as mi

from . import claims as declare
from .claims import population_claim
from .formulas import (
    _SCALE,
    C_DISC,
    G_I,
    GAMMA_NEXT,
    N_RHO_LIMIT,
    POP_COEFFS,
    W_UPDATE,
    W_YHAT,
    _closed_form_claims,
    _gate_sum_claims,
    _gradient_claims,
    _map_claim_defaults,
    _surrogate_claims,
)
from .forward_proofs import (
    _b_c_unused,
    _b_c_unused_general,
    _b_closed_form,
    _b_closed_form_general,
    _b_online_gd,
    _b_online_gd_general,
    _b_preconditioned,
    _b_readout,
    _b_readout_general,
    _b_setup_channel,
    _b_setup_gates,
    _b_setup_zoh,
    _b_surrogate_vs_lms,
    _preconditioned_steps,
    _query_step,
    _surrogate_vs_lms_steps,
    _unrolled_state,
    _unrolled_weights,
)
from .identities import _identity, _nc_lazy
from .limits import _limits_numeric
from .loss_proofs import (
    _b_nuisance_invariant,
    _b_rho,
    _b_s1_ln2,
    _gate_sums_steps,
    _nuisance_gradient_step,
    _t_in_unit,
)
from .map_proofs import (
    _b_balanced_slice,
    _b_balanced_slice_general,
    _b_gradients,
    _b_gradients_general,
    _b_normalisation,
    _b_normalisation_general,
    _b_reduced_map,
    _b_reduced_map_general,
    _b_scalar_split,
    _b_scalar_split_general,
    _grad_gamma_step,
)
from .scan_checks import _mc_vs_formula, _readout_vs_scan, _scan_vs_closed

CLAIMS: list[Claim] = [
    # --------------------------------------------------------------------------- section 1
    declare.claim("mamba.setup.discretisation",
       "A = -I is diagonal, so the discretisation acts channel by channel: with step Delta, ZOH "
       "gives Abar = exp(-Delta) = a and Bbar = (1 - a) B per channel (Abar = a I), Euler gives "
       "Bbar = Delta B", "1",
       claimed={"Abar": sp.exp(-mi.delta), "c_zoh": C_DISC["zoh"], "c_euler": C_DISC["euler"]},
       build=lambda c: [
           _identity(lambda: _b_setup_channel(c), "one channel: (Delta A)^-1 (exp(Delta A) - 1) "
                     "Delta with A = -1, symbolic Delta"),
           _identity(lambda: _b_setup_zoh(c), "matrix ZOH formula (Delta A)^-1 (exp(Delta A) - I) "
                     "Delta B, 2 channels; theory.discretise")]),
    declare.argued(
        "mamba.setup.gates", "1", {"g_i": G_I, "c_zoh": C_DISC["zoh"], "c_euler": C_DISC["euler"]},
        "Unrolling the y-channel recurrence (query input y = 0): for every N, h_{N+1} = "
        "sum_i g_i y_i B_i with g_i = c a^(N+1-i), c = 1 - a (ZOH) or Delta (Euler)",
        lambda c: [
            _unrolled_weights(c["g_i"]), _query_step(),
            _identity(lambda: _b_setup_gates(c), "literal recurrence of the theory, N = 1..4, "
                      "ZOH and Euler")],
        "induction on N (per state channel, any B_i) and the literal recurrence",
        forall=declare.EVERY_N),
    declare.argued(
        "mamba.setup.c_unused", "1", {"dependence": sp.Integer(0)},
        "The y-column c of W_C multiplies the query's y-entry 0: the prediction does not depend "
        "on c, which gets no gradient",
        lambda c: [
            declare.every_size(_b_c_unused_general, c,
                        "C_{N+1}^T h = (x_q^T Q^T + z c^T + b_C^T) h, z = 0")],
        "the c-part of the prediction is z c^T h_{N+1} with z = 0", forall=declare.SIZES,
        cross_check=(_b_c_unused, "d/dc of the literal recurrence (d = d_h = N = 2)",
                     {"d": 2, "d_h": 2, "N": 2})),
    declare.computed(
        "mamba.setup.step", "1-2", {"limit": mi.kappa},
        "The per-token step 1 - a = 1 - exp(-kappa/N) satisfies N (1 - a) -> kappa as N -> oo "
        "(ln 2 / N for the paper's kappa = ln 2)",
        lambda b, s, c: _limits_numeric(b, s, ("step",),
                                        {"step": c["limit"]}),
        "limit - N(1 - a) at N = 10^j (50 digits) within its Taylor bound kappa^2/(2N)"),
    # --------------------------------------------------------------------------- section 2
    declare.argued(
        "mamba.forward.closed_form", "2", _closed_form_claims(),
        "For every d, d_h, N: yhat = (Q x_q + b_C)^T sum_i g_i y_i (P x_i + v y_i + b_B): main "
        "term x_q^T Gamma sum g_i y_i x_i (Gamma = Q^T P) plus five nuisance terms that vanish "
        "when v = b_B = b_C = 0",
        lambda c: [
            _unrolled_state(), _query_step(),
            declare.every_size(_b_closed_form_general, c, "token i: main + nuisance terms"),
            _identity(_b_closed_form, "literal recurrence vs closed form, (d, d_h, N) in "
                      "{(1,1,3), (2,2,2), (2,3,3)}, ZOH and Euler")],
        "unrolled recurrence (induction on N), C_{N+1} = Q x_q + b_C, expansion per token",
        forall=declare.SIZES_N),
    declare.computed(
        "mamba.forward.scan", "2", {"g_i": G_I},
        "The literal S6 scan (fast Numba kernel and plain-loop reference) equals the closed form "
        "(gate weights g_i = c a^(N+1-i)) to 1e-12 (relative), with nuisance parameters, both "
        "discretisations, several kappa", lambda b, s, c: _scan_vs_closed(b, s, c["g_i"]),
        "numerics.scan kernels vs the closed form on Gaussian prompts"),
    declare.argued(
        "mamba.forward.readout", "2", {"update": W_UPDATE, "yhat": W_YHAT},
        "With zero nuisance parameters the readout w_l = Q^T h_l^(y) obeys w_0 = 0, "
        "w_l = a w_{l-1} + c Gamma y_l x_l, and yhat = a x_q^T w_N",
        lambda c: [
            declare.every_size(_b_readout_general, c, "Q^T times the recurrence; query step")],
        "the readout recursion is Q^T times the state recursion", forall=declare.SIZES,
        cross_check=(_b_readout, "literal recurrence (d = d_h = 2, N = 3), ZOH and Euler",
                     {"d": 2, "d_h": 2})),
    declare.computed(
        "mamba.forward.readout_scan", "2", {"update": W_UPDATE, "yhat": W_YHAT},
        "The readout recursion w_l = a w_{l-1} + c Gamma y_l x_l reproduces Q^T h_l of the literal "
        "scan and yhat = a x_q^T w_N its prediction (d = 5, N = 50, d_h = 8) to 1e-12",
        lambda b, s, c: _readout_vs_scan(b, s, c["update"], c["yhat"]),
        "numerics.scan.readout_path vs the recursion"),
    declare.argued(
        "mamba.forward.online_gd", "2",
        {"step": 1 - mi.a, "s_zoh": sp.Integer(1), "s_euler": mi.delta / (1 - mi.a)},
        "At Gamma = gamma* I each token is one GD step with step 1 - a on the surrogate "
        "1/2 |w|^2 - s gamma* y_l <x_l, w>, s = 1 for ZOH. [Corrected: for Euler the readout "
        "update a w + Delta gamma* y x is this step with s = Delta/(1 - a) = 1 + O(Delta); a step "
        "Delta on the s = 1 surrogate gives (1 - Delta) w, equal only to first order in Delta.]",
        lambda c: [
            _identity(lambda: _b_online_gd_general(c), "one coordinate of the readout update vs "
                      "the separable surrogate (every d), ZOH and Euler")],
        "the readout update is a GD step on a sum over coordinates",
        cross_check=(_b_online_gd, "theory's readout recursion vs GD steps (d = d_h = 2, N = 3), "
                     "ZOH and Euler", {"d": 2, "d_h": 2, "N": 3})),
    declare.argued(
        "mamba.forward.surrogate_vs_lms", "2", _surrogate_claims(),
        "The surrogate gradient is the LMS gradient x x^T w - y x with x x^T replaced by its mean "
        "E[x x^T] = I and y by gamma* y; it differs from LMS by (x x^T - I) w - (1 - gamma*) y x",
        _surrogate_vs_lms_steps,
        "every d: per-coordinate gradient, free-algebra difference, pairwise Gaussian moments",
        forall={"d": "every d >= 1"},
        cross_check=(_b_surrogate_vs_lms, "exact (d = 3), Gaussian mean by Isserlis",
                     {"d": 3})),
    declare.argued(
        "mamba.forward.preconditioned_step", "2", {"factor": mi.a, "g_i": G_I},
        "For every N: a w_N = Gamma (-grad_w 1/2 sum g_i (y_i - w^T x_i)^2 at w = 0): one "
        "preconditioned GD step from 0 on the gate-weighted least squares",
        _preconditioned_steps,
        "readout unrolled by induction on N (B_i = Gamma x_i); gradient per token and coordinate",
        forall=declare.EVERY_N,
        cross_check=(_b_preconditioned, "exact (d = d_h = 2, N = 3), ZOH and Euler",
                     {"d": 2, "d_h": 2, "N": 3})),
    # --------------------------------------------------------------------------- section 3
    declare.argued(
        "mamba.loss.gate_sums", "3", _gate_sum_claims(),
        "For every N: s1 = a (1 - a^N), s2 = (1 - a) a^2 (1 - a^(2N)) / (1 + a) (ZOH); "
        "s1 = Delta a (1 - a^N)/(1 - a), s2 = Delta^2 a^2 (1 - a^(2N))/(1 - a^2) (Euler)",
        _gate_sums_steps, "induction on N (ZOH and Euler) and N = 1..5", forall=declare.EVERY_N),
    declare.exact(
        "mamba.loss.s1_ln2", "3", {"a_pow_N": sp.Rational(1, 2), "s1": mi.a / 2},
        "For ZOH with kappa = ln 2, a^N = 1/2 exactly, so s1 = a/2 for every N", _b_s1_ln2,
        "exact, symbolic N", forall=declare.EVERY_N),
    declare.exact(
        "mamba.loss.rho", "3", {"rho": mi.n_rho_closed_form() / mi.n},
        "For every N: rho = s2/s1^2 = tanh(kappa/(2N)) coth(kappa/2) for ZOH and Euler alike, "
        "i.e. N rho = N tanh(kappa/(2N)) coth(kappa/2)", _b_rho,
        "identity in t = exp(-kappa/(2N)) and "
                                   "symbolic N (exponential rewriting)",
        point_filter=_t_in_unit, forall=declare.EVERY_N),
    declare.computed(
        "mamba.loss.limits", "3", {"s1": mi.gate_limits("zoh")["s1"], "n_rho": N_RHO_LIMIT},
        "As N -> oo: s1 -> 1 - exp(-kappa) and N s2/s1^2 -> (kappa/2) coth(kappa/2) (ZOH and "
        "Euler), = 3 ln 2 / 2 at kappa = ln 2 (see mamba.solution.ratio_constant)",
        lambda b, s, c: _limits_numeric(b, s, ("zoh", "euler"), c),
        "distance to the limits at N = 10^j (50 digits) within proven remainder bounds"),
    population_claim(),
    declare.computed(
        "mamba.loss.population_mc", "3", dict(POP_COEFFS),
        "Monte-Carlo losses of the literal S6 layer agree with the population formula (alpha, k2, "
        "kB, tau^2/2 of mamba.loss.population) within their confidence intervals (noise, Euler, "
        "several kappa included)",
        _mc_vs_formula, "seeded Monte-Carlo over fresh prompts, 99% family-wise CIs"),
    declare.argued(
        "mamba.loss.nuisance_invariant", "3", {"gradient": sp.Integer(0)},
        "Each of v, b_B, b_C that starts at 0 stays at 0 under population GD (its gradient "
        "vanishes there), and c gets no gradient",
        lambda c: [_nuisance_gradient_step(c)],
        "every d, d_h: v, b_B, b_C enter the loss only through squares of linear forms "
        "in that part (k2 |Q^T v|^2, k2 (b_C^T v)^2, kB |Q^T b_B|^2, kB (b_C^T b_B)^2, "
        "alpha |P^T b_C|^2); c does not enter (mamba.setup.c_unused)",
        cross_check=(_b_nuisance_invariant, "gradients of the population loss (d = 2, d_h = 3)",
                     {"d": 2, "d_h": 3})),
    declare.matrix_form_claim(
        "mamba.loss.gradients", "3", _gradient_claims(),
        "On the nuisance-free manifold dL/dP = Q (alpha Gamma - s1 I), dL/dQ = P (alpha Gamma - s1 "
        "I)^T",
        (_b_gradients_general, "chain rule dGamma = Q^T dP + dQ^T P and the pairings <E, dGamma>"),
        (_b_gradients, "explicit gradients (d = 2, d_h = 3)", {"d": 2, "d_h": 3}),
        "every d, d_h: dL/dGamma = E entrywise; dGamma = Q^T dP + dQ^T P"),
    declare.matrix_form_claim(
        "mamba.loss.reduced_map", "3", _map_claim_defaults(),
        "Population GD is E = alpha Q^T P - s1 I, P' = P - eta Q E, Q' = Q - eta P E^T",
        (_b_reduced_map_general, "GD with the gradients Q E, P E^T"),
        (_b_reduced_map, "map derived by theory.gd_map vs the matrix form (d = 2, d_h = 3)",
         {"d": 2, "d_h": 3}),
        "every d, d_h: GD with the gradients dL/dP = Q E, dL/dQ = P E^T"),
    declare.matrix_form_claim(
        "mamba.loss.normalisation", "3", dict(_SCALE),
        "With Pt = P sqrt(alpha/s1), Qt = Q sqrt(alpha/s1) the map is the two-factor matrix map "
        "(GD on |Qt^T Pt - I|^2/2) with mu = eta s1",
        (_b_normalisation_general, "conjugacy of the matrix forms"),
        (_b_normalisation, "derived maps (d = d_h = 2)", {"d": 2, "d_h": 2}),
        "conjugacy (the two-factor map is the case alpha = s1 = 1)"),
    declare.argued(
        "mamba.loss.scalar_split", "3", dict(_SCALE),
        "Aligned (diagonal) initialisations stay diagonal and each mode follows the scalar "
        "two-factor map F_mu(a, b) of spec two_factor.md with a = p sqrt(alpha/s1), mu = eta s1",
        lambda c: [
            _grad_gamma_step(),
            _identity(lambda: _b_scalar_split_general(c),
                      "one mode against theory.models.two_factor (every d)"),
            _identity(lambda: _b_scalar_split(c), "off-diagonal entries stay 0 and modes "
                      "(d = d_h = 2)")],
        "diagonal P, Q give diagonal Gamma and E, so each mode is scalar"),
    declare.argued(
        "mamba.loss.balanced_slice", "3", {"gamma_next": GAMMA_NEXT, "P_minus_Q": sp.Integer(0)},
        "P = Q is invariant and on P = Q = sqrt(gamma) Ob: gamma' = gamma (1 - eta(alpha gamma - "
        "s1))^2",
        lambda c: [
            _grad_gamma_step(),
            _nc_lazy(lambda: _b_balanced_slice_general(c["gamma_next"], c["P_minus_Q"]),
                     declare.nc_note("P = Q, O^T O = I"))],
        "E is symmetric on P = Q; the slice map from the matrix form", forall=declare.SIZES,
        cross_check=(lambda c: _b_balanced_slice(c["gamma_next"], c["P_minus_Q"]),
                     "derived slice (d = d_h = 2)", {"d": 2, "d_h": 2})),
]
