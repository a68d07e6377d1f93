"""DeltaNet / DeltaProduct scans: reference vs Numba vs chunked WY; parity."""

import numpy as np
import pytest

from numerics import delta_scan as ds


def _seq(rng, T, dk, dv):
    k = rng.standard_normal((T, dk))
    k /= np.linalg.norm(k, axis=1, keepdims=True)
    return rng.standard_normal((T, dk)), k, rng.standard_normal((T, dv)), rng.uniform(0, 2, T)


@pytest.mark.parametrize("chunk", [1, 3, 16, 100])
def test_chunked_equals_reference(chunk):
    rng = np.random.default_rng(chunk)
    q, k, v, b = _seq(rng, 77, 5, 3)
    S0 = rng.standard_normal((3, 5))
    O1, S1 = ds.deltanet_reference(q, k, v, b, S0=S0)
    O2, S2 = ds.deltanet_chunked(q, k, v, b, chunk=chunk, S0=S0)
    assert np.abs(O1 - O2).max() < 1e-12 and np.abs(S1 - S2).max() < 1e-12


def test_numba_equals_reference_batched():
    rng = np.random.default_rng(0)
    seqs = [_seq(rng, 40, 4, 2) for _ in range(3)]
    q, k, v, b = (np.stack([s[i] for s in seqs]) for i in range(4))
    out, S = ds.deltanet_scan(q, k, v, b)
    for i in range(3):
        Or, Sr = ds.deltanet_reference(q[i], k[i], v[i], b[i])
        assert np.abs(out[i] - Or).max() < 1e-13 and np.abs(S[i] - Sr).max() < 1e-13


def test_deltaproduct_paths_agree():
    rng = np.random.default_rng(5)
    k = rng.standard_normal((20, 3, 4))
    k /= np.linalg.norm(k, axis=2, keepdims=True)
    v = rng.standard_normal((20, 3, 2))
    q = rng.standard_normal((20, 4))
    b = rng.uniform(0, 2, (20, 3))
    ref, Sr = ds.deltaproduct_reference(q, k, v, b)
    for chunk in (None, 4, 60):
        out, S = ds.deltaproduct_scan(q, k, v, b, chunk=chunk)
        assert np.abs(out - ref).max() < 1e-12 and np.abs(S - Sr).max() < 1e-12


def test_wy_order_numerically():
    rng = np.random.default_rng(2)
    K = rng.standard_normal((4, 3))
    b = rng.uniform(0, 2, 4)
    T = np.eye(4) + np.tril(b[:, None] * (K @ K.T), -1)
    W = np.linalg.solve(T, b[:, None] * K)
    fwd = ds.householder_product(K, b)
    assert np.allclose(np.eye(3) - W.T @ K, fwd, atol=1e-13)
    spec_form = np.eye(3) - K.T @ W
    assert np.allclose(spec_form, ds.householder_product(K, b, reverse=True), atol=1e-13)
    assert not np.allclose(spec_form, fwd, atol=1e-3)


def test_parity():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 2, 500)
    assert np.array_equal(ds.parity_signs(x), (-1.0) ** np.cumsum(x))
    assert np.all(ds.parity_signs(x, "damp") > 0)
    with pytest.raises(ValueError, match="mode"):
        ds.parity_signs(x, "other")


def test_bad_shapes():
    with pytest.raises(ValueError, match="shapes"):
        ds.deltanet_reference(np.ones((3, 2)), np.ones((3, 2)), np.ones((2, 1)), np.ones(3))
