"""The sort of a view: the cycle a header click steps through, and the marks a header shows.

A click on a column's header sorts by it ascending, then descending, then
not at all; Shift+click adds the column to the columns already sorted by
instead of replacing them. A grouped view sorts its groups (by one column
at a time, commonest first until the person picks another).

    next_direction(state, "temp")      -> "asc" | "desc" | None
    sorted_view(view, "temp", "asc")   -> a new view state
    header_marks(sort)                 -> {column: {"aria": ..., "mark": ...}}

Runs under MicroPython and CPython (see README.md).
"""

from app.core import query, view

# direction now -> direction after a click
CYCLE = {None: "asc", "asc": "desc", "desc": None}
ARIA_SORT = {None: "none", "asc": "ascending", "desc": "descending"}


def sort_pairs(state: dict) -> list:
    """``[[column, direction], ...]`` the view is sorted by (a grouped view: its groups' sort)."""
    pairs = state["group"].get("sort") if state.get("group") else state.get("sort")
    return pairs or []


def direction_of(pairs: list, column: str):
    """The direction ``column`` is sorted in by ``pairs`` (None: not sorted by it)."""
    current = None
    for name, direction in pairs:
        if name == column:
            current = direction
    return current


def next_direction(state: dict, column: str):
    """The direction a click on ``column``'s header sorts in: asc, then desc, then none."""
    return CYCLE[direction_of(sort_pairs(state), column)]


def sorted_view(view_state: dict, column: str, direction, add: bool = False) -> dict:
    """``view_state`` with the active table (or its groups) sorted by ``column`` in ``direction``."""
    if view.table_state(view_state).get("group"):
        return view.with_group_sort(view_state, column, direction)
    return view.with_sort(view_state, column, direction, add)


def clicked_view(view_state: dict, column: str, add: bool = False) -> dict:
    """``view_state`` after a click on ``column``'s header (Shift held: ``add``)."""
    return sorted_view(view_state, column, next_direction(view.table_state(view_state), column), add)


def grid_sort(state: dict) -> list:
    """The sort the grid marks: a grouped view without one of its own lists its commonest groups first."""
    if state.get("group"):
        return state["group"].get("sort") or [[query.COUNT_COLUMN, "desc"]]
    return state.get("sort") or []


def header_marks(sort: list) -> dict:
    """``{column: {"direction", "aria", "mark"}}`` for each sorted column: ``'▲'``, or ``'▼2'`` when several are."""
    marks = {}
    for i, pair in enumerate(sort):
        name, direction = pair[0], pair[1]
        number = str(i + 1) if len(sort) > 1 else ""
        marks[name] = {
            "direction": direction,
            "aria": ARIA_SORT[direction],
            "mark": ("▲" if direction == "asc" else "▼") + number,
        }
    return marks


def aria_sort(marks: dict, column: str) -> str:
    """The header's ``aria-sort`` for ``column``."""
    found = marks.get(column)
    return found["aria"] if found else ARIA_SORT[None]
