"""Confirming a floating-point violation before it refutes a claim.

A float margin below zero is a *candidate* counterexample. It refutes only when it is confirmed:

1. a diverging computation (margin ``-inf``: an orbit left the float range or the horizon) is a
   violation whatever the rounding;
2. otherwise the violation must exceed the claim's tolerance plus a rounding allowance
   (:data:`ROUNDING_RELATIVE` times the scale of the values involved), so that a margin of the
   size of float64 rounding (``x*0.3 - 3*(x*0.1) = -5.6e-17``) refutes nothing;
3. and the margin is re-evaluated at the point with mpmath at :data:`DIGITS` digits (the
   coordinates are taken at their exact binary values). If the margin function computes in
   mpmath (plain arithmetic and ``mpmath`` functions do), the high-precision value decides; if it
   cannot (NumPy kernels, compiled code), the confirmation says so and rests on step 2.

Examples
--------
>>> confirm(lambda x: x * 0.3 - 3 * (x * 0.1), {"x": 1.0}, -5.55e-17, tol=0.0).confirmed
False
>>> c = confirm(lambda x: 0.5 - x, {"x": 0.9}, -0.4, tol=0.0)
>>> c.confirmed, c.how.startswith("re-evaluated at 50 digits")
(True, True)
>>> confirm(lambda x: float("-inf"), {"x": 2.0}, -math.inf, tol=0.0).how
'the computation diverged at this point (margin -inf)'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import mpmath

__all__ = ["DIGITS", "ROUNDING_RELATIVE", "Confirmation", "confirm", "rounding_allowance"]

#: digits of the high-precision re-evaluation
DIGITS = 50
#: relative rounding allowance, 2**-36 ~ 1.5e-11. Source: a float64 margin computed by up to
#: ~10**4 operations on values of size S carries at most ~10**4 * eps/2 * S ~ 1.1e-12 S of
#: accumulated rounding (each operation's error is at most eps/2 relative); 2**-36 leaves a
#: factor ~13 on top. A claim whose computation amplifies rounding (a chaotic orbit) states its
#: own, larger tolerance.
ROUNDING_RELATIVE = 2.0**-36


def rounding_allowance(scale: float) -> float:
    """The rounding allowance for values of magnitude ``scale`` (at least that of 1.0)."""
    return ROUNDING_RELATIVE * max(1.0, abs(float(scale)) if math.isfinite(scale) else 1.0)


@dataclass(frozen=True)
class Confirmation:
    """Whether a candidate violation is confirmed, how, and the high-precision margin if any."""

    confirmed: bool
    how: str
    high_precision: str | None = None


def _high_precision(margin: Callable, point: Mapping) -> mpmath.mpf | None:
    """The margin at ``point`` in mpmath, or None when the function does not compute in it."""
    args = {}
    for k, v in point.items():
        if isinstance(v, bool) or not isinstance(v, int | float):
            args[k] = v
        else:
            args[k] = mpmath.mpf(v)
    with mpmath.workdps(DIGITS):
        try:
            value = margin(**args)
        except Exception:
            return None
        if isinstance(value, bool):
            return mpmath.mpf(0) if value else mpmath.mpf("-inf")
        if hasattr(value, "size") and getattr(value, "size", 0) == 1:
            value = value.reshape(-1)[0] if hasattr(value, "reshape") else value
        return value if isinstance(value, mpmath.mpf) else None


def confirm(margin: Callable | None, point: Mapping, float_margin: float, *, tol: float,
            scale: float = 1.0) -> Confirmation:
    """Confirm (or not) that ``margin(**point) = float_margin < -tol`` is a real violation.

    ``scale`` is the magnitude of the values the margin is computed from (inputs and outputs);
    ``margin`` may be None when only the float value is available.
    """
    if math.isnan(float_margin):
        return Confirmation(False, "the margin is NaN here (not a number, not a violation)")
    if float_margin == -math.inf:
        return Confirmation(True, "the computation diverged at this point (margin -inf)")
    allowance = rounding_allowance(max(scale, *(abs(float(v)) for v in point.values()
                                                if isinstance(v, int | float)
                                                and math.isfinite(float(v))), 1.0))
    threshold = tol + allowance
    if float_margin >= -threshold:
        return Confirmation(False, f"float margin {float_margin:.3g} lies within the tolerance "
                                   f"{tol:.3g} plus the rounding allowance {allowance:.3g}")
    hp = _high_precision(margin, point) if margin is not None else None
    if hp is None:
        return Confirmation(True, f"float64 margin {float_margin:.6g} exceeds the tolerance plus "
                                  f"the rounding allowance ({threshold:.3g}); the margin function "
                                  "does not compute in mpmath, so no high-precision re-evaluation")
    text = mpmath.nstr(hp, 20)
    if hp == mpmath.mpf("-inf") or hp < -threshold:
        return Confirmation(True, f"re-evaluated at {DIGITS} digits: margin {text}", text)
    return Confirmation(False, f"float margin {float_margin:.3g} is rounding: at {DIGITS} digits "
                               f"the margin is {text}", text)
