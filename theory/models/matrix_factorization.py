"""Symmetric matrix factorization ``U U^T ~ Y`` under gradient flow and gradient descent.

Everything here is exact (SymPy) and derived from the loss

.. math:: L(U) = \\tfrac14 \\lVert U U^T - Y \\rVert_F^2,\\qquad U \\in \\mathbb R^{n\\times r},

whose gradient is ``(U U^T - Y) U``; so the flow is ``U' = (Y - U U^T) U`` and GD with step
``eta`` is ``U -> U - eta (U U^T - Y) U`` (Min & Vidal, arXiv 2508.20344; the normalisation
``1/4`` is the one for which no stray factor 2 appears in the flow).

What is derived
---------------
* the Riccati equation ``X' = Y X + X Y - 2 X^2`` for ``X = U U^T`` (:func:`riccati_residual`);
* the closed form ``X(t) = e^{Yt} U0 (I + 2 U0^T S(t) U0)^{-1} U0^T e^{Yt}``,
  ``S(t) = int_0^t e^{2Ys} ds`` (:func:`closed_form`), valid for any ``U0`` (any ``r``) and any
  symmetric ``Y`` (indefinite or singular), and the inverse form
  ``X^{-1} = e^{-Yt} X0^{-1} e^{-Yt} + 2 int_0^t e^{-2Ys} ds`` (:func:`inverse_form`). Both are
  stated in the eigenbasis of ``Y`` (``Y = Q diag(lam) Q^T``; conjugating by ``Q`` maps solutions
  to solutions, so the diagonal case is the general one);
* the aligned logistic solution and its learning times (:func:`aligned_logistic`,
  :func:`aligned_half_time`), the generic learning-time prediction with Gram ratios
  (:func:`gram_ratios`, :func:`predicted_time`), plateau lengths and losses;
* the scalar GD map, its sharpness ``2 lam`` at the minimum, and its exact 2-cycle with multiplier
  ``7 - 4c - 2c^2`` (``c = eta lam``), stable for ``1 < c < sqrt(5) - 1`` (:func:`two_cycle`);
* the depth-``N`` aligned model: the component ODE ``x' = N x^{2-2/N} (lam - x)``, the exact
  decomposition of its half-learning time and the GD threshold ``eta < 2/(N lam^{2-2/N})``, at
  explicit depths (:func:`deep_aligned`) and for a symbolic depth ``N`` (:func:`deep_general`).

Every size at once
------------------
Statements about matrices of unspecified sizes are derived in the free algebra: non-commutative
symbols stand for matrices of any compatible sizes (:func:`nc_symbols`), ``1`` for the identity,
transposes are separate symbols (:func:`nc_transpose`), and a time derivative is a derivation
given on the generators (:func:`nc_derivative`, the Leibniz rule keeps the order of factors). A
polynomial identity that holds in the free algebra holds for matrices of every size.
(:func:`riccati_free`, :func:`closed_form_free`, :func:`inverse_form_free`; :func:`flow_entry` is
the entrywise computation of the gradient, the same for every ``n`` and ``r``.)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from theory.gd import gd_map, gradient_flow, hessian
from theory.maps import SymbolicMap

__all__ = [
    "ClosedFormFree",
    "DeepAligned",
    "DeepGeneral",
    "Factorization",
    "FlowEntry",
    "InverseFormFree",
    "TwoCycle",
    "aligned_half_time",
    "aligned_logistic",
    "aligned_time_at_fraction",
    "closed_form",
    "closed_form_free",
    "closed_form_residual",
    "deep_aligned",
    "deep_general",
    "flow_entry",
    "forms_agree_residual",
    "gram_ratios",
    "inverse_form",
    "inverse_form_free",
    "inverse_form_residual",
    "loss_hessian",
    "model",
    "nc_derivative",
    "nc_evaluate",
    "nc_symbols",
    "nc_transpose",
    "plateau_length",
    "plateau_loss",
    "predicted_gd_step",
    "predicted_time",
    "riccati_free",
    "riccati_residual",
    "riccati_rhs",
    "scalar_gd",
    "scalar_hessian_at_minimum",
    "two_cycle",
]

t_sym = sp.Symbol("t", nonnegative=True)
alpha_sym = sp.Symbol("alpha", positive=True)
eta_sym = sp.Symbol("eta", positive=True)


# ---------------------------------------------------------------------------------------------
# the model
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Factorization:
    """The loss ``1/4 |U U^T - Y|_F^2`` with explicit symbols, its flow and its GD map.

    ``U`` is an ``n x r`` matrix of symbols ``u_i_j``; ``Y`` symmetric with symbols ``y_i_j``
    (``i <= j``); ``field`` the flow ``-dL/dU`` as an ``n x r`` matrix; ``gd`` the GD map with step
    ``eta`` on the ``n r`` entries of ``U``.
    """

    n: int
    r: int
    U: sp.Matrix
    Y: sp.Matrix
    loss: sp.Expr
    field: sp.Matrix

    @property
    def X(self) -> sp.Matrix:
        """``U U^T``."""
        return self.U * self.U.T

    @functools.cached_property
    def gd(self) -> SymbolicMap:
        """The GD map ``U -> U - eta dL/dU`` (derived on first use)."""
        consts = sorted(self.Y.free_symbols, key=lambda s: s.name)
        return gd_map(self.loss, list(self.U), step=eta_sym, constants=consts,
                      name=f"mf-gd-{self.n}x{self.r}")


def model(n: int, r: int) -> Factorization:
    """Derive the flow and the GD map of ``1/4 |U U^T - Y|_F^2`` for explicit sizes.

    Examples
    --------
    >>> m = model(1, 1)
    >>> m.loss
    (u_0_0**2 - y_0_0)**2/4
    >>> m.field
    Matrix([[-u_0_0*(u_0_0**2 - y_0_0)]])
    >>> m.gd.update
    (-eta*u_0_0*(u_0_0**2 - y_0_0) + u_0_0,)
    """
    U, Y, loss = _loss(n, r)
    params = list(U)
    consts = sorted(Y.free_symbols, key=lambda s: s.name)
    flow = gradient_flow(loss, params, constants=consts)
    field = sp.Matrix(n, r, list(flow.field))
    return Factorization(n, r, U, Y, loss, field)


def _loss(n: int, r: int) -> tuple[sp.Matrix, sp.Matrix, sp.Expr]:
    """``U`` (``n x r``), symmetric ``Y`` and ``1/4 |U U^T - Y|_F^2``, unexpanded."""
    if n < 1 or r < 1:
        raise ValueError(f"model needs n, r >= 1, got n={n}, r={r}")
    U = sp.Matrix(n, r, lambda i, j: sp.Symbol(f"u_{i}_{j}", real=True))
    Y = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"y_{min(i, j)}_{max(i, j)}", real=True))
    R = U * U.T - Y
    loss = sum((R[i, j] ** 2 for i in range(n) for j in range(n)), sp.Integer(0)) / 4
    return U, Y, loss


def loss_hessian(n: int, r: int) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix]:
    """``(U, Y, H)``: the Hessian ``H`` of ``1/4 |U U^T - Y|_F^2`` in the entries of ``U``
    (row-major, the order of :func:`model`'s parameters), left unexpanded so that it is cheap to
    derive and to evaluate for every size (``n r = 24`` takes a second, not the minute that
    :func:`model` with its flow and GD map needs).

    Examples
    --------
    >>> U, Y, H = loss_hessian(1, 2)
    >>> sp.expand(H[0, 0]), sp.expand(H[0, 1])
    (3*u_0_0**2 + u_0_1**2 - y_0_0, 2*u_0_0*u_0_1)
    """
    U, Y, loss = _loss(n, r)
    return U, Y, sp.hessian(loss, list(U))


def riccati_rhs(X: sp.Matrix, Y: sp.Matrix) -> sp.Matrix:
    """``Y X + X Y - 2 X^2``.

    Examples
    --------
    >>> riccati_rhs(sp.Matrix([[1]]), sp.Matrix([[3]]))
    Matrix([[4]])
    """
    return Y * X + X * Y - 2 * X * X


def riccati_residual(n: int, r: int) -> sp.Matrix:
    """``d(U U^T)/dt - (Y X + X Y - 2 X^2)`` along the derived flow, expanded (zero iff the
    Riccati equation holds).

    Examples
    --------
    >>> riccati_residual(2, 3).is_zero_matrix
    True
    """
    m = model(n, r)
    dX = m.field * m.U.T + m.U * m.field.T
    return (dX - riccati_rhs(m.X, m.Y)).applyfunc(sp.expand)


# ---------------------------------------------------------------------------------------------
# closed form (eigenbasis of Y)
# ---------------------------------------------------------------------------------------------
def _exp_and_integral(lam: sp.Expr, t: sp.Expr, sign: int = 1) -> tuple[sp.Expr, sp.Expr]:
    """``e^{sign lam t}`` and ``int_0^t e^{2 sign lam s} ds`` (``t`` when ``lam == 0``)."""
    lam = sp.sympify(lam)
    e = sp.exp(sign * lam * t)
    if lam == 0:
        return e, t
    return e, (sp.exp(2 * sign * lam * t) - 1) / (2 * sign * lam)


def closed_form(lams, U0: sp.Matrix, t: sp.Expr = t_sym, factor: sp.Expr = 2) -> sp.Matrix:
    """``X(t) = E U0 (I + factor U0^T S U0)^{-1} U0^T E`` with ``Y = diag(lams)``,
    ``E = e^{Yt}``, ``S = int_0^t e^{2Ys} ds``.

    ``factor`` is 2 for the true solution; it is a parameter only so that a mutated closed form
    (``factor=1``) can be shown to be refuted.

    Examples
    --------
    >>> lam, a = sp.symbols("lambda a", positive=True)
    >>> sp.simplify(closed_form([lam], sp.Matrix([[a]]))[0, 0] - aligned_logistic(lam, a))
    0
    """
    lams = [sp.sympify(v) for v in lams]
    n = len(lams)
    U0 = sp.Matrix(U0)
    if U0.rows != n:
        raise ValueError(f"closed_form: U0 has {U0.rows} rows for {n} eigenvalues")
    pairs = [_exp_and_integral(v, t) for v in lams]
    E = sp.diag(*[p[0] for p in pairs])
    S = sp.diag(*[p[1] for p in pairs])
    P = sp.eye(U0.cols) + factor * U0.T * S * U0
    return E * U0 * P.inv(method="LU") * U0.T * E


def inverse_form(lams, Z0: sp.Matrix, t: sp.Expr = t_sym) -> sp.Matrix:
    """``X(t)^{-1} = E^{-1} Z0 E^{-1} + 2 int_0^t e^{-2Ys} ds`` with ``Z0 = X0^{-1}``.

    Examples
    --------
    >>> lam = sp.Symbol("lambda", positive=True)
    >>> sp.simplify(inverse_form([lam], sp.Matrix([[1]]))[0, 0])
    (lambda + exp(2*lambda*t) - 1)*exp(-2*lambda*t)/lambda
    """
    lams = [sp.sympify(v) for v in lams]
    pairs = [_exp_and_integral(v, t, sign=-1) for v in lams]
    Einv = sp.diag(*[p[0] for p in pairs])
    return Einv * sp.Matrix(Z0) * Einv + 2 * sp.diag(*[p[1] for p in pairs])


def _time_derivative_via_symbols(expr_builder, lams, t):
    """Differentiate an expression in ``exp(lam_i t)`` exactly by treating ``e_i = exp(lam_i t)``
    as symbols with ``de_i/dt = lam_i e_i`` (keeps every step a rational-function identity)."""
    es = [sp.Symbol(f"e_{i}", positive=True) for i in range(len(lams))]
    expr = expr_builder()
    rep = {}
    for lam, e in zip(lams, es, strict=True):
        lam = sp.sympify(lam)
        if lam != 0:
            rep[sp.exp(lam * t)] = e
            rep[sp.exp(2 * lam * t)] = e**2
            rep[sp.exp(-lam * t)] = 1 / e
            rep[sp.exp(-2 * lam * t)] = e**-2
    expr = expr.subs(rep)

    def ddt(f):
        out = sp.diff(f, t)
        for lam, e in zip(lams, es, strict=True):
            if sp.sympify(lam) != 0:
                out += sp.diff(f, e) * sp.sympify(lam) * e
        return out

    return expr, ddt


def _det_adj(M: list[list]) -> tuple:
    """Determinant and adjugate of a small square matrix of ring elements (cofactor expansion)."""
    r = len(M)

    def det(A):
        if len(A) == 1:
            return A[0][0]
        return sum(((-1) ** j) * A[0][j] * det([row[:j] + row[j + 1:] for row in A[1:]])
                   for j in range(len(A)))

    if r == 1:
        return M[0][0], [[M[0][0] ** 0]]
    minor = [[[row[:j] + row[j + 1:] for k, row in enumerate(M) if k != i] for j in range(r)]
             for i in range(r)]
    adj = [[((-1) ** (i + j)) * det(minor[j][i]) for j in range(r)] for i in range(r)]
    return det(M), adj


def closed_form_residual(n: int, r: int, factor: int = 2) -> list[sp.Expr]:
    """Numerators of ``X' - (Y X + X Y - 2 X^2)`` for the closed form with ``Y = diag(l)``,
    symbolic ``U0 = (b_i_j)`` (``n x r``), as polynomials (zero iff the closed form solves the
    Riccati equation).

    Method: write ``X = N / D`` with ``D = det P``, ``N = E U0 adj(P) U0^T E``,
    ``P = I + factor U0^T S U0``, where ``e_i`` (the diagonal of ``E = e^{Yt}``) and ``s_i`` (of
    ``S = int_0^t e^{2Ys} ds``) are indeterminates obeying ``e_i' = l_i e_i`` and ``s_i' = e_i^2``
    -- true for every real ``l_i``, zero included, so indefinite and singular ``Y`` are covered.
    The residual times ``D^2`` is the polynomial ``N' D - N D' - D (Y N + N Y) + 2 N^2``; it
    expands to zero (sparse polynomial arithmetic over Q). With ``X(0) = U0 U0^T`` (``E = I``,
    ``S = 0``) and ``D >= 1`` for ``t >= 0`` this proves the closed form for these sizes.
    ``factor`` other than 2 gives a mutated closed form whose residual is non-zero.

    Examples
    --------
    >>> all(p == 0 for p in closed_form_residual(2, 3))
    True
    >>> all(p == 0 for p in closed_form_residual(2, 2, factor=1))
    False
    """
    from sympy.polys.rings import ring

    names = ([f"e_{i}" for i in range(n)] + [f"s_{i}" for i in range(n)]
             + [f"l_{i}" for i in range(n)] + [f"b_{i}_{j}" for i in range(n) for j in range(r)])
    _, *g = ring(names, sp.QQ)
    e, s, lam, b = g[:n], g[n:2 * n], g[2 * n:3 * n], g[3 * n:]
    B = [[b[i * r + j] for j in range(r)] for i in range(n)]
    P = [[(1 if a == c else 0) + factor * sum(B[i][a] * s[i] * B[i][c] for i in range(n))
          for c in range(r)] for a in range(r)]
    D, A = _det_adj(P)
    BA = [[sum(B[i][a] * A[a][c] for a in range(r)) for c in range(r)] for i in range(n)]
    N = [[e[i] * sum(BA[i][c] * B[j][c] for c in range(r)) * e[j] for j in range(n)]
         for i in range(n)]

    def ddt(p):
        return sum(p.diff(e[i]) * lam[i] * e[i] + p.diff(s[i]) * e[i] ** 2 for i in range(n))

    dD = ddt(D)
    out = []
    for i in range(n):
        for j in range(n):
            res = (ddt(N[i][j]) * D - N[i][j] * dD - D * (lam[i] + lam[j]) * N[i][j]
                   + 2 * sum(N[i][k] * N[k][j] for k in range(n)))
            out.append(res.as_expr())
    return out


def inverse_form_residual(lams) -> sp.Matrix:
    """``Z' - (2 I - Y Z - Z Y)`` for ``Z`` = the inverse form with symmetric symbolic ``Z0``.

    ``Z' = 2I - YZ - ZY`` is the Riccati equation for ``X = Z^{-1}`` (``X' = -X Z' X``).

    Examples
    --------
    >>> l1, l2 = sp.symbols("l1 l2", real=True)
    >>> inverse_form_residual([l1, l2]).applyfunc(sp.simplify).is_zero_matrix
    True
    """
    lams = [sp.sympify(v) for v in lams]
    n = len(lams)
    Z0 = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"z_{min(i, j)}_{max(i, j)}", real=True))
    t = sp.Symbol("t", real=True)
    Z, ddt = _time_derivative_via_symbols(lambda: inverse_form(lams, Z0, t), lams, t)
    Y = sp.diag(*lams)
    return (Z.applyfunc(ddt) - (2 * sp.eye(n) - Y * Z - Z * Y)).applyfunc(sp.together)


def forms_agree_residual(lams) -> sp.Matrix:
    """``inverse_form(X0^{-1}) * closed_form(U0) - I`` for a square symbolic ``U0`` (``X0 =
    U0 U0^T``): zero iff the two forms agree where both apply.

    Examples
    --------
    >>> l1 = sp.Symbol("l1", real=True)
    >>> sp.simplify(forms_agree_residual([l1])[0, 0])
    0
    """
    lams = [sp.sympify(v) for v in lams]
    n = len(lams)
    U0 = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"b_{i}_{j}", real=True))
    t = sp.Symbol("t", real=True)
    Z0 = (U0 * U0.T).inv(method="LU")
    prod = inverse_form(lams, Z0, t) * closed_form(lams, U0, t)
    es = {}
    for i, lam in enumerate(lams):
        if lam != 0:
            e = sp.Symbol(f"e_{i}", positive=True)
            es.update({sp.exp(lam * t): e, sp.exp(2 * lam * t): e**2, sp.exp(-lam * t): 1 / e,
                       sp.exp(-2 * lam * t): e**-2})
    return (prod - sp.eye(n)).applyfunc(lambda x: sp.together(x.subs(es)))


# ---------------------------------------------------------------------------------------------
# aligned case and learning times
# ---------------------------------------------------------------------------------------------
def aligned_logistic(lam, alpha=alpha_sym, t=t_sym) -> sp.Expr:
    """``lam / (1 + (lam/alpha^2 - 1) e^{-2 lam t})``: the eigenvalue of ``X(t)`` along an
    eigenvector of ``Y`` when ``U0 = alpha I`` (``alpha^2/(1 + 2 alpha^2 t)`` when ``lam = 0``).

    Examples
    --------
    >>> lam = sp.Symbol("lambda", positive=True)
    >>> s = aligned_logistic(lam)
    >>> sp.simplify(sp.diff(s, t_sym) - 2*s*(lam - s)), s.subs(t_sym, 0)
    (0, alpha**2)
    """
    lam = sp.sympify(lam)
    if lam == 0:
        return alpha**2 / (1 + 2 * alpha**2 * t)
    return lam / (1 + (lam / alpha**2 - 1) * sp.exp(-2 * lam * t))


def aligned_time_at_fraction(lam, p, alpha=alpha_sym) -> sp.Expr:
    """Time at which the aligned logistic reaches ``p lam`` (``0 < p < 1``, ``lam > alpha^2``).

    Examples
    --------
    >>> lam = sp.Symbol("lambda", positive=True)
    >>> sp.simplify(aligned_time_at_fraction(lam, sp.Rational(9, 10))
    ...             - aligned_time_at_fraction(lam, sp.Rational(1, 10)))
    2*log(3)/lambda
    """
    lam, p = sp.sympify(lam), sp.sympify(p)
    return (sp.log(lam / alpha**2 - 1) - sp.log((1 - p) / p)) / (2 * lam)


def aligned_half_time(lam, alpha=alpha_sym) -> sp.Expr:
    """``ln(lam/alpha^2 - 1) / (2 lam)``: exact half-learning time in the aligned case.

    Examples
    --------
    >>> lam = sp.Symbol("lambda", positive=True)
    >>> aligned_half_time(lam).subs(alpha_sym, 1)
    log(lambda - 1)/(2*lambda)
    """
    return aligned_time_at_fraction(lam, sp.Rational(1, 2), alpha)


def gram_ratios(C: sp.Matrix) -> list[sp.Expr]:
    """``rho_k = det G_k / det G_{k-1}`` for ``G_k`` the Gram matrix of the first ``k`` rows of
    ``C = Q^T B`` (``rho_k`` is the squared distance of row ``k`` from the span of the rows
    before it; ``0`` once ``k > rank``).

    Examples
    --------
    >>> gram_ratios(sp.Matrix([[1, 1], [0, 2], [3, 4]]))
    [2, 2, 0]
    """
    C = sp.Matrix(C)
    out, prev = [], sp.Integer(1)
    for k in range(1, C.rows + 1):
        Ck = C[:k, :]
        det = sp.factor((Ck * Ck.T).det())
        out.append(sp.simplify(det / prev) if prev != 0 else sp.Integer(0))
        prev = det
    return out


def predicted_time(lam, rho, alpha=alpha_sym) -> sp.Expr:
    """``ln(lam / (rho alpha^2)) / (2 lam)``: predicted half-learning time of a component.

    Examples
    --------
    >>> predicted_time(sp.Integer(2), sp.Integer(1), sp.Rational(1, 10))
    log(200)/4
    """
    return sp.log(sp.sympify(lam) / (sp.sympify(rho) * alpha**2)) / (2 * sp.sympify(lam))


def predicted_gd_step(lam, rho, alpha=alpha_sym, eta=eta_sym) -> sp.Expr:
    """``ln(lam/(rho alpha^2)) / (2 ln(1 + eta lam))``: predicted half-learning step of GD.

    Examples
    --------
    >>> predicted_gd_step(1, 1, sp.Rational(1, 10), sp.Rational(1, 10))
    log(100)/(2*log(11/10))
    """
    lam = sp.sympify(lam)
    return sp.log(lam / (sp.sympify(rho) * alpha**2)) / (2 * sp.log(1 + eta * lam))


def plateau_length(lam_k, lam_next, alpha=alpha_sym) -> sp.Expr:
    """``(1/2)(1/lam_next - 1/lam_k) ln(1/alpha^2)``: leading-order length of plateau ``k``.

    Examples
    --------
    >>> plateau_length(4, 2, sp.Rational(1, 10))
    log(100)/8
    """
    return (1 / sp.sympify(lam_next) - 1 / sp.sympify(lam_k)) * sp.log(1 / alpha**2) / 2


def plateau_loss(lams, k: int) -> sp.Expr:
    """``(1/4) sum_{i>k} lam_i^2``: loss on plateau ``k`` (after ``k`` components are learned;
    ``lams`` sorted decreasingly; never-learned negative eigenvalues count too).

    Examples
    --------
    >>> plateau_loss([4, 2, 1], 1)
    5/4
    """
    return sum((sp.sympify(v) ** 2 for v in list(lams)[k:]), sp.Integer(0)) / 4


# ---------------------------------------------------------------------------------------------
# scalar GD: stability and the 2-cycle
# ---------------------------------------------------------------------------------------------
def scalar_gd() -> SymbolicMap:
    """GD on ``1/4 (u^2 - lam)^2`` (one aligned component), step ``eta``.

    Examples
    --------
    >>> scalar_gd().update
    (-eta*u*(-lambda + u**2) + u,)
    """
    u = sp.Symbol("u", real=True)
    lam = sp.Symbol("lambda", positive=True)
    return gd_map((u**2 - lam) ** 2 / 4, (u,), step=eta_sym, constants=(lam,), name="mf-scalar-gd")


def scalar_hessian_at_minimum() -> sp.Expr:
    """Second derivative of ``1/4 (u^2 - lam)^2`` at ``u^2 = lam`` (the sharpness), i.e. ``2 lam``.

    Examples
    --------
    >>> scalar_hessian_at_minimum()
    2*lambda
    """
    F = scalar_gd()
    (u,) = F.state
    lam = F.params[1]
    h = hessian(F.loss, (u,))[0, 0]
    return sp.expand(h.subs(u, sp.sqrt(lam)))


@dataclass(frozen=True)
class TwoCycle:
    """The period-2 orbit of the scalar GD map in the variable ``s = u^2/lam`` with ``c = eta lam``.

    ``s_values`` the two points (``s_minus < 1 < s_plus``), ``multiplier`` the derivative of the
    second iterate along the cycle, ``exists`` / ``stable`` the conditions on ``c > 0``.
    """

    c: sp.Symbol
    polynomial: sp.Expr
    s_values: tuple[sp.Expr, sp.Expr]
    multiplier: sp.Expr
    exists: sp.Set
    stable: sp.Set


def two_cycle() -> TwoCycle:
    """Derive the 2-cycle of ``v -> v (1 + c - c v^2)`` (scalar GD with ``u = sqrt(lam) v``).

    The quotient ``(f(f(v)) - v)/(f(v) - v)`` factors into ``c v^2 - c - 2`` (the orbit
    ``{v, -v}``,
    a fixed point of ``u^2``, multiplier ``(2c + 5)^2 > 1``) and ``c^2 s^2 - c (c+1) s + 1`` with
    ``s = v^2``: the genuine 2-cycle of the learned component. Its multiplier
    ``f'(v1) f'(v2) = (1+c-3c s1)(1+c-3c s2)`` is reduced with Vieta's formulas.

    Examples
    --------
    >>> cyc = two_cycle()
    >>> cyc.multiplier
    -2*c**2 - 4*c + 7
    >>> cyc.stable
    Interval.open(1, -1 + sqrt(5))
    """
    c = sp.Symbol("c", positive=True)
    v, s = sp.symbols("v s", real=True)

    def f(x):
        return x * (1 + c - c * x**2)

    quotient = sp.factor(sp.cancel((f(f(v)) - v) / (f(v) - v)))
    quartic = None
    for fac, _ in sp.factor_list(quotient)[1]:
        if sp.degree(fac, v) == 4:
            quartic = fac
    if quartic is None:
        raise RuntimeError("two_cycle: no quartic factor found")
    quad = sp.Poly(sp.expand(quartic).subs(v**2, s).subs(v, sp.sqrt(s)), s)
    a2, a1, a0 = quad.all_coeffs()
    ssum, sprod = -a1 / a2, a0 / a2
    # (1+c-3c s1)(1+c-3c s2) = (1+c)^2 - 3c(1+c)(s1+s2) + 9c^2 s1 s2, Vieta for s1+s2, s1 s2
    mult = sp.expand(sp.simplify((1 + c) ** 2 - 3 * c * (1 + c) * ssum + 9 * c**2 * sprod))
    disc = sp.discriminant(quad.as_expr(), s)
    exists = sp.solve_univariate_inequality(disc > 0, c, relational=False) & sp.Interval.open(
        0, sp.oo)
    stable = sp.solve_univariate_inequality(sp.Abs(mult) < 1, c, relational=False) & exists
    roots = sp.solve(quad.as_expr(), s)
    rts = tuple(sorted(roots, key=lambda e: float(e.subs(c, 2))))
    return TwoCycle(c, sp.expand(quad.as_expr()), rts, mult, exists, stable)


# ---------------------------------------------------------------------------------------------
# depth-N aligned factorization
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeepAligned:
    """Depth-``N`` aligned factorization of one component: layers ``w_1..w_N``, loss
    ``1/2 (w_1 ... w_N - lam)^2``.

    ``gd`` the layer-wise GD map (step ``eta``); ``balanced_field`` the flow of one layer when all
    are equal (``w' = -(w^N - lam) w^{N-1}``); ``x_rhs`` the derived ODE of ``x = w^N`` written in
    ``w``; ``claimed_rhs`` the ODE ``N x^{2-2/N}(lam - x)`` with ``x = w^N``; ``threshold`` the GD
    step limit ``2 / (N lam^{2-2/N})``; ``jacobian_eigs`` the Jacobian eigenvalues at the balanced
    minimum ``w_j = m`` (``lam = m^N``).
    """

    N: int
    w: tuple[sp.Symbol, ...]
    lam: sp.Symbol
    gd: SymbolicMap
    balanced_field: sp.Expr
    x_rhs: sp.Expr
    claimed_rhs: sp.Expr
    threshold: sp.Expr
    jacobian_eigs: dict


def deep_aligned(N: int) -> DeepAligned:
    """Derive the depth-``N`` aligned component dynamics from the layer-wise loss.

    Examples
    --------
    >>> d = deep_aligned(3)
    >>> sp.simplify(d.x_rhs - d.claimed_rhs)
    0
    >>> d.threshold
    2/(3*lambda**(4/3))
    """
    if N < 1:
        raise ValueError(f"depth N must be >= 1, got {N}")
    w = tuple(sp.Symbol(f"w_{j}", real=True) for j in range(N))
    lam = sp.Symbol("lambda", positive=True)
    loss = (sp.Mul(*w) - lam) ** 2 / 2
    flow = gradient_flow(loss, w, constants=(lam,))
    gd = gd_map(loss, w, step=eta_sym, constants=(lam,), name=f"deep-{N}-gd")
    wb = sp.Symbol("w", positive=True)
    balanced = sp.expand(flow.field[0].subs({wj: wb for wj in w}))
    x_rhs = sp.expand(N * wb ** (N - 1) * balanced)
    x = wb**N
    claimed = N * x ** (2 - sp.Rational(2, N)) * (lam - x)
    threshold = 2 / (N * lam ** (2 - sp.Rational(2, N)))
    m = sp.Symbol("m", positive=True)
    J = gd.jacobian().subs({lam: m**N}).subs({wj: m for wj in w})
    ev = sp.Symbol("_z")
    eigs = sp.roots(sp.Poly(sp.factor(J.charpoly(ev).as_expr()), ev))
    eigs = {sp.expand(k.subs(m, lam ** sp.Rational(1, N))): v for k, v in eigs.items()}
    return DeepAligned(N, w, lam, gd, balanced, x_rhs, claimed, threshold, eigs)


# ---------------------------------------------------------------------------------------------
# every size at once: the free algebra (non-commutative symbols stand for matrices)
# ---------------------------------------------------------------------------------------------
def nc_symbols(names: str) -> tuple[sp.Symbol, ...]:
    """Non-commutative symbols: matrices of unspecified (compatible) sizes.

    Examples
    --------
    >>> A, B = nc_symbols("A B")
    >>> A * B - B * A == 0
    False
    """
    return tuple(sp.symbols(names, commutative=False, seq=True))


def nc_transpose(expr, pairs: dict) -> sp.Expr:
    """Transpose of a free-algebra expression: every product reversed, every non-commutative
    symbol replaced by its transpose (``pairs`` maps symbols to their transposes, read both ways;
    a symbol not listed is symmetric), commutative factors unchanged.

    Examples
    --------
    >>> U, Ut, Y = nc_symbols("U U^T Y")
    >>> nc_transpose(3 * (Y - U * Ut) * U, {U: Ut})
    -3*U^T*U*U^T + 3*U^T*Y
    """
    table = {**pairs, **{v: k for k, v in pairs.items()}}

    def tr(e):
        if e.is_Add:
            return sp.Add(*[tr(a) for a in e.args])
        if e.is_Mul:
            com, nc = e.args_cnc()
            return sp.Mul(*com) * sp.Mul(*[tr(f) for f in reversed(nc)])
        if e.is_Pow and not e.base.is_commutative:
            if not (e.exp.is_Integer and e.exp > 0):
                raise ValueError(f"nc_transpose: power {e} is not a positive integer power")
            return tr(e.base) ** e.exp
        if e.is_commutative:
            return e
        if e.is_Symbol:
            return table.get(e, e)
        raise ValueError(f"nc_transpose: cannot transpose {e!r}")

    return tr(sp.expand(sp.sympify(expr)))


def nc_evaluate(expr, env: dict):
    """A free-algebra expression evaluated on explicit matrices: each non-commutative symbol is
    replaced by its matrix in ``env`` and the products are taken in order; a commutative term of
    a sum (``1`` is the identity) becomes that multiple of the identity of the sum's size.

    Examples
    --------
    >>> U, Ut = nc_symbols("U U^T")
    >>> M = sp.Matrix([[1, 2], [3, 4]])
    >>> nc_evaluate(U * Ut + 1, {U: M, Ut: M.T})
    Matrix([
    [ 6, 11],
    [11, 26]])
    >>> nc_evaluate(2 * U**2, {U: M})
    Matrix([
    [14, 20],
    [30, 44]])
    """
    if expr in env:
        return env[expr]
    if expr.is_commutative and not expr.free_symbols & set(env):
        return expr.xreplace(env)
    if isinstance(expr, sp.Mul):
        out = sp.Integer(1)
        for a in expr.args:
            out = out * nc_evaluate(a, env)
        return out
    if isinstance(expr, sp.Add):
        parts = [nc_evaluate(a, env) for a in expr.args]
        shape = next(p.shape for p in parts if isinstance(p, sp.MatrixBase))
        return sum((p if isinstance(p, sp.MatrixBase) else p * sp.eye(shape[0])
                    for p in parts), sp.zeros(*shape))
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer and expr.exp > 0:
        return nc_evaluate(expr.base, env) ** int(expr.exp)
    raise ValueError(f"nc_evaluate: cannot evaluate {expr} on matrices")


def nc_derivative(expr, rules: dict) -> sp.Expr:
    """A derivation of the free algebra given on the generators: ``rules[X]`` is ``X'`` (a
    generator not listed, and every commutative factor, is constant). Leibniz rule with the order
    of the factors kept: ``(A B)' = A' B + A B'``.

    Examples
    --------
    >>> E, Y, B = nc_symbols("E Y B")
    >>> nc_derivative(E * B * E, {E: Y * E})
    E*B*Y*E + Y*E*B*E
    """
    def words(e):
        """``e`` as a list of factors (powers written out)."""
        out = []
        for f in e:
            if f.is_Pow and not f.base.is_commutative:
                if not (f.exp.is_Integer and f.exp > 0):
                    raise ValueError(f"nc_derivative: power {f} is not a positive integer power")
                out.extend([f.base] * int(f.exp))
            else:
                out.append(f)
        return out

    def d(e):
        if e.is_Add:
            return sp.Add(*[d(a) for a in e.args])
        if e.is_commutative:
            return sp.Integer(0)
        if e.is_Symbol:
            return sp.sympify(rules.get(e, 0))
        com, nc = e.args_cnc() if e.is_Mul else ([], [e])
        fac = words(nc)
        total = sp.Integer(0)
        for i, f in enumerate(fac):
            if f.is_commutative or not f.is_Symbol:
                raise ValueError(f"nc_derivative: unexpected factor {f!r}")
            df = sp.sympify(rules.get(f, 0))
            if df != 0:
                total += sp.Mul(*fac[:i]) * df * sp.Mul(*fac[i + 1:])
        return sp.Mul(*com) * total

    return sp.expand(d(sp.expand(sp.sympify(expr))))


@dataclass(frozen=True)
class FlowEntry:
    """The loss ``1/4 |U U^T - Y|_F^2`` as a function of one entry ``u = U_jk``, for every
    ``n, r``: ``R = U U^T - Y`` is symmetric, ``R_jj = u^2 + p`` and, for each ``b != j``,
    ``R_jb = R_bj = u w_b + q_b`` (``w_b = U_bk``); no other entry of ``R`` contains ``u``. So
    ``L = R_jj^2/4 + sum_{b != j} R_jb^2/2 + (terms free of u)``; ``terms`` is the ``u``-part with
    one representative ``b``, ``derivative`` its ``u``-derivative and ``entry`` the corresponding
    part of ``(R U)_jk = R_jj u + sum_{b != j} R_jb w_b``."""

    u: sp.Symbol
    terms: sp.Expr
    derivative: sp.Expr
    entry: sp.Expr


def flow_entry() -> FlowEntry:
    """Entrywise gradient of ``1/4 |U U^T - Y|_F^2`` (every ``n, r``): ``dL/dU_jk = (RU)_jk``.

    Examples
    --------
    >>> f = flow_entry()
    >>> sp.expand(f.derivative - f.entry)
    0
    """
    u, p, w, q = sp.symbols("u p w_b q_b", real=True)
    terms = (u**2 + p) ** 2 / 4 + (u * w + q) ** 2 / 2
    return FlowEntry(u, terms, sp.expand(sp.diff(terms, u)), (u**2 + p) * u + (u * w + q) * w)


def riccati_free() -> tuple[sp.Expr, sp.Expr]:
    """``(d(U U^T)/dt, Y X + X Y - 2 X^2)`` along ``U' = (Y - U U^T) U`` in the free algebra
    (``Y`` symmetric): equal for every ``n`` and ``r``.

    Examples
    --------
    >>> dX, rhs = riccati_free()
    >>> sp.expand(dX - rhs)
    0
    """
    U, Ut, Y = nc_symbols("U U^T Y")
    field = (Y - U * Ut) * U
    dX = sp.expand(field * Ut + U * nc_transpose(field, {U: Ut}))
    X = U * Ut
    return dX, sp.expand(riccati_rhs(X, Y))


@dataclass(frozen=True)
class ClosedFormFree:
    """The closed form in the free algebra: ``E = e^{Yt}`` (``E' = Y E``), ``S = int_0^t
    e^{2Ys} ds`` (``S' = E^2``), ``P = I + 2 U0^T S U0`` and ``Qi = P^{-1}`` (``Qi' = -Qi P' Qi``);
    ``X = E U0 Qi U0^T E``. ``dX`` is ``X'`` by the Leibniz rule; ``rhs`` is ``YX + XY - 2X^2``;
    ``dX - rhs = remainder``, a multiple of the commutator ``Y E - E Y`` (zero: ``E`` is a power
    series in ``Y``); ``X0`` is ``X`` at ``t = 0`` (``E = I``, ``S = 0``, ``Qi = I``)."""

    symbols: dict
    X: sp.Expr
    dX: sp.Expr
    rhs: sp.Expr
    remainder: sp.Expr
    X0: sp.Expr
    U0U0t: sp.Expr


def closed_form_free(factor=2) -> ClosedFormFree:
    """Derive ``X'`` for the closed form with symbolic matrices of every size (``factor`` other
    than 2 is the mutated closed form, whose ``dX - rhs`` is not the commutator remainder).

    Examples
    --------
    >>> c = closed_form_free()
    >>> sp.expand(c.dX - c.rhs - c.remainder)
    0
    >>> m = closed_form_free(factor=1)
    >>> sp.expand(m.dX - m.rhs - m.remainder) == 0
    False
    """
    E, S, Qi, B, Bt, Y = nc_symbols("E S P^-1 U0 U0^T Y")
    dS = E * E
    dP = nc_derivative(1 + factor * Bt * S * B, {S: dS})
    dQi = sp.expand(-Qi * dP * Qi)
    X = E * B * Qi * Bt * E
    dX = nc_derivative(X, {E: Y * E, Qi: dQi})
    rhs = sp.expand(riccati_rhs(X, Y))
    remainder = sp.expand(E * B * Qi * Bt * (Y * E - E * Y))
    X0 = X.subs({E: 1, Qi: 1})
    return ClosedFormFree({"E": E, "S": S, "P^-1": Qi, "U0": B, "U0^T": Bt, "Y": Y}, X, dX, rhs,
                          remainder, X0, B * Bt)


@dataclass(frozen=True)
class InverseFormFree:
    """The inverse form in the free algebra: ``F = e^{-Yt}`` (``F' = -Y F``), ``T = int_0^t
    e^{-2Ys} ds`` (``T' = F^2``), ``Z = F Z0 F + 2 T``.

    ``dZ - rhs = remainder`` with ``rhs = 2I - YZ - ZY`` and ``remainder = F Z0 [F, Y] + 2 G``,
    ``G = F^2 + Y T + T Y - I``; ``G(0) = 0`` and ``dG = F [F, Y]`` (zero: ``F`` is a power series
    in ``Y``), so ``G = 0``. ``inverse_lhs`` is ``-X (2I - YZ - ZY) X`` (``X' = -X Z' X`` for
    ``X = Z^{-1}``) and ``inverse_lhs - (YX + XY - 2X^2) = inverse_remainder = X Y (Z X - I) +
    (X Z - I) Y X``, zero when ``X Z = Z X = I``."""

    symbols: dict
    Z: sp.Expr
    dZ: sp.Expr
    rhs: sp.Expr
    remainder: sp.Expr
    G: sp.Expr
    dG: sp.Expr
    G_remainder: sp.Expr
    Z0_at_0: sp.Expr
    G_at_0: sp.Expr
    inverse_lhs: sp.Expr
    inverse_rhs: sp.Expr
    inverse_remainder: sp.Expr


def inverse_form_free() -> InverseFormFree:
    """Derive ``Z'`` for the inverse form and the Riccati equation of ``X = Z^{-1}``, with
    symbolic matrices of every size.

    Examples
    --------
    >>> f = inverse_form_free()
    >>> sp.expand(f.dZ - f.rhs - f.remainder), sp.expand(f.dG - f.G_remainder)
    (0, 0)
    """
    F, T, Z0, Y, X, Zs = nc_symbols("F T Z0 Y X Z")
    rules = {F: -Y * F, T: F * F}
    Z = F * Z0 * F + 2 * T
    dZ = nc_derivative(Z, rules)
    rhs = sp.expand(2 - Y * Z - Z * Y)
    G = F * F + Y * T + T * Y - 1
    remainder = sp.expand(F * Z0 * (F * Y - Y * F) + 2 * G)
    dG = nc_derivative(G, rules)
    inverse_lhs = sp.expand(-X * (2 - Y * Zs - Zs * Y) * X)
    return InverseFormFree(
        {"F": F, "T": T, "Z0": Z0, "Y": Y, "X": X, "Z": Zs}, Z, dZ, rhs, remainder, G, dG,
        sp.expand(F * (F * Y - Y * F)), Z.subs({F: 1, T: 0}), G.subs({F: 1, T: 0}),
        inverse_lhs, sp.expand(riccati_rhs(X, Y)),
        sp.expand(X * Y * (Zs * X - 1) + (X * Zs - 1) * Y * X))


# ---------------------------------------------------------------------------------------------
# depth-N aligned factorization for a symbolic depth N
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeepGeneral:
    """The depth-``N`` aligned component for a symbolic ``N`` (integer, positive).

    The product of the layers is ``w_j P_j`` with ``P_j = prod_{i != j} w_i`` free of ``w_j``, so
    the loss as a function of ``w_j`` is ``layer_loss = (w_j P - lam)^2/2`` and
    ``layer_grad = dL/dw_j``. At a balanced point (``w_i = w``, ``P = w^{N-1}``):
    ``balanced_field`` is ``w'``, ``x_rhs`` is ``(w^N)' = N w^{N-1} w'`` and ``claimed_rhs`` is
    ``N x^{2-2/N} (lam - x)`` at ``x = w^N`` (``w > 0``).

    Layer-wise GD ``F_j = w_j - eta dL/dw_j``: for ``k != j`` write ``P_j = w_k R`` (``R =
    prod_{i != j, k} w_i``); ``jac_diag`` is ``dF_j/dw_j`` and ``jac_off`` is ``dF_j/dw_k`` at the
    balanced minimum ``w_i = m``, ``lam = m^N`` (``P = m^{N-1}``, ``R = m^{N-2}``); both are
    ``1 - c`` and ``-c`` with ``c = eta m^{2N-2}``, so ``J = I - c 1 1^T``. ``threshold`` is
    ``2/(N lam^{2-2/N})``.

    Half-learning time: ``x = w^N`` turns ``dx / (N x^{2-2/N}(lam - x))`` into ``integrand_w dw``
    (``integrand_w = 1/(w^{N-1}(lam - w^N))``); ``partial_fractions`` splits it as
    ``1/(lam w^{N-1}) + w/(lam (lam - w^N))``; ``antiderivative`` is ``-w^{2-N}/((N-2) lam)``, a
    primitive of the first part (``N != 2``).
    """

    N: sp.Symbol
    lam: sp.Symbol
    w: sp.Symbol
    m: sp.Symbol
    layer_loss: sp.Expr
    layer_grad: sp.Expr
    balanced_field: sp.Expr
    x_rhs: sp.Expr
    claimed_rhs: sp.Expr
    jac_diag: sp.Expr
    jac_off: sp.Expr
    c: sp.Expr
    threshold: sp.Expr
    integrand_x: sp.Expr
    integrand_w: sp.Expr
    partial_fractions: sp.Expr
    antiderivative: sp.Expr


def deep_general() -> DeepGeneral:
    """Derive the depth-``N`` component dynamics and the GD Jacobian for a symbolic ``N``.

    Examples
    --------
    >>> g = deep_general()
    >>> sp.expand(g.x_rhs - g.claimed_rhs)
    0
    >>> sp.simplify(g.jac_diag - (1 - g.c)), sp.simplify(g.jac_off + g.c)
    (0, 0)
    """
    N = sp.Symbol("N", integer=True, positive=True)
    lam = sp.Symbol("lambda", positive=True)
    a, P, b, R = sp.symbols("w_j P_j w_k R", positive=True)
    w, m = sp.symbols("w m", positive=True)
    layer_loss = (a * P - lam) ** 2 / 2
    layer_grad = sp.diff(layer_loss, a)
    balanced = sp.expand(-layer_grad.subs({a: w, P: w ** (N - 1)}))
    x_rhs = sp.expand(N * w ** (N - 1) * balanced)
    claimed = N * (w**N) ** (2 - 2 / N) * (lam - w**N)
    F_j = a - eta_sym * layer_grad
    at_min = {lam: m**N}
    jac_diag = sp.expand(sp.diff(F_j, a).subs(at_min).subs({a: m, P: m ** (N - 1)}))
    F_jk = F_j.subs(P, b * R)
    jac_off = sp.expand(sp.diff(F_jk, b).subs(at_min).subs({a: m, b: m, R: m ** (N - 2)}))
    x = sp.Symbol("x", positive=True)
    integrand_x = 1 / (N * x ** (2 - 2 / N) * (lam - x))
    integrand_w = 1 / (w ** (N - 1) * (lam - w**N))
    return DeepGeneral(
        N, lam, w, m, layer_loss, layer_grad, balanced, x_rhs, claimed, jac_diag, jac_off,
        eta_sym * m ** (2 * N - 2), 2 / (N * lam ** (2 - 2 / N)), integrand_x, integrand_w,
        1 / (lam * w ** (N - 1)) + w / (lam * (lam - w**N)), -(w ** (2 - N)) / ((N - 2) * lam))
