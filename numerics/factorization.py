"""Matrix factorization ``U U^T ~ Y``: the closed form evaluated accurately, an ODE reference,
exact learning times by root finding, batched GD of ``U`` and the depth-``N`` aligned model.

The closed form (derived and proved in :mod:`theory.models.matrix_factorization`)

    X(t) = Q E C (I + 2 C^T S C)^{-1} C^T E Q^T,   Y = Q diag(lam) Q^T,  C = Q^T U0,
    E = diag(e^{lam t}),  S = diag((e^{2 lam t} - 1)/(2 lam))

is ill-conditioned in float64 at long times: ``P = I + 2 C^T S C`` has condition number about
``e^{2 lam_1 t} / (alpha^2 ...)``, which passes ``1/eps = 4.5e15`` once ``2 lam_1 t ~ 36``;
the naive evaluation then returns garbage (or ``inf``/``nan`` once ``e^{2 lam t}`` overflows at
``2 lam t ~ 709``). :func:`closed_form` therefore works in the eigenbasis in arb ball arithmetic
(python-flint) at a working precision chosen from the estimated ``log10 cond(P)`` and raised
until the balls are narrow (``method="auto"`` uses float64 only while that estimate is below
``1e6``), and returns float64. :func:`ode_reference` integrates
``U' = (Y - U U^T) U`` with DOP853 at ``rtol = 1e-13`` as an independent check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import flint
import mpmath
import numpy as np
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

__all__ = [
    "GDRun",
    "LearningTimes",
    "closed_form",
    "closed_form_dps",
    "deep_half_time",
    "deep_half_time_ode",
    "gd_run",
    "gram_ratios",
    "learning_times",
    "loss",
    "ode_reference",
    "random_inits",
    "relative_error",
]

_LN10 = math.log(10.0)


def _eig_desc(Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    Y = np.asarray(Y, dtype=np.float64)
    if Y.ndim != 2 or Y.shape[0] != Y.shape[1]:
        raise ValueError(f"Y must be a square matrix, got shape {Y.shape}")
    if not np.allclose(Y, Y.T, rtol=0, atol=1e-13 * max(1.0, np.abs(Y).max())):
        raise ValueError("Y must be symmetric")
    lam, Q = np.linalg.eigh((Y + Y.T) / 2)
    order = np.argsort(-lam, kind="stable")
    return lam[order], Q[:, order]


def _check_u0(Y, U0) -> np.ndarray:
    U0 = np.asarray(U0, dtype=np.float64)
    if U0.ndim != 2 or U0.shape[0] != np.shape(Y)[0]:
        raise ValueError(f"U0 must be n x r with n = {np.shape(Y)[0]}, got shape {U0.shape}")
    if not np.all(np.isfinite(U0)):
        raise ValueError("U0 has non-finite entries")
    return U0


def loss(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """``1/4 |X - Y|_F^2`` (batched over leading axes of ``X``).

    Examples
    --------
    >>> float(loss(np.zeros((2, 2)), np.diag([2.0, 1.0])))
    1.25
    """
    D = np.asarray(X) - np.asarray(Y)
    return 0.25 * np.sum(D * D, axis=(-2, -1))


def relative_error(A: np.ndarray, B: np.ndarray) -> float:
    """``|A - B|_F / |B|_F`` (absolute when ``B = 0``).

    Examples
    --------
    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    0.0
    """
    den = float(np.linalg.norm(B))
    num = float(np.linalg.norm(np.asarray(A) - np.asarray(B)))
    return num / den if den > 0 else num


def closed_form_dps(lam: np.ndarray, C: np.ndarray, t: float) -> int:
    """Decimal digits to start the multiprecision evaluation at, at time ``t``: 30 guard digits plus
    the estimated ``log10 cond(P)`` (from ``2 max(lam) t``, the size of ``C`` and its smallest
    singular value).

    Examples
    --------
    >>> closed_form_dps(np.array([4.0, 1.0]), 1e-3 * np.eye(2), 20.0)
    100
    """
    lam_max = max(float(np.max(lam)), 0.0)
    cnorm = float(np.linalg.norm(C)) or 1.0
    sv = np.linalg.svd(C, compute_uv=False)
    smin = float(sv[sv > 0].min()) if np.any(sv > 0) else 1.0
    grow = 2.0 * lam_max * t / _LN10 + math.log10(1.0 + 2.0 * cnorm**2 * max(t, 1.0))
    spread = max(0.0, 2.0 * math.log10(cnorm / smin))
    return int(30 + math.ceil(grow + spread))


def _closed_form_naive(lam, Q, C, t):
    E = np.exp(lam * t)
    with np.errstate(divide="ignore", invalid="ignore"):
        S = np.where(lam != 0, np.expm1(2 * lam * t) / np.where(lam != 0, 2 * lam, 1.0), t)
    r = C.shape[1]
    P = np.eye(r) + 2 * C.T @ (S[:, None] * C)
    G = E[:, None] * C
    try:
        Xe = G @ np.linalg.solve(P, G.T)
    except np.linalg.LinAlgError:  # numerically singular P: the failure mode at long times
        return np.full((lam.size, lam.size), np.nan)
    return Q @ Xe @ Q.T


def _closed_form_mp(lam, Q, C, t, dps):
    """The closed form in the eigenbasis in arb ball arithmetic (python-flint), starting at
    ``dps`` digits: ``G P^{-1} G^T`` with ``G = E C`` and ``P = I + 2 C^T S C`` symmetric positive
    definite, as ``H^T H`` with ``H = L^{-1} G^T`` (``P = L L^T``, Cholesky: stable over the
    entries' hundreds of decades). The inputs (float64 lam, C, t) enter exactly; the precision
    doubles until every entry's ball is narrower than 2^-64 of the largest entry, at most four
    times: every entry is then exact to about an ulp of the largest one (tiny entries are exact
    in that absolute sense only, which is what the eigenvalues and losses computed from X need).
    Like mpmath's, flint's working precision is one per process: not for concurrent threads."""
    n, r = C.shape
    saved = flint.ctx.prec  # bits: a round trip through dps would not restore them exactly
    try:
        for attempt in range(5):
            flint.ctx.dps = dps << attempt
            out = _closed_form_balls(lam, C, t, n, r)
            if out is not None:
                return Q @ out @ Q.T
        raise ArithmeticError(f"closed form at t = {t}: not resolved at {dps << 4} digits")
    finally:
        flint.ctx.prec = saved


def _closed_form_balls(lam, C, t, n, r):
    """One attempt of :func:`_closed_form_mp` at the current arb precision: the (n, n) float64
    midpoints, or None when a ball is too wide (or a pivot is not positive)."""
    arb = flint.arb
    tt = arb(float(t))
    lm = [arb(float(v)) for v in lam]
    E = [(v * tt).exp() for v in lm]
    S = [(2 * v * tt).expm1() / (2 * v) if v != 0 else tt for v in lm]
    Cm = [[arb(float(C[i, j])) for j in range(r)] for i in range(n)]
    P = [[2 * sum((Cm[i][a] * S[i] * Cm[i][b] for i in range(n)), arb(0)) + (a == b)
          for b in range(r)] for a in range(r)]
    L = [[arb(0)] * r for _ in range(r)]
    for j in range(r):
        d = P[j][j] - sum((L[j][k] ** 2 for k in range(j)), arb(0))
        if not d > 0:
            return None
        L[j][j] = d.sqrt()
        for i in range(j + 1, r):
            L[i][j] = (P[i][j] - sum((L[i][k] * L[j][k] for k in range(j)), arb(0))) / L[j][j]
    H = [[arb(0)] * n for _ in range(r)]
    for c in range(n):
        for i in range(r):
            acc = E[c] * Cm[c][i] - sum((L[i][k] * H[k][c] for k in range(i)), arb(0))
            H[i][c] = acc / L[i][i]
    X = [[sum((H[k][i] * H[k][j] for k in range(r)), arb(0)) for j in range(n)]
         for i in range(n)]
    entries = [e for row in X for e in row]
    if not all(e.is_finite() for e in entries):
        return None
    big = max(abs(arb(e.mid())) for e in entries)
    if not all(arb(e.rad()) <= big * arb(2) ** -64 for e in entries):
        return None
    return np.array([[float(e.mid()) for e in row] for row in X])


def closed_form(Y, U0, t, *, method: str = "auto", dps: int | None = None) -> np.ndarray:
    """``X(t) = U(t) U(t)^T`` for the flow ``U' = (Y - U U^T) U``, ``U(0) = U0``, from the closed
    form (any ``r``, any symmetric ``Y``), accurate at any ``t >= 0``.

    Parameters
    ----------
    Y : symmetric ``(n, n)`` array.
    U0 : ``(n, r)`` initial factor.
    t : time ``>= 0`` (scalar) or a 1-D array of times (then the result is ``(len(t), n, n)``).
    method : ``"auto"`` (float64 while ``closed_form_dps`` says the conditioning allows,
        multiprecision beyond), ``"mp"`` (always multiprecision: arb balls, the precision raised
        until they are narrow) or ``"naive"`` (always float64: fails at long times, kept to show
        that failure).
    dps : override the starting multiprecision digits.

    Examples
    --------
    >>> Y = np.diag([4.0, 2.0, 1.0]); U0 = 1e-4 * np.array([[1.0, 2, 0], [0, 1, 1], [1, 0, 1]])
    >>> X = closed_form(Y, U0, 30.0)            # e^{2 lam_1 t} = e^{240}: multiprecision
    >>> np.round(np.linalg.eigvalsh(X), 12).tolist()
    [1.0, 2.0, 4.0]
    >>> naive = closed_form(Y, U0, 30.0, method="naive")   # P is singular in float64
    >>> bool(np.isfinite(naive).all() and np.allclose(naive, X))
    False
    """
    lam, Q = _eig_desc(Y)
    U0 = _check_u0(Y, U0)
    if method not in ("auto", "mp", "naive"):
        raise ValueError(f"method {method!r} is not 'auto', 'mp' or 'naive'")
    C = Q.T @ U0
    ts = np.atleast_1d(np.asarray(t, dtype=np.float64))
    if ts.ndim != 1 or np.any(ts < 0) or not np.all(np.isfinite(ts)):
        raise ValueError("t must be finite and >= 0")
    out = np.empty((ts.size, lam.size, lam.size))
    for i, ti in enumerate(ts):
        need = dps or closed_form_dps(lam, C, float(ti))
        if method == "naive" or (method == "auto" and dps is None and need <= 36):
            with np.errstate(all="ignore"):
                out[i] = _closed_form_naive(lam, Q, C, float(ti))
        else:
            out[i] = _closed_form_mp(lam, Q, C, float(ti), need)
    return out[0] if np.ndim(t) == 0 else out


def ode_reference(Y, U0, ts, *, rtol: float = 1e-13, atol: float | None = None) -> np.ndarray:
    """``X(t)`` at the times ``ts`` by integrating ``U' = (Y - U U^T) U`` with DOP853.

    To keep relative accuracy when every eigenvalue of ``Y`` is negative (then ``X -> 0``
    exponentially), the solver integrates ``V = e^{-mu t} U`` with ``mu = min(lam_max, 0)``:
    ``V' = (Y - mu I - e^{2 mu t} V V^T) V``. ``atol`` defaults to ``1e-17 max|U0|``.
    Returns ``(len(ts), n, n)``.

    Examples
    --------
    >>> Y = np.diag([2.0, -1.0]); U0 = np.array([[0.1], [0.2]])
    >>> X = ode_reference(Y, U0, [1.0])[0]
    >>> bool(relative_error(X, closed_form(Y, U0, 1.0)) < 1e-10)
    True
    """
    Y = np.asarray(Y, dtype=np.float64)
    U0 = _check_u0(Y, U0)
    n, r = U0.shape
    ts = np.asarray(ts, dtype=np.float64)
    mu = min(float(np.linalg.eigvalsh(Y).max()), 0.0)
    if atol is None:
        atol = 1e-17 * max(float(np.abs(U0).max()), 1e-280)
    Ys = Y - mu * np.eye(n)

    def rhs(t, v):
        V = v.reshape(n, r)
        return ((Ys - math.exp(2 * mu * t) * (V @ V.T)) @ V).ravel()

    sol = solve_ivp(rhs, (0.0, float(ts.max())), U0.ravel(), method="DOP853", t_eval=ts,
                    rtol=rtol, atol=atol)
    if not sol.success:
        raise RuntimeError(f"ode_reference: {sol.message}")
    V = sol.y.T.reshape(ts.size, n, r)
    return np.exp(2 * mu * ts)[:, None, None] * (V @ np.swapaxes(V, 1, 2))


# ---------------------------------------------------------------------------------------------
# learning times
# ---------------------------------------------------------------------------------------------
def gram_ratios(C: np.ndarray) -> np.ndarray:
    """``rho_k = det G_k / det G_{k-1}`` (``G_k`` the Gram matrix of the first ``k`` rows of
    ``C``): the squared distance of row ``k`` from the span of the rows before it, computed
    stably as the squared diagonal of the R factor of the QR decomposition of ``C^T``.

    Examples
    --------
    >>> gram_ratios(np.array([[1.0, 1.0], [0.0, 2.0], [3.0, 4.0]])).round(12).tolist()
    [2.0, 2.0, 0.0]
    """
    C = np.asarray(C, dtype=np.float64)
    n, r = C.shape
    out = np.zeros(n)
    R = np.linalg.qr(C.T, mode="r")  # (min(r, n), n): C^T = Q R, rows of C are columns
    m = min(r, n)
    out[:m] = np.diag(R)[:m] ** 2
    scale = max(float(np.max(np.sum(C * C, axis=1))), 1e-300)
    out[out < 1e-24 * scale] = 0.0
    return out


@dataclass
class LearningTimes:
    """Exact and predicted half-learning times of one factorization problem.

    Fields
    ------
    lam : eigenvalues of ``Y``, decreasing.
    rho : Gram ratios ``rho_k`` of ``C = Q^T B``.
    alpha : initialisation scale (``U0 = alpha B``).
    exact : time at which the ``k``-th eigenvalue of ``X(t)`` first reaches ``lam_k/2``, from the
        closed form by bracketing and Brent's method (``nan`` when never learned: ``lam_k <= 0``
        or ``rho_k = 0``).
    predicted : ``ln(lam_k / (rho_k alpha^2)) / (2 lam_k)``.
    plateau_loss : loss ``1/4 |X - Y|^2`` measured in the middle of each plateau: before the
        first learning time, between consecutive ones, and at ``2 t_m`` after the last.
    plateau_loss_predicted : ``1/4 sum_{i>k} lam_i^2``.
    evaluations : number of closed-form evaluations used.
    """

    lam: np.ndarray
    rho: np.ndarray
    alpha: float
    exact: np.ndarray
    predicted: np.ndarray
    plateau_loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    plateau_loss_predicted: np.ndarray = field(default_factory=lambda: np.zeros(0))
    evaluations: int = 0

    @property
    def error(self) -> np.ndarray:
        """``exact - predicted``."""
        return self.exact - self.predicted

    @property
    def learned(self) -> int:
        """Number of components that are learned."""
        return int(np.sum(np.isfinite(self.exact)))

    @property
    def plateau_length(self) -> np.ndarray:
        """``t_{k+1} - t_k`` from the exact times."""
        e = self.exact[np.isfinite(self.exact)]
        return np.diff(e)

    @property
    def plateau_length_predicted(self) -> np.ndarray:
        """``(1/2)(1/lam_{k+1} - 1/lam_k) ln(1/alpha^2)`` for consecutive learned components."""
        m = self.learned
        lam = self.lam[:m]
        return 0.5 * (1 / lam[1:] - 1 / lam[:-1]) * math.log(1 / self.alpha**2)


def learning_times(Y, B, alpha: float, *, grid: int = 40, xtol: float = 1e-12) -> LearningTimes:
    """Exact learning times from the closed form, the prediction, and the plateau losses.

    The ``k``-th eigenvalue ``x_k(t)`` of ``X(t)`` (decreasing order) is evaluated with
    :func:`closed_form`; the first crossing of ``lam_k/2`` is bracketed on a grid of ``grid``
    times in ``[0, T]`` (``T`` = twice the predicted time plus a margin, doubled until a crossing
    is seen) and refined with Brent's method to ``xtol``.

    Examples
    --------
    >>> lt = learning_times(np.diag([4.0, 2.0, 1.0]), np.eye(3), 1e-3)
    >>> np.abs(lt.exact - np.log(np.array([4.0, 2.0, 1.0]) / 1e-6 - 1) / (2 * lt.lam)).max() < 1e-9
    np.True_
    """
    lam, Q = _eig_desc(Y)
    B = _check_u0(Y, B)
    if not (alpha > 0 and math.isfinite(alpha)):
        raise ValueError(f"alpha must be positive and finite, got {alpha}")
    C = Q.T @ B
    rho = gram_ratios(C)
    U0 = alpha * B
    n = lam.size
    counter = [0]

    def eigs(t):
        counter[0] += 1
        return np.sort(np.linalg.eigvalsh(closed_form(Y, U0, t)))[::-1]

    with np.errstate(divide="ignore"):
        predicted = np.where((lam > 0) & (rho > 0),
                             np.log(lam / (np.where(rho > 0, rho, 1.0) * alpha**2)) / (2 * lam),
                             np.nan)
    exact = np.full(n, np.nan)
    for k in range(n):
        if not (lam[k] > 0 and rho[k] > 0):
            continue
        target = lam[k] / 2
        if eigs(0.0)[k] >= target:
            exact[k] = 0.0
            continue
        T = 2.0 * max(predicted[k], 0.0) + 5.0 / lam[k]
        for _ in range(8):
            ts = np.linspace(0.0, T, grid + 1)
            vals = np.array([eigs(ti)[k] - target for ti in ts])
            up = np.nonzero(vals >= 0)[0]
            if up.size:
                j = int(up[0])
                exact[k] = brentq(lambda s, k=k, target=target: eigs(s)[k] - target,
                                  ts[j - 1], ts[j], xtol=xtol, rtol=4 * np.finfo(float).eps)
                break
            T *= 2
    learned = exact[np.isfinite(exact)]
    m = learned.size
    marks = []
    if m:
        marks.append(learned[0] / 2)
        marks.extend((learned[:-1] + learned[1:]) / 2)
        marks.append(2 * learned[-1] + 5.0 / lam[m - 1])
    losses = np.array([float(loss(closed_form(Y, U0, s), Y)) for s in marks])
    counter[0] += len(marks)
    pred_loss = np.array([0.25 * float(np.sum(lam[k:] ** 2)) for k in range(len(marks))])
    return LearningTimes(lam, rho, float(alpha), exact, predicted, losses, pred_loss, counter[0])


# ---------------------------------------------------------------------------------------------
# batched gradient descent on U
# ---------------------------------------------------------------------------------------------
def random_inits(n: int, r: int, batch: int, seed: int) -> np.ndarray:
    """``batch`` seeded Gaussian ``n x r`` matrices ``B`` (entries ``N(0, 1/r)``).

    Examples
    --------
    >>> random_inits(3, 2, 4, seed=0).shape
    (4, 3, 2)
    """
    rng = np.random.default_rng(seed)
    return rng.standard_normal((batch, n, r)) / math.sqrt(r)


@dataclass
class GDRun:
    """Result of :func:`gd_run`.

    ``eigs`` ``(batch, steps + 1, n)`` eigenvalues of ``X = U U^T`` per step, decreasing;
    ``loss`` ``(batch, steps + 1)``; ``U`` final factors; ``diverged`` a boolean per orbit
    (non-finite or ``|U|`` above ``1e8``, frozen from then on).
    """

    eigs: np.ndarray
    loss: np.ndarray
    U: np.ndarray
    diverged: np.ndarray

    def half_steps(self, lam: np.ndarray) -> np.ndarray:
        """First step at which the ``k``-th eigenvalue reaches ``lam_k/2`` (``-1`` if never);
        shape ``(batch, n)``.
        """
        lam = np.asarray(lam, dtype=np.float64)
        hit = self.eigs >= lam[None, None, :] / 2
        first = np.argmax(hit, axis=1)
        return np.where(hit.any(axis=1), first, -1)


def gd_run(Y, U0s, eta: float, steps: int) -> GDRun:
    """Gradient descent ``U <- U - eta (U U^T - Y) U`` on a batch of initial factors, recording
    the eigenvalues of ``X = U U^T`` and the loss at every step (float64, batched matmul).

    Examples
    --------
    >>> Y = np.diag([1.0, 0.5]); U0 = 1e-3 * np.eye(2)[None]
    >>> run = gd_run(Y, U0, eta=0.1, steps=400)
    >>> np.round(run.eigs[0, -1], 8).tolist()
    [1.0, 0.5]
    """
    Y = np.asarray(Y, dtype=np.float64)
    U = np.array(U0s, dtype=np.float64)
    if U.ndim == 2:
        U = U[None]
    batch, n, _ = U.shape
    eigs = np.empty((batch, steps + 1, n))
    losses = np.empty((batch, steps + 1))
    diverged = np.zeros(batch, dtype=bool)
    for s in range(steps + 1):
        X = U @ np.swapaxes(U, 1, 2)
        bad = ~np.isfinite(X).all(axis=(1, 2)) | (np.abs(U).max(axis=(1, 2)) > 1e8)
        diverged |= bad
        Xs = np.where(diverged[:, None, None], 0.0, X)
        eigs[:, s] = np.linalg.eigvalsh(Xs)[:, ::-1]
        losses[:, s] = loss(Xs, Y)
        eigs[diverged, s] = np.nan
        losses[diverged, s] = np.nan
        if s < steps:
            step = U - eta * (Xs - Y) @ U
            U = np.where(diverged[:, None, None], U, step)
    return GDRun(eigs, losses, U, diverged)


# ---------------------------------------------------------------------------------------------
# depth-N aligned component
# ---------------------------------------------------------------------------------------------
def deep_half_time(N: int, lam: float, alpha: float, *, dps: int = 30) -> float:
    """Half-learning time of ``x' = N x^{2-2/N} (lam - x)``, ``x(0) = alpha^N``, by quadrature:
    ``T = int_{alpha^N}^{lam/2} dx / (N x^{2-2/N} (lam - x))`` in the variable ``z = ln x``
    (mpmath tanh-sinh, split at every decade).

    Examples
    --------
    >>> round(deep_half_time(2, 1.0, 1e-2), 10) == round(math.log(1e4 - 1) / 2, 10)
    True
    """
    if N < 2:
        raise ValueError(f"depth N must be >= 2, got {N}")
    if not (0 < alpha**N < lam / 2):
        raise ValueError("need 0 < alpha^N < lam/2")
    with mpmath.workdps(dps):
        lm = mpmath.mpf(lam)
        a = N * mpmath.log(mpmath.mpf(alpha))
        b = mpmath.log(lm / 2)
        expo = mpmath.mpf(2) / N - 1

        def f(z):
            x = mpmath.exp(z)
            return mpmath.exp(expo * z) / (N * (lm - x))

        pts = list(mpmath.linspace(a, b, max(2, int((b - a) / 2.3) + 2)))
        return float(mpmath.quad(f, pts))


def deep_half_time_ode(N: int, lam: float, alpha: float) -> float:
    """Half-learning time from integrating ``z' = N e^{(1-2/N) z} (lam - e^z)`` (``z = ln x``)
    with DOP853 and an event at ``x = lam/2``: an independent check of :func:`deep_half_time`.

    Examples
    --------
    >>> abs(deep_half_time_ode(3, 1.0, 0.1) - deep_half_time(3, 1.0, 0.1)) < 1e-8
    True
    """
    c = 1.0 - 2.0 / N

    def rhs(_t, z):
        return [N * math.exp(c * z[0]) * (lam - math.exp(z[0]))]

    def hit(_t, z):
        return z[0] - math.log(lam / 2)

    hit.terminal = True
    z0 = N * math.log(alpha)
    T = 10 * (deep_half_time(N, lam, alpha, dps=15) + 1)
    sol = solve_ivp(rhs, (0.0, T), [z0], method="DOP853", rtol=1e-12, atol=1e-12, events=hit)
    if not sol.t_events[0].size:
        raise RuntimeError("deep_half_time_ode: the half-learning event was not reached")
    return float(sol.t_events[0][0])
