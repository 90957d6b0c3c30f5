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


@pytest.mark.parametrize("text", [
    "", "{", "[]", "null", '{"version": 99, "sources": [], "tables": {}}',
    '{"version": 1}', '{"version": 1, "sources": []}',
])
def test_malformed_states_are_rejected_with_a_message(text):
    with pytest.raises(errors.StateError) as raised:
        view.loads(text)
    assert "link" in str(raised.value) or "version" in str(raised.value)


def test_unknown_source_kind_and_table():
    with pytest.raises(ValueError):
        view.add_source(view.new_view(), "a", "carrier-pigeon", "a.csv")
    with pytest.raises(ValueError):
        view.activate(view.new_view(), "missing")


def test_types_and_steps_are_recorded_per_table():
    state = view.add_source(view.new_view(), "a", "file", "a.csv")
    state = view.with_type(state, "a", "score", "BIGINT")
    state = view.with_step(state, "a", {"flatten": ["who.name"]})
    assert view.table_state(state, "a")["types"] == {"score": "BIGINT"}
    assert view.table_state(state, "a")["steps"] == [{"flatten": ["who.name"]}]
    renamed = view.rename_source(state, "a", "b")
    assert renamed["active"] == "b" and view.table_state(renamed, "b")["types"] == {"score": "BIGINT"}
    assert view.loads(view.dumps(renamed)) == renamed
