"""Fixtures for proofs_check tests: a small test-only catalogue and claim files in tmp_path."""

import textwrap
import types

import pytest
import sympy as sp

from proofs_check import Claim, Table
from proofs_check import evidence as ev
from proofs_check.plots import new_figure
from proofs_check.registry import discover

PLANTED = textwrap.dedent('''
    """The planted false claim: minima of the two-factor map are stable when mu(a^2+b^2) < 2.2.

    The truth is mu(a^2+b^2) < 2 (the Jacobian eigenvalue 1 - mu(a^2+b^2) leaves the unit disc
    through -1). Test material only: it must never enter the catalogue.
    """
    import numpy as np

    from proofs_check import Claim, evidence as ev

    DOMAIN = {"mu": (0.01, 1.0), "a": (0.3, 3.0)}


    def stability_margin(mu, a):
        """1 - |1 - mu(a^2+b^2)| at the minimum (a, 1/a); None outside the claim's hypothesis."""
        b = 1 / a
        s = mu * (a * a + b * b)
        if not s < 2.2:
            return None
        return 1 - abs(1 - s)


    def sweep_margin(mu, a):
        b = 1 / a
        s = mu * (a * a + b * b)
        return np.where(s < 2.2, 1 - np.abs(1 - s), 1.0)  # outside the hypothesis: holds


    planted = Claim(
        id="planted.tf.stable22",
        statement="the minima ab = 1 of F_mu are linearly stable when mu(a^2+b^2) < 2.2",
        source="planted false claim (tests only)",
        model="two-factor",
        domain=DOMAIN,
        evidence=[ev.property(stability_margin, DOMAIN),
                  ev.sweep(sweep_margin, ev.Sample(DOMAIN, quick=40, full=400))],
    )
''')

GOOD = textwrap.dedent('''
    import sympy as sp

    from proofs_check import Claim, evidence as ev

    x = sp.Symbol("x")
    CLAIMS = [
        Claim(id="file.square", statement="(x+1)^2 = x^2 + 2x + 1",
              evidence=[ev.identity((x + 1)**2, x**2 + 2*x + 1)]),
        Claim(id="file.sqrt2", statement="sqrt 2 lies in [1.41, 1.42]",
              evidence=[ev.enclose_root("x**2 - 2", "1.41", "1.42", var="x")]),
    ]
''')


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture
def planted_file(tmp_path):
    return write(tmp_path, "planted.py", PLANTED)


@pytest.fixture
def good_file(tmp_path):
    return write(tmp_path, "good.py", GOOD)


def thresholds_table(d="2", kind="exact"):
    """Thresholds of the demo map."""
    d = int(d)  # a bad --d raises ValueError: a usage error
    if kind not in ("exact", "float"):
        raise ValueError(f"kind {kind!r} is not 'exact' or 'float'")
    rows = [["pd_1", "$1$", 1.0, "exact"],
            [f"pd_{d}", r"$\sqrt{5} - 1$", 5**0.5 - 1, "interval & 50% #"],
            ["tiny", None, 2.5e-7, "bisection"]]
    return Table("demo-thresholds", "Thresholds of the demo map.",
                 ["name", "exact form", "value", "method"], rows, ["seed 0"])


def line_plot(budget="quick", seed=0, slope="1"):
    """A line."""
    fig, ax = new_figure()
    ax.plot([0, 1], [0, float(slope)])
    return fig


def make_module(name="demo_catalogue", model="demo"):
    x = sp.Symbol("x")
    m = types.ModuleType(name)
    m.MODEL = model
    m.CLAIMS = [
        Claim(id=f"{model}.square", statement="x^2 - 1 = (x - 1)(x + 1)", source="demo, sec. 1",
              evidence=[ev.identity(x**2 - 1, (x - 1) * (x + 1))]),
        Claim(id=f"{model}.positive", statement="1 + x^2 > 0 on [-2, 2]", source="demo, sec. 2",
              evidence=[ev.certify_sign("1 + x**2", {"x": (-2, 2)})]),
        Claim(id=f"{model}.decay", statement="1 - mu >= 0 on [0, 0.9]", source="demo, sec. 3",
              evidence=[ev.sweep(lambda mu: 1 - mu, ev.Sample({"mu": (0.0, 0.9)}, quick=10))]),
    ]
    m.TABLES = {"demo-thresholds": thresholds_table}
    m.PLOTS = {"demo-line": line_plot}
    return m


@pytest.fixture
def catalogue():
    return discover(modules=[make_module()])
