"""Time to certify the period-doubling points of the balanced two-factor slice, and their widths.

The slice is the derived map ``theory.models.two_factor.model().slice("balanced")``,
``g(a) = (1 + mu) a - mu a^3``. For each period ``n = 1, 2, ..., 2^k`` the doubling ``n -> 2n``
is certified by :func:`proofs_check.evidence.certify_bifurcation` (Krawczyk on the augmented
multiple-shooting system in arb, 128 bits); the guess is a float attractor point and an mpmath
Newton solve. One line per point: period, enclosure, its width, seconds (best of ``--repeat``).

Run: ``python benchmarks/bench_certified.py [--max-period 64] [--repeat 3] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import time

from proofs_check.evidence import certify_bifurcation
from theory.models import two_factor

#: approximate doubling parameters (guesses only; the enclosures are what is certified)
NEAR = {1: 1.0, 2: 1.2360679775, 4: 1.288031754, 8: 1.2992279397, 16: 1.301628914,
        32: 1.3021432716, 64: 1.3022534377}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-period", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    g = two_factor.model().slice("balanced")
    rows = []
    for n, near in NEAR.items():
        if n > args.max_period:
            break
        best, bp = float("inf"), None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            bp = certify_bifurcation(g, "mu", "period-doubling", n, near=near, box=(0.05, 1.6))
            best = min(best, time.perf_counter() - t0)
        row = {"doubling": f"{n}->{2 * n}", "seconds": round(best, 4),
               "enclosure": None if bp is None else bp.param.str(20, radius=True),
               "param_width": None if bp is None else float(2 * bp.param.rad()),
               "box_width": None if bp is None else bp.width}
        rows.append(row)
        if not args.json:
            print(f"{row['doubling']:>8}  {row['seconds']:8.3f} s  {row['enclosure']}  "
                  f"width {row['param_width']:.2e}")
    if args.json:
        print(json.dumps({"doublings": rows}, indent=2))


if __name__ == "__main__":
    main()
