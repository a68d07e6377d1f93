"""Limits ``N -> oo`` (float evidence at ``N = 10^j`` against proven remainder bounds) and the
ratio-bound margins searched by Hypothesis.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from proofs_check import evidence as ev
from proofs_check.evidence.numeric import worst_of
from theory.models import mamba_icl as mi

from .constants import float_constants
from .formulas import N_RHO_LIMIT, _fn


def ratio_margin(d: int, N: int, kappa: float, discretisation: str, sigma: float) -> float:
    """Smallest relative slack of ``1 <= L*/L*_TF <= N rho <= (kappa/2) coth(kappa/2)`` and of
    ``2/(k2 gamma*) < 1/s1 < min(2/s1, 2/(kB gamma*))``.

    Examples
    --------
    >>> ratio_margin(5, 50, 0.6931471805599453, "zoh", 0.0) > 0
    True
    """
    return _ratio_margin(d, N, kappa, discretisation, sigma)


def _ratio_margin(d, N, kappa, discretisation, sigma, sup=None):
    c = float_constants(d, N, kappa, discretisation, sigma)
    limit = c["n_rho_limit"] if sup is None else sup(kappa)
    slack = [c["ratio"] - 1, c["n_rho"] - c["ratio"], limit - c["n_rho"],
             (c["eta_main"] - c["eta_v"]) / c["eta_main"],
             (c["eta_bB"] - c["eta_main"]) / c["eta_main"],
             (c["eta_bC"] - c["eta_main"]) / c["eta_main"]]
    # float error model: 1 - a = 1 - exp(-kappa/N) loses log10(N/kappa) digits (relative
    # error <~ eps N/kappa <= 2.2e-14 N for kappa >= 0.01) and enters each slack a few times;
    # 1e-12 (1 + N) bounds that with a margin of >~ 10
    return min(slack) + 1e-12 * (1 + N)


def _sup_sharpness(budget, seed, sup=N_RHO_LIMIT):
    """The claimed sup of N rho is approached: ``0 <= sup - N rho <= coth(kappa/2) kappa^3/(24
    N^2)`` (the proven remainder of mamba.loss.limits) at N = 10^4, 10^5 for several kappa,
    ZOH and Euler (N rho is the same for both), evaluated at 50 digits."""
    import mpmath

    f_sup = _fn(sup, (mi.kappa,), "mpmath")
    nrho = _limit_fns()["zoh"]
    rows, worst = [], 0.0
    with mpmath.workdps(50):
        for kap in ("1/10", "ln2", "1", "3", "8"):
            k = mpmath.log(2) if kap == "ln2" else mpmath.mpf(sp.Rational(kap).p) / \
                sp.Rational(kap).q
            for N in (10**4, 10**5):
                gap = f_sup(k) - nrho(k, N)[1]
                bound = k**3 / (24 * N**2) / mpmath.tanh(k / 2)
                r = float(gap / bound)
                worst = worst_of(worst, r if r >= 0 else 1 - r)
                rows.append({"kappa": kap, "N": N, "gap": float(gap), "bound": float(bound)})
    return {"error": worst, "tol": 1.0, "sample_size": len(rows),
            "details": {"margin_is": "1 - max (sup - N rho) / (coth(kappa/2) kappa^3/(24 N^2)), "
                        "1 - ratio if negative (1: the proven remainder bound itself; 50 digits)",
                        "error_is": "(sup - N rho)/remainder bound (<= 1; negative gaps count "
                        "as 1 - ratio)", "rows": rows, "digits": 50}}


_LIMIT_KAPPAS = ("1/10", "ln2", "1", "3")


@cache
def _limit_fns():
    """mpmath functions of (kappa, N) from the theory: N(1 - a), s1 and N rho (ZOH, Euler)."""
    out = {"step": sp.lambdify((mi.kappa, mi.n), mi.n * (1 - sp.exp(-mi.kappa / mi.n)),
                               "mpmath")}
    for disc in mi.DISCRETISATIONS:
        S1, S2 = mi.gate_sums(disc, in_kappa=True)
        out[disc] = sp.lambdify((mi.kappa, mi.n), (S1, mi.n * S2 / S1**2), "mpmath")
    return out


def _limits_numeric(budget, seed, which=("step", "zoh", "euler"), limits=None):
    """Distance to the claimed limit at N = 10^j, divided by a proven bound on it.

    ``limits`` maps ``step`` (of N(1 - a)), ``s1`` and ``n_rho`` to claimed expressions in
    ``kappa`` (default: ``kappa``, ``1 - exp(-kappa)``, ``(kappa/2) coth(kappa/2)``).

    Bounds (alternating Taylor series with decreasing terms, u = kappa/N <= 3/10 here):
    0 <= kappa - N(1 - a) <= kappa u/2; ZOH 0 <= (1 - e^-kappa) - s1 = (1 - e^-kappa)(1 - e^-u)
    <= (1 - e^-kappa) u; Euler |s1 - (1 - e^-kappa)| = (1 - e^-kappa)|u/(e^u - 1) - 1| <=
    (1 - e^-kappa) u/2 (and s1 < its limit); 0 <= (kappa/2) coth(kappa/2) - N rho
    = coth(kappa/2)(x - tanh x) N
    <= coth(kappa/2) N x^3/3, x = kappa/(2N). The ratio must stay <= 1 at every N (tol 1 is the
    bound itself; evaluated at 50 digits, so float error is far below it).
    """
    import mpmath

    limits = {"step": mi.kappa, "s1": 1 - sp.exp(-mi.kappa), "n_rho": N_RHO_LIMIT,
              **(limits or {})}
    lim = {k: _fn(v, (mi.kappa,), "mpmath") for k, v in limits.items()}
    fns = _limit_fns()
    Ns = [10**j for j in range(1, 6 if budget == "quick" else 9)]
    worst, rows = 0.0, []
    with mpmath.workdps(50):
        for kap in _LIMIT_KAPPAS:
            q = sp.Rational(kap) if kap != "ln2" else None
            k = mpmath.log(2) if q is None else mpmath.mpf(q.p) / q.q
            exact_s1 = 1 - mpmath.exp(-k)  # for the bounds (proven with the true limit)
            lim_s1, lim_nrho = lim["s1"](k), lim["n_rho"](k)
            for N in Ns:
                u = k / N
                checks = {}
                if "step" in which:
                    checks["N(1-a)"] = (lim["step"](k) - fns["step"](k, N), k * u / 2)
                for disc in ("zoh", "euler"):
                    if disc not in which:
                        continue
                    s1v, nrho = fns[disc](k, N)
                    b1 = exact_s1 * u if disc == "zoh" else exact_s1 * u / 2
                    checks[f"s1 {disc}"] = (lim_s1 - s1v, b1)
                    x = k / (2 * N)
                    checks[f"N rho {disc}"] = (lim_nrho - nrho, N * x**3 / 3 / mpmath.tanh(k / 2))
                for name, (dist, bound) in checks.items():
                    r = float(dist / bound)  # each quantity approaches its limit from below
                    worst = worst_of(worst, r if r >= 0 else 1 - r)
                    rows.append({"kappa": kap, "N": N, "quantity": name,
                                 "distance": float(dist), "bound": float(bound)})
    discs = [{"zoh": "ZOH", "euler": "Euler"}[w] for w in which if w != "step"]
    quantities = "; ".join((["N(1 - a)"] if "step" in which else [])
                           + ([f"s1, N rho ({', '.join(discs)})"] if discs else []))
    return {"error": worst, "tol": 1.0, "sample_size": len(rows),
            "details": {"margin_is": f"1 - max over N = 10^j, kappa of (limit - {quantities}) / "
                        "proven remainder bound, 1 - ratio if negative (1: the bound itself; 50 "
                        "digits)",
                        "error_is": "max distance-to-limit / proven remainder bound",
                        "N": Ns, "kappa": list(_LIMIT_KAPPAS), "digits": 50,
                        "last": rows[-len(which) * 2:]}}


def _ratio_property(c):
    sup = c["n_rho_sup"]
    if sp.simplify(sup - N_RHO_LIMIT) == 0:
        margin = ratio_margin  # module level: a counterexample reruns with python -c
    else:
        f = _fn(sup, (mi.kappa,))

        def margin(d, N, kappa, discretisation, sigma):
            return _ratio_margin(d, N, kappa, discretisation, sigma, sup=f)
    return [ev.property(margin, {"d": range(1, 60), "N": range(1, 5000), "kappa": (0.01, 8.0),
                                 "discretisation": ["zoh", "euler"], "sigma": (0.0, 3.0)},
                        examples={"quick": 150, "full": 2000},
                        description="Hypothesis search (targeting the smallest slack)",
                        margin_is="min of ratio - 1, N rho - ratio, sup - N rho and the relative "
                        "gaps of the step-size order, + 1e-12 (1 + N) (float64 error of "
                        "1 - exp(-kappa/N))"),
            ev.computed(lambda b, s: _sup_sharpness(b, s, sup),
                        "the bound is the sup: N rho at N = 1e4, 1e5 within the proven remainder "
                        "of it (50 digits)")]
