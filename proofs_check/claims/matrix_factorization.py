"""Catalogue: incremental learning in symmetric matrix factorization (Min & Vidal, arXiv
2508.20344) and deep aligned factorization (Chou & Wang, arXiv 2605.28613).

Spec sections A (``mf.*``) and B (``dmf.*``) of ``shared/spec/matrix_factorization.md``. Exact
statements are proved from the derivations in :mod:`theory.models.matrix_factorization`
(identities over Q, built lazily at check time so that importing the catalogue is cheap): for
every size at once in the free algebra (flow, Riccati, closed and inverse forms) and for a
symbolic depth ``N`` (``dmf.*``); explicit sizes are cross-checks declared with ``at=``. The
Hessian spectra behind ``mf.gd.sharpness`` / ``mf.gd.stability`` and the Gram determinants of
``mf.rank_deficient`` are exact only at explicit sizes, so these claims are ``verified`` with
that scope. Closed form vs ODE, learning times, plateaus, GD steps are checked with
:mod:`numerics.factorization` and come back ``verified`` with sizes and worst errors.

``CORRECTIONS`` lists what our specification got wrong or left imprecise, and what is true.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import sympy as sp

from numerics import factorization as nf
from proofs_check import evidence as ev
from proofs_check.claim import Claim
from proofs_check.evidence.property import PropertySearch
from proofs_check.evidence.symbolic import Identity
from proofs_check.tables import Table
from theory.models import matrix_factorization as mf

__all__ = ["CLAIMS", "CORRECTIONS", "MODEL", "PLOTS", "TABLES",
           "learning_times_table", "plot_loss", "plot_staircase"]

MODEL = "matrix-factorization"
MV = "Min & Vidal, arXiv 2508.20344"
CW = "Chou & Wang, arXiv 2605.28613"

CORRECTIONS = [
    "mf.zero_eigenvalue: x_k(t) = 1/(2t + 1/(rho_k alpha^2)) holds once the earlier components "
    "are learned and only to leading order: the offset is (1 + O(alpha^2))/(rho_k alpha^2) "
    "(measured relative offset error 5.3e-3 at alpha = 0.1, 5.4e-5 at alpha = 0.01).",
    "mf.gd.sharpness: sharpness 2 lam_1 at the minimiser needs Y positive semidefinite (or "
    "|lam_min| <= lam_1); with a large negative eigenvalue the Hessian at the best PSD "
    "approximation has eigenvalue lam_1 + |lam_min| and can exceed 2 lam_1.",
    "mf.generic_times: the error of the predicted t_k vanishes like alpha^p with p between 1.5 "
    "and 2 on Y = diag(4, 2, 1) (measured), not just 'polynomially'; the learning order and the "
    "ratio t_{k+1}/t_k -> lam_k/lam_{k+1} are asymptotic statements (they need alpha small "
    "relative to the spectral gaps).",
]


#: symbols of the claimed formulas (the claims' ``claimed=`` values)
LAM_K = sp.Symbol("lambda_k", real=True, nonzero=True)
LAM = sp.Symbol("lambda", positive=True)
LAM_1 = sp.Symbol("lambda_1", positive=True)
RHO = sp.Symbol("rho_k", positive=True)
X_SYM = sp.Symbol("x", positive=True)
N_SYM = sp.Symbol("N", integer=True, positive=True)   # theory's depth symbol (deep_general)
ETA = sp.Symbol("eta", positive=True)


def src(part: str) -> str:
    return f"{MV}, {part}" if not part.startswith("dmf") else f"{CW}, {part}"


# =============================================================================================
# evidence helpers (shared with the online-gd and rates catalogues)
# =============================================================================================
def _id(lhs, rhs, what: str, at=None) -> Identity:
    return Identity(lhs, rhs, description=what, at=at)


def _q(budget: str, quick, full):
    return quick if budget == "quick" else full


# =============================================================================================
# A. exact statements
# =============================================================================================
# Claims about matrices of every size are proved in the free algebra (theory's nc_* helpers):
# an identity between non-commutative polynomials holds for matrices of every compatible size,
# so these proofs cover every n and r although no size symbol appears in them (the claims
# declare no ``forall`` for n, r). Where a proof holds only at explicit sizes, the claim declares
# ``forall={"(n, r)": ...}`` and the evidence ``at=`` the sizes: the verdict is ``verified``.
def _nc_note(text: str) -> str:
    return f"{text} [free algebra: every n, r]"


def _flow_general():
    f = mf.flow_entry()
    return [_id(f.derivative, f.entry,
                "every n, r: as a function of u = U_jk, L = R_jj^2/4 + sum_{b != j} R_jb^2/2 + "
                "const with R_jj = u^2 + p, R_jb = u w_b + q_b (w_b = U_bk); dL/du = R_jj u + "
                "sum_b R_jb w_b = (RU)_jk, R = UU^T - Y (one representative b shown)")]


def _flow_steps():
    steps = []
    for n, r in ((2, 3), (3, 2)):
        m = mf.model(n, r)
        steps.append(_id(m.field, (m.Y - m.X) * m.U, f"-grad L = (Y - UU^T)U, n={n}, r={r}",
                         at={"(n, r)": [(n, r)]}))
    return steps


def as_matrix(expr, env: dict):
    """A free-algebra expression with its symbols replaced by the matrices of ``env`` (a scalar
    term of a sum becomes that multiple of the identity of the sum's size)."""
    if expr in env:
        return env[expr]
    if expr.is_commutative and not expr.free_symbols & set(env):
        return expr.xreplace(env)
    if isinstance(expr, sp.Mul):
        out = sp.Integer(1)
        for a in expr.args:
            out = out * as_matrix(a, env)
        return out
    if isinstance(expr, sp.Add):
        parts = [as_matrix(a, env) for a in expr.args]
        shape = next(p.shape for p in parts if isinstance(p, sp.MatrixBase))
        return sum((p if isinstance(p, sp.MatrixBase) else p * sp.eye(shape[0])
                    for p in parts), sp.zeros(*shape))
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer and expr.exp > 0:
        base = as_matrix(expr.base, env)
        return base ** int(expr.exp)
    raise ValueError(f"cannot evaluate {expr} on matrices")


_U, _UT, _Y = mf.nc_symbols("U U^T Y")
LAM_NEXT = sp.Symbol("lambda_next", positive=True)
#: what mf.riccati states, X = U U^T in the free algebra
RICCATI_RHS = _Y * _U * _UT + _U * _UT * _Y - 2 * (_U * _UT) ** 2


def _riccati_general(rhs=None):
    dX, derived = mf.riccati_free()
    rhs = derived if rhs is None else rhs
    return [_id(dX, rhs, _nc_note("d(UU^T)/dt = U'U^T + UU'^T with U' = (Y - UU^T)U, Y = Y^T: "
                                  "= YX + XY - 2X^2"))]


def _riccati_steps(rhs=None):
    if rhs is None:
        return [_id(mf.riccati_residual(n, r), sp.zeros(n, n), f"Riccati n={n}, r={r}",
                    at={"(n, r)": [(n, r)]})
                for n, r in ((1, 1), (2, 1), (2, 3), (3, 2))]
    steps = []
    for n, r in ((1, 1), (2, 1), (2, 3), (3, 2)):
        m = mf.model(n, r)
        dX = m.field * m.U.T + m.U * m.field.T
        claimed = as_matrix(rhs, {_U: m.U, _UT: m.U.T, _Y: m.Y})
        steps.append(_id((dX - claimed).applyfunc(sp.expand), sp.zeros(n, n),
                         f"Riccati n={n}, r={r}", at={"(n, r)": [(n, r)]}))
    return steps


def closed_form_general_steps(factor: int = 2):
    """Exact steps proving the closed form for every ``n, r`` (``factor=2``; another factor is the
    mutated closed form): ``X' - (YX + XY - 2X^2)`` is a multiple of ``[Y, e^{Yt}] = 0``."""
    c = mf.closed_form_free(factor)
    return [_id(c.dX - c.rhs, c.remainder, _nc_note(
                "X = E U0 P^-1 U0^T E, E = e^{Yt} (E' = YE), S' = E^2, (P^-1)' = -P^-1 P' P^-1: "
                "X' - (YX + XY - 2X^2) = E U0 P^-1 U0^T [Y, E], and [Y, E] = 0 (E is a power "
                "series in Y)")),
            _id(c.X0, c.U0U0t, "X(0) = U0 U0^T (E = I, S = 0, P = I)")]


CLOSED_FORM_SIZES = ((1, 1), (1, 3), (2, 1), (2, 2), (2, 4), (3, 1), (3, 2), (3, 3))


def closed_form_steps(factor: int = 2, sizes=CLOSED_FORM_SIZES):
    """Exact steps checking the closed form (``factor=2``) in the eigenbasis of ``Y`` at the
    listed ``(n, r)`` (commutative indeterminates ``e_i = e^{lam_i t}``, ``s_i``)."""
    steps = []
    for n, r in sizes:
        res = mf.closed_form_residual(n, r, factor=factor)
        steps.append(_id(res, [0] * len(res), f"closed form solves Riccati, n={n}, r={r}",
                         at={"(n, r)": [(n, r)]}))
    lam = sp.symbols("l0:2", real=True)
    B = sp.Matrix(2, 2, sp.symbols("b0:4", real=True))
    t = sp.Symbol("t", real=True)
    X0 = mf.closed_form(lam, B, t, factor=factor).subs(t, 0)
    steps.append(_id(X0, B * B.T, "X(0) = U0 U0^T", at={"(n, r)": [(2, 2)]}))
    return steps


def _inverse_general():
    f = mf.inverse_form_free()
    s = f.symbols
    return [
        _id(f.dZ - f.rhs, f.remainder, _nc_note(
            "Z = F Z0 F + 2T, F = e^{-Yt} (F' = -YF), T' = F^2: Z' - (2I - YZ - ZY) = "
            "F Z0 [F, Y] + 2G, G = F^2 + YT + TY - I")),
        _id(f.dG, f.G_remainder, _nc_note("G' = F [F, Y] = 0 ([F, Y] = 0: F is a power series "
                                          "in Y)")),
        _id(f.G_at_0, 0, "G(0) = 0, so G = 0 and Z' = 2I - YZ - ZY"),
        _id(f.Z0_at_0, s["Z0"], "Z(0) = Z0 = X0^-1"),
        _id(f.inverse_lhs - f.inverse_rhs, f.inverse_remainder, _nc_note(
            "X = Z^-1 (XZ = ZX = I): X' = -X Z' X = YX + XY - 2X^2 + XY(ZX - I) + (XZ - I)YX, "
            "so Z^-1 solves the Riccati equation with Z^-1(0) = X0: it is X (uniqueness)")),
    ]


def _inverse_steps():
    l0, l1 = sp.symbols("l0:2", real=True)
    steps = [_id(mf.inverse_form_residual(lams), sp.zeros(len(lams), len(lams)),
                 f"Z' = 2I - YZ - ZY for diag{tuple(lams)}", at={"n": len(lams)})
             for lams in ((l0,), (l0, l1), (l0, 0))]
    steps.append(_id(mf.forms_agree_residual((l0,)), sp.zeros(1, 1),
                     "inverse form x closed form = I (n = 1)", at={"n": 1}))
    return steps


def _aligned_steps(sigma=None):
    """``sigma``: the claimed sigma_k(t) in ``LAM_K``, alpha, t (true: theory's logistic)."""
    lam = LAM_K
    lam1, lam2 = sp.symbols("lambda mu", positive=True)
    a, t = mf.alpha_sym, mf.t_sym
    s = mf.aligned_logistic(lam) if sigma is None else sigma
    s0 = mf.aligned_logistic(0)
    X = mf.closed_form([lam1, lam2], a * sp.eye(2))
    return [
        _id(sp.diff(s, t), 2 * s * (lam - s),
            "every component, symbolic lambda_k != 0: x' = 2x(lambda_k - x), the k-th diagonal "
            "entry of YX + XY - 2X^2 for diagonal X and Y (diagonal matrices multiply entrywise, "
            "so diag(sigma_k) solves the Riccati equation)"),
        _id(s.subs(t, 0), a**2, "x(0) = alpha^2: diag(sigma_k(0)) = alpha^2 I = U0 U0^T"),
        _id(sp.diff(s0, t), 2 * s0 * (0 - s0), "lambda_k = 0: x = alpha^2/(1 + 2 alpha^2 t) "
            "solves x' = -2x^2"),
        _id(s0.subs(t, 0), a**2, "lambda_k = 0: x(0) = alpha^2"),
        _id(mf.closed_form([0], sp.Matrix([[a]]))[0, 0], s0,
            "lambda_k = 0: the closed form gives alpha^2/(1 + 2 alpha^2 t)"),
        _id(X, sp.diag(s.subs(lam, lam1), s.subs(lam, lam2)),
            "cross-check: the closed form with U0 = alpha I is diagonal with logistic entries "
            "(n = 2)", at={"n": 2}),
    ]


def _half_time_steps(t_half=None):
    lam = LAM
    th = mf.aligned_half_time(lam) if t_half is None else t_half
    return [_id(mf.aligned_logistic(lam).subs(mf.t_sym, th), lam / 2,
                "x(ln(lam/alpha^2 - 1)/(2 lam)) = lam/2")]


def _width_steps(width=None):
    lam = LAM
    p = sp.Symbol("p", positive=True)
    tp = mf.aligned_time_at_fraction(lam, p)
    w = mf.aligned_time_at_fraction(lam, sp.Rational(9, 10)) - \
        mf.aligned_time_at_fraction(lam, sp.Rational(1, 10))
    return [_id(mf.aligned_logistic(lam).subs(mf.t_sym, tp), p * lam, "x(t_p) = p lam"),
            _id(w, sp.log(9) / lam if width is None else width,
                "t_0.9 - t_0.1 = ln 9/lam (no alpha)")]


RANK_SIZES = ((2, 1), (3, 1), (3, 2), (4, 2), (4, 3))


def _rank_steps():
    steps = []
    for k, r in RANK_SIZES:
        C = sp.Matrix(k, r, lambda i, j: sp.Symbol(f"c_{i}_{j}", real=True))
        steps.append(_id((C * C.T).det(), 0, f"det G_{k} = 0 when r = {r} < k = {k}",
                         at={"(k, r)": [(k, r)]}))
    return steps


def rank_deficient_numeric(budget: str, seed: int, *, claimed_rank_offset: int = 0):
    """``rank X(t) <= r``: the ``(r+1)``-th eigenvalue of the closed form ``X(t)`` (``n = 3``,
    ``r in {1, 2}``, random B and indefinite Y) is zero up to rounding, at ``t = 0.5, 5, 30``
    over ``lam_1``. Tolerance: ``X`` is assembled from float64 products of size ~|X|, so an
    exactly zero eigenvalue comes back as ``O(n eps |X|)``; ``100 n eps`` leaves two digits.
    ``claimed_rank_offset = 1`` plants the wrong claim ``rank X(t) <= r - 1`` (for tests)."""
    rng = np.random.default_rng(seed)
    worst, count = 0.0, 0
    for _ in range(_q(budget, 3, 12)):
        Y, _, _ = random_case(rng, 3, 3)
        for r in (1, 2):
            B = rng.standard_normal((3, r))
            lam1 = max(float(np.linalg.eigvalsh(Y).max()), 0.2)
            for t in (0.5 / lam1, 5.0 / lam1, 30.0 / lam1):
                X = nf.closed_form(Y, 1e-2 * B, t)
                ev_ = np.sort(np.abs(np.linalg.eigvalsh(X)))[::-1]
                worst = max(worst, float(ev_[r - claimed_rank_offset] / max(ev_[0], 1e-300)))
                count += 1
    tol = 100 * 3 * np.finfo(float).eps
    return tol - worst, {"sample_size": count, "worst_error": worst, "tol": tol}


#: explicit minimisers where the Hessian of 1/4|UU^T - Y|^2 is computed exactly:
#: Y = diag(m1^2, m2^2) (m1 >= m2 >= 0; n = 1: Y = m1^2), U the minimiser listed; the expected
#: characteristic polynomial of the Hessian (eigenvalues) and its largest root 2 m1^2 = 2 lam_1
SHARPNESS_SIZES = ((1, 1), (1, 2), (2, 1), (2, 2))


def _sharpness_case(n: int, r: int):
    """``(Hessian, Jacobian of GD, charpoly(z), expected charpoly, z, m1, m2)`` at the minimiser
    ``U = [diag(m) 0]`` (``r >= n``) or ``U = (m1, 0)^T`` (``n = 2, r = 1``)."""
    m1, m2 = sp.symbols("m1 m2", nonnegative=True)
    z = sp.Symbol("z")
    M = mf.model(n, r)
    ms = (m1, m2)[:n]
    at = {M.Y[i, j]: (ms[i] ** 2 if i == j else 0) for i in range(n) for j in range(i, n)}
    at.update({M.U[i, j]: (ms[i] if i == j else 0) for i in range(n) for j in range(r)})
    H = sp.hessian(M.loss, list(M.U)).subs(at)
    J = M.gd.jacobian().subs(at)
    expected = {
        (1, 1): z - 2 * m1**2,
        (1, 2): z * (z - 2 * m1**2),
        (2, 1): (z - 2 * m1**2) * (z - m1**2 + m2**2),
        (2, 2): z * (z - 2 * m1**2) * (z - 2 * m2**2) * (z - m1**2 - m2**2),
    }[(n, r)]
    return H, J, H.charpoly(z).as_expr(), sp.expand(expected), z, m1, m2


def _sharpness_steps(sharpness=None):
    """``sharpness``: the claimed sharpness in ``LAM_1`` (true: ``2 lambda_1``)."""
    sharp = 2 * LAM_1 if sharpness is None else sharpness
    steps = [_id(mf.scalar_hessian_at_minimum(), sharp.subs(LAM_1, LAM),
                 "scalar: L''(sqrt(lam)) = 2 lam")]
    for n, r in SHARPNESS_SIZES:
        _, _, cp, expected, z, m1, _ = _sharpness_case(n, r)
        steps.append(_id(cp, expected, f"n={n}, r={r}, Y = diag(m1^2, m2^2): characteristic "
                         "polynomial of the Hessian at the minimiser", at={"(n, r)": [(n, r)]}))
        steps.append(_id(expected.subs(z, sharp.subs(LAM_1, m1**2)), 0,
                         f"n={n}, r={r}: the claimed sharpness is a root",
                         at={"(n, r)": [(n, r)]}))
    # the largest root is 2 m1^2 = 2 lam_1 (m1 >= m2 >= 0: write m1 = m2 + e, e >= 0)
    m1, m2 = sp.symbols("m1 m2", nonnegative=True)
    e = sp.Symbol("e", nonnegative=True)
    for other, what in ((2 * m2**2, "2 m2^2"), (m1**2 + m2**2, "m1^2 + m2^2"),
                        (m1**2 - m2**2, "m1^2 - m2^2")):
        steps.append(ev.positivity(sharp.subs(LAM_1, m1**2) - other, substitute={m1: m2 + e},
                                   strict=False,
                                   description=f"2 m1^2 >= {what} for m1 >= m2 >= 0"))
    return steps


def _stability_scalar_steps(c_max=1):
    F = mf.scalar_gd()
    (u,) = F.state
    eta, lam = F.params
    J = F.jacobian()[0, 0].subs(u, sp.sqrt(lam))
    c = sp.Symbol("c", positive=True)
    # |1 - 2c| < 1  <=>  1 - (1 - 2c)^2 = 4c(1 - c) > 0; its sign on each side of c = 1
    cm = sp.nsimplify(c_max)
    return [_id(J, 1 - 2 * eta * lam, "F'(sqrt(lam)) = 1 - 2 eta lam"),
            _id(1 - (1 - 2 * c) ** 2, 4 * c * (1 - c), "1 - (1 - 2c)^2 = 4c(1 - c)"),
            ev.sign_fact(4 * c * (1 - c), c, 0, cm,
                         statement="|1 - 2c| < 1 for 0 < c = eta lam < 1"),
            ev.sign_fact(4 * c * (1 - c), c, cm, sp.oo, "<",
                         statement="|1 - 2c| > 1 for c = eta lam > 1"),
            _id((1 - 2 * c).subs(c, cm), -1, "multiplier -1 at c = 1 (not stable)")]


def _stability_steps(c_max=1):
    steps = _stability_scalar_steps(c_max)
    eta = mf.eta_sym
    for n, r in SHARPNESS_SIZES:
        H, J, *_ = _sharpness_case(n, r)
        steps.append(_id(J, sp.eye(n * r) - eta * H, f"n={n}, r={r}: Jacobian of GD at the "
                         "minimiser = I - eta H (multipliers 1 - eta h)", at={"(n, r)": [(n, r)]}))
    s = sp.Symbol("s", positive=True)
    steps += [
        _id(1 - (1 - s) ** 2, s * (2 - s), "1 - (1 - s)^2 = s(2 - s), s = eta h"),
        ev.sign_fact(s * (2 - s), s, 0, 2 * sp.nsimplify(c_max), statement="|1 - eta h| < 1 for "
                     "0 < eta h < 2: every h in (0, 2 lam_1] when eta lam_1 < 1"),
        ev.sign_fact(s * (2 - s), s, 2 * sp.nsimplify(c_max), sp.oo, "<", statement="|1 - eta h| "
                     "> 1 for eta h > 2: h = 2 lam_1 when eta lam_1 > 1"),
        *_sharpness_steps()]
    return steps


_C = sp.Symbol("c", positive=True)
_ROOT = sp.sqrt((_C - 1) * (_C + 3))
#: what mf.gd.two_cycle states (its claimed values)
_TWO_CYCLE = {"s_minus": (_C + 1 - _ROOT) / (2 * _C), "s_plus": (_C + 1 + _ROOT) / (2 * _C),
              "multiplier": 7 - 4 * _C - 2 * _C**2, "c_max": sp.sqrt(5) - 1}


def _two_cycle_steps(claimed=None):
    """``claimed``: ``s_minus``, ``s_plus``, ``multiplier`` (in ``c``) and ``c_max`` as stated
    (true: theory's values, sqrt5 - 1)."""
    cyc = mf.two_cycle()
    c = cyc.c
    cl = claimed or _TWO_CYCLE
    F = mf.scalar_gd()
    (u,) = F.state
    eta, lam = F.params
    s_lo, s_hi = cyc.s_values
    s, v = sp.symbols("s v", real=True)

    def g(x):  # the map in s = u^2/lam: s -> s (1 + c - c s)^2
        return x * (1 + c - c * x) ** 2

    return [
        _id(sp.expand(F.update[0].subs({u: sp.sqrt(lam) * v, eta: c / lam}) / sp.sqrt(lam)),
            sp.expand(v * (1 + c - c * v**2)), "GD in v = u/sqrt(lam): v -> v(1 + c - c v^2)"),
        _id([s_lo, s_hi], [cl["s_minus"], cl["s_plus"]],
            "derived s_-, s_+ = (c + 1 -+ sqrt((c - 1)(c + 3)))/(2c)"),
        _id(sp.expand((s - s_lo) * (s - s_hi)), sp.expand(s**2 - (c + 1) / c * s + 1 / c**2),
            "s_-, s_+ are the roots of c^2 s^2 - c(c+1) s + 1"),
        _id(g(s_lo), s_hi, "s_- maps to s_+"),
        _id(g(s_hi), s_lo, "s_+ maps to s_- (a 2-cycle of u^2/lam)"),
        _id((1 + c - c * s_lo) * (1 + c - c * s_hi), 1,
            "(1 + c - c s_-)(1 + c - c s_+) = 1: v returns to itself after two steps (a 2-cycle "
            "of u, not only of u^2)"),
        _id((1 + c - 3 * c * s_lo) * (1 + c - 3 * c * s_hi), 7 - 4 * c - 2 * c**2,
            "multiplier f'(v_-) f'(v_+) = (1 + c - 3c s_-)(1 + c - 3c s_+) = 7 - 4c - 2c^2"),
        _id(cyc.multiplier, cl["multiplier"], "theory's multiplier (Vieta) agrees with the "
            "claimed 7 - 4c - 2c^2"),
        _id(sp.discriminant(c**2 * s**2 - c * (c + 1) * s + 1, s), c**2 * (c - 1) * (c + 3),
            "discriminant of c^2 s^2 - c(c+1)s + 1"),
        ev.sign_fact(c**2 * (c - 1) * (c + 3), c, 1, sp.oo, statement="real cycle for c > 1"),
        ev.sign_fact(c**2 * (c - 1) * (c + 3), c, 0, 1, "<", statement="no real cycle for c < 1"),
        _id((c + 1) ** 2 - (c - 1) * (c + 3), 4,
            "(c + 1)^2 - (c - 1)(c + 3) = 4 > 0: sqrt((c-1)(c+3)) < c + 1, so s_- > 0 (u real)"),
        ev.sign_fact(1 - (7 - 4 * c - 2 * c**2), c, 1, sp.oo,
                     statement="multiplier < 1 for c > 1"),
        ev.sign_fact(1 + (7 - 4 * c - 2 * c**2), c, 1, cl["c_max"],
                     statement="multiplier > -1 for 1 < c < sqrt5 - 1"),
        ev.sign_fact(1 + (7 - 4 * c - 2 * c**2), c, cl["c_max"], sp.oo, "<",
                     statement="multiplier < -1 for c > sqrt5 - 1"),
    ]


# =============================================================================================
# A. numerics
# =============================================================================================
def random_case(rng, n: int, r: int):
    """A random indefinite symmetric ``Y`` (``n x n``), ``B`` (``n x r``) and ``alpha``."""
    A = rng.standard_normal((n, n))
    Y = (A + A.T) / 2
    B = rng.standard_normal((n, r)) / math.sqrt(r)
    alpha = 10 ** rng.uniform(-3, -0.5)
    return Y, B, alpha


def closed_form_vs_ode(budget: str, seed: int):
    """Worst relative error (Frobenius) between the closed form and DOP853 at rtol 1e-13 over
    random cases ``n <= 5``, ``r in {1, n, n+2}``, indefinite ``Y``, at three times the last of
    which has ``2 lam_1 t >= 50`` (beyond float64); also the naive float64 evaluation's error."""
    rng = np.random.default_rng(seed)
    reps = _q(budget, 1, 3)
    worst, worst_at, naive_worst, n_cases, n_long = 0.0, None, 0.0, 0, 0
    for _ in range(reps):
        for n in range(1, 6):
            for r in sorted({1, n, n + 2}):
                Y, B, alpha = random_case(rng, n, r)
                lam1 = max(float(np.linalg.eigvalsh(Y).max()), 0.2)
                ts = np.array([0.5 / lam1, 5.0 / lam1, 30.0 / lam1])
                Xo = nf.ode_reference(Y, alpha * B, ts)
                for i, t in enumerate(ts):
                    Xc = nf.closed_form(Y, alpha * B, t)
                    err = nf.relative_error(Xc, Xo[i])
                    n_cases += 1
                    if err > worst:
                        worst, worst_at = err, {"n": n, "r": r, "t": float(t), "alpha": alpha}
                    if 2 * lam1 * t >= 50:
                        n_long += 1
                        Xn = nf.closed_form(Y, alpha * B, t, method="naive")
                        e = nf.relative_error(Xn, Xo[i])
                        naive_worst = max(naive_worst, e if math.isfinite(e) else math.inf)
    # tolerance: the spec asks for agreement "to ~1e-10"; the reference is DOP853 at rtol 1e-13,
    # whose global relative error grows with the number of e-foldings (2 lam_1 t <= 60) to
    # ~1e-11; 1e-9 is the spec's target with a factor 10 (measured worst: ~1e-12)
    tol = 1e-9
    return tol - worst, {"sample_size": n_cases, "worst_error": worst, "worst_at": worst_at,
                         "tol": tol, "long_time_cases": n_long,
                         "naive_float64_worst_error_long_times": naive_worst}


def B_of(kind: str, n: int, seed: int = 0) -> np.ndarray:
    """Initial direction ``B`` of a kind: ``aligned`` (``I``), ``generic`` (``n x n``),
    ``under`` (``n x (n-1)``), ``over`` (``n x (n+2)``); seeded Gaussian, entries ``N(0, 1/r)``.

    Examples
    --------
    >>> B_of("under", 3).shape
    (3, 2)
    """
    if kind == "aligned":
        return np.eye(n)
    r = {"generic": n, "under": max(n - 1, 1), "over": n + 2}.get(kind)
    if r is None:
        raise ValueError(f"B kind {kind!r} is not aligned, generic, under or over")
    return np.random.default_rng(seed).standard_normal((n, r)) / math.sqrt(r)


ALPHAS = (1e-2, 1e-4, 1e-6, 1e-8)
KINDS = ("aligned", "generic", "under", "over")


@functools.lru_cache(maxsize=64)
def _times(spectrum: tuple, kind: str, alpha: float, seed: int) -> nf.LearningTimes:
    Y = np.diag(np.array(spectrum, dtype=float))
    return nf.learning_times(Y, B_of(kind, len(spectrum), seed), alpha)


def generic_times_check(budget: str, seed: int, predict=None):
    """Learning-time error |exact - predicted| on four kinds of B: it must shrink with alpha (by
    at least a factor 10 per step of 1e-2 while above the root-finding floor 1e-10) and be below
    ``1e-3`` at alpha = 1e-4 and ``1e-9`` at alpha = 1e-8.

    Tolerances: the factor 10 per factor 100 in alpha is the weakest polynomial rate (alpha^0.5)
    the claim "vanishes polynomially" allows us to test; the floor 1e-10 is the resolution of the
    exact times (Brent's xtol 1e-12 on t ~ 1..10, plus the float64 eigenvalues of X(t)); the caps
    1e-3 and 1e-9 are loose bounds (measured: <= 6e-8 and <= 5e-14), not fitted. ``predict(lam,
    rho, alpha)`` is the claimed time (default ln(lam/(rho alpha^2))/(2 lam))."""
    spectra = [(4.0, 2.0, 1.0), *_q(budget, [], [(3.0, 1.5, 0.5, 0.2), (5.0, 1.0)])]
    worst_margin, table, count = math.inf, {}, 0
    worst_at = None
    for spec in spectra:
        for kind in KINDS:
            errs = []
            for a in ALPHAS:
                lt = _times(spec, kind, a, seed)
                err = lt.error if predict is None else lt.exact - np.where(
                    lt.rho > 0, predict(lt.lam, np.where(lt.rho > 0, lt.rho, 1.0), a), np.nan)
                e = float(np.nanmax(np.abs(err)))
                errs.append(e)
                count += lt.learned
            table[f"{spec}/{kind}"] = errs
            margins = [1e-3 - errs[1], 1e-9 - errs[3]]
            margins += [errs[i] / 10 - errs[i + 1] if errs[i] > 1e-10 else 0.0
                        for i in range(3)]
            m = min(margins)
            if m < worst_margin:
                worst_margin, worst_at = m, {"spectrum": list(spec), "kind": kind}
    return worst_margin, {"sample_size": count, "worst_error": max(max(v) for v in
                                                                   table.values()),
                          "errors_by_alpha": table, "alphas": list(ALPHAS),
                          "worst_at": worst_at}


def order_margin(l1: float, gap1: float, gap2: float, log_alpha: float, bseed: int):
    """``min_k (t_{k+1} - t_k)`` for ``Y = diag(l1, l1/gap1, l1/(gap1 gap2))``, generic B."""
    spec = (l1, l1 / gap1, l1 / (gap1 * gap2))
    lt = _times(tuple(round(v, 12) for v in spec), "generic", 10.0**log_alpha, bseed)
    return float(np.min(np.diff(lt.exact)))


def ratio_check(budget: str, seed: int, ratio=None):
    """``t_{k+1}/t_k -> lam_k/lam_{k+1}``: the error times ``ln(1/alpha^2)`` stays bounded (the
    correction is O(1/ln(1/alpha))) and the error decreases along alpha = 1e-2 ... 1e-32."""
    spec = (4.0, 2.0, 1.0)
    alphas = (1e-2, 1e-4, 1e-8, 1e-16, 1e-32)
    out, margin = {}, math.inf
    for kind in ("aligned", "generic", "over"):
        errs = []
        for a in alphas:
            lt = _times(spec, kind, a, seed)
            ratios = lt.exact[1:] / lt.exact[:-1]
            claimed = (np.array(spec[:-1]) / np.array(spec[1:]) if ratio is None
                       else np.array([float(ratio(spec[k], spec[k + 1]))
                                      for k in range(len(spec) - 1)]))
            errs.append(float(np.max(np.abs(ratios - claimed))))
        out[kind] = errs
        margin = min(margin, min(errs[i] - errs[i + 1] for i in range(len(errs) - 1)))
        scaled = [e * math.log(1 / a**2) for e, a in zip(errs, alphas, strict=True)]
        out[kind + "_times_log"] = scaled
        # bound from the prediction t_k = (L + a_k)/(2 lam_k) + o(1), L = ln(1/alpha^2),
        # a_k = ln(lam_k/rho_k): error * L = C_k L/(L + a_k), C_k = (lam_k/lam_{k+1})
        # |a_{k+1} - a_k|, largest at the largest alpha when a_k < 0; 5% slack for the o(1)
        # time errors (<= 6e-5 absolute at alpha = 1e-2, measured)
        lt = _times(spec, kind, alphas[0], seed)
        lam_, a_ = np.asarray(lt.lam), np.log(np.asarray(lt.lam) / np.asarray(lt.rho))
        L0 = math.log(1 / alphas[0] ** 2)
        bound = max(float(lam_[k] / lam_[k + 1] * abs(a_[k + 1] - a_[k])
                          * max(1.0, L0 / (L0 + a_[k]))) for k in range(len(spec) - 1))
        out[kind + "_bound"] = 1.05 * bound
        margin = min(margin, 1.05 * bound - max(scaled))
    return margin, {"sample_size": 3 * len(alphas), "worst_error": out["generic"][-1],
                    "errors": out, "alphas": list(alphas)}


def plateau_check(budget: str, seed: int, length_coefficient=0.5, loss_coefficient=0.25):
    """Plateau lengths and losses vs their predictions on four kinds of B. The length
    prediction is leading order: its relative error must decrease with alpha and the absolute
    error must approach the O(1) constant ``ln(lam_{k+1}/rho_{k+1})/(2 lam_{k+1}) -
    ln(lam_k/rho_k)/(2 lam_k)`` (within 1e-3 at alpha = 1e-8); the plateau losses must decrease
    to ``1/4 sum_{i>k} lam_i^2`` (within 1e-3 at alpha = 1e-8). The coefficients 1/2 and 1/4
    are the claimed ones (``length_coefficient``, ``loss_coefficient``)."""
    spec = (4.0, 2.0, 1.0)
    res, margin, n = {}, math.inf, 0
    for kind in KINDS:
        lens, losses, consts = [], [], []
        for a in ALPHAS:
            lt = _times(spec, kind, a, seed)
            pl = lt.plateau_length
            m = lt.learned
            lam, rho = lt.lam[:m], lt.rho[:m]
            pp = length_coefficient * (1 / lam[1:] - 1 / lam[:-1]) * math.log(1 / a**2)
            loss_pred = np.array([loss_coefficient * float(np.sum(lt.lam[k:] ** 2))
                                  for k in range(lt.plateau_loss.size)])
            const = np.diff(np.log(lam / rho) / (2 * lam))
            lens.append(float(np.max(np.abs(pl / pp - 1))))
            consts.append(float(np.max(np.abs(pl - pp - const))))
            losses.append(float(np.max(np.abs(lt.plateau_loss - loss_pred))))
            n += pl.size + lt.plateau_loss.size
        res[kind] = {"length_rel_err": lens, "length_abs_err_minus_O1_constant": consts,
                     "loss_abs_err": losses}
        # tolerances: the O(1) constant is matched to 1e-3 at alpha = 1e-8 (measured <= 1e-13:
        # loose); the plateau loss at the midpoint exceeds its limit by about
        # (1/2) lam_{k+1}^2 alpha^(1 - lam_{k+1}/lam_k) (the next component has grown to
        # lam_{k+1} alpha^(1 - lam_{k+1}/lam_k) there) = 2e-4 at alpha = 1e-8 for (4, 2, 1),
        # times rho-dependent factors: the cap 1e-3 allows a factor 5 for them (measured 2.6e-4);
        # 1e-12 is float slack in the monotonicity of losses of size <= 6
        margin = min(margin, 1e-3 - consts[-1], 1e-3 - losses[-1],
                     min(lens[i] - lens[i + 1] for i in range(3)),
                     min(losses[i] - losses[i + 1] + 1e-12 for i in range(3)))
    worst = max(max(v["length_abs_err_minus_O1_constant"][-1], v["loss_abs_err"][-1])
                for v in res.values())
    return margin, {"sample_size": n, "worst_error": worst, "by_kind": res,
                    "alphas": list(ALPHAS)}


def zero_eigenvalue_check(budget: str, seed: int, offset=None, rate: float = 2.0):
    """``Y = diag(1, 0, -1)``, generic B: ``1/x_2(t) - 2t`` vs ``1/(rho_2 alpha^2)``; the
    relative offset error is O(alpha^2). ``offset(rho, alpha)`` and ``rate`` are the claimed c
    and the 2 of 2t (defaults: 1/(rho alpha^2), 2)."""
    Y = np.diag([1.0, 0.0, -1.0])
    B = B_of("generic", 3, seed)
    rho = nf.gram_ratios(B)
    alphas = _q(budget, (0.2, 0.1, 0.05), (0.2, 0.1, 0.05, 0.025))
    errs, n = [], 0
    for a in alphas:
        c_true = 1 / (rho[1] * a * a)
        c = c_true if offset is None else float(offset(rho[1], a))
        worst = 0.0
        for t in (c_true / 10, c_true / 3, c_true):
            x2 = np.sort(np.linalg.eigvalsh(nf.closed_form(Y, a * B, t)))[::-1][1]
            worst = max(worst, abs((1 / x2 - rate * t) / c - 1))
            n += 1
        errs.append(worst)
    scaled = [e / a**2 for e, a in zip(errs, alphas, strict=True)]
    # O(alpha^2): err/alpha^2 must converge. With err = C alpha^2 + D alpha^4 + ..., the steps of
    # err/alpha^2 shrink by 4 when alpha halves; require at least 2 (room for the next order and
    # float error). The cap 5.0 on err/alpha^2 is loose (measured limit ~0.18), not fitted.
    steps = [abs(scaled[i] - scaled[i + 1]) for i in range(len(scaled) - 1)]
    margin = min([5.0 - max(scaled)] + [steps[i] / 2 - steps[i + 1]
                                        for i in range(len(steps) - 1)])
    return margin, {"sample_size": n, "worst_error": max(errs), "rel_offset_error": errs,
                    "error_over_alpha2": scaled, "alphas": list(alphas)}


def limit_check(budget: str, seed: int):
    """``X(t)`` for large ``t`` vs the best PSD rank-``r`` approximation of ``Y`` (random
    indefinite ``Y`` with eigenvalues bounded away from 0 and gaps >= 0.3, generic ``B``)."""
    rng = np.random.default_rng(seed)
    worst, n = 0.0, 0
    for _ in range(_q(budget, 6, 30)):
        n_ = int(rng.integers(2, 5))
        r = int(rng.integers(1, n_ + 3))
        lam = np.sort(rng.choice([-1, 1], n_) * (0.3 + 0.4 * rng.permutation(n_)))[::-1]
        Q, _ = np.linalg.qr(rng.standard_normal((n_, n_)))
        Y = Q @ np.diag(lam) @ Q.T
        B = rng.standard_normal((n_, r))
        pos = [i for i in range(n_) if lam[i] > 0][:r]
        best = sum((lam[i] * np.outer(Q[:, i], Q[:, i]) for i in pos), np.zeros((n_, n_)))
        T = 40.0 / 0.3 * 1.2
        X = nf.closed_form(Y, 1e-2 * B, T)
        worst = max(worst, float(np.abs(X - best).max()))
        n += 1
    # tolerance: with |lam_i| >= 0.3 and gaps >= 0.3 every transient decays at least like
    # e^(-0.6 t) < 1e-40 at t = 160, so what remains is float64 rounding of the closed form
    # (|X| <= 2: ~1e-15); 1e-9 is loose (measured ~1e-15)
    return 1e-9 - worst, {"sample_size": n, "worst_error": worst, "t": 160.0}


def gd_half_step_check(budget: str, seed: int, step=None):
    """Batched GD from ``alpha B`` (seeded Gaussian B): first step with ``x_k >= lam_k/2`` vs
    ``step(lam_k, rho_k, alpha, eta)`` (true: ``ln(lam_k/(rho_k alpha^2)) / (2 ln(1 + eta
    lam_k))``); claim: within one step."""
    step = step or (lambda lam_, rho, a, eta: np.log(lam_ / (rho * a * a))
                    / (2 * np.log(1 + eta * lam_)))
    Y = np.diag([4.0, 2.0, 1.0])
    lam = np.diag(Y)
    batch = _q(budget, 16, 128)
    worst, n = 0.0, 0
    worst_at = None
    for eta in (0.01, 0.05, 0.2):
        for a in (1e-2, 1e-4, 1e-6):
            Bs = nf.random_inits(3, 3, batch, seed)
            rhos = np.array([nf.gram_ratios(B) for B in Bs])
            preds = np.broadcast_to(np.asarray(step(lam, rhos, a, eta), dtype=float),
                                    rhos.shape)
            true = np.log(lam / (rhos * a * a)) / (2 * np.log(1 + eta * lam))
            steps = int(1.2 * max(float(true.max()), float(np.nanmax(preds)))) + 60
            run = nf.gd_run(Y, a * Bs, eta, steps)
            hs = run.half_steps(lam)
            for b in range(batch):
                d = float(np.max(np.abs(hs[b] - preds[b]))) if np.all(hs[b] >= 0) else math.inf
                n += 3
                if d > worst:
                    worst, worst_at = d, {"eta": eta, "alpha": a, "b": b}
    # tolerance: "within one step" is the claim itself
    return 1.0 - worst, {"sample_size": n, "worst_error": worst, "worst_at": worst_at,
                         "unit": "steps"}


def gd_sharpness_check(budget: str, seed: int, sharpness=None):
    """Largest Hessian eigenvalue at a minimiser ``U = Y^{1/2} [I 0] R`` (random PSD Y, random
    orthogonal R, ``r >= n``), from the exact quadratic form, vs ``2 lam_1``."""
    rng = np.random.default_rng(seed)
    worst, n = 0.0, 0
    for _ in range(_q(budget, 10, 60)):
        n_ = int(rng.integers(1, 5))
        r = n_ + int(rng.integers(0, 3))
        A = rng.standard_normal((n_, n_))
        Y = A @ A.T
        lam, Q = np.linalg.eigh(Y)
        R, _ = np.linalg.qr(rng.standard_normal((r, r)))
        U = np.hstack([Q @ np.diag(np.sqrt(np.maximum(lam, 0))) @ Q.T, np.zeros((n_, r - n_))]) @ R
        H = np.zeros((n_ * r, n_ * r))
        E = np.eye(n_ * r)
        for i in range(n_ * r):
            for j in range(n_ * r):
                V, W = E[i].reshape(n_, r), E[j].reshape(n_, r)
                H[i, j] = 0.5 * np.sum((U @ V.T + V @ U.T) * (U @ W.T + W @ U.T))
        top = float(np.linalg.eigvalsh(H).max())
        claimed = 2 * lam.max() if sharpness is None else float(sharpness(lam.max()))
        worst = max(worst, abs(top - claimed) / lam.max())
        n += 1
    # tolerance: eigvalsh of a symmetric matrix of size <= 24 has backward error ~ 24 eps |H|
    # (~5e-15 relative); 1e-10 is loose (measured ~2e-15)
    return 1e-10 - worst, {"sample_size": n, "worst_error": worst}


def gd_stability_check(budget: str, seed: int, c_max: float = 1.0):
    """Matrix GD (n = 3, r = 3) started 1e-3 from a minimiser: converges for eta lam_1 = 0.95,
    leaves the minimum for eta lam_1 = 1.05 (on random PSD Y with distinct eigenvalues)."""
    rng = np.random.default_rng(seed)
    count, bad = 0, None
    for _ in range(_q(budget, 4, 20)):
        lam = np.sort(rng.uniform(0.5, 3.0, 3))[::-1]
        Y = np.diag(lam)
        U0 = np.diag(np.sqrt(lam)) + 1e-3 * rng.standard_normal((3, 3))
        for c, should in ((0.95 * c_max, True), (1.05 * c_max, False)):
            run = nf.gd_run(Y, U0, c / lam[0], 4000)
            final = run.loss[0, -1]
            # converged: at c = 0.95 every non-neutral multiplier has |1 - eta h| <= 0.9, so the
            # loss (quadratic in the deviation, ~1e-6 at the start) falls to the float64 floor
            # (~(eps |Y|)^2 ~ 1e-30) long before 4000 steps; at c = 1.05 the top mode grows. The
            # threshold 1e-20 lies between the floor and the start.
            converged = bool(np.isfinite(final) and final < 1e-20)
            count += 1
            if converged != should:
                bad = {"lam": lam.tolist(), "c": c}
    return (0.0 if bad is None else -1.0), {"sample_size": count, "worst_at": bad}


def two_cycle_check(budget: str, seed: int, claimed=None):
    """Iterate scalar GD at ``c = eta lam`` in (1, sqrt5 - 1): the orbit of ``s = u^2/lam``
    converges to the derived 2-cycle; also full matrix GD (n = 2) with ``c_1`` in range and
    ``c_2 < 1``: the top eigenvalue of X alternates between ``lam_1 s_-`` and ``lam_1 s_+``."""
    cl = claimed or _TWO_CYCLE
    s_lo = sp.lambdify(_C, cl["s_minus"])
    s_hi = sp.lambdify(_C, cl["s_plus"])
    c_top = float(cl["c_max"])
    worst, n = 0.0, 0
    for c in np.linspace(1.02, c_top - 0.02, _q(budget, 8, 40)):
        v = 0.9
        for _ in range(20000):
            v = v * (1 + c - c * v * v)
        pair = sorted([v * v, (v * (1 + c - c * v * v)) ** 2])
        worst = max(worst, abs(pair[0] - s_lo(c)), abs(pair[1] - s_hi(c)))
        n += 1
    rng = np.random.default_rng(seed)
    Y = np.diag([2.0, 0.5])
    for c in (1.1, 1.2):
        run = nf.gd_run(Y, 0.1 * rng.standard_normal((1, 2, 2)), c / 2.0, 6000)
        top = run.eigs[0, -2:, 0] / 2.0
        worst = max(worst, abs(min(top) - s_lo(c)), abs(max(top) - s_hi(c)))
        n += 1
    # tolerance: for c in [1.02, sqrt5 - 1.02] the cycle multiplier has |7 - 4c - 2c^2| <= 0.84,
    # so 20000 (6000) steps reach the cycle to float64 rounding (~1e-15); 1e-8 is loose
    return 1e-8 - worst, {"sample_size": n, "worst_error": worst}


# =============================================================================================
# B. depth N
# =============================================================================================
def _layer_gradient_step(g):
    a, P = sp.symbols("w_j P_j", positive=True)
    return _id(g.layer_grad, (a * P - g.lam) * P,
               "every N: the product of the layers is w_j P_j with P_j = prod_{i != j} w_i free "
               "of w_j, so dL/dw_j = (w_j P_j - lam) P_j")


def _dmf_ode_general(rhs=None):
    g = mf.deep_general()
    w, N, lam = g.w, g.N, g.lam
    claimed = g.claimed_rhs if rhs is None else rhs.subs(X_SYM, w**N)
    return [
        _layer_gradient_step(g),
        _id(g.balanced_field, -(w**N - lam) * w ** (N - 1),
            "symbolic N: balanced layers (w_i = w, P_j = w^(N-1); W_j(0) = alpha I are equal "
            "and stay equal, each layer following the same ODE): w' = -(w^N - lam) w^(N-1)"),
        _id(g.x_rhs, claimed,
            "symbolic N, w > 0: x = w^N, x' = N w^(N-1) w' = N x^(2-2/N)(lam - x)"),
    ]


def _dmf_ode_steps():
    steps = []
    for N in (2, 3, 4, 5):
        d = mf.deep_aligned(N)
        steps.append(_id(d.x_rhs, d.claimed_rhs, f"N={N}: x' = N x^(2-2/N)(lam - x) from the "
                         "derived layer-wise flow", at={"N": N}))
    return steps


def _dmf_asym_steps(lead=None):
    g = mf.deep_general()
    w, N, lam = g.w, g.N, g.lam
    x, e = sp.symbols("x e", nonnegative=True)
    ep = sp.Symbol("e", positive=True)
    a, W = mf.alpha_sym, sp.Symbol("W", positive=True)
    xs = sp.Symbol("x", positive=True)
    first = 1 / (lam * w ** (N - 1))
    return [
        _id(g.integrand_x.subs(xs, w**N) * N * w ** (N - 1), g.integrand_w,
            "symbolic N: x = w^N turns T = int_{alpha^N}^{lam/2} dx/(N x^(2-2/N)(lam - x)) into "
            "int_alpha^W dw/(w^(N-1)(lam - w^N)), W = (lam/2)^(1/N)"),
        _id(g.integrand_w, g.partial_fractions,
            "symbolic N: 1/(w^(N-1)(lam - w^N)) = 1/(lam w^(N-1)) + w/(lam(lam - w^N))"),
        _id(sp.diff(g.antiderivative, w), first,
            "symbolic N != 2: d/dw [-w^(2-N)/((N-2) lam)] = 1/(lam w^(N-1))"),
        _id(g.antiderivative.subs(w, W) - g.antiderivative.subs(w, a),
            (1 / ((N - 2) * lam * a ** (N - 2)) if lead is None else lead)
            - W ** (2 - N) / ((N - 2) * lam),
            "symbolic N: int_alpha^W dw/(lam w^(N-1)) = 1/((N-2) lam alpha^(N-2)) - "
            "W^(2-N)/((N-2) lam) (N >= 3: the leading term plus a constant)"),
        ev.positivity(1 / (lam * (lam - x)), substitute={lam: x + ep},
                      description="remainder integrand w/(lam(lam - w^N)) > 0 (x = w^N < lam)"),
        ev.positivity(2 / lam**2 - 1 / (lam * (lam - x)), substitute={lam: 2 * x + e},
                      strict=False, description="1/(lam(lam - x)) <= 2/lam^2 for x = w^N <= "
                      "lam/2: the remainder integrand is at most 2w/lam^2"),
        _id(sp.diff(w**2 / lam**2, w), 2 * w / lam**2,
            "int_0^W 2w/lam^2 dw = W^2/lam^2: 0 <= remainder <= W^2/lam^2, independent of "
            "alpha, so T = 1/((N-2) lam alpha^(N-2)) + O(1) for N >= 3"),
        _id(sp.diff(sp.log(w) / lam, w), first.subs(N, 2),
            "N = 2: int_alpha^W dw/(lam w) = ln(W/alpha)/lam, so T = ln(W/alpha)/lam + O(1) "
            "is logarithmic in 1/alpha"),
    ]


@functools.cache
def _deep_bound_fns():
    """Float forms (lambdified from theory) of the proven enclosure of ``T - lead``."""
    g = mf.deep_general()
    W = sp.Symbol("W", positive=True)
    const = sp.lambdify((g.N, g.lam, W), g.antiderivative.subs(g.w, W), "math")
    width = sp.lambdify((g.lam, W), W**2 / g.lam**2, "math")
    lead = sp.lambdify((g.N, g.lam, mf.alpha_sym), -g.antiderivative.subs(g.w, mf.alpha_sym),
                       "math")
    return const, width, lead


def dmf_asymptotic_check(budget: str, seed: int, lead=None):
    """Quadrature times against the proven enclosure (dmf.half_time.asymptotic): for N = 3, 4, 5,
    ``T - 1/((N-2) lam alpha^(N-2))`` lies in ``[-c1, -c1 + W^2/lam^2]`` with ``c1 =
    W^(2-N)/((N-2) lam)``, ``W = (lam/2)^(1/N)``; for N = 2, ``T = ln(lam/alpha^2 - 1)/(2 lam)``.

    Tolerance: T comes from mpmath quadrature at 30 digits rounded to float64, the leading term
    and the bounds are float64 expressions; the float error model of the subtraction is a few ulp
    of ``|T| + |lead|``, so ``16 eps (|T| + |lead|)`` (and ``16 eps |T|`` for N = 2)."""
    const, width, lead_fn = _deep_bound_fns()
    if lead is not None:
        g = mf.deep_general()
        lead_fn = sp.lambdify((g.N, g.lam, mf.alpha_sym), lead, "math")
    eps = np.finfo(float).eps
    res, margin, n = {}, math.inf, 0
    for N in (3, 4, 5):
        for lam in (0.5, 2.0):
            W = (lam / 2) ** (1 / N)
            lo, hi = const(N, lam, W), const(N, lam, W) + width(lam, W)
            rows = []
            for a in (1e-1, 1e-2, 1e-3):
                T = nf.deep_half_time(N, lam, a)
                lead = lead_fn(N, lam, a)
                tol = 16 * eps * (abs(T) + abs(lead))
                d = T - lead
                rows.append(d)
                margin = min(margin, d - lo + tol, hi - d + tol)
                n += 1
            res[f"N={N},lam={lam}"] = {"T_minus_lead": rows, "enclosure": [lo, hi]}
    T2 = nf.deep_half_time(2, 1.0, 1e-3)
    e2 = abs(T2 - math.log(1e6 - 1) / 2)
    margin = min(margin, 16 * eps * T2 - e2)
    return margin, {"sample_size": n + 1, "worst_error": e2, "by_case": res, "N2_error": e2}


def _dmf_gd_general(threshold=None):
    g = mf.deep_general()
    N, m, c = g.N, g.m, g.c
    o, ot, x = mf.nc_symbols("1_N 1_N^T x")
    z = sp.Symbol("z")
    s = sp.Symbol("s", positive=True)
    J = 1 - c * o * ot
    return [
        _layer_gradient_step(g),
        _id(g.jac_diag, 1 - c, "symbolic N: dF_j/dw_j = 1 - eta P_j^2 = 1 - eta m^(2N-2) at "
            "w_i = m, lam = m^N (the term with w_j P_j - lam vanishes there)"),
        _id(g.jac_off, -c, "symbolic N: dF_j/dw_k = -eta m^(2N-2) for k != j (P_j = w_k R, "
            "R = m^(N-2)): J = I - c 1 1^T, c = eta m^(2N-2)"),
        _id(J * o - (1 - c * N) * o, -c * o * (ot * o - N),
            "J 1 = (1 - c N) 1 since 1^T 1 = N"),
        _id(J * x - x, -c * o * (ot * x),
            "J x = x for 1^T x = 0: eigenvalue 1 on the (N-1)-dimensional 1^perp, the tangent "
            "space of the minimiser manifold prod w = lam at m 1 (neutral directions)"),
        _id((z - 1) ** N * (1 + c * N / (z - 1)), (z - 1) ** (N - 1) * (z - 1 + c * N),
            "symbolic N, matrix determinant lemma: det(zI - J) = (z-1)^N (1 + c 1^T 1/(z-1)) "
            "= (z - 1)^(N-1) (z - 1 + c N)"),
        _id((g.threshold if threshold is None else threshold).subs(g.lam, m**N),
            2 / (N * m ** (2 * N - 2)),
            "symbolic N: 2/(N lam^(2-2/N)) = 2/(N m^(2N-2)) at lam = m^N, so eta < threshold "
            "iff s = c N < 2"),
        _id(1 - (1 - s) ** 2, s * (2 - s), "1 - (1 - s)^2 = s(2 - s)"),
        ev.sign_fact(s * (2 - s), s, 0, 2, statement="|1 - cN| < 1 for 0 < s = cN < 2"),
        ev.sign_fact(s * (2 - s), s, 2, sp.oo, "<", statement="|1 - cN| > 1 for s = cN > 2"),
        _id((1 - s).subs(s, 2), -1, "multiplier -1 at s = 2 (not stable)"),
    ]


def _dmf_gd_steps():
    steps = []
    z, m = sp.Symbol("z"), sp.Symbol("m", positive=True)
    for N in (2, 3, 4, 5):
        d = mf.deep_aligned(N)
        J = d.gd.jacobian().subs({d.lam: m**N}).subs({wj: m for wj in d.w})
        # lam = m^N, so lam^(2 - 2/N) = m^(2N - 2)
        expected = (z - 1) ** (N - 1) * (z - (1 - mf.eta_sym * N * m ** (2 * N - 2)))
        steps.append(_id(J.charpoly(z).as_expr(), sp.expand(expected),
                         f"N={N}: charpoly of the derived Jacobian at w_j = lam^(1/N) is "
                         "(z - 1)^(N-1) (z - 1 + eta N lam^(2-2/N))", at={"N": N}))
    return steps


def dmf_quadrature_check(budget: str, seed: int):
    """Half-learning time by quadrature vs the ODE event time (DOP853, rtol 1e-12)."""
    worst, n = 0.0, 0
    for N in (2, 3, 4, 5):
        for lam in (0.5, 2.0):
            for a in (0.3, 0.1):
                tq = nf.deep_half_time(N, lam, a)
                to = nf.deep_half_time_ode(N, lam, a)
                worst = max(worst, abs(tq - to) / tq)
                n += 1
    # tolerance: the event time of DOP853 at rtol = atol = 1e-12 carries a global relative error
    # of ~1e-11 (measured 5e-12); the quadrature (30 digits) is exact to float64; 1e-8 is loose
    return 1e-8 - worst, {"sample_size": n, "worst_error": worst}


def dmf_gd_check(budget: str, seed: int, threshold=None):
    """Layer-wise GD (N layers, balanced start 1e-3 off the minimum, plus a random layer
    perturbation) converges for eta = 0.95 x threshold and not for 1.05 x threshold."""
    rng = np.random.default_rng(seed)
    count, bad = 0, None
    for N in (2, 3, 4):
        for lam in (0.7, 1.5):
            thr = 2 / (N * lam ** (2 - 2 / N)) if threshold is None else \
                float(threshold(N, lam))
            for f, should in ((0.95, True), (1.05, False)):
                w = lam ** (1 / N) * (1 + 1e-3 * rng.standard_normal(N))
                eta = f * thr
                for _ in range(5000):
                    x = np.prod(w)
                    w = w - eta * (x - lam) * x / w
                    if not np.all(np.isfinite(w)) or np.abs(w).max() > 1e6:
                        break
                # converged: at 0.95 x threshold the transverse multiplier is -0.9, so 5000 steps
                # reach float64 rounding (~1e-16 lam); 1e-10 separates that from the 2-cycle or
                # divergence (|prod w - lam| = O(1)) at 1.05 x; 1e6 is a divergence guard
                ok = bool(np.all(np.isfinite(w)) and abs(np.prod(w) - lam) < 1e-10)
                count += 1
                if ok != should:
                    bad = {"N": N, "lam": lam, "factor": f}
    return (0.0 if bad is None else -1.0), {"sample_size": count, "worst_at": bad}


# =============================================================================================
# claims
# =============================================================================================
def _c(id_, statement, part, evidence=(), **kw):
    return Claim(id=id_, statement=statement, source=src(part), model=MODEL, evidence=evidence,
                 **kw)


CLAIMS = [
    _c("mf.flow", "For L = 1/4 |UU^T - Y|_F^2 the gradient flow is dU/dt = (Y - UU^T) U.",
       "A (setup)", [ev.argument(_flow_general, "entrywise gradient, every n and r"),
                     ev.argument(_flow_steps, "flow derived from the loss by theory.gd, "
                                 "(n, r) = (2, 3), (3, 2)", at={"(n, r)": ((2, 3), (3, 2))})]),
    _c("mf.riccati", "X = UU^T obeys dX/dt = YX + XY - 2X^2.", "A [mf.riccati]",
       claimed={"rhs": RICCATI_RHS},
       build=lambda c: [
        ev.argument(lambda: _riccati_general(c["rhs"]), "d(UU^T)/dt in the free algebra (every "
                    "n, r)"),
        ev.argument(lambda: _riccati_steps(c["rhs"]), "d(UU^T)/dt along the derived flow, "
                    "explicit sizes",
                    at={"(n, r)": ((1, 1), (2, 1), (2, 3), (3, 2))})]),
    _c("mf.closed_form",
       "X(t) = e^{Yt} U0 (I_r + 2 U0^T S(t) U0)^{-1} U0^T e^{Yt}, S(t) = int_0^t e^{2Ys} ds, "
       "solves the Riccati equation with X(0) = U0 U0^T for any U0 (any r) and any symmetric Y "
       "(indefinite or singular).", "A [mf.closed_form]",
       claimed={"factor": sp.Integer(2)},
       build=lambda c: [
        ev.argument(lambda: closed_form_general_steps(c["factor"]),
                    "Leibniz rule in the free algebra (every n, r) "
                    "with E' = YE, S' = E^2, (P^-1)' = -P^-1 P' P^-1 and [Y, E] = 0; "
                    "P = I + 2 U0^T S U0 >= I is invertible for t >= 0"),
        ev.argument(lambda: closed_form_steps(c["factor"]),
                    "eigenbasis cross-check: polynomial identity N'D - ND' - "
                    "D(YN + NY) + 2N^2 = 0 with e' = lam e, s' = e^2, n <= 3, r <= 4",
                    at={"(n, r)": CLOSED_FORM_SIZES})]),
    _c("mf.closed_form.ode",
       "The closed form agrees with an ODE solver to relative error < 1e-9 on random cases "
       "(n <= 5, r in {1, n, n+2}, indefinite Y), including times where float64 evaluation "
       "of the closed form fails (it is evaluated in mpmath at a precision chosen from "
       "2 lam_1 t).", "A [mf.closed_form]",
       [ev.computed(closed_form_vs_ode, "closed form (mpmath) vs DOP853 rtol 1e-13")]),
    _c("mf.inverse_form",
       "When X0 is invertible, X(t)^{-1} = e^{-Yt} X0^{-1} e^{-Yt} + 2 int_0^t e^{-2Ys} ds.",
       "A [mf.closed_form]",
       [ev.argument(_inverse_general, "free algebra (every n): Z' = 2I - YZ - ZY, Z(0) = X0^-1, "
                    "and Z^-1 solves the Riccati equation"),
        ev.argument(_inverse_steps, "eigenbasis cross-check, n <= 2", at={"n": (1, 2)})]),
    _c("mf.aligned",
       "U0 = alpha I, Y diagonal: each eigenvalue follows sigma_k(t) = lam_k / (1 + (lam_k/"
       "alpha^2 - 1) e^{-2 lam_k t}).", "A [mf.aligned]",
       claimed={"sigma": LAM_K / (1 + (LAM_K / mf.alpha_sym**2 - 1)
                                  * sp.exp(-2 * LAM_K * mf.t_sym))},
       build=lambda c: [ev.argument(lambda: _aligned_steps(c["sigma"]),
                                    "diagonal Riccati equation decouples: logistic ODE and "
                                    "initial value for a symbolic lam_k (every component, "
                                    "every n)")]),
    _c("mf.aligned.half_time",
       "In the aligned case component k is half-learned at t_k = ln(lam_k/alpha^2 - 1)/"
       "(2 lam_k).", "A [mf.aligned]",
       claimed={"t_half": sp.log(LAM / mf.alpha_sym**2 - 1) / (2 * LAM)},
       build=lambda c: [ev.argument(lambda: _half_time_steps(c["t_half"]), "substitution")]),
    _c("mf.aligned.width",
       "In the aligned case the 10% -> 90% width is ln 9 / lam_k, independent of alpha.",
       "A [mf.aligned]", claimed={"width": sp.log(9) / LAM},
       build=lambda c: [ev.argument(lambda: _width_steps(c["width"]), "t_p for the logistic")]),
    _c("mf.generic_times",
       "Generic U0 = alpha B: t_k = ln(lam_k/(rho_k alpha^2))/(2 lam_k) + o(1), rho_k = "
       "det G_k/det G_{k-1} (G_k the Gram matrix of the first k rows of Q^T B); the error "
       "vanishes polynomially (measured ~alpha^1.5 to alpha^2) as alpha -> 0, for aligned, "
       "generic, under- (r = n-1) and over-parameterised (r = n+2) B.",
       "A [mf.generic_times]",
       claimed={"t_k": sp.log(LAM / (RHO * mf.alpha_sym**2)) / (2 * LAM)},
       build=lambda c: [ev.computed(functools.partial(generic_times_check, predict=sp.lambdify(
           (LAM, RHO, mf.alpha_sym), c["t_k"], "numpy")),
           "exact t_k (closed form + Brent) vs prediction, alpha = 1e-2 .. 1e-8")]),
    _c("mf.generic_times.order",
       "For small alpha (here alpha <= 1e-3, eigenvalue ratios >= 1.5) components are learned "
       "in order of decreasing lam.", "A [mf.generic_times]",
       [PropertySearch(order_margin, {"l1": (0.5, 4.0), "gap1": (1.5, 4.0), "gap2": (1.5, 4.0),
                                      "log_alpha": (-8.0, -3.0), "bseed": range(0, 1000)},
                       examples={"quick": 8, "full": 120},
                       description="Hypothesis over spectra, alpha and B: min t_{k+1} - t_k")]),
    _c("mf.generic_times.ratio",
       "t_{k+1}/t_k -> lam_k/lam_{k+1} as alpha -> 0, only logarithmically (error * "
       "ln(1/alpha^2) stays bounded).", "A [mf.generic_times]",
       claimed={"ratio": LAM / LAM_NEXT},
       build=lambda c: [ev.computed(functools.partial(ratio_check, ratio=sp.lambdify(
           (LAM, LAM_NEXT), c["ratio"], "math")), "exact times at alpha = 1e-2 .. 1e-32")]),
    _c("mf.plateau",
       "Plateau k lasts (1/2)(1/lam_{k+1} - 1/lam_k) ln(1/alpha^2) + O(1) (the O(1) term is "
       "ln(lam_{k+1}/rho_{k+1})/(2 lam_{k+1}) - ln(lam_k/rho_k)/(2 lam_k)) and its loss tends "
       "to (1/4) sum_{i>k} lam_i^2.", "A [mf.generic_times]",
       claimed={"length_coefficient": sp.Rational(1, 2), "loss_coefficient": sp.Rational(1, 4)},
       build=lambda c: [ev.computed(functools.partial(
           plateau_check, length_coefficient=float(c["length_coefficient"]),
           loss_coefficient=float(c["loss_coefficient"])),
           "exact plateaus vs predictions on four kinds of B")]),
    _c("mf.zero_eigenvalue",
       "A zero eigenvalue's component decays as 1/(2t + c) with c = (1 + O(alpha^2))/(rho_k "
       "alpha^2), once the earlier components are learned.", "A [mf.generic_times]",
       claimed={"offset": 1 / (RHO * mf.alpha_sym**2), "rate": sp.Integer(2)},
       build=lambda c: [ev.computed(functools.partial(
           zero_eigenvalue_check, offset=sp.lambdify((RHO, mf.alpha_sym), c["offset"], "math"),
           rate=float(c["rate"])), "closed form, Y = diag(1, 0, -1)")]),
    _c("mf.rank_deficient",
       "With r < k, rho_k = 0 and the k-th component is never learned (rank X(t) <= r).",
       "A [mf.generic_times]",
       [ev.argument(_rank_steps, "det G_k = 0 by exact expansion", at={"(k, r)": RANK_SIZES}),
        ev.computed(rank_deficient_numeric, "closed form X(t), n = 3, r = 1, 2: eigenvalue "
                    "r + 1 of X(t) vanishes")],
       forall={"(k, r)": "every k > r >= 1"}),
    _c("mf.limit",
       "X(t) -> the best PSD rank-r approximation of Y (generic B; any symmetric Y).",
       "A [mf.generic_times]", [ev.computed(limit_check, "closed form at t = 160")]),
    _c("mf.gd.half_step",
       "GD U' = U - eta (UU^T - Y) U half-learns component k at step ln(lam_k/(rho_k alpha^2))/"
       "(2 ln(1 + eta lam_k)) within one step (eta lam_1 <= 0.8).", "A [mf.gd]",
       claimed={"step": sp.log(LAM / (RHO * mf.alpha_sym**2)) / (2 * sp.log(1 + ETA * LAM))},
       build=lambda c: [ev.computed(functools.partial(
           gd_half_step_check, step=sp.lambdify((LAM, RHO, mf.alpha_sym, ETA), c["step"],
                                                "numpy")), "batched GD, seeded B")]),
    _c("mf.gd.sharpness",
       "The sharpness at a minimiser (Y PSD) is 2 lam_1.", "A [mf.gd]",
       claimed={"sharpness": 2 * LAM_1},
       build=lambda c: [
        ev.computed(functools.partial(gd_sharpness_check,
                                      sharpness=sp.lambdify(LAM_1, c["sharpness"], "math")),
                    "exact Hessian quadratic form, random PSD Y"),
        ev.argument(lambda: _sharpness_steps(c["sharpness"]),
                    "Hessian spectra at explicit minimisers",
                    at={"(n, r)": SHARPNESS_SIZES})],
       forall={"(n, r)": "every n, r >= 1"}),
    _c("mf.gd.stability", "GD is linearly stable at the minimum (Y PSD) iff eta lam_1 < 1.",
       "A [mf.gd]",
       # the numeric check brackets the threshold at +-5%: mutants are 20% off
       claimed={"c_max": sp.Integer(1)}, mutation_delta=0.2,
       build=lambda c: [
        ev.computed(functools.partial(gd_stability_check, c_max=float(c["c_max"])),
                    "matrix GD at eta lam_1 = 0.95 and 1.05"),
        ev.argument(lambda: _stability_steps(c["c_max"]),
                    "multipliers 1 - eta h of the GD Jacobian at explicit "
                    "minimisers, and the scalar map", at={"(n, r)": SHARPNESS_SIZES})],
       forall={"(n, r)": "every n, r >= 1"}),
    _c("mf.gd.two_cycle",
       "For 1 < c = eta lam < sqrt5 - 1 the learned component has an exact stable 2-cycle: "
       "u^2/lam alternates between s_+- = (c + 1 +- sqrt((c - 1)(c + 3)))/(2c), multiplier "
       "7 - 4c - 2c^2; it exists for all c > 1.", "A [mf.gd]",
       claimed=dict(_TWO_CYCLE),
       build=lambda c: [
        ev.computed(functools.partial(two_cycle_check, claimed=c), "scalar and matrix GD orbits"),
        ev.argument(lambda: _two_cycle_steps(c), "derivation of the 2-cycle")]),
    _c("dmf.ode",
       "Depth-N aligned model (W_j(0) = alpha I, loss 1/2|W_N...W_1 - Y|^2): each component "
       "x = w^N follows x' = N x^{2-2/N}(lam - x).", "dmf (B)",
       claimed={"rhs": N_SYM * X_SYM ** (2 - 2 / N_SYM) * (LAM - X_SYM)},
       build=lambda c: [
        ev.argument(lambda: _dmf_ode_general(c["rhs"]),
                    "balanced layer-wise flow, symbolic depth N"),
        ev.argument(_dmf_ode_steps, "derived layer-wise flow, N = 2..5",
                    at={"N": (2, 3, 4, 5)})],
       forall={"N": "every N >= 1"}),
    _c("dmf.half_time",
       "The half-learning time is T = int_{alpha^N}^{lam/2} dx/(N x^{2-2/N}(lam - x)).",
       "dmf (B)", [ev.computed(dmf_quadrature_check, "quadrature vs ODE event")]),
    _c("dmf.half_time.asymptotic",
       "For N >= 3, T = 1/((N-2) lam alpha^{N-2}) + O(1) (polynomial separation); for N = 2 "
       "it is logarithmic.", "dmf (B)",
       claimed={"lead": 1 / ((N_SYM - 2) * LAM * mf.alpha_sym ** (N_SYM - 2))},
       build=lambda c: [
        ev.computed(functools.partial(dmf_asymptotic_check, lead=c["lead"]),
                    "quadrature, alpha = 1e-1 .. 1e-3, inside the proven "
                    "enclosure"),
        ev.argument(lambda: _dmf_asym_steps(c["lead"]),
                    "substitution x = w^N, partial fractions, a primitive of "
                    "the leading part and a bound on the rest (symbolic N)")],
       forall={"N": "every N >= 3"}),
    _c("dmf.gd",
       "Layer-wise GD is linearly stable at w* = lam^{1/N} iff eta < 2/(N lam^{2-2/N}).",
       "dmf (B)", claimed={"threshold": 2 / (N_SYM * LAM ** (2 - 2 / N_SYM))},
       mutation_delta=0.2,   # well above the +-5% bracket of the numeric check
       build=lambda c: [
           ev.computed(functools.partial(dmf_gd_check, threshold=sp.lambdify(
               (N_SYM, LAM), c["threshold"], "math")), "layer-wise GD at 0.95 and 1.05 x "
               "threshold"),
           ev.argument(lambda: _dmf_gd_general(c["threshold"]),
                       "Jacobian I - c 1 1^T at the balanced minimum, "
                       "symbolic depth N"),
           ev.argument(_dmf_gd_steps, "Jacobian eigenvalues, N = 2..5",
                       at={"N": (2, 3, 4, 5)})],
       forall={"N": "every N >= 1"}),
]


# =============================================================================================
# table and plots
# =============================================================================================
#: option limits of the table and plots: eigenvalues in [SPEC_MIN, SPEC_MAX] with a ratio of at
#: most SPEC_RATIO, at most 6 of them; alpha in [ALPHA_MIN, 1); at most 8 alphas and 4 kinds of B;
#: a B file of at most B_FILE_MAX bytes with at most B_COLS_MAX columns. The closed form is
#: evaluated at a precision that grows with 2 lam_1 t, and t_k ~ ln(1/(rho_k alpha^2))/(2 lam_k):
#: these bounds keep 2 lam_1 t_k below ~1e4 e-foldings (a few thousand digits), and
#: MAX_EFOLDINGS refuses inputs (a B with a tiny rho_k) that would go beyond.
SPEC_MIN, SPEC_MAX, SPEC_RATIO = 1e-2, 1e2, 100.0
ALPHA_MIN = 1e-12
B_FILE_MAX = 2**20
B_COLS_MAX = 64
MAX_EFOLDINGS = 2e4


def _parse_spectrum(text) -> tuple:
    try:
        vals = tuple(float(v) for v in str(text).replace(" ", "").split(",") if v)
    except ValueError:
        raise ValueError(f"spectrum {text!r} is not a comma-separated list of numbers") from None
    if not vals or not all(math.isfinite(v) for v in vals):
        raise ValueError(f"spectrum {text!r} is empty or not finite")
    if len(vals) > 6:
        raise ValueError(f"spectrum {text!r}: at most 6 eigenvalues")
    if not all(SPEC_MIN <= v <= SPEC_MAX for v in vals):
        raise ValueError(f"spectrum {text!r}: every eigenvalue must lie in [{SPEC_MIN:g}, "
                         f"{SPEC_MAX:g}] (learning times need lambda_k > 0)")
    if max(vals) / min(vals) > SPEC_RATIO:
        raise ValueError(f"spectrum {text!r}: the ratio of the largest to the smallest "
                         f"eigenvalue must be at most {SPEC_RATIO:g}")
    return tuple(sorted(vals, reverse=True))


def _parse_alphas(text) -> tuple:
    try:
        vals = tuple(float(v) for v in str(text).split(",") if v.strip())
    except ValueError:
        raise ValueError(f"alphas {text!r} is not a comma-separated list of numbers") from None
    if not vals or not all(ALPHA_MIN <= v < 1 for v in vals):
        raise ValueError(f"alphas {text!r} must lie in [{ALPHA_MIN:g}, 1)")
    if len(vals) > 8:
        raise ValueError(f"alphas {text!r}: at most 8 values")
    return vals


def _parse_seed(seed) -> int:
    try:
        sd = int(seed)
    except (TypeError, ValueError):
        raise ValueError(f"seed {seed!r} is not an integer") from None
    if not 0 <= sd < 2**32:
        raise ValueError(f"seed {seed!r} must lie in [0, 2^32)")
    return sd


def _parse_budget(budget) -> str:
    if budget not in ("quick", "full"):
        raise ValueError(f"budget {budget!r} is not quick or full")
    return budget


def _parse_kind(kind) -> str:
    kind = str(kind).strip()
    if kind not in KINDS:
        raise ValueError(f"B kind {kind!r} is not one of {', '.join(KINDS)}")
    return kind


def _check_efoldings(spec: tuple, B: np.ndarray, alphas, what: str):
    """Refuse inputs whose learning times need more than MAX_EFOLDINGS of the closed form."""
    rho = nf.gram_ratios(B)
    lam = np.asarray(spec)
    m = min(len(lam), rho.size)
    pos = rho[:m] > 0
    if not np.any(pos):
        return
    t = np.log(lam[:m][pos] / (rho[:m][pos] * min(alphas) ** 2)) / (2 * lam[:m][pos])
    if 2 * lam[0] * float(np.max(t)) > MAX_EFOLDINGS:
        raise ValueError(f"{what}: the learning times would need 2 lambda_1 t > "
                         f"{MAX_EFOLDINGS:g} (a B with a tiny rho_k, or alpha too small)")


def _load_B(path: str, n: int) -> np.ndarray:
    """An ``n x r`` initialisation direction from a ``.npy`` or text file (one row per line) of at
    most :data:`B_FILE_MAX` bytes and :data:`B_COLS_MAX` columns."""
    import os

    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise ValueError(f"B file {path!r}: {type(exc).__name__}: {exc}") from None
    if size > B_FILE_MAX:
        raise ValueError(f"B file {path!r}: {size} bytes, more than the limit {B_FILE_MAX}")
    try:
        if path.endswith(".npy"):
            B = np.load(path, allow_pickle=False)
        else:
            B = np.loadtxt(path, ndmin=2)
    except (OSError, ValueError) as exc:
        raise ValueError(f"B file {path!r}: {type(exc).__name__}: {exc}") from None
    B = np.asarray(B, dtype=np.float64)
    if B.ndim == 1:
        B = B[:, None]
    if B.ndim != 2 or B.shape[0] != n or not np.all(np.isfinite(B)):
        raise ValueError(f"B file {path!r}: need a finite {n} x r matrix, got shape {B.shape}")
    if not 1 <= B.shape[1] <= B_COLS_MAX or np.abs(B).max() > 1e6:
        raise ValueError(f"B file {path!r}: need 1 <= r <= {B_COLS_MAX} columns and entries of "
                         "size at most 1e6")
    return B


def learning_times_table(spectrum="4,2,1", B="aligned,generic", alphas="1e-2,1e-4,1e-6,1e-8",
                         seed="0") -> Table:
    """Exact (closed form + root finding) and predicted learning times, their error, plateau
    lengths and plateau losses, for ``Y = diag(spectrum)`` and ``U0 = alpha B``.

    Options (strings, from the command line): ``spectrum`` e.g. ``"4,2,1"``; ``B`` a
    comma-separated list of kinds ``aligned | generic | under | over`` or ``file:PATH`` (an
    ``n x r`` matrix in a ``.npy`` file or a whitespace-separated text file, ``n`` the length of
    the spectrum); ``alphas``; ``seed`` of the Gaussian B.

    Examples
    --------
    >>> t = learning_times_table(spectrum="2,1", B="aligned", alphas="1e-2")
    >>> t.columns[:5]
    ['B', 'alpha', 'k', 'lambda_k', 'rho_k']
    >>> len(t.rows)
    2
    """
    spec = _parse_spectrum(spectrum)
    kinds = [k.strip() for k in str(B).split(",") if k.strip()]
    if not kinds or len(kinds) > 4:
        raise ValueError(f"B {B!r}: give 1 to 4 kinds")
    al = _parse_alphas(alphas)
    sd = _parse_seed(seed)
    matrices = {}
    for k in kinds:
        if k.startswith("file:"):
            matrices[k] = _load_B(k[len("file:"):], len(spec))
            _check_efoldings(spec, matrices[k], al, f"B {k!r}")
        elif k not in KINDS:
            raise ValueError(f"B kind {k!r} is not one of {', '.join(KINDS)} or file:PATH")
    cols = ["B", "alpha", "k", "lambda_k", "rho_k", "t_k exact", "t_k predicted", "error",
            "plateau length", "plateau length predicted", "plateau loss",
            "plateau loss predicted"]
    rows = []
    for kind in kinds:
        for a in al:
            if kind in matrices:
                lt = nf.learning_times(np.diag(np.array(spec)), matrices[kind], a)
            else:
                lt = _times(spec, kind, a, sd)
            lens, plens = lt.plateau_length, lt.plateau_length_predicted
            for k in range(len(spec)):
                learned = math.isfinite(lt.exact[k])
                rows.append([kind, a, k + 1, spec[k], float(lt.rho[k]),
                             float(lt.exact[k]) if learned else None,
                             float(lt.predicted[k]) if learned else None,
                             float(lt.error[k]) if learned else None,
                             float(lens[k]) if k < lens.size else None,
                             float(plens[k]) if k < plens.size else None,
                             float(lt.plateau_loss[k + 1]) if k + 1 < lt.plateau_loss.size
                             else None,
                             float(lt.plateau_loss_predicted[k + 1])
                             if k + 1 < lt.plateau_loss.size else None])
    notes = [
        "t_k exact: first time the k-th eigenvalue of X(t) reaches lambda_k/2, closed form "
        "(mpmath at precision from 2 lambda_1 t) + Brent, xtol 1e-12.",
        "t_k predicted: ln(lambda_k/(rho_k alpha^2))/(2 lambda_k); error = exact - predicted.",
        "plateau k: between t_k and t_{k+1}; its loss is 1/4|X - Y|^2 at the midpoint "
        "(after the last learning time: at 2 t_m + 5/lambda_m), predicted 1/4 sum_{i>k} "
        "lambda_i^2.",
        f"B: aligned = I; generic/under/over = Gaussian n x r (r = n, n-1, n+2), entries "
        f"N(0, 1/r), seed {sd}. Empty cells: never learned (rho_k = 0).",
    ]
    return Table("mf-learning-times", f"Learning times for Y = diag{spec}.", cols, rows, notes)


def plot_staircase(budget: str = "quick", seed: int = 0, spectrum="4,2,1", B="generic"):
    """Eigenvalues of X(t) against t for several alpha (the staircase), predicted learning
    times marked (dotted).

    Examples
    --------
    >>> fig = plot_staircase(spectrum="2,1", B="aligned")
    >>> len(fig.axes)
    1
    """
    from proofs_check.plots import new_figure

    spec = _parse_spectrum(spectrum)
    kind = _parse_kind(B)
    seed = _parse_seed(seed)
    npts = 120 if _parse_budget(budget) == "quick" else 400
    Bm = B_of(kind, len(spec), seed)
    Y = np.diag(spec)
    fig, ax = new_figure()
    colors = ["C0", "C1", "C2", "C3"]
    alphas = (1e-2, 1e-4, 1e-8)
    T = 1.3 * max(float(np.nanmax(_times(spec, kind, a, int(seed)).exact)) for a in alphas)
    ts = np.linspace(0, T, npts)
    for a, col in zip(alphas, colors, strict=False):
        lt = _times(spec, kind, a, int(seed))
        eig = np.array([np.sort(np.linalg.eigvalsh(nf.closed_form(Y, a * Bm, t)))[::-1]
                        for t in ts])
        for k in range(len(spec)):
            ax.plot(ts, eig[:, k], color=col, label=f"alpha={a:g}" if k == 0 else None)
        for tp in lt.predicted[np.isfinite(lt.predicted)]:
            ax.axvline(tp, color=col, ls=":", lw=0.8)
    ax.set_xlabel("t")
    ax.set_ylabel("eigenvalues of X(t)")
    ax.set_title(f"Incremental learning, Y = diag{spec}, B {kind}")
    ax.legend(loc="center right")
    return fig


def plot_loss(budget: str = "quick", seed: int = 0, spectrum="4,2,1", B="generic"):
    """Loss 1/4|X(t) - Y|^2 against t (log scale) for several alpha, with the plateau levels
    1/4 sum_{i>k} lambda_i^2 marked.

    Examples
    --------
    >>> fig = plot_loss(spectrum="2,1", B="aligned")
    >>> len(fig.axes)
    1
    """
    from proofs_check.plots import new_figure

    spec = _parse_spectrum(spectrum)
    kind = _parse_kind(B)
    seed = _parse_seed(seed)
    npts = 120 if _parse_budget(budget) == "quick" else 400
    Bm = B_of(kind, len(spec), seed)
    Y = np.diag(spec)
    fig, ax = new_figure()
    alphas = (1e-2, 1e-4, 1e-8)
    T = 1.3 * max(float(np.nanmax(_times(spec, kind, a, int(seed)).exact)) for a in alphas)
    ts = np.linspace(0, T, npts)
    for a in alphas:
        ls = [float(nf.loss(nf.closed_form(Y, a * Bm, t), Y)) for t in ts]
        ax.plot(ts, ls, label=f"alpha={a:g}")
    for k in range(len(spec) + 1):
        level = 0.25 * sum(v * v for v in spec[k:])
        if level > 0:
            ax.axhline(level, color="0.5", ls=":", lw=0.8)
    ax.set_yscale("log")
    ax.set_xlabel("t")
    ax.set_ylabel("loss")
    ax.set_title("Loss plateaus at 1/4 sum_{i>k} lambda_i^2")
    ax.legend()
    return fig


TABLES = {"mf-learning-times": learning_times_table}
PLOTS = {"mf-staircase": plot_staircase, "mf-loss": plot_loss}
