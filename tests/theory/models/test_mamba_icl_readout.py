"""The readout one token at a time (:func:`readout_step`, :func:`readout_prediction`) against the
literal recurrence: ``Q^T`` times its states and its prediction with zero nuisance parameters."""

import pytest
import sympy as sp

from theory.models import mamba_icl as mi


@pytest.mark.parametrize("disc", mi.DISCRETISATIONS)
@pytest.mark.parametrize("d, d_h, N", [(1, 1, 2), (2, 2, 3), (2, 3, 2)])
def test_readout_step_iterates_to_q_transpose_times_the_states(disc, d, d_h, N):
    states, S = mi.recurrence_states(d, d_h, N, disc)
    zero = {s: 0 for k in ("v", "b_B", "b_C") for s in S[k]}
    c = mi.discretise(disc)[1].subs(sp.exp(-mi.delta), mi.a)
    G = S["Q"].T * S["P"]
    w = sp.zeros(d, 1)
    for ll in range(N):
        w = mi.readout_step(w, G * S["x"][ll], S["y"][ll], c)
        assert sp.expand(w - (S["Q"].T * states[ll + 1]).xreplace(zero)) == sp.zeros(d, 1)
        assert sp.expand(w - mi.readout_recursion(S, disc)[ll + 1]) == sp.zeros(d, 1)
    yhat, _ = mi.recurrence_prediction(d, d_h, N, disc)
    assert sp.expand(mi.readout_prediction((S["x_q"].T * w)[0, 0]) - yhat.xreplace(zero)) == 0


def test_a_wrong_step_is_told_apart():
    # the check above can fail: a step without the decay of w_{l-1} is not the recurrence
    states, S = mi.recurrence_states(1, 1, 2)
    zero = {s: 0 for k in ("v", "b_B", "b_C") for s in S[k]}
    G = S["Q"].T * S["P"]
    w = sp.zeros(1, 1)
    for ll in range(2):
        w = w + (1 - mi.a) * S["y"][ll] * G * S["x"][ll]  # missing the factor a
    assert sp.expand(w - (S["Q"].T * states[2]).xreplace(zero)) != sp.zeros(1, 1)
