"""Values to the text shown in a cell, a statistic or a caption.

Runs under MicroPython and CPython (see README.md).
"""

import json

from app.core import bins

NULL_TEXT = "NULL"


def listed(items: list) -> str:
    """Items as a sentence lists them: "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def thousands(n) -> str:
    """``1461`` -> ``'1,461'`` (MicroPython's format has no ',' option)."""
    text = str(int(n))
    sign = "-" if text.startswith("-") else ""
    digits = text.lstrip("-")
    groups = []  # type: list
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return sign + ",".join(groups)


def cell_text(value) -> str:
    """The text of one JSON value from the engine; None is shown as NULL."""
    if value is None:
        return NULL_TEXT
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


def number_text(value) -> str:
    """A statistic as text: ``1,234``, ``1,234.57``, ``0.000123``, ``1.5e+20``; None as a dash."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return cell_text(value)
    if isinstance(value, int):
        return thousands(value)
    if not bins.finite(value):
        return "NaN" if value != value else ("∞" if value > 0 else "−∞")
    size = abs(value)
    if size >= 1e15 or 0 < size < 1e-4:
        return "%.4g" % value
    text = "%.6g" % value
    if size >= 1e6 or "e" in text:  # "e": 999999.5 rounds up to 1e+06
        return thousands(int(round(value)))
    if size >= 1000:
        parts = text.split(".")
        text = thousands(int(parts[0])) + ("." + parts[1] if len(parts) > 1 else "")
    return text


def tsv(rows: list) -> str:
    """Rows as tab-separated text that pastes into a spreadsheet: NULL is an empty cell.

    A value holding a tab, a line break or a double quote is quoted, its
    quotes doubled, as spreadsheets expect.
    """
    lines = []
    for row in rows:
        cells = []
        for value in row:
            text = "" if value is None else cell_text(value)
            if "\t" in text or "\n" in text or "\r" in text or '"' in text:
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append("\t".join(cells))
    return "\n".join(lines)


def _float_text(value: float) -> str:
    """15 significant digits: 8.3 stays '8.3' (MicroPython's str() would say 8.300000000000001)."""
    text = "%.15g" % value
    if "e" not in text and "." not in text and "n" not in text:
        text += ".0" if abs(value) < 1e15 else ""
    return text


def rows_caption(rows: int, columns: int) -> str:
    """``'1,461 rows × 6 columns'`` with singulars where they belong."""
    return (
        thousands(rows)
        + (" row" if rows == 1 else " rows")
        + " × "
        + thousands(columns)
        + (" column" if columns == 1 else " columns")
    )
