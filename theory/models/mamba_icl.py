"""A reduced Mamba (S6) layer trained on in-context linear regression (arXiv 2509.23779).

Everything here is derived exactly with SymPy from the model of ``shared/spec/mamba_icl.md``:

1. **Forward pass.** One S6 layer with ``A = -I``, ``Delta = kappa/N``, ``B_l = W_B e_l + b_B``,
   ``C_l = W_C e_l + b_C`` on tokens ``e_l = (x_l, y_l)`` and the query ``(x_q, 0)``. Unrolling the
   y-channel recurrence ``h_l = a h_{l-1} + c B_l y_l`` (``a = exp(-Delta)``; ``c = 1 - a`` for
   zero-order hold, ``c = Delta`` for Euler) gives, with ``W_B = [P | v]``, ``W_C = [Q | c_W]``
   and gate weights ``g_i = c a^(N+1-i)``,

       yhat = (Q x_q + b_C)^T sum_i g_i y_i (P x_i + v y_i + b_B)

   (:func:`recurrence_prediction` runs the recurrence symbolically; :func:`closed_form_prediction`
   is the right-hand side). ``c_W`` multiplies the query's y-entry, which is 0: it never matters.
2. **Gate sums.** ``s1 = sum g_i``, ``s2 = sum g_i^2`` in closed form and their limits
   (:func:`gate_sums`, :func:`gate_limits`); ``rho = s2/s1^2`` is the same for ZOH and Euler and
   ``N rho = N tanh(kappa/(2N)) coth(kappa/2)`` (:func:`n_rho_closed_form`).
3. **Population loss.** Gaussian prompts ``w, x_i, x_q ~ N(0, I_d)``, ``y_i = w.x_i + sigma eps_i``.
   :func:`gaussian_expectation` applies Isserlis' theorem monomial by monomial;
   :func:`population_loss_moments` uses it on the literal prediction (small ``d, N``, arbitrary gate
   weights) and :func:`population_loss` is the general formula

       L = 1/2 [alpha |Gamma|^2 - 2 s1 tr Gamma + d]
         + 1/2 [k2 (|Q^T v|^2 + (b_C^T v)^2) + kB (|Q^T b_B|^2 + (b_C^T b_B)^2) + alpha |P^T b_C|^2]
         (+ sigma^2/2 when the query label is noisy),

   ``Gamma = Q^T P``, ``alpha = s1^2 + (d+1+sigma^2) s2``,
   ``k2 = ((d+sigma^2)^2 + 2d)(s1^2 + 2 s2)``, ``kB = (d+sigma^2) s2`` (:func:`loss_coefficients`).
4. **Dynamics.** :class:`MambaICL` (built by :func:`model`) derives the GD map on the trained
   parameters with :func:`theory.gd_map`, its normalisation to the two-factor matrix map
   (``mu = eta s1``, ``Ptilde = P sqrt(alpha/s1)``), the balanced slice, the minimiser
   ``gamma* = s1/alpha``, ``L*`` and the gradient-flow solution.
5. **Constants.** :func:`constants` evaluates everything for given ``(d, N, kappa, discretisation,
   sigma)``, including the linear-attention optimum ``L*_TF`` and the step-size limits.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from theory.gd import gd_map
from theory.maps import SymbolicMap

__all__ = [
    "DISCRETISATIONS",
    "MambaICL",
    "a",
    "alpha",
    "closed_form_prediction",
    "constants",
    "delta",
    "dim",
    "discretise",
    "error_map",
    "eta",
    "gamma",
    "gate_limits",
    "gate_sums",
    "gate_weights",
    "gaussian_expectation",
    "k2",
    "kB",
    "kappa",
    "logistic_solution",
    "loss_coefficients",
    "loss_in_invariants",
    "model",
    "n",
    "n_rho_closed_form",
    "optimal_loss",
    "population_loss",
    "population_loss_moments",
    "readout_prediction",
    "readout_recursion",
    "readout_step",
    "recurrence_prediction",
    "recurrence_states",
    "reduced_loss_moments",
    "reduced_parameters",
    "reduced_population_loss",
    "s1",
    "s2",
    "sigma",
]

DISCRETISATIONS = ("zoh", "euler")

#: decay ``a = exp(-Delta)`` of the state per token
a = sp.Symbol("a", positive=True)
#: step ``Delta = kappa / N`` of the discretisation
delta = sp.Symbol("Delta", positive=True)
kappa = sp.Symbol("kappa", positive=True)
#: context length
n = sp.Symbol("N", positive=True, integer=True)
eta = sp.Symbol("eta", positive=True)
s1, s2 = sp.symbols("s1 s2", positive=True)
alpha = sp.Symbol("alpha", positive=True)
k2 = sp.Symbol("k2", positive=True)
kB = sp.Symbol("k_B", positive=True)
sigma = sp.Symbol("sigma", nonnegative=True)
gamma = sp.Symbol("gamma", positive=True)
#: the input dimension ``d`` as a symbol (formulas stated for every ``d``)
dim = sp.Symbol("d", positive=True, integer=True)
_t = sp.Symbol("t", nonnegative=True)


def _check_disc(discretisation: str) -> None:
    if discretisation not in DISCRETISATIONS:
        raise ValueError(f"discretisation {discretisation!r} is not one of 'zoh', 'euler'")


def _check_size(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return value


# -- discretisation and gates ---------------------------------------------------------------------
def discretise(discretisation: str = "zoh") -> tuple[sp.Expr, sp.Expr]:
    """``(Abar, c)`` with ``Bbar = c B`` for ``A = -1`` and step ``Delta``, in terms of ``Delta``.

    ZOH is ``Abar = exp(Delta A)``, ``Bbar = (Delta A)^{-1} (exp(Delta A) - 1) Delta B``; Euler is
    ``Bbar = Delta B``. The decay ``a`` used elsewhere is ``Abar``.

    Examples
    --------
    >>> discretise("zoh")
    (exp(-Delta), 1 - exp(-Delta))
    >>> discretise("euler")
    (exp(-Delta), Delta)
    """
    _check_disc(discretisation)
    A = -1
    abar = sp.exp(delta * A)
    if discretisation == "euler":
        return abar, delta
    return abar, sp.simplify((delta * A) ** -1 * (sp.exp(delta * A) - 1) * delta)


def _input_factor(discretisation: str) -> sp.Expr:
    """``c`` in terms of the symbols ``a`` and ``Delta``."""
    return 1 - a if discretisation == "zoh" else delta


def gate_weights(N: int, discretisation: str = "zoh") -> tuple[sp.Expr, ...]:
    """The gate weights ``g_i = c a^(N+1-i)``, ``i = 1..N``, in the symbols ``a`` and ``Delta``.

    Examples
    --------
    >>> gate_weights(3)
    (a**3*(1 - a), a**2*(1 - a), a*(1 - a))
    >>> gate_weights(2, "euler")
    (Delta*a**2, Delta*a)
    """
    _check_size("N", N)
    _check_disc(discretisation)
    c = _input_factor(discretisation)
    return tuple(c * a ** (N + 1 - i) for i in range(1, N + 1))


def gate_sums(discretisation: str = "zoh", N=n, *, in_kappa: bool = False):
    """Closed forms ``(s1, s2)`` of ``sum g_i`` and ``sum g_i^2`` (geometric sums).

    ZOH: ``s1 = a (1 - a^N)``, ``s2 = (1-a) a^2 (1 - a^(2N)) / (1 + a)``;
    Euler: ``s1 = Delta a (1-a^N)/(1-a)``, ``s2 = Delta^2 a^2 (1-a^(2N))/(1-a^2)``.
    With ``in_kappa=True`` the symbols are replaced by ``a = exp(-kappa/N)``, ``Delta = kappa/N``.

    Examples
    --------
    >>> gate_sums("zoh")
    (a*(1 - a**N), a**2*(1 - a)*(1 - a**(2*N))/(a + 1))
    >>> s1_ln2 = gate_sums("zoh", in_kappa=True)[0].subs(kappa, sp.log(2))
    >>> sp.simplify(s1_ln2 - sp.exp(-sp.log(2)/n)/2)
    0
    """
    _check_disc(discretisation)
    if discretisation == "zoh":
        out = (a * (1 - a**N), (1 - a) * a**2 * (1 - a ** (2 * N)) / (1 + a))
    else:
        out = (delta * a * (1 - a**N) / (1 - a),
               delta**2 * a**2 * (1 - a ** (2 * N)) / (1 - a**2))
    if in_kappa:
        sub = {a: sp.exp(-kappa / N), delta: kappa / N}
        out = tuple(sp.powsimp(e.subs(sub), force=True) for e in out)
    return out


def gate_limits(discretisation: str = "zoh") -> dict[str, sp.Expr]:
    """Limits as ``N -> oo`` at fixed ``kappa``: ``s1``, ``N s2``, and ``N rho = N s2 / s1^2``.

    Examples
    --------
    >>> lim = gate_limits("zoh")
    >>> lim["s1"]
    1 - exp(-kappa)
    >>> sp.simplify((lim["n_rho"] - kappa/2*sp.coth(kappa/2)).rewrite(sp.exp))
    0
    """
    S1, S2 = gate_sums(discretisation, in_kappa=True)
    return {"s1": sp.limit(S1, n, sp.oo), "n_s2": sp.limit(n * S2, n, sp.oo),
            "n_rho": sp.limit(n * S2 / S1**2, n, sp.oo)}


def n_rho_closed_form(N=n, k=kappa) -> sp.Expr:
    """``N rho = N s2 / s1^2 = N tanh(kappa/(2N)) coth(kappa/2)`` (ZOH and Euler alike).

    Since ``tanh x < x`` it increases to ``(kappa/2) coth(kappa/2)``; at ``kappa = ln 2`` that is
    ``3 ln 2 / 2 = 1.03972...``.

    Examples
    --------
    >>> n_rho_closed_form(1, sp.log(2))
    tanh(log(2)/2)*coth(log(2)/2)
    >>> round(float(n_rho_closed_form(10**6, sp.log(2))), 12)
    1.03972077084
    """
    return N * sp.tanh(k / (2 * N)) * sp.coth(k / 2)


# -- the prediction -------------------------------------------------------------------------------
def _param_matrices(d: int, d_h: int, prefix: str = "") -> dict[str, sp.Matrix]:
    def mat(name, rows, cols):
        return sp.Matrix(rows, cols, lambda j, k: sp.Symbol(f"{prefix}{name}_{j}{k}", real=True))

    def vec(name, rows):
        return sp.Matrix(rows, 1, lambda j, _k: sp.Symbol(f"{prefix}{name}_{j}", real=True))

    return {"P": mat("P", d_h, d), "Q": mat("Q", d_h, d), "v": vec("v", d_h),
            "c": vec("c", d_h), "b_B": vec("bB", d_h), "b_C": vec("bC", d_h)}


def _data_symbols(d: int, N: int) -> dict:
    xs = [sp.Matrix(d, 1, lambda k, _j, i=i: sp.Symbol(f"x_{i}{k}", real=True))
          for i in range(1, N + 1)]
    ys = [sp.Symbol(f"y_{i}", real=True) for i in range(1, N + 1)]
    xq = sp.Matrix(d, 1, lambda k, _j: sp.Symbol(f"xq_{k}", real=True))
    return {"x": xs, "y": ys, "x_q": xq}


def recurrence_prediction(d: int, d_h: int, N: int, discretisation: str = "zoh"):
    """Run the literal y-channel S6 recurrence symbolically and return ``(yhat, symbols)``.

    ``symbols`` holds the parameter matrices (``P, Q, v, c, b_B, b_C``) and the data (``x, y,
    x_q``); ``yhat = C_{N+1}^T h_{N+1}`` in the symbols ``a`` (decay) and ``Delta``.

    Examples
    --------
    >>> yhat, S = recurrence_prediction(1, 1, 1)
    >>> sp.factor(yhat)
    -a*y_1*(a - 1)*(Q_00*xq_0 + bC_0)*(P_00*x_10 + bB_0 + v_0*y_1)
    """
    states, S = recurrence_states(d, d_h, N, discretisation)
    W_C = S["Q"].row_join(S["c"])
    C = W_C * S["x_q"].col_join(sp.Matrix([0])) + S["b_C"]
    return sp.expand((C.T * states[-1])[0, 0]), S


def recurrence_states(d: int, d_h: int, N: int, discretisation: str = "zoh"):
    """The y-channel states ``h_0 = 0, h_1, ..., h_{N+1}`` of the literal recurrence, symbolic.

    Returns ``(states, symbols)`` (see :func:`recurrence_prediction`).

    Examples
    --------
    >>> h, S = recurrence_states(1, 1, 1)
    >>> len(h), h[1]
    (3, Matrix([[y_1*(1 - a)*(P_00*x_10 + bB_0 + v_0*y_1)]]))
    """
    _check_size("d", d), _check_size("d_h", d_h), _check_size("N", N)
    _check_disc(discretisation)
    S = {**_param_matrices(d, d_h), **_data_symbols(d, N)}
    c = _input_factor(discretisation)
    W_B = S["P"].row_join(S["v"])
    tokens = [S["x"][i].col_join(sp.Matrix([S["y"][i]])) for i in range(N)]
    tokens.append(S["x_q"].col_join(sp.Matrix([0])))
    states = [sp.zeros(d_h, 1)]
    for e in tokens:
        B = W_B * e + S["b_B"]
        states.append(a * states[-1] + c * B * e[d])
    return states, S


def closed_form_prediction(S: dict, weights: Sequence[sp.Expr]) -> tuple[sp.Expr, sp.Expr]:
    """``(main, nuisance)`` of ``yhat`` for symbols ``S`` (from :func:`recurrence_prediction`).

    ``main = x_q^T Q^T P sum_i g_i y_i x_i``; ``nuisance`` collects the five terms in ``v, b_B,
    b_C`` (zero when those are zero).

    Examples
    --------
    >>> _, S = recurrence_prediction(1, 1, 1)
    >>> main, nuis = closed_form_prediction(S, gate_weights(1))
    >>> main
    P_00*Q_00*a*x_10*xq_0*y_1*(1 - a)
    """
    P, Q, v, bB, bC, xq = S["P"], S["Q"], S["v"], S["b_B"], S["b_C"], S["x_q"]
    if len(weights) != len(S["y"]):
        raise ValueError(f"{len(weights)} gate weights for {len(S['y'])} context tokens")
    h = sp.zeros(P.shape[1], 1)
    syy = syy1 = 0
    for g, x, y in zip(weights, S["x"], S["y"], strict=True):
        h += g * y * x
        syy += g * y**2
        syy1 += g * y
    main = (xq.T * Q.T * P * h)[0, 0]
    nuis = ((xq.T * Q.T * v)[0, 0] * syy + (xq.T * Q.T * bB)[0, 0] * syy1
            + (bC.T * P * h)[0, 0] + (bC.T * v)[0, 0] * syy + (bC.T * bB)[0, 0] * syy1)
    return main, nuis


def readout_recursion(S: dict, discretisation: str = "zoh") -> list[sp.Matrix]:
    """The readout ``w_l = a w_{l-1} + c Gamma y_l x_l`` (``w_0 = 0``), ``l = 0..N``.

    With zero nuisance parameters ``yhat = x_q^T a w_N`` (compare :func:`recurrence_prediction`).

    Examples
    --------
    >>> _, S = recurrence_prediction(1, 1, 2)
    >>> readout_recursion(S)[1]
    Matrix([[P_00*Q_00*x_10*y_1*(1 - a)]])
    """
    _check_disc(discretisation)
    c = _input_factor(discretisation)
    G = S["Q"].T * S["P"]
    w = [sp.zeros(G.shape[0], 1)]
    for x, y in zip(S["x"], S["y"], strict=True):
        w.append(readout_step(w[-1], G * x, y, c))
    return w


# -- Gaussian moments and the population loss ----------------------------------------------------
def _double_factorial_moment(k: int) -> int:
    return 0 if k % 2 else math.prod(range(k - 1, 0, -2))


def gaussian_expectation(expr: sp.Expr, gens: Sequence[sp.Symbol]) -> sp.Expr:
    """``E[expr]`` for independent standard normal ``gens`` (Isserlis: ``E z^k = (k-1)!!``).

    ``expr`` must be a polynomial in ``gens``; other symbols are treated as constants.

    Examples
    --------
    >>> x, y, c = sp.symbols("x y c")
    >>> gaussian_expectation((c*x + y)**4, [x, y])
    3*c**4 + 6*c**2 + 3
    """
    poly = sp.Poly(sp.expand(expr), *gens)
    total = 0
    for monom, coeff in poly.terms():
        m = math.prod(_double_factorial_moment(k) for k in monom)
        if m:
            total += m * coeff
    return sp.expand(total)


def _second_moment(err: sp.Expr, gens: Sequence[sp.Symbol]) -> sp.Expr:
    """``E[err^2]`` without expanding the square: pair the monomials of ``err``."""
    terms = sp.Poly(sp.expand(err), *gens).terms()
    grouped: dict[int, list] = defaultdict(list)
    for (m1, c1), (m2, c2) in itertools.product(terms, repeat=2):
        m = math.prod(_double_factorial_moment(p + q) for p, q in zip(m1, m2, strict=True))
        if m:
            grouped[m].append(c1 * c2)
    return sp.expand(sum(m * sp.Add(*cs) for m, cs in grouped.items()))


def population_loss_moments(d: int, d_h: int, N: int, *, noise: bool = True,
                            query_noise: bool = False):
    """Exact ``E (yhat - y_q)^2 / 2`` over Gaussian prompts, from the literal prediction.

    Gate weights are free symbols ``g_1..g_N`` (so the result holds for every weighting, ZOH and
    Euler included); ``noise=True`` adds label noise ``sigma eps_i``. Returns ``(loss, S)`` with
    ``S`` the parameter matrices and ``S["g"]`` the weights.

    Examples
    --------
    >>> L, S = population_loss_moments(1, 1, 1, noise=False)
    >>> sp.factor(L.subs({S["v"][0]: 0, S["b_B"][0]: 0, S["b_C"][0]: 0}))
    (3*P_00**2*Q_00**2*g_1**2 - 2*P_00*Q_00*g_1 + 1)/2
    """
    _check_size("d", d), _check_size("d_h", d_h), _check_size("N", N)
    S = _param_matrices(d, d_h)
    g = sp.symbols(f"g_1:{N + 1}", positive=True)
    w = [sp.Symbol(f"w_{k}", real=True) for k in range(d)]
    xs = [[sp.Symbol(f"x_{i}{k}", real=True) for k in range(d)] for i in range(1, N + 1)]
    xq = [sp.Symbol(f"xq_{k}", real=True) for k in range(d)]
    zs = [sp.Symbol(f"z_{i}", real=True) for i in range(1, N + 2)]
    noise_scale = sigma if noise else 0
    ys = [sum(wk * xk for wk, xk in zip(w, x, strict=True)) + noise_scale * z
          for x, z in zip(xs, zs, strict=False)]
    data = {"x": [sp.Matrix(x) for x in xs], "y": ys, "x_q": sp.Matrix(xq)}
    main, nuis = closed_form_prediction({**S, **data}, g)
    y_q = sum(wk * xk for wk, xk in zip(w, xq, strict=True))
    if query_noise and noise:
        y_q += sigma * zs[-1]
    gens = [*w, *itertools.chain(*xs), *xq, *zs]
    loss = _second_moment(main + nuis - y_q, gens) / 2
    S["g"] = g
    return sp.expand(loss), S


def loss_coefficients(d, S1=s1, S2=s2, sig=sigma):
    """``(alpha, k2, kB)`` of the population loss for dimension ``d`` and noise ``sig``.

    ``alpha = s1^2 + (d+1+sigma^2) s2``, ``k2 = ((d+sigma^2)^2 + 2d)(s1^2 + 2 s2)``,
    ``kB = (d+sigma^2) s2``. (Noise-free: ``k2 = d(d+2)(s1^2+2 s2)``, ``kB = d s2``.)

    Examples
    --------
    >>> loss_coefficients(2, sig=0)
    (s1**2 + 3*s2, 8*s1**2 + 16*s2, 2*s2)
    """
    A = S1**2 + (d + 1 + sig**2) * S2
    K2 = sp.expand(((d + sig**2) ** 2 + 2 * d) * (S1**2 + 2 * S2))
    return sp.expand(A), K2, sp.expand((d + sig**2) * S2)


def reduced_parameters(S: dict) -> dict:
    """The combinations through which the prediction depends on the parameters ``S``.

    ``M = Q^T P`` (``= Gamma``), ``u = Q^T v``, ``beta = Q^T b_B``, ``p = P^T b_C``,
    ``t1 = b_C^T v``, ``t2 = b_C^T b_B``: with ``S_xy = sum g_i y_i x_i``, ``S_yy = sum g_i y_i^2``
    and ``S_y = sum g_i y_i`` the closed form is
    ``yhat = x_q^T (M S_xy + u S_yy + beta S_y) + p^T S_xy + t1 S_yy + t2 S_y``.

    Examples
    --------
    >>> R = reduced_parameters(_param_matrices(1, 1))
    >>> R["M"], R["t1"]
    (Matrix([[P_00*Q_00]]), bC_0*v_0)
    """
    P, Q, v, bB, bC = S["P"], S["Q"], S["v"], S["b_B"], S["b_C"]
    return {"M": Q.T * P, "u": Q.T * v, "beta": Q.T * bB, "p": P.T * bC,
            "t1": (bC.T * v)[0, 0], "t2": (bC.T * bB)[0, 0]}


def reduced_population_loss(R: dict, d, *, A=alpha, K2=k2, KB=kB, S1=s1, query_var=0) -> sp.Expr:
    """The population loss formula in the reduced parameters ``R`` (see
    :func:`reduced_parameters`): ``(1/2)[A |M|^2 - 2 S1 tr M + d + K2 (|u|^2 + t1^2)
    + KB (|beta|^2 + t2^2) + A |p|^2 + query_var]``. The single source of the formula
    (:func:`population_loss` applies it to ``reduced_parameters(S)``).

    Examples
    --------
    >>> R = {"M": sp.Matrix([[1]]), "u": sp.Matrix([0]), "beta": sp.Matrix([0]),
    ...      "p": sp.Matrix([0]), "t1": 0, "t2": 0}
    >>> reduced_population_loss(R, 1)
    alpha/2 - s1 + 1/2
    """
    def sq(m):
        return sum(e**2 for e in m)

    main = loss_in_invariants(sq(R["M"]), R["M"].trace(), d, A=A, S1=S1)
    nuis = (K2 * (sq(R["u"]) + R["t1"] ** 2) + KB * (sq(R["beta"]) + R["t2"] ** 2)
            + A * sq(R["p"]))
    return sp.expand(main + (nuis + query_var) / 2)


def loss_in_invariants(norm2, trace, d, *, A=alpha, S1=s1) -> sp.Expr:
    """The nuisance-free loss through the invariants of ``Gamma``:
    ``(A |Gamma|_F^2 - 2 S1 tr Gamma + d) / 2`` with ``norm2 = |Gamma|_F^2``, ``trace = tr Gamma``.

    Examples
    --------
    >>> n2, t = sp.symbols("n2 t")
    >>> loss_in_invariants(n2, t, 3)
    alpha*n2/2 - s1*t + 3/2
    """
    return (A * norm2 - 2 * S1 * trace + d) / 2


def population_loss(S: dict, d: int, *, A=alpha, K2=k2, KB=kB, S1=s1, query_var=0) -> sp.Expr:
    """The general population loss formula for parameter matrices ``S`` (see module docstring).

    ``A, K2, KB, S1`` default to the symbols ``alpha, k2, k_B, s1``; pass
    :func:`loss_coefficients` to express them through ``s1, s2, sigma``. ``query_var`` is the
    variance of the query label noise (0 by default). This is :func:`reduced_population_loss` at
    ``reduced_parameters(S)``.

    Examples
    --------
    >>> S = _param_matrices(1, 1)
    >>> population_loss(S, 1).subs({S["v"][0]: 0, S["b_B"][0]: 0, S["b_C"][0]: 0})
    P_00**2*Q_00**2*alpha/2 - P_00*Q_00*s1 + 1/2
    """
    return reduced_population_loss(reduced_parameters(S), d, A=A, K2=K2, KB=KB, S1=S1,
                                   query_var=query_var)


def _chi2_moment(n, j: int) -> sp.Expr:
    """``E r^j`` for ``r ~ chi^2(n)``: ``n (n + 2) ... (n + 2j - 2)``."""
    return sp.Mul(*(n + 2 * m for m in range(j)))


def reduced_loss_moments(k: int, N: int = 2, *, d=dim):
    """Exact ``E (yhat - y_q)^2 / 2`` for every input dimension ``d >= k``, with the reduced
    parameters (:func:`reduced_parameters`) supported on the first ``k`` coordinates.

    Prompts: ``w, x_i, x_q ~ N(0, I_d)``, ``y_i = w.x_i + sigma z_i``, ``y_q = w.x_q + tau z_q``
    (``tau``: query label noise). The ``d - k`` coordinates the parameters do not touch enter only
    through ``w_R.x_iR`` and ``w_R.x_qR``; given ``w_R`` these are independent ``N(0, r)`` with
    ``r = |w_R|^2 ~ chi^2(d - k)``, so they are written ``sqrt(r) eta`` with ``eta ~ N(0, 1)``
    independent of ``r`` and of the first ``k`` coordinates. Isserlis' theorem on the explicit
    Gaussians, then ``E r^j = n (n+2)...(n+2j-2)``, ``n = d - k``, gives the loss as a polynomial
    in ``d``. Gate weights are free symbols ``g_1..g_N``.

    Returns ``(loss, R)``: ``R`` holds ``M, u, beta, p, t1, t2`` (``k``-sized), ``g``, ``tau`` and
    ``d``.

    Examples
    --------
    >>> L, R = reduced_loss_moments(1, 1)
    >>> A, K2, KB = loss_coefficients(R["d"], R["g"][0], R["g"][0]**2)
    >>> F = reduced_population_loss(R, R["d"], A=A, K2=K2, KB=KB, S1=R["g"][0],
    ...                             query_var=R["tau"]**2)
    >>> sp.expand(L - F)
    0
    """
    from sympy.polys.domains import QQ
    from sympy.polys.rings import ring

    _check_size("k", k), _check_size("N", N)
    M = sp.Matrix(k, k, lambda j, m: sp.Symbol(f"M_{j}{m}", real=True))

    def vec(name):
        return sp.Matrix(k, 1, lambda j, _m: sp.Symbol(f"{name}_{j}", real=True))

    u, be, p = vec("u"), vec("beta"), vec("p")
    t1, t2 = sp.symbols("t1 t2", real=True)
    g = sp.symbols(f"g_1:{N + 1}", positive=True)
    tau = sp.Symbol("tau", nonnegative=True)
    rt = sp.Symbol("sqrt_r", nonnegative=True)
    w = [sp.Symbol(f"w_{j}") for j in range(k)]
    xs = [[sp.Symbol(f"x_{i}{j}") for j in range(k)] for i in range(1, N + 1)]
    xq = [sp.Symbol(f"xq_{j}") for j in range(k)]
    zs = [sp.Symbol(f"z_{i}") for i in range(1, N + 1)]
    etas = [sp.Symbol(f"eta_{i}") for i in range(1, N + 1)]
    eta_q, z_q = sp.symbols("eta_q z_q")
    gauss = [*w, *itertools.chain(*xs), *xq, *zs, *etas, eta_q, z_q]
    params = [*M, *u, *be, *p, t1, t2, *g, sigma, tau, rt]
    _, *gens = ring([*params, *gauss], QQ)
    G = dict(zip([*params, *gauss], gens, strict=True))

    def dot(a, b):
        return sum((G[x] * y for x, y in zip(a, b, strict=True)), 0 * gens[0])

    ys = [dot(w, [G[s] for s in x]) + G[rt] * G[e] + G[sigma] * G[z]
          for x, e, z in zip(xs, etas, zs, strict=True)]
    y_q = dot(w, [G[s] for s in xq]) + G[rt] * G[eta_q] + G[tau] * G[z_q]
    gw = [G[s] for s in g]
    Sxy = [sum((gi * y * G[x[j]] for gi, y, x in zip(gw, ys, xs, strict=True)), 0 * gens[0])
           for j in range(k)]
    Syy = sum((gi * y**2 for gi, y in zip(gw, ys, strict=True)), 0 * gens[0])
    Sy = sum((gi * y for gi, y in zip(gw, ys, strict=True)), 0 * gens[0])
    A_vec = [dot(list(M.row(j)), Sxy) + G[u[j]] * Syy + G[be[j]] * Sy for j in range(k)]
    yhat = dot(xq, A_vec) + dot(list(p), Sxy) + G[t1] * Syy + G[t2] * Sy
    square = (yhat - y_q) ** 2
    n_par = len(params)
    moments: dict[tuple, int] = defaultdict(int)
    for monom, coeff in square.items():
        m = 1
        for e in monom[n_par:]:
            m *= _double_factorial_moment(e)
            if not m:
                break
        if m:
            moments[monom[:n_par]] += m * coeff
    loss = 0
    for monom, coeff in moments.items():
        j, odd = divmod(monom[-1], 2)  # the power of sqrt(r): even (eta has odd moments 0)
        if odd:
            raise AssertionError("odd power of sqrt(r) with a non-zero moment")
        term = sp.Rational(coeff.numerator, coeff.denominator) * _chi2_moment(d - k, j)
        loss += term * sp.Mul(*(s**e for s, e in zip(params[:-1], monom[:-1], strict=True)))
    R = {"M": M, "u": u, "beta": be, "p": p, "t1": t1, "t2": t2, "g": g, "tau": tau, "d": d}
    return sp.expand(loss / 2), R


def optimal_loss(d, rho, m=None) -> sp.Expr:
    """``L* = (d/2) m rho / (1 + m rho)`` with ``m = d + 1`` (noise: ``d + 1 + sigma^2``).

    With uniform weights ``rho = 1/N`` this is the linear-attention optimum
    ``L*_TF = (d/2)(d+1)/(N+d+1)``.

    Examples
    --------
    >>> sp.factor(optimal_loss(sp.Symbol("d"), 1/n))
    d*(d + 1)/(2*(N + d + 1))
    """
    m = d + 1 if m is None else m
    return d * m * rho / (2 * (1 + m * rho))


def logistic_solution(gamma0, S1=s1, gstar=None, t=_t) -> sp.Expr:
    """Balanced gradient flow ``gamma(t) = gamma*/(1 + (gamma*/gamma0 - 1) exp(-2 s1 t))``.

    Examples
    --------
    >>> g0, gs = sp.symbols("gamma0 gamma_star", positive=True)
    >>> logistic_solution(g0, gstar=gs).subs(_t, 0)
    gamma0
    """
    gstar = S1 / alpha if gstar is None else gstar
    return gstar / (1 + (gstar / gamma0 - 1) * sp.exp(-2 * S1 * t))


def error_map(P, Q, Pt, Qt, one=1):
    """``(E, E^T)`` with ``E = alpha Q^T P - s1 I`` for explicit matrices or for non-commutative
    symbols standing for matrices of any size (then ``Pt``, ``Qt`` are the transposes' symbols and
    ``one`` the unit). The reduced GD map is ``P - eta Q E``, ``Q - eta P E^T``.

    Examples
    --------
    >>> P, Pt, Q, Qt = sp.symbols("P P^T Q Q^T", commutative=False)
    >>> error_map(P, Q, Pt, Qt)[1]
    alpha*P^T*Q - s1
    """
    return alpha * Qt * P - s1 * one, alpha * Pt * Q - s1 * one


# -- the model: its maps --------------------------------------------------------------------------
_PARTS = ("P", "Q", "v", "c", "b_B", "b_C")


@dataclass(frozen=True)
class MambaICL:
    """The reduced Mamba ICL model at sizes ``d`` (inputs) and ``d_h`` (state).

    Fields: ``S`` the parameter matrices (``P, Q, v, c, b_B, b_C``); ``loss`` the population loss
    in the symbols ``alpha, k2, k_B, s1`` (see :func:`population_loss`).

    Examples
    --------
    >>> M = model(1, 1)
    >>> F = M.map()
    >>> F.state, F.params
    ((P_00, Q_00), (eta, alpha, s1))
    >>> sp.factor(F.update[0] - M.matrix_update()[0][0, 0])
    0
    """

    d: int
    d_h: int
    S: dict

    @functools.cached_property
    def loss(self) -> sp.Expr:
        """The population loss (built on first use: 84k terms, ~25 s, at d = d_h = 20)."""
        return population_loss(self.S, self.d)

    @property
    def P(self) -> sp.Matrix:
        return self.S["P"]

    @property
    def Q(self) -> sp.Matrix:
        return self.S["Q"]

    def state(self, trained: Sequence[str] = ("P", "Q")) -> tuple[sp.Symbol, ...]:
        """The state symbols of the trained parts, in the order of ``trained``."""
        bad = set(trained) - set(_PARTS)
        if bad:
            raise ValueError(f"unknown parameter part(s) {sorted(bad)}; choose from {_PARTS}")
        return tuple(itertools.chain(*(list(self.S[p]) for p in trained)))

    def reduced_loss(self, trained: Sequence[str] = ("P", "Q")) -> sp.Expr:
        """The loss with every part not in ``trained`` set to zero."""
        zero = {s: 0 for p in _PARTS if p not in trained for s in self.S[p]}
        return sp.expand(self.loss.xreplace(zero))

    def map(self, trained: Sequence[str] = ("P", "Q")) -> SymbolicMap:
        """Population GD ``theta -> theta - eta grad L`` on the trained parts (others fixed at 0).

        Derived by :func:`theory.gd_map`; parameters ``eta`` and the loss coefficients.
        """
        loss = self.reduced_loss(trained)
        consts = tuple(sorted(loss.free_symbols - set(self.state(trained)), key=str))
        return gd_map(loss, self.state(trained), step=eta, constants=consts,
                      name=f"mamba-icl GD (d={self.d}, d_h={self.d_h})")

    def error(self) -> sp.Matrix:
        """``E = alpha Q^T P - s1 I``."""
        return error_map(self.P, self.Q, self.P.T, self.Q.T, sp.eye(self.d))[0]

    def matrix_update(self) -> tuple[sp.Matrix, sp.Matrix]:
        """``(P - eta Q E, Q - eta P E^T)``: the spec's matrix form of the reduced map."""
        E = self.error()
        return self.P - eta * self.Q * E, self.Q - eta * self.P * E.T

    def normalised(self, mu=None) -> SymbolicMap:
        """The two-factor matrix map: GD with step ``mu`` on ``|Qt^T Pt - I|^2 / 2``.

        Conjugate to :meth:`map` by ``Pt = P sqrt(alpha/s1)``, ``Qt = Q sqrt(alpha/s1)``,
        ``mu = eta s1``.
        """
        mu = sp.Symbol("mu", positive=True) if mu is None else mu
        T = _param_matrices(self.d, self.d_h, prefix="t")
        R = T["Q"].T * T["P"] - sp.eye(self.d)
        loss = sp.expand(sum(e**2 for e in R) / 2)
        return gd_map(loss, (*T["P"], *T["Q"]), step=mu, name="two-factor matrix map")

    def slice(self, name: str = "balanced") -> SymbolicMap:
        """The balanced slice ``P = Q = sqrt(gamma) O`` (``O^T O = I``) as a map on ``gamma``:
        ``gamma -> gamma (1 - eta (alpha gamma - s1))^2``: the ``P_00`` entry of :meth:`map` at
        ``P = Q = sqrt(gamma) [I; 0]``, derived by GD on the loss along that coordinate (the same
        partial derivative, without deriving the other ``2 d d_h - 1`` entries)."""
        if name != "balanced":
            raise ValueError(f"unknown slice {name!r}; only 'balanced'")
        if self.d_h < self.d:
            raise ValueError("the balanced slice needs d_h >= d")
        r = sp.Symbol("r", positive=True)  # r = sqrt(gamma)
        Ob = sp.eye(self.d_h)[:, : self.d]
        point = dict(zip(self.state(), (*(r * Ob), *(r * Ob)), strict=True))
        # The P_00 entry of the GD map at the point needs only dL/dP_00 there, which is the
        # derivative of the loss restricted to the line through the point along P_00: derive GD
        # on that one-variable loss instead of the whole map (minutes at d = 5, cubic growth).
        p00 = self.P[0, 0]
        on_line = {s: v for s, v in point.items() if s != p00}
        on_line.update({s: 0 for part in _PARTS[2:] for s in self.S[part]})  # not trained
        line = sp.expand(population_loss(
            {k: m.xreplace(on_line) for k, m in self.S.items()}, self.d))
        step = gd_map(line, (p00,), step=eta, constants=tuple(sorted(
            line.free_symbols - {p00}, key=str)))
        img = step.update[0].xreplace({p00: r})  # image of P_00 = r (1 - eta (alpha r^2 - s1))
        new_gamma = sp.factor((img**2).subs(r, sp.sqrt(gamma)))
        return SymbolicMap((gamma,), (new_gamma,), params=(eta, alpha, s1), name="balanced slice")

    def gamma_star(self) -> sp.Expr:
        """``gamma* = s1/alpha``: the zero of ``E`` on ``Gamma = gamma I``."""
        sol = sp.solve(sp.Eq(alpha * gamma - s1, 0), gamma)
        return sol[0]


def model(d: int = 2, d_h: int = 2) -> MambaICL:
    """The reduced Mamba ICL model with symbolic parameter matrices (see :class:`MambaICL`).

    Examples
    --------
    >>> M = model(1, 1)
    >>> M.slice("balanced").update
    (gamma*(-alpha*eta*gamma + eta*s1 + 1)**2,)
    >>> M.gamma_star()
    s1/alpha
    """
    _check_size("d", d), _check_size("d_h", d_h)
    S = _param_matrices(d, d_h)
    return MambaICL(d, d_h, S)


# -- constants for given (d, N, kappa, discretisation, sigma) ------------------------------------
def constants(d: int, N: int, k=None, discretisation: str = "zoh", sig=0,
              query_noise: bool = False) -> dict[str, sp.Expr]:
    """Exact constants of the model for concrete ``d, N`` (``k`` = kappa, default ``ln 2``).

    Keys: ``a, c, s1, s2, rho, n_rho, alpha, k2, kB, gamma_star, L_star, L_star_TF, ratio,
    eta_main = 1/s1`` (balanced minimum stable iff ``eta < 1/s1``), ``eta_v = 2/(k2 gamma*)``,
    ``eta_bB = 2/(kB gamma*)``, ``eta_bC = 2/s1``.

    Examples
    --------
    >>> C = constants(2, 1)
    >>> C["a"], C["s1"], C["s2"], C["alpha"]
    (1/2, 1/4, 1/16, 1/4)
    >>> C["gamma_star"], C["L_star"], C["L_star_TF"]
    (1, 3/4, 3/4)
    """
    _check_size("d", d), _check_size("N", N)
    _check_disc(discretisation)
    k = sp.log(2) if k is None else sp.nsimplify(k) if isinstance(k, float) else sp.sympify(k)
    sig = sp.sympify(sig)
    if not (k.is_positive and sig.is_nonnegative):
        raise ValueError(f"need kappa > 0 and sigma >= 0, got {k}, {sig}")
    sub = {a: sp.exp(-k / N), delta: k / N}
    S1, S2 = (sp.powsimp(e.xreplace({n: N}).xreplace(sub)) for e in gate_sums(discretisation))
    A, K2, KB = loss_coefficients(d, S1, S2, sig)
    rho = S2 / S1**2
    m = d + 1 + sig**2
    gs = S1 / A
    Ls = optimal_loss(d, rho, m) + (sig**2 / 2 if query_noise else 0)
    Ltf = optimal_loss(d, sp.Rational(1, N), m) + (sig**2 / 2 if query_noise else 0)
    return {"a": sub[a], "c": _input_factor(discretisation).xreplace(sub),
            "s1": S1, "s2": S2, "rho": rho, "n_rho": N * rho, "alpha": A, "k2": K2, "kB": KB,
            "gamma_star": gs, "L_star": Ls,
            "L_star_TF": Ltf, "ratio": Ls / Ltf,
            "eta_main": 1 / S1, "eta_v": 2 / (K2 * gs),
            "eta_bB": 2 / (KB * gs), "eta_bC": 2 / S1}


# -- the readout one token at a time (the catalogue's claimed formulas come from here) -----------
def readout_step(w_prev, gamma_x, y, c):
    """One token of the readout: ``w_l = a w_{l-1} + c y_l Gamma x_l``.

    ``w_prev`` stands for ``w_{l-1} = Q^T h_{l-1}``, ``gamma_x`` for ``Gamma x_l = Q^T P x_l`` and
    ``c`` for the input factor (``1 - a`` for ZOH, ``Delta`` for Euler). Iterated from ``w_0 = 0``
    it is :func:`readout_recursion`, i.e. ``Q^T`` times the states of :func:`recurrence_states`
    with zero nuisance parameters.

    Examples
    --------
    >>> w, gx, y, c = sp.symbols("w gx y c")
    >>> readout_step(w, gx, y, c)
    a*w + c*gx*y
    >>> _, S = recurrence_prediction(1, 1, 2)
    >>> G = S["Q"][0, 0] * S["P"][0, 0]
    >>> w1 = readout_step(0, G * S["x"][0][0], S["y"][0], 1 - a)
    >>> w2 = readout_step(w1, G * S["x"][1][0], S["y"][1], 1 - a)
    >>> sp.expand(w2 - readout_recursion(S)[2][0])
    0
    """
    return a * w_prev + c * y * gamma_x


def readout_prediction(xq_w):
    """The prediction after the query token (label 0): ``yhat = a x_q^T w_N``.

    ``xq_w`` stands for ``x_q^T w_N``: the query step multiplies the state by ``a`` and adds
    nothing, and the zero-nuisance readout of ``h_{N+1}`` is ``x_q^T Q^T h_{N+1}``.

    Examples
    --------
    >>> yhat, S = recurrence_prediction(1, 1, 1)
    >>> zero = {S[k][0]: 0 for k in ("v", "b_B", "b_C")}
    >>> sp.expand(readout_prediction(S["x_q"][0] * readout_recursion(S)[-1][0])
    ...           - yhat.xreplace(zero))
    0
    """
    return a * xq_w
