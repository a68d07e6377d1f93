"""Shared compiled maps for the numerics tests (compiled once per session; the disk cache makes
later sessions cheap)."""

import numpy as np
import pytest
import sympy as sp

from numerics import compile_map
from theory import SymbolicMap, gd_map


@pytest.fixture(scope="session")
def cubic_map():
    """The balanced slice of the two-factor map: g(a) = (1 + mu) a - mu a**3."""
    a, mu = sp.symbols("a mu", real=True)
    return SymbolicMap((a,), ((1 + mu) * a - mu * a**3,), params=(mu,), name="cubic")


@pytest.fixture(scope="session")
def cubic(cubic_map):
    return compile_map(cubic_map)


@pytest.fixture(scope="session")
def two_factor_map():
    return gd_map("(a*b - 1)**2/2", params="a b", step="mu")


@pytest.fixture(scope="session")
def two_factor(two_factor_map):
    return compile_map(two_factor_map)


@pytest.fixture(scope="session")
def square_map():
    x = sp.Symbol("x", real=True)
    return SymbolicMap((x,), (x**2,), name="square")


@pytest.fixture(scope="session")
def square(square_map):
    return compile_map(square_map)


@pytest.fixture(scope="session")
def logistic_map():
    x, r = sp.symbols("x r", real=True)
    return SymbolicMap((x,), (r * x * (1 - x),), params=(r,), name="logistic")


@pytest.fixture
def rng():
    return np.random.default_rng(20260523)
