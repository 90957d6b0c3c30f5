"""Column moves, hidden columns shown again, first widths and groupable columns."""

import pytest

from app.core import layout_columns, query, view

NAMES = ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    "column, step, expected",
    [
        ("b", -1, ["b", "a", "c", "d"]),
        ("b", 1, ["a", "c", "b", "d"]),
        ("a", -1, NAMES),
        ("d", 1, NAMES),
        ("a", 10, ["b", "c", "d", "a"]),
        ("d", -10, ["d", "a", "b", "c"]),
        ("x", 1, None),
    ],
)
def test_moved_by(column, step, expected):
    assert layout_columns.moved_by(NAMES, column, step) == expected


@pytest.mark.parametrize(
    "column, before, expected",
    [
        ("d", "a", ["d", "a", "b", "c"]),
        ("a", "c", ["b", "a", "c", "d"]),
        ("a", "d", ["b", "c", "a", "d"]),
        ("c", "b", ["a", "c", "b", "d"]),
    ],
)
def test_moved_before(column, before, expected):
    assert layout_columns.moved_before(NAMES, column, before) == expected


def test_moves_work_on_the_columns_in_sight_and_leave_the_list_alone():
    columns = [{"name": n, "type": "INTEGER", "kind": "integer"} for n in NAMES]
    state = view.add_source(view.new_view(), "t", "file", "t.csv")
    state = view.with_hidden(state, "b")
    shown = layout_columns.shown_names(columns, view.table_state(state))
    assert shown == ["a", "c", "d"]
    moved = layout_columns.moved_by(shown, "d", -1)
    assert shown == ["a", "c", "d"]
    ordered = view.with_order(state, moved)
    assert [c["name"] for c in query.visible(columns, view.table_state(ordered))] == ["a", "d", "c"]
    back = layout_columns.all_shown(ordered)
    assert view.table_state(back)["hidden"] == []
    assert [c["name"] for c in query.visible(columns, view.table_state(back))][:3] == ["a", "d", "c"]


@pytest.mark.parametrize(
    "kind, name, width",
    [
        ("integer", "id", 90),
        ("boolean", "ok", 70),
        ("timestamp", "at", 170),
        ("text", "name", 160),
        ("other", "x", 120),
        ("integer", "a_rather_long_column_name", 234),
        ("text", "a_very_very_very_long_column_name_indeed", 260),
    ],
)
def test_default_width(kind, name, width):
    assert layout_columns.default_width({"name": name, "kind": kind}) == width


def test_groupable_leaves_out_lists_structs_and_bytes():
    columns = [{"name": k, "kind": k} for k in ("text", "list", "struct", "binary", "date", "integer")]
    assert [c["name"] for c in layout_columns.groupable(columns)] == ["text", "date", "integer"]
