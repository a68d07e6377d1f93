"""Parity of :func:`numerics.scan.gate_factors` with the discretisation the theory derives.

``gate_factors`` evaluates the decay ``a = exp(-Delta)`` and the input factor ``c`` (ZOH:
``1 - a``; Euler: ``Delta``) in float64; :func:`theory.models.mamba_icl.discretise` derives them
symbolically. At points where ``kappa`` is a float that is exactly a rational, the theory's
expressions are evaluated exactly (50 digits) at ``Delta = kappa/N`` and must agree with the
kernel to a few ulps; a perturbed theory expression is told apart.
"""

import math
from fractions import Fraction

import mpmath
import pytest
import sympy as sp

from numerics.scan import gate_factors
from theory.models import mamba_icl as mi

#: kappa values exactly representable in float64 (so the exact point is the float's value)
KAPPAS = [0.75, 1.5, 2.0, 0.125, 3.25]
NS = [1, 2, 7, 20, 1000]
#: float64 accuracy: exp and expm1 of libm are within 1 ulp, Delta = kappa/N is rounded once
#: (0.5 ulp, entering a and 1 - a with a relative weight <= Delta), so 4 ulps cover both
ULPS = 4


def _theory(discretisation: str):
    """The theory's ``(Abar, c)`` as 50-digit functions of ``Delta``."""
    abar, c = mi.discretise(discretisation)
    return (sp.lambdify(mi.delta, abar, "mpmath"), sp.lambdify(mi.delta, c, "mpmath"))


def _ulps(got: float, want) -> float:
    """Distance of ``got`` from the 50-digit ``want`` in units of the last place of ``got``."""
    return float(abs(mpmath.mpf(got) - want) / mpmath.mpf(math.ulp(got)))


def _worst(discretisation: str, theory) -> float:
    fa, fc = theory
    worst = 0.0
    with mpmath.workdps(50):
        for kappa in KAPPAS:
            for N in NS:
                q = Fraction(kappa) / N  # Delta exactly
                delta = mpmath.mpf(q.numerator) / q.denominator
                a, c = gate_factors(N, kappa, discretisation)
                worst = max(worst, _ulps(a, fa(delta)), _ulps(c, fc(delta)))
    return worst


@pytest.mark.parametrize("discretisation", mi.DISCRETISATIONS)
def test_gate_factors_are_the_theory_discretisation(discretisation):
    assert _worst(discretisation, _theory(discretisation)) <= ULPS


@pytest.mark.parametrize("discretisation", mi.DISCRETISATIONS)
def test_a_perturbed_theory_expression_is_told_apart(discretisation):
    fa, fc = _theory(discretisation)
    other = "euler" if discretisation == "zoh" else "zoh"
    perturbed = [
        (fa, _theory(other)[1]),                             # the other discretisation's c
        (fa, lambda x: fc(x) * (1 + mpmath.mpf(2) ** -40)),  # c off by 1e-12 relative
        (lambda x: mpmath.exp(-x * (1 + mpmath.mpf(2) ** -40)), fc),  # a slightly off
    ]
    for theory in perturbed:
        assert _worst(discretisation, theory) > 100 * ULPS


def test_discretisations_are_the_same_set():
    from numerics import scan

    assert tuple(scan.DISCRETISATIONS) == tuple(mi.DISCRETISATIONS)
