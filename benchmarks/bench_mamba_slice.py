"""Time to derive the Mamba ICL model's balanced slice and constants at d = d_h = 5 and 20.

The slice is derived by gradient descent along ``P_00`` on the loss restricted to the balanced
point (see ``theory.models.mamba_icl.MambaICL.slice``); deriving the whole GD map first took
211 s at d = 5. Goal (issue 15): seconds at d = 5 and d = 20.

Run: ``python benchmarks/bench_mamba_slice.py [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import time

from theory.models import mamba_icl as mi


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", default="5,20", help="comma-separated d (= d_h)")
    args = parser.parse_args()
    print(f"{'d':>4} {'slice (s)':>24} {'constants(d, N=d) (s)':>24}")
    for d in (int(v) for v in args.sizes.split(",")):
        slices, consts = [], []
        for _ in range(args.repeat):
            t = time.perf_counter()
            update = mi.model(d, d).slice().update[0]
            slices.append(time.perf_counter() - t)
            t = time.perf_counter()
            mi.constants(d, d)
            consts.append(time.perf_counter() - t)
        assert update == mi.model(1, 1).slice().update[0]  # the slice does not depend on d
        print(f"{d:>4} {' '.join(f'{v:7.3f}' for v in slices):>24} "
              f"{' '.join(f'{v:7.3f}' for v in consts):>24}")


if __name__ == "__main__":
    main()
