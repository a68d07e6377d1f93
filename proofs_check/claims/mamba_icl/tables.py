"""Tables of the catalogue: ``mamba-constants`` and ``mamba-rates``.
"""

from __future__ import annotations

import math

from proofs_check.tables import Table

from .constants import float_constants
from .convergence import _balanced_rates
from .options import (
    _KAPPA_MAX,
    _SIGMA_MAX,
    _SIZE_MAX,
    _STEP_MIN,
    _parse_budget,
    _parse_disc,
    _parse_float,
    _parse_ints,
    _parse_seed,
)
from .s6_training import _s6_gd
from .thresholds import _threshold_main, _threshold_v


def table_constants(d="2,5,10,20", N="10,20,50,100,1000", kappa="ln2", discretisation="zoh",
                    sigma="0") -> Table:
    """Table ``mamba-constants``: gate sums, loss constants, optima and step limits per (d, N).

    Options arrive as strings (``dynverify table mamba-constants --d 5 --N 10,50``); ``kappa``
    accepts ``ln2``. Values are the exact formulas of :mod:`theory.models.mamba_icl`, evaluated
    in float64.

    Examples
    --------
    >>> t = table_constants(d="2", N="1,10")
    >>> t.columns[:3], [round(v, 6) for v in t.rows[0][2:5]]
    (['$d$', '$N$', '$s_1$'], [0.25, 1.0, 0.25])
    >>> table_constants(d="0")
    Traceback (most recent call last):
    ...
    ValueError: --d '0': values must be positive integers <= 1000000
    >>> table_constants(kappa="1e308")
    Traceback (most recent call last):
    ...
    ValueError: --kappa '1e308' must be a finite number > 0 and <= 50
    """
    ds, Ns = _parse_ints("d", d, hi=_SIZE_MAX), _parse_ints("N", N, hi=_SIZE_MAX)
    k = _parse_float("kappa", kappa, lo=0.0, hi=_KAPPA_MAX, lo_open=True)
    disc = _parse_disc(discretisation)
    sig = _parse_float("sigma", sigma, lo=0.0, hi=_SIGMA_MAX, lo_open=False)
    if k / max(Ns) < _STEP_MIN:
        raise ValueError(f"--kappa {kappa!r} with --N {max(Ns)}: the step kappa/N must be >= "
                         f"{_STEP_MIN:g} (float64 cannot resolve 1 - exp(-kappa/N) below)")
    columns = ["$d$", "$N$", "$s_1$", "$N s_2/s_1^2$", "$\\alpha$", "$\\gamma^*$", "$L^*$",
               "$L^*_{\\mathrm{TF}}$", "$L^*/L^*_{\\mathrm{TF}}$", "$1/s_1$",
               "$2/(k_2 \\gamma^*)$"]
    rows = []
    for dd in ds:
        for nn in Ns:
            c = float_constants(dd, nn, k, disc, sig)
            rows.append([dd, nn, c["s1"], c["n_rho"], c["alpha"], c["gamma_star"], c["L_star"],
                         c["L_star_TF"], c["ratio"], c["eta_main"], c["eta_v"]])
    notes = ["$s_1 = \\sum_i g_i$, $s_2 = \\sum_i g_i^2$, "
             "$\\alpha = s_1^2 + (d+1+\\sigma^2) s_2$, $\\gamma^* = s_1/\\alpha$",
             "$L^* = (d/2)\\, m\\rho/(1 + m\\rho)$, $m = d+1+\\sigma^2$, "
             "$\\rho = s_2/s_1^2$; $L^*_{\\mathrm{TF}} = (d/2)\\, m/(N + m)$",
             "$1/s_1$: stability limit of the balanced minimum; $2/(k_2\\gamma^*)$: limit "
             "when $v$ is trained ($k_2 = ((d+\\sigma^2)^2 + 2d)(s_1^2 + 2 s_2)$)",
             f"$\\sup_N N s_2/s_1^2 = (\\kappa/2) \\coth(\\kappa/2) = "
             f"{k / 2 / math.tanh(k / 2):.6f}$",
             "source: arXiv 2509.23779 (spec mamba_icl.md sections 3-5)"]
    # each note goes with the columns it defines (--columns drops it with them)
    note_columns = {notes[0]: (*columns[2:7], *columns[9:]), notes[1]: tuple(columns[6:9]),
                    notes[2]: tuple(columns[9:]), notes[3]: (columns[3],)}
    return Table(
        "mamba-constants",
        f"Reduced Mamba ICL constants ({disc.upper()}, $\\kappa = {k:.6g}$, "
        f"$\\sigma = {sig:g}$).",
        columns, rows, notes=notes, note_columns=note_columns)


#: the claimed per-step contraction of the excess loss
_RATE = "$(1 - 2\\eta s_1)^2$"


def table_rates(budget="quick", seed="0") -> Table:
    """Table ``mamba-rates``: fitted vs predicted contraction and simulated vs formula thresholds.

    Runs the simulations of the catalogue (derived GD map and the literal S6 layer) at
    ``d = 2``, ``N = 20``, ZOH, ``kappa = ln 2``.

    Examples
    --------
    >>> table_rates(budget="slow")
    Traceback (most recent call last):
    ...
    ValueError: --budget 'slow' is not 'quick' or 'full'
    """
    budget, seed = _parse_budget(budget), _parse_seed(seed)
    rows = []
    br = _balanced_rates(budget, seed)
    for r in br["details"]["rows"]:
        rows.append(["GD $(P, Q)$, balanced start", r["eta_s1"], _RATE, r["predicted"],
                     r["fitted"], r["rel_error"], f"steps {r['window']}"])
    s6 = _s6_gd(budget, seed)["details"]
    rows.append(["literal S6, full-batch GD", s6["eta_s1"], _RATE,
                 s6["predicted_rate"], s6["fitted_rate"], s6["rate_rel_error"],
                 f"steps {s6['fit']['window']}, batch {s6['batch']}"])
    for name, fn, formula in (("threshold, balanced minimum", _threshold_main, "$1/s_1$"),
                              ("threshold, $v$ trained", _threshold_v,
                               "$2/(k_2 \\gamma^*)$")):
        out = fn(budget, seed)
        c = float_constants(2, 20)
        lo, hi = (float(b * c["s1"]) for b in out["details"]["bracket"])
        rows.append([name, None, formula, out["claimed"] * c["s1"], out["value"] * c["s1"],
                     out["error"], f"bracket ($\\eta s_1$) [{lo:.8g}, {hi:.8g}]"])
    return Table("mamba-rates",
                 "Predicted vs measured per-step contraction and step-size thresholds "
                 "($d = 2$, $N = 20$, ZOH, $\\kappa = \\ln 2$; thresholds as $\\eta s_1$).",
                 ["experiment", "$\\eta s_1$", "formula", "predicted", "measured",
                  "rel. error", "window"], rows,
                 notes=[f"budget {budget}, seed {seed}", _FIT, _BISECTION],
                 # how the measured values were obtained: dropped with those columns
                 note_columns={_FIT: ("measured", "rel. error", "window"),
                               _BISECTION: ("measured", "rel. error", "window")})


_FIT = "contraction: least-squares slope of log excess loss over the window"
_BISECTION = ("thresholds: multisection bisection of simulated GD near the balanced minimum "
              "(2 rounds of 33 step sizes after the first)")


TABLES = {"mamba-constants": table_constants, "mamba-rates": table_rates}
