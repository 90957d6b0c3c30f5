"""Cell and caption text."""

import pytest

from app.core import display


@pytest.mark.parametrize(
    "value, text",
    [
        (None, "NULL"),
        ("", ""),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-12, "-12"),
        (8.300000000000001, "8.3"),
        (1 / 3, "0.333333333333333"),
        (1e20, "1e+20"),
        (12.0, "12.0"),
        ("NaN", "NaN"),
        ([1, None], "[1, null]"),
        ({"a": [1]}, '{"a": [1]}'),
        ("<b>bold</b>", "<b>bold</b>"),
    ],
)
def test_cell_text(value, text):
    assert display.cell_text(value) == text


@pytest.mark.parametrize("n, text", [(0, "0"), (999, "999"), (1000, "1,000"), (-1234567, "-1,234,567")])
def test_thousands(n, text):
    assert display.thousands(n) == text


def test_rows_caption():
    assert display.rows_caption(1461, 6) == "1,461 rows × 6 columns"
    assert display.rows_caption(1, 1) == "1 row × 1 column"


@pytest.mark.parametrize(
    "rows, text",
    [
        ([[1, "a"], [None, 2.5]], "1\ta\n\t2.5"),
        ([["tab\there", 'say "hi"']], '"tab\there"\t"say ""hi"""'),
        ([["two\nlines", True]], '"two\nlines"\ttrue'),
        ([], ""),
    ],
)
def test_tsv_pastes_into_a_spreadsheet(rows, text):
    assert display.tsv(rows) == text


@pytest.mark.parametrize(
    "value, text",
    [
        (None, "–"),
        (0, "0"),
        (-1234567, "-1,234,567"),
        (10**30, "1,000,000,000,000,000,000,000,000,000,000"),
        (0.5, "0.5"),
        (3.0294318959616757, "3.02943"),
        (1234.5678, "1,234.57"),
        (-1234.5, "-1,234.5"),
        (999999.5, "1,000,000"),
        (44002085.16, "44,002,085"),
        (1.5e20, "1.5e+20"),
        (0.000012345, "1.234e-05"),
        (float("nan"), "NaN"),
        (float("inf"), "∞"),
        (True, "true"),
        ("2020-01-01", "2020-01-01"),
    ],
)
def test_number_text(value, text):
    assert display.number_text(value) == text
