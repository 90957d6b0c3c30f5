"""Loading CSV through the shared step generators, against native DuckDB and real files."""

from pathlib import Path

import pytest

from app.core import catalog, errors, sql
from app.engine.native import NativeEngine

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "node_modules" / "vega-datasets" / "data" / "seattle-weather.csv"


@pytest.fixture
def engine():
    engine = NativeEngine()
    yield engine
    engine.close()


def load(engine, table, name, data, options=None):
    """Sniff, then load, as the browser does."""
    path = engine.register_bytes(name, data if isinstance(data, bytes) else data.encode())
    dialect = catalog.run(catalog.sniff_dialect(path, name, options), engine.execute)
    return catalog.run(catalog.load_csv(table, path, name, dialect), engine.execute)


def test_sample_loads_with_types(engine):
    info = load(engine, "seattle_weather", "seattle-weather.csv", SAMPLE.read_bytes())
    assert info["rows"] == 1461
    assert [(c["name"], c["type"], c["kind"]) for c in info["columns"]] == [
        ("date", "DATE", "date"), ("precipitation", "DOUBLE", "decimal"),
        ("temp_max", "DOUBLE", "decimal"), ("temp_min", "DOUBLE", "decimal"),
        ("wind", "DOUBLE", "decimal"), ("weather", "VARCHAR", "text")]


@pytest.mark.parametrize("text, rows, columns", [
    ("a;b\n1;2\n3;4\n", 2, ["a", "b"]),
    ("a\tb\n1\t2\n", 1, ["a", "b"]),
    ("a|b\n1|2\n", 1, ["a", "b"]),
    ('name,quote\n"Smith, J","He said ""hi""\nand left"\n', 1, ["name", "quote"]),
    ("a,b\n", 0, ["a", "b"]),  # header only: an empty table, not an error
    ("\ufeffa,b\n1,2\n", 1, ["a", "b"]),  # UTF-8 byte-order mark
    ("Report 2024\nSource: x\n\na,b\n1,2\n3,4\n", 2, ["a", "b"]),  # a preamble
    ("# comment\na;b\n1;2\n", 1, ["a", "b"]),
])
def test_csv_dialects(engine, text, rows, columns):
    info = load(engine, "t", "t.csv", text)
    assert info["rows"] == rows
    assert [c["name"] for c in info["columns"]] == columns


def test_latin1_read_as_utf8_is_explained_and_read_right_with_its_encoding(engine):
    data = "name,city\nJosé,Zürich\nAnn,Oslo\n".encode("latin-1")
    with pytest.raises(errors.OpenError) as raised:
        load(engine, "t", "latin.csv", data)
    message = str(raised.value)
    assert message.startswith("Could not read 'latin.csv' as CSV: CSV Error on Line")
    assert "The file is not UTF-8: choose its encoding" in message and "sample_size" not in message
    fixed = load(engine, "u", "latin2.csv", data, {"encoding": "latin-1"})
    assert fixed["rows"] == 2 and "rejected" not in fixed
    assert engine.execute('SELECT city FROM "u" ORDER BY city')["rows"] == [["Oslo"], ["Zürich"]]


def test_failure_leaves_other_tables_intact(engine):
    load(engine, "good", "good.csv", "x\n1\n2\n")
    with pytest.raises(errors.OpenError):
        load(engine, "bad", "bad.csv", "a," + "x" * 2_100_000 + "\n")
    assert engine.execute('SELECT sum(x) FROM "good"')["rows"] == [[3]]
    assert engine.execute(*sql.list_tables())["rows"] == [["good"]]


def test_describe_and_drop(engine):
    load(engine, "t", "t.csv", "a,b\n1,x\n")
    assert catalog.run(catalog.describe("t"), engine.execute)["rows"] == 1
    catalog.run(catalog.drop("t"), engine.execute)
    with pytest.raises(errors.QueryError):
        catalog.run(catalog.describe("t"), engine.execute)


@pytest.mark.parametrize("text, rows, count, phrase", [
    ("a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n", 2, 2, "line 3 (too few fields: 4,5), line 4 (too many fields: 6,7,8,9)"),
    ("id,v\n" + "".join(f"{i},{i}\n" for i in range(30000)) + "x,N/A\n", 30000, 1, "line 30002 (a value of the wrong type: x,N/A)"),
])
def test_rows_that_do_not_fit_are_counted_and_shown(engine, text, rows, count, phrase):
    info = load(engine, "t", "t.csv", text)
    assert info["rows"] == rows and info["rejected"]["count"] == count
    message = catalog.rejected_message("t.csv", info["rejected"])
    assert phrase in message and f"{count} row" in message


def test_clean_files_report_no_rejects_even_after_a_ragged_one(engine):
    load(engine, "t", "t.csv", "a,b\n1,2\n3\n")
    assert "rejected" not in load(engine, "u", "u.csv", "a,b\n1,2\n")


@pytest.mark.parametrize("options, first", [
    ({"delimiter": ";"}, ["a,b", "c"]),
    ({"header": False}, ["column0", "column1"]),
    ({"delimiter": ";", "header": False}, ["column0", "column1"]),
])
def test_csv_options_override_the_sniffer(engine, options, first):
    info = load(engine, "o", "o.csv", b"a,b;c\n1,2;3\n", options)
    assert [c["name"] for c in info["columns"]] == first


def test_a_line_over_the_limit_is_explained(engine):
    with pytest.raises(errors.OpenError) as raised:
        load(engine, "t", "long.csv", "a," + "x" * 2_100_000 + "\n")
    assert "not line-based CSV" in str(raised.value) and len(str(raised.value)) < 600


def test_flatten_structs_one_level_at_a_time(engine):
    from app.core import refine
    engine.execute("""CREATE TABLE n AS SELECT 1 AS id, {'name': 'Ada', 'where': {'city': 'Oslo'}} AS who,
                      {'x': 1} AS "odd ""col\"""")
    info = catalog.run(catalog.describe("n"), engine.execute)
    made = catalog.run(refine.flatten_structs("n", info["columns"]), engine.execute)
    assert made == ["who.name", "who.where", 'odd "col.x']
    assert engine.execute('SELECT "who.name", "odd ""col.x" FROM n')["rows"] == [["Ada", 1]]
    again = catalog.run(refine.flatten_structs("n", catalog.run(catalog.describe("n"), engine.execute)["columns"]),
                        engine.execute)
    assert again == ["who.where.city"]
    assert catalog.run(refine.flatten_structs("n", [{"name": "id", "type": "INTEGER"}]), engine.execute) == []
