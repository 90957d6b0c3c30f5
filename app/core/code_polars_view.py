"""The view in Polars: a table state's filters and search as one boolean expression, its sort, its columns.

``mask_code(state, columns)`` is the Polars twin of ``query.where`` (the
operators of app/core/filters.py, and the search box: text containing the
words in any case, numbers equal to them, dates whose text contains them);
a missing value keeps no row, as NULL does in SQL, except where Loupe's
SQL says ``IS NOT TRUE`` (not in). ``view_lines(plan)`` filters, sorts
(the plan's order, missing values last, then the source's row order) and
keeps the visible columns in their order.

CPython only (the Pyodide worker).
"""

from __future__ import annotations

from app.core import filters, query, types

ROW = "__loupe_row"


def mask_code(state: dict, columns: list) -> str:
    """One boolean expression keeping the rows ``state``'s filters and search keep (never null)."""
    parts = ["(" + part + ")" for part in mask_parts(state, columns)]
    return " & ".join(parts) if parts else "pl.lit(True)"


def mask_parts(state: dict, columns: list) -> list:
    """One boolean expression per filter (and the search), each never null: a row is kept when all hold."""
    kinds = {c["name"]: types.kind_of(c["type"]) for c in columns if c["name"] != ROW}
    parts = [_filter(flt, kinds.get(flt["column"], "other")) for flt in state.get("filters") or []]
    text = state.get("search") or ""
    if text:
        parts.append(_search(text, kinds))
    return parts


def view_lines(plan: dict) -> list:
    """The lines that turn ``df`` (the table after its steps) into what the grid shows."""
    state = plan["state"]
    lines = []
    if state.get("filters") or state.get("search"):
        lines.append("# The view's filters and search")
        parts = mask_parts(state, plan.get("result_columns") or plan["columns"])
        lines += ["df = df.filter("] + ["    " + part + "," for part in parts] + [")"]
    if state.get("group"):
        return lines + _grouped_lines(state["group"], plan.get("result_columns") or plan["columns"])
    order = plan.get("order") or []
    if order:
        keys = [pair[0] for pair in order]
        down = [pair[1] == "desc" for pair in order] + [False]
        lines.append("# Sorted as the grid is; ties keep the source's order")
        lines.append(
            "df = df.sort(["
            + ", ".join(repr(k) for k in keys)
            + ", ROW], descending="
            + repr(down)
            + ", nulls_last=True, maintain_order=True)"
        )
    else:
        lines.append("# In the source's order, as the grid shows it")
        lines.append("df = df.sort(ROW, maintain_order=True)")
    names = [c["name"] for c in plan["columns"]]
    lines.append("# The visible columns, in the grid's order")
    lines.append("return df.select(" + repr(names) + ")")
    return lines


# aggregate -> Polars, over a column ``{c}``; a sum of no values is missing, as in SQL (Polars would say 0)
_AGGREGATES = {
    "sum": "pl.when({c}.count() > 0).then({c}.sum())",
    "avg": "{c}.mean()",
    "min": "{c}.min()",
    "max": "{c}.max()",
    "count_distinct": "{c}.drop_nulls().n_unique()",
}


def _grouped_lines(group: dict, columns: list) -> list:
    """The grouped view: a row per group (missing keys a group too) with its count and aggregates, in order."""
    keys = [filters.column_named(columns, name)["name"] for name in group["by"]]
    parts = ['pl.len().alias("' + query.COUNT_COLUMN + '")']
    for agg in group.get("aggs") or []:
        column = "pl.col(" + repr(filters.column_named(columns, agg["column"])["name"]) + ")"
        parts.append(_AGGREGATES[agg["fn"]].replace("{c}", column) + ".alias(" + repr(query.aggregate_name(agg)) + ")")
    order = [list(pair) for pair in group.get("sort") or [[query.COUNT_COLUMN, "desc"]]]
    names = [pair[0] for pair in order] + keys
    down = [pair[1] == "desc" for pair in order] + [False for _ in keys]
    return (
        [
            "# The view grouped by " + ", ".join(keys) + ": a row per group, its count and summaries",
            "df = df.group_by(" + repr(keys) + ").agg(",
        ]
        + ["    " + part + "," for part in parts]
        + [
            ")",
            "return df.sort(" + repr(names) + ", descending=" + repr(down) + ", nulls_last=True)",
        ]
    )


def _values(value, kind: str) -> str:
    values = value if isinstance(value, list) else [value]
    present = [v for v in values if v is not None]
    if kind == "date":
        return "pl.Series(" + repr([str(v) for v in present]) + ", dtype=pl.String).str.to_date()"
    if kind == "timestamp":
        return "pl.Series(" + repr([str(v) for v in present]) + ", dtype=pl.String).str.to_datetime()"
    return repr(present)


def _is_in(column: str, value, kind: str) -> str:
    values = value if isinstance(value, list) else [value]
    code = column + ".is_in(" + _values(value, kind) + ").fill_null(False)"
    if None in values:
        code += " | " + column + ".is_null()"
    return code


def _bound(value, kind: str) -> str:
    if kind == "date":
        return "pl.lit(" + repr(str(value)) + ").str.to_date()"
    if kind == "timestamp":
        return "pl.lit(" + repr(str(value)) + ").str.to_datetime()"
    return repr(value)


def _text(column: str, kind: str) -> str:
    return column if kind == "text" else column + ".cast(pl.String)"


def _filter(flt: dict, kind: str) -> str:
    column = "pl.col(" + repr(flt["column"]) + ")"
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
            parts.append("(" + column + " >= " + _bound(low, kind) + ")")
        if high is not None:
            parts.append("(" + column + " <= " + _bound(high, kind) + ")")
        inside = " & ".join(parts) if parts else "pl.lit(True)"
        return "(" + inside + ").fill_null(False)"
    if op == "contains":
        return (
            _text(column, kind)
            + ".str.to_lowercase().str.contains("
            + repr(str(value).lower())
            + ", literal=True).fill_null(False)"
        )
    if op == "regex":
        return _text(column, kind) + ".str.contains(" + repr(str(value)) + ").fill_null(False)"
    if op == "null":
        return column + ".is_null()"
    return column + ".is_not_null()"


def _search(text: str, kinds: dict) -> str:
    number = filters._number(text)
    temporal = filters._looks_temporal(text)
    parts = []
    for name, kind in kinds.items():
        column = "pl.col(" + repr(name) + ")"
        if kind == "text":
            parts.append(column + ".str.to_lowercase().str.contains(" + repr(text.lower()) + ", literal=True)")
        elif kind in ("integer", "decimal") and number is not None:
            parts.append("(" + column + " == " + repr(number) + ")")
        elif kind in ("date", "timestamp", "time") and temporal:
            parts.append(column + ".cast(pl.String).str.contains(" + repr(text) + ", literal=True)")
    if not parts:
        return "pl.lit(False)"
    return "(" + " | ".join(parts) + ").fill_null(False)"
