"""Version 1 view states (as Loupe wrote them) brought to the current version (app/core/migrate.py)."""

import json

import pytest

from app.core import errors, migrate, share, view

# A version 1 link as the tests of that version made it (tests/unit/test_share_state.py's _state).
V1_SHARED = {
    "version": 1,
    "sources": [
        {
            "table": "sales",
            "kind": "url",
            "name": "sales.csv",
            "url": "https://example.org/sales.csv",
            "read": {"format": "csv", "delimiter": ";", "encoding": "windows-1252", "header": True},
        },
        {"table": "notes", "kind": "file", "name": "notes.csv"},
        {
            "table": "query_result",
            "kind": "query",
            "name": "query_result",
            "read": {"sql": "SELECT * FROM sales JOIN notes USING (id)"},
        },
    ],
    "active": "sales",
    "tables": {
        "sales": {"sort": [], "offset": 0, "filters": [{"column": "region", "op": "in", "value": ["North"]}]},
        "notes": {"sort": [], "offset": 0},
        "query_result": {"sort": [], "offset": 0},
    },
    "sql": "SELECT * FROM sales JOIN notes USING (id)",
    "panels": ["sql"],
}

# tests/unit/test_view.py's types and steps, as version 1 recorded them.
V1_REFINED = {
    "version": 1,
    "sources": [{"table": "a", "kind": "file", "name": "a.csv"}],
    "active": "a",
    "tables": {"a": {"sort": [], "offset": 0, "types": {"score": "BIGINT"}, "steps": [{"flatten": ["who.name"]}]}},
}

# tests/browser/test_share.py: the sample, as a link of version 1 carried it.
V1_SAMPLE = {
    "version": 1,
    "sources": [
        {
            "table": "seattle_weather",
            "kind": "sample",
            "name": "seattle-weather.csv",
            "url": "./assets/vendor/vega-datasets-3.2.1/seattle-weather.csv",
            "read": {"format": "csv", "delimiter": ",", "header": True},
        }
    ],
    "active": "seattle_weather",
    "tables": {"seattle_weather": {"sort": [["date", "asc"]], "offset": 0, "search": "fog"}},
}


def test_sources_become_read_entries_and_a_query_source_a_query_entry():
    got = migrate.to_current(V1_SHARED)
    assert got["version"] == migrate.CURRENT == view.VERSION
    assert got["log"] == [
        {"op": "read", **{k: v for k, v in V1_SHARED["sources"][0].items()}},
        {"op": "read", "table": "notes", "kind": "file", "name": "notes.csv"},
        {"op": "query", "table": "query_result", "statement": "SELECT * FROM sales JOIN notes USING (id)"},
    ]
    assert got["tables"] == V1_SHARED["tables"]
    assert (got["active"], got["sql"], got["panels"]) == ("sales", V1_SHARED["sql"], ["sql"])
    assert "sources" not in got
    assert V1_SHARED["version"] == 1 and "log" not in V1_SHARED  # the input is unchanged


def test_a_type_on_a_column_flattening_made_goes_after_it_others_before():
    got = migrate.to_current(
        {
            "version": 1,
            "sources": [{"table": "p", "kind": "file", "name": "p.json"}],
            "active": "p",
            "tables": {
                "p": {
                    "sort": [],
                    "offset": 0,
                    "types": {"who.name": "VARCHAR", "id": "BIGINT"},
                    "steps": [{"flatten": ["who.name", "who.age"]}],
                }
            },
        }
    )
    assert got["log"][1:] == [
        {"op": "type", "table": "p", "column": "id", "to": "BIGINT"},
        {"op": "flatten", "table": "p", "made": ["who.name", "who.age"]},
        {"op": "type", "table": "p", "column": "who.name", "to": "VARCHAR"},
    ]
    assert got["tables"]["p"] == {"sort": [], "offset": 0}


def test_version_1_types_and_steps_become_entries():
    got = migrate.to_current(V1_REFINED)
    assert [e["op"] for e in got["log"]] == ["read", "type", "flatten"]


def test_a_script_recorded_for_each_table_it_made_becomes_the_script_once():
    script = "CREATE TABLE a AS SELECT 1 AS x;\nSELECT 2;\nCREATE TABLE b AS FROM a"
    got = migrate.to_current(
        {
            "version": 1,
            "sources": [
                {"table": "a", "kind": "query", "name": "a", "read": {"sql": script}},
                {"table": "b", "kind": "query", "name": "b", "read": {"sql": script}},
            ],
            "active": "b",
            "tables": {"a": {"sort": [], "offset": 0}, "b": {"sort": [], "offset": 0}},
        }
    )
    assert got["log"] == [
        {"op": "sql", "statement": "CREATE TABLE a AS SELECT 1 AS x", "made": [], "dropped": []},
        {"op": "sql", "statement": "CREATE TABLE b AS FROM a", "made": ["a", "b"], "dropped": []},
    ]
    assert [s["table"] for s in view.loads(json.dumps(got))["sources"]] == ["a", "b"]


@pytest.mark.parametrize("state", [V1_SHARED, V1_REFINED, V1_SAMPLE], ids=["shared", "refined", "sample"])
def test_version_1_links_still_open(state):
    got = share.checked(json.dumps(state))
    assert got["version"] == view.VERSION
    assert [s["table"] for s in got["sources"]] == [s["table"] for s in state["sources"]]
    assert got["tables"].keys() == state["tables"].keys()
    for table in state["tables"]:
        assert view.table_state(got, table)["sort"] == state["tables"][table]["sort"]
    assert json.loads(view.dumps(got))["version"] == 2


def test_a_version_1_query_source_without_sql_says_so_on_restore():
    got = migrate.to_current(
        {
            "version": 1,
            "sources": [{"table": "q", "kind": "query", "name": "q"}],
            "active": "q",
            "tables": {"q": {"sort": [], "offset": 0}},
        }
    )
    assert got["log"] == [{"op": "query", "table": "q", "statement": ""}]


@pytest.mark.parametrize(
    "state, words",
    [
        ({"version": 3, "log": [], "tables": {}}, "newer than this one (view version 3)"),
        ({"version": 0, "sources": [], "tables": {}}, "different version"),
        ({"version": True, "sources": [], "tables": {}}, "different version"),
        ([1, 2], "different version"),
        ({"version": 1, "tables": {}}, "incomplete"),
    ],
)
def test_states_no_migration_can_read_are_refused_with_words(state, words):
    with pytest.raises(errors.StateError) as raised:
        migrate.to_current(state)
    assert words in str(raised.value)


def test_the_current_version_passes_through():
    state = view.add_source(view.new_view(), "a", "file", "a.csv")
    assert migrate.to_current(state) is state
