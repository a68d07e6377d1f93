"""DeltaNet / DeltaProduct derivations and the order of the WY product."""

import sympy as sp

from theory.models import online_gd as og


def test_deltanet_is_a_gd_step():
    dn = og.deltanet(3, 2)
    assert (dn.S_next - dn.closed).applyfunc(sp.expand).is_zero_matrix


def test_unit_vector_and_householder_eigs():
    k = og.unit_vector(3)
    assert sp.simplify((k.T * k)[0]) == 1
    z, b = sp.Symbol("z"), og.beta_sym
    cp = sp.factor(og.householder(k, b).charpoly(z).as_expr())
    assert sp.expand(cp - (z - 1 + b) * (z - 1) ** 2) == 0


def test_wy_order():
    K = sp.Matrix([[1, 2], [0, 1], [3, -1]])
    bs = [sp.Rational(1, 2), 2, sp.Rational(1, 3)]
    fwd = sp.eye(2)
    for i in range(3):
        fwd = fwd * og.householder(K.row(i).T, bs[i])
    rev = sp.eye(2)
    for i in reversed(range(3)):
        rev = rev * og.householder(K.row(i).T, bs[i])
    assert og.wy_product(K, bs) == fwd
    assert og.wy_reversed(K, bs) == rev
    assert og.wy_reversed(K, bs) != fwd   # the spec's formula is not the in-order product


def test_deltaproduct_token():
    Hn, A, B, H = og.deltaproduct_token(3, 2)
    assert (Hn - (H * A + B)).applyfunc(sp.expand).is_zero_matrix
