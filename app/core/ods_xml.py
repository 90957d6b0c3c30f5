"""An OpenDocument spreadsheet (.ods) read from its content.xml with the standard library alone.

    read_ods(data) -> [{"name": "Sheet1", "hidden": False, "rows": [[3.0, "a"], ...]}, ...]

The fallback for an .ods that calamine refuses, such as KSpread's, whose
content.xml is indented (whitespace text between rows and cells). One pass
of expat over content.xml, so a large sheet is read in time proportional to
its size. Cells come as Python values: float (float, percentage, currency),
str (the text of its paragraphs, joined by newlines; ``<text:s>``,
``<text:tab>`` and ``<text:line-break>`` as spaces, tabs and newlines;
comments left out), bool, date or datetime, timedelta (a time value, an
ISO 8601 duration), None (empty, merged away, an error). Repeated rows and
columns are expanded, except the trailing empty ones LibreOffice writes to
the sheet's edge: a row ends at its last value (an empty row is ``[]``), the
sheet at its last row with one. A sheet is hidden when its table style says
``table:display="false"``.

Raises ValueError for what it cannot read: not a zip, no content.xml, an
encrypted document, malformed XML, more than ``MAX_CELLS`` cells. Runs in the Pyodide worker (CPython 3.14)
and under CPython for tests; it is not part of the MicroPython subset.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from typing import Any
from xml.parsers import expat

# The most rows and columns a spreadsheet holds (LibreOffice and Excel): cells past them are dropped.
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
# Cells read at most: a few kilobytes of repeated cells can describe billions.
MAX_CELLS = 50_000_000
# content.xml larger than this once unzipped is refused (a zip bomb, not a sheet).
MAX_CONTENT_BYTES = 1 << 31

_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
# Element and attribute names as expat gives them (namespace, space, local name).
_ROW = _TABLE + " table-row"
_CELL = _TABLE + " table-cell"
_COVERED = _TABLE + " covered-table-cell"
_TABLE_ELEMENT = _TABLE + " table"
_P = _TEXT + " p"
_H = _TEXT + " h"
_ROWS_REPEATED = _TABLE + " number-rows-repeated"
_COLUMNS_REPEATED = _TABLE + " number-columns-repeated"
_VALUE_TYPE = _OFFICE + " value-type"
_CALC_VALUE_TYPE = _CALCEXT + " value-type"
_VALUE = _OFFICE + " value"
_MIMETYPES = (b"application/vnd.oasis.opendocument.spreadsheet", b"application/x-kspread")
_DURATION = re.compile(r"^(-?)P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$")
_CLOCK = re.compile(r"^(\d+):(\d\d):(\d\d(?:[.,]\d+)?)$")  # tablib writes a time value so
_FRACTION = re.compile(r"(\.\d{6})\d+")


def read_ods(data: bytes) -> list[dict[str, Any]]:
    """Each sheet of the .ods ``data`` as ``{name, hidden, rows}``, in order.

    Raises ValueError when ``data`` is not an .ods this reader can read.
    """
    content = _content_xml(data)
    reader = _Reader()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text
    parser.EntityDeclHandler = _no_entities
    try:
        parser.Parse(content, True)
    except expat.ExpatError as error:
        raise ValueError(f"content.xml is not well-formed XML: {error}") from None
    return reader.sheets


def _content_xml(data: bytes) -> bytes:
    """The unzipped content.xml of an .ods; ValueError for an encrypted document or another kind of file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").strip()
                if not mimetype.startswith(_MIMETYPES):
                    raise ValueError(f"the document is {mimetype.decode('ascii', 'replace')!r}, not a spreadsheet")
            if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read("META-INF/manifest.xml"):
                raise ValueError("the spreadsheet is encrypted (saved with a password)")
            if "content.xml" not in names:
                raise ValueError("the file has no content.xml: it is not an OpenDocument spreadsheet")
            if archive.getinfo("content.xml").file_size > MAX_CONTENT_BYTES:
                raise ValueError("content.xml is larger than a spreadsheet's content can be")
            return archive.read("content.xml")
    except ValueError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as error:
        raise ValueError(f"not a readable .ods (zip) file: {error}") from None
    except Exception as error:  # zlib.error and other damage a zip of untrusted bytes can show
        raise ValueError(f"not a readable .ods (zip) file: {error}") from None


def _no_entities(*_args: Any) -> None:
    """OpenDocument declares no entities; a document that does is refused (no entity expansion)."""
    raise ValueError("content.xml declares XML entities, which an .ods never does")


class _Reader:
    """expat's handlers: the sheets being built while content.xml streams past."""

    def __init__(self) -> None:
        self.sheets: list[dict[str, Any]] = []
        self.hidden_styles: set[str] = set()
        self.style: str | None = None  # the table style being read in the automatic styles
        self.depth = 0  # table:table nesting (a table inside a cell is not a sheet)
        self.rows: list[list] = []
        self.empty_rows = 0  # empty rows not yet written: written only when a row with a value follows
        self.row: list = []
        self.row_repeat = 1
        self.empty_cells = 0  # likewise for empty cells in a row
        self.cell: dict[str, str] | None = None
        self.paragraphs: list[list[str]] | None = None
        self.in_paragraph = 0
        self.skipping = 0  # inside a comment (office:annotation): its text is not the cell's
        self.cells = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.skipping:
            self.skipping += 1
            return
        if name == _TABLE_ELEMENT:
            self.depth += 1
            if self.depth == 1:
                self._start_sheet(attrs)
        elif self.depth != 1:
            self._style_start(name, attrs)
        elif name == _ROW:
            self.row = []
            self.empty_cells = 0
            self.row_repeat = _count(attrs.get(_ROWS_REPEATED))
        elif name in (_CELL, _COVERED):
            self.cell = attrs if name == _CELL else {}
            self.paragraphs = []
        elif self.cell is not None:
            self._text_start(name, attrs)

    def end(self, name: str) -> None:
        if self.skipping:
            self.skipping -= 1
            return
        if name == _TABLE_ELEMENT:
            self.depth -= 1
        elif self.depth != 1:
            if name == _STYLE + " style":
                self.style = None
        elif name in (_CELL, _COVERED) and self.cell is not None:
            self._end_cell(self.cell, self.paragraphs or [])
            self.cell = self.paragraphs = None
        elif name == _ROW:
            self._end_row()
        elif name in (_P, _H):
            self.in_paragraph = max(self.in_paragraph - 1, 0)

    def text(self, data: str) -> None:
        if self.in_paragraph and self.paragraphs and not self.skipping:
            self.paragraphs[-1].append(data)

    def _style_start(self, name: str, attrs: dict[str, str]) -> None:
        if name == _STYLE + " style" and attrs.get(_STYLE + " family") == "table":
            self.style = attrs.get(_STYLE + " name")
        elif name == _STYLE + " table-properties" and self.style is not None:
            if attrs.get(_TABLE + " display") == "false":
                self.hidden_styles.add(self.style)

    def _start_sheet(self, attrs: dict[str, str]) -> None:
        self.rows = []
        self.empty_rows = 0
        self.sheets.append(
            {
                "name": attrs.get(_TABLE + " name", f"Sheet{len(self.sheets) + 1}"),
                "hidden": attrs.get(_TABLE + " style-name") in self.hidden_styles,
                "rows": self.rows,
            }
        )

    def _text_start(self, name: str, attrs: dict[str, str]) -> None:
        if name == _OFFICE + " annotation":
            self.skipping = 1
        elif name in (_P, _H):
            self.in_paragraph += 1
            if self.in_paragraph == 1 and self.paragraphs is not None:
                self.paragraphs.append([])
        elif not self.in_paragraph or not self.paragraphs:
            return
        elif name == _TEXT + " s":
            self.paragraphs[-1].append(" " * min(_count(attrs.get(_TEXT + " c")), MAX_COLUMNS))
        elif name == _TEXT + " tab":
            self.paragraphs[-1].append("\t")
        elif name == _TEXT + " line-break":
            self.paragraphs[-1].append("\n")

    def _end_cell(self, attrs: dict[str, str], paragraphs: list[list[str]]) -> None:
        value = _value(attrs, paragraphs)
        repeat = _count(attrs.get(_COLUMNS_REPEATED))
        if value is None:
            self.empty_cells += repeat
            return
        room = MAX_COLUMNS - len(self.row)
        if self.empty_cells:
            self.row.extend([None] * min(self.empty_cells, max(room, 0)))
            room -= self.empty_cells
            self.empty_cells = 0
        if room > 0:
            self.row.extend([value] * min(repeat, room))

    def _end_row(self) -> None:
        if not self.row:
            self.empty_rows += self.row_repeat
            return
        room = MAX_ROWS - len(self.rows)
        if self.empty_rows:
            self.rows.extend([] for _ in range(min(self.empty_rows, max(room, 0))))
            room -= self.empty_rows
            self.empty_rows = 0
        repeat = min(self.row_repeat, max(room, 0))
        self.cells += repeat * len(self.row)
        if self.cells > MAX_CELLS:
            raise ValueError(f"the spreadsheet has more than {MAX_CELLS:,} cells, more than can be read here")
        for _ in range(repeat):
            self.rows.append(list(self.row))


def _count(text: str | None) -> int:
    """A repeat count (number-rows-repeated, number-columns-repeated, text:c): 1 when absent or unreadable."""
    if not text:
        return 1
    try:
        return max(int(text), 1)
    except ValueError:
        return 1


def _value(attrs: dict[str, str], paragraphs: list[list[str]]) -> Any:
    """The cell's value by its office:value-type; its text when the type is unknown."""
    if attrs.get(_CALC_VALUE_TYPE) == "error":
        return None
    convert = _CONVERTERS.get(attrs.get(_VALUE_TYPE) or "")
    if convert is _float:
        try:
            return float(attrs[_VALUE])
        except (KeyError, ValueError):
            pass  # a value that does not parse: its text is what the sheet shows
    text = "\n".join("".join(p) for p in paragraphs) if paragraphs else None
    if convert is not None and convert is not _float:
        try:
            return convert(attrs, text)
        except (KeyError, ValueError, OverflowError):
            pass
    return text if text else None


def _float(attrs: dict[str, str], _text: str | None) -> float:
    return float(attrs[_VALUE])


def _string(attrs: dict[str, str], text: str | None) -> str | None:
    if text is None:
        return attrs.get(_OFFICE + " string-value") or None
    return text or None


def _boolean(attrs: dict[str, str], _text: str | None) -> bool:
    value = attrs[_OFFICE + " boolean-value"].strip().lower()
    if value not in ("true", "false", "1", "0"):
        raise ValueError(value)
    return value in ("true", "1")


def _date(attrs: dict[str, str], _text: str | None) -> datetime.date:
    """office:date-value: 2020-01-31 or 2020-01-31T12:30:00(.fraction), a date or a date-time."""
    value = attrs[_OFFICE + " date-value"].strip()
    if "T" not in value:
        return datetime.date.fromisoformat(value)
    value = _FRACTION.sub(r"\1", value.rstrip("Z"))
    moment = datetime.datetime.fromisoformat(value)
    return moment.replace(tzinfo=None)


def _time(attrs: dict[str, str], _text: str | None) -> datetime.timedelta:
    """office:time-value, an ISO 8601 duration: PT27H17M54S, PT12H00M00.5S, -PT1H, P1DT2H (or 09:55:33)."""
    written = attrs[_OFFICE + " time-value"].strip()
    match = _DURATION.match(written)
    if match is not None:
        sign, days, hours, minutes, seconds = match.groups()
    elif clock := _CLOCK.match(written):
        sign, days, (hours, minutes, seconds) = "", None, clock.groups()
    else:
        raise ValueError("not a duration")
    duration = datetime.timedelta(
        days=int(days or 0),
        hours=int(hours or 0),
        minutes=int(minutes or 0),
        seconds=float((seconds or "0").replace(",", ".")),
    )
    return -duration if sign else duration


_CONVERTERS = {
    "float": _float,
    "percentage": _float,
    "currency": _float,
    "string": _string,
    "boolean": _boolean,
    "date": _date,
    "time": _time,
}
