"""Interval evidence: rigorous enclosures with arb ball arithmetic (python-flint).

Two certificates, both of kind ``interval`` (a kind that may *prove*):

:func:`enclose_root`
    a threshold (a zero of ``f``) lies in ``[lo, hi]``: the signs of ``f`` at the endpoints are
    certified opposite by arb evaluation at exact rational points, ``f`` is certified finite (hence
    continuous) on the final bracket, and bisection narrows the bracket to the requested number of
    digits. A wrong bracket is *refuted* only when ``f`` is certified of one sign on all of it.
:func:`certify_sign`
    ``f > 0`` (or ``>= 0``, ``< 0``, ``<= 0``) on a box, by interval evaluation of ``f`` on the box
    with bisection. Every leaf box must be certified for ``proved``; a box still undecided at the
    maximal depth makes the answer ``inconclusive``; an exact rational point where ``f`` is
    certified of the wrong sign is a counterexample (``refuted``).

Functions are SymPy expressions (or strings, parsed with :func:`theory.parse_expression`) built
from ``+ - * / **``, ``sqrt exp log sin cos tan atan sinh cosh tanh Abs``, ``pi`` and ``E``, with
exact rational coefficients: floating-point literals are refused, since the function they denote is
not the one the reader sees. Box bounds may be ints, floats (taken at their exact binary value),
strings such as ``"0.1"`` (exact decimal) or SymPy/``fractions`` rationals.

Limitations, stated rather than hidden: ball arithmetic overestimates (the dependency problem), so
a function that *touches* zero on the box (``x**2 >= 0`` at ``x = 0``), or ``sqrt``/``log`` at the
edge of their domain (``sqrt(mu)`` on a box starting at ``mu = 0``), stay undecided there and the
answer is ``inconclusive``; shrink the box away from such points.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from fractions import Fraction

import sympy as sp
from flint import arb, ctx, fmpq

from proofs_check.claim import Evidence, EvidenceResult
from proofs_check.evidence import certificates as cert

__all__ = [
    "IntervalError",
    "RootEnclosure",
    "SignCertificate",
    "arb_function",
    "certify_sign",
    "enclose_root",
]

SIGNS = (">0", ">=0", "<0", "<=0")
#: default (max_depth, max_boxes) per budget for sign certification
SIGN_BUDGETS = {"quick": (14, 20_000), "full": (24, 400_000)}
#: float64 candidate points (a scrambled Sobol sample of the box) tried per budget before the
#: bisection; a candidate refutes only once arb certifies the sign at its exact rational value
CANDIDATES = {"quick": 2**12, "full": 2**16}


class IntervalError(ValueError):
    """A function or a box that interval evidence cannot use; the message is one line."""


@contextmanager
def _precision(bits: int):
    old = ctx.prec
    ctx.prec = bits
    try:
        yield
    finally:
        ctx.prec = old


def _fraction(value, what: str) -> Fraction:
    """Exact rational value of a bound (float: its binary value; str: its decimal value)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise IntervalError(f"{what} {value!r} is not a number")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise IntervalError(f"{what} {value!r} is not finite")
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            raise IntervalError(f"{what} {value!r} is not a rational number") from None
    if isinstance(value, sp.Basic):
        if value.is_Rational:
            return Fraction(int(value.p), int(value.q))
        if value.is_Float:
            return Fraction(sp.Rational(value).p, sp.Rational(value).q)
        raise IntervalError(f"{what} {value} is not a rational number; give a rational bound")
    raise IntervalError(f"{what} {value!r} is not a number")


def _arb(q: Fraction) -> arb:
    """The smallest ball at the working precision containing the rational ``q``."""
    return arb(fmpq(q.numerator, q.denominator))


def _ball(lo: Fraction, hi: Fraction) -> arb:
    """A ball containing the interval ``[lo, hi]``."""
    return _arb(lo) if lo == hi else _arb(lo).union(_arb(hi))


def _dec(q: Fraction, digits: int = 20) -> str:
    """``q`` as a decimal string with ``digits`` significant digits (for reports only)."""
    return sp.Float(sp.Rational(q.numerator, q.denominator), digits).__str__()


def _pow_int(x: arb, n: int) -> arb:
    """``x**n`` for an integer ``n``, tight on balls that contain zero (monotone pieces)."""
    if n == 0:
        return arb(1)
    if n < 0:
        return 1 / _pow_int(x, -n)

    def power(y: arb) -> arb:
        out, base, k = arb(1), y, n
        while k:
            if k & 1:
                out = out * base
            base = base * base
            k >>= 1
        return out

    if not x.is_finite():
        return arb.nan()
    if x > 0 or x < 0 or x.is_exact():
        return power(x)
    lo, hi = arb(x.lower()), arb(x.upper())
    if n % 2:  # odd powers are increasing
        return power(lo).union(power(hi))
    top = power(arb(x.abs_upper()))
    return arb(0).union(top)


_UNARY: dict[type, Callable[[arb], arb]] = {
    sp.exp: arb.exp,
    sp.log: arb.log,
    sp.sin: arb.sin,
    sp.cos: arb.cos,
    sp.tan: arb.tan,
    sp.atan: arb.atan,
    sp.sinh: arb.sinh,
    sp.cosh: arb.cosh,
    sp.tanh: arb.tanh,
    sp.Abs: lambda x: arb(0).union(arb(x.abs_upper())) if x.contains(0) else abs(x),
}


def _compile(expr: sp.Basic) -> Callable[[Mapping[str, arb]], arb]:
    """Turn a SymPy expression into a function of ``{name: arb}`` (evaluated at ctx.prec)."""
    if isinstance(expr, sp.Symbol):
        name = expr.name
        return lambda env: env[name]
    if expr.is_Rational:
        q = Fraction(int(expr.p), int(expr.q))
        return lambda env: _arb(q)
    if expr.is_Float:
        raise IntervalError(f"interval: {expr} is a float literal; write it as an exact rational")
    if expr is sp.pi:
        return lambda env: arb.pi()
    if expr is sp.E:
        return lambda env: arb(1).exp()
    if isinstance(expr, sp.Add | sp.Mul):
        parts = [_compile(a) for a in expr.args]
        if isinstance(expr, sp.Add):
            def add(env):
                out = parts[0](env)
                for p in parts[1:]:
                    out = out + p(env)
                return out
            return add

        def mul(env):
            out = parts[0](env)
            for p in parts[1:]:
                out = out * p(env)
            return out
        return mul
    if isinstance(expr, sp.Pow):
        base, exp_ = expr.args
        fb = _compile(base)
        if exp_.is_Integer:
            n = int(exp_)
            return lambda env: _pow_int(fb(env), n)
        if exp_ == sp.Rational(1, 2):
            return lambda env: fb(env).sqrt()
        if exp_ == sp.Rational(-1, 2):
            return lambda env: fb(env).rsqrt()
        if exp_.is_Rational:
            q = Fraction(int(exp_.p), int(exp_.q))
            return lambda env: fb(env) ** _arb(q)  # arb: nan unless the base is > 0
        fe = _compile(exp_)
        return lambda env: (fe(env) * fb(env).log()).exp()
    for cls, fn in _UNARY.items():
        if isinstance(expr, cls):
            (arg,) = expr.args
            fa = _compile(arg)
            return lambda env, fn=fn, fa=fa: fn(fa(env))
    raise IntervalError(f"interval: cannot evaluate {type(expr).__name__} in {expr}")


def _as_expr(f, names: list[str], what: str) -> sp.Expr:
    if isinstance(f, str):
        from theory.parse import ExpressionError, parse_expression

        try:
            return parse_expression(f, {n: sp.Symbol(n) for n in names}, what)
        except ExpressionError as exc:
            raise IntervalError(str(exc)) from None
    expr = sp.sympify(f)
    if expr.has(sp.Float):
        raise IntervalError(f"{what} {expr} contains a float literal; write exact rationals")
    return expr


def arb_function(f, names) -> Callable[..., arb]:
    """Compile a SymPy expression into a function of arb balls (keyword arguments by name).

    Parameters
    ----------
    f : sympy.Expr or str
        The function; a string is parsed with :func:`theory.parse_expression`.
    names : iterable of str
        The variable names ``f`` may use.

    Examples
    --------
    >>> from flint import arb
    >>> g = arb_function("x**2 - 2", ["x"])
    >>> g(x=arb(2).sqrt()).contains(0)
    True
    >>> g(x=arb(1)) < 0
    True
    """
    names = list(names)
    expr = _as_expr(f, names, "function")
    unknown = sorted(s.name for s in expr.free_symbols if s.name not in names)
    if unknown:
        raise IntervalError(f"function {expr}: symbol(s) {', '.join(unknown)} have no range")
    compiled = _compile(expr)
    return lambda **env: compiled(env)


# --------------------------------------------------------------------------- sign on a box


def _holds(v: arb, sign: str) -> bool:
    return bool({">0": v > 0, ">=0": v >= 0, "<0": v < 0, "<=0": v <= 0}[sign])


def _fails(v: arb, sign: str) -> bool:
    if not v.is_finite():
        return False
    return bool({">0": v <= 0, ">=0": v < 0, "<0": v >= 0, "<=0": v > 0}[sign])


def _sympy_rerun(expr: sp.Expr, point: Mapping[str, Fraction]) -> str:
    subs = ", ".join(f"'{k}': sp.Rational('{v}')" for k, v in point.items())
    return (f"python -c \"import sympy as sp; print(sp.N(sp.sympify('{sp.sstr(expr)}')"
            f".subs({{{subs}}}), 30))\"")


class SignCertificate(Evidence):
    """Certify the sign of ``f`` on a box by arb interval evaluation with bisection.

    See :func:`certify_sign`.
    """

    kind = "interval"

    def __init__(self, f, box: Mapping[str, tuple], sign: str = ">0", *,
                 max_depth: int | None = None, max_boxes: int | None = None, prec: int = 128,
                 description: str = ""):
        if sign not in SIGNS:
            raise IntervalError(f"sign {sign!r} is not one of {', '.join(SIGNS)}")
        names = list(box)
        self.expr = _as_expr(f, names, "function")
        used = {s.name for s in self.expr.free_symbols}
        missing = sorted(used - set(names))
        if missing:
            raise IntervalError(f"function {self.expr}: no range for {', '.join(missing)}")
        self.box: dict[str, tuple[Fraction, Fraction]] = {}
        for name in sorted(used):
            lo, hi = box[name]
            lo = _fraction(lo, f"lower bound of {name}")
            hi = _fraction(hi, f"upper bound of {name}")
            if lo > hi:
                raise IntervalError(f"box range of {name!r} is empty: ({lo}, {hi})")
            self.box[name] = (lo, hi)
        self.sign = sign
        self.max_depth = max_depth
        self.max_boxes = max_boxes
        self.prec = int(prec)
        self._f = _compile(self.expr)
        self.description = description or f"interval certificate: {self.expr} {sign} on the box"

    def _eval(self, box: Mapping[str, tuple[Fraction, Fraction]]) -> arb:
        return self._f({k: _ball(lo, hi) for k, (lo, hi) in box.items()})

    def _refuted(self, point: Mapping[str, Fraction], pv: arb, seed: int, how: str,
                 evaluated: int) -> EvidenceResult:
        lower = self.sign.startswith(">")
        return EvidenceResult(
            self.kind, "refuted", f"{self.description}: certified counterexample",
            value=pv.str(20, radius=True), claimed=f"f {self.sign}",
            margin=float(pv.mid()) if lower else -float(pv.mid()),
            counterexample={k: str(q) for k, q in point.items()},
            rerun=_sympy_rerun(self.expr, point),
            details={"function": str(self.expr), "sign": self.sign, "found_by": how,
                     "boxes_evaluated": evaluated, "precision_bits": self.prec,
                     "point_float": {k: float(q) for k, q in point.items()},
                     "confirmed": f"arb evaluation at the exact rational point, {self.prec} bits"},
            seed=seed)

    def _float_search(self, budget: str, seed: int) -> EvidenceResult | None:
        """Look for a violation in float64 on a Sobol sample; certify the best few in arb."""
        import numpy as np
        from scipy.stats import qmc

        names = list(self.box)
        if not names:
            return None
        try:
            fn = sp.lambdify([sp.Symbol(n) for n in names],
                             self.expr.xreplace({s: sp.Symbol(s.name)
                                                 for s in self.expr.free_symbols}), "numpy")
        except Exception:  # an expression numpy cannot evaluate: the bisection alone decides
            return None
        n = CANDIDATES.get(budget, CANDIDATES["quick"])
        unit = qmc.Sobol(len(names), scramble=True, seed=seed).random(n)
        lo = np.array([float(self.box[k][0]) for k in names])
        hi = np.array([float(self.box[k][1]) for k in names])
        pts = lo + unit * (hi - lo)
        with np.errstate(all="ignore"):
            try:
                vals = np.broadcast_to(np.asarray(fn(*pts.T), dtype=np.float64), (n,))
            except Exception:
                return None
        toward = vals if self.sign.startswith(">") else -vals
        toward = np.where(np.isfinite(toward), toward, np.inf)
        for i in np.argsort(toward, kind="stable")[:8]:
            if toward[i] > 0:
                break
            exact = {k: Fraction(float(pts[i, j])) for j, k in enumerate(names)}
            # the simplest rational point near the candidate that still fails (readable reruns)
            for den in (1, 2, 4, 10, 100, 1000, 10**6, None):
                point = {k: min(max(q if den is None else q.limit_denominator(den),
                                    self.box[k][0]), self.box[k][1]) for k, q in exact.items()}
                with _precision(self.prec):
                    pv = self._f({k: _arb(q) for k, q in point.items()})
                if _fails(pv, self.sign):
                    return self._refuted(point, pv, seed, f"float64 Sobol search ({n} points, "
                                         f"seed {seed})", 0)
        return None

    def run(self, budget: str, seed: int) -> EvidenceResult:
        depth_cap, boxes_cap = SIGN_BUDGETS.get(budget, SIGN_BUDGETS["quick"])
        depth_cap = self.max_depth if self.max_depth is not None else depth_cap
        boxes_cap = self.max_boxes if self.max_boxes is not None else boxes_cap
        widths = {k: (hi - lo) or Fraction(1) for k, (lo, hi) in self.box.items()}
        # best first: the box whose centre comes closest to violating the claim (then the one
        # whose enclosure does) is examined first, so a small violating region is found before
        # the budget is spent where f touches zero and ball arithmetic cannot decide (a
        # depth-first search, lower half first, spends it in the first such corner it meets)
        lower = self.sign.startswith(">")

        def toward_violation(v: arb) -> float:
            if not v.is_finite():
                return -math.inf
            return float(v.mid()) if lower else -float(v.mid())

        def entry(box, depth):
            centre = {k: (lo + hi) / 2 for k, (lo, hi) in box.items()}
            pv = self._f({k: _arb(q) for k, q in centre.items()})
            v = self._eval(box)
            edge = (float(v.lower()) if lower else -float(v.upper())) if v.is_finite() \
                else -math.inf
            return (toward_violation(pv), edge, next(counter), box, depth, v, centre, pv)

        found = self._float_search(budget, seed)
        if found is not None:
            return found
        counter = itertools.count()
        evaluated = certified = 0
        undecided: list[dict] = []
        worst = math.inf  # smallest certified distance of f from zero, in the claimed direction
        deepest = 0
        with _precision(self.prec):
            heap = [entry(dict(self.box), 0)]
            evaluated += 1
            while heap:
                _, _, _, box, depth, v, point, pv = heapq.heappop(heap)
                deepest = max(deepest, depth)
                if _holds(v, self.sign):
                    certified += 1
                    edge = v.lower() if lower else -v.upper()
                    worst = min(worst, float(edge))
                    continue
                if _fails(pv, self.sign):
                    return self._refuted(point, pv, seed, "bisection (box centres)", evaluated)
                if depth >= depth_cap or evaluated + 2 > boxes_cap:
                    undecided.append(box)
                    continue
                name = max(box, key=lambda k: ((box[k][1] - box[k][0]) / widths[k], k))
                lo, hi = box[name]
                mid = (lo + hi) / 2
                for child in ({**box, name: (lo, mid)}, {**box, name: (mid, hi)}):
                    heapq.heappush(heap, entry(child, depth + 1))
                    evaluated += 1
        details = {"function": str(self.expr), "sign": self.sign,
                   "box": {k: [str(lo), str(hi)] for k, (lo, hi) in self.box.items()},
                   "boxes_evaluated": evaluated, "boxes_certified": certified,
                   "max_depth": depth_cap, "deepest": deepest, "precision_bits": self.prec}
        margin = worst if math.isfinite(worst) else None
        if undecided:
            details["undecided_boxes"] = len(undecided)
            details["first_undecided"] = {k: [str(lo), str(hi)]
                                          for k, (lo, hi) in undecided[0].items()}
            return EvidenceResult(self.kind, "inconclusive",
                                  f"{self.description}: {len(undecided)} box(es) undecided",
                                  claimed=f"f {self.sign}", margin=margin,
                                  sample_size=evaluated, details=details, seed=seed)
        method = f"arb ball evaluation on {certified} boxes, {self.prec} bits"
        covers = {k: cert.Coverage("interval", lo=str(lo), hi=str(hi))
                  for k, (lo, hi) in self.box.items()}
        box = ", ".join(f"{k} in [{lo}, {hi}]" for k, (lo, hi) in self.box.items())
        certificate = cert.issue(cert.BoxSign(f"{sp.sstr(self.expr)} {self.sign} on {box}",
                                              method, covers))
        return EvidenceResult(
            self.kind, "proved", f"{self.description} ({method})",
            value=f"f {self.sign}", claimed=f"f {self.sign}", margin=margin,
            sample_size=evaluated, details=details, seed=seed, certificate=certificate)


def certify_sign(f, box: Mapping[str, tuple], sign: str = ">0", *, max_depth: int | None = None,
                 max_boxes: int | None = None, prec: int = 128,
                 description: str = "") -> SignCertificate:
    """Evidence that ``f`` has the given sign on every point of ``box`` (rigorous, arb balls).

    Parameters
    ----------
    f : sympy.Expr or str
        The function, built from the operations listed in the module docstring.
    box : dict
        ``{name: (lo, hi)}`` for every variable of ``f`` (extra names are ignored).
    sign : {">0", ">=0", "<0", "<=0"}
        The claimed sign.
    max_depth, max_boxes : int, optional
        Bisection limits; defaults depend on the budget (quick: 14 and 20 000, full: 24 and
        400 000).
    prec : int
        Working precision in bits.

    Returns
    -------
    SignCertificate
        Its ``run`` gives ``proved`` (every leaf box certified; ``margin`` is a certified lower
        bound of ``|f|`` in the claimed direction, rounded to a float), ``refuted`` (an exact
        rational point where the sign is certified wrong, with a SymPy rerun command), or
        ``inconclusive`` (boxes left undecided at the depth limit).

    Examples
    --------
    >>> r = certify_sign("1 + mu - mu**2/4", {"mu": (0, 2)}).run("quick", 0)
    >>> r.status, r.margin > 0
    ('proved', True)
    >>> r = certify_sign("1 - mu**2", {"mu": (0, 2)}).run("quick", 0)
    >>> r.status, r.counterexample
    ('refuted', {'mu': '2'})
    >>> certify_sign("x**2", {"x": (-1, 1)}, ">0").run("quick", 0).status
    'refuted'
    """
    return SignCertificate(f, box, sign, max_depth=max_depth, max_boxes=max_boxes, prec=prec,
                           description=description)


# --------------------------------------------------------------------------- root enclosure


class RootEnclosure(Evidence):
    """Certify that a zero of ``f`` lies in ``[lo, hi]`` and narrow it. See :func:`enclose_root`."""

    kind = "interval"

    def __init__(self, f, lo, hi, *, var: str | None = None, claimed=None, tol=None,
                 digits: int = 15, description: str = ""):
        if var is None:
            expr = f if isinstance(f, sp.Basic) else None
            symbols = sorted(s.name for s in expr.free_symbols) if expr is not None else []
            if len(symbols) != 1:
                raise IntervalError("enclose_root: give var= (the function must have exactly "
                                    f"one variable, found {symbols or 'none'})")
            var = symbols[0]
        self.var = var
        self.expr = _as_expr(f, [var], "function")
        extra = sorted(s.name for s in self.expr.free_symbols if s.name != var)
        if extra:
            raise IntervalError(f"function {self.expr}: symbols {', '.join(extra)} are not {var}")
        self.lo = _fraction(lo, "lower end of the bracket")
        self.hi = _fraction(hi, "upper end of the bracket")
        if not self.lo < self.hi:
            raise IntervalError(f"bracket [{lo}, {hi}] is empty")
        if isinstance(claimed, float):
            claimed = sp.Rational(*_fraction(claimed, "claimed value").as_integer_ratio())
        self.claimed = None if claimed is None else _as_expr(claimed, [], "claimed value")
        if self.claimed is not None and self.claimed.free_symbols:
            raise IntervalError(f"claimed value {self.claimed} is not a number")
        self.tol = None if tol is None else _fraction(tol, "tolerance")
        self.digits = int(digits)
        if not 1 <= self.digits <= 300:
            raise IntervalError(f"digits {digits!r} must lie between 1 and 300")
        self._f = _compile(self.expr)
        self.description = description or f"interval root enclosure of {self.expr} in [{lo}, {hi}]"

    def _at(self, q: Fraction) -> int | None:
        """Certified sign of f at the exact point q (0: exactly zero), None if undecided."""
        for bits in (ctx.prec, 4 * ctx.prec):
            with _precision(bits):
                v = self._f({self.var: _arb(q)})
            if v > 0:
                return 1
            if v < 0:
                return -1
            if v.is_exact() and v.is_zero():
                return 0
        return None

    def _finite_on(self, lo: Fraction, hi: Fraction, depth: int = 12) -> bool:
        """True when f has a finite enclosure on a cover of [lo, hi] (hence is continuous)."""
        stack = [(lo, hi, 0)]
        while stack:
            a, b, d = stack.pop()
            if self._f({self.var: _ball(a, b)}).is_finite():
                continue
            if d >= depth:
                return False
            m = (a + b) / 2
            stack += [(a, m, d + 1), (m, b, d + 1)]
        return True

    def _result(self, status, method, seed, **kw) -> EvidenceResult:
        details = {"function": str(self.expr), "variable": self.var,
                   "bracket": [str(self.lo), str(self.hi)], **kw.pop("details", {})}
        return EvidenceResult(self.kind, status, method, seed=seed, details=details, **kw)

    def run(self, budget: str, seed: int) -> EvidenceResult:
        prec = max(128, int(self.digits * 3.33) + 64)
        claimed_str = None if self.claimed is None else str(self.claimed)
        with _precision(prec):
            s_lo, s_hi = self._at(self.lo), self._at(self.hi)
            if s_lo is None or s_hi is None:
                end = "lower" if s_lo is None else "upper"
                return self._result("inconclusive", f"{self.description}: sign of f at the {end}"
                                    " end cannot be separated from 0", seed, claimed=claimed_str)
            if s_lo == s_hi:
                no_zero = SignCertificate(self.expr, {self.var: (self.lo, self.hi)},
                                       ">0" if s_lo > 0 else "<0", prec=prec).run(budget, seed)
                values = {"f(lo)": self._value(self.lo), "f(hi)": self._value(self.hi)}
                if no_zero.status == "proved":
                    return self._result(
                        "refuted", f"{self.description}: f is certified "
                        f"{'positive' if s_lo > 0 else 'negative'} on the whole bracket",
                        seed, claimed=claimed_str, margin=no_zero.margin and -no_zero.margin,
                        counterexample={"lo": str(self.lo), "hi": str(self.hi), **values},
                        rerun=self._rerun(), details={"no_zero_certificate": no_zero.details})
                return self._result("inconclusive", f"{self.description}: no sign change at the "
                                    "ends (an even number of zeros may lie inside)", seed,
                                    claimed=claimed_str, details=values)
            lo, hi = self.lo, self.hi
            if s_lo == 0 or s_hi == 0:
                lo = hi = self.lo if s_lo == 0 else self.hi
            target = Fraction(1, 10 ** self.digits)
            steps = 0
            while hi - lo > target * max(abs(lo), abs(hi), Fraction(1, 10**6)) and steps < 2000:
                mid = (lo + hi) / 2
                s = self._at(mid)
                steps += 1
                if s is None:
                    break  # f(mid) is too close to zero to decide: keep the certified bracket
                if s == 0:
                    lo = hi = mid
                elif s == s_lo:
                    lo = mid
                else:
                    hi = mid
            if not self._finite_on(lo, hi):
                return self._result("inconclusive", f"{self.description}: f is not certified "
                                    "continuous on the bracket", seed, claimed=claimed_str,
                                    details={"narrowed": [str(lo), str(hi)]})
            unique = self._unique(budget)
        width = hi - lo
        mid = (lo + hi) / 2
        scale = abs(mid) if mid != 0 else Fraction(1)
        digits = math.inf if width == 0 else round(-math.log10(width / scale), 2)
        details = {"enclosure": [_dec(lo, 25), _dec(hi, 25)], "exact_enclosure": [str(lo), str(hi)],
                   "bisection_steps": steps, "precision_bits": prec, "unique_in_bracket": unique}
        margin = float(min(lo - self.lo, self.hi - hi))
        status, method = "proved", (f"{self.description}: sign change certified by arb "
                                    f"evaluation, bracket narrowed to [{_dec(lo, 17)}, "
                                    f"{_dec(hi, 17)}]")
        counterexample = rerun = None
        if self.claimed is not None:
            with _precision(prec):
                c = _compile(self.claimed)({})
                a, b = _arb(lo), _arb(hi)
                if self.tol is None:  # the claimed value must lie in the certified enclosure
                    inside = bool(c >= a and c <= b)
                    outside = bool(c < a or c > b)
                else:  # the enclosure must lie within tol of the claimed value
                    t = _arb(self.tol)
                    inside = bool(c - t <= a and c + t >= b)
                    outside = bool(c + t < a or c - t > b)
            details["claimed_tol"] = None if self.tol is None else str(self.tol)
            if inside:
                method += f"; claimed {self.claimed} is consistent to {digits:g} digits"
            elif outside and unique:
                status = "refuted"
                method += f"; the unique zero differs from the claimed {self.claimed}"
                counterexample = {"zero_in": [_dec(lo, 20), _dec(hi, 20)],
                                  "claimed": str(self.claimed)}
                rerun = self._rerun()
            else:
                status = "inconclusive"
                method += (f"; claimed {self.claimed} is not in the enclosure"
                           + ("" if unique else " (uniqueness of the zero not certified)"))
        certificate = None
        if status == "proved":
            certificate = cert.issue(cert.CertifiedRoot(
                f"a zero of {sp.sstr(self.expr)} lies in [{_dec(lo, 17)}, {_dec(hi, 17)}]"
                + (f", consistent with {self.claimed}" if self.claimed is not None else ""),
                f"certified sign change and finiteness by arb at {prec} bits"
                + ("; unique (f' of one certified sign)" if unique else ""),
                {}, enclosure=(str(lo), str(hi)), unique=unique))
        return EvidenceResult(self.kind, status, method, value=float(mid), claimed=claimed_str,
                              margin=margin, digits=digits, counterexample=counterexample,
                              rerun=rerun, seed=seed, certificate=certificate,
                              details={"function": str(self.expr), "variable": self.var,
                                       "bracket": [str(self.lo), str(self.hi)], **details})

    def _value(self, q: Fraction) -> str:
        return self._f({self.var: _arb(q)}).str(15, radius=True)

    def _unique(self, budget: str) -> bool | None:
        """Whether f' is certified nonzero on the bracket (so the zero is unique)."""
        try:
            # differentiate by the expression's own symbol: a fresh Symbol(var) would lack its
            # assumptions (positive, real), compare unequal and give a zero derivative
            var = next((s for s in self.expr.free_symbols if s.name == self.var),
                       sp.Symbol(self.var))
            deriv = sp.diff(self.expr, var)
            for sign in (">0", "<0"):
                r = SignCertificate(deriv, {self.var: (self.lo, self.hi)}, sign, max_depth=10,
                                    max_boxes=2000, prec=ctx.prec).run(budget, 0)
                if r.status == "proved":
                    return True
        except IntervalError:
            return None
        return False

    def _rerun(self) -> str:
        return (f"python -c \"import sympy as sp; f = sp.sympify('{sp.sstr(self.expr)}'); "
                f"print([sp.N(f.subs('{self.var}', sp.Rational(v)), 20) for v in "
                f"('{self.lo}', '{self.hi}')])\"")


def enclose_root(f, lo, hi, *, var: str | None = None, claimed=None, tol=None, digits: int = 15,
                 description: str = "") -> RootEnclosure:
    """Evidence that a zero of ``f`` (a threshold) lies in ``[lo, hi]``, certified with arb balls.

    Parameters
    ----------
    f : sympy.Expr or str
        A function of one variable, continuous where it matters (certified on the final bracket).
    lo, hi : number
        The claimed bracket (exact rationals; floats at their binary value, strings as decimals).
    var : str, optional
        The variable's name (needed when ``f`` is a string).
    claimed : sympy.Expr or str, optional
        A claimed value of the zero (an exact form such as ``sqrt(5) - 1``). With ``tol=None`` it
        must lie inside the final certified enclosure; with ``tol`` the enclosure must lie within
        ``tol`` of it. It is refuted only when the enclosure excludes it and the zero is unique in
        the bracket (``f'`` of one certified sign).
    tol : number, optional
        Tolerance for ``claimed``.
    digits : int
        Relative width the bracket is narrowed to (``10**-digits``).

    Returns
    -------
    RootEnclosure
        Its ``run`` gives ``proved`` with ``value`` (the midpoint), ``digits`` (certified
        digits) and ``details["enclosure"]``; ``refuted`` when ``f`` is certified of one sign on
        the whole bracket (or a unique zero excludes ``claimed``); ``inconclusive`` otherwise.

    Examples
    --------
    >>> r = enclose_root("x**2 - 2", "1.41", "1.42", var="x", claimed="sqrt(2)").run("quick", 0)
    >>> r.status, r.digits >= 15, r.details["enclosure"][0][:12]
    ('proved', True, '1.4142135623')
    >>> enclose_root("x**2 - 2", "1.5", "1.6", var="x").run("quick", 0).status
    'refuted'
    >>> enclose_root("x**2 - 2", 1, 2, var="x", claimed="1.4142").run("quick", 0).status
    'refuted'
    """
    return RootEnclosure(f, lo, hi, var=var, claimed=claimed, tol=tol, digits=digits,
                         description=description)
