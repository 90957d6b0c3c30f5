"""Loupe's Pyodide worker: CPython 3.14 for the work that needs all of Python.

It starts in the background after the first table is on screen and exposes
functions to the main thread (calls are async; no SharedArrayBuffer needed).
Nothing a first look needs waits for it. Each exported function is parse ->
call core -> serialise, in a few lines.
"""

import json
import sys

import pyodide_js

from app.core import export, tabular

_xlsx = {"book": None}  # the Excel workbook being exported (one export at a time)


def python_version() -> str:
    """CPython's version, e.g. '3.14.2 (main, ...)'."""
    return sys.version


async def load_packages(names) -> list:
    """Install shipped wheels (see wheels.lock) by name; return their versions."""
    from importlib.metadata import version
    names = [str(n) for n in names]
    await pyodide_js.loadPackage(names)
    return [version(name) for name in names]


async def read_tables(fmt, buffer) -> str:
    """JSON ``{"tables": [{"name", "csv", "rows"}]}`` or ``{"error"}`` for an xlsx or SQLite file."""
    fmt = str(fmt)
    if fmt == "xlsx":
        await load_packages(["openpyxl"])
    data = buffer.to_bytes() if hasattr(buffer, "to_bytes") else bytes(buffer)
    try:
        tables = tabular.read_tables(fmt, data)
    except tabular.TabularError as error:
        return json.dumps({"error": str(error)})
    return json.dumps({"tables": tables})


async def xlsx_start(columns_json, title, neutralise) -> str:
    """Begin an Excel export of columns ``[{name, type, kind}]``; rows follow with xlsx_add."""
    await load_packages(["openpyxl"])
    _xlsx["book"] = export.XlsxBook(json.loads(str(columns_json)), str(title), bool(neutralise))
    return ""


def xlsx_add(rows_json) -> int:
    """Append a JSON array of rows to the Excel export; return the rows written so far."""
    return _xlsx["book"].add(json.loads(str(rows_json)))


def xlsx_finish():
    """The Excel file (bytes, as a Uint8Array) and the notes on what changed, as JSON, in a list."""
    from pyodide.ffi import to_js
    book = _xlsx["book"]
    _xlsx["book"] = None
    return to_js([book.finish(), json.dumps(book.notes())])


def xlsx_abort() -> None:
    """Drop an Excel export that was cancelled or failed."""
    book = _xlsx["book"]
    _xlsx["book"] = None
    if book is not None:
        book.discard()


__export__ = ["python_version", "load_packages", "read_tables", "xlsx_start", "xlsx_add", "xlsx_finish",
              "xlsx_abort"]
