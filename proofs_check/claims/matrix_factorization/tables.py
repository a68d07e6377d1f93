"""The learning-times table."""

from __future__ import annotations

import math

import numpy as np

from numerics import factorization as nf
from proofs_check.claims.matrix_factorization.experiments import KINDS, cached_learning_times
from proofs_check.claims.matrix_factorization.options import (
    check_efoldings,
    load_B,
    parse_alphas,
    parse_seed,
    parse_spectrum,
)
from proofs_check.tables import Table


def learning_times_table(spectrum="4,2,1", B="aligned,generic", alphas="1e-2,1e-4,1e-6,1e-8",
                         seed="0") -> Table:
    """Exact (closed form + root finding) and predicted learning times, their error, plateau
    lengths and plateau losses, for ``Y = diag(spectrum)`` and ``U0 = alpha B``.

    Options (strings, from the command line): ``spectrum`` e.g. ``"4,2,1"``; ``B`` a
    comma-separated list of kinds ``aligned | generic | under | over`` or ``file:PATH`` (an
    ``n x r`` matrix in a ``.npy`` file or a whitespace-separated text file, ``n`` the length of
    the spectrum); ``alphas``; ``seed`` of the Gaussian B.

    Examples
    --------
    >>> t = learning_times_table(spectrum="2,1", B="aligned", alphas="1e-2")
    >>> t.columns[:3]
    ['$B$', '$\\\\alpha$', '$k$']
    >>> len(t.rows)
    2
    """
    spec = parse_spectrum(spectrum)
    kinds = [k.strip() for k in str(B).split(",") if k.strip()]
    if not kinds or len(kinds) > 4:
        raise ValueError(f"B {B!r}: give 1 to 4 kinds")
    al = parse_alphas(alphas)
    sd = parse_seed(seed)
    matrices = {}
    for k in kinds:
        if k.startswith("file:"):
            matrices[k] = load_B(k[len("file:"):], len(spec))
            check_efoldings(spec, matrices[k], al, f"B {k!r}")
        elif k not in KINDS:
            raise ValueError(f"B kind {k!r} is not one of {', '.join(KINDS)} or file:PATH")
    cols = ["$B$", "$\\alpha$", "$k$", "$\\lambda_k$", "$\\rho_k$", "$t_k$ exact",
            "$t_k$ predicted", "error", "plateau length", "plateau length predicted",
            "plateau loss", "plateau loss predicted"]
    rows = []
    for kind in kinds:
        for a in al:
            if kind in matrices:
                lt = nf.learning_times(np.diag(np.array(spec)), matrices[kind], a)
            else:
                lt = cached_learning_times(spec, kind, a, sd)
            lens, plens = lt.plateau_length, lt.plateau_length_predicted
            for k in range(len(spec)):
                learned = math.isfinite(lt.exact[k])
                rows.append([kind, a, k + 1, spec[k], float(lt.rho[k]),
                             float(lt.exact[k]) if learned else None,
                             float(lt.predicted[k]) if learned else None,
                             float(lt.error[k]) if learned else None,
                             float(lens[k]) if k < lens.size else None,
                             float(plens[k]) if k < plens.size else None,
                             float(lt.plateau_loss[k + 1]) if k + 1 < lt.plateau_loss.size
                             else None,
                             float(lt.plateau_loss_predicted[k + 1])
                             if k + 1 < lt.plateau_loss.size else None])
    exact = ("$t_k$ exact: first time the $k$-th eigenvalue of $X(t)$ reaches $\\lambda_k/2$, "
             "closed form (mpmath at precision from $2\\lambda_1 t$) + Brent, xtol $10^{-12}$.")
    predicted = "$t_k$ predicted: $\\ln(\\lambda_k/(\\rho_k\\alpha^2))/(2\\lambda_k)$."
    error = "error = $t_k$ exact - $t_k$ predicted."
    plateau = ("plateau $k$: between $t_k$ and $t_{k+1}$; its loss is $\\frac14\\|X - Y\\|^2$ at "
               "the midpoint (after the last learning time: at $2 t_m + 5/\\lambda_m$), predicted "
               "$\\frac14\\sum_{i>k}\\lambda_i^2$.")
    shapes = {"aligned": "aligned = $I$", "generic": "generic = Gaussian $n \\times n$",
              "under": "under = Gaussian $n \\times (n-1)$",
              "over": "over = Gaussian $n \\times (n+2)$"}
    shown = [shapes[k] for k in kinds if k in shapes] + \
        [f"{k} = the matrix of that file" for k in kinds if k.startswith("file:")]
    kinds_note = f"$B$: {'; '.join(shown)}" + (
        f" (entries $N(0, 1/r)$, $r$ its columns, seed {sd})." if any(k in KINDS and k != "aligned"
                                                              for k in kinds) else ".")
    empty = ("Empty cells: the component is never learned ($\\rho_k = 0$), or (plateau "
             "columns) no learning time follows the last one.")
    notes = [exact, predicted, error, plateau, kinds_note, empty]
    # each note goes with the columns it describes (dropped by --columns with them)
    note_columns = {exact: (cols[5],), predicted: (cols[6],), error: (cols[7],),
                    plateau: tuple(cols[8:]), kinds_note: (cols[0],), empty: tuple(cols[5:])}
    diag = ", ".join(f"{v:g}" for v in spec)
    return Table("mf-learning-times", f"Learning times for $Y = \\mathrm{{diag}}({diag})$.",
                 cols, rows, notes, note_columns=note_columns)




TABLES = {"mf-learning-times": learning_times_table}
