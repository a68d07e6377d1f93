"""Parity of numerics.delta_scan with theory.models.online_gd.

The scans type the DeltaNet step ``S <- S (I - beta k k^T) + beta v k^T`` again (reference,
Numba kernel, chunked WY form, DeltaProduct, Householder products); here they are compared with
theory's map, derived by one GD step on ``1/2 |S k - v|^2`` (:func:`og.deltanet`), iterated
exactly over Q on random dyadic sequences (exact in float64), and with theory's DeltaProduct token
and Householder factors. A perturbed theory map (a GD step of ``1.1 beta``, or the factors in
reverse order) must fail the same comparison.

Tolerance: inputs are exact in float64 and every scan only rounds; with keys of norm <= 1 and
betas in [0, 2] each step has norm <= 1 plus ``|beta v k^T|``, so over T <= 12 steps the error
stays below ``~T (d + 1) eps |S|``; 1e-12 relative to the largest output leaves a factor ~100.
"""

import random

import numpy as np
import pytest
import sympy as sp

from numerics import delta_scan as ds
from theory.models import online_gd as og

TOL = 1e-12


def _dyadic(rng, lo, hi, bits=5):
    return sp.Rational(round(rng.uniform(lo, hi) * 2**bits), 2**bits)


def _sequence(seed, T=10, d_k=3, d_v=2):
    """Random dyadic ``q, k, v, beta`` with ``|k| <= 1`` (the scans' regime) and ``S0``."""
    rng = random.Random(seed)
    q = sp.Matrix(T, d_k, lambda *_: _dyadic(rng, -1, 1))
    k = sp.Matrix(T, d_k, lambda *_: _dyadic(rng, -0.55, 0.55))
    v = sp.Matrix(T, d_v, lambda *_: _dyadic(rng, -1, 1))
    beta = [_dyadic(rng, 0, 2) for _ in range(T)]
    S0 = sp.Matrix(d_v, d_k, lambda *_: _dyadic(rng, -1, 1))
    return q, k, v, beta, S0


def _theory_scan(q, k, v, beta, S0, step_scale=1):
    """Outputs and final state from theory's derived DeltaNet map, iterated exactly."""
    dn = og.deltanet(k.cols, v.cols)
    S = S0
    outs = []
    for t in range(k.rows):
        at = {**dict(zip(dn.S, S, strict=True)), **dict(zip(dn.k, k.row(t), strict=True)),
              **dict(zip(dn.v, v.row(t), strict=True)), dn.beta: step_scale * beta[t]}
        S = dn.S_next.xreplace(at)
        outs.append((S * q.row(t).T).T)
    return np.array(sp.Matrix.vstack(*outs).tolist(), dtype=float), \
        np.array(S.tolist(), dtype=float)


def _floats(*mats):
    return [np.array(sp.Matrix(m).tolist(), dtype=float) for m in mats]


def _rel(a, b):
    return float(np.abs(a - b).max() / max(1.0, np.abs(b).max()))


@pytest.mark.parametrize("seed", range(4))
def test_deltanet_scans_match_the_derived_map(seed):
    q, k, v, beta, S0 = _sequence(seed)
    outs_exact, S = _theory_scan(q, k, v, beta, S0)
    qf, kf, vf, S0f = _floats(q, k, v, S0)
    bf = np.array([float(b) for b in beta])
    o1, s1 = ds.deltanet_reference(qf, kf, vf, bf, S0=S0f)
    o2, s2 = ds.deltanet_scan(qf[None], kf[None], vf[None], bf[None], S0f[None])
    o3, s3 = ds.deltanet_chunked(qf, kf, vf, bf, chunk=4, S0=S0f)
    for o, s in ((o1, s1), (o2[0], s2[0]), (o3, s3)):
        assert _rel(o, outs_exact) < TOL and _rel(s, S) < TOL


def test_a_perturbed_derived_map_fails_the_parity():
    q, k, v, beta, S0 = _sequence(0)
    outs_exact, S = _theory_scan(q, k, v, beta, S0, step_scale=sp.Rational(11, 10))
    qf, kf, vf, S0f = _floats(q, k, v, S0)
    o1, s1 = ds.deltanet_reference(qf, kf, vf, np.array([float(b) for b in beta]), S0=S0f)
    assert _rel(o1, outs_exact) > 1e-3 and _rel(s1, S) > 1e-3


@pytest.mark.parametrize("n_h", [2, 3])
def test_deltaproduct_matches_theory_token(n_h):
    d, d_v, T = 3, 2, 3
    rng = random.Random(n_h)
    Hn, A, B, H = og.deltaproduct_token(n_h, d, d_v)
    syms = sorted(Hn.free_symbols - set(H), key=lambda s: s.name)
    state = sp.Matrix(d_v, d, lambda *_: _dyadic(rng, -1, 1))
    ks = np.zeros((T, n_h, d))
    vs = np.zeros((T, n_h, d_v))
    bs = np.zeros((T, n_h))
    qs = np.array([[float(_dyadic(rng, -1, 1)) for _ in range(d)] for _ in range(T)])
    S0 = np.array(state.tolist(), dtype=float)
    outs = []
    for t in range(T):
        val = {s: (_dyadic(rng, 0, 2) if s.name.startswith("beta") else _dyadic(rng, -0.55, 0.55))
               for s in syms}
        for s, x in val.items():
            name = s.name
            if name.startswith("beta"):
                bs[t, int(name[4:])] = float(x)
            elif name.startswith("k"):
                j, i = name[1:].split("_")
                ks[t, int(j), int(i)] = float(x)
            else:
                j, i = name[1:].split("_")
                vs[t, int(j), int(i)] = float(x)
        # theory: the token as n_h steps, and as H A + B (both must agree with the scans)
        after = Hn.xreplace({**dict(zip(H, state, strict=True)), **val})
        assert after == (state * A + B).xreplace(val)
        state = after
        outs.append(np.array((state * sp.Matrix(qs[t].tolist()).applyfunc(sp.nsimplify))
                             .T.tolist(), dtype=float)[0])
    outs_exact = np.array(outs)
    o1, h1 = ds.deltaproduct_reference(qs, ks, vs, bs, S0=S0)
    o2, h2 = ds.deltaproduct_scan(qs, ks, vs, bs, S0=S0, chunk=2)
    for o, h in ((o1, h1), (o2, h2)):
        assert _rel(o, outs_exact) < TOL and _rel(h, np.array(state.tolist(), dtype=float)) < TOL


def test_householder_product_matches_theory_and_order_matters():
    rng = random.Random(5)
    K = sp.Matrix(3, 3, lambda *_: _dyadic(rng, -0.55, 0.55))
    beta = [_dyadic(rng, 0, 2) for _ in range(3)]
    in_order = og.householder(K.row(0).T, beta[0]) * og.householder(K.row(1).T, beta[1]) \
        * og.householder(K.row(2).T, beta[2])
    Kf, = _floats(K)
    bf = [float(b) for b in beta]
    assert _rel(ds.householder_product(Kf, bf), np.array(in_order.tolist(), dtype=float)) < TOL
    assert _rel(ds.householder_product(Kf, bf, reverse=True),
                np.array(in_order.tolist(), dtype=float)) > 1e-3
    # theory's WY form of the same product (chunked scans rest on it)
    assert _rel(ds.householder_product(Kf, bf),
                np.array(og.wy_product(K, beta).tolist(), dtype=float)) < TOL
