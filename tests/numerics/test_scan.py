"""Tests of the S6 selective-scan kernels: fast kernel vs plain-loop reference vs NumPy,
analytic gradients vs finite differences, seeded chunked Monte-Carlo, validation."""

import math

import numba
import numpy as np
import pytest

from numerics import scan

CONFIGS = [(3, 4, 7, "zoh", math.log(2)), (2, 3, 5, "euler", 1.3), (1, 1, 1, "zoh", 0.2),
           (5, 8, 12, "euler", math.log(2))]


def _setup(d, dh, N, seed=0, n=23):
    p = scan.S6Params.gaussian(d, dh, scale=0.7, seed=seed)
    X, y, _ = scan.sample_prompts(n, d, N, seed=seed + 1, sigma=0.3)
    return p, X, y


@pytest.mark.parametrize("d,dh,N,disc,kappa", CONFIGS)
def test_forward_fast_equals_reference(d, dh, N, disc, kappa):
    p, X, _ = _setup(d, dh, N)
    ref = scan.predict_reference(X, p, kappa=kappa, discretisation=disc)
    fast = scan.predict(X, p, kappa=kappa, discretisation=disc)
    vec = scan.predict_numpy(X, p, kappa=kappa, discretisation=disc)
    scale = np.abs(ref).max()
    assert np.abs(fast - ref).max() <= 1e-12 * scale
    assert np.abs(vec - ref).max() <= 1e-12 * scale


@pytest.mark.parametrize("d,dh,N,disc,kappa", CONFIGS)
def test_gradients_fast_numpy_reference(d, dh, N, disc, kappa):
    p, X, y = _setup(d, dh, N)
    lr, gr = scan.loss_grad_reference(X, y, p, kappa=kappa, discretisation=disc)
    lf, gf = scan.loss_grad(X, y, p, kappa=kappa, discretisation=disc)
    ln, gn = scan.loss_grad_numpy(X, y, p, kappa=kappa, discretisation=disc)
    scale = np.abs(gr.vector()).max()
    assert abs(lf - lr) <= 1e-12 * lr and abs(ln - lr) <= 1e-12 * lr
    assert np.abs(gf.vector() - gr.vector()).max() <= 1e-12 * scale
    assert np.abs(gn.vector() - gr.vector()).max() <= 1e-12 * scale
    assert np.all(gf.c == 0.0)  # the query's y-entry is 0: c gets exactly no gradient


@pytest.mark.parametrize("disc", ["zoh", "euler"])
def test_gradient_matches_central_differences(disc):
    p, X, y = _setup(2, 3, 6, seed=4, n=9)
    _, g = scan.loss_grad(X, y, p, kappa=0.9, discretisation=disc)
    v, h = p.vector(), 1e-5
    fd = np.empty_like(v)
    for i in range(v.size):
        e = np.zeros_like(v)
        e[i] = h
        up = scan.loss_grad_reference(X, y, p.with_vector(v + e), kappa=0.9,
                                      discretisation=disc)[0]
        dn = scan.loss_grad_reference(X, y, p.with_vector(v - e), kappa=0.9,
                                      discretisation=disc)[0]
        fd[i] = (up - dn) / (2 * h)
    rel = np.abs(fd - g.vector()).max() / np.abs(g.vector()).max()
    assert rel < 1e-6
    # the check can fail: a gradient off by 1% is caught
    assert np.abs(fd - 1.01 * g.vector()).max() / np.abs(g.vector()).max() > 1e-3


def test_forward_reference_all_channels_consistent():
    p, X, _ = _setup(2, 2, 4, n=3)
    out = scan.forward_reference(X, p)
    assert out.shape == (3, 5, 3)
    assert np.array_equal(out[:, -1, -1], scan.predict_reference(X, p))


def test_thread_count_does_not_change_results():
    p, X, y = _setup(3, 4, 9, n=1000)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a1, g1 = scan.loss_grad(X, y, p)
        y1 = scan.predict(X, p)
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        a2, g2 = scan.loss_grad(X, y, p)
        y2 = scan.predict(X, p)
    finally:
        numba.set_num_threads(old)
    assert a1 == a2 and np.array_equal(g1.vector(), g2.vector()) and np.array_equal(y1, y2)


def test_mc_loss_bitwise_identical_for_every_chunk():
    p = scan.S6Params.gaussian(2, 2, scale=0.5, seed=3)
    n = 2 * scan.BLOCK + 123
    runs = [scan.mc_loss(p, 6, n, seed=11, chunk=c) for c in (1, scan.BLOCK, 5000, 10**7)]
    assert all(r == runs[0] for r in runs)
    assert runs[0].n == n and runs[0].ci[0] < runs[0].mean < runs[0].ci[1]
    other = scan.mc_loss(p, 6, n, seed=12)
    assert other.mean != runs[0].mean


def test_sample_prompts_blocks_do_not_depend_on_n():
    X1, y1, w1 = scan.sample_prompts(scan.BLOCK, 2, 3, seed=5)
    X2, y2, _ = scan.sample_prompts(scan.BLOCK + 7, 2, 3, seed=5)
    assert np.array_equal(X1, X2[: scan.BLOCK]) and np.array_equal(y1, y2[: scan.BLOCK])
    X3, _, _ = scan.sample_prompts(7, 2, 3, seed=5, first_block=1)
    assert np.array_equal(X3, X2[scan.BLOCK:])
    assert np.all(X1[:, -1, -1] == 0.0)
    assert np.allclose(y1, np.einsum("nd,nd->n", X1[:, -1, :2], w1))


@pytest.mark.parametrize("value", [np.inf, -np.inf, np.nan])
def test_fast_kernels_refuse_a_non_finite_prompt_in_any_chunk(value):
    """The fast kernels test finiteness themselves while loading each chunk of prompts."""
    p, X, y = _setup(2, 2, 4, n=100)
    X = X.copy()
    X[97, 2, 1] = value  # in the last chunk of 32 prompts
    with pytest.raises(ValueError, match="non-finite"):
        scan.predict(X, p)
    with pytest.raises(ValueError, match="non-finite"):
        scan.loss_grad(X, y, p)


def test_mc_loss_zero_predictor_is_d_over_2():
    p = scan.S6Params.from_blocks(P=np.zeros((3, 3)), Q=np.zeros((3, 3)))
    r = scan.mc_loss(p, 4, 40_000, seed=1)
    assert r.contains(1.5) and abs(r.mean - 1.5) < 5 * r.stderr


@pytest.mark.parametrize("bad,match", [
    (lambda p, X: scan.predict(X[:, :, :2], p), "token width"),
    (lambda p, X: scan.predict(X[:, :1], p), "N >= 1"),
    (lambda p, X: scan.predict(np.where(X == X[0, 0, 0], np.nan, X), p), "non-finite"),
    (lambda p, X: scan.predict(X, p, kappa=-1.0), "kappa"),
    (lambda p, X: scan.predict(X, p, discretisation="rk4"), "discretisation"),
    (lambda p, X: scan.loss_grad(X, np.zeros(3), p), "targets"),
    (lambda p, X: scan.S6Params(np.zeros((2, 3)), np.zeros((3, 3))), "W_C"),
    (lambda p, X: scan.mc_loss(p, 4, 1), "n must be"),
    (lambda p, X: scan.train(p, 4, steps=1, eta=1.0, trained=("P", "W")), "unknown trained"),
])
def test_validation_messages(bad, match):
    p, X, _ = _setup(2, 2, 4, n=5)
    with pytest.raises(ValueError, match=match):
        bad(p, X)


def test_train_masks_untrained_parts_and_learns():
    p0 = scan.S6Params.gaussian(2, 2, scale=0.3, seed=2)
    run = scan.train(p0, 10, steps=30, eta=1.0, batch=1024, trained=("P", "Q"), fresh=False,
                     record=True)
    assert np.array_equal(run.params.v, p0.v) and np.array_equal(run.params.b_B, p0.b_B)
    assert not np.array_equal(run.params.P, p0.P)
    assert run.loss[-1] < run.loss[0] and len(run.history) == 31


def test_readout_path_matches_recursion():
    rng = np.random.default_rng(0)
    p = scan.S6Params.from_blocks(P=rng.standard_normal((3, 2)), Q=rng.standard_normal((3, 2)))
    X, _, _ = scan.sample_prompts(1, 2, 8, seed=0)
    a, c = scan.gate_factors(8)
    G = p.Q.T @ p.P
    w = np.zeros(2)
    path = scan.readout_path(X[0], p)
    for ll in range(8):
        w = a * w + c * G @ X[0, ll, :2] * X[0, ll, 2]
        assert np.allclose(path[ll + 1], w, rtol=1e-13, atol=1e-14)
    assert np.isclose(scan.predict(X, p)[0], X[0, -1, :2] @ path[-1], rtol=1e-12)


def test_generic_and_shape_specialised_kernels_agree_bitwise():
    """Small batches run the generic kernels, large ones the shape-specialised pair: every prompt
    must get exactly the same numbers either way."""
    p, X, y = _setup(3, 4, 6, n=scan.SPECIALISE_FROM + 100)
    big = scan.predict(X, p)
    small = np.concatenate([scan.predict(X[i:i + 1000], p) for i in range(0, X.shape[0], 1000)])
    assert big.tobytes() == small.tobytes()
    n = scan.SPECIALISE_FROM
    assert scan._kernels_for(n, 4, 4) is not scan._kernels_for(n - 1, 4, 4)
    per_prompt_a = scan._loss_grad_raw(X[:n], y[:n], p, *scan.gate_factors(6))[0]
    per_prompt_b = np.concatenate([scan._loss_grad_raw(X[i:i + 512], y[i:i + 512], p,
                                                       *scan.gate_factors(6))[0]
                                   for i in range(0, n, 512)])
    assert per_prompt_a.tobytes() == per_prompt_b.tobytes()
