"""Where the grid draws things: rows in the scroll range, the rows drawn, cell classes, cached blocks.

Browsers cap an element's height (about 33 M px in Chromium), so past
``MAX_HEIGHT`` the scroll range is scaled: the scrollbar maps onto rows
proportionally and the rows are drawn at the top of the viewport.

    row_at(scroll_top, total, client_height)   -> the first row in sight
    drawn_rows(scroll_top, total, client_height) -> {first, last, top, bottom}

Runs under MicroPython and CPython (see README.md).
"""

from app.core import types

ROW_HEIGHT = 28
BLOCK = 200  # rows per fetch
OVERSCAN = 8
MAX_HEIGHT = 8000000
MAX_BLOCKS = 24  # cached blocks per view


def rows_in_sight(client_height: int) -> int:
    """How many whole rows a viewport ``client_height`` pixels tall shows below the header."""
    return max(1, int(client_height) // ROW_HEIGHT - 1)


def virtual_height(total: int) -> int:
    """The height of the scroll range for ``total`` rows, capped at ``MAX_HEIGHT``."""
    return min(total * ROW_HEIGHT, MAX_HEIGHT)


def scaled(total: int) -> bool:
    """Whether ``total`` rows overflow ``MAX_HEIGHT``, so the scroll range maps onto rows proportionally."""
    return total * ROW_HEIGHT > MAX_HEIGHT


def row_at(scroll_top: int, total: int, client_height: int) -> int:
    """The first row in sight when the grid is scrolled to ``scroll_top``."""
    if not scaled(total):
        return scroll_top // ROW_HEIGHT
    room = max(MAX_HEIGHT - int(client_height), 1)
    span = max(total - rows_in_sight(client_height), 0)
    return min(span, int(scroll_top * span / room + 0.5))


def scroll_for(row: int, total: int, client_height: int) -> int:
    """The ``scrollTop`` that puts ``row`` first in sight."""
    if not scaled(total):
        return row * ROW_HEIGHT
    room = max(MAX_HEIGHT - int(client_height), 1)
    span = max(total - rows_in_sight(client_height), 1)
    return int(row * room / span)


def drawn_rows(scroll_top: int, total: int, client_height: int) -> dict:
    """The rows to draw: ``first`` .. ``last`` (exclusive), with the spacers' heights ``top`` and ``bottom``.

    Unscaled, a few rows above and below the viewport are drawn too, so a
    short scroll shows rows at once; scaled, the rows sit at the top of the
    viewport."""
    in_sight = row_at(scroll_top, total, client_height)
    count = rows_in_sight(client_height) + 2
    if scaled(total):
        first = in_sight
        top = scroll_top
    else:
        first = max(0, in_sight - OVERSCAN)
        count += OVERSCAN * 2
        top = first * ROW_HEIGHT
    last = min(total, first + count)
    bottom = max(0, virtual_height(total) - top - (last - first) * ROW_HEIGHT)
    return {"first": first, "last": last, "top": top, "bottom": bottom}


def blocks_to_drop(cached: list, first_row: int) -> list:
    """The cached blocks to drop before one more is stored: the farthest from ``first_row``'s block."""
    if len(cached) < MAX_BLOCKS:
        return []
    far = sorted(cached, key=lambda b: -abs(b - first_row // BLOCK))
    return far[: len(cached) - MAX_BLOCKS + 1]


def cell_class(column: dict, value) -> str:
    """A cell's classes: ``num`` for numbers (aligned right), ``null`` and ``empty`` for what is not there."""
    cls = "num" if types.is_numeric(column["kind"]) else ""
    if value is None:
        cls += " null"
    elif value == "":
        cls += " empty"
    return cls
