"""Transform steps: what each kind means, how its JSON is checked, its one-line words, its SQL.

A table's steps are a list of small JSON objects, each with a ``kind`` and
its settings, for example::

    {"kind": "derive", "name": "total", "expression": "price * qty"}
    {"kind": "rename", "column": "qty", "to": "quantity"}
    {"kind": "fill", "column": "city", "with": "previous"}

A step may also carry ``"off": true`` (kept, but not applied). The view's
log records a table's whole list each time it changes (an entry
``{"op": "steps", "table", "steps"}``, app/core/view_log.py), and
app/core/recipe.py compiles the list into one DuckDB view over the table's
source: nothing is copied, every step stays SQL.

Each kind lives in a module of its own group (step_columns, step_values,
step_parts, step_parse, step_rows, step_tables, step_pivot, step_reshape) as
an entry of its ``KINDS``::

    "derive": {"fields": {"name": "new", "expression": "expression"},   # field -> shape
               "optional": {...},                                   # the same, may be left out
               "sql": function(prev, step, columns) -> SELECT text over ``prev``,
               "says": function(step) -> one plain line,
               "check": function(step, columns) -> None or words (optional),
               "reorders": True when its rows come out in another order (optional),
               "made": function(step) -> the columns it adds (optional),
               "prepare": step generator(query, step, columns) -> what ``sql`` gets as a
                          4th argument, found in the data before the SQL is written (optional),
               "changes": function(step) -> the columns whose values it changes (optional)}

``prev`` is the quoted name of the stage before; ``columns`` its
``[{name, type}]``. Every stage keeps the hidden column ``ROW`` (the row's
place in the source) so that steps that need an order have one and the
result is shown in the source's order. Values are written into the SQL as
literals (``sql.literal``): a view cannot take parameters.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import (
    sql,
    step_columns,
    step_frame,
    step_parse,
    step_parts,
    step_pivot,
    step_reshape,
    step_rows,
    step_tables,
    step_values,
)

ROW = step_frame.ROW
LIMIT = 200  # steps a table may have: a recipe longer than this is a script, not a recipe

# field shapes: a checker and the words for what it wants
_SHAPES = {
    "column": "the name of a column",
    "columns": "a list of column names",
    "new": "a name for the new column (not empty)",
    "expression": "a DuckDB expression (text)",
    "text": "text",
    "value": "a value (text, a number, true/false or null)",
    "int": "a whole number",
    "number": "a number",
    "bool": "true or false",
    "list": "a list",
    "object": "an object",
    "table": "the name of another open table",
    "any": "a value or {column: name}",
}


def kinds() -> dict:
    """Every step kind: kind -> its entry (see the module docstring)."""
    out = {}
    for group in (step_columns, step_values, step_parts, step_parse, step_rows, step_tables, step_pivot, step_reshape):
        out.update(group.KINDS)
    return out


_KINDS = kinds()


def kind_of(step: dict) -> dict:
    """The entry of ``step``'s kind (the step must have passed ``shape_problem``)."""
    return _KINDS[step["kind"]]


def shape_problem(step, where: str = "step"):
    """What is wrong with the JSON of ``step``, naming the field (None when nothing is).

    Checks the fields are there with the right shapes, not that the columns
    exist (``problem`` does, against a table's columns).
    """
    if not isinstance(step, dict):
        return where + " must be an object with a 'kind'"
    kind = step.get("kind")
    if not isinstance(kind, str) or kind not in _KINDS:
        return where + ".kind must be one of " + ", ".join(sorted(_KINDS)) + " (not " + _shown(kind) + ")"
    entry = _KINDS[kind]
    fields = entry["fields"]
    optional = entry.get("optional") or {}
    for name in step:
        if name not in fields and name not in optional and name not in ("kind", "off"):
            return where + "." + name + " is not a setting of a " + kind + " step"
    if "off" in step and not isinstance(step["off"], bool):
        return where + ".off must be true or false"
    for name in fields:
        if name not in step:
            return where + "." + name + " is missing: a " + kind + " step needs " + _wants(fields[name])
    for name in list(fields) + list(optional):
        if name not in step:
            continue
        shape = fields[name] if name in fields else optional[name]
        if not _fits(shape, step[name]):
            return where + "." + name + " must be " + _wants(shape) + " (not " + _shown(step[name]) + ")"
    return None


def problem(step: dict, columns: list, tables=None):
    """What keeps ``step`` from applying to a stage with ``columns`` (None when nothing does).

    ``tables``: the names of the other open tables (for joins and appends).
    """
    shape = shape_problem(step)
    if shape:
        return shape
    entry = _KINDS[step["kind"]]
    names = [c["name"] for c in columns if c["name"] != ROW]
    settings = dict(entry["fields"])
    settings.update(entry.get("optional") or {})
    for name in settings:
        if name not in step:
            continue
        shape = settings[name]
        if shape == "column" and step[name] not in names:
            return "there is no column '" + step[name] + "' here" + gone_hint()
        if shape == "columns":
            for column in step[name]:
                if column not in names:
                    return "there is no column '" + column + "' here" + gone_hint()
        if shape == "new" and step[name] == ROW:
            return "the name " + ROW + " is kept for Loupe"
        if shape == "table" and tables is not None and step[name] not in tables:
            return "there is no open table '" + step[name] + "'"
    check = entry.get("check")
    return check(step, columns) if check else None


def says(step: dict) -> str:
    """``step`` in one plain line ("Rename 'qty' to 'quantity'")."""
    line = _KINDS[step["kind"]]["says"](step)
    return line + (" (off)" if step.get("off") else "")


def stage_sql(prev: str, step: dict, columns: list, prepared=None) -> str:
    """The SELECT that applies ``step`` to the stage named ``prev`` (quoted) with ``columns``.

    ``prepared``: what the kind's ``prepare`` found (kinds that have one only).
    """
    entry = _KINDS[step["kind"]]
    if "prepare" in entry:
        return entry["sql"](prev, step, columns, prepared)
    return entry["sql"](prev, step, columns)


def prepare(query: str, step: dict, columns: list):
    """Steps: what ``step`` must know of the data before its SQL can be written (None for most kinds).

    A kind with a ``prepare`` (a step generator given ``query``, a SELECT of the
    stage before, and its ``columns``) looks at the data first: a pivot, the
    values that become its columns.
    """
    entry = _KINDS[step["kind"]]
    if "prepare" not in entry:
        return None
    found = yield from entry["prepare"](query, step, columns)
    return found


def reorders(step: dict) -> bool:
    """True when ``step``'s rows come out in an order of their own (the view then orders by ROW)."""
    flag = _KINDS[step["kind"]].get("reorders")
    return bool(flag(step) if callable(flag) else flag)


def changed_columns(step: dict) -> list:
    """The columns whose values ``step`` changes in place (for a before/after preview); [] for none."""
    changes = _KINDS[step["kind"]].get("changes")
    return list(changes(step)) if changes else []


def made_columns(step: dict) -> list:
    """The columns ``step`` adds (for a preview of their first values); [] for none."""
    made = _KINDS[step["kind"]].get("made")
    return list(made(step)) if made else []


def quoted(name: str) -> str:
    return sql.quote_ident(name)


def others(columns: list, leave=()) -> list:
    """Quoted names of ``columns`` but ROW and ``leave``, in order."""
    return [sql.quote_ident(c["name"]) for c in columns if c["name"] != ROW and c["name"] not in leave]


def gone_hint() -> str:
    """Why a column a step names may be missing."""
    return " (it may have been renamed or removed by a step before, or by Read as…)"


def _wants(shape: str) -> str:
    if shape.startswith("choice:"):
        return "one of " + ", ".join(shape[7:].split("|"))
    return _SHAPES.get(shape, shape)


def _fits(shape: str, value) -> bool:
    if shape.startswith("choice:"):
        return isinstance(value, str) and value in shape[7:].split("|")
    if shape in ("column", "table", "text"):
        return isinstance(value, str) and (shape == "text" or value != "")
    if shape == "new":
        return isinstance(value, str) and value.strip() != "" and "\x00" not in value
    if shape == "expression":
        return isinstance(value, str) and value.strip() != ""
    if shape == "columns":
        return isinstance(value, list) and len(value) > 0 and all(isinstance(v, str) and v for v in value)
    if shape == "value":
        return value is None or isinstance(value, (str, int, float, bool))
    if shape == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if shape == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if shape == "bool":
        return isinstance(value, bool)
    if shape == "list":
        return isinstance(value, list)
    if shape == "object":
        return isinstance(value, dict)
    if shape == "any":
        return True
    return False


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
