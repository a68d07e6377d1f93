"""Certified periodic orbits and bifurcation points (Krawczyk in arb) against exact values."""

import sympy as sp
from flint import arb, ctx

from proofs_check import Claim, check
from proofs_check import evidence as ev
from proofs_check.evidence.orbits import _ArbMap, _krawczyk, _system
from theory import SymbolicMap

a, mu, x, r = sp.symbols("a mu x r")
CUBIC = SymbolicMap((a,), ((1 + mu) * a - mu * a**3,), params=(mu,), name="cubic")
LOGISTIC = SymbolicMap((x,), (r * x * (1 - x),), params=(r,), name="logistic")


def test_enclosures_contain_the_exact_doubling_points():
    old = ctx.prec
    ctx.prec = 200
    try:
        for n, near, exact in ((1, 1.0, arb(1)), (2, 1.236, arb(5).sqrt() - 1)):
            bp = ev.certify_bifurcation(CUBIC, "mu", "period-doubling", n, near=near,
                                        box=(0.05, 1.6))
            assert bp.param.contains(exact) and bp.width < 1e-30
            assert bp.multipliers[0].contains(-1)
    finally:
        ctx.prec = old


def test_a_claim_moved_by_1e_12_is_refuted_with_a_certificate():
    exact = sp.sqrt(5) - 1
    good = ev.bifurcation_point(CUBIC, "mu", period=2, near=1.236, claimed=exact,
                                box=(0.05, 1.6))
    assert good.run("quick", 0).status == "proved"
    moved = ev.bifurcation_point(CUBIC, "mu", period=2, near=1.236,
                                 claimed=exact + sp.Rational(1, 10**12), tol="1e-13",
                                 box=(0.05, 1.6)).run("quick", 0)
    assert moved.status == "refuted"
    assert moved.details["uniqueness_box_covers_claim"] is True
    within = ev.bifurcation_point(CUBIC, "mu", period=2, near=1.236,
                                  claimed=exact + sp.Rational(1, 10**12), tol="1e-11",
                                  box=(0.05, 1.6)).run("quick", 0)
    assert within.status == "proved"


LOGISTIC_CLAIMS = '''
import sympy as sp
from proofs_check import Claim, evidence as ev
from theory import SymbolicMap

x, r = sp.symbols("x r")
F = SymbolicMap((x,), (r*x*(1 - x),), params=(r,), name="logistic")
CLAIMS = [
    Claim(id="logistic.pd1", statement="the fixed point doubles at r = 3",
          evidence=[ev.bifurcation_point(F, "r", period=1, near=3.0, claimed="3",
                                         box=(0.1, 0.9))]),
    Claim(id="logistic.pd2", statement="the 2-cycle doubles at r = 1 + sqrt 6",
          evidence=[ev.bifurcation_point(F, "r", period=2, near=3.449, claimed="1 + sqrt(6)",
                                         box=(0.1, 0.95))]),
    Claim(id="logistic.window3", statement="the period-3 window opens at r = 1 + sqrt 8",
          evidence=[ev.bifurcation_point(F, "r", "tangent", 3, near=3.8285,
                                         claimed="1 + sqrt(8)", box=(0.1, 0.99))]),
]
'''


def test_logistic_constants_proved_from_a_users_claims_file(tmp_path, capsys):
    from proofs_check.cli import main

    path = tmp_path / "logistic_claims.py"
    path.write_text(LOGISTIC_CLAIMS)
    assert main(["check", str(path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    for cid in ("logistic.pd1", "logistic.pd2", "logistic.window3"):
        assert f"| {cid} | proved | as stated |" in out


def test_a_box_holding_two_orbits_is_not_certified_unique():
    # the logistic map at r = 3.2 has two fixed points, 0 and 1 - 1/r = 0.6875: a box around
    # their midpoint that holds both must fail the Krawczyk test
    M = _ArbMap(LOGISTIC, None)
    G, DG = _system(M, 1, None, {"r": arb("3.2")})
    assert _krawczyk(G, DG, [arb("0.34375")], [arb("0.4")]) is None
    assert _krawczyk(G, DG, [arb("0.6875")], [arb("0.01")]) is not None


def test_henon_fixed_points_and_a_two_cycle():
    X, Y, A, B = sp.symbols("X Y A B")
    H = SymbolicMap((X, Y), (1 - A * X**2 + Y, B * X), params=(A, B), name="henon")
    params = {"A": "1.4", "B": "0.3"}
    old = ctx.prec
    ctx.prec = 200
    try:
        fixed = (-(1 - arb("0.3")) + ((1 - arb("0.3")) ** 2 + 4 * arb("1.4")).sqrt()) / (
            2 * arb("1.4"))
        orb = ev.certify_orbit(H, 1, (0.63, 0.19), params)
        assert orb.points[0][0].overlaps(fixed) and orb.width < 1e-25
        assert len(orb.multipliers) == 2 and orb.multipliers[1] < -1  # a saddle
    finally:
        ctx.prec = old
    # the 2-cycle's x values are (1 - b +- sqrt(4a - 3(1 - b)^2)) / (2a)
    cyc = ev.certify_orbit(H, 2, (0.98, -0.14), params)
    root = (4 * arb("1.4") - 3 * (1 - arb("0.3")) ** 2).sqrt()
    xs = sorted((p[0] for p in cyc.points), key=lambda v: float(v.mid()))
    assert xs[1].overlaps((1 - arb("0.3") + root) / (2 * arb("1.4")))
    assert xs[0].overlaps((1 - arb("0.3") - root) / (2 * arb("1.4")))
    assert check(Claim(id="h.two", statement="...", evidence=[
        ev.periodic_orbit(H, 2, (0.98, -0.14), params)])).status == "proved"
