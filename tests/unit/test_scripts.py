"""Running the editor's statements (app/core/scripts.py) against native DuckDB: what runs, what the log records."""

import pytest

from app.core import errors, loading, scripts, statements, view
from app.engine.native import NativeEngine


@pytest.fixture
def engine():
    engine = NativeEngine()
    engine.execute(
        "CREATE TABLE sales AS SELECT * FROM (VALUES (1, 'north', 10.0), (2, 'south', 5.5)) t(id, region, amount)"
    )
    yield engine
    engine.close()


def run(engine, text, kept=None, start=0, end=0, run_all=True):
    pieces, _ = scripts.pieces_for(text, start, end, run_all)
    return loading.run(scripts.run_script(pieces, kept), engine.execute)


def names(engine):
    return loading.run(scripts.table_names(), engine.execute)


def test_a_script_that_makes_two_tables_records_each_statement_with_what_it_made(engine):
    outcome = run(engine, "CREATE TABLE a AS FROM sales; CREATE TABLE b AS FROM a WHERE id = 1;\nSELECT * FROM b")
    assert outcome["failure"] is None and outcome["ran"] == 3
    assert outcome["entries"] == [
        {"op": "sql", "statement": "CREATE TABLE a AS FROM sales", "made": ["a"], "dropped": []},
        {"op": "sql", "statement": "CREATE TABLE b AS FROM a WHERE id = 1", "made": ["b"], "dropped": []},
        {"op": "query", "table": "query_result", "statement": "SELECT * FROM b"},
    ]
    assert outcome["result"] == "query_result"
    assert engine.execute("FROM query_result")["rows"] == [[1, "north", 10.0]]


def test_a_failed_statement_is_not_recorded_and_the_ones_before_it_are(engine):
    outcome = run(engine, "CREATE TABLE a AS FROM sales;\nSELEC nonsense;\nCREATE TABLE c AS SELECT 1")
    assert [e["statement"] for e in outcome["entries"]] == ["CREATE TABLE a AS FROM sales"]
    failure = outcome["failure"]
    assert failure["index"] == 1 and failure["statement"] == "SELEC nonsense" and failure["offset"] == 30
    assert isinstance(failure["error"], errors.QueryError) and "syntax error" in str(failure["error"]).lower()
    assert "c" not in names(engine)


def test_queries_before_the_last_are_counted_not_kept_and_leave_no_entry(engine):
    outcome = run(engine, "SELECT 1; FROM sales")
    assert outcome["entries"] == [{"op": "query", "table": "query_result", "statement": "FROM sales"}]
    assert names(engine) == ["query_result", "sales"]


def test_dropped_tables_and_the_panels_result_name(engine):
    engine.execute("CREATE TABLE query_result AS SELECT 1")  # not this panel's: the next name is used
    outcome = run(engine, "DROP TABLE sales; SELECT 42 AS n")
    assert outcome["entries"][0] == {"op": "sql", "statement": "DROP TABLE sales", "made": [], "dropped": ["sales"]}
    assert outcome["result"] == "query_result_2"
    assert run(engine, "SELECT 43", kept="query_result_2")["result"] == "query_result_2"


def test_statements_run_for_their_text_are_recorded_and_give_output(engine):
    outcome = run(engine, "PRAGMA version")
    assert outcome["entries"] == [{"op": "sql", "statement": "PRAGMA version", "made": [], "dropped": []}]
    assert outcome["output"].startswith("library_version | source_id")
    assert outcome["result"] is None


def test_the_statement_at_the_cursor_or_the_selection():
    text = "SELECT 1;\nSELECT 2;"
    assert scripts.pieces_for(text, 12, 12, False) == ([("SELECT 2", 10)], "SELECT 2")
    assert scripts.pieces_for(text, 10, 18, False) == ([("SELECT 2", 10)], "SELECT 2")
    assert scripts.pieces_for(text, 0, 0, True)[0] == statements.split(text)


def test_the_view_after_a_run_shows_what_it_made_or_what_was_shown_before(engine):
    state = view.add_source(view.new_view(), "sales", "file", "sales.csv")
    outcome = run(engine, "CREATE TABLE a AS FROM sales; CREATE TABLE b AS FROM a; SELEC x")
    after = scripts.view_after(state, outcome, "sales")
    assert [s["table"] for s in after["sources"]] == ["sales", "a", "b"] and after["active"] == "sales"
    kept = scripts.view_after(state, run(engine, "SELECT 1"), "sales")
    assert kept["active"] == "query_result"
    assert scripts.said(run(engine, "SELECT 1; SELECT 2", "query_result"), 2, 1) == "query_result: 1 row · 2 statements"
    assert scripts.said(run(engine, "CREATE TABLE z (x INT)"), 1) == "1 statement ran"


def test_a_cancelled_statement_stops_the_run_and_says_so(engine):
    pieces, _ = scripts.pieces_for("CREATE TABLE a AS SELECT 1; CREATE TABLE b AS SELECT 2", 0, 0, True)
    steps = scripts.run_script(pieces)
    request = steps.send(None)
    while request[0] != "CREATE TABLE b AS SELECT 2":
        request = steps.send(engine.execute(*request))
    try:
        steps.throw(errors.Cancelled("Cancelled."))
    except StopIteration as stop:
        outcome = stop.value
    assert isinstance(outcome["failure"]["error"], errors.Cancelled)
    assert [e["statement"] for e in outcome["entries"]] == ["CREATE TABLE a AS SELECT 1"]
