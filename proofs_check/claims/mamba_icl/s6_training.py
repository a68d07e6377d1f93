"""Training the literal S6 layer (:func:`numerics.scan.train`): full-batch GD and online SGD
against the claimed rate, ``gamma*`` and ``L*``.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from numerics import scan

from .constants import _population_loss_numeric, float_constants
from .gd_simulation import _fit_rate


@cache
def _s6_gd_run(budget, seed):
    d, d_h, N, x = 2, 2, 20, 0.1
    c = float_constants(d, N)
    eta = x / c["s1"]
    n = 2**17 if budget == "quick" else 2**19
    steps = 130
    p0 = scan.S6Params.gaussian(d, d_h, scale=0.1, seed=seed, biases=False)
    run = scan.train(p0, N, steps=steps, eta=eta, batch=n, trained=("P", "v", "Q", "c"),
                     fresh=False, seed=seed)
    return c, eta, n, steps, run.loss, run.params


def _s6_gd(budget, seed, rate=lambda x: (1 - 2 * x) ** 2, gamma=None, loss=None):
    """Full-batch GD on the literal S6 layer (W_B, W_C trained, Gaussian start) against the
    claimed rate (of eta s1), ``gamma*`` and ``L*`` (rules ``c -> float``)."""
    d, x = 2, 0.1
    c, eta, n, steps, Lrun, p = _s6_gd_run(budget, seed)
    gs = c["gamma_star"] if gamma is None else gamma(c)
    Ls = c["L_star"] if loss is None else loss(c)
    D = Lrun[:-1] - Lrun[1:]
    fit, info = _fit_rate(D, 1e-13, 1e-4 * float(np.max(D)))
    G = p.Q.T @ p.P
    mu, nu = np.linalg.eigvalsh(p.Q.T @ p.Q), np.linalg.eigvalsh(p.P.T @ p.P)
    at_limit = max(abs(1 - eta * c["alpha"] * (u + v)) for u in mu for v in nu) ** 2
    pred = float(rate(x))
    err_rate = abs(fit - pred) / abs(pred) if pred else math.inf
    err_g = float(np.abs(G - gs * np.eye(d)).max()) / abs(gs)
    pop = _population_loss_numeric(p, c)
    err_L = abs(pop - Ls) / abs(Ls)
    # Monte-Carlo scale: a fixed batch of n = 2^17 prompts moves the empirical minimiser by
    # ~sqrt(d (d + 1)/n) ~ 7e-3 relative and the fitted rate by a few %; tolerances 0.01 (loss),
    # 0.05 (Gamma) and 0.06 (rate) are several such standard errors; observed max ratio ~0.09
    tol_rate, tol_g, tol_L = 0.06, 0.05, 0.01
    err = max(err_rate / tol_rate, err_g / tol_g, err_L / tol_L)
    return {"error": err, "tol": 1.0, "value": fit, "claimed": pred, "sample_size": n,
            "details": {"margin_is": "1 - max(rate rel. error / 0.06, |Gamma - gamma* I| / gamma*"
                        " / 0.05, |L - L*| / L* / 0.01) (0.06, 0.05, 0.01: several Monte-Carlo "
                        "standard errors)",
                        "d": d, "d_h": 2, "N": 20, "eta_s1": x, "batch": n, "steps": steps,
                        "trained": "W_B, W_C (P, v, Q, c); biases absent",
                        "start": "Gaussian, scale 0.1", "fitted_rate": fit,
                        "predicted_rate": pred, "rate_at_reached_minimum": at_limit,
                        "rate_rel_error": err_rate, "fit": info,
                        "fit_of": "successive decreases L_t - L_t+1 of the empirical loss",
                        "Gamma_over_gamma_star": (G / gs).tolist(),
                        "population_loss": pop, "L_star": Ls,
                        "tolerances": {"rate": tol_rate, "gamma": tol_g, "loss": tol_L},
                        "error_is": "max of the three errors over their tolerances"}}


@cache
def _s6_sgd_run(budget, seed):
    d, d_h, N, x = 2, 2, 20, 0.1
    c = float_constants(d, N)
    batch = 4096 if budget == "quick" else 16384
    steps = 150 if budget == "quick" else 400
    p0 = scan.S6Params.gaussian(d, d_h, scale=0.1, seed=seed, biases=False)
    run = scan.train(p0, N, steps=steps, eta=x / c["s1"], batch=batch, fresh=True, seed=seed)
    p = run.params
    test = scan.mc_loss(p, N, 100_000 if budget == "quick" else 1_000_000, seed=seed + 7919)
    return c, batch, steps, p, test


def _s6_sgd(budget, seed, gamma=None, loss=None):
    """Online SGD (fresh prompts every step) on the literal S6 layer, every parameter trained,
    against the claimed ``gamma*`` and ``L*`` (rules ``c -> float``)."""
    d, x = 2, 0.1
    c, batch, steps, p, test = _s6_sgd_run(budget, seed)
    gs = c["gamma_star"] if gamma is None else gamma(c)
    Ls = c["L_star"] if loss is None else loss(c)
    pop = _population_loss_numeric(p, c)
    G = p.Q.T @ p.P
    err_L = abs(pop - Ls) / abs(Ls)
    err_g = float(np.abs(G - gs * np.eye(d)).max()) / abs(gs)
    err = max(err_L / 0.01, err_g / 0.05)
    # Monte-Carlo scale as in _s6_gd (SGD noise with batch 4096 at eta s1 = 0.1 leaves
    # Gamma within a few % and L within ~0.5% of L*); observed max ratio ~0.4
    return {"error": err, "tol": 1.0, "value": pop, "claimed": Ls,
            "sample_size": batch * steps,
            "details": {"margin_is": "1 - max(|L - L*| / L* / 0.01, max |Gamma - gamma* I| / "
                        "gamma* / 0.05) (0.01, 0.05: SGD noise at batch 4096, eta s1 = 0.1, as "
                        "in s6_gd)",
                        "d": d, "d_h": 2, "N": 20, "eta_s1": x, "batch": batch, "steps": steps,
                        "trained": "P, v, Q, c, b_B, b_C", "population_loss": pop,
                        "test_loss_mc": test.mean, "test_ci": list(test.ci),
                        "L_star": Ls, "loss_rel_error": err_L, "gamma_rel_error": err_g,
                        "tolerances": {"loss": 0.01, "gamma": 0.05}}}
