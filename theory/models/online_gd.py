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
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from theory.gd import gd_map
from theory.maps import SymbolicMap

__all__ = [
    "DeltaNet",
    "deltanet",
    "deltaproduct_token",
    "householder",
    "parity_factor",
    "unit_vector",
    "wy_product",
    "wy_reversed",
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
