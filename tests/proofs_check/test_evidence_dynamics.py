"""Dynamics evidence against exact exponents; wrong claims refuted."""

import math

import numpy as np
import sympy as sp

from proofs_check import evidence as ev
from theory import SymbolicMap, gd_map

x, y, c = sp.symbols("x y c")
LINEARISH = SymbolicMap((x, y), (sp.Rational(1, 2) * x + sp.Rational(3, 10) * y + c * x**2,
                                 sp.Rational(1, 10) * x + sp.Rational(1, 5) * y - c * y**2),
                        params=(c,), name="linearish")
RHO = max(abs(np.linalg.eigvals(np.array([[0.5, 0.3], [0.1, 0.2]]))))


def test_lyapunov_of_a_linear_map_and_of_a_stable_fixed_point():
    for cval, start in ((0.0, (0.3, 0.2)), (1.0, (0.01, 0.02))):
        r = ev.lyapunov_exponent(LINEARISH, math.log(RHO), {"c": cval}, start, tol=1e-10,
                                 steps={"quick": 2000}).run("quick", 0)
        assert r.status == "verified" and r.worst_error < 1e-10, r
    wrong = ev.lyapunov_exponent(LINEARISH, math.log(RHO) + 1e-6, {"c": 0.0}, (0.3, 0.2),
                                 tol=1e-10, steps={"quick": 2000}).run("quick", 0)
    assert wrong.status == "refuted" and wrong.counterexample["claimed"] == math.log(RHO) + 1e-6


def test_linear_rate_checks_the_jacobian_and_an_orbit():
    F = gd_map("x**2/2 + y**2", params="x y", step="eta")
    good = ev.linear_rate(F, {"x": 0.0, "y": 0.0}, math.log(0.8), {"eta": 0.2}).run("quick", 0)
    assert good.status == "verified"
    assert abs(good.details["orbit_exponent"] - math.log(0.8)) < 1e-10
    bad = ev.linear_rate(F, {"x": 0.0, "y": 0.0}, math.log(0.6), {"eta": 0.2}).run("quick", 0)
    assert bad.status == "refuted"
    off = ev.linear_rate(F, {"x": 0.5, "y": 0.0}, math.log(0.8), {"eta": 0.2}).run("quick", 0)
    assert off.status == "error" and "not a fixed point" in off.details["error"]


def test_spectrum_of_the_henon_map_sums_to_the_log_determinant():
    """det DF = -b for the Henon map, so the exponents sum to ln b exactly; a claimed spectrum
    whose second exponent breaks that sum by 0.05 is refuted."""
    import math

    import sympy as sp

    from proofs_check import evidence as ev
    from theory import SymbolicMap

    u, v = sp.symbols("u v")
    H = SymbolicMap((u, v), (1 - sp.Rational(7, 5) * u**2 + v, sp.Rational(3, 10) * u))
    r = ev.lyapunov_exponent(H, [0.42, math.log(0.3) - 0.42], {}, (0.1, 0.1), tol=0.01
                             ).run("quick", 0)
    assert r.status == "verified"
    l1, l2 = r.details["spectrum"]
    assert abs(l1 + l2 - math.log(0.3)) < 1e-9  # QR keeps the volume exactly
    wrong = ev.lyapunov_exponent(H, [0.42, math.log(0.3) - 0.42 + 0.05], {}, (0.1, 0.1),
                                 tol=0.01).run("quick", 0)
    assert wrong.status == "refuted" and wrong.details["worst_index"] == 1
    assert ev.lyapunov_exponent(H, [0.42], {}, (0.1, 0.1), tol=0.01).run("quick", 0).status \
        == "error"
