"""SQL builders: identifiers quoted by one function, values only as parameters."""

import pytest

from app.core import sql
from app.engine.native import NativeEngine


@pytest.mark.parametrize(
    "name, quoted",
    [
        ("plain", '"plain"'),
        ('with "quotes"', '"with ""quotes"""'),
        ("Robert'); DROP TABLE x;--", '"Robert\'); DROP TABLE x;--"'),
        ("", '""'),
        ("ünï cødé", '"ünï cødé"'),
    ],
)
def test_quote_ident(name, quoted):
    assert sql.quote_ident(name) == quoted


def test_quote_ident_rejects_nul():
    with pytest.raises(ValueError):
        sql.quote_ident("a\x00b")


@pytest.fixture
def engine():
    engine = NativeEngine()
    engine.execute('CREATE TABLE "odd ""name""" (id INTEGER, "we""ird" VARCHAR)')
    engine.execute('INSERT INTO "odd ""name""" VALUES (3, \'c\'), (1, NULL), (2, \'b\')')
    yield engine
    engine.close()


@pytest.mark.parametrize(
    "sort, offset, limit, expected",
    [
        ([], 0, 10, [3, 1, 2]),
        ([["id", "asc"]], 0, 10, [1, 2, 3]),
        ([["id", "desc"]], 1, 1, [2]),
        ([['we"ird', "asc"]], 0, 10, [2, 3, 1]),  # NULLS LAST
        ([['we"ird', "desc"]], 0, 10, [3, 2, 1]),
    ],
)
def test_order_by_runs_on_duckdb(engine, sort, offset, limit, expected):
    text = "SELECT * FROM " + sql.quote_ident('odd "name"') + sql.order_by(sort) + " LIMIT ? OFFSET ?"
    rows = engine.execute(text, [limit, offset])["rows"]
    assert [row[0] for row in rows] == expected


@pytest.mark.parametrize("sort", [[["id", "sideways"]], [["id", "asc; DROP TABLE t"]]])
def test_order_by_rejects_unknown_directions(sort):
    with pytest.raises(ValueError):
        sql.order_by(sort)


def test_values_are_parameters_not_text():
    text, params = sql.table_columns("x'; --")
    assert "x'" not in text and params == ["x'; --"]


def test_columns_and_count(engine):
    assert engine.execute(*sql.count_rows('odd "name"'))["rows"] == [[3]]
    columns = engine.execute(*sql.table_columns('odd "name"'))["rows"]
    assert columns == [["id", "INTEGER"], ['we"ird', "VARCHAR"]]
    assert engine.execute(*sql.list_tables())["rows"] == [['odd "name"']]
    engine.execute(*sql.drop_table('odd "name"'))
    assert engine.execute(*sql.list_tables())["rows"] == []


def test_csv_builders_keep_values_as_parameters():
    text, params = sql.create_table_from_csv("t", "/loupe/1.csv", {"delimiter": ";"}, None, ["BIGINT", "VARCHAR"])
    assert "BIGINT" not in text and params == ["/loupe/1.csv", ";", "BIGINT", "VARCHAR"]
    text, params = sql.first_rows("/loupe/1.csv", {"header": True, "skip": 2}, 5)
    assert "all_varchar = true" in text and params == ["/loupe/1.csv", False, 2, sql.QUICK_SAMPLE, 5]
    text, params = sql.cast_rejects("r")
    assert params == ["CAST"] and "CAST" not in text.replace("::VARCHAR", "")


def test_csv_builders_run_on_duckdb(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,x\n2,y\n")
    engine = NativeEngine()
    engine.execute(*sql.create_table_from_csv("t", str(path), {"header": True}, None, ["VARCHAR", "VARCHAR"]))
    assert engine.execute(*sql.table_columns("t"))["rows"] == [["a", "VARCHAR"], ["b", "VARCHAR"]]
    assert engine.execute(*sql.first_rows(str(path), {"header": True}, 2))["rows"] == [["a", "b"], ["1", "x"]]
    engine.execute(*sql.rename_column("t", "a", 'new "a"'))
    assert engine.execute(*sql.table_columns("t"))["rows"][0] == ['new "a"', "VARCHAR"]
    engine.close()
