"""The workbook corpus's oracle: readers that share no code with python-calamine, and Loupe's reading rules.

openpyxl (``data_only=True``) reads .xlsx and .xlsm, xlrd 2 .xls, pyxlsb .xlsb and odfpy .ods
(``oracle_sheets``), each corrected where it reads otherwise than Excel shows (``_unescaped``,
``_xls_moment``, ``Serial``, ``_xlsb_sheet_states``, ``_odf_value``); ``as_seen`` applies Loupe's
documented reading rules to their cells. ``ORACLE_WRONG`` lists the files the oracle reads wrongly,
each with the check that shows it still does. See tools/workbook_corpus.py.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable


def _zip_names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        return opened.namelist()


def _zip_part(data: bytes, part: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        return opened.read(part)


def _openpyxl_fails(data: bytes, phrase: str) -> bool:
    import openpyxl

    try:
        openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # noqa: BLE001 - the failure is what is checked
        return phrase in str(error)
    return False


def _openpyxl_sheet_count(data: bytes) -> int:
    import openpyxl

    return len(openpyxl.load_workbook(io.BytesIO(data), data_only=True).worksheets)


def _openpyxl_cell_type(data: bytes, cell: str) -> str:
    import openpyxl

    return str(openpyxl.load_workbook(io.BytesIO(data), data_only=True).active[cell].data_type)


# Files the oracle reads wrongly or not at all (Loupe must still read them): name -> (why, the check that
# the oracle still does: a function of the file's bytes, true while the entry is needed).
ORACLE_WRONG: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    "xlrd/apachepoi_49609.xlsx": (
        "no [Content_Types].xml, which openpyxl requires (KeyError)",
        lambda data: "[Content_Types].xml" not in _zip_names(data) and _openpyxl_fails(data, "[Content_Types]"),
    ),
    "xlrd/issue150.xlsx": (
        "no [Content_Types].xml, which openpyxl requires (KeyError)",
        lambda data: "[Content_Types].xml" not in _zip_names(data) and _openpyxl_fails(data, "[Content_Types]"),
    ),
    "xlrd/err_cell_empty.xlsx": (
        "its shared strings are the part xl/SharedStrings.xml; OPC part names are case-insensitive, openpyxl"
        " looks up xl/sharedStrings.xml only (KeyError)",
        lambda data: "xl/SharedStrings.xml" in _zip_names(data) and _openpyxl_fails(data, "xl/sharedStrings.xml"),
    ),
    "xlsx2csv/formatted_inline_string.xlsx": (
        "[Content_Types].xml names xl/sharedStrings.xml, which the package lacks (its strings are inline);"
        " openpyxl fails on the missing part (KeyError)",
        lambda data: "xl/sharedStrings.xml" not in _zip_names(data) and _openpyxl_fails(data, "sharedStrings"),
    ),
    "xlrd/self_evaluation_report_2014-05-19.xlsx": (
        "openpyxl 3.1.5 fails on its styles.xml (CellStyle got an unexpected keyword argument 'builtinId')",
        lambda data: _openpyxl_fails(data, "builtinId"),
    ),
    "pyexcel/fixtures/bug_176.xlsx": (
        "Strict Open XML (relationships in the purl.oclc.org namespace), which openpyxl does not read: it"
        " finds no worksheet",
        lambda data: (
            b"purl.oclc.org/ooxml" in _zip_part(data, "xl/_rels/workbook.xml.rels") and _openpyxl_sheet_count(data) == 0
        ),
    ),
    "python-calamine/data/issue139.xlsx": (
        "A2 is the number 2994626 in a date format, past 9999-12-31: openpyxl makes it an error cell (missing);"
        " the cell holds the number, which Loupe shows",
        lambda data: (
            _openpyxl_cell_type(data, "A2") == "e" and b"<v>2994626</v>" in _zip_part(data, "xl/worksheets/sheet1.xml")
        ),
    ),
}


@dataclass
class Sheet:
    """A sheet as a reader gives it: its name, whether it is hidden, and its rows of Python values."""

    name: str
    hidden: bool
    rows: list[list[Any]]


@dataclass
class Seen:
    """A visible sheet with data as a person sees it: the header cells and the rows after it."""

    name: str
    header: list[Any]
    rows: list[list[Any]]


def oracle_sheets(data: bytes, name: str) -> list[Sheet]:
    """Every sheet of the workbook as the independent reader for its kind reads it, in order."""
    suffix = Path(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _openpyxl_sheets(data)
    if suffix == ".xls":
        return _xlrd_sheets(data)
    if suffix == ".xlsb":
        return _pyxlsb_sheets(data)
    if suffix == ".ods":
        return _odfpy_sheets(data)
    raise ValueError(f"no oracle for {name}")


def _openpyxl_sheets(data: bytes) -> list[Sheet]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    sheets = []
    for sheet in book.worksheets:
        rows = [
            [None if cell.data_type == "e" else _unescaped(cell.value) for cell in row] for row in sheet.iter_rows()
        ]
        sheets.append(Sheet(sheet.title, sheet.sheet_state != "visible", rows))
    return sheets


def _unescaped(value: Any) -> Any:
    """Text with ECMA-376's ``_xHHHH_`` escapes decoded (§22.9.2.19, ST_Xstring), which openpyxl leaves as written.

    ``_x0001_`` is the character U+0001; a literal ``_x0041_`` is written ``_x005F_x0041_``.
    """
    if not isinstance(value, str) or "_x" not in value:
        return value
    return re.sub(r"_x([0-9A-Fa-f]{4})_", lambda found: chr(int(found.group(1), 16)), value)


def _xlrd_sheets(data: bytes) -> list[Sheet]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    sheets = []
    for sheet in book.sheets():
        rows = []
        for r in range(sheet.nrows):
            row = []
            for c, (kind, value) in enumerate(zip(sheet.row_types(r), sheet.row_values(r))):
                if kind == xlrd.XL_CELL_DATE:
                    value = _xls_moment(book, sheet.cell_xf_index(r, c), value)
                elif kind == xlrd.XL_CELL_BOOLEAN:
                    value = bool(value)
                elif kind in (xlrd.XL_CELL_ERROR, xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    value = None
                row.append(value)
            rows.append(row)
        sheets.append(Sheet(sheet.name, sheet.visibility != 0, rows))
    return sheets


def _xls_moment(book: Any, xf: int, serial: float) -> Any:
    """A date-formatted number as Excel shows it: a duration ([h]:mm), a time of day (below 1), else a datetime.

    xlrd calls every date or time format a date; openpyxl reads ``[h]`` formats as durations, and so does this.
    """
    import xlrd

    shown = book.format_map[book.xf_list[xf].format_key].format_str
    if re.search(r"\[[hms]+\]", shown, re.IGNORECASE):
        return datetime.timedelta(days=serial)
    if 0 <= serial < 1:
        return xlrd.xldate_as_datetime(serial, 0).time()
    return xlrd.xldate_as_datetime(serial, book.datemode)


class Serial(float):
    """A number pyxlsb read, which may be a date's serial number: pyxlsb reads no number formats."""


def _pyxlsb_sheets(data: bytes) -> list[Sheet]:
    """pyxlsb's cells; it reads no number formats, so a date is its serial number (``same`` allows it)."""
    import pyxlsb

    states = _xlsb_sheet_states(data)
    sheets = []
    with pyxlsb.open_workbook(io.BytesIO(data)) as book:
        for sheet_name in book.sheets:
            with book.get_sheet(sheet_name) as sheet:
                rows = [[_xlsb_value(c.v) for c in row] for row in sheet.rows()]
            sheets.append(Sheet(sheet_name, states.get(sheet_name, 0) != 0, rows))
    return sheets


def _xlsb_value(value: Any) -> Any:
    # pyxlsb gives an error cell as its code in hex ("0x7" for #DIV/0!): missing, as Loupe's rules say.
    if isinstance(value, str) and re.fullmatch(r"0x[0-9a-f]{1,2}", value):
        return None
    return Serial(value) if isinstance(value, float) else value


def _xlsb_sheet_states(data: bytes) -> dict[str, int]:
    """Sheet name -> hsState (0 visible, 1 hidden, 2 very hidden) from workbook.bin's BrtBundleSh records.

    pyxlsb skips that field, so it is read here: a record is its type and length, each a 7-bit varint.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        raw = opened.read("xl/workbook.bin")
    states, at = {}, 0

    def varint(at: int, most: int) -> tuple[int, int]:
        value = 0
        for i in range(most):
            byte = raw[at]
            at += 1
            value |= (byte & 0x7F) << (7 * i)
            if not byte & 0x80:
                break
        return value, at

    while at < len(raw):
        kind, at = varint(at, 2)
        # The type's two bytes keep their high bits: 0x9C 0x01 is BrtBundleSh (156).
        length, at = varint(at, 4)
        body = raw[at : at + length]
        at += length
        if kind == 156:
            state = int.from_bytes(body[0:4], "little")
            rel_length = int.from_bytes(body[8:12], "little")
            start = 12 + 2 * rel_length
            name_length = int.from_bytes(body[start : start + 4], "little")
            states[body[start + 4 : start + 4 + 2 * name_length].decode("utf-16-le")] = state
    return states


def _odfpy_sheets(data: bytes) -> list[Sheet]:
    from odf import opendocument, teletype
    from odf.namespaces import TABLENS
    from odf.style import Style, TableProperties
    from odf.table import Table, TableRow

    document = opendocument.load(io.BytesIO(data))
    hidden_styles = {
        style.getAttribute("name")
        for style in document.automaticstyles.getElementsByType(Style)
        for properties in style.getElementsByType(TableProperties)
        if properties.getAttribute("display") == "false"
    }
    sheets = []
    for table in document.body.getElementsByType(Table):
        rows: list[list[Any]] = []
        for row in table.getElementsByType(TableRow):
            cells: list[Any] = []
            pending = 0  # empty cells not written yet: only written when a value follows
            for cell in row.childNodes:
                if getattr(cell, "qname", None) not in ((TABLENS, "table-cell"), (TABLENS, "covered-table-cell")):
                    continue
                repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
                value = _odf_value(cell, teletype)
                if value is None:
                    pending += repeat
                    continue
                cells += [None] * pending + [value] * repeat
                pending = 0
            if any(v is not None for v in cells):
                rows += [cells] * int(row.getAttribute("numberrowsrepeated") or 1)
        hidden = table.getAttribute("stylename") in hidden_styles
        sheets.append(Sheet(table.getAttribute("name"), hidden, rows))
    return sheets


def _odf_value(cell: Any, teletype: Any) -> Any:
    """A cell's value by its office:value-type, as the OpenDocument standard says (§19.385)."""
    from odf.namespaces import TEXTNS

    if cell.qname[1] == "covered-table-cell":
        return None
    kind = cell.getAttribute("valuetype")
    if kind in ("float", "percentage", "currency"):
        return float(cell.getAttribute("value"))
    if kind == "boolean":
        return cell.getAttribute("booleanvalue") == "true"
    if kind == "date":
        text = cell.getAttribute("datevalue")
        return datetime.datetime.fromisoformat(text) if "T" in text else datetime.date.fromisoformat(text)
    if kind == "time":
        return _odf_duration(cell.getAttribute("timevalue"))
    if kind == "string":
        # The cell's own paragraphs (an office:annotation, a comment, holds paragraphs of its own).
        paragraphs = [p for p in cell.childNodes if getattr(p, "qname", None) == (TEXTNS, "p")]
        return "\n".join(teletype.extractText(p) for p in paragraphs)
    return None


def _odf_duration(text: str) -> datetime.timedelta:
    """An office:time-value: an ISO 8601 duration (PT12H30M00S), or a time of day as some writers put it (09:55:33)."""
    clock = re.fullmatch(r"(\d\d):(\d\d):(\d\d(?:\.\d+)?)", text)
    if clock:
        return datetime.timedelta(hours=int(clock[1]), minutes=int(clock[2]), seconds=float(clock[3]))
    found = re.fullmatch(r"-?P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?", text)
    if not found:
        raise ValueError(f"not an ODF duration: {text!r}")
    days, hours, minutes, seconds = (float(g or 0) for g in found.groups())
    value = datetime.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    return -value if text.startswith("-") else value


# --- Loupe's reading rules, applied to the oracle's cells ------------------------------------


def as_seen(sheets: list[Sheet]) -> tuple[list[Seen], list[str]]:
    """The visible sheets with data as Loupe's rules show them, and the hidden sheets' names."""
    shown = []
    for sheet in sheets:
        if sheet.hidden:
            continue
        rows = [list(row) for row in sheet.rows if not _empty_row(row)]
        if not rows:
            continue
        skip = min(next(i for i, v in enumerate(row) if not empty(v)) for row in rows)
        rows = [row[skip:] for row in rows]
        width = max(max(i + 1 for i, v in enumerate(row) if not empty(v)) for row in rows)
        rows = [row[:width] + [None] * (width - len(row)) for row in rows]
        shown.append(Seen(sheet.name, rows[0], rows[1:]))
    return shown, [sheet.name for sheet in sheets if sheet.hidden]


def empty(value: Any) -> bool:
    """Whether a cell is missing: None or empty text (Loupe's reading rules and ``same`` alike)."""
    return value is None or value == ""


def _empty_row(row: list[Any]) -> bool:
    return all(map(empty, row))
