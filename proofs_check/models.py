"""Named models: a map declared once, then swept, plotted and checked by name.

A catalogue package (or a user's Python file) lists its maps in ``MAPS``::

    MAPS = [Model("logistic", build=lambda: SymbolicMap(...), axes=("r=2.5:4:400",),
                  fixed={"x": 0.2}, overlays={"$r = 3$": "r=3"})]

``dynverify sweep --model logistic`` (or ``--model FILE.py:logistic`` for a file) sweeps it: the
command line's ``--axis`` and ``--fix`` replace the declared defaults, and ``dynverify plot sweep
STORE --overlay NAME`` draws a declared threshold curve. The map is built (derived) on first use
only, so listing a catalogue does no SymPy work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["Model"]


@dataclass(frozen=True, eq=False)
class Model:
    """A map that sweeps and plots can find by name.

    Parameters
    ----------
    name : str
        What users type after ``--model``.
    build : callable
        ``() -> theory.SymbolicMap``; called once, on first use.
    axes : tuple of str
        The default grid, ``"NAME=LO:HI:N"`` per axis (as ``--axis``).
    fixed : dict
        Default values of the parameters and state variables not on an axis (as ``--fix``).
    overlays : dict
        Threshold curves for ``plot sweep --overlay NAME``: ``{label: "AXIS=EXPR"}``, the value
        of one axis as an expression in the other axis and the fixed values.
    description : str
        One line for ``dynverify list --maps``.

    Examples
    --------
    >>> from theory import gd_map
    >>> m = Model("demo", lambda: gd_map("(a*b - 1)**2/2", params="a b", step="mu"),
    ...           axes=("mu=0.1:2:50", "a=-2:2:50"), fixed={"b": 0.5})
    >>> m.map().state
    (a, b)
    >>> m.map() is m.map()  # built once
    True
    """

    name: str
    build: Callable[[], object]
    axes: tuple[str, ...] = ()
    fixed: Mapping[str, float] = field(default_factory=dict)
    overlays: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    _built: list = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name or any(c.isspace() or c == ":"
                                                                   for c in self.name):
            raise ValueError(f"Model name {self.name!r}: a non-empty word without ':' or spaces")
        if not callable(self.build):
            raise ValueError(f"Model {self.name!r}: build is not callable")
        if isinstance(self.axes, str):
            raise ValueError(f"Model {self.name!r}: axes is a tuple of 'NAME=LO:HI:N' strings")

    def map(self):
        """The model's :class:`theory.SymbolicMap` (built on the first call)."""
        with self._lock:
            if not self._built:
                F = self.build()
                if not hasattr(F, "update") or not hasattr(F, "state"):
                    raise ValueError(f"Model {self.name!r}: build() returned "
                                     f"{type(F).__name__}, not a theory.SymbolicMap")
                self._built.append(F)
            return self._built[0]
