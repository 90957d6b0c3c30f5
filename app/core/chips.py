"""The chips above the grid: one per filter, the search and the grouping, each removable.

A chip is ``{"label", "kind", "index"}``: ``kind`` says what removing it
undoes (``"filter"`` number ``index``, ``"search"``, ``"group"``), and
``removed(view, kind, index)`` is the view without it. With more than one
chip a "Clear all" button (kind ``"all"``) removes them together.

    chips_of(state, columns) -> [{"label": "weather: rain, sun", "kind": "filter", "index": 0}, ...]

Runs under MicroPython and CPython (see README.md).
"""

from app.core import filters, view

KINDS = ("filter", "search", "group", "all")


def chips_of(state: dict, columns: list) -> list:
    """The chips of the active filters, search and grouping, in that order."""
    chips = []
    for index, flt in enumerate(state.get("filters") or []):
        chips.append({"label": filter_chip_label(columns, flt), "kind": "filter", "index": index})
    if state.get("search"):
        chips.append({"label": "search: “" + state["search"] + "”", "kind": "search", "index": 0})
    group = state.get("group")
    if group:
        chips.append({"label": "grouped by " + ", ".join(group["by"]), "kind": "group", "index": 0})
    return chips


def filter_chip_label(columns: list, flt: dict) -> str:
    """A filter's label; a filter this table cannot apply still gets a chip, to remove it."""
    try:
        return filters.filter_label(columns, flt)
    except Exception:
        return str(flt.get("column")) + " (not in this table)"


def clear_all_shown(chips: list) -> bool:
    """Whether the "Clear all" button shows (more than one chip)."""
    return len(chips) > 1


def removal_label(chip: dict) -> str:
    """The screen-reader name of a chip's × button."""
    return "Remove " + chip["label"]


def removed(view_state: dict, kind: str, index: int = 0) -> dict:
    """``view_state`` without the chip of ``kind`` (and ``index``, for a filter); ``"all"`` removes every one."""
    if kind == "filter":
        return view.without_filter(view_state, index)
    if kind == "search":
        return view.with_search(view_state, "")
    if kind == "group":
        return view.with_group(view_state, None, None)
    if kind == "all":
        return cleared(view_state)
    raise ValueError("no chip of kind " + repr(kind))


def cleared(view_state: dict) -> dict:
    """``view_state`` with no filter, search or grouping on the active table."""
    return view.with_group(view.with_search(view.without_filter(view_state), ""), None)


def clears_search(kind: str) -> bool:
    """Whether removing a chip of ``kind`` empties the search box."""
    return kind in ("search", "all")
