"""One-prompt linear transformer -> the normalised two-factor map ``F_mu`` (arXiv 2605.21292).

Everything here is *derived*: the full-parameter loss of the transformer is written down, its
gradient-descent update is obtained with :func:`theory.gd.gd_map`, and every reduction step is
recorded as an exact identity (:class:`Step`) that the catalogue proves by expansion.

Model A (value scalar ``v`` times key-query matrix ``Gamma``)
    ``yhat = v x_q^T Gamma h`` with ``h = (1/N) sum_i y_i x_i``. The gradient of ``Gamma`` is
    ``r v x_q h^T`` (``r = yhat - y_q``), so ``s = x_q^T Gamma h`` evolves alone with ``v``:
    ``v' = v - eta r s``, ``s' = s - eta r v |x_q|^2 |h|^2``. With ``kappa = |x_q||h|``,
    ``a = v sqrt(kappa/|y_q|)``, ``b = sgn(y_q) s / sqrt(kappa |y_q|)`` the pair ``(a, b)`` follows
    ``F_mu(a, b) = (a - mu b (ab - 1), b - mu a (ab - 1))`` exactly, ``mu = eta |y_q||x_q||h|``.

Model B (``W_Q, W_K`` in ``R^{m x d}``, ``yhat = (W_Q x_q).(W_K h)``)
    ``q = W_Q x_q`` and ``k = W_K h`` follow ``q' = q - eta r |x_q|^2 k``,
    ``k' = k - eta r |h|^2 q``. With ``A = q sqrt(|h|/(|x_q||y_q|))`` and
    ``B = sgn(y_q) k sqrt(|x_q|/(|h||y_q|))`` the vectors obey ``A' = A - mu (A.B - 1) B``,
    ``B' = B - mu (A.B - 1) A``, hence ``U = A + B`` and ``V = A - B`` keep their directions:
    ``U' = (1 - mu e) U``, ``V' = (1 + mu e) V`` with ``e = A.B - 1 = (|U|^2 - |V|^2)/4 - 1``.
    So ``(|U|, |V|)`` follows ``u' = u |1 - mu e|``, ``v' = v |1 + mu e|``: the map ``F_mu`` in
    rotated coordinates *up to the sign symmetries* ``(u, v) -> (+-u, +-v)`` of ``F_mu``. No
    alignment of the initial weights is needed; ``y_q``, ``x_q`` and ``h`` must be non-zero.

:func:`derive_model_a` and :func:`derive_model_b` work at explicit sizes (the map is derived at
d = 2, m = 2); :func:`derive_model_a_general` and :func:`derive_model_b_general` give the same
reductions for a symbolic dimension d and width m (sums to d and m, generic entries), which is
what proves them for every size.

Numbers are not computed here (``theory`` is SymPy only; :func:`mu_of` gives the effective
step as an exact expression): the float effective step, the normalisations and full-parameter
GD, as readable float/mpmath oracles, live in :mod:`numerics.reference` (``two_factor_mu``,
``normalise_model_a``, ``gd_model_a``, ...) and are parity-tested against the maps derived here.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from theory.gd import gd_map
from theory.maps import SymbolicMap

__all__ = [
    "Derivation",
    "Step",
    "TwoFactorModel",
    "derive_model_a",
    "derive_model_a_general",
    "derive_model_b",
    "derive_model_b_general",
    "model",
    "mu_of",
]

a, b = sp.symbols("a b", real=True)
mu = sp.Symbol("mu", positive=True)
u, v = sp.symbols("u v", real=True)


@dataclass(frozen=True)
class Step:
    """One step of a reduction: the exact identity ``lhs == rhs`` (entrywise for tuples).

    ``assumptions`` says under which substitutions it is claimed (e.g. ``sgn(y_q) = -1``).
    """

    statement: str
    lhs: tuple
    rhs: tuple
    assumptions: str = ""

    def holds(self) -> bool:
        """Decide the identity by exact expansion (``radsimp`` for square roots).

        Examples
        --------
        >>> x = sp.Symbol("x")
        >>> Step("square", ((x + 1)**2,), (x**2 + 2*x + 1,)).holds()
        True
        """
        for left, right in zip(self.lhs, self.rhs, strict=True):
            raw = sp.sympify(left) - sp.sympify(right)
            diff = sp.expand(raw)
            if diff != 0 and sp.expand(sp.radsimp(sp.together(diff))) != 0 \
                    and not (raw.has(sp.Sum) and sp.simplify(raw) == 0):
                return False
        return True


@dataclass(frozen=True)
class Derivation:
    """A reduction from full-parameter gradient descent to a small map.

    ``full`` is the GD map on all parameters (derived from ``loss``), ``steps`` the exact identities
    that carry it to ``reduced`` (the derived 2-D map, or the vector map for Model B).
    """

    name: str
    loss: sp.Expr
    full: SymbolicMap
    steps: tuple[Step, ...]
    reduced: SymbolicMap

    def all_hold(self) -> bool:
        """True when every step's identity holds exactly."""
        return all(s.holds() for s in self.steps)


def _vec(name: str, n: int) -> list[sp.Symbol]:
    return list(sp.symbols(f"{name}1:{n + 1}", real=True))


def _dot(x, y):
    return sp.Add(*[p * q for p, q in zip(x, y, strict=True)])


def _image(F: SymbolicMap, expr):
    return sp.sympify(expr).xreplace(dict(zip(F.state, F.update, strict=True)))


def derive_model_a(d: int = 2) -> Derivation:
    """Derive the two-factor map from GD on Model A, ``yhat = v x_q^T Gamma h``, in dimension d.

    The context enters the loss only through ``h``, so ``h`` is kept as a vector of symbols.
    Steps: (1) the Gamma update is ``-eta r v x_q h^T``; (2) ``(v, s)`` evolve alone; (3) for
    either sign of ``y_q`` the normalised ``(a, b)`` follow ``F_mu`` with ``mu = eta |y_q| kappa``;
    (4) ``yhat / y_q = ab`` and the loss is ``(y_q^2/2)(ab - 1)^2``.

    Examples
    --------
    >>> D = derive_model_a(2)
    >>> D.reduced.update
    (a - b*mu*(a*b - 1), -a*mu*(a*b - 1) + b)
    >>> D.all_hold()
    True
    """
    xq, h = _vec("xq", d), _vec("h", d)
    yq = sp.Symbol("y_q", real=True)
    eta = sp.Symbol("eta", positive=True)
    vs = sp.Symbol("v", real=True)
    G = sp.Matrix(d, d, lambda i, j: sp.Symbol(f"G{i + 1}{j + 1}", real=True))
    s_expr = (sp.Matrix([xq]) * G * sp.Matrix(h))[0, 0]
    yhat = vs * s_expr
    loss = (yhat - yq) ** 2 / 2
    params = (vs, *list(G))
    full = gd_map(loss, params, step=eta, constants=(*xq, *h, yq), name="model-A GD")
    new = dict(zip(full.state, full.update, strict=True))
    r = yhat - yq
    steps = [Step("Gamma' - Gamma = -eta r v x_q h^T",
                  tuple(new[G[i, j]] - G[i, j] for i in range(d) for j in range(d)),
                  tuple(-eta * r * vs * xq[i] * h[j] for i in range(d) for j in range(d)))]
    # (v, s) evolve alone
    nx2, nh2 = _dot(xq, xq), _dot(h, h)
    s_new = s_expr.xreplace({G[i, j]: new[G[i, j]] for i in range(d) for j in range(d)})
    steps.append(Step("(v, s) evolve alone: v' = v - eta r s, s' = s - eta r v |x_q|^2 |h|^2",
                      (new[vs], s_new),
                      (vs - eta * r * s_expr, s_expr - eta * r * vs * nx2 * nh2)))
    norm_steps, reduced = _model_a_normalisation(eta)
    steps.extend(norm_steps)
    reduced_map = SymbolicMap((a, b), _canonical(reduced), (mu,), (mu > 0,), "two-factor",
                              loss=(a * b - 1) ** 2 / 2, step=mu)
    return Derivation("model A", loss, full, tuple(steps), reduced_map)


def _model_a_normalisation(eta) -> tuple[list[Step], tuple]:
    """The dimension-free part of the Model-A reduction: the ``(v, s)`` map
    ``v' = v - eta r s``, ``s' = s - eta r v kappa^2`` (``r = v s - y_q``) normalised to ``(a, b)``
    for each sign of ``y_q``, and ``yhat/y_q = ab``, loss ``(y_q^2/2)(ab - 1)^2``. Only the
    scalars ``v, s, kappa = |x_q||h|, |y_q|`` enter, so these steps hold in every dimension."""
    vs = sp.Symbol("v", real=True)
    steps: list[Step] = []
    s, k2 = sp.Symbol("s", real=True), sp.Symbol("kappa2", positive=True)
    kappa, Y = sp.Symbol("kappa", positive=True), sp.Symbol("Y", positive=True)
    reduced = None
    for sigma in (1, -1):
        y = sigma * Y
        rr = vs * s - y
        v_new, s_new2 = vs - eta * rr * s, s - eta * rr * vs * k2
        sub = {vs: a * sp.sqrt(Y / kappa), s: sigma * b * sp.sqrt(kappa * Y),
               k2: kappa**2, eta: mu / (Y * kappa)}
        a_new = sp.expand((v_new * sp.sqrt(kappa / Y)).xreplace(sub))
        b_new = sp.expand((sigma * s_new2 / sp.sqrt(kappa * Y)).xreplace(sub))
        pair = (sp.collect(sp.factor_terms(a_new), mu), sp.collect(sp.factor_terms(b_new), mu))
        if pair[0].free_symbols - {a, b, mu} or pair[1].free_symbols - {a, b, mu}:
            raise AssertionError("normalisation left model constants in the map")
        if reduced is None:
            reduced = pair
        steps.append(Step(f"normalised (a, b) follow F_mu (sgn y_q = {sigma:+d})", pair,
                          reduced, assumptions=f"y_q = {sigma:+d}*Y, Y > 0"))
    # ab = yhat / y_q and the loss in (a, b)
    for sigma in (1, -1):
        ab = (a * b).xreplace({a: vs * sp.sqrt(kappa / Y), b: sigma * s / sp.sqrt(kappa * Y)})
        steps.append(Step(f"ab = yhat/y_q, loss = (y_q^2/2)(ab-1)^2 (sgn y_q = {sigma:+d})",
                          (ab, (vs * s - sigma * Y) ** 2 / 2),
                          (vs * s / (sigma * Y), Y**2 * (ab - 1) ** 2 / 2)))
    return steps, reduced


def _canonical(pair):
    """Write the derived updates as ``a - mu*b*(a*b - 1)``, ``b - mu*a*(a*b - 1)`` when equal."""
    target = gd_map((a * b - 1) ** 2 / 2, (a, b), step=mu).update
    out = []
    for got, want in zip(pair, target, strict=True):
        out.append(want if sp.expand(got - want) == 0 else got)
    return tuple(out)


def derive_model_b(d: int = 2, m: int = 2) -> Derivation:
    """Derive the reduction of Model B, ``yhat = (W_Q x_q).(W_K h)`` with ``W_Q, W_K in R^{m x d}``.

    Steps: (1) ``q = W_Q x_q``, ``k = W_K h`` follow ``q' = q - eta r |x_q|^2 k``,
    ``k' = k - eta r |h|^2 q``; (2) the normalised vectors ``A, B`` follow the vector two-factor
    map ``A' = A - mu (A.B - 1) B``, ``B' = B - mu (A.B - 1) A`` for either sign of ``y_q``;
    (3) ``U = A + B`` and ``V = A - B`` are rescaled by ``1 - mu e`` and ``1 + mu e``. The
    ``reduced`` map is the vector map on ``(A, B)`` in ``R^m x R^m``.

    Examples
    --------
    >>> D = derive_model_b(2, 2)
    >>> [s.name for s in D.reduced.state]
    ['A1', 'A2', 'B1', 'B2']
    >>> D.all_hold()
    True
    """
    xq, h = _vec("xq", d), _vec("h", d)
    yq = sp.Symbol("y_q", real=True)
    eta = sp.Symbol("eta", positive=True)
    WQ = sp.Matrix(m, d, lambda i, j: sp.Symbol(f"Q{i + 1}{j + 1}", real=True))
    WK = sp.Matrix(m, d, lambda i, j: sp.Symbol(f"K{i + 1}{j + 1}", real=True))
    q_of = lambda W: list(W * sp.Matrix(xq))  # noqa: E731
    k_of = lambda W: list(W * sp.Matrix(h))  # noqa: E731
    q, k = q_of(WQ), k_of(WK)
    yhat = _dot(q, k)
    loss = (yhat - yq) ** 2 / 2
    full = gd_map(loss, (*list(WQ), *list(WK)), step=eta, constants=(*xq, *h, yq),
                  name="model-B GD")
    new = dict(zip(full.state, full.update, strict=True))
    WQn = WQ.xreplace(new)
    WKn = WK.xreplace(new)
    r = yhat - yq
    nx2, nh2 = _dot(xq, xq), _dot(h, h)
    steps = [Step("q' = q - eta r |x_q|^2 k,  k' = k - eta r |h|^2 q",
                  (*q_of(WQn), *k_of(WKn)),
                  (*[qi - eta * r * nx2 * ki for qi, ki in zip(q, k, strict=True)],
                   *[ki - eta * r * nh2 * qi for qi, ki in zip(q, k, strict=True)]))]
    # the (q, k) map, normalised
    qs, ks = _vec("q", m), _vec("k", m)
    A, B = _vec("A", m), _vec("B", m)
    nx, nh, Y = sp.symbols("n_x n_h Y", positive=True)
    AB = _dot(A, B)
    e = AB - 1
    vec_map = SymbolicMap((*A, *B), (*[Ai - mu * e * Bi for Ai, Bi in zip(A, B, strict=True)],
                                     *[Bi - mu * e * Ai for Ai, Bi in zip(A, B, strict=True)]),
                          (mu,), (mu > 0,), "two-factor (vectors)")
    for sigma in (1, -1):
        rr = _dot(qs, ks) - sigma * Y
        q_new = [qi - eta * rr * nx**2 * ki for qi, ki in zip(qs, ks, strict=True)]
        k_new = [ki - eta * rr * nh**2 * qi for qi, ki in zip(qs, ks, strict=True)]
        alpha, beta = sp.sqrt(nh / (nx * Y)), sigma * sp.sqrt(nx / (nh * Y))
        sub = {**{qi: Ai / alpha for qi, Ai in zip(qs, A, strict=True)},
               **{ki: Bi / beta for ki, Bi in zip(ks, B, strict=True)},
               eta: mu / (Y * nx * nh)}
        got = tuple(sp.expand((alpha * x).xreplace(sub)) for x in q_new) + \
            tuple(sp.expand((beta * x).xreplace(sub)) for x in k_new)
        steps.append(Step(f"normalised A, B follow the vector map (sgn y_q = {sigma:+d})", got,
                          vec_map.update, assumptions=f"y_q = {sigma:+d}*Y, |x_q| = n_x, "
                                                      f"|h| = n_h"))
    # U, V keep their directions
    U = [Ai + Bi for Ai, Bi in zip(A, B, strict=True)]
    V = [Ai - Bi for Ai, Bi in zip(A, B, strict=True)]
    steps.append(Step("U' = (1 - mu e) U, V' = (1 + mu e) V, e = A.B - 1",
                      tuple(_image(vec_map, x) for x in (*U, *V)),
                      (*[(1 - mu * e) * x for x in U], *[(1 + mu * e) * x for x in V])))
    steps.append(Step("e = (|U|^2 - |V|^2)/4 - 1", (e,), ((_dot(U, U) - _dot(V, V)) / 4 - 1,)))
    return Derivation("model B", loss, full, tuple(steps), vec_map)


# --- the reductions in every dimension: sums over a symbolic d (and m) -----------------------

_DIM = sp.Symbol("d", integer=True, positive=True)
_WIDTH = sp.Symbol("m", integer=True, positive=True)


def _entry_derivative(expr, entry, in_range) -> sp.Expr:
    """``d expr / d entry`` for an indexed ``entry`` of a sum over a symbolic range: SymPy's
    derivative (Kronecker deltas), the deltas summed out under the index ranges ``in_range``."""
    out = sp.diff(expr, entry)
    for _ in range(4):
        nxt = sp.refine(out.doit(), in_range)
        if nxt == out:
            break
        out = nxt
    if out.has(sp.KroneckerDelta, sp.Piecewise):  # pragma: no cover - a SymPy change
        raise AssertionError(f"the derivative by {entry} kept deltas: {out}")
    return out


def derive_model_a_general() -> tuple[Step, ...]:
    """The Model-A reduction in every dimension ``d`` (a symbol): ``x_q, h`` and ``Gamma`` are
    indexed objects and ``s = x_q^T Gamma h = sum_k x_k sum_l Gamma_kl h_l`` is a sum to ``d``.

    Steps: (1) the derivative of the loss by a generic entry ``Gamma_ij`` (``1 <= i, j <= d``) is
    ``r v (x_q)_i h_j``, so GD moves ``Gamma`` along ``x_q h^T``; (2) ``dL/dv = r s``; (3) the new
    ``s`` is ``s - eta r v |x_q|^2 |h|^2``, so ``(v, s)`` evolve alone; then the dimension-free
    normalisation of :func:`derive_model_a` (``kappa^2 = |x_q|^2 |h|^2``) for both signs of
    ``y_q``. Every step is an identity in ``d``, decided for all ``d`` at once.

    Examples
    --------
    >>> steps = derive_model_a_general()
    >>> steps[0].statement
    'dL/dGamma_ij = r v (x_q)_i h_j for every entry 1 <= i, j <= d'
    >>> all(st.holds() for st in steps[:3])
    True
    """
    d = _DIM
    i, j, k, ll = sp.symbols("i j k l", integer=True, positive=True)
    x, h, G = (sp.IndexedBase(n, real=True) for n in ("x_q", "h", "Gamma"))
    yq = sp.Symbol("y_q", real=True)
    eta = sp.Symbol("eta", positive=True)
    vs = sp.Symbol("v", real=True)

    def s_of(entry):
        """``x_q^T M h`` for the matrix with entries ``entry(k, l)``."""
        return sp.Sum(x[k] * sp.Sum(entry(k, ll) * h[ll], (ll, 1, d)), (k, 1, d))

    s = s_of(lambda p, q: G[p, q])
    r = vs * s - yq
    loss = r**2 / 2
    grad = _entry_derivative(loss, G[i, j], sp.Q.le(i, d) & sp.Q.le(j, d))
    s_new = s_of(lambda p, q: G[p, q] - eta * grad.xreplace({i: p, j: q}))
    norms = sp.Sum(x[k] ** 2, (k, 1, d)) * sp.Sum(h[ll] ** 2, (ll, 1, d))
    steps = [
        Step("dL/dGamma_ij = r v (x_q)_i h_j for every entry 1 <= i, j <= d",
             (grad,), (r * vs * x[i] * h[j],)),
        Step("dL/dv = r s, so v' = v - eta r s", (sp.diff(loss, vs),), (r * s,)),
        Step("s' = x_q^T (Gamma - eta dL/dGamma) h = s - eta r v |x_q|^2 |h|^2",
             (s_new,), (s - eta * r * vs * norms,)),
    ]
    steps.extend(_model_a_normalisation(eta)[0])
    return tuple(steps)


def derive_model_b_general() -> tuple[Step, ...]:
    """The Model-B reduction for every ``d`` and width ``m`` (symbols): ``W_Q, W_K`` are indexed
    ``m x d`` objects, ``q_p = sum_j (W_Q)_pj (x_q)_j``, ``k_p = sum_j (W_K)_pj h_j`` and
    ``yhat = sum_i q_i k_i`` (``i`` to ``m``).

    Steps: (1) the derivatives by generic entries ``(W_Q)_pc``, ``(W_K)_pc`` are ``r k_p (x_q)_c``
    and ``r q_p h_c``; (2) row ``p`` of the update gives ``q_p' = q_p - eta r |x_q|^2 k_p``,
    ``k_p' = k_p - eta r |h|^2 q_p``; (3) for either sign of ``y_q`` the normalised components
    ``A_p, B_p`` follow ``A' = A - mu (A.B - 1) B``, ``B' = B - mu (A.B - 1) A``; (4) componentwise
    ``U' = (1 - mu e) U``, ``V' = (1 + mu e) V``; (5) ``e = A.B - 1 = (|U|^2 - |V|^2)/4 - 1``;
    (6) ``|U'|^2 = (1 - mu e)^2 |U|^2``, ``|V'|^2 = (1 + mu e)^2 |V|^2``.

    Examples
    --------
    >>> steps = derive_model_b_general()
    >>> len(steps), all(st.holds() for st in steps[2:])
    (7, True)
    """
    d, m = _DIM, _WIDTH
    p, c, i, ii, j, jj = sp.symbols("p c i ii j jj", integer=True, positive=True)
    x, h, WQ, WK = (sp.IndexedBase(n, real=True) for n in ("x_q", "h", "W_Q", "W_K"))
    A, B = sp.IndexedBase("A", real=True), sp.IndexedBase("B", real=True)
    yq = sp.Symbol("y_q", real=True)
    eta = sp.Symbol("eta", positive=True)
    nx, nh, Y = sp.symbols("n_x n_h Y", positive=True)

    def q(row, ix=jj):
        return sp.Sum(WQ[row, ix] * x[ix], (ix, 1, d))

    def k(row, ix=jj):
        return sp.Sum(WK[row, ix] * h[ix], (ix, 1, d))

    r = sp.Sum(q(i) * k(i), (i, 1, m)) - yq
    loss = r**2 / 2
    in_range = sp.Q.le(p, m) & sp.Q.le(c, d)
    gQ = _entry_derivative(loss, WQ[p, c], in_range)
    gK = _entry_derivative(loss, WK[p, c], in_range)
    q_new = sp.Sum((WQ[p, j] - eta * gQ.xreplace({c: j})) * x[j], (j, 1, d))
    k_new = sp.Sum((WK[p, j] - eta * gK.xreplace({c: j})) * h[j], (j, 1, d))
    steps = [
        Step("dL/d(W_Q)_pc = r k_p (x_q)_c, dL/d(W_K)_pc = r q_p h_c for every entry "
             "1 <= p <= m, 1 <= c <= d", (gQ, gK), (r * k(p) * x[c], r * q(p) * h[c])),
        Step("row p of W - eta dL/dW: q_p' = q_p - eta r |x_q|^2 k_p, "
             "k_p' = k_p - eta r |h|^2 q_p", (q_new, k_new),
             (q(p, j) - eta * r * k(p) * sp.Sum(x[j] ** 2, (j, 1, d)),
              k(p, j) - eta * r * q(p) * sp.Sum(h[j] ** 2, (j, 1, d))))]
    # the same summation index on both sides of an identity (SymPy does not rename bound
    # indices); ``ii`` where the sum sits inside another sum over ``i``
    e = sp.Sum(A[i] * B[i], (i, 1, m)) - 1
    for sigma in (1, -1):
        alpha, beta = sp.sqrt(nh / (nx * Y)), sigma * sp.sqrt(nx / (nh * Y))
        qf, kf = (lambda t: A[t] / alpha), (lambda t: B[t] / beta)  # noqa: B023
        rr = sp.Sum(qf(i) * kf(i), (i, 1, m)) - sigma * Y
        step = mu / (Y * nx * nh)   # eta in terms of mu
        got = (alpha * (qf(p) - step * rr * nx**2 * kf(p)),
               beta * (kf(p) - step * rr * nh**2 * qf(p)))
        steps.append(Step(f"normalised A_p, B_p follow the vector map (sgn y_q = {sigma:+d})", got,
                          (A[p] - mu * e * B[p], B[p] - mu * e * A[p]),
                          assumptions=f"y_q = {sigma:+d}*Y, |x_q| = n_x, |h| = n_h"))
    e = e.xreplace({i: ii})
    A1, B1 = A[p] - mu * e * B[p], B[p] - mu * e * A[p]
    steps.append(Step("U_p' = (1 - mu e) U_p, V_p' = (1 + mu e) V_p, e = A.B - 1",
                      (A1 + B1, A1 - B1),
                      ((1 - mu * e) * (A[p] + B[p]), (1 + mu * e) * (A[p] - B[p]))))
    U2 = sp.Sum((A[i] + B[i]) ** 2, (i, 1, m))
    V2 = sp.Sum((A[i] - B[i]) ** 2, (i, 1, m))
    steps.append(Step("e = A.B - 1 = (|U|^2 - |V|^2)/4 - 1",
                      (sp.Sum(A[i] * B[i], (i, 1, m)) - 1,), ((U2 - V2) / 4 - 1,)))
    steps.append(Step("|U'|^2 = (1 - mu e)^2 |U|^2, |V'|^2 = (1 + mu e)^2 |V|^2",
                      (sp.Sum(((1 - mu * e) * (A[i] + B[i])) ** 2, (i, 1, m)),
                       sp.Sum(((1 + mu * e) * (A[i] - B[i])) ** 2, (i, 1, m))),
                      ((1 - mu * e) ** 2 * U2, (1 + mu * e) ** 2 * V2)))
    return tuple(steps)


@dataclass(frozen=True)
class TwoFactorModel:
    """The normalised two-factor map and its named quantities (spec §2).

    Attributes
    ----------
    map : the derived :class:`SymbolicMap` ``F_mu`` (name ``"two-factor"``), state ``(a, b)``.
    uv_map : ``F_mu`` in rotated coordinates ``u = a + b``, ``v = a - b``.
    a, b, mu, u, v : the symbols.
    P, e, lam, Q, H, R : ``ab``, ``ab - 1``, ``a^2 + b^2``, ``a^2 - b^2``,
        ``mu lam - mu^2 e - 4`` (the ellipse polynomial) and the normalised ellipse function
        ``R = mu[(2-mu)(a+b)^2 + (2+mu)(a-b)^2] / (4(4-mu^2))``.
    derivation_a, derivation_b : the reductions from Model A and Model B.
    """

    map: SymbolicMap
    uv_map: SymbolicMap
    derivation_a: Derivation
    derivation_b: Derivation
    a: sp.Symbol = a
    b: sp.Symbol = b
    mu: sp.Symbol = mu
    u: sp.Symbol = u
    v: sp.Symbol = v

    @property
    def P(self) -> sp.Expr:
        """``ab`` (the normalised prediction ``yhat / y_q``)."""
        return a * b

    @property
    def e(self) -> sp.Expr:
        """``ab - 1`` (the normalised residual)."""
        return a * b - 1

    @property
    def lam(self) -> sp.Expr:
        """``a^2 + b^2`` (the sharpness at a minimum)."""
        return a**2 + b**2

    @property
    def Q(self) -> sp.Expr:
        """``a^2 - b^2`` (the imbalance)."""
        return a**2 - b**2

    @property
    def H(self) -> sp.Expr:
        """``mu (a^2 + b^2) - mu^2 (ab - 1) - 4``; ``H = 0`` is the ellipse ``E_mu``."""
        return mu * (a**2 + b**2) - mu**2 * (a * b - 1) - 4

    @property
    def R(self) -> sp.Expr:
        """``mu[(2-mu)(a+b)^2 + (2+mu)(a-b)^2]/(4(4-mu^2))``; ``R = 1`` on ``E_mu``."""
        return mu * ((2 - mu) * (a + b) ** 2 + (2 + mu) * (a - b) ** 2) / (4 * (4 - mu**2))

    @property
    def loss(self) -> sp.Expr:
        """The normalised loss ``(ab - 1)^2 / 2`` (the full loss is ``y_q^2`` times it)."""
        return (a * b - 1) ** 2 / 2

    def quantities(self) -> dict[str, sp.Expr]:
        """The named quantities ``P, e, lambda, Q, H, R, u, v`` as expressions in ``(a, b)``.

        Examples
        --------
        >>> model().quantities()["u"]
        a + b
        """
        return {"P": self.P, "e": self.e, "lambda": self.lam, "Q": self.Q, "H": self.H,
                "R": self.R, "u": a + b, "v": a - b}

    def mu_of(self, eta, x_q, y_q, context) -> sp.Expr:
        """Effective step ``mu = eta |y_q| |x_q| |h|`` of one prompt (see :func:`mu_of`)."""
        return mu_of(eta, x_q, y_q, context)

    def slice(self, kind: str = "balanced") -> SymbolicMap:
        """The 1-D restriction of ``F_mu`` to the invariant line ``b = a`` or ``b = -a``.

        Derived by substitution; the line's invariance is checked exactly (``ValueError`` if not).

        Examples
        --------
        >>> tf = model()
        >>> sp.expand(tf.slice("balanced").update[0])
        -a**3*mu + a*mu + a
        >>> sp.expand(tf.slice("anti-balanced").update[0])
        -a**3*mu - a*mu + a
        """
        sign = {"balanced": 1, "anti-balanced": -1}.get(kind)
        if sign is None:
            raise ValueError(f"slice {kind!r} is not 'balanced' or 'anti-balanced'")
        img = self.map(a, sign * a)
        if sp.expand(img[1] - sign * img[0]) != 0:  # pragma: no cover - a derivation bug
            raise ValueError(f"the line b = {sign}*a is not invariant")
        return SymbolicMap((a,), (sp.expand(img[0]),), (mu,), (mu > 0,), f"two-factor {kind}")


def _uv_map(F: SymbolicMap) -> SymbolicMap:
    img = F((u + v) / 2, (u - v) / 2)
    return SymbolicMap((u, v), (sp.factor(img[0] + img[1]), sp.factor(img[0] - img[1])),
                       (mu,), (mu > 0,), "two-factor (u, v)")


_MODEL: TwoFactorModel | None = None


def model() -> TwoFactorModel:
    """The two-factor model, derived from Model A (d = 2) and Model B (d = m = 2); cached.

    Examples
    --------
    >>> tf = model()
    >>> tf.map.name, tf.map.state, tf.map.params
    ('two-factor', (a, b), (mu,))
    >>> tf.map.update
    (a - b*mu*(a*b - 1), -a*mu*(a*b - 1) + b)
    >>> tf.uv_map.update[0]
    -u*(mu*u**2 - mu*v**2 - 4*mu - 4)/4
    """
    global _MODEL
    if _MODEL is None:
        da, db = derive_model_a(2), derive_model_b(2, 2)
        _MODEL = TwoFactorModel(da.reduced, _uv_map(da.reduced), da, db)
    return _MODEL


def _pairs(context) -> list[tuple[list, object]]:
    """``[(x_i, y_i)]`` from ``context = (X, y)`` (rows ``x_i`` of ``X``) or ``[(x_i, y_i)]``."""
    def scalar(z):
        return not hasattr(z, "__len__")
    if len(context) == 2 and not scalar(context[1]) and len(context[1]) \
            and all(scalar(yi) for yi in context[1]):
        X, y = context
        return list(zip([list(row) for row in X], list(y), strict=True))
    return [(list(x_i), y_i) for x_i, y_i in context]


def mu_of(eta, x_q, y_q, context) -> sp.Expr:
    """Effective step ``mu = eta |y_q| |x_q| |h|`` of one prompt, ``h = (1/N) sum_i y_i x_i``, as
    an exact SymPy expression: numbers give a SymPy number, symbols an expression.

    This is the ``mu`` of the reductions (``eta = mu / (|y_q| kappa)``, ``kappa = |x_q||h|``);
    :func:`numerics.reference.two_factor_mu` is its float/mpmath oracle.

    Parameters
    ----------
    eta : learning rate of GD on the full parameters.
    x_q, y_q : the query and its label.
    context : ``(X, y)`` with rows ``x_i`` of ``X``, or a sequence of pairs ``(x_i, y_i)``.

    Examples
    --------
    >>> mu_of(sp.Rational(1, 2), [1, 0], -2, [([3, 4], 1)])
    5
    >>> e, y = sp.symbols("eta y", positive=True)
    >>> mu_of(e, [1, 0], y, [([3, 4], 1)])
    5*eta*y
    """
    pairs = _pairs(context)
    if not pairs:
        raise ValueError("context: no (x_i, y_i) pairs")
    n, d = len(pairs), len(pairs[0][0])
    h = [sp.Add(*[sp.sympify(y_i) * sp.sympify(x_i[j]) for x_i, y_i in pairs]) / n
         for j in range(d)]
    norm = lambda z: sp.sqrt(sp.Add(*[sp.sympify(t) ** 2 for t in z]))  # noqa: E731
    return sp.sympify(eta) * sp.Abs(sp.sympify(y_q)) * norm(x_q) * norm(h)
