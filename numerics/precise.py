"""Any derived map evaluated in high precision (mpmath at a chosen number of digits).

The float64 kernels are fast; near a minimum, ``L(x_k) - L*`` cancels in float64 and a property
test can "find" a violation that is rounding noise. :class:`PreciseMap` steps the same symbolic
map with mpmath at ``digits`` significant digits (default 50), so a suspected counterexample can
be re-run exactly enough to tell; together with :meth:`theory.SymbolicMap.deviation` (the map and
loss in coordinates about the fixed point) the cancellation disappears altogether.

Examples
--------
>>> import sympy as sp
>>> from theory import gd_map
>>> F = gd_map("(a*b - 1)**2/2", params="a b", step="mu")
>>> P = PreciseMap(F, digits=40)
>>> x = P.iterate([1.5, 0.5], {"mu": 0.1}, steps=300)
>>> 0 < P.loss(x, {"mu": 0.1}) < 1e-20
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import mpmath
import sympy as sp

__all__ = ["PreciseMap"]


class PreciseMap:
    """A :class:`theory.SymbolicMap` stepped in mpmath at ``digits`` significant digits.

    Inputs may be floats (taken exactly), strings (``"0.1"``: the decimal, rounded once to the
    working precision) or mpmath numbers; outputs are lists of ``mpmath.mpf``.
    """

    def __init__(self, F, digits: int = 50):
        if not hasattr(F, "update") or not hasattr(F, "state"):
            raise ValueError(f"F: expected a theory.SymbolicMap, got {type(F).__name__}")
        if not 15 <= int(digits) <= 10_000:
            raise ValueError(f"digits: must be between 15 and 10000, got {digits}")
        self.map, self.digits = F, int(digits)
        args = [*F.state, *F.params]
        self._update = sp.lambdify(args, list(F.update), "mpmath")
        self._loss = None if F.loss is None else sp.lambdify(args, F.loss, "mpmath")

    def __repr__(self) -> str:
        return f"PreciseMap({self.map.name!r}, digits={self.digits})"

    def _args(self, x: Sequence, params: Mapping | None) -> list:
        params = {str(k): v for k, v in dict(params or {}).items()}
        if len(x) != len(self.map.state):
            raise ValueError(f"x: {len(self.map.state)} state values expected, got {len(x)}")
        missing = [p.name for p in self.map.params if p.name not in params]
        if missing:
            raise ValueError(f"params: no value for {', '.join(missing)}")
        return [mpmath.mpf(v) for v in x] + [mpmath.mpf(params[p.name]) for p in self.map.params]

    def step(self, x: Sequence, params: Mapping | None = None) -> list:
        """The image of ``x``."""
        with mpmath.workdps(self.digits):
            return [+v for v in self._update(*self._args(x, params))]

    def iterate(self, x0: Sequence, params: Mapping | None = None, steps: int = 1) -> list:
        """The state after ``steps`` steps from ``x0``."""
        if int(steps) < 0:
            raise ValueError(f"steps: must be >= 0, got {steps}")
        with mpmath.workdps(self.digits):
            args = self._args(x0, params)
            n = len(self.map.state)
            x, rest = args[:n], args[n:]
            for _ in range(int(steps)):
                x = [+v for v in self._update(*x, *rest)]
            return x

    def loss(self, x: Sequence, params: Mapping | None = None):
        """The map's loss at ``x`` (maps derived from a loss only)."""
        if self._loss is None:
            raise ValueError(f"map {self.map.name!r} has no loss")
        with mpmath.workdps(self.digits):
            return +self._loss(*self._args(x, params))
