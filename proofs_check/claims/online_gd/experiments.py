"""Numerical checks: rank and norm margins for Hypothesis searches, the parity scan and the
chunked scans of :mod:`numerics.delta_scan`."""

from __future__ import annotations

import numpy as np

from numerics import delta_scan as ds
from proofs_check.budget import by_budget
from proofs_check.evidence.numeric import worst_of


def rank_margin(seed_: int, n_h: int, d: int):
    """``n_h - rank(A - I)`` for random keys and betas in [0, 2]. Numerical rank: singular values
    above ``1e-9 max(1, s_max)``; the float error model gives zero singular values of size
    ``~ d eps |A - I| <= 1e-14`` here (``n_h <= 4`` factors of norm <= 1, ``d <= 8``), so 1e-9
    separates them from true ones unless a true one is below 1e-9 (then the margin is
    conservative: it can only report a smaller rank)."""
    rng = np.random.default_rng(seed_)
    K = rng.standard_normal((n_h, d))
    A = ds.householder_product(K, rng.uniform(0, 2, n_h))
    s = np.linalg.svd(A - np.eye(d), compute_uv=False)
    return float(n_h - np.sum(s > 1e-9 * max(1.0, s.max())))



def parity_check(budget: str, seed: int, flip_beta: float = 2.0):
    """Numba scan on random bit strings: state == (-1)^(cumsum x) exactly (flip) and > 0
    (damp). No tolerance: +-1 products are exact in float64. ``flip_beta`` is the claimed beta of
    a 1-bit: the product of (1 - flip_beta x_t) must also be (-1)^(cumsum x)."""
    rng = np.random.default_rng(seed)
    n, bad = 0, 0.0
    fb = float(flip_beta)
    for _ in range(by_budget(budget, 20, 200)):
        x = rng.integers(0, 2, int(rng.integers(1, 300)))
        s = ds.parity_signs(x, "flip")
        target = (-1.0) ** np.cumsum(x)
        claimed = np.cumprod(1.0 - fb * x)   # the transition with beta_t = flip_beta x_t
        bad = max(bad, float(np.abs(s - target).max()), float(np.abs(claimed - target).max()))
        d = ds.parity_signs(x, "damp")
        if np.any(d <= 0):
            bad = max(bad, 1.0)
        n += x.size
    return -bad, {"sample_size": n, "worst_error": bad, "margin_is":
                  "-max |state_t - (-1)^(cumsum x)_t| over flip scan and claimed product, -1 if a "
                  "damp state <= 0 (no tolerance: +-1 products are exact)"}


def chunked_check(budget: str, seed: int):
    """Naive Numba scan vs chunked WY (chunk 1, 7, 16, 64) vs the Python reference on random
    sequences (T = 256, unit keys, beta in [0, 2]), DeltaNet and DeltaProduct (n_h = 2, 3)."""
    rng = np.random.default_rng(seed)
    worst, n = 0.0, 0
    for _ in range(by_budget(budget, 3, 20)):
        T, dk, dv = by_budget(budget, 128, 512), int(rng.integers(2, 9)), int(rng.integers(1, 5))
        q = rng.standard_normal((T, dk))
        k = rng.standard_normal((T, dk))
        k /= np.linalg.norm(k, axis=1, keepdims=True)
        v = rng.standard_normal((T, dv))
        b = rng.uniform(0, 2, T)
        ref, Sref = ds.deltanet_reference(q, k, v, b)
        scale = max(1.0, float(np.abs(ref).max()))
        o, S = ds.deltanet_scan(q[None], k[None], v[None], b[None])
        worst = worst_of(worst, float(np.abs(o[0] - ref).max()) / scale)
        for chunk in (1, 7, 16, 64):
            o, S = ds.deltanet_chunked(q, k, v, b, chunk=chunk)
            worst = worst_of(worst, float(np.abs(o - ref).max()) / scale,
                        float(np.abs(S - Sref).max()) / scale)
            n += 1
        for n_h in (2, 3):
            kp = rng.standard_normal((64, n_h, dk))
            kp /= np.linalg.norm(kp, axis=2, keepdims=True)
            vp = rng.standard_normal((64, n_h, dv))
            bp = rng.uniform(0, 2, (64, n_h))
            qp = rng.standard_normal((64, dk))
            ref, _ = ds.deltaproduct_reference(qp, kp, vp, bp)
            for chunk in (None, 5, 32):
                o, _ = ds.deltaproduct_scan(qp, kp, vp, bp, chunk=chunk)
                worst = worst_of(worst, float(np.abs(o - ref).max()) / max(1.0, np.abs(ref).max()))
                n += 1
    # tolerance: every factor has norm <= 1 (unit keys, beta in [0, 2]), so float64 rounding
    # grows at most linearly: ~T d eps <= 512 * 8 * 1.1e-16 = 4.5e-13 relative to the output
    # scale; 1e-11 leaves a factor ~20 (measured ~1e-14)
    return 1e-11 - worst, {"sample_size": n, "worst_error": worst, "tol": 1e-11, "margin_is":
                           "1e-11 - max |scan - reference| / max(1, |reference|) (1e-11: 20 x "
                           "float64 growth T d eps <= 4.5e-13 with norm-1 factors)"}


def norm_margin(seed_: int, d: int, beta: float):
    """``1 - ||I - beta k k^T||_2`` for a random unit key. Tolerance 1e-12: the 2-norm by SVD
    of a d <= 8 matrix of norm ~1 is accurate to ~d eps ~ 1e-15, and normalising k leaves
    |k| = 1 + O(eps)."""
    rng = np.random.default_rng(seed_)
    k = rng.standard_normal(d)
    k /= np.linalg.norm(k)
    return 1.0 + 1e-12 - float(np.linalg.norm(np.eye(d) - beta * np.outer(k, k), 2))


