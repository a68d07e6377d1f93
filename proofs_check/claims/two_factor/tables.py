"""The table ``two-factor-thresholds``: every threshold of the two-factor map on the mu axis, in
order, with its exact form, value, certified enclosure, method and the verdict of its claim."""

from __future__ import annotations

import re

import mpmath
import sympy as sp

from proofs_check.budget import by_budget
from proofs_check.claim import Claim
from proofs_check.claims.two_factor.cascade import (
    aitken,
    doubling_points,
    period3_saddle_node,
    superstable,
    superstable_period3,
)
from proofs_check.claims.two_factor.claims import CERTIFIED, CLAIMS
from proofs_check.claims.two_factor.derived import SQRT2, SQRT3, SQRT5

__all__ = ["TABLES", "claim", "constants", "thresholds_table"]


def claim(claim_id: str) -> Claim:
    """The catalogue claim ``claim_id``."""
    return next(c for c in CLAIMS if c.id == claim_id)


def constants(budget: str = "quick") -> list[dict]:
    """Every threshold of the two-factor map on the mu axis, in increasing order.

    Each entry: ``name``, ``exact`` (closed form or ``None``), ``value`` (mpmath number),
    ``how`` (method) and ``claim`` (the catalogue claim that checks it). Doubling points are
    computed by Newton on ``(g^n - id, (g^n)' + 1)`` at 40 digits
    (:func:`numerics.bifurcation_points`); ``mu_inf`` by Aitken
    extrapolation of superstable parameters up to period ``2^11`` (quick) or ``2^14`` (full).

    Examples
    --------
    >>> rows = constants()
    >>> [r["name"] for r in rows][:2]
    ['fixed point $a = 1$ superattracting', 'loss monotone on the slice up to here']
    >>> import itertools
    >>> all(float(p["value"]) <= float(q["value"]) for p, q in itertools.pairwise(rows))
    True
    """
    exact = lambda e: (sp.sstr(e), mpmath.mpf(str(sp.N(e, 40))))  # noqa: E731
    D = doubling_points(7)
    S = superstable(3)
    kmax = by_budget(budget, 11, 14)
    rows = []

    def add(name, form, value, how, claim):
        rows.append({"name": name, "exact": form, "value": value, "how": how, "claim": claim})

    add("fixed point $a = 1$ superattracting", *exact(sp.Rational(1, 2)),
        "exact: $g'(1) = 1 - 2\\mu$", "tf.slice.fixed_points")
    add("loss monotone on the slice up to here", *exact(2 * SQRT2 - 2),
        "exact: $\\min q(s) = -1$", "tf.slice.loss_monotone")
    add("doubling $1 \\to 2$", *exact(sp.Integer(1)), "exact: multiplier $1 - 2\\mu = -1$ "
        "(tf.slice.fixed_points); Krawczyk enclosure", "tf.slice.doubling_1")
    add("2-cycle superstable", *exact(3 / SQRT2 - 1), "exact: $9 - 2(1+\\mu)^2 = 0$",
        "tf.slice.two_cycle_asymmetric")
    add("doubling $2 \\to 4$", *exact(SQRT5 - 1), "exact: $9 - 2(1+\\mu)^2 = -1$ "
        "(tf.slice.two_cycle_asymmetric); Krawczyk enclosure", "tf.slice.doubling_2")
    for k in range(3, 8):
        n = 2 ** (k - 1)
        add(f"doubling ${n} \\to {2 * n}$", None, D[k - 1],
            "Newton on $(g^n - \\mathrm{id}, (g^n)' + 1)$, 40 digits; Krawczyk enclosure",
            f"tf.slice.doubling_{k}")
    for k in (2, 3):
        add(f"{2**k}-cycle superstable", None, S[k],
            "root of $g^n(a^*) - a^*$, 40 digits; Krawczyk enclosure",
            f"tf.slice.superstable_{2**k}")
    with mpmath.workdps(40):
        add("accumulation $\\mu_\\infty$ (onset of chaos)", None, aitken(superstable(kmax)),
            f"Aitken extrapolation of superstable parameters to period $2^{{{kmax}}}$",
            "tf.slice.mu_inf")
    add("catapult window closes ($2 = 4 - \\mu^2$)", *exact(SQRT2), "exact", "tf.catapult.window")
    m3, _ = period3_saddle_node()
    add("period-3 window opens (saddle-node)", None, m3,
        "Newton on $(g^3 - \\mathrm{id}, (g^3)' - 1)$, 40 digits; Krawczyk enclosure",
        "tf.slice.period3_saddle_node")
    add("period-3 orbit superstable", None, superstable_period3(),
        "root of $g^3(a^*) - a^*$, 40 digits; Krawczyk enclosure", "tf.slice.superstable_3")
    add("$\\Lambda(E_\\mu) = \\ln 2$", *exact(sp.Rational(3, 2)), "exact: $\\cosh(\\ln 2) = 5/4$",
        "tf.ellipse.lyapunov_positive")
    add("attractor-merging crisis", *exact(3 * SQRT3 / 2 - 1), "exact: $g(g(a^*)) = 0$",
        "tf.slice.merging_crisis")
    add("boundary crisis; $E_\\mu$ degenerates", *exact(sp.Integer(2)), "exact: $g(a^*) = c$",
        "tf.slice.boundary_crisis")
    rows.sort(key=lambda r: float(r["value"]))
    return rows


def _as_math(enclosure: str) -> str:
    """arb's ``[m +/- r]`` as ``$m \\pm r$`` (the radius in LaTeX's exponent form)."""
    found = re.fullmatch(r"\[\s*(\S+)\s*\+/-\s*(\S+)\s*\]", enclosure)
    if not found:
        return enclosure
    mid, rad = found.groups()
    mant, _, exp = rad.partition("e")
    rad_tex = f"{mant} \\times 10^{{{int(exp)}}}" if exp else rad
    return f"${mid} \\pm {rad_tex}$"


def thresholds_table(budget: str = "quick", seed="0", digits="12", verdicts="yes"):
    """The table ``two-factor-thresholds``: every threshold on the mu axis, in order.

    Options (strings from the command line): ``budget`` for the checks behind the verdicts,
    ``seed``, ``digits`` (significant digits shown in md/tex, 1 to 17, default 12; the value
    column holds the float64 nearest each constant, the exact form and the enclosure are exact)
    and ``verdicts`` (``yes``/``no``: run the claims or not). The
    constants with a certified claim (:data:`CERTIFIED`: the doubling points, the superstable
    parameters, the period-3 saddle-node) are always checked (each certification takes < 0.1 s)
    and show their Krawczyk enclosure (``$m \\pm r$``, midpoint and radius) and verdict.

    Examples
    --------
    >>> t = thresholds_table(verdicts="no")
    >>> t.columns[:3], t.rows[1][2]
    (['threshold', 'exact form', 'value'], 0.8284271247461901)
    """
    from proofs_check import check
    from proofs_check.tables import Table

    if budget not in ("quick", "full"):
        raise ValueError(f"budget {budget!r} is not 'quick' or 'full'")
    try:
        k, seed_i = int(digits), int(seed)
    except ValueError:
        raise ValueError(f"digits {digits!r} and seed {seed!r} must be integers") from None
    if not 1 <= k <= 17:
        raise ValueError(f"digits {digits!r} must be between 1 and 17")
    flag = str(verdicts).lower()
    if flag not in ("yes", "true", "1", "no", "false", "0"):
        raise ValueError(f"verdicts {verdicts!r} is not 'yes' or 'no'")
    run = flag in ("yes", "true", "1")
    cache: dict[str, tuple] = {}
    rows = []
    for r in constants(budget):
        cid = r["claim"]
        if (run or cid in CERTIFIED) and cid not in cache:
            res = check(claim(cid), budget, seed_i)
            enclosure = next((e.details["enclosure"] for e in res.evidence
                              if e.kind == "interval" and "enclosure" in e.details), "")
            cache[cid] = (res.status, enclosure)
        status, enclosure = cache.get(cid, ("not run", ""))
        rows.append([r["name"], r["exact"] or "", float(r["value"]), _as_math(enclosure),
                     r["how"], cid,
                     status])
    return Table(name="two-factor-thresholds",
                 caption="Thresholds of the two-factor map $F_\\mu$ on the $\\mu$ axis "
                         "(balanced slice, ellipse $E_\\mu$, catapult window).",
                 columns=["threshold", "exact form", "value", "certified enclosure",
                          "how obtained", "claim", "verdict"],
                 rows=rows, digits=k,
                 notes=[f"budget {budget}, seed {seed_i}; values to {k} significant digits",
                        "Feigenbaum delta estimated from superstable parameters: see "
                        "tf.slice.cascade"])



TABLES = {"two-factor-thresholds": thresholds_table}
