"""Exact steps for the claims on the balanced slice ``g(a) = (1+mu)a - mu a^3`` (§4): fixed
points and 2-cycles, the bounded set, the loss along the slice and its catapult window, the
crises, the Chebyshev conjugacy at ``mu = 2`` and its invariant density.

Each ``*_steps(c)`` takes the claim's claimed expressions ``c``; ``g`` and ``g'`` are the derived
ones (:mod:`.derived`).
"""

from __future__ import annotations

import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claims.two_factor.derived import (
    ASTAR2,
    SQRT2,
    SQRT5,
    F_map,
    a,
    d_da,
    g_expr,
    model,
    mu,
    s,
    theta,
    x,
)
from proofs_check.claims.two_factor.exact import eq, positive, proved, sign_in_mu


def slice_map_steps(c):
    F = F_map()
    return [eq(model().slice("balanced").update[0], c["g"], "balanced"),
            eq(model().slice("anti-balanced").update[0], c["g_anti"], "anti-balanced"),
            eq((F(a, a)[1] - F(a, a)[0], F(a, -a)[1] + F(a, -a)[0]), (0, 0),
               "F maps b = a into b = a and b = -a into b = -a")]


def fixed_points_steps(c):
    g, dg = g_expr(), d_da(g_expr())
    return [eq(dg.xreplace({a: 0}), c["d0"], "g'(0)"),
            sign_in_mu(c["d0"] - 1, 0, sp.oo, "g'(0) - 1 > 0 for mu > 0: 0 repels"),
            eq((g.xreplace({a: 1}), g.xreplace({a: -1})), (1, -1), "g(+-1)"),
            eq((dg.xreplace({a: 1}), dg.xreplace({a: -1})), (c["d1"], c["d1"]), "g'(+-1)"),
            eq(c["d1"].xreplace({mu: c["mu_super"]}), 0, "superattracting"),
            sign_in_mu(1 - c["d1"], 0, 1, "1 - (1-2mu) > 0 on (0, 1)"),
            sign_in_mu(1 + c["d1"], 0, 1, "1 + (1-2mu) > 0 on (0, 1)")]


def g2_steps(c):
    g = g_expr()
    return [eq(g.xreplace({a: g}) - a, c["factored"], "g∘g - id")]


def symmetric_cycle_steps(c):
    g = g_expr()
    cc = sp.sqrt(c["c2"])
    return [eq((g.xreplace({a: cc}), g.xreplace({a: -cc})), (-cc, cc), "g(c) = -c, g(-c) = c"),
            eq(d_da(g).xreplace({a: cc}) * d_da(g).xreplace({a: -cc}), c["mult"],
               "multiplier g'(c) g'(-c)"),
            sign_in_mu(c["mult"] - 1, 0, sp.oo, "multiplier - 1 > 0 for mu > 0")]


def bounded_set_steps(c):
    g = g_expr()
    return [eq(g.xreplace({a: sp.sqrt(c["c2"])}), -sp.sqrt(c["c2"]), "g(c) = -c"),
            eq(c["c2"] - g**2,
               (c["c2"] - a**2) * (mu**2 * (a**2 - sp.Rational(1, 2)) ** 2 + 1 - mu**2 / 4),
               "c^2 - g(a)^2 = (c^2 - a^2)(mu^2 (a^2 - 1/2)^2 + 1 - mu^2/4)"),
            sign_in_mu(1 - mu**2 / 4, 0, 2,
                       "1 - mu^2/4 > 0 on (0, 2): c^2 - g(a)^2 >= 0 for |a| <= c"),
            eq((1 - mu**2 / 4).xreplace({mu: 2}), 0,
               "at mu = 2: 1 - mu^2/4 = 0, the factor is the square mu^2 (a^2 - 1/2)^2"),
            eq(-g / a - 1, mu * (a**2 - c["c2"]),
               "-g(a)/a = 1 + mu (a^2 - c^2): for |a| > c, |g(a)| > |a| and the ratio grows "
               "with |a|, so |a_t| grows at least geometrically")]


def asymmetric_cycle_steps(c):
    g = g_expr()
    quart = mu**2 * a**4 - mu * (mu + 1) * a**2 + 1
    quart_claimed = a**4 - c["sumsq"] * a**2 + c["prod"] ** 2
    # symmetric functions of a1^2, a2^2: sum = sumsq, product = prod^2
    mult_sym = (1 + mu) ** 2 - 3 * mu * (1 + mu) * c["sumsq"] + 9 * mu**2 * c["prod"] ** 2
    return [
        eq(mu**2 * quart_claimed, quart,
           "roots +-a1, +-a2 with a1^2+a2^2 = sumsq, a1^2 a2^2 = prod^2"),
        eq(mu * a * g - 1, -quart, "on the quartic g(a) = 1/(mu a): a2 = g(a1), a1 a2 = 1/mu"),
        eq(sp.expand((1 + mu - 3 * mu * x) * (1 + mu - 3 * mu * s)),
           sp.expand((1 + mu) ** 2 - 3 * mu * (1 + mu) * (x + s) + 9 * mu**2 * x * s),
           "g'(a1) g'(a2) with x = a1^2, s = a2^2"),
        eq(mult_sym, c["mult"], "multiplier = 9 - 2(1+mu)^2"),
        eq(c["sumsq"] ** 2 - 4 * c["prod"] ** 2, (mu - c["mu_birth"]) * (mu + 3) / mu**2,
           "discriminant of a^4 - sumsq a^2 + prod^2 in a^2: (mu - 1)(mu + 3)/mu^2"),
        positive((mu + 3) / mu**2, "(mu + 3)/mu^2 > 0: the roots a1^2, a2^2 are real iff mu >= 1 "
                 "(distinct iff mu > 1)"),
        positive(c["sumsq"], "a1^2 + a2^2 > 0"),
        positive(c["prod"] ** 2, "a1^2 a2^2 > 0: real roots a1^2, a2^2 are positive"),
        eq(c["mult"].xreplace({mu: c["mu_birth"]}), 1, "multiplier +1 at birth"),
        eq(c["mult"].xreplace({mu: c["mu_end"]}), -1, "multiplier -1 at sqrt5 - 1"),
        eq(c["mult"].xreplace({mu: c["mu_super"]}), 0, "superstable at 3/sqrt2 - 1"),
        eq(1 - c["mult"], 2 * (mu - c["mu_birth"]) * (mu + 3), "1 - multiplier = 2(mu-1)(mu+3)"),
        eq(1 + c["mult"], -2 * (mu - c["mu_end"]) * (mu + 1 + SQRT5),
           "1 + multiplier = -2(mu - (sqrt5 - 1))(mu + 1 + sqrt5)"),
        positive(mu + 1 + SQRT5, "mu + 1 + sqrt5 > 0: so |multiplier| < 1 iff 1 < mu < sqrt5 - 1"),
    ]


def loss_ratio_steps(c):
    return [eq(g_expr() ** 2 - 1, (a**2 - 1) * c["q"].xreplace({s: mu * a**2}),
               "a'^2 - 1 = (a^2 - 1) q(mu a^2)")]


def monotone_steps(c):
    q = s**2 - (2 + mu) * s + 1
    thr = c["threshold"]
    c2 = proved("tf.slice.bounded_set")["c2"]
    a_min2 = (2 + mu) / (2 * mu)          # a^2 where q is smallest
    return [eq(q - (1 - (2 + mu) ** 2 / 4), (s - (2 + mu) / 2) ** 2,
               "q(s) = (s - (2+mu)/2)^2 + 1 - (2+mu)^2/4"),
            eq(mu * c2, 2 + mu, "on the bounded set [-c, c]: 0 <= s = mu a^2 <= mu c^2 = 2 + mu"),
            eq(1 - q, s * (2 + mu - s), "1 - q(s) = s(2 + mu - s) >= 0 there: q <= 1"),
            eq((mu * a_min2, c2 - a_min2), ((2 + mu) / 2, (2 + mu) / (2 * mu)),
               "q is smallest at a^2 = (2+mu)/(2mu), and c^2 - (2+mu)/(2mu) = (2+mu)/(2mu)"),
            positive((2 + mu) / (2 * mu), "(2+mu)/(2mu) > 0: that point lies in the bounded set"),
            eq(2 - (2 + mu) ** 2 / 4, -(mu - thr) * (mu + thr + 4) / 4,
               "min q + 1 = 2 - (2+mu)^2/4 = -(mu - (2sqrt2 - 2))(mu + 2sqrt2 + 2)/4"),
            positive(mu + thr + 4, "mu + 2sqrt2 + 2 > 0: min q >= -1 iff mu <= 2sqrt2 - 2")]


def window_steps(c):
    qs = s**2 - (2 + mu) * s + 1
    q = qs.xreplace({s: mu * x})       # x = a^2
    D = mu**2 + 4 * mu - 4
    c2 = proved("tf.slice.bounded_set")["c2"]
    return [eq(q + 1, mu**2 * (x - c["lo"]) * (x - c["hi"]),
               "q(mu a^2) + 1 = mu^2 (a^2 - lo)(a^2 - hi)"),
            eq(c["hi"] - c["lo"], sp.sqrt(D) / mu, "hi - lo = sqrt(D)/mu, D = mu^2 + 4mu - 4"),
            sign_in_mu(D, 2 * SQRT2 - 2, sp.oo, "D > 0 for mu > 2sqrt2 - 2: lo < hi are real"),
            eq(1 - qs, s * (2 + mu - s),
               "1 - q(s) = s(2 + mu - s) >= 0 on the bounded set (0 <= s <= 2 + mu): there the "
               "loss rises (q^2 > 1) iff q < -1"),
            eq(c["lo"] + c["hi"], c2, "lo + hi = c^2 = (2+mu)/mu, so hi < c^2 iff lo > 0"),
            eq((2 + mu) ** 2 - D, 8, "(2+mu)^2 - D = 8 > 0: sqrt(D) < 2 + mu, so lo > 0 and "
               "0 < lo < hi < c^2: the window lies in the bounded set")]


def _critical_steps():
    """a* = sqrt((1+mu)/(3mu)) is the positive critical point of g, and
    g(a*)^2 = 4(1+mu)^3/(27 mu) > 0."""
    astar = sp.sqrt(ASTAR2)
    return [eq(d_da(g_expr()).xreplace({a: astar}), 0, "g'(a*) = 0, a* = sqrt((1+mu)/(3mu))"),
            eq(g_expr().xreplace({a: astar}) ** 2, 4 * (1 + mu) ** 3 / (27 * mu),
               "g(a*)^2 = 4(1+mu)^3/(27 mu)")]


def merging_steps(c):
    y = sp.Symbol("y", real=True)
    ga2 = 4 * (1 + mu) ** 3 / (27 * mu)
    mc = c["mu_c"]
    g = g_expr()
    return [*_critical_steps(),
            eq(g.xreplace({a: g}).xreplace({a: sp.sqrt(ASTAR2)}).xreplace({mu: mc}), 0,
               "g(g(a*)) = 0 at mu_c"),
            eq(g.xreplace({a: y}), y * (1 + mu - mu * y**2),
               "g(y) = y (1 + mu - mu y^2): with y = g(a*) != 0, g(g(a*)) = 0 iff "
               "mu g(a*)^2 = 1 + mu"),
            eq(mu * ga2 - (1 + mu), 4 * (1 + mu) * (mu - mc) * (mu + mc + 2) / 27,
               "mu g(a*)^2 - (1 + mu) = 4(1+mu)(mu - mu_c)(mu + mu_c + 2)/27"),
            positive(4 * (1 + mu) * (mu + mc + 2) / 27 * ga2,
                     "(1+mu)(mu + mu_c + 2) g(a*)^2 > 0: so g(g(a*)) = 0 for mu > 0 iff "
                     "mu = mu_c")]


def boundary_steps(c):
    c2 = proved("tf.slice.two_cycle_symmetric")["c2"]
    gap = 4 * (1 + mu) ** 3 / (27 * mu) - c2          # g(a*)^2 - c^2
    return [*_critical_steps(),
            eq(gap.xreplace({mu: c["mu_b"]}), 0, "g(a*)^2 = c^2 at mu_b"),
            eq(gap, (mu - c["mu_b"]) * (2 * mu + 5) ** 2 / (27 * mu),
               "g(a*)^2 - c^2 = (mu - 2)(2mu + 5)^2/(27 mu)"),
            positive((2 * mu + 5) ** 2 / (27 * mu),
                     "(2mu + 5)^2/(27 mu) > 0: |g(a*)| < c iff mu < 2, = c at 2, > c above")]


def chebyshev_steps(c):
    t = sp.Symbol("t")
    return [eq(sp.sin(3 * t), 3 * sp.sin(t) - 4 * sp.sin(t) ** 3, "sin 3t = 3 sin t - 4 sin^3 t"),
            eq(g_expr().xreplace({mu: 2, a: c["scale"] * s}), c["scale"] * (3 * s - 4 * s**3),
               "g(scale s) = scale (3s - 4s^3)")]


def density_steps(c):
    """Invariance of the arcsine measure under g at mu = 2, by its distribution function
    F(a) = 1/2 + asin(a/sqrt2)/pi: for y = sqrt2 sin(theta), |theta| <= pi/2, the preimage of
    [-sqrt2, y] in [-sqrt2, sqrt2] is [a_L, a_M] U [a_R, sqrt2] (g decreasing, increasing,
    decreasing on the three laps), a_X = sqrt2 sin(t_X) with t_M = theta/3,
    t_R = (pi - theta)/3, t_L = (-pi - theta)/3 (each in [-pi/2, pi/2], where
    F(sqrt2 sin t) = 1/2 + t/pi by the definition of asin), and its F-mass equals F(y)."""
    g2 = g_expr().xreplace({mu: 2})
    dg2 = d_da(g_expr()).xreplace({mu: 2})
    t = sp.Symbol("t", real=True)
    cdf = sp.Rational(1, 2) + sp.asin(a / SQRT2) / sp.pi
    F_of = lambda tt: sp.Rational(1, 2) + tt / sp.pi  # noqa: E731  F(sqrt2 sin tt), |tt| <= pi/2
    tM, tR, tL = theta / 3, (sp.pi - theta) / 3, (-sp.pi - theta) / 3
    r2 = 1 / SQRT2
    return [eq(sp.diff(cdf, a), c["pi_rho"] / sp.pi, "F' = rho: F(a) = 1/2 + asin(a/sqrt2)/pi "
               "is the distribution function of the density"),
            eq((cdf.xreplace({a: -SQRT2}), cdf.xreplace({a: SQRT2})), (0, 1),
               "F(-sqrt2) = 0, F(sqrt2) = 1: total mass 1"),
            eq(g2.xreplace({a: SQRT2 * sp.sin(t)}), SQRT2 * sp.sin(3 * t),
               "g(sqrt2 sin t) = sqrt2 sin 3t at mu = 2"),
            eq(tuple(sp.sin(3 * tt) for tt in (tM, tR, tL)), (sp.sin(theta),) * 3,
               "sin 3t = sin theta at t = theta/3, (pi - theta)/3, (-pi - theta)/3: the three "
               "preimages of y"),
            eq(tuple(g2.xreplace({a: p}) for p in (-SQRT2, -r2, r2, SQRT2)),
               (SQRT2, -SQRT2, SQRT2, -SQRT2), "g(-sqrt2, -1/sqrt2, 1/sqrt2, sqrt2) = "
               "(sqrt2, -sqrt2, sqrt2, -sqrt2)"),
            ev.sign_fact(dg2, a, -SQRT2, -r2, "<", statement="g' < 0 on (-sqrt2, -1/sqrt2)"),
            ev.sign_fact(dg2, a, -r2, r2, ">", statement="g' > 0 on (-1/sqrt2, 1/sqrt2)"),
            ev.sign_fact(dg2, a, r2, SQRT2, "<", statement="g' < 0 on (1/sqrt2, sqrt2)"),
            eq(tuple(SQRT2 * sp.sin(tt) for tt in (sp.pi / 6, -sp.pi / 6, sp.pi / 2)),
               (r2, -r2, SQRT2), "the laps in angle: t in [-pi/2, -pi/6], [-pi/6, pi/6], "
               "[pi/6, pi/2] (t_L, t_M, t_R for |theta| <= pi/2)"),
            eq((F_of(tM) - F_of(tL)) + (F_of(sp.pi / 2) - F_of(tR)), F_of(theta),
               "mass of g^-1([-sqrt2, y]) = [F(a_M) - F(a_L)] + [F(sqrt2) - F(a_R)] = F(y)")]
