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

import functools

import numpy as np
import sympy as sp

from numerics import delta_scan as ds
from proofs_check import evidence as ev
from proofs_check.claim import Claim
from proofs_check.claims.matrix_factorization import _id, _q, as_matrix
from proofs_check.evidence.property import PropertySearch
from theory.models import matrix_factorization as mf
from theory.models import online_gd as og

__all__ = ["CLAIMS", "CORRECTIONS", "MODEL", "wy_general", "wy_steps"]

MODEL = "online-gd"
SRC = "DeltaNet (arXiv 2406.06484) / DeltaProduct (arXiv 2502.10297), spec section C"

CORRECTIONS = [
    "delta.wy: I - K^T (I + tril(diag(beta) K K^T, -1))^{-1} diag(beta) K is the reversed "
    "product A_C ... A_1, not prod_{i=1}^C in recurrence order; the latter is I - W^T K with "
    "W = (I + tril(diag(beta) K K^T, -1))^{-1} diag(beta) K (proved for C = 2, 3).",
]


_F = og.deltanet_free()   # the free-algebra symbols S, k, k^T, v, beta of the claimed formulas


# Identities between non-commutative symbols (theory's free-algebra forms) hold for matrices and
# vectors of every size, so they prove the statements for every d, d_v; a size symbol enters only
# through the matrix determinant lemma (det(I + u v^T) = 1 + v^T u), written for a symbolic d.
def _nc_note(text: str) -> str:
    return f"{text} [free algebra: every d, d_v]"


def _gd_general(update=None):
    s, term, entry = og.deltanet_entry()
    f = og.deltanet_free()
    update = f.update if update is None else update
    return [_id(sp.diff(term, s), entry,
                "every d_k, d_v: only r_a = S_ab k_b + rho_a contains S_ab, so dL/dS_ab = "
                "r_a k_b = ((Sk - v) k^T)_ab"),
            _id(f.gd_update, update,
                _nc_note("S - beta (Sk - v) k^T = S(I - beta k k^T) + beta v k^T"))]


def _dn_env(dn):
    return {_F.S: dn.S, _F.k: dn.k, _F.kt: dn.k.T, _F.v: dn.v, _F.beta: dn.beta}


def _gd_steps(update=None):
    dn = og.deltanet(2, 2)
    closed = dn.closed if update is None else as_matrix(update, _dn_env(dn))
    return [_id(dn.S_next, closed, "GD step derived by theory.gd on 1/2|Sk - v|^2 = "
                "S(I - beta kk^T) + beta v k^T (d_k = d_v = 2)", at={"(d_k, d_v)": [(2, 2)]})]


def _residual_general(factor=None):
    f = og.deltanet_free()
    factor = 1 - f.beta * f.kt * f.k if factor is None else factor
    return [_id(f.update * f.k - f.v, (f.S * f.k - f.v) * factor,
                _nc_note("S_t k - v = (S_{t-1} k - v)(1 - beta k^T k), k^T k = |k|^2 a scalar"))]


def _residual_steps(factor=None):
    dn = og.deltanet(3, 2)
    kk = (dn.k.T * dn.k)[0]
    fac = 1 - dn.beta * kk if factor is None else as_matrix(factor, _dn_env(dn))[0, 0]
    return [_id(dn.closed * dn.k - dn.v, fac * (dn.S * dn.k - dn.v),
                "S_t k - v = (1 - beta |k|^2)(S_{t-1} k - v) (d_k = 3, d_v = 2)",
                at={"(d_k, d_v)": [(3, 2)]})]


D_SYM = sp.Symbol("d", integer=True, positive=True)


def _eig_general(beta=None, eigenvalue=None):
    """Eigenvalues of ``I - beta k k^T`` for a unit ``k`` and every ``d``: eigenvectors ``k`` and
    ``k^perp`` (free algebra), characteristic polynomial by the determinant lemma (symbolic d);
    ``eigenvalue`` is the claimed eigenvalue on ``k`` (true: ``1 - beta``)."""
    f = og.deltanet_free()
    b = f.beta if beta is None else beta
    lam = 1 - b if eigenvalue is None else eigenvalue
    k, kt = f.k, f.kt
    (x,) = mf.nc_symbols("x")
    z, ksq = sp.Symbol("z"), sp.Symbol("|k|^2", positive=True)
    H = 1 - b * k * kt
    d = D_SYM
    return [
        _id(H * k - lam * k, -b * k * (kt * k - 1),
            _nc_note(f"(I - {b} k k^T) k = (1 - {b}) k when k^T k = 1")),
        _id(H * x - x, -b * k * (kt * x),
            _nc_note(f"(I - {b} k k^T) x = x when k^T x = 0 (k^perp has dimension d - 1)")),
        _id((z - 1) ** d * (1 + b * ksq / (z - 1)), (z - 1) ** (d - 1) * (z - 1 + b * ksq),
            f"symbolic d, matrix determinant lemma: det(zI - I + {b} k k^T) = "
            f"(z - 1)^d (1 + {b}|k|^2/(z - 1)) = (z - 1)^(d-1) (z - 1 + {b}|k|^2)"),
        _id(((z - 1) ** (d - 1) * (z - 1 + b * ksq)).subs(ksq, 1),
            (z - lam) * (z - 1) ** (d - 1),
            f"|k| = 1: the roots are 1 - {b} (once) and 1 (d - 1 times)"),
    ]


def _eig_steps():
    z = sp.Symbol("z")
    b = og.beta_sym
    steps = []
    for d in (2, 3):
        H = og.householder(og.unit_vector(d), b)
        steps.append(_id(sp.factor(H.charpoly(z).as_expr()), (z - 1 + b) * (z - 1) ** (d - 1),
                         f"d={d}, unit k: charpoly (z - 1 + beta)(z - 1)^{d - 1}",
                         at={"d": [d]}))
    return steps


def _symmetric_step(beta=None):
    f = og.deltanet_free()
    b = f.beta if beta is None else beta
    H = 1 - b * f.k * f.kt
    return _id(mf.nc_transpose(H, {f.k: f.kt}), H,
               _nc_note(f"(I - {b} k k^T)^T = I - {b} k k^T: symmetric, so real eigenvalues and "
                        "spectral norm = largest |eigenvalue|"))


def _norm_steps(beta_range=(0, 2)):
    b = og.beta_sym
    lo, hi = (sp.nsimplify(v) for v in beta_range)
    # |1 - beta| <= 1  <=>  1 - (1 - beta)^2 = beta(2 - beta) >= 0; the ends give |1 - beta| = 1
    return [*_eig_general(),
            _symmetric_step(),
            _id(1 - (1 - b) ** 2, b * (2 - b), "1 - (1 - beta)^2 = beta (2 - beta)"),
            ev.sign_fact(b * (2 - b), b, lo, hi, statement="|1 - beta| < 1 for 0 < beta < 2"),
            _id((1 - b).subs(b, lo), 1, "beta = 0: eigenvalue 1 - beta = 1"),
            _id((1 - b).subs(b, hi), -1, "beta = 2: eigenvalue 1 - beta = -1")]


def _reflection_general(beta=2):
    f = og.deltanet_free()
    k, kt = f.k, f.kt
    b = sp.nsimplify(beta)
    H = 1 - b * k * kt
    d, z = D_SYM, sp.Symbol("z")
    charpoly = (z - (1 - b)) * (z - 1) ** (d - 1)
    return [
        _id(H * H - 1, 4 * k * (kt * k - 1) * kt,
            _nc_note("H^2 - I = 4 k (k^T k - 1) k^T = 0 for |k| = 1: involutive")),
        _id(mf.nc_transpose(H, {k: kt}), H, _nc_note("H^T = H, so H^T H = H^2 = I: orthogonal")),
        *_eig_general(b),
        _id((-1) ** d * charpoly.subs(z, 0), -1,
            "symbolic d: det H = (-1)^d det(0 I - H) = (-1)^d (0 + 1)(0 - 1)^(d-1) = -1"),
    ]


def _reflection_steps(beta=2):
    H = og.householder(og.unit_vector(3), sp.nsimplify(beta))
    return [_id(H * H, sp.eye(3), "H^2 = I (d = 3)", at={"d": [3]}),
            _id(H.T * H, sp.eye(3), "H^T H = I (d = 3)", at={"d": [3]}),
            _id(H.det(), -1, "det H = -1 (d = 3)", at={"d": [3]})]


def _product_general():
    f = og.deltanet_free()
    H, k, kt, v = f.S, f.k, f.kt, f.v
    b1 = sp.Symbol("beta_1", real=True)
    one_step = f.update.subs({f.S: H, f.beta: b1})
    A1, B1 = 1 - b1 * k * kt, b1 * v * kt
    left, right = og.deltaproduct_step_free()
    return ev.induction(
        _id(one_step, H * A1 + B1, _nc_note("n_h = 1: one DeltaNet step H(I - beta_1 k_1 k_1^T) "
                                            "+ beta_1 v_1 k_1^T = H A_1 + B_1")),
        _id(left, right, _nc_note("(H A_n + B_n) G + beta v k^T = H (A_n G) + (B_n G + "
                                  "beta v k^T) = H A_{n+1} + B_{n+1}")),
        var="n_h", start=1, description="n_h steps give H A + B with the stated A, B")


def _product_steps():
    out = []
    for n_h in (2, 3):
        Hn, A, B, H = og.deltaproduct_token(n_h, 2)
        out.append(_id(Hn, H * A + B, f"n_h={n_h}: n_h steps = H A + B (d = 2)",
                       at={"n_h": [n_h]}))
    return out


def _rank_general():
    f = og.deltanet_free()
    k, kt = f.k, f.kt
    b1 = sp.Symbol("beta_1", real=True)
    left, right = og.rank_step_free()
    return ev.induction(
        _id((1 - b1 * k * kt) - 1, (-b1 * k) * kt,
            _nc_note("n_h = 1: A_1 - I = (-beta_1 k_1) k_1^T, one column")),
        _id(left, right, _nc_note("A_n - I = L R^T (n columns) => A_{n+1} - I = (I + L R^T) G - "
                                  "I = [L, -beta k] [R^T G; k^T] (n + 1 columns)")),
        var="n_h", start=1, description="A - I = L R^T with n_h columns, so rank(A - I) <= n_h")


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
                         f"n_h={C}, d={d}: A - I = -W^T K, a product through R^{C}",
                         at={"n_h": [C]}))
    return steps


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


def _complex_general():
    f = og.deltanet_free()
    A, = mf.nc_symbols("A")
    k1 = sp.Matrix([1, 0])
    k2 = sp.Matrix([sp.Rational(3, 5), sp.Rational(4, 5)])
    Aex = og.householder(k1, 2) * og.householder(k2, 2)
    z = sp.Symbol("z")
    disc = sp.discriminant(Aex.charpoly(z).as_expr(), z)
    return [
        ev.induction(
            _id(disc, sp.Rational(-2304, 625),
                "n_h = 2, k1 = e1, k2 = (3/5, 4/5), beta = 2: the characteristic polynomial has "
                "discriminant -2304/625 < 0 (eigenvalues e^(+-i theta), a rotation)"),
            _id(A * (1 - 0 * f.k * f.kt), A, _nc_note("a further factor with beta = 0 is I: "
                                                      "A_{n+1} = A_n keeps the complex pair")),
            var="n_h", start=2, description="some A_t with complex eigenvalues for every "
            "n_h >= 2"),
        _symmetric_step(),
    ]


def _parity_steps(flip_beta=2, damp_range=(0, 1)):
    """``flip_beta``: the claimed beta of a 1-bit (beta_t = flip_beta x_t, true: 2); the claimed
    range of beta where the sign never flips (true: [0, 1])."""
    b = og.beta_sym
    S = sp.Symbol("S", integer=True)
    p, q = sp.symbols("p q", nonnegative=True)
    fb = sp.nsimplify(flip_beta)
    lo, hi = (sp.nsimplify(v) for v in damp_range)
    f0, f1 = 1 - fb * 0, 1 - fb * 1   # the 1-D transition 1 - beta_t k^2 with k = 1
    flips = ev.induction(
        ev.argument([_id(f0, (-1) ** 0, "x_1 = 0: 1 - 2 x_1 = 1 = (-1)^0"),
                     _id(f1, (-1) ** 1, "x_1 = 1: 1 - 2 x_1 = -1 = (-1)^1")],
                    "T = 1: 1 - 2 x_1 = (-1)^(x_1), both values of x_1"),
        ev.argument([_id((-1) ** S * f0, (-1) ** (S + 0),
                         "x = 0: (-1)^S (1 - 2x) = (-1)^(S + x)"),
                     _id((-1) ** S * f1, (-1) ** (S + 1),
                         "x = 1: (-1)^S (1 - 2x) = (-1)^(S + x)")],
                    "prod_{t<=T} = (-1)^S, S = x_1 + ... + x_T  =>  times (1 - 2 x_(T+1)) it is "
                    "(-1)^(S + x_(T+1)), symbolic integer S"),
        var="T", start=1, description="prod_{t<=T} (1 - 2 x_t) = (-1)^(sum x_t) for every T")
    factor = [ev.sign_fact(1 - b, b, lo, hi, statement="1 - beta > 0 for 0 < beta < 1"),
              _id((1 - b).subs(b, lo), 1, "1 - beta = 1 at beta = 0"),
              _id((1 - b).subs(b, hi), 0, "1 - beta = 0 at beta = 1 (the state is zeroed)")]
    never = ev.induction(
        ev.argument(factor, "T = 1: 1 - beta_1 >= 0 for beta_1 in [0, 1]"),
        ev.argument([*factor, ev.positivity(p * q, strict=False,
                                            description="p q >= 0 for p, q >= 0")],
                    "prod_{t<=T} = p >= 0 and q = 1 - beta_(T+1) >= 0 give p q >= 0"),
        var="T", start=1, description="prod_{t<=T} (1 - beta_t) >= 0 for beta_t in [0, 1]: the "
        "sign never flips")
    return [flips, never]


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
        steps.append(_id(lhs, prod, f"C={C}, d={d}: WY = A_1 ... A_C", at={"C": [C]}))
        if not reversed_form:
            rev = sp.eye(d)
            for i in reversed(range(C)):
                rev = rev * og.householder(K.row(i).T, bs[i])
            steps.append(_id(og.wy_reversed(K, bs), rev,
                             f"C={C}, d={d}: spec's expression = A_C ... A_1", at={"C": [C]}))
    return steps


def wy_general(mutation: str = ""):
    """Induction on the chunk length ``C`` (every ``C``, every ``d``): the WY form is the product
    in recurrence order, and its transpose, the spec's expression, the reversed product.
    ``mutation`` (``"order"``, ``"beta"``) plants a wrong induction step (for tests)."""
    st = og.wy_step_free(mutation)
    base_left, base_right = og.wy_base_free()
    f = og.deltanet_free()
    Tp, Tpi = mf.nc_symbols("T' T'^-1")
    step = ev.argument([
        _id(st.lower_block, st.lower_claimed, _nc_note(
            "K_C = [K'; k^T]: the row-C block of diag(beta) K K^T left of the diagonal is "
            "beta_C k^T K'^T, so T_C = [T', 0; beta_C k^T K'^T, 1]")),
        _id(st.T_Tinv, sp.Matrix([[Tp * Tpi, 0], [0, 1]]), _nc_note(
            "T_C [T'^-1, 0; -beta_C k^T K'^T T'^-1, 1] = diag(T' T'^-1, 1) = I: the block "
            "inverse of the square T_C")),
        _id(st.left, st.right, _nc_note(
            "W_C = T_C^-1 diag(beta) K_C = [W'; beta_C k^T (I - K'^T W')]: I - W_C^T K_C = "
            "(I - W'^T K')(I - beta_C k k^T) = A_1 ... A_(C-1) A_C")),
    ], "step C - 1 -> C")
    return [
        ev.induction(_id(base_left, base_right, _nc_note("C = 1: T = I, W = beta_1 k_1^T, "
                                                        "I - W^T K = I - beta_1 k_1 k_1^T")),
                     step, var="C", start=1,
                     description="prod_{i=1}^C (I - beta_i k_i k_i^T) = I - W^T K for every C"),
        _id(st.reversed_left, st.reversed_right, _nc_note(
            "(I - W^T K)^T = I - K^T W = I - K^T T^-1 diag(beta) K")),
        _id(mf.nc_transpose(1 - f.beta * f.k * f.kt, {f.k: f.kt}), 1 - f.beta * f.k * f.kt,
            _nc_note("each factor is symmetric, so (A_1 ... A_C)^T = A_C ... A_1: the spec's "
                     "expression is the reversed product")),
    ]


def parity_check(budget: str, seed: int, flip_beta: float = 2.0):
    """Numba scan on random bit strings: state == (-1)^(cumsum x) exactly (flip) and > 0
    (damp). No tolerance: +-1 products are exact in float64. ``flip_beta`` is the claimed beta of
    a 1-bit: the product of (1 - flip_beta x_t) must also be (-1)^(cumsum x)."""
    rng = np.random.default_rng(seed)
    n, bad = 0, 0.0
    fb = float(flip_beta)
    for _ in range(_q(budget, 20, 200)):
        x = rng.integers(0, 2, int(rng.integers(1, 300)))
        s = ds.parity_signs(x, "flip")
        target = (-1.0) ** np.cumsum(x)
        claimed = np.cumprod(1.0 - fb * x)   # the transition with beta_t = flip_beta x_t
        bad = max(bad, float(np.abs(s - target).max()), float(np.abs(claimed - target).max()))
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
    # tolerance: every factor has norm <= 1 (unit keys, beta in [0, 2]), so float64 rounding
    # grows at most linearly: ~T d eps <= 512 * 8 * 1.1e-16 = 4.5e-13 relative to the output
    # scale; 1e-11 leaves a factor ~20 (measured ~1e-14)
    return 1e-11 - worst, {"sample_size": n, "worst_error": worst, "tol": 1e-11}


def norm_margin(seed_: int, d: int, beta: float):
    """``1 - ||I - beta k k^T||_2`` for a random unit key. Tolerance 1e-12: the 2-norm by SVD
    of a d <= 8 matrix of norm ~1 is accurate to ~d eps ~ 1e-15, and normalising k leaves
    |k| = 1 + O(eps)."""
    rng = np.random.default_rng(seed_)
    k = rng.standard_normal(d)
    k /= np.linalg.norm(k)
    return 1.0 + 1e-12 - float(np.linalg.norm(np.eye(d) - beta * np.outer(k, k), 2))


def _c(id_, statement, evidence=(), forall=None, claimed=None, build=None):
    return Claim(id=id_, statement=statement, source=SRC, model=MODEL, evidence=evidence,
                 forall=forall or {}, claimed=claimed, build=build)



_EVERY_D = {"d": "every d >= 1"}
_EVERY_NH = {"n_h": "every n_h >= 1"}

CLAIMS = [
    _c("delta.gd_step", "S_t = S_{t-1}(I - beta_t k_t k_t^T) + beta_t v_t k_t^T is one GD step "
       "of size beta_t on L_t(S) = 1/2|S k_t - v_t|^2.",
       claimed={"update": _F.S * (1 - _F.beta * _F.k * _F.kt) + _F.beta * _F.v * _F.kt},
       build=lambda c: [
        ev.argument(lambda: _gd_general(c["update"]), "entrywise gradient and the free-algebra "
                    "update (every d_k, d_v)"),
        ev.argument(lambda: _gd_steps(c["update"]), "map derived by theory.gd (d_k = d_v = 2)",
                    at={"(d_k, d_v)": [(2, 2)]})]),
    _c("delta.residual", "The residual is multiplied by (1 - beta_t |k_t|^2): S_t k_t - v_t = "
       "(1 - beta_t|k_t|^2)(S_{t-1} k_t - v_t).",
       claimed={"factor": 1 - _F.beta * _F.kt * _F.k},
       build=lambda c: [
        ev.argument(lambda: _residual_general(c["factor"]), "free-algebra identity (every d_k, "
                    "d_v)"),
        ev.argument(lambda: _residual_steps(c["factor"]), "explicit sizes",
                    at={"(d_k, d_v)": [(3, 2)]})]),
    _c("delta.eigenvalues", "For unit k, eig(I - beta k k^T) = {1 - beta, 1, ..., 1}.",
       claimed={"eigenvalue": 1 - og.beta_sym},
       build=lambda c: [
        ev.argument(lambda: _eig_general(eigenvalue=c["eigenvalue"].subs(og.beta_sym, _F.beta)),
                    "eigenvectors k and k^perp, determinant lemma with a symbolic d"),
        ev.argument(_eig_steps, "characteristic polynomial with a rational unit key",
                    at={"d": (2, 3)})],
       forall=_EVERY_D),
    _c("delta.norm", "For unit k, beta in [0, 2] gives eigenvalues in [-1, 1] and spectral "
       "norm <= 1.",
       claimed={"beta": (0, 2)},
       build=lambda c: [
        PropertySearch(norm_margin, {"seed_": range(0, 10**6), "d": range(1, 9),
                                     "beta": tuple(float(v) for v in c["beta"])},
                       examples={"quick": 100, "full": 1000},
                       description="Hypothesis over keys, dimension and beta"),
        ev.argument(lambda: _norm_steps(c["beta"]), "eigenvalues (symbolic d), symmetry and "
                    "|1 - beta| <= 1")],
       forall={**_EVERY_D, "beta": (0, 2)}),
    _c("delta.reflection", "beta = 2 with a unit key is a reflection (orthogonal, involutive, "
       "det -1).",
       claimed={"beta": sp.Integer(2)},
       build=lambda c: [
        ev.argument(lambda: _reflection_general(c["beta"]), "free algebra and the eigenvalues "
                    "(symbolic d)"),
        ev.argument(lambda: _reflection_steps(c["beta"]), "rational unit key, d = 3",
                    at={"d": (3,)})],
       forall=_EVERY_D),
    _c("delta.product", "DeltaProduct: n_h steps per token give H_t = H_{t-1} A_t + B_t with "
       "A_t = prod_j (I - beta_j k_j k_j^T) in order and B_t = sum_j beta_j v_j k_j^T "
       "prod_{i>j}(I - beta_i k_i k_i^T).",
       [_product_general(),
        ev.argument(_product_steps, "explicit tokens", at={"n_h": (2, 3)})],
       forall=_EVERY_NH),
    _c("delta.product.rank", "rank(A_t - I) <= n_h.",
       [PropertySearch(rank_margin, {"seed_": range(0, 10**6), "n_h": range(1, 5),
                                     "d": range(1, 9)}, examples={"quick": 60, "full": 600},
                       description="Hypothesis: numerical rank of A - I"),
        _rank_general(),
        ev.argument(_rank_steps, "A - I = -W^T K factors through R^{n_h}", at={"n_h": (2, 3)})],
       forall=_EVERY_NH),
    _c("delta.product.complex", "A_t can have complex eigenvalues once n_h >= 2 (two "
       "reflections make a rotation); for n_h = 1 they are real.",
       [ev.argument(_complex_general, "rational example, padding with beta = 0, symmetry")],
       forall={"n_h": "every n_h >= 2"}),
    _c("delta.parity", "A 1-D DeltaNet with beta_t = 2 x_t (x_t in {0, 1}, k = 1) has "
       "transition prod(1 - 2x_t) = (-1)^(sum x_t); with beta_t in [0, 1] the sign never flips.",
       claimed={"flip_beta": sp.Integer(2), "damp_beta": (sp.Integer(0), sp.Integer(1))},
       build=lambda c: [
        ev.computed(functools.partial(parity_check, flip_beta=float(c["flip_beta"])),
                    "Numba scan on random bit strings"),
        ev.argument(lambda: _parity_steps(c["flip_beta"], c["damp_beta"]),
                    "two inductions on the length T")],
       forall={"T": "every length T >= 1", "beta": (0, 1)}),
    _c("delta.wy", "Chunked (WY) form: prod_{i=1}^C (I - beta_i k_i k_i^T) in recurrence order "
       "= I - W^T K, W = (I + tril(diag(beta) K K^T, -1))^{-1} diag(beta) K; the expression "
       "I - K^T (I + tril(diag(beta) K K^T, -1))^{-1} diag(beta) K is the reversed product.",
       [ev.argument(wy_general, "induction on C with block matrices (every C, d)"),
        ev.argument(wy_steps, "symbolic keys and betas, C = 2, 3", at={"C": (2, 3)})],
       forall={"C": "every C >= 1"}),
    _c("delta.chunked", "The chunked WY scan equals the naive scan (DeltaNet and DeltaProduct) "
       "up to rounding.", [ev.computed(chunked_check, "reference vs Numba vs chunked")]),
]
