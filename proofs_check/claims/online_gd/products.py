"""Exact steps for products of Householder factors: DeltaProduct tokens, the rank of ``A - I``,
complex eigenvalues, parity, and the chunked (WY) form."""

from __future__ import annotations

import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claims.online_gd.householder import symmetric_step
from proofs_check.claims.online_gd.symbols import nc_note
from theory.models import matrix_factorization as mf
from theory.models import online_gd as og


def product_general():
    """Induction on ``n_h`` for ``delta.product`` (free algebra)."""
    f = og.deltanet_free()
    H, k, kt, v = f.S, f.k, f.kt, f.v
    b1 = sp.Symbol("beta_1", real=True)
    one_step = f.update.subs({f.S: H, f.beta: b1})
    A1, B1 = 1 - b1 * k * kt, b1 * v * kt
    left, right = og.deltaproduct_step_free()
    return ev.induction(
        ev.identity(one_step, H * A1 + B1,
                    description=nc_note("n_h = 1: one DeltaNet step H(I - beta_1 k_1 k_1^T) + "
                                        "beta_1 v_1 k_1^T = H A_1 + B_1")),
        ev.identity(left, right,
                    description=nc_note("(H A_n + B_n) G + beta v k^T = H (A_n G) + (B_n G + beta "
                                        "v k^T) = H A_{n+1} + B_{n+1}")),
        var="n_h", start=1, description="n_h steps give H A + B with the stated A, B")


def product_steps():
    """``delta.product`` for explicit tokens, ``n_h = 2, 3``."""
    out = []
    for n_h in (2, 3):
        Hn, A, B, H = og.deltaproduct_token(n_h, 2)
        out.append(ev.identity(Hn, H * A + B, description=f"n_h={n_h}: n_h steps = H A + B (d = 2)",
                               at={"n_h": [n_h]}))
    return out


def rank_general():
    """Induction on ``n_h``: ``A - I`` is a product through ``R^{n_h}``."""
    f = og.deltanet_free()
    k, kt = f.k, f.kt
    b1 = sp.Symbol("beta_1", real=True)
    left, right = og.rank_step_free()
    return ev.induction(
        ev.identity((1 - b1 * k * kt) - 1, (-b1 * k) * kt,
                    description=nc_note("n_h = 1: A_1 - I = (-beta_1 k_1) k_1^T, one column")),
        ev.identity(left, right,
                    description=nc_note("A_n - I = L R^T (n columns) => A_{n+1} - I = (I + L R^T) "
                                        "G - I = [L, -beta k] [R^T G; k^T] (n + 1 columns)")),
        var="n_h", start=1, description="A - I = L R^T with n_h columns, so rank(A - I) <= n_h")


def rank_steps():
    """``A - I = -W^T K`` for explicit ``n_h, d``."""
    steps = []
    for C, d in ((2, 3), (3, 4)):
        K = sp.Matrix(C, d, lambda i, j: sp.Symbol(f"k{i}_{j}", real=True))
        bs = sp.symbols(f"beta0:{C}", real=True)
        prod = sp.eye(d)
        for i in range(C):
            prod = prod * og.householder(K.row(i).T, bs[i])
        G = K * K.T
        T = sp.eye(C) + sp.Matrix(C, C, lambda i, j, G=G, bs=bs: bs[i] * G[i, j] if i > j else 0)
        W = T.inv() * sp.diag(*bs) * K
        steps.append(ev.identity(prod - sp.eye(d), -W.T * K,
                                 description=f"n_h={C}, d={d}: A - I = -W^T K, a product "
                                 f"through R^{C}",
                                 at={"n_h": [C]}))
    return steps



def complex_general_steps():
    """Steps for ``delta.product.complex``: a rational rotation, padded with ``beta = 0``."""
    f = og.deltanet_free()
    A, = mf.nc_symbols("A")
    k1 = sp.Matrix([1, 0])
    k2 = sp.Matrix([sp.Rational(3, 5), sp.Rational(4, 5)])
    Aex = og.householder(k1, 2) * og.householder(k2, 2)
    z = sp.Symbol("z")
    disc = sp.discriminant(Aex.charpoly(z).as_expr(), z)
    return [
        ev.induction(
            ev.identity(disc, sp.Rational(-2304, 625),
                        description="n_h = 2, k1 = e1, k2 = (3/5, 4/5), beta = 2: the "
                                    "characteristic polynomial has discriminant -2304/625 < 0 "
                                    "(eigenvalues e^(+-i theta), a rotation)"),
            ev.identity(A * (1 - 0 * f.k * f.kt), A,
                        description=nc_note("a further factor with beta = 0 is I: A_{n+1} = A_n "
                                            "keeps the complex pair")),
            var="n_h", start=2, description="some A_t with complex eigenvalues for every "
                                            "n_h >= 2"),
        symmetric_step(),
    ]


def parity_steps(flip_beta=2, damp_range=(0, 1)):
    """``flip_beta``: the claimed beta of a 1-bit (beta_t = flip_beta x_t, true: 2); the claimed
    range of beta where the sign never flips (true: [0, 1])."""
    b = og.beta_sym
    S = sp.Symbol("S", integer=True)
    p, q = sp.symbols("p q", nonnegative=True)
    fb = sp.nsimplify(flip_beta)
    lo, hi = (sp.nsimplify(v) for v in damp_range)
    f0, f1 = 1 - fb * 0, 1 - fb * 1   # the 1-D transition 1 - beta_t k^2 with k = 1
    flips = ev.induction(
        ev.argument([ev.identity(f0, (-1) ** 0, description="x_1 = 0: 1 - 2 x_1 = 1 = (-1)^0"),
                     ev.identity(f1, (-1) ** 1, description="x_1 = 1: 1 - 2 x_1 = -1 = (-1)^1")],
                    "T = 1: 1 - 2 x_1 = (-1)^(x_1), both values of x_1"),
        ev.argument([ev.identity((-1) ** S * f0, (-1) ** (S + 0),
                                 description="x = 0: (-1)^S (1 - 2x) = (-1)^(S + x)"),
                     ev.identity((-1) ** S * f1, (-1) ** (S + 1),
                                 description="x = 1: (-1)^S (1 - 2x) = (-1)^(S + x)")],
                    "prod_{t<=T} = (-1)^S, S = x_1 + ... + x_T  =>  times (1 - 2 x_(T+1)) it is "
                                     "(-1)^(S + x_(T+1)), symbolic integer S"),
        var="T", start=1, description="prod_{t<=T} (1 - 2 x_t) = (-1)^(sum x_t) for every T")
    factor = [ev.sign_fact(1 - b, b, lo, hi, statement="1 - beta > 0 for 0 < beta < 1"),
              ev.identity((1 - b).subs(b, lo), 1, description="1 - beta = 1 at beta = 0"),
              ev.identity((1 - b).subs(b, hi), 0,
                          description="1 - beta = 0 at beta = 1 (the state is zeroed)")]
    never = ev.induction(
        ev.argument(factor, "T = 1: 1 - beta_1 >= 0 for beta_1 in [0, 1]"),
        ev.argument([*factor, ev.positivity(p * q, strict=False,
                                            description="p q >= 0 for p, q >= 0")],
                    "prod_{t<=T} = p >= 0 and q = 1 - beta_(T+1) >= 0 give p q >= 0"),
        var="T", start=1, description="prod_{t<=T} (1 - beta_t) >= 0 for beta_t in [0, 1]: the "
                                      "sign never flips")
    return [flips, never]


def wy_steps(reversed_form: bool = False):
    """Exact steps: the WY expression equals the product in recurrence order (or, with
    ``reversed_form``, the spec's expression equals the product in recurrence order -- false)."""
    steps = []
    for C, d in ((2, 2), (3, 2), (2, 3)):
        K = sp.Matrix(C, d, lambda i, j: sp.Symbol(f"k{i}_{j}", real=True))
        bs = sp.symbols(f"beta0:{C}", real=True)
        prod = sp.eye(d)
        for i in range(C):
            prod = prod * og.householder(K.row(i).T, bs[i])
        lhs = og.wy_reversed(K, bs) if reversed_form else og.wy_product(K, bs)
        steps.append(ev.identity(lhs, prod, description=f"C={C}, d={d}: WY = A_1 ... A_C",
                                 at={"C": [C]}))
        if not reversed_form:
            rev = sp.eye(d)
            for i in reversed(range(C)):
                rev = rev * og.householder(K.row(i).T, bs[i])
            steps.append(ev.identity(og.wy_reversed(K, bs), rev,
                                     description=f"C={C}, d={d}: spec's expression = "
                                                 "A_C ... A_1", at={"C": [C]}))
    return steps


def wy_general(mutation: str = ""):
    """Induction on the chunk length ``C`` (every ``C``, every ``d``): the WY form is the product
    in recurrence order, and its transpose, the spec's expression, the reversed product.
    ``mutation`` (``"order"``, ``"beta"``) plants a wrong induction step (for tests)."""
    st = og.wy_step_free(mutation)
    base_left, base_right = og.wy_base_free()
    f = og.deltanet_free()
    Tp, Tpi = mf.nc_symbols("T' T'^-1")
    step = ev.argument([
        ev.identity(st.lower_block, st.lower_claimed,
                    description=nc_note("K_C = [K'; k^T]: the row-C block of diag(beta) K K^T "
                                        "left of the diagonal is beta_C k^T K'^T, so T_C = [T', "
                                        "0; beta_C k^T K'^T, 1]")),
        ev.identity(st.T_Tinv, sp.Matrix([[Tp * Tpi, 0], [0, 1]]),
                    description=nc_note("T_C [T'^-1, 0; -beta_C k^T K'^T T'^-1, 1] = diag(T' "
                                        "T'^-1, 1) = I: the block inverse of the square T_C")),
        ev.identity(st.left, st.right,
                    description=nc_note("W_C = T_C^-1 diag(beta) K_C = [W'; beta_C k^T (I - K'^T "
                                        "W')]: I - W_C^T K_C = (I - W'^T K')(I - beta_C k k^T) = "
                                        "A_1 ... A_(C-1) A_C")),
    ], "step C - 1 -> C")
    return [
        ev.induction(ev.identity(base_left, base_right,
                                 description=nc_note("C = 1: T = I, W = beta_1 k_1^T, I - W^T K = "
                                                     "I - beta_1 k_1 k_1^T")),
                     step, var="C", start=1,
                     description="prod_{i=1}^C (I - beta_i k_i k_i^T) = I - W^T K for every C"),
        ev.identity(st.reversed_left, st.reversed_right,
                    description=nc_note("(I - W^T K)^T = I - K^T W = I - K^T T^-1 diag(beta) K")),
        ev.identity(mf.nc_transpose(1 - f.beta * f.k * f.kt, {f.k: f.kt}), 1 - f.beta * f.k * f.kt,
                    description=nc_note("each factor is symmetric, so (A_1 ... A_C)^T = A_C ... "
                                        "A_1: the spec's expression is the reversed product")),
    ]


