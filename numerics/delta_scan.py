"""DeltaNet and DeltaProduct scans over token sequences: a readable reference, a Numba kernel and
the chunked (WY / UT-transform) form, all float64.

Shapes: ``q, k`` ``(T, d_k)``, ``v`` ``(T, d_v)``, ``beta`` ``(T,)`` for one sequence (the batched
Numba kernel takes a leading batch axis). The state ``S`` is ``d_v x d_k``; each token applies

    S <- S (I - beta k k^T) + beta v k^T,   o = S q.

Chunked form (chunk of ``C`` tokens, start state ``S0``; see :mod:`theory.models.online_gd`)::

    T = I + tril(diag(beta) K K^T, -1),  W = T^{-1} diag(beta) K,  U = T^{-1} diag(beta) V
    O = Q S0^T + tril(Q K^T) (U - W S0^T),        S_C = S0 + (U - W S0^T)^T K

DeltaProduct applies ``n_h`` steps per token (arrays ``k, v, beta`` with an extra axis of size
``n_h``); it is the DeltaNet scan on the flattened sequence, read at token ends.
"""

from __future__ import annotations

import numpy as np

from numerics.numba_cache import guard
from numerics.vector_width import njit

guard(__file__)  # Numba's cache of these kernels under the kernel cache, checked

__all__ = [
    "deltanet_chunked",
    "deltanet_reference",
    "deltanet_scan",
    "deltaproduct_reference",
    "deltaproduct_scan",
    "householder_product",
    "parity_signs",
]


def _check(q, k, v, beta):
    q, k, v, beta = (np.ascontiguousarray(a, dtype=np.float64) for a in (q, k, v, beta))
    if k.ndim < 2 or q.shape != k.shape or v.shape[:-1] != k.shape[:-1] \
            or beta.shape != k.shape[:-1]:
        raise ValueError(f"inconsistent shapes q{q.shape} k{k.shape} v{v.shape} beta{beta.shape}")
    for name, a in (("q", q), ("k", k), ("v", v), ("beta", beta)):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{name} has non-finite entries")
    return q, k, v, beta


def deltanet_reference(q, k, v, beta, S0=None):
    """Token-by-token DeltaNet (the oracle): returns outputs ``(T, d_v)`` and the final state.

    Examples
    --------
    >>> out, S = deltanet_reference(np.ones((2, 1)), np.ones((2, 1)), [[1.0], [3.0]], [0.5, 1.0])
    >>> out.ravel().tolist(), S.ravel().tolist()
    ([0.5, 3.0], [3.0])
    """
    q, k, v, beta = _check(q, k, v, beta)
    T, d_k = k.shape
    S = np.zeros((v.shape[1], d_k)) if S0 is None else np.array(S0, dtype=np.float64)
    out = np.empty((T, v.shape[1]))
    for t in range(T):
        kt = k[t]
        S = S - beta[t] * np.outer(S @ kt - v[t], kt)
        out[t] = S @ q[t]
    return out, S


@njit(cache=True)
def _scan_kernel(q, k, v, beta, S0, out, Sout):  # pragma: no cover - compiled
    B, T, d_k = k.shape
    d_v = v.shape[2]
    for b in range(B):
        S = S0[b].copy()
        for t in range(T):
            for i in range(d_v):
                acc = 0.0
                for j in range(d_k):
                    acc += S[i, j] * k[b, t, j]
                r = beta[b, t] * (acc - v[b, t, i])
                for j in range(d_k):
                    S[i, j] -= r * k[b, t, j]
            for i in range(d_v):
                acc = 0.0
                for j in range(d_k):
                    acc += S[i, j] * q[b, t, j]
                out[b, t, i] = acc
        Sout[b] = S


def deltanet_scan(q, k, v, beta, S0=None):
    """Batched DeltaNet scan (Numba): ``q, k`` ``(B, T, d_k)``, ``v`` ``(B, T, d_v)``, ``beta``
    ``(B, T)``; returns ``out`` ``(B, T, d_v)`` and the final states ``(B, d_v, d_k)``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> q, k, v = rng.normal(size=(3, 1, 5, 2)); b = rng.uniform(0, 1, (1, 5))
    >>> out, S = deltanet_scan(q, k, v, b)
    >>> bool(np.allclose(out[0], deltanet_reference(q[0], k[0], v[0], b[0])[0], atol=1e-14))
    True
    """
    q, k, v, beta = _check(q, k, v, beta)
    if k.ndim != 3:
        raise ValueError("deltanet_scan takes batched arrays (B, T, d)")
    B, T, d_k = k.shape
    d_v = v.shape[2]
    S0 = np.zeros((B, d_v, d_k)) if S0 is None else np.ascontiguousarray(S0, dtype=np.float64)
    out = np.empty((B, T, d_v))
    Sout = np.empty((B, d_v, d_k))
    _scan_kernel(q, k, v, beta, S0, out, Sout)
    return out, Sout


def deltanet_chunked(q, k, v, beta, chunk: int = 16, S0=None):
    """DeltaNet in chunks of ``chunk`` tokens with the WY / UT transform (one triangular solve
    per chunk); equal to :func:`deltanet_reference` up to rounding.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> q, k, v = rng.normal(size=(3, 37, 4)); b = rng.uniform(0, 2, 37)
    >>> k /= np.linalg.norm(k, axis=1, keepdims=True)
    >>> O1, S1 = deltanet_chunked(q, k, v, b, chunk=8)
    >>> O2, S2 = deltanet_reference(q, k, v, b)
    >>> bool(np.abs(O1 - O2).max() < 1e-12 and np.abs(S1 - S2).max() < 1e-12)
    True
    """
    from scipy.linalg import solve_triangular

    q, k, v, beta = _check(q, k, v, beta)
    if chunk < 1:
        raise ValueError(f"chunk must be >= 1, got {chunk}")
    T, d_k = k.shape
    S = np.zeros((v.shape[1], d_k)) if S0 is None else np.array(S0, dtype=np.float64)
    out = np.empty((T, v.shape[1]))
    for s in range(0, T, chunk):
        K, V, Q, b = k[s:s + chunk], v[s:s + chunk], q[s:s + chunk], beta[s:s + chunk]
        Tm = np.eye(len(b)) + np.tril(b[:, None] * (K @ K.T), -1)
        W = solve_triangular(Tm, b[:, None] * K, lower=True, unit_diagonal=True)
        U = solve_triangular(Tm, b[:, None] * V, lower=True, unit_diagonal=True)
        D = U - W @ S.T
        out[s:s + chunk] = Q @ S.T + np.tril(Q @ K.T) @ D
        S = S + D.T @ K
    return out, S


def householder_product(K, beta, reverse: bool = False) -> np.ndarray:
    """``prod_i (I - beta_i k_i k_i^T)`` over the rows of ``K`` in order (``reverse=True``:
    last factor first), by direct multiplication.

    Examples
    --------
    >>> householder_product(np.array([[1.0, 0.0]]), [2.0]).tolist()
    [[-1.0, 0.0], [0.0, 1.0]]
    """
    K = np.asarray(K, dtype=np.float64)
    beta = np.asarray(beta, dtype=np.float64)
    A = np.eye(K.shape[1])
    idx = range(K.shape[0] - 1, -1, -1) if reverse else range(K.shape[0])
    for i in idx:
        A = A @ (np.eye(K.shape[1]) - beta[i] * np.outer(K[i], K[i]))
    return A


def _flatten_product(q, k, v, beta):
    T, n_h, d_k = k.shape
    kf = k.reshape(T * n_h, d_k)
    vf = v.reshape(T * n_h, v.shape[2])
    bf = beta.reshape(T * n_h)
    qf = np.zeros_like(kf)
    qf[n_h - 1::n_h] = q
    return qf, kf, vf, bf


def deltaproduct_reference(q, k, v, beta, S0=None):
    """DeltaProduct: ``k, v`` ``(T, n_h, d)``, ``beta`` ``(T, n_h)``, ``q`` ``(T, d_k)``; each
    token applies its ``n_h`` steps one at a time, ``o_t = H_t q_t``.

    Examples
    --------
    >>> k = np.array([[[1.0, 0.0], [0.0, 1.0]]]); v = np.zeros((1, 2, 1)); b = np.full((1, 2), 2.0)
    >>> out, H = deltaproduct_reference(np.ones((1, 2)), k, v, b, S0=np.ones((1, 2)))
    >>> H.tolist()
    [[-1.0, -1.0]]
    """
    q = np.asarray(q, dtype=np.float64)
    k, v, beta = (np.asarray(a, dtype=np.float64) for a in (k, v, beta))
    T, n_h, d_k = k.shape
    S = np.zeros((v.shape[2], d_k)) if S0 is None else np.array(S0, dtype=np.float64)
    out = np.empty((T, v.shape[2]))
    for t in range(T):
        for j in range(n_h):
            S = S @ (np.eye(d_k) - beta[t, j] * np.outer(k[t, j], k[t, j])) \
                + beta[t, j] * np.outer(v[t, j], k[t, j])
        out[t] = S @ q[t]
    return out, S


def deltaproduct_scan(q, k, v, beta, S0=None, chunk: int | None = None):
    """DeltaProduct through the DeltaNet kernels on the flattened sequence of ``T n_h`` steps
    (Numba scan, or the chunked WY form when ``chunk`` is given).

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> k = rng.normal(size=(6, 2, 3)); v = rng.normal(size=(6, 2, 2)); q = rng.normal(size=(6, 3))
    >>> b = rng.uniform(0, 2, (6, 2))
    >>> O1, _ = deltaproduct_scan(q, k, v, b, chunk=4)
    >>> O2, _ = deltaproduct_reference(q, k, v, b)
    >>> bool(np.abs(O1 - O2).max() < 1e-12)
    True
    """
    q = np.asarray(q, dtype=np.float64)
    k, v, beta = (np.asarray(a, dtype=np.float64) for a in (k, v, beta))
    n_h = k.shape[1]
    qf, kf, vf, bf = _flatten_product(q, k, v, beta)
    if chunk is None:
        S0b = None if S0 is None else np.asarray(S0, dtype=np.float64)[None]
        out, S = deltanet_scan(qf[None], kf[None], vf[None], bf[None], S0b)
        out, S = out[0], S[0]
    else:
        out, S = deltanet_chunked(qf, kf, vf, bf, chunk=chunk, S0=S0)
    return out[n_h - 1::n_h], S


def parity_signs(x, mode: str = "flip") -> np.ndarray:
    """Run the 1-D DeltaNet ``s <- s (1 - beta_t) + beta_t v_t`` with ``k = 1``, ``v = 0``,
    ``s_0 = 1`` on a bit string ``x``; ``mode="flip"`` uses ``beta_t = 2 x_t`` (the state is
    ``(-1)^{x_1 + ... + x_t}``), ``mode="damp"`` uses ``beta_t = x_t / 2`` (in ``[0, 1]``: the
    sign never flips). Returns the state after each token.

    Examples
    --------
    >>> parity_signs([1, 0, 1, 1]).tolist()
    [-1.0, -1.0, 1.0, -1.0]
    """
    x = np.asarray(x, dtype=np.float64)
    if mode not in ("flip", "damp"):
        raise ValueError(f"mode {mode!r} is not 'flip' or 'damp'")
    beta = 2 * x if mode == "flip" else x / 2
    T = x.size
    out, _ = deltanet_scan(np.ones((1, T, 1)), np.ones((1, T, 1)), np.zeros((1, T, 1)),
                         beta[None], S0=np.ones((1, 1, 1)))
    return out[0, :, 0]
