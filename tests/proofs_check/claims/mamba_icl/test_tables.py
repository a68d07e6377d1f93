"""Tables of the catalogue and their options."""

import pytest

from proofs_check.claims.mamba_icl import table_constants, table_rates


def test_table_constants_and_options():
    t = table_constants()
    assert len(t.rows) == 20 and t.columns[-1] == "$2/(k_2 \\gamma^*)$"
    row = t.rows[0]  # d = 2, N = 10
    assert 1 <= row[8] <= row[3] < 1.0398
    t2 = table_constants(d="3", N="5", kappa="1.2", discretisation="euler", sigma="0.5")
    assert t2.rows[0][:2] == [3, 5]
    for opts, msg in [({"d": "x"}, "not an integer"), ({"kappa": "-1"}, "> 0"),
                      ({"discretisation": "rk"}, "zoh"), ({"sigma": "nan"}, "finite")]:
        with pytest.raises(ValueError, match=msg):
            table_constants(**opts)


@pytest.mark.parametrize("fn, opts, msg", [
    (table_constants, {"kappa": "1e308"}, "--kappa"),
    (table_constants, {"kappa": "inf"}, "--kappa"),
    (table_constants, {"kappa": "0"}, "--kappa"),
    (table_constants, {"sigma": "1e300"}, "--sigma"),
    (table_constants, {"d": "1" + "0" * 5000}, "--d"),
    (table_constants, {"N": "99999999999"}, "--N"),
    (table_constants, {"N": ",".join(["5"] * 51)}, "--N"),
    (table_constants, {"N": "10", "kappa": "1e-12"}, "--kappa"),
    (table_constants, {"d": "2.5"}, "--d"),
    (table_constants, {"d": True}, "--d"),
    (table_rates, {"seed": "-1"}, "--seed"),
    (table_rates, {"seed": "x"}, "--seed"),
    (table_rates, {"budget": "huge"}, "--budget"),
])
def test_hostile_options_are_refused(fn, opts, msg):
    with pytest.raises(ValueError, match=msg):
        fn(**opts)


@pytest.mark.parametrize("fn", [table_constants, table_rates])
def test_unknown_options_are_refused(fn):
    import inspect

    assert not any(p.kind is p.VAR_KEYWORD for p in inspect.signature(fn).parameters.values())
    with pytest.raises(TypeError):
        fn(bogus="1")


def test_cli_turns_a_bad_option_into_exit_2(capsys):
    from proofs_check.cli import main

    assert main(["table", "mamba-constants", "--kappa", "1e308"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--kappa" in err and len(err.splitlines()) == 1


def test_constants_notes_follow_the_columns_kept():
    from proofs_check.claims.mamba_icl.tables import table_constants
    from proofs_check.tables import select_columns

    t = table_constants(d="2", N="10")
    assert len(t.notes) == 5
    kept = select_columns(t, ["$d$", "$N$", "$L^*_{\\mathrm{TF}}$"])
    assert [n[:5] for n in kept.notes] == ["$L^* ", "sourc"]
    assert len(select_columns(t, ["$N s_2/s_1^2$"]).notes) == 3  # s_1 defs, sup, source
