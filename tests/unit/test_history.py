"""The SQL editor's query history: order, duplicates, the cap, and whatever storage hands back."""

import json

import pytest

from app.core import history


def test_newest_first_and_a_repeat_moves_up_instead_of_repeating():
    kept = []
    for text in ("SELECT 1", "SELECT 2", "  SELECT 1\n", "SELECT  2"):
        kept = history.added(kept, text)
    assert kept == ["SELECT  2", "SELECT 1"]  # spacing aside, the same query; its newest form is kept


def test_blank_and_huge_queries_are_not_kept():
    assert history.added(["SELECT 1"], "   \n ") == ["SELECT 1"]
    assert history.added(["SELECT 1"], "SELECT '" + "x" * history.MAX_CHARS + "'") == ["SELECT 1"]


def test_the_history_is_capped_and_the_oldest_go_first():
    kept = []
    for i in range(history.LIMIT + 7):
        kept = history.added(kept, "SELECT " + str(i))
    assert len(kept) == history.LIMIT
    assert kept[0] == "SELECT " + str(history.LIMIT + 6) and kept[-1] == "SELECT 7"


def test_a_round_trip_through_storage():
    kept = history.added(history.added([], "SELECT 'ünïcode', \"q\"\nFROM t"), "SELECT 2")
    assert history.loads(history.dumps(kept)) == kept


@pytest.mark.parametrize(
    "stored, expected",
    [
        (None, []),
        ("", []),
        ("not json", []),
        ('{"a": 1}', []),
        ("42", []),
        ("null", []),
        ('["SELECT 1", 7, null, "", "  ", {"sql": "x"}, ["SELECT 2"], "SELECT 3"]', ["SELECT 1", "SELECT 3"]),
        ('["SELECT 1", "SELECT  1", "select 2"]', ["SELECT 1", "select 2"]),
        ('["SELECT 1"', []),  # cut short by a full disk
    ],
)
def test_whatever_storage_holds_gives_a_usable_history(stored, expected):
    assert history.loads(stored) == expected


def test_a_stored_history_longer_than_the_cap_is_cut():
    stored = json.dumps(["SELECT " + str(i) for i in range(history.LIMIT * 2)])
    assert len(history.loads(stored)) == history.LIMIT


@pytest.mark.parametrize(
    "text, width, expected",
    [
        ("SELECT *\n  FROM t\n\tWHERE x", 90, "SELECT * FROM t WHERE x"),
        ("SELECT " + "a, " * 40, 20, "SELECT a, a, a, a,…"),
    ],
)
def test_a_one_line_label_for_the_list(text, width, expected):
    assert history.label(text, width) == expected
    assert len(history.label(text, width)) <= width
