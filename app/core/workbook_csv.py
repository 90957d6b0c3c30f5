"""A sheet's cells as CSV text that DuckDB reads back with their types.

Runs in the Pyodide worker (CPython 3.14) and under CPython for tests, with
``app.core.workbooks``. Dates and times are written in ISO form, booleans as
true/false, whole numbers as integers (Excel stores every number as a
double), durations as Excel shows ``[h]:mm:ss``. A column is converted a
whole column at a time where its kind allows (a 1M-row sheet is written in
seconds), and progress is yielded every ``PROGRESS_ROWS`` rows.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import sys
from collections.abc import Generator, Iterable
from typing import Any

# Rows written between two reports of progress (a sheet of 100,000 rows reports twice).
PROGRESS_ROWS = 50_000
_BOOLEAN_TEXT = {True: "true", False: "false", None: None}
# A duration as LibreOffice's .ods stores it and calamine hands it on: PT288H00M00S.
_ODS_DURATION = re.compile(r"^(-?)PT(\d+)H(\d+)M(\d+(?:[.,]\d+)?)S$")
_MIDNIGHT = datetime.time(0)


def cell(value: Any) -> str:
    """A cell as CSV text DuckDB reads back with its type (ISO dates and times, true/false, numbers)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # Excel stores every number as a double: 3.0 is the integer 3 a person typed.
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, datetime.datetime):
        # openpyxl reads a date as a datetime at midnight.
        if value.time() == _MIDNIGHT and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration(value)
    if isinstance(value, bytes):
        return "".join(f"\\x{b:02X}" for b in value)
    return str(value)


def duration(value: datetime.timedelta) -> str:
    """A duration as Excel shows ``[h]:mm:ss``, with its fraction of a second (to the millisecond) when it has one."""
    milliseconds = round(value.total_seconds() * 1000)
    sign = "-" if milliseconds < 0 else ""
    seconds, fraction = divmod(abs(milliseconds), 1000)
    hours, rest = divmod(seconds, 3600)
    text = f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return text + (f".{fraction:03d}".rstrip("0") if fraction else "")


def ods_duration(text: str) -> str | None:
    """``'PT288H00M00S'`` (an .ods duration) as ``'288:00:00'``; None for any other text."""
    found = _ODS_DURATION.match(text)
    if found is None:
        return None
    sign, hours, minutes, seconds = found.groups()
    total = (int(hours) * 3600 + int(minutes) * 60) + float(seconds.replace(",", "."))
    return duration(datetime.timedelta(seconds=-total if sign else total))


def rows_csv(rows: list[list], ods: bool = False) -> tuple[str, list[int]]:
    """``(csv, text_columns)``: the rows as CSV, the first (the header) cell by cell and the others a column
    at a time; the columns (0-based) whose cells are all text (see ``rows_reading``)."""
    progress = rows_reading(rows, {}, ods)
    while True:
        try:
            next(progress)
        except StopIteration as stop:
            return stop.value


def rows_reading(
    rows: list[list], where: dict[str, Any], ods: bool = False
) -> Generator[dict, None, tuple[str, list[int]]]:
    """``rows_csv`` as a generator, yielding ``where`` with the rows written so far every ``PROGRESS_ROWS``.

    A text column (every cell below the header that is not empty holds text, as
    pandas and R read it: "007", "f", "2024-01-05" typed as text) is named so the
    loader keeps it text, where DuckDB would read a number, a boolean or a date.

    A cell holding a lone carriage return is quoted, so it stays in its row: CPython 3.13 and
    later (the browser's) quote it by themselves; before, the csv module quotes only the
    characters of its line ending, so lines end with CRLF when such a cell is there (not
    always: DuckDB's sniffer fails on a CRLF file whose header holds a quoted LF).
    ``ods``: texts that are .ods durations are written as durations.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=_line_end(rows))
    # Per column: 1 while nothing but empty cells has been seen, 2 once a text too, 0 once anything else.
    texts = [1] * (len(rows[0]) if rows else 0)
    if rows:
        writer.writerow([cell(v) for v in column(tuple(rows[0]), ods)])
    for start in range(1, len(rows), PROGRESS_ROWS):
        if start > 1:
            yield dict(where, rows=start - 1, total=len(rows) - 1)
        written = []
        for i, values in enumerate(zip(*rows[start : start + PROGRESS_ROWS])):
            if ods:
                values = _ods_durations(values)
            kinds = _kinds(values)
            if texts[i]:
                texts[i] = 0 if not kinds <= {str} else 2 if kinds or texts[i] == 2 else 1
            written.append(_converted(values, kinds))
        writer.writerows(zip(*written))
    return out.getvalue(), [i for i, seen in enumerate(texts) if seen == 2]


def _line_end(rows: list[list]) -> str:
    if sys.version_info >= (3, 13) or not any(isinstance(v, str) and "\r" in v for row in rows for v in row):
        return "\n"
    return "\r\n"


def column(values: tuple, ods: bool = False) -> Iterable[Any]:
    """A column's values as ``cell`` writes them, converted a whole column at a time where its kind allows.

    The csv module writes None as an empty field and a float by its repr, so
    text and fractional numbers go as they are; a column of whole numbers is
    written as integers (so DuckDB reads BIGINT), and booleans and dates by
    one mapping each. Dates among date-times are written as date-times at
    midnight, so the column stays one of timestamps. A column of mixed kinds
    goes cell by cell.
    """
    if ods:
        values = _ods_durations(values)
    return _converted(values, _kinds(values))


def _kinds(values: tuple) -> set:
    kinds = set(map(type, values))
    kinds.discard(type(None))
    return kinds


def _ods_durations(values: tuple) -> tuple:
    if any(type(v) is str and v.startswith(("PT", "-PT")) for v in values):
        return tuple((ods_duration(v) or v) if type(v) is str else v for v in values)
    return values


def _converted(values: tuple, kinds: set) -> Iterable[Any]:
    if kinds <= {str}:
        return values
    if kinds == {float}:
        numbers = [v for v in values if v is not None]
        if not all(map(float.is_integer, numbers)) or max(map(abs, numbers)) >= 2**53:
            return values
        if len(numbers) == len(values):
            return map(str, map(int, values))
    elif kinds == {bool}:
        return map(_BOOLEAN_TEXT.get, values)
    elif kinds == {datetime.date}:
        return [None if v is None else v.isoformat() for v in values]
    elif datetime.datetime in kinds and kinds <= {datetime.date, datetime.datetime}:
        return _date_times(values)
    return [cell(v) for v in values]


def _date_times(values: tuple) -> list:
    """Dates and date-times of one column: all dates when every time is midnight, else all date-times."""
    timed = any(type(v) is datetime.datetime and (v.time() != _MIDNIGHT or v.tzinfo is not None) for v in values)
    if not timed:
        return [None if v is None else v.isoformat()[:10] for v in values]
    return [
        None if v is None else (v.isoformat(sep=" ") if type(v) is datetime.datetime else v.isoformat() + " 00:00:00")
        for v in values
    ]
