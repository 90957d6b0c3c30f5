"""Excel workbooks and SQLite databases as CSV text, one table per sheet or table.

Runs in the Pyodide worker (CPython 3.14) and under CPython for tests; it
needs all of CPython (``sqlite3``, ``zipfile``) and ``openpyxl``, so it is
not part of the MicroPython subset. DuckDB then reads each CSV with its own
type detection, so dates and numbers get proper types.
"""

from __future__ import annotations

import csv
import datetime
import io
import sqlite3
import zipfile
from collections.abc import Callable, Iterable
from typing import Any

from app.core.errors import OpenError


class TabularError(OpenError):
    """A workbook or database that cannot be read; the message says why and what to do."""


def read_tables(fmt: str, data: bytes) -> list[dict[str, Any]]:
    """``[{"name", "csv", "rows"}]`` for each non-empty sheet (xlsx) or table (sqlite)."""
    reader = _READERS.get(fmt)
    if reader is None:
        raise TabularError(f"Loupe reads Excel (.xlsx) and SQLite files this way, not {fmt!r}.")
    return reader(data)


def xlsx_tables(data: bytes) -> list[dict[str, Any]]:
    """Every sheet with data, its header on the first non-empty row."""
    import openpyxl  # heavy and only needed here: imported on first use

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except zipfile.BadZipFile:
        raise TabularError("this is not a valid Excel .xlsx file (it is not a ZIP archive). "
                           "If it is an old .xls file, save it as .xlsx or CSV.") from None
    except (KeyError, ValueError, OSError) as error:
        raise TabularError(f"the workbook is damaged or not an Excel workbook ({error}). "
                           "Open it in a spreadsheet program and save it again as .xlsx.") from None
    tables = []
    try:
        for sheet in book.worksheets:
            rows = _trimmed(sheet.iter_rows(values_only=True))
            if rows:
                tables.append({"name": sheet.title, "csv": _csv(rows), "rows": len(rows) - 1})
    finally:
        book.close()
    return tables


def sqlite_tables(data: bytes) -> list[dict[str, Any]]:
    """Every table of an SQLite database (views and internal tables left out)."""
    connection = sqlite3.connect(":memory:")
    try:
        connection.deserialize(data)
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        tables = []
        for name in names:
            cursor = connection.execute('SELECT * FROM "' + name.replace('"', '""') + '"')
            header = [d[0] for d in cursor.description]
            rows = [header] + [list(row) for row in cursor]
            tables.append({"name": name, "csv": _csv(rows), "rows": len(rows) - 1})
        return tables
    except (sqlite3.DatabaseError, MemoryError) as error:
        raise TabularError(f"this is not a readable SQLite database ({str(error) or 'damaged header'}). "
                           "The file may be damaged or encrypted; check it with the sqlite3 tool.") from None
    finally:
        connection.close()


_READERS: dict[str, Callable[[bytes], list[dict[str, Any]]]] = {
    "xlsx": xlsx_tables,
    "sqlite": sqlite_tables,
}


def _trimmed(rows: Iterable[tuple]) -> list[list]:
    """Rows without empty rows at the edges and without empty columns on the right."""
    kept = [list(row) for row in rows]
    while kept and all(v is None for v in kept[-1]):
        kept.pop()
    while kept and all(v is None for v in kept[0]):
        kept.pop(0)
    width = max((_last_filled(row) for row in kept), default=0)
    return [(row + [None] * width)[:width] for row in kept] if width else []


def _last_filled(row: list) -> int:
    for i in range(len(row) - 1, -1, -1):
        if row[i] is not None:
            return i + 1
    return 0


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        # Excel has no date type: a date is a datetime at midnight.
        if value.time() == datetime.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return "".join(f"\\x{b:02X}" for b in value)
    return str(value)


def _csv(rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()
