"""What every module of the catalogue takes from the derived two-factor map.

The map ``F_mu`` and its balanced slice ``g`` come from :func:`theory.models.two_factor.model`
(derived from the transformer's loss); nothing here types ``F_mu``, ``g``, ``g'`` or a derived
quantity by hand. Float64 work uses compiled kernels (:func:`numerics.compile_map`), high
precision work :func:`sympy.lambdify` of the derived expressions into mpmath. Everything is built
on first use (``functools.cache``), so importing the catalogue derives nothing.

The expressions ``P_, e_, lam_, H_, R_`` are the named quantities of the specification (§2, §5)
*as the catalogue states them*; the claims prove them against the derived map.
"""

from __future__ import annotations

import functools

import mpmath
import sympy as sp

import numerics
from theory.invariants import compose_with
from theory.models import two_factor as tfm

a, b, mu, u, v = tfm.a, tfm.b, tfm.mu, tfm.u, tfm.v
x = sp.Symbol("x", real=True)          # eigenvalue variable / a^2 on the slice
s = sp.Symbol("s", real=True)          # s = mu a^2
w = sp.Symbol("w", positive=True)      # w = a^2 on the hyperbola ab = 1
theta = sp.Symbol("theta", real=True)  # angle of a point y = sqrt2 sin(theta) (invariant density)
tau = sp.Symbol("tau", real=True)      # rational parameter of the circle
C = (1 - tau**2) / (1 + tau**2)        # cos t
S = 2 * tau / (1 + tau**2)             # sin t
cos_t, sin_t = sp.symbols("cos_t sin_t", real=True)   # cos t, sin t in claimed expressions
SQRT2, SQRT3, SQRT5 = sp.sqrt(2), sp.sqrt(3), sp.sqrt(5)

P_, e_, lam_ = a * b, a * b - 1, a**2 + b**2
H_ = mu * lam_ - mu**2 * e_ - 4
R_ = mu * ((2 - mu) * (a + b) ** 2 + (2 + mu) * (a - b) ** 2) / (4 * (4 - mu**2))
ASTAR2 = (1 + mu) / (3 * mu)       # critical point of g, squared


@functools.cache
def model() -> tfm.TwoFactorModel:
    """The derived two-factor model (:func:`theory.models.two_factor.model`)."""
    return tfm.model()


def F_map():
    """The derived map ``F_mu`` (a :class:`theory.SymbolicMap`)."""
    return model().map


def g_expr():
    """The derived balanced slice ``g(a)``."""
    return model().slice("balanced").update[0]


def d_da(expr):
    """Derivative with respect to ``a``."""
    return sp.diff(expr, a)


def hyperbola() -> dict:
    """The substitution to a point ``(a, 1/a)`` of the minimiser family ab = 1."""
    return {b: 1 / a}


def loss_hessian():
    """Hessian of the normalised loss ``(ab - 1)^2/2``."""
    return sp.hessian(model().loss, (a, b))


def charpoly(M):
    """Characteristic polynomial of a 2x2 matrix in ``x``."""
    return sp.expand((M - x * sp.eye(2)).det())


def uv_image():
    """The derived ``F_mu`` in ``(u, v) = (a + b, a - b)``."""
    return model().uv_map.update


def diagonal_multiplier():
    """Transverse multiplier of the diagonal at ``(a, a)``: ``dv'/dv`` at ``v = 0, u = 2a`` of
    the derived ``(u, v)`` map."""
    return sp.expand(sp.diff(uv_image()[1], v).xreplace({v: 0, u: 2 * a}))


def ellipse_point(ct=None, st=None):
    """The point of E_mu at angle t, given cos t and sin t (default: rationally parametrised)."""
    su, sv = 2 * sp.sqrt((2 + mu) / mu), 2 * sp.sqrt((2 - mu) / mu)
    U, V = su * (C if ct is None else ct), sv * (S if st is None else st)
    return {a: (U + V) / 2, b: (U - V) / 2}, su, sv


# ---- numbers from the derived map --------------------------------------------------------------

@functools.cache
def kernel_F():
    """Compiled kernels of the derived ``F_mu`` (numerics.compile_map, cached on disk)."""
    return numerics.compile_map(F_map())


@functools.cache
def kernel_g():
    """Compiled kernels of the derived balanced slice ``g``."""
    return numerics.compile_map(model().slice("balanced"))


@functools.cache
def slice_mp() -> tuple:
    """``(g, g', a*)`` of the derived balanced slice as mpmath functions: ``g(y, mu)``,
    ``g'(y, mu)`` and the positive critical point ``a*(mu)`` (root of the derived ``g'``)."""
    g = g_expr()
    dg = d_da(g)
    crit = next(r for r in sp.solve(dg, a) if r.xreplace({mu: 1}) > 0)
    return (sp.lambdify((a, mu), g, "mpmath"), sp.lambdify((a, mu), dg, "mpmath"),
            sp.lambdify((mu,), crit, "mpmath"))


def orbit_mp(y, m, n):
    """``g^n(y)`` and its derivative ``(g^n)'(y)`` (mpmath, derived g and g')."""
    g, dg, _ = slice_mp()
    d = mpmath.mpf(1)
    for _ in range(n):
        d *= dg(y, m)
        y = g(y, m)
    return y, d


def critical_point(m):
    """Positive critical point of g at ``mu = m`` (mpmath).

    Examples
    --------
    >>> round(float(critical_point(mpmath.mpf(1) / 2)), 12)
    1.0
    """
    return slice_mp()[2](m)


@functools.cache
def as_numpy(expr, args: tuple = (a, b, mu)):
    """A derived expression as a NumPy function."""
    return sp.lambdify(args, expr, "numpy")


@functools.cache
def cofactor_H():
    """The cofactor ``K = (H∘F)/H`` of the ellipse polynomial H, derived from the map."""
    return sp.factor(sp.cancel(sp.expand(compose_with(model().H, F_map())) / model().H))


@functools.cache
def ellipse_axes_expr() -> tuple:
    """Semi-axes ``(s_u, s_v)`` of ``E_mu`` in ``u = a + b``, ``v = a - b``: ``R = 1`` with the
    model's ``R`` (a quadratic form in u, v), so ``s = 1/sqrt(coefficient)``."""
    R = sp.Poly(sp.expand(model().R.xreplace({a: (u + v) / 2, b: (u - v) / 2})), u, v)
    if R.coeff_monomial(u * v) != 0:  # pragma: no cover - a derivation bug
        raise ValueError("R is not diagonal in (u, v)")
    return tuple(sp.simplify(1 / sp.sqrt(sp.factor(R.coeff_monomial(t))))
                 for t in (u**2, v**2))


def ellipse_axes(m) -> tuple:
    """``(s_u, s_v)`` at ``mu = m`` (floats or arrays).

    Examples
    --------
    >>> [round(float(t), 12) for t in ellipse_axes(1.0)]
    [3.464101615138, 2.0]
    """
    su, sv = ellipse_axes_expr()
    return as_numpy(su, (mu,))(m), as_numpy(sv, (mu,))(m)


@functools.cache
def _orbit_fn(high: bool):
    """The derived ``F_mu`` as a plain-Python function (``math`` or ``mpmath``) of one point."""
    return sp.lambdify((a, b, mu), list(F_map().update), "mpmath" if high else "math")


def orbit_F(a0, b0, mu_value, steps: int, high: bool) -> list[tuple]:
    """The orbit of the derived ``F_mu`` from ``(a0, b0)``, ``steps + 1`` points, in float or
    mpmath (for the reduction checks, which need high precision in the chaotic regime).

    Examples
    --------
    >>> orbit_F(2.0, 0.0, 0.5, 2, high=False)
    [(2.0, 0.0), (2.0, 1.0), (1.5, 0.0)]
    """
    f = _orbit_fn(high)
    out = [(a0, b0)]
    for _ in range(steps):
        out.append(tuple(f(*out[-1], mu_value)))
    return out


@functools.cache
def R_uv(high: bool):
    """The model's normalised ellipse function R in ``(u, v)`` (math or mpmath)."""
    R = sp.factor(model().R.xreplace({a: (u + v) / 2, b: (u - v) / 2}))
    return sp.lambdify((u, v, mu), R, "mpmath" if high else "math")


@functools.cache
def diagonal_multiplier_mp():
    """Transverse multiplier of the diagonal at ``(a, a)`` (:func:`diagonal_multiplier`) as an
    mpmath function of ``(a, mu)``."""
    return sp.lambdify((a, mu), diagonal_multiplier(), "mpmath")
