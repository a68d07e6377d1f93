"""Declarations of the DeltaNet / DeltaProduct claims (spec section C, ``delta.*``).

``CORRECTIONS`` lists what our specification got wrong, and what is true.
"""

from __future__ import annotations

import functools

import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claim import Claim
from proofs_check.claims.online_gd.experiments import (
    chunked_check,
    norm_margin,
    parity_check,
    rank_margin,
)
from proofs_check.claims.online_gd.householder import (
    eig_general_steps,
    eig_steps,
    gd_general_steps,
    gd_steps,
    norm_steps,
    reflection_general_steps,
    reflection_steps,
    residual_general_steps,
    residual_steps,
)
from proofs_check.claims.online_gd.products import (
    complex_general_steps,
    parity_steps,
    product_general,
    product_steps,
    rank_general,
    rank_steps,
    wy_general,
    wy_steps,
)
from proofs_check.claims.online_gd.symbols import F
from theory.models import online_gd as og

MODEL = "online-gd"
SRC = "DeltaNet (arXiv 2406.06484) / DeltaProduct (arXiv 2502.10297), spec section C"

CORRECTIONS = [
    "delta.wy: I - K^T (I + tril(diag(beta) K K^T, -1))^{-1} diag(beta) K is the reversed "
    "product A_C ... A_1, not prod_{i=1}^C in recurrence order; the latter is I - W^T K with "
    "W = (I + tril(diag(beta) K K^T, -1))^{-1} diag(beta) K (proved for C = 2, 3).",
]



def _c(id_, statement, evidence=(), forall=None, claimed=None, build=None):
    return Claim(id=id_, statement=statement, source=SRC, model=MODEL, evidence=evidence,
                 forall=forall or {}, claimed=claimed, build=build)



_EVERY_D = {"d": "every d >= 1"}
_EVERY_NH = {"n_h": "every n_h >= 1"}

CLAIMS = [
    _c("delta.gd_step", "S_t = S_{t-1}(I - beta_t k_t k_t^T) + beta_t v_t k_t^T is one GD step "
       "of size beta_t on L_t(S) = 1/2|S k_t - v_t|^2.",
       claimed={"update": F.S * (1 - F.beta * F.k * F.kt) + F.beta * F.v * F.kt},
       build=lambda c: [
        ev.argument(lambda: gd_general_steps(c["update"]),
                    "entrywise gradient and the free-algebra update (every d_k, d_v)"),
        ev.argument(lambda: gd_steps(c["update"]), "map derived by theory.gd (d_k = d_v = 2)",
                    at={"(d_k, d_v)": [(2, 2)]})]),
    _c("delta.residual", "The residual is multiplied by (1 - beta_t |k_t|^2): S_t k_t - v_t = "
       "(1 - beta_t|k_t|^2)(S_{t-1} k_t - v_t).",
       claimed={"factor": 1 - F.beta * F.kt * F.k},
       build=lambda c: [
        ev.argument(lambda: residual_general_steps(c["factor"]),
                    "free-algebra identity (every d_k, d_v)"),
        ev.argument(lambda: residual_steps(c["factor"]), "explicit sizes",
                    at={"(d_k, d_v)": [(3, 2)]})]),
    _c("delta.eigenvalues", "For unit k, eig(I - beta k k^T) = {1 - beta, 1, ..., 1}.",
       claimed={"eigenvalue": 1 - og.beta_sym},
       build=lambda c: [
        ev.argument(lambda: eig_general_steps(eigenvalue=c["eigenvalue"].subs(og.beta_sym, F.beta)),
                    "eigenvectors k and k^perp, determinant lemma with a symbolic d"),
        ev.argument(eig_steps, "characteristic polynomial with a rational unit key",
                    at={"d": (2, 3)})],
       forall=_EVERY_D),
    _c("delta.norm", "For unit k, beta in [0, 2] gives eigenvalues in [-1, 1] and spectral "
       "norm <= 1.",
       claimed={"beta": (0, 2)},
       build=lambda c: [
        ev.property(norm_margin, {"seed_": range(0, 10**6), "d": range(1, 9),
                                     "beta": tuple(float(v) for v in c["beta"])},
                       examples={"quick": 100, "full": 1000},
                       description="Hypothesis over keys, dimension and beta",
                       margin_is="1 + 1e-12 - ||I - beta k k^T||_2 (1e-12: SVD of a d <= 8 "
                       "norm-1 matrix errs ~1e-15; |k| = 1 + O(eps))"),
        ev.argument(lambda: norm_steps(c["beta"]), "eigenvalues (symbolic d), symmetry and "
                    "|1 - beta| <= 1")],
       forall={**_EVERY_D, "beta": (0, 2)}),
    _c("delta.reflection", "beta = 2 with a unit key is a reflection (orthogonal, involutive, "
       "det -1).",
       claimed={"beta": sp.Integer(2)},
       build=lambda c: [
        ev.argument(lambda: reflection_general_steps(c["beta"]), "free algebra and the eigenvalues "
                    "(symbolic d)"),
        ev.argument(lambda: reflection_steps(c["beta"]), "rational unit key, d = 3",
                    at={"d": (3,)})],
       forall=_EVERY_D),
    _c("delta.product", "DeltaProduct: n_h steps per token give H_t = H_{t-1} A_t + B_t with "
       "A_t = prod_j (I - beta_j k_j k_j^T) in order and B_t = sum_j beta_j v_j k_j^T "
       "prod_{i>j}(I - beta_i k_i k_i^T).",
       [product_general(),
        ev.argument(product_steps, "explicit tokens", at={"n_h": (2, 3)})],
       forall=_EVERY_NH),
    _c("delta.product.rank", "rank(A_t - I) <= n_h.",
       [ev.property(rank_margin, {"seed_": range(0, 10**6), "n_h": range(1, 5),
                                     "d": range(1, 9)}, examples={"quick": 60, "full": 600},
                       description="Hypothesis: numerical rank of A - I",
                       margin_is="n_h - rank(A - I), rank = count of singular values > 1e-9 "
                       "max(1, s_max) (zero ones come back ~1e-14)"),
        rank_general(),
        ev.argument(rank_steps, "A - I = -W^T K factors through R^{n_h}", at={"n_h": (2, 3)})],
       forall=_EVERY_NH),
    _c("delta.product.complex", "A_t can have complex eigenvalues once n_h >= 2 (two "
       "reflections make a rotation); for n_h = 1 they are real.",
       [ev.argument(complex_general_steps, "rational example, padding with beta = 0, symmetry")],
       forall={"n_h": "every n_h >= 2"}),
    _c("delta.parity", "A 1-D DeltaNet with beta_t = 2 x_t (x_t in {0, 1}, k = 1) has "
       "transition prod(1 - 2x_t) = (-1)^(sum x_t); with beta_t in [0, 1] the sign never flips.",
       claimed={"flip_beta": sp.Integer(2), "damp_beta": (sp.Integer(0), sp.Integer(1))},
       build=lambda c: [
        ev.computed(functools.partial(parity_check, flip_beta=float(c["flip_beta"])),
                    "Numba scan on random bit strings"),
        ev.argument(lambda: parity_steps(c["flip_beta"], c["damp_beta"]),
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
