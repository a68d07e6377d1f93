"""Exact arguments for section 5: the logistic flow, linearisation at the minima, multipliers
and stability, the nuisance blocks' Hessians and the threshold order.
"""

from __future__ import annotations

import sympy as sp

from proofs_check import evidence as ev
from theory.models import mamba_icl as mi

from .constants import _model
from .formulas import _DE, _G0, _GS, _MU, _NU, _Q1, _T, MULT_MAIN, MULT_MODE, _linearised_default
from .identities import _identity, _nc, _nc_eval, _nc_identity, _nc_lazy, _nc_map
from .map_proofs import _grad_gamma_step


def _b_logistic(c):
    gam = c["solution"]
    return ([sp.diff(gam, _T) - c["ode"].xreplace({mi.gamma: gam}), gam.subs(_T, 0)], [0, _G0])


def _b_logistic_slice(c):
    """On ``P = Q = r O`` (``O^T O = I``) the flow ``dP/dt = -Q E`` is ``-r (alpha r^2 - s1) O``:
    ``dr/dt = -r (alpha r^2 - s1)`` and ``d(r^2)/dt`` is the claimed right-hand side at
    ``gamma = r^2``."""
    P, _Pt, Q, Qt, E, _Et = _nc_map()
    Ob, Obt = _nc("O O^T")
    r = sp.Symbol("r", positive=True)
    flow = sp.expand((-Q * E).xreplace({Q: r * Ob, Qt: r * Obt, P: r * Ob})).subs(Obt * Ob,
                                                                                    1)
    drdt = -r * (mi.alpha * r**2 - mi.s1)
    return ([flow, (2 * r * drdt).xreplace({mi.alpha: mi.s1 / _GS})],
            [drdt * Ob, c["ode"].xreplace({mi.gamma: r**2})])


def _b_logistic_instance(c):
    M = _model(2, 2)
    r = sp.Symbol("r", positive=True)
    point = dict(zip(M.state(), (*(r * sp.eye(2)), *(r * sp.eye(2))), strict=True))
    dPdt = -sp.diff(M.reduced_loss(), M.P[0, 0]).xreplace(point)  # = dr/dt on the slice
    return [(2 * r * dPdt).xreplace({mi.alpha: mi.s1 / _GS})], [c["ode"].xreplace(
        {mi.gamma: r**2})]


def _linearised_error(c=None):
    """At a fixed point (E0 = 0) the Jacobian maps (dP, dQ) to ``dP - eta Q dE``,
    ``dQ - eta P dE^T`` with ``dE = alpha (dQ^T P + Q^T dP)``; the new error is the claimed
    ``dE' = dE - eta alpha (Q^T Q dE + dE P^T P)`` (free algebra: every d, d_h)."""
    P, Pt, Q, Qt, _E, _Et = _nc_map()
    dP, dPt, dQ, dQt, E0, E0t = _nc("dP dP^T dQ dQ^T E_0 E_0^T")
    dE = mi.alpha * (dQt * P + Qt * dP)
    dPn = dP - mi.eta * (dQ * E0 + Q * dE)       # derivative of P - eta Q E
    dQnt = dQt - mi.eta * (E0 * dPt + dE * Pt)   # transpose of the derivative of Q - eta P E^T
    dEn = (mi.alpha * (dQnt * P + Qt * dPn)).subs({E0: 0, E0t: 0})
    lin = _linearised_default() if c is None else c["linearised"]
    return [dEn], [sp.expand(lin.xreplace({_DE: dE}))]


def _sylvester_eigen(c=None):
    """``T X = X - eta alpha (A X + X B)`` on ``X = u v^T`` with ``A u = mu u``, ``v^T B = nu v^T``:
    ``T(u v^T) = m u v^T`` with the claimed ``m = 1 - eta alpha (mu + nu)`` plus multiples of
    ``A u - mu u`` and ``v^T B - nu v^T`` (zero). Eigenbases of the symmetric A = Q^T Q,
    B = P^T P give d^2 such X spanning all d x d matrices."""
    A, B, u, vt = _nc("A B u v^T")
    mu, nu = _MU, _NU
    k = mi.eta * mi.alpha
    m = MULT_MODE if c is None else c["multiplier"]
    return ([u * vt - k * (A * u * vt + u * vt * B)],
            [m * u * vt - k * ((A * u - mu * u) * vt + u * (vt * B - nu * vt))])


def _multiplier_signs(threshold=2):
    s = sp.Symbol("s", positive=True)  # s = eta alpha (mu_i + nu_j)
    return [ev.sign_fact(1 - (1 - s) ** 2, s, 0, threshold,
                         statement=f"|1 - s| < 1 for 0 < s < {threshold}"),
            ev.sign_fact((1 - s) ** 2 - 1, s, threshold, sp.oo,
                         statement=f"|1 - s| > 1 for s > {threshold}")]


def _stability_steps(c):
    gs = mi.s1 / mi.alpha
    return [
        _grad_gamma_step(),
        _nc_lazy(lambda: _linearised_error(), "linearised error at a minimum (free algebra)"),
        _nc_lazy(lambda: _sylvester_eigen(), "eigenvectors u_i v_j^T: multipliers 1 - eta alpha "
                 "(mu_i + nu_j) (free algebra)"),
        *_multiplier_signs(c["threshold"]),
        ev.identity((mi.eta * mi.alpha * (gs + gs)).xreplace({mi.eta: c["balanced_eta_s1"]
                                                              / mi.s1}), c["threshold"],
                    description="balanced minimum: Q^T Q = P^T P = gamma* I, s = 2 eta alpha "
                                "gamma* = 2 eta s1 reaches the threshold at the claimed eta s1"),
        _identity(lambda: _b_stability(c), "d = 1 family alpha p q = s1: eigenvalues 1 and "
                  "1 - eta alpha (p^2 + q^2)"),
    ]


def _b_balanced_multiplier_general(mult=None):
    """At the balanced minimum (Q^T Q = P^T P = gamma* I, alpha gamma* = s1):
    ``dE' = (1 - 2 eta s1) dE``; ``D(Q X/(alpha gamma*), 0) = X`` (D: (dP, dQ) -> dE is onto, so
    its kernel, where the Jacobian is the identity, has dimension 2 d d_h - d^2)."""
    mult = MULT_MAIN if mult is None else mult
    return _balanced_multiplier_parts(mult)


def _balanced_multiplier_parts(mult, rate=None):
    P, Pt, Q, Qt, _E, _Et = _nc_map()
    dE, X = _nc("dE X")
    gs = _GS
    k = mi.eta * mi.alpha
    bal = {Qt * Q: gs, Pt * P: gs}
    new = sp.expand(dE - k * (Qt * Q * dE + dE * Pt * P)).subs(bal).xreplace(
        {mi.alpha: mi.s1 / gs})
    onto = sp.expand(mi.alpha * Qt * (Q * X / (mi.alpha * gs))).subs(bal)
    lhs, rhs = [new, onto], [mult * dE, X]
    if rate is not None:  # the excess (alpha/2)|dE|^2 contracts by the square of the factor
        lhs.append(new.subs(dE, 1) ** 2)
        rhs.append(rate)
    return lhs, rhs


def _b_balanced_multiplier(mult=None, neutral=1):
    mult = MULT_MAIN if mult is None else mult
    lhs, rhs = [], []
    x = sp.Symbol("x")
    r = sp.Symbol("r", positive=True)  # r^2 = gamma*
    for d, dh in ((1, 2), (2, 2)):
        M = _model(d, dh)
        F = M.map()
        Ob = sp.eye(dh)[:, :d]
        point = dict(zip(F.state, (*(r * Ob), *(r * Ob)), strict=True))
        J = F.jacobian().xreplace(point).xreplace({mi.alpha: mi.s1 / r**2})
        n_all, n_e = 2 * d * dh, d * d
        lhs.append(sp.expand(J.charpoly(x).as_expr()))
        rhs.append(sp.expand((x - neutral) ** (n_all - n_e) * (x - mult) ** n_e))
    return lhs, rhs


def _b_unbalanced(c):
    d = 2
    M = _model(d, d)
    F = M.map()
    J = F.jacobian()
    gs = _GS
    Pmin = gs * (M.Q.T).inv()
    point = {M.P[j, k]: Pmin[j, k] for j in range(d) for k in range(d)}
    dP = sp.Matrix(d, d, lambda j, k: sp.Symbol(f"dP_{j}{k}"))
    dQ = sp.Matrix(d, d, lambda j, k: sp.Symbol(f"dQ_{j}{k}"))
    sub = {mi.alpha: mi.s1 / gs}
    Jp = J.xreplace(point).xreplace(sub)
    img = Jp * sp.Matrix([*dP, *dQ])
    dP1 = sp.Matrix(d, d, list(img[: d * d]))
    dQ1 = sp.Matrix(d, d, list(img[d * d:]))
    P0 = Pmin
    al = mi.s1 / gs

    def dE(a, b):
        return al * (M.Q.T * a + b.T * P0)

    E0, E1 = dE(dP, dQ), dE(dP1, dQ1)
    P, Pt, Q, Qt = _nc("P P^T Q Q^T")
    env = {P: P0, Pt: P0.T, Q: M.Q, Qt: M.Q.T, _DE: E0}
    pred = _nc_eval(c["linearised"], env).xreplace(sub)
    return [sp.together(e) for e in E1], [sp.together(e) for e in pred]


def _b_stability(c):
    M = _model(1, 1)
    F = M.map()
    p = sp.Symbol("p", positive=True)
    point = {M.P[0, 0]: p, M.Q[0, 0]: mi.s1 / (mi.alpha * p)}
    x = sp.Symbol("x")
    J = F.jacobian().xreplace(point)
    q = mi.s1 / (mi.alpha * p)
    m = sp.sympify(c["d1_multiplier"]).xreplace({_Q1: q})
    return ([sp.together(J.charpoly(x).as_expr())], [sp.together((x - 1) * (x - m))])


def _hessian_block(part, others):
    M = _model(2, 2)
    L, S = M.loss, M.S
    zero = {s: 0 for k in ("v", "b_B", "b_C") for s in S[k]}
    H = sp.Matrix(len(S[part]), len(S[part]),
                  lambda i, j: sp.diff(L, S[part][i], S[part][j]).xreplace(zero))
    cross = [sp.diff(L, a, b).xreplace(zero) for a in S[part]
             for k in others for b in S[k]]
    return H, cross, S


_BLOCK_OF = {"v": ("Q", ("P", "Q", "b_B", "b_C")), "b_B": ("Q", ("P", "Q", "v", "b_C")),
             "b_C": ("P", ("P", "Q", "v", "b_B"))}


def _b_hess(part, coef):
    F, others = _BLOCK_OF[part]
    H, cross, S = _hessian_block(part, others)
    return [*H, *cross], [*(coef * S[F] * S[F].T), *([0] * len(cross))]


def _nuisance_block_steps(c, coef, part: str) -> list:
    """General argument for the Hessian block of a nuisance part ``z`` (v, b_B or b_C).

    In the reduced loss ``z`` enters only through ``(k/2) sum_j (F^T z)_j^2`` with ``F = Q``
    (v: ``k = k2``; b_B: ``k = kB``) or ``F = P`` (b_C: ``k = alpha``), plus squares of
    ``b_C^T z`` (zero at b_C = 0) or of terms linear in the other nuisance parts (zero there):
    ``z`` appears only in squares of linear forms in the nuisance parts, so (i) the block is
    ``k F F^T`` entrywise, (ii) its mixed second derivatives with every other parameter vanish at
    zero nuisance, (iii) GD on the block multiplies by ``1 - eta k lambda``, stable iff
    ``eta k lambda_max(F F^T) < 2``, and (iv) ``F F^T F = gamma* F`` at the balanced minimum, so
    ``lambda_max(F F^T) = gamma*`` and the limit is ``2/(k gamma*)``.

    ``c`` holds the claimed ``block_coef`` (the statement's k), ``threshold`` (2) and ``eta_max``
    (the limit); ``coef`` is the loss's coefficient (the theory's symbol)."""
    za, zb, fa, fb, rest = sp.symbols("z_a z_b F_aj F_bj rest", real=True)
    term = coef / 2 * (fa * za + fb * zb + rest) ** 2  # one j; rest: free of z_a, z_b
    F, Ft = _nc("F F^T")
    gs = _GS
    kc = c["block_coef"]
    return [
        ev.identity([sp.diff(term, za, zb), sp.diff(term, za, 2)], [kc * fa * fb, kc * fa**2],
                    description=f"entry (a, b) of the {part} block: k F_aj F_bj per j, "
                                "i.e. k F F^T (every d, d_h)"),
        ev.identity(sp.diff(term, za, fa).subs({za: 0, zb: 0, rest: 0}), 0,
                    description="mixed second derivatives vanish at zero nuisance (the linear "
                                "form and its derivative in F are 0 there)"),
        *_multiplier_signs(c["threshold"]),
        _nc_identity(sp.expand(F * Ft * F).subs(Ft * F, gs), gs * F,
                     "at the balanced minimum F^T F = gamma* I: F F^T F = gamma* F, "
                     "lambda_max(F F^T) = gamma*"),
        ev.identity((c["threshold"] / (kc * gs)).xreplace({gs: mi.s1 / mi.alpha}),
                    sp.sympify(c["eta_max"]).xreplace({gs: mi.s1 / mi.alpha}),
                    description=f"eta k gamma* < 2 iff eta < 2/(k gamma*): the {part} limit "
                                "(gamma* = s1/alpha)"),
    ]


def _nuisance_block_cross_check(c, part: str):
    """The explicit Hessian blocks at d = d_h = 2 against the claimed ``block_coef``: an
    instance, its own evidence beside the general argument of :func:`_nuisance_block_steps`."""
    return _identity(lambda: _b_hess(part, c["block_coef"]), "explicit Hessian blocks "
                     "(d = d_h = 2)", at={"d": 2, "d_h": 2})


def _threshold_order_parts():
    e = sp.Symbol("e", nonnegative=True)  # d = 1 + e
    d = sp.Symbol("d", positive=True)
    A, K2_, KB_ = mi.loss_coefficients(d, mi.s1, mi.s2, mi.sigma)
    gs = mi.s1 / A
    sub = {d: 1 + e}
    return [ev.positivity(1 / mi.s1 - 2 / (K2_ * gs), substitute=sub),
            ev.positivity(2 / (KB_ * gs) - 1 / mi.s1, substitute=sub),
            ev.positivity(2 / mi.s1 - 1 / mi.s1, substitute=sub)]
