"""Property evidence: a Hypothesis search for a counterexample (at most ``verified``).

A *margin* function is evaluated on points drawn by Hypothesis from a domain; the claim holds at a
point where the margin is ``>= -tol`` (a predicate returning ``True``/``False`` works too). The
search is run programmatically (a float violation counts only once confirmed, see
:mod:`proofs_check.evidence.confirm`): a ``@given`` function is built and called, with
``hypothesis.target`` pushing toward the smallest margin, a fixed seed (reproducible), no example
database and no deadline. A failure is shrunk by Hypothesis to a simple counterexample, which is
reported with a command that reruns it.

Domains (``{name: spec}``):

``(lo, hi)`` with numbers          floats in ``[lo, hi]`` (no NaN, no infinity);
``range(a, b)``                    integers ``a <= n < b``;
a ``list`` / ``set`` of values     one of them (``sampled_from``; a set is sorted first);
a Hypothesis strategy              used as given.

The margin may return ``None`` for a point outside the claim's hypothesis (the point is rejected,
like :func:`hypothesis.assume`).
"""

from __future__ import annotations

import importlib.util
import inspect
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from hypothesis import (
    HealthCheck,
    Phase,
    Verbosity,
    example,
    given,
    reject,
    seed,
    settings,
    target,
)
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import SearchStrategy

from proofs_check.claim import Evidence, EvidenceResult
from proofs_check.evidence.confirm import confirm

__all__ = ["PropertySearch", "property", "strategies_for"]

#: default number of examples per budget
EXAMPLES = {"quick": 200, "full": 2000}
#: points of the low-discrepancy (scrambled Sobol) pass run before the Hypothesis search, per
#: budget, at most: a violating set of volume v is missed with probability about exp(-v n) or
#: less (4096 points: a 0.1% set is missed with probability < 2%, in practice never for a ball)
SOBOL_POINTS = {"quick": 2**12, "full": 2**15}
#: ... and at most this many per Hypothesis example, so that an evidence asking for few examples
#: (an expensive margin) does not pay for thousands of Sobol points
SOBOL_PER_EXAMPLE = 20


def strategies_for(domain: Mapping[str, Any]) -> dict[str, SearchStrategy]:
    """Hypothesis strategies for a claim-style domain (see the module docstring).

    Examples
    --------
    >>> s = strategies_for({"mu": (0, 2), "n": range(1, 5), "kind": ["zoh", "euler"]})
    >>> sorted(s)
    ['kind', 'mu', 'n']
    >>> strategies_for({"mu": (2, 1)})
    Traceback (most recent call last):
    ...
    ValueError: domain of 'mu' is empty: (2, 1)
    """
    out: dict[str, SearchStrategy] = {}
    for name, spec in domain.items():
        if isinstance(spec, SearchStrategy):
            out[name] = spec
        elif isinstance(spec, range):
            if spec.step != 1 or len(spec) == 0:
                raise ValueError(f"domain of {name!r}: {spec} must be a non-empty step-1 range")
            out[name] = st.integers(spec.start, spec.stop - 1)
        elif isinstance(spec, list | set | frozenset):
            values = sorted(spec) if isinstance(spec, set | frozenset) else list(spec)
            if not values:
                raise ValueError(f"domain of {name!r} has no values")
            out[name] = st.sampled_from(values)
        elif isinstance(spec, tuple) and len(spec) == 2:
            try:
                lo, hi = (float(v) for v in spec)
            except (TypeError, ValueError):
                raise ValueError(f"domain of {name!r} is not a (low, high) pair: {spec!r}") \
                    from None
            if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
                raise ValueError(f"domain of {name!r} is empty: {spec!r}")
            out[name] = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
        else:
            raise ValueError(f"domain of {name!r}: cannot draw from {spec!r}")
    return out


class _Falsified(AssertionError):
    pass


class _NonFinite(ArithmeticError):
    pass


def _plain(value):
    """A JSON-friendly, repr-exact scalar."""
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return repr(value)


class PropertySearch(Evidence):
    """Search for a point where ``margin(**point) < -tol`` with Hypothesis. See :func:`property`."""

    kind = "property"

    def __init__(self, margin: Callable[..., Any], domain: Mapping[str, Any], *,
                 tol: float = 0.0, examples: Mapping[str, int] | int | None = None,
                 description: str = "", rerun: str | None = None, margin_is: str = ""):
        self.margin = margin
        self.margin_is = margin_is or "the claim's margin function (it holds where >= -tol)"
        self.domain = dict(domain)
        self.strategies = strategies_for(self.domain)
        if not self.strategies:
            raise ValueError("property: the domain is empty (no variables to draw)")
        self.tol = float(tol)
        if examples is None:
            examples = EXAMPLES
        elif isinstance(examples, int):
            examples = {"quick": examples, "full": examples}
        self.examples = dict(examples)
        if min(self.examples.values()) < 1:
            raise ValueError("property: the number of examples must be at least 1")
        self.description = description or f"Hypothesis search over {', '.join(self.domain)}"
        self.rerun_template = rerun

    def _margin_at(self, point: Mapping[str, Any]) -> float | None:
        value = self.margin(**point)
        if value is None:
            return None
        if isinstance(value, bool):
            return 0.0 if value else -math.inf
        value = float(value)
        if math.isnan(value):
            raise _NonFinite(f"margin is NaN at {dict(point)}")
        return value

    def _sobol_points(self, budget: str, seed_: int) -> list[dict] | None:
        """Points of a scrambled Sobol sample of the domain, or None for a domain given by
        Hypothesis strategies (nothing to map a unit cube onto)."""
        import numpy as np
        from scipy.stats import qmc

        specs = list(self.domain.items())
        if any(isinstance(spec, SearchStrategy) for _, spec in specs):
            return None
        n_examples = self.examples.get(budget, self.examples.get("quick", EXAMPLES["quick"]))
        n = min(SOBOL_POINTS.get(budget, SOBOL_POINTS["quick"]), SOBOL_PER_EXAMPLE * n_examples)
        # a power of two keeps the Sobol sequence balanced
        unit = qmc.Sobol(len(specs), scramble=True, seed=seed_).random_base2(
            max(int(n).bit_length() - 1, 0))
        n = len(unit)
        columns = {}
        for j, (name, spec) in enumerate(specs):
            u = unit[:, j]
            if isinstance(spec, range):
                columns[name] = [spec[int(k)] for k in np.minimum(u * len(spec), len(spec) - 1)]
            elif isinstance(spec, list | set | frozenset):
                values = sorted(spec) if not isinstance(spec, list) else spec
                columns[name] = [values[int(k)] for k in
                                 np.minimum(u * len(values), len(values) - 1)]
            else:
                lo, hi = (float(v) for v in spec)
                columns[name] = (lo + u * (hi - lo)).tolist()
        return [{k: columns[k][i] for k in columns} for i in range(n)]

    def _sobol_pass(self, budget: str, seed_: int, details: dict):
        """(refutation or None, worst points for Hypothesis to start from)."""
        points = self._sobol_points(budget, seed_)
        if points is None:
            return None, []
        scored = []
        for point in points:
            m = self.margin(**point)
            if m is None:
                continue
            m = (0.0 if m else -math.inf) if isinstance(m, bool) else float(m)
            if math.isnan(m):
                continue  # the Hypothesis search reports NaN margins as errors
            scored.append((m, point))
        details["sobol_points"] = len(points)
        scored.sort(key=lambda mp: mp[0])
        holding = [p for m, p in scored[:5] if m >= -self.tol]
        for m, point in scored[:5]:
            if m >= -self.tol:
                break
            c = confirm(self.margin, point, m, tol=self.tol, scale=abs(m))
            if c.confirmed:
                details["confirmed"] = c.how
                details["found_by"] = f"scrambled Sobol pass ({len(points)} points, seed {seed_})"
                cx = {k: _plain(v) for k, v in point.items()}
                return EvidenceResult(
                    self.kind, "refuted", f"{self.description}: Sobol-pass counterexample",
                    margin=m if math.isfinite(m) else None, sample_size=len(scored),
                    counterexample=cx, rerun=self._rerun(cx), details=details,
                    seed=seed_), holding
        return None, holding

    def run(self, budget: str, seed_: int) -> EvidenceResult:
        n_examples = self.examples.get(budget, self.examples.get("quick", EXAMPLES["quick"]))
        pre: dict[str, Any] = {}
        # the Sobol pass finds small violating sets; Hypothesis then searches (starting from the
        # pass's worst points when they hold) and shrinks what it finds to a simple point
        found, starts = self._sobol_pass(budget, seed_, pre)
        if found is not None:
            found.details = {"domain": {k: _describe(v) for k, v in self.domain.items()},
                             "tol": self.tol, "margin_is": self.margin_is, **found.details}
            starts = []
        record: dict[str, Any] = {"calls": 0, "valid": 0, "worst": math.inf, "worst_at": None,
                                  "failing": None, "failing_margin": None, "error": None,
                                  "unconfirmed": 0, "unconfirmed_how": None, "confirmed": None}

        def search(**point):
            record["calls"] += 1
            try:
                m = self._margin_at(point)
            except _NonFinite as exc:
                record["failing"], record["failing_margin"] = dict(point), math.nan
                record["error"] = str(exc)
                raise
            if m is None:
                reject()
            record["valid"] += 1
            if m < record["worst"]:
                record["worst"], record["worst_at"] = m, dict(point)
            if math.isfinite(m):
                target(-m, label="negative margin")
            if m < -self.tol:
                c = confirm(self.margin, point, m, tol=self.tol, scale=abs(m))
                if not c.confirmed:
                    record["unconfirmed"] += 1
                    record["unconfirmed_how"] = record["unconfirmed_how"] or c.how
                    return
                record["failing"], record["failing_margin"] = dict(point), m
                record["confirmed"] = c.how
                raise _Falsified(f"margin {m!r} < {-self.tol!r} at {point}")

        search = given(**self.strategies)(search)
        for point in starts:  # the worst points of the Sobol pass, tried first
            search = example(**point)(search)
        search = settings(max_examples=n_examples, derandomize=False, database=None,
                          deadline=None, verbosity=Verbosity.quiet, print_blob=False,
                          report_multiple_bugs=False, suppress_health_check=list(HealthCheck),
                          phases=(Phase.explicit, Phase.generate, Phase.target, Phase.shrink),
                          )(seed(seed_)(search))
        details: dict[str, Any] = {"domain": {k: _describe(v) for k, v in self.domain.items()},
                                   "max_examples": n_examples, "tol": self.tol,
                                   "margin_is": self.margin_is,
                                   "engine": "hypothesis (seeded, no database, target on margin)",
                                   **pre}
        status = "verified"
        try:
            search()
        except _Falsified:
            status = "refuted"
        except _NonFinite:
            status = "error"
        except Unsatisfiable:
            status = "inconclusive"
            details["error"] = "no point of the domain satisfied the claim's hypothesis"
        details["examples_run"] = record["calls"]
        details["valid_examples"] = record["valid"]
        if record["unconfirmed"]:
            details["unconfirmed_violations"] = {"count": record["unconfirmed"],
                                                 "first": record["unconfirmed_how"]}
        if record["confirmed"]:
            details["confirmed"] = record["confirmed"]
        worst = record["worst"] if math.isfinite(record["worst"]) else None
        if record["worst_at"] is not None:
            details["worst_at"] = {k: _plain(v) for k, v in record["worst_at"].items()}
        if status in ("verified", "inconclusive") and found is not None:
            return found
        if status in ("verified", "inconclusive"):
            if record["valid"] == 0:
                status = "inconclusive"
                details["error"] = "no point of the domain satisfied the claim's hypothesis"
            return EvidenceResult(self.kind, status, self.description, margin=worst,
                                  sample_size=record["valid"] + pre.get("sobol_points", 0),
                                  worst_error=None if worst is None else max(0.0, -worst),
                                  details=details, seed=seed_)
        point = {k: _plain(v) for k, v in record["failing"].items()}
        if status == "error":
            details["error"] = record["error"]
            return EvidenceResult(self.kind, "error", self.description, counterexample=point,
                                  sample_size=record["valid"], details=details, seed=seed_)
        margin = record["failing_margin"]
        rerun = self._rerun(point)
        return EvidenceResult(
            self.kind, "refuted", f"{self.description}: shrunk counterexample",
            margin=margin if math.isfinite(margin) else None, sample_size=record["valid"],
            worst_error=-margin, counterexample=point, rerun=rerun, details=details, seed=seed_)

    def _rerun(self, point: Mapping[str, Any]) -> str | None:
        args = ", ".join(f"{k}={v!r}" for k, v in point.items())
        if self.rerun_template is not None:
            return self.rerun_template.format(args=args, **point)
        fn = self.margin
        module, qualname = getattr(fn, "__module__", None) or "", getattr(fn, "__qualname__", "")
        if not qualname.isidentifier():
            return None  # a lambda or a nested function cannot be named from outside
        importable = (module and module != "__main__" and not module.startswith("_dynverify")
                      and all(part.isidentifier() for part in module.split(".")))
        if importable:
            try:
                importable = importlib.util.find_spec(module) is not None
            except (ImportError, ValueError):
                importable = False
        if importable:
            return f"python -c \"from {module} import {qualname}; print({qualname}({args}))\""
        try:
            source = inspect.getsourcefile(fn)
        except TypeError:
            return None
        if not source or not Path(source).is_file() or "'" in source:
            return None
        return (f"python -c \"import runpy; {qualname} = runpy.run_path('{source}')"
                f"['{qualname}']; print({qualname}({args}))\"")


def _describe(spec) -> Any:
    if isinstance(spec, tuple):
        return [_plain(v) for v in spec]
    if isinstance(spec, range):
        return f"range({spec.start}, {spec.stop})"
    if isinstance(spec, list | set | frozenset):
        return [_plain(v) for v in (sorted(spec) if not isinstance(spec, list) else spec)]
    return repr(spec)


def property(margin: Callable[..., Any], domain: Mapping[str, Any], *, tol: float = 0.0,
             examples: Mapping[str, int] | int | None = None, description: str = "",
             rerun: str | None = None, margin_is: str = "") -> PropertySearch:
    """Evidence from a Hypothesis search for a counterexample (at most ``verified``).

    Parameters
    ----------
    margin : callable
        ``margin(**point)`` returns a float (the claim holds where it is ``>= -tol``), a bool
        (a predicate), or ``None`` (the point is outside the claim's hypothesis; rejected).
    domain : dict
        ``{name: spec}`` as described in the module docstring.
    tol : float
        Allowed negative margin (floating-point slack).
    examples : int or dict, optional
        Number of examples, or ``{"quick": n, "full": m}``; default 200 and 2000.
    rerun : str, optional
        A command template for the counterexample; ``{args}`` becomes ``name=value, ...`` and each
        ``{name}`` the value. By default a ``python -c`` call of ``margin`` when it is importable
        (a module-level function); otherwise the claim's ``dynverify check`` command is used.
    margin_is : str, optional
        What ``margin`` measures, with any tolerance in it and its source (``explain`` and the
        report print it).

    Returns
    -------
    PropertySearch
        Its ``run(budget, seed)`` gives ``verified`` (``sample_size`` valid examples,
        ``margin`` the worst seen, ``details["worst_at"]`` where), ``refuted`` (the shrunk
        ``counterexample``, its ``margin`` and ``rerun``), ``inconclusive`` (every point rejected)
        or ``error`` (the margin was NaN somewhere).

    Examples
    --------
    >>> r = property(lambda x, y: x * x + y * y, {"x": (-1, 1), "y": (-1, 1)}).run("quick", 0)
    >>> r.status, r.sample_size > 50
    ('verified', True)
    >>> r = property(lambda x: 0.9 - x, {"x": (0, 1)}).run("quick", 0)
    >>> r.status, r.counterexample["x"] > 0.9
    ('refuted', True)
    """
    return PropertySearch(margin, domain, tol=tol, examples=examples, description=description,
                          rerun=rerun, margin_is=margin_is)
