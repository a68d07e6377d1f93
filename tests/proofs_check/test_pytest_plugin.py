"""The pytest plugin: a claims file's claims run as test items."""

import subprocess
import sys

SAMPLE = '''
import sympy as sp
from proofs_check import Claim, evidence as ev

x = sp.Symbol("x")
CLAIMS = [
    Claim(id="mine.true", statement="(x+1)^2 = x^2 + 2x + 1",
          evidence=[ev.identity((x + 1)**2, x**2 + 2*x + 1)]),
    Claim(id="mine.false", statement="(x+1)^2 = x^2 + 1",
          evidence=[ev.identity((x + 1)**2, x**2 + 1)]),
    Claim(id="mine.planted", statement="a planted false variant", expect="refuted",
          evidence=[ev.identity((x + 1)**2, x**2 + 1)]),
]
'''


def test_claims_file_items_pass_fail_and_show_the_counterexample(tmp_path):
    (tmp_path / "my_claims.py").write_text(SAMPLE)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "--dynverify-seed", "3", "my_claims.py"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    out = run.stdout
    assert run.returncode == 1, out + run.stderr
    assert "1 failed, 2 passed" in out
    assert "mine.false: refuted (expected to hold)" in out
    assert "counterexample: {" in out
    assert "rerun: dynverify check" in out and "--seed 3" in out


def test_modules_of_a_package_are_not_claims_files(tmp_path):
    """`claims_x.py` inside a package (a catalogue's module, with relative imports) is left to
    its package; the same file standing alone is collected."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "claims_exact.py").write_text(SAMPLE)
    (tmp_path / "claims_alone.py").write_text(SAMPLE)
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "--collect-only", "."], cwd=tmp_path, capture_output=True, text=True,
                         timeout=300)
    assert "claims_alone.py::mine.true" in run.stdout
    assert "claims_exact.py" not in run.stdout
