"""Loading CSV through the shared step generators, against native DuckDB and real files."""

from pathlib import Path

import pytest

from app.core import catalog, errors
from app.engine.native import NativeEngine

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "node_modules" / "vega-datasets" / "data" / "seattle-weather.csv"


@pytest.fixture
def engine():
    engine = NativeEngine()
    yield engine
    engine.close()


def load(engine, table, name, data):
    path = engine.register_bytes(name, data if isinstance(data, bytes) else data.encode())
    return catalog.run(catalog.load_csv(table, path, name), engine.execute)


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
])
def test_csv_dialects(engine, text, rows, columns):
    info = load(engine, "t", "t.csv", text)
    assert info["rows"] == rows
    assert [c["name"] for c in info["columns"]] == columns


def test_latin1_is_an_error_with_advice(engine):
    with pytest.raises(errors.OpenError) as raised:
        load(engine, "t", "latin.csv", "name,city\nJosé,Zürich\n".encode("latin-1") * 3)
    message = str(raised.value)
    assert message.startswith("Could not read 'latin.csv' as CSV: CSV Error on Line")
    assert "not utf-8 encoded" in message and "Save the file as UTF-8" in message
    assert "sample_size" not in message  # the sniffer's settings dump is cut
    assert engine.execute("SELECT count(*) FROM information_schema.tables")["rows"] == [[0]]


def test_failure_leaves_other_tables_intact(engine):
    load(engine, "good", "good.csv", "x\n1\n2\n")
    with pytest.raises(errors.OpenError):
        load(engine, "bad", "bad.csv", "a,b\nJosé,1\n".encode("latin-1"))
    assert engine.execute('SELECT sum(x) FROM "good"')["rows"] == [[3]]


def test_describe_and_drop(engine):
    load(engine, "t", "t.csv", "a,b\n1,x\n")
    assert catalog.run(catalog.describe("t"), engine.execute)["rows"] == 1
    catalog.run(catalog.drop("t"), engine.execute)
    with pytest.raises(errors.QueryError):
        catalog.run(catalog.describe("t"), engine.execute)
