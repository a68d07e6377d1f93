"""Exact steps for the claims on the ellipse ``E_mu: H = 0`` (§5): its definition and invariance,
the sign of the cofactor, the angle map ``t -> pi - 3t``, the transverse multiplier on it and its
Lyapunov exponent ``Lambda(mu)``.

Each ``*_steps(c)`` takes the claim's claimed expressions ``c``; ``F_mu`` is the derived map.
"""

from __future__ import annotations

import sympy as sp

from proofs_check.claims.two_factor.derived import (
    H_,
    P_,
    R_,
    C,
    F_map,
    S,
    a,
    b,
    cos_t,
    ellipse_point,
    lam_,
    mu,
    sin_t,
)
from proofs_check.claims.two_factor.exact import eq, proved, sign_in_mu
from theory.invariants import compose_with

#: the claimed transverse Lyapunov exponent of E_mu (one expression for the exact claims and the
#: float evaluation)
LAMBDA_E = sp.acosh((1 + sp.sqrt(25 - 4 * mu**2)) / 4)

#: cos 2t, the variable of the claimed transverse multiplier on E_mu
C2T = sp.Symbol("c2t")


def definition_steps(c):
    return [eq(H_, (4 - mu**2) * (c["R"] - 1), "H = (4 - mu^2)(R - 1)"),
            eq(H_, mu * lam_ - mu**2 * a * b - (4 - mu**2), "E_mu equation")]


def invariance_steps(c):
    return [eq(compose_with(R_, F_map()) - 1, (R_ - 1) * c["K"], "R∘F - 1")]


def cofactor_bound_steps(c):
    return [eq(1 + mu**2 * P_ * (P_ - 1) - c["lower"], mu**2 * (P_ - sp.Rational(1, 2)) ** 2,
               "K - (1 - mu^2/4) = mu^2 (P - 1/2)^2"),
            sign_in_mu(c["lower"], 0, 2, "1 - mu^2/4 > 0 on (0, 2)"),
            eq(compose_with(R_, F_map()) - 1, (R_ - 1) * (1 + mu**2 * P_ * (P_ - 1)),
               "R∘F - 1 = (R - 1) K with K > 0: the sign of R - 1 (inside < 0, on "
               "E_mu = 0, outside > 0) is kept"),
            eq(R_, mu * (a + b) ** 2 / (4 * (2 + mu)) + mu * (a - b) ** 2 / (4 * (2 - mu)),
               "R = mu u^2/(4(2+mu)) + mu v^2/(4(2-mu))"),
            sign_in_mu(2 - mu, 0, 2, "2 - mu > 0 on (0, 2) (and 2 + mu > 0): R is positive "
                       "definite, so {R <= 1} is bounded")]


def angle_steps(c):
    t = sp.Symbol("t")
    out = [eq(sp.cos(sp.pi - 3 * t), -(4 * sp.cos(t) ** 3 - 3 * sp.cos(t)), "cos(pi - 3t)"),
           eq(sp.sin(sp.pi - 3 * t), 3 * sp.sin(t) - 4 * sp.sin(t) ** 3, "sin(pi - 3t)")]
    # every angle t != pi through the rational parameter tau = tan(t/2); t = pi on its own
    for where, (ct, st) in (("t = 2 atan(tau)", (C, S)), ("t = pi", (-1, 0))):
        pt, su, sv = ellipse_point(ct, st)
        A1, B1 = (e.xreplace(pt) for e in F_map().update)
        at = {cos_t: ct, sin_t: st}
        out += [eq(R_.xreplace(pt), 1, f"the point lies on E_mu (R = 1), {where}"),
                eq((sp.expand((A1 + B1) / su), sp.expand((A1 - B1) / sv)),
                   (c["cos_image"].xreplace(at), c["sin_image"].xreplace(at)),
                   f"(u'/(2 sqrt((2+mu)/mu)), v'/(2 sqrt((2-mu)/mu))) = (cos 3t', sin 3t')"
                   f" at pi - 3t, {where}")]
    return out


def transverse_steps(c):
    K = proved("tf.invariant.H")["K"]
    HF = compose_with(H_, F_map())
    out = []
    for where, (ct, st) in (("t = 2 atan(tau)", (C, S)), ("t = pi", (-1, 0))):
        pt, _, _ = ellipse_point(ct, st)
        out.append(eq(sp.expand(K.xreplace(pt)),
                      c["K_E"].xreplace({C2T: sp.sympify(ct) ** 2 - st**2}),
                      f"cofactor of H on E_mu in terms of cos 2t, {where}"))
    return [*out,
            eq(HF, K * H_, "H∘F = K H (Darboux)"),
            eq((sp.diff(HF, a) - K * sp.diff(H_, a), sp.diff(HF, b) - K * sp.diff(H_, b)),
               (H_ * sp.diff(K, a), H_ * sp.diff(K, b)),
               "d(H∘F) - K dH = H dK: on E_mu (H = 0) the normal derivative of H is "
               "multiplied by K")]


def lyapunov_positive_steps(c):
    arg = sp.cosh(LAMBDA_E)            # = (1 + sqrt(25 - 4 mu^2))/4
    return [eq(arg - 1, (sp.sqrt(25 - 4 * mu**2) - 3) / 4,
               "cosh Lambda - 1 = (sqrt(25 - 4mu^2) - 3)/4"),
            sign_in_mu(16 - 4 * mu**2, 0, 2, "25 - 4mu^2 - 9 > 0 on (0, 2): "
                       "sqrt(25 - 4mu^2) > 3, cosh Lambda > 1, Lambda > 0"),
            eq(LAMBDA_E.xreplace({mu: 2}), c["at_2"],
               "Lambda(2) = arccosh(1) = 0: Lambda (continuous on [0, 2]) -> 0 as mu -> 2"),
            eq(arg.xreplace({mu: sp.Rational(3, 2)}), (c["exp_at_3_2"] + 1 / c["exp_at_3_2"]) / 2,
               "cosh(Lambda(3/2)) = 5/4 = cosh(ln 2)"),
            eq(LAMBDA_E.xreplace({mu: sp.Rational(3, 2)}).rewrite(sp.log), sp.log(2),
               "Lambda(3/2) = log(5/4 + sqrt(25/16 - 1)) = ln 2")]
