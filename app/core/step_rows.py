"""Steps on rows: keep or remove the rows that match filters (the grid's filters made a step).

Entries of ``KINDS`` as app/core/steps.py describes them.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, filters, query, sql, types

ROW = "__loupe_row"  # steps.ROW (not imported: steps imports this module)


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


KINDS = {
    "filter": {
        "fields": {"filters": "list"},
        "optional": {"search": "text", "keep": "choice:matching|others"},
        "sql": _filter_sql,
        "check": _filter_check,
        "says": _filter_says,
    },
}
