"""Strict parsing of user-written expressions into SymPy.

User input never reaches :func:`eval`: the text is parsed with :mod:`ast` and only a small
whitelist of node types, functions and constants is translated to SymPy. Every error is a
:class:`ExpressionError` whose one-line message names the offending token and the input.
"""

from __future__ import annotations

import ast
import keyword
import math
from collections.abc import Iterable

import sympy as sp

__all__ = ["ExpressionError", "parse_expression", "parse_loss", "parse_names"]

#: Functions a user may call inside an expression.
FUNCTIONS = {
    "exp": sp.exp,
    "log": sp.log,
    "sqrt": sp.sqrt,
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "sinh": sp.sinh,
    "cosh": sp.cosh,
    "tanh": sp.tanh,
    "atan": sp.atan,
    "Abs": sp.Abs,
    "abs": sp.Abs,
}
#: Named constants a user may write.
CONSTANTS = {"pi": sp.pi, "E": sp.E}

# Limits that refuse hostile input instead of hanging or eating memory (each error names them).
#: characters in one expression
MAX_LENGTH = 5000
#: AST nodes in one expression (a sum of ~1000 terms)
MAX_NODES = 4000
#: |exponent| of a power whose base contains a symbol: (a*b - 1)**64 expands to ~2000 terms
MAX_EXPONENT = 64
#: decimal digits of a number the parser builds (9**9**9 would have 3.7e8 of them)
MAX_DIGITS = 300

_BINOPS = {
    ast.Add: lambda x, y: x + y,
    ast.Sub: lambda x, y: x - y,
    ast.Mult: lambda x, y: x * y,
    ast.Div: lambda x, y: x / y,
    ast.Pow: lambda x, y: x**y,
}


class ExpressionError(ValueError):
    """An expression or a list of names that cannot be used; the message is one line."""


def parse_names(names: str | Iterable[str] | None, what: str) -> list[str]:
    """Split ``"a b"`` or ``"a, b"`` (or a list) into validated identifiers.

    Examples
    --------
    >>> parse_names("a, b  c", "params")
    ['a', 'b', 'c']
    """
    if names is None:
        return []
    items = names.replace(",", " ").split() if isinstance(names, str) else [str(n) for n in names]
    seen: set[str] = set()
    for name in items:
        if not name.isascii() or not name.isidentifier() or name.startswith("_"):
            raise ExpressionError(f"{what}: {name!r} is not a valid symbol name")
        if keyword.iskeyword(name):
            hint = "lam" if name == "lambda" else f"{name}0"
            raise ExpressionError(f"{what}: {name!r} is a Python keyword and cannot be a symbol "
                                  f"name; use another name, e.g. {hint!r}")
        if name in FUNCTIONS or name in CONSTANTS:
            raise ExpressionError(f"{what}: {name!r} is reserved (a function or constant name)")
        if name in seen:
            raise ExpressionError(f"{what}: {name!r} is declared twice")
        seen.add(name)
    return items


def parse_expression(text: str, symbols: dict[str, sp.Symbol], what: str = "expression") -> sp.Expr:
    """Parse ``text`` into a SymPy expression using only the declared ``symbols``.

    Decimal literals become exact rationals (``0.5`` -> ``1/2``), so a parsed expression can be
    used in exact proofs. ``^`` is read as a power.

    Examples
    --------
    >>> import sympy as sp
    >>> a, b = sp.symbols("a b")
    >>> parse_expression("(a*b - 1)^2/2", {"a": a, "b": b})
    (a*b - 1)**2/2
    >>> parse_expression("0.5*a", {"a": a})
    a/2
    >>> parse_expression("a*c", {"a": a})
    Traceback (most recent call last):
    ...
    theory.parse.ExpressionError: expression 'a*c': undeclared symbol 'c' (declared: a)
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(f"{what} is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"{what} is too long ({len(text)} characters; at most "
                              f"{MAX_LENGTH})")
    label = f"{what} {text.strip()!r}"
    if not text.isascii():  # Python folds full-width 'ａ' into 'a' (NFKC): refuse, do not guess
        char = next(ch for ch in text if not ch.isascii())
        raise ExpressionError(f"{label}: non-ASCII character {char!r} (U+{ord(char):04X})")
    try:
        # '^' means power to researchers; rewrite before parsing so precedence is that of '**'.
        source = text.strip().replace("^", "**")
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        col = (exc.offset or 1) - 1
        token = text.strip()[col : col + 10] or "end of input"
        raise ExpressionError(f"{label}: does not parse near {token!r}") from None

    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        raise ExpressionError(f"{label[:60]}...: too large ({nodes} syntax nodes; at most "
                              f"{MAX_NODES})")

    def power(base: sp.Expr, exponent: sp.Expr, node: ast.AST) -> sp.Expr:
        token = ast.unparse(node)[:40]
        if exponent.is_number:
            if not exponent.is_Rational:
                return base**exponent
            if base.free_symbols and abs(exponent) > MAX_EXPONENT:
                shown = exponent if abs(exponent) < 10**6 else sp.Float(exponent, 3)
                raise ExpressionError(f"{label}: exponent {shown} in {token!r} is too large "
                                      f"(at most {MAX_EXPONENT} for a power of a symbol)")
            if base.is_number and base.is_Rational and base != 0:
                size = abs(float(exponent)) * max(_log10(base), 1.0)
                if size > MAX_DIGITS:
                    raise ExpressionError(f"{label}: {token!r} is too large a number (about "
                                          f"10^{size:.3g}; at most {MAX_DIGITS} digits)")
        return base**exponent

    def visit(node: ast.AST) -> sp.Expr:
        if isinstance(node, ast.Expression):
            return visit(node.body)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise ExpressionError(f"{label}: literal {node.value!r} is not a number")
            if isinstance(node.value, float) and not math.isfinite(node.value):
                literal = ast.get_source_segment(source, node) or ast.unparse(node)
                raise ExpressionError(f"{label}: literal {literal!r} is not a finite number")
            if isinstance(node.value, int) and node.value.bit_length() > MAX_DIGITS * 3.33:
                raise ExpressionError(f"{label}: integer literal is too long (at most "
                                      f"{MAX_DIGITS} digits)")
            return sp.Integer(node.value) if isinstance(node.value, int) else sp.Rational(
                repr(node.value)
            )
        if isinstance(node, ast.Name):
            if node.id in symbols:
                return symbols[node.id]
            if node.id in CONSTANTS:
                return CONSTANTS[node.id]
            declared = ", ".join(symbols) or "none"
            raise ExpressionError(f"{label}: undeclared symbol {node.id!r} (declared: {declared})")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return power(visit(node.left), visit(node.right), node)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](visit(node.left), visit(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            value = visit(node.operand)
            return -value if isinstance(node.op, ast.USub) else value
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
            if name not in FUNCTIONS or node.keywords:
                raise ExpressionError(f"{label}: function {name!r} is not allowed")
            if len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
                raise ExpressionError(f"{label}: {name}() takes exactly one argument "
                                      f"(got {len(node.args)})")
            return FUNCTIONS[name](visit(node.args[0]))
        token = ast.unparse(node) if isinstance(node, ast.expr) else type(node).__name__
        raise ExpressionError(f"{label}: {token!r} is not allowed in an expression")

    try:
        expr = sp.sympify(visit(tree))
    except (ZeroDivisionError, OverflowError, ValueError, TypeError) as exc:
        if isinstance(exc, ExpressionError):
            raise
        raise ExpressionError(f"{label}: {type(exc).__name__}: {exc}") from None
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise ExpressionError(f"{label}: is not finite (a division by zero?)")
    return expr


def _log10(q: sp.Rational) -> float:
    """log10 of |q| for a non-zero rational, without building huge floats."""
    p, r = abs(int(q.p)), int(q.q)
    return abs(math.log10(p) - math.log10(r)) if p < 10**300 and r < 10**300 else \
        max(len(str(p)), len(str(r)))


def parse_loss(loss: str, params: str | Iterable[str], step: str | None = None,
               constants: str | Iterable[str] | None = None):
    """Parse a user's loss; return ``(expr, param_symbols, step_symbol, constant_symbols)``.

    ``params`` are the trained variables (real symbols), ``step`` the step size (a positive
    symbol, or ``None`` for gradient flow), ``constants`` any other real symbols the loss uses.

    Examples
    --------
    >>> expr, ps, step, cs = parse_loss("(a*b-1)**2/2", params="a b", step="mu")
    >>> expr, ps, step
    ((a*b - 1)**2/2, (a, b), mu)
    >>> parse_loss("a**2", params="a", step="a")
    Traceback (most recent call last):
    ...
    theory.parse.ExpressionError: step 'a' is also a parameter
    """
    names = parse_names(params, "params")
    if not names:
        raise ExpressionError("params: the parameter list is empty")
    extra = parse_names(constants, "constants")
    for name in extra:
        if name in names:
            raise ExpressionError(f"constant {name!r} is also a parameter")
    step_sym = None
    if step is not None:
        step_names = parse_names(step, "step")
        if len(step_names) != 1:
            raise ExpressionError(f"step {step!r} must be exactly one symbol name")
        step_name = step_names[0]
        if step_name in names:
            raise ExpressionError(f"step {step_name!r} is also a parameter")
        if step_name in extra:
            raise ExpressionError(f"step {step_name!r} is also a constant")
        step_sym = sp.Symbol(step_name, positive=True)
    param_syms = tuple(sp.Symbol(n, real=True) for n in names)
    const_syms = tuple(sp.Symbol(n, real=True) for n in extra)
    table = {s.name: s for s in (*param_syms, *const_syms)}
    expr = parse_expression(loss, table, what="loss")
    return expr, param_syms, step_sym, const_syms
