"""The sort cycle of a header click, grouped sorts and header marks — the sorted rows checked in native DuckDB."""

from pathlib import Path

import pytest

from app.core import loading, query, sorting, view
from app.engine.native import NativeEngine

DATA = Path(__file__).resolve().parents[2] / "node_modules" / "vega-datasets" / "data"


def opened(*changes):
    state = view.add_source(view.new_view(), "weather", "file", "weather.csv")
    for change, args in changes:
        state = change(state, *args)
    return state


@pytest.mark.parametrize(
    "sort, column, following",
    [
        ([], "temp_max", "asc"),
        ([["temp_max", "asc"]], "temp_max", "desc"),
        ([["temp_max", "desc"]], "temp_max", None),
        ([["date", "asc"]], "temp_max", "asc"),
        ([["date", "desc"], ["temp_max", "asc"]], "temp_max", "desc"),
        ([["date", "desc"], ["temp_max", "desc"]], "date", None),
    ],
)
def test_a_header_click_cycles_asc_desc_none(sort, column, following):
    assert sorting.next_direction({"sort": sort, "group": None}, column) == following


@pytest.mark.parametrize(
    "clicks, expected",
    [
        ([("temp_max", False)], [["temp_max", "asc"]]),
        ([("temp_max", False), ("temp_max", False)], [["temp_max", "desc"]]),
        ([("temp_max", False), ("temp_max", False), ("temp_max", False)], []),
        ([("temp_max", False), ("date", False)], [["date", "asc"]]),
        ([("temp_max", False), ("date", True)], [["temp_max", "asc"], ["date", "asc"]]),
        ([("temp_max", False), ("date", True), ("temp_max", True)], [["date", "asc"], ["temp_max", "desc"]]),
        ([("temp_max", False), ("date", True), ("date", True), ("date", True)], [["temp_max", "asc"]]),
    ],
)
def test_clicks_and_shift_clicks_build_the_sort(clicks, expected):
    state = opened()
    for column, add in clicks:
        state = sorting.clicked_view(state, column, add)
    assert view.table_state(state)["sort"] == expected


def test_a_grouped_view_sorts_its_groups_by_one_column():
    state = opened((view.with_sort, ("date", "asc")), (view.with_group, (["weather"], [])))
    state = sorting.clicked_view(state, "count", add=True)
    assert view.table_state(state)["group"]["sort"] == [["count", "asc"]]
    state = sorting.clicked_view(state, "weather", add=True)
    assert view.table_state(state)["group"]["sort"] == [["weather", "asc"]]
    state = sorting.clicked_view(sorting.clicked_view(state, "weather"), "weather")
    assert view.table_state(state)["group"]["sort"] == []
    assert view.table_state(state)["sort"] == [["date", "asc"]]  # the rows' own sort is untouched


@pytest.mark.parametrize(
    "state, shown",
    [
        ({"sort": [], "group": None}, []),
        ({"sort": [["a", "desc"]], "group": None}, [["a", "desc"]]),
        ({"sort": [["a", "desc"]], "group": {"by": ["b"], "sort": []}}, [[query.COUNT_COLUMN, "desc"]]),
        ({"sort": [], "group": {"by": ["b"], "sort": [["b", "asc"]]}}, [["b", "asc"]]),
    ],
)
def test_the_grid_marks_the_sort_a_grouped_view_defaults_to(state, shown):
    assert sorting.grid_sort(state) == shown


@pytest.mark.parametrize(
    "sort, expected",
    [
        ([], {}),
        ([["a", "asc"]], {"a": ("ascending", "▲")}),
        ([["a", "desc"]], {"a": ("descending", "▼")}),
        ([["a", "desc"], ["b", "asc"]], {"a": ("descending", "▼1"), "b": ("ascending", "▲2")}),
    ],
)
def test_header_marks(sort, expected):
    marks = sorting.header_marks(sort)
    assert {name: (mark["aria"], mark["mark"]) for name, mark in marks.items()} == expected
    assert sorting.aria_sort(marks, "not sorted") == "none"


def test_the_clicked_sort_orders_rows_in_native_duckdb():
    engine = NativeEngine()
    engine.execute("CREATE TABLE weather AS SELECT * FROM read_csv(?)", [str(DATA / "seattle-weather.csv")])
    columns = loading.run(loading.describe("weather"), engine.execute)["columns"]
    state = sorting.clicked_view(opened(), "weather")
    state = sorting.clicked_view(state, "temp_max", add=True)
    state = sorting.clicked_view(state, "temp_max", add=True)
    rows = engine.execute(*query.page("weather", view.table_state(state), columns, 0, 2000))["rows"]
    names = [c["name"] for c in columns]
    keys = [(r[names.index("weather")], -r[names.index("temp_max")]) for r in rows]
    assert keys == sorted(keys) and len(rows) == 1461
    engine.close()
