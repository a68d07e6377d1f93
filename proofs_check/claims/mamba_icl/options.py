"""Validation of the tables' and plots' options (strings from the command line): one-line
:class:`ValueError` messages naming the option.
"""

from __future__ import annotations

import math

from theory.models import mamba_icl as mi

from .formulas import LN2

#: at most this many values in a list option (``--N 10,20,50``)
_MAX_VALUES = 50


def _parse_ints(name: str, value, *, hi: int, lo: int = 1, count: int = _MAX_VALUES
                ) -> list[int]:
    """A list option of integers in ``[lo, hi]`` (at most ``count`` of them)."""
    if isinstance(value, bool):
        raise ValueError(f"--{name} {value!r} is not an integer")
    items = value if isinstance(value, list | tuple) else str(value).replace(",", " ").split()
    if len(items) > count:
        raise ValueError(f"--{name}: {len(items)} values given, at most {count} allowed"
                         if count > 1 else f"--{name} {value!r}: give one integer")
    out = []
    for item in items:
        if isinstance(item, bool) or (isinstance(item, float) and not item.is_integer()):
            raise ValueError(f"--{name} {value!r}: {item!r} is not an integer")
        try:
            k = int(str(item).strip())
        except ValueError:
            raise ValueError(f"--{name} {value!r}: {item!r} is not an integer") from None
        if not lo <= k <= hi:
            what = f"positive integers <= {hi}" if lo == 1 else f"integers from {lo} to {hi}"
            raise ValueError(f"--{name} {value!r}: values must be {what}")
        out.append(k)
    if not out:
        raise ValueError(f"--{name}: no values given")
    return out


def _parse_int(name: str, value, *, hi: int, lo: int = 1) -> int:
    """A single integer option in ``[lo, hi]``."""
    return _parse_ints(name, value, hi=hi, lo=lo, count=1)[0]


def _parse_float(name: str, value, *, lo: float, hi: float, lo_open: bool) -> float:
    """A finite number in ``(lo, hi]`` (``lo_open``) or ``[lo, hi]``; ``ln2`` is accepted."""
    if isinstance(value, bool):
        raise ValueError(f"--{name} {value!r} is not a number (or ln2)")
    text = str(value).strip().lower().replace(" ", "")
    if text in ("ln2", "ln(2)", "log2", "log(2)"):
        x = LN2
    else:
        try:
            x = float(text)
        except (ValueError, OverflowError):
            raise ValueError(f"--{name} {value!r} is not a number (or ln2)") from None
    if not math.isfinite(x) or x > hi or (x <= lo if lo_open else x < lo):
        raise ValueError(f"--{name} {value!r} must be a finite number "
                         f"{'>' if lo_open else '>='} {lo:g} and <= {hi:g}")
    return x


def _parse_disc(value) -> str:
    text = str(value).strip().lower()
    if text not in mi.DISCRETISATIONS:
        raise ValueError(f"--discretisation {value!r} is not 'zoh' or 'euler'")
    return text


def _parse_budget(value) -> str:
    if str(value) not in ("quick", "full"):
        raise ValueError(f"--budget {value!r} is not 'quick' or 'full'")
    return str(value)


def _parse_seed(value) -> int:
    """A seed: an integer from 0 to 2^32 - 1."""
    return _parse_int("seed", value, lo=0, hi=2**32 - 1)


#: the domain of the tables' options: kappa in (0, 50] (beyond, exp(-kappa) leaves the float
#: range of the gate sums at N = 1), sigma in [0, 100], d and N up to 10^6, and kappa/N >= 1e-9
#: (float64 resolves 1 - a = 1 - exp(-kappa/N) to ~eps N/kappa <= 2e-7 relative)
_KAPPA_MAX, _SIGMA_MAX, _SIZE_MAX, _STEP_MIN = 50.0, 100.0, 10**6, 1e-9
