"""Options of the learning-times table and the plots: parsed from command-line strings and
refused with a one-line :class:`ValueError` when outside the limits below."""

from __future__ import annotations

import math

import numpy as np

from numerics import factorization as nf
from proofs_check.claims.matrix_factorization.experiments import KINDS

#: option limits of the table and plots: eigenvalues in [SPEC_MIN, SPEC_MAX] with a ratio of at
#: most SPEC_RATIO, at most 6 of them; alpha in [ALPHA_MIN, 1); at most 8 alphas and 4 kinds of B;
#: a B file of at most B_FILE_MAX bytes with at most B_COLS_MAX columns. The closed form is
#: evaluated at a precision that grows with 2 lam_1 t, and t_k ~ ln(1/(rho_k alpha^2))/(2 lam_k):
#: these bounds keep 2 lam_1 t_k below ~1e4 e-foldings (a few thousand digits), and
#: MAX_EFOLDINGS refuses inputs (a B with a tiny rho_k) that would go beyond.
SPEC_MIN, SPEC_MAX, SPEC_RATIO = 1e-2, 1e2, 100.0
ALPHA_MIN = 1e-12
B_FILE_MAX = 2**20
B_COLS_MAX = 64
MAX_EFOLDINGS = 2e4


def parse_spectrum(text) -> tuple:
    """The eigenvalues of ``Y`` from ``"4,2,1"``, sorted decreasing, within the limits above."""
    try:
        vals = tuple(float(v) for v in str(text).replace(" ", "").split(",") if v)
    except ValueError:
        raise ValueError(f"spectrum {text!r} is not a comma-separated list of numbers") from None
    if not vals or not all(math.isfinite(v) for v in vals):
        raise ValueError(f"spectrum {text!r} is empty or not finite")
    if len(vals) > 6:
        raise ValueError(f"spectrum {text!r}: at most 6 eigenvalues")
    if not all(SPEC_MIN <= v <= SPEC_MAX for v in vals):
        raise ValueError(f"spectrum {text!r}: every eigenvalue must lie in [{SPEC_MIN:g}, "
                         f"{SPEC_MAX:g}] (learning times need lambda_k > 0)")
    if max(vals) / min(vals) > SPEC_RATIO:
        raise ValueError(f"spectrum {text!r}: the ratio of the largest to the smallest "
                         f"eigenvalue must be at most {SPEC_RATIO:g}")
    return tuple(sorted(vals, reverse=True))


def parse_alphas(text) -> tuple:
    """The initial scales from ``"1e-2,1e-4"``, in ``[ALPHA_MIN, 1)``, at most 8."""
    try:
        vals = tuple(float(v) for v in str(text).split(",") if v.strip())
    except ValueError:
        raise ValueError(f"alphas {text!r} is not a comma-separated list of numbers") from None
    if not vals or not all(ALPHA_MIN <= v < 1 for v in vals):
        raise ValueError(f"alphas {text!r} must lie in [{ALPHA_MIN:g}, 1)")
    if len(vals) > 8:
        raise ValueError(f"alphas {text!r}: at most 8 values")
    return vals


def parse_seed(seed) -> int:
    """A seed in ``[0, 2^32)``."""
    try:
        sd = int(seed)
    except (TypeError, ValueError):
        raise ValueError(f"seed {seed!r} is not an integer") from None
    if not 0 <= sd < 2**32:
        raise ValueError(f"seed {seed!r} must lie in [0, 2^32)")
    return sd


def parse_budget(budget) -> str:
    """``quick`` or ``full``."""
    if budget not in ("quick", "full"):
        raise ValueError(f"budget {budget!r} is not quick or full")
    return budget


def parse_kind(kind) -> str:
    """One of :data:`KINDS`."""
    kind = str(kind).strip()
    if kind not in KINDS:
        raise ValueError(f"B kind {kind!r} is not one of {', '.join(KINDS)}")
    return kind


def check_efoldings(spec: tuple, B: np.ndarray, alphas, what: str):
    """Refuse inputs whose learning times need more than MAX_EFOLDINGS of the closed form."""
    rho = nf.gram_ratios(B)
    lam = np.asarray(spec)
    m = min(len(lam), rho.size)
    pos = rho[:m] > 0
    if not np.any(pos):
        return
    t = np.log(lam[:m][pos] / (rho[:m][pos] * min(alphas) ** 2)) / (2 * lam[:m][pos])
    if 2 * lam[0] * float(np.max(t)) > MAX_EFOLDINGS:
        raise ValueError(f"{what}: the learning times would need 2 lambda_1 t > "
                         f"{MAX_EFOLDINGS:g} (a B with a tiny rho_k, or alpha too small)")


def load_B(path: str, n: int) -> np.ndarray:
    """An ``n x r`` initialisation direction from a ``.npy`` or text file (one row per line) of at
    most :data:`B_FILE_MAX` bytes and :data:`B_COLS_MAX` columns."""
    import os

    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise ValueError(f"B file {path!r}: {type(exc).__name__}: {exc}") from None
    if size > B_FILE_MAX:
        raise ValueError(f"B file {path!r}: {size} bytes, more than the limit {B_FILE_MAX}")
    try:
        if path.endswith(".npy"):
            B = np.load(path, allow_pickle=False)
        else:
            B = np.loadtxt(path, ndmin=2)
    except (OSError, ValueError) as exc:
        raise ValueError(f"B file {path!r}: {type(exc).__name__}: {exc}") from None
    B = np.asarray(B, dtype=np.float64)
    if B.ndim == 1:
        B = B[:, None]
    if B.ndim != 2 or B.shape[0] != n or not np.all(np.isfinite(B)):
        raise ValueError(f"B file {path!r}: need a finite {n} x r matrix, got shape {B.shape}")
    if not 1 <= B.shape[1] <= B_COLS_MAX or np.abs(B).max() > 1e6:
        raise ValueError(f"B file {path!r}: need 1 <= r <= {B_COLS_MAX} columns and entries of "
                         "size at most 1e6")
    return B


