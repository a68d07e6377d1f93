"""The table two-factor-thresholds: ordered, to the digits asked, with certified enclosures."""

import pytest

from proofs_check.claims.two_factor import tables
from proofs_check.claims.two_factor.claims import CERTIFIED
from proofs_check.tables import render


def test_table_rows_are_ordered_with_the_digits_asked():
    t = tables.TABLES["two-factor-thresholds"](verdicts="no", digits="12")
    values = [r[2] for r in t.rows]
    assert all(isinstance(v, float) for v in values) and values == sorted(values)
    assert sum("doubling" in r[0] for r in t.rows) == 7
    # the values are the exact constants 2 sqrt 2 - 2 and 3 sqrt 3 / 2 - 1, to float64
    rows = {r[0]: r for r in t.rows}
    assert abs(rows["loss monotone on the slice up to here"][2] - (2 * 2 ** 0.5 - 2)) < 1e-15
    assert abs(rows["attractor-merging crisis"][2] - (3 * 3 ** 0.5 / 2 - 1)) < 1e-15
    md = render(t, "md")  # the table's own 12 digits
    assert "| 0.828427124746 |" in md and "| 1.59807621135 |" in md
    assert "| 0.8284 |" in render(tables.TABLES["two-factor-thresholds"](verdicts="no",
                                                                          digits="4"), "md")
    for bad in ("0", "18", "x"):
        with pytest.raises(ValueError):
            tables.TABLES["two-factor-thresholds"](digits=bad)


def test_thresholds_table_shows_enclosures_and_verdicts():
    t = tables.thresholds_table(verdicts="no")
    col = t.columns.index("certified enclosure")
    rows = {r[t.columns.index("claim")]: r for r in t.rows}
    for cid in CERTIFIED:
        row = rows[cid]
        assert row[col].startswith("$") and r" \pm " in row[col], row
        assert row[-1] == "proved"
        mid, rad = row[col].strip("$").split(r" \pm ")
        mant, exp = rad.split(r" \times 10^")
        radius = float(mant) * 10.0 ** int(exp.strip("{}"))
        assert abs(float(mid) - row[2]) < 1e-10 and radius < 1e-20
    assert rows["tf.slice.mu_inf"][-1] == "not run" and rows["tf.slice.mu_inf"][col] == ""
    with pytest.raises(ValueError, match="verdicts"):
        tables.thresholds_table(verdicts="maybe")
    with pytest.raises(ValueError, match="budget"):
        tables.thresholds_table(budget="huge")
