"""Steps on rows: filter, remove duplicates, take a sample, and window helpers (rank, running total ...).

Entries of ``KINDS`` as app/core/steps.py describes them::

    {"kind": "filter", "filters": [{"column": "city", "op": "=", "value": "Oslo"}]}
    {"kind": "dedupe"}                                       # rows equal in every column
    {"kind": "dedupe", "columns": ["email"], "keep": "last"}
    {"kind": "sample", "rows": 1000, "seed": 7}
    {"kind": "sample", "percent": 10, "seed": 7}
    {"kind": "window", "function": "rank", "column": "price", "direction": "desc", "by": ["region"]}
    {"kind": "window", "function": "running_total", "column": "amount", "order": "date", "name": "balance"}

"First" and "last" are in the source's order (``ROW``). A sample is picked by
a hash of each row's ``ROW`` and the seed, never by DuckDB's sampling (whose
rows change with the number of threads): the same seed gives the same rows
on every run and in the browser.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, filters, query, sql, step_frame, types

ROW = step_frame.ROW


def _typed(columns: list) -> list:
    return [{"name": c["name"], "type": c["type"], "kind": types.kind_of(c["type"])} for c in columns]


def _where(step, columns) -> str:
    state = {"filters": step["filters"], "search": step.get("search") or ""}
    clause, params = query.where(state, _typed([c for c in columns if c["name"] != ROW]))
    return sql.inline(clause[len(" WHERE ") :], params) if clause else "true"


def _filter_sql(prev, step, columns):
    condition = "(" + _where(step, columns) + ")"
    if step.get("keep", "matching") == "others":
        condition = condition + " IS NOT TRUE"
    return "SELECT * FROM " + prev + " WHERE " + condition


def _filter_check(step, columns):
    names = [c["name"] for c in columns]
    if not step["filters"] and not step.get("search"):
        return "filters is empty: set a filter first"
    for i, flt in enumerate(step["filters"]):
        where = "filters[" + str(i) + "]"
        if (
            not isinstance(flt, dict)
            or not isinstance(flt.get("column"), str)
            or flt.get("op") not in filters.OPERATORS
        ):
            return where + " must be {column, op, value} with op one of " + ", ".join(sorted(filters.OPERATORS))
        if flt["column"] not in names:
            return "there is no column '" + flt["column"] + "' here"
    try:
        _where(step, columns)
    except (errors.QueryError, ValueError) as failure:
        return str(failure)
    return None


def _filter_says(step):
    verb = "Remove" if step.get("keep", "matching") == "others" else "Keep"
    parts = []
    for flt in step["filters"]:
        parts.append(str(flt.get("column")) + " " + str(flt.get("op")) + " " + _short(flt.get("value")))
    if step.get("search"):
        parts.append("search “" + step["search"] + "”")
    return verb + " the rows where " + " and ".join(parts)


def _short(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        text = ", ".join(["empty" if v is None else str(v) for v in value[:3]])
        return text + (" …" if len(value) > 3 else "")
    return str(value)


# ---- dedupe


def _dedupe_columns(step, columns) -> list:
    return step.get("columns") or step_frame.names(columns)


def _dedupe_sql(prev, step, columns):
    direction = " DESC" if step.get("keep") == "last" else ""
    partition = ", ".join([sql.quote_ident(n) for n in _dedupe_columns(step, columns)])
    return (
        "SELECT * FROM "
        + prev
        + " QUALIFY row_number() OVER (PARTITION BY "
        + partition
        + " ORDER BY "
        + sql.quote_ident(ROW)
        + direction
        + ") = 1"
    )


def _dedupe_check(step, columns):
    if "columns" in step and len(set(step["columns"])) != len(step["columns"]):
        return "a column is named twice in 'columns'"
    return None


def _dedupe_says(step):
    keep = "last" if step.get("keep") == "last" else "first"
    if step.get("columns"):
        which = "rows repeating " + step_frame.quoted(step["columns"])
    else:
        which = "duplicate rows (equal in every column)"
    return "Remove " + which + ", keeping the " + keep + " of each"


# ---- sample

SEED_LIMIT = 2147483647
_SCALE = 1000000  # a percentage is kept to 4 decimals: rows whose hash falls below pct * 10000 of 10^6


def _hashed(step) -> str:
    return "hash(CAST(" + sql.quote_ident(ROW) + " AS BIGINT), CAST(" + str(step.get("seed", 0)) + " AS BIGINT))"


def _sample_sql(prev, step, columns):
    if "rows" in step:
        return (
            "SELECT * FROM "
            + prev
            + " ORDER BY "
            + _hashed(step)
            + ", "
            + sql.quote_ident(ROW)
            + " LIMIT "
            + str(step["rows"])
        )
    below = int(round(step["percent"] * (_SCALE // 100)))
    return "SELECT * FROM " + prev + " WHERE " + _hashed(step) + " % " + str(_SCALE) + " < " + str(below)


def _sample_check(step, columns):
    if ("rows" in step) == ("percent" in step):
        return "give either rows (how many) or percent (how much), not " + ("both" if "rows" in step else "neither")
    if "rows" in step and step["rows"] < 0:
        return "rows must be 0 or more"
    if "percent" in step and not (0 <= step["percent"] <= 100):
        return "percent must be between 0 and 100"
    if not (0 <= step.get("seed", 0) <= SEED_LIMIT):
        return "seed must be between 0 and " + str(SEED_LIMIT)
    return None


def _sample_says(step):
    seed = " (seed " + str(step.get("seed", 0)) + ")"
    if "rows" in step:
        return "Keep " + str(step["rows"]) + " rows picked at random" + seed
    return "Keep about " + _number(step["percent"]) + "% of the rows, each picked at random" + seed


def _number(value) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)


# ---- window helpers

FUNCTIONS = ("rank", "running_total", "percent_of_total", "difference")
_NAME_ENDS = {
    "rank": "_rank",
    "running_total": "_running_total",
    "percent_of_total": "_percent",
    "difference": "_difference",
}
_NUMBERS = ("integer", "decimal")


def window_name(step) -> str:
    """The new column's name: the one given, else the column's with the function's ending."""
    return step.get("name") or (step["column"] + _NAME_ENDS[step["function"]])


def _over(step, order: bool) -> str:
    parts = []
    if step.get("by"):
        parts.append("PARTITION BY " + ", ".join([sql.quote_ident(n) for n in step["by"]]))
    if order:
        direction = " DESC" if step.get("direction") == "desc" else " ASC"
        if step.get("order"):
            keys = sql.quote_ident(step["order"]) + direction + " NULLS LAST, " + sql.quote_ident(ROW)
        else:
            keys = sql.quote_ident(ROW) + direction
        parts.append("ORDER BY " + keys)
    return "OVER (" + " ".join(parts) + ")"


def _window_expression(step) -> str:
    column = sql.quote_ident(step["column"])
    function = step["function"]
    if function == "rank":
        direction = " DESC" if step.get("direction") == "desc" else " ASC"
        by = ("PARTITION BY " + ", ".join([sql.quote_ident(n) for n in step["by"]]) + " ") if step.get("by") else ""
        over = "OVER (" + by + "ORDER BY " + column + direction + " NULLS LAST)"
        return "CASE WHEN " + column + " IS NULL THEN NULL ELSE rank() " + over + " END"
    if function == "running_total":
        over = _over(step, True)
        return "sum(" + column + ") " + over[:-1] + " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
    if function == "percent_of_total":
        return (
            "CAST("
            + column
            + " AS DOUBLE) * 100 / NULLIF(sum(CAST("
            + column
            + " AS DOUBLE)) "
            + _over(step, False)
            + ", 0)"
        )
    return column + " - lag(" + column + ") " + _over(step, True)


def _window_sql(prev, step, columns):
    return "SELECT *, " + _window_expression(step) + " AS " + sql.quote_ident(window_name(step)) + " FROM " + prev


def _window_check(step, columns):
    kinds = {c["name"]: types.kind_of(c["type"]) for c in columns}
    function = step["function"]
    kind = kinds.get(step["column"])
    if function in ("running_total", "percent_of_total") and kind not in _NUMBERS:
        return "'" + step["column"] + "' holds " + str(kind) + " values: a " + _words(function) + " needs numbers"
    if function == "difference" and kind not in _NUMBERS + ("date", "timestamp", "time"):
        return "'" + step["column"] + "' holds " + str(kind) + " values: a difference needs numbers or dates"
    if function == "rank" and "order" in step:
        return "a rank orders by its own column: leave out order"
    name = window_name(step)
    if name == ROW:
        return "the name " + ROW + " is kept for Loupe"
    if name.lower() in [n.lower() for n in step_frame.names(columns)]:
        return "there is already a column named '" + name + "'; give the new column another name"
    return None


def _words(function) -> str:
    return function.replace("_", " ")


def _window_says(step):
    column = "'" + step["column"] + "'"
    function = step["function"]
    if function == "rank":
        first = "highest first" if step.get("direction") == "desc" else "lowest first"
        line = "Rank " + column + " (" + first + ")"
    elif function == "percent_of_total":
        line = column + " as a percent of its total"
    else:
        line = ("Running total of " if function == "running_total" else "Difference from the previous row of ") + column
        order = ("'" + step["order"] + "'") if step.get("order") else "the source's order"
        line += " in " + order + (" (descending)" if step.get("direction") == "desc" else "")
    if step.get("by"):
        line += " within each " + step_frame.quoted(step["by"])
    return line + ", as '" + window_name(step) + "'"


KINDS = {
    "filter": {
        "fields": {"filters": "list"},
        "optional": {"search": "text", "keep": "choice:matching|others"},
        "sql": _filter_sql,
        "check": _filter_check,
        "says": _filter_says,
    },
    "dedupe": {
        "fields": {},
        "optional": {"columns": "columns", "keep": "choice:first|last"},
        "sql": _dedupe_sql,
        "check": _dedupe_check,
        "reorders": True,
        "says": _dedupe_says,
    },
    "sample": {
        "fields": {},
        "optional": {"rows": "int", "percent": "number", "seed": "int"},
        "sql": _sample_sql,
        "check": _sample_check,
        "reorders": lambda s: "rows" in s,
        "says": _sample_says,
    },
    "window": {
        "fields": {"function": "choice:" + "|".join(FUNCTIONS), "column": "column"},
        "optional": {"by": "columns", "order": "column", "direction": "choice:asc|desc", "name": "new"},
        "sql": _window_sql,
        "check": _window_check,
        "reorders": True,
        "made": lambda s: [window_name(s)],
        "says": _window_says,
    },
}
