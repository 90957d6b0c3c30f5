"""The words around the data: counts, drawers, selection, facets and profiles, singular and plural."""

import pytest

from app.core import captions


@pytest.mark.parametrize(
    "shown, total, exact, grouped, text",
    [
        (1461, 1461, True, False, "1,461 rows"),
        (1, 1, True, False, "1 row"),
        (0, 0, True, False, "0 rows"),
        (1204, 3000000, True, False, "Showing 1,204 of 3,000,000 rows"),
        (200, 3000000, False, False, "Counting matching rows (of 3,000,000)…"),
        (5, 1461, True, True, "5 groups of 1,461 rows"),
        (1, 1, True, True, "1 group of 1 row"),
    ],
)
def test_count_caption(shown, total, exact, grouped, text):
    assert captions.count_caption(shown, total, exact, grouped) == text


@pytest.mark.parametrize(
    "hidden, text", [(0, "Columns…"), (1, "Columns (1 hidden)…"), (1200, "Columns (1,200 hidden)…")]
)
def test_columns_summary(hidden, text):
    assert captions.columns_summary(hidden) == text


@pytest.mark.parametrize(
    "shown, more, text",
    [
        (1, False, "1 value"),
        (5, False, "5 values"),
        (1500, False, "1,500 values"),
        (50, True, "The 50 most common values"),
    ],
)
def test_facet_title(shown, more, text):
    assert captions.facet_title(shown, more) == text


@pytest.mark.parametrize(
    "rows, columns, capped, text",
    [
        (1, 1, None, "Copied 1 row × 1 columns as tab-separated text."),
        (3, 2, None, "Copied 3 rows × 2 columns as tab-separated text."),
        (100000, 4, 100000, "Copied 100,000 rows × 4 columns (the first 100,000 rows) as tab-separated text."),
    ],
)
def test_copied_caption(rows, columns, capped, text):
    assert captions.copied_caption(rows, columns, capped) == text


@pytest.mark.parametrize(
    "row, value, box, text",
    [
        (0, "4.5", (0, 1, 0, 1), "Row 1, temp: 4.5"),
        (11, None, (11, 1, 11, 1), "Row 12, temp"),
        (1999, "x", (1000, 0, 1999, 2), "Row 2,000, temp: x — 1,000 × 3 selected"),
        (0, "y" * 300, (0, 0, 0, 0), "Row 1, temp: " + "y" * 200),
    ],
)
def test_cell_announcement(row, value, box, text):
    assert captions.cell_announcement(row, "temp", value, box) == text


def test_header_and_row_labels():
    column = {"name": "temp", "type": "DOUBLE"}
    assert captions.header_title(column) == "temp (DOUBLE) — click to sort, Shift+click to add to the sort"
    assert captions.menu_label("temp") == "Column temp: profile, filter and more"
    assert captions.group_row_label(0) == "Show the rows of group 1"
    assert captions.top_value_label("rain", 1) == "Filter to rain, 1 row"


@pytest.mark.parametrize(
    "grouped, filtered, shown, text",
    [
        (False, False, 6, ""),
        (True, False, 6, "The view is grouped: these profiles describe the rows behind the groups."),
        (True, True, 6, "The view is grouped: these profiles describe the filtered rows behind the groups."),
        (False, True, 1200, "Showing the first 60 of 1,200 columns."),
    ],
)
def test_profiles_note(grouped, filtered, shown, text):
    assert captions.profiles_note(grouped, filtered, shown, 60) == text


@pytest.mark.parametrize(
    "columns, rows, filtered, text",
    [
        (6, 1461, False, "6 columns profiled over 1,461 rows."),
        (1, 1, True, "1 column profiled over the 1 row that match the filters."),
        (3, None, False, "3 columns profiled."),
        (0, None, False, "This table has no columns to profile."),
    ],
)
def test_profiled_caption(columns, rows, filtered, text):
    assert captions.profiled_caption(columns, rows, filtered) == text
    assert captions.profiling_status(2, 12) == "Profiling column 3 of 12…"


@pytest.mark.parametrize(
    "part, total, text", [(1, 0, ""), (0, 10, " · 0%"), (1, 1000, " · <1%"), (1, 8, " · 12%"), (10, 10, " · 100%")]
)
def test_share_text(part, total, text):
    assert captions.share_text(part, total) == text


@pytest.mark.parametrize(
    "found, text",
    [
        (
            {"name": "w", "count": 10, "nulls": 2, "top": [{"value": "rain", "count": 5}]},
            "w: 8 values, 2 NULL, most common rain (5)",
        ),
        (
            {"name": "t", "count": 3, "nulls": 0, "min": 1.5, "max": 30, "distinct": 3},
            "t: 3 values, 1.5 to 30, 3 distinct",
        ),
        (
            {"name": "id", "count": 5000, "nulls": 0, "distinct": 4900, "distinct_approx": True},
            "id: 5,000 values, about 4,900 distinct",
        ),
    ],
)
def test_spark_title(found, text):
    assert captions.spark_title(found) == text
