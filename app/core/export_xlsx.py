"""Excel: what a spreadsheet reads as a formula, Excel's limits and sheet names, and ``XlsxBook``.

``XlsxBook`` writes the JSON rows of an export to an .xlsx file with
openpyxl's write-only mode; it needs openpyxl and runs in the Pyodide
worker only (app/worker.py), where ``export.XlsxBook`` names it. The
rest is plain text rules that app.core.export uses on either thread.

Spreadsheet formula injection (OWASP "CSV injection"): a cell that begins
with ``FORMULA_PREFIXES`` may be run as a formula when the file is opened
in a spreadsheet; Excel cells written here never hold formulas, and with
the protection on such text is marked as text with Excel's quote prefix.

Runs under MicroPython and CPython (see README.md); openpyxl is imported
inside ``XlsxBook``.
"""

from app.core import display, errors, types

# Characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TEXT_PREFIX = "'"
# Excel's limits: rows of a sheet (the header is one of them), columns, characters in a cell.
XLSX_MAX_ROWS = 1048576
XLSX_MAX_COLUMNS = 16384
XLSX_MAX_CELL = 32767


def is_formula_like(text) -> bool:
    """True if a spreadsheet could read ``text`` as a formula."""
    return isinstance(text, str) and len(text) > 0 and text[0] in FORMULA_PREFIXES


def sheet_title(table: str) -> str:
    """An Excel sheet name from a table name: at most 31 characters, none of ``[]:*?/\\``."""
    out = []
    for ch in str(table):
        out.append("_" if ch in "[]:*?/\\" or ord(ch) < 32 else ch)
    title = "".join(out).strip("'")[:31]
    return title or "Sheet1"


def too_many_rows(rows: int, most: int) -> str:
    """Why ``rows`` rows do not fit in a sheet of ``most`` rows below its header."""
    return (
        "The view has "
        + display.thousands(rows)
        + " rows; an Excel sheet holds at most "
        + display.thousands(most)
        + " below its header. Filter the view to fewer rows, "
        "or export it as CSV or Parquet, which have no row limit."
    )


class XlsxBook:
    """An Excel workbook written row by row with openpyxl's write-only mode.

    Values arrive as the engine's JSON (see assets/js/arrow-json.mjs) and
    keep their types: numbers as numbers, dates and times as Excel dates.
    What Excel cannot hold exactly stays text: integers of more than 15
    digits, exact decimals, dates before 1900. Text is never a formula.
    (A lone carriage return in text reads back as a line feed: XML's rule.)
    """

    def __init__(self, columns: list, title: str, neutralise: bool):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self._cell_type = WriteOnlyCell
        self.book = Workbook(write_only=True)
        self.sheet = self.book.create_sheet(sheet_title(title))
        self.sheet.freeze_panes = "A2"
        self.neutralise = bool(neutralise)
        self.kinds = [c.get("kind") or types.kind_of(c["type"]) for c in columns]
        self.converters = [_XLSX_VALUES.get(kind, _xlsx_other) for kind in self.kinds]
        self.rows = 0
        self.cut = 0
        self.replaced = 0
        self.zoned = [c["name"] for c in columns if "TIME ZONE" in c.get("type", "").upper()]
        bold = Font(bold=True)
        header = []
        for column in columns:
            cell = self._text_cell(column["name"])
            cell.font = bold
            header.append(cell)
        self.sheet.append(header)

    def add(self, rows: list) -> int:
        """Append rows (lists of JSON values); return the rows written so far."""
        for row in rows:
            if self.rows >= XLSX_MAX_ROWS - 1:
                raise errors.ExportError(too_many_rows(self.rows + 1, XLSX_MAX_ROWS - 1))
            out = []
            for i in range(len(row)):
                value = row[i]
                if value is not None:
                    value = self.converters[i](value)
                    if isinstance(value, str):
                        value = self._text_cell(value)
                out.append(value)
            self.sheet.append(out)
            self.rows += 1
        return self.rows

    def finish(self) -> bytes:
        """The .xlsx file's bytes."""
        import io

        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()

    def discard(self) -> None:
        """Close an export that will not be finished (its temporary file goes)."""
        self.sheet.close()

    def notes(self) -> list:
        """What was changed on the way to Excel, in words ([] when nothing was)."""
        out = []
        if self.cut:
            out.append(
                _counted(self.cut, "value was", "values were")
                + " longer than Excel's "
                + display.thousands(XLSX_MAX_CELL)
                + " characters per cell and cut there; "
                "export as CSV or Parquet to keep every value whole."
            )
        if self.replaced:
            out.append(
                _counted(self.replaced, "value held", "values held") + " control characters Excel "
                "cannot store; each was replaced with \ufffd."
            )
        if self.zoned:
            out.append(
                "Times with a time zone (" + ", ".join(self.zoned) + ") are written in UTC; Excel has no time zones."
            )
        return out

    def _text_cell(self, text: str):
        """A cell that holds ``text`` as text (openpyxl would make '=...' a formula)."""
        text = self._clean(text)
        cell = self._cell_type(self.sheet, value=text)
        cell.data_type = "s"
        if self.neutralise and is_formula_like(text):
            cell.quotePrefix = True
        return cell

    def _clean(self, text: str) -> str:
        out = []
        changed = False
        for ch in text:
            code = ord(ch)
            if code < 32 and ch not in "\t\n\r":
                out.append("\ufffd")
                changed = True
            else:
                out.append(ch)
        if changed:
            self.replaced += 1
            text = "".join(out)
        if len(text) > XLSX_MAX_CELL:
            self.cut += 1
            text = text[:XLSX_MAX_CELL]
        return text


def _counted(n: int, one: str, many: str) -> str:
    return display.thousands(n) + " " + (one if n == 1 else many)


def _xlsx_number(value):
    """Numbers Excel holds exactly (15 significant digits); the rest as their exact text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)  # an exact big integer or decimal, NaN or Infinity
    if isinstance(value, int) and abs(value) >= 10**15:
        return str(value)
    return value


def _xlsx_decimal(value):
    """A float (JSON writes 2.0 as 2); exact decimals of more than 15 digits arrive as text and stay so."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return float(value)


def _xlsx_date(value):
    import datetime

    try:
        day = datetime.date.fromisoformat(str(value))
    except ValueError:
        return str(value)  # infinity, or a year Python cannot hold
    return day if day.year >= 1900 else str(value)


def _xlsx_timestamp(value):
    import datetime

    text = str(value)
    clock = text[:-1] if text.endswith("Z") else text
    try:
        day, time = clock.split(" ")
        stamp = datetime.datetime.combine(datetime.date.fromisoformat(day), _clock(time))
    except ValueError:
        return text
    return stamp if stamp.year >= 1900 else text


def _xlsx_time(value):
    try:
        return _clock(str(value))
    except ValueError:
        return str(value)


def _clock(text: str):
    """``'13:05:09.25'`` as a time (Python 3.11's fromisoformat wants 3 or 6 fraction digits)."""
    import datetime

    whole, _, fraction = text.partition(".")
    hours, minutes, seconds = whole.split(":")
    micros = int((fraction + "000000")[:6]) if fraction else 0
    return datetime.time(int(hours), int(minutes), int(seconds), micros)


def _xlsx_other(value):
    return display.cell_text(value)


def _xlsx_text(value):
    return value if isinstance(value, str) else display.cell_text(value)


def _same(value):
    return value


# kind -> JSON value to what openpyxl writes; any other kind becomes its text.
_XLSX_VALUES = {
    "integer": _xlsx_number,
    "decimal": _xlsx_decimal,
    "boolean": _same,
    "date": _xlsx_date,
    "timestamp": _xlsx_timestamp,
    "time": _xlsx_time,
    "text": _xlsx_text,
    "binary": _xlsx_text,
}
