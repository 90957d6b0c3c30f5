"""Splitting SQL scripts and placing DuckDB's errors back in the text, checked against native DuckDB."""

import duckdb
import pytest

from app.core import statements


@pytest.mark.parametrize("text, expected", [
    ("SELECT 1; SELECT 2;", [("SELECT 1", 0), ("SELECT 2", 10)]),
    ("SELECT ';' AS a;\nSELECT \"x;y\" FROM t", [("SELECT ';' AS a", 0), ('SELECT "x;y" FROM t', 17)]),
    ("-- a; comment\nSELECT 1 /* ; */ ;  ", [("-- a; comment\nSELECT 1 /* ; */", 0)]),
    ("SELECT 'it''s; fine'", [("SELECT 'it''s; fine'", 0)]),
    ("  ;;  ; -- only a comment\n", []),
    ("CREATE MACRO m() AS $$ a; b $$; SELECT 1", [("CREATE MACRO m() AS $$ a; b $$", 0), ("SELECT 1", 32)]),
    ("SELECT 'unclosed; SELECT 2", [("SELECT 'unclosed; SELECT 2", 0)]),
])
def test_split_respects_quotes_and_comments(text, expected):
    assert statements.split(text) == expected
    for statement, offset in expected:
        assert text[offset:offset + len(statement)] == statement


def test_statement_at_the_cursor():
    text = "SELECT 1;\nSELECT 2;\n\nSELECT 3"
    assert statements.statement_at(text, 3) == ("SELECT 1", 0)
    assert statements.statement_at(text, 12) == ("SELECT 2", 10)
    assert statements.statement_at(text, len(text)) == ("SELECT 3", 21)
    assert statements.statement_at("", 0) == ("", 0)


@pytest.mark.parametrize("statement, points_at", [
    ("SELECT 1 +* 2", "+*"),
    ("SELECT a FROM range(3)", "a FROM"),
    ("SELECT *\nFROM nope", "nope"),
    ("SELECT 1,\n  2 FROM range(2) WHERE x = 1", "x = 1"),
])
def test_error_positions_point_where_duckdb_points(statement, points_at):
    with pytest.raises(duckdb.Error) as raised:
        duckdb.connect().execute(statement)
    position = statements.error_position(statement, str(raised.value))
    assert position is not None and statement[position:].startswith(points_at)


def test_errors_without_a_position():
    assert statements.error_position("SELECT 1 +", "Parser Error: syntax error at end of input") is None
    assert statements.error_position("x", "LINE x: nonsense\n   ^") is None


@pytest.mark.parametrize("statement, query", [
    ("select 1", True), ("  WITH a AS (SELECT 1) SELECT * FROM a", True), ("-- hi\nFROM t", True),
    ("(SELECT 1)", True), ("DESCRIBE t", True), ("CREATE TABLE t AS SELECT 1", False),
    ("INSERT INTO t VALUES (1)", False), ("", False),
])
def test_which_statements_return_rows(statement, query):
    assert statements.is_query(statement) is query
