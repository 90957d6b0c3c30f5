"""Loupe's Pyodide worker: CPython 3.14 for the work that needs all of Python.

It starts in the background after the first table is on screen and exposes
functions to the main thread (calls are async; no SharedArrayBuffer needed).
Nothing a first look needs waits for it. Each exported function is parse ->
call core -> serialise, in a few lines.
"""

import json
import sys

import pyodide_js

from app.core import errors, export, workbooks

_xlsx = {"book": None}  # the Excel workbook being exported (one export at a time)
# The reading under way (a generator, see workbooks.reading) and the CSV text (bytes) of the tables read last,
# handed over by next_table_csv.
_read = {"csv": [], "reading": None, "fmt": "", "data": b"", "name": "", "options": {}}


def python_version() -> str:
    """CPython's version, e.g. '3.14.2 (main, ...)'."""
    return sys.version


async def load_packages(names) -> list:
    """Install shipped wheels (see wheels.lock) by name; return their versions."""
    from importlib.metadata import version

    names = [str(n) for n in names]
    await pyodide_js.loadPackage(names)
    return [version(name) for name in names]


async def read_tables(fmt, buffer, name="", options_json="{}") -> str:
    """Begin reading a workbook or SQLite file; JSON as ``read_more`` answers.

    ``options_json``: the workbook options (sheets, header_row, range: see app/core/workbooks.py).
    The CSV text of each table follows, in order, from next_table_csv: as bytes
    it goes straight to DuckDB, never through the main thread's MicroPython.
    """
    fmt, name = str(fmt), str(name or "")
    options = json.loads(str(options_json or "{}"))
    data = buffer.to_bytes() if hasattr(buffer, "to_bytes") else bytes(buffer)
    read_abort()
    _read.update(fmt=fmt, data=data, name=name, options=options, reading=workbooks.reading(fmt, data, name, options))
    try:
        if fmt == "xlsx":
            await load_packages(["python-calamine"])
    except Exception as error:
        read_abort()
        return _failed(error)
    return await read_more()


async def read_more() -> str:
    """JSON: ``{"progress": {sheet, sheet_index, sheets[, rows, total]}}`` while reading (call again),
    then ``{"tables": [{"name", "rows", "empty_rows", "merged"}], "hidden", "sheets", "chosen", "note"}``,
    or ``{"error"}``."""
    try:
        try:
            return json.dumps({"progress": next(_read["reading"])})
        except ModuleNotFoundError as missing:  # the openpyxl fallback, loaded only when calamine refuses
            if missing.name != "openpyxl":
                raise
            await load_packages(["openpyxl"])
            read = workbooks.read_file(_read["fmt"], _read["data"], _read["name"], _read["options"])
    except StopIteration as stop:
        read = stop.value
    except errors.TabularError as error:
        read_abort()
        return json.dumps({"error": str(error)})
    except Exception as error:
        read_abort()
        return _failed(error)
    _read.update(reading=None, data=b"")
    _read["csv"] = [table.pop("csv").encode() for table in read["tables"]]
    return json.dumps(read)


def read_abort() -> None:
    """Stop the reading under way (Cancel) and let go of its bytes."""
    reading = _read.get("reading")
    if reading is not None:
        reading.close()
    _read.update(reading=None, data=b"", csv=[])


def _failed(error: Exception) -> str:
    """Never a traceback for a person: the error's own words and what to do."""
    lines = str(error).strip().splitlines() or [""]
    name = _read.get("name") or "the file"
    return json.dumps(
        {
            "error": f"Python could not read '{name}' ({type(error).__name__}: "
            f"{lines[-1][:200]}). Reload the page and try again, or save the file "
            "as .xlsx or CSV."
        }
    )


def next_table_csv():
    """The CSV of the next table read_tables read (bytes, as a Uint8Array) and "", in a list."""
    from pyodide.ffi import to_js

    return to_js([_read["csv"].pop(0), ""])


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


async def export_code(plan_json, target) -> str:
    """The code of Export as code for a plan (app/core/code_plan.py): JSON ``{target, code, file_name, language}``
    or ``{"error"}``."""
    target = str(target)
    try:
        from app.core import code_targets

        if code_targets.needs_sqlglot(target):
            await load_packages(["sqlglot"])
        return json.dumps(code_targets.render(json.loads(str(plan_json)), target))
    except errors.LoupeError as error:
        return json.dumps({"error": str(error)})


def xlsx_abort() -> None:
    """Drop an Excel export that was cancelled or failed."""
    book = _xlsx["book"]
    _xlsx["book"] = None
    if book is not None:
        book.discard()


__export__ = [
    "python_version",
    "load_packages",
    "read_tables",
    "read_more",
    "read_abort",
    "next_table_csv",
    "xlsx_start",
    "xlsx_add",
    "xlsx_finish",
    "xlsx_abort",
    "export_code",
]
