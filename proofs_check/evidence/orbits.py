"""Certified periodic orbits and bifurcation points of any derived map (Krawczyk, arb balls).

A period-``n`` orbit of ``F`` is a zero of the multiple-shooting system
``G(x_0, ..., x_{n-1}) = (F(x_0) - x_1, ..., F(x_{n-1}) - x_0)``; a bifurcation point adds the
parameter ``p`` as an unknown and one equation on the orbit's multiplier (1-D maps):
``prod f'(x_i) + 1 = 0`` (period doubling), ``prod f'(x_i) - 1 = 0`` (tangent, saddle-node) or
``f'(x_0) = 0`` (superstable). The system is never composed symbolically (``F^32`` of a cubic has
degree ``3^32``): ``G`` and its Jacobian are evaluated step by step from the map's own SymPy
expressions, compiled to arb ball arithmetic (python-flint), so every rounding is enclosed.

The Krawczyk test (Krawczyk 1969; Moore, Kearfott & Cloud, *Introduction to Interval Analysis*,
2009, section 8.2): for a box ``X`` with midpoint ``m`` and any matrix ``Y`` (here an approximate
inverse of ``G'(m)``), ``K(X) = m - Y G(m) + (I - Y G'(X)) (X - m)``. If ``K(X)`` lies in the
interior of ``X``, then ``G`` has exactly one zero in ``X``, and it lies in ``K(X)``. A float or
mpmath Newton solution only suggests where to look; the box that passes the test is the proof.

:func:`certify_orbit` and :func:`certify_bifurcation` return a :class:`CertifiedOrbit`; the
evidence :func:`periodic_orbit` and :func:`bifurcation_point` turn it into a certificate
(:class:`~proofs_check.evidence.certificates.KrawczykEnclosure`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
import sympy as sp
from flint import arb, arb_mat, ctx

from proofs_check.claim import Evidence, EvidenceResult
from proofs_check.evidence import certificates as cert
from proofs_check.evidence.interval import IntervalError, _as_expr, _compile, _precision

__all__ = ["BifurcationEnclosure", "CertifiedOrbit", "OrbitEnclosure", "bifurcation_point",
           "certify_bifurcation", "certify_orbit", "periodic_orbit"]

KINDS = ("period-doubling", "tangent", "superstable")


@dataclass
class CertifiedOrbit:
    """A Krawczyk-verified box holding exactly one zero of the orbit (or bifurcation) system.

    ``points`` are the orbit's points (each a list of arb balls, one per state variable);
    ``param`` the parameter's enclosure for a bifurcation point (None for an orbit);
    ``multipliers`` enclosures of the eigenvalues of ``DF^n`` (real cases; for a complex pair
    their common modulus is in ``details``); ``width`` the largest diameter in the box;
    ``unique`` is True (the Krawczyk test passed) — a box that fails is never returned.
    """

    period: int
    points: list
    param: arb | None
    multipliers: list
    width: float
    precision_bits: int
    details: dict = field(default_factory=dict)


class _ArbMap:
    """The map's update, Jacobian and parameter derivatives as arb functions."""

    def __init__(self, F, param: str | None):
        self.F = F
        self.d = F.dim
        self.state = [s.name for s in F.state]
        self.param = param
        self.f = [_compile(u) for u in F.update]
        J = F.jacobian()
        self.J = [[_compile(J[i, j]) for j in range(self.d)] for i in range(self.d)]
        if param is not None:
            p = next(s for s in F.params if s.name == param)
            self.fp = [_compile(sp.diff(u, p)) for u in F.update]
            if self.d == 1:
                x = F.state[0]
                d1 = sp.diff(F.update[0], x)
                self.f2 = _compile(sp.diff(d1, x))    # f''
                self.f1p = _compile(sp.diff(d1, p))   # d f'/dp

    def env(self, x, params):
        return {**params, **{n: v for n, v in zip(self.state, x, strict=True)}}


def _system(M: _ArbMap, n: int, kind: str | None, fixed: Mapping[str, arb]):
    """(G, DG) on the unknowns z = x_0..x_{n-1} (d each) [+ p]."""
    d = M.d

    def split(z):
        xs = [z[i * d:(i + 1) * d] for i in range(n)]
        params = dict(fixed)
        if kind is not None:
            params[M.param] = z[n * d]
        return xs, params

    def G(z):
        xs, params = split(z)
        out = []
        for i in range(n):
            env = M.env(xs[i], params)
            nxt = xs[(i + 1) % n]
            out += [M.f[k](env) - nxt[k] for k in range(d)]
        if kind is not None:
            derivs = [M.J[0][0](M.env(x, params)) for x in xs]
            if kind == "superstable":
                out.append(derivs[0])
            else:
                prod = arb(1)
                for v in derivs:
                    prod *= v
                out.append(prod + (1 if kind == "period-doubling" else -1))
        return out

    def DG(z):
        xs, params = split(z)
        m = len(z)
        rows = [[arb(0)] * m for _ in range(m)]
        for i in range(n):
            env = M.env(xs[i], params)
            j = (i + 1) % n
            for a in range(d):
                for b in range(d):
                    rows[i * d + a][i * d + b] += M.J[a][b](env)
                rows[i * d + a][j * d + a] -= 1
                if kind is not None:
                    rows[i * d + a][n * d] = M.fp[a](env)
        if kind is not None:
            envs = [M.env(x, params) for x in xs]
            derivs = [M.J[0][0](e) for e in envs]
            last = n * d
            if kind == "superstable":
                rows[last][0] = M.f2(envs[0])
                rows[last][last] = M.f1p(envs[0])
            else:
                dp = arb(0)
                for i in range(n):
                    others = arb(1)
                    for k in range(n):
                        if k != i:
                            others *= derivs[k]
                    rows[last][i] = M.f2(envs[i]) * others
                    dp += M.f1p(envs[i]) * others
                rows[last][last] = dp
        return arb_mat(rows)

    return G, DG


def _mid(v: arb) -> arb:
    return arb(v.mid())


def _newton_mid(G, DG, z, steps: int = 60):
    """Newton on midpoints (no rigour needed here: the Krawczyk test decides)."""
    for _ in range(steps):
        g = arb_mat([[v] for v in G(z)]).mid()
        J = DG(z).mid()
        try:
            step = J.solve(g)
        except (ZeroDivisionError, ValueError):
            return z
        z = [_mid(z[i] - step[i, 0]) for i in range(len(z))]
        if all(abs(float(step[i, 0].mid())) <= 2.0 ** (-ctx.prec + 8) * (1 + abs(float(
                z[i].mid()))) for i in range(len(z))):
            break
    return z


def _krawczyk(G, DG, centre, radii):
    """The box ``centre +- radii`` if it passes the Krawczyk test (tightened), else None."""
    m = len(centre)
    box = [c + arb(0, r) for c, r in zip(centre, radii, strict=True)]
    Jm = DG(centre).mid()
    try:
        Y = Jm.inv().mid()
    except (ZeroDivisionError, ValueError):
        return None
    g = arb_mat([[v] for v in G(centre)])
    JX = DG(box)
    eye = arb_mat([[1 if i == j else 0 for j in range(m)] for i in range(m)])
    delta = arb_mat([[box[i] - centre[i]] for i in range(m)])
    K = arb_mat([[c] for c in centre]) - Y * g + (eye - Y * JX) * delta
    ks = [K[i, 0] for i in range(m)]
    if all(box[i].contains_interior(ks[i]) for i in range(m)):
        return ks
    return None


def _verify(G, DG, z, *, min_radius: float = 0.0, tries: int = 12):
    """Epsilon-inflation: grow the box until the Krawczyk test passes (or give up)."""
    scale = [max(1.0, abs(float(v.mid()))) for v in z]
    rel = 2.0 ** (-ctx.prec + 16)
    for _ in range(tries):
        radii = [max(rel * s, min_radius) for s in scale]
        ks = _krawczyk(G, DG, z, [arb(r) for r in radii])
        if ks is not None:
            return ks
        rel *= 1e3
    return None


def _multipliers(M: _ArbMap, points, params):
    prod = arb_mat([[1 if i == j else 0 for j in range(M.d)] for i in range(M.d)])
    for x in points:
        env = M.env(x, params)
        prod = arb_mat([[M.J[i][j](env) for j in range(M.d)] for i in range(M.d)]) * prod
    if M.d == 1:
        return [prod[0, 0]], {}
    if M.d == 2:
        tr, det = prod[0, 0] + prod[1, 1], prod.det()
        disc = tr * tr - 4 * det
        if disc > 0:
            r = disc.sqrt()
            return [(tr + r) / 2, (tr - r) / 2], {}
        if disc < 0:
            return [], {"complex_pair_modulus": det.sqrt().str(15, radius=True)}
        return [], {"trace": tr.str(15), "det": det.str(15)}
    return [], {"monodromy": prod.str(10)}


def _exact(value) -> arb:
    if isinstance(value, arb):
        return value
    return _compile(_as_expr(value, [], "value") if isinstance(value, str) else
                    sp.Rational(*Fraction(value).as_integer_ratio()) if isinstance(value, float)
                    else sp.sympify(value))({})


def _width(balls) -> float:
    return max(float(2 * b.rad()) for b in balls)


def _attractor_point(F, param, near, other_params, box, steps: int = 20_000):
    """A point of the attractor at ``param = near`` (float iteration from the middle of
    ``box``): near a bifurcation of an attracting orbit it is a good Newton guess, and it avoids
    a grid search. None when the orbit leaves the box."""
    import math

    values = {**{str(k): float(v) for k, v in dict(other_params or {}).items()},
              param: float(near)}
    f = sp.lambdify(F.state[0], F.update[0].xreplace(
        {p: values[p.name] for p in F.params}), "math")
    lo, hi = (float(b) for b in box)
    x = (lo + hi) / 2
    for _ in range(steps):
        x = f(x)
        if not (math.isfinite(x) and lo - (hi - lo) <= x <= hi + (hi - lo)):
            return None
    return x


def certify_orbit(F, period: int, x0, params: Mapping | None = None, *,
                  prec: int = 128) -> CertifiedOrbit | None:
    """A certified period-``period`` orbit of the SymbolicMap ``F`` near the point ``x0``.

    ``x0`` is a guess of one point of the orbit (floats are fine: the guess is refined and then
    verified). Returns None when no box around the refined guess passes the Krawczyk test.

    Examples
    --------
    The Henon map at (a, b) = (1.4, 0.3) has a fixed point at x = y ~ 0.6314 (saddle):

    >>> from theory import SymbolicMap
    >>> x, y, a, b = sp.symbols("x y a b")
    >>> H = SymbolicMap((x, y), (1 - a*x**2 + y, b*x), params=(a, b), name="henon")
    >>> orb = certify_orbit(H, 1, (0.63, 0.19), {"a": "1.4", "b": "0.3"})
    >>> orb.points[0][0].str(10, radius=False), orb.width < 1e-25
    ('0.6313544771', True)
    """
    n = int(period)
    if n < 1:
        raise IntervalError(f"period {period!r} must be at least 1")
    M = _ArbMap(F, None)
    with _precision(prec):
        fixed = {k: _exact(v) for k, v in dict(params or {}).items()}
        missing = [p.name for p in F.params if p.name not in fixed]
        if missing:
            raise IntervalError(f"params: no value for {', '.join(missing)}")
        start = [_exact(float(v)) for v in (x0 if hasattr(x0, "__len__") else [x0])]
        if len(start) != M.d:
            raise IntervalError(f"x0: {len(start)} coordinates for a map of dimension {M.d}")
        pts = [start]
        for _ in range(n - 1):  # the rest of the orbit guess: iterate the map
            pts.append([_mid(M.f[k](M.env(pts[-1], fixed))) for k in range(M.d)])
        G, DG = _system(M, n, None, fixed)
        z = _newton_mid(G, DG, [v for p in pts for v in p])
        ks = _verify(G, DG, z)
        if ks is None:
            return None
        points = [ks[i * M.d:(i + 1) * M.d] for i in range(n)]
        mults, extra = _multipliers(M, points, fixed)
        return CertifiedOrbit(n, points, None, mults, _width(ks), prec, extra)


def certify_bifurcation(F, param: str, kind: str = "period-doubling", period: int = 1, *,
                        near: float, other_params: Mapping | None = None, x0=None,
                        box=(-2.0, 2.0), prec: int = 128,
                        cover: tuple | None = None) -> CertifiedOrbit | None:
    """A certified bifurcation point of the period-``period`` orbits of a 1-D map.

    The guess comes from :func:`numerics.bifurcation_points` (mpmath Newton); the enclosure of
    the parameter and of the orbit is what passes the Krawczyk test. ``cover=(lo, hi)`` asks for
    a verified box whose parameter range contains ``[lo, hi]`` as well (uniqueness over it:
    used to refute a claimed value).

    Examples
    --------
    The logistic map doubles its period-2 orbit at r = 1 + sqrt(6):

    >>> from theory import SymbolicMap
    >>> x, r = sp.symbols("x r")
    >>> logistic = SymbolicMap((x,), (r*x*(1 - x),), params=(r,), name="logistic")
    >>> bp = certify_bifurcation(logistic, "r", "period-doubling", 2, near=3.45, box=(0.1, 0.9))
    >>> bp.param.str(20, radius=False), bp.width < 1e-25
    ('3.4494897427831780982', True)
    """
    from numerics.periodic import bifurcation_points

    if kind not in KINDS:
        raise IntervalError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    if F.dim != 1:
        raise IntervalError("certify_bifurcation: 1-D maps only (the multiplier is a product of "
                            "derivatives)")
    n = int(period)
    if x0 is None:
        x0 = _attractor_point(F, param, near, other_params, box)
    guess = bifurcation_points(F, param, kind, n, near=near, other_params=other_params, x0=x0,
                               box=box, dps=max(30, prec // 3))
    M = _ArbMap(F, param)
    with _precision(prec):
        fixed = {k: _exact(v) for k, v in dict(other_params or {}).items()}
        p0 = _exact(mpmath.nstr(guess.value, prec // 3))
        pts = [[_exact(mpmath.nstr(guess.point[0], prec // 3))]]
        env_p = {**fixed, param: p0}
        for _ in range(n - 1):
            pts.append([_mid(M.f[0](M.env(pts[-1], env_p)))])
        G, DG = _system(M, n, kind, fixed)
        z = _newton_mid(G, DG, [p[0] for p in pts] + [p0])
        if cover is None:
            ks = _verify(G, DG, z)
        else:
            lo, hi = (_exact(c) for c in cover)
            reach = max(abs(float((lo - z[-1]).mid())), abs(float((hi - z[-1]).mid())))
            radii = [arb(reach * 1.5 * max(1.0, abs(float(v.mid())))) for v in z]
            ks = _krawczyk(G, DG, z, radii)
        if ks is None:
            return None
        points = [[v] for v in ks[:n]]
        mults, extra = _multipliers(M, points, {**fixed, param: ks[n]})
        return CertifiedOrbit(n, points, ks[n], mults, _width(ks), prec,
                              {"kind": kind, **extra})


class OrbitEnclosure(Evidence):
    """Evidence that a period-``n`` orbit exists near ``x0`` (unique in its certified box)."""

    kind = "interval"

    def __init__(self, F, period: int, x0, params=None, *, prec: int = 128,
                 description: str = ""):
        self.F, self.period, self.x0, self.params, self.prec = F, period, x0, params, prec
        self.description = description or f"certified period-{period} orbit of {F.name}"

    def run(self, budget: str, seed: int) -> EvidenceResult:
        orb = certify_orbit(self.F, self.period, self.x0, self.params, prec=self.prec)
        if orb is None:
            return EvidenceResult(self.kind, "inconclusive", f"{self.description}: no box "
                                  "around the refined guess passed the Krawczyk test", seed=seed)
        pts = [[v.str(20, radius=True) for v in p] for p in orb.points]
        mults = [m.str(15, radius=True) for m in orb.multipliers]
        certificate = cert.issue(cert.KrawczykEnclosure(
            f"{self.description}: a unique period-{self.period} orbit through {pts[0]}",
            f"Krawczyk test on the multiple-shooting system in arb ({orb.precision_bits} bits), "
            f"box width {orb.width:.2e}", {}))
        return EvidenceResult(self.kind, "proved", f"{self.description} (Krawczyk, width "
                              f"{orb.width:.2e})", value=pts[0], margin=0.0, seed=seed,
                              details={"points": pts, "multipliers": mults, **orb.details,
                                       "width": orb.width, "precision_bits": orb.precision_bits},
                              certificate=certificate)


def periodic_orbit(F, period: int, x0, params=None, *, prec: int = 128,
                   description: str = "") -> OrbitEnclosure:
    """Evidence of a certified periodic orbit (see :func:`certify_orbit`)."""
    return OrbitEnclosure(F, period, x0, params, prec=prec, description=description)


class BifurcationEnclosure(Evidence):
    """Evidence for a claimed bifurcation point. See :func:`bifurcation_point`."""

    kind = "interval"

    def __init__(self, F, param: str, kind: str, period: int, *, near: float, claimed=None,
                 tol=None, other_params=None, x0=None, box=(-2.0, 2.0), prec: int = 128,
                 description: str = ""):
        if kind not in KINDS:
            raise IntervalError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
        self.F, self.param, self.bkind, self.period = F, param, kind, int(period)
        self.near, self.claimed, self.tol = near, claimed, tol
        self.other_params, self.x0, self.box, self.prec = other_params, x0, box, prec
        self.description = description or (f"certified {kind} point of the period-{period} "
                                           f"orbits of {F.name} in {param}")

    def _certify(self, cover=None):
        return certify_bifurcation(self.F, self.param, self.bkind, self.period, near=self.near,
                                   other_params=self.other_params, x0=self.x0, box=self.box,
                                   prec=self.prec, cover=cover)

    def run(self, budget: str, seed: int) -> EvidenceResult:
        bp = self._certify()
        if bp is None:
            return EvidenceResult(self.kind, "inconclusive", f"{self.description}: no box passed "
                                  "the Krawczyk test", seed=seed)
        enclosure = bp.param
        text = enclosure.str(25, radius=True)
        details = {"enclosure": text, "lower": enclosure.lower().str(25),
                   "upper": enclosure.upper().str(25), "width": float(2 * enclosure.rad()),
                   "orbit_point": bp.points[0][0].str(20, radius=True),
                   "precision_bits": bp.precision_bits, "box_width": bp.width}
        value = float(enclosure.mid())
        if self.claimed is None:
            return self._proved(bp, text, value, details, seed, "")
        with _precision(self.prec):
            c = _exact(self.claimed)
            t = _exact(self.tol) if self.tol is not None else arb(0)
            window = (c - t).union(c + t)
            inside = window.contains(enclosure) if self.tol is not None else \
                enclosure.contains(c)
            outside = not window.overlaps(enclosure)
        details["claimed"] = str(self.claimed)
        details["tol"] = None if self.tol is None else str(self.tol)
        if inside:
            return self._proved(bp, text, value, details, seed,
                                f", within the claimed {self.claimed}"
                                + ("" if self.tol is None else f" +- {self.tol}"))
        if outside:
            with _precision(self.prec):
                lo, hi = (c - t).lower(), (c + t).upper()
            wide = self._certify(cover=(lo, hi))
            if wide is not None:
                return EvidenceResult(
                    self.kind, "refuted", f"{self.description}: the unique {self.bkind} point "
                    f"near the claimed value lies at {text}", value=value,
                    claimed=str(self.claimed), margin=-float(abs((enclosure - c).mid())),
                    counterexample={"enclosure": text, "claimed": str(self.claimed)},
                    details={**details, "uniqueness_box_covers_claim": True,
                             "confirmed": "Krawczyk test on a box covering the claimed window"},
                    seed=seed)
        return EvidenceResult(self.kind, "inconclusive", f"{self.description}: the enclosure "
                              f"{text} and the claimed {self.claimed} could not be separated",
                              value=value, claimed=str(self.claimed), details=details, seed=seed)

    def _proved(self, bp, text, value, details, seed, against) -> EvidenceResult:
        certificate = cert.issue(cert.KrawczykEnclosure(
            f"{self.description}: {self.param} in {text}{against}",
            f"Krawczyk test on the augmented multiple-shooting system in arb "
            f"({bp.precision_bits} bits), unique in a box of width {bp.width:.2e}",
            {}))
        return EvidenceResult(self.kind, "proved", f"{self.description}: {text}{against}",
                              value=value, claimed=None if self.claimed is None else
                              str(self.claimed), margin=0.0, digits=None, seed=seed,
                              details=details, certificate=certificate)


def bifurcation_point(F, param: str, kind: str = "period-doubling", period: int = 1, *,
                      near: float, claimed=None, tol=None, other_params=None, x0=None,
                      box=(-2.0, 2.0), prec: int = 128,
                      description: str = "") -> BifurcationEnclosure:
    """Evidence that a bifurcation point lies at ``claimed`` (within ``tol``), certified.

    Proved when the Krawczyk enclosure of the parameter lies within ``claimed +- tol`` (with
    ``tol=None``: contains the exact ``claimed`` value, e.g. ``"1 + sqrt(6)"``); refuted when it
    lies outside and a verified box covering the claimed window shows the point is unique there.

    Examples
    --------
    >>> from theory import SymbolicMap
    >>> x, r = sp.symbols("x r")
    >>> logistic = SymbolicMap((x,), (r*x*(1 - x),), params=(r,), name="logistic")
    >>> bifurcation_point(logistic, "r", period=1, near=3.0, claimed="3",
    ...                   box=(0.1, 0.9)).run("quick", 0).status
    'proved'
    """
    return BifurcationEnclosure(F, param, kind, period, near=near, claimed=claimed, tol=tol,
                                other_params=other_params, x0=x0, box=box, prec=prec,
                                description=description)
