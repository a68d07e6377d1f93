"""Stability evidence for any derived map: the step-size threshold of a fixed point, and the
fraction of a box of starts that meets a fate (escape, convergence, a period). At most verified.

:func:`step_threshold`
    the largest step ``eta*`` below which the fixed point is linearly stable: the spectral radius
    of the symbolic Jacobian there, evaluated in float64, crosses 1 (a scan, then bisection to
    rounding), *and* orbits started next to the point contract just below ``eta*`` and do not
    just above it (seeded). Both must agree with the claim.
:func:`basin_fraction`
    the fraction of uniformly drawn starts in a box whose orbits diverge, converge, stay bounded
    or settle on a period-k cycle within the budget's steps, against a claimed fraction: the
    claim is verified when it lies in the 99.9 % Wilson interval of the sample (widened by the
    caller's ``tol``, which must say where it comes from), refuted only outside the 1 - 1e-9
    interval (a chance refutation of a true claim is then a one-in-1e9 event), and inconclusive
    in between.

Each result reports its sample, worst error, tolerance and seed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import mpmath
import numpy as np

from proofs_check.claim import Evidence, EvidenceResult
from proofs_check.evidence.confirm import rounding_allowance
from proofs_check.evidence.dynamics import _compiled

__all__ = ["BasinFraction", "StepThreshold", "basin_fraction", "step_threshold"]

#: sample sizes of basin_fraction per budget
SAMPLES = {"quick": 20_000, "full": 1_000_000}

#: two-sided normal quantile of the 99.9 % Wilson interval (agreement)
Z_999 = 3.290526731491926
#: ... of the 1 - 1e-9 interval: a refutation must be this far out (a true claim is refuted by
#: chance once in 1e9 seeds; between the two intervals the answer is inconclusive)
Z_REFUTE = 6.1094102048693975


def _symbolic(F):
    return F.map if hasattr(F, "module") else F


class StepThreshold(Evidence):
    """The step-size threshold of a fixed point. See :func:`step_threshold`."""

    kind = "numeric"

    def __init__(self, F, point: Mapping, claimed: float, params: Mapping | None = None, *,
                 step: str | None = None, tol: float = 1e-9, margin: float = 0.05,
                 orbit_steps: int = 4000, offset: float = 1e-6, description: str = ""):
        self.F, self.point, self.claimed = F, dict(point), float(claimed)
        self.params, self.step = dict(params or {}), step
        self.tol, self.margin, self.offset = float(tol), float(margin), float(offset)
        self.orbit_steps = int(orbit_steps)
        self.description = description or "step-size threshold of linear stability"
        if not (0 < self.margin < 1 and self.claimed > 0 and self.tol >= 0):
            raise ValueError("step_threshold: need claimed > 0, 0 < margin < 1, tol >= 0")

    @staticmethod
    def _radius(G, eta, subs):
        """The spectral radius of the Jacobian at ``subs`` as a function of the step, in float64,
        and the rounding allowance of its eigenvalues (an eigenvalue exactly 1, as along a family
        of minima, may come out as 1 + 2e-16: that is not instability)."""
        import sympy as sp

        J = sp.lambdify([eta], G.jacobian().xreplace(subs), "numpy")

        def rho(h):
            m = np.asarray(J(h), dtype=float)
            # eigenvalues of a float matrix carry a backward error of a few eps * ||J||
            slack = 4 * m.shape[0] * np.finfo(float).eps * max(1.0, np.linalg.norm(m, 2))
            return float(max(abs(np.linalg.eigvals(m)))), slack
        return rho

    @staticmethod
    def _precise_radius(G, eta, subs, h: float) -> mpmath.mpf:
        """The spectral radius at step ``h`` at 50 digits (the floats given read exactly)."""
        import sympy as sp

        J = G.jacobian().xreplace(subs).xreplace({eta: sp.Float(h, 53)})
        with mpmath.workdps(50):
            m = mpmath.matrix([[sp.N(J[i, j], 60) for j in range(J.cols)]
                               for i in range(J.rows)])
            # mpmath.eig answers a 1x1 matrix with its vectors even when asked not to
            values = [m[0, 0]] if m.rows == 1 else mpmath.eig(m, left=False, right=False)
            return max(abs(v) for v in values)

    def _confirm(self, G, eta, subs, h: float, unstable: bool) -> tuple[bool, str]:
        """Whether the point is unstable at step ``h`` (``unstable``: some eigenvalue beyond 1 by
        more than 1e-30) or not (none beyond 1 + 1e-30: an eigenvalue of modulus exactly 1, as
        along a family of minima, is no instability), at 50 digits."""
        r = self._precise_radius(G, eta, subs, h)
        with mpmath.workdps(50):  # 1 + 1e-30 rounds to 1 at the default 53 bits
            beyond = r > 1 + mpmath.mpf(10) ** -30
        ok = beyond if unstable else not beyond
        return bool(ok), f"spectral radius {mpmath.nstr(r, 35)} at step {h!r} (50 digits)"

    def run(self, budget: str, seed: int) -> EvidenceResult:
        G = _symbolic(self.F)
        by_name = {p.name: p for p in G.params}
        eta = by_name.get(self.step) if self.step else getattr(G, "step", None)
        if eta is None:
            return EvidenceResult(self.kind, "error", self.description, seed=seed,
                                  details={"error": "name the step-size parameter (step=...)"})
        missing = [p.name for p in G.params if p != eta and p.name not in self.params] + \
            [s.name for s in G.state if s.name not in self.point]
        if missing:
            return EvidenceResult(self.kind, "error", self.description, seed=seed,
                                  details={"error": f"no value for {', '.join(missing)}"})
        import sympy as sp

        subs = {s: sp.sympify(self.point[s.name]) for s in G.state} | \
            {p: sp.sympify(self.params[p.name]) for p in G.params if p != eta}
        residual = max(abs(complex(sp.sympify(u).xreplace(subs).xreplace({eta: 1}))
                           - self.point[s.name]) for s, u in zip(G.state, G.update, strict=True))
        if residual > 1e-9 * max(1.0, *map(abs, self.point.values())):
            return EvidenceResult(self.kind, "error", self.description, seed=seed,
                                  details={"error": f"{self.point} is not a fixed point "
                                           f"(|F(x) - x| = {residual:.3g} at step 1)"})
        radius = self._radius(G, eta, subs)

        def unstable(h) -> bool:
            r, slack = radius(h)
            return r > 1.0 + slack

        # scan (0, 4 claimed] for the first step where the radius leaves the unit disc
        grid = np.linspace(0.0, 4.0 * self.claimed, 4001)[1:]
        outside = [h for h in grid if unstable(h)]
        details = {"params": self.params, "point": self.point, "step": eta.name,
                   "scanned": [0.0, float(grid[-1])], "scan_steps": len(grid),
                   "orbit_steps": self.orbit_steps, "margin": self.margin,
                   "start_offset": self.offset}
        common = {"claimed": self.claimed, "seed": seed}

        def refuted_if_confirmed(h, now_unstable, value, note, counterexample):
            ok, how = self._confirm(G, eta, subs, float(h), now_unstable)
            status = "refuted" if ok else "inconclusive"
            return EvidenceResult(self.kind, status, self.description, value=value, **common,
                                  counterexample=counterexample if ok else None,
                                  details={**details, "note": note,
                                           "confirmed" if ok else "unconfirmed": how})

        if not outside:
            return refuted_if_confirmed(
                grid[-1], False, math.inf, "stable over the whole scan",
                {"step": float(grid[-1]), "spectral_radius": radius(grid[-1])[0]})
        if outside[0] == grid[0]:
            return refuted_if_confirmed(
                grid[0], True, 0.0, "unstable for every step scanned: a saddle or a maximum, "
                "not a minimum", {"step": float(grid[0]), "spectral_radius": radius(grid[0])[0]})
        hi = float(outside[0])
        lo = float(grid[int(np.searchsorted(grid, hi)) - 1])
        for _ in range(200):  # bisection to adjacent floats
            mid = 0.5 * (lo + hi)
            if mid in (lo, hi):
                break
            lo, hi = (lo, mid) if unstable(mid) else (mid, hi)
        star = lo
        details["spectral_threshold"] = star
        # orbits next to the point: contract below the threshold, do not above it
        K = _compiled(G)
        rng = np.random.default_rng(seed)
        names = [s.name for s in G.state]
        x_star = np.array([self.point[n] for n in names], dtype=float)
        start = x_star + self.offset * rng.standard_normal(len(names))
        contracts = {}
        for side, h in (("below", star * (1 - self.margin)), ("above", star * (1 + self.margin))):
            run = K.iterate(start[None, :], {**self.params, eta.name: h}, self.orbit_steps)
            dist = math.inf if run.diverged[0] else \
                float(np.linalg.norm(run.final[0] - x_star))
            contracts[side] = dist < 0.5 * self.offset
            details[f"distance_{side}"] = dist
        orbit_ok = contracts["below"] and not contracts["above"]
        err = abs(star - self.claimed)
        allowed = self.tol + rounding_allowance(max(star, self.claimed))
        if not orbit_ok:
            return EvidenceResult(self.kind, "inconclusive", self.description, value=star,
                                  sample_size=len(grid), **common,
                                  details={**details, "note": "orbits next to the point do not "
                                           "change behaviour at the spectral threshold within "
                                           f"{self.orbit_steps} steps"})
        details |= {"tol": self.tol, "margin_is": "tol - |threshold found - claimed|"}
        digits = None if err == 0 else round(-math.log10(max(err, 1e-17)), 2)
        if err <= allowed:
            at = ", ".join(f"{k} = {v:.6g}" for k, v in {**self.point, **self.params}.items())
            return EvidenceResult(self.kind, "verified", self.description, value=star,
                                  margin=self.tol - err, sample_size=len(grid), worst_error=err,
                                  digits=digits, details=details, **common,
                                  scope=f"one fixed point ({at}): spectral radius at "
                                  f"{len(grid)} steps in (0, {grid[-1]:.6g}], bisected to "
                                  f"rounding; 2 orbits of {self.orbit_steps} steps")
        # a wrong claim: confirm at 50 digits at the step halfway between claim and threshold,
        # stable there if the claim is below the threshold, unstable if above
        h = 0.5 * (star + self.claimed)
        ok, how = self._confirm(G, eta, subs, h, unstable=self.claimed > star)
        return EvidenceResult(
            self.kind, "refuted" if ok else "inconclusive", self.description, value=star,
            margin=self.tol - err, sample_size=len(grid), worst_error=err, digits=digits,
            counterexample={"threshold": star, "claimed": self.claimed, "tol": self.tol,
                            "step": h} if ok else None,
            details={**details, "confirmed" if ok else "unconfirmed": how}, **common)


def step_threshold(F, point: Mapping, claimed: float, params: Mapping | None = None, *,
                   step: str | None = None, tol: float = 1e-9, margin: float = 0.05,
                   orbit_steps: int = 4000, offset: float = 1e-6,
                   description: str = "") -> StepThreshold:
    """Evidence that the fixed point ``point`` of ``F`` is linearly stable exactly for steps
    below ``claimed`` (within ``tol``; the default is bisection to rounding of a float64
    spectral radius, so give a looser one for an ill-conditioned Jacobian).

    The threshold is the first step at which an eigenvalue of the Jacobian leaves the closed
    unit disc; an eigenvalue of modulus exactly 1 for every step (the direction along a family
    of minima) is no instability, and float eigenvalues are read within their rounding
    (4 d eps ||J||). ``refuted`` only when confirmed at 50 digits: the radius at a step between
    the claim and the threshold found is beyond 1 + 1e-30 (the claim said stable there) or not
    (the claim said unstable).

    ``params`` gives the other parameters' values and ``step`` the step's name (default: the
    map's step). The orbit check runs at ``(1 -+ margin)`` times the threshold found (default
    5 %): orbits started ``offset`` (default 1e-6, a seeded direction) from the point must come
    within ``offset / 2`` of it in ``orbit_steps`` steps below, and must not above; otherwise
    the answer is ``inconclusive`` (something the spectral radius does not see).

    Examples
    --------
    Weight-decayed two-factor GD at its minimum a = b = sqrt(1 - lam): the eigenvalues are
    ``1 - 2 eta lam`` and ``1 - 2 eta (1 - lam)``, so for lam = 1/4 the threshold is 4/3.

    >>> from theory import gd_map
    >>> F = gd_map("(a*b - 1)**2/2 + lam/2*(a**2 + b**2)", params="a b", step="eta",
    ...            constants="lam")
    >>> s = 0.75 ** 0.5
    >>> step_threshold(F, {"a": s, "b": s}, 4/3, {"lam": 0.25}).run("quick", 0).status
    'verified'
    >>> step_threshold(F, {"a": s, "b": s}, 1.4, {"lam": 0.25}).run("quick", 0).status
    'refuted'
    """
    return StepThreshold(F, point, claimed, params, step=step, tol=tol, margin=margin,
                         orbit_steps=orbit_steps, offset=offset, description=description)


def _wilson(successes: int, n: int, z: float = Z_999) -> tuple[float, float]:
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


class BasinFraction(Evidence):
    """The fraction of a box of starts that meets a fate. See :func:`basin_fraction`."""

    kind = "numeric"

    FATES = ("diverged", "converged", "bounded")

    def __init__(self, F, box: Mapping, claimed: float, params: Mapping | None = None, *,
                 fate: str = "diverged", steps: int = 1000, tol: float = 0.0,
                 samples: Mapping[str, int] | None = None, description: str = ""):
        self.F, self.box, self.claimed = F, dict(box), float(claimed)
        self.params, self.fate, self.steps = dict(params or {}), fate, int(steps)
        self.tol = float(tol)
        self.samples = dict(samples or SAMPLES)
        self.description = description or f"fraction of starts that {fate}"
        period = fate.startswith("period ") and fate[7:].isdigit() and int(fate[7:]) >= 2
        if fate not in self.FATES and not period:
            raise ValueError(f"basin_fraction: fate {fate!r} is not one of "
                             f"{', '.join(self.FATES)} or 'period K'")
        if not 0 <= self.claimed <= 1 or self.tol < 0:
            raise ValueError("basin_fraction: claimed must be a fraction in [0, 1], tol >= 0")

    def run(self, budget: str, seed: int) -> EvidenceResult:
        from numerics import classify_points

        G = _symbolic(self.F)
        names = [s.name for s in G.state]
        missing = [n for n in names if n not in self.box]
        if missing:
            return EvidenceResult(self.kind, "error", self.description, seed=seed,
                                  details={"error": f"box: no range for {', '.join(missing)}"})
        n = self.samples.get(budget, self.samples["quick"])
        rng = np.random.default_rng(seed)
        starts = np.stack([rng.uniform(*map(float, self.box[v]), n) for v in names], axis=1)
        period = int(self.fate[7:]) if self.fate.startswith("period ") else 1
        lab = classify_points(_compiled(G), starts, self.params, self.steps,
                              max_period=max(8, period))
        codes = [c for c, text in lab.legend.items() if text == self.fate]
        hits = int(np.isin(lab.labels, codes).sum())
        lo, hi = _wilson(hits, n)
        lo, hi = lo - self.tol, hi + self.tol
        far_lo, far_hi = _wilson(hits, n, Z_REFUTE)
        far_lo, far_hi = far_lo - self.tol, far_hi + self.tol
        value = hits / n
        err = abs(value - self.claimed)
        status = "verified" if lo <= self.claimed <= hi else \
            "inconclusive" if far_lo <= self.claimed <= far_hi else "refuted"
        details = {"box": {k: list(map(float, v)) for k, v in self.box.items()},
                   "params": self.params, "steps": self.steps, "fate": self.fate,
                   "hits": hits, "interval_99_9": [lo, hi], "interval_refute": [far_lo, far_hi],
                   "tol": self.tol, "margin_is": "distance of the claim inside the 99.9 % "
                   "Wilson interval of the sample, widened by tol"}
        if status == "inconclusive":
            details["note"] = ("outside the 99.9 % interval but inside the 1 - 1e-9 one: "
                               "rerun with another seed or the full budget")
        return EvidenceResult(
            self.kind, status, self.description, value=value, claimed=self.claimed,
            margin=min(self.claimed - lo, hi - self.claimed), sample_size=n, worst_error=err,
            seed=seed, counterexample=None if status != "refuted" else
            {"fraction": value, "interval_1e-9": [far_lo, far_hi], "claimed": self.claimed,
             "samples": n, "seed": seed}, details=details)


def basin_fraction(F, box: Mapping, claimed: float, params: Mapping | None = None, *,
                   fate: str = "diverged", steps: int = 1000, tol: float = 0.0,
                   samples: Mapping[str, int] | None = None,
                   description: str = "") -> BasinFraction:
    """Evidence that a fraction ``claimed`` of the starts drawn uniformly from ``box``
    (``{state: (lo, hi)}``) meet ``fate`` ("diverged", "converged", "bounded" or "period K")
    within ``steps`` steps. Samples per budget: 2e4 (quick), 1e6 (full), seeded; ``samples``
    (``{"quick": n, "full": m}``) changes them.

    ``verified`` when the claim lies in the 99.9 % Wilson interval of the sampled fraction,
    ``refuted`` only outside the 1 - 1e-9 interval, ``inconclusive`` between the two. ``tol``
    widens both intervals on each side (for a fraction known only approximately; say where it
    comes from).

    Examples
    --------
    The cubic slice ``a -> (1 + mu) a - mu a^3`` escapes exactly from ``|a| > sqrt(1 + 2/mu)``:
    at mu = 1 a share ``1 - sqrt(3)/2`` of the box ``[-2, 2]`` escapes.

    >>> import sympy as sp
    >>> from theory import SymbolicMap
    >>> a, mu = sp.symbols("a mu")
    >>> F = SymbolicMap((a,), ((1 + mu)*a - mu*a**3,), params=(mu,))
    >>> exact = 1 - 3 ** 0.5 / 2
    >>> basin_fraction(F, {"a": (-2, 2)}, exact, {"mu": 1.0}, steps=300).run("quick", 0).status
    'verified'
    >>> basin_fraction(F, {"a": (-2, 2)}, exact + 0.03, {"mu": 1.0}, steps=300
    ...                ).run("quick", 0).status
    'refuted'
    """
    return BasinFraction(F, box, claimed, params, fate=fate, steps=steps, tol=tol,
                         samples=samples, description=description)
