"""An Excel 2.x, 3.x or 4.0 worksheet (BIFF2, BIFF3, BIFF4) read with the standard library alone.

    read_biff(data) -> [{"name": "Sheet 1", "hidden": False, "rows": [["ID", "TOTAL"], [1.0, ...], ...]}]

The fallback for the .xls files older than Excel 5, which calamine does not
read: not an OLE2 container but one stream of records, starting with a BOF
record (0x0009, 0x0209 or 0x0409) and ending with EOF (0x000A). Such a file
holds one worksheet and no sheet name (Excel names it after the file), so
its sheet is called "Sheet 1", as xlrd names it. The records read are those xlrd documents:
NUMBER, INTEGER, RK, LABEL, BOOLERR, FORMULA (its cached result, a string
one in the STRING record after it), FORMAT and XF (a number whose format is
a date format is a date), IXFE, DATEMODE (the 1904 system) and CODEPAGE
(text is cp1252 unless it says otherwise). Cells come as float, str, bool,
date, datetime, time (a time of day alone), timedelta (an elapsed-time
format such as ``[h]:mm``) or None (empty, an error); a row ends at its
last value (an empty row is ``[]``).

Raises ValueError for what it cannot read: another format, an Excel 4.0
workbook (.xlw, several sheets in one file), a chart, an encrypted file, a
record running past the end of the file. Runs in the Pyodide worker
(CPython 3.14) and under CPython for tests; it is not part of the
MicroPython subset.
"""

from __future__ import annotations

import codecs
import datetime
import re
import struct
from collections.abc import Callable
from typing import Any

# BOF record types and the BIFF version each starts.
_BOF = {0x0009: 2, 0x0209: 3, 0x0409: 4}
_EOF = 0x000A
# BOF substream types: a worksheet, a macro sheet (cells like a worksheet's), a chart, a workbook.
_WORKSHEET, _MACRO_SHEET, _CHART, _WORKBOOK = 0x0010, 0x0040, 0x0020, 0x0100
# A BIFF2-4 worksheet has 256 columns (A to IV) and 16,384 rows; rows are read to the 65,536 BIFF can number.
MAX_COLUMNS = 256
_EPOCH_1900 = datetime.datetime(1899, 12, 31)
_EPOCH_1900_LEAP = datetime.datetime(1899, 12, 30)  # past Excel's 29 February 1900
_EPOCH_1904 = datetime.datetime(1904, 1, 1)
_CODEPAGES = {367: "ascii", 1200: "utf-16-le", 10000: "mac-roman", 32768: "mac-roman", 32769: "cp1252"}
_NOT_DATES = {"general", "@", "0.00e+00", "##0.0e+0"}
_BRACKETS = re.compile(r"\[[^]]*\]")
_ELAPSED = re.compile(r"\[(h+|m+|s+)\]", re.IGNORECASE)


def read_biff(data: bytes) -> list[dict[str, Any]]:
    """The worksheet of the BIFF2, BIFF3 or BIFF4 file ``data`` as ``[{name, hidden, rows}]``.

    Raises ValueError when ``data`` is not such a worksheet.
    """
    if len(data) < 8:
        raise ValueError("the file is too short to be an Excel worksheet")
    kind, length = struct.unpack_from("<HH", data)
    if kind not in _BOF:
        if kind == 0x0809:
            raise ValueError("the file is an Excel 5-2003 (BIFF5/8) stream outside an OLE2 container")
        raise ValueError("the file does not start as an Excel 2.x-4.0 worksheet (no BOF record)")
    if length < 4 or 4 + length > len(data):
        raise ValueError("the file's BOF record is damaged")
    substream = struct.unpack_from("<H", data, 6)[0]
    if substream == _WORKBOOK:
        raise ValueError("the file is an Excel 4.0 workbook (.xlw) of several sheets, which cannot be read here")
    if substream not in (_WORKSHEET, _MACRO_SHEET):
        raise ValueError(f"the file is an Excel {_BOF[kind]}.x chart or other sheet, not a worksheet")
    sheet = _Sheet(_BOF[kind])
    position = 4 + length
    while True:
        if position + 4 > len(data):
            raise ValueError("the file ends before its EOF record (truncated)")
        kind, length = struct.unpack_from("<HH", data, position)
        body = data[position + 4 : position + 4 + length]
        if len(body) < length:
            raise ValueError(f"a record at byte {position} runs past the end of the file")
        position += 4 + length
        if kind == _EOF:
            break
        handler = _HANDLERS.get(kind)
        if handler is not None:
            try:
                handler(sheet, body)
            except (struct.error, IndexError, LookupError) as error:
                raise ValueError(f"record 0x{kind:04X} at byte {position - 4 - length} is damaged: {error}") from None
    return [{"name": "Sheet 1", "hidden": False, "rows": sheet.rows()}]


class _Sheet:
    """What the records say so far: cells, formats, XF records, the date system and the text encoding."""

    def __init__(self, version: int) -> None:
        self.version = version
        self.cells: dict[int, dict[int, Any]] = {}
        self.formats: list[str] = []  # by index, in the order of the FORMAT records
        self.xf_formats: list[int] = []  # the format index of each XF record
        self.ixfe = 0  # BIFF2: the XF index of the cells that say 63
        self.datemode = 0
        self.encoding = "cp1252"
        self.formula_at: tuple[int, int, int] | None = None  # a string formula awaiting its STRING record

    def put(self, row: int, column: int, value: Any) -> None:
        if column >= MAX_COLUMNS:
            raise ValueError(f"a cell is past column IV (column {column + 1}), where no Excel 2.x-4.0 sheet goes")
        if value is not None:
            self.cells.setdefault(row, {})[column] = value

    def number(self, row: int, column: int, xf: int, value: float) -> None:
        self.put(row, column, _dated(value, self.format_of(xf), self.datemode))

    def text(self, raw: bytes) -> str:
        return raw.decode(self.encoding, "replace")

    def format_of(self, xf: int) -> str:
        """The number format of the XF ``xf`` (BIFF2 files without XF records give the format index instead)."""
        if self.version == 2 and xf < 0:
            index = -xf - 1
        elif 0 <= xf < len(self.xf_formats):
            index = self.xf_formats[xf]
        else:
            return "General"
        return self.formats[index] if 0 <= index < len(self.formats) else "General"

    def rows(self) -> list[list]:
        last = max(self.cells, default=-1)
        rows: list[list] = [[] for _ in range(last + 1)]
        for at, cells in self.cells.items():
            row = rows[at] = [None] * (max(cells) + 1)
            for column, value in cells.items():
                row[column] = value
        return rows


def _header(sheet: _Sheet, body: bytes) -> tuple[int, int, int, int]:
    """A cell record's row, column, XF index and the offset of what follows (7 bytes in BIFF2, 6 after)."""
    row, column = struct.unpack_from("<HH", body)
    if sheet.version == 2:
        xf = body[4] & 0x3F
        if xf == 63:
            xf = sheet.ixfe
        if not sheet.xf_formats:
            xf = -(body[5] & 0x3F) - 1  # Excel 2.0 without XF records: the format index itself
        return row, column, xf, 7
    return row, column, struct.unpack_from("<H", body, 4)[0], 6


def _number(sheet: _Sheet, body: bytes) -> None:
    row, column, xf, at = _header(sheet, body)
    sheet.number(row, column, xf, struct.unpack_from("<d", body, at)[0])


def _integer(sheet: _Sheet, body: bytes) -> None:
    row, column, xf, at = _header(sheet, body)
    sheet.number(row, column, xf, float(struct.unpack_from("<H", body, at)[0]))


def _rk(sheet: _Sheet, body: bytes) -> None:
    row, column, xf, at = _header(sheet, body)
    sheet.number(row, column, xf, _rk_value(struct.unpack_from("<I", body, at)[0]))


def _mulrk(sheet: _Sheet, body: bytes) -> None:
    row, first = struct.unpack_from("<HH", body)
    for i in range((len(body) - 6) // 6):
        xf, rk = struct.unpack_from("<HI", body, 4 + 6 * i)
        sheet.number(row, first + i, xf, _rk_value(rk))


def _label(sheet: _Sheet, body: bytes) -> None:
    row, column, _xf, at = _header(sheet, body)
    if sheet.version == 2:
        size, at = body[at], at + 1
    else:
        size, at = struct.unpack_from("<H", body, at)[0], at + 2
    sheet.put(row, column, sheet.text(body[at : at + size]) or None)


def _boolerr(sheet: _Sheet, body: bytes) -> None:
    row, column, _xf, at = _header(sheet, body)
    value, is_error = body[at], body[at + 1]
    sheet.put(row, column, None if is_error else bool(value))


def _formula(sheet: _Sheet, body: bytes) -> None:
    row, column, xf, at = _header(sheet, body)
    result = body[at : at + 8]
    if len(result) < 8:
        raise IndexError("the formula's result is cut short")
    sheet.formula_at = None
    if result[6:8] != b"\xff\xff":
        sheet.number(row, column, xf, struct.unpack("<d", result)[0])
    elif result[0] == 0:
        sheet.formula_at = (row, column, xf)  # a string: in the STRING record that follows
    elif result[0] == 1:
        sheet.put(row, column, bool(result[2]))


def _string(sheet: _Sheet, body: bytes) -> None:
    if sheet.formula_at is None:
        return
    row, column, _xf = sheet.formula_at
    sheet.formula_at = None
    if sheet.version == 2:
        size, at = body[0], 1
    else:
        size, at = struct.unpack_from("<H", body)[0], 2
    sheet.put(row, column, sheet.text(body[at : at + size]) or None)


def _format(sheet: _Sheet, body: bytes) -> None:
    sheet.formats.append(_format_text(sheet, body, 0))


def _format4(sheet: _Sheet, body: bytes) -> None:
    sheet.formats.append(_format_text(sheet, body, 2))  # BIFF4 puts an index, unused, before the text


def _format_text(sheet: _Sheet, body: bytes, at: int) -> str:
    size = body[at]
    return sheet.text(body[at + 1 : at + 1 + size])


def _xf(sheet: _Sheet, body: bytes) -> None:
    sheet.xf_formats.append(body[2] & 0x3F if sheet.version == 2 else body[1])


def _ixfe(sheet: _Sheet, body: bytes) -> None:
    sheet.ixfe = struct.unpack_from("<H", body)[0]


def _datemode(sheet: _Sheet, body: bytes) -> None:
    sheet.datemode = struct.unpack_from("<H", body)[0]


def _codepage(sheet: _Sheet, body: bytes) -> None:
    page = struct.unpack_from("<H", body)[0]
    name = _CODEPAGES.get(page, f"cp{page}")
    try:
        sheet.encoding = codecs.lookup(name).name
    except LookupError:
        pass  # a code page Python does not know: cp1252, as Excel for Windows wrote


def _filepass(_sheet: _Sheet, _body: bytes) -> None:
    raise ValueError("the worksheet is encrypted (saved with a password)")


def _rk_value(rk: int) -> float:
    """An RK number: a 30-bit integer or the top 30 bits of a double, divided by 100 when bit 0 says so."""
    if rk & 2:
        value = float((rk >> 2) - (1 << 30) if rk & 0x80000000 else rk >> 2)
    else:
        value = struct.unpack("<d", struct.pack("<Q", (rk & 0xFFFFFFFC) << 32))[0]
    return value / 100 if rk & 1 else value


def _dated(value: float, number_format: str, datemode: int) -> Any:
    """A number shown with a date format as a date, datetime, time or (an elapsed-time format) timedelta."""
    if not _is_date_format(number_format) or not 0 <= value < 2958466:  # 2958466: past 9999-12-31
        return value
    milliseconds = round((value - int(value)) * 86_400_000)
    if _ELAPSED.search(number_format):
        return datetime.timedelta(days=int(value), milliseconds=milliseconds)
    if datemode:
        epoch = _EPOCH_1904
    else:
        epoch = _EPOCH_1900 if value < 60 else _EPOCH_1900_LEAP
    try:
        moment = epoch + datetime.timedelta(days=int(value), milliseconds=milliseconds)
    except OverflowError:
        return value
    if value < 1:
        return moment.time()
    if moment.time() == datetime.time(0):
        return moment.date()
    return moment


def _is_date_format(number_format: str) -> bool:
    """Whether a number format shows a date or time: xlrd's rule (more of y, m, d, h, s than of 0, # and ?)."""
    kept = []
    quoted = escaped = False
    for char in number_format:
        if escaped:
            escaped = False
        elif quoted:
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char in "\\_*":
            escaped = True
        elif char not in "$-+/(): ":
            kept.append(char)
    reduced = _BRACKETS.sub("", "".join(kept))
    if reduced.lower() in _NOT_DATES:
        return False
    dates = sum(1 for c in reduced.lower() if c in "ymdhs")
    numbers = sum(1 for c in reduced if c in "0#?")
    return dates > numbers


_HANDLERS: dict[int, Callable[[_Sheet, bytes], None]] = {
    0x0003: _number,
    0x0203: _number,
    0x0002: _integer,
    0x027E: _rk,
    0x00BD: _mulrk,
    0x0004: _label,
    0x0204: _label,
    0x0005: _boolerr,
    0x0205: _boolerr,
    0x0006: _formula,
    0x0206: _formula,
    0x0406: _formula,
    0x0007: _string,
    0x0207: _string,
    0x001E: _format,
    0x041E: _format4,
    0x0043: _xf,
    0x0243: _xf,
    0x0443: _xf,
    0x0044: _ixfe,
    0x0022: _datemode,
    0x0042: _codepage,
    0x002F: _filepass,
}
