"""The theory's constants and population loss in float64 (lambdified from
:mod:`theory.models.mamba_icl`), for the simulations, the tables and the plots.
"""

from __future__ import annotations

import math
from functools import cache

import sympy as sp

from numerics import scan
from theory.models import mamba_icl as mi

from .formulas import LN2


@cache
def _model(d: int, d_h: int) -> mi.MambaICL:
    return mi.model(d, d_h)


@cache
def _const_fn(disc: str):
    S1, S2 = mi.gate_sums(disc)
    d, sig, rho, m = sp.symbols("d sigma rho m", positive=True)
    A, K2, KB = mi.loss_coefficients(d, mi.s1, mi.s2, sig)
    return (sp.lambdify((mi.a, mi.delta, mi.n), (S1, S2), "math"),
            sp.lambdify((d, mi.s1, mi.s2, sig), (A, K2, KB), "math"),
            sp.lambdify((d, rho, m), mi.optimal_loss(d, rho, m), "math"))


def float_constants(d: int, N: int, kappa: float = LN2, discretisation: str = "zoh",
                    sigma: float = 0.0) -> dict[str, float]:
    """The constants of :func:`theory.models.mamba_icl.constants` in float64 (lambdified).

    Examples
    --------
    >>> c = float_constants(2, 1)
    >>> round(c["s1"], 12), round(c["gamma_star"], 12), round(c["L_star"], 12)
    (0.25, 1.0, 0.75)
    """
    gates, coeffs, lstar = _const_fn(discretisation)
    s1, s2 = gates(math.exp(-kappa / N), kappa / N, N)
    A, K2, KB = coeffs(d, s1, s2, sigma)
    rho = s2 / s1**2
    m = d + 1 + sigma**2
    gs = s1 / A
    Ls, Ltf = lstar(d, rho, m), lstar(d, 1.0 / N, m)
    return {"a": math.exp(-kappa / N), "s1": s1, "s2": s2, "rho": rho, "n_rho": N * rho,
            "alpha": A, "k2": K2, "kB": KB, "gamma_star": gs, "L_star": Ls, "L_star_TF": Ltf,
            "ratio": Ls / Ltf, "eta_main": 1 / s1, "eta_v": 2 / (K2 * gs),
            "eta_bB": 2 / (KB * gs), "eta_bC": 2 / s1,
            "n_rho_limit": kappa / 2 / math.tanh(kappa / 2)}


@cache
def _pop_loss_fn(d: int, d_h: int, module: str = "math"):
    S = mi._param_matrices(d, d_h)
    syms = [*S["P"], *S["v"], *S["Q"], *S["c"], *S["b_B"], *S["b_C"]]
    q = sp.Symbol("q")
    L = mi.population_loss(S, d, query_var=q)
    return sp.lambdify([syms, (mi.alpha, mi.k2, mi.kB, mi.s1, q)], L, module)


def _population_loss_numeric(p: scan.S6Params, c: dict, query_var: float = 0.0) -> float:
    """The general population-loss formula at parameters ``p`` (lambdified from theory)."""
    f = _pop_loss_fn(p.d, p.d_h)
    vec = [*p.P.ravel(), *p.v, *p.Q.ravel(), *p.c, *p.b_B, *p.b_C]
    return float(f(vec, (c["alpha"], c["k2"], c["kB"], c["s1"], query_var)))


def _nuisance_free_loss(P, Q, c) -> float:
    """The population loss at ``(P, Q)`` with zero nuisance parameters (the general formula)."""
    return _population_loss_numeric(scan.S6Params.from_blocks(P=P, Q=Q), c)
