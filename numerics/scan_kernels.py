"""The fast S6 scan kernels (see :mod:`numerics.scan`).

Imported as it stands, this module gives the generic kernels: the token width ``D`` and state size
``DH`` are read from the arrays. For large batches :func:`numerics.scan._kernels` copies this file
into the kernel cache once per shape with every line marked ``# replaced per shape`` turned into
``D = <number>`` or ``DH = <number>``, so that they are compile-time constants there: LLVM unrolls
the loops over them, each lane's states and inputs stay in registers, and the loop over the lanes
(prompts advanced side by side) vectorises. Both copies run the same code, so they give bitwise
the same results.
"""
import numpy as np
from numba import prange

from numerics.numba_cache import guard
from numerics.vector_width import njit

guard(__file__)  # Numba's cache of these kernels under the kernel cache, checked


@njit(cache=True, inline="always")  # inlined: the call boundary blocks vectorisation
def load(X, start, stop, xt):  # pragma: no cover - compiled
    """Copy prompts start:stop into xt[token, feature, lane]; NaN returned iff any is not finite."""
    L = X.shape[1]
    D = X.shape[2]  # replaced per shape
    poison = 0.0
    for i in range(stop - start):
        for ll in range(L):
            for k in range(D):
                v = X[start + i, ll, k]
                xt[ll, k, i] = v
                poison += v * 0.0  # stays 0 unless v is inf or NaN
    return poison


@njit(cache=True, inline="always")
def scan(xt, m, WB, bB, WC, bC, a, cf, h, C):  # pragma: no cover - compiled
    L = xt.shape[0]
    D = xt.shape[1]  # replaced per shape
    DH = h.shape[0]  # replaced per shape
    for j in range(DH):
        for i in range(m):
            h[j, i] = 0.0
    for ll in range(L):
        for i in range(m):
            y = xt[ll, D - 1, i]
            for j in range(DH):
                acc = bB[j]
                for k in range(D):
                    acc += WB[j, k] * xt[ll, k, i]
                h[j, i] = a * h[j, i] + cf * acc * y
    for i in range(m):
        for j in range(DH):
            acc = bC[j]
            for k in range(D):
                acc += WC[j, k] * xt[L - 1, k, i]
            C[j, i] = acc


@njit(parallel=True, cache=True)
def predict_kernel(X, WB, bB, WC, bC, a, cf, lanes, out, bad):  # pragma: no cover - compiled
    n, L, _ = X.shape
    D = X.shape[2]  # replaced per shape
    DH = WB.shape[0]  # replaced per shape
    nchunks = (n + lanes - 1) // lanes
    for b in prange(nchunks):
        start = b * lanes
        stop = min(n, start + lanes)
        m = stop - start
        xt = np.empty((L, D, lanes))
        h = np.empty((DH, lanes))
        C = np.empty((DH, lanes))
        poison = load(X, start, stop, xt)
        bad[b] = poison != poison
        scan(xt, m, WB, bB, WC, bC, a, cf, h, C)
        for i in range(m):
            s = 0.0
            for j in range(DH):
                s += C[j, i] * h[j, i]
            out[start + i] = s


@njit(parallel=True, cache=True)
def loss_grad_kernel(X, y, WB, bB, WC, bC, a, cf, lanes,
                     losses, gWB, gbB, gWC, gbC, bad):  # pragma: no cover - compiled
    n, L, _ = X.shape
    D = X.shape[2]  # replaced per shape
    DH = WB.shape[0]  # replaced per shape
    nchunks = gWB.shape[0]
    for b in prange(nchunks):
        start = b * lanes
        stop = min(n, start + lanes)
        m = stop - start
        xt = np.empty((L, D, lanes))
        h = np.empty((DH, lanes))
        C = np.empty((DH, lanes))
        r = np.empty(lanes)
        lam = np.empty((DH, lanes))
        poison = load(X, start, stop, xt)
        bad[b] = poison != poison
        scan(xt, m, WB, bB, WC, bC, a, cf, h, C)
        for i in range(m):
            s = 0.0
            for j in range(DH):
                s += C[j, i] * h[j, i]
            r[i] = s - y[start + i]
            losses[start + i] = 0.5 * r[i] * r[i]
        # dL/dC_{N+1} = r h_{N+1};  adjoint of h_{N+1}: lam = r C_{N+1}
        for j in range(DH):
            g = 0.0
            for i in range(m):
                g += r[i] * h[j, i]
            gbC[b, j] = g
            for k in range(D):
                g = 0.0
                for i in range(m):
                    g += r[i] * h[j, i] * xt[L - 1, k, i]
                gWC[b, j, k] = g
            for i in range(m):
                lam[j, i] = r[i] * C[j, i]
        # reverse sweep: dL/dB_l = c y_l lam_l, lam_{l-1} = a lam_l; per-lane accumulators,
        # reduced over the lanes once per chunk
        gB = np.zeros((DH, D, lanes))
        gb = np.zeros((DH, lanes))
        acc = np.empty(lanes)
        for ll in range(L - 1, -1, -1):
            for j in range(DH):
                for i in range(m):
                    acc[i] = cf * xt[ll, D - 1, i] * lam[j, i]
                    gb[j, i] += acc[i]
                    lam[j, i] *= a
                for k in range(D):
                    for i in range(m):
                        gB[j, k, i] += acc[i] * xt[ll, k, i]
        for j in range(DH):
            g = 0.0
            for i in range(m):
                g += gb[j, i]
            gbB[b, j] = g
            for k in range(D):
                g = 0.0
                for i in range(m):
                    g += gB[j, k, i]
                gWB[b, j, k] = g
