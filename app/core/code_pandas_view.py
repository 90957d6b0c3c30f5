"""The view in pandas: a table state's filters and search as one boolean mask, its sort, its columns.

``mask_code(state, columns)`` is the pandas twin of ``query.where`` (the
operators of app/core/filters.py, and the search box: text containing the
words in any case, numbers equal to them, dates whose text contains them);
a missing value keeps no row, as NULL does in SQL. ``view_lines(plan)``
filters, sorts (the plan's order, missing values last, then the source's
row order) and keeps the visible columns in their order.

CPython only (the Pyodide worker).
"""

from __future__ import annotations

from app.core import filters, query, types

ROW = "__loupe_row"


def mask_code(state: dict, columns: list) -> str:
    """One boolean expression over ``df`` keeping the rows ``state``'s filters and search keep."""
    kinds = {c["name"]: types.kind_of(c["type"]) for c in columns if c["name"] != ROW}
    parts = []
    for flt in state.get("filters") or []:
        parts.append("(" + _filter(flt, kinds.get(flt["column"], "other")) + ")")
    text = state.get("search") or ""
    if text:
        parts.append("(" + _search(text, kinds) + ")")
    return " & ".join(parts) if parts else "pd.Series(True, index=df.index)"


def view_lines(plan: dict) -> list:
    """The lines that turn ``df`` (the table after its steps) into what the grid shows."""
    state = plan["state"]
    lines = []
    if state.get("filters") or state.get("search"):
        lines.append("# The view's filters and search")
        lines.append("df = df[" + mask_code(state, plan.get("result_columns") or plan["columns"]) + "]")
    if state.get("group"):
        return lines + _grouped_lines(state["group"], plan.get("result_columns") or plan["columns"])
    order = plan.get("order") or []
    keys = [pair[0] for pair in order] + ["ROW"]
    ascending = [pair[1] != "desc" for pair in order] + [True]
    if order:
        lines.append("# Sorted as the grid is; ties keep the source's order")
        shown = "[" + ", ".join(repr(k) for k in keys[:-1]) + ", ROW]"
        lines.append(
            "df = df.sort_values(" + shown + ", ascending=" + repr(ascending) + ', na_position="last", kind="stable")'
        )
    else:
        lines.append("# In the source's order, as the grid shows it")
        lines.append('df = df.sort_values(ROW, kind="stable")')
    names = [c["name"] for c in plan["columns"]]
    lines.append("# The visible columns, in the grid's order")
    lines.append("return df[" + repr(names) + "].reset_index(drop=True)")
    return lines


# aggregate -> pandas named aggregation; a sum of no values is missing, as in SQL (pandas would say 0)
_AGGREGATES = {
    "sum": "lambda values: values.sum(min_count=1)",
    "avg": '"mean"',
    "min": '"min"',
    "max": '"max"',
    "count_distinct": '"nunique"',
}


def _grouped_lines(group: dict, columns: list) -> list:
    """The grouped view: a row per group (missing keys a group too) with its count and aggregates, in order."""
    keys = [filters.column_named(columns, name)["name"] for name in group["by"]]
    parts = [repr(query.COUNT_COLUMN) + ": (" + repr(keys[0]) + ', "size")']
    for agg in group.get("aggs") or []:
        column = filters.column_named(columns, agg["column"])["name"]
        parts.append(repr(query.aggregate_name(agg)) + ": (" + repr(column) + ", " + _AGGREGATES[agg["fn"]] + ")")
    order = [list(pair) for pair in group.get("sort") or [[query.COUNT_COLUMN, "desc"]]]
    names = [pair[0] for pair in order] + keys
    ascending = [pair[1] != "desc" for pair in order] + [True for _ in keys]
    return (
        [
            "# The view grouped by " + ", ".join(keys) + ": a row per group, its count and summaries",
            "summaries = {",
        ]
        + ["    " + part + "," for part in parts]
        + [
            "}",
            "df = df.groupby(" + repr(keys) + ", dropna=False).agg(**summaries).reset_index()",
            "df = df.sort_values(" + repr(names) + ", ascending=" + repr(ascending) + ', na_position="last")',
            "return df.reset_index(drop=True)",
        ]
    )


def _values(value, kind: str) -> str:
    values = value if isinstance(value, list) else [value]
    present = [v for v in values if v is not None]
    if kind in ("date", "timestamp"):
        return "pd.to_datetime(" + repr(present) + ")"
    return repr(present)


def _is_in(column: str, value, kind: str) -> str:
    values = value if isinstance(value, list) else [value]
    code = column + ".isin(" + _values(value, kind) + ")"
    if None in values:
        code += " | " + column + ".isna()"
    return code


def _bound(value, kind: str) -> str:
    if kind in ("date", "timestamp"):
        return "pd.Timestamp(" + repr(str(value)) + ")"
    return repr(value)


def _filter(flt: dict, kind: str) -> str:
    column = "df[" + repr(flt["column"]) + "]"
    op = flt["op"]
    value = flt.get("value")
    filters.operator(flt)  # an unknown operator fails here, as on screen
    if op == "in":
        return _is_in(column, value, kind)
    if op == "not_in":
        return "~(" + _is_in(column, value, kind) + ")"
    if op == "range":
        low, high = (list(value) + [None, None])[:2] if isinstance(value, (list, tuple)) else (None, None)
        parts = []
        if low is not None:
            parts.append(column + ".ge(" + _bound(low, kind) + ")")
        if high is not None:
            parts.append(column + ".le(" + _bound(high, kind) + ")")
        inside = " & ".join(parts) if parts else "pd.Series(True, index=df.index)"
        return "(" + inside + ").fillna(False).astype(bool)"
    if op == "contains":
        return (
            column
            + '.astype("string").str.lower().str.contains('
            + repr(str(value).lower())
            + ", regex=False).fillna(False).astype(bool)"
        )
    if op == "regex":
        return (
            column + '.astype("string").str.contains(' + repr(str(value)) + ", regex=True).fillna(False).astype(bool)"
        )
    if op == "null":
        return column + ".isna()"
    return column + ".notna()"


def _search(text: str, kinds: dict) -> str:
    number = filters._number(text)
    temporal = filters._looks_temporal(text)
    parts = []
    for name, kind in kinds.items():
        column = "df[" + repr(name) + "]"
        if kind == "text":
            parts.append(column + ".str.contains(" + repr(text) + ", case=False, regex=False)")
        elif kind in ("integer", "decimal") and number is not None:
            parts.append(column + ".eq(" + repr(number) + ")")
        elif kind in ("date", "timestamp", "time") and temporal:
            parts.append(column + '.astype("string").str.contains(' + repr(text) + ", regex=False)")
    if not parts:
        return "pd.Series(False, index=df.index)"
    return "(" + " | ".join(parts) + ").fillna(False).astype(bool)"
