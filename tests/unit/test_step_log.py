"""The view log's steps entries (view_log.with_steps, table_steps), and states that carry them."""

import json

from app.core import view

DERIVE = {"kind": "derive", "name": "n", "expression": "k * 10"}
RENAME = {"kind": "rename", "column": "s", "to": "text"}
FILTER = {"kind": "filter", "filters": [{"column": "s", "op": "in", "value": ["it's", "a\\b", None]}]}


def opened(*tables):
    state = view.new_view()
    for table in tables:
        state = view.add_source(state, table, "url", table + ".csv", url="https://x/" + table + ".csv")
    return state


def ops(state):
    return [(e["op"], e.get("table")) for e in state["log"]]


def test_with_steps_records_the_whole_list():
    state = view.with_steps(opened("t"), "t", [DERIVE, RENAME])
    assert state["log"][-1] == {"op": "steps", "table": "t", "steps": [DERIVE, RENAME]}
    assert view.table_steps(state, "t") == [DERIVE, RENAME]
    assert view.table_steps(state, "other") == []


def test_consecutive_edits_of_one_table_are_one_entry():
    state = opened("t")
    for step_list in ([DERIVE], [DERIVE, RENAME], [RENAME], []):
        state = view.with_steps(state, "t", step_list)
    assert ops(state) == [("read", "t"), ("steps", "t")]
    assert view.table_steps(state, "t") == []


def test_another_op_between_makes_a_new_entry():
    state = view.with_steps(opened("t"), "t", [DERIVE])
    state = view.with_type(state, "t", "k", "BIGINT")
    state = view.with_steps(state, "t", [DERIVE, RENAME])
    assert ops(state) == [("read", "t"), ("steps", "t"), ("type", "t"), ("steps", "t")]
    assert view.table_steps(state, "t") == [DERIVE, RENAME]


def test_another_tables_steps_between_make_a_new_entry():
    state = opened("t", "u")
    state = view.with_steps(state, "t", [DERIVE])
    state = view.with_steps(state, "u", [RENAME])
    state = view.with_steps(state, "t", [FILTER])
    assert ops(state)[2:] == [("steps", "t"), ("steps", "u"), ("steps", "t")]
    assert view.table_steps(state, "t") == [FILTER]
    assert view.table_steps(state, "u") == [RENAME]


def test_with_steps_changes_neither_its_input_nor_the_list():
    before = view.with_steps(opened("t"), "t", [DERIVE])
    snapshot = json.dumps(before, sort_keys=True)
    step_list = [RENAME]
    after = view.with_steps(before, "t", step_list)
    step_list.append(DERIVE)
    after["log"][-1]["steps"].append("changed")
    assert json.dumps(before, sort_keys=True) == snapshot
    got = view.table_steps(after, "t")
    got.append("x")
    assert view.table_steps(after, "t") == [RENAME, "changed"]


def test_sources_tables_and_active_are_unaffected():
    state = opened("t", "u")
    state = view.with_sort(view.activate(state, "t"), "k", "desc")
    stepped = view.with_steps(state, "u", [DERIVE])
    assert stepped["sources"] == state["sources"]
    assert stepped["tables"] == state["tables"]
    assert stepped["active"] == "t"


def test_table_steps_follow_a_rename():
    state = view.with_steps(opened("t"), "t", [DERIVE])
    state = view.with_entry(state, {"op": "rename", "table": "t", "to": "t2"})
    assert view.table_steps(state, "t2") == [DERIVE]
    assert view.table_steps(state, "t") == []
    state = view.with_steps(state, "t2", [DERIVE, RENAME])
    assert view.table_steps(state, "t2") == [DERIVE, RENAME]
    assert [s["table"] for s in state["sources"]] == ["t2"]


def test_rename_source_renames_the_steps_entries():
    state = view.with_steps(opened("t"), "t", [DERIVE])
    renamed = view.rename_source(state, "t", "fresh")
    assert view.table_steps(renamed, "fresh") == [DERIVE]
    assert view.table_steps(renamed, "t") == []


def test_table_steps_forget_on_close():
    state = view.with_steps(opened("t", "u"), "t", [DERIVE])
    closed = view.remove_source(state, "t")
    assert view.table_steps(closed, "t") == []
    assert "t" not in closed["tables"]
    # with SQL run since, a close entry is kept: the steps are forgotten all the same
    ran = view.with_entry(state, {"op": "sql", "statement": "SELECT 1", "made": [], "dropped": []})
    closed = view.remove_source(ran, "t")
    assert ops(closed)[-1] == ("close", "t")
    assert view.table_steps(closed, "t") == []
    reopened = view.add_source(closed, "t", "url", "t.csv", url="https://x/t.csv")
    assert view.table_steps(reopened, "t") == []


def test_table_steps_forget_a_table_sql_or_a_query_made_again():
    state = view.with_steps(opened("t"), "t", [DERIVE])
    made = view.with_entry(
        state, {"op": "sql", "statement": "CREATE OR REPLACE TABLE t AS SELECT 1", "made": ["t"], "dropped": []}
    )
    assert view.table_steps(made, "t") == []
    queried = view.with_entry(state, {"op": "query", "table": "t", "statement": "SELECT 2"})
    assert view.table_steps(queried, "t") == []


def test_reread_keeps_the_steps():
    state = view.with_steps(opened("t"), "t", [DERIVE])
    state = view.with_type(state, "t", "k", "BIGINT")
    again = view.reread(state, "t", {"delimiter": ";"})
    assert view.table_steps(again, "t") == [DERIVE]
    assert "type" not in [e["op"] for e in again["log"]]


def test_a_state_with_steps_entries_round_trips():
    state = view.with_steps(opened("t"), "t", [DERIVE, FILTER, dict(RENAME, off=True)])
    state = view.with_steps(state, "t", [DERIVE, FILTER, dict(RENAME, off=True), {"kind": "keep", "columns": ["日本"]}])
    loaded = view.loads(view.dumps(state))
    assert loaded == state
    assert view.table_steps(loaded, "t")[-1] == {"kind": "keep", "columns": ["日本"]}
    assert loaded["sources"] == state["sources"]


def test_loads_derives_sources_from_a_log_with_steps():
    text = json.dumps(
        {
            "version": view.VERSION,
            "log": [
                {"op": "read", "table": "t", "kind": "url", "name": "t.csv", "url": "https://x/t.csv"},
                {"op": "steps", "table": "t", "steps": [DERIVE]},
            ],
            "tables": {"t": {"sort": [], "offset": 0}},
            "active": "t",
        }
    )
    loaded = view.loads(text)
    assert [s["table"] for s in loaded["sources"]] == ["t"]
    assert view.table_steps(loaded, "t") == [DERIVE]


def test_a_malformed_steps_entry_is_no_steps():
    state = opened("t")
    state["log"].append({"op": "steps", "table": "t", "steps": "not a list"})
    assert view.table_steps(state, "t") == []
