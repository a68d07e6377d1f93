"""The two-factor catalogue's claims: id, statement (with what it quantifies over), source and
evidence, one declaration each, in the order of the specification (§1-8).

Exact claims are declared with :func:`.exact.register`: the claimed expressions (what the paper
states, corrected where needed) and the steps that prove them from the derived map
(:mod:`.proofs_map`, :mod:`.proofs_slice`, :mod:`.proofs_ellipse`). Dynamical claims are computed
checks (:mod:`.reductions`, :mod:`.cascade`, :mod:`.balanced`, :mod:`.ellipse`,
:mod:`.minibatch`) and come back at most ``verified``. Where the specification was wrong or
imprecise the statement says what is true and :data:`CORRECTIONS` lists the change.
"""

from __future__ import annotations

import functools

import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claim import Claim
from proofs_check.claims.two_factor import (
    balanced,
    cascade,
    ellipse,
    minibatch,
    reductions,
)
from proofs_check.claims.two_factor import proofs_ellipse as pe
from proofs_check.claims.two_factor import proofs_map as pm
from proofs_check.claims.two_factor import proofs_slice as ps
from proofs_check.claims.two_factor.cascade import FEIGENBAUM_DELTA, MU_3, MU_INF
from proofs_check.claims.two_factor.derived import (
    P_,
    R_,
    SQRT2,
    SQRT3,
    SQRT5,
    a,
    b,
    cos_t,
    lam_,
    mu,
    s,
    sin_t,
    u,
    v,
)
from proofs_check.claims.two_factor.exact import ExactSpec, register

__all__ = ["CERTIFIED", "CLAIMS", "CORRECTIONS", "MODEL", "PAPER"]

MODEL = "two-factor"
PAPER = "arXiv 2605.21292"

CLAIMS: list[Claim] = []

#: what the statements quantify over (Claim.forall): every mu > 0, or a range of mu
EVERY_MU = {"mu": "every mu > 0"}


def _mu_in(lo, hi) -> dict:
    return {"mu": (str(lo), str(hi))}


def _add(id_, statement, section, evidence=None, latex="", domain=None, claimed=None,
         forall=None, build=None, mutation_delta=None):
    """Declare a claim of §``section``. ``evidence`` is a piece of evidence (or a list), or an
    :class:`.exact.ExactSpec` (its claimed expressions become the claim's ``claimed`` and the
    argument is rebuilt from them); or give ``claimed={...}`` with ``build(claimed) ->
    [evidence]`` directly."""
    if isinstance(evidence, ExactSpec):
        spec = evidence
        claimed, evidence = spec.claimed(), None
        build = lambda c: [spec.evidence(c)]  # noqa: E731
    if build is None:
        evidence = evidence if isinstance(evidence, list) else [evidence]
    CLAIMS.append(Claim(id=id_, statement=statement, source=f"{PAPER}, §{section}", model=MODEL,
                        evidence=evidence or (), build=build, mutation_delta=mutation_delta,
                        latex=latex, domain=domain or {}, claimed=claimed,
                        forall=forall or {}))


# ---- §1 ---------------------------------------------------------------------------------------
_add("tf.reduction.model_a",
     "Model A (yhat = v x_q^T Gamma h), in every dimension d: the Gamma update is along "
     "x_q h^T, s = x_q^T Gamma h evolves alone with v, and a = v sqrt(kappa/|y_q|), "
     "b = sgn(y_q) s/sqrt(kappa|y_q|) (kappa = |x_q||h|) follow F_mu exactly with "
     "mu = eta |y_q||x_q||h|; yhat/y_q = ab and the loss is (y_q^2/2)(ab-1)^2 (derived "
     "symbolically with sums to a symbolic d and a generic entry Gamma_ij; both signs of y_q)",
     1, register("tf.reduction.model_a", "Model-A reduction", dict, pm.model_a_steps),
     forall={"d": "every d >= 1"})
_add("tf.reduction.map",
     "The derived map is F_mu(a,b) = (a - mu b (ab-1), b - mu a (ab-1)), i.e. GD on "
     "(ab-1)^2/2 with step mu", 1,
     register("tf.reduction.map", "derived map", lambda: {
         "a_image": a - mu * b * (a * b - 1), "b_image": b - mu * a * (a * b - 1)},
         pm.literal_map_steps), forall=EVERY_MU)
_add("tf.reduction.model_b",
     "Model B (yhat = (W_Q x_q).(W_K h), W_Q, W_K in R^{m x d}), for every d and m (derived "
     "with sums to symbolic d and m and generic entries): q = W_Q x_q, k = W_K h follow "
     "q' = q - eta r |x_q|^2 k, "
     "k' = k - eta r |h|^2 q; A = q sqrt(|h|/(|x_q||y_q|)), B = sgn(y_q) k sqrt(|x_q|/(|h||y_q|)) "
     "follow the vector map A' = A - mu(A.B-1)B, B' = B - mu(A.B-1)A, so U = A+B, V = A-B keep "
     "their directions: U' = (1 - mu e)U, V' = (1 + mu e)V, e = (|U|^2-|V|^2)/4 - 1, and "
     "|U'|^2 = (1 - mu e)^2 |U|^2, |V'|^2 = (1 + mu e)^2 |V|^2. Hence "
     "(|U|,|V|) follows u' = u|1 - mu e|, v' = v|1 + mu e|: F_mu in (u,v) up to its sign "
     "symmetries (which F_mu commutes with). No initial alignment is needed (CORRECTED: the spec "
     "said 'the same map in u = |U|, v = |V|' without the absolute values and without sgn(y_q))",
     1, register("tf.reduction.model_b", "Model-B reduction", dict,
               pm.model_b_steps),
     forall={"d": "every d >= 1", "m": "every m >= 1"})
_add("tf.reduction.model_a.numeric",
     "GD on all Model-A parameters (several d, N) agrees with the 2-D map to 1e-12 relative over "
     "120+ steps: in float64 for non-chaotic mu, in high precision for chaotic mu (CORRECTED: "
     "in float64 the discrepancy in the chaotic regime grows like exp(lambda t) * 1e-16 and "
     "reaches O(1) within ~20 steps)", 1,
     ev.computed(reductions.reduction_check("A"), "GD on all Model-A parameters vs F_mu"))
_add("tf.reduction.model_b.numeric",
     "GD on all Model-B parameters (several d, N, m) agrees with (|u|, |v|) of the 2-D map to "
     "1e-12 relative over 120+ steps (float64 for non-chaotic mu, high precision for chaotic mu)",
     1, ev.computed(reductions.reduction_check("B"), "GD on all Model-B parameters vs F_mu"))

# ---- §2 ---------------------------------------------------------------------------------------
_add("tf.basic.uv_form",
     "In u = a+b, v = a-b: u' = u(1 - mu e), v' = v(1 + mu e), e = (u^2-v^2)/4 - 1 = ab - 1", 2,
     register("tf.basic.uv_form", "(u, v) form", lambda: {
         "Ku": 1 - mu * ((u**2 - v**2) / 4 - 1), "Kv": 1 + mu * ((u**2 - v**2) / 4 - 1),
         "e": (u**2 - v**2) / 4 - 1},
         pm.uv_form_steps),
     forall=EVERY_MU)

_add("tf.basic.fixed_points",
     "For every mu > 0 the fixed points are exactly the origin and the hyperbola ab = 1", 2,
     register("tf.basic.fixed_points", "fixed points", lambda: {
         "res_a": -mu * b * (a * b - 1), "res_b": -mu * a * (a * b - 1)}, pm.fixed_point_steps),
     forall=EVERY_MU)
_add("tf.basic.hessian", "Hessian eigenvalues on ab = 1 are 0 and a^2 + b^2", 2,
     register("tf.basic.hessian", "Hessian on ab = 1", lambda: {"eig": a**2 + b**2},
            pm.hessian_steps))
_add("tf.basic.jacobian",
     "Jacobian eigenvalues: 1 and 1 - mu(a^2+b^2) at a minimum; 1+mu and 1-mu at the origin", 2,
     register("tf.basic.jacobian", "Jacobian spectra", lambda: {
         "min": 1 - mu * (a**2 + b**2), "o_plus": 1 + mu, "o_minus": 1 - mu},
         pm.jacobian_steps),
     forall=EVERY_MU)

_add("tf.basic.eos",
     "Edge of stability: for every mu > 0 a minimum attracts (its non-neutral multiplier lies in "
     "(-1, 1)) iff mu (a^2+b^2) < 2", 2,
     register("tf.basic.eos", "edge of stability", lambda: {"threshold": sp.Integer(2)},
            pm.eos_steps), forall=EVERY_MU)
_add("tf.basic.stable_segment",
     "For 0 < mu < 1, on ab = 1: mu(a^2+b^2) < 2 iff |a^2 - b^2| < 2 sqrt(1-mu^2)/mu", 2,
     register("tf.basic.stable_segment", "stable segment", lambda: {
         "bound_sq": 4 * (1 - mu**2) / mu**2},
         pm.stable_segment_steps),
     forall=_mu_in(0, 1))
_add("tf.basic.no_stable_minimum",
     "On ab = 1, a^2 + b^2 >= 2, so for mu > 1 every minimum has multiplier 1 - mu(a^2+b^2) < -1 "
     "(none is linearly stable; at mu = 1 the minimum (1,1) is non-hyperbolic)", 2,
     register("tf.basic.no_stable_minimum", "no stable minimum",
            lambda: {"min_lambda": sp.Integer(2)},
            pm.no_stable_minimum_steps),
     forall=_mu_in(1, "oo"))

# ---- §3 ---------------------------------------------------------------------------------------
for _name, (_X, _K, _stmt) in pm.COFACTORS.items():
    _add(f"tf.invariant.{_name}", f"Darboux polynomial X∘F = K·X with {_stmt}", 3,
         register(f"tf.invariant.{_name}", f"cofactor of {_name}", lambda K=_K: {"K": K},
                  pm.cofactor_steps(_name, _X)), forall=EVERY_MU)

# ---- §4 balanced slice ------------------------------------------------------------------------
_add("tf.slice.map",
     "The lines b = a and b = -a are invariant; on them g(a) = (1+mu)a - mu a^3 (balanced) and "
     "(1-mu)a - mu a^3 (anti-balanced)", 4,
     register("tf.slice.map", "slices", lambda: {
         "g": (1 + mu) * a - mu * a**3, "g_anti": (1 - mu) * a - mu * a**3},
            ps.slice_map_steps),
     forall=EVERY_MU)
_add("tf.slice.fixed_points",
     "g'(0) = 1+mu (a = 0 repels); a = +-1 are fixed with multiplier 1 - 2mu: attracting for "
     "0 < mu < 1, superattracting at mu = 1/2", 4,
     register("tf.slice.fixed_points", "slice fixed points", lambda: {
         "d0": 1 + mu, "d1": 1 - 2 * mu, "mu_super": sp.Rational(1, 2)},
         ps.fixed_points_steps),
     forall=_mu_in(0, 1))

_add("tf.slice.g2",
     "g∘g - id = mu a (a^2-1)(mu a^2 - mu - 2)(mu^2 a^4 - mu(mu+1) a^2 + 1)", 4,
     register("tf.slice.g2", "g∘g - id", lambda: {
         "factored": mu * a * (a**2 - 1) * (mu * a**2 - mu - 2)
         * (mu**2 * a**4 - mu * (mu + 1) * a**2 + 1)}, ps.g2_steps), forall=EVERY_MU)

_add("tf.slice.two_cycle_symmetric",
     "The symmetric 2-cycle +-sqrt(1 + 2/mu) has multiplier (5 + 2mu)^2 > 1: always repelling", 4,
     register("tf.slice.two_cycle_symmetric", "symmetric 2-cycle", lambda: {
         "c2": 1 + 2 / mu, "mult": (5 + 2 * mu) ** 2}, ps.symmetric_cycle_steps),
     forall=_mu_in(0, "oo"))

_add("tf.slice.bounded_set",
     "For 0 < mu <= 2 the bounded set of g is exactly [-c, c], c = sqrt(1 + 2/mu): g maps it into "
     "itself (c^2 - g(a)^2 = (c^2 - a^2)(mu^2 (a^2 - 1/2)^2 + 1 - mu^2/4) >= 0 there) and every "
     "|a| > c diverges since |g(a)|/|a| = 1 + mu(a^2 - c^2) > 1 and increases with |a|", 4,
     register("tf.slice.bounded_set", "bounded set", lambda: {"c2": 1 + 2 / mu},
              ps.bounded_set_steps),
     domain={"mu": (0, 2)}, forall=_mu_in(0, 2))

_add("tf.slice.two_cycle_asymmetric",
     "The asymmetric 2-cycle (roots of the quartic factor of g∘g - id), real exactly for mu > 1 "
     "(born at mu = 1): a1 a2 = 1/mu, a1^2 + a2^2 = 1 + 1/mu, multiplier 9 - 2(1+mu)^2, stable "
     "exactly for 1 < mu < sqrt5 - 1, superstable at mu = 3/sqrt2 - 1", 4,
     register("tf.slice.two_cycle_asymmetric", "asymmetric 2-cycle", lambda: {
         "prod": 1 / mu, "sumsq": 1 + 1 / mu, "mult": 9 - 2 * (1 + mu) ** 2,
         "mu_birth": sp.Integer(1), "mu_end": SQRT5 - 1, "mu_super": 3 / SQRT2 - 1},
         ps.asymmetric_cycle_steps), forall=_mu_in(0, "oo"))
_add("tf.slice.loss_ratio",
     "Along the balanced slice L_{t+1}/L_t = q(s_t)^2 with s = mu a^2, q(s) = s^2 - (2+mu)s + 1", 4,
     register("tf.slice.loss_ratio", "loss ratio", lambda: {"q": s**2 - (2 + mu) * s + 1},
            ps.loss_ratio_steps), forall=EVERY_MU)

_add("tf.slice.loss_monotone",
     "The loss is non-increasing along every bounded balanced orbit iff mu <= 2 sqrt2 - 2 "
     "(bounded orbits have 0 <= s <= 2 + mu, where q <= 1; min q = 1 - (2+mu)^2/4 >= -1 iff "
     "mu <= 2 sqrt2 - 2, attained at a^2 = (2+mu)/(2mu) inside the bounded set)", 4,
     register("tf.slice.loss_monotone", "monotone loss", lambda: {"threshold": 2 * SQRT2 - 2},
            ps.monotone_steps), domain={"mu": (0, 2)}, forall=_mu_in(0, 2))

_add("tf.slice.catapult_window",
     "For 2sqrt2 - 2 < mu <= 2, from a start in the bounded set the loss rises (q(s)^2 > 1, "
     "i.e. q(s) < -1 since q <= 1 there) exactly for a^2 in the open window "
     "((2+mu - sqrt(mu^2+4mu-4))/(2mu), (2+mu + sqrt(mu^2+4mu-4))/(2mu)), which lies inside the "
     "bounded set", 4,
     register("tf.slice.catapult_window", "catapult window", lambda: {
         "lo": (2 + mu - sp.sqrt(mu**2 + 4 * mu - 4)) / (2 * mu),
         "hi": (2 + mu + sp.sqrt(mu**2 + 4 * mu - 4)) / (2 * mu)}, ps.window_steps),
     domain={"mu": (0.83, 2)}, forall=_mu_in(2 * SQRT2 - 2, 2))

_add("tf.slice.catapult_convergence",
     "For 2sqrt2 - 2 < mu < 1, balanced starts in the loss-increase window still converge to "
     "a = +-1 (catapult)", 4, ev.computed(balanced.catapult_convergence, "window starts iterated"),
     domain={"mu": (0.83, 1)})

# mutation_delta 1e-3: a delta moved by 4.7e-3, ~500x the quick tolerance 1e-5
_add("tf.slice.cascade",
     "The balanced slice has the period-doubling cascade 1 -> 2 -> 4 -> ... (its doubling points "
     "to period 128 are certified in tf.slice.doubling_points) whose successive ratios approach "
     "Feigenbaum's delta = 4.6692016...", 4,
     claimed={"delta": FEIGENBAUM_DELTA},
     build=lambda c: [ev.computed(cascade.cascade_check(c["delta"]),
                                  "superstable parameters to period "
                                  "2^kmax and doubling points to period 64 (mpmath, 40 digits)")],
     mutation_delta=1e-3)

#: the doubling points mu_k (the period-2^(k-1) orbit gets multiplier -1) as the catalogue states
#: them: exact for k = 1, 2 (tf.slice.fixed_points, tf.slice.two_cycle_asymmetric), to 15
#: decimals for k = 3..7
DOUBLING_CLAIMED = {"mu_1": sp.Integer(1), "mu_2": SQRT5 - 1,
                    "mu_3": sp.Rational("1.288031754482843"),
                    "mu_4": sp.Rational("1.299227939650204"),
                    "mu_5": sp.Rational("1.301628914037081"),
                    "mu_6": sp.Rational("1.302143271581458"),
                    "mu_7": sp.Rational("1.302253437742129")}
#: a value stated to 15 decimals: half a unit in its last place
TOL_15 = sp.Rational(5, 10**16)
#: the superstable parameters stated to 10 decimals (period 4, period 8, period 3)
SUPERSTABLE_CLAIMED = {"S_2": sp.Rational("1.2629896545"), "S_3": sp.Rational("1.2938433135"),
                       "S_p3": sp.Rational("1.4531555836")}
TOL_10 = sp.Rational(5, 10**11)
#: the claims of the certified constants: claim id -> (kind of bifurcation, period)
CERTIFIED: dict[str, tuple[str, int]] = {}

# mutation_delta 1e-6: a value moved by ~1.3e-6, 10^9 times the tolerance 5e-16 and far inside
# the gap to the next doubling point (>= 1e-4), where the uniqueness box refutes it
for _k in range(1, 8):
    _n = 2 ** (_k - 1)
    _v = DOUBLING_CLAIMED[f"mu_{_k}"]
    _form = ("mu = 1" if _k == 1 else "mu = sqrt5 - 1" if _k == 2 else
             f"mu = {float(_v):.15f} (to 15 decimals)")
    _add(f"tf.slice.doubling_{_k}",
         f"Period doubling {_n} -> {2 * _n} of the balanced slice g (the period-{_n} orbit has "
         f"multiplier -1) at {_form}", 4,
         claimed={"mu": _v}, build=lambda c, k=_k: [
             cascade.certified_doubling(k, c["mu"], None if k <= 2 else TOL_15)],
         mutation_delta=1e-6)
    CERTIFIED[f"tf.slice.doubling_{_k}"] = ("period-doubling", _n)
for _n, _name in ((4, "S_2"), (8, "S_3"), (3, "S_p3")):
    _add(f"tf.slice.superstable_{_n}",
         f"The period-{_n} orbit of the balanced slice passes through the critical point a* "
         f"(superstable) at mu = {float(SUPERSTABLE_CLAIMED[_name]):.10f}"
         " (to 10 decimals)", 4,
         claimed={"mu": SUPERSTABLE_CLAIMED[_name]},
         build=lambda c, n=_n: [cascade.certified_superstable(n, c["mu"], TOL_10)],
         mutation_delta=1e-6)
    CERTIFIED[f"tf.slice.superstable_{_n}"] = ("superstable", _n)

_add("tf.slice.mu_inf",
     f"The cascade accumulates at mu_inf = {MU_INF}... (onset of chaos); the superstable and the "
     "doubling sequences extrapolate to the same value (within the doubling extrapolation's "
     "error scale)", 4,
     claimed={"mu_inf": float(MU_INF)},
     build=lambda c: [ev.computed(cascade.mu_inf_check(c["mu_inf"]),
                                  "Aitken extrapolation of superstable parameters and of "
                                  "doubling points (mpmath)")],
     mutation_delta=1e-6)   # a move of 1.3e-6: 10^4 times the tolerance

# tolerance 1e-10: the spec asks for the window's opening to at least 10 digits; the Newton
# solution is computed at 40 digits
_add("tf.slice.period3",
     f"The period-3 window opens (saddle-node of two pairs of period-3 orbits, +- symmetric) at "
     f"mu_3 = {MU_3}...; no period-3 orbit exists for mu < mu_3; superstable at 1.4531555836...",
     4,
     claimed={"mu_3": float(MU_3)},
     build=lambda c: [ev.computed(cascade.period3_check(c["mu_3"]),
                                  "2-D Newton on (g^3 - id, (g^3)' - 1)")],
     mutation_delta=1e-6)   # a move of 1.5e-6: 10^4 times the tolerance
CERTIFIED["tf.slice.period3_saddle_node"] = ("tangent", 3)
_add("tf.slice.period3_saddle_node",
     f"The balanced slice has a period-3 saddle-node (tangent) bifurcation, where the period-3 "
     f"window opens, at mu_3 = {MU_3} (to 15 decimals)", 4,
     claimed={"mu_3": sp.Rational(MU_3)},
     build=lambda c: [cascade.certified_saddle_node(c["mu_3"], TOL_15)],
     mutation_delta=1e-6)

_add("tf.slice.merging_crisis",
     "Attractor-merging crisis at mu = 3sqrt3/2 - 1: the image of the critical value reaches 0, "
     "g(g(a*)) = 0 with a* = sqrt((1+mu)/(3mu)) the positive critical point, and at no other "
     "mu > 0 (the merging itself is checked numerically: tf.slice.merging_crisis.numeric)", 4,
     register("tf.slice.merging_crisis", "merging crisis", lambda: {"mu_c": 3 * SQRT3 / 2 - 1},
            ps.merging_steps), forall=_mu_in(0, "oo"))

_add("tf.slice.merging_crisis.numeric",
     "Below 3sqrt3/2 - 1 the balanced attractor reached from a > 0 stays in a > 0; above it the "
     "two mirror attractors have merged into one symmetric attractor", 4,
     claimed={"mu_c": 3 * SQRT3 / 2 - 1},
     build=lambda c: [ev.computed(balanced.merging_check(c["mu_c"]),
                                  "orbits on a mu grid either side of the crisis")])

_add("tf.slice.boundary_crisis",
     "Boundary crisis at mu = 2: the critical value g(a*) reaches the repelling symmetric 2-cycle "
     "c = sqrt(1 + 2/mu) there; |g(a*)| < c for mu < 2 and > c for mu > 2", 4,
     register("tf.slice.boundary_crisis", "boundary crisis", lambda: {"mu_b": sp.Integer(2)},
            ps.boundary_steps), forall=_mu_in(0, "oo"))
_add("tf.slice.chebyshev",
     "At mu = 2, g(sqrt2 sin t) = sqrt2 sin 3t (Chebyshev conjugacy)", 4,
     register("tf.slice.chebyshev", "Chebyshev conjugacy", lambda: {"scale": SQRT2},
            ps.chebyshev_steps))

_add("tf.slice.invariant_density",
     "At mu = 2 the density 1/(pi sqrt(2 - a^2)) on [-sqrt2, sqrt2] is an invariant probability "
     "density of g: for y = sqrt2 sin(theta) the preimage of [-sqrt2, y] is [a_L, a_M] U "
     "[a_R, sqrt2], a = sqrt2 sin t with t = (-pi - theta)/3, theta/3, (pi - theta)/3 "
     "(conjugacy with t -> 3t), and its mass equals that of [-sqrt2, y]", 4,
     register("tf.slice.invariant_density", "arcsine density", lambda: {
         "pi_rho": 1 / sp.sqrt(2 - a**2)}, ps.density_steps))

_add("tf.slice.lyapunov_mu2",
     "At mu = 2 the Lyapunov exponent of g for the arcsine density is ln 3", 4,
     claimed={"lyapunov": sp.log(3)},
     build=lambda c: [ev.computed(balanced.lyapunov_mu2_check(c["lyapunov"]),
                                  "mpmath quadrature of log|g'| against the density")])

_add("tf.slice.escape_above_2",
     "For mu > 2 almost every balanced start diverges (random starts in [-c, c] all escape); "
     "the threshold 2 is sharp (just below it the starts stay bounded)", 4,
     claimed={"mu_b": sp.Integer(2)},
     build=lambda c: [ev.computed(balanced.escape_check(c["mu_b"]),
                                  "random starts, divergence label |a| > 1e8 "
                                  "(numerics.escape)")],
     domain={"mu": (2, 2.5)})

# ---- §5 ellipse -------------------------------------------------------------------------------
_add("tf.ellipse.definition",
     "E_mu: mu(a^2+b^2) - mu^2 ab = 4 - mu^2 is H = 0, and H = (4 - mu^2)(R - 1) with "
     "R = mu[(2-mu)(a+b)^2 + (2+mu)(a-b)^2]/(4(4-mu^2))", 5,
     register("tf.ellipse.definition", "ellipse", lambda: {"R": R_},
            pe.definition_steps),
     forall=_mu_in(0, 2))
_add("tf.ellipse.invariance",
     "R∘F - 1 = (R - 1)(1 + mu^2 ab(ab - 1))", 5,
     register("tf.ellipse.invariance", "ellipse identity", lambda: {
         "K": 1 + mu**2 * a * b * (a * b - 1)},
         pe.invariance_steps),
     forall=_mu_in(0, 2))
_add("tf.ellipse.cofactor_bound",
     "1 + mu^2 P(P-1) >= 1 - mu^2/4 > 0 for 0 < mu < 2, so E_mu is invariant and its interior "
     "(bounded, since 2 - mu > 0 and 2 + mu > 0) and exterior are each forward invariant", 5,
     register("tf.ellipse.cofactor_bound", "cofactor bound", lambda: {"lower": 1 - mu**2 / 4},
            pe.cofactor_bound_steps),
     domain={"mu": (0, 2)}, forall=_mu_in(0, 2))

_add("tf.ellipse.angle_map",
     "For 0 < mu < 2, on E_mu, with u = 2 sqrt((2+mu)/mu) cos t, v = 2 sqrt((2-mu)/mu) sin t, "
     "F_mu acts as t -> pi - 3t (checked with cos t, sin t rationally parametrised, and at "
     "t = pi)", 5,
     register("tf.ellipse.angle_map", "angle map", lambda: {
         "cos_image": -(4 * cos_t**3 - 3 * cos_t), "sin_image": 3 * sin_t - 4 * sin_t**3},
         pe.angle_steps),
     domain={"mu": (0, 2)}, forall=_mu_in(0, 2))

_add("tf.ellipse.periodic_points",
     "F^n has |(-3)^n - 1| fixed points on E_mu (counted on the real 2-D map at mu = 1.3 by the "
     "winding of the angle of F^n)", 5,
     ev.computed(ellipse.periodic_point_count, "zero crossings of angle(F^n(p(t))) - t"))

_add("tf.ellipse.transverse_multiplier",
     "For 0 < mu < 2 the transverse multiplier on E_mu (the cofactor of H there, since "
     "d(H∘F) = K dH on H = 0) is 1 + 2mu cos 2t + 4cos^2 2t", 5,
     register("tf.ellipse.transverse_multiplier", "transverse multiplier", lambda: {
         "K_E": 1 + 2 * mu * sp.Symbol("c2t") + 4 * sp.Symbol("c2t") ** 2},
         pe.transverse_steps), domain={"mu": (0, 2)}, forall=_mu_in(0, 2))

_add("tf.ellipse.lyapunov",
     "The transverse Lyapunov exponent of E_mu for the uniform measure dt/2pi (invariant under "
     "t -> pi - 3t) is Lambda(mu) = arccosh((1 + sqrt(25 - 4mu^2))/4)", 5,
     ev.computed(ellipse.ellipse_lyapunov_check,
                 "mpmath quadrature of the mean log multiplier vs the closed form"),
     domain={"mu": (0, 2)})

_add("tf.ellipse.lyapunov_positive",
     "Lambda(mu) > 0 for 0 < mu < 2 (sqrt(25 - 4mu^2) > 3), Lambda -> 0 as mu -> 2, and "
     "Lambda(3/2) = ln 2 exactly (cosh ln 2 = 5/4)", 5,
     register("tf.ellipse.lyapunov_positive", "Lambda > 0", lambda: {
         "exp_at_3_2": sp.Integer(2), "at_2": sp.Integer(0)}, pe.lyapunov_positive_steps),
     domain={"mu": (0, 2)}, forall=_mu_in(0, 2))

_add("tf.ellipse.exterior_escape",
     "For 0 < mu < 2, almost every start outside E_mu diverges and every start inside stays "
     "bounded (CORRECTED: not every outside start diverges: the minimisers ab = 1 with "
     "mu(a^2+b^2) > 4 lie outside E_mu and are fixed, and so are their preimages)", 5,
     ev.computed(ellipse.escape_outside,
                 "random starts outside (incl. a shell 1 < R < 1.01) and inside"),
     domain={"mu": (0, 2)})

# ---- §6 transverse stability ------------------------------------------------------------------
_add("tf.transverse.diagonal",
     "At (a, a) the diagonal is invariant and the transverse multiplier is 1 + mu(a^2 - 1)", 6,
     register("tf.transverse.diagonal", "transverse multiplier on the diagonal", lambda: {
         "m": 1 + mu * (a**2 - 1)},
         pm.diagonal_steps), forall=EVERY_MU)

_add("tf.transverse.cycle_product",
     "For a balanced cycle of any period n avoiding 0, prod(1 + mu(a_i^2 - 1)) = "
     "prod(1 - mu^2 (a_i^2 - 1)^2), because g(a) = a(1 - mu(a^2 - 1)) makes "
     "prod(1 - mu(a_i^2 - 1)) = prod a_{i+1}/a_i = 1 (induction on n)", 6,
     register("tf.transverse.cycle_product", "cycle product", lambda: {
         "factor": 1 - mu**2 * (a**2 - 1) ** 2}, pm.cycle_product_steps),
     forall={"n": "every period n >= 1"})

_add("tf.transverse.two_cycles",
     "Transverse multiplier of the asymmetric 2-cycle: 3 - 2mu (|.| < 1 on its whole stable range "
     "1 < mu < sqrt5 - 1); of the symmetric 2-cycle: 9", 6,
     register("tf.transverse.two_cycles", "2-cycle transverse multipliers", lambda: {
         "asym": 3 - 2 * mu, "sym": sp.Integer(9)}, pm.two_cycle_transverse_steps),
     forall=_mu_in(1, SQRT5 - 1))

_add("tf.transverse.balanced_attractor",
     "For 1 < mu < 2 the transverse Lyapunov exponent of the balanced attractor (orbit mean of "
     "log|1 + mu(a^2 - 1)|) is negative on the whole grid: the balanced attractors are "
     "transversely attracting", 6,
     ev.computed(balanced.balanced_transverse, "orbit averages on a mu grid (float64)"),
     domain={"mu": (1, 2)})

_add("tf.transverse.superstable_cycles",
     "The superstable 4-cycle (mu = 1.2629896545), 8-cycle (mu = 1.2938433135) and period-3 "
     "orbit (mu = 1.4531555836) are transversely attracting: transverse multipliers 0.23247, "
     "0.032242 and -0.18860", 6,
     ev.computed(balanced.superstable_cycles_transverse,
                 "products of 1 + mu(a_i^2 - 1) along the cycles (mpmath)"))

_add("tf.transverse.diagonal_convergence",
     "For 1 < mu < 2, orbits started inside E_mu converge to the diagonal a = b (random starts: "
     "|a - b| < 1e-8 after the horizon)", 6,
     ev.computed(ellipse.diagonal_convergence, "random starts inside E_mu"), domain={"mu": (1, 2)})

# ---- §7 catapult ------------------------------------------------------------------------------
_add("tf.catapult.first_step",
     "e' = (1 - mu lambda + mu^2 P(P-1)) e, so the first-step loss ratio is "
     "(1 - mu lambda0 + mu^2 P0(P0-1))^2; with P0 = 0 (a start on an axis) K = 1 - mu lambda0 "
     "<= 1, so the loss rises iff K < -1 iff mu lambda0 > 2", 7,
     register("tf.catapult.first_step", "first step", lambda: {
         "K": 1 - mu * lam_ + mu**2 * P_ * (P_ - 1)},
         pm.first_step_steps),
     forall=EVERY_MU)

_add("tf.catapult.window",
     "For 0 < mu < 2, starts with P0 = 0 lie inside E_mu iff mu lambda0 < 4 - mu^2 (bounded, by "
     "tf.ellipse.cofactor_bound); the catapult window is 2 < mu lambda0 < 4 - mu^2, non-empty iff "
     "mu < sqrt2; its upper end tends to 4 as mu -> 0 (the known 2 < eta lambda0 < 4 of the "
     "wide-network limit)", 7,
     register("tf.catapult.window", "catapult window", lambda: {
         "upper": 4 - mu**2, "lower": sp.Integer(2)}, pm.catapult_window_steps),
     forall=_mu_in(0, 2))

_add("tf.catapult.convergence",
     "For 0 < mu < 1, starts (a0, 0) in the catapult window 2 < mu a0^2 < 4 - mu^2 raise the loss "
     "at the first step and then converge to a minimum (|ab - 1| -> 0)", 7,
     ev.computed(ellipse.axis_catapult_convergence, "window starts iterated"),
     domain={"mu": (0, 1)})

_add("tf.catapult.none_above_1",
     "For mu > 1 catapult convergence is impossible for almost every start: every minimum has "
     "|1 - mu lambda| >= 2mu - 1 > 1, so ab = 1 is normally repelling (e' = K e with K -> "
     "1 - mu lambda at a minimum) and only orbits that land exactly on it converge; these form a "
     "null set, since det DF is not identically 0 (CORRECTED: 'impossible' holds up to this "
     "measure-zero set)", 7,
     register("tf.catapult.none_above_1", "no catapult above 1",
            lambda: {"min_lambda": sp.Integer(2)},
            pm.none_above_1_steps), forall=_mu_in(1, "oo"))

# ---- §8 mini-batch ----------------------------------------------------------------------------

_add("tf.minibatch.h_moment",
     "For Gaussian x ~ N(0, I_d), y = w.x and N context pairs: E|h|^2 = |w|^2 (1 + (d+1)/N)", 8,
     claimed={"moment": minibatch.H2_MOMENT},
     build=lambda c: [ev.computed(functools.partial(minibatch.h_moment, claimed=c["moment"]),
                                  "seeded Monte Carlo with 95% confidence intervals")])

_add("tf.minibatch.mu_distribution",
     "With one prompt per step mu_t = eta|y_q||x_q||h| is random; for Gaussian data (|w| = 1) "
     "E[mu_t^2] = eta^2 (d+2)(1 + (d+1)/N) (query and context independent); the report gives "
     "quantiles of mu_t and the fraction of prompts in each phase", 8,
     claimed={"moment": minibatch.MU2_MOMENT},
     build=lambda c: [ev.computed(functools.partial(minibatch.mu_moment, claimed=c["moment"]),
                                  "seeded Monte Carlo of mu_t")])

_add("tf.minibatch.per_step",
     "With one prompt per step, each step is F_{mu_t} in the normalised coordinates of that "
     "step's prompt (CORRECTED/clarified: the coordinates (a, b) depend on the prompt, so "
     "successive steps do not chain into one orbit of random F_mu's)", 8,
     ev.computed(minibatch.per_step, "GD on Model A with a fresh prompt each step"))

#: Corrections to shared/spec/two_factor.md, as (section, old, new, how established)
CORRECTIONS = [
    ("§1 Model B", "reduces to the same map in u = |U|, v = |V| with U, V = (qhat +- khat) "
     "sqrt(kappa/|y_q|)",
     "(|U|, |V|) follows u' = u|1 - mu e|, v' = v|1 + mu e|: F_mu in (u, v) up to the sign "
     "symmetries (u, v) -> (+-u, +-v), which F_mu commutes with; khat must carry sgn(y_q) "
     "(qhat = W_Q x_q/|x_q|, khat = sgn(y_q) W_K h/|h|); no initial alignment is needed",
     "derive_model_b: exact identities U' = (1 - mu e)U, V' = (1 + mu e)V; numeric parity"),
    ("§1 numerics", "trajectories agree to ~1e-12 relative over 100+ steps",
     "true in float64 only for non-chaotic mu; for chaotic mu float64 drift grows like "
     "exp(lambda t) 1e-16 (O(1) within ~20 steps at mu = 1.5-1.9); in 80-digit arithmetic the "
     "agreement is < 1e-12 over 120-200 steps", "reduction_error in float64 and mpmath"),
    ("§5 escape", "starts outside E_mu diverge",
     "almost every start outside E_mu diverges; the minimisers ab = 1 with mu(a^2+b^2) > 4 "
     "(H = mu lambda - 4 > 0 there) lie outside E_mu and are fixed", "H on ab = 1; random starts"),
    ("§7", "for mu > 1 catapult convergence is impossible",
     "impossible except for the measure-zero set of starts landing exactly on ab = 1", "exact"),
    ("§8", "each step is F_{mu_t}",
     "each step is F_{mu_t} in the coordinates of that step's prompt; coordinates change between "
     "prompts", "per-step numeric check; coordinate jumps reported"),
]
