"""Convergence of simulated GD on the derived map: fitted contraction rates (balanced, unbalanced,
with nuisance parameters), spectra at minima, the minimum reached and the loss bound.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from proofs_check.evidence.numeric import worst_of
from theory.models import mamba_icl as mi

from .constants import _nuisance_free_loss, _pop_loss_fn, float_constants
from .formulas import _ES1, _GS, _MU, _NU, MULT_MODE, NUISANCE_BLOCKS, _fn
from .gd_simulation import (
    _balanced_start,
    _excess,
    _fit_rate,
    _gd_fn,
    _iterate,
    _minimum_points,
    _param_values,
    _random_starts,
    _rate_grid,
    _split,
)


def _balanced_rates(budget, seed, rate=lambda x: (1 - 2 * x) ** 2, d=2, d_h=3, N=20):
    """Fitted per-step contraction of the excess loss from balanced starts vs ``rate(eta s1)``."""
    c = float_constants(d, N)
    xs = _rate_grid(budget)
    eta = np.array(xs) / c["s1"]
    traj = _iterate(d, d_h, ("P", "Q"), _balanced_start(d, d_h, c, 0.2, len(xs)), c, eta, 600)
    e = _excess(traj, d, d_h, c)
    rows, worst = [], 0.0
    for k, x in enumerate(xs):
        # fit window: above 1e-26 alpha the entries of Q^T P - gamma* I are >~ 1e-13 gamma*,
        # so their rounding (~1e-16 gamma*) is <~ 1e-3 relative; below 1e-8 alpha the
        # quadratic correction to the per-step factor is <~ 1e-4
        fit, info = _fit_rate(e[:, k], 1e-26 * c["alpha"], 1e-8 * c["alpha"])
        pred = float(rate(x))
        err = abs(fit - pred) / abs(pred) if math.isfinite(fit) and pred else math.inf
        worst = worst_of(worst, err)
        rows.append({"eta_s1": x, "fitted": fit, "predicted": pred, "rel_error": err, **info})
    # tol 1e-3: the float floor of the fit window (see above); observed ~1e-4
    return {"error": worst, "tol": 1e-3, "sample_size": len(xs),
            "value": [r["fitted"] for r in rows], "claimed": [r["predicted"] for r in rows],
            "details": {"margin_is": "1e-3 - max over eta s1 of |fitted rate - rate(eta s1)| / "
                        "rate(eta s1) (1e-3: float floor of the fit window 1e-26..1e-8 alpha; "
                        "observed ~1e-4)",
                        "d": d, "d_h": d_h, "N": N, "rows": rows, "start": "P = Q = sqrt(0.2 "
                        "gamma*) [I; 0]", "fit": "least squares of log excess on steps where "
                        "1e-26 alpha < excess < 1e-8 alpha"}}


def _unbalanced_spectrum(budget, seed, mult=MULT_MODE, neutral=1):
    """Eigenvalues of the derived Jacobian at random unbalanced minima against the claimed
    multipliers ``mult(eta, alpha, mu, nu)`` and the neutral eigenvalue."""
    f_mult = _fn(mult, (mi.eta, mi.alpha, _MU, _NU))
    one = float(neutral)
    d, d_h, N = 2, 3, 20
    c = float_constants(d, N)
    lanes = 6 if budget == "quick" else 60
    X = _minimum_points(d, d_h, c, lanes, seed)
    F, _, J = _gd_fn(d, d_h, ("P", "Q"))
    worst, rows = 0.0, []
    for k in range(lanes):
        eta = 0.3 / c["s1"]
        Jk = np.array(J(X[:, k], _param_values(F, c, eta)), dtype=np.float64)
        eig = np.sort(np.linalg.eigvals(Jk).real)
        P, Q = X[: d * d_h, k].reshape(d_h, d), X[d * d_h:, k].reshape(d_h, d)
        mu, nu = np.linalg.eigvalsh(Q.T @ Q), np.linalg.eigvalsh(P.T @ P)
        pred = sorted([float(f_mult(eta, c["alpha"], u, v)) for u in mu for v in nu]
                      + [one] * (2 * d * d_h - d * d))
        err = float(np.abs(eig - np.array(pred)).max())
        worst = worst_of(worst, err)
        rows.append({"eigenvalues": eig.tolist(), "predicted": pred})
    # tol 1e-9: float error model, eigenvalues of a 12 x 12 Jacobian at a minimum built to
    # ~eps cond(Q^T Q) (cond <~ 1e2 here): perturbations ~1e-13, far below (observed ~1e-14)
    return {"error": worst, "tol": 1e-9, "sample_size": lanes,
            "details": {"margin_is": "1e-9 - max |sorted eigenvalues of J - sorted multipliers "
                        "1 - eta alpha (mu_i + nu_j) and 1| (1e-9: float error model, observed "
                        "~1e-14)",
                        "d": d, "d_h": d_h, "eta_s1": 0.3, "first": rows[0]}}


@cache
def _unbalanced_run(budget, seed):
    d, d_h, N = 2, 3, 20
    c = float_constants(d, N)
    lanes = 4 if budget == "quick" else 32
    x0 = _random_starts(d, d_h, lanes, seed, 0.8)
    eta = 0.25 / c["s1"]
    traj = _iterate(d, d_h, ("P", "Q"), x0, c, eta, 1500)
    return d, d_h, N, c, lanes, eta, traj


def _unbalanced_rates(budget, seed, mode_rate=MULT_MODE**2):
    """Random starts: each component of the error E = alpha Q^T P - s1 I in the eigenbases of
    Q^T Q and P^T P (at the minimum reached) decays by its own ``mode_rate`` (claimed:
    ``(1 - eta alpha (mu_i + nu_j))^2``), so the excess loss |E|^2/(2 alpha) contracts
    asymptotically by the largest of them."""
    f_rate = _fn(mode_rate, (mi.eta, mi.alpha, _MU, _NU))
    d, d_h, _N, c, lanes, eta, traj = _unbalanced_run(budget, seed)
    P, Q = _split(traj, d, d_h)  # (T, lanes, d_h, d)
    E = c["alpha"] * np.einsum("tnji,tnjk->tnik", Q, P) - c["s1"] * np.eye(d)
    rows, worst = [], 0.0
    for k in range(lanes):
        mu, U = np.linalg.eigh(Q[-1, k].T @ Q[-1, k])
        nu, V = np.linalg.eigh(P[-1, k].T @ P[-1, k])
        Et = np.einsum("ia,tij,jb->tab", U, E[:, k], V) ** 2
        # which modes are fitted is decided by the derived linearisation (not by the claim)
        true = {(i, j): (1 - eta * c["alpha"] * (mu[i] + nu[j])) ** 2
                for i in range(d) for j in range(d)}
        slowest = max(true.values())
        comps = []
        for (i, j), lin in true.items():
            # modes faster than slowest^1.25 are driven by the quadratic terms at the
            # rate slowest^2 (not their own), so their fit is not the linear prediction
            if lin < slowest**1.25:
                continue
            pred = float(f_rate(eta, c["alpha"], mu[i], nu[j]))
            fit, info = _fit_rate(Et[:, i, j], 1e-26 * c["s1"] ** 2, 1e-8 * c["s1"] ** 2)
            err = abs(fit - pred) / abs(pred) if math.isfinite(fit) and pred else math.inf
            worst = worst_of(worst, err)
            comps.append({"mode": [i, j], "fitted": fit, "predicted": pred, **info})
        fit_all, info_all = _fit_rate(_excess(traj[:, :, k:k + 1], d, d_h, c)[:, 0],
                                      1e-26 * c["alpha"], 1e-8 * c["alpha"])
        rows.append({"predicted_contraction": slowest, "excess_fit": fit_all,
                     "excess_fit_window": info_all.get("window"),
                     "balanced_rate": (1 - 2 * 0.25) ** 2,
                     "imbalance": float(np.abs(Q[-1, k].T @ Q[-1, k]
                                               - P[-1, k].T @ P[-1, k]).max()),
                     "modes": comps})
    # tol 2e-3: float floor of the fit window as in _balanced_rates (1e-3) doubled for the
    # rotation into the eigenbases at the reached minimum (its own rounding); observed ~2e-4
    return {"error": worst, "tol": 2e-3, "sample_size": lanes * d * d,
            "details": {"margin_is": "2e-3 - max |fitted - claimed mode contraction| / claimed "
                        "(2e-3: the fit-window floor 1e-3 of balanced_rate, doubled for the "
                        "eigenbasis rotation)",
                        "d": d, "d_h": d_h, "eta_s1": 0.25, "start": "Gaussian, scale 0.8",
                        "error_is": "max relative error of the fitted per-mode contraction "
                        "(modes with contraction >= slowest^1.25; faster ones are slaved to the "
                        "square of the slowest by the quadratic terms)",
                        "rows": rows}}


@cache
def _gd_run(budget, seed, d, d_h, N, steps):
    """GD on the derived map from random Gaussian starts (scale 0.5, eta s1 = 0.3)."""
    c = float_constants(d, N)
    lanes = (8 if budget == "quick" else 64) if d <= d_h else (6 if budget == "quick" else 48)
    traj = _iterate(d, d_h, ("P", "Q"), _random_starts(d, d_h, lanes, seed, 0.5), c,
                    0.3 / c["s1"], steps)
    P, Q = _split(traj[-1], d, d_h)
    losses = np.array([_nuisance_free_loss(P[k], Q[k], c) for k in range(lanes)])
    return c, lanes, P, Q, losses


def _reach_minimum(budget, seed, claimed_gamma=None, claimed_loss=None):
    """GD from random starts against the claimed ``gamma*`` and ``L*`` (rules ``c -> float``;
    the loss is the general population formula at the reached point)."""
    d, d_h, N = 2, 3, 20
    c, lanes, P, Q, L = _gd_run(budget, seed, d, d_h, N, 400)
    gs = c["gamma_star"] if claimed_gamma is None else claimed_gamma(c)
    Ls = c["L_star"] if claimed_loss is None else claimed_loss(c)
    G = np.einsum("nji,njk->nik", Q, P)
    err_g = float(np.abs(G - gs * np.eye(d)).max()) / abs(gs)
    err_L = float(np.abs(L - Ls).max()) / abs(Ls)
    # tol 1e-9: after 400 steps the slowest mode has contracted by ~1e-20 (rates <= 0.8 at
    # eta s1 = 0.3), so what is left is rounding (~1e-15); observed ~4e-16
    return {"error": max(err_g, err_L), "tol": 1e-9, "sample_size": lanes,
            "value": float(G[0, 0, 0]), "claimed": gs,
            "details": {"margin_is": "1e-9 - max(max |Q^T P - gamma* I| / gamma*, max |L - L*| "
                        "/ L*) (1e-9: rounding left after 400 steps, modes contracted by ~1e-20)",
                        "d": d, "d_h": d_h, "N": N, "eta_s1": 0.3, "steps": 400,
                        "gamma_error": err_g, "loss_error": err_L, "L_star": Ls,
                        "error_is": "max of |Q^T P - gamma* I|/gamma* and |L - L*|/L*"}}


def _low_rank(budget, seed, excess=None):
    """GD with d_h < d against ``L* + excess`` (``excess(c) -> float``, claimed
    ``(alpha/2) gamma*^2 (d - d_h)``); L from the general population formula."""
    d, d_h, N = 3, 2, 20
    c, lanes, _, _, L = _gd_run(budget, seed, d, d_h, N, 800)
    ex = (c["alpha"] / 2 * c["gamma_star"] ** 2 * (d - d_h)) if excess is None else excess(c)
    target = c["L_star"] + ex
    err = float(np.abs(L - target).max()) / abs(target)
    # tol 1e-9: as in _reach_minimum (800 steps, rounding level left); observed ~2e-16
    return {"error": err, "tol": 1e-9, "sample_size": lanes, "value": float(L.min()),
            "claimed": target,
            "details": {"margin_is": "1e-9 - max |L - (L* + excess)| / (L* + excess) (1e-9: "
                        "rounding left after 800 GD steps, as in gd_reaches; observed ~2e-16)",
                        "d": d, "d_h": d_h, "N": N, "steps": 800}}


def _loss_bound(budget, seed, rate=lambda x: (1 - 2 * x) ** 2):
    """sup and inf over T >= T0 of (excess_T / excess_T0) / rate^(T - T0) along balanced GD,
    per eta s1 (``rate``: the claimed per-step factor of the bound, as a function of eta s1)."""
    d, d_h, N = 2, 2, 20
    c = float_constants(d, N)
    xs = [x for x in _rate_grid(budget)]
    eta = np.array(xs) / c["s1"]
    traj = _iterate(d, d_h, ("P", "Q"), _balanced_start(d, d_h, c, 0.05, len(xs)), c, eta, 600)
    e = _excess(traj, d, d_h, c)
    worst, rows = 0.0, []
    for k, x in enumerate(xs):
        q2 = float(rate(x))
        ek = e[:, k]
        T0 = int(np.argmax(ek < 1e-2 * ek[0]))
        T1 = int(np.argmax(ek < 1e-24 * c["alpha"]))
        ts = np.arange(T0, T1)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            ratio = ek[ts] / (ek[T0] * q2 ** (ts - T0))
        C, C_low = float(ratio.max()), float(ratio.min())
        bad = not (math.isfinite(C) and C_low > 0)
        worst = worst_of(worst, math.inf if bad else max(C, 1 / C_low))
        rows.append({"eta_s1": x, "T0": T0, "T1": T1, "C": C, "C_low": C_low})
    # tol 10: the claim only asserts some constant C; 10 is a fixed ceiling for it (not a
    # measured accuracy), observed C ~ 1.3; the same ceiling for 1/C_low (the rate is attained:
    # the excess does not decay faster), observed 1/C_low ~ 1
    return {"error": worst, "tol": 10.0, "sample_size": len(xs),
            "details": {"margin_is": "10 - max over eta s1 of max(C, 1/C_low), C (C_low) = sup "
                        "(inf) excess_T / (excess_T0 rate^(T - T0)) (10: fixed ceiling for the "
                        "unnamed C)",
                        "rows": rows,
                        "error_is": "largest of C = sup excess_T / (excess_T0 q^(2(T-T0))) and "
                        "1/inf of it, q = 1 - 2 eta s1, T0 = first step with excess < 1% of the "
                        "start", "start": "P = Q = sqrt(0.05 gamma*) I"}}


_NUIS_TRAINED = ("P", "Q", "v", "b_B", "b_C")
#: per-block lanes: the block excited alone (d = d_h = 2, N = 1), at steps eta s1 chosen so that
#: each block's factor is well inside (0, 1) (v: eta k2 gamma* = 6 eta s1 at N = 1); the main
#: block from a balanced start P = Q = sqrt(0.2 gamma*) I without nuisance parameters
_BLOCK_XS = {"main": (0.1, 0.3, 0.6), "v": (0.02, 0.05, 0.1, 0.2), "b_B": (0.2, 0.5, 0.9),
             "b_C": (0.1, 0.3, 0.6, 0.9)}
_BLOCK_SLICE = {"v": slice(0, 2), "b_B": slice(2, 4), "b_C": slice(4, 6)}


@cache
def _nuisance_runs(budget, seed):
    """(1) all nuisance parts started away from 0 (d = d_h = 2, N = 20); (2) each part excited
    alone at the balanced minimum (N = 1), the others 0 (they stay 0: mamba.loss.
    nuisance_invariant)."""
    d, d_h = 2, 2
    n = d * d_h
    rng = np.random.default_rng(seed)
    c = float_constants(d, 20)
    xs = [0.05, 0.1, 0.2] if budget == "quick" else [0.05, 0.1, 0.15, 0.2, 0.25]
    x0 = _balanced_start(d, d_h, c, 0.9, len(xs))
    nuis = rng.standard_normal((3 * d_h, 1)) * 0.05
    x0 = np.concatenate([x0, np.repeat(nuis, len(xs), axis=1)])
    steps = 3000 if budget == "quick" else 6000
    traj = _iterate(d, d_h, _NUIS_TRAINED, x0, c, np.array(xs) / c["s1"], steps)
    c1 = float_constants(d, 1)
    lanes, starts = [], []
    for part, bx in _BLOCK_XS.items():
        z = np.zeros(3 * d_h)
        if part != "main":
            z[_BLOCK_SLICE[part]] = rng.standard_normal(d_h) * 1e-5
        frac = 0.2 if part == "main" else 1.0
        for x in bx:
            lanes.append((part, x))
            starts.append(np.concatenate([_balanced_start(d, d_h, c1, frac, 1)[:, 0], z]))
    etas = np.array([x for _, x in lanes]) / c1["s1"]
    btraj = _iterate(d, d_h, _NUIS_TRAINED, np.array(starts).T, c1, etas, 600)
    # each block's own excess: main (alpha/2)|Q^T P - gamma* I|^2; a nuisance part z:
    # (k/2)|F^T z|^2 with F = Q (v, b_B) or P (b_C); here d = d_h and F F^T = gamma* I, so it is
    # proportional to |z|^2 (the constant k/2 does not change a rate)
    bexc = []
    for k, (part, _) in enumerate(lanes):
        if part == "main":
            bexc.append(_excess(btraj[:, : 2 * n, k:k + 1], d, d_h, c1)[:, 0])
            continue
        z = btraj[:, 2 * n:, k][:, _BLOCK_SLICE[part]]
        bexc.append((z**2).sum(axis=1))
    return c, xs, traj, c1, lanes, np.array(bexc)


def _nuisance_rate(budget, seed, blocks=None):
    """Trained nuisance parameters started away from 0: contraction = slowest block; each block
    excited alone: its own factor. ``blocks`` maps main, v, b_B, b_C to claimed expressions in
    ``eta_s1`` and the constants (``eta``, ``k2``, ``k_B``, ``gamma_star``, ``alpha``, ``s1``)."""
    blocks = NUISANCE_BLOCKS if blocks is None else blocks
    args = (_ES1, mi.eta, mi.k2, mi.kB, _GS, mi.alpha, mi.s1)
    fns = {k: _fn(v, args) for k, v in blocks.items()}

    def factors(x, c):
        vals = (x, x / c["s1"], c["k2"], c["kB"], c["gamma_star"], c["alpha"], c["s1"])
        return {k: float(f(*vals)) for k, f in fns.items()}

    c, xs, traj, c1, lanes, bexc = _nuisance_runs(budget, seed)
    d, d_h = 2, 2
    n = d * d_h
    f = _pop_loss_fn(d, d_h, "numpy")
    steps = traj.shape[0] - 1
    zeros = np.zeros((d_h, steps + 1))
    rows, worst = [], 0.0
    for k, x in enumerate(xs):
        st = traj[:, :, k].T
        P, Q = st[:n], st[n:2 * n]
        v, bB, bC = st[2 * n:2 * n + d_h], st[2 * n + d_h:2 * n + 2 * d_h], st[2 * n + 2 * d_h:]
        L = f([*P, *v, *Q, *zeros, *bB, *bC], (c["alpha"], c["k2"], c["kB"], c["s1"], 0.0))
        ex = np.asarray(L) - c["L_star"]
        # window: the excess is L - L* computed from L ~ L*, so below ~1e-11 L* it is rounding
        fit, info = _fit_rate(ex, 1e-10 * c["L_star"], 1e-5 * c["L_star"])
        fac = factors(x, c)
        pred = max(fac.values())
        err = abs(fit - pred) / abs(pred) if math.isfinite(fit) and pred else math.inf
        worst = worst_of(worst, err)
        rows.append({"eta_s1": x, "fitted": fit, "predicted": pred, "blocks": fac, **info})
    block_rows = []
    for k, (part, x) in enumerate(lanes):
        # window (nuisance parts): |z|^2 from ~2e-10 (start) down to 1e-30: z is multiplied by
        # its block's factor each step, so its relative rounding stays ~1e-16 per step; P, Q
        # move by O(|z|^2) ~ 1e-10 (negligible). Main block: the window of _balanced_rates
        lo, hi = (1e-26 * c1["alpha"], 1e-8 * c1["alpha"]) if part == "main" else (1e-30, 1e-9)
        fit, info = _fit_rate(bexc[k], lo, hi)
        pred = factors(x, c1)[part]
        err = abs(fit - pred) / abs(pred) if math.isfinite(fit) and pred else math.inf
        worst = worst_of(worst, err)
        block_rows.append({"block": part, "eta_s1": x, "fitted": fit, "predicted": pred,
                           **info})
    # tol 5e-3: float floor of the window [1e-10, 1e-5] L* (relative rounding of the excess
    # <~ 1e-16 / 1e-10 * few ~ 1e-5 per point) plus the nonlinear correction near the upper
    # end (<~ 1e-3); observed <~ 1e-4 (the single-block fits are linear to ~1e-10)
    return {"error": worst, "tol": 5e-3, "sample_size": len(xs) + len(lanes),
            "details": {"margin_is": "5e-3 - max |fitted - claimed contraction| / claimed "
                        "(all blocks: slowest; each alone: its own) (5e-3: float floor of the fit "
                        "window + nonlinear term)",
                        "trained": list(_NUIS_TRAINED), "rows": rows, "d": d, "d_h": d_h,
                        "N": 20, "single_blocks": block_rows, "single_block_N": 1}}
