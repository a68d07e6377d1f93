"""The LaTeX page layout of a table: widths in body-font characters and which columns wrap."""

from proofs_check.table_layout import TEXTWIDTH_CHARS, breakable, layout, tex_width


def test_width_counts_what_prints():
    assert tex_width("abc") == 3
    assert tex_width(r"$\mu_{1}$") == 2  # \mu one character, braces and _ none
    assert tex_width(r"a\hspace{0pt}b") == 2


def test_a_table_that_fits_keeps_plain_columns():
    kinds, heads, size, over = layout(["name", "value"], [["a", "1.5"]], [False, True])
    assert (kinds, heads, size, over) == (["l", "r"], ["name", "value"], None, 0.0)


def test_a_long_text_column_wraps_and_the_page_is_respected():
    text = "a long explanation " * 8
    kinds, _, size, over = layout(["id", "note", "x"], [["tf.a", text, "1.0"]] * 3,
                                  [False, False, True])
    assert kinds[0] == "l" and kinds[1].endswith("X") and kinds[2] == "r"
    assert size in ("small", "footnotesize") and over == 0.0
    assert tex_width(text) > TEXTWIDTH_CHARS  # it could not have fitted unwrapped


def test_many_number_columns_that_cannot_wrap_report_how_far_over():
    heads = [f"c{j}" for j in range(20)]
    _, _, _, over = layout(heads, [["1.234567e-05"] * 20], [True] * 20)
    assert over > 0


def test_identifiers_get_break_points_and_math_keeps_its_dots():
    assert breakable("tf.slice.x") == r"tf.\hspace{0pt}slice.\hspace{0pt}x"
    assert breakable("$x.y$") == "$x.y$"
