"""How the grid gets a view's rows: the first page, the stored order or groups, and their count.

A change of sort or filter repaints from one direct query (``query.page``);
whether its rows are the whole view, and so already counted, is decided by
``first_page``. The view's order is then stored as row ids and counted;
grouped views are stored whole. The storing and counting are *step
generators* (see ``app.core.loading``): they yield ``(sql, params)`` and
receive ``{columns, rows}``, so native DuckDB drives them in the tests and
DuckDB-WASM in the browser.

    first_page(state, 200, 1461, 200)  -> {"total": 1461, "exact": False, "store": True}
    grouped_rows(GROUPS, "weather", state, columns, 200)  (steps) -> (groups, first rows)

Runs under MicroPython and CPython (see README.md).
"""

from app.core import query, sql, view


def first_page(state: dict, first_rows: int, table_rows: int, block: int) -> dict:
    """What a first page of ``first_rows`` rows (of at most ``block``) says about the view.

    ``total``: the rows to scroll through for now; ``exact``: whether that is
    the view's count (a filtered view with a full first page is still being
    counted); ``store``: whether the view's order is to be stored (sorted or
    filtered views).
    """
    ordered = bool(state.get("sort")) or query.is_filtered(state)
    exact = not ordered or first_rows < block
    total = first_rows if ordered and exact else table_rows
    return {"total": total, "exact": exact, "store": ordered}


def stored_count(made: dict, stored: str):
    """Steps: the rows a ``CREATE TABLE ... AS`` stored in ``stored`` (DuckDB answers with the count; else ask)."""
    if made["rows"] and made["columns"] and made["columns"][0]["name"] == "Count":
        return int(made["rows"][0][0])
    counted = yield query.count_stored(stored)
    return counted["rows"][0][0]


def grouped_rows(group_table: str, table: str, state: dict, columns: list, block: int):
    """Steps: store the groups of a grouped view in ``group_table``; return ``(groups, first block of rows)``."""
    made = yield query.materialize_group(group_table, table, state, columns)
    total = yield from stored_count(made, group_table)
    first = yield query.page_stored(group_table, 0, block)
    return total, first["rows"]


def filter_key(state: dict) -> str:
    """The rows ``state`` keeps, as text: equal for equal filters and search (on MicroPython too)."""
    return view.canonical([state.get("filters") or [], state.get("search") or ""])


def profile_source(table: str, state: dict, columns: list) -> tuple:
    """``(from_sql, params)`` of the rows the view keeps, for profiles."""
    clause, params = query.where(state, columns)
    return sql.quote_ident(table) + clause, params


def profiles_key(table: str, info: dict, state: dict, names: list) -> str:
    """What the profile panel's cards depend on: the table, its rows and columns, the filters, the columns shown.

    A sort or a resize changes none of them, so the cards stay as drawn."""
    return view.canonical(
        [table, info["rows"], info["columns"], state.get("filters") or [], state.get("search") or "", names]
    )


def profiles_from_the_end(state: dict) -> bool:
    """Whether the profile panel profiles its columns from the last one.

    Unfiltered and ungrouped, the header strips profile the same rows from
    the first column on: starting from the last meets them in the middle."""
    return not query.is_filtered(state) and not state.get("group")
