"""Times with a time zone, read as times in UTC.

ISO times ending in ``Z`` or ``+01:00`` (what APIs, logs and pandas write)
are ``TIMESTAMP WITH TIME ZONE`` to DuckDB. Without its ICU extension, which
the browser's engine does not have (Loupe loads no extensions), most
functions on them fail: ``date_trunc``, ``extract``, ``strftime``, a cast to
``DATE``. So Loupe reads them as plain ``TIMESTAMP`` in UTC — the same
instant, on which every function works — and says so. Where a column's
values were written with different offsets, the offset of each is kept in a
text column beside it (``time_offset``: ``+01:00``), so local times can be
worked out again.

    ZONED                   DuckDB's name of the type
    zoned(columns)          the names of the columns of that type
    to_utc(table, columns)  steps: make those columns (and zoned text) UTC; return what was done
    SUMMARY                 what the source summary says of a table with such times
    changes_message(...)    what a person is told

Runs under MicroPython and CPython (see README.md).
"""

from app.core import sql

ZONED = "TIMESTAMP WITH TIME ZONE"
OFFSET_SUFFIX = "_offset"
SUMMARY = "Times in UTC"
# The offset at the end of an ISO time: Z, +01, +0100 or +01:00.
_OFFSET = "(Z|z|[+-][0-9][0-9](:?[0-9][0-9])?)$"


def zoned(columns: list) -> list:
    """Names of the columns of ``columns`` (``{name, type}``) that are times with a time zone."""
    return [c["name"] for c in columns if c["type"].upper() in (ZONED, "TIMESTAMPTZ")]


def to_utc(table: str, columns: list, text=None):
    """Steps: make ``table``'s zoned columns TIMESTAMP in UTC; return ``[{column, offsets, offset_column}]``.

    ``columns`` are the table's columns in order. ``text`` names text columns
    holding zoned times (a CSV's, read as text so that each value's offset
    is still there): the offsets are counted and, where they vary, kept in a
    column ``<column>_offset`` placed after it. A zoned-typed column (from
    JSON or Parquet) no longer has its offsets: it is converted as it is.
    """
    text = [name for name in (text or []) if name in [c["name"] for c in columns]]
    typed = [name for name in zoned(columns) if name not in text]
    if not text and not typed:
        return []
    offsets = {}  # type: dict
    if text:
        counted = yield _offset_counts(table, text)
        offsets = {name: counted["rows"][0][i] for i, name in enumerate(text)}
    taken = [c["name"].lower() for c in columns]
    changes = []  # type: list
    for column in columns:
        name = column["name"]
        if name in text:
            kept = None
            if (offsets.get(name) or 0) > 1:
                kept = _free(name + OFFSET_SUFFIX, taken)
                taken.append(kept.lower())
            changes.append({"column": name, "offsets": offsets.get(name) or 0, "offset_column": kept})
        elif name in typed:
            changes.append({"column": name, "offsets": None, "offset_column": None})
    yield _rebuild(table, columns, text, changes)
    return changes


def changes_message(name: str, changes: list) -> str:
    """What ``to_utc`` did, for a person; '' when it did nothing."""
    if not changes:
        return ""
    columns = ", ".join("'" + c["column"] + "'" for c in changes[:5])
    more = len(changes) - min(len(changes), 5)
    said = (
        "In '"
        + name
        + "', times with a time zone ("
        + columns
        + (" and " + str(more) + " more" if more > 0 else "")
        + ") are shown in UTC, so that every date function works on them."
    )
    kept = [c for c in changes if c["offset_column"]]
    if kept:
        said += (
            " Their offsets vary, so each value's offset is kept in "
            + ", ".join("'" + c["offset_column"] + "'" for c in kept)
            + "."
        )
    return said


def _offset_counts(table: str, text: list) -> tuple:
    """One row: per text column, how many different offsets its values were written with."""
    parts = ["count(DISTINCT " + _offset(sql.quote_ident(name)) + ")" for name in text]
    return "SELECT " + ", ".join(parts) + " FROM " + sql.quote_ident(table), []


def _offset(column: str) -> str:
    """SQL: the offset a zoned text value ``column`` was written with, as ``+HH:MM`` (no offset: UTC)."""
    found = "regexp_extract(trim(" + column + "), '" + _OFFSET + "', 1)"
    return (
        "CASE WHEN " + column + " IS NULL THEN NULL "
        "WHEN upper(" + found + ") IN ('Z', '') THEN '+00:00' "
        "WHEN length(" + found + ") = 3 THEN " + found + " || ':00' "
        "WHEN length(" + found + ") = 5 THEN substr(" + found + ", 1, 3) || ':' || substr(" + found + ", 4, 2) "
        "ELSE " + found + " END"
    )


def _rebuild(table: str, columns: list, text: list, changes: list) -> tuple:
    """The table again with its zoned columns in UTC and the offset columns after them."""
    kept = {c["column"]: c["offset_column"] for c in changes}
    parts = []
    for column in columns:
        name = column["name"]
        c = sql.quote_ident(name)
        if name not in kept:
            parts.append(c)
            continue
        if name in text:
            # Through the zoned type, which applies each value's offset; a cast straight to TIMESTAMP drops it.
            parts.append("CAST(TRY_CAST(trim(" + c + ") AS " + ZONED + ") AS TIMESTAMP) AS " + c)
        else:
            parts.append("CAST(" + c + " AS TIMESTAMP) AS " + c)
        if kept[name]:
            parts.append(_offset(c) + " AS " + sql.quote_ident(kept[name]))
    t = sql.quote_ident(table)
    return "CREATE OR REPLACE TABLE " + t + " AS SELECT " + ", ".join(parts) + " FROM " + t, []


def _free(name: str, taken: list) -> str:
    """``name``, or ``name_2``, ``name_3``… if a column is already called that (case aside)."""
    candidate = name
    n = 2
    while candidate.lower() in taken:
        candidate = name + "_" + str(n)
        n += 1
    return candidate
