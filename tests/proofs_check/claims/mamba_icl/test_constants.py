"""The float constants are the theory's exact constants, evaluated in float64."""

import math

import sympy as sp

from proofs_check.claims.mamba_icl import float_constants
from theory.models import mamba_icl as mi


def test_float_constants_match_exact_theory():
    for d, N, k, disc, sig in [(2, 20, math.log(2), "zoh", 0), (5, 7, 1.5, "euler", 0.5)]:
        exact = mi.constants(d, N, sp.nsimplify(k) if k != math.log(2) else None, disc,
                             sp.nsimplify(sig))
        flt = float_constants(d, N, k, disc, sig)
        for key in ("s1", "n_rho", "alpha", "gamma_star", "L_star", "L_star_TF", "eta_v"):
            # tol 1e-10: float64 evaluation of closed forms with 1 - exp(-kappa/N) (loses
            # log10(N/kappa) < 2 digits); observed ~1e-15
            assert math.isclose(flt[key], float(exact[key]), rel_tol=1e-10), key
