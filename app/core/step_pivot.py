"""The pivot step (long to wide): its check, its words, its SQL, the rows behind a cell.

Entries of ``KINDS`` as app/core/steps.py describes them.

A pivot::

    {"kind": "pivot", "rows": ["origin"], "columns": "month",
     "values": [{"fn": "avg", "column": "delay"}, {"fn": "count"}],
     "totals": true, "subtotals": false, "sort": "value", "sort_value": 0, "order": "desc",
     "top": "count", "limit_columns": 50, "limit_cells": 100000}

One row per combination of the ``rows`` keys (one row in all when ``rows`` is
empty); one column per value of ``columns`` and entry of ``values``, named
``"2024 · sum of sales"`` (just ``"2024"`` when there is one value), NULL's
column ``"(empty)"`` and the empty text's ``'""'``. The pivot's ``prepare``
finds the values of ``columns`` first: the ``limit_columns`` most frequent
(``top``: "count", rows; "value", the first value, largest first), shown in
their own order; the rest are summed up in ``"Other"`` columns. ``totals``
adds ``"Total"`` columns (the value over every column value) and a grand-total
row; ``subtotals`` (with two row keys or more) a row for each group of the
first keys. Those rows hold NULL in the keys they total over and are marked
by a column ``"__level"`` (there only when there are such rows): 0 for a
plain row, k for a row that totals over the last k keys (the grand total:
as many as there are keys). Subtotals come after the rows they total, the
grand total last (an empty table with totals still has that one row,
as GROUP BY () has). With no values at all (an empty table) the Total
columns are there even without ``totals``. The rows come out sorted (``sort``: "keys", the default,
or "value": the row's total of ``values[sort_value]``; with subtotals each
group is placed by its own subtotal), and the hidden ``ROW`` numbers them in
that order. The SQL is conditional aggregation
(``sum(v) FILTER (WHERE month = 1)``), not DuckDB's PIVOT statement, which
cannot live in a view.

What its ``prepare`` finds and the names of its columns: app/core/step_pivot_plan.py.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import sql, step_frame, step_pivot_plan, types

ROW = step_frame.ROW
LEVEL = step_pivot_plan.LEVEL  # the pivot's marker of total rows
# kinds compared as themselves (value cast back from its text); others by their text
_TYPED_KINDS = ("integer", "decimal", "boolean", "date", "timestamp", "time", "interval", "text")


# --- pivot: settings ----------------------------------------------------------


def _pivot_check(step, columns):
    names = step_frame.names(columns)
    rows = step["rows"]
    for i, key in enumerate(rows):
        if not isinstance(key, str) or key == "":
            return "rows[" + str(i) + "] must be the name of a column"
        if key not in names:
            return "there is no column '" + key + "' here"
        if key in rows[:i]:
            return "rows names '" + key + "' twice"
        if key == step["columns"]:
            return "'" + key + "' cannot be both in rows and the columns"
        if key == LEVEL or key.startswith("__loupe_"):
            return "a row key cannot be named " + key + " (kept for Loupe); rename it first"
    if not step["values"]:
        return "values needs at least one {fn, column}"
    for j, value in enumerate(step["values"]):
        where = "values[" + str(j) + "]"
        if not isinstance(value, dict):
            return where + " must be an object {fn, column}"
        for field in value:
            if field not in ("fn", "column"):
                return where + "." + str(field) + " is not a setting of a value (fn, column)"
        fn = value.get("fn")
        if not isinstance(fn, str) or fn not in step_pivot_plan.FUNCTIONS:
            return where + ".fn must be one of " + ", ".join(step_pivot_plan.FN_ORDER) + " (not " + repr(fn) + ")"
        column = value.get("column")
        if column is None:
            if fn != "count":
                return where + ".column is missing: a " + fn + " needs a column"
            continue
        if not isinstance(column, str) or column == "":
            return where + ".column must be the name of a column"
        if column not in names:
            return "there is no column '" + column + "' here"
        allowed = step_pivot_plan.FUNCTIONS[fn][1]
        kind = step_pivot_plan.kind_of(columns, column)
        if allowed is not None and kind not in allowed:
            found = step_pivot_plan.column_of(columns, column)
            return (
                where
                + ": cannot take the "
                + step_pivot_plan.FUNCTIONS[fn][0]
                + " of '"
                + column
                + "' ("
                + found["type"]
                + "); choose a number column"
            )
    index = step.get("sort_value", 0)
    if index < 0 or index >= len(step["values"]):
        return "sort_value must be the place of one of the values, 0 to " + str(len(step["values"]) - 1)
    limit = step.get("limit_columns", step_pivot_plan.LIMIT_COLUMNS)
    if limit < 1 or limit > step_pivot_plan.MAX_COLUMNS:
        return "limit_columns must be between 1 and " + str(step_pivot_plan.MAX_COLUMNS)
    if step.get("limit_cells", step_pivot_plan.LIMIT_CELLS) < 1:
        return "limit_cells must be at least 1"
    return None


def _pivot_says(step) -> str:
    shown = ", ".join(
        [
            step_pivot_plan.fn_label(v) if isinstance(v, dict) and v.get("fn") in step_pivot_plan.FUNCTIONS else "?"
            for v in step["values"]
        ]
    )
    line = "Pivot '" + step["columns"] + "' into columns"
    if step["rows"]:
        line += ", rows by " + ", ".join(["'" + str(k) + "'" for k in step["rows"]])
    line += ": " + shown
    extras = []
    if step.get("subtotals") and len(step["rows"]) > 1:
        extras.append("subtotals")
    if step.get("totals"):
        extras.append("totals")
    if extras:
        line += " (with " + " and ".join(extras) + ")"
    return line


# --- pivot: SQL -------------------------------------------------------------------


def _equals(step: dict, columns: list, value: dict) -> str:
    """The condition of a row having ``value`` (one of prepare's) in the pivot's column."""
    column = step_frame.q(step["columns"])
    if value["null"]:
        return column + " IS NULL"
    found = step_pivot_plan.column_of(columns, step["columns"])
    kind = types.kind_of(found["type"]) if found else "other"
    if kind not in _TYPED_KINDS:
        return "CAST(" + column + " AS VARCHAR) = " + sql.literal(value["text"])
    if found["type"].upper() == "VARCHAR":
        return column + " = " + sql.literal(value["text"])
    return column + " = CAST(" + sql.literal(value["text"]) + " AS " + found["type"] + ")"


def _others_condition(step: dict, columns: list, prepared: dict) -> str:
    present = [v for v in prepared["values"] if not v["null"]]
    column = step_frame.q(step["columns"])
    parts = []
    if present:
        parts.append("(" + " OR ".join([_equals(step, columns, v) for v in present]) + ") IS NOT TRUE")
    if len(present) < len(prepared["values"]):
        parts.append(column + " IS NOT NULL")
    return " AND ".join(parts) if parts else "true"


def _pivot_sql(prev, step, columns, prepared):
    keys = [step_frame.q(k) for k in step["rows"]]
    n = len(keys)
    sets = step_pivot_plan.uses_sets(step)
    conditions = {}
    for i, v in enumerate(prepared["values"]):
        conditions[i] = _equals(step, columns, v)
    other = _others_condition(step, columns, prepared) if prepared["other"] else None
    parts = list(keys)
    if sets:
        parts.append(
            "CAST(" + " + ".join(["GROUPING(" + k + ")" for k in keys]) + " AS INTEGER) AS " + step_frame.q(LEVEL)
        )
        for i in range(n):
            parts.append("GROUPING(" + keys[i] + ") AS " + step_frame.q("__loupe_g" + str(i + 1)))
    for entry in prepared["outputs"]:
        value = step["values"][entry["value"]]
        condition = None
        if entry["of"] == "value":
            condition = conditions[entry["at"]]
        elif entry["of"] == "other":
            condition = other
        else:
            condition = None
        parts.append(step_pivot_plan.aggregate(value, condition, columns) + " AS " + step_frame.q(entry["name"]))
    by_value = step.get("sort", "keys") == "value"
    if by_value:
        parts.append(
            step_pivot_plan.aggregate(step["values"][step.get("sort_value", 0)], None, columns)
            + " AS "
            + step_frame.q("__loupe_sort")
        )
    inner = "SELECT " + ", ".join(parts) + " FROM " + prev + step_pivot_plan.grouping(step)
    order = []
    direction = " DESC" if step.get("order", "desc" if by_value else "asc") == "desc" else " ASC"
    nested = by_value and sets and step_pivot_plan.nested(step)
    if nested:
        windows = []
        for i in range(1, n):
            partition = keys[:i] + [step_frame.q("__loupe_g" + str(g + 1)) for g in range(i)]
            windows.append(
                "max(CASE WHEN "
                + step_frame.q(LEVEL)
                + " = "
                + str(n - i)
                + " THEN "
                + step_frame.q("__loupe_sort")
                + " END) OVER (PARTITION BY "
                + ", ".join(partition)
                + ") AS "
                + step_frame.q("__loupe_s" + str(i))
            )
        inner = "SELECT *, " + ", ".join(windows) + " FROM (" + inner + ") AS grouped"
        for i in range(n):
            mark = step_frame.q("__loupe_s" + str(i + 1)) if i < n - 1 else step_frame.q("__loupe_sort")
            order += [
                step_frame.q("__loupe_g" + str(i + 1)),
                mark + direction + " NULLS LAST",
                keys[i] + " ASC NULLS LAST",
            ]
    elif by_value:
        if sets:
            order.append(step_frame.q(LEVEL))
        order.append(step_frame.q("__loupe_sort") + direction + " NULLS LAST")
        order += [k + " ASC NULLS LAST" for k in keys]
    else:
        for i in range(n):
            if sets:
                order.append(step_frame.q("__loupe_g" + str(i + 1)))
            order.append(keys[i] + direction + " NULLS LAST")
    shown = (
        list(keys) + ([step_frame.q(LEVEL)] if sets else []) + [step_frame.q(e["name"]) for e in prepared["outputs"]]
    )
    over = "ORDER BY " + ", ".join(order) if order else ""
    return (
        "SELECT row_number() OVER ("
        + over
        + ") AS "
        + step_frame.q(ROW)
        + ", "
        + ", ".join(shown)
        + " FROM ("
        + inner
        + ") AS pivoted"
    )


def cell_filters(step: dict, row_values: list, column_value, prepared=None) -> list:
    """The filters (as app/core/filters.py has them) keeping the source rows behind one pivot cell.

    ``row_values``: the row's key values, in the order of ``step["rows"]``: all of
    them for a plain row, the first ones for a subtotal row, ``[]`` for the grand
    total. ``column_value``: the ``pick`` of the cell's column (``outputs``): a value
    of the pivot's column (None for NULL), ``{"other": [the top values]}`` or
    ``{"total": true}``. ``prepared`` is not needed (kept for callers that have it).
    """
    out = []
    for i, value in enumerate(row_values):
        key = step["rows"][i]
        if value is None:
            out.append({"column": key, "op": "null"})
        else:
            out.append({"column": key, "op": "in", "value": [value]})
    column = step["columns"]
    if isinstance(column_value, dict):
        if "other" in column_value:
            out.append({"column": column, "op": "not_in", "value": list(column_value["other"])})
        return out
    if column_value is None:
        out.append({"column": column, "op": "null"})
    else:
        out.append({"column": column, "op": "in", "value": [column_value]})
    return out


KINDS = {
    "pivot": {
        "fields": {"rows": "list", "columns": "column", "values": "list"},
        "optional": {
            "totals": "bool",
            "subtotals": "bool",
            "sort": "choice:keys|value",
            "sort_value": "int",
            "order": "choice:asc|desc",
            "top": "choice:count|value",
            "limit_columns": "int",
            "limit_cells": "int",
        },
        "sql": _pivot_sql,
        "prepare": step_pivot_plan.prepare,
        "check": _pivot_check,
        "says": _pivot_says,
        "reorders": True,
    },
}  # type: dict
