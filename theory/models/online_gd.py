"""Online gradient descent recurrences: DeltaNet and DeltaProduct, derived exactly.

DeltaNet's state update is one GD step of size ``beta_t`` on the token loss
``L_t(S) = 1/2 |S k_t - v_t|^2``::

    S_t = S_{t-1} - beta_t (S_{t-1} k_t - v_t) k_t^T
        = S_{t-1} (I - beta_t k_t k_t^T) + beta_t v_t k_t^T

(:func:`deltanet` derives it with :func:`theory.gd.gd_map`). DeltaProduct takes ``n_h`` such steps
per token, ``H_t = H_{t-1} A_t + B_t`` with ``A_t`` a product of generalized Householder factors.

The chunked (WY / UT-transform) form of a product of ``C`` factors, in the order in which the
recurrence applies them (``S_C = S_0 A_1 A_2 ... A_C``), is::

    A_1 ... A_C = I - W^T K,   W = T^{-1} diag(beta) K,   T = I + tril(diag(beta) K K^T, -1),

with ``K`` the ``C x d`` matrix of keys (rows). The expression ``I - K^T T^{-1} diag(beta) K``
(its transpose) equals the *reversed* product ``A_C ... A_1`` (:func:`wy_product`,
:func:`wy_reversed`).

Every size at once: :func:`deltanet_free`, :func:`deltaproduct_step_free`, :func:`rank_step_free`
and :func:`wy_step_free` state the same recurrences with non-commutative symbols (matrices of
unspecified sizes, ``1`` the identity, transposes as separate symbols; see
:func:`theory.models.matrix_factorization.nc_transpose`), so that an identity of the free algebra
covers every ``d``, ``d_v``; the steps of the inductions on ``n_h`` and ``C`` are written this way.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from theory.gd import gd_map
from theory.maps import SymbolicMap
from theory.models.matrix_factorization import nc_symbols, nc_transpose

__all__ = [
    "DeltaFree",
    "DeltaNet",
    "WYStep",
    "deltanet",
    "deltanet_entry",
    "deltanet_free",
    "deltaproduct_step_free",
    "deltaproduct_token",
    "householder",
    "parity_factor",
    "rank_step_free",
    "unit_vector",
    "wy_base_free",
    "wy_product",
    "wy_reversed",
    "wy_step_free",
]

beta_sym = sp.Symbol("beta", real=True)


@dataclass(frozen=True)
class DeltaNet:
    """DeltaNet as a GD map: state ``S`` (``d_v x d_k`` symbols ``s_i_j``), key ``k``, value
    ``v``, step ``beta``; ``map`` derived from the token loss, ``S_next`` the same update as a
    matrix, ``closed`` the recurrence as usually written, ``transition`` ``I - beta k k^T``."""

    S: sp.Matrix
    k: sp.Matrix
    v: sp.Matrix
    beta: sp.Symbol
    loss: sp.Expr
    map: SymbolicMap
    S_next: sp.Matrix
    closed: sp.Matrix
    transition: sp.Matrix


def householder(k: sp.Matrix, beta=beta_sym) -> sp.Matrix:
    """Generalized Householder factor ``I - beta k k^T``.

    Examples
    --------
    >>> householder(sp.Matrix([1, 0]), 2)
    Matrix([
    [-1, 0],
    [ 0, 1]])
    """
    k = sp.Matrix(k)
    return sp.eye(k.rows) - beta * k * k.T


def deltanet(d_k: int, d_v: int) -> DeltaNet:
    """Derive the DeltaNet update from ``1/2 |S k - v|^2`` by one GD step of size ``beta``.

    Examples
    --------
    >>> dn = deltanet(2, 1)
    >>> (dn.S_next - dn.closed).applyfunc(sp.expand).is_zero_matrix
    True
    """
    S = sp.Matrix(d_v, d_k, lambda i, j: sp.Symbol(f"s_{i}_{j}", real=True))
    k = sp.Matrix(d_k, 1, lambda i, _: sp.Symbol(f"k_{i}", real=True))
    v = sp.Matrix(d_v, 1, lambda i, _: sp.Symbol(f"v_{i}", real=True))
    res = S * k - v
    loss = sum((e**2 for e in res), sp.Integer(0)) / 2
    F = gd_map(loss, list(S), step=beta_sym, constants=[*k, *v], name=f"deltanet-{d_v}x{d_k}")
    S_next = sp.Matrix(d_v, d_k, list(F.update))
    closed = S * householder(k) + beta_sym * v * k.T
    return DeltaNet(S, k, v, beta_sym, loss, F, S_next, closed, householder(k))


def unit_vector(d: int, names: str = "p") -> sp.Matrix:
    """A unit vector in ``R^d`` with rational entries in parameters (inverse stereographic
    projection), so that ``|k| = 1`` holds identically.

    Examples
    --------
    >>> k = unit_vector(2)
    >>> sp.simplify((k.T * k)[0])
    1
    """
    ps = sp.symbols(f"{names}1:{d}", real=True)
    n2 = sum((p**2 for p in ps), sp.Integer(0))
    return sp.Matrix([(1 - n2) / (1 + n2), *[2 * p / (1 + n2) for p in ps]])


def deltaproduct_token(n_h: int, d: int, d_v: int = 1) -> tuple:
    """One DeltaProduct token: ``n_h`` DeltaNet steps with keys ``k_j``, values ``v_j``, steps
    ``beta_j``. Returns ``(H_after, A, B, H)`` where ``H_after`` is the state after the steps
    applied one at a time and ``A = prod_j (I - beta_j k_j k_j^T)`` (in order),
    ``B = sum_j beta_j v_j k_j^T prod_{i>j} (I - beta_i k_i k_i^T)``.

    Examples
    --------
    >>> Hn, A, B, H = deltaproduct_token(2, 2)
    >>> (Hn - (H * A + B)).applyfunc(sp.expand).is_zero_matrix
    True
    """
    H = sp.Matrix(d_v, d, lambda i, j: sp.Symbol(f"h_{i}_{j}", real=True))
    ks = [sp.Matrix(d, 1, lambda i, _, j=j: sp.Symbol(f"k{j}_{i}", real=True)) for j in range(n_h)]
    vs = [sp.Matrix(d_v, 1, lambda i, _, j=j: sp.Symbol(f"v{j}_{i}", real=True))
          for j in range(n_h)]
    bs = sp.symbols(f"beta0:{n_h}", real=True)
    state = H
    for kj, vj, bj in zip(ks, vs, bs, strict=True):
        state = state * householder(kj, bj) + bj * vj * kj.T
    A = sp.eye(d)
    for kj, bj in zip(ks, bs, strict=True):
        A = A * householder(kj, bj)
    B = sp.zeros(d_v, d)
    for j in range(n_h):
        tail = sp.eye(d)
        for i in range(j + 1, n_h):
            tail = tail * householder(ks[i], bs[i])
        B += bs[j] * vs[j] * ks[j].T * tail
    return state, A, B, H


def _wy_parts(K: sp.Matrix, beta) -> tuple[sp.Matrix, sp.Matrix]:
    K = sp.Matrix(K)
    C = K.rows
    Db = sp.diag(*beta)
    M = Db * K * K.T
    T = sp.eye(C) + sp.Matrix(C, C, lambda i, j: M[i, j] if i > j else 0)
    return T, Db


def wy_product(K: sp.Matrix, beta) -> sp.Matrix:
    """``I - W^T K`` with ``W = T^{-1} diag(beta) K``: equals ``A_1 A_2 ... A_C``,
    ``A_i = I - beta_i k_i k_i^T`` (rows of ``K`` are the keys), the order DeltaNet applies them.

    Examples
    --------
    >>> K = sp.Matrix([[1, 0], [1, 1]]); b = [1, 2]
    >>> wy_product(K, b) == householder(K.row(0).T, 1) * householder(K.row(1).T, 2)
    True
    """
    K = sp.Matrix(K)
    T, Db = _wy_parts(K, beta)
    W = T.inv() * Db * K
    return sp.eye(K.cols) - W.T * K


def wy_reversed(K: sp.Matrix, beta) -> sp.Matrix:
    """The expression ``I - K^T T^{-1} diag(beta) K``: it equals the reversed product
    ``A_C ... A_1`` (the transpose of :func:`wy_product`).

    Examples
    --------
    >>> K = sp.Matrix([[1, 0], [1, 1]]); b = [1, 2]
    >>> wy_reversed(K, b) == householder(K.row(1).T, 2) * householder(K.row(0).T, 1)
    True
    """
    K = sp.Matrix(K)
    T, Db = _wy_parts(K, beta)
    return sp.eye(K.cols) - K.T * T.inv() * Db * K


def parity_factor(x) -> sp.Expr:
    """Transition of the 1-D DeltaNet with ``k = 1`` and ``beta = 2 x``: ``1 - 2 x``.

    Examples
    --------
    >>> [parity_factor(x) for x in (0, 1)]
    [1, -1]
    """
    return 1 - 2 * sp.sympify(x)


# ---------------------------------------------------------------------------------------------
# every size at once (free algebra) and the steps of the inductions
# ---------------------------------------------------------------------------------------------
def deltanet_entry() -> tuple[sp.Symbol, sp.Expr, sp.Expr]:
    """The token loss ``1/2 |S k - v|^2 = 1/2 sum_a r_a^2`` with ``r_a = sum_j S_aj k_j - v_a``
    as a function of one entry ``s = S_ab`` (every ``d_k, d_v``): only ``r_a = s k_b + rho``
    contains it. Returns ``(s, term, r_a k_b)`` with ``term = (s k_b + rho)^2/2``; the entry of
    the gradient ``(S k - v) k^T`` is ``d term/ds``.

    Examples
    --------
    >>> s, term, entry = deltanet_entry()
    >>> sp.expand(sp.diff(term, s) - entry)
    0
    """
    s, kb, rho = sp.symbols("S_ab k_b rho_a", real=True)
    return s, (s * kb + rho) ** 2 / 2, (s * kb + rho) * kb


@dataclass(frozen=True)
class DeltaFree:
    """DeltaNet with symbolic matrices of every size: state ``S``, key ``k`` (``kt`` its
    transpose), value ``v``, step ``beta`` (commutative). ``H = 1 - beta k k^T``;
    ``gd_update = S - beta (S k - v) k^T`` (GD with the entrywise gradient of
    :func:`deltanet_entry`); ``update = S H + beta v k^T`` (the recurrence)."""

    S: sp.Symbol
    k: sp.Symbol
    kt: sp.Symbol
    v: sp.Symbol
    beta: sp.Symbol
    H: sp.Expr
    gd_update: sp.Expr
    update: sp.Expr


def deltanet_free() -> DeltaFree:
    """The DeltaNet recurrence in the free algebra.

    Examples
    --------
    >>> f = deltanet_free()
    >>> sp.expand(f.gd_update - f.update)
    0
    """
    S, k, kt, v = nc_symbols("S k k^T v")
    H = 1 - beta_sym * k * kt
    return DeltaFree(S, k, kt, v, beta_sym, H, S - beta_sym * (S * k - v) * kt,
                     S * H + beta_sym * v * kt)


def deltaproduct_step_free() -> tuple[sp.Expr, sp.Expr]:
    """Step of the induction on ``n_h`` for DeltaProduct: if ``n`` steps give ``H A_n + B_n``,
    step ``n + 1`` (factor ``G = 1 - beta k k^T``, value ``v``) gives
    ``(H A_n + B_n) G + beta v k^T``, which is ``H A_{n+1} + B_{n+1}`` with ``A_{n+1} = A_n G``
    and ``B_{n+1} = B_n G + beta v k^T`` (appending ``G`` to every tail product of ``B_n`` and
    adding the term ``j = n + 1``, whose tail is empty). Returns ``(left, right)``.

    Examples
    --------
    >>> left, right = deltaproduct_step_free()
    >>> sp.expand(left - right)
    0
    """
    Hs, A, B, k, kt, v = nc_symbols("H A_n B_n k k^T v")
    b = sp.Symbol("beta_n+1", real=True)
    G = 1 - b * k * kt
    return sp.expand((Hs * A + B) * G + b * v * kt), sp.expand(Hs * (A * G) + (B * G + b * v * kt))


def rank_step_free() -> tuple[sp.Expr, sp.Expr]:
    """Step of the induction on ``n_h`` for ``rank(A - I) <= n_h``: if ``A_n - I = L R^T`` with
    ``L, R`` of ``n`` columns, then ``A_{n+1} - I = (I + L R^T) G - I`` equals the block product
    ``[L, -beta k] [R^T G; k^T]`` (``n + 1`` columns). Returns ``(left, right)``.

    Examples
    --------
    >>> left, right = rank_step_free()
    >>> sp.expand(left - right)
    0
    """
    L, Rt, k, kt = nc_symbols("L R^T k k^T")
    b = sp.Symbol("beta_n+1", real=True)
    G = 1 - b * k * kt
    block = (sp.Matrix([[L, -b * k]]) * sp.Matrix([[Rt * G], [kt]]))[0, 0]
    return sp.expand((1 + L * Rt) * G - 1), sp.expand(block)


@dataclass(frozen=True)
class WYStep:
    """Step ``C - 1 -> C`` of the induction for the WY form, in blocks. ``K_C = [K'; k^T]``,
    ``diag(beta) = diag(D', b)``; ``lower_block`` is the ``(2, 1)`` block of ``diag(beta) K K^T``
    (row ``C``, columns ``< C``: all strictly below the diagonal), so ``T_C = [T', 0; b k^T K'^T,
    1]``; ``T_Tinv`` is ``T_C Tinv_C`` with the claimed block inverse ``Tinv_C = [T'^-1, 0;
    -b k^T K'^T T'^-1, 1]`` (it is ``diag(T' T'^-1, 1)``, the identity); ``W_C = Tinv_C
    diag(beta) K_C``; ``left = I - W_C^T K_C`` and ``right = (I - W'^T K')(I - b k k^T)``."""

    lower_block: sp.Expr
    lower_claimed: sp.Expr
    T_Tinv: sp.Matrix
    left: sp.Expr
    right: sp.Expr
    reversed_left: sp.Expr
    reversed_right: sp.Expr


def wy_step_free(mutation: str = "") -> WYStep:
    """Derive the step of the induction on ``C`` for ``A_1 ... A_C = I - W^T K``; also the
    transpose relation ``(I - W^T K)^T = I - K^T T^{-1} diag(beta) K`` (``reversed_*``).

    ``mutation`` plants a wrong claim for tests: ``"order"`` puts the new factor first
    (``right = (I - b k k^T)(I - W'^T K')``), ``"beta"`` drops its step (``I - k k^T``).

    Examples
    --------
    >>> st = wy_step_free()
    >>> sp.expand(st.left - st.right), sp.expand(st.reversed_left - st.reversed_right)
    (0, 0)
    """
    Kp, Kpt, Dp, Tp, Tpi, Tpit, k, kt = nc_symbols("K' K'^T D' T' T'^-1 T'^-T k k^T")
    b = sp.Symbol("beta_C", real=True)
    pairs = {Kp: Kpt, Tpi: Tpit, k: kt}
    KC = sp.Matrix([[Kp], [kt]])
    KCt = sp.Matrix([[Kpt, k]])
    DC = sp.Matrix([[Dp, 0], [0, b]])
    DKK = (DC * KC * KCt).applyfunc(sp.expand)
    TC = sp.Matrix([[Tp, 0], [b * kt * Kpt, 1]])
    TCi = sp.Matrix([[Tpi, 0], [-b * kt * Kpt * Tpi, 1]])
    W = (TCi * DC * KC).applyfunc(sp.expand)
    Wt = sp.Matrix([[nc_transpose(W[0, 0], pairs), nc_transpose(W[1, 0], pairs)]])
    left = sp.expand(1 - (Wt * KC)[0, 0])
    Wp = Tpi * Dp * Kp
    prev, new = 1 - nc_transpose(Wp, pairs) * Kp, 1 - b * k * kt
    if mutation == "order":
        prev, new = new, prev
    elif mutation == "beta":
        new = 1 - k * kt
    elif mutation:
        raise ValueError(f"wy_step_free: unknown mutation {mutation!r}")
    right = sp.expand(prev * new)
    # the transpose relation, for the whole chunk: K, D (diagonal), Tinv = T^{-1}
    K, Kt, D, Ti, Tit = nc_symbols("K K^T D T^-1 T^-T")
    WtK = nc_transpose(Ti * D * K, {K: Kt, Ti: Tit}) * K
    return WYStep(DKK[1, 0], b * kt * Kpt, (TC * TCi).applyfunc(sp.expand), left, right,
                  nc_transpose(1 - WtK, {K: Kt, Ti: Tit}), sp.expand(1 - Kt * Ti * D * K))


def wy_base_free() -> tuple[sp.Expr, sp.Expr]:
    """Base case ``C = 1`` of the WY induction: ``T = 1``, ``W = beta_1 k_1^T``, so
    ``I - W^T K = I - beta_1 k_1 k_1^T``. Returns ``(I - W^T K, A_1)``.

    Examples
    --------
    >>> left, right = wy_base_free()
    >>> sp.expand(left - right)
    0
    """
    k, kt = nc_symbols("k_1 k_1^T")
    b = sp.Symbol("beta_1", real=True)
    W = 1 * b * kt          # T^{-1} diag(beta) K with T = 1, K = k_1^T
    return sp.expand(1 - nc_transpose(W, {k: kt}) * kt), 1 - b * k * kt
