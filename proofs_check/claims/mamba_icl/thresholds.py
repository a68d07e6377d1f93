"""Step-size thresholds of simulated GD near the balanced minimum (multisection bisection),
and what happens beyond the v-limit (the catapult to another minimiser).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from proofs_check.evidence.numeric import worst_of

from .constants import float_constants
from .gd_simulation import _balanced_start, _excess, _iterate, _split


def _threshold(stable, lo, hi, rounds, lanes=33):
    """Multisection bisection: bracket the first step size at which ``stable`` turns False."""
    for _ in range(rounds):
        grid = np.linspace(lo, hi, lanes)
        ok = stable(grid)
        if ok.all() or not ok.any() or not ok[0] or ok[-1]:
            return math.nan, (lo, hi)
        first_bad = int(np.argmin(ok))
        lo, hi = grid[first_bad - 1], grid[first_bad]
    return (lo + hi) / 2, (lo, hi)


#: the setting of the threshold simulations: d = d_h = 2, N = 20
_D, _D_H, _N = 2, 2, 20


def _threshold_setup(budget, seed):
    """Constants, horizon and random generator of a threshold simulation."""
    return float_constants(_D, _N), (2000 if budget == "quick" else 10000), \
        np.random.default_rng(seed)


def _threshold_result(run, pred, details):
    """Measured threshold ``run = (c, T, estimate, bracket)`` against the claimed ``pred``."""
    _, T, est, br = run
    # tol 1e-3: 3 rounds of 33-lane bisection bracket eta to 1/32^3 ~ 3e-5 of the range; at
    # a relative distance 1e-3 from the limit the per-step factor differs from 1 by >= 2e-3,
    # amplified by T = 2000 steps to e^4: detectable. Observed ~1.5e-5
    return {"error": abs(est - pred) / abs(pred), "tol": 1e-3, "value": est, "claimed": pred,
            "sample_size": 3 * 33,
            "details": {"margin_is": "1e-3 - |bisected threshold - claimed eta_max| / eta_max "
                        "(1e-3: bisection resolves 3e-5; 1e-3 past the limit grows by e^4 in "
                        "T >= 2000 steps)",
                        "bracket": list(br), "steps": T, **details}}


@cache
def _threshold_main_run(budget, seed):
    c, T, rng = _threshold_setup(budget, seed)
    pert = rng.standard_normal(2 * _D * _D_H) * 1e-6

    def stable(etas):
        x0 = _balanced_start(_D, _D_H, c, 1.0, len(etas)) + pert[:, None]
        traj = _iterate(_D, _D_H, ("P", "Q"), x0, c, etas, T)
        e = _excess(traj[[0, -1]], _D, _D_H, c)
        return np.isfinite(e[-1]) & (e[-1] < e[0])

    est, br = _threshold(stable, 0.5 / c["s1"], 1.5 / c["s1"], 3)
    return c, T, est, br


def _threshold_main(budget, seed, claimed=lambda c: c["eta_main"]):
    run = _threshold_main_run(budget, seed)
    c, est = run[0], run[2]
    return _threshold_result(run, claimed(c), {
        "start": "balanced minimum + 1e-6 Gaussian perturbation",
        "stable_if": "excess after T steps < excess at 0", "d": _D, "d_h": _D_H, "N": _N,
        "eta_s1_measured": est * c["s1"]})


@cache
def _threshold_v_run(budget, seed):
    c, T, rng = _threshold_setup(budget, seed)
    v0 = rng.standard_normal(_D_H) * 1e-6

    def stable(etas):
        x0 = np.concatenate([_balanced_start(_D, _D_H, c, 1.0, len(etas)),
                             np.repeat(v0[:, None], len(etas), axis=1)])
        v = _iterate(_D, _D_H, ("P", "Q", "v"), x0, c, etas, T)[:, 2 * _D * _D_H:, :]
        nv = np.sqrt((v**2).sum(axis=1))
        return np.all(np.isfinite(nv), axis=0) & (nv.max(axis=0) <= nv[0])

    # the search range comes from the theory's constants (0.5 to 1.5 times 2/(k2 gamma*)), not
    # from the claimed value
    est, br = _threshold(stable, 0.5 * c["eta_v"], 1.5 * c["eta_v"], 3)
    return c, T, est, br


def _threshold_v(budget, seed, claimed=lambda c: c["eta_v"]):
    run = _threshold_v_run(budget, seed)
    c = run[0]
    return _threshold_result(run, claimed(c), {
        "trained": "P, Q, v", "start": "balanced minimum, v ~ 1e-6 N(0, I)", "d": _D,
        "d_h": _D_H, "stable_if": "|v_t| <= |v_0| for all t <= T (the minimum repels v "
        "otherwise; above the limit GD relocates, see mamba.rate.v_catapult)", "N": _N,
        "main_block_limit_1/s1": c["eta_main"]})


def _v_catapult(budget, seed, eta_v=lambda c: c["eta_v"], sharpness=2.0):
    """Above ``eta_v`` (claimed 2/(k2 gamma*)) GD with v trained leaves the balanced minimum (v
    grows) and settles at another minimiser Q^T P = gamma* I with eta k2 lambda_max(Q Q^T) below
    ``sharpness`` (claimed 2); just below ``eta_v`` (0.97 eta_v, the control lane) v decays."""
    d, d_h, N = 2, 2, 20
    c = float_constants(d, N)
    limit = eta_v(c)
    ratios = np.array([1.05, 1.2, 1.35, 1.5] if budget == "quick" else np.linspace(1.02, 1.5, 17))
    etas = np.concatenate([ratios, [0.97]]) * limit
    v0 = np.random.default_rng(seed).standard_normal(d_h) * 1e-6
    x0 = np.concatenate([_balanced_start(d, d_h, c, 1.0, len(etas)),
                         np.repeat(v0[:, None], len(etas), axis=1)])
    traj = _iterate(d, d_h, ("P", "Q", "v"), x0, c, etas, 3000)
    P, Q = _split(traj[-1, : 2 * d * d_h], d, d_h)
    rows, worst = [], 0.0
    for k in range(len(ratios)):
        G = Q[k].T @ P[k]
        gerr = float(np.abs(G / c["gamma_star"] - np.eye(d)).max()) if np.all(
            np.isfinite(G)) else math.inf
        sharp = float(etas[k] * c["k2"] * np.linalg.eigvalsh(Q[k] @ Q[k].T).max()) if \
            math.isfinite(gerr) else math.inf
        vmax = float(np.abs(traj[:, 2 * d * d_h:, k]).max())
        vend = float(np.abs(traj[-1, 2 * d * d_h:, k]).max())
        # scales: Gamma and |v| at the end to 1e-9 (3000 steps at contraction <~ 0.99 leave
        # ~1e-13); growth of |v| by >= 1e3 from 1e-6 (it leaves the 1e-6 start for O(1e-3+))
        ok_err = max(gerr / 1e-9, (sharp - sharpness) / 1e-9 + 1 if sharp >= sharpness else 0.0,
                     1e3 * float(np.abs(v0).max()) / vmax, vend / 1e-9)
        worst = worst_of(worst, ok_err if math.isfinite(ok_err) else math.inf)
        rows.append({"eta_over_limit": float(ratios[k]), "gamma_error": gerr,
                     "eta_k2_lambda_max_QQT": sharp, "max_v": vmax, "final_v": vend})
    v_ctrl = np.sqrt((traj[:, 2 * d * d_h:, -1] ** 2).sum(axis=1))
    # control lane: |v_t| <= |v_0| throughout (up to rounding, 1e-9 relative)
    ctrl = float(v_ctrl.max() / v_ctrl[0]) if np.all(np.isfinite(v_ctrl)) else math.inf
    worst = worst_of(worst, (ctrl - 1) / 1e-9 if ctrl > 1 else 0.0)
    return {"error": worst, "tol": 1.0, "sample_size": len(etas),
            "details": {"margin_is": "1 - max of |Gamma/gamma* - I|, eta k2 lambda_max(QQ^T) - 2, "
                        "final |v|, control |v_t|/|v_0| - 1 (each / 1e-9), 1e3 |v_0|/max|v_t| "
                        "(1e-9: rounding, 3000 steps)",
                        "rows": rows, "steps": 3000, "d": d, "d_h": d_h, "N": N,
                        "control_eta_over_limit": 0.97, "control_max_v_over_v0": ctrl,
                        "checks": "Gamma = gamma* I to 1e-9, eta k2 lambda_max(QQ^T) < 2 at the "
                        "end, |v| grew by >= 1e3 on the way, final |v| < 1e-9; below the limit "
                        "|v| never exceeds its start"}}
