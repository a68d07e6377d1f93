"""Checking claims in parallel worker processes, with results identical to a serial run.

Claims are independent and every random draw is seeded per claim, so each claim's verdict is the
same whichever process computes it; results come back in the claims' order. Workers are started
with ``spawn`` (a fork would inherit Numba's and SymPy's threads and caches mid-flight), load the
catalogue or the user's files themselves, and run Numba single-threaded (results are bitwise
identical across thread counts; two levels of threads would only compete for the cores).

Examples
--------
>>> import os
>>> default_jobs(3) == 1 and default_jobs(1000) == min(4, available_cpus())
True
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from collections.abc import Callable, Sequence

__all__ = ["available_cpus", "check_in_parallel", "default_jobs"]

#: below this many claims, starting workers (a few seconds each) does not pay
MIN_CLAIMS_PER_WORKER = 8

# per worker process: the catalogues loaded so far
_LOADED: dict = {}


def available_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def default_jobs(n_claims: int) -> int:
    """Workers for ``n_claims`` claims: one per CPU (at most 4) when each gets enough work."""
    return max(1, min(4, available_cpus(), n_claims // MIN_CLAIMS_PER_WORKER))


def _claim(origin: str | None, claim_id: str):
    from proofs_check.registry import discover, load_file

    key = origin or ""
    if key not in _LOADED:
        _LOADED[key] = load_file(origin) if origin else discover()
    return _LOADED[key].claims[claim_id]


def _check_one(claim_id: str, origin: str | None, budget: str, seed: int):
    from proofs_check.claim import check

    return check(_claim(origin, claim_id), budget, seed, origin=origin)


def check_in_parallel(jobs: Sequence[tuple[str, str | None]], budget: str, seed: int,
                      workers: int, on_done: Callable[[str], None] | None = None) -> list:
    """Check ``jobs`` (``(claim id, origin file or None for the catalogue)``) on ``workers``
    processes; the results come back in the order of ``jobs``. ``on_done(claim_id)`` is called
    as each finishes (for a progress bar).
    """
    context = multiprocessing.get_context("spawn")
    previous = os.environ.get("NUMBA_NUM_THREADS")
    os.environ["NUMBA_NUM_THREADS"] = "1"  # inherited by the spawned workers
    results: dict[int, object] = {}
    try:
        with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = {pool.submit(_check_one, cid, origin, budget, seed): k
                       for k, (cid, origin) in enumerate(jobs)}
            try:
                for future in cf.as_completed(futures):
                    k = futures[future]
                    results[k] = future.result()
                    if on_done is not None:
                        on_done(jobs[k][0])
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    finally:
        if previous is None:
            os.environ.pop("NUMBA_NUM_THREADS", None)
        else:
            os.environ["NUMBA_NUM_THREADS"] = previous
    return [results[k] for k in range(len(jobs))]
