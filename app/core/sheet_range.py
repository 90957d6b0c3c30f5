"""How a person says which part of a sheet to read: a range as Excel writes it, a header row.

    parse("B3:F200") -> (2, 1, 199, 5)      # rows and columns 0-based, inclusive
    parse("B:F")     -> (None, 1, None, 5)  # whole columns
    parse("3:200")   -> (2, None, 199, None)
    parse("B3")      -> (2, 1, None, None)  # from B3 to the end
    letters(27)      -> 'AB'

Runs under MicroPython and CPython (see README.md): the read-as form checks
what was typed before the file is read, and the worker reads by it.
"""

from app.core.errors import OpenError

# A sheet's size in Excel (1,048,576 rows, 16,384 columns: XFD).
MAX_ROWS = 1048576
MAX_COLUMNS = 16384
EXAMPLE = "for example B3:F200, B:F (whole columns), 3:200 (whole rows) or B3 (from B3 on)"


def parse(text: str) -> tuple:
    """``(top, left, bottom, right)`` 0-based and inclusive, None where the range is open; OpenError if unreadable."""
    cleaned = text.strip().replace("$", "").upper()
    if not cleaned:
        raise OpenError("The range is empty. Write it as Excel does, " + EXAMPLE + ".")
    halves = cleaned.split(":")
    if len(halves) > 2:
        raise _unreadable(text)
    first = _cell(halves[0], text)
    if len(halves) == 1:
        if first[0] is None or first[1] is None:
            raise _unreadable(text)
        return (first[0], first[1], None, None)
    last = _cell(halves[1], text)
    # "B3:F" runs to the end of column F; "B:F" and "3:200" are whole columns and rows.
    if (first[0] is None) != (last[0] is None) and first[0] is None:
        raise _unreadable(text)
    if (first[1] is None) != (last[1] is None):
        raise _unreadable(text)
    top, left, bottom, right = first[0], first[1], last[0], last[1]
    if top is not None and bottom is not None and bottom < top:
        top, bottom = bottom, top
    if left is not None and right is not None and right < left:
        left, right = right, left
    return (top, left, bottom, right)


def letters(column: int) -> str:
    """The column's letters as Excel names it: 0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    out = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


def label(bounds: tuple) -> str:
    """``(2, 1, 199, 5)`` -> 'B3:F200', as ``parse`` reads it back."""
    top, left, bottom, right = bounds
    start = (letters(left) if left is not None else "") + (str(top + 1) if top is not None else "")
    if bottom is None and right is None:
        return start
    end = (letters(right) if right is not None else "") + (str(bottom + 1) if bottom is not None else "")
    return start + ":" + end


def header_row(value) -> int:
    """The header row as given (its number in the sheet, 1 for the first; 0: no header row); OpenError if not."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise _bad_header(value)
    text = str(value).strip()
    if not text.isdigit() or int(text) > MAX_ROWS:
        raise _bad_header(value)
    return int(text)


def checked_options(options: dict) -> dict:
    """The workbook options of ``options`` checked: ``{sheets?, header_row?, range?}`` (the range as ``label``
    writes it, each sheet once); OpenError if one cannot apply."""
    out = {}  # type: dict
    sheets = options.get("sheets")
    if sheets is not None:
        if not isinstance(sheets, list) or not sheets or not all(isinstance(s, str) for s in sheets):
            raise OpenError('The sheets to read must be a list of sheet names, for example ["Sales"].')
        out["sheets"] = []
        for sheet in sheets:
            if sheet not in out["sheets"]:
                out["sheets"].append(sheet)
    if options.get("header_row") is not None:
        out["header_row"] = header_row(options["header_row"])
    if options.get("range"):
        out["range"] = label(parse(str(options["range"])))
    return out


def _cell(text: str, whole: str) -> tuple:
    """``(row, column)`` 0-based of one end of a range (None for the part left out)."""
    i = 0
    while i < len(text) and "A" <= text[i] <= "Z":
        i += 1
    column_text, row_text = text[:i], text[i:]
    if not column_text and not row_text:
        raise _unreadable(whole)
    if row_text and not row_text.isdigit():
        raise _unreadable(whole)
    column = None
    if column_text:
        if len(column_text) > 3:
            raise _unreadable(whole)
        column = 0
        for ch in column_text:
            column = column * 26 + (ord(ch) - 64)
        column -= 1
        if column >= MAX_COLUMNS:
            raise _unreadable(whole)
    row = None
    if row_text:
        row = int(row_text) - 1
        if row < 0 or row >= MAX_ROWS:
            raise _unreadable(whole)
    return (row, column)


def _unreadable(text: str) -> OpenError:
    return OpenError(
        "'" + str(text)[:40] + "' is not a range Loupe understands. Write it as Excel does, " + EXAMPLE + "."
    )


def _bad_header(value) -> OpenError:
    return OpenError(
        "The header row must be the number of a row in the sheet (1 for the first), or 0 for no header row; got "
        + repr(value)[:40]
        + "."
    )
