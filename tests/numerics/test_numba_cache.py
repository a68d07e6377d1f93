"""Numba's cache of the hand-written kernels lives under the kernel cache and is checked."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from numerics import numba_cache

ROOT = Path(__file__).resolve().parents[2]

# a delta-rule scan against its pure-Python reference: a wrong kernel (or a crash) shows
SCRIPT = textwrap.dedent("""
    import numpy as np
    from numerics.delta_scan import deltanet_reference, deltanet_scan
    rng = np.random.default_rng(0)
    q, k, v = rng.normal(size=(3, 1, 5, 2)); b = rng.uniform(0, 1, (1, 5))
    out, _ = deltanet_scan(q, k, v, b)
    print(np.array_equal(out[0], deltanet_reference(q[0], k[0], v[0], b[0])[0]) or
          float(np.abs(out[0] - deltanet_reference(q[0], k[0], v[0], b[0])[0]).max()) < 1e-14)
""")


def run(cache: Path, wide: str = "auto") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DYNVERIFY_CACHE": str(cache),
           "DYNVERIFY_WIDE_VECTORS": wide}
    env.pop("NUMBA_CACHE_DIR", None)
    return subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          env=env, timeout=300)


def test_static_kernels_are_cached_under_the_kernel_cache_and_damage_is_rebuilt(tmp_path):
    first = run(tmp_path)
    assert first.returncode == 0 and first.stdout.strip() == "True", first.stderr
    cached = sorted((tmp_path / "numba").rglob("delta_scan.*.nb[ic]"))
    assert cached, sorted(p.name for p in tmp_path.rglob("*"))
    for f in cached:  # truncate every index and data file
        f.write_bytes(f.read_bytes()[: len(f.read_bytes()) // 2])
    second = run(tmp_path)
    assert second.returncode == 0 and second.stdout.strip() == "True", second.stderr
    assert "Numba cache of delta_scan.py" in second.stderr and "recompiling" in second.stderr
    third = run(tmp_path)  # rebuilt: quiet again
    assert third.returncode == 0 and "damaged" not in third.stderr


def test_each_vector_width_has_its_own_cache(tmp_path):
    # Numba keys its cache on the source file alone: one width must not load the other's code
    for wide in ("1", "0"):
        done = run(tmp_path, wide)
        assert done.returncode == 0 and done.stdout.strip() == "True", done.stderr
    for width in ("wide", "narrow"):
        assert list((tmp_path / "numba" / width).rglob("delta_scan.*.nbc")), width


@pytest.mark.parametrize("content", [b"", b"\x80\x04", b"not a pickle at all"])
def test_unreadable_index_files_are_reported(tmp_path, content):
    (tmp_path / "m.f-3.py311.nbi").write_bytes(content)
    assert not numba_cache.cache_files_ok(tmp_path, "m")
    numba_cache.drop_cache_files(tmp_path, "m")
    assert list(tmp_path.iterdir()) == [] and numba_cache.cache_files_ok(tmp_path, "m")


def test_other_files_are_left_to_numba():
    assert numba_cache._KernelCacheLocator.from_function(run, __file__) is None
