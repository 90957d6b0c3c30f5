"""The words around the data: row counts, the columns drawer, the selection, facets and profiles.

Every caption is a pure function of counts and names, so its wording and
its singulars and plurals are tested once, under CPython, and drawn the
same on every screen.

    count_caption(1204, 3000000, True, False) -> 'Showing 1,204 of 3,000,000 rows'
    columns_summary(2)                        -> 'Columns (2 hidden)…'
    copied_caption(3, 2, False)               -> 'Copied 3 rows × 2 columns as tab-separated text.'

Runs under MicroPython and CPython (see README.md).
"""

from app.core import display

MAX_ANNOUNCED = 200  # characters of a cell's value read out by a screen reader


def count_caption(shown: int, total: int, exact: bool, grouped: bool) -> str:
    """``'Showing 1,204 of 3,000,000 rows'`` (or groups, or a plain total, or counting)."""
    if grouped:
        return display.thousands(shown) + (" group" if shown == 1 else " groups") + " of " + rows_text(total)
    if not exact:
        return "Counting matching rows (of " + display.thousands(total) + ")…"
    if shown == total:
        return rows_text(total)
    return "Showing " + display.thousands(shown) + " of " + rows_text(total)


def rows_text(count: int) -> str:
    """``'1 row'``, ``'1,461 rows'``."""
    return display.thousands(count) + (" row" if count == 1 else " rows")


def columns_summary(hidden: int) -> str:
    """The columns drawer's title: ``'Columns…'`` or ``'Columns (2 hidden)…'``."""
    return "Columns" + ((" (" + display.thousands(hidden) + " hidden)") if hidden else "") + "…"


def header_title(column: dict) -> str:
    """The tooltip of a column's header button."""
    return column["name"] + " (" + column["type"] + ") — click to sort, Shift+click to add to the sort"


def menu_label(name: str) -> str:
    """The screen-reader name of a column's ⋮ menu button."""
    return "Column " + name + ": profile, filter and more"


def group_row_label(row: int) -> str:
    """The screen-reader name of a grouped row's drill button (``row`` 0-based)."""
    return "Show the rows of group " + str(row + 1)


def facet_title(shown: int, more: bool) -> str:
    """The heading of a column's value list: all its values, or the commonest of more."""
    if more:
        return "The " + str(shown) + " most common values"
    return display.thousands(shown) + (" value" if shown == 1 else " values")


def copied_caption(rows: int, columns: int, capped_at=None) -> str:
    """What copying a range says; ``capped_at``: the rows copied were the first this many."""
    note = "" if capped_at is None else " (the first " + display.thousands(capped_at) + " rows)"
    return "Copied " + rows_text(rows) + " × " + str(columns) + " columns" + note + " as tab-separated text."


def cell_announcement(row: int, name: str, value_text, box: tuple) -> str:
    """``'Row 12, temp: 4.5 — 3 × 2 selected'`` for a screen reader; ``value_text`` None when not loaded."""
    text = "Row " + display.thousands(row + 1) + ", " + name
    if value_text is not None:
        text += ": " + value_text[:MAX_ANNOUNCED]
    top, left, bottom, right = box
    if (top, left) != (bottom, right):
        text += " — " + display.thousands(bottom - top + 1) + " × " + str(right - left + 1) + " selected"
    return text


# --- column profiles --------------------------------------------------------------------------


def profiles_note(grouped: bool, filtered: bool, shown: int, max_cards: int) -> str:
    """What the profile panel says above its cards: grouped views, and tables wider than it shows."""
    parts = []
    if grouped:
        behind = "the filtered rows" if filtered else "the rows"
        parts.append("The view is grouped: these profiles describe " + behind + " behind the groups.")
    if shown > max_cards:
        parts.append("Showing the first " + str(max_cards) + " of " + display.thousands(shown) + " columns.")
    return " ".join(parts)


def profiling_status(done: int, total: int) -> str:
    """``'Profiling column 3 of 12…'`` (``done`` columns are done)."""
    return "Profiling column " + str(done + 1) + " of " + str(total) + "…"


def profiled_caption(columns: int, rows, filtered: bool) -> str:
    """``'6 columns profiled over 1,461 rows.'`` once the panel is filled (``rows`` None: not known)."""
    text = display.thousands(columns) + (" column" if columns == 1 else " columns") + " profiled"
    if rows is None:
        return text + "." if columns else "This table has no columns to profile."
    if filtered:
        return text + " over the " + rows_text(rows) + " that match the filters."
    return text + " over " + rows_text(rows) + "."


def share_text(part: int, total: int) -> str:
    """``' · 12%'`` of ``total`` (``' · <1%'`` for a sliver; nothing of nothing)."""
    if not total:
        return ""
    share = 100.0 * part / total
    return " · " + ("<1" if 0 < share < 1 else str(int(round(share)))) + "%"


def spark_title(found: dict) -> str:
    """One line summing up a column's profile, shown when the pointer rests on its header strip."""
    parts = [display.thousands(found["count"] - found["nulls"]) + " values"]
    if found["nulls"]:
        parts.append(display.thousands(found["nulls"]) + " NULL")
    if found.get("min") is not None and found.get("max") is not None:
        parts.append(display.number_text(found["min"]) + " to " + display.number_text(found["max"]))
    if found.get("top"):
        first = found["top"][0]
        parts.append(
            "most common " + display.cell_text(first["value"]) + " (" + display.thousands(first["count"]) + ")"
        )
    elif found.get("distinct") is not None:
        about = "about " if found.get("distinct_approx") else ""
        parts.append(about + display.thousands(found["distinct"]) + " distinct")
    return found["name"] + ": " + ", ".join(parts)


def top_value_label(text: str, count: int) -> str:
    """The screen-reader name of a top value's button in a profile."""
    return "Filter to " + text + ", " + rows_text(count)
