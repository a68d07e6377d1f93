"""Exact steps for the claims on the 2-D map: the reductions (§1), fixed points, spectra and the
edge of stability (§2), Darboux polynomials (§3), the diagonal's transverse multiplier and the
cycle product (§6), the first catapult step (§7).

Each ``*_steps(c)`` takes the claim's claimed expressions ``c`` and returns the steps of its exact
argument; every side that is not claimed comes from the derived map (:mod:`.derived`).
"""

from __future__ import annotations

import functools

import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claims.two_factor.derived import (
    H_,
    P_,
    R_,
    SQRT2,
    F_map,
    a,
    b,
    charpoly,
    diagonal_multiplier,
    e_,
    g_expr,
    hyperbola,
    lam_,
    loss_hessian,
    mu,
    u,
    uv_image,
    v,
    x,
)
from proofs_check.claims.two_factor.exact import eq, on_hyperbola, positive, proved, sign_in_mu
from theory.gd import gd_map
from theory.invariants import compose_with
from theory.models import two_factor as tfm

# ---- §1 reductions -----------------------------------------------------------------------------


@functools.cache
def _general_derivation(which: str) -> tuple:
    """The reduction of Model ``which`` in a symbolic dimension d (and width m): the steps of
    :func:`theory.models.two_factor.derive_model_a_general` / ``derive_model_b_general``."""
    return tfm.derive_model_a_general() if which == "A" else tfm.derive_model_b_general()


def _derivation_steps(which: str) -> list:
    return [eq(st.lhs, st.rhs, st.statement) for st in _general_derivation(which)]


def model_a_steps(_c):
    """The Model-A reduction in every dimension d (derived with sums to a symbolic d)."""
    return _derivation_steps("A")


def model_b_steps(_c):
    """The Model-B reduction for every d and m, then F_mu in (u, v) and its sign symmetries:
    what (|U|, |V|) follow."""
    return [*_derivation_steps("B"), *_uv_steps(), *_symmetry_steps()]


def literal_map_steps(c):
    F = F_map()
    return [eq(F.update, (c["a_image"], c["b_image"]), "derived map == literal F_mu"),
            eq(F.update, gd_map("(a*b - 1)**2/2", "a b", "mu").update,
               "derived map == gd_map('(a*b-1)**2/2')")]


def _uv_steps():
    """F_mu in (u, v) = (a + b, a - b) is u' = u(1 - mu e), v' = v(1 + mu e) with
    e = (u^2 - v^2)/4 - 1: what (|U|, |V|) follow up to signs."""
    e_uv = (u**2 - v**2) / 4 - 1
    return [eq(uv_image(), (u * (1 - mu * e_uv), v * (1 + mu * e_uv)),
               "F_mu in (u, v): u' = u(1 - mu e), v' = v(1 + mu e), e = (u^2 - v^2)/4 - 1")]


def _symmetry_steps():
    F = F_map()
    out = []
    for name, (p, q) in {"swap (a,b)->(b,a) [v -> -v]": (b, a),
                         "(a,b)->(-b,-a) [u -> -u]": (-b, -a),
                         "(a,b)->(-a,-b)": (-a, -b)}.items():
        img = F(p, q)
        sym_of_img = tuple(e.xreplace({a: F.update[0], b: F.update[1]}) for e in (p, q))
        out.append(eq(img, sym_of_img, f"F commutes with {name}"))
    return out


# ---- §2 basic properties -----------------------------------------------------------------------

def uv_form_steps(c):
    return [eq(uv_image(), (u * c["Ku"], v * c["Kv"]), "uv map"),
            eq(c["e"].xreplace({u: a + b, v: a - b}), a * b - 1, "e in (a, b)")]


def fixed_point_steps(c):
    """The fixed set from F - id alone (no solver): |F(p) - p|^2 = mu^2 (ab-1)^2 (a^2+b^2)
    vanishes for real (a, b) and mu > 0 exactly when ab = 1 or a = b = 0."""
    res = sp.Matrix(F_map().update) - sp.Matrix([a, b])
    return [eq(res, sp.Matrix([c["res_a"], c["res_b"]]), "F - id = -mu (ab-1) (b, a)"),
            eq(res.dot(res), mu**2 * (a * b - 1) ** 2 * (a**2 + b**2),
               "|F(p) - p|^2 = mu^2 (ab-1)^2 (a^2+b^2): for real a, b and mu > 0 it vanishes "
               "iff ab = 1 or a^2 + b^2 = 0"),
            ev.identity(res, sp.zeros(2, 1), modulo=[a * b - 1],
                        description="every point of ab = 1 is fixed"),
            eq(res.xreplace({a: 0, b: 0}), sp.zeros(2, 1), "the origin is fixed")]


def hessian_steps(c):
    return [eq(charpoly(loss_hessian()).xreplace(hyperbola()),
               sp.expand(x * (x - c["eig"].xreplace(hyperbola()))),
               "charpoly of the Hessian at (a, 1/a)")]


def jacobian_steps(c):
    cp = charpoly(F_map().jacobian())
    return [eq(cp.xreplace(hyperbola()), sp.expand((x - 1) * (x - c["min"].xreplace(hyperbola()))),
               "at (a, 1/a)"),
            eq(cp.xreplace({a: 0, b: 0}), sp.expand((x - c["o_plus"]) * (x - c["o_minus"])),
               "at the origin")]


def _multiplier_steps():
    """The multipliers at a minimum (a, 1/a): the characteristic polynomial of the derived
    Jacobian there is (x - 1)(x - lambda_2), lambda_2 = 1 - mu (a^2 + b^2)."""
    lam2 = (1 - mu * lam_).xreplace(hyperbola())
    return [eq(charpoly(F_map().jacobian()).xreplace(hyperbola()),
               sp.expand((x - 1) * (x - lam2)),
               "charpoly of the Jacobian at (a, 1/a) = (x - 1)(x - lambda_2), "
               "lambda_2 = 1 - mu (a^2+b^2)")]


def eos_steps(c):
    return [*_multiplier_steps(),
            eq(1 + (1 - mu * lam_), c["threshold"] - mu * lam_,
               "1 + lambda_2 = 2 - mu (a^2+b^2): lambda_2 > -1 iff mu (a^2+b^2) < 2"),
            positive(on_hyperbola(mu * lam_),
                     "1 - lambda_2 = mu (a^2+b^2) = mu (w + 1/w) > 0 on ab = 1 (w = a^2): "
                     "lambda_2 < 1 always")]


def stable_segment_steps(c):
    return [eq(((a**2 - b**2) ** 2 - c["bound_sq"]).xreplace(hyperbola()),
               ((lam_ - 2 / mu) * (lam_ + 2 / mu)).xreplace(hyperbola()),
               "Q^2 - bound^2 = (lambda - 2/mu)(lambda + 2/mu) on ab = 1"),
            positive(on_hyperbola(lam_ + 2 / mu),
                     "lambda + 2/mu = w + 1/w + 2/mu > 0 (w = a^2): so Q^2 < bound^2 "
                     "iff mu lambda < 2"),
            eq(c["bound_sq"], (2 * sp.sqrt(1 - mu**2) / mu) ** 2,
               "bound^2 = (2 sqrt(1-mu^2)/mu)^2"),
            sign_in_mu(1 - mu**2, 0, 1, "1 - mu^2 > 0 on (0, 1): the bound is real and "
                       "positive, so |Q| < bound iff Q^2 < bound^2")]


def no_stable_minimum_steps(c):
    return [eq((lam_ - c["min_lambda"]).xreplace(hyperbola()), (a - 1 / a) ** 2,
               "lambda - 2 = (a - 1/a)^2 >= 0 on ab = 1 (a square)"),
            *_multiplier_steps(),
            eq((-(1 - mu * lam_) - 1).xreplace(hyperbola()),
               mu * (a - 1 / a) ** 2 + (c["min_lambda"] * mu - 2),
               "-lambda_2 - 1 = mu (a - 1/a)^2 + 2(mu - 1) on ab = 1"),
            sign_in_mu(2 * mu - 2, 1, sp.oo, "2(mu - 1) > 0 for mu > 1: lambda_2 < -1"),
            eq(charpoly(F_map().jacobian()).xreplace({a: 1, b: 1, mu: 1}),
               sp.expand((x - 1) * (x + 1)),
               "at mu = 1 the minimum (1, 1) has multipliers 1 and -1")]


# ---- §3 Darboux polynomials ----------------------------------------------------------------------

#: name -> (polynomial X, claimed cofactor K, statement)
COFACTORS = {
    "u": (a + b, 1 - mu * e_, "u = a+b: K = 1 - mu e"),
    "v": (a - b, 1 + mu * e_, "v = a-b: K = 1 + mu e"),
    "Q": (a**2 - b**2, 1 - mu**2 * e_**2, "Q = a^2-b^2: K = 1 - mu^2 e^2"),
    "e": (e_, 1 - mu * lam_ + mu**2 * P_ * (P_ - 1), "e = ab-1: K = 1 - mu lambda + mu^2 P(P-1)"),
    "H": (H_, 1 + mu**2 * P_ * (P_ - 1), "H = mu lambda - mu^2 (ab-1) - 4: K = 1 + mu^2 P(P-1)"),
}


def cofactor_steps(name: str, X):
    """Steps for ``X∘F == K·X`` with the claimed cofactor ``c["K"]``."""
    def steps(c):
        return [eq(compose_with(X, F_map()), sp.expand(c["K"] * X), f"{name}∘F == K·{name}")]
    return steps


# ---- §6 the diagonal -----------------------------------------------------------------------------

def diagonal_steps(c):
    return [eq(diagonal_multiplier(), c["m"], "dv'/dv at v = 0, u = 2a"),
            eq(uv_image()[1].xreplace({v: 0}), 0, "v = 0 invariant"),
            eq(sp.diff(uv_image()[1], u).xreplace({v: 0}), 0,
               "dv'/du = 0 on v = 0: the Jacobian is triangular there, so dv'/dv is "
               "the transverse eigenvalue")]


def cycle_product_steps(c):
    """Induction on the length n of an orbit a_0, ..., a_n (a_{i+1} = g(a_i), all a_i != 0):
    P(n): prod_{i<n} factor(a_i) = [prod_{i<n} m(a_i)] a_n / a_0, m the transverse multiplier
    of tf.transverse.diagonal. For a cycle (a_n = a_0) the two products agree."""
    a0, an, Xn = sp.symbols("a_0 a_n X_n", real=True)   # X_n = prod_{i<n} m(a_i)
    m_of = lambda y: diagonal_multiplier().xreplace({a: y})  # noqa: E731
    f_of = lambda y: c["factor"].xreplace({a: y})             # noqa: E731
    g_of = lambda y: g_expr().xreplace({a: y})                # noqa: E731
    base = eq(f_of(a0), m_of(a0) * g_of(a0) / a0, "P(1): factor(a_0) = m(a_0) a_1/a_0")
    step = eq((Xn * an / a0) * f_of(an), (Xn * m_of(an)) * g_of(an) / a0,
              "P(n) => P(n+1): (X_n a_n/a_0) factor(a_n) = X_{n+1} a_{n+1}/a_0")
    return [eq(g_expr(), a * (1 - mu * (a**2 - 1)), "g(a) = a(1 - mu e), e = a^2 - 1"),
            ev.induction(base, step, var="n", start=1,
                         description="prod_{i<n} factor(a_i) = prod_{i<n} m(a_i) a_n/a_0")]


def two_cycle_transverse_steps(c):
    asym = proved("tf.slice.two_cycle_asymmetric")
    sumsq, prod2 = asym["sumsq"], asym["prod"] ** 2
    cc = sp.sqrt(proved("tf.slice.two_cycle_symmetric")["c2"])
    X, Z = sp.symbols("X Z", positive=True)          # a1^2, a2^2
    m_of = lambda y: diagonal_multiplier().xreplace({a: y})  # noqa: E731
    return [eq(m_of(sp.sqrt(X)) * m_of(sp.sqrt(Z)),
               1 + mu * (X + Z - 2) + mu**2 * (X * Z - (X + Z) + 1),
               "m(a1) m(a2) in a1^2 + a2^2 and a1^2 a2^2"),
            eq(1 + mu * (sumsq - 2) + mu**2 * (prod2 - sumsq + 1), c["asym"],
               "asymmetric 2-cycle: a1^2 + a2^2 = 1 + 1/mu, a1^2 a2^2 = 1/mu^2"),
            eq(m_of(cc) * m_of(-cc), c["sym"], "symmetric 2-cycle +-sqrt(1 + 2/mu)"),
            sign_in_mu(1 - c["asym"], 1, sp.oo, "1 - (3 - 2mu) > 0 for mu > 1"),
            sign_in_mu(1 + c["asym"], 0, 2, "1 + (3 - 2mu) > 0 for mu < 2 (sqrt5 - 1 < 2)")]


# ---- §7 catapult ---------------------------------------------------------------------------------

def first_step_steps(c):
    return [eq(compose_with(e_, F_map()), c["K"] * e_, "e' = K e"),
            eq(compose_with(e_**2 / 2, F_map()), c["K"] ** 2 * e_**2 / 2, "L' = K^2 L"),
            eq((c["K"] + 1).xreplace({b: 0}), 2 - mu * a**2, "K + 1 = 2 - mu lambda0 at (a, 0)"),
            ev.identity((c["K"] + 1, 1 - c["K"]), (2 - mu * lam_, mu * lam_),
                        modulo=[a * b], description="at P0 = ab = 0: K + 1 = 2 - mu "
                        "lambda0 and 1 - K = mu lambda0 >= 0")]


def catapult_window_steps(c):
    K = proved("tf.catapult.first_step")["K"]
    return [eq(H_.xreplace({b: 0}), mu * a**2 - c["upper"], "H at (a, 0)"),
            eq((K + 1).xreplace({b: 0}), c["lower"] - mu * a**2,
               "K + 1 at (a, 0): the loss rises iff mu lambda0 > 2"),
            ev.identity((H_, K + 1), (mu * lam_ - c["upper"], c["lower"] - mu * lam_),
                        modulo=[a * b], description="at P0 = ab = 0: H = mu lambda0 - (4 - mu^2), "
                        "K + 1 = 2 - mu lambda0"),
            eq(H_, (4 - mu**2) * (R_ - 1), "H = (4 - mu^2)(R - 1)"),
            sign_in_mu(4 - mu**2, 0, 2, "4 - mu^2 > 0 on (0, 2): inside E_mu (R < 1) iff H < 0"),
            eq(c["upper"] - c["lower"], (SQRT2 - mu) * (SQRT2 + mu),
               "(4 - mu^2) - 2 = (sqrt2 - mu)(sqrt2 + mu)"),
            positive(SQRT2 + mu, "sqrt2 + mu > 0: the window is non-empty iff mu < sqrt2"),
            eq(c["upper"].xreplace({mu: 0}), 4,
               "the upper end 4 - mu^2 (continuous) tends to 4 as mu -> 0")]


def none_above_1_steps(c):
    K = proved("tf.invariant.e")["K"]
    J = F_map().jacobian()
    return [eq((lam_ - c["min_lambda"]).xreplace(hyperbola()), (a - 1 / a) ** 2,
               "lambda - 2 = (a - 1/a)^2 >= 0 on ab = 1"),
            eq((mu * lam_ - 1).xreplace(hyperbola()),
               (c["min_lambda"] * mu - 1) + mu * (a - 1 / a) ** 2,
               "mu lambda - 1 = (2mu - 1) + mu (a - 1/a)^2 on ab = 1: 1 - mu lambda <= 1 - 2mu, "
               "so |1 - mu lambda| >= 2mu - 1 when mu >= 1"),
            sign_in_mu(2 * mu - 2, 1, sp.oo, "2mu - 1 - 1 > 0 for mu > 1"),
            eq(compose_with(e_, F_map()), K * e_, "e' = K e"),
            ev.identity(K, 1 - mu * lam_, modulo=[a * b - 1],
                        description="K = 1 - mu lambda on ab = 1: near a minimum p, |e'/e| -> "
                        "|1 - mu lambda(p)| > 1, so an orbit with e_t != 0 for all t cannot "
                        "converge to p"),
            eq(J.det().xreplace({a: 0, b: 0}), 1 - mu**2, "det DF(0, 0) = 1 - mu^2"),
            sign_in_mu(mu**2 - 1, 1, sp.oo, "1 - mu^2 != 0 for mu > 1: det DF is not "
                       "identically 0, so the starts that land exactly on ab = 1 (preimages of "
                       "a curve) are null")]
