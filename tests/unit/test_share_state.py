"""Share links: vetting a link's state, what it reopens, address parameters."""

import json

import pytest

from app.core import errors, share, view


def _state(**changes):
    state = view.new_view()
    state = view.add_source(
        state,
        "sales",
        "url",
        "sales.csv",
        "https://example.org/sales.csv",
        {"format": "csv", "delimiter": ";", "encoding": "windows-1252", "header": True},
    )
    state = view.with_filter(state, "region", "in", ["North"])
    state = view.add_source(state, "notes", "file", "notes.csv")
    state = view.with_entry(
        state, {"op": "query", "table": "query_result", "statement": "SELECT * FROM sales JOIN notes USING (id)"}
    )
    state = view.activate(state, "sales")
    state.update(changes)
    return state


def test_a_state_survives_the_round_trip_through_its_json():
    state = _state()
    back = share.checked(view.dumps(state))
    assert back["log"] == state["log"]
    assert back["sources"] == state["sources"]
    assert back["tables"] == state["tables"]
    assert back["active"] == "sales"


def test_reads_keep_the_order_and_copy():
    state = share.checked(view.dumps(_state()))
    planned = share.reads(state)
    assert [s["table"] for s in planned] == ["sales", "notes"]
    planned[0]["table"] = "changed"
    assert state["log"][0]["table"] == "sales"


def test_checking_never_changes_what_it_was_given():
    state = _state(active="gone")
    text = json.dumps(state)
    back = share.checked(text)
    assert back["active"] == "query_result" and json.loads(text)["active"] == "gone"


def test_open_options_read_the_source_as_the_sender_did():
    source = share.reads(share.checked(view.dumps(_state())))[0]
    assert share.open_options(source) == {
        "table": "sales",
        "format": "csv",
        "delimiter": ";",
        "encoding": "windows-1252",
        "header": True,
    }
    assert share.open_options({"table": "t", "kind": "url", "name": "t"}) == {"table": "t"}


@pytest.mark.parametrize(
    "markers, replayed",
    [
        (["NA", "-"], ["NA", "-"]),
        ([], []),
        ("NA", None),
        ([1, 2], None),
        ({"NA": True}, None),
    ],
)
def test_open_options_replay_missing_value_markers(markers, replayed):
    options = share.open_options({"table": "t", "kind": "url", "name": "t", "read": {"missing": markers}})
    assert options.get("missing") == replayed


def test_local_names():
    state = share.checked(view.dumps(_state()))
    assert share.local_names(state) == ["notes.csv"]


@pytest.mark.parametrize(
    "text, words",
    [
        ("not json at all", "not valid JSON"),
        ("[]", "different version"),
        ('{"version": 99, "sources": [], "tables": {}}', "different version"),
        ('{"version": 1, "tables": {}}', "incomplete"),
        ('{"version": 1, "sources": {}, "tables": {}}', "malformed"),
        ('{"version": 1, "sources": [], "tables": []}', "malformed"),
        ('{"version": 1, "sources": [42], "tables": {}}', "not an object"),
        ('{"version": 1, "sources": [{"kind": "url", "name": "a"}], "tables": {}}', "no table name"),
        ('{"version": 1, "sources": [{"table": "a", "kind": "ftp", "name": "a"}], "tables": {}}', "unknown kind"),
        (
            '{"version": 1, "sources": [{"table": "a", "kind": "url", "name": "a", "url": "javascript:alert(1)"}],'
            ' "tables": {}}',
            "not http or https",
        ),
        ('{"version": 1, "sources": [{"table": "a", "kind": "url", "name": "a"}], "tables": {}}', "not http or https"),
        ('{"version": 1, "sources": [{"table": "a", "kind": "file", "name": 7}], "tables": {}}', "has no name"),
        (
            '{"version": 1, "sources": [{"table": "a", "kind": "file", "name": "a", "read": "x"}], "tables": {}}',
            "malformed reading",
        ),
        (
            '{"version": 1, "sources": [{"table": "a", "kind": "file", "name": "a"},'
            ' {"table": "a", "kind": "file", "name": "b"}], "tables": {}}',
            "twice",
        ),
        ('{"version": 1, "sources": [], "tables": {"a": 3}}', "not an object"),
        ('{"version": 2, "log": [{"op": "teleport"}], "tables": {}}', "unknown kind"),
        ('{"version": 2, "log": [{"op": "type", "table": "a", "column": 3}], "tables": {}}', "without a column"),
        ('{"version": 2, "log": [{"op": "sql"}], "tables": {}}', "no statement"),
        ('{"version": 2, "log": [{"op": "sql", "statement": "", "made": "a"}], "tables": {}}', "malformed table"),
        ('{"version": 2, "log": [{"op": "query", "table": "a"}], "tables": {}}', "no query"),
        ('{"version": 2, "log": [{"op": "rename", "table": "a", "to": ""}], "tables": {}}', "renamed to nothing"),
        ('{"version": 2, "log": [{"op": "flatten", "table": "a", "made": [1]}], "tables": {}}', "malformed column"),
        ('{"version": 2, "log": [{"op": "close"}], "tables": {}}', "no table name"),
        (
            '{"version": 2, "log": [{"op": "read", "table": "a", "kind": "file", "name": "a"},'
            ' {"op": "read", "table": "a", "kind": "file", "name": "b"}], "tables": {}}',
            "twice",
        ),
        ('{"version": 3, "log": [], "tables": {}}', "newer than this one"),
    ],
)
def test_damaged_links_say_what_is_wrong_and_what_to_do(text, words):
    with pytest.raises(errors.StateError) as caught:
        share.checked(text)
    assert words in str(caught.value)
    assert "link" in str(caught.value) or "version" in str(caught.value)


def test_an_oversized_state_is_refused_before_parsing():
    with pytest.raises(errors.StateError, match="too long"):
        share.checked('{"version": 1, "x": "' + "a" * share.MAX_STATE_CHARS + '"}')


def test_soft_problems_are_mended_not_refused():
    state = _state(active="gone", sql=42, panels=["profile", "bogus", 3])
    back = share.checked(json.dumps(state))
    assert back["active"] == "query_result"  # the last source
    assert back["sql"] == ""
    assert back["panels"] == ["profile"]
    assert share.checked(json.dumps(_state(panels="sql")))["panels"] == []


def test_matching_a_waiting_file_by_name():
    waiting = [{"table": "notes", "kind": "file", "name": "Notes.csv"}, {"table": "b", "kind": "text", "name": "b.tsv"}]
    assert share.matching(waiting, "Notes.csv") is waiting[0]
    assert share.matching(waiting, "notes.CSV") is waiting[0]
    assert share.matching(waiting, "Notes (1).csv") is None
    assert share.matching([], "Notes.csv") is None


def test_waiting_message_names_the_files_and_says_what_to_do():
    one = share.waiting_message(["sales.csv"])
    assert "“sales.csv”" in one and "Open the same file" in one and "never the data" in one
    two = share.waiting_message(["a.csv", "b.parquet"])
    assert "“a.csv”, “b.parquet”" in two and "the same files" in two
    assert share.waiting_message([]) == ""


def test_address_parameters():
    got = share.from_address(
        {"url": ["https://a/x.csv", " ", "https://b/y.parquet"], "sql": ["SELECT 1"], "view": ["Chart"]}
    )
    assert got == {
        "urls": ["https://a/x.csv", "https://b/y.parquet"],
        "sql": "SELECT 1",
        "show": "chart",
        "problems": [],
    }
    assert share.from_address({}) == {"urls": [], "sql": None, "show": "table", "problems": []}


@pytest.mark.parametrize(
    "params",
    [
        {"view": ["grid<script>"]},
        {"view": ["profiles"]},
    ],
)
def test_a_bad_view_parameter_falls_back_to_the_table_and_says_so(params):
    got = share.from_address(params)
    assert got["show"] == "table"
    assert "view=table, view=chart or view=profile" in got["problems"][0]


def test_blank_and_unknown_values_are_ignored():
    got = share.from_address({"sql": ["   "], "view": [""]})
    assert got["sql"] is None and got["show"] == "table" and got["problems"] == []


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://example.org/a.csv", True),
        ("HTTP://example.org/a.csv", True),
        ("javascript:alert(1)", False),
        ("data:text/csv,a", False),
        ("blob:https://x/1", False),
        (None, False),
    ],
)
def test_only_http_addresses_are_reopened(url, ok):
    assert share.is_reopenable_url(url) is ok


def test_panels_in_the_view_state():
    state = view.with_panel(view.new_view(), "profile")
    assert view.panel_open(state, "profile") and not view.panel_open(state, "sql")
    state = view.with_panel(view.with_panel(state, "sql"), "profile", False)
    assert state["panels"] == ["sql"]
    with pytest.raises(ValueError):
        view.with_panel(state, "nonsense")


def test_a_workbooks_sheet_opens_again_as_the_same_sheet_read_the_same_way():
    source = {
        "table": "year_May",
        "read": {"format": "xlsx", "part": "May", "header_row": 3, "range": "B3:F20", "empty_rows": 2},
    }
    assert share.open_options(source) == {
        "table": "year_May",
        "format": "xlsx",
        "header_row": 3,
        "range": "B3:F20",
        "sheets": ["May"],
    }
    assert "sheets" not in share.open_options({"table": "db_t", "read": {"format": "sqlite", "part": "t"}})
