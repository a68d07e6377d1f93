"""Gradient descent on the factorization (spec A [mf.gd]): exact steps for the sharpness, the
stability threshold and the 2-cycle, and the GD experiments. Every map and Hessian is theory's:
the scalar map :func:`theory.models.matrix_factorization.scalar_gd`, the Hessian
:func:`~theory.models.matrix_factorization.loss_hessian`, the matrix GD of
:mod:`numerics.factorization`."""

from __future__ import annotations

import functools
import math

import numpy as np
import sympy as sp

from numerics import factorization as nf
from proofs_check import evidence as ev
from proofs_check.budget import by_budget
from proofs_check.claims.matrix_factorization.symbols import LAM, LAM_1, TWO_CYCLE, C
from proofs_check.evidence.numeric import worst_of
from theory.models import matrix_factorization as mf

#: Y = diag(m1^2, m2^2) (m1 >= m2 >= 0; n = 1: Y = m1^2), U the minimiser listed; the expected
#: characteristic polynomial of the Hessian (eigenvalues) and its largest root 2 m1^2 = 2 lam_1
SHARPNESS_SIZES = ((1, 1), (1, 2), (2, 1), (2, 2))


def sharpness_case(n: int, r: int):
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


def sharpness_steps(sharpness=None):
    """``sharpness``: the claimed sharpness in ``LAM_1`` (true: ``2 lambda_1``)."""
    sharp = 2 * LAM_1 if sharpness is None else sharpness
    steps = [ev.identity(mf.scalar_hessian_at_minimum(), sharp.subs(LAM_1, LAM),
                         description="scalar: L''(sqrt(lam)) = 2 lam")]
    for n, r in SHARPNESS_SIZES:
        _, _, cp, expected, z, m1, _ = sharpness_case(n, r)
        steps.append(ev.identity(cp, expected,
                                 description=f"n={n}, r={r}, Y = diag(m1^2, m2^2): characteristic "
                         "polynomial of the Hessian at the minimiser", at={"(n, r)": [(n, r)]}))
        steps.append(ev.identity(expected.subs(z, sharp.subs(LAM_1, m1**2)), 0,
                                 description=f"n={n}, r={r}: the claimed sharpness is a root",
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


def stability_scalar_steps(c_max=1):
    """Steps for the scalar GD map's stability at ``u = sqrt(lam)``; ``c_max`` is the claimed
    bound on ``eta lam``."""
    F = mf.scalar_gd()
    (u,) = F.state
    eta, lam = F.params
    J = F.jacobian()[0, 0].subs(u, sp.sqrt(lam))
    c = sp.Symbol("c", positive=True)
    # |1 - 2c| < 1  <=>  1 - (1 - 2c)^2 = 4c(1 - c) > 0; its sign on each side of c = 1
    cm = sp.nsimplify(c_max)
    return [ev.identity(J, 1 - 2 * eta * lam, description="F'(sqrt(lam)) = 1 - 2 eta lam"),
            ev.identity(1 - (1 - 2 * c) ** 2, 4 * c * (1 - c),
                        description="1 - (1 - 2c)^2 = 4c(1 - c)"),
            ev.sign_fact(4 * c * (1 - c), c, 0, cm,
                         statement="|1 - 2c| < 1 for 0 < c = eta lam < 1"),
            ev.sign_fact(4 * c * (1 - c), c, cm, sp.oo, "<",
                         statement="|1 - 2c| > 1 for c = eta lam > 1"),
            ev.identity((1 - 2 * c).subs(c, cm), -1,
                        description="multiplier -1 at c = 1 (not stable)")]


def stability_steps(c_max=1):
    """Steps for ``mf.gd.stability``: the scalar map, the GD Jacobian ``I - eta H`` at explicit
    minimisers and the sharpness."""
    steps = stability_scalar_steps(c_max)
    eta = mf.eta_sym
    for n, r in SHARPNESS_SIZES:
        H, J, *_ = sharpness_case(n, r)
        steps.append(ev.identity(J, sp.eye(n * r) - eta * H,
                                 description=f"n={n}, r={r}: Jacobian of GD at the "
                         "minimiser = I - eta H (multipliers 1 - eta h)", at={"(n, r)": [(n, r)]}))
    s = sp.Symbol("s", positive=True)
    steps += [
        ev.identity(1 - (1 - s) ** 2, s * (2 - s),
                    description="1 - (1 - s)^2 = s(2 - s), s = eta h"),
        ev.sign_fact(s * (2 - s), s, 0, 2 * sp.nsimplify(c_max), statement="|1 - eta h| < 1 for "
                     "0 < eta h < 2: every h in (0, 2 lam_1] when eta lam_1 < 1"),
        ev.sign_fact(s * (2 - s), s, 2 * sp.nsimplify(c_max), sp.oo, "<", statement="|1 - eta h| "
                     "> 1 for eta h > 2: h = 2 lam_1 when eta lam_1 > 1"),
        *sharpness_steps()]
    return steps


def two_cycle_steps(claimed=None):
    """``claimed``: ``s_minus``, ``s_plus``, ``multiplier`` (in ``c``) and ``c_max`` as stated
    (true: theory's values, sqrt5 - 1)."""
    cyc = mf.two_cycle()
    c = cyc.c
    cl = claimed or TWO_CYCLE
    F = mf.scalar_gd()
    (u,) = F.state
    eta, lam = F.params
    s_lo, s_hi = cyc.s_values
    s, v = sp.symbols("s v", real=True)

    def g(x):  # the map in s = u^2/lam: s -> s (1 + c - c s)^2
        return x * (1 + c - c * x) ** 2

    return [
        ev.identity(sp.expand(F.update[0].subs({u: sp.sqrt(lam) * v, eta: c / lam}) / sp.sqrt(lam)),
                    sp.expand(v * (1 + c - c * v**2)),
                    description="GD in v = u/sqrt(lam): v -> v(1 + c - c v^2)"),
        ev.identity([s_lo, s_hi], [cl["s_minus"], cl["s_plus"]],
                    description="derived s_-, s_+ = (c + 1 -+ sqrt((c - 1)(c + 3)))/(2c)"),
        ev.identity(sp.expand((s - s_lo) * (s - s_hi)),
                    sp.expand(s**2 - (c + 1) / c * s + 1 / c**2),
                    description="s_-, s_+ are the roots of c^2 s^2 - c(c+1) s + 1"),
        ev.identity(g(s_lo), s_hi, description="s_- maps to s_+"),
        ev.identity(g(s_hi), s_lo, description="s_+ maps to s_- (a 2-cycle of u^2/lam)"),
        ev.identity((1 + c - c * s_lo) * (1 + c - c * s_hi), 1,
                    description="(1 + c - c s_-)(1 + c - c s_+) = 1: v returns to itself after "
                                "two steps (a 2-cycle of u, not only of u^2)"),
        ev.identity((1 + c - 3 * c * s_lo) * (1 + c - 3 * c * s_hi), 7 - 4 * c - 2 * c**2,
                    description="multiplier f'(v_-) f'(v_+) = (1 + c - 3c s_-)(1 + c - 3c s_+) = "
                                "7 - 4c - 2c^2"),
        ev.identity(cyc.multiplier, cl["multiplier"],
                    description="theory's multiplier (Vieta) agrees with the claimed 7 - 4c - "
                                "2c^2"),
        ev.identity(sp.discriminant(c**2 * s**2 - c * (c + 1) * s + 1, s), c**2 * (c - 1) * (c + 3),
                    description="discriminant of c^2 s^2 - c(c+1)s + 1"),
        ev.sign_fact(c**2 * (c - 1) * (c + 3), c, 1, sp.oo, statement="real cycle for c > 1"),
        ev.sign_fact(c**2 * (c - 1) * (c + 3), c, 0, 1, "<", statement="no real cycle for c < 1"),
        ev.identity((c + 1) ** 2 - (c - 1) * (c + 3), 4,
                    description="(c + 1)^2 - (c - 1)(c + 3) = 4 > 0: sqrt((c-1)(c+3)) < c + 1, so "
                                "s_- > 0 (u real)"),
        ev.sign_fact(1 - (7 - 4 * c - 2 * c**2), c, 1, sp.oo,
                     statement="multiplier < 1 for c > 1"),
        ev.sign_fact(1 + (7 - 4 * c - 2 * c**2), c, 1, cl["c_max"],
                     statement="multiplier > -1 for 1 < c < sqrt5 - 1"),
        ev.sign_fact(1 + (7 - 4 * c - 2 * c**2), c, cl["c_max"], sp.oo, "<",
                     statement="multiplier < -1 for c > sqrt5 - 1"),
    ]



@functools.cache
def predicted_gd_step_fn():
    """theory's predicted half-learning step (:func:`mf.predicted_gd_step`) as a vectorised float
    function ``step(lam, rho, alpha, eta)``.

    Examples
    --------
    >>> round(float(predicted_gd_step_fn()(1.0, 1.0, 0.1, 0.1)), 6)   # ln 100 / (2 ln 1.1)
    24.158858
    """
    lam, rho = sp.symbols("lambda rho", positive=True)
    return sp.lambdify((lam, rho, mf.alpha_sym, mf.eta_sym),
                       mf.predicted_gd_step(lam, rho), "numpy")


def gd_half_step_check(budget: str, seed: int, step=None):
    """Batched GD from ``alpha B`` (seeded Gaussian B): first step with ``x_k >= lam_k/2`` vs
    ``step(lam_k, rho_k, alpha, eta)`` (true: ``ln(lam_k/(rho_k alpha^2)) / (2 ln(1 + eta
    lam_k))``); claim: within one step."""
    predicted = predicted_gd_step_fn()
    step = step or predicted
    Y = np.diag([4.0, 2.0, 1.0])
    lam = np.diag(Y)
    batch = by_budget(budget, 16, 128)
    worst, n = 0.0, 0
    worst_at = None
    for eta in (0.01, 0.05, 0.2):
        for a in (1e-2, 1e-4, 1e-6):
            Bs = nf.random_inits(3, 3, batch, seed)
            rhos = np.array([nf.gram_ratios(B) for B in Bs])
            preds = np.broadcast_to(np.asarray(step(lam, rhos, a, eta), dtype=float),
                                    rhos.shape)
            true = predicted(lam, rhos, a, eta)
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
                         "unit": "steps", "margin_is":
                         "1 - max |GD half-learning step_k - predicted step_k| (1 step: the "
                         "claim's 'within one step')"}


@functools.cache
def loss_hessian_fn(n: int, r: int):
    """theory's Hessian of ``1/4 |UU^T - Y|^2`` (:func:`mf.loss_hessian`) as a float function
    ``H(U, Y)`` of an ``n x r`` array ``U`` and a symmetric ``n x n`` array ``Y``.

    Examples
    --------
    >>> H = loss_hessian_fn(1, 1)
    >>> H(np.array([[2.0]]), np.array([[4.0]]))   # L = (u^2 - y)^2/4: L'' = 3u^2 - y
    array([[8.]])
    """
    U, Y, H = mf.loss_hessian(n, r)
    upper = [(i, j) for i in range(n) for j in range(i, n)]
    f = sp.lambdify((list(U), [Y[i, j] for i, j in upper]), H, "numpy", cse=True)

    def hessian_at(U_val: np.ndarray, Y_val: np.ndarray) -> np.ndarray:
        return np.array(f(list(U_val.ravel()), [Y_val[i, j] for i, j in upper]), dtype=float)

    return hessian_at


def gd_sharpness_check(budget: str, seed: int, sharpness=None):
    """Largest Hessian eigenvalue at a minimiser ``U = Y^{1/2} [I 0] R`` (random PSD Y, random
    orthogonal R, ``r >= n``), from theory's exact Hessian of the loss (:func:`loss_hessian_fn`)
    evaluated there, vs ``2 lam_1``."""
    rng = np.random.default_rng(seed)
    worst, n = 0.0, 0
    for _ in range(by_budget(budget, 10, 60)):
        n_ = int(rng.integers(1, 5))
        r = n_ + int(rng.integers(0, 3))
        A = rng.standard_normal((n_, n_))
        Y = A @ A.T
        lam, Q = np.linalg.eigh(Y)
        R, _ = np.linalg.qr(rng.standard_normal((r, r)))
        U = np.hstack([Q @ np.diag(np.sqrt(np.maximum(lam, 0))) @ Q.T, np.zeros((n_, r - n_))]) @ R
        H = loss_hessian_fn(n_, r)(U, Y)
        top = float(np.linalg.eigvalsh(H).max())
        claimed = 2 * lam.max() if sharpness is None else float(sharpness(lam.max()))
        worst = worst_of(worst, abs(top - claimed) / lam.max())
        n += 1
    # tolerance: eigvalsh of a symmetric matrix of size <= 24 has backward error ~ 24 eps |H|
    # (~5e-15 relative), and the term of the Hessian in UU^T - Y (zero at the minimiser) is a
    # rounding error of U of the same size; 1e-10 is loose (measured ~2e-15)
    return 1e-10 - worst, {"sample_size": n, "worst_error": worst, "margin_is":
                           "1e-10 - max |lambda_max(H) - 2 lam_1| / lam_1 (1e-10 loose: eigvalsh "
                           "backward error ~24 eps |H| ~ 5e-15)"}


def gd_stability_check(budget: str, seed: int, c_max: float = 1.0):
    """Matrix GD (n = 3, r = 3) started 1e-3 from a minimiser: converges for eta lam_1 = 0.95,
    leaves the minimum for eta lam_1 = 1.05 (on random PSD Y with distinct eigenvalues)."""
    rng = np.random.default_rng(seed)
    count, bad = 0, None
    for _ in range(by_budget(budget, 4, 20)):
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
    return (0.0 if bad is None else -1.0), {"sample_size": count, "worst_at": bad, "margin_is":
                                            "0 if GD converges (loss < 1e-20) at eta lam_1 = "
                                            "0.95 and not at 1.05 in every case, else -1 (1e-20: "
                                            "between float64 floor 1e-30 and start 1e-6)"}


def two_cycle_check(budget: str, seed: int, claimed=None):
    """Iterate scalar GD at ``c = eta lam`` in (1, sqrt5 - 1): the orbit of ``s = u^2/lam``
    converges to the derived 2-cycle; also full matrix GD (n = 2) with ``c_1`` in range and
    ``c_2 < 1``: the top eigenvalue of X alternates between ``lam_1 s_-`` and ``lam_1 s_+``."""
    cl = claimed or TWO_CYCLE
    # theory's u -> u - eta u (u^2 - lam); at lam = 1, eta = c it is v -> v(1 + c - c v^2)
    F = mf.scalar_gd()
    step = sp.lambdify((*F.state, *F.params), F.update[0], "math")
    s_lo = sp.lambdify(C, cl["s_minus"])
    s_hi = sp.lambdify(C, cl["s_plus"])
    c_top = float(cl["c_max"])
    worst, n = 0.0, 0
    for c in np.linspace(1.02, c_top - 0.02, by_budget(budget, 8, 40)):
        v = 0.9
        for _ in range(20000):
            v = step(v, c, 1.0)
        pair = sorted([v * v, step(v, c, 1.0) ** 2])
        worst = worst_of(worst, abs(pair[0] - s_lo(c)), abs(pair[1] - s_hi(c)))
        n += 1
    rng = np.random.default_rng(seed)
    Y = np.diag([2.0, 0.5])
    for c in (1.1, 1.2):
        run = nf.gd_run(Y, 0.1 * rng.standard_normal((1, 2, 2)), c / 2.0, 6000)
        top = run.eigs[0, -2:, 0] / 2.0
        worst = worst_of(worst, abs(min(top) - s_lo(c)), abs(max(top) - s_hi(c)))
        n += 1
    # tolerance: for c in [1.02, sqrt5 - 1.02] the cycle multiplier has |7 - 4c - 2c^2| <= 0.84,
    # so 20000 (6000) steps reach the cycle to float64 rounding (~1e-15); 1e-8 is loose
    return 1e-8 - worst, {"sample_size": n, "worst_error": worst, "margin_is":
                          "1e-8 - max |orbit's 2-cycle values of u^2/lam - s_+-(c)| (1e-8 loose: "
                          "|multiplier| <= 0.84, so the orbit reaches rounding ~1e-15)"}


