"""Weight-decay checks: correct for large decay, and their numbers come from the maps derived
once in :mod:`proofs_check.claims.rates.maps` (a perturbed loss fails both the numerical check
and the exact steps)."""

import pytest
import sympy as sp

from proofs_check import evidence as ev
from proofs_check.claims.rates import experiments, maps, steps
from theory.gd import gd_map


def test_wd_check_is_correct_for_large_decay():
    # the quadratic's test point lies on the right side of the threshold for every eta, gamma
    for seed in range(12):
        margin, info = experiments.wd_check("full", seed)
        assert margin == 0.0, info


def _doubled_decay(F):
    """``F``'s loss with the decay term doubled, derived again by gd_map."""
    loss = F.loss
    g = sp.Symbol("gamma", positive=True)
    return gd_map(loss + sp.expand(loss).coeff(g) * g, F.state, step=F.step,
                  constants=F.params[1:])


@pytest.mark.parametrize("name, check", [("wd_scalar_gd", experiments.wd_scalar_check),
                                         ("wd_quadratic_gd", experiments.wd_quadratic_check)])
def test_wd_checks_iterate_the_derived_maps(monkeypatch, name, check):
    assert check("quick", 0)[0] == 0.0
    perturbed = _doubled_decay(getattr(maps, name)())
    monkeypatch.setattr(experiments, name, lambda: perturbed)
    margin, info = check("quick", 0)
    assert margin < 0 and info["worst_at"] is not None


def test_wd_steps_use_the_derived_maps(monkeypatch):
    assert ev.argument(steps.wd_scalar_steps, "true").run("quick", 0).status == "proved"
    perturbed = _doubled_decay(maps.wd_scalar_gd())
    monkeypatch.setattr(steps, "wd_scalar_gd", lambda: perturbed)
    assert ev.argument(steps.wd_scalar_steps, "perturbed").run("quick", 0).status == "refuted"
