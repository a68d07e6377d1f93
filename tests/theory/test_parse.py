"""Strict parsing of user expressions: exact literals, whitelisted syntax, one-line errors."""

import pytest
import sympy as sp

from theory.parse import ExpressionError, parse_expression, parse_loss, parse_names


def test_decimal_literals_are_exact():
    x = sp.Symbol("x")
    assert parse_expression("0.1*x", {"x": x}) == x / 10


def test_caret_is_power_with_power_precedence():
    x = sp.Symbol("x")
    assert parse_expression("x^2/2", {"x": x}) == x**2 / 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("(a*b - 1", "does not parse"),
        ("a*c", "undeclared symbol 'c'"),
        ("__import__('os')", "function '__import__' is not allowed"),
        ("a.real", "'a.real' is not allowed"),
        ("[a, b]", "is not allowed"),
        ("'a' + b", "literal 'a' is not a number"),
        ("", "is empty"),
        ("lambda: 1", "is not allowed"),
    ],
)
def test_bad_expressions_name_the_offending_token(text, message):
    syms = {"a": sp.Symbol("a"), "b": sp.Symbol("b")}
    with pytest.raises(ExpressionError, match=message) as info:
        parse_expression(text, syms)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"params": ""}, "parameter list is empty"),
        ({"params": "a b", "step": "a"}, "step 'a' is also a parameter"),
        ({"params": "a a"}, "declared twice"),
        ({"params": "a b", "step": "mu nu"}, "exactly one symbol"),
        ({"params": "a 1b"}, "not a valid symbol name"),
        ({"params": "a exp"}, "reserved"),
    ],
)
def test_bad_declarations(kwargs, message):
    with pytest.raises(ExpressionError, match=message):
        parse_loss("(a*b - 1)**2/2", **{"step": "mu", **kwargs})


def test_names_split_on_commas_and_spaces():
    assert parse_names("a,b c", "params") == ["a", "b", "c"]
