"""Exact arguments for sections 1-2: discretisation, gate weights, closed form, readout,
online-GD and least-squares views of the forward pass.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from proofs_check import evidence as ev
from theory.models import mamba_icl as mi

from .formulas import _C, _GS, _GX, _I, _W, _XW, _Y, _YS, C_DISC, _closed_form_symbols
from .identities import _nc, _nc_eval, _nc_identity, _vec


def _b_setup_channel(c):
    """One channel of A = -I: the scalar ZOH and Euler formulas against the claimed ``Abar``,
    ``c_zoh`` (in ``a = exp(-Delta)``) and ``c_euler``."""
    Dl, A = mi.delta, -1
    at = {mi.a: sp.exp(-Dl)}
    return ([sp.exp(Dl * A), (Dl * A) ** -1 * (sp.exp(Dl * A) - 1) * Dl, Dl],
            [c["Abar"], c["c_zoh"].xreplace(at), c["c_euler"]])


def _b_setup_zoh(c):
    """The matrix formulas (2 channels) and :func:`theory.models.mamba_icl.discretise`."""
    A = -sp.eye(2)
    Dl = mi.delta
    Abar = (Dl * A).exp()
    Bfac = (Dl * A).inv() * ((Dl * A).exp() - sp.eye(2)) * Dl
    ab, cz = mi.discretise("zoh")
    _, ce = mi.discretise("euler")
    cz_c = c["c_zoh"].xreplace({mi.a: sp.exp(-Dl)})
    return ([*Abar, *Bfac, ab, cz, ce],
            [*(c["Abar"] * sp.eye(2)), *(cz_c * sp.eye(2)), c["Abar"], cz_c, c["c_euler"]])


def _unrolled_state(what: str = "B_i") -> ev.Induction:
    """``h_N = sum_{i <= N} c a^(N-i) y_i B_i`` for every ``N >= 1``, from the recurrence
    ``h_N = a h_{N-1} + c y_N B_N``, ``h_0 = 0`` (any channel, any ``B_i``: the same recursion
    with ``B_i`` replaced by ``Gamma x_i`` is the readout of mamba.forward.readout).

    ``G_N = sum_{i <= N} a^(-i) y_i B_i`` is the prefix sum (``G_{N+1} = G_N + a^(-N-1) y B``), so
    the claim is ``h_N = c a^N G_N``.
    """
    a, c, N = mi.a, _C, mi.n
    G = sp.Symbol("G_N", real=True)
    y1, B1, y, B = sp.symbols("y_1 B_1 y_next B_next", real=True)
    base = ev.identity(a * 0 + c * y1 * B1, c * a ** (1 - 1) * y1 * B1,
                       description="N = 1: h_1 = a h_0 + c y_1 B_1 with h_0 = 0")
    step = ev.identity(a * (c * a**N * G) + c * y * B,
                       c * a ** (N + 1) * (G + a ** (-N - 1) * y * B),
                       description="h_N = c a^N G_N implies h_{N+1} = a h_N + c y_{N+1} B_{N+1} "
                                   "= c a^(N+1) G_{N+1}")
    return ev.induction(base, step, var="N", start=1,
                        description=f"unrolled recurrence h_N = sum_i c a^(N-i) y_i {what}")


def _unrolled_weights(g, factor=None) -> ev.Induction:
    """Induction on N for the claimed gate weight ``g(i, N)``: after N tokens the state is
    ``h_N = sum_{i <= N} w(i, N) y_i B_i`` with ``w = g/factor`` (by default ``factor = a``: the
    query token multiplies by ``a``): ``w(1, 1) = c`` (``h_1 = c y_1 B_1``) and, from ``h_{N+1}
    = a h_N + c y_{N+1} B_{N+1}``, ``w(i, N+1) = a w(i, N)`` (i <= N) and ``w(N+1, N+1) = c``."""
    a, N, i = mi.a, mi.n, _I
    factor = a if factor is None else factor
    w = g / factor
    base = ev.identity(w.xreplace({i: 1, N: 1}), _C,
                       description="N = 1: h_1 = c y_1 B_1, i.e. w(1, 1) = c")
    step = ev.identity(w.xreplace({N: N + 1}), a * w,
                       description="h_{N+1} = a h_N + c y_{N+1} B_{N+1}: w(i, N+1) = a w(i, N) "
                                   "for i <= N")
    newest = ev.identity(w.xreplace({i: N + 1, N: N + 1}), _C,
                         description="the newest token enters with w(N+1, N+1) = c")
    return ev.induction(base, ev.argument([step, newest], "step N -> N + 1"), var="N",
                        start=1, description="unrolled recurrence with the claimed weights "
                                             f"g_i = {sp.sstr(factor)} w(i, N)")


def _query_step():
    """``h_{N+1} = a h_N + c 0 B_q = c a^(N+1) G_N = sum_i g_i y_i B_i`` (query label 0)."""
    a, c, N = mi.a, _C, mi.n
    G, Bq = sp.symbols("G_N B_q", real=True)
    return ev.identity(a * (c * a**N * G) + c * 0 * Bq, c * a ** (N + 1) * G,
                       description="query token (label 0): h_{N+1} = a h_N = sum_i c a^(N+1-i) "
                                   "y_i B_i = sum_i g_i y_i B_i")


def _weights(c, N: int, disc: str):
    """The claimed gate weights ``g_1..g_N`` for one discretisation (claimed ``c_<disc>``)."""
    cd = c.get(f"c_{disc}", C_DISC[disc])
    return [c["g_i"].xreplace({_C: cd, mi.n: N, _I: i}) for i in range(1, N + 1)]


def _b_setup_gates(c):
    """The literal recurrence of the theory (d = 2, d_h = 1, N = 1..4) against the claimed
    weights."""
    lhs, rhs = [], []
    for disc in mi.DISCRETISATIONS:
        for N in (1, 2, 3, 4):
            states, S = mi.recurrence_states(2, 1, N, disc)
            g = _weights(c, N, disc)
            B = [S["P"] * S["x"][i] + S["v"] * S["y"][i] + S["b_B"] for i in range(N)]
            lhs.append(states[-1][0])
            rhs.append(sum(g[i] * S["y"][i] * B[i][0] for i in range(N)))
    return lhs, rhs


def _b_c_unused_general(c):
    """``C_{N+1}^T h = (x_q^T Q^T + z c^T + b_C^T) h``: the c-part is ``z c^T h``, ``z = 0``."""
    xqt, Qt, ct, bCt, h = _nc("x_q^T Q^T c^T b_C^T h_N+1")
    z = sp.Symbol("z", real=True)  # the query's y-entry
    yhat = (xqt * Qt + z * ct + bCt) * h
    return [yhat - (xqt * Qt + bCt) * h, (z * ct * h).subs(z, 0)], [z * ct * h, c["dependence"]]


def _b_c_unused(c):
    yhat, S = mi.recurrence_prediction(2, 2, 2)
    return [sp.diff(yhat, s) for s in S["c"]], [c["dependence"]] * 2


def _b_closed_form_general(c):
    """Token ``i`` of ``C_{N+1}^T h_{N+1} = (Q x_q + b_C)^T sum_i g_i y_i B_i`` against the
    claimed main and nuisance terms (free algebra: every d, d_h)."""
    (xqt, Qt, bCt, P, v, bB, x), (g, y) = _closed_form_symbols()
    token = (xqt * Qt + bCt) * (g * y * (P * x + v * y + bB))
    return ([token, c["nuisance"].subs({v: 0, bB: 0, bCt: 0})], [c["main"] + c["nuisance"], 0])


def _b_closed_form():
    lhs, rhs = [], []
    for d, dh, N in ((1, 1, 3), (2, 2, 2), (2, 3, 3)):
        for disc in mi.DISCRETISATIONS:
            yhat, S = mi.recurrence_prediction(d, dh, N, disc)
            main, nuis = mi.closed_form_prediction(S, mi.gate_weights(N, disc))
            lhs += [yhat, nuis.xreplace({s: 0 for k in ("v", "b_B", "b_C") for s in S[k]})]
            rhs += [main + nuis, 0]
    return lhs, rhs


def _zero_nuisance(S):
    return {s: 0 for k in ("v", "b_B", "b_C", "c") for s in S[k]}


def _b_readout_general(c):
    """``Q^T (a h_{l-1} + c y_l P x_l)`` against the claimed update at ``w_{l-1} = Q^T h_{l-1}``,
    ``Gamma x_l = Q^T P x_l``, and ``C_{N+1}^T h_{N+1} = x_q^T Q^T a h_N`` against the claimed
    prediction at ``x_q^T w_N = x_q^T Q^T h_N`` (free algebra: every d, d_h, l, N)."""
    Qt, P, x, h, xqt, hN, xq = _nc("Q^T P x_l h_l-1 x_q^T h_N x_q")
    a, y = mi.a, _Y
    return ([Qt * (a * h + _C * y * (P * x)), xqt * Qt * (a * hN + _C * 0 * (P * xq))],
            [c["update"].xreplace({_W: Qt * h, _GX: Qt * P * x}),
             c["yhat"].xreplace({_XW: xqt * Qt * hN})])


def _b_readout(c):
    """Q^T times the literal states (d = d_h = 2, N = 3) against the claimed recursion."""
    lhs, rhs = [], []
    for disc in mi.DISCRETISATIONS:
        states, S = mi.recurrence_states(2, 2, 3, disc)
        z = _zero_nuisance(S)
        G = S["Q"].T * S["P"]
        w = sp.zeros(2, 1)
        for ll in range(4):  # w_0 .. w_N (states[N + 1] is the query step)
            lhs += list((S["Q"].T * states[ll]).xreplace(z))
            rhs += list(w)
            if ll < 3:
                Gx = G * S["x"][ll]
                w = sp.Matrix([c["update"].xreplace({_W: w[k], _GX: Gx[k], _Y: S["y"][ll],
                                                     _C: C_DISC[disc]}) for k in range(2)])
        yhat, _ = mi.recurrence_prediction(2, 2, 3, disc)
        lhs.append(yhat.xreplace(z))
        rhs.append(c["yhat"].xreplace({_XW: (S["x_q"].T * w)[0, 0]}))
    return lhs, rhs


def _b_online_gd_general(c):
    """One coordinate ``k`` of the readout update at ``Gamma = gamma* I``,
    ``w_k -> a w_k + c gamma* y x_k``, against one GD step with the claimed step on the
    surrogate ``sum_k (w_k^2/2 - s gamma* y x_k w_k)`` (separable), with the claimed ``s`` (ZOH:
    1, Euler: ``Delta/(1 - a)``)."""
    w, x, y = sp.symbols("w_k x_k y", real=True)
    gs = _GS
    lhs, rhs = [], []
    for disc in mi.DISCRETISATIONS:
        f = w**2 / 2 - c[f"s_{disc}"] * gs * y * x * w
        lhs.append(mi.a * w + C_DISC[disc] * gs * y * x)
        rhs.append(w - c["step"] * sp.diff(f, w))
    return lhs, rhs


def _b_online_gd(c):
    """The theory's readout recursion (d = d_h = 2, N = 3) at Q = I, P = gamma* I against GD
    steps on the surrogate."""
    gs = _GS
    lhs, rhs = [], []
    for disc in mi.DISCRETISATIONS:
        _, S = mi.recurrence_states(2, 2, 3, disc)
        at = {s: (1 if j == k else 0) for (j, k), s in np.ndenumerate(np.array(S["Q"]))}
        at |= {s: (gs if j == k else 0) for (j, k), s in np.ndenumerate(np.array(S["P"]))}
        w = [wl.xreplace(at) for wl in mi.readout_recursion(S, disc)]
        for ll in range(1, len(w)):
            grad = w[ll - 1] - c[f"s_{disc}"] * gs * S["y"][ll - 1] * S["x"][ll - 1]
            lhs += list(w[ll])
            rhs += list(w[ll - 1] - c["step"] * grad)
    return lhs, rhs


def _surrogate_vs_lms_steps(c):
    """Every d: the LMS gradient per coordinate, the difference in the free algebra, and
    ``E x_j x_k = delta_jk`` for a pair of coordinates (equal or distinct)."""
    wk, xk, rest = sp.symbols("w_k x_k rest", real=True)  # w.x = w_k x_k + rest
    y, gs = _YS, _GS
    x, xt, w = _nc("x x^T w")
    xj, xl = sp.symbols("x_j x_l", real=True)
    return [
        ev.identity(sp.diff((y - wk * xk - rest) ** 2 / 2, wk), xk * (wk * xk + rest) - y * xk,
                    description="d/dw_k (y - w.x)^2/2 = x_k (x^T w) - y x_k, i.e. the LMS gradient "
                                "is x x^T w - y x (every d)"),
        _nc_identity((x * xt * w - y * x) - (w - gs * y * x), c["difference"],
                     "LMS minus surrogate gradient (free algebra: every d)", sizes=("d",)),
        ev.identity([mi.gaussian_expectation(xj * xj, [xj]),
                     mi.gaussian_expectation(xj * xl, [xj, xl])], [c["Exx"], 0],
                    description="E x_j^2 = 1, E x_j x_l = 0 (j != l): E x x^T = I for every d"),
    ]


def _b_surrogate_vs_lms(c):
    d = 3
    w, x = _vec("w", d), _vec("x", d)
    y, gs = _YS, _GS
    surrogate = (w.T * w)[0, 0] / 2 - gs * y * (x.T * w)[0, 0]
    lms = (y - (w.T * x)[0, 0]) ** 2 / 2
    g_s = sp.Matrix([sp.diff(surrogate, s) for s in w])
    g_l = sp.Matrix([sp.diff(lms, s) for s in w])
    Exx = (x * x.T).applyfunc(lambda e: mi.gaussian_expectation(e, list(x)))
    xs, xts, ws = _nc("x x^T w")
    diff = _nc_eval(c["difference"], {xs: x, xts: x.T, ws: w})
    # LMS gradient = x x^T w - y x; replace x x^T by its mean and y by gamma* y:
    lhs = [*g_s, *(g_l - g_s), *Exx]
    rhs = [*(Exx * w - gs * y * x), *diff, *(c["Exx"] * sp.eye(d))]
    return lhs, rhs


def _preconditioned_steps(c):
    """Every d, d_h, N: ``a w_N = a c a^N G_N = Gamma sum_i g_i y_i x_i`` (the readout is the
    unrolled recurrence with ``B_i = Gamma x_i``) and ``-d/du_k`` of the weighted least squares at
    ``u = 0`` is ``sum_i g_i y_i x_ik`` (one token and coordinate; the loss is a sum over
    tokens)."""
    uk, xk, y, rest, g = sp.symbols("u_k x_ik y_i rest g_i", real=True)  # u.x_i = u_k x_ik + rest
    return [
        _unrolled_weights(c["g_i"], c["factor"]),  # the claimed factor: factor w(i, N) = g_i
        _query_step(),
        ev.identity(-sp.diff(g * (y - uk * xk - rest) ** 2 / 2, uk).subs({uk: 0, rest: 0}),
                    g * y * xk, description="-d/du_k g_i (y_i - u.x_i)^2/2 at u = 0 is "
                                            "g_i y_i x_ik"),
    ]


def _b_preconditioned(c):
    lhs, rhs = [], []
    for disc in mi.DISCRETISATIONS:
        _, S = mi.recurrence_states(2, 2, 3, disc)
        w = mi.readout_recursion(S, disc)
        g = _weights(c, 3, disc)
        u = _vec("u", 2)
        weighted = sum(gi * (y - (u.T * x)[0, 0]) ** 2 for gi, x, y in
                       zip(g, S["x"], S["y"], strict=True)) / 2
        grad0 = sp.Matrix([sp.diff(weighted, s) for s in u]).xreplace({s: 0 for s in u})
        G = S["Q"].T * S["P"]
        lhs += list(c["factor"] * w[-1])
        rhs += list(G * (-grad0))
    return lhs, rhs
