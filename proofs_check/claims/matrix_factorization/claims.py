"""Declarations of the matrix-factorization claims (spec sections A ``mf.*`` and B ``dmf.*``).

``CORRECTIONS`` lists what our specification got wrong or left imprecise, and what is true.
"""

from __future__ import annotations

import functools

import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claim import Claim
from proofs_check.claims.matrix_factorization.deep import (
    dmf_asymptotic_check,
    dmf_asymptotic_steps,
    dmf_gd_check,
    dmf_gd_general_steps,
    dmf_gd_steps,
    dmf_ode_general_steps,
    dmf_ode_steps,
    dmf_quadrature_check,
)
from proofs_check.claims.matrix_factorization.experiments import (
    closed_form_vs_ode,
    generic_times_check,
    limit_check,
    order_margin,
    plateau_check,
    rank_deficient_numeric,
    ratio_check,
    zero_eigenvalue_check,
)
from proofs_check.claims.matrix_factorization.flow import (
    CLOSED_FORM_SIZES,
    RANK_SIZES,
    aligned_cross_check,
    aligned_steps,
    closed_form_general_steps,
    closed_form_steps,
    flow_general_steps,
    flow_steps,
    half_time_steps,
    inverse_general_steps,
    inverse_steps,
    rank_steps,
    riccati_general_steps,
    riccati_steps,
    width_steps,
)
from proofs_check.claims.matrix_factorization.gd import (
    SHARPNESS_SIZES,
    gd_half_step_check,
    gd_sharpness_check,
    gd_stability_check,
    sharpness_steps,
    stability_steps,
    two_cycle_check,
    two_cycle_steps,
)
from proofs_check.claims.matrix_factorization.symbols import (
    ETA,
    LAM,
    LAM_1,
    LAM_K,
    LAM_NEXT,
    N_SYM,
    RHO,
    RICCATI_RHS,
    TWO_CYCLE,
    X_SYM,
)
from theory.models import matrix_factorization as mf

MODEL = "matrix-factorization"
MV = "Min & Vidal, arXiv 2508.20344"
CW = "Chou & Wang, arXiv 2605.28613"

CORRECTIONS = [
    "mf.zero_eigenvalue: x_k(t) = 1/(2t + 1/(rho_k alpha^2)) holds once the earlier components "
    "are learned and only to leading order: the offset is (1 + O(alpha^2))/(rho_k alpha^2) "
    "(measured relative offset error 5.3e-3 at alpha = 0.1, 5.4e-5 at alpha = 0.01).",
    "mf.gd.sharpness: sharpness 2 lam_1 at the minimiser needs Y positive semidefinite (or "
    "|lam_min| <= lam_1); with a large negative eigenvalue the Hessian at the best PSD "
    "approximation has eigenvalue lam_1 + |lam_min| and can exceed 2 lam_1.",
    "mf.generic_times: the error of the predicted t_k vanishes like alpha^p with p between 1.5 "
    "and 2 on Y = diag(4, 2, 1) (measured), not just 'polynomially'; the learning order and the "
    "ratio t_{k+1}/t_k -> lam_k/lam_{k+1} are asymptotic statements (they need alpha small "
    "relative to the spectral gaps).",
]


def src(part: str) -> str:
    """The source line of a claim: Min & Vidal for spec part A, Chou & Wang for ``dmf``."""
    return f"{MV}, {part}" if not part.startswith("dmf") else f"{CW}, {part}"



def _c(id_, statement, part, evidence=(), **kw):
    return Claim(id=id_, statement=statement, source=src(part), model=MODEL, evidence=evidence,
                 **kw)


CLAIMS = [
    _c("mf.flow", "For L = 1/4 |UU^T - Y|_F^2 the gradient flow is dU/dt = (Y - UU^T) U.",
       "A (setup)", [ev.argument(flow_general_steps, "entrywise gradient, every n and r"),
                     ev.argument(flow_steps, "flow derived from the loss by theory.gd, "
                                 "(n, r) = (2, 3), (3, 2)", at={"(n, r)": ((2, 3), (3, 2))})]),
    _c("mf.riccati", "X = UU^T obeys dX/dt = YX + XY - 2X^2.", "A [mf.riccati]",
       claimed={"rhs": RICCATI_RHS},
       build=lambda c: [
        ev.argument(lambda: riccati_general_steps(c["rhs"]),
                    "d(UU^T)/dt in the free algebra (every "
                    "n, r)"),
        ev.argument(lambda: riccati_steps(c["rhs"]), "d(UU^T)/dt along the derived flow, "
                    "explicit sizes",
                    at={"(n, r)": ((1, 1), (2, 1), (2, 3), (3, 2))})]),
    _c("mf.closed_form",
       "X(t) = e^{Yt} U0 (I_r + 2 U0^T S(t) U0)^{-1} U0^T e^{Yt}, S(t) = int_0^t e^{2Ys} ds, "
       "solves the Riccati equation with X(0) = U0 U0^T for any U0 (any r) and any symmetric Y "
       "(indefinite or singular).", "A [mf.closed_form]",
       claimed={"factor": sp.Integer(2)},
       build=lambda c: [
        ev.argument(lambda: closed_form_general_steps(c["factor"]),
                    "Leibniz rule in the free algebra (every n, r) "
                    "with E' = YE, S' = E^2, (P^-1)' = -P^-1 P' P^-1 and [Y, E] = 0; "
                    "P = I + 2 U0^T S U0 >= I is invertible for t >= 0"),
        ev.argument(lambda: closed_form_steps(c["factor"]),
                    "eigenbasis cross-check: polynomial identity N'D - ND' - "
                    "D(YN + NY) + 2N^2 = 0 with e' = lam e, s' = e^2, n <= 3, r <= 4",
                    at={"(n, r)": CLOSED_FORM_SIZES})]),
    _c("mf.closed_form.ode",
       "The closed form agrees with an ODE solver to relative error < 1e-9 on random cases "
       "(n <= 5, r in {1, n, n+2}, indefinite Y), including times where float64 evaluation "
       "of the closed form fails (it is evaluated in mpmath at a precision chosen from "
       "2 lam_1 t).", "A [mf.closed_form]",
       [ev.computed(closed_form_vs_ode, "closed form (mpmath) vs DOP853 rtol 1e-13")]),
    _c("mf.inverse_form",
       "When X0 is invertible, X(t)^{-1} = e^{-Yt} X0^{-1} e^{-Yt} + 2 int_0^t e^{-2Ys} ds.",
       "A [mf.closed_form]",
       [ev.argument(inverse_general_steps,
                    "free algebra (every n): Z' = 2I - YZ - ZY, Z(0) = X0^-1, "
                    "and Z^-1 solves the Riccati equation"),
        ev.argument(inverse_steps, "eigenbasis cross-check, n <= 2", at={"n": (1, 2)})]),
    _c("mf.aligned",
       "U0 = alpha I, Y diagonal: each eigenvalue follows sigma_k(t) = lam_k / (1 + (lam_k/"
       "alpha^2 - 1) e^{-2 lam_k t}).", "A [mf.aligned]",
       claimed={"sigma": LAM_K / (1 + (LAM_K / mf.alpha_sym**2 - 1)
                                  * sp.exp(-2 * LAM_K * mf.t_sym))},
       build=lambda c: [ev.argument(lambda: aligned_steps(c["sigma"]),
                                    "diagonal Riccati equation decouples: logistic ODE and "
                                    "initial value for a symbolic lam_k (every component, "
                                    "every n)"),
                        ev.argument(lambda: aligned_cross_check(c["sigma"]),
                                    "cross-check against the closed form (n = 2)",
                                    at={"n": 2})]),
    _c("mf.aligned.half_time",
       "In the aligned case component k is half-learned at t_k = ln(lam_k/alpha^2 - 1)/"
       "(2 lam_k).", "A [mf.aligned]",
       claimed={"t_half": sp.log(LAM / mf.alpha_sym**2 - 1) / (2 * LAM)},
       build=lambda c: [ev.argument(lambda: half_time_steps(c["t_half"]), "substitution")]),
    _c("mf.aligned.width",
       "In the aligned case the 10% -> 90% width is ln 9 / lam_k, independent of alpha.",
       "A [mf.aligned]", claimed={"width": sp.log(9) / LAM},
       build=lambda c: [ev.argument(lambda: width_steps(c["width"]), "t_p for the logistic")]),
    _c("mf.generic_times",
       "Generic U0 = alpha B: t_k = ln(lam_k/(rho_k alpha^2))/(2 lam_k) + o(1), rho_k = "
       "det G_k/det G_{k-1} (G_k the Gram matrix of the first k rows of Q^T B); the error "
       "vanishes polynomially (measured ~alpha^1.5 to alpha^2) as alpha -> 0, for aligned, "
       "generic, under- (r = n-1) and over-parameterised (r = n+2) B.",
       "A [mf.generic_times]",
       claimed={"t_k": sp.log(LAM / (RHO * mf.alpha_sym**2)) / (2 * LAM)},
       build=lambda c: [ev.computed(functools.partial(generic_times_check, predict=sp.lambdify(
           (LAM, RHO, mf.alpha_sym), c["t_k"], "numpy")),
           "exact t_k (closed form + Brent) vs prediction, alpha = 1e-2 .. 1e-8")]),
    _c("mf.generic_times.order",
       "For small alpha (here alpha <= 1e-3, eigenvalue ratios >= 1.5) components are learned "
       "in order of decreasing lam.", "A [mf.generic_times]",
       [ev.property(order_margin, {"l1": (0.5, 4.0), "gap1": (1.5, 4.0), "gap2": (1.5, 4.0),
                                      "log_alpha": (-8.0, -3.0), "bseed": range(0, 1000)},
                       examples={"quick": 8, "full": 120},
                       description="Hypothesis over spectra, alpha and B: min t_{k+1} - t_k",
                       margin_is="min_k (t_{k+1} - t_k) of the exact learning times (closed form "
                       "+ Brent; no tolerance)")]),
    _c("mf.generic_times.ratio",
       "t_{k+1}/t_k -> lam_k/lam_{k+1} as alpha -> 0, only logarithmically (error * "
       "ln(1/alpha^2) stays bounded).", "A [mf.generic_times]",
       claimed={"ratio": LAM / LAM_NEXT},
       build=lambda c: [ev.computed(functools.partial(ratio_check, ratio=sp.lambdify(
           (LAM, LAM_NEXT), c["ratio"], "math")), "exact times at alpha = 1e-2 .. 1e-32")]),
    _c("mf.plateau",
       "Plateau k lasts (1/2)(1/lam_{k+1} - 1/lam_k) ln(1/alpha^2) + O(1) (the O(1) term is "
       "ln(lam_{k+1}/rho_{k+1})/(2 lam_{k+1}) - ln(lam_k/rho_k)/(2 lam_k)) and its loss tends "
       "to (1/4) sum_{i>k} lam_i^2.", "A [mf.generic_times]",
       claimed={"length_coefficient": sp.Rational(1, 2), "loss_coefficient": sp.Rational(1, 4)},
       build=lambda c: [ev.computed(functools.partial(
           plateau_check, length_coefficient=float(c["length_coefficient"]),
           loss_coefficient=float(c["loss_coefficient"])),
           "exact plateaus vs predictions on four kinds of B")]),
    _c("mf.zero_eigenvalue",
       "A zero eigenvalue's component decays as 1/(2t + c) with c = (1 + O(alpha^2))/(rho_k "
       "alpha^2), once the earlier components are learned.", "A [mf.generic_times]",
       claimed={"offset": 1 / (RHO * mf.alpha_sym**2), "rate": sp.Integer(2)},
       build=lambda c: [ev.computed(functools.partial(
           zero_eigenvalue_check, offset=sp.lambdify((RHO, mf.alpha_sym), c["offset"], "math"),
           rate=float(c["rate"])), "closed form, Y = diag(1, 0, -1)")]),
    _c("mf.rank_deficient",
       "With r < k, rho_k = 0 and the k-th component is never learned (rank X(t) <= r).",
       "A [mf.generic_times]",
       [ev.argument(rank_steps, "det G_k = 0 by exact expansion", at={"(k, r)": RANK_SIZES}),
        ev.computed(rank_deficient_numeric, "closed form X(t), n = 3, r = 1, 2: eigenvalue "
                    "r + 1 of X(t) vanishes")],
       forall={"(k, r)": "every k > r >= 1"}),
    _c("mf.limit",
       "X(t) -> the best PSD rank-r approximation of Y (generic B; any symmetric Y).",
       "A [mf.generic_times]", [ev.computed(limit_check, "closed form at t = 160")]),
    _c("mf.gd.half_step",
       "GD U' = U - eta (UU^T - Y) U half-learns component k at step ln(lam_k/(rho_k alpha^2))/"
       "(2 ln(1 + eta lam_k)) within one step (eta lam_1 <= 0.8).", "A [mf.gd]",
       claimed={"step": sp.log(LAM / (RHO * mf.alpha_sym**2)) / (2 * sp.log(1 + ETA * LAM))},
       build=lambda c: [ev.computed(functools.partial(
           gd_half_step_check, step=sp.lambdify((LAM, RHO, mf.alpha_sym, ETA), c["step"],
                                                "numpy")), "batched GD, seeded B")]),
    _c("mf.gd.sharpness",
       "The sharpness at a minimiser (Y PSD) is 2 lam_1.", "A [mf.gd]",
       claimed={"sharpness": 2 * LAM_1},
       build=lambda c: [
        ev.computed(functools.partial(gd_sharpness_check,
                                      sharpness=sp.lambdify(LAM_1, c["sharpness"], "math")),
                    "exact Hessian quadratic form, random PSD Y"),
        ev.argument(lambda: sharpness_steps(c["sharpness"]),
                    "Hessian spectra at explicit minimisers",
                    at={"(n, r)": SHARPNESS_SIZES})],
       forall={"(n, r)": "every n, r >= 1"}),
    _c("mf.gd.stability", "GD is linearly stable at the minimum (Y PSD) iff eta lam_1 < 1.",
       "A [mf.gd]",
       # the numeric check brackets the threshold at +-5%: mutants are 20% off
       claimed={"c_max": sp.Integer(1)}, mutation_delta=0.2,
       build=lambda c: [
        ev.computed(functools.partial(gd_stability_check, c_max=float(c["c_max"])),
                    "matrix GD at eta lam_1 = 0.95 and 1.05"),
        ev.argument(lambda: stability_steps(c["c_max"]),
                    "multipliers 1 - eta h of the GD Jacobian at explicit "
                    "minimisers, and the scalar map", at={"(n, r)": SHARPNESS_SIZES})],
       forall={"(n, r)": "every n, r >= 1"}),
    _c("mf.gd.two_cycle",
       "For 1 < c = eta lam < sqrt5 - 1 the learned component has an exact stable 2-cycle: "
       "u^2/lam alternates between s_+- = (c + 1 +- sqrt((c - 1)(c + 3)))/(2c), multiplier "
       "7 - 4c - 2c^2; it exists for all c > 1.", "A [mf.gd]",
       claimed=dict(TWO_CYCLE),
       build=lambda c: [
        ev.computed(functools.partial(two_cycle_check, claimed=c), "scalar and matrix GD orbits"),
        ev.argument(lambda: two_cycle_steps(c), "derivation of the 2-cycle")]),
    _c("dmf.ode",
       "Depth-N aligned model (W_j(0) = alpha I, loss 1/2|W_N...W_1 - Y|^2): each component "
       "x = w^N follows x' = N x^{2-2/N}(lam - x).", "dmf (B)",
       claimed={"rhs": N_SYM * X_SYM ** (2 - 2 / N_SYM) * (LAM - X_SYM)},
       build=lambda c: [
        ev.argument(lambda: dmf_ode_general_steps(c["rhs"]),
                    "balanced layer-wise flow, symbolic depth N"),
        ev.argument(dmf_ode_steps, "derived layer-wise flow, N = 2..5",
                    at={"N": (2, 3, 4, 5)})],
       forall={"N": "every N >= 1"}),
    _c("dmf.half_time",
       "The half-learning time is T = int_{alpha^N}^{lam/2} dx/(N x^{2-2/N}(lam - x)).",
       "dmf (B)", [ev.computed(dmf_quadrature_check, "quadrature vs ODE event")]),
    _c("dmf.half_time.asymptotic",
       "For N >= 3, T = 1/((N-2) lam alpha^{N-2}) + O(1) (polynomial separation); for N = 2 "
       "it is logarithmic.", "dmf (B)",
       claimed={"lead": 1 / ((N_SYM - 2) * LAM * mf.alpha_sym ** (N_SYM - 2))},
       build=lambda c: [
        ev.computed(functools.partial(dmf_asymptotic_check, lead=c["lead"]),
                    "quadrature, alpha = 1e-1 .. 1e-3, inside the proven "
                    "enclosure"),
        ev.argument(lambda: dmf_asymptotic_steps(c["lead"]),
                    "substitution x = w^N, partial fractions, a primitive of "
                    "the leading part and a bound on the rest (symbolic N)")],
       forall={"N": "every N >= 3"}),
    _c("dmf.gd",
       "Layer-wise GD is linearly stable at w* = lam^{1/N} iff eta < 2/(N lam^{2-2/N}).",
       "dmf (B)", claimed={"threshold": 2 / (N_SYM * LAM ** (2 - 2 / N_SYM))},
       mutation_delta=0.2,   # well above the +-5% bracket of the numeric check
       build=lambda c: [
           ev.computed(functools.partial(dmf_gd_check, threshold=sp.lambdify(
               (N_SYM, LAM), c["threshold"], "math")), "layer-wise GD at 0.95 and 1.05 x "
               "threshold"),
           ev.argument(lambda: dmf_gd_general_steps(c["threshold"]),
                       "Jacobian I - c 1 1^T at the balanced minimum, "
                       "symbolic depth N"),
           ev.argument(dmf_gd_steps, "Jacobian eigenvalues, N = 2..5",
                       at={"N": (2, 3, 4, 5)})],
       forall={"N": "every N >= 1"}),
]

