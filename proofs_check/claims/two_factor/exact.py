"""Exact claims: their claimed expressions, how each is proved, and the steps' vocabulary.

An exact claim keeps what it claims (``{name: expression}``: what the paper states, corrected
where needed) apart from how it is proved (``steps(claimed) -> [evidence]``, built from the
derived map only when the claim is checked). :data:`EXACT` holds both for every exact claim, so a
test can perturb one claimed expression (:func:`mutated`) and watch the proof fail, and a
computation can use a value that another claim proves (:func:`proved`) instead of typing it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import mpmath
import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claims.two_factor.derived import a, b, mu, w

__all__ = ["EXACT", "ExactSpec", "eq", "mutated", "on_hyperbola", "positive", "proved",
           "proved_value", "register", "sign_in_mu"]


@dataclass(frozen=True)
class ExactSpec:
    """Claimed expressions of an exact claim and how to prove them from the derived map.

    ``claimed()`` returns ``{name: expression}``; ``steps(claimed)`` builds the exact steps;
    :meth:`evidence` is the argument (built when it runs) for the claimed expressions, or for
    them with some overridden (a mutant).
    """

    claimed: Callable[[], dict]
    steps: Callable[[dict], list]
    description: str

    def evidence(self, override: dict | None = None) -> ev.Argument:
        """The exact argument for the claimed expressions (updated by ``override``)."""
        def build():
            return self.steps({**self.claimed(), **(override or {})})
        return ev.argument(build, self.description)


#: claim id -> its :class:`ExactSpec` (filled by the declarations in ``claims.py``)
EXACT: dict[str, ExactSpec] = {}


def register(claim_id: str, description: str, claimed: Callable[[], dict],
             steps: Callable[[dict], list]) -> ExactSpec:
    """Register the claimed expressions of ``claim_id`` and how to prove them; the claim is then
    declared with ``Claim(claimed=spec.claimed(), build=...)`` (a mutable claim)."""
    spec = ExactSpec(claimed, steps, description)
    EXACT[claim_id] = spec
    return spec


def proved(claim_id: str) -> dict:
    """The claimed expressions of the exact claim ``claim_id`` (what its proof establishes).

    Examples
    --------
    >>> proved("tf.slice.bounded_set")["c2"]
    1 + 2/mu
    """
    return EXACT[claim_id].claimed()


def proved_value(claim_id: str, name: str):
    """A proved exact value of the catalogue as an mpmath number at the working precision.

    Examples
    --------
    >>> float(proved_value("tf.slice.fixed_points", "mu_super"))
    0.5
    """
    return mpmath.mpf(str(sp.N(proved(claim_id)[name], mpmath.mp.dps + 10)))


def mutated(claim_id: str, name: str, delta=None) -> ev.Argument:
    """Evidence for ``claim_id`` with the claimed expression ``name`` perturbed by ``delta``
    (default ``1/7``).

    Examples
    --------
    >>> mutated("tf.invariant.u", "K").run("quick", 0).status
    'refuted'
    """
    spec = EXACT[claim_id]
    claimed = spec.claimed()
    return spec.evidence({name: claimed[name] + (sp.Rational(1, 7) if delta is None else delta)})


def eq(lhs, rhs, what: str) -> ev.Identity:
    """The exact identity ``lhs == rhs`` (entrywise for tuples and matrices), described."""
    return ev.identity(lhs, rhs, description=what)


def sign_in_mu(p, lo, hi, statement: str, rel: str = ">"):
    """A sign fact in mu itself (so that its certificate covers mu on (lo, hi))."""
    return ev.sign_fact(p, mu, lo, hi, rel, statement=statement)


def positive(expr, description: str):
    """Exact positivity (coefficients) of a rational function of positive symbols."""
    return ev.positivity(expr, description=description)


def on_hyperbola(expr):
    """``expr`` at a point ``(a, 1/a)`` of ab = 1, written in ``w = a^2 > 0`` (for expressions
    even in a, such as lambda = a^2 + b^2 = w + 1/w).

    Examples
    --------
    >>> on_hyperbola(a**2 + b**2)
    w + 1/w
    """
    return sp.expand(sp.sympify(expr).xreplace({a: sp.sqrt(w), b: 1 / sp.sqrt(w)}))
