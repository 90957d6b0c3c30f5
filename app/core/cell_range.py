"""A selected range of grid cells: its bounds, and where a key moves its focus cell.

A selection is an anchor cell and a focus cell, each ``(row, column)``
(0-based); the range is the rectangle between them.

    bounds((3, 1), (0, 2))                     -> (0, 1, 3, 2)
    key_target("ArrowDown", False, (3, 1), …)  -> (4, 1)

Runs under MicroPython and CPython (see README.md).
"""


def bounds(anchor, focus):
    """``(top, left, bottom, right)`` of the range, inclusive; None without a selection."""
    if focus is None:
        return None
    return (
        min(anchor[0], focus[0]),
        min(anchor[1], focus[1]),
        max(anchor[0], focus[0]),
        max(anchor[1], focus[1]),
    )


def clamped(row: int, column: int, rows: int, columns: int) -> tuple:
    """``(row, column)`` kept inside a grid of ``rows`` × ``columns`` (both at least 1)."""
    return (max(0, min(row, rows - 1)), max(0, min(column, columns - 1)))


def still_fits(focus, rows: int, columns: int) -> bool:
    """Whether a focus cell kept across a redraw is still inside the grid."""
    return focus is None or (focus[1] < columns and focus[0] < rows)


def everything(rows: int, columns: int) -> tuple:
    """``(anchor, focus)`` selecting every cell (Ctrl+A)."""
    return (0, 0), (max(rows - 1, 0), max(columns - 1, 0))


def key_target(key: str, ctrl: bool, focus, start: tuple, page: int, rows: int, columns: int):
    """The cell ``key`` moves the focus to (unclamped), or None for a key that moves nothing.

    ``start``: where a first key press lands without a focus (the first row in
    sight); ``page``: rows in sight, for Page Up/Down; with ``ctrl`` the
    arrows, Home and End go to the edges.
    """
    move = MOVES.get(key)
    if move is None:
        return None
    if focus is None:
        return start
    return move(focus[0], focus[1], ctrl, page, max(rows - 1, 0), max(columns - 1, 0))


# key -> (row, column, ctrl, page, last row, last column) -> the cell it moves to
MOVES = {
    "ArrowDown": lambda r, c, ctrl, page, last_r, last_c: (last_r if ctrl else r + 1, c),
    "ArrowUp": lambda r, c, ctrl, page, last_r, last_c: (0 if ctrl else r - 1, c),
    "ArrowRight": lambda r, c, ctrl, page, last_r, last_c: (r, last_c if ctrl else c + 1),
    "ArrowLeft": lambda r, c, ctrl, page, last_r, last_c: (r, 0 if ctrl else c - 1),
    "PageDown": lambda r, c, ctrl, page, last_r, last_c: (r + page, c),
    "PageUp": lambda r, c, ctrl, page, last_r, last_c: (r - page, c),
    "Home": lambda r, c, ctrl, page, last_r, last_c: (0, 0) if ctrl else (r, 0),
    "End": lambda r, c, ctrl, page, last_r, last_c: (last_r, last_c) if ctrl else (r, last_c),
}


def scroll_target(row: int, first: int, page: int):
    """The row to scroll to so that ``row`` comes into sight (None: it is in sight)."""
    if row < first:
        return row
    if row >= first + page:
        return row - page + 1
    return None
