"""SymbolicMap: Jacobian, iterates, substitution, fixed points and linear stability."""

import pytest
import sympy as sp

from theory import Family, SymbolicMap, gd_map

a, b = sp.symbols("a b", real=True)
mu = sp.Symbol("mu", positive=True)
TWO_FACTOR = (a - mu * b * (a * b - 1), b - mu * a * (a * b - 1))


@pytest.fixture(scope="module")
def F():
    return SymbolicMap((a, b), TWO_FACTOR, params=(mu,), name="two-factor")


def test_fixed_set_is_origin_and_hyperbola(F):
    fp = F.fixed_points()
    assert fp.points == ({a: 0, b: 0},)
    (family,) = fp.families
    assert [sp.expand(e) for e in family.equations] == [a * b - 1]
    # the parametrisation really lies on the family
    assert sp.simplify(family.equations[0].subs(family.parametrisation)) == 0


def test_stability_on_minimiser_family(F):
    (family,) = F.fixed_points().families
    stab = F.linear_stability(family)
    assert stab.neutral == (1,)
    assert sp.expand(stab.eigenvalues[1] - (1 - mu * (a**2 + b**2))) == 0
    assert sp.StrictLessThan(mu * (a**2 + b**2), 2) in stab.conditions
    # stable just below the edge of stability, unstable just above, on a point of ab = 1
    point = {a: 2, b: sp.Rational(1, 2)}  # a^2 + b^2 = 17/4
    assert stab.condition.subs(point).subs(mu, sp.Rational(8, 17) - sp.Rational(1, 1000))
    assert not stab.condition.subs(point).subs(mu, sp.Rational(8, 17) + sp.Rational(1, 1000))


def test_origin_has_multipliers_one_plus_minus_mu_and_is_never_stable(F):
    stab = F.linear_stability({a: 0, b: 0})
    assert sorted(stab.eigenvalues, key=str) == sorted([1 - mu, 1 + mu], key=str)
    assert sp.false in stab.conditions


def test_compose_is_iteration(F):
    F2 = F.compose(2)
    point = (sp.Rational(3, 2), sp.Rational(-1, 3))
    assert F2(*point) == F(*F(*point))
    with pytest.raises(ValueError, match="n >= 1"):
        F.compose(0)


def test_substitute_fixes_a_parameter(F):
    G = F.substitute(mu=sp.Rational(1, 2))
    assert G.params == ()
    assert G.update[0] == TWO_FACTOR[0].subs(mu, sp.Rational(1, 2))
    with pytest.raises(KeyError, match="no parameter 'eta'"):
        F.substitute(eta=1)


def test_undeclared_symbol_in_update_is_rejected():
    c = sp.Symbol("c")
    with pytest.raises(ValueError, match="undeclared symbol"):
        SymbolicMap((a,), (a + c,))


def test_quadratic_threshold_is_two_over_largest_eigenvalue_numeric():
    A = sp.Matrix([[2, 1], [1, 3]])
    x, y = sp.symbols("x y", real=True)
    v = sp.Matrix([x, y])
    G = gd_map((v.T * A * v)[0] / 2, params=(x, y), step="mu")
    stab = G.linear_stability({x: 0, y: 0})
    step = G.step
    boundaries = [sp.solve(sp.Eq(c.lhs, c.rhs), step)[0] for c in stab.conditions]
    lam_max = max(A.eigenvals(), key=lambda e: float(e))
    assert sp.simplify(min(boundaries, key=float) - 2 / lam_max) == 0


def test_quadratic_threshold_symbolic_diagonal():
    p, q = sp.symbols("p q", positive=True)
    x, y = sp.symbols("x y", real=True)
    G = gd_map(p * x**2 / 2 + q * y**2 / 2, params=(x, y), step="mu", constants=(p, q))
    stab = G.linear_stability(G.fixed_points().points[0])
    step = G.step
    assert set(stab.conditions) == {step * p < 2, step * q < 2}


def test_family_without_parametrisation_prints():
    fam = Family((a * b - 1,))
    assert str(fam) == "{a*b - 1 = 0}"
    assert fam.contains({a: 2, b: sp.Rational(1, 2)})
    assert not fam.contains({a: 1, b: 2})
