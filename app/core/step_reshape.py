"""The unpivot step (wide to long).

Entries of ``KINDS`` as app/core/steps.py describes them.

The pivot (long to wide) is in app/core/step_pivot.py.

An unpivot::

    {"kind": "unpivot", "columns": ["q1", "q2"], "name": "quarter", "value": "sales"}

Each row becomes one row per column of ``columns``: the other columns, the
column's name in ``name`` (default "name") and its value in ``value`` (default
"value"), NULLs kept. Values of one type keep it, numbers of several types
become their common type, anything else mixed becomes text (its ``prepare``
says so: no query). Written with UNNEST of lists.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import sql, step_frame, types

ROW = step_frame.ROW


def _column(columns: list, name: str):
    for c in columns:
        if c["name"] == name:
            return c
    return None


def _folded(name: str) -> str:
    """``name`` as DuckDB compares identifiers: A-Z lowered, every other letter as it is."""
    return "".join([chr(ord(ch) + 32) if "A" <= ch <= "Z" else ch for ch in name])


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
    kept = [step_frame.q(c) for c in step_frame.names(columns) if c not in chosen]
    n = len(chosen)
    if cast:
        items = ["CAST(" + step_frame.q(c) + " AS " + kind + ")" for c in chosen]
    else:
        items = [step_frame.q(c) for c in chosen]
    inner = (
        "SELECT "
        + ", ".join(
            [step_frame.q(ROW)]
            + kept
            + [
                "unnest(range(" + str(n) + ")) AS " + step_frame.q("__loupe_i"),
                "unnest([" + ", ".join([sql.literal(c) for c in chosen]) + "]) AS " + step_frame.q("__loupe_n"),
                "unnest([" + ", ".join(items) + "]) AS " + step_frame.q("__loupe_v"),
            ]
        )
        + " FROM "
        + prev
    )
    return (
        "SELECT "
        + ", ".join(
            [step_frame.q(ROW) + " * " + str(n) + " + " + step_frame.q("__loupe_i") + " AS " + step_frame.q(ROW)]
            + kept
            + [
                step_frame.q("__loupe_n") + " AS " + step_frame.q(name),
                step_frame.q("__loupe_v") + " AS " + step_frame.q(value),
            ]
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
        for kept in step_frame.names(columns):
            if kept not in chosen and _folded(kept) == _folded(new):
                return field + ": there is already a column named '" + kept + "'; choose another name"
    return None


def _unpivot_says(step) -> str:
    name, value = _unpivot_names(step)
    listed = ", ".join(["'" + c + "'" for c in step["columns"]])
    return "Unpivot " + listed + " into '" + name + "' (the column) and '" + value + "' (its value)"


KINDS = {
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
