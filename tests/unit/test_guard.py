"""app/core/guard.py: which SQL only reads, what is refused, and the engine's lock — run on native DuckDB."""

import re
from pathlib import Path

import pytest

from app.core import errors, guard
from app.engine.native import NativeEngine

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "statement, reads",
    [
        ("SELECT 1", True),
        ("  -- a comment\n select * from t", True),
        ("/* c */ FROM t SELECT a", True),
        ("VALUES (1), (2)", True),
        ("TABLE t", True),
        ("(SELECT 1) UNION (SELECT 2)", True),
        ("WITH a AS (SELECT 1) SELECT * FROM a", True),
        ("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r", True),
        ("WITH a AS MATERIALIZED (SELECT 1) FROM a", True),
        ("DESCRIBE t", True),
        ("SHOW TABLES", True),
        ("SUMMARIZE t", True),
        ("PIVOT t ON k USING sum(v)", True),
        ("EXPLAIN SELECT 1", True),
        ("EXPLAIN ANALYZE SELECT 1", True),
        ("SELECT 'DROP TABLE t; CREATE TABLE x AS SELECT 1'", True),
        ('SELECT 1 AS "insert"', True),
        ("SELECT $$ ; DROP TABLE t $$", True),
        ("EXPLAIN ANALYZE CREATE TABLE x AS SELECT 1", False),
        ("EXPLAIN", False),
        ("WITH a AS (SELECT 1) INSERT INTO t SELECT * FROM a", False),
        ("WITH a AS (SELECT 1) DELETE FROM t", False),
        ("WITH a AS (SELECT 1)", False),
        ("CREATE TABLE x AS SELECT 1", False),
        ("CREATE OR REPLACE TABLE seattle_weather AS SELECT 1", False),
        ("DROP TABLE t", False),
        ("ALTER TABLE t RENAME TO u", False),
        ("INSERT INTO t VALUES (1)", False),
        ("UPDATE t SET a = 1", False),
        ("DELETE FROM t", False),
        ("TRUNCATE t", False),
        ("COPY t TO 'x.csv'", False),
        ("ATTACH ':memory:' AS m", False),
        ("SET VARIABLE v = 1", False),
        ("SET threads = 1", False),
        ("RESET enable_external_access", False),
        ("PRAGMA enable_profiling", False),
        ("CALL pragma_table_info('t')", False),
        ("INSTALL httpfs", False),
        ("LOAD httpfs", False),
        ("EXPORT DATABASE 'x'", False),
        ("IMPORT DATABASE 'x'", False),
        ("USE memory", False),
        ("CHECKPOINT", False),
        ("BEGIN TRANSACTION", False),
        ("PREPARE p AS DELETE FROM t", False),
        ("EXECUTE p", False),
        ("SELEC 1", True),  # DuckDB cannot parse it: it fails with its syntax error and nothing runs
    ],
)
def test_reading(statement, reads):
    assert guard.reading(statement) is reads


def test_not_reading_lists_the_statements_of_a_script_that_do_more():
    script = "SELECT 1; -- fine\nDROP TABLE t; SELECT ';'; CREATE VIEW v AS SELECT 2"
    assert guard.not_reading(script) == ["-- fine\nDROP TABLE t", "CREATE VIEW v AS SELECT 2"]
    assert guard.not_reading("SELECT 1; FROM t") == []
    assert guard.not_reading("") == []


@pytest.mark.parametrize(
    "statement, refused",
    [
        ("INSTALL httpfs", True),
        ("install spatial from community", True),
        ("FORCE INSTALL httpfs", True),
        ("LOAD httpfs", True),
        ("/* hidden */ load 'x.duckdb_extension'", True),
        ("UPDATE EXTENSIONS", True),
        ("UPDATE t SET a = 1", False),
        ("SELECT 'INSTALL httpfs'", False),
        ("CREATE TABLE load AS SELECT 1", False),
    ],
)
def test_extension_statements_are_refused_before_the_engine(statement, refused):
    assert (guard.refusal(statement) == guard.EXTENSION_MESSAGE) is refused


def test_the_browser_engine_applies_exactly_this_lock():
    """assets/js/engine.mjs runs LOCK before any other SQL; both lists must be one."""
    text = (ROOT / "assets" / "js" / "engine.mjs").read_text()
    block = text[text.index("const LOCK = [") : text.index("];", text.index("const LOCK = ["))]
    found = [s.replace("${FILES}", guard.FILES) for s in re.findall(r'[`"](SET [^`"]+)[`"]', block)]
    assert found == list(guard.LOCK)
    assert 'const FILES = "' + guard.FILES + '"' in text


@pytest.fixture
def locked():
    engine = NativeEngine(locked=True)
    engine.execute("CREATE TABLE t AS SELECT 1 AS a")
    yield engine
    engine.close()


def test_a_locked_engine_reads_its_own_files(locked):
    path = locked.register_text("x.csv", "a,b\n1,2\n")
    assert locked.execute("SELECT * FROM read_csv(?)", [path])["rows"] == [[1, 2]]


@pytest.mark.parametrize(
    "statement, message",
    [
        ("SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')", guard.NETWORK_MESSAGE),
        ("SELECT * FROM 'https://127.0.0.1:9/x.parquet'", guard.NETWORK_MESSAGE),
        ("SELECT * FROM read_text('/etc/hostname')", guard.NETWORK_MESSAGE),
        ("SELECT * FROM read_csv('file:///etc/hostname')", guard.NETWORK_MESSAGE),
        ("COPY t TO '/tmp/loupe-guard-test.csv'", guard.NETWORK_MESSAGE),
        ("ATTACH '/tmp/loupe-guard-test.db' AS x", guard.NETWORK_MESSAGE),
        ("SET enable_external_access = true", guard.LOCKED_MESSAGE),
        ("RESET allowed_directories", guard.LOCKED_MESSAGE),
        ("SET lock_configuration = false", guard.LOCKED_MESSAGE),
        ("SET autoload_known_extensions = true", guard.LOCKED_MESSAGE),
        ("INSTALL httpfs", guard.EXTENSION_MESSAGE),
        ("LOAD httpfs", guard.EXTENSION_MESSAGE),
    ],
)
def test_a_locked_engine_refuses_with_what_loupe_does_instead(locked, statement, message):
    with pytest.raises(errors.QueryError) as caught:
        locked.execute(statement)
    assert str(caught.value).startswith(message)
    assert locked.execute("SELECT a FROM t")["rows"] == [[1]]


def test_a_refused_address_is_named_in_the_message(locked):
    locked.execute("SET VARIABLE v = (SELECT string_agg(a::VARCHAR, '-') FROM t)")
    with pytest.raises(errors.QueryError) as caught:
        locked.execute("SELECT * FROM read_csv('http://127.0.0.1:9/leak?d=' || getvariable('v'))")
    assert "“http://127.0.0.1:9/leak?d=1”" in str(caught.value)


def test_engine_messages_not_about_the_lock_are_left_alone():
    assert guard.engine_message("Catalog Error: Table with name x does not exist!") is None
    assert str(errors.query_error('Parser Error: syntax error at or near "x"')).startswith("Parser Error")
