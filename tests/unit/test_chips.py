"""The chips above the grid: their labels, and the view without each — its rows counted in native DuckDB."""

from pathlib import Path

import pytest

from app.core import chips, loading, query, view
from app.engine.native import NativeEngine

DATA = Path(__file__).resolve().parents[2] / "node_modules" / "vega-datasets" / "data"


@pytest.fixture(scope="module")
def weather():
    engine = NativeEngine()
    engine.execute("CREATE TABLE weather AS SELECT * FROM read_csv(?)", [str(DATA / "seattle-weather.csv")])
    yield engine, loading.run(loading.describe("weather"), engine.execute)["columns"]
    engine.close()


def busy():
    state = view.add_source(view.new_view(), "weather", "file", "weather.csv")
    state = view.with_filter(state, "weather", "in", ["rain", "sun"])
    state = view.with_filter(state, "temp_max", "range", [20, None])
    state = view.with_search(state, "2014")
    return view.with_group(state, ["weather"], [])


def test_each_filter_the_search_and_the_group_get_a_chip(weather):
    shown = chips.chips_of(view.table_state(busy()), weather[1])
    assert [(c["label"], c["kind"], c["index"]) for c in shown] == [
        ("weather: rain, sun", "filter", 0),
        ("temp_max ≥ 20", "filter", 1),
        ("search: “2014”", "search", 0),
        ("grouped by weather", "group", 0),
    ]
    assert chips.clear_all_shown(shown)
    assert chips.removal_label(shown[0]) == "Remove weather: rain, sun"


@pytest.mark.parametrize(
    "state, labels, clear_all",
    [
        ({}, [], False),
        ({"search": "fog"}, ["search: “fog”"], False),
        ({"filters": [{"column": "gone", "op": "in", "value": [1]}]}, ["gone (not in this table)"], False),
        ({"filters": [{"column": "weather", "op": "bogus"}]}, ["weather (not in this table)"], False),
        (
            {"filters": [{"column": "weather", "op": "null", "value": None}], "group": {"by": ["a", "b"]}},
            ["weather is empty (NULL)", "grouped by a, b"],
            True,
        ),
    ],
)
def test_chip_labels(weather, state, labels, clear_all):
    shown = chips.chips_of(state, weather[1])
    assert [c["label"] for c in shown] == labels
    assert chips.clear_all_shown(shown) is clear_all


SEARCH = (
    "CAST(date AS VARCHAR) LIKE '%2014%' OR weather ILIKE '%2014%' OR 2014 IN (precipitation, temp_max, temp_min, wind)"
)


@pytest.mark.parametrize(
    "kind, index, where, clears_search",
    [
        ("filter", 0, "temp_max >= 20 AND (" + SEARCH + ")", False),
        ("filter", 1, "weather IN ('rain', 'sun') AND (" + SEARCH + ")", False),
        ("search", 0, "weather IN ('rain', 'sun') AND temp_max >= 20", True),
        ("all", 0, "true", True),
    ],
)
def test_removing_a_chip_keeps_the_rows_plain_sql_keeps_without_it(weather, kind, index, where, clears_search):
    engine, columns = weather
    state = view.table_state(view.with_group(chips.removed(busy(), kind, index), None))
    counted = engine.execute(*query.count("weather", state, columns))["rows"][0][0]
    assert counted == engine.execute("SELECT count(*) FROM weather WHERE " + where)["rows"][0][0]
    assert 0 < counted <= 1461
    assert chips.clears_search(kind) is clears_search


def test_removing_the_group_chip_ungroups_only():
    state = view.table_state(chips.removed(busy(), "group", 0))
    assert state["group"] is None and len(state["filters"]) == 2 and state["search"] == "2014"
    assert view.table_state(chips.cleared(busy())) == view.table_state(chips.removed(busy(), "all"))
    with pytest.raises(ValueError):
        chips.removed(busy(), "nonsense", 0)
