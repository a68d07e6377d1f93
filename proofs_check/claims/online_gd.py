"""Catalogue: DeltaNet and DeltaProduct as online gradient descent (spec section C,
``delta.*``).

DeltaNet (Yang et al., arXiv 2406.06484) and DeltaProduct (Siems et al., arXiv 2502.10297); the
recurrences are derived in :mod:`theory.models.online_gd`, the scans live in
:mod:`numerics.delta_scan`.

Correction to our specification: the chunked WY expression
``I - K^T (I + tril(diag(beta) K K^T, -1))^{-1} diag(beta) K`` equals the *reversed* product
``A_C ... A_1``; the product in recurrence order ``A_1 ... A_C`` (``S_C = S_0 A_1 ... A_C``) is
``I - W^T K`` with ``W = (I + tril(diag(beta) K K^T, -1))^{-1} diag(beta) K``.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from numerics import delta_scan as ds
from proofs_check import evidence as ev
from proofs_check.claim import Claim
from proofs_check.claims.matrix_factorization import _id, _q
from proofs_check.evidence.property import PropertySearch
from theory.models import online_gd as og

__all__ = ["CLAIMS", "CORRECTIONS", "MODEL", "wy_steps"]

MODEL = "online-gd"
SRC = "DeltaNet (arXiv 2406.06484) / DeltaProduct (arXiv 2502.10297), spec section C"

CORRECTIONS = [
    "delta.wy: I - K^T (I + tril(diag(beta) K K^T, -1))^{-1} diag(beta) K is the reversed "
    "product A_C ... A_1, not prod_{i=1}^C in recurrence order; the latter is I - W^T K with "
    "W = (I + tril(diag(beta) K K^T, -1))^{-1} diag(beta) K (proved for C = 2, 3).",
]


def _gd_steps():
    dn = og.deltanet(2, 2)
    return [_id(dn.S_next, dn.closed, "GD step on 1/2|Sk - v|^2 = S(I - beta kk^T) + beta v k^T")]


def _residual_steps():
    dn = og.deltanet(3, 2)
    kk = (dn.k.T * dn.k)[0]
    return [_id(dn.closed * dn.k - dn.v, (1 - dn.beta * kk) * (dn.S * dn.k - dn.v),
                "S_t k - v = (1 - beta |k|^2)(S_{t-1} k - v)")]


def _eig_steps():
    z = sp.Symbol("z")
    b = og.beta_sym
    steps = []
    for d in (2, 3):
        H = og.householder(og.unit_vector(d), b)
        steps.append(_id(sp.factor(H.charpoly(z).as_expr()), (z - 1 + b) * (z - 1) ** (d - 1),
                         f"d={d}, unit k: charpoly (z - 1 + beta)(z - 1)^{d - 1}"))
    return steps


def _norm_steps():
    b = og.beta_sym
    k = sp.Matrix(sp.symbols("k0:3", real=True))
    H = og.householder(k, b)
    # |1 - beta| <= 1  <=>  1 - (1 - beta)^2 = beta(2 - beta) >= 0; the ends give |1 - beta| = 1
    return [*_eig_steps(),
            _id(1 - (1 - b) ** 2, b * (2 - b), "1 - (1 - beta)^2 = beta (2 - beta)"),
            ev.sign_fact(b * (2 - b), b, 0, 2, statement="|1 - beta| < 1 for 0 < beta < 2"),
            ev.sign_fact(b * (2 - b), b, 2, sp.oo, "<", statement="|1 - beta| > 1 for beta > 2"),
            ev.sign_fact(b * (2 - b), b, -sp.oo, 0, "<", statement="|1 - beta| > 1 for beta < 0"),
            _id(H.T, H, "I - beta k k^T is symmetric (d = 3, symbolic k), so its norm is its "
                "largest |eigenvalue|", at={"d": 3})]


def _reflection_steps():
    H = og.householder(og.unit_vector(3), 2)
    return [_id(H * H, sp.eye(3), "H^2 = I"), _id(H.T * H, sp.eye(3), "H^T H = I"),
            _id(H.det(), -1, "det H = -1")]


def _product_steps():
    out = []
    for n_h in (2, 3):
        Hn, A, B, H = og.deltaproduct_token(n_h, 2)
        out.append(_id(Hn, H * A + B, f"n_h={n_h}: n_h steps = H A + B"))
    return out


def wy_steps(reversed_form: bool = False):
    """Exact steps: the WY expression equals the product in recurrence order (or, with
    ``reversed_form``, the spec's expression equals the product in recurrence order -- false)."""
    steps = []
    for C, d in ((2, 2), (3, 2), (2, 3)):
        K = sp.Matrix(C, d, lambda i, j: sp.Symbol(f"k{i}_{j}", real=True))
        bs = sp.symbols(f"beta0:{C}", real=True)
        prod = sp.eye(d)
        for i in range(C):
            prod = prod * og.householder(K.row(i).T, bs[i])
        lhs = og.wy_reversed(K, bs) if reversed_form else og.wy_product(K, bs)
        steps.append(_id(lhs, prod, f"C={C}, d={d}: WY = A_1 ... A_C"))
        if not reversed_form:
            rev = sp.eye(d)
            for i in reversed(range(C)):
                rev = rev * og.householder(K.row(i).T, bs[i])
            steps.append(_id(og.wy_reversed(K, bs), rev,
                             f"C={C}, d={d}: spec's expression = A_C ... A_1"))
    return steps


def _rank_steps():
    steps = []
    for C, d in ((2, 3), (3, 4)):
        K = sp.Matrix(C, d, lambda i, j: sp.Symbol(f"k{i}_{j}", real=True))
        bs = sp.symbols(f"beta0:{C}", real=True)
        prod = sp.eye(d)
        for i in range(C):
            prod = prod * og.householder(K.row(i).T, bs[i])
        G = K * K.T
        T = sp.eye(C) + sp.Matrix(C, C, lambda i, j, G=G, bs=bs: bs[i] * G[i, j] if i > j else 0)
        W = T.inv() * sp.diag(*bs) * K
        steps.append(_id(prod - sp.eye(d), -W.T * K,
                         f"n_h={C}, d={d}: A - I = -W^T K, a product through R^{C}"))
    return steps


def rank_margin(seed_: int, n_h: int, d: int):
    """``n_h - rank(A - I)`` for random keys and betas in [0, 2] (numerical rank, rtol 1e-9)."""
    rng = np.random.default_rng(seed_)
    K = rng.standard_normal((n_h, d))
    A = ds.householder_product(K, rng.uniform(0, 2, n_h))
    s = np.linalg.svd(A - np.eye(d), compute_uv=False)
    return float(n_h - np.sum(s > 1e-9 * max(1.0, s.max())))


def _complex_steps():
    k1 = sp.Matrix([1, 0])
    k2 = sp.Matrix([sp.Rational(3, 5), sp.Rational(4, 5)])
    A = og.householder(k1, 2) * og.householder(k2, 2)
    z = sp.Symbol("z")
    disc = sp.discriminant(A.charpoly(z).as_expr(), z)
    b, k = sp.symbols("beta k", real=True)
    H1 = og.householder(sp.Matrix([1, k]), b)
    return [_id(disc, sp.Rational(-2304, 625), "n_h = 2, k1 = e1, k2 = (3/5, 4/5), beta = 2: "
                "discriminant -2304/625 < 0 (eigenvalues e^(+-i theta))"),
            _id(H1.T, H1, "n_h = 1: I - beta k k^T is symmetric, so its eigenvalues are real")]


def _parity_steps():
    x = sp.Symbol("x", real=True)
    S = sp.Symbol("S", integer=True)
    xi = sp.Symbol("x_t", integer=True)
    product = ev.induction(
        _id((-1) ** xi, (-1) ** xi, "one step: the product is (-1)^(x_1)"),
        _id((-1) ** S * (-1) ** xi, (-1) ** (S + xi),
            "(-1)^(x_1 + ... + x_n) (-1)^(x_(n+1)) = (-1)^(x_1 + ... + x_(n+1))"),
        var="T", start=1, description="prod_t (1 - 2 x_t) = (-1)^(sum x_t) for every length T")
    return [_id(og.parity_factor(0), 1, "beta = 0 (x = 0): factor 1 - 2x = 1"),
            _id(og.parity_factor(1), -1, "beta = 2 (x = 1): factor 1 - 2x = -1"),
            product,
            ev.sign_fact(1 - x, x, 0, 1, statement="1 - beta > 0 for 0 < beta < 1"),
            _id((1 - x).subs(x, 1), 0, "1 - beta = 0 at beta = 1 (the state is zeroed, its sign "
                "never flips)")]


def parity_check(budget: str, seed: int):
    """Numba scan on random bit strings: state == (-1)^(cumsum x) exactly (flip) and > 0
    (damp)."""
    rng = np.random.default_rng(seed)
    n, bad = 0, 0.0
    for _ in range(_q(budget, 20, 200)):
        x = rng.integers(0, 2, int(rng.integers(1, 300)))
        s = ds.parity_signs(x, "flip")
        bad = max(bad, float(np.abs(s - (-1.0) ** np.cumsum(x)).max()))
        d = ds.parity_signs(x, "damp")
        if np.any(d <= 0):
            bad = max(bad, 1.0)
        n += x.size
    return -bad, {"sample_size": n, "worst_error": bad}


def chunked_check(budget: str, seed: int):
    """Naive Numba scan vs chunked WY (chunk 1, 7, 16, 64) vs the Python reference on random
    sequences (T = 256, unit keys, beta in [0, 2]), DeltaNet and DeltaProduct (n_h = 2, 3)."""
    rng = np.random.default_rng(seed)
    worst, n = 0.0, 0
    for _ in range(_q(budget, 3, 20)):
        T, dk, dv = _q(budget, 128, 512), int(rng.integers(2, 9)), int(rng.integers(1, 5))
        q = rng.standard_normal((T, dk))
        k = rng.standard_normal((T, dk))
        k /= np.linalg.norm(k, axis=1, keepdims=True)
        v = rng.standard_normal((T, dv))
        b = rng.uniform(0, 2, T)
        ref, Sref = ds.deltanet_reference(q, k, v, b)
        scale = max(1.0, float(np.abs(ref).max()))
        o, S = ds.deltanet_scan(q[None], k[None], v[None], b[None])
        worst = max(worst, float(np.abs(o[0] - ref).max()) / scale)
        for chunk in (1, 7, 16, 64):
            o, S = ds.deltanet_chunked(q, k, v, b, chunk=chunk)
            worst = max(worst, float(np.abs(o - ref).max()) / scale,
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
                worst = max(worst, float(np.abs(o - ref).max()) / max(1.0, np.abs(ref).max()))
                n += 1
    return 1e-11 - worst, {"sample_size": n, "worst_error": worst, "tol": 1e-11}


def norm_margin(seed_: int, d: int, beta: float):
    """``1 - ||I - beta k k^T||_2`` for a random unit key (numerical, tolerance 1e-12)."""
    rng = np.random.default_rng(seed_)
    k = rng.standard_normal(d)
    k /= np.linalg.norm(k)
    return 1.0 + 1e-12 - float(np.linalg.norm(np.eye(d) - beta * np.outer(k, k), 2))


def _c(id_, statement, evidence):
    return Claim(id=id_, statement=statement, source=SRC, model=MODEL, evidence=evidence)


CLAIMS = [
    _c("delta.gd_step", "S_t = S_{t-1}(I - beta_t k_t k_t^T) + beta_t v_t k_t^T is one GD step "
       "of size beta_t on L_t(S) = 1/2|S k_t - v_t|^2.", [ev.argument(_gd_steps, "derived map")]),
    _c("delta.residual", "The residual is multiplied by (1 - beta_t |k_t|^2): S_t k_t - v_t = "
       "(1 - beta_t|k_t|^2)(S_{t-1} k_t - v_t).", [ev.argument(_residual_steps, "exact identity")]),
    _c("delta.eigenvalues", "For unit k, eig(I - beta k k^T) = {1 - beta, 1, ..., 1}.",
       [ev.argument(_eig_steps, "characteristic polynomial with a rational unit key")]),
    _c("delta.norm", "beta in [0, 2] gives eigenvalues in [-1, 1] and spectral norm <= 1.",
       [PropertySearch(norm_margin, {"seed_": range(0, 10**6), "d": range(1, 9),
                                     "beta": (0.0, 2.0)}, examples={"quick": 100, "full": 1000},
                       description="Hypothesis over keys, dimension and beta"),
        ev.argument(_norm_steps, "eigenvalues and symmetry")]),
    _c("delta.reflection", "beta = 2 with a unit key is a reflection (orthogonal, involutive, "
       "det -1).", [ev.argument(_reflection_steps, "exact identities")]),
    _c("delta.product", "DeltaProduct: n_h steps per token give H_t = H_{t-1} A_t + B_t with "
       "A_t = prod_j (I - beta_j k_j k_j^T) in order and B_t = sum_j beta_j v_j k_j^T "
       "prod_{i>j}(I - beta_i k_i k_i^T).", [ev.argument(_product_steps, "exact identities")]),
    _c("delta.product.rank", "rank(A_t - I) <= n_h.",
       [PropertySearch(rank_margin, {"seed_": range(0, 10**6), "n_h": range(1, 5),
                                     "d": range(1, 9)}, examples={"quick": 60, "full": 600},
                       description="Hypothesis: numerical rank of A - I"),
        ev.argument(_rank_steps, "A - I = -W^T K factors through R^{n_h}")]),
    _c("delta.product.complex", "A_t can have complex eigenvalues once n_h >= 2 (two "
       "reflections make a rotation); for n_h = 1 they are real.",
       [ev.argument(_complex_steps, "exact rational example and symmetry")]),
    _c("delta.parity", "A 1-D DeltaNet with beta_t = 2 x_t (x_t in {0, 1}, k = 1) has "
       "transition prod(1 - 2x_t) = (-1)^(sum x_t); with beta_t in [0, 1] the sign never flips.",
       [ev.computed(parity_check, "Numba scan on random bit strings"),
        ev.argument(_parity_steps, "exact two-value check and induction")]),
    _c("delta.wy", "Chunked (WY) form: prod_{i=1}^C (I - beta_i k_i k_i^T) in recurrence order "
       "= I - W^T K, W = (I + tril(diag(beta) K K^T, -1))^{-1} diag(beta) K; the expression "
       "I - K^T (I + tril(diag(beta) K K^T, -1))^{-1} diag(beta) K is the reversed product.",
       [ev.argument(wy_steps, "symbolic keys and betas, C = 2, 3")]),
    _c("delta.chunked", "The chunked WY scan equals the naive scan (DeltaNet and DeltaProduct) "
       "up to rounding.", [ev.computed(chunked_check, "reference vs Numba vs chunked")]),
]
