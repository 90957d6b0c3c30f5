"""Workbooks and SQLite databases as CSV text, one table per sheet or table.

Runs in the Pyodide worker (CPython 3.14) and under CPython for tests; it
needs all of CPython (``sqlite3``, ``zipfile``), so it is not part of the
MicroPython subset. DuckDB then reads each CSV with its own type detection,
so the cells are written in forms it reads back as dates, times, numbers and
booleans (``app.core.workbook_csv``).

Workbooks (.xlsx, .xlsm, .xlsb, .xls, .ods) are read with python-calamine,
which is fast; what it refuses goes to a reader for its kind: openpyxl for
an .xlsx, ``ods_xml`` for an .ods (KSpread's indented XML), ``biff_old`` for
an Excel 2-4 worksheet (the standard library only, both).
A sheet is read as a person sees it (``app.core.workbook_sheet``): blank rows above the header and empty columns on the
left are skipped, empty rows are dropped (and counted), error cells
(``#DIV/0!``, ``#N/A``) are missing, hidden sheets are left out (and named).
A workbook of more than ``MANY_SHEETS`` sheets opens its first sheet only;
the others are listed (``sheets``) to be chosen.

Options (``read_file``'s ``options``, checked by ``checked_options``):
``sheets`` (names to read, hidden ones too), ``header_row`` (the header's
row number in the sheet, 0 for none) and ``range`` (as Excel writes it).
"""

from __future__ import annotations

import io
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Generator
from typing import Any

from app.core import biff_old, ods_xml, sheet_range, workbook_csv, workbook_sheet
from app.core.errors import LoupeError, TabularError

# A reading under way: it yields its progress and returns what read_file returns.
Reading = Generator[dict, None, dict]
# More visible sheets than this: the first is opened, the others are listed to choose from.
MANY_SHEETS = 8
PROGRESS_ROWS = workbook_csv.PROGRESS_ROWS


def read_tables(fmt: str, data: bytes, name: str = "", options: dict | None = None) -> list[dict[str, Any]]:
    """``[{"name", "csv", "text_columns", "rows", "empty_rows", "merged", "header_hint"}]`` for each sheet with
    data (workbook) or table (sqlite); ``text_columns``: the columns whose cells are all text (to stay text)."""
    return read_file(fmt, data, name, options)["tables"]


def read_file(fmt: str, data: bytes, name: str = "", options: dict | None = None) -> dict[str, Any]:
    """``{"tables", "hidden", "sheets", "chosen", "note"}`` for the file ``name`` holding ``data``.

    ``hidden`` names the sheets left out; ``sheets`` lists every worksheet
    ``{"name", "hidden"}`` in the workbook's order; ``chosen`` is True when only
    some were read (asked for, or too many); ``note`` says what was left out, in words, or is "".
    """
    return finished(reading(fmt, data, name, options))


def reading(fmt: str, data: bytes, name: str = "", options: dict | None = None) -> Reading:
    """``read_file`` as a generator: it yields progress (see ``workbook_reading``) and returns what read_file does."""
    if fmt == "xlsx":
        return workbook_reading(data, name, options)
    if fmt == "sqlite":
        return _at_once(sqlite_tables, data, name)
    raise TabularError(f"Loupe reads workbooks and SQLite files this way, not {fmt!r}.")


def checked_options(options: dict | None) -> dict[str, Any]:
    """The workbook options that apply, checked: ``{sheets?, header_row?, bounds?}``; OpenError if not readable."""
    out = sheet_range.checked_options(options or {})
    if "range" in out:
        out["bounds"] = sheet_range.parse(out.pop("range"))
    return out


def workbook_tables(data: bytes, name: str = "", options: dict | None = None) -> dict[str, Any]:
    """Every visible sheet with data (or those asked for), its header on the first non-empty row."""
    return finished(workbook_reading(data, name, options))


def workbook_reading(data: bytes, name: str = "", options: dict | None = None) -> Reading:
    """``workbook_tables`` as a generator that yields how far it has got, and returns the same.

    It yields ``{"sheet": name, "sheet_index": i, "sheets": n}`` before each sheet is parsed
    and ``{"sheet", "sheet_index", "sheets", "rows": done, "total": rows}`` as its rows are
    written, every ``PROGRESS_ROWS`` rows, so a caller can show progress and stop in between.
    """
    called = _called(name)
    try:
        wanted = checked_options(options)
    except LoupeError as error:
        raise TabularError(str(error)) from None
    if data[:4] == _OLE2 and _ENCRYPTED in data or _encrypted_ods(data):
        raise TabularError(_password_message(called))
    try:
        read = yield from _calamine_reading(data, called, wanted)
    except _CalamineRefused as refused:
        read = _fallback_reading(data, called, wanted, str(refused))
    read["note"] = _left_out_note(called, read)
    return read


def finished(progress: Generator[dict, None, Any]) -> Any:
    """What a reading generator returns, its progress ignored."""
    while True:
        try:
            next(progress)
        except StopIteration as stop:
            return stop.value


def _at_once(read: Any, data: bytes, name: str) -> Reading:
    return read(data, name)
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
            text, _ = workbook_csv.rows_csv(rows)
            tables.append(
                {
                    "name": table,
                    "csv": text,
                    # SQLite has no date type: dates are stored as text, and DuckDB types them as it reads.
                    "text_columns": [],
                    "rows": len(rows) - 1,
                    "empty_rows": 0,
                    "merged": 0,
                    "header_hint": None,
                }
            )
        return {"tables": tables, "hidden": [], "sheets": [], "chosen": False, "many": False, "note": ""}
    except (sqlite3.DatabaseError, MemoryError) as error:
        raise TabularError(
            f"{_called(name)} is not a readable SQLite database ({str(error) or 'damaged header'}). "
            "The file may be damaged or encrypted; check it with the sqlite3 tool."
        ) from None
    finally:
        connection.close()


_OLE2 = b"\xd0\xcf\x11\xe0"
# The stream an OLE2 container of an encrypted .xlsx holds (Office's "Encrypt with Password").
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
# The first record (BOF) of a workbook from Excel 2, 3 and 4, which are not OLE2 files.
_OLD_BIFF = (b"\x09\x00", b"\x09\x02", b"\x09\x04")
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


def _calamine_reading(data: bytes, called: str, wanted: dict[str, Any]) -> Reading:
    import python_calamine  # heavy and only needed here: imported on first use

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError:
        raise TabularError(_password_message(called)) from None
    except Exception as error:  # a Rust reader of untrusted bytes: any failure means "not by calamine"
        if _locked_by_suffix(python_calamine, data):
            raise TabularError(_password_message(called)) from None
        raise _CalamineRefused(str(error)) from None
    visible = python_calamine.SheetVisibleEnum.Visible
    ods = _is_ods(data)
    try:
        worksheets = [s for s in book.sheets_metadata if s.typ == python_calamine.SheetTypeEnum.WorkSheet]
        listed = [{"name": s.name, "hidden": s.visible != visible} for s in worksheets]
        chosen = _chosen_sheets(listed, wanted, called)

        def cells(sheet: str) -> tuple:
            try:
                found = book.get_sheet_by_name(sheet)
                return found.to_python(skip_empty_area=True), found.start or (0, 0), found.merged_cell_ranges or []
            except python_calamine.PasswordError:
                raise TabularError(_password_message(called)) from None
            except Exception as error:
                raise _CalamineRefused(str(error)) from None

        tables = yield from _chosen_reading(chosen, cells, wanted, ods)
    finally:
        book.close()
    return _read(tables, listed, chosen)


def _chosen_reading(
    chosen: dict[str, Any], cells: Callable[[str], tuple], wanted: dict[str, Any], ods: bool = False
) -> Generator[dict, None, list[dict[str, Any]]]:
    """The tables of the sheets ``chosen`` (``_chosen_sheets``), one at a time, yielding progress.

    ``cells(sheet)`` gives a sheet's ``(rows, origin, merged ranges)``; with ``first_only``
    the reading stops at the first sheet with data.
    """
    tables: list[dict[str, Any]] = []
    for index, sheet in enumerate(chosen["read"]):
        where = {"sheet": sheet, "sheet_index": index, "sheets": len(chosen["read"])}
        yield where
        rows, origin, merged = cells(sheet)
        table = yield from _sheet_reading(sheet, rows, where, wanted, origin, merged, ods)
        if table:
            tables.append(table)
        if chosen["first_only"] and tables:
            break
    return tables


def _chosen_sheets(listed: list[dict[str, Any]], wanted: dict[str, Any], called: str) -> dict[str, Any]:
    """``{read: [names], first_only, asked}``: the sheets asked for, or the visible ones (the first of many)."""
    names = [s["name"] for s in listed]
    if "sheets" in wanted:
        missing = [n for n in wanted["sheets"] if n not in names]
        if missing:
            raise TabularError(
                f"{called} has no sheet named {', '.join(repr(m) for m in missing)}; its sheets are "
                f"{', '.join(repr(n) for n in names) or 'none'}. Choose one of those."
            )
        return {"read": list(wanted["sheets"]), "first_only": False, "asked": True}
    shown = [s["name"] for s in listed if not s["hidden"]]
    return {"read": shown, "first_only": len(shown) > MANY_SHEETS, "asked": False}


def _read(tables: list[dict[str, Any]], listed: list[dict[str, Any]], chosen: dict[str, Any]) -> dict[str, Any]:
    return {
        "tables": tables,
        "hidden": [] if chosen["asked"] else [s["name"] for s in listed if s["hidden"]],
        "sheets": listed,
        "chosen": chosen["asked"] or chosen["first_only"],
        "many": chosen["first_only"],
    }


def _sheet_reading(
    name: str,
    rows: list[list],
    where: dict[str, Any],
    wanted: dict[str, Any],
    origin: tuple[int, int] = (0, 0),
    merged: workbook_sheet.Merged | None = None,
    ods: bool = False,
) -> Generator[dict, None, dict | None]:
    """One sheet as ``{name, csv, rows, empty_rows, merged}`` (None when it has no data), yielding progress."""
    shaped = workbook_sheet.shape(name, rows, origin, merged, wanted.get("bounds"), wanted.get("header_row"))
    if shaped is None:
        return None
    text, text_columns = yield from workbook_csv.rows_reading(shaped["rows"], where, ods)
    return {
        "name": name,
        "csv": text,
        "text_columns": text_columns,
        "rows": len(shaped["rows"]) - 1,
        "empty_rows": shaped["empty_rows"],
        "merged": shaped["merged"],
        "header_hint": shaped["header_hint"],
    }


def _fallback_reading(data: bytes, called: str, wanted: dict[str, Any], refused: str) -> dict[str, Any]:
    """What calamine refused, read by the reader for its kind: an .ods (indented XML, as KSpread writes it)
    by ``ods_xml``, an Excel 2-4 worksheet by ``biff_old``, another ZIP by openpyxl."""
    ods = _is_ods(data)
    if ods or _old_biff(data):
        try:
            sheets = ods_xml.read_ods(data) if ods else biff_old.read_biff(data)
        except ValueError:
            raise TabularError(_not_workbook_message(called, data, refused)) from None
        return _listed_reading(sheets, called, wanted, ods)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise TabularError(_not_workbook_message(called, data, refused))
    return _openpyxl_tables(data, called, wanted)


def _listed_reading(sheets: list[dict[str, Any]], called: str, wanted: dict[str, Any], ods: bool) -> dict[str, Any]:
    """Sheets read whole (``[{name, hidden, rows}]``, rows from A1) as ``read_file`` returns them."""
    listed = [{"name": sheet["name"], "hidden": sheet["hidden"]} for sheet in sheets]
    chosen = _chosen_sheets(listed, wanted, called)
    rows = {sheet["name"]: sheet["rows"] for sheet in sheets}
    tables = finished(_chosen_reading(chosen, lambda name: (rows[name], (0, 0), []), wanted, ods))
    return _read(tables, listed, chosen)


def _openpyxl_tables(data: bytes, called: str, wanted: dict[str, Any]) -> dict[str, Any]:
    import openpyxl  # heavy and only needed here: imported on first use

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a reader of untrusted bytes: every failure is a damaged workbook
        raise TabularError(
            f"{called} is a ZIP archive but not a workbook Loupe can read, or it is damaged. "
            "Open it in a spreadsheet program and save it again as .xlsx."
        ) from None
    try:
        sheets = {sheet.title: sheet for sheet in book.worksheets}
        listed = [{"name": title, "hidden": sheet.sheet_state != "visible"} for title, sheet in sheets.items()]
        chosen = _chosen_sheets(listed, wanted, called)

        def cells(title: str) -> tuple:
            try:
                rows = [
                    [None if v in _ERROR_VALUES else v for v in row]
                    for row in sheets[title].iter_rows(values_only=True)
                ]
            except Exception:
                raise TabularError(
                    f"Sheet '{title}' of {called} is damaged and cannot be read. "
                    "Open it in a spreadsheet program and save it again as .xlsx."
                ) from None
            return rows, (0, 0), []

        tables = finished(_chosen_reading(chosen, cells, wanted))
    finally:
        book.close()
    return _read(tables, listed, chosen)


def _locked_by_suffix(python_calamine: Any, data: bytes) -> bool:
    """Whether calamine, told the format by a file name's suffix, finds the workbook password-protected.

    Reading bytes, calamine guesses the format from them and cannot tell an encrypted .xls
    (or .ods) from a damaged file; reading a path, it goes by the suffix and says so.
    """
    suffix = ".xls" if data[:4] == _OLE2 else ".ods" if _is_ods(data) else None
    if suffix is None:
        return False
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "book" + suffix)
        with open(path, "wb") as out:
            out.write(data)
        try:
            python_calamine.CalamineWorkbook.from_path(path).close()
        except python_calamine.PasswordError:
            return True
        except Exception:  # damaged in another way: said by the caller
            return False
    return False


def _is_ods(data: bytes) -> bool:
    """A LibreOffice spreadsheet: a ZIP whose first member, ``mimetype``, names it."""
    return data[:2] == b"PK" and _ODS_MIME in data[:200]


def _old_biff(data: bytes) -> bool:
    """A worksheet from Excel 2, 3 or 4: it begins with its BOF record, 4 or 6 bytes long."""
    return data[:2] in _OLD_BIFF and data[2:4] in (b"\x04\x00", b"\x06\x00")


def _encrypted_ods(data: bytes) -> bool:
    """An .ods saved with a password: its manifest names how each part is encrypted."""
    if not _is_ods(data):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return b"encryption-data" in archive.read("META-INF/manifest.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def _called(name: str) -> str:
    return f"'{name}'" if name else "This file"


def _left_out_note(called: str, read: dict[str, Any]) -> str:
    """What the reading left out or changed, in words ("" for nothing): empty rows, merged cells, sheets."""
    tables, hidden = read["tables"], read["hidden"]
    parts = []
    empty = [(t["empty_rows"], t["name"]) for t in tables if t["empty_rows"]]
    if empty:
        count = sum(n for n, _ in empty)
        where = f" (in {', '.join(name for _, name in empty)})" if len(tables) > 1 else ""
        parts.append(f"{count} empty row{'s were' if count > 1 else ' was'} left out{where}")
    merged = sum(t["merged"] for t in tables)
    if merged:
        parts.append(
            f"{merged} merged cell{'s keep their value' if merged > 1 else ' keeps its value'} in the first "
            "row and column only, as pandas and R read them (the Fill missing step copies it down)"
        )
    for table in tables:
        if table.get("header_hint"):
            parts.append(
                f"sheet '{table['name']}' begins with a line of its own, taken as its header; if its header is "
                f"row {table['header_hint']}, choose that Header row in Read as…"
            )
    if read.get("many") and tables:
        shown = [s for s in read["sheets"] if not s["hidden"]]
        parts.append(
            f"it has {len(shown)} sheets and only the first with data, '{tables[0]['name']}', was opened: "
            "choose others in Sheets… above the table"
        )
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
    if _old_biff(data):
        return (
            f"{called} was saved by Excel 4.0 or older (before 1993), a format Loupe cannot read. "
            "Open it in a spreadsheet program and save it as .xlsx, then open that."
        )
    if data[:4] == b"PK\x03\x04" or data[:4] == _OLE2:
        return (
            f"{called} is damaged or only partly downloaded: it starts like a workbook but cannot be read "
            f"({detail}). Download it again, or open it in a spreadsheet program and save it again."
        )
    return (
        f"{called} is not a workbook Loupe can read (.xlsx, .xlsm, .xlsb, .xls or .ods). "
        "Check that you chose the right file, or save it from your spreadsheet program as .xlsx or CSV."
    )
