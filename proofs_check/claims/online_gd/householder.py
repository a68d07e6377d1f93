"""Exact steps for one DeltaNet step: the GD update, the residual, and the generalised
Householder factor ``I - beta k k^T`` (eigenvalues, norm, reflection)."""

from __future__ import annotations

import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claims.online_gd.symbols import D_SYM, F, nc_note
from theory.models import matrix_factorization as mf
from theory.models import online_gd as og


def gd_general_steps(update=None):
    """Steps for ``delta.gd_step`` in the free algebra; ``update`` is the claimed update (true:
    theory's)."""
    s, term, entry = og.deltanet_entry()
    f = og.deltanet_free()
    update = f.update if update is None else update
    return [ev.identity(sp.diff(term, s), entry,
                        description="every d_k, d_v: only r_a = S_ab k_b + rho_a contains S_ab, "
                                    "so dL/dS_ab = r_a k_b = ((Sk - v) k^T)_ab"),
            ev.identity(f.gd_update, update,
                        description=nc_note("S - beta (Sk - v) k^T = S(I - beta k k^T) + beta v "
                                            "k^T"))]


def _dn_env(dn):
    return {F.S: dn.S, F.k: dn.k, F.kt: dn.k.T, F.v: dn.v, F.beta: dn.beta}


def gd_steps(update=None):
    """Steps for ``delta.gd_step`` at ``d_k = d_v = 2``; a claimed ``update`` is evaluated with
    :func:`mf.nc_evaluate`."""
    dn = og.deltanet(2, 2)
    closed = dn.closed if update is None else mf.nc_evaluate(update, _dn_env(dn))
    return [ev.identity(dn.S_next, closed,
                        description="GD step derived by theory.gd on 1/2|Sk - v|^2 = S(I - beta "
                                    "kk^T) + beta v k^T (d_k = d_v = 2)",
                        at={"(d_k, d_v)": [(2, 2)]})]


def residual_general_steps(factor=None):
    """Steps for ``delta.residual`` in the free algebra; ``factor`` is the claimed factor."""
    f = og.deltanet_free()
    factor = 1 - f.beta * f.kt * f.k if factor is None else factor
    return [ev.identity(f.update * f.k - f.v, (f.S * f.k - f.v) * factor,
                        description=nc_note("S_t k - v = (S_{t-1} k - v)(1 - beta k^T k), k^T k = "
                                            "|k|^2 a scalar"))]


def residual_steps(factor=None):
    """Steps for ``delta.residual`` at ``d_k = 3, d_v = 2``; a claimed ``factor`` is evaluated
    with :func:`mf.nc_evaluate`."""
    dn = og.deltanet(3, 2)
    kk = (dn.k.T * dn.k)[0]
    fac = 1 - dn.beta * kk if factor is None else mf.nc_evaluate(factor, _dn_env(dn))[0, 0]
    return [ev.identity(dn.closed * dn.k - dn.v, fac * (dn.S * dn.k - dn.v),
                        description="S_t k - v = (1 - beta |k|^2)(S_{t-1} k - v) (d_k = 3, d_v = "
                                    "2)", at={"(d_k, d_v)": [(3, 2)]})]



def eig_general_steps(beta=None, eigenvalue=None):
    """Eigenvalues of ``I - beta k k^T`` for a unit ``k`` and every ``d``: eigenvectors ``k`` and
    ``k^perp`` (free algebra), characteristic polynomial by the determinant lemma (symbolic d);
    ``eigenvalue`` is the claimed eigenvalue on ``k`` (true: ``1 - beta``)."""
    f = og.deltanet_free()
    b = f.beta if beta is None else beta
    lam = 1 - b if eigenvalue is None else eigenvalue
    k, kt = f.k, f.kt
    (x,) = mf.nc_symbols("x")
    z, ksq = sp.Symbol("z"), sp.Symbol("|k|^2", positive=True)
    H = 1 - b * k * kt
    d = D_SYM
    return [
        ev.identity(H * k - lam * k, -b * k * (kt * k - 1),
                    description=nc_note(f"(I - {b} k k^T) k = (1 - {b}) k when k^T k = 1")),
        ev.identity(H * x - x, -b * k * (kt * x),
                    description=nc_note(f"(I - {b} k k^T) x = x when k^T x = 0 (k^perp has "
                                        "dimension d - 1)")),
        ev.identity((z - 1) ** d * (1 + b * ksq / (z - 1)), (z - 1) ** (d - 1) * (z - 1 + b * ksq),
            description=f"symbolic d, matrix determinant lemma: det(zI - I + {b} k k^T) = "
                        f"(z - 1)^d (1 + {b}|k|^2/(z - 1)) = (z - 1)^(d-1) (z - 1 + {b}|k|^2)"),
        ev.identity(((z - 1) ** (d - 1) * (z - 1 + b * ksq)).subs(ksq, 1),
                    (z - lam) * (z - 1) ** (d - 1),
                    description=f"|k| = 1: the roots are 1 - {b} (once) and 1 (d - 1 times)"),
    ]


def eig_steps():
    """Characteristic polynomials of ``I - beta k k^T`` for a rational unit key, ``d = 2, 3``."""
    z = sp.Symbol("z")
    b = og.beta_sym
    steps = []
    for d in (2, 3):
        H = og.householder(og.unit_vector(d), b)
        steps.append(ev.identity(sp.factor(H.charpoly(z).as_expr()),
                                 (z - 1 + b) * (z - 1) ** (d - 1),
                                 description=f"d={d}, unit k: charpoly (z - 1 + beta)"
                                             f"(z - 1)^{d - 1}", at={"d": [d]}))
    return steps


def symmetric_step(beta=None):
    """Step: ``I - beta k k^T`` is symmetric (free algebra)."""
    f = og.deltanet_free()
    b = f.beta if beta is None else beta
    H = 1 - b * f.k * f.kt
    return ev.identity(mf.nc_transpose(H, {f.k: f.kt}), H,
                       description=nc_note(f"(I - {b} k k^T)^T = I - {b} k k^T: symmetric, so real "
                                           "eigenvalues and "
                                           "spectral norm = largest |eigenvalue|"))


def norm_steps(beta_range=(0, 2)):
    """Steps for ``delta.norm``; ``beta_range`` is the claimed range of beta (true: ``(0, 2)``)."""
    b = og.beta_sym
    lo, hi = (sp.nsimplify(v) for v in beta_range)
    # |1 - beta| <= 1  <=>  1 - (1 - beta)^2 = beta(2 - beta) >= 0; the ends give |1 - beta| = 1
    return [*eig_general_steps(),
            symmetric_step(),
            ev.identity(1 - (1 - b) ** 2, b * (2 - b),
                        description="1 - (1 - beta)^2 = beta (2 - beta)"),
            ev.sign_fact(b * (2 - b), b, lo, hi, statement="|1 - beta| < 1 for 0 < beta < 2"),
            ev.identity((1 - b).subs(b, lo), 1, description="beta = 0: eigenvalue 1 - beta = 1"),
            ev.identity((1 - b).subs(b, hi), -1, description="beta = 2: eigenvalue 1 - beta = -1")]


def reflection_general_steps(beta=2):
    """Steps for ``delta.reflection`` in the free algebra and for a symbolic ``d``."""
    f = og.deltanet_free()
    k, kt = f.k, f.kt
    b = sp.nsimplify(beta)
    H = 1 - b * k * kt
    d, z = D_SYM, sp.Symbol("z")
    charpoly = (z - (1 - b)) * (z - 1) ** (d - 1)
    return [
        ev.identity(H * H - 1, 4 * k * (kt * k - 1) * kt,
                    description=nc_note("H^2 - I = 4 k (k^T k - 1) k^T = 0 for |k| = 1: "
                                        "involutive")),
        ev.identity(mf.nc_transpose(H, {k: kt}), H,
                    description=nc_note("H^T = H, so H^T H = H^2 = I: orthogonal")),
        *eig_general_steps(b),
        ev.identity((-1) ** d * charpoly.subs(z, 0), -1,
                    description="symbolic d: det H = (-1)^d det(0 I - H) = (-1)^d (0 + 1)(0 - "
                                "1)^(d-1) = -1"),
    ]


def reflection_steps(beta=2):
    """Steps for ``delta.reflection`` with a rational unit key, ``d = 3``."""
    H = og.householder(og.unit_vector(3), sp.nsimplify(beta))
    return [ev.identity(H * H, sp.eye(3), description="H^2 = I (d = 3)", at={"d": [3]}),
            ev.identity(H.T * H, sp.eye(3), description="H^T H = I (d = 3)", at={"d": [3]}),
            ev.identity(H.det(), -1, description="det H = -1 (d = 3)", at={"d": [3]})]


