"""The view state: pure transitions, JSON round trips, malformed states rejected."""

import json

import pytest

from app.core import errors, view


def test_sources_tables_and_activation():
    state = view.add_source(view.new_view(), "a", "url", "a.csv", url="http://x/a.csv")
    state = view.add_source(state, "b", "text", "b.csv")
    assert state["active"] == "b"
    assert [s["table"] for s in state["sources"]] == ["a", "b"]
    assert "url" not in state["sources"][1]  # pasted text carries no data
    state = view.activate(state, "a")
    assert state["active"] == "a"
    state = view.remove_source(state, "a")
    assert state["active"] == "b" and list(state["tables"]) == ["b"]
    assert view.remove_source(state, "b")["active"] is None


def test_transitions_never_mutate_their_input():
    before = view.add_source(view.new_view(), "a", "file", "a.csv")
    snapshot = json.dumps(before, sort_keys=True)
    view.with_sort(before, "x", "desc")
    view.with_offset(before, 400)
    view.remove_source(before, "a")
    view.with_type(before, "a", "x", "BIGINT")
    view.reread(before, "a", {"delimiter": ";"})
    view.rename_source(before, "a", "b")
    view.with_entry(before, {"op": "sql", "statement": "DROP TABLE a", "made": [], "dropped": ["a"]})
    assert json.dumps(before, sort_keys=True) == snapshot


def test_sort_resets_offset():
    state = view.with_offset(view.add_source(view.new_view(), "a", "file", "a.csv"), 400)
    state = view.with_sort(state, "x", "desc")
    assert view.table_state(state)["sort"] == [["x", "desc"]]
    assert view.table_state(state)["offset"] == 0
    assert view.table_state(view.with_sort(state, "x", None))["sort"] == []


def test_round_trip():
    state = view.with_sort(view.add_source(view.new_view(), "a", "sample", "a.csv"), "x", "asc")
    assert view.loads(view.dumps(state)) == state


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{",
        "[]",
        "null",
        '{"version": 99, "sources": [], "tables": {}}',
        '{"version": 1}',
        '{"version": 1, "sources": []}',
        '{"version": 2, "log": {}, "tables": {}}',
        '{"version": 2, "log": [3], "tables": {}}',
        '{"version": "2", "log": [], "tables": {}}',
    ],
)
def test_malformed_states_are_rejected_with_a_message(text):
    with pytest.raises(errors.StateError) as raised:
        view.loads(text)
    assert "link" in str(raised.value) or "version" in str(raised.value)


def test_unknown_source_kind_and_table():
    with pytest.raises(ValueError):
        view.add_source(view.new_view(), "a", "carrier-pigeon", "a.csv")
    with pytest.raises(ValueError):
        view.activate(view.new_view(), "missing")


def test_types_and_flattening_are_entries_of_the_log_in_order():
    state = view.add_source(view.new_view(), "a", "file", "a.csv")
    state = view.with_flatten(state, "a", ["who.name"])
    state = view.with_type(state, "a", "who.name", "VARCHAR")
    assert [e["op"] for e in state["log"]] == ["read", "flatten", "type"]
    assert state["log"][2] == {"op": "type", "table": "a", "column": "who.name", "to": "VARCHAR"}
    assert "types" not in view.table_state(state, "a") and "steps" not in view.table_state(state, "a")
    renamed = view.rename_source(state, "a", "b")
    assert renamed["active"] == "b" and [e["table"] for e in renamed["log"]] == ["b", "b", "b"]
    assert view.loads(view.dumps(renamed)) == renamed


def test_sources_are_derived_from_the_log():
    state = view.add_source(view.new_view(), "a", "url", "a.csv", "https://x/a.csv", {"format": "csv"})
    state = view.with_entry(state, {"op": "sql", "statement": "CREATE TABLE b AS FROM a", "made": ["b"], "dropped": []})
    state = view.with_entry(state, {"op": "query", "table": "query_result", "statement": "FROM b"})
    assert state["sources"] == [
        {"table": "a", "kind": "url", "name": "a.csv", "url": "https://x/a.csv", "read": {"format": "csv"}},
        {"table": "b", "kind": "query", "name": "b"},
        {"table": "query_result", "kind": "query", "name": "query_result"},
    ]
    assert state["active"] == "query_result"
    state = view.with_entry(state, {"op": "rename", "table": "query_result", "to": "kept"})
    assert [s["table"] for s in state["sources"]] == ["a", "b", "kept"] and state["active"] == "kept"
    assert "kept" in state["tables"] and "query_result" not in state["tables"]
    dropped = view.with_entry(state, {"op": "sql", "statement": "DROP TABLE b", "made": [], "dropped": ["b"]})
    assert [s["table"] for s in dropped["sources"]] == ["a", "kept"] and "b" not in dropped["tables"]
    forged = json.loads(view.dumps(state))
    forged["sources"] = [{"table": "ghost", "kind": "url", "name": "g", "url": "https://g"}]
    assert view.loads(json.dumps(forged))["sources"] == state["sources"]  # never read back


def test_a_table_nothing_used_leaves_the_log_when_closed():
    state = view.add_source(view.new_view(), "sample", "sample", "s.csv")
    state = view.with_type(state, "sample", "x", "BIGINT")
    state = view.add_source(state, "notes", "file", "notes.csv")
    closed = view.remove_source(state, "sample")
    assert closed["log"] == [{"op": "read", "table": "notes", "kind": "file", "name": "notes.csv"}]
    assert closed["active"] == "notes"
    assert view.remove_source(closed, "missing") == closed


def test_a_table_sql_may_have_used_is_closed_by_an_entry():
    state = view.add_source(view.new_view(), "a", "file", "a.csv")
    state = view.with_entry(state, {"op": "query", "table": "query_result", "statement": "FROM a"})
    closed = view.remove_source(state, "a")
    assert closed["log"][-1] == {"op": "close", "table": "a"}
    assert [s["table"] for s in closed["sources"]] == ["query_result"] and "a" not in closed["tables"]


def test_a_query_kept_again_replaces_its_unused_history():
    state = view.add_source(view.new_view(), "a", "file", "a.csv")
    for text in ("FROM a", "FROM a LIMIT 5", "SELECT 1"):
        state = view.with_entry(state, {"op": "query", "table": "query_result", "statement": text})
    assert [e.get("statement") for e in state["log"]] == [None, "SELECT 1"]
    state = view.with_entry(state, {"op": "query", "table": "query_result", "statement": "FROM query_result"})
    assert [e.get("statement") for e in state["log"]] == [None, "SELECT 1", "FROM query_result"]


def test_reading_again_changes_the_read_entry_and_forgets_its_types():
    state = view.add_source(view.new_view(), "a", "file", "a.csv", None, {"delimiter": ","})
    state = view.with_type(state, "a", "x", "BIGINT")
    state = view.with_sort(state, "x", "asc")
    again = view.reread(state, "a", {"delimiter": ";"})
    assert again["log"] == [{"op": "read", "table": "a", "kind": "file", "name": "a.csv", "read": {"delimiter": ";"}}]
    assert view.table_state(again, "a")["sort"] == []
    assert state["log"][0]["read"] == {"delimiter": ","}  # the input is unchanged


def test_unknown_log_entries_are_refused():
    with pytest.raises(ValueError):
        view.with_entry(view.new_view(), {"op": "teleport", "table": "a"})


def explored():
    return view.add_source(view.new_view(), "t", "file", "t.csv")


def test_filters_replace_their_own_kind_and_reset_the_scroll():
    state = view.with_offset(explored(), 500)
    state = view.with_filter(state, "a", "in", ["x"])
    state = view.with_filter(state, "a", "in", ["y"])
    state = view.with_filter(state, "a", "contains", "z")
    table = view.table_state(state)
    assert table["filters"] == [
        {"column": "a", "op": "in", "value": ["y"]},
        {"column": "a", "op": "contains", "value": "z"},
    ]
    assert table["offset"] == 0
    assert view.table_state(view.without_filter(state, 0))["filters"] == [table["filters"][1]]
    assert view.table_state(view.without_filter(state, 9))["filters"] == table["filters"]
    assert view.table_state(view.without_filter(state))["filters"] == []


def test_multi_sort_adds_changes_and_drops_columns():
    state = view.with_sort(explored(), "a", "asc")
    state = view.with_sort(state, "b", "desc", add=True)
    assert view.table_state(state)["sort"] == [["a", "asc"], ["b", "desc"]]
    state = view.with_sort(state, "a", None, add=True)
    assert view.table_state(state)["sort"] == [["b", "desc"]]
    assert view.table_state(view.with_sort(state, "c", "asc"))["sort"] == [["c", "asc"]]
    with pytest.raises(ValueError):
        view.with_sort(state, "a", "sideways")


def test_grouping_and_drilling_down_into_a_group():
    state = view.with_filter(explored(), "region", "in", ["north", "south"])
    state = view.with_group(state, ["region", "year"], [{"fn": "sum", "column": "amount"}])
    group = view.table_state(state)["group"]
    assert group == {"by": ["region", "year"], "aggs": [{"fn": "sum", "column": "amount"}], "sort": []}
    drilled = view.table_state(view.drill_down(state, {"region": "north", "year": None}))
    assert drilled["group"] is None
    assert drilled["filters"] == [
        {"column": "region", "op": "in", "value": ["north"]},
        {"column": "year", "op": "null", "value": None},
    ]
    assert view.table_state(view.with_group(state, []))["group"] is None


def test_columns_hidden_ordered_and_sized_keep_the_scroll():
    state = view.with_offset(explored(), 300)
    state = view.with_hidden(state, "b")
    state = view.with_order(state, ["c", "a"])
    state = view.with_width(state, "a", 10)
    state = view.with_width(state, "c", 99999)
    table = view.table_state(state)
    assert (table["hidden"], table["order"], table["offset"]) == (["b"], ["c", "a"], 300)
    assert table["widths"] == {"a": view.MIN_WIDTH, "c": view.MAX_WIDTH}
    assert view.table_state(view.with_hidden(state, "b", False))["hidden"] == []
    assert view.table_state(view.with_width(state, "a", None))["widths"] == {"c": view.MAX_WIDTH}


def test_search_is_trimmed_and_round_trips():
    state = view.with_search(explored(), "  rain ")
    assert view.table_state(state)["search"] == "rain"
    assert view.loads(view.dumps(state)) == state


@pytest.mark.parametrize(
    "given, problem",
    [
        ({"sort": "a"}, "sort must be"),
        ({"sort": [["a", "up"]]}, "sort must be"),
        ({"filters": [{"column": "a"}]}, "filters must be"),
        ({"filters": {"a": 1}}, "filters must be"),
        ({"search": 5}, "search must be"),
        ({"group": {"by": []}}, "group must be"),
        ({"group": {"by": ["a"], "aggs": "sum"}}, "aggs must be"),
        ({"hidden": "a"}, "hidden must be"),
        ({"widths": []}, "widths must"),
        ({"offset": -1}, "offset must"),
    ],
)
def test_malformed_table_states_are_refused_with_what_is_wrong(given, problem):
    with pytest.raises(errors.StateError) as raised:
        view.with_table_state(explored(), "t", given)
    assert problem in str(raised.value)


def test_a_table_state_is_applied_whole_with_defaults():
    state = view.with_filter(explored(), "a", "null")
    applied = view.table_state(view.with_table_state(state, "t", {"sort": [["b", "desc"]]}), "t")
    assert applied["sort"] == [["b", "desc"]] and applied["filters"] == []
    with pytest.raises(ValueError):
        view.with_table_state(state, "missing", {})


def test_canonical_text_does_not_depend_on_key_order():
    one = {"b": [1, {"y": None, "x": "é"}], "a": 2.5}
    two = {"a": 2.5, "b": [1, {"x": "é", "y": None}]}
    assert view.canonical(one) == view.canonical(two) == '{"a":2.5,"b":[1,{"x":"\\u00e9","y":null}]}'
    assert view.canonical([["c", "in", ["x"]], ""]) != view.canonical([["c", "in", ["y"]], ""])
