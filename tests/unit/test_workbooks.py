"""Workbooks and SQLite databases to CSV, with real python-calamine, openpyxl and sqlite3."""

import datetime
import io
import sqlite3
import zipfile

import openpyxl
import pytest

from app.core import errors, workbook_csv, workbooks
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
        sales.append(['sou"th', None, datetime.datetime(2024, 2, 1), datetime.datetime(2024, 2, 1, 6, 7), False])
        book.create_sheet("Empty")
        costs = book.create_sheet("Costs")
        costs.append(["k", "v"])
        costs.append(["a", 1])

    tables = workbooks.read_tables("xlsx", workbook_bytes(build))
    assert [(t["name"], t["rows"]) for t in tables] == [("Sales", 2), ("Costs", 1)]
    engine = NativeEngine()
    path = engine.register_text("s.csv", tables[0]["csv"])
    engine.execute("CREATE TABLE s AS SELECT * FROM read_csv(?)", [path])
    described = engine.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 's'")
    assert described["rows"] == [
        ["region", "VARCHAR"],
        ["amount", "DOUBLE"],
        ["when", "DATE"],
        ["at", "TIMESTAMP"],
        ["ok", "BOOLEAN"],
    ]
    assert engine.execute("SELECT region, amount FROM s")["rows"] == [["north, east", 10.5], ['sou"th', None]]


def test_sqlite_tables_with_types():
    data = sqlite_bytes(
        [
            "CREATE TABLE items (id INTEGER, name TEXT, price REAL, raw BLOB)",
            "INSERT INTO items VALUES (1, 'pen', 1.5, x'00ff'), (2, 'ink, blue', 3.25, NULL)",
            "CREATE TABLE empty_t (x)",
            "CREATE VIEW v AS SELECT 1",
        ]
    )
    tables = workbooks.read_tables("sqlite", data)
    assert [(t["name"], t["rows"]) for t in tables] == [("empty_t", 0), ("items", 2)]
    assert tables[1]["csv"].splitlines() == ["id,name,price,raw", "1,pen,1.5,\\x00\\xFF", '2,"ink, blue",3.25,']


@pytest.mark.parametrize(
    "fmt, data, phrase",
    [
        ("xlsx", b"hello, this is not a zip", "not a workbook Loupe can read"),
        ("xlsx", b"PK\x03\x04" + bytes(100), "damaged or only partly downloaded"),
        ("sqlite", b"SQLite format 3\x00" + bytes(range(256)) * 8, "not a readable SQLite database"),
        ("sqlite", b"", "damaged header"),
        ("parquet", b"PAR1", "not 'parquet'"),
    ],
)
def test_damaged_files_are_explained(fmt, data, phrase):
    with pytest.raises(errors.TabularError, match=phrase):
        workbooks.read_tables(fmt, data)


def test_zip_that_is_not_a_workbook():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(errors.TabularError, match="a ZIP archive but not a workbook"):
        workbooks.read_tables("xlsx", out.getvalue())


# --- workbooks read as a person sees them, checked against openpyxl's own reading -----------------


def loaded(csv_text: str) -> tuple:
    """(column types, rows) of the CSV text as DuckDB reads it, as the browser loads it."""
    engine = NativeEngine()
    path = engine.register_text("s.csv", csv_text)
    engine.execute("CREATE TABLE s AS SELECT * FROM read_csv(?, header = true)", [path])
    types = engine.execute("SELECT data_type FROM information_schema.columns WHERE table_name = 's'")["rows"]
    return [t[0] for t in types], engine.execute("SELECT * FROM s")["rows"]


def openpyxl_rows(data: bytes, sheet: str) -> list:
    """The non-empty rows openpyxl itself finds, error strings as None: the independent reading."""
    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    rows = [list(r) for r in book[sheet].iter_rows(values_only=True)]
    return [
        [None if isinstance(v, str) and v.startswith("#") else v for v in r]
        for r in rows
        if any(v is not None for v in r)
    ]


def plain(value):
    if isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        return value.date()
    return value


def as_duckdb(value):
    """``value`` as native DuckDB returns it from the CSV, for comparison."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def test_blank_rows_above_the_header_and_empty_rows_between_are_left_out():
    def build(book):
        sheet = book.active
        sheet.title = "Data"
        sheet["C4"] = "id"
        sheet["D4"] = "name"
        sheet.append([None, None, 1, "a"])
        sheet.append([])
        sheet.append([None, None, None, None])
        sheet["C7"].number_format = "0.00"  # formatting only: still empty
        sheet["C7"].value = None
        sheet.append([None, None, 2, "b"])
        sheet.append([None, None, 3, None])

    data = workbook_bytes(build)
    [table] = workbooks.read_tables("xlsx", data)
    assert (table["name"], table["rows"], table["empty_rows"]) == ("Data", 3, 2)
    types, rows = loaded(table["csv"])
    assert types == ["BIGINT", "VARCHAR"]
    assert (
        rows
        == [[as_duckdb(v) for v in r[2:]] for r in openpyxl_rows(data, "Data")[1:]]
        == [[1, "a"], [2, "b"], [3, None]]
    )


def test_dates_times_booleans_and_numbers_come_back_typed():
    def build(book):
        sheet = book.active
        sheet.append(["day", "at", "clock", "ok", "amount", "share", "count"])
        sheet.append(
            [
                datetime.date(2024, 2, 29),
                datetime.datetime(2024, 1, 3, 4, 5, 6),
                datetime.time(13, 30),
                True,
                10.5,
                0.25,
                7,
            ]
        )
        sheet.append(
            [
                datetime.date(1900, 3, 1),
                datetime.datetime(1999, 12, 31, 23, 59),
                datetime.time(0, 0, 1),
                False,
                -3.0,
                1,
                8,
            ]
        )
        sheet["F2"].number_format = sheet["F3"].number_format = "0%"

    data = workbook_bytes(build)
    [table] = workbooks.read_tables("xlsx", data)
    types, rows = loaded(table["csv"])
    assert types == ["DATE", "TIMESTAMP", "TIME", "BOOLEAN", "DOUBLE", "DOUBLE", "BIGINT"]
    expected = [[plain(v) for v in r] for r in openpyxl_rows(data, "Sheet")[1:]]
    assert rows == [[as_duckdb(v) if i >= 4 else v for i, v in enumerate(r)] for r in expected]


def test_columns_with_gaps_and_mixed_kinds_keep_their_types_and_values():
    """Each column is written a column at a time where it can be: gaps, whole numbers, mixed kinds."""
    header = ["whole", "gappy whole", "fraction", "gappy day", "gappy ok", "mixed", "huge"]
    body = [
        [1, 10, 0.5, datetime.date(2024, 1, 2), True, "n/a", 2.0**60],
        [2, None, 3, None, None, 4, 1],
        [3, 30, -2.25, datetime.date(1999, 12, 31), False, datetime.date(2020, 5, 6), 2],
    ]

    def build(book):
        sheet = book.active
        for row in [header] + body:
            sheet.append(row)

    data = workbook_bytes(build)
    [table] = workbooks.read_tables("xlsx", data)
    types, rows = loaded(table["csv"])
    assert types == ["BIGINT", "BIGINT", "DOUBLE", "DATE", "BOOLEAN", "VARCHAR", "DOUBLE"]
    expected = [[plain(v) for v in r] for r in openpyxl_rows(data, "Sheet")[1:]]
    assert [r[:5] for r in rows] == [[as_duckdb(v) if i < 2 else v for i, v in enumerate(r[:5])] for r in expected]
    assert [r[5] for r in rows] == ["n/a", "4", "2020-05-06"]
    assert [r[6] for r in rows] == [2.0**60, 1.0, 2.0]


@pytest.mark.parametrize(
    "epoch", [openpyxl.utils.datetime.CALENDAR_WINDOWS_1900, openpyxl.utils.datetime.CALENDAR_MAC_1904]
)
def test_dates_in_the_1900_and_1904_systems(epoch):
    def build(book):
        book.epoch = epoch
        book.active.append(["day", "at"])
        book.active.append([datetime.date(2024, 7, 1), datetime.datetime(2010, 5, 6, 7, 8, 9)])

    data = workbook_bytes(build)
    [table] = workbooks.read_tables("xlsx", data)
    assert loaded(table["csv"])[1] == [[plain(v) for v in r] for r in openpyxl_rows(data, "Sheet")[1:]]
    assert loaded(table["csv"])[1] == [[datetime.date(2024, 7, 1), datetime.datetime(2010, 5, 6, 7, 8, 9)]]


def test_error_cells_are_missing():
    def build(book):
        sheet = book.active
        sheet.append(["k", "ratio", "look"])
        sheet.append(["a", 0.5, "x"])
        sheet.append(["b", "#DIV/0!", "#N/A"])
        sheet["B3"].data_type = sheet["C3"].data_type = "e"

    data = workbook_bytes(build)
    [table] = workbooks.read_tables("xlsx", data)
    types, rows = loaded(table["csv"])
    assert types == ["VARCHAR", "DOUBLE", "VARCHAR"]
    assert rows == openpyxl_rows(data, "Sheet")[1:] == [["a", 0.5, "x"], ["b", None, None]]


def test_merged_cells_keep_their_value_in_the_first_cell():
    def build(book):
        sheet = book.active
        sheet.append(["group", "item"])
        sheet.append(["fruit", "apple"])
        sheet.append([None, "pear"])
        sheet.merge_cells("A2:A3")

    data = workbook_bytes(build)
    [table] = workbooks.read_tables("xlsx", data)
    assert loaded(table["csv"])[1] == openpyxl_rows(data, "Sheet")[1:] == [["fruit", "apple"], [None, "pear"]]


def test_hidden_sheets_are_named_not_read():
    def build(book):
        book.active.title = "Shown"
        book.active.append(["a"])
        book.active.append([1])
        for title, state in (("Secret", "hidden"), ("Deep", "veryHidden")):
            sheet = book.create_sheet(title)
            sheet.append(["b"])
            sheet.sheet_state = state

    read = workbooks.read_file("xlsx", workbook_bytes(build), "book.xlsx")
    assert [t["name"] for t in read["tables"]] == ["Shown"]
    assert read["hidden"] == ["Secret", "Deep"]


def test_openpyxl_reads_what_calamine_refuses(monkeypatch):
    def refuse(data, called, wanted):
        raise workbooks._CalamineRefused("no")
        yield  # a reading, as the one it stands in for

    monkeypatch.setattr(workbooks, "_calamine_reading", refuse)
    test_blank_rows_above_the_header_and_empty_rows_between_are_left_out()
    test_error_cells_are_missing()
    test_hidden_sheets_are_named_not_read()


def test_a_broken_package_part_calamine_refuses_is_read_by_openpyxl():
    """Not a monkeypatch: a real file calamine refuses (its _rels/.rels is cut short) and openpyxl reads."""

    def build(book):
        for row in (["city", "people"], ["Lyon", 522_250]):
            book.active.append(row)

    whole = workbook_bytes(build)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(whole)) as source, zipfile.ZipFile(out, "w") as cut:
        for name in source.namelist():
            cut.writestr(name, b"<Relationships" if name == "_rels/.rels" else source.read(name))
    with pytest.raises(workbooks._CalamineRefused):
        workbooks.finished(workbooks._calamine_reading(out.getvalue(), "x", {}))
    [table] = workbooks.read_tables("xlsx", out.getvalue())
    assert loaded(table["csv"]) == (["VARCHAR", "BIGINT"], [["Lyon", 522250]])


def test_a_large_sheet_keeps_every_row():
    def build(book):
        book.active.append(["id", "name", "amount", "day", "ok"])
        for i in range(5000):
            book.active.append([i, f"n{i}", i / 4, datetime.date(2020, 1, 1) + datetime.timedelta(days=i), i % 2 == 0])

    [table] = workbooks.read_tables("xlsx", workbook_bytes(build))
    types, rows = loaded(table["csv"])
    assert table["rows"] == len(rows) == 5000 and types == ["BIGINT", "VARCHAR", "DOUBLE", "DATE", "BOOLEAN"]
    assert rows[4999] == [4999, "n4999", 1249.75, datetime.date(2020, 1, 1) + datetime.timedelta(days=4999), False]


# --- files that are not readable workbooks -------------------------------------------------------


def fake_encrypted_xlsx() -> bytes:
    """The start of an OLE2 container with the EncryptedPackage stream Office writes for a password."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    entry = "EncryptedPackage".encode("utf-16-le").ljust(64, b"\x00") + bytes(64)
    return header + entry + bytes(512 - len(entry))


def truncated_xlsx() -> bytes:
    data = workbook_bytes(lambda book: book.active.append(["a", 1]))
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    "data, phrase",
    [
        (
            fake_encrypted_xlsx(),
            "'x.xlsx' is protected with a password. Remove the password in Excel "
            "(File › Info › Protect Workbook), save it, then open it again.",
        ),
        (truncated_xlsx(), "'x.xlsx' is damaged or only partly downloaded"),
        (bytes(range(256)) * 16, "'x.xlsx' is not a workbook Loupe can read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000), "'x.xlsx' is damaged or only partly downloaded"),
    ],
)
def test_unreadable_workbooks_are_explained_in_words(data, phrase):
    with pytest.raises(errors.TabularError) as raised:
        workbooks.read_tables("xlsx", data, "x.xlsx")
    assert str(raised.value).startswith(phrase)
    assert "Traceback" not in str(raised.value) and "JsProxy" not in str(raised.value)


def ods_bytes(rows: list) -> bytes:
    """A minimal LibreOffice .ods: the mimetype first and stored, one sheet of string, float and date cells."""

    def cell(value):
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, datetime.date):
            return (
                f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                f"<text:p>{value.isoformat()}</text:p></table:table-cell>"
            )
        if isinstance(value, float):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'

    body = "".join("<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="Calc">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def test_a_libreoffice_sheet_is_read_like_a_workbook():
    data = ods_bytes(
        [
            [None],
            ["city", "visits", "since"],
            ["Oslo", 3.0, datetime.date(2024, 5, 1)],
            [None, None, None],
            ["Lima", 5.5, datetime.date(2023, 1, 2)],
        ]
    )
    [table] = workbooks.read_tables("xlsx", data, "calc.ods")
    assert (table["name"], table["rows"], table["empty_rows"]) == ("Calc", 2, 1)
    types, rows = loaded(table["csv"])
    assert types == ["VARCHAR", "DOUBLE", "DATE"]
    assert rows == [["Oslo", 3.0, datetime.date(2024, 5, 1)], ["Lima", 5.5, datetime.date(2023, 1, 2)]]


def test_the_note_says_what_was_left_out():
    def build(book):
        book.active.append(["a"])
        book.active.append([1])
        book.active.append([None])
        book.active.append([2])
        book.create_sheet("Old").sheet_state = "hidden"

    read = workbooks.read_file("xlsx", workbook_bytes(build), "b.xlsx")
    assert read["note"] == "'b.xlsx': 1 empty row was left out; hidden sheet 'Old' was not opened."


def two_sheets(book):
    book.active.title = "First"
    book.active.append(["n", "word"])
    for i in range(5):
        book.active.append([i, "w" + str(i)])
    second = book.create_sheet("Second")
    second.append(["only"])
    second.append([1])
    hidden = book.create_sheet("Kept back")
    hidden.append(["x"])
    hidden.sheet_state = "hidden"


def test_reading_says_how_far_it_has_got_and_returns_the_same_tables(monkeypatch):
    monkeypatch.setattr(workbook_csv, "PROGRESS_ROWS", 2)
    data = workbook_bytes(two_sheets)
    reading = workbooks.reading("xlsx", data, "two.xlsx")
    seen = []
    while True:
        try:
            seen.append(next(reading))
        except StopIteration as stop:
            read = stop.value
            break
    first = {"sheet": "First", "sheet_index": 0, "sheets": 2}
    assert seen == [
        first,
        dict(first, rows=2, total=5),
        dict(first, rows=4, total=5),
        {"sheet": "Second", "sheet_index": 1, "sheets": 2},
    ]
    assert read == workbooks.read_file("xlsx", data, "two.xlsx")
    assert [(t["name"], t["rows"]) for t in read["tables"]] == [("First", 5), ("Second", 1)]
    assert read["hidden"] == ["Kept back"]
    assert loaded(read["tables"][0]["csv"])[1] == [[i, "w" + str(i)] for i in range(5)]


def test_a_reading_stopped_half_way_ends_cleanly(monkeypatch):
    """Cancel closes the generator between parts: the workbook is let go and nothing is returned."""
    monkeypatch.setattr(workbook_csv, "PROGRESS_ROWS", 2)
    reading = workbooks.reading("xlsx", workbook_bytes(two_sheets))
    next(reading)
    next(reading)
    reading.close()
    with pytest.raises(StopIteration):
        next(reading)


def test_an_sqlite_file_is_read_at_once_through_the_same_reading():
    data = sqlite_bytes(["CREATE TABLE t (a INTEGER)", "INSERT INTO t VALUES (1), (2)"])
    reading = workbooks.reading("sqlite", data, "db.sqlite")
    with pytest.raises(StopIteration) as stop:
        next(reading)
    assert [(t["name"], t["rows"]) for t in stop.value.value["tables"]] == [("t", 2)]


def test_an_unreadable_workbook_fails_on_the_first_step_of_its_reading():
    reading = workbooks.reading("xlsx", b"PK\x03\x04 not really", "bad.xlsx")
    with pytest.raises(errors.TabularError, match="damaged or only partly downloaded"):
        next(reading)
