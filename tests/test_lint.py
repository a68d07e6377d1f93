"""The code base passes ruff with the rules configured in pyproject.toml."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_passes():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (it comes with the 'test' extra)")
    paths = [str(ROOT / p) for p in ("theory", "numerics", "proofs_check", "tests", "benchmarks")
             if (ROOT / p).exists()]
    result = subprocess.run([ruff, "check", "--no-cache", *paths], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
