"""The PostgreSQL SQL sqlglot writes, run on a real, throwaway PostgreSQL server against the view (tests/unit/pg_server.py).

A recipe PostgreSQL can express gives the rows the grid shows; one it
cannot names the step in a comment. Each recipe's sources are loaded into
a schema of their own, with DuckDB's column types mapped to PostgreSQL's,
and the schema is dropped after. Without PostgreSQL the tests skip, saying
how to install it.
"""

import re

import pytest
from code_cases import query_rows, same_rows
from code_examples import EXAMPLES, build
from pg_server import INSTALL_HINT, PostgresServer, ServerUnavailable

from app.core import code_dialects

IDS = [e["id"] for e in EXAMPLES]
# Recipes whose PostgreSQL SQL fails there and no comment says so (none now: code_dialects names the functions
# PostgreSQL lacks); the test fails when one of them starts to work, so this list stays true.
POSTGRES_GAPS: dict = {}
# DuckDB's type names (without their parameters) -> PostgreSQL's; any other type is loaded as text.
PG_TYPES = {
    "BIGINT": "bigint",
    "INTEGER": "bigint",
    "DOUBLE": "double precision",
    "DECIMAL": "numeric",
    "VARCHAR": "text",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "BOOLEAN": "boolean",
    "TIME": "time",
}


@pytest.fixture(scope="session")
def postgres():
    """A psycopg connection to a PostgreSQL server started for this session (skips when there is none)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed: " + INSTALL_HINT)
    try:
        server = PostgresServer.start()
    except ServerUnavailable as why:
        pytest.skip(str(why))
    connection = server.connect()
    yield connection
    connection.close()
    server.stop()


@pytest.fixture
def schema(postgres, request):
    """A fresh schema on the search path for one test, dropped after."""
    name = "case_" + re.sub(r"\W", "_", request.node.callspec.id)
    postgres.execute('CREATE SCHEMA "' + name + '"')
    postgres.execute('SET search_path TO "' + name + '"')
    yield postgres
    postgres.execute("SET search_path TO public")
    postgres.execute('DROP SCHEMA "' + name + '" CASCADE')


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_postgres_sql_gives_the_view_or_says_what_it_cannot(example, schema, tmp_path):
    import psycopg

    case = build(example, tmp_path)
    text = code_dialects.query_text(case.plan(), "sql:postgres")
    if "cannot express" in text:
        assert "could not be written for PostgreSQL" in text
        return
    load_sources(schema, case.sources())
    if example["id"] in POSTGRES_GAPS:
        with pytest.raises(psycopg.Error):
            query_rows(schema, text)
        return
    same_rows(query_rows(schema, text), case.shown(), case.ordered())


def load_sources(connection, duck) -> None:
    """Copy every table of the DuckDB connection ``duck`` into ``connection``'s current schema."""
    for (table,) in duck.execute("SELECT table_name FROM duckdb_tables()").fetchall():
        described = duck.execute('DESCRIBE "' + table + '"').fetchall()
        columns = ", ".join(_quoted(r[0]) + " " + pg_type(r[1]) for r in described)
        connection.execute("CREATE TABLE " + _quoted(table) + " (" + columns + ")")
        rows = duck.execute("SELECT * FROM " + _quoted(table)).fetchall()
        marks = ", ".join("%s" for _ in described)
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO " + _quoted(table) + " VALUES (" + marks + ")", rows)


def pg_type(duckdb_type: str) -> str:
    """PostgreSQL's type for a column of DuckDB type ``duckdb_type`` (DECIMAL(10,2) -> numeric)."""
    return PG_TYPES.get(duckdb_type.split("(")[0].strip().upper(), "text")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def test_types_map_by_name_without_parameters():
    assert [pg_type(t) for t in ("DECIMAL(10,2)", "INTEGER", "TIMESTAMP WITH TIME ZONE", "BLOB")] == [
        "numeric",
        "bigint",
        "text",
        "text",
    ]
