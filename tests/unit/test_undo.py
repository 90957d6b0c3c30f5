"""app/core/undo.py: History's levels, the undo key, when the history starts again, changed_steps."""

import json

import pytest

from app.core import undo, view

DERIVE = {"kind": "derive", "name": "n", "expression": "k * 10"}
RENAME = {"kind": "rename", "column": "s", "to": "text"}


def opened(*tables):
    state = view.new_view()
    for table in tables:
        state = view.add_source(state, table, "url", table + ".csv", url="https://x/" + table + ".csv")
    return state


def test_record_undo_redo():
    history = undo.History()
    a = opened("t")
    b = view.with_sort(a, "k", "asc")
    c = view.with_steps(b, "t", [DERIVE])
    assert history.record(a) is True
    assert not history.can_undo() and not history.can_redo()
    assert history.undo() is None and history.redo() is None
    assert history.record(b) and history.record(c)
    assert history.can_undo() and not history.can_redo()
    assert history.undo() == b
    assert history.undo() == a
    assert history.undo() is None
    assert history.can_redo()
    assert history.redo() == b
    assert history.redo() == c
    assert history.redo() is None


def test_states_handed_back_are_copies():
    history = undo.History()
    a = opened("t")
    history.record(a)
    history.record(view.with_sort(a, "k", "asc"))
    back = history.undo()
    back["tables"]["t"]["sort"] = [["zz", "desc"]]
    assert history.redo() is not None
    assert history.undo() == a
    a["active"] = "changed after recording"
    assert history.redo()["active"] == "t"


def test_a_new_state_after_undo_drops_redo():
    history = undo.History()
    a = opened("t")
    b = view.with_sort(a, "k", "asc")
    c = view.with_sort(a, "k", "desc")
    history.record(a)
    history.record(b)
    history.undo()
    assert history.record(c) is True
    assert not history.can_redo()
    assert history.undo() == a
    assert history.redo() == c


def test_limit_forgets_the_oldest():
    history = undo.History(limit=3)
    states = [view.with_width(opened("t"), "k", 100 + i) for i in range(5)]
    for state in states:
        history.record(state)
    assert len(history.states) == 3
    assert history.undo() == states[3]
    assert history.undo() == states[2]
    assert history.undo() is None


@pytest.mark.parametrize(
    "change",
    [
        lambda s: view.with_offset(s, 400),
        lambda s: view.with_sql(s, "SELECT 1"),
        lambda s: view.with_panel(s, "sql", True),
    ],
    ids=["offset", "editor text", "panel"],
)
def test_scrolling_or_editor_text_is_the_same_level(change):
    history = undo.History()
    a = opened("t")
    b = change(a)
    assert undo.undo_key(a) == undo.undo_key(b)
    history.record(a)
    assert history.record(b) is False
    assert len(history.states) == 1
    assert history.states[0] == b  # the level is kept as it is now


def test_the_same_level_after_undo_keeps_redo():
    history = undo.History()
    a = opened("t")
    b = view.with_sort(a, "k", "asc")
    history.record(a)
    history.record(b)
    history.undo()
    assert history.record(view.with_offset(a, 300)) is False
    assert history.can_redo()
    assert history.redo() == b


@pytest.mark.parametrize(
    "change",
    [
        lambda s: view.with_sort(s, "k", "asc"),
        lambda s: view.with_filter(s, "k", "null"),
        lambda s: view.with_hidden(s, "k"),
        lambda s: view.with_steps(s, "t", [DERIVE]),
        lambda s: view.activate(s, "u"),
    ],
    ids=["sort", "filter", "hidden", "steps", "active"],
)
def test_other_changes_are_new_levels(change):
    a = opened("u", "t")
    assert undo.undo_key(a) != undo.undo_key(change(a))


def test_the_key_does_not_depend_on_key_order():
    a = opened("t")
    b = json.loads(json.dumps(a, sort_keys=True))
    assert undo.undo_key(a) == undo.undo_key(b)


def test_undo_key_does_not_change_the_state():
    a = view.with_offset(view.with_sql(opened("t"), "SELECT 1"), 40)
    before = json.dumps(a, sort_keys=True)
    undo.undo_key(a)
    assert json.dumps(a, sort_keys=True) == before


def test_steps_edits_can_be_gone_between():
    a = opened("t")
    b = view.with_steps(a, "t", [DERIVE])
    c = view.with_steps(b, "t", [DERIVE, RENAME])
    d = view.with_steps(view.with_sort(c, "k", "asc"), "t", [RENAME])
    assert undo.can_go_between(a, b)
    assert undo.can_go_between(a, c)
    assert undo.can_go_between(b, d)
    history = undo.History()
    for state in (a, b, c, d):
        assert history.record(state)
    assert history.undo() == c and history.undo() == b and history.undo() == a


def test_steps_of_two_tables_at_the_end_can_be_gone_between():
    a = opened("t", "u")
    b = view.with_steps(view.with_steps(a, "t", [DERIVE]), "u", [RENAME])
    assert len(b["log"]) == 4
    assert undo.can_go_between(a, b)
    assert undo.changed_steps(a, b) == ["t", "u"]


@pytest.mark.parametrize(
    "change",
    [
        lambda s: view.with_type(s, "t", "k", "BIGINT"),
        lambda s: view.add_source(s, "u", "url", "u.csv", url="https://x/u.csv"),
        lambda s: view.with_entry(
            s, {"op": "sql", "statement": "CREATE TABLE w AS SELECT 1", "made": ["w"], "dropped": []}
        ),
        lambda s: view.with_entry(s, {"op": "rename", "table": "t", "to": "t2"}),
        lambda s: view.reread(s, "t", {"delimiter": ";"}),
    ],
    ids=["type", "read", "sql", "rename", "reread"],
)
def test_a_change_to_the_tables_starts_the_history_again(change):
    history = undo.History()
    a = view.with_steps(opened("t"), "t", [DERIVE])
    b = view.with_steps(a, "t", [DERIVE, RENAME])
    history.record(a)
    history.record(b)
    c = change(b)
    assert not undo.can_go_between(b, c)
    assert history.record(c) is True
    assert not history.can_undo()
    assert history.states == [c]


def test_a_steps_entry_before_another_entry_is_not_trailing():
    a = view.with_steps(opened("t"), "t", [DERIVE])
    b = view.with_type(a, "t", "k", "BIGINT")
    c = view.with_type(opened("t"), "t", "k", "BIGINT")
    assert not undo.can_go_between(b, c)  # t's steps are under the type: not at the end
    d = view.with_steps(b, "t", [RENAME])
    assert undo.can_go_between(b, d)


def test_states_without_logs():
    assert undo.can_go_between({}, {"log": []})
    assert undo.changed_steps({}, {}) == []


def test_changed_steps():
    a = opened("t", "u")
    b = view.with_steps(a, "u", [DERIVE])
    assert undo.changed_steps(a, b) == ["u"]
    assert undo.changed_steps(b, a) == ["u"]
    assert undo.changed_steps(b, b) == []
    c = view.with_steps(b, "u", [DERIVE])  # the same list again
    assert undo.changed_steps(b, c) == []
    d = view.with_steps(view.with_steps(b, "t", [RENAME]), "u", [dict(DERIVE, off=True)])
    assert undo.changed_steps(b, d) == ["t", "u"]  # in b's ... d's table order
    assert undo.changed_steps(a, view.with_sort(a, "k", "asc")) == []


def test_changed_steps_follows_the_second_states_tables():
    a = view.with_steps(opened("t", "u"), "t", [DERIVE])
    b = view.remove_source(a, "t")
    assert undo.changed_steps(a, b) == []  # t is not in b
    assert undo.changed_steps(b, a) == ["t"]


def test_forget():
    history = undo.History()
    history.record(opened("t"))
    history.record(view.with_sort(opened("t"), "k", "asc"))
    history.forget()
    assert not history.can_undo() and not history.can_redo() and history.states == []
    assert history.undo() is None
