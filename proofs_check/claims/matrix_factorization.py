"""Catalogue: incremental learning in symmetric matrix factorization (Min & Vidal, arXiv
2508.20344) and deep aligned factorization (Chou & Wang, arXiv 2605.28613).

Spec sections A (``mf.*``) and B (``dmf.*``) of ``shared/spec/matrix_factorization.md``. Exact
statements are proved from the derivations in :mod:`theory.models.matrix_factorization`
(polynomial identities over Q; built lazily at check time so that importing the catalogue is
cheap). Closed form vs ODE, learning times, plateaus, GD steps are checked with
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
def _flow_steps():
    steps = []
    for n, r in ((2, 3), (3, 2)):
        m = mf.model(n, r)
        steps.append(_id(m.field, (m.Y - m.X) * m.U, f"-grad L = (Y - UU^T)U, n={n}, r={r}"))
    return steps


def _riccati_steps():
    return [_id(mf.riccati_residual(n, r), sp.zeros(n, n), f"Riccati n={n}, r={r}")
            for n, r in ((1, 1), (2, 1), (2, 3), (3, 2))]


CLOSED_FORM_SIZES = ((1, 1), (1, 3), (2, 1), (2, 2), (2, 4), (3, 1), (3, 2), (3, 3))


def closed_form_steps(factor: int = 2, sizes=CLOSED_FORM_SIZES):
    """Exact steps proving the closed form (``factor=2``) for the listed ``(n, r)``."""
    steps = []
    for n, r in sizes:
        res = mf.closed_form_residual(n, r, factor=factor)
        steps.append(_id(res, [0] * len(res), f"closed form solves Riccati, n={n}, r={r}"))
    lam = sp.symbols("l0:2", real=True)
    B = sp.Matrix(2, 2, sp.symbols("b0:4", real=True))
    t = sp.Symbol("t", real=True)
    X0 = mf.closed_form(lam, B, t, factor=factor).subs(t, 0)
    steps.append(_id(X0, B * B.T, "X(0) = U0 U0^T"))
    return steps


def _inverse_steps():
    l0, l1 = sp.symbols("l0:2", real=True)
    steps = [_id(mf.inverse_form_residual(lams), sp.zeros(len(lams), len(lams)),
                 f"Z' = 2I - YZ - ZY for diag{tuple(lams)}")
             for lams in ((l0,), (l0, l1), (l0, 0))]
    steps.append(_id(mf.forms_agree_residual((l0,)), sp.zeros(1, 1),
                     "inverse form x closed form = I (n = 1; for n > 1 agreement follows from "
                     "both solving the same Riccati equation with the same X(0))"))
    return steps


def _aligned_steps():
    lam, lam2 = sp.symbols("lambda mu", positive=True)
    a, t = mf.alpha_sym, mf.t_sym
    s = mf.aligned_logistic(lam)
    X = mf.closed_form([lam, lam2], a * sp.eye(2))
    return [
        _id(sp.diff(s, t), 2 * s * (lam - s), "logistic solves x' = 2x(lam - x)"),
        _id(s.subs(t, 0), a**2, "x(0) = alpha^2"),
        _id(X, sp.diag(s, mf.aligned_logistic(lam2)), "closed form with U0 = alpha I is "
            "diagonal with logistic entries (n = 2)"),
        _id(mf.closed_form([0], sp.Matrix([[a]]))[0, 0], mf.aligned_logistic(0),
            "lam = 0: x = alpha^2/(1 + 2 alpha^2 t)"),
    ]


def _half_time_steps():
    lam = sp.Symbol("lambda", positive=True)
    th = mf.aligned_half_time(lam)
    return [_id(mf.aligned_logistic(lam).subs(mf.t_sym, th), lam / 2,
                "x(ln(lam/alpha^2 - 1)/(2 lam)) = lam/2")]


def _width_steps():
    lam = sp.Symbol("lambda", positive=True)
    p = sp.Symbol("p", positive=True)
    tp = mf.aligned_time_at_fraction(lam, p)
    w = mf.aligned_time_at_fraction(lam, sp.Rational(9, 10)) - \
        mf.aligned_time_at_fraction(lam, sp.Rational(1, 10))
    return [_id(mf.aligned_logistic(lam).subs(mf.t_sym, tp), p * lam, "x(t_p) = p lam"),
            _id(sp.expand_log(w, force=True), sp.log(9) / lam, "t_0.9 - t_0.1 = ln 9/lam")]


def _rank_steps():
    steps = []
    for k, r in ((2, 1), (3, 2)):
        C = sp.Matrix(k, r, lambda i, j: sp.Symbol(f"c_{i}_{j}", real=True))
        steps.append(_id((C * C.T).det(), 0, f"det G_{k} = 0 when r = {r} < k = {k}"))
    return steps


def _sharpness_steps():
    m1, m2 = sp.symbols("m1 m2", positive=True)
    z = sp.Symbol("z")
    M = mf.model(2, 2)
    H = sp.hessian(M.loss, list(M.U))
    at = {M.Y[0, 0]: m1**2, M.Y[1, 1]: m2**2, M.Y[0, 1]: 0, M.U[0, 0]: m1, M.U[1, 1]: m2,
          M.U[0, 1]: 0, M.U[1, 0]: 0}
    cp = H.subs(at).charpoly(z).as_expr()
    return [
        _id(mf.scalar_hessian_at_minimum(), 2 * sp.Symbol("lambda", positive=True),
            "scalar: L''(sqrt(lam)) = 2 lam"),
        _id(cp, z * (z - 2 * m1**2) * (z - 2 * m2**2) * (z - m1**2 - m2**2),
            "n = r = 2, Y = diag(m1^2, m2^2): Hessian eigenvalues 0, 2m1^2, 2m2^2, m1^2+m2^2"),
    ]


def _stability_steps():
    F = mf.scalar_gd()
    (u,) = F.state
    eta, lam = F.params
    J = F.jacobian()[0, 0].subs(u, sp.sqrt(lam))
    c = sp.Symbol("c", positive=True)
    # |1 - 2c| < 1  <=>  1 - (1 - 2c)^2 = 4c(1 - c) > 0; its sign on each side of c = 1
    return [_id(J, 1 - 2 * eta * lam, "F'(sqrt(lam)) = 1 - 2 eta lam"),
            _id(1 - (1 - 2 * c) ** 2, 4 * c * (1 - c), "1 - (1 - 2c)^2 = 4c(1 - c)"),
            ev.sign_fact(4 * c * (1 - c), c, 0, 1,
                         statement="|1 - 2c| < 1 for 0 < c = eta lam < 1"),
            ev.sign_fact(4 * c * (1 - c), c, 1, sp.oo, "<",
                         statement="|1 - 2c| > 1 for c = eta lam > 1"),
            _id((1 - 2 * c).subs(c, 1), -1, "multiplier -1 at c = 1 (non-hyperbolic)")]


def _two_cycle_steps():
    cyc = mf.two_cycle()
    c = cyc.c
    F = mf.scalar_gd()
    (u,) = F.state
    eta, lam = F.params
    s1, s2 = cyc.s_values
    s = sp.Symbol("s", real=True)
    # the cycle points map into each other under the map in s = u^2/lam: s -> s (1 + c - c s)^2
    img = s1 * (1 + c - c * s1) ** 2
    return [
        _id(sp.expand(F.update[0].subs({u: sp.sqrt(lam) * sp.Symbol("v"), eta: c / lam})
                      / sp.sqrt(lam)),
            sp.expand(sp.Symbol("v") * (1 + c - c * sp.Symbol("v") ** 2)),
            "GD in v = u/sqrt(lam): v -> v(1 + c - c v^2)"),
        _id(sp.radsimp(img - s2), 0, "s_- maps to s_+ (a genuine 2-cycle of u^2/lam)"),
        _id(cyc.multiplier, 7 - 4 * c - 2 * c**2, "multiplier (1+c-3cs_-)(1+c-3cs_+) = "
            "7 - 4c - 2c^2"),
        # s_-, s_+ are the roots of c^2 s^2 - c(c+1) s + 1 (sum and product > 0, so both are
        # positive once real): real iff the discriminant c^2 (c - 1)(c + 3) is positive
        _id(sp.discriminant(c**2 * s**2 - c * (c + 1) * s + 1, s), c**2 * (c - 1) * (c + 3),
            "discriminant of c^2 s^2 - c(c+1)s + 1"),
        _id(sp.expand((s - s1) * (s - s2)), sp.expand(s**2 - (c + 1) / c * s + 1 / c**2),
            "s_-, s_+ are its roots"),
        ev.sign_fact(c**2 * (c - 1) * (c + 3), c, 1, sp.oo, statement="real cycle for c > 1"),
        ev.sign_fact(c**2 * (c - 1) * (c + 3), c, 0, 1, "<", statement="no real cycle for c < 1"),
        ev.sign_fact(1 - (7 - 4 * c - 2 * c**2), c, 1, sp.oo,
                     statement="multiplier < 1 for c > 1"),
        ev.sign_fact(1 + (7 - 4 * c - 2 * c**2), c, 1, sp.sqrt(5) - 1,
                     statement="multiplier > -1 for 1 < c < sqrt5 - 1"),
        ev.sign_fact(1 + (7 - 4 * c - 2 * c**2), c, sp.sqrt(5) - 1, sp.oo, "<",
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


def generic_times_check(budget: str, seed: int):
    """Learning-time error |exact - predicted| on four kinds of B: it must shrink with alpha (by
    at least a factor 10 per step of 1e-2 while above the root-finding floor 1e-10) and be below
    ``1e-3`` at alpha = 1e-4 and ``1e-9`` at alpha = 1e-8."""
    spectra = [(4.0, 2.0, 1.0), *_q(budget, [], [(3.0, 1.5, 0.5, 0.2), (5.0, 1.0)])]
    worst_margin, table, count = math.inf, {}, 0
    worst_at = None
    for spec in spectra:
        for kind in KINDS:
            errs = []
            for a in ALPHAS:
                lt = _times(spec, kind, a, seed)
                e = float(np.nanmax(np.abs(lt.error)))
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


def ratio_check(budget: str, seed: int):
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
            claimed = np.array(spec[:-1]) / np.array(spec[1:])
            errs.append(float(np.max(np.abs(ratios - claimed))))
        out[kind] = errs
        margin = min(margin, min(errs[i] - errs[i + 1] for i in range(len(errs) - 1)))
        scaled = [e * math.log(1 / a**2) for e, a in zip(errs, alphas, strict=True)]
        out[kind + "_times_log"] = scaled
        margin = min(margin, 10.0 - max(scaled))
    return margin, {"sample_size": 3 * len(alphas), "worst_error": out["generic"][-1],
                    "errors": out, "alphas": list(alphas)}


def plateau_check(budget: str, seed: int):
    """Plateau lengths and losses vs their predictions on four kinds of B. The length
    prediction is leading order: its relative error must decrease with alpha and the absolute
    error must approach the O(1) constant ``ln(lam_{k+1}/rho_{k+1})/(2 lam_{k+1}) -
    ln(lam_k/rho_k)/(2 lam_k)`` (within 1e-3 at alpha = 1e-8); the plateau losses must decrease
    to ``1/4 sum_{i>k} lam_i^2`` (within 1e-3 at alpha = 1e-8)."""
    spec = (4.0, 2.0, 1.0)
    res, margin, n = {}, math.inf, 0
    for kind in KINDS:
        lens, losses, consts = [], [], []
        for a in ALPHAS:
            lt = _times(spec, kind, a, seed)
            pl, pp = lt.plateau_length, lt.plateau_length_predicted
            m = lt.learned
            lam, rho = lt.lam[:m], lt.rho[:m]
            const = np.diff(np.log(lam / rho) / (2 * lam))
            lens.append(float(np.max(np.abs(pl / pp - 1))))
            consts.append(float(np.max(np.abs(pl - pp - const))))
            losses.append(float(np.max(np.abs(lt.plateau_loss - lt.plateau_loss_predicted))))
            n += pl.size + lt.plateau_loss.size
        res[kind] = {"length_rel_err": lens, "length_abs_err_minus_O1_constant": consts,
                     "loss_abs_err": losses}
        margin = min(margin, 1e-3 - consts[-1], 1e-3 - losses[-1],
                     min(lens[i] - lens[i + 1] for i in range(3)),
                     min(losses[i] - losses[i + 1] + 1e-12 for i in range(3)))
    worst = max(max(v["length_abs_err_minus_O1_constant"][-1], v["loss_abs_err"][-1])
                for v in res.values())
    return margin, {"sample_size": n, "worst_error": worst, "by_kind": res,
                    "alphas": list(ALPHAS)}


def zero_eigenvalue_check(budget: str, seed: int):
    """``Y = diag(1, 0, -1)``, generic B: ``1/x_2(t) - 2t`` vs ``1/(rho_2 alpha^2)``; the
    relative offset error is O(alpha^2)."""
    Y = np.diag([1.0, 0.0, -1.0])
    B = B_of("generic", 3, seed)
    rho = nf.gram_ratios(B)
    alphas = _q(budget, (0.2, 0.1, 0.05), (0.2, 0.1, 0.05, 0.025))
    errs, n = [], 0
    for a in alphas:
        c = 1 / (rho[1] * a * a)
        worst = 0.0
        for t in (c / 10, c / 3, c):
            x2 = np.sort(np.linalg.eigvalsh(nf.closed_form(Y, a * B, t)))[::-1][1]
            worst = max(worst, abs((1 / x2 - 2 * t) / c - 1))
            n += 1
        errs.append(worst)
    scaled = [e / a**2 for e, a in zip(errs, alphas, strict=True)]
    margin = 5.0 - max(scaled)
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
    return 1e-9 - worst, {"sample_size": n, "worst_error": worst, "t": 160.0}


def gd_half_step_check(budget: str, seed: int):
    """Batched GD from ``alpha B`` (seeded Gaussian B): first step with ``x_k >= lam_k/2`` vs
    ``ln(lam_k/(rho_k alpha^2)) / (2 ln(1 + eta lam_k))``; claim: within one step."""
    Y = np.diag([4.0, 2.0, 1.0])
    lam = np.diag(Y)
    batch = _q(budget, 16, 128)
    worst, n = 0.0, 0
    worst_at = None
    for eta in (0.01, 0.05, 0.2):
        for a in (1e-2, 1e-4, 1e-6):
            Bs = nf.random_inits(3, 3, batch, seed)
            rhos = np.array([nf.gram_ratios(B) for B in Bs])
            preds = np.log(lam / (rhos * a * a)) / (2 * np.log(1 + eta * lam))
            steps = int(1.2 * preds.max()) + 60
            run = nf.gd_run(Y, a * Bs, eta, steps)
            hs = run.half_steps(lam)
            for b in range(batch):
                d = float(np.max(np.abs(hs[b] - preds[b]))) if np.all(hs[b] >= 0) else math.inf
                n += 3
                if d > worst:
                    worst, worst_at = d, {"eta": eta, "alpha": a, "b": b}
    return 1.0 - worst, {"sample_size": n, "worst_error": worst, "worst_at": worst_at,
                         "unit": "steps"}


def gd_sharpness_check(budget: str, seed: int):
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
        worst = max(worst, abs(top - 2 * lam.max()) / lam.max())
        n += 1
    return 1e-10 - worst, {"sample_size": n, "worst_error": worst}


def gd_stability_check(budget: str, seed: int):
    """Matrix GD (n = 3, r = 3) started 1e-3 from a minimiser: converges for eta lam_1 = 0.95,
    leaves the minimum for eta lam_1 = 1.05 (on random PSD Y with distinct eigenvalues)."""
    rng = np.random.default_rng(seed)
    count, bad = 0, None
    for _ in range(_q(budget, 4, 20)):
        lam = np.sort(rng.uniform(0.5, 3.0, 3))[::-1]
        Y = np.diag(lam)
        U0 = np.diag(np.sqrt(lam)) + 1e-3 * rng.standard_normal((3, 3))
        for c, should in ((0.95, True), (1.05, False)):
            run = nf.gd_run(Y, U0, c / lam[0], 4000)
            final = run.loss[0, -1]
            converged = bool(np.isfinite(final) and final < 1e-20)
            count += 1
            if converged != should:
                bad = {"lam": lam.tolist(), "c": c}
    return (0.0 if bad is None else -1.0), {"sample_size": count, "worst_at": bad}


def two_cycle_check(budget: str, seed: int):
    """Iterate scalar GD at ``c = eta lam`` in (1, sqrt5 - 1): the orbit of ``s = u^2/lam``
    converges to the derived 2-cycle; also full matrix GD (n = 2) with ``c_1`` in range and
    ``c_2 < 1``: the top eigenvalue of X alternates between ``lam_1 s_-`` and ``lam_1 s_+``."""
    cyc = mf.two_cycle()
    s_lo = sp.lambdify(cyc.c, cyc.s_values[0])
    s_hi = sp.lambdify(cyc.c, cyc.s_values[1])
    worst, n = 0.0, 0
    for c in np.linspace(1.02, math.sqrt(5) - 1.02, _q(budget, 8, 40)):
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
    return 1e-8 - worst, {"sample_size": n, "worst_error": worst}


# =============================================================================================
# B. depth N
# =============================================================================================
def _dmf_ode_steps():
    steps = []
    for N in (2, 3, 4, 5):
        d = mf.deep_aligned(N)
        steps.append(_id(d.x_rhs, d.claimed_rhs, f"N={N}: x' = N x^(2-2/N)(lam - x)"))
    return steps


def _dmf_asym_steps():
    w, lam = sp.symbols("w lambda", positive=True)
    N = sp.Symbol("N", positive=True, integer=True)
    return [_id(1 / (w ** (N - 1) * (lam - w**N)),
                1 / (lam * w ** (N - 1)) + w / (lam * (lam - w**N)),
                "1/(w^(N-1)(lam - w^N)) = 1/(lam w^(N-1)) + w/(lam(lam - w^N))"),
            _id(sp.integrate(1 / (lam * w ** 3), (w, mf.alpha_sym, sp.Symbol("W", positive=True))),
                (mf.alpha_sym ** -2 - sp.Symbol("W", positive=True) ** -2) / (2 * lam),
                "N = 4: int_alpha^W dw/(lam w^3) = (alpha^-2 - W^-2)/(2 lam) (general N: "
                "(alpha^(2-N) - W^(2-N))/((N-2) lam)); the second term is bounded as alpha -> 0")]


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
    return 1e-8 - worst, {"sample_size": n, "worst_error": worst}


def dmf_asymptotic_check(budget: str, seed: int):
    """``T (N-2) lam alpha^(N-2) -> 1`` for N = 3, 4, 5 as alpha -> 0 (the error shrinks
    like alpha^(N-2)); for N = 2 the time is logarithmic: ``T = ln(lam/alpha^2 - 1)/(2 lam)``."""
    res, margin, n = {}, math.inf, 0
    for N in (3, 4, 5):
        for lam in (0.5, 2.0):
            errs = []
            for a in (1e-1, 1e-2, 1e-3):
                T = nf.deep_half_time(N, lam, a)
                errs.append(abs(T * (N - 2) * lam * a ** (N - 2) - 1))
                n += 1
            res[f"N={N},lam={lam}"] = errs
            margin = min(margin, errs[0] - errs[1], errs[1] - errs[2], 0.05 - errs[2])
    e2 = abs(nf.deep_half_time(2, 1.0, 1e-3) - math.log(1e6 - 1) / 2)
    margin = min(margin, 1e-10 - e2)
    return margin, {"sample_size": n + 1, "worst_error": max(v[-1] for v in res.values()),
                    "relative_errors_alpha_1e-1_1e-2_1e-3": res, "N2_error": e2}


def _dmf_gd_steps():
    steps = []
    z, m = sp.Symbol("z"), sp.Symbol("m", positive=True)
    for N in (2, 3, 4, 5):
        d = mf.deep_aligned(N)
        J = d.gd.jacobian().subs({d.lam: m**N}).subs({wj: m for wj in d.w})
        # lam = m^N, so lam^(2 - 2/N) = m^(2N - 2)
        expected = (z - 1) ** (N - 1) * (z - (1 - mf.eta_sym * N * m ** (2 * N - 2)))
        steps.append(_id(J.charpoly(z).as_expr(), sp.expand(expected),
                         f"N={N}: charpoly of the Jacobian at w_j = lam^(1/N) is "
                         "(z - 1)^(N-1) (z - 1 + eta N lam^(2-2/N))", at={"N": N}))
    return steps


def dmf_gd_check(budget: str, seed: int):
    """Layer-wise GD (N layers, balanced start 1e-3 off the minimum, plus a random layer
    perturbation) converges for eta = 0.95 x threshold and not for 1.05 x threshold."""
    rng = np.random.default_rng(seed)
    count, bad = 0, None
    for N in (2, 3, 4):
        for lam in (0.7, 1.5):
            thr = 2 / (N * lam ** (2 - 2 / N))
            for f, should in ((0.95, True), (1.05, False)):
                w = lam ** (1 / N) * (1 + 1e-3 * rng.standard_normal(N))
                eta = f * thr
                for _ in range(5000):
                    x = np.prod(w)
                    w = w - eta * (x - lam) * x / w
                    if not np.all(np.isfinite(w)) or np.abs(w).max() > 1e6:
                        break
                ok = bool(np.all(np.isfinite(w)) and abs(np.prod(w) - lam) < 1e-10)
                count += 1
                if ok != should:
                    bad = {"N": N, "lam": lam, "factor": f}
    return (0.0 if bad is None else -1.0), {"sample_size": count, "worst_at": bad}


# =============================================================================================
# claims
# =============================================================================================
def _c(id_, statement, part, evidence, **kw):
    return Claim(id=id_, statement=statement, source=src(part), model=MODEL, evidence=evidence,
                 **kw)


CLAIMS = [
    _c("mf.flow", "For L = 1/4 |UU^T - Y|_F^2 the gradient flow is dU/dt = (Y - UU^T) U.",
       "A (setup)", [ev.argument(_flow_steps, "flow derived from the loss")]),
    _c("mf.riccati", "X = UU^T obeys dX/dt = YX + XY - 2X^2.", "A [mf.riccati]",
       [ev.argument(_riccati_steps, "d(UU^T)/dt along the derived flow")]),
    _c("mf.closed_form",
       "X(t) = e^{Yt} U0 (I_r + 2 U0^T S(t) U0)^{-1} U0^T e^{Yt}, S(t) = int_0^t e^{2Ys} ds, "
       "solves the Riccati equation with X(0) = U0 U0^T for any U0 (any r) and any symmetric Y "
       "(indefinite or singular); proved in the eigenbasis of Y for n <= 3, r <= 3 (and n = 1, "
       "r = 3; n = 2, r = 4).", "A [mf.closed_form]",
       [ev.argument(closed_form_steps, "polynomial identity N'D - ND' - D(YN + NY) + 2N^2 = 0 with "
              "e' = lam e, s' = e^2")]),
    _c("mf.closed_form.ode",
       "The closed form agrees with an ODE solver to relative error < 1e-9 on random cases "
       "(n <= 5, r in {1, n, n+2}, indefinite Y), including times where float64 evaluation "
       "of the closed form fails (it is evaluated in mpmath at a precision chosen from "
       "2 lam_1 t).", "A [mf.closed_form]",
       [ev.computed(closed_form_vs_ode, "closed form (mpmath) vs DOP853 rtol 1e-13")]),
    _c("mf.inverse_form",
       "When X0 is invertible, X(t)^{-1} = e^{-Yt} X0^{-1} e^{-Yt} + 2 int_0^t e^{-2Ys} ds.",
       "A [mf.closed_form]", [ev.argument(_inverse_steps, "Z' = 2I - YZ - ZY and agreement")]),
    _c("mf.aligned",
       "U0 = alpha I, Y diagonal: each eigenvalue follows sigma_k(t) = lam_k / (1 + (lam_k/"
       "alpha^2 - 1) e^{-2 lam_k t}).", "A [mf.aligned]",
       [ev.argument(_aligned_steps, "logistic ODE, initial value, closed form")]),
    _c("mf.aligned.half_time",
       "In the aligned case component k is half-learned at t_k = ln(lam_k/alpha^2 - 1)/"
       "(2 lam_k).", "A [mf.aligned]", [ev.argument(_half_time_steps, "substitution")]),
    _c("mf.aligned.width",
       "In the aligned case the 10% -> 90% width is ln 9 / lam_k, independent of alpha.",
       "A [mf.aligned]", [ev.argument(_width_steps, "t_p for the logistic")]),
    _c("mf.generic_times",
       "Generic U0 = alpha B: t_k = ln(lam_k/(rho_k alpha^2))/(2 lam_k) + o(1), rho_k = "
       "det G_k/det G_{k-1} (G_k the Gram matrix of the first k rows of Q^T B); the error "
       "vanishes polynomially (measured ~alpha^1.5 to alpha^2) as alpha -> 0, for aligned, "
       "generic, under- (r = n-1) and over-parameterised (r = n+2) B.",
       "A [mf.generic_times]",
       [ev.computed(generic_times_check, "exact t_k (closed form + Brent) vs prediction, "
                 "alpha = 1e-2 .. 1e-8")]),
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
       [ev.computed(ratio_check, "exact times at alpha = 1e-2 .. 1e-32")]),
    _c("mf.plateau",
       "Plateau k lasts (1/2)(1/lam_{k+1} - 1/lam_k) ln(1/alpha^2) + O(1) (the O(1) term is "
       "ln(lam_{k+1}/rho_{k+1})/(2 lam_{k+1}) - ln(lam_k/rho_k)/(2 lam_k)) and its loss tends "
       "to (1/4) sum_{i>k} lam_i^2.", "A [mf.generic_times]",
       [ev.computed(plateau_check, "exact plateaus vs predictions on four kinds of B")]),
    _c("mf.zero_eigenvalue",
       "A zero eigenvalue's component decays as 1/(2t + c) with c = (1 + O(alpha^2))/(rho_k "
       "alpha^2), once the earlier components are learned.", "A [mf.generic_times]",
       [ev.computed(zero_eigenvalue_check, "closed form, Y = diag(1, 0, -1)")]),
    _c("mf.rank_deficient",
       "With r < k, rho_k = 0 and the k-th component is never learned (rank X(t) <= r).",
       "A [mf.generic_times]", [ev.argument(_rank_steps, "Cauchy-Binet: det G_k = 0")]),
    _c("mf.limit",
       "X(t) -> the best PSD rank-r approximation of Y (generic B; any symmetric Y).",
       "A [mf.generic_times]", [ev.computed(limit_check, "closed form at t = 160")]),
    _c("mf.gd.half_step",
       "GD U' = U - eta (UU^T - Y) U half-learns component k at step ln(lam_k/(rho_k alpha^2))/"
       "(2 ln(1 + eta lam_k)) within one step (eta lam_1 <= 0.8).", "A [mf.gd]",
       [ev.computed(gd_half_step_check, "batched GD, seeded B")]),
    _c("mf.gd.sharpness",
       "The sharpness at a minimiser (Y PSD) is 2 lam_1.", "A [mf.gd]",
       [ev.computed(gd_sharpness_check, "exact Hessian quadratic form, random PSD Y"),
        ev.argument(_sharpness_steps, "scalar and n = r = 2 Hessians")]),
    _c("mf.gd.stability", "GD is linearly stable at the minimum iff eta lam_1 < 1.", "A [mf.gd]",
       [ev.computed(gd_stability_check, "matrix GD at eta lam_1 = 0.95 and 1.05"),
        ev.argument(_stability_steps, "derivative of the scalar map")]),
    _c("mf.gd.two_cycle",
       "For 1 < c = eta lam < sqrt5 - 1 the learned component has an exact stable 2-cycle: "
       "u^2/lam alternates between s_+- = (c + 1 +- sqrt((c - 1)(c + 3)))/(2c), multiplier "
       "7 - 4c - 2c^2; it exists for all c > 1.", "A [mf.gd]",
       [ev.computed(two_cycle_check, "scalar and matrix GD orbits"),
        ev.argument(_two_cycle_steps, "derivation of the 2-cycle")]),
    _c("dmf.ode",
       "Depth-N aligned model (W_j(0) = alpha I, loss 1/2|W_N...W_1 - Y|^2): each component "
       "x = w^N follows x' = N x^{2-2/N}(lam - x).", "dmf (B)",
       [ev.argument(_dmf_ode_steps, "balanced layer-wise flow")]),
    _c("dmf.half_time",
       "The half-learning time is T = int_{alpha^N}^{lam/2} dx/(N x^{2-2/N}(lam - x)).",
       "dmf (B)", [ev.computed(dmf_quadrature_check, "quadrature vs ODE event")]),
    _c("dmf.half_time.asymptotic",
       "For N >= 3, T = 1/((N-2) lam alpha^{N-2}) + O(1) (polynomial separation); for N = 2 "
       "it is logarithmic.", "dmf (B)",
       [ev.computed(dmf_asymptotic_check, "quadrature, alpha = 1e-1 .. 1e-3"),
        ev.argument(_dmf_asym_steps, "partial fractions of the integrand")]),
    _c("dmf.gd",
       "Layer-wise GD is linearly stable at w* = lam^{1/N} iff eta < 2/(N lam^{2-2/N}).",
       "dmf (B)", [ev.computed(dmf_gd_check, "layer-wise GD at 0.95 and 1.05 x threshold"),
                   ev.argument(_dmf_gd_steps, "Jacobian eigenvalues, N = 2..5")]),
]


# =============================================================================================
# table and plots
# =============================================================================================
def _parse_spectrum(text) -> tuple:
    try:
        vals = tuple(float(v) for v in str(text).replace(" ", "").split(",") if v)
    except ValueError:
        raise ValueError(f"spectrum {text!r} is not a comma-separated list of numbers") from None
    if not vals or not all(math.isfinite(v) for v in vals):
        raise ValueError(f"spectrum {text!r} is empty or not finite")
    if len(vals) > 6:
        raise ValueError(f"spectrum {text!r}: at most 6 eigenvalues")
    return tuple(sorted(vals, reverse=True))


def _parse_alphas(text) -> tuple:
    try:
        vals = tuple(float(v) for v in str(text).split(",") if v.strip())
    except ValueError:
        raise ValueError(f"alphas {text!r} is not a comma-separated list of numbers") from None
    if not vals or not all(0 < v < 1 for v in vals):
        raise ValueError(f"alphas {text!r} must lie in (0, 1)")
    return vals


def _load_B(path: str, n: int) -> np.ndarray:
    """An ``n x r`` initialisation direction from a ``.npy`` or text file (one row per line)."""
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
    matrices = {}
    for k in kinds:
        if k.startswith("file:"):
            matrices[k] = _load_B(k[len("file:"):], len(spec))
        elif k not in KINDS:
            raise ValueError(f"B kind {k!r} is not one of {', '.join(KINDS)} or file:PATH")
    al = _parse_alphas(alphas)
    try:
        sd = int(seed)
    except ValueError:
        raise ValueError(f"seed {seed!r} is not an integer") from None
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
    kind = str(B)
    Bm = B_of(kind, len(spec), int(seed))
    Y = np.diag(spec)
    fig, ax = new_figure()
    npts = 120 if budget == "quick" else 400
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
    kind = str(B)
    Bm = B_of(kind, len(spec), int(seed))
    Y = np.diag(spec)
    fig, ax = new_figure()
    npts = 120 if budget == "quick" else 400
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
