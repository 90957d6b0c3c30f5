"""One sheet's cells shaped as a person reads the sheet: the part asked for, its header, its rows.

    shape("Sales", rows, origin=(2, 1), merged=[((3, 1), (5, 1))], bounds=None, header=None)
        -> {"name", "rows": [[header...], [row...], ...], "empty_rows", "merged"} or None

Rules, in order: a merged area keeps its value in its first cell only, as
pandas, R and Power Query read it (and counted, so the note can point to
the Fill missing step); ``bounds`` (from ``app.core.sheet_range.parse``) cuts
the sheet to a range; the header is the row ``header`` (its number in the
sheet, 1 for the first; 0 for none, the columns then named by their letters)
or else the first row with a value; rows above it are skipped, entirely
empty rows below it dropped and counted; empty columns on the left and on
the right are skipped. Runs in the Pyodide worker and under CPython.
"""

from __future__ import annotations

from typing import Any

from app.core import sheet_range
from app.core.errors import TabularError

Merged = list[tuple[tuple[int, int], tuple[int, int]]]


def shape(
    name: str,
    rows: list[list],
    origin: tuple[int, int] = (0, 0),
    merged: Merged | None = None,
    bounds: tuple | None = None,
    header: int | None = None,
) -> dict[str, Any] | None:
    """The sheet ``name`` (``rows`` from the cell at ``origin``, 0-based) shaped by the rules above; None if empty.

    Raises TabularError when ``header`` or ``bounds`` point outside the sheet's cells.
    """
    merges = _merges(rows, origin, merged or [])
    top, left = origin
    if bounds is not None:
        rows, top, left = _cut(rows, top, left, bounds)
    if header is not None and header > 0:
        at = header - 1 - top
        if at < 0 or at >= len(rows):
            raise TabularError(_header_outside(name, header, top, len(rows), bounds))
        rows = rows[at:]
        top = header - 1
    filled = [i for i, row in enumerate(rows) if not _empty(row)]
    if not filled:
        return None
    start = 0 if header else filled[0]
    kept = rows[start:] if len(filled) == len(rows) - start else [rows[start]] + [rows[i] for i in filled if i > start]
    skip = _empty_left(kept)
    if skip:
        kept = [row[skip:] for row in kept]
        left += skip
    width = max(map(_last_filled, kept))
    if any(len(row) != width for row in kept):
        kept = [list(row[:width]) + [None] * (width - len(row)) for row in kept]
    if header == 0:
        kept = [[sheet_range.letters(left + i) for i in range(width)]] + kept
    else:
        kept = [list(kept[0])] + kept[1:]
    hint = _title_hint(rows, start, top) if header is None else None
    data_rows = len(kept) - 1
    last = filled[-1]
    spanned = last - start if header != 0 else last - start + 1
    return {
        "name": name,
        "rows": kept,
        "empty_rows": max(spanned - data_rows, 0),
        "merged": merges,
        "header_hint": hint,
    }


def _title_hint(rows: list[list], start: int, top: int) -> int | None:
    """The row number (in the sheet) the header looks to be on when the row taken as header is a title.

    A title is one filled cell over rows of several; the hint is the first of
    those rows. None when the row taken as header is not alone in its row.
    """
    if _filled(rows[start]) != 1:
        return None
    for i in range(start + 1, min(start + 20, len(rows))):
        if _filled(rows[i]) >= 2:
            return top + i + 1
    return None


def _filled(row: list) -> int:
    return len(row) - row.count(None) - row.count("")


def _merges(rows: list[list], origin: tuple[int, int], merged: Merged) -> int:
    """How many merged areas of more than one cell hold a value (it stays in their first cell)."""
    top, left = origin
    count = 0
    for (r1, c1), (r2, c2) in merged:
        r, c = r1 - top, c1 - left
        if (r1, c1) == (r2, c2) or r < 0 or c < 0 or r >= len(rows) or c >= len(rows[r]):
            continue
        if rows[r][c] is not None and rows[r][c] != "":
            count += 1
    return count


def _cut(rows: list[list], top: int, left: int, bounds: tuple) -> tuple[list[list], int, int]:
    """The rows inside ``bounds`` (absolute, 0-based, None: open), and where they now begin."""
    b_top, b_left, b_bottom, b_right = bounds
    first = max((b_top if b_top is not None else top) - top, 0)
    last = len(rows) if b_bottom is None else max(b_bottom - top + 1, 0)
    start = max((b_left if b_left is not None else left) - left, 0)
    end = None if b_right is None else max(b_right - left + 1, 0)
    cut = [list(row[start:end]) for row in rows[first:last]]
    return cut, top + first, left + start


def _empty(row: list) -> bool:
    return row.count("") + row.count(None) == len(row)


def _empty_left(rows: list[list]) -> int:
    """How many columns on the left are empty in every row."""
    firsts = [next(i for i, v in enumerate(row) if v is not None and v != "") for row in rows if not _empty(row)]
    return min(firsts, default=0)


def _last_filled(row: list) -> int:
    for i in range(len(row) - 1, -1, -1):
        if row[i] is not None and row[i] != "":
            return i + 1
    return 0


def _header_outside(name: str, header: int, top: int, count: int, bounds: tuple | None) -> str:
    where = f"the range {sheet_range.label(bounds)}" if bounds is not None else f"the cells of sheet '{name}'"
    if count == 0:
        return f"Sheet '{name}' has no cells in {where}; choose another range or sheet."
    return (
        f"Row {header} is outside {where} (rows {top + 1} to {top + count}). "
        "Choose a header row inside it, or leave it empty to take the first row with values."
    )
