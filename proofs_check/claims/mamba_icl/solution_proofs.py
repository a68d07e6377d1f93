"""Exact arguments for section 4: the minimiser and ``L*``, the linear-attention optimum and
the ratio bound, the saddle at 0, zero modes and the low-rank value.
"""

from __future__ import annotations

import sympy as sp

from proofs_check import evidence as ev
from theory.models import mamba_icl as mi

from .constants import _model
from .formulas import _DH, _RHO, RATIO_PARTS
from .identities import _nc, _nc_map


def _minimiser_steps(c, d=None):
    """``L(Gamma) = L* + (alpha/2)|Gamma - gamma* I|^2`` with the claimed ``gamma*`` and
    ``alpha``: in the invariants ``n = |Gamma|_F^2``, ``t = tr Gamma``
    (``|Gamma - g I|^2 = n - 2 g t + g^2 d``, entrywise with ``delta^2 = delta``), the loss of
    :func:`theory.models.mamba_icl.loss_in_invariants` with the theory's ``alpha``, and
    ``alpha > 0`` (so the minimisers are exactly ``Gamma = gamma* I``)."""
    d = mi.dim if d is None else d
    A = mi.loss_coefficients(d, mi.s1, mi.s2, mi.sigma)[0]
    A_c = sp.sympify(c["alpha"]).xreplace({mi.dim: d})
    gs = sp.sympify(c["gamma_star"]).xreplace({mi.alpha: A_c, mi.dim: d})
    nF, t = sp.symbols("n_F t", real=True)
    G, dl, gg = sp.symbols("G_ab delta_ab g", real=True)
    L = mi.loss_in_invariants(nF, t, d, A=A)
    Ls = mi.optimal_loss(d, mi.s2 / mi.s1**2, (A - mi.s1**2) / mi.s2)  # = (d/2)(1 - s1^2/alpha)
    return [
        ev.identity((G - gg * dl) ** 2, G**2 - 2 * gg * dl * G + gg**2 * dl, modulo=[dl**2 - dl],
                    description="entry (a, b) of |Gamma - g I|^2 (delta_ab in {0, 1}); summed: "
                                "|Gamma|^2 - 2 g tr Gamma + g^2 d"),
        ev.identity(L, Ls + A_c / 2 * (nF - 2 * gs * t + gs**2 * d),
                    description="completing the square in the invariants (symbolic d)"
                    if d == mi.dim else f"completing the square in the invariants (d = {d})"),
        ev.positivity(A_c, description="alpha = s1^2 + (d + 1 + sigma^2) s2 > 0"),
    ]


def _b_loss_value(c):
    """L* = L(gamma* I) from the loss in the invariants (``|gamma* I|^2 = gamma*^2 d``,
    ``tr = gamma* d``) against the claimed value."""
    d = mi.dim
    A = mi.loss_coefficients(d, mi.s1, mi.s2, mi.sigma)[0]
    gs = mi.s1 / A
    return [mi.loss_in_invariants(gs**2 * d, gs * d, d, A=A)], [c["L_star"]]


def _b_tf_loss(c):
    """Uniform weights 1/N: ``s1 = N w``, ``rho = N w^2/(N w)^2``; ``L*`` (noise-free, ``m = d +
    1``) at the claimed ``rho`` against the claimed ``L*_TF``."""
    d, N = mi.dim, mi.n
    w = 1 / N
    return ([N * w, (N * w**2) / (N * w) ** 2, mi.optimal_loss(d, c["rho"])],
            [c["s1"], c["rho"], c["L_star_TF"]])


def _ratio_steps(c=None):
    """``1 <= L*/L*_TF <= N rho`` for every d, sigma, N and weights, through the claimed
    ``ratio - 1`` and ``N rho - ratio``."""
    c = RATIO_PARTS if c is None else c
    d, N, rho = mi.dim, mi.n, _RHO
    m = d + 1 + mi.sigma**2
    ratio = mi.optimal_loss(d, rho, m) / mi.optimal_loss(d, 1 / N, m)
    S1, S2 = sp.symbols("s1_N s2_N", positive=True)
    g = sp.Symbol("g_new", positive=True)
    g1 = sp.Symbol("g_1", positive=True)
    e = sp.Symbol("e", nonnegative=True)  # e = N rho - 1 >= 0 (Lagrange)
    on = {rho: (1 + e) / N}
    lower, upper = c["ratio_minus_1"], c["n_rho_minus_ratio"]
    return [
        ev.identity([ratio - 1, N * rho - ratio], [lower, upper],
                    description="ratio - 1 and N rho - ratio (symbolic d, sigma, N, rho)"),
        ev.induction(
            ev.identity(1 * g1**2 - g1**2, 0, description="N = 1: N s2 - s1^2 = 0 (no pairs)"),
            ev.identity((N + 1) * (S2 + g**2) - (S1 + g) ** 2 - (N * S2 - S1**2),
                        S2 - 2 * g * S1 + N * g**2,
                        description="adding g_(N+1) = g adds sum_(i<=N) (g_i - g)^2 = s2 - 2 g s1 "
                                    "+ N g^2 to both sides"),
            var="N", start=1,
            description="Lagrange: N s2 - s1^2 = sum_(i<j) (g_i - g_j)^2 >= 0 for every N"),
        ev.positivity(lower, substitute=on, strict=False,
                      description="ratio - 1 >= 0 when N rho = 1 + e, e >= 0"),
        ev.positivity(upper, substitute=on, strict=False,
                      description="N rho - ratio >= 0 when N rho = 1 + e, e >= 0"),
    ]


def _saddle_steps(c):
    """At 0 the Hessian of L = (alpha |Q^T P|^2 - 2 s1 tr Q^T P + d)/2 comes from
    ``-s1 tr Q^T P = -s1 sum_jk Q_jk P_jk`` only (the alpha term is quartic): d d_h decoupled
    2x2 blocks in (P_jk, Q_jk), with the claimed eigenvalues."""
    p, q = sp.symbols("p q", real=True)
    x = sp.Symbol("x")  # the charpoly variable (no assumptions, as charpoly builds it)
    f = mi.loss_in_invariants((q * p) ** 2, q * p, 1)  # one entry pair (P_jk, Q_jk)
    H = sp.hessian(f, (p, q)).xreplace({p: 0, q: 0})
    return [ev.identity(H.charpoly(x).as_expr(), sp.expand((x - c["eig_plus"])
                                                           * (x - c["eig_minus"])),
                        description="each 2x2 block at 0: eigenvalues +s1 and -s1 (every d, d_h)")]


def _b_saddle(c):
    M = _model(2, 2)
    st = M.state()
    H = sp.hessian(M.reduced_loss(), st).xreplace({s: 0 for s in st})
    x = sp.Symbol("x")
    return [H.charpoly(x).as_expr()], [sp.expand(((x - c["eig_plus"]) * (x - c["eig_minus"]))
                                                 ** 4)]


def _b_zero_modes_general(c):
    """Column j: with ``e = e_j``, ``P' e = P e + eta s1 Q e - eta alpha Q Q^T P e`` and
    ``Q' e = Q e + eta s1 P e - eta alpha P P^T Q e``: zero when ``P e = Q e = 0``."""
    P, Pt, Q, Qt, E, Et = _nc_map()
    e = _nc("e_j")
    Pe, Qe = _nc("Pe Qe")
    k = mi.eta * mi.alpha
    lhs = [sp.expand((P - mi.eta * Q * E) * e), sp.expand((Q - mi.eta * P * Et) * e)]
    rhs = [P * e + mi.eta * mi.s1 * Q * e - k * Q * Qt * P * e,
           Q * e + mi.eta * mi.s1 * P * e - k * P * Pt * Q * e]
    zero = [(Pe + mi.eta * mi.s1 * Qe - k * Q * Qt * Pe).subs({Pe: 0, Qe: 0}),
            (Qe + mi.eta * mi.s1 * Pe - k * P * Pt * Qe).subs({Pe: 0, Qe: 0})]
    return lhs + zero, [*rhs, c["image"], c["image"]]


def _b_zero_modes(c):
    M = _model(2, 3)
    F = M.map()
    zero = {M.P[j, 0]: 0 for j in range(3)} | {M.Q[j, 0]: 0 for j in range(3)}
    img = dict(zip(F.state, (u.xreplace(zero) for u in F.update), strict=True))
    lhs = [img[M.P[j, 0]] for j in range(3)] + [img[M.Q[j, 0]] for j in range(3)]
    return lhs, [c["image"]] * 6


def _b_low_rank_value(c):
    """Every d > d_h: ``Gamma = gamma* Pi`` (``Pi = O^T O``, an orthogonal projector of rank d_h,
    so ``|Pi|_F^2 = tr Pi = d_h``) has ``|Gamma|^2 = gamma*^2 d_h``, ``tr Gamma = gamma* d_h``; its
    loss exceeds ``L* = L(gamma* I)`` (``|gamma* I|^2 = gamma*^2 d``, ``tr = gamma* d``) by the
    claimed ``(alpha/2) gamma*^2 (d - d_h)``."""
    d, dh = mi.dim, _DH
    gs = mi.s1 / mi.alpha
    L = mi.loss_in_invariants(gs**2 * dh, gs * dh, d)
    Ls = mi.loss_in_invariants(gs**2 * d, gs * d, d)
    return [L], [Ls + c["excess"]]
