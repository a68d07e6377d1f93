"""Iterating the derived population-GD map in float64 (lanes side by side), the excess loss and
log-linear rate fits.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import sympy as sp

from .constants import _model


@cache
def _gd_fn(d: int, d_h: int, trained: tuple[str, ...]):
    """The derived GD map, lambdified (vectorised over lanes)."""
    F = _model(d, d_h).map(trained)
    f = sp.lambdify([F.state, F.params], F.update, "numpy", cse=True)
    J = sp.lambdify([F.state, F.params], F.jacobian(), "numpy", cse=True)
    return F, f, J


def _param_values(F, c: dict, eta) -> list:
    table = {"eta": eta, "alpha": c["alpha"], "s1": c["s1"], "k2": c["k2"], "k_B": c["kB"]}
    return [table[p.name] for p in F.params]


def _iterate(d, d_h, trained, x0, c, eta, steps):
    """Iterate the derived GD map; ``x0`` (dim, lanes); returns (steps+1, dim, lanes)."""
    F, f, _ = _gd_fn(d, d_h, tuple(trained))
    x = np.array(x0, dtype=np.float64)
    p = _param_values(F, c, eta)
    out = np.empty((steps + 1, *x.shape))
    out[0] = x
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps):
            x = np.array([np.broadcast_to(u, x.shape[1:]) for u in f(x, p)], dtype=np.float64)
            out[t + 1] = x
    return out


def _split(traj, d, d_h):
    """P, Q from states (..., dim, lanes) ordered P then Q -> (..., lanes, d_h, d)."""
    n = d * d_h
    P = np.moveaxis(traj[..., :n, :], -1, -2).reshape(*traj.shape[:-2], traj.shape[-1], d_h, d)
    Q = np.moveaxis(traj[..., n:2 * n, :], -1, -2).reshape(*traj.shape[:-2], traj.shape[-1],
                                                           d_h, d)
    return P, Q


def _excess(traj, d, d_h, c):
    """Excess loss ``(alpha/2)|Q^T P - gamma* I|^2`` (= L - L*, proved in
    mamba.solution.minimiser) per step and lane."""
    P, Q = _split(traj, d, d_h)
    G = np.einsum("...ji,...jk->...ik", Q, P) - c["gamma_star"] * np.eye(d)
    return c["alpha"] / 2 * (G**2).sum(axis=(-1, -2))


def _fit_rate(e, lo, hi):
    """Fit ``log e_t`` linearly over the steps where ``lo < e_t < hi``; return (rate, info)."""
    e = np.asarray(e)
    idx = np.where((e > lo) & (e < hi))[0]
    if idx.size < 4:
        return math.nan, {"window": None}
    # the first contiguous run (the asymptotic regime before round-off)
    split = np.where(np.diff(idx) > 1)[0]
    if split.size:
        idx = idx[: split[0] + 1]
    if idx.size < 4:
        return math.nan, {"window": None}
    coef, res, *_ = np.polyfit(idx, np.log(e[idx]), 1, full=True)
    rms = math.sqrt(float(res[0]) / idx.size) if res.size else 0.0
    return math.exp(coef[0]), {"window": [int(idx[0]), int(idx[-1])], "points": int(idx.size),
                               "rms_log_residual": rms}


def _balanced_start(d, d_h, c, frac, lanes):
    r = math.sqrt(frac * c["gamma_star"])
    Ob = np.eye(d_h)[:, :d]
    x = np.concatenate([(r * Ob).ravel(), (r * Ob).ravel()])
    return np.repeat(x[:, None], lanes, axis=1)


def _rate_grid(budget):
    return [0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9] if budget == "quick" else \
        [0.05 * k for k in range(1, 20) if k != 10]


def _random_starts(d, d_h, lanes, seed, scale):
    """Gaussian starts of ``(P, Q)`` with standard deviation ``scale``: (2 d d_h, lanes)."""
    return np.random.default_rng(seed).standard_normal((2 * d * d_h, lanes)) * scale


def _minimum_points(d, d_h, c, lanes, seed, spread=0.5):
    """Random unbalanced minima ``Q^T P = gamma* I`` (d_h >= d): P = gamma* Q (Q^T Q)^-1."""
    rng = np.random.default_rng(seed)
    xs = []
    for _ in range(lanes):
        Q = rng.standard_normal((d_h, d)) * spread + np.eye(d_h)[:, :d] * math.sqrt(
            c["gamma_star"])
        P = c["gamma_star"] * Q @ np.linalg.inv(Q.T @ Q)
        xs.append(np.concatenate([P.ravel(), Q.ravel()]))
    return np.array(xs).T
