"""The SQL of other engines, from sqlglot: run on a real SQLite (and PostgreSQL where it is installed) against the view.

A recipe the dialect can express gives the rows the grid shows; one it
cannot names the step in a comment (never SQL that means something else:
such a query would fail the comparison here).
"""

import datetime
import sqlite3

import pytest
from code_cases import query_rows, same_rows
from code_examples import EXAMPLES, build

from app.core import code_dialects, code_targets

IDS = [e["id"] for e in EXAMPLES]
# Recipes whose SQLite SQL fails on SQLite and no comment says so (none now: code_dialects names the functions
# SQLite lacks); the test fails when one of them starts to work, so this list stays true.
SQLITE_GAPS: dict = {}


def _sqlite_with(case):
    """An in-memory SQLite database holding the case's sources under their Loupe names."""
    fresh = case.sources()
    db = sqlite3.connect(":memory:")
    for (table,) in fresh.execute("SELECT table_name FROM duckdb_tables()").fetchall():
        described = fresh.execute('DESCRIBE "' + table + '"').fetchall()
        names = ", ".join('"' + r[0] + '"' for r in described)
        db.execute('CREATE TABLE "' + table + '" (' + names + ")")
        rows = [[_plain(v) for v in row] for row in fresh.execute('SELECT * FROM "' + table + '"').fetchall()]
        db.executemany('INSERT INTO "' + table + '" VALUES (' + ", ".join("?" for _ in described) + ")", rows)
    return db


def _plain(value):
    return value.isoformat() if isinstance(value, (datetime.date, datetime.datetime)) else value


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_sqlite_sql_gives_the_view_or_says_what_it_cannot(example, tmp_path):
    case = build(example, tmp_path)
    text = code_dialects.query_text(case.plan(), "sql:sqlite")
    if "cannot express" in text:
        assert "could not be written for SQLite" in text
        return
    if example["id"] in SQLITE_GAPS:
        with pytest.raises(sqlite3.Error):
            query_rows(_sqlite_with(case), text)
        return
    got = query_rows(_sqlite_with(case), text)
    expected = case.shown()
    # SQLite has no booleans: true and false are 1 and 0 there
    expected["rows"] = [[int(v) if isinstance(v, bool) else v for v in row] for row in expected["rows"]]
    same_rows(got, expected, case.ordered())


@pytest.mark.parametrize("target", list(code_dialects.DIALECTS))
def test_every_dialect_writes_every_recipe(target, tmp_path):
    for example in EXAMPLES[:6]:
        case = build(example, _folder(tmp_path, example["id"]))
        answer = code_targets.render(case.plan(), target)
        assert answer["code"].startswith("-- Loupe: the table") and answer["file_name"].endswith(".sql")


def _folder(root, name):
    folder = root / name
    folder.mkdir()
    return folder


# A function the dialect lacks is named at its step, not written silently; one it has a twin for is rewritten.
NAMED = [
    ("sample", "sql:sqlite", "HASH (hash, DuckDB's hash of a value) is not a SQLite function"),
    ("sample", "sql:postgres", "HASH (hash, DuckDB's hash of a value) is not a PostgreSQL function"),
    ("split-columns", "sql:postgres", "SPLIT (string_split, a text split into a list) is not a PostgreSQL function"),
    ("unpivot", "sql:sqlite", "EXPLODE (unnest, a row per list item) is not a SQLite function"),
    ("extract", "sql:sqlite", "REGEXP (a regular expression match) is not defined in SQLite"),
]


@pytest.mark.parametrize(("example_id", "target", "words"), NAMED)
def test_a_function_the_dialect_lacks_is_named_at_its_step(example_id, target, words, tmp_path):
    example = next(e for e in EXAMPLES if e["id"] == example_id)
    text = code_dialects.query_text(build(example, tmp_path).plan(), target)
    assert "cannot express this step as written: " + words in text


@pytest.mark.parametrize(
    ("duckdb", "dialect", "written"),
    [
        ("SELECT monthname(d) FROM t", "postgres", "SELECT TO_CHAR(d, 'FMMonth') FROM t"),
        ("SELECT contains(a, 'x') FROM t", "sqlite", "SELECT INSTR(a, 'x') > 0 FROM t"),
        ("SELECT regexp_extract(a, 'b+') FROM t", "postgres", "COALESCE((REGEXP_MATCH(a, '(b+)'))[1], '')"),
        ("SELECT regexp_extract(a, 'b+', 1, 'i') FROM t", "postgres", "REGEXP_EXTRACT"),
    ],
)
def test_a_function_with_a_twin_in_the_dialect_is_written_as_it(duckdb, dialect, written):
    assert written in code_dialects.transpiled(duckdb, dialect)[0]


PARSED_ONLY = ("sql:bigquery", "sql:snowflake", "sql:trino", "sql:mysql")


@pytest.mark.parametrize("target", PARSED_ONLY)
def test_engines_not_run_here_get_sql_they_parse_with_each_duckdb_only_part_named(target, tmp_path):
    """BigQuery, Snowflake, Trino, MySQL: the output parses back in the dialect; a DuckDB-only construct is said."""
    import sqlglot
    from sqlglot import exp

    dialect = code_dialects.DIALECTS[target][0]
    named = 0
    for example in EXAMPLES:
        case = build(example, _folder(tmp_path, example["id"]))
        text = code_dialects.query_text(case.plan(), target)
        tree = sqlglot.parse_one(text, read=dialect)  # raises when the dialect's own parser cannot read it
        modifiers = [s for s in tree.find_all(exp.Star) if any(s.args.get(k) for k in ("except", "replace", "rename"))]
        by_name = [u for u in tree.find_all(exp.Union) if u.args.get("by_name")]
        if (modifiers and dialect not in ("bigquery", "snowflake")) or by_name:
            assert "cannot express" in text, example["id"]
            named += 1
    assert named >= 2  # the two appends' UNION BY NAME (stars are written out as their columns)
