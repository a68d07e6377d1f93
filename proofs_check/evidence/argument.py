"""Multi-step proofs: an exact argument (a conjunction of certified steps), induction, and
evidence built on first use.

A step is a piece of evidence that yields a certificate when it proves: an
:func:`~proofs_check.evidence.identity`, a :func:`~proofs_check.evidence.sign_fact`, a
:func:`~proofs_check.evidence.positivity`, a :func:`~proofs_check.evidence.certify_sign`, an
:func:`~proofs_check.evidence.enclose_root`, or another :func:`argument`. A boolean, a tuple or a
label is not a step: building an argument from one raises :class:`ProofStepError`.

Examples
--------
A two-step proof that the GD map of ``(a b - 1)^2/2`` fixes the hyperbola ``a b = 1`` and that its
non-neutral multiplier there lies in ``(-1, 1)`` exactly when ``0 < s < 2`` with
``s = mu (a^2 + b^2)``:

>>> import sympy as sp
>>> from proofs_check import Claim, check, evidence as ev
>>> a, b, mu, s = sp.symbols("a b mu s", positive=True)
>>> F = sp.Matrix([a - mu*b*(a*b - 1), b - mu*a*(a*b - 1)])
>>> proof = ev.argument([
...     ev.identity(F - sp.Matrix([a, b]), sp.zeros(2, 1), modulo=[a*b - 1],
...                 description="F fixes ab = 1"),
...     ev.sign_fact(1 - (1 - s)**2, s, 0, 2, statement="|1 - s| < 1 on (0, 2)"),
... ], "fixed and stable")
>>> r = check(Claim(id="demo.eos", statement="...", evidence=[proof]))
>>> r.status, r.scope
('proved', 'as stated')
>>> ev.argument([True], "a label").run("quick", 0)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
proofs_check.evidence.certificates.ProofStepError: proof 'a label': step 0 is bool (True), ...
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from proofs_check.claim import Evidence, EvidenceResult
from proofs_check.evidence import certificates as cert

__all__ = ["Argument", "Induction", "Lazy", "argument", "induction", "lazy"]

STEP_KINDS = "identity, sign_fact, positivity, certify_sign, enclose_root, argument"


def _run_step(step, i: int, owner: str, budget: str, seed: int) -> EvidenceResult:
    if not isinstance(step, Evidence):
        raise cert.ProofStepError(f"proof '{owner}': step {i} is {type(step).__name__} "
                                  f"({step!r:.40}), not evidence that yields a certificate "
                                  f"({STEP_KINDS})")
    result = step.run(budget, seed)
    if result.status == "proved" and not cert.is_certified(result.certificate):
        raise cert.ProofStepError(f"proof '{owner}': step {i} ({step.description}) said proved "
                                  "without a certificate of the proof vocabulary")
    return result


class Argument(Evidence):
    """A proof whose steps must all prove. See :func:`argument`."""

    kind = "symbolic"

    def __init__(self, steps: Sequence[Evidence] | Callable[[], Sequence[Evidence]],
                 description: str, *, at: Mapping | None = None):
        self.steps = steps
        self.description = description
        self.at = {str(k): cert.Coverage.at_values(v) for k, v in (at or {}).items()}

    def run(self, budget: str, seed: int) -> EvidenceResult:
        steps = list(self.steps() if callable(self.steps) else self.steps)
        if not steps:
            raise cert.ProofStepError(f"proof '{self.description}' has no steps")
        certs, notes = [], []
        for i, step in enumerate(steps):
            res = _run_step(step, i, self.description, budget, seed)
            notes.append(f"{step.description}: {res.status}")
            if res.status != "proved":
                res.method = f"{self.description}: step {i} ({step.description}) {res.status}"
                res.details = {**res.details, "steps": notes}
                res.certificate = None
                return res
            certs.append(res.certificate)
        certificate = cert.issue(cert.ExactArgument(
            self.description + "".join(f", {c.describe(k)}" for k, c in self.at.items()),
            f"conjunction of {len(certs)} certified step(s)", dict(self.at), steps=tuple(certs)))
        return EvidenceResult(self.kind, "proved", f"{self.description} ({len(certs)} certified "
                              "steps)", value="holds", claimed="holds", margin=0.0,
                              details={"steps": notes}, seed=seed, certificate=certificate)


def argument(steps, description: str, *, at: Mapping | None = None) -> Argument:
    """Evidence made of certified steps; proved when every step proves (see the module docs).

    ``steps`` is a list of evidence, or a function returning one (called at run time, so that
    building the catalogue stays cheap). A failing step is reported as the argument's answer (a
    refuted step refutes with its exact witness). ``at`` declares the instances of a claim's
    quantified sizes the whole argument was built at (``{"d": (1, 2)}``).
    """
    return Argument(steps, description, at=at)


class Induction(Evidence):
    """``P(n)`` for every integer ``n >= start`` from a base case and a step. See
    :func:`induction`."""

    kind = "symbolic"

    def __init__(self, base: Evidence, step: Evidence, *, var: str, start: int,
                 description: str):
        self.base, self.step = base, step
        self.var, self.start = var, int(start)
        self.description = description

    def run(self, budget: str, seed: int) -> EvidenceResult:
        results = []
        for i, part in enumerate((self.base, self.step)):
            res = _run_step(part, i, self.description, budget, seed)
            if res.status != "proved":
                which = "base case" if i == 0 else "induction step"
                res.method = f"{self.description}: {which} ({part.description}) {res.status}"
                res.certificate = None
                return res
            results.append(res)
        certificate = cert.issue(cert.Induction(
            self.description, f"induction on {self.var} from {self.var} = {self.start}: base case "
            "and step P(n) => P(n+1) both certified", {}, var=self.var, start=self.start,
            base=results[0].certificate, step=results[1].certificate))
        return EvidenceResult(self.kind, "proved", f"{self.description} (induction on "
                              f"{self.var} >= {self.start})", value="holds", claimed="holds",
                              margin=0.0, seed=seed, certificate=certificate)


def induction(base: Evidence, step: Evidence, *, var: str = "n", start: int = 1,
              description: str = "") -> Induction:
    """Evidence for a statement about every integer ``var >= start``.

    ``base`` proves the statement at ``var = start``; ``step`` proves, for a symbolic ``var``,
    that the statement at ``var`` implies it at ``var + 1`` (typically an exact identity relating
    the two). The certificate covers ``var`` generally.

    Examples
    --------
    The sum ``1 + 2 + ... + n = n (n + 1)/2``: base ``S(1) = 1``, step ``S(n) + (n + 1) = S(n+1)``.

    >>> import sympy as sp
    >>> from proofs_check import evidence as ev
    >>> n = sp.Symbol("n", integer=True, positive=True)
    >>> S = n * (n + 1) / 2
    >>> proof = induction(ev.identity(S.subs(n, 1), 1), ev.identity(S + n + 1, S.subs(n, n + 1)),
    ...                   var="n", start=1, description="triangular numbers")
    >>> from proofs_check.evidence.certificates import scope_of
    >>> scope_of(proof.run("quick", 0).certificate, {"n": "every n >= 1"})
    (True, 'as stated')
    """
    return Induction(base, step, var=var, start=start,
                     description=description or f"induction on {var}")


class Lazy(Evidence):
    """Evidence built on first use: ``build()`` returns the real evidence. ``kind`` is what the
    listing shows before it is built (and is checked once it is)."""

    def __init__(self, build: Callable[[], Evidence], description: str, kind: str = "symbolic"):
        self.build = build
        self.description = description
        self.kind = kind

    def run(self, budget: str, seed: int) -> EvidenceResult:
        evidence = self.build()
        if evidence.kind != self.kind:
            raise TypeError(f"lazy evidence declared {self.kind!r} but built {evidence.kind!r}")
        evidence.description = self.description
        return evidence.run(budget, seed)


def lazy(build: Callable[[], Evidence], description: str, kind: str = "symbolic") -> Lazy:
    """Evidence whose construction (a derivation, say) waits until it is run.

    Examples
    --------
    >>> import sympy as sp
    >>> from proofs_check import evidence as ev
    >>> x = sp.Symbol("x")
    >>> lazy(lambda: ev.identity(x * x, x**2), "x x = x^2").run("quick", 0).status
    'proved'
    """
    return Lazy(build, description, kind)
