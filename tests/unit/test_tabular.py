"""Excel workbooks and SQLite databases to CSV, with real openpyxl and sqlite3."""

import datetime
import io
import sqlite3

import openpyxl
import pytest

from app.core import tabular
from app.engine.native import NativeEngine


def workbook_bytes(build) -> bytes:
    book = openpyxl.Workbook()
    build(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sqlite_bytes(statements) -> bytes:
    connection = sqlite3.connect(":memory:")
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    data = connection.serialize()
    connection.close()
    return data


def test_every_sheet_with_data_and_cell_types():
    def build(book):
        sales = book.active
        sales.title = "Sales"
        sales.append([None])  # an empty first row is skipped
        sales.append(["region", "amount", "when", "at", "ok", None])
        sales.append(["north, east", 10.5, datetime.datetime(2024, 1, 3), datetime.datetime(2024, 1, 3, 4, 5), True])
        sales.append(["sou\"th", None, datetime.datetime(2024, 2, 1), datetime.datetime(2024, 2, 1, 6, 7), False])
        book.create_sheet("Empty")
        costs = book.create_sheet("Costs")
        costs.append(["k", "v"])
        costs.append(["a", 1])
    tables = tabular.read_tables("xlsx", workbook_bytes(build))
    assert [(t["name"], t["rows"]) for t in tables] == [("Sales", 2), ("Costs", 1)]
    engine = NativeEngine()
    path = engine.register_text("s.csv", tables[0]["csv"])
    engine.execute("CREATE TABLE s AS SELECT * FROM read_csv(?)", [path])
    described = engine.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 's'")
    assert described["rows"] == [["region", "VARCHAR"], ["amount", "DOUBLE"], ["when", "DATE"],
                                 ["at", "TIMESTAMP"], ["ok", "BOOLEAN"]]
    assert engine.execute("SELECT region, amount FROM s")["rows"] == [["north, east", 10.5], ['sou"th', None]]


def test_sqlite_tables_with_types():
    data = sqlite_bytes(["CREATE TABLE items (id INTEGER, name TEXT, price REAL, raw BLOB)",
                         "INSERT INTO items VALUES (1, 'pen', 1.5, x'00ff'), (2, 'ink, blue', 3.25, NULL)",
                         "CREATE TABLE empty_t (x)", "CREATE VIEW v AS SELECT 1"])
    tables = tabular.read_tables("sqlite", data)
    assert [(t["name"], t["rows"]) for t in tables] == [("empty_t", 0), ("items", 2)]
    assert tables[1]["csv"].splitlines() == ["id,name,price,raw", "1,pen,1.5,\\x00\\xFF", '2,"ink, blue",3.25,']


@pytest.mark.parametrize("fmt, data, phrase", [
    ("xlsx", b"hello, this is not a zip", "not a valid Excel .xlsx file"),
    ("xlsx", b"PK\x03\x04" + bytes(100), "not a valid Excel .xlsx file"),
    ("sqlite", b"SQLite format 3\x00" + bytes(range(256)) * 8, "not a readable SQLite database"),
    ("sqlite", b"", "damaged header"),
    ("parquet", b"PAR1", "not 'parquet'"),
])
def test_damaged_files_are_explained(fmt, data, phrase):
    with pytest.raises(tabular.TabularError, match=phrase):
        tabular.read_tables(fmt, data)


def test_zip_that_is_not_a_workbook():
    out = io.BytesIO()
    import zipfile
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(tabular.TabularError, match="damaged or not an Excel workbook"):
        tabular.read_tables("xlsx", out.getvalue())
