"""The column panel's side of filters: which fit a column, the value set, range bounds typed in — checked in DuckDB."""

import pytest

from app.core import filters, query, view
from app.engine.native import NativeEngine


@pytest.mark.parametrize(
    "kind, offered",
    [
        ("integer", {"range": True, "contains": True, "facets": True}),
        ("date", {"range": True, "contains": True, "facets": True}),
        ("interval", {"range": True, "contains": True, "facets": True}),
        ("text", {"range": False, "contains": True, "facets": True}),
        ("boolean", {"range": False, "contains": True, "facets": True}),
        ("list", {"range": False, "contains": True, "facets": False}),
        ("binary", {"range": False, "contains": False, "facets": False}),
        ("other", {"range": False, "contains": True, "facets": False}),
    ],
)
def test_offered(kind, offered):
    assert filters.offered({"name": "c", "kind": kind}) == offered


STATE = {
    "filters": [
        {"column": "a", "op": "range", "value": [1, None]},
        {"column": "b", "op": "in", "value": ["x", None]},
        {"column": "a", "op": "contains", "value": "7"},
    ]
}


@pytest.mark.parametrize(
    "column, op, default, value",
    [
        ("a", "range", [None, None], [1, None]),
        ("b", "in", [], ["x", None]),
        ("a", "contains", None, "7"),
        ("a", "regex", None, None),
        ("c", "in", [], []),
    ],
)
def test_current_value(column, op, default, value):
    assert filters.current_value(STATE, column, op, default) == value
    assert filters.current_value({}, column, op, default) == default


@pytest.mark.parametrize(
    "kind, text, bound",
    [
        ("integer", "12", 12),
        ("integer", " 12 ", 12),
        ("decimal", "1.5", 1.5),
        ("decimal", "1e3", 1000.0),
        ("integer", "twelve", "twelve"),
        ("integer", "", None),
        ("date", "   ", None),
        ("date", None, None),
        ("date", "2024-01-02", "2024-01-02"),
    ],
)
def test_typed_bound(kind, text, bound):
    assert filters.typed_bound({"name": "c", "kind": kind}, text) == bound


@pytest.mark.parametrize(
    "kind, sql_type, low, high, kept",
    [
        ("integer", "INTEGER", "2", "", [2, 3]),
        ("decimal", "DOUBLE", "", "1.5", [0.5, 1.5]),
        ("date", "DATE", "2024-01-02", "2024-01-02", ["2024-01-02"]),
    ],
)
def test_typed_bounds_filter_rows_in_native_duckdb(kind, sql_type, low, high, kept):
    engine = NativeEngine()
    values = {
        "INTEGER": "(1), (2), (3)",
        "DOUBLE": "(0.5), (1.5), (2.5)",
        "DATE": "('2024-01-01'), ('2024-01-02'), ('2024-01-03')",
    }
    engine.execute(
        "CREATE TABLE t AS SELECT CAST(v AS " + sql_type + ") AS v FROM (VALUES " + values[sql_type] + ") AS x(v)"
    )
    columns = [{"name": "v", "type": sql_type, "kind": kind}]
    state = view.add_source(view.new_view(), "t", "file", "t.csv")
    bounds = [filters.typed_bound(columns[0], low), filters.typed_bound(columns[0], high)]
    state = view.table_state(view.with_filter(state, "v", "range", bounds))
    rows = engine.execute(*query.page("t", state, columns, 0, 10))["rows"]
    assert [str(r[0]) if kind == "date" else r[0] for r in rows] == kept
    engine.close()
