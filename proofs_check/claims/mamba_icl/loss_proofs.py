"""Exact arguments for section 3: gate sums, ``rho``, the population loss for every ``d, d_h, N``
(symbolic Gaussian moments and induction on ``N``) and the nuisance parameters' invariance.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from proofs_check import evidence as ev
from theory.models import mamba_icl as mi

from .constants import _model
from .formulas import _T_RHO, _TAU, C_DISC
from .identities import _nc, _nc_identity


def _gate_sums_steps(c):
    """Induction on N for each discretisation (the weights at N are ``c a^j``, ``j = 1..N``, so
    adding a token adds ``c a^(N+1)`` to s1 and its square to s2), and N = 1..5 explicitly,
    against the claimed closed forms ``s1_<disc>``, ``s2_<disc>`` (in ``a, Delta, N``)."""
    N = mi.n
    out = []

    def sums(disc, n):
        return [c[f"s1_{disc}"].xreplace({N: n}), c[f"s2_{disc}"].xreplace({N: n})]

    for disc in mi.DISCRETISATIONS:
        cd = C_DISC[disc]
        g1 = mi.gate_weights(1, disc)
        base = ev.identity(sums(disc, 1), [sum(g1), sum(x**2 for x in g1)],
                           description=f"{disc}: N = 1")
        S1, S2 = sums(disc, N)
        T1, T2 = sums(disc, N + 1)
        step = ev.identity([T1 - S1, T2 - S2], [cd * mi.a ** (N + 1), cd**2 * mi.a ** (2 * N + 2)],
                           description=f"{disc}: s(N+1) - s(N) = newest weight c a^(N+1) "
                                       "(squared for s2)")
        out.append(ev.induction(base, step, var="N", start=1,
                                description=f"closed forms of s1, s2 ({disc}) for every N"))
    lhs, rhs = [], []
    for disc in mi.DISCRETISATIONS:
        for n in range(1, 6):
            g = mi.gate_weights(n, disc)
            lhs += [sum(g), sum(x**2 for x in g)]
            rhs += sums(disc, n)
    out.append(ev.identity(lhs, rhs, description="explicit sums, N = 1..5"))
    return out


def _b_s1_ln2(c):
    N = mi.n
    a = 2 ** (-sp.Integer(1) / N)
    S1, _ = mi.gate_sums("zoh")
    return [a**N, S1.xreplace({mi.a: a})], [c["a_pow_N"], c["s1"].xreplace({mi.a: a})]


def _b_rho(c):
    """rho = s2/s1^2 for ZOH and Euler and the claimed ``rho`` in ``t = exp(-kappa/(2N))`` (so
    ``a = t^2``, ``Delta = -2 log t``, ``kappa = -2 N log t``; a bijection of kappa > 0 onto
    0 < t < 1 for each N): an identity in ``t`` and ``N`` (exponentials of ``N log t`` are the
    powers ``t^N``)."""
    t, N = _T_RHO, mi.n

    def rho(disc):
        S1, S2 = mi.gate_sums(disc)
        return (S2 / S1**2).xreplace({mi.a: t**2, mi.delta: -2 * sp.log(t)})

    claimed = sp.powsimp(sp.sympify(c["rho"]).xreplace({mi.kappa: -2 * N * sp.log(t)})
                         .rewrite(sp.exp), force=True)
    return [rho("zoh"), rho("euler")], [claimed, claimed]


def _t_in_unit(point) -> bool:
    """Witness filter: ``t = exp(-kappa/(2N))`` lies in (0, 1)."""
    v = point.get(_T_RHO)
    return v is None or 0 < v < 1


_POP_K = (1, 2, 3, 4)  # explicit coordinates; k = min(d, 4) covers every entry of the loss


@cache
def _reduced_moments(k: int):
    return mi.reduced_loss_moments(k, 2)


def _pop_formula(R, S1, S2, coeffs):
    """The population-loss formula with the claimed ``coeffs`` (expressions in ``d, s1, s2,
    sigma, tau``) at gate sums ``S1, S2``."""
    sub = {mi.s1: S1, mi.s2: S2, mi.dim: R["d"]}
    A, K2_, KB_ = (sp.sympify(coeffs[k]).xreplace(sub) for k in ("alpha", "k2", "kB"))
    qv = 2 * sp.sympify(coeffs["query_noise"]).xreplace({_TAU: R["tau"]})
    return mi.reduced_population_loss(R, R["d"], A=A, K2=K2_, KB=KB_, S1=S1, query_var=qv)


def _d_at_least(k: int):
    """Witness filter: a counterexample must have an integer ``d >= k`` (where the k-coordinate
    computation is the loss)."""
    def ok(point):
        v = point.get(mi.dim)
        return v is None or (v.is_integer and v >= k)
    return ok


def _pop_base(k, coeffs):
    L, R = _reduced_moments(k)
    g1, g2 = R["g"]
    return ev.identity(L.xreplace({g2: 0}), _pop_formula(R, g1, g1**2, coeffs),
                       point_filter=_d_at_least(k),
                       description=f"N = 1, k = {k} explicit coordinates, every d >= {k}")


def _pop_step(k, coeffs):
    L, R = _reduced_moments(k)
    g1, g2 = R["g"]
    zero = {g1: 0, g2: 0}
    c0 = L.xreplace(zero)
    c1 = sp.diff(L, g1).xreplace(zero)
    cs = sp.diff(L, g1, 2).xreplace(zero) / 2
    cd = sp.diff(L, g1, g2).xreplace(zero)
    S1, S2 = sp.symbols("s1_N s2_N", positive=True)
    g = sp.Symbol("g_new", positive=True)
    F0 = _pop_formula(R, S1, S2, coeffs)
    F1 = _pop_formula(R, S1 + g, S2 + g**2, coeffs)
    return ev.argument([
        ev.identity(L, c0 + c1 * (g1 + g2) + cs * (g1**2 + g2**2) + cd * g1 * g2,
                    description=f"k = {k}: two tokens enter through c1 (g1 + g2), c_same "
                                "(g1^2 + g2^2) and c_pair g1 g2 (exchangeable tokens)"),
        ev.identity(F1 - F0, c1 * g + cs * g**2 + cd * g * S1, point_filter=_d_at_least(k),
                    description=f"k = {k}: L_(N+1) - L_N = c1 g + c_same g^2 + c_pair g s1_N "
                                "equals F(s1_N + g, s2_N + g^2) - F(s1_N, s2_N)"),
    ], f"induction step, k = {k}")


def _b_population(coeffs) -> ev.Argument:
    """The population-loss proof for every d, d_h, N and gate weights with the claimed constants
    ``coeffs = {alpha, k2, kB, query_noise}`` (a wrong one is refuted at an integer d)."""
    def steps():
        xqt, Qt, bCt, P, v, bB, x = _nc("x_q^T Q^T b_C^T P v b_B x_i")
        g, y = sp.symbols("g_i y_i", real=True)
        n = sp.Symbol("n", nonnegative=True, integer=True)
        reduced = (xqt * ((Qt * P) * x * g * y + (Qt * v) * g * y**2 + (Qt * bB) * g * y)
                   + (bCt * P) * x * g * y + (bCt * v) * g * y**2 + (bCt * bB) * g * y)
        return [
            _nc_identity((xqt * Qt + bCt) * (g * y * (P * x + v * y + bB)), reduced,
                         "token i of yhat through M = Q^T P, u = Q^T v, beta = Q^T b_B, "
                         "p = P^T b_C, t1 = b_C^T v, t2 = b_C^T b_B (free algebra: every d_h)",
                         sizes=("d_h",)),
            ev.identity([3 * n + n * (n - 1)], [mi._chi2_moment(n, 2)],
                        description="E r^2 = 3n + n(n-1) = n(n+2) for r = |w_R|^2 ~ chi^2(n) "
                                    "(E r = n): the moments used for the d - k hidden coordinates"),
            ev.induction(
                ev.argument([_pop_base(k, coeffs) for k in _POP_K], "N = 1 for every d"),
                ev.argument([_pop_step(k, coeffs) for k in _POP_K],
                            "step N -> N + 1 for every d"),
                var="N", start=1, description="population loss for every N"),
        ]
    return ev.argument(steps, "population loss: free-algebra reduction to (M, u, beta, p, t1, "
                              "t2); the loss is quadratic in them, each coefficient involves at "
                              "most 4 input coordinates and coordinates are exchangeable, so exact "
                              "Gaussian moments with k = min(d, 4) explicit coordinates (the "
                              "other d - k through chi^2(d - k)) cover every d; induction on N "
                              "(tokens enter in pairs)")


def _nuisance_gradient_step(c) -> ev.Identity:
    """``d/dz_a (k/2)(f_a z_a + rest)^2 = k f_a (f_a z_a + rest)``, zero at ``z = 0`` (``rest`` is
    linear in the other entries of ``z``): the gradient of each square of a linear form in z."""
    za, fa, rest, k = sp.symbols("z_a f_a rest k", real=True)
    term = k / 2 * (fa * za + rest) ** 2
    return ev.identity([sp.diff(term, za), sp.diff(term, za).subs({za: 0, rest: 0})],
                       [k * fa * (fa * za + rest), c["gradient"]],
                       description="gradient of a square of a linear form in z vanishes at z = 0")


def _b_nuisance_invariant(c):
    M = _model(2, 3)
    L, S = M.loss, M.S
    lhs = []
    for part in ("v", "b_B", "b_C"):
        zero = {s: 0 for s in S[part]}
        lhs += [sp.diff(L, s).xreplace(zero) for s in S[part]]
    lhs += [sp.diff(L, s) for s in S["c"]]
    return lhs, [c["gradient"]] * len(lhs)
