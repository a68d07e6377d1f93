"""The selective-scan (S6, Mamba) layer of arXiv 2509.23779 on batches of ICL regression prompts.

A prompt is an array of ``N + 1`` tokens ``e_l = (x_l, y_l)`` in ``R^{d+1}``: ``N`` context tokens
and the query token ``(x_q, 0)``. One S6 layer with ``A = -I``, a fixed step ``Delta = kappa / N``
and input-dependent ``B_l = W_B e_l + b_B``, ``C_l = W_C e_l + b_C`` runs, for every channel ``k``
of the input, the recurrence

    h_l^(k) = a h_{l-1}^(k) + c B_l e_l[k],     o_l^(k) = C_l^T h_l^(k),     h_0 = 0,

with ``a = exp(-Delta)`` and ``c = 1 - a`` (zero-order hold, ZOH) or ``c = Delta`` (Euler). The
prediction is the y-channel output at the query, ``yhat = o_{N+1}^(d)``; the loss of a prompt is
``(yhat - y_q)^2 / 2``.

Three implementations, from the oracle to the fast path:

* ``*_reference``: plain Python loops, one prompt and one token at a time, every channel computed
  (the literal layer; the oracle of every other implementation);
* ``*_numpy``: NumPy vectorised over the batch, loop over tokens (the benchmark baseline);
* :func:`predict` and :func:`loss_grad`: Numba kernels (``prange`` over chunks of 32 prompts,
  the token recurrence inside, the 32 prompts of a chunk advanced side by side in the innermost
  loop so that LLVM vectorises across them; float64, no fastmath), computing only the y-channel
  that the prediction reads. Their source, :mod:`numerics.scan_kernels`, is compiled once per
  shape with the token width and state size as constants (copied to the kernel cache), and they
  test the prompts for non-finite values while loading them.

The backward pass is the adjoint of the recurrence: ``lambda_{N+1} = r C_{N+1}``,
``lambda_{l-1} = a lambda_l``, ``dL/dB_l = c e_l[y] lambda_l``, ``dL/dC_{N+1} = r h_{N+1}``.
Gradients are summed over fixed chunks of prompts and the chunks summed in order, so results are
bitwise identical whatever the number of threads.

Monte-Carlo losses (:func:`mc_loss`) draw prompts in fixed blocks of :data:`BLOCK` prompts, block
``b`` from ``SeedSequence(seed, spawn_key=(b,))``, and combine per-block sums exactly rounded
(:func:`numerics.exact_sum.fsum`, the value of ``math.fsum``):
the estimate is bitwise identical whatever the ``chunk`` size, and at most ``chunk`` prompts are in
memory at once.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numba
import numpy as np

from numerics import scan_kernels
from numerics.codegen import default_cache_dir, load_cached_module
from numerics.exact_sum import fsum
from numerics.vector_width import wide_vectors

__all__ = [
    "BLOCK",
    "DISCRETISATIONS",
    "MCLoss",
    "S6Params",
    "TrainResult",
    "forward_reference",
    "gate_factors",
    "loss_grad",
    "loss_grad_numpy",
    "loss_grad_reference",
    "mc_loss",
    "predict",
    "predict_numpy",
    "predict_reference",
    "readout_path",
    "sample_prompts",
    "train",
]

#: Prompts per random block (the unit of seeding and of summation).
BLOCK = 4096
#: Prompts advanced side by side (SIMD lanes) by the fast kernels; fixed, so that every sum is
#: taken in the same order whatever the number of threads. Measured (d = 5, N = 50, d_h = 8; the
#: kernels alone, all counts in one process): 48 lanes gave forward+backward 1.97-2.16 M prompts/s
#: against 1.72-1.95 M at 16 and 1.5-1.7 M at 32, 64 and 96, whose rows of a multiple of 256
#: bytes land on the same cache sets; the forward pass runs alike at 16, 24, 48 and 56.
_LANES = 48
DISCRETISATIONS = ("zoh", "euler")


# -- parameters and validation -------------------------------------------------------------------
def _finite_array(name: str, value, shape: tuple | None = None, ndim: int | None = None,
                  finite: bool = True):
    arr = np.asarray(value, dtype=np.float64)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if shape is not None and arr.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {arr.shape}")
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains non-finite values")
    return np.ascontiguousarray(arr)


@dataclass(frozen=True)
class S6Params:
    """Trainable parameters of the S6 layer: ``W_B, W_C`` (``d_h x (d+1)``), ``b_B, b_C`` (``d_h``).

    ``W_B = [P | v]`` and ``W_C = [Q | c]``: the first ``d`` columns act on ``x``, the last on
    ``y``. Arrays are validated (shapes, finite values) and stored as float64.

    Examples
    --------
    >>> p = S6Params.from_blocks(P=np.eye(2), Q=np.eye(2))
    >>> p.d, p.d_h, p.W_B.shape
    (2, 2, (2, 3))
    >>> p.P.tolist(), p.v.tolist()
    ([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0])
    """

    W_B: np.ndarray
    W_C: np.ndarray
    b_B: np.ndarray = field(default=None)
    b_C: np.ndarray = field(default=None)

    def __post_init__(self):
        W_B = _finite_array("W_B", self.W_B, ndim=2)
        d_h, D = W_B.shape
        if d_h < 1 or D < 2:
            raise ValueError(f"W_B must be d_h x (d+1) with d_h >= 1, d >= 1, got {W_B.shape}")
        W_C = _finite_array("W_C", self.W_C, shape=(d_h, D))
        b_B = np.zeros(d_h) if self.b_B is None else _finite_array("b_B", self.b_B, (d_h,))
        b_C = np.zeros(d_h) if self.b_C is None else _finite_array("b_C", self.b_C, (d_h,))
        for name, arr in (("W_B", W_B), ("W_C", W_C), ("b_B", b_B), ("b_C", b_C)):
            object.__setattr__(self, name, arr)

    @classmethod
    def from_blocks(cls, P, Q, v=None, c=None, b_B=None, b_C=None) -> S6Params:
        """Assemble ``W_B = [P | v]``, ``W_C = [Q | c]`` (missing vectors are zero)."""
        P = _finite_array("P", P, ndim=2)
        d_h = P.shape[0]
        v = np.zeros(d_h) if v is None else v
        c = np.zeros(d_h) if c is None else c
        Q = _finite_array("Q", Q, shape=P.shape)
        W_B = np.column_stack([P, _finite_array("v", v, (d_h,))])
        W_C = np.column_stack([Q, _finite_array("c", c, (d_h,))])
        return cls(W_B, W_C, b_B, b_C)

    @classmethod
    def gaussian(cls, d: int, d_h: int, *, scale: float = 1.0, seed: int = 0,
                 biases: bool = True) -> S6Params:
        """Gaussian start: every entry ``N(0, scale^2)`` (biases zero unless ``biases``)."""
        rng = np.random.default_rng(seed)
        W_B = scale * rng.standard_normal((d_h, d + 1))
        W_C = scale * rng.standard_normal((d_h, d + 1))
        if biases:
            return cls(W_B, W_C, scale * rng.standard_normal(d_h),
                       scale * rng.standard_normal(d_h))
        return cls(W_B, W_C)

    @property
    def d(self) -> int:
        """Dimension of the regression inputs x."""
        return self.W_B.shape[1] - 1

    @property
    def d_h(self) -> int:
        """State dimension of each channel."""
        return self.W_B.shape[0]

    @property
    def P(self) -> np.ndarray:
        return self.W_B[:, :-1]

    @property
    def v(self) -> np.ndarray:
        return self.W_B[:, -1]

    @property
    def Q(self) -> np.ndarray:
        return self.W_C[:, :-1]

    @property
    def c(self) -> np.ndarray:
        return self.W_C[:, -1]

    def vector(self) -> np.ndarray:
        """All parameters as one flat vector (order W_B, W_C, b_B, b_C)."""
        return np.concatenate([self.W_B.ravel(), self.W_C.ravel(), self.b_B, self.b_C])

    def with_vector(self, vec) -> S6Params:
        """Parameters of the same shapes read from a flat vector (inverse of :meth:`vector`)."""
        vec = np.asarray(vec, dtype=np.float64)
        n = self.W_B.size
        h = self.d_h
        if vec.shape != (2 * n + 2 * h,):
            raise ValueError(f"parameter vector must have length {2 * n + 2 * h}")
        return S6Params(vec[:n].reshape(self.W_B.shape), vec[n:2 * n].reshape(self.W_C.shape),
                        vec[2 * n:2 * n + h], vec[2 * n + h:])


def gate_factors(N: int, kappa: float = math.log(2.0), discretisation: str = "zoh"):
    """``(a, c)``: decay ``a = exp(-kappa/N)``, input factor (``1-a`` ZOH, ``Delta`` Euler).

    Examples
    --------
    >>> a, c = gate_factors(1, math.log(2.0))
    >>> round(a, 12), round(c, 12)
    (0.5, 0.5)
    >>> gate_factors(4, 2.0, "euler")[1]
    0.5
    """
    if isinstance(N, bool) or not isinstance(N, int | np.integer) or N < 1:
        raise ValueError(f"N must be a positive integer, got {N!r}")
    kappa = float(kappa)
    if not (math.isfinite(kappa) and kappa > 0):
        raise ValueError(f"kappa must be a finite positive number, got {kappa!r}")
    if discretisation not in DISCRETISATIONS:
        raise ValueError(f"discretisation {discretisation!r} is not one of 'zoh', 'euler'")
    delta = kappa / N
    a = math.exp(-delta)
    return a, (-math.expm1(-delta) if discretisation == "zoh" else delta)


def _check_prompts(prompts, params: S6Params, targets=None, finite: bool = True):
    """Validated float64 prompts (and targets); ``finite=False`` leaves the finiteness test of the
    prompts to the fast kernels, which read every value anyway."""
    X = _finite_array("prompts", prompts, ndim=3, finite=finite)
    if X.shape[2] != params.d + 1:
        raise ValueError(f"prompts have token width {X.shape[2]}, parameters expect d+1 = "
                         f"{params.d + 1}")
    if X.shape[1] < 2:
        raise ValueError(f"prompts need N >= 1 context tokens plus a query, got {X.shape[1]}")
    if targets is None:
        return X
    y = _finite_array("targets", targets, shape=(X.shape[0],))
    return X, y


# -- the literal reference: one prompt, one token, every channel --------------------------------
def forward_reference(prompts, params: S6Params, *, kappa: float = math.log(2.0),
                      discretisation: str = "zoh") -> np.ndarray:
    """All outputs ``o_l^(k)`` of the literal layer, shape ``(batch, N+1, d+1)`` (plain loops).

    Examples
    --------
    >>> p = S6Params.from_blocks(P=[[1.0]], Q=[[1.0]])
    >>> X = np.array([[[1.0, 2.0], [3.0, 0.0]]])          # N = 1: (x=1, y=2), query x=3
    >>> out = forward_reference(X, p)                      # a = c = 1/2 for kappa = ln 2, N = 1
    >>> float(out[0, -1, -1])                              # 3 * (1/2) * (1/2) * 2 * 1
    1.5
    """
    X = _check_prompts(prompts, params)
    n, L, D = X.shape
    a, cf = gate_factors(L - 1, kappa, discretisation)
    out = np.zeros((n, L, D))
    for p in range(n):
        h = [[0.0] * params.d_h for _ in range(D)]
        for ll in range(L):
            e = X[p, ll]
            B = [params.b_B[j] + sum(params.W_B[j, k] * e[k] for k in range(D))
                 for j in range(params.d_h)]
            C = [params.b_C[j] + sum(params.W_C[j, k] * e[k] for k in range(D))
                 for j in range(params.d_h)]
            for ch in range(D):
                h[ch] = [a * h[ch][j] + cf * B[j] * e[ch] for j in range(params.d_h)]
                out[p, ll, ch] = sum(C[j] * h[ch][j] for j in range(params.d_h))
    return out


def predict_reference(prompts, params: S6Params, *, kappa: float = math.log(2.0),
                      discretisation: str = "zoh") -> np.ndarray:
    """The prediction ``yhat`` (y-channel output at the query) of the literal reference layer.

    Examples
    --------
    >>> p = S6Params.from_blocks(P=[[1.0]], Q=[[1.0]])
    >>> predict_reference(np.array([[[1.0, 2.0], [3.0, 0.0]]]), p).tolist()
    [1.5]
    """
    return forward_reference(prompts, params, kappa=kappa, discretisation=discretisation)[:, -1, -1]


def loss_grad_reference(prompts, targets, params: S6Params, *, kappa: float = math.log(2.0),
                        discretisation: str = "zoh"):
    """Mean loss ``(yhat - y)^2 / 2`` and its gradient (an :class:`S6Params`), plain loops.

    The gradient is the adjoint of the y-channel recurrence (see the module docstring).

    Examples
    --------
    >>> p = S6Params.from_blocks(P=[[1.0]], Q=[[1.0]])
    >>> loss, g = loss_grad_reference(np.array([[[1.0, 2.0], [3.0, 0.0]]]), [1.0], p)
    >>> loss, g.W_C.tolist()                              # r = 0.5, h = 0.5*0.5*2*1 = 0.5
    (0.125, [[0.75, 0.0]])
    """
    X, y = _check_prompts(prompts, params, targets)
    n, L, D = X.shape
    dh = params.d_h
    a, cf = gate_factors(L - 1, kappa, discretisation)
    gWB, gWC = np.zeros((dh, D)), np.zeros((dh, D))
    gbB, gbC = np.zeros(dh), np.zeros(dh)
    total = 0.0
    for p in range(n):
        h = [0.0] * dh
        for ll in range(L):
            e = X[p, ll]
            for j in range(dh):
                B = params.b_B[j] + sum(params.W_B[j, k] * e[k] for k in range(D))
                h[j] = a * h[j] + cf * B * e[D - 1]
        eq = X[p, L - 1]
        C = [params.b_C[j] + sum(params.W_C[j, k] * eq[k] for k in range(D)) for j in range(dh)]
        r = sum(C[j] * h[j] for j in range(dh)) - y[p]
        total += 0.5 * r * r
        for j in range(dh):  # dL/dC_{N+1} = r h_{N+1}
            gbC[j] += r * h[j]
            for k in range(D):
                gWC[j, k] += r * h[j] * eq[k]
        lam = [r * C[j] for j in range(dh)]  # adjoint of h_{N+1}
        for ll in range(L - 1, -1, -1):
            e = X[p, ll]
            for j in range(dh):
                dB = cf * e[D - 1] * lam[j]
                gbB[j] += dB
                for k in range(D):
                    gWB[j, k] += dB * e[k]
            lam = [a * lj for lj in lam]
    grads = S6Params(gWB / n, gWC / n, gbB / n, gbC / n)
    return float(total / n), grads


# -- NumPy, vectorised over the batch (the benchmark baseline) ----------------------------------
def predict_numpy(prompts, params: S6Params, *, kappa: float = math.log(2.0),
                  discretisation: str = "zoh") -> np.ndarray:
    """Prediction with NumPy vectorised over prompts (token loop in Python), y-channel only.

    Examples
    --------
    >>> p = S6Params.from_blocks(P=[[1.0]], Q=[[1.0]])
    >>> predict_numpy(np.array([[[1.0, 2.0], [3.0, 0.0]]]), p).tolist()
    [1.5]
    """
    X = _check_prompts(prompts, params)
    return _predict_numpy(X, params, kappa, discretisation)[0]


def _predict_numpy(X, params, kappa, discretisation):
    n, L, D = X.shape
    a, cf = gate_factors(L - 1, kappa, discretisation)
    h = np.zeros((n, params.d_h))
    for ll in range(L):
        B = X[:, ll] @ params.W_B.T + params.b_B
        h = a * h + cf * B * X[:, ll, D - 1:D]
    C = X[:, L - 1] @ params.W_C.T + params.b_C
    return np.einsum("nj,nj->n", C, h), h, C, a, cf


def loss_grad_numpy(prompts, targets, params: S6Params, *, kappa: float = math.log(2.0),
                    discretisation: str = "zoh"):
    """Mean loss and gradient with NumPy vectorised over prompts (adjoint token loop in Python).

    Examples
    --------
    >>> p = S6Params.from_blocks(P=[[1.0]], Q=[[1.0]])
    >>> loss, g = loss_grad_numpy(np.array([[[1.0, 2.0], [3.0, 0.0]]]), [1.0], p)
    >>> loss, g.W_C.tolist()
    (0.125, [[0.75, 0.0]])
    """
    X, y = _check_prompts(prompts, params, targets)
    n, L, D = X.shape
    yhat, h, C, a, cf = _predict_numpy(X, params, kappa, discretisation)
    r = yhat - y
    dC = r[:, None] * h
    gWC = dC.T @ X[:, L - 1]
    gbC = dC.sum(axis=0)
    lam = r[:, None] * C
    gWB = np.zeros((params.d_h, D))
    gbB = np.zeros(params.d_h)
    for ll in range(L - 1, -1, -1):
        dB = cf * X[:, ll, D - 1:D] * lam
        gWB += dB.T @ X[:, ll]
        gbB += dB.sum(axis=0)
        lam = a * lam
    return 0.5 * float(r @ r) / n, S6Params(gWB / n, gWC / n, gbB / n, gbC / n)


# -- the fast kernels -----------------------------------------------------------------------------
# numerics/scan_kernels.py is written once with the token width D and state size DH as module
# constants; for each (D, DH) met, a copy with the numbers filled in goes to the kernel cache and is
# imported, so Numba compiles it once per machine (cache=True) and LLVM unrolls the loops over D
# and DH. Every element sees the same operations in the same order as the reference recurrence
# (B_j = b_j + sum_k W_jk e_k, left to right), whatever the chunking.


# The generic kernels (numerics/scan_kernels.py imported as it stands, compiled once per machine)
# serve small batches, where compiling a shape-specialised copy (about 10 s) would cost more than
# it saves.
SPECIALISE_FROM = 8192


def _kernels_for(n: int, D: int, DH: int):
    """The kernel pair for ``n`` prompts: shape-specialised for large batches, else generic."""
    if n >= SPECIALISE_FROM:
        return _kernels(D, DH)
    return scan_kernels.predict_kernel, scan_kernels.loss_grad_kernel


@functools.cache
def _kernels(D: int, DH: int):
    """``(predict_kernel, loss_grad_kernel)`` for token width ``D`` and state size ``DH``."""
    template = Path(__file__).with_name("scan_kernels.py").read_text()
    text, count = re.subn(r"^( *)(D|DH) = [^\n#]*# replaced per shape$",
                          lambda m: f"{m[1]}{m[2]} = {int(D) if m[2] == 'D' else int(DH)}",
                          template, flags=re.MULTILINE)
    if count != 7:
        raise RuntimeError(f"numerics/scan_kernels.py: {count} '# replaced per shape' lines, not 7")
    # the vector width is in the key: Numba's cache of the copy holds one width's machine code
    salt = f"{numba.__version__} wide={wide_vectors()}"
    key = hashlib.sha256((text + salt).encode()).hexdigest()[:24]
    # sealed like every generated kernel: a truncated copy is rebuilt, never imported
    module = load_cached_module(default_cache_dir() / f"dv_scan_{key}.py",
                                f"_dynverify_scan_{key}", key, lambda: text)
    return module.predict_kernel, module.loss_grad_kernel


def predict(prompts, params: S6Params, *, kappa: float = math.log(2.0),
            discretisation: str = "zoh") -> np.ndarray:
    """Prediction ``yhat`` for every prompt, fast Numba kernel (parallel over prompts).

    Parameters
    ----------
    prompts : array (batch, N+1, d+1); the last token is the query ``(x_q, 0)``.
    params : :class:`S6Params`.
    kappa : ``Delta = kappa / N`` (paper: ln 2).
    discretisation : ``"zoh"`` or ``"euler"``.

    Examples
    --------
    >>> p = S6Params.from_blocks(P=[[1.0]], Q=[[1.0]])
    >>> predict(np.array([[[1.0, 2.0], [3.0, 0.0]]]), p).tolist()
    [1.5]
    """
    X = _check_prompts(prompts, params, finite=False)
    a, cf = gate_factors(X.shape[1] - 1, kappa, discretisation)
    return _predict_raw(X, params, a, cf)


def _predict_raw(X, params, a, cf):
    out = np.empty(X.shape[0])
    bad = np.zeros(max(1, -(-X.shape[0] // _LANES)), dtype=np.bool_)
    predict_kernel = _kernels_for(X.shape[0], X.shape[2], params.d_h)[0]
    predict_kernel(X, params.W_B, params.b_B, params.W_C, params.b_C, a, cf, _LANES, out, bad)
    if bad.any():
        raise ValueError("prompts contains non-finite values")
    return out


def _loss_grad_raw(X, y, params, a, cf):
    n, _, D = X.shape
    dh = params.d_h
    nb = max(1, -(-n // _LANES))
    losses = np.empty(n)
    gWB, gWC = np.zeros((nb, dh, D)), np.zeros((nb, dh, D))
    gbB, gbC = np.zeros((nb, dh)), np.zeros((nb, dh))
    bad = np.zeros(nb, dtype=np.bool_)
    loss_grad_kernel = _kernels_for(n, D, dh)[1]
    loss_grad_kernel(X, y, params.W_B, params.b_B, params.W_C, params.b_C, a, cf, _LANES,
                     losses, gWB, gbB, gWC, gbC, bad)
    if bad.any():
        raise ValueError("prompts contains non-finite values")
    return losses, gWB.sum(axis=0), gWC.sum(axis=0), gbB.sum(axis=0), gbC.sum(axis=0)


def loss_grad(prompts, targets, params: S6Params, *, kappa: float = math.log(2.0),
              discretisation: str = "zoh"):
    """Mean loss ``(yhat - y)^2 / 2`` and its gradient w.r.t. every parameter (fast kernel).

    Returns ``(loss, grads)`` with ``grads`` an :class:`S6Params` of the same shapes. The gradient
    for ``c`` (last column of ``W_C``) is exactly zero since the query's y-entry is 0.

    Examples
    --------
    >>> p = S6Params.from_blocks(P=[[1.0]], Q=[[1.0]])
    >>> loss, g = loss_grad(np.array([[[1.0, 2.0], [3.0, 0.0]]]), [1.0], p)
    >>> loss, g.W_B.tolist()                # dB = c*y*lam = 0.5*2*(0.5*3) over a = c = 1/2
    (0.125, [[0.75, 1.5]])
    """
    X, y = _check_prompts(prompts, params, targets, finite=False)
    a, cf = gate_factors(X.shape[1] - 1, kappa, discretisation)
    losses, gWB, gWC, gbB, gbC = _loss_grad_raw(X, y, params, a, cf)
    n = X.shape[0]
    return fsum(losses) / n, S6Params(gWB / n, gWC / n, gbB / n, gbC / n)


# -- prompts and Monte-Carlo losses ---------------------------------------------------------------
def _block_rng(seed: int, block: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))


def _draw_block(rng, m, d, N, sigma, query_noise):
    w = rng.standard_normal((m, d))
    x = rng.standard_normal((m, N + 1, d))
    eps = rng.standard_normal((m, N + 1))
    y = np.einsum("mld,md->ml", x, w) + sigma * eps
    X = np.empty((m, N + 1, d + 1))
    X[:, :, :d] = x
    X[:, :N, d] = y[:, :N]
    X[:, N, d] = 0.0
    target = y[:, N] if query_noise else y[:, N] - sigma * eps[:, N]
    return X, target, w


def _check_task(d, N, sigma, seed):
    for name, val in (("d", d), ("N", N)):
        if isinstance(val, bool) or not isinstance(val, int | np.integer) or val < 1:
            raise ValueError(f"{name} must be a positive integer, got {val!r}")
    if not (math.isfinite(float(sigma)) and sigma >= 0):
        raise ValueError(f"sigma must be finite and >= 0, got {sigma!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")


def sample_prompts(n: int, d: int, N: int, *, sigma: float = 0.0, seed: int = 0,
                   first_block: int = 0, query_noise: bool = False):
    """Seeded ICL prompts: ``w ~ N(0, I_d)``, ``x ~ N(0, I_d)``, ``y_i = w.x_i + sigma eps_i``.

    Prompts are drawn in blocks of :data:`BLOCK`; block ``b`` uses its own generator
    ``SeedSequence(seed, spawn_key=(b,))``, so prompt ``i`` does not depend on how many are drawn
    at once (for ``n`` a multiple of ``BLOCK`` or the final block). Returns
    ``(prompts (n, N+1, d+1), targets (n,), w (n, d))``. The query label is noisy only with
    ``query_noise=True``.

    Examples
    --------
    >>> X, y, w = sample_prompts(3, d=2, N=4, seed=1)
    >>> X.shape, y.shape, float(X[0, -1, -1])
    ((3, 5, 3), (3,), 0.0)
    >>> bool(np.allclose(X[:, :4, 2], np.einsum("nld,nd->nl", X[:, :4, :2], w)))
    True
    """
    _check_task(d, N, sigma, seed)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    parts = []
    done, b = 0, first_block
    while done < n:
        m = min(BLOCK, n - done)
        parts.append(_draw_block(_block_rng(seed, b), m, d, N, sigma, query_noise))
        done += m
        b += 1
    if len(parts) == 1:
        return parts[0]
    return tuple(np.concatenate(z) for z in zip(*parts, strict=True))


@dataclass(frozen=True)
class MCLoss:
    """A Monte-Carlo population loss: ``mean`` with standard error ``stderr`` and the two-sided
    confidence interval ``ci`` at ``level`` (normal approximation), from ``n`` prompts drawn with
    ``seed`` in blocks of ``block``."""

    mean: float
    stderr: float
    ci: tuple[float, float]
    level: float
    n: int
    seed: int
    block: int

    def contains(self, value: float) -> bool:
        """True when ``value`` lies in the confidence interval."""
        return self.ci[0] <= value <= self.ci[1]


def mc_loss(params: S6Params, N: int, n: int, *, kappa: float = math.log(2.0),
            discretisation: str = "zoh", sigma: float = 0.0, seed: int = 0,
            chunk: int = 65536, level: float = 0.99, query_noise: bool = False) -> MCLoss:
    """Monte-Carlo estimate of ``E (yhat - y_q)^2 / 2`` over ``n`` fresh prompts, in chunks.

    At most ``chunk`` prompts (rounded up to whole blocks) are in memory at once; per-block sums
    are combined exactly rounded (``math.fsum``'s value), so the result is bitwise identical for
    every ``chunk``.

    Examples
    --------
    >>> p = S6Params.from_blocks(P=np.zeros((2, 2)), Q=np.zeros((2, 2)))
    >>> r = mc_loss(p, N=5, n=20000, seed=0)         # zero predictor: E y_q^2/2 = d/2 = 1
    >>> r.contains(1.0), r.n
    (True, 20000)
    """
    from statistics import NormalDist

    _check_task(params.d, N, sigma, seed)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    if isinstance(chunk, bool) or not isinstance(chunk, int | np.integer) or chunk < 1:
        raise ValueError(f"chunk must be a positive integer, got {chunk!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must lie in (0, 1), got {level!r}")
    a, cf = gate_factors(N, kappa, discretisation)
    blocks_per_chunk = max(1, -(-chunk // BLOCK))
    nblocks = -(-n // BLOCK)
    sums, sqs = [], []
    for b0 in range(0, nblocks, blocks_per_chunk):
        b1 = min(nblocks, b0 + blocks_per_chunk)
        parts = [_draw_block(_block_rng(seed, b), min(BLOCK, n - b * BLOCK), params.d, N,
                             sigma, query_noise) for b in range(b0, b1)]
        X = np.concatenate([q[0] for q in parts])
        y = np.concatenate([q[1] for q in parts])
        loss = 0.5 * (_predict_raw(X, params, a, cf) - y) ** 2
        start = 0
        for q in parts:
            m = q[0].shape[0]
            seg = loss[start:start + m]
            sums.append(fsum(seg))
            sqs.append(fsum(seg * seg))
            start += m
    mean = math.fsum(sums) / n
    var = max(0.0, (math.fsum(sqs) - n * mean * mean) / (n - 1))
    se = math.sqrt(var / n)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    return MCLoss(mean, se, (mean - z * se, mean + z * se), level, int(n), int(seed), BLOCK)


# -- readout and training -------------------------------------------------------------------------
def readout_path(prompt, params: S6Params, *, kappa: float = math.log(2.0),
                 discretisation: str = "zoh") -> np.ndarray:
    """The readout ``w_l = Q^T h_l^(y)``, ``l = 0..N+1``, of one prompt from the literal scan.

    Returns an array ``(N+2, d)``; row 0 is ``w_0 = 0`` and ``x_q . w_{N+1}`` is the prediction
    when ``b_C = 0``.

    Examples
    --------
    >>> p = S6Params.from_blocks(P=[[1.0]], Q=[[1.0]])
    >>> readout_path(np.array([[1.0, 2.0], [3.0, 0.0]]), p).ravel().tolist()
    [0.0, 1.0, 0.5]
    """
    X = _check_prompts(np.asarray(prompt, dtype=np.float64)[None], params)[0]
    L, D = X.shape
    a, cf = gate_factors(L - 1, kappa, discretisation)
    h = np.zeros(params.d_h)
    path = [params.Q.T @ h]
    for ll in range(L):
        h = a * h + cf * (params.W_B @ X[ll] + params.b_B) * X[ll, D - 1]
        path.append(params.Q.T @ h)
    return np.array(path)


_PARTS = ("P", "v", "Q", "c", "b_B", "b_C")


@dataclass
class TrainResult:
    """A training run: ``params`` at the end, ``loss`` per step (the loss of the batch used at that
    step, before the update), and the settings (``eta``, ``batch``, ``trained``, ``seed``,
    ``fresh`` = new prompts every step (SGD) or one fixed batch (GD on the empirical risk));
    ``history`` the parameters before every step and after the last (with ``record=True``)."""

    params: S6Params
    loss: np.ndarray
    eta: float
    batch: int
    trained: tuple[str, ...]
    seed: int
    fresh: bool
    history: list[S6Params] | None = None


def train(params: S6Params, N: int, *, steps: int, eta: float, batch: int = 4096,
          trained=_PARTS, fresh: bool = True, kappa: float = math.log(2.0),
          discretisation: str = "zoh", sigma: float = 0.0, seed: int = 0,
          record: bool = False) -> TrainResult:
    """Gradient descent on the literal S6 layer with Monte-Carlo prompts.

    With ``fresh=True`` every step draws ``batch`` new prompts (online SGD; step ``t`` uses random
    blocks starting at ``t * ceil(batch/BLOCK)``); with ``fresh=False`` the same batch is used at
    every step (full-batch GD on an empirical risk). Only the parts named in ``trained`` (a subset
    of ``P v Q c b_B b_C``) move.

    Examples
    --------
    >>> p0 = S6Params.gaussian(2, 2, scale=0.3, seed=0, biases=False)
    >>> run = train(p0, 10, steps=50, eta=1.0, batch=512, trained=("P", "Q"))
    >>> bool(run.loss[-1] < run.loss[0])
    True
    """
    unknown = set(trained) - set(_PARTS)
    if unknown:
        raise ValueError(f"unknown trained part(s) {sorted(unknown)}; choose from {_PARTS}")
    if not (math.isfinite(eta) and eta > 0):
        raise ValueError(f"eta must be a finite positive number, got {eta!r}")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    d = params.d
    a, cf = gate_factors(N, kappa, discretisation)
    mask_B = np.zeros(params.W_B.shape)
    mask_C = np.zeros(params.W_C.shape)
    mask_B[:, :d] = "P" in trained
    mask_B[:, d] = "v" in trained
    mask_C[:, :d] = "Q" in trained
    mask_C[:, d] = "c" in trained
    mB, mC = float("b_B" in trained), float("b_C" in trained)
    per = -(-batch // BLOCK)
    X, y, _ = sample_prompts(batch, d, N, sigma=sigma, seed=seed)
    WB, WC, bB, bC = (params.W_B.copy(), params.W_C.copy(), params.b_B.copy(),
                      params.b_C.copy())
    losses = np.empty(steps)
    history = [] if record else None
    for t in range(steps):
        if fresh and t:
            X, y, _ = sample_prompts(batch, d, N, sigma=sigma, seed=seed, first_block=t * per)
        cur = S6Params(WB, WC, bB, bC)
        if record:
            history.append(cur)
        ls, gWB, gWC, gbB, gbC = _loss_grad_raw(X, y, cur, a, cf)
        losses[t] = fsum(ls) / batch
        if not math.isfinite(losses[t]):
            losses[t:] = np.inf
            break
        WB = WB - eta * mask_B * gWB / batch
        WC = WC - eta * mask_C * gWC / batch
        bB = bB - eta * mB * gbB / batch
        bC = bC - eta * mC * gbC / batch
        if not all(np.all(np.isfinite(z)) for z in (WB, WC, bB, bC)):
            losses[t + 1:] = np.inf
            return TrainResult(params, losses, float(eta), int(batch), tuple(trained),
                               int(seed), fresh, history)
    final = S6Params(WB, WC, bB, bC)
    if record:
        history.append(final)
    return TrainResult(final, losses, float(eta), int(batch), tuple(trained), int(seed), fresh,
                       history)
