"""Values to the text shown in a cell or a caption.

Runs under MicroPython and CPython (see README.md).
"""

import json

NULL_TEXT = "NULL"


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


def range_caption(offset: int, shown: int, total: int) -> str:
    """``'Rows 1–200 of 1,461'`` for a page starting at ``offset``."""
    if total == 0 or shown == 0:
        return "No rows"
    return "Rows " + thousands(offset + 1) + "–" + thousands(offset + shown) + " of " + thousands(total)
