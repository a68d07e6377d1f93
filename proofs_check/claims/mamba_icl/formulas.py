"""The statements' formulas: the symbols the claims are written in and their claimed values.

Where the theory has the formula the claimed default is the theory's expression (input factors,
loss coefficients, ``L*``, gate sums, the readout step and prediction); the others are the
paper's formulas as stated, proved against the theory's derivations by the claims' evidence.
"""

from __future__ import annotations

import math

import sympy as sp

from theory.models import mamba_icl as mi

from .identities import _nc, _nc_map

LN2 = math.log(2.0)

# -- symbols of the statements ---------------------------------------------------------------
_C = sp.Symbol("c", positive=True)  # the input factor: 1 - a (ZOH) or Delta (Euler)
_I = sp.Symbol("i", positive=True, integer=True)  # token index
_GS = sp.Symbol("gamma_star", positive=True)
_ES1 = sp.Symbol("eta_s1", positive=True)  # the step in units of 1/s1
_MU, _NU = sp.symbols("mu nu", positive=True)  # eigenvalues of Q^T Q and P^T P
_RHO = sp.Symbol("rho", positive=True)
_DH = sp.Symbol("d_h", positive=True, integer=True)
_TAU = sp.Symbol("tau", nonnegative=True)  # query label noise
_W, _GX, _Y, _XW = sp.symbols("w_prev Gamma_x y_l xq_w", real=True)
_YS = sp.Symbol("y", real=True)  # a label (the LMS / surrogate step)
_T_RHO = sp.Symbol("t", positive=True)  # t = exp(-kappa/(2N)) in (0, 1)
_G0, _T = sp.Symbol("gamma_0", positive=True), sp.Symbol("t", nonnegative=True)
_DE = sp.Symbol("dE", commutative=False)  # the error perturbation dE (d x d)
_P1, _Q1 = sp.symbols("p q", positive=True)  # the d = 1 minimum (p, q), alpha p q = s1
#: symbols of the float constants a claimed expression may use, and their keys in
#: :func:`float_constants`
_CONST_SYMS = (mi.s1, mi.s2, mi.alpha, mi.k2, mi.kB, _GS, _RHO)
_CONST_KEYS = ("s1", "s2", "alpha", "k2", "kB", "gamma_star", "rho")

# -- the forward pass ----------------------------------------------------------------------------
#: input factor c of each discretisation, in the decay a = exp(-Delta) (theory.discretise)
C_DISC = {disc: mi.discretise(disc)[1].subs(sp.exp(-mi.delta), mi.a)
          for disc in mi.DISCRETISATIONS}
G_I = _C * mi.a ** (mi.n + 1 - _I)                    # gate weight g_i (the paper's statement)
W_UPDATE = mi.readout_step(_W, _GX, _Y, _C)           # readout: w_l from w_{l-1}, Gamma x_l, y_l
W_YHAT = mi.readout_prediction(_XW)                   # prediction from x_q^T w_N

# -- the loss and its minimiser ------------------------------------------------------------------
ALPHA, K2, KB = mi.loss_coefficients(mi.dim)          # loss constants (every d)
GAMMA_STAR = mi.s1 / mi.alpha
L_STAR = mi.optimal_loss(mi.dim, mi.s2 / mi.s1**2, mi.dim + 1 + mi.sigma**2)
L_STAR_NOISELESS = L_STAR.xreplace({mi.sigma: 0})     # the simulations are noise-free
POP_COEFFS = {"alpha": ALPHA, "k2": K2, "kB": KB, "query_noise": _TAU**2 / 2}
LOW_RANK_EXCESS = mi.alpha / 2 * GAMMA_STAR**2 * (mi.dim - _DH)
N_RHO_LIMIT = mi.kappa / 2 * sp.coth(mi.kappa / 2)    # sup_N N rho
#: (kappa/2) coth(kappa/2) at kappa = ln 2, in exponentials (for arb)
_LIMIT_LN2 = N_RHO_LIMIT.subs(mi.kappa, sp.log(2)).rewrite(sp.exp)
RATIO_PARTS = {
    "ratio_minus_1": (mi.n * _RHO - 1) / (1 + (mi.dim + 1 + mi.sigma**2) * _RHO),
    "n_rho_minus_ratio": (mi.dim + 1 + mi.sigma**2) * _RHO * (mi.n * _RHO - 1)
    / (1 + (mi.dim + 1 + mi.sigma**2) * _RHO)}

# -- the dynamics --------------------------------------------------------------------------------
_SCALE = {"scale": sp.sqrt(mi.alpha / mi.s1), "mu": mi.eta * mi.s1}
GAMMA_NEXT = mi.gamma * (1 - mi.eta * (mi.alpha * mi.gamma - mi.s1)) ** 2
LOGISTIC_ODE = 2 * mi.s1 * mi.gamma * (1 - mi.gamma / _GS)
RATE_MAIN = (1 - 2 * _ES1) ** 2                       # balanced contraction per step
MULT_MAIN = 1 - 2 * mi.eta * mi.s1                    # balanced multiplier
MULT_MODE = 1 - mi.eta * mi.alpha * (_MU + _NU)       # multiplier of the mode u_i v_j^T
D1_MULT = 1 - mi.eta * mi.alpha * (_P1**2 + _Q1**2)   # d = 1: the non-neutral multiplier
ETA_MAIN = 1 / mi.s1                                  # stability limit, balanced minimum
ETA_V = 2 / (mi.k2 * _GS)                             # ... with v trained
ETA_BB = 2 / (mi.kB * _GS)                            # ... with b_B trained
ETA_BC = 2 / mi.s1                                    # ... with b_C trained
#: each nuisance part: its loss coefficient and its step-size limit
_BLOCKS = {"v": (mi.k2, ETA_V), "b_B": (mi.kB, ETA_BB), "b_C": (mi.alpha, ETA_BC)}
NUISANCE_BLOCKS = {"main": RATE_MAIN, "v": (1 - mi.eta * mi.k2 * _GS) ** 2,
                   "b_B": (1 - mi.eta * mi.kB * _GS) ** 2, "b_C": (1 - _ES1) ** 2}


# -- claimed values in the free algebra (matrices of every size) ---------------------------------
def _closed_form_symbols():
    return _nc("x_q^T Q^T b_C^T P v b_B x_i"), sp.symbols("g_i y_i", real=True)


def _closed_form_claims():
    (xqt, Qt, bCt, P, v, bB, x), (g, y) = _closed_form_symbols()
    return {"main": xqt * Qt * P * x * g * y,
            "nuisance": (xqt * Qt * v * g * y**2 + xqt * Qt * bB * g * y + bCt * P * x * g * y
                         + bCt * v * g * y**2 + bCt * bB * g * y)}


def _gate_sum_claims():
    out = {}
    for disc in mi.DISCRETISATIONS:
        S1, S2 = mi.gate_sums(disc)
        out[f"s1_{disc}"], out[f"s2_{disc}"] = S1, S2
    return out


def _surrogate_claims():
    x, xt, w = _nc("x x^T w")
    return {"difference": (x * xt - 1) * w - (1 - _GS) * _YS * x, "Exx": sp.Integer(1)}


def _gradient_claims():
    P, _Pt, Q, _Qt, E, Et = _nc_map()
    return {"dL_dP": Q * E, "dL_dQ": P * Et}


def _map_claim_defaults():
    P, _Pt, Q, _Qt, E, _Et = _nc_map()
    Es, Ets = _nc("E E^T")
    return {"E": E, "P_next": P - mi.eta * Q * Es, "Q_next": Q - mi.eta * P * Ets}


def _linearised_default():
    P, Pt, Q, Qt, _E, _Et = _nc_map()
    return _DE - mi.eta * mi.alpha * (Qt * Q * _DE + _DE * Pt * P)


# -- claimed values as float functions (for the simulations) -------------------------------------
def _fn(expr, args, module: str = "math"):
    """A claimed expression as a float function of ``args`` (symbols), for the simulations."""
    return sp.lambdify(tuple(args), sp.sympify(expr), module)


def _rule(expr, *args):
    """A callable ``rule(c) -> float`` from a claimed expression in the float constants'
    symbols (``s1``, ``alpha``, ``k2``, ``k_B``, ``gamma_star``, ``rho``...)."""
    f = _fn(expr, _CONST_SYMS)
    return lambda c: float(f(*(c[k] for k in _CONST_KEYS)))


def _constant_rule(expr):
    """``c -> float`` for a claimed expression in ``d, s1, s2, sigma`` (d = 2, sigma = 0 in the
    simulations) or in the float constants' symbols."""
    sub = {mi.dim: 2, mi.sigma: 0}
    return _rule(sp.sympify(expr).xreplace(sub))


def _as_expr(rate) -> sp.Expr:
    """A rate given as an expression in ``eta_s1`` or as a function of it."""
    return sp.sympify(rate(_ES1)) if callable(rate) else sp.sympify(rate)
