"""Where the columns of a view go: their order after a move, hidden ones shown again, first widths.

Moves work on the names of the columns in sight (``query.visible``), in the
order they are shown; the new order is stored in the view state with
``view.with_order``.

    moved_by(names, "temp", -1)          -> names with "temp" one place left
    moved_before(names, "temp", "date")  -> names with "temp" just before "date"
    default_width(column)                -> pixels

Runs under MicroPython and CPython (see README.md).
"""

from app.core import query, view

MAX_DEFAULT_WIDTH = 260
# A first width per kind: dense for numbers, wider for text.
KIND_WIDTHS = {
    "integer": 90,
    "decimal": 100,
    "boolean": 70,
    "date": 110,
    "timestamp": 170,
    "time": 90,
    "text": 160,
    "list": 160,
    "struct": 200,
}
OTHER_WIDTH = 120
UNGROUPABLE_KINDS = ("list", "struct", "binary")


def shown_names(columns: list, state: dict) -> list:
    """The names of the columns in sight, in the order shown."""
    return [c["name"] for c in query.visible(columns, state)]


def moved_by(names: list, column: str, step: int):
    """``names`` with ``column`` moved ``step`` places (negative: left), kept within the ends; None if absent."""
    if column not in names:
        return None
    out = list(names)
    at = out.index(column)
    to = max(0, min(len(out) - 1, at + step))
    out.pop(at)
    out.insert(to, column)
    return out


def moved_before(names: list, column: str, before: str) -> list:
    """``names`` with ``column`` dropped just before ``before`` (a header dragged onto another)."""
    out = list(names)
    out.remove(column)
    out.insert(out.index(before), column)
    return out


def all_shown(view_state: dict) -> dict:
    """``view_state`` with every hidden column of the active table shown again."""
    shown = view_state
    for name in list(view.table_state(view_state).get("hidden") or []):
        shown = view.with_hidden(shown, name, False)
    return shown


def default_width(column: dict) -> int:
    """A first width in pixels from the column's kind and the length of its name."""
    base = KIND_WIDTHS.get(column["kind"], OTHER_WIDTH)
    return max(base, min(MAX_DEFAULT_WIDTH, 34 + 8 * len(column["name"])))


def groupable(columns: list) -> list:
    """The columns a view can be grouped by (lists, structs and bytes cannot)."""
    return [c for c in columns if c["kind"] not in UNGROUPABLE_KINDS]
