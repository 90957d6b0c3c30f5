"""The SQL behind what the grid shows: a table state's rows, order, groups, pages and facets.

The WHERE clause of each filter comes from ``app.core.filters``. Every
builder returns ``(sql, params)``; values are always parameters.

Paging a sorted or filtered view of millions of rows with OFFSET re-sorts
or re-scans the whole table for every page (about 1 s for a far page of a
3M-row table in DuckDB-WASM). So the first page is read directly (a top-N
query, ~80 ms) and, behind it, the view's row order is stored once as row
ids in a temporary table (``materialize``); every later page joins its
slice of row ids back to the table (``page_in_order``, ~30 ms wherever it
is). Rows that tie on every sort key may come in another order in the two
(no tie-breaker: one costs the top-N query up to twice its time), so the
grid drops its first page once the order is stored.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, filters, sql, types

AGGREGATES = {
    # fn -> (SQL function, label, kinds it applies to; None: every kind)
    "sum": ("sum", "sum", ("integer", "decimal", "interval")),
    "avg": ("avg", "avg", ("integer", "decimal")),
    "min": ("min", "min", None),
    "max": ("max", "max", None),
    "count_distinct": ("count", "distinct", None),
}
COUNT_COLUMN = "count"
FACET_LIMIT = 50


def where(state: dict, columns: list, skip_column=None) -> tuple:
    """`` WHERE ...`` for a table state's filters and search (``''`` when there are none).

    ``skip_column`` leaves out the filters on one column (a facet counts
    the values of its own column under the other filters).
    """
    parts = []
    params = []
    for flt in state.get("filters") or []:
        if flt["column"] == skip_column:
            continue
        clause, values = filters.clause(columns, flt)
        parts.append(clause)
        params.extend(values)
    text = state.get("search") or ""
    if text:
        clause, values = filters.search_clause(columns, text)
        parts.append(clause)
        params.extend(values)
    if not parts:
        return "", []
    return " WHERE " + " AND ".join(parts), params


def is_filtered(state: dict) -> bool:
    """True when some rows may be left out: a filter or a search is set."""
    return bool(state.get("filters") or state.get("search"))


# --- columns ----------------------------------------------------------------


def visible(columns: list, state: dict) -> list:
    """The columns the grid shows, in the order the person arranged them, hidden ones left out."""
    by_name = {}
    for column in columns:
        by_name[column["name"]] = column
    hidden = set(state.get("hidden") or [])
    placed = set()
    out = []
    for name in state.get("order") or []:
        if name in by_name and name not in hidden and name not in placed:
            out.append(by_name[name])
            placed.add(name)
    for column in columns:
        if column["name"] not in hidden and column["name"] not in placed:
            out.append(column)
    return out


def group_columns(columns: list, state: dict) -> list:
    """``[{name, type, kind}]`` of a grouped view's result (keys, count, aggregates)."""
    group = state["group"]
    out = [filters.column_named(columns, name) for name in group["by"]]
    out.append({"name": COUNT_COLUMN, "type": "BIGINT", "kind": "integer"})
    for agg in group.get("aggs") or []:
        source = filters.column_named(columns, agg["column"])
        out.append(
            {
                "name": aggregate_name(agg),
                "type": _aggregate_type(agg["fn"], source),
                "kind": _aggregate_kind(agg["fn"], source),
            }
        )
    return out


def aggregate_name(agg: dict) -> str:
    """The result column of an aggregate: ``'sum(amount)'``."""
    return _aggregate(agg)[1] + "(" + agg["column"] + ")"


def aggregates_for(column: dict) -> list:
    """The aggregate functions that apply to ``column``'s kind."""
    out = []
    for fn in AGGREGATES:
        kinds = AGGREGATES[fn][2]
        if kinds is None or column["kind"] in kinds:
            out.append(fn)
    return out


# --- queries -----------------------------------------------------------------


def page(table: str, state: dict, columns: list, offset: int, limit: int) -> tuple:
    """Rows ``offset`` .. ``offset + limit`` of the view, read straight from the table.

    Fast for the first pages whatever the sort (DuckDB keeps only the top
    rows); use ``page_in_order`` once the order is materialised.
    """
    shown = ", ".join(sql.quote_ident(c["name"]) for c in visible(columns, state)) or "NULL AS none"
    clause, params = where(state, columns)
    text = "SELECT " + shown + " FROM " + sql.quote_ident(table) + clause + _order(state, columns)
    return text + " LIMIT ? OFFSET ?", params + [int(limit), _offset(offset)]


def materialize(order_table: str, table: str, state: dict, columns: list) -> tuple:
    """Store the row ids of the view, in order, in the temporary table ``order_table``.

    The statement's result is one row: how many rows the view has.
    """
    clause, params = where(state, columns)
    text = (
        "CREATE OR REPLACE TEMP TABLE "
        + sql.quote_ident(order_table)
        + " AS SELECT rowid AS r FROM "
        + sql.quote_ident(table)
        + clause
        + (_order(state, columns) or " ORDER BY rowid")
    )
    return text, params


def page_in_order(order_table: str, table: str, state: dict, columns: list, offset: int, limit: int) -> tuple:
    """Rows ``offset`` .. ``offset + limit`` of a view whose order ``materialize`` stored."""
    shown = ", ".join("t." + sql.quote_ident(c["name"]) for c in visible(columns, state)) or "NULL AS none"
    text = (
        "SELECT "
        + shown
        + " FROM temp."
        + sql.quote_ident(order_table)
        + " AS o JOIN "
        + sql.quote_ident(table)
        + " AS t ON t.rowid = o.r WHERE o.rowid >= ? AND o.rowid < ? ORDER BY o.rowid"
    )
    start = _offset(offset)
    return text, [start, start + int(limit)]


def count(table: str, state: dict, columns: list) -> tuple:
    """The number of rows in the view as one value ``n``."""
    clause, params = where(state, columns)
    return "SELECT count(*) AS n FROM " + sql.quote_ident(table) + clause, params


def count_stored(order_table: str) -> tuple:
    """The number of rows ``materialize`` or ``materialize_group`` stored."""
    return "SELECT count(*) AS n FROM temp." + sql.quote_ident(order_table), []


def drop_stored(order_table: str) -> tuple:
    """Drop a table ``materialize`` stored (if it is still there)."""
    return "DROP TABLE IF EXISTS temp." + sql.quote_ident(order_table), []


def materialize_group(group_table: str, table: str, state: dict, columns: list) -> tuple:
    """Store a grouped view (keys, count, aggregates), in its order, in ``group_table``.

    The statement's result is one row: how many groups there are.
    """
    text, params = grouped(table, state, columns)
    return "CREATE OR REPLACE TEMP TABLE " + sql.quote_ident(group_table) + " AS " + text, params


def page_stored(stored: str, offset: int, limit: int) -> tuple:
    """Rows ``offset`` .. ``offset + limit`` of a stored grouped view."""
    start = _offset(offset)
    return (
        "SELECT * FROM temp." + sql.quote_ident(stored) + " WHERE rowid >= ? AND rowid < ? ORDER BY rowid",
        [start, start + int(limit)],
    )


def grouped(table: str, state: dict, columns: list) -> tuple:
    """``SELECT keys, count(*), aggregates ... GROUP BY keys`` for a grouped view, in its order."""
    group = state["group"]
    keys = [sql.quote_ident(filters.column_named(columns, name)["name"]) for name in group["by"]]
    parts = list(keys) + ["count(*) AS " + sql.quote_ident(COUNT_COLUMN)]
    for agg in group.get("aggs") or []:
        source = filters.column_named(columns, agg["column"])
        function = _aggregate(agg)[0]
        kinds = AGGREGATES[agg["fn"]][2]
        if kinds is not None and source["kind"] not in kinds:
            raise errors.QueryError(
                "Cannot take the "
                + agg["fn"]
                + " of '"
                + source["name"]
                + "' ("
                + source["type"]
                + "); choose a number column."
            )
        inner = ("DISTINCT " if agg["fn"] == "count_distinct" else "") + sql.quote_ident(source["name"])
        parts.append(function + "(" + inner + ") AS " + sql.quote_ident(aggregate_name(agg)))
    clause, params = where(state, columns)
    result = group_columns(columns, state)
    order = group.get("sort") or [[COUNT_COLUMN, "desc"]]
    names = [c["name"] for c in result]
    for name, _direction in order:
        if name not in names:
            raise errors.QueryError("The grouped view has no column '" + name + "' to sort by.")
    # Ties broken by every key so that the order (and paging) is stable.
    text = (
        "SELECT "
        + ", ".join(parts)
        + " FROM "
        + sql.quote_ident(table)
        + clause
        + " GROUP BY "
        + ", ".join(keys)
        + sql.order_by(order)
        + ", "
        + ", ".join(k + " NULLS LAST" for k in keys)
    )
    return text, params


def facet(table: str, state: dict, columns: list, column: str, limit: int = FACET_LIMIT) -> tuple:
    """The most frequent values of ``column`` under the view's other filters: rows ``(value, n)``.

    One row more than ``limit`` is asked for: when it comes, there are more values than shown.
    """
    target = filters.column_named(columns, column)
    ident = sql.quote_ident(target["name"])
    clause, params = where(state, columns, skip_column=column)
    text = (
        "SELECT "
        + ident
        + " AS value, count(*) AS n FROM "
        + sql.quote_ident(table)
        + clause
        + " GROUP BY "
        + ident
        + " ORDER BY n DESC, "
        + ident
        + " NULLS LAST LIMIT ?"
    )
    return text, params + [int(limit) + 1]


def view_select(table: str, state: dict, columns: list, stable: bool = True) -> tuple:
    """The whole view as one SELECT (filters, sort, grouping, visible columns): for export and SQL.

    ``stable`` breaks ties of the sort by row id; a table made by steps is a view, which has none
    (its rows come in their source's order: ties keep it).
    """
    if state.get("group"):
        return grouped(table, state, columns)
    shown = ", ".join(sql.quote_ident(c["name"]) for c in visible(columns, state)) or "NULL AS none"
    clause, params = where(state, columns)
    order = _order(state, columns, stable)
    return "SELECT " + shown + " FROM " + sql.quote_ident(table) + clause + order, params


def check(state: dict, columns: list) -> None:
    """Raise QueryError if the state names a column or operator the table does not have."""
    for flt in state.get("filters") or []:
        filters.clause(columns, flt)
    for name, _direction in state.get("sort") or []:
        filters.column_named(columns, name)
    if state.get("group"):
        grouped("t", state, columns)


# --- helpers -----------------------------------------------------------------


def _order(state: dict, columns: list, stable: bool = False) -> str:
    """`` ORDER BY ...`` of the sort; ``stable`` breaks ties by row id (for exports)."""
    pairs = state.get("sort") or []
    for name, _direction in pairs:
        filters.column_named(columns, name)
    if not pairs:
        return ""
    return sql.order_by(pairs) + (", rowid" if stable else "")


def _offset(offset) -> int:
    offset = int(offset)
    if offset < 0:
        raise ValueError("offset must not be negative")
    return offset


def _aggregate(agg: dict):
    found = AGGREGATES.get(str(agg.get("fn")))
    if found is None:
        raise errors.QueryError("Unknown summary '" + str(agg.get("fn")) + "'; choose sum, avg, min, max or distinct.")
    return found


def _aggregate_type(fn: str, column: dict) -> str:
    if fn == "count_distinct":
        return "BIGINT"
    if fn == "avg":
        return "DOUBLE"
    if fn == "sum" and column["kind"] == "integer":
        return "HUGEINT"
    return column["type"]


def _aggregate_kind(fn: str, column: dict) -> str:
    return types.kind_of(_aggregate_type(fn, column))
