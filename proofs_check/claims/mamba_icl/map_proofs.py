"""Exact arguments for the reduced GD map for every size: gradients in ``Gamma``, the matrix
form, its normalisation to the two-factor map, the scalar split and the balanced slice.
"""

from __future__ import annotations

import sympy as sp

from proofs_check import evidence as ev
from theory.models import mamba_icl as mi

from .constants import _model
from .formulas import GAMMA_NEXT
from .identities import _explicit_env, _nc, _nc_eval, _nc_map, _nc_transpose, _transposes


def _grad_gamma_step() -> ev.Identity:
    """``L = sum_ab (alpha G_ab^2 - 2 s1 delta_ab G_ab)/2 + d/2`` is separable in the entries of
    Gamma: ``dL/dG_ab = alpha G_ab - s1 delta_ab``, i.e. ``dL/dGamma = E = alpha Gamma - s1 I``.
    With ``dGamma = Q^T dP + dQ^T P`` and ``<X, Q^T Y> = <Q X, Y>`` (reordering a finite sum),
    ``dL/dP = Q E`` and ``dL/dQ = P E^T`` for every d, d_h."""
    G, dl = sp.symbols("G_ab delta_ab", real=True)
    f = mi.loss_in_invariants(G**2, dl * G, 0)  # the (a, b) term of the loss
    return ev.identity(sp.diff(f, G), mi.alpha * G - mi.s1 * dl,
                       description="dL/dGamma_ab = alpha Gamma_ab - s1 delta_ab (separable in the "
                                   "entries; every d, d_h)")


def _b_gradients_general(c):
    """Chain rule in the free algebra (every d, d_h): ``Gamma(P + e dP, Q + e dQ) = Gamma +
    e (Q^T dP + dQ^T P) + e^2 dQ^T dP``, and ``<E, Q^T dP> = tr(E^T Q^T dP)``,
    ``<E, dQ^T P> = <E^T, P^T dQ> = tr(E P^T dQ)`` equal ``<G_P, dP> = tr(G_P^T dP)`` and
    ``<G_Q, dQ> = tr(G_Q^T dQ)`` because the matrices under the traces agree, for the claimed
    gradients ``G_P``, ``G_Q`` (their transposes formed symbolically)."""
    P, Pt, _Q, Qt, E, Et = _nc_map()
    dP, dQ, dQt = _nc("dP dQ dQ^T")
    e = sp.Symbol("e", real=True)
    T = _transposes()
    return ([sp.expand((Qt + e * dQt) * (P + e * dP)), sp.expand(Et * (Qt * dP)),
             sp.expand(E * (Pt * dQ))],
            [Qt * P + e * (Qt * dP + dQt * P) + e**2 * dQt * dP,
             sp.expand(_nc_transpose(c["dL_dP"], T) * dP),
             sp.expand(_nc_transpose(c["dL_dQ"], T) * dQ)])


def _b_gradients(c):
    M = _model(2, 3)
    L = M.reduced_loss()
    gP = M.P.applyfunc(lambda s: sp.diff(L, s))
    gQ = M.Q.applyfunc(lambda s: sp.diff(L, s))
    env = _explicit_env(M)
    return [*gP, *gQ], [*_nc_eval(c["dL_dP"], env), *_nc_eval(c["dL_dQ"], env)]


def _map_claims(c):
    """The claimed next P and Q with the claimed E (and E^T) substituted."""
    _P, _Pt, _Q, _Qt, _E, _Et = _nc_map()
    E, Et = _nc("E E^T")
    Ec = c["E"]
    Etc = _nc_transpose(Ec, _transposes())
    return [sp.expand(c[k].xreplace({E: Ec, Et: Etc})) for k in ("P_next", "Q_next")]


def _b_reduced_map_general(c):
    """GD with the gradients of mamba.loss.gradients (``Q E``, ``P E^T``, E from
    :func:`theory.models.mamba_icl.error_map`) against the claimed map (free algebra)."""
    P, _Pt, Q, _Qt, E, Et = _nc_map()
    return ([sp.expand(P - mi.eta * Q * E), sp.expand(Q - mi.eta * P * Et)], _map_claims(c))


def _b_reduced_map(c):
    M = _model(2, 3)
    F = M.map()
    env = _explicit_env(M)
    Pn, Qn = (_nc_eval(e, env) for e in _map_claims(c))
    return list(F.update), [*Pn, *Qn]


def _b_normalisation_general(c):
    """``s (P - eta Q E)`` with ``s`` the claimed scale at ``alpha = s1 lambda^2`` (the scale is
    ``lambda``) against the two-factor step ``Pt - mu Qt (Qt^T Pt - I)`` at ``Pt = s P`` with the
    claimed ``mu`` (and the Q update)."""
    P, Pt, Q, Qt, E, Et = _nc_map()
    lam = sp.Symbol("lambda", positive=True)
    sub = {mi.alpha: mi.s1 * lam**2}
    sc = sp.sympify(c["scale"]).xreplace(sub)
    mu = c["mu"]
    TP, TQ, TPt, TQt = sc * P, sc * Q, sc * Pt, sc * Qt
    return ([sp.expand(sc * (P - mi.eta * Q * E)).xreplace(sub),
             sp.expand(sc * (Q - mi.eta * P * Et)).xreplace(sub)],
            [sp.expand(TP - mu * TQ * (TQt * TP - 1)), sp.expand(TQ - mu * TP * (TPt * TQ - 1))])


def _b_normalisation(c):
    M = _model(2, 2)
    F = M.map()
    Fn = M.normalised()
    lam = sp.Symbol("lambda", positive=True)
    mu = Fn.params[0]
    sub_alpha = {mi.alpha: mi.s1 * lam**2}
    sc = sp.sympify(c["scale"]).xreplace(sub_alpha)
    lhs = [sc * u.xreplace(sub_alpha) for u in F.update]
    image = Fn(*(sc * s for s in F.state))
    rhs = [e.xreplace({mu: c["mu"]}) for e in image]
    return lhs, rhs


def _b_scalar_split_general(c):
    """One diagonal mode: ``p' = p - eta q (alpha q p - s1)`` (the (j, j) entry of the matrix form
    for diagonal P, Q, whose products stay diagonal) against the two-factor map at the claimed
    scale and ``mu``."""
    from theory.models import two_factor

    tf = two_factor.model()
    p, q = sp.symbols("p q", real=True)
    lam = sp.Symbol("lambda", positive=True)
    sub_alpha = {mi.alpha: mi.s1 * lam**2}
    sc = sp.sympify(c["scale"]).xreplace(sub_alpha)
    e = mi.alpha * q * p - mi.s1
    a_new, b_new = tf.map.update
    sub = {tf.a: sc * p, tf.b: sc * q, tf.mu: c["mu"]}
    return ([sc * (p - mi.eta * q * e).xreplace(sub_alpha),
             sc * (q - mi.eta * p * e).xreplace(sub_alpha)],
            [a_new.xreplace(sub), b_new.xreplace(sub)])


def _b_scalar_split(c):
    from theory.models import two_factor

    tf = two_factor.model()
    d = 2
    M = _model(d, d)
    F = M.map()
    p = sp.symbols("p0:2", real=True)
    q = sp.symbols("q0:2", real=True)
    point = {}
    for j in range(d):
        for k in range(d):
            point[M.P[j, k]] = p[j] if j == k else 0
            point[M.Q[j, k]] = q[j] if j == k else 0
    img = dict(zip(F.state, (u.xreplace(point) for u in F.update), strict=True))
    lam = sp.Symbol("lambda", positive=True)
    sub_alpha = {mi.alpha: mi.s1 * lam**2}
    sc = sp.sympify(c["scale"]).xreplace(sub_alpha)
    lhs, rhs = [], []
    for j in range(d):
        for k in range(d):
            if j != k:
                lhs += [img[M.P[j, k]], img[M.Q[j, k]]]
                rhs += [0, 0]
        a_new, b_new = tf.map.update
        sub = {tf.a: sc * p[j], tf.b: sc * q[j], tf.mu: c["mu"]}
        lhs += [sc * img[M.P[j, j]].xreplace(sub_alpha), sc * img[M.Q[j, j]].xreplace(sub_alpha)]
        rhs += [a_new.xreplace(sub), b_new.xreplace(sub)]
    return lhs, rhs


def _b_balanced_slice_general(claimed=None, invariance=0):
    """P = Q: ``P' = Q' + (claimed difference 0)``, as ``P' - Q' = -eta P (E - E^T) = 0`` (E
    symmetric); on ``P = Q = r O``
    (``O^T O = I``): ``P' = r (1 - eta (alpha r^2 - s1)) O`` so ``gamma' = |..|^2``."""
    P, Pt, Q, Qt, E, Et = _nc_map()
    Ob, Obt = _nc("O O^T")
    r = sp.Symbol("r", positive=True)  # r^2 = gamma
    g = mi.gamma
    same = {Q: P, Qt: Pt}
    on = {P: r * Ob, Pt: r * Obt}
    Pn = (P - mi.eta * Q * E).xreplace(same)
    Pnt = (Pt - mi.eta * Et * Qt).xreplace(same)  # (P - eta Q E)^T
    new_gamma = sp.expand((Pnt * Pn).xreplace(on)).subs(Obt * Ob, 1)
    claimed = GAMMA_NEXT if claimed is None else claimed
    return ([(P - mi.eta * Q * E).xreplace(same), new_gamma.xreplace({r: sp.sqrt(g)})],
            [(Q - mi.eta * P * Et).xreplace(same) + invariance, claimed])


def _b_balanced_slice(claimed=None, invariance=0):
    M = _model(2, 2)
    P, Q = M.matrix_update()
    same = {M.Q[j, k]: M.P[j, k] for j in range(2) for k in range(2)}
    claimed = GAMMA_NEXT if claimed is None else claimed
    return ([*(P - Q).xreplace(same), M.slice().update[0]], [invariance] * 4 + [claimed])
