"""Workbooks and SQLite databases as CSV text, one table per sheet or table.

Runs in the Pyodide worker (CPython 3.14) and under CPython for tests; it
needs all of CPython (``sqlite3``, ``zipfile``), so it is not part of the
MicroPython subset. DuckDB then reads each CSV with its own type detection,
so the cells are written in forms it reads back as dates, times, numbers and
booleans.

Workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) are read with python-calamine,
which is fast; openpyxl is the fallback for an .xlsx that calamine refuses.
A sheet is read as a person sees it: blank rows above the header and empty
columns on the left are skipped, empty rows are dropped (and counted), error
cells (``#DIV/0!``, ``#N/A``) are missing, hidden sheets are left out (and
named).
"""

from __future__ import annotations

import csv
import datetime
import io
import sqlite3
import zipfile
from collections.abc import Callable, Generator, Iterable
from typing import Any

from app.core.errors import TabularError

# A reading under way: it yields its progress and returns what read_file returns.
Reading = Generator[dict, None, dict]


def read_tables(fmt: str, data: bytes, name: str = "") -> list[dict[str, Any]]:
    """``[{"name", "csv", "rows", "empty_rows"}]`` for each sheet with data (workbook) or table (sqlite)."""
    return read_file(fmt, data, name)["tables"]


def read_file(fmt: str, data: bytes, name: str = "") -> dict[str, Any]:
    """``{"tables", "hidden", "note"}`` for the file ``name`` holding ``data``.

    ``hidden`` names the sheets left out; ``note`` says what was left out, in words, or is "".
    """
    reader = _READERS.get(fmt)
    if reader is None:
        raise TabularError(f"Loupe reads workbooks and SQLite files this way, not {fmt!r}.")
    return reader(data, name)


def workbook_tables(data: bytes, name: str = "") -> dict[str, Any]:
    """Every visible sheet with data, its header on the first non-empty row; hidden sheets named."""
    return finished(workbook_reading(data, name))


def reading(fmt: str, data: bytes, name: str = "") -> Reading:
    """``read_file`` as a generator: it yields progress (see ``workbook_reading``) and returns what read_file does."""
    if fmt == "xlsx":
        return workbook_reading(data, name)
    return _at_once(fmt, data, name)


def workbook_reading(data: bytes, name: str = "") -> Reading:
    """``workbook_tables`` as a generator that yields how far it has got, and returns the same.

    It yields ``{"sheet": name, "sheet_index": i, "sheets": n}`` before each sheet is parsed
    and ``{"sheet", "sheet_index", "sheets", "rows": done, "total": rows}`` as its rows are
    written, every ``PROGRESS_ROWS`` rows, so a caller can show progress and stop in between.
    """
    called = _called(name)
    if data[:4] == _OLE2 and _ENCRYPTED in data:
        raise TabularError(_password_message(called))
    try:
        read = yield from _calamine_reading(data, called)
    except _CalamineRefused as refused:
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise TabularError(_not_workbook_message(called, data, str(refused))) from None
        read = _openpyxl_tables(data, called)
    read["note"] = _left_out_note(called, read["tables"], read["hidden"])
    return read


def finished(progress: Generator[dict, None, Any]) -> Any:
    """What a reading generator returns, its progress ignored."""
    while True:
        try:
            next(progress)
        except StopIteration as stop:
            return stop.value


def _at_once(fmt: str, data: bytes, name: str) -> Reading:
    return read_file(fmt, data, name)
    yield  # a generator with no progress to tell


def sqlite_tables(data: bytes, name: str = "") -> dict[str, Any]:
    """Every table of an SQLite database (views and internal tables left out)."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(data)
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        tables = []
        for table in names:
            cursor = connection.execute('SELECT * FROM "' + table.replace('"', '""') + '"')
            header = [d[0] for d in cursor.description]
            rows = [header] + [list(row) for row in cursor]
            tables.append({"name": table, "csv": _csv(rows), "rows": len(rows) - 1, "empty_rows": 0})
        return {"tables": tables, "hidden": [], "note": ""}
    except (sqlite3.DatabaseError, MemoryError) as error:
        raise TabularError(
            f"{_called(name)} is not a readable SQLite database ({str(error) or 'damaged header'}). "
            "The file may be damaged or encrypted; check it with the sqlite3 tool."
        ) from None
    finally:
        connection.close()


_READERS: dict[str, Callable[[bytes, str], dict[str, Any]]] = {
    "xlsx": workbook_tables,
    "sqlite": sqlite_tables,
}

# Rows written between two reports of progress (a sheet of 100,000 rows reports twice).
PROGRESS_ROWS = 50_000
_OLE2 = b"\xd0\xcf\x11\xe0"
# The stream an OLE2 container of an encrypted .xlsx holds (Office's "Encrypt with Password").
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
# What openpyxl reads from an error cell; calamine gives "" already.
_ERROR_VALUES = frozenset(
    [
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    ]
)


class _CalamineRefused(Exception):
    """calamine could not read the workbook; openpyxl may."""


def _calamine_reading(data: bytes, called: str) -> Reading:
    import python_calamine  # heavy and only needed here: imported on first use

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise TabularError(_password_message(called)) from None
    except Exception as error:  # a Rust reader of untrusted bytes: any failure means "not by calamine"
        raise _CalamineRefused(str(error)) from None
    visible = python_calamine.SheetVisibleEnum.Visible
    tables: list[dict[str, Any]] = []
    try:
        shown = [s for s in book.sheets_metadata if s.visible == visible]
        hidden = [s.name for s in book.sheets_metadata if s.visible != visible]
        sheets = [s for s in shown if s.typ == python_calamine.SheetTypeEnum.WorkSheet]
        for index, sheet in enumerate(sheets):
            where = {"sheet": sheet.name, "sheet_index": index, "sheets": len(sheets)}
            yield where
            try:
                rows = book.get_sheet_by_name(sheet.name).to_python(skip_empty_area=True)
            except python_calamine.PasswordError:
                raise TabularError(_password_message(called)) from None
            except Exception as error:
                raise _CalamineRefused(str(error)) from None
            table = yield from _table_reading(sheet.name, rows, where)
            if table:
                tables.append(table)
    finally:
        book.close()
    return {"tables": tables, "hidden": hidden}


def _openpyxl_tables(data: bytes, called: str) -> dict[str, Any]:
    import openpyxl  # heavy and only needed here: imported on first use

    tables, hidden = [], []
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for sheet in book.worksheets:
                if sheet.sheet_state != "visible":
                    hidden.append(sheet.title)
                    continue
                rows = [[None if v in _ERROR_VALUES else v for v in row] for row in sheet.iter_rows(values_only=True)]
                table = _table(sheet.title, _without_left_columns(rows))
                if table:
                    tables.append(table)
        finally:
            book.close()
    except Exception:  # a reader of untrusted bytes: every failure is a damaged workbook
        raise TabularError(
            f"{called} is a ZIP archive but not a workbook Loupe can read, or it is damaged. "
            "Open it in a spreadsheet program and save it again as .xlsx."
        ) from None
    return {"tables": tables, "hidden": hidden}


def _table(name: str, rows: list[list]) -> dict[str, Any] | None:
    """The sheet ``name`` as CSV: header on its first non-empty row, empty rows dropped and counted."""
    return finished(_table_reading(name, rows, {}))


def _table_reading(name: str, rows: list[list], where: dict[str, Any]) -> Generator[dict, None, dict | None]:
    """``_table`` as a generator, yielding ``where`` with the rows written so far every ``PROGRESS_ROWS``."""
    filled = [i for i, row in enumerate(rows) if not _empty(row)]
    if not filled:
        return None
    kept = rows if len(filled) == len(rows) else [rows[i] for i in filled]
    width = max(map(_last_filled, kept))
    if any(len(row) != width for row in kept):
        kept = [row[:width] + [None] * (width - len(row)) for row in kept]
    text = yield from _csv_reading(kept, where)
    return {
        "name": name,
        "csv": text,
        "rows": len(kept) - 1,
        "empty_rows": (filled[-1] - filled[0] + 1) - len(kept),
    }


def _empty(row: list) -> bool:
    return row.count("") + row.count(None) == len(row)


def _without_left_columns(rows: list[list]) -> list[list]:
    filled = [next(i for i, v in enumerate(row) if v is not None and v != "") for row in rows if not _empty(row)]
    skip = min(filled, default=0)
    return [list(row[skip:]) for row in rows] if skip else [list(row) for row in rows]


def _last_filled(row: list) -> int:
    for i in range(len(row) - 1, -1, -1):
        if row[i] is not None and row[i] != "":
            return i + 1
    return 0


def _cell(value: Any) -> str:
    """A cell as CSV text DuckDB reads back with its type (ISO dates and times, true/false, numbers)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # Excel stores every number as a double: 3.0 is the integer 3 a person typed.
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, datetime.datetime):
        # openpyxl reads a date as a datetime at midnight.
        if value.time() == datetime.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return _duration(value)
    if isinstance(value, bytes):
        return "".join(f"\\x{b:02X}" for b in value)
    return str(value)


def _duration(value: datetime.timedelta) -> str:
    """A duration as Excel shows ``[h]:mm:ss``."""
    seconds = round(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"


def _csv(rows: list[list]) -> str:
    """The rows as CSV, the first (the header) cell by cell and the others a column at a time."""
    return finished(_csv_reading(rows, {}))


def _csv_reading(rows: list[list], where: dict[str, Any]) -> Generator[dict, None, str]:
    """``_csv`` as a generator, yielding ``where`` with the rows written so far every ``PROGRESS_ROWS``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if rows:
        writer.writerow([_cell(v) for v in rows[0]])
    for start in range(1, len(rows), PROGRESS_ROWS):
        if start > 1:
            yield dict(where, rows=start - 1, total=len(rows) - 1)
        writer.writerows(zip(*[_column(values) for values in zip(*rows[start : start + PROGRESS_ROWS])]))
    return out.getvalue()


def _column(values: tuple) -> Iterable[Any]:
    """A column's values as ``_cell`` writes them, converted a whole column at a time where its kind allows.

    The csv module writes None as an empty field and a float by its repr, so
    text and fractional numbers go as they are; a column of whole numbers is
    written as integers (so DuckDB reads BIGINT), and booleans and dates by
    one mapping each. A column of mixed kinds goes cell by cell.
    """
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if kinds <= {str}:
        return values
    if kinds == {float}:
        numbers = [v for v in values if v is not None]
        if not all(map(float.is_integer, numbers)) or max(map(abs, numbers)) >= 2**53:
            return values
        if len(numbers) == len(values):
            return map(str, map(int, values))
    elif kinds == {bool}:
        return map(_BOOLEAN_TEXT.get, values)
    elif kinds == {datetime.date}:
        return [None if v is None else v.isoformat() for v in values]
    return [_cell(v) for v in values]


_BOOLEAN_TEXT = {True: "true", False: "false", None: None}


def _called(name: str) -> str:
    return f"'{name}'" if name else "This file"


def _left_out_note(called: str, tables: list[dict[str, Any]], hidden: list[str]) -> str:
    parts = []
    empty = [(t["empty_rows"], t["name"]) for t in tables if t["empty_rows"]]
    if empty:
        count = sum(n for n, _ in empty)
        where = f" (in {', '.join(name for _, name in empty)})" if len(tables) > 1 else ""
        parts.append(f"{count} empty row{'s were' if count > 1 else ' was'} left out{where}")
    if hidden:
        parts.append(
            f"hidden sheet{'s' if len(hidden) > 1 else ''} {', '.join(repr(h) for h in hidden)} "
            f"{'were' if len(hidden) > 1 else 'was'} not opened"
        )
    return f"{called}: {'; '.join(parts)}." if parts else ""


def _password_message(called: str) -> str:
    return (
        f"{called} is protected with a password. Remove the password in Excel "
        "(File › Info › Protect Workbook), save it, then open it again."
    )


def _not_workbook_message(called: str, data: bytes, detail: str) -> str:
    if data[:4] == b"PK\x03\x04" or data[:4] == _OLE2:
        return (
            f"{called} is damaged or only partly downloaded: it starts like a workbook but cannot be read "
            f"({detail}). Download it again, or open it in a spreadsheet program and save it again."
        )
    return (
        f"{called} is not a workbook Loupe can read (.xlsx, .xlsm, .xlsb, .xls or .ods). "
        "Check that you chose the right file, or save it from your spreadsheet program as .xlsx or CSV."
    )
