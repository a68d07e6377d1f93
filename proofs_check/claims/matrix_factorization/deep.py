"""Depth-``N`` aligned factorization (spec B, ``dmf.*``): exact steps for a symbolic depth and
at explicit depths, and the quadrature and layer-wise GD experiments."""

from __future__ import annotations

import functools
import math

import numpy as np
import sympy as sp

from numerics import factorization as nf
from proofs_check import evidence as ev
from proofs_check.claims.matrix_factorization.symbols import X_SYM
from proofs_check.evidence.numeric import worst_of
from theory.models import matrix_factorization as mf


def layer_gradient_step(g):
    """Step: ``dL/dw_j = (w_j P_j - lam) P_j`` for every depth ``N``."""
    a, P = sp.symbols("w_j P_j", positive=True)
    return ev.identity(g.layer_grad, (a * P - g.lam) * P,
                       description="every N: the product of the layers is w_j P_j with P_j = "
                                   "prod_{i != j} w_i free of w_j, so dL/dw_j = (w_j P_j - lam) "
                                   "P_j")


def dmf_ode_general_steps(rhs=None):
    """Steps for ``dmf.ode`` at a symbolic depth ``N``; ``rhs`` is the claimed ``x'`` in ``x``
    (true: ``N x^(2-2/N)(lam - x)``)."""
    g = mf.deep_general()
    w, N, lam = g.w, g.N, g.lam
    claimed = g.claimed_rhs if rhs is None else rhs.subs(X_SYM, w**N)
    return [
        layer_gradient_step(g),
        ev.identity(g.balanced_field, -(w**N - lam) * w ** (N - 1),
                    description="symbolic N: balanced layers (w_i = w, P_j = w^(N-1); W_j(0) = "
                                "alpha I are equal and stay equal, each layer following the same "
                                "ODE): w' = -(w^N - lam) w^(N-1)"),
        ev.identity(g.x_rhs, claimed,
                    description="symbolic N, w > 0: x = w^N, x' = N w^(N-1) w' = N x^(2-2/N)(lam "
                                "- x)"),
    ]


def dmf_ode_steps():
    """Steps for ``dmf.ode`` at the depths ``N = 2..5`` (instances)."""
    steps = []
    for N in (2, 3, 4, 5):
        d = mf.deep_aligned(N)
        steps.append(ev.identity(d.x_rhs, d.claimed_rhs,
                                 description=f"N={N}: x' = N x^(2-2/N)(lam - x) from the "
                                             "derived layer-wise flow", at={"N": N}))
    return steps


def dmf_asymptotic_steps(lead=None):
    """Steps for ``dmf.half_time.asymptotic`` (symbolic ``N``); ``lead`` is the claimed leading
    term."""
    g = mf.deep_general()
    w, N, lam = g.w, g.N, g.lam
    x, e = sp.symbols("x e", nonnegative=True)
    ep = sp.Symbol("e", positive=True)
    a, W = mf.alpha_sym, sp.Symbol("W", positive=True)
    xs = sp.Symbol("x", positive=True)
    first = 1 / (lam * w ** (N - 1))
    return [
        ev.identity(g.integrand_x.subs(xs, w**N) * N * w ** (N - 1), g.integrand_w,
                    description="symbolic N: x = w^N turns T = int_{alpha^N}^{lam/2} dx/(N "
                                "x^(2-2/N)(lam - x)) into int_alpha^W dw/(w^(N-1)(lam - w^N)), W "
                                "= (lam/2)^(1/N)"),
        ev.identity(g.integrand_w, g.partial_fractions,
                    description="symbolic N: 1/(w^(N-1)(lam - w^N)) = 1/(lam w^(N-1)) + "
                                "w/(lam(lam - w^N))"),
        ev.identity(sp.diff(g.antiderivative, w), first,
                    description="symbolic N != 2: d/dw [-w^(2-N)/((N-2) lam)] = 1/(lam w^(N-1))"),
        ev.identity(g.antiderivative.subs(w, W) - g.antiderivative.subs(w, a),
            (1 / ((N - 2) * lam * a ** (N - 2)) if lead is None else lead)
            - W ** (2 - N) / ((N - 2) * lam),
            description="symbolic N: int_alpha^W dw/(lam w^(N-1)) = 1/((N-2) lam alpha^(N-2)) - "
                        "W^(2-N)/((N-2) lam) (N >= 3: the leading term plus a constant)"),
        ev.positivity(1 / (lam * (lam - x)), substitute={lam: x + ep},
                      description="remainder integrand w/(lam(lam - w^N)) > 0 (x = w^N < lam)"),
        ev.positivity(2 / lam**2 - 1 / (lam * (lam - x)), substitute={lam: 2 * x + e},
                      strict=False, description="1/(lam(lam - x)) <= 2/lam^2 for x = w^N <= "
                      "lam/2: the remainder integrand is at most 2w/lam^2"),
        ev.identity(sp.diff(w**2 / lam**2, w), 2 * w / lam**2,
                    description="int_0^W 2w/lam^2 dw = W^2/lam^2: 0 <= remainder <= W^2/lam^2, "
                                "independent of alpha, so T = 1/((N-2) lam alpha^(N-2)) + O(1) "
                                "for N >= 3"),
        ev.identity(sp.diff(sp.log(w) / lam, w), first.subs(N, 2),
                    description="N = 2: int_alpha^W dw/(lam w) = ln(W/alpha)/lam, so T = "
                                "ln(W/alpha)/lam + O(1) is logarithmic in 1/alpha"),
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
    return margin, {"sample_size": n + 1, "worst_error": e2, "by_case": res, "N2_error": e2,
                    "margin_is": "min of tol + depth of T - lead in [-c1, -c1 + W^2/lam^2] (N = "
                    "3..5), N = 2: 16 eps T - |T - ln(lam/a^2 - 1)/(2 lam)| (tol = 16 eps (|T| + "
                    "|lead|))"}


def dmf_gd_general_steps(threshold=None):
    """Steps for ``dmf.gd`` at a symbolic depth ``N``; ``threshold`` is the claimed step limit."""
    g = mf.deep_general()
    N, m, c = g.N, g.m, g.c
    o, ot, x = mf.nc_symbols("1_N 1_N^T x")
    z = sp.Symbol("z")
    s = sp.Symbol("s", positive=True)
    J = 1 - c * o * ot
    return [
        layer_gradient_step(g),
        ev.identity(g.jac_diag, 1 - c,
                    description="symbolic N: dF_j/dw_j = 1 - eta P_j^2 = 1 - eta m^(2N-2) at w_i "
                                "= m, lam = m^N (the term with w_j P_j - lam vanishes there)"),
        ev.identity(g.jac_off, -c,
                    description="symbolic N: dF_j/dw_k = -eta m^(2N-2) for k != j (P_j = w_k R, R "
                                "= m^(N-2)): J = I - c 1 1^T, c = eta m^(2N-2)"),
        ev.identity(J * o - (1 - c * N) * o, -c * o * (ot * o - N),
                    description="J 1 = (1 - c N) 1 since 1^T 1 = N"),
        ev.identity(J * x - x, -c * o * (ot * x),
                    description="J x = x for 1^T x = 0: eigenvalue 1 on the (N-1)-dimensional "
                                "1^perp, the tangent space of the minimiser manifold prod w = lam "
                                "at m 1 (neutral directions)"),
        ev.identity((z - 1) ** N * (1 + c * N / (z - 1)), (z - 1) ** (N - 1) * (z - 1 + c * N),
                    description="symbolic N, matrix determinant lemma: det(zI - J) = (z-1)^N (1 + "
                                "c 1^T 1/(z-1)) = (z - 1)^(N-1) (z - 1 + c N)"),
        ev.identity((g.threshold if threshold is None else threshold).subs(g.lam, m**N),
                    2 / (N * m ** (2 * N - 2)),
                    description="symbolic N: 2/(N lam^(2-2/N)) = 2/(N m^(2N-2)) at lam = m^N, so "
                                "eta < threshold iff s = c N < 2"),
        ev.identity(1 - (1 - s) ** 2, s * (2 - s), description="1 - (1 - s)^2 = s(2 - s)"),
        ev.sign_fact(s * (2 - s), s, 0, 2, statement="|1 - cN| < 1 for 0 < s = cN < 2"),
        ev.sign_fact(s * (2 - s), s, 2, sp.oo, "<", statement="|1 - cN| > 1 for s = cN > 2"),
        ev.identity((1 - s).subs(s, 2), -1, description="multiplier -1 at s = 2 (not stable)"),
    ]


def dmf_gd_steps():
    """Steps for ``dmf.gd`` at the depths ``N = 2..5`` (instances)."""
    steps = []
    z, m = sp.Symbol("z"), sp.Symbol("m", positive=True)
    for N in (2, 3, 4, 5):
        d = mf.deep_aligned(N)
        J = d.gd.jacobian().subs({d.lam: m**N}).subs({wj: m for wj in d.w})
        # lam = m^N, so lam^(2 - 2/N) = m^(2N - 2)
        expected = (z - 1) ** (N - 1) * (z - (1 - mf.eta_sym * N * m ** (2 * N - 2)))
        steps.append(ev.identity(J.charpoly(z).as_expr(), sp.expand(expected),
                                 description=f"N={N}: charpoly of the derived Jacobian at "
                                             "w_j = lam^(1/N) is "
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
                worst = worst_of(worst, abs(tq - to) / tq)
                n += 1
    # tolerance: the event time of DOP853 at rtol = atol = 1e-12 carries a global relative error
    # of ~1e-11 (measured 5e-12); the quadrature (30 digits) is exact to float64; 1e-8 is loose
    return 1e-8 - worst, {"sample_size": n, "worst_error": worst, "margin_is":
                          "1e-8 - max |T_quadrature - T_ODE event| / T_quadrature (1e-8 loose: "
                          "DOP853 at rtol 1e-12 errs ~1e-11)"}


@functools.cache
def layer_gd_fns(N: int):
    """theory's layer-wise GD map of depth ``N`` (:func:`mf.deep_aligned`) as a float function
    ``step(w, eta, lam) -> w'`` and its GD threshold as ``threshold(lam)``.

    Examples
    --------
    >>> step, thr = layer_gd_fns(2)
    >>> step(np.array([1.0, 2.0]), 0.1, 3.0), thr(2.0)   # w_j + eta P_j (lam - w_0 w_1)
    (array([1.2, 2.1]), 0.5)
    """
    d = mf.deep_aligned(N)
    update = sp.lambdify((d.w, *d.gd.params), d.gd.update, "math")
    thr = sp.lambdify(d.lam, d.threshold, "math")
    return (lambda w, eta, lam: np.array(update(w, eta, lam), dtype=float)), thr


def dmf_gd_check(budget: str, seed: int, threshold=None):
    """Layer-wise GD (N layers, balanced start 1e-3 off the minimum, plus a random layer
    perturbation) converges for eta = 0.95 x threshold and not for 1.05 x threshold."""
    rng = np.random.default_rng(seed)
    count, bad = 0, None
    for N in (2, 3, 4):
        for lam in (0.7, 1.5):
            step, derived_threshold = layer_gd_fns(N)
            thr = derived_threshold(lam) if threshold is None else float(threshold(N, lam))
            for f, should in ((0.95, True), (1.05, False)):
                w = lam ** (1 / N) * (1 + 1e-3 * rng.standard_normal(N))
                eta = f * thr
                for _ in range(5000):
                    w = step(w, eta, lam)
                    if not np.all(np.isfinite(w)) or np.abs(w).max() > 1e6:
                        break
                # converged: at 0.95 x threshold the transverse multiplier is -0.9, so 5000 steps
                # reach float64 rounding (~1e-16 lam); 1e-10 separates that from the 2-cycle or
                # divergence (|prod w - lam| = O(1)) at 1.05 x; 1e6 is a divergence guard
                ok = bool(np.all(np.isfinite(w)) and abs(np.prod(w) - lam) < 1e-10)
                count += 1
                if ok != should:
                    bad = {"N": N, "lam": lam, "factor": f}
    return (0.0 if bad is None else -1.0), {"sample_size": count, "worst_at": bad, "margin_is":
                                            "0 if GD reaches |prod w - lam| < 1e-10 at 0.95 x "
                                            "threshold and not at 1.05 x, else -1 (1e-10: above "
                                            "rounding, below the O(1) 2-cycle)"}


