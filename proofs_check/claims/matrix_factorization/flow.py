"""Exact steps for the gradient flow (spec A): the flow, the Riccati equation, the closed and
inverse forms, the aligned logistic solution and the rank of ``X(t)``.

Claims about matrices of every size are proved in the free algebra (theory's ``nc_*`` helpers):
an identity between non-commutative polynomials holds for matrices of every compatible size, so
these proofs cover every ``n, r`` although no size symbol appears in them (the claims declare no
``forall`` for ``n, r``). Where a proof holds only at explicit sizes, the claim declares
``forall={"(n, r)": ...}`` and the evidence ``at=`` the sizes: the verdict is ``verified``.
"""

from __future__ import annotations

import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claims.matrix_factorization.symbols import (
    LAM,
    LAM_K,
    U_NC,
    UT_NC,
    Y_NC,
    nc_note,
)
from theory.models import matrix_factorization as mf


def flow_general_steps():
    """Steps for ``mf.flow``: the entrywise gradient, every ``n, r``."""
    f = mf.flow_entry()
    return [ev.identity(f.derivative, f.entry,
                        description="every n, r: as a function of u = U_jk, L = R_jj^2/4 + "
                                    "sum_{b != j} R_jb^2/2 + const with R_jj = u^2 + p, R_jb = u "
                                    "w_b + q_b (w_b = U_bk); dL/du = R_jj u + sum_b R_jb w_b = "
                                    "(RU)_jk, R = UU^T - Y (one representative b shown)")]


def flow_steps():
    """Steps for ``mf.flow``: the flow derived by theory.gd at explicit sizes."""
    steps = []
    for n, r in ((2, 3), (3, 2)):
        m = mf.model(n, r)
        steps.append(ev.identity(m.field, (m.Y - m.X) * m.U,
                                 description=f"-grad L = (Y - UU^T)U, n={n}, r={r}",
                                 at={"(n, r)": [(n, r)]}))
    return steps


def riccati_general_steps(rhs=None):
    """Steps for ``mf.riccati`` in the free algebra; ``rhs`` is the claimed ``X'`` (true:
    theory's)."""
    dX, derived = mf.riccati_free()
    rhs = derived if rhs is None else rhs
    return [ev.identity(dX, rhs,
                        description=nc_note("d(UU^T)/dt = U'U^T + UU'^T with U' = (Y - UU^T)U, Y "
                                            "= Y^T: = YX + XY - 2X^2"))]


def riccati_steps(rhs=None):
    """Steps for ``mf.riccati`` at explicit sizes; a claimed ``rhs`` is evaluated on the
    matrices with :func:`mf.nc_evaluate`."""
    if rhs is None:
        return [ev.identity(mf.riccati_residual(n, r), sp.zeros(n, n),
                            description=f"Riccati n={n}, r={r}", at={"(n, r)": [(n, r)]})
                for n, r in ((1, 1), (2, 1), (2, 3), (3, 2))]
    steps = []
    for n, r in ((1, 1), (2, 1), (2, 3), (3, 2)):
        m = mf.model(n, r)
        dX = m.field * m.U.T + m.U * m.field.T
        claimed = mf.nc_evaluate(rhs, {U_NC: m.U, UT_NC: m.U.T, Y_NC: m.Y})
        steps.append(ev.identity((dX - claimed).applyfunc(sp.expand), sp.zeros(n, n),
                                 description=f"Riccati n={n}, r={r}", at={"(n, r)": [(n, r)]}))
    return steps


def closed_form_general_steps(factor: int = 2):
    """Exact steps proving the closed form for every ``n, r`` (``factor=2``; another factor is the
    mutated closed form): ``X' - (YX + XY - 2X^2)`` is a multiple of ``[Y, e^{Yt}] = 0``."""
    c = mf.closed_form_free(factor)
    return [ev.identity(c.dX - c.rhs, c.remainder,
                        description=nc_note("X = E U0 P^-1 U0^T E, E = e^{Yt} (E' = YE), S' = "
                                            "E^2, (P^-1)' = -P^-1 P' P^-1: X' - (YX + XY - 2X^2) "
                                            "= E U0 P^-1 U0^T [Y, E], and [Y, E] = 0 (E is a "
                                            "power series in Y)")),
            ev.identity(c.X0, c.U0U0t, description="X(0) = U0 U0^T (E = I, S = 0, P = I)")]


CLOSED_FORM_SIZES = ((1, 1), (1, 3), (2, 1), (2, 2), (2, 4), (3, 1), (3, 2), (3, 3))


def closed_form_steps(factor: int = 2, sizes=CLOSED_FORM_SIZES):
    """Exact steps checking the closed form (``factor=2``) in the eigenbasis of ``Y`` at the
    listed ``(n, r)`` (commutative indeterminates ``e_i = e^{lam_i t}``, ``s_i``)."""
    steps = []
    for n, r in sizes:
        res = mf.closed_form_residual(n, r, factor=factor)
        steps.append(ev.identity(res, [0] * len(res),
                                 description=f"closed form solves Riccati, n={n}, r={r}",
                                 at={"(n, r)": [(n, r)]}))
    lam = sp.symbols("l0:2", real=True)
    B = sp.Matrix(2, 2, sp.symbols("b0:4", real=True))
    t = sp.Symbol("t", real=True)
    X0 = mf.closed_form(lam, B, t, factor=factor).subs(t, 0)
    steps.append(ev.identity(X0, B * B.T, description="X(0) = U0 U0^T", at={"(n, r)": [(2, 2)]}))
    return steps


def inverse_general_steps():
    """Steps for ``mf.inverse_form`` in the free algebra (every ``n``)."""
    f = mf.inverse_form_free()
    s = f.symbols
    return [
        ev.identity(f.dZ - f.rhs, f.remainder,
                    description=nc_note("Z = F Z0 F + 2T, F = e^{-Yt} (F' = -YF), T' = F^2: Z' - "
                                        "(2I - YZ - ZY) = F Z0 [F, Y] + 2G, G = F^2 + YT + TY - "
                                        "I")),
        ev.identity(f.dG, f.G_remainder,
                    description=nc_note("G' = F [F, Y] = 0 ([F, Y] = 0: F is a power series in "
                                        "Y)")),
        ev.identity(f.G_at_0, 0, description="G(0) = 0, so G = 0 and Z' = 2I - YZ - ZY"),
        ev.identity(f.Z0_at_0, s["Z0"], description="Z(0) = Z0 = X0^-1"),
        ev.identity(f.inverse_lhs - f.inverse_rhs, f.inverse_remainder,
                    description=nc_note("X = Z^-1 (XZ = ZX = I): X' = -X Z' X = YX + XY - 2X^2 + "
                                        "XY(ZX - I) + (XZ - I)YX, so Z^-1 solves the Riccati "
                                        "equation with Z^-1(0) = X0: it is X (uniqueness)")),
    ]


def inverse_steps():
    """Steps for ``mf.inverse_form`` in the eigenbasis, ``n <= 2`` (instances)."""
    l0, l1 = sp.symbols("l0:2", real=True)
    steps = [ev.identity(mf.inverse_form_residual(lams), sp.zeros(len(lams), len(lams)),
                         description=f"Z' = 2I - YZ - ZY for diag{tuple(lams)}",
                         at={"n": len(lams)})
             for lams in ((l0,), (l0, l1), (l0, 0))]
    steps.append(ev.identity(mf.forms_agree_residual((l0,)), sp.zeros(1, 1),
                             description="inverse form x closed form = I (n = 1)", at={"n": 1}))
    return steps


def aligned_steps(sigma=None):
    """``sigma``: the claimed sigma_k(t) in ``LAM_K``, alpha, t (true: theory's logistic)."""
    lam = LAM_K
    a, t = mf.alpha_sym, mf.t_sym
    s = mf.aligned_logistic(lam) if sigma is None else sigma
    s0 = mf.aligned_logistic(0)
    return [
        ev.identity(sp.diff(s, t), 2 * s * (lam - s),
                    description="every component, symbolic lambda_k != 0: x' = 2x(lambda_k - x), "
                                "the k-th diagonal entry of YX + XY - 2X^2 for diagonal X and Y "
                                "(diagonal matrices multiply entrywise, so diag(sigma_k) solves "
                                "the Riccati equation)"),
        ev.identity(s.subs(t, 0), a**2,
                    description="x(0) = alpha^2: diag(sigma_k(0)) = alpha^2 I = U0 U0^T"),
        ev.identity(sp.diff(s0, t), 2 * s0 * (0 - s0),
                    description="lambda_k = 0: x = alpha^2/(1 + 2 alpha^2 t) solves x' = -2x^2"),
        ev.identity(s0.subs(t, 0), a**2, description="lambda_k = 0: x(0) = alpha^2"),
        ev.identity(mf.closed_form([0], sp.Matrix([[a]]))[0, 0], s0,
                    description="lambda_k = 0: the closed form gives alpha^2/(1 + 2 alpha^2 t)"),
    ]


def aligned_cross_check(sigma=None):
    """The closed form with U0 = alpha I at n = 2 against ``sigma`` (an instance: its own
    evidence, so that it does not narrow the general argument of :func:`aligned_steps`)."""
    lam1, lam2 = sp.symbols("lambda mu", positive=True)
    s = mf.aligned_logistic(LAM_K) if sigma is None else sigma
    X = mf.closed_form([lam1, lam2], mf.alpha_sym * sp.eye(2))
    return [ev.identity(X, sp.diag(s.subs(LAM_K, lam1), s.subs(LAM_K, lam2)),
                        description="the closed form with U0 = alpha I is diagonal with "
                                    "logistic entries (n = 2)", at={"n": 2})]


def half_time_steps(t_half=None):
    """Steps for ``mf.aligned.half_time``; ``t_half`` is the claimed time (true: theory's)."""
    lam = LAM
    th = mf.aligned_half_time(lam) if t_half is None else t_half
    return [ev.identity(mf.aligned_logistic(lam).subs(mf.t_sym, th), lam / 2,
                        description="x(ln(lam/alpha^2 - 1)/(2 lam)) = lam/2")]


def width_steps(width=None):
    """Steps for ``mf.aligned.width``; ``width`` is the claimed width (true: ``ln 9/lam``)."""
    lam = LAM
    p = sp.Symbol("p", positive=True)
    tp = mf.aligned_time_at_fraction(lam, p)
    w = mf.aligned_time_at_fraction(lam, sp.Rational(9, 10)) - \
        mf.aligned_time_at_fraction(lam, sp.Rational(1, 10))
    return [ev.identity(mf.aligned_logistic(lam).subs(mf.t_sym, tp), p * lam,
                        description="x(t_p) = p lam"),
            ev.identity(w, sp.log(9) / lam if width is None else width,
                        description="t_0.9 - t_0.1 = ln 9/lam (no alpha)")]


RANK_SIZES = ((2, 1), (3, 1), (3, 2), (4, 2), (4, 3))


def rank_steps():
    """Steps for ``mf.rank_deficient``: ``det G_k = 0`` for ``r < k`` at explicit sizes."""
    steps = []
    for k, r in RANK_SIZES:
        C = sp.Matrix(k, r, lambda i, j: sp.Symbol(f"c_{i}_{j}", real=True))
        steps.append(ev.identity((C * C.T).det(), 0,
                                 description=f"det G_{k} = 0 when r = {r} < k = {k}",
                                 at={"(k, r)": [(k, r)]}))
    return steps


