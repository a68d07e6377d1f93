"""Reduction of full-parameter GD to the 2-D map, numerically (§1): GD on every parameter of
Model A or B (the hand-typed oracles :func:`numerics.reference.gd_model_a` and ``gd_model_b``)
against the orbit of the *derived* ``F_mu`` from the same normalised start, in float64 where the
dynamics is regular and in mpmath where it is chaotic.
"""

from __future__ import annotations

import contextlib
import math
import random

import mpmath

from numerics import reference as ref
from proofs_check.claims.two_factor.derived import R_uv, orbit_F
from proofs_check.evidence.numeric import worst_of


def _instance(rng: random.Random, d: int, N: int, m_target: float, kind: str, width: int,
              high: bool):
    """A random prompt (Gaussian x, y = w.x) and weights whose normalised start lies inside
    ``E_mu`` (R = 1/2); ``eta`` is chosen so that ``mu = m_target``."""
    cv = mpmath.mpf if high else float
    sq = mpmath.sqrt if high else math.sqrt
    w = [rng.gauss(0, 1) for _ in range(d)]
    X = [[rng.gauss(0, 1) for _ in range(d)] for _ in range(N)]
    y = [sum(wi * xi for wi, xi in zip(w, row, strict=True)) for row in X]
    xq = [rng.gauss(0, 1) for _ in range(d)]
    yq = sum(wi * xi for wi, xi in zip(w, xq, strict=True))
    X = [[cv(t) for t in row] for row in X]
    y = [cv(t) for t in y]
    xq = [cv(t) for t in xq]
    yq = cv(yq)
    ctx = (X, y)
    h = [sum(yi * row[j] for row, yi in zip(X, y, strict=True)) / N for j in range(d)]
    eta = cv(m_target) / ref.two_factor_mu(1, xq, yq, ctx)
    nx, nh, Y = sq(sum(t * t for t in xq)), sq(sum(t * t for t in h)), abs(yq)
    kappa, sg = nx * nh, (1 if yq > 0 else -1)
    mt = cv(m_target)
    R = R_uv(high)
    if kind == "A":
        th = rng.uniform(0, 2 * math.pi)
        uu, vv = cv(math.cos(th)), cv(math.sin(th))
        c = sq(cv(0.5) / R(uu, vv, mt))
        a0, b0 = c * (uu + vv) / 2, c * (uu - vv) / 2
        G = [[cv(rng.gauss(0, 1)) for _ in range(d)] for _ in range(d)]
        s0 = sum(xq[i] * G[i][j] * h[j] for i in range(d) for j in range(d))
        c = (sg * b0 * sq(kappa * Y) - s0) / (nx**2 * nh**2)
        G = [[G[i][j] + c * xq[i] * h[j] for j in range(d)] for i in range(d)]
        return (a0 * sq(Y / kappa), G, xq, yq, ctx, eta)
    WQ = [[cv(rng.gauss(0, 1)) for _ in range(d)] for _ in range(width)]
    WK = [[cv(rng.gauss(0, 1)) for _ in range(d)] for _ in range(width)]
    U, V = ref.normalise_model_b(WQ, WK, xq, yq, h)
    c = sq(cv(0.5) / R(U, V, mt))
    return ([[c * t for t in r] for r in WQ], [[c * t for t in r] for r in WK], xq, yq, ctx, eta)



def reduction_error(kind: str, d: int, N: int, m: float, steps: int, seed: int,
                    width: int = 3, dps: int | None = None) -> float:
    """Worst relative error over ``steps`` GD steps between full-parameter GD on Model ``kind``
    (``"A"`` or ``"B"``) and the 2-D map from the same normalised start.

    Model A is compared in ``(a, b)``; Model B in ``(|U|, |V|)`` against ``(|u|, |v|)`` of the
    map (the reduction holds up to the sign symmetries of ``F_mu``). ``dps=None`` runs float64;
    an integer runs both sides in mpmath at that many digits.

    Examples
    --------
    >>> reduction_error("A", 3, 5, 0.8, 100, 0) < 1e-12
    True
    """
    rng = random.Random(seed * 7919 + d * 31 + N)
    ctx = mpmath.workdps(dps) if dps else contextlib.nullcontext()
    with ctx:
        args = _instance(rng, d, N, m, kind, width, high=bool(dps))
        mu_val = args[-1] * ref.two_factor_mu(1, args[2], args[3], args[4])
        if kind == "A":
            traj = ref.gd_model_a(*args, steps)
            pairs = orbit_F(*traj[0], mu_val, steps, bool(dps))
        else:
            traj = ref.gd_model_b(*args, steps)
            u0, v0 = traj[0]
            orbit = orbit_F((u0 + v0) / 2, (u0 - v0) / 2, mu_val, steps, bool(dps))
            pairs = [(abs(p + q), abs(p - q)) for p, q in orbit]
        worst = 0.0
        for (x1, y1), (x2, y2) in zip(traj, pairs, strict=True):
            scale = max(1.0, float(abs(x2) + abs(y2)))
            worst = worst_of(worst, float(abs(x1 - x2) + abs(y1 - y2)) / scale)
        return worst


#: the reduction experiments per budget: (d, N, width m) and mu values
REDUCTION_SIZES = {
    "quick": {"dims": [(2, 3, 1), (5, 10, 3)], "steps": 120},
    "full": {"dims": [(2, 3, 1), (5, 10, 3), (12, 20, 8), (20, 40, 16)], "steps": 200},
}
#: values where float64 agrees to 1e-12, and values (near or past mu_inf, with long chaotic
#: transients) where round-off is amplified and high precision is used
REDUCTION_MU = {"regular": [0.3, 0.7, 0.95, 1.15], "chaotic": [1.28, 1.5, 1.75, 1.95]}



def reduction_check(model_kind: str, tol: float = 1e-12):
    """Full-parameter GD of Model ``model_kind`` against the 2-D map at the sizes of
    :data:`REDUCTION_SIZES` and the mu of :data:`REDUCTION_MU`: float64 for non-chaotic mu, mpmath
    at ``20 + steps/2`` digits for chaotic mu (float64 round-off grows like ``exp(lambda t)``).

    Tolerance: ``1e-12`` relative is the agreement the spec asks for (§1). Error model: in
    float64 at non-chaotic mu the round-off stays ~1e-15 (measured <= 2e-15); in mpmath, half a
    decimal digit per step covers round-off growth at Lyapunov exponents up to ln(10)/2 ~ 1.15
    (the attractors here have exponents <= ln 3), leaving >= 20 digits.
    """
    def compute(budget, seed):
        cfg = REDUCTION_SIZES[budget]
        steps = cfg["steps"]
        rows, worst, worst_at = [], 0.0, None
        for (d, N, width) in cfg["dims"]:
            for regime, mus in REDUCTION_MU.items():
                for m in mus:
                    dps = None if regime == "regular" else 20 + steps // 2
                    err = reduction_error(model_kind, d, N, m, steps, seed, width, dps)
                    rows.append({"d": d, "N": N, "m": width, "mu": m,
                                 "precision": "float64" if dps is None else f"{dps} digits",
                                 "max_rel_error": err})
                    if err >= worst:
                        worst, worst_at = err, rows[-1]
        return tol - worst, {"sample_size": len(rows), "worst_error": worst, "value": worst,
                             "claimed": tol, "worst_at": worst_at,
                             "digits": round(-math.log10(max(worst, 1e-300)), 1),
                             "steps": steps, "runs": rows, "margin_is":
                             f"{tol:g} - max_t (|x_t - x_map| + |y_t - y_map|) / max(1, |x_map| + "
                             f"|y_map|), GD vs F_mu ({tol:g}: the spec's §1 agreement)"}
    return compute


def float64_chaos_drift(kind: str = "A", m: float = 1.75, steps: int = 120, seed: int = 0):
    """Float64 discrepancy between full GD and the map in a chaotic regime (for the record)."""
    return reduction_error(kind, 5, 10, m, steps, seed, 3, None)

