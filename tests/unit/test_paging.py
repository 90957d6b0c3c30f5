"""The grid's first page, stored order and groups, driven through native DuckDB as the browser drives DuckDB-WASM."""

from pathlib import Path

import pytest

from app.core import loading, paging, query, view
from app.engine.native import NativeEngine

DATA = Path(__file__).resolve().parents[2] / "node_modules" / "vega-datasets" / "data"
BLOCK = 200


@pytest.fixture(scope="module")
def weather():
    engine = NativeEngine()
    engine.execute("CREATE TABLE weather AS SELECT * FROM read_csv(?)", [str(DATA / "seattle-weather.csv")])
    yield engine, loading.run(loading.describe("weather"), engine.execute)["columns"]
    engine.close()


def state_of(*changes):
    state = view.add_source(view.new_view(), "weather", "file", "weather.csv")
    for change, args in changes:
        state = change(state, *args)
    return view.table_state(state)


@pytest.mark.parametrize(
    "changes, first_rows, expected",
    [
        ([], 200, {"total": 1461, "exact": True, "store": False}),
        ([(view.with_sort, ("temp_max", "desc"))], 200, {"total": 1461, "exact": False, "store": True}),
        ([(view.with_filter, ("weather", "in", ["snow"]))], 26, {"total": 26, "exact": True, "store": True}),
        ([(view.with_search, ("rain",))], 200, {"total": 1461, "exact": False, "store": True}),
        ([(view.with_filter, ("weather", "in", ["none"]))], 0, {"total": 0, "exact": True, "store": True}),
    ],
)
def test_what_a_first_page_says_about_the_view(changes, first_rows, expected):
    assert paging.first_page(state_of(*changes), first_rows, 1461, BLOCK) == expected


@pytest.mark.parametrize("values", [["snow"], ["rain", "sun"], ["none"]])
def test_a_short_first_page_is_the_whole_count(weather, values):
    engine, columns = weather
    state = state_of((view.with_filter, ("weather", "in", values)))
    first = engine.execute(*query.page("weather", state, columns, 0, BLOCK))["rows"]
    counted = paging.first_page(state, len(first), 1461, BLOCK)
    if counted["exact"]:
        assert counted["total"] == engine.execute(*query.count("weather", state, columns))["rows"][0][0]


def test_the_stored_order_is_counted_as_duckdb_reports_it(weather):
    engine, columns = weather
    state = state_of((view.with_filter, ("weather", "in", ["rain", "sun"])), (view.with_sort, ("temp_max", "desc")))
    made = engine.execute(*query.materialize("order_test", "weather", state, columns))
    total = loading.run(paging.stored_count(made, "order_test"), engine.execute)
    assert total == engine.execute("SELECT count(*) FROM weather WHERE weather IN ('rain', 'sun')")["rows"][0][0]
    # An engine that does not answer a CREATE with its count is asked.
    asked = loading.run(paging.stored_count({"columns": [], "rows": []}, "order_test"), engine.execute)
    assert asked == total


def test_grouped_rows_store_the_groups_and_return_the_first_block(weather):
    engine, columns = weather
    state = state_of(
        (view.with_group, (["weather"], [{"fn": "avg", "column": "temp_max"}])),
        (view.with_group_sort, ("weather", "asc")),
    )
    total, first = loading.run(paging.grouped_rows("groups_test", "weather", state, columns, BLOCK), engine.execute)
    expected = engine.execute("SELECT weather, count(*), avg(temp_max) FROM weather GROUP BY weather ORDER BY weather")[
        "rows"
    ]
    assert total == len(expected) == 5
    assert [row[:2] for row in first] == [row[:2] for row in expected]
    assert [round(row[2], 9) for row in first] == [round(row[2], 9) for row in expected]


def test_filter_key_names_the_rows_kept_and_nothing_else():
    plain = state_of()
    sorted_ = state_of((view.with_sort, ("date", "asc")), (view.with_hidden, ("wind",)))
    filtered = state_of((view.with_filter, ("weather", "in", ["rain"])))
    assert paging.filter_key(plain) == paging.filter_key(sorted_) == paging.filter_key({})
    assert paging.filter_key(filtered) != paging.filter_key(plain)
    assert paging.filter_key(state_of((view.with_search, ("fog",)))) != paging.filter_key(plain)


def test_profile_source_selects_the_rows_the_view_keeps(weather):
    engine, columns = weather
    state = state_of((view.with_filter, ("weather", "in", ["fog"])), (view.with_search, ("2015",)))
    source, params = paging.profile_source("weather", state, columns)
    counted = engine.execute("SELECT count(*) FROM " + source, params)["rows"][0][0]
    assert counted == engine.execute(*query.count("weather", state, columns))["rows"][0][0]


def test_profile_panel_key_ignores_sort_and_widths():
    info = {"rows": 1461, "columns": [{"name": "date", "type": "DATE"}]}
    plain = paging.profiles_key("weather", info, state_of(), ["date"])
    assert plain == paging.profiles_key("weather", info, state_of((view.with_sort, ("date", "asc"))), ["date"])
    assert plain != paging.profiles_key("weather", info, state_of((view.with_search, ("x",))), ["date"])
    assert plain != paging.profiles_key("weather", info, state_of(), ["date", "wind"])


@pytest.mark.parametrize(
    "changes, from_the_end",
    [
        ([], True),
        ([(view.with_sort, ("date", "asc"))], True),
        ([(view.with_filter, ("weather", "in", ["rain"]))], False),
        ([(view.with_group, (["weather"], []))], False),
    ],
)
def test_profiles_from_the_end_only_where_the_header_strips_profile_the_same_rows(changes, from_the_end):
    assert paging.profiles_from_the_end(state_of(*changes)) is from_the_end
