"""Steps that reshape a table: pivot (long to wide) and unpivot (wide to long).

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

What ``prepare`` returns (the 4th argument of ``sql``; see ``_pivot_prepare``)
names every output column and how a click on one of its cells finds the rows
behind it (``cell_filters``), and words the budget ("top 50 of 10,213 values
of 'city'; the rest in Other"). ``limit_cells`` does not cut the view's
rows: prepare counts them and says how many fit (``rows_shown``).
Names are unique as DuckDB sees them (A-Z in any case): a value named like a
row key, "Other" or "Total" gets " (2)".

An unpivot::

    {"kind": "unpivot", "columns": ["q1", "q2"], "name": "quarter", "value": "sales"}

Each row becomes one row per column of ``columns``: the other columns, the
column's name in ``name`` (default "name") and its value in ``value`` (default
"value"), NULLs kept. Values of one type keep it, numbers of several types
become their common type, anything else mixed becomes text (its ``prepare``
says so: no query). Written with UNNEST of lists.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import sql, types

ROW = "__loupe_row"  # steps.ROW (not imported: steps imports this module)
LEVEL = "__level"  # the pivot's marker of total rows
OTHER = "Other"
TOTAL = "Total"
NULL_NAME = "(empty)"
BLANK_NAME = '""'
LIMIT_COLUMNS = 50
MAX_COLUMNS = 1000
LIMIT_CELLS = 100000
NAME_LENGTH = 60  # longest value text used in a column name

# fn -> (label, the kinds it applies to; None: every kind)
FUNCTIONS = {
    "count": ("count", None),
    "sum": ("sum", ("integer", "decimal", "interval")),
    "avg": ("average", ("integer", "decimal")),
    "min": ("min", None),
    "max": ("max", None),
    "count_distinct": ("distinct count", None),
    "median": ("median", ("integer", "decimal", "date", "timestamp")),
}
_FN_ORDER = ["count", "sum", "avg", "min", "max", "count_distinct", "median"]
# kinds whose values prepare hands over as they are (the others as their text)
_NATIVE_KINDS = ("integer", "decimal", "boolean", "text")
# kinds compared as themselves (value cast back from its text); others by their text
_TYPED_KINDS = ("integer", "decimal", "boolean", "date", "timestamp", "time", "interval", "text")


def _q(name: str) -> str:
    return sql.quote_ident(name)


def _names(columns: list) -> list:
    return [c["name"] for c in columns if c["name"] != ROW]


def _column(columns: list, name: str):
    for c in columns:
        if c["name"] == name:
            return c
    return None


def _kind(columns: list, name: str) -> str:
    found = _column(columns, name)
    return types.kind_of(found["type"]) if found else "other"


def _folded(name: str) -> str:
    """``name`` as DuckDB compares identifiers: A-Z lowered, every other letter as it is."""
    return "".join([chr(ord(ch) + 32) if "A" <= ch <= "Z" else ch for ch in name])


def _decimal(type_name: str) -> bool:
    name = type_name.upper()
    return name.startswith("DECIMAL") or name.startswith("NUMERIC")


def _thousands(n) -> str:
    text = str(int(n))
    sign = ""
    if text.startswith("-"):
        sign = "-"
        text = text[1:]
    parts = []  # type: list
    while len(text) > 3:
        parts.insert(0, text[-3:])
        text = text[:-3]
    parts.insert(0, text)
    return sign + ",".join(parts)


# --- pivot: settings ----------------------------------------------------------


def _fn_label(value: dict) -> str:
    label = FUNCTIONS[value["fn"]][0]
    if value.get("column") is None:
        return label
    return label + " of " + value["column"]


def _value_label(step: dict, j: int) -> str:
    return _fn_label(step["values"][j])


def _uses_sets(step: dict) -> bool:
    """True when the pivot has total rows (grouping sets, marked by LEVEL)."""
    n = len(step["rows"])
    return n > 0 and (bool(step.get("totals")) or (bool(step.get("subtotals")) and n > 1))


def _nested(step: dict) -> bool:
    return bool(step.get("subtotals")) and len(step["rows"]) > 1


def _grouping(step: dict) -> str:
    """`` GROUP BY ...`` of the pivot's rows (``''`` when ``rows`` is empty)."""
    keys = [_q(k) for k in step["rows"]]
    if not keys:
        return ""
    if not _uses_sets(step):
        return " GROUP BY " + ", ".join(keys)
    sets = ["(" + ", ".join(keys) + ")"]
    if _nested(step):
        for k in range(len(keys) - 1, 0, -1):
            sets.append("(" + ", ".join(keys[:k]) + ")")
    if step.get("totals"):
        sets.append("()")
    return " GROUP BY GROUPING SETS (" + ", ".join(sets) + ")"


def _pivot_check(step, columns):
    names = _names(columns)
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
        if not isinstance(fn, str) or fn not in FUNCTIONS:
            return where + ".fn must be one of " + ", ".join(_FN_ORDER) + " (not " + repr(fn) + ")"
        column = value.get("column")
        if column is None:
            if fn != "count":
                return where + ".column is missing: a " + fn + " needs a column"
            continue
        if not isinstance(column, str) or column == "":
            return where + ".column must be the name of a column"
        if column not in names:
            return "there is no column '" + column + "' here"
        allowed = FUNCTIONS[fn][1]
        kind = _kind(columns, column)
        if allowed is not None and kind not in allowed:
            found = _column(columns, column)
            return (
                where
                + ": cannot take the "
                + FUNCTIONS[fn][0]
                + " of '"
                + column
                + "' ("
                + found["type"]
                + "); choose a number column"
            )
    index = step.get("sort_value", 0)
    if index < 0 or index >= len(step["values"]):
        return "sort_value must be the place of one of the values, 0 to " + str(len(step["values"]) - 1)
    limit = step.get("limit_columns", LIMIT_COLUMNS)
    if limit < 1 or limit > MAX_COLUMNS:
        return "limit_columns must be between 1 and " + str(MAX_COLUMNS)
    if step.get("limit_cells", LIMIT_CELLS) < 1:
        return "limit_cells must be at least 1"
    return None


def _pivot_says(step) -> str:
    shown = ", ".join(
        [_fn_label(v) if isinstance(v, dict) and v.get("fn") in FUNCTIONS else "?" for v in step["values"]]
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


# --- pivot: prepare -------------------------------------------------------------


def _aggregate(value: dict, condition, columns: list) -> str:
    """The SQL of one value, over the rows where ``condition`` holds (every row when None)."""
    fn = value["fn"]
    column = value.get("column")
    if column is None:
        inner = "*"
    elif fn == "count_distinct":
        inner = "DISTINCT " + _q(column)
    elif fn == "median" and _decimal(_column(columns, column)["type"]):
        inner = "CAST(" + _q(column) + " AS DOUBLE)"  # DuckDB's median of a DECIMAL keeps its scale: 12.7 for 12.75
    else:
        inner = _q(column)
    name = "count" if fn in ("count", "count_distinct") else fn
    text = name + "(" + inner + ")"
    if condition is not None:
        text += " FILTER (WHERE " + condition + ")"
    return text


def _pivot_prepare(query, step, columns):
    """Steps: the values of the pivot's column that become columns, and what the pivot will hold.

    Returns ``{"values": [{"value", "text", "null", "rows"}] (the top values, in their own order;
    ``value`` is the value for numbers, true/false and text, its text for other kinds),
    "distinct": how many values the column has, "other": True when some are left to Other,
    "other_values": how many, "other_rows": their rows, "rows": rows of the source,
    "row_count": rows of the pivot, "outputs": [{"name", "value": index into step.values,
    "pick": what cell_filters wants for this column, "of": "value"|"other"|"total",
    "at": index into "values" (of "value" only)}],
    "column_count": every column of the pivot, "rows_shown": rows that fit limit_cells,
    "note": words for the Steps panel or None}``.
    """
    column = _q(step["columns"])
    limit = step.get("limit_columns", LIMIT_COLUMNS)
    if step.get("top", "count") == "value":
        rank = _aggregate(step["values"][0], None, columns) + " DESC NULLS LAST, count(*) DESC"
    else:
        rank = "count(*) DESC"
    top = (
        "SELECT "
        + column
        + " AS key, CAST("
        + column
        + " AS VARCHAR) AS text, count(*) AS n, count(*) OVER () AS distinct_n, "
        + "CAST(sum(count(*)) OVER () AS BIGINT) AS total_n FROM ("
        + query
        + ") AS src GROUP BY "
        + column
        + " ORDER BY "
        + rank
        + ", "
        + column
        + " NULLS LAST LIMIT ?"
    )
    # the value itself for numbers, true/false and text; its text for the rest (dates, times, lists...),
    # which a filter's parameter turns back into the value
    plain = _kind(columns, step["columns"]) in _NATIVE_KINDS
    found = yield (
        "SELECT "
        + ("key" if plain else "text")
        + " AS value, text, n, distinct_n, total_n FROM ("
        + top
        + ") AS top ORDER BY key NULLS LAST",
        [int(limit)],
    )
    values = []
    distinct = 0
    total = 0
    for row in found["rows"]:
        values.append({"value": row[0], "text": row[1], "null": row[1] is None, "rows": int(row[2])})
        distinct = int(row[3])
        total = int(row[4])
    row_count = 1
    if step["rows"]:
        counted = yield (
            "SELECT count(*) FROM (SELECT 1 FROM (" + query + ") AS src" + _grouping(step) + ") AS g",
            [],
        )
        row_count = int(counted["rows"][0][0])
    shown_rows = 0
    for v in values:
        shown_rows += v["rows"]
    out = {  # type: dict
        "values": values,
        "distinct": distinct,
        "other": distinct > len(values),
        "other_values": distinct - len(values),
        "other_rows": total - shown_rows,
        "rows": total,
        "row_count": row_count,
    }
    made = outputs(step, columns, out)
    out["outputs"] = made
    column_count = len(step["rows"]) + (1 if _uses_sets(step) else 0) + len(made)
    out["column_count"] = column_count
    budget = step.get("limit_cells", LIMIT_CELLS)
    out["rows_shown"] = min(row_count, max(1, budget // max(1, column_count)))
    out["note"] = pivot_note(step, out)
    return out


def pivot_note(step: dict, prepared: dict):
    """Words on what the pivot left out or cannot show at once (None when nothing)."""
    parts = []
    if prepared["other"]:
        parts.append(
            "top "
            + _thousands(len(prepared["values"]))
            + " of "
            + _thousands(prepared["distinct"])
            + " values of '"
            + step["columns"]
            + "'; the rest in "
            + OTHER
        )
    if prepared["rows_shown"] < prepared["row_count"]:
        parts.append(
            _thousands(prepared["row_count"])
            + " rows × "
            + _thousands(prepared["column_count"])
            + " columns: the first "
            + _thousands(prepared["rows_shown"])
            + " rows fit on screen"
        )
    return "; ".join(parts) if parts else None


def _value_name(value: dict) -> str:
    if value["null"]:
        return NULL_NAME
    text = value["text"]
    if text == "":
        return BLANK_NAME
    if len(text) > NAME_LENGTH:
        return text[: NAME_LENGTH - 1] + "…"
    return text


def outputs(step: dict, columns: list, prepared: dict) -> list:
    """The pivot's value columns, in order: ``[{"name", "value": j, "pick", "of"}]``.

    ``of`` is "value" (one value of the column: ``pick`` is it, None for NULL),
    "other" (``pick`` is ``{"other": [the top values]}``) or "total" (``pick`` is
    ``{"total": true}``); ``pick`` is what ``cell_filters`` takes. Names are made
    unique (DuckDB's names ignore the case of A-Z, not of other letters) by " (2)", " (3)"...
    """
    taken = [_folded(k) for k in step["rows"]] + [LEVEL, ROW]
    many = len(step["values"]) > 1
    groups = []  # type: list
    for at, v in enumerate(prepared["values"]):
        groups.append((_value_name(v), v["value"], "value", at))
    if prepared["other"]:
        groups.append((OTHER, {"other": [v["value"] for v in prepared["values"]]}, "other", None))
    if step.get("totals") or not prepared["values"]:
        groups.append((TOTAL, {"total": True}, "total", None))
    out = []
    for base, pick, of, at in groups:
        for j in range(len(step["values"])):
            name = base + (" · " + _value_label(step, j) if many else "")
            if name.startswith("__loupe_"):
                name = "_" + name
            unique = name
            n = 2
            while _folded(unique) in taken:
                unique = name + " (" + str(n) + ")"
                n += 1
            taken.append(_folded(unique))
            entry = {"name": unique, "value": j, "pick": pick, "of": of}
            if at is not None:
                entry["at"] = at
            out.append(entry)
    return out


# --- pivot: SQL -------------------------------------------------------------------


def _equals(step: dict, columns: list, value: dict) -> str:
    """The condition of a row having ``value`` (one of prepare's) in the pivot's column."""
    column = _q(step["columns"])
    if value["null"]:
        return column + " IS NULL"
    found = _column(columns, step["columns"])
    kind = types.kind_of(found["type"]) if found else "other"
    if kind not in _TYPED_KINDS:
        return "CAST(" + column + " AS VARCHAR) = " + sql.literal(value["text"])
    if found["type"].upper() == "VARCHAR":
        return column + " = " + sql.literal(value["text"])
    return column + " = CAST(" + sql.literal(value["text"]) + " AS " + found["type"] + ")"


def _others_condition(step: dict, columns: list, prepared: dict) -> str:
    present = [v for v in prepared["values"] if not v["null"]]
    column = _q(step["columns"])
    parts = []
    if present:
        parts.append("(" + " OR ".join([_equals(step, columns, v) for v in present]) + ") IS NOT TRUE")
    if len(present) < len(prepared["values"]):
        parts.append(column + " IS NOT NULL")
    return " AND ".join(parts) if parts else "true"


def _pivot_sql(prev, step, columns, prepared):
    keys = [_q(k) for k in step["rows"]]
    n = len(keys)
    sets = _uses_sets(step)
    conditions = {}
    for i, v in enumerate(prepared["values"]):
        conditions[i] = _equals(step, columns, v)
    other = _others_condition(step, columns, prepared) if prepared["other"] else None
    parts = list(keys)
    if sets:
        parts.append("CAST(" + " + ".join(["GROUPING(" + k + ")" for k in keys]) + " AS INTEGER) AS " + _q(LEVEL))
        for i in range(n):
            parts.append("GROUPING(" + keys[i] + ") AS " + _q("__loupe_g" + str(i + 1)))
    for entry in prepared["outputs"]:
        value = step["values"][entry["value"]]
        condition = None
        if entry["of"] == "value":
            condition = conditions[entry["at"]]
        elif entry["of"] == "other":
            condition = other
        else:
            condition = None
        parts.append(_aggregate(value, condition, columns) + " AS " + _q(entry["name"]))
    by_value = step.get("sort", "keys") == "value"
    if by_value:
        parts.append(_aggregate(step["values"][step.get("sort_value", 0)], None, columns) + " AS " + _q("__loupe_sort"))
    inner = "SELECT " + ", ".join(parts) + " FROM " + prev + _grouping(step)
    order = []
    direction = " DESC" if step.get("order", "desc" if by_value else "asc") == "desc" else " ASC"
    nested = by_value and sets and _nested(step)
    if nested:
        windows = []
        for i in range(1, n):
            partition = keys[:i] + [_q("__loupe_g" + str(g + 1)) for g in range(i)]
            windows.append(
                "max(CASE WHEN "
                + _q(LEVEL)
                + " = "
                + str(n - i)
                + " THEN "
                + _q("__loupe_sort")
                + " END) OVER (PARTITION BY "
                + ", ".join(partition)
                + ") AS "
                + _q("__loupe_s" + str(i))
            )
        inner = "SELECT *, " + ", ".join(windows) + " FROM (" + inner + ") AS grouped"
        for i in range(n):
            mark = _q("__loupe_s" + str(i + 1)) if i < n - 1 else _q("__loupe_sort")
            order += [_q("__loupe_g" + str(i + 1)), mark + direction + " NULLS LAST", keys[i] + " ASC NULLS LAST"]
    elif by_value:
        if sets:
            order.append(_q(LEVEL))
        order.append(_q("__loupe_sort") + direction + " NULLS LAST")
        order += [k + " ASC NULLS LAST" for k in keys]
    else:
        for i in range(n):
            if sets:
                order.append(_q("__loupe_g" + str(i + 1)))
            order.append(keys[i] + direction + " NULLS LAST")
    shown = list(keys) + ([_q(LEVEL)] if sets else []) + [_q(e["name"]) for e in prepared["outputs"]]
    over = "ORDER BY " + ", ".join(order) if order else ""
    return (
        "SELECT row_number() OVER ("
        + over
        + ") AS "
        + _q(ROW)
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


# --- unpivot -------------------------------------------------------------------


def _unpivot_names(step: dict) -> tuple:
    return step.get("name", "name"), step.get("value", "value")


def _unpivot_type(step: dict, columns: list) -> tuple:
    """``(type or None, cast to text?)``: None lets DuckDB take the numbers' common type."""
    found = [_column(columns, name) for name in step["columns"]]
    kinds = [types.kind_of(c["type"]) for c in found]
    typed = [c["type"] for c in found]
    if len(set(typed)) == 1:
        return typed[0], False
    if all(k in ("integer", "decimal") for k in kinds):
        return None, False
    return "VARCHAR", True


def _unpivot_prepare(query, step, columns):
    """Steps (none run): ``{"type": the value column's type or None, "cast": bool, "note": words}``."""
    yield from ()  # a step generator that asks nothing (MicroPython drops an "if False: yield")
    kind, cast = _unpivot_type(step, columns)
    note = None
    if cast:
        found = [_column(columns, name) for name in step["columns"]]
        note = (
            "the values of "
            + ", ".join(["'" + c["name"] + "' (" + c["type"] + ")" for c in found])
            + " are of mixed types: '"
            + _unpivot_names(step)[1]
            + "' holds them as text"
        )
    return {"type": kind, "cast": cast, "note": note}


def _unpivot_sql(prev, step, columns, prepared):
    kind, cast = _unpivot_type(step, columns)
    name, value = _unpivot_names(step)
    chosen = step["columns"]
    kept = [_q(c) for c in _names(columns) if c not in chosen]
    n = len(chosen)
    if cast:
        items = ["CAST(" + _q(c) + " AS " + kind + ")" for c in chosen]
    else:
        items = [_q(c) for c in chosen]
    inner = (
        "SELECT "
        + ", ".join(
            [_q(ROW)]
            + kept
            + [
                "unnest(range(" + str(n) + ")) AS " + _q("__loupe_i"),
                "unnest([" + ", ".join([sql.literal(c) for c in chosen]) + "]) AS " + _q("__loupe_n"),
                "unnest([" + ", ".join(items) + "]) AS " + _q("__loupe_v"),
            ]
        )
        + " FROM "
        + prev
    )
    return (
        "SELECT "
        + ", ".join(
            [_q(ROW) + " * " + str(n) + " + " + _q("__loupe_i") + " AS " + _q(ROW)]
            + kept
            + [_q("__loupe_n") + " AS " + _q(name), _q("__loupe_v") + " AS " + _q(value)]
        )
        + " FROM ("
        + inner
        + ") AS unpivoted"
    )


def _unpivot_check(step, columns):
    chosen = step["columns"]
    if len(set(chosen)) != len(chosen):
        return "a column is named twice in 'columns'"
    name, value = _unpivot_names(step)
    if _folded(name) == _folded(value):
        return "name and value must be two different names"
    for new, field in ((name, "name"), (value, "value")):
        if new == ROW or new.startswith("__loupe_"):
            return field + ": the name " + new + " is kept for Loupe"
        for kept in _names(columns):
            if kept not in chosen and _folded(kept) == _folded(new):
                return field + ": there is already a column named '" + kept + "'; choose another name"
    return None


def _unpivot_says(step) -> str:
    name, value = _unpivot_names(step)
    listed = ", ".join(["'" + c + "'" for c in step["columns"]])
    return "Unpivot " + listed + " into '" + name + "' (the column) and '" + value + "' (its value)"


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
        "prepare": _pivot_prepare,
        "check": _pivot_check,
        "says": _pivot_says,
        "reorders": True,
    },
    "unpivot": {
        "fields": {"columns": "columns"},
        "optional": {"name": "new", "value": "new"},
        "sql": _unpivot_sql,
        "prepare": _unpivot_prepare,
        "check": _unpivot_check,
        "says": _unpivot_says,
        "reorders": True,
        "made": lambda s: list(_unpivot_names(s)),
    },
}  # type: dict
