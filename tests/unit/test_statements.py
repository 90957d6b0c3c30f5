"""Splitting SQL scripts and placing DuckDB's errors back in the text, checked against native DuckDB."""

import duckdb
import pytest

from app.core import statements


@pytest.mark.parametrize(
    "text, expected",
    [
        ("SELECT 1; SELECT 2;", [("SELECT 1", 0), ("SELECT 2", 10)]),
        ("SELECT ';' AS a;\nSELECT \"x;y\" FROM t", [("SELECT ';' AS a", 0), ('SELECT "x;y" FROM t', 17)]),
        ("-- a; comment\nSELECT 1 /* ; */ ;  ", [("-- a; comment\nSELECT 1 /* ; */", 0)]),
        ("SELECT 'it''s; fine'", [("SELECT 'it''s; fine'", 0)]),
        ("  ;;  ; -- only a comment\n", []),
        ("CREATE MACRO m() AS $$ a; b $$; SELECT 1", [("CREATE MACRO m() AS $$ a; b $$", 0), ("SELECT 1", 32)]),
        ("SELECT 'unclosed; SELECT 2", [("SELECT 'unclosed; SELECT 2", 0)]),
    ],
)
def test_split_respects_quotes_and_comments(text, expected):
    assert statements.split(text) == expected
    for statement, offset in expected:
        assert text[offset : offset + len(statement)] == statement


def test_statement_at_the_cursor():
    text = "SELECT 1;\nSELECT 2;\n\nSELECT 3"
    assert statements.statement_at(text, 3) == ("SELECT 1", 0)
    assert statements.statement_at(text, 12) == ("SELECT 2", 10)
    assert statements.statement_at(text, len(text)) == ("SELECT 3", 21)
    assert statements.statement_at("", 0) == ("", 0)


@pytest.mark.parametrize(
    "statement, points_at",
    [
        ("SELECT 1 +* 2", "+*"),
        ("SELECT a FROM range(3)", "a FROM"),
        ("SELECT *\nFROM nope", "nope"),
        ("SELECT 1,\n  2 FROM range(2) WHERE x = 1", "x = 1"),
        ("SELECT '🦆🦆' AS ducks, nope", "nope"),  # DuckDB counts screen cells: an emoji takes two
        ("SELECT '中文' AS x,\n  '日本' AS y, nope", "nope"),
        ("SELECT 'e\u0301e\u0301' AS x, nope", "nope"),  # a combining accent takes none
        ("SELECT 'ä' AS x, nope", "nope"),
        ("SELECT " + "'中' || " * 40 + "'x' AS long_one, nope", "nope"),  # a long line DuckDB prints cut
        ("SELECT " + "'a' || " * 40 + "nope || " + "'b' || " * 40 + "'c'", "nope"),  # cut at both ends
    ],
)
def test_error_positions_point_where_duckdb_points(statement, points_at):
    with pytest.raises(duckdb.Error) as raised:
        duckdb.connect().execute(statement)
    position = statements.error_position(statement, str(raised.value))
    assert position is not None and statement[position:].startswith(points_at)


def test_errors_without_a_position():
    assert statements.error_position("SELECT 1 +", "Parser Error: syntax error at end of input") is None
    assert statements.error_position("x", "LINE x: nonsense\n   ^") is None


# --- keeping a query's rows (the SQL editor) -----------------------------------

WEATHER = "node_modules/vega-datasets/data/seattle-weather.csv"


@pytest.fixture
def con():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    con = duckdb.connect()
    con.execute("CREATE TABLE seattle_weather AS SELECT * FROM read_csv(?)", [str(root / WEATHER)])
    return con


@pytest.mark.parametrize(
    "statement, kind",
    [
        ("SELECT 1", "table"),
        ("with a as (select 1) select * from a", "table"),
        ("FROM seattle_weather", "table"),
        ("TABLE seattle_weather", "table"),
        ("VALUES (1), (2)", "table"),
        ("(SELECT 1) UNION (SELECT 2)", "table"),
        ("PIVOT seattle_weather ON weather USING count(*)", "table"),
        ("DESCRIBE seattle_weather", "wrapped"),
        ("SHOW seattle_weather", "wrapped"),
        ("SUMMARIZE seattle_weather", "wrapped"),
        ("-- why\nEXPLAIN SELECT 1", "text"),
        ("PRAGMA version", "text"),
        ("CALL pragma_version()", "text"),
        ("CREATE TABLE x AS SELECT 1", None),
        ("INSERT INTO x VALUES (1)", None),
        ("SET threads = 1", None),
    ],
)
def test_each_kind_of_statement_is_kept_the_way_duckdb_accepts(con, statement, kind):
    assert statements.result_kind(statement) == kind
    if kind in ("table", "wrapped"):
        direct = con.execute(statement).fetchall()
        con.execute(*statements.stored("query_result", statement))
        assert sorted(con.execute("SELECT * FROM query_result").fetchall(), key=str) == sorted(direct, key=str)
        con.execute(*statements.stored("query_result", statement))  # replaced, not refused
        assert con.execute(*statements.counted(statement)).fetchone()[0] == len(direct)


def test_a_query_may_read_the_result_it_replaces(con):
    con.execute(*statements.stored("query_result", "SELECT 5 AS x"))
    con.execute(*statements.stored("query_result", "SELECT x + 1 AS x FROM query_result -- again"))
    assert con.execute("SELECT x FROM query_result").fetchall() == [(6,)]


def test_a_view_is_saved_once_and_reads_the_table_live(con):
    statement = "SELECT weather, count(*) AS n FROM seattle_weather GROUP BY weather"
    con.execute(*statements.stored("by_weather", statement, what="VIEW", replace=False))
    with pytest.raises(duckdb.CatalogException):
        con.execute(*statements.stored("by_weather", statement, what="VIEW", replace=False))
    con.execute("DELETE FROM seattle_weather WHERE weather = 'fog'")
    assert "fog" not in [w for w, _ in con.execute("SELECT * FROM by_weather").fetchall()]


def test_names_are_quoted_so_no_name_breaks_the_statement(con):
    con.execute(*statements.stored('odd "name"; DROP TABLE seattle_weather', "SELECT 1 AS one"))
    assert con.execute('SELECT one FROM "odd ""name""; DROP TABLE seattle_weather"').fetchall() == [(1,)]
    assert con.execute("SELECT count(*) FROM seattle_weather").fetchone()[0] == 1461


@pytest.mark.parametrize(
    "statement, points_at",
    [
        ("SELECT nope FROM seattle_weather", "nope"),
        ("SELECT *\nFROM seattle_weather\nWHERE temp_max > 'warm'::INTEGR", "INTEGR"),
        ("SELECT *\nFROM seattle_weather\nWHERE temp_max > 'warm'", "'warm'"),
        ("SELECT weather FORM seattle_weather", "seattle_weather"),
        ("DESCRIBE nope", "nope"),
        ("SELECT s.date FROM seattle_weather AS sw JOIN nope AS s ON true", "nope"),
    ],
)
def test_errors_inside_the_wrapper_point_into_the_statement(con, statement, points_at):
    run_sql = statements.stored("query_result", statement)[0]
    with pytest.raises(duckdb.Error) as raised:
        con.execute(run_sql)
    at = statements.error_in(run_sql, statement, str(raised.value))
    assert at is not None and statement[at:].startswith(points_at)


def test_an_error_outside_the_statement_points_nowhere():
    run_sql = 'CREATE OR REPLACE TABLE "query_result" AS SELECT 1'
    message = 'Parser Error: x\n\nLINE 1: CREATE OR REPLACE TABLE "query_result" AS SELECT 1\n        ^'
    assert statements.error_in(run_sql, "SELECT 1", message) is None
    assert statements.error_in(run_sql, "SELECT 1", "Interrupted!") is None


def test_error_summary_leaves_out_the_excerpt_but_keeps_the_advice(con):
    with pytest.raises(duckdb.Error) as raised:
        con.execute("SELECT nope FROM seattle_weather")
    from app.core import errors

    message = str(errors.query_error(str(raised.value)))
    summary = statements.error_summary(message)
    assert summary.startswith('Binder Error: Referenced column "nope" not found')
    assert "LINE" not in summary and "^" not in summary and "\n" not in summary
    assert summary.endswith("Check the column names and types used in the query.")
    assert statements.error_summary("Plain message") == "Plain message"


@pytest.mark.parametrize("offset, expected", [(0, (1, 1)), (3, (1, 4)), (9, (2, 1)), (12, (2, 4)), (99, (2, 6))])
def test_line_and_column_of_an_offset(offset, expected):
    assert statements.line_column("SELECT 1\nFROM t", min(offset, 14)) == expected


@pytest.mark.parametrize(
    "text, offset, end",
    [
        ("SELECT nope FROM t", 7, 11),
        ('SELECT "a b" x', 7, 12),
        ("SELECT 'x", 7, 9),
        ("a + b", 2, 3),
        ("ab", 2, 2),
    ],
)
def test_word_end(text, offset, end):
    assert statements.word_end(text, offset) == end


@pytest.mark.parametrize(
    "name, problem",
    [
        ("rainy_days", None),
        ("Año_2024", None),
        ("t2", None),
        ("", "Type a name"),
        ("2024", "not starting with a digit"),
        ("rainy days", "letters, digits and _"),
        ('a"b', "letters, digits and _"),
        ("x" * 64, "too long"),
        ("loupe_mine", "kept for Loupe"),
        ("SEATTLE_weather", "already exists"),
        ("my_view", "already exists"),
    ],
)
def test_names_for_saved_results(name, problem):
    found = statements.check_name(name, ["seattle_weather", "My_View"])
    assert found is None if problem is None else problem in found


def test_catalog_and_completion_queries(con):
    con.execute("CREATE VIEW rainy AS SELECT date, precipitation FROM seattle_weather WHERE weather = 'rain'")
    con.execute("CREATE TEMP TABLE loupe_view_order_1 AS SELECT 1 AS r")
    names = [row[0] for row in con.execute(*statements.catalog_names()).fetchall()]
    assert sorted(names) == ["rainy", "seattle_weather"]
    rows = con.execute(*statements.completion_columns()).fetchall()
    functions = [row[0] for row in con.execute(*statements.function_names()).fetchall()]
    schema = statements.completion_schema(rows, functions)
    assert schema["tables"] == {
        "rainy": ["date", "precipitation"],
        "seattle_weather": ["date", "precipitation", "temp_max", "temp_min", "wind", "weather"],
    }
    assert {"regexp_matches", "strftime", "sum", "read_csv"} <= set(schema["functions"])
    assert not any(name.startswith("__") or not name.replace("_", "").isalnum() for name in schema["functions"])
    assert len(schema["functions"]) == len(set(schema["functions"]))


def test_statements_run_for_their_text(con):
    def result(statement):
        cursor = con.execute(statement)
        return {"columns": [{"name": d[0]} for d in cursor.description], "rows": [list(r) for r in cursor.fetchall()]}

    plan = statements.output_text(result("EXPLAIN SELECT weather FROM seattle_weather"))
    assert "SEQ_SCAN" in plan and "seattle_weather" in plan
    pragma = statements.output_text(result("PRAGMA table_info('seattle_weather')"))
    assert pragma.split("\n")[0] == "cid | name | type | notnull | dflt_value | pk"
    assert pragma.split("\n")[1].startswith("0 | date | DATE")
    assert "NULL" in pragma
    assert statements.output_text(result("SET threads = 2")) == ""
    many = statements.output_text({"columns": [{"name": "n"}], "rows": [[i] for i in range(250)]}, limit=10)
    assert many.split("\n")[-1] == "… and 240 more rows" and len(many.split("\n")) == 12
