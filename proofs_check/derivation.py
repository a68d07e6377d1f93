"""The derivation report behind ``dynverify derive``: map, Jacobian, fixed points, stability.

Builds one plain dictionary from a loss (everything as SymPy strings) and renders it as text,
LaTeX or JSON, so the same content drops into a terminal, a paper or a script.
"""

from __future__ import annotations

import json
import re

import sympy as sp

from theory.assumptions import assumed_names, parse_assumptions, real_under, step_threshold
from theory.gd import edge_of_stability, gd_map
from theory.parse import parse_names

__all__ = ["FORMATS", "derive_report", "render"]

FORMATS = ("text", "latex", "json")


def _stability_entry(F, where) -> dict:
    try:
        stab = F.linear_stability(where)
    except NotImplementedError as exc:
        return {"eigenvalues": None, "neutral": None, "on_circle": False,
                "condition": f"not available: {exc}"}
    cond = stab.condition
    # an eigenvalue +-1 for every step makes "stable iff False" (strict): that is no instability
    on_circle = any(sp.simplify(e - 1) == 0 or sp.simplify(e + 1) == 0
                    for e in stab.eigenvalues if e not in stab.neutral)
    others = [c for c in stab.conditions if c is not sp.false]
    return {
        "on_circle": bool(on_circle),
        # what the other eigenvalues need, when one sits on the unit circle
        "others_condition": str(sp.And(*others)) if on_circle and others else "",
        "eigenvalues": [str(e) for e in stab.eigenvalues],
        "eigenvalues_latex": [sp.latex(e) for e in stab.eigenvalues],
        "neutral": len(stab.neutral),
        "condition": str(cond),
        "condition_latex": sp.latex(cond),
    }


def _interval_text(s, iv) -> str:
    lo = "" if iv.start == -sp.oo else f"{iv.start} {'<' if iv.left_open else '<='} "
    hi = "" if iv.end == sp.oo else f" {'<' if iv.right_open else '<='} {iv.end}"
    return f"{lo}{s}{hi}"


def _threshold(F, where, assumptions) -> str:
    try:
        stab = F.linear_stability(where)
    except NotImplementedError:
        return "not available"
    return step_threshold(stab.conditions, F.step, assumptions).text()


def derive_report(loss: str, params: str, step: str = "mu", constants: str | None = None,
                  assume: str | None = None) -> dict:
    """Derive the GD map of ``loss`` and everything ``dynverify derive`` prints.

    Examples
    --------
    >>> r = derive_report("(a*b - 1)**2/2", "a b", "mu")
    >>> r["map"]
    ['a - b*mu*(a*b - 1)', '-a*mu*(a*b - 1) + b']
    >>> [f["equations"] for f in r["families"]], r["families"][0]["stability"]["condition"]
    ([['a*b - 1']], '(mu*(a**2 + b**2) > 0) & (mu*(a**2 + b**2) < 2)')
    >>> r["families"][0]["edge_of_stability"]
    'mu*(a**2 + b**2) < 2'
    """
    # a constant named in --assume is declared by it (no need to repeat it in --constants)
    declared = {*parse_names(params, "params"), step, *parse_names(constants, "constants")}
    extra = [n for n in assumed_names(assume)
             if n not in declared and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", str(loss))]
    if extra:
        constants = " ".join([*parse_names(constants, "constants"), *extra])
    F = gd_map(loss, params, step, constants)
    consts = {p.name: p for p in F.params if p != F.step}
    assumptions = parse_assumptions(assume, consts)
    fp = F.fixed_points()
    eos = {str(e.family.equations): e for e in edge_of_stability(F)}
    jac = F.jacobian().applyfunc(sp.factor)
    report = {
        "loss": str(F.loss),
        "loss_latex": sp.latex(F.loss),
        "state": [s.name for s in F.state],
        "params": [p.name for p in F.params],
        "step": F.step.name,
        "map": [str(u) for u in F.update],
        "map_latex": [sp.latex(u) for u in F.update],
        "jacobian": [[str(e) for e in row] for row in jac.tolist()],
        "jacobian_latex": sp.latex(jac),
        "points": [],
        "families": [],
    }
    if assumptions:
        report["assumptions"] = [_interval_text(s, iv) for s, iv in assumptions.items()]
        report["excluded_points"] = []
    for point in fp.points:
        if assumptions and real_under(point, assumptions) is False:
            report["excluded_points"].append({s.name: str(v) for s, v in point.items()})
            continue
        entry = {"point": {s.name: str(v) for s, v in point.items()}}
        entry["stability"] = _stability_entry(F, point)
        if assumptions:
            entry["threshold"] = _threshold(F, point, assumptions)
        report["points"].append(entry)
    for fam in fp.families:
        entry = {
            "equations": [str(e) for e in fam.equations],
            "equations_latex": [sp.latex(e) for e in fam.equations],
            "parametrisation": {s.name: str(v) for s, v in (fam.parametrisation or {}).items()},
            "stability": _stability_entry(F, fam),
        }
        e = eos.get(str(fam.equations))
        if e is not None:
            entry["sharpness"] = str(e.sharpness)
            entry["edge_of_stability"] = str(e.condition)
        report["families"].append(entry)
    return report


def render(report: dict, fmt: str = "text") -> str:
    """Render a :func:`derive_report` dict as ``text``, ``latex`` or ``json``."""
    if fmt == "json":
        return json.dumps(report, indent=2, sort_keys=True)
    if fmt == "latex":
        return _render_latex(report)
    if fmt != "text":
        raise ValueError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    state = ", ".join(report["state"])
    others = [p for p in report["params"] if p != report["step"]]
    lines = [f"loss      L({state}) = {report['loss']}",
             f"GD map    step {report['step']}"
             + (f", constants {', '.join(others)}" if others else "")]
    if report.get("assumptions"):
        lines.append(f"assuming  {', '.join(report['assumptions'])}")
    for s, u in zip(report["state"], report["map"], strict=True):
        lines.append(f"  {s}' = {u}")
    lines.append("Jacobian")
    lines += [f"  [{', '.join(row)}]" for row in report["jacobian"]]
    lines.append("fixed points")
    for p in report["points"]:
        where = ", ".join(f"{k} = {v}" for k, v in p["point"].items())
        st = p["stability"]
        verdict = f"stable iff {st['condition']}"
        if st.get("on_circle") and st["condition"] == "False":
            verdict = ("an eigenvalue is +-1 for every step: the linear test cannot decide"
                       + (f" (the others are inside the unit disc iff {st['others_condition']})"
                          if st.get("others_condition") else ""))
        lines.append(f"  point ({where}): eigenvalues {', '.join(st['eigenvalues'] or ['?'])}; "
                     + verdict)
        if "threshold" in p:
            lines.append(f"    under the assumptions: {p['threshold']}")
    for p in report.get("excluded_points", []):
        where = ", ".join(f"{k} = {v}" for k, v in p.items())
        lines.append(f"  ({where}: not real under the assumptions)")
    for f in report["families"]:
        par = ", ".join(f"{k} = {v}" for k, v in f["parametrisation"].items())
        st = f["stability"]
        lines.append(f"  family {', '.join(e + ' = 0' for e in f['equations'])}"
                     + (f" ({par})" if par else ""))
        lines.append(f"    eigenvalues {', '.join(st['eigenvalues'] or ['?'])} "
                     f"({st['neutral']} neutral along the family); stable iff {st['condition']}")
        if "sharpness" in f:
            lines.append(f"    sharpness {f['sharpness']}; edge of stability "
                         f"{f['edge_of_stability']}")
    return "\n".join(lines)


def _render_latex(report: dict) -> str:
    rows = [rf"  {s}' &= {u} \\" for s, u in zip(report["state"], report["map_latex"],
                                                    strict=True)]
    out = [r"\begin{align*}", *rows, r"\end{align*}",
           rf"Jacobian: $J = {report['jacobian_latex']}$.", ""]
    for p in report["points"]:
        st = p["stability"]
        where = ", ".join(f"{k} = {v}" for k, v in p["point"].items())
        out.append(rf"Fixed point ${where}$: eigenvalues "
                   rf"${', '.join(st.get('eigenvalues_latex') or [])}$; stable iff "
                   rf"${st.get('condition_latex', st['condition'])}$.")
    for f in report["families"]:
        st = f["stability"]
        eqs = ", ".join(e + " = 0" for e in f["equations_latex"])
        out.append(rf"Family ${eqs}$: eigenvalues "
                   rf"${', '.join(st.get('eigenvalues_latex') or [])}$; stable iff "
                   rf"${st.get('condition_latex', st['condition'])}$.")
    return "\n".join(out)
