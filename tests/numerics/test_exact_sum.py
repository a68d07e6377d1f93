"""numerics.exact_sum.fsum is math.fsum: the same float (sign of zero included), the same errors."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from numerics.exact_sum import fsum

finite = st.floats(allow_nan=False, allow_infinity=False)
# values built to cancel and to sit on rounding ties: small integers times powers of two
ties = st.builds(lambda k, e: k * 2.0**e, st.integers(-8, 8), st.integers(-1074, 960))


def same(a: float, b: float) -> bool:
    return (a == b and math.copysign(1.0, a) == math.copysign(1.0, b)) or (a != a and b != b)


@given(st.lists(finite | ties, max_size=60))
def test_equals_math_fsum(values):
    x = np.array(values, dtype=np.float64)
    try:
        expected = math.fsum(x)
    except OverflowError:  # intermediate overflow: math.fsum's own error must come through
        with pytest.raises(OverflowError):
            fsum(x)
        return
    assert same(fsum(x), expected)


@pytest.mark.parametrize("values", [
    [], [-0.0], [0.0, -0.0], [1e16, 1.0, -1e16], [2.0**53, 1.0, 2.0**-52],
    [2.0**53, 1.0, -(2.0**-60)], [1.0, 1e100, 1.0, -1e100], [math.inf, 1.0], [math.nan, 1.0],
    [math.inf, -math.inf],
])
def test_special_cases_as_math_fsum(values):
    try:
        expected = math.fsum(values)
    except ValueError:  # inf - inf
        with pytest.raises(ValueError):
            fsum(values)
        return
    assert same(fsum(values), expected)


def test_a_long_sum_matches_and_np_sum_would_not():
    rng = np.random.default_rng(3)
    big = 1e16 * rng.standard_normal(50_000)
    x = rng.permutation(np.concatenate([big, rng.uniform(0, 1, 50_000), -big]))
    assert fsum(x) == math.fsum(x)
    assert float(np.sum(x)) != math.fsum(x)  # the check has power: a plain sum rounds differently
