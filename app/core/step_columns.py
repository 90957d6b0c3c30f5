"""Steps on columns: rename, drop, keep (and reorder), derive from an expression, a conditional column.

Entries of ``KINDS`` as app/core/steps.py describes them.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import guard, sql, statements, step_frame

ROW = step_frame.ROW


def _rename_sql(prev, step, columns):
    parts = [
        (step_frame.q(n) + " AS " + step_frame.q(step["to"])) if n == step["column"] else step_frame.q(n)
        for n in step_frame.names(columns)
    ]
    return "SELECT " + step_frame.q(ROW) + ", " + ", ".join(parts) + " FROM " + prev


def _rename_check(step, columns):
    others = [n.lower() for n in step_frame.names(columns) if n != step["column"]]
    if step["to"].lower() in others:
        return "there is already a column named '" + step["to"] + "'; choose another name"
    return None


def _drop_sql(prev, step, columns):
    kept = [step_frame.q(n) for n in step_frame.names(columns) if n not in step["columns"]]
    return "SELECT " + ", ".join([step_frame.q(ROW)] + kept) + " FROM " + prev


def _drop_check(step, columns):
    if len([n for n in step_frame.names(columns) if n not in step["columns"]]) == 0:
        return "a table needs at least one column: keep one"
    return None


def _keep_sql(prev, step, columns):
    return "SELECT " + ", ".join([step_frame.q(ROW)] + [step_frame.q(n) for n in step["columns"]]) + " FROM " + prev


def _keep_check(step, columns):
    if len(set(step["columns"])) != len(step["columns"]):
        return "a column is named twice in 'columns'"
    return None


def expression_problem(text: str):
    """Why ``text`` cannot be used as one column's expression (None when it can).

    One expression only: no second statement, no parenthesis closed that it
    did not open, nothing that reads files or addresses (app/core/guard.py).
    """
    pieces = statements.split(text)
    if len(pieces) != 1:
        return "write one expression, without ';'"
    depth = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in ("'", '"'):
            if _open_quote(text, i, ch):
                return "a quote (" + ch + ") at position " + str(i + 1) + " is not closed"
            i = statements.skip_quoted(text, i, ch)
            continue
        if text[i : i + 2] == "--":
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline + 1
            continue
        if text[i : i + 2] == "/*":
            close = text.find("*/", i + 2)
            if close < 0:
                return "a comment (/*) at position " + str(i + 1) + " is not closed"
            i = close + 2
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return "a ')' at position " + str(i + 1) + " closes nothing"
        i += 1
    if depth > 0:
        return "a '(' is not closed"
    statement = "SELECT " + text
    why = guard.refusal(statement)
    if why:
        return why
    if not guard.reading(statement):
        return "an expression cannot change tables or settings; write a value, such as price * qty"
    return None


def existing(name: str, columns: list):
    """The column of ``columns`` DuckDB takes ``name`` for (names ignore case there), or None."""
    for other in step_frame.names(columns):
        if other.lower() == name.lower():
            return other
    return None


def _with_column(prev: str, name: str, expr: str, columns: list) -> str:
    """A SELECT of ``prev`` with the column ``name`` set to ``expr``: in its place if it exists, else last."""
    there = existing(name, columns)
    if there is not None:
        return "SELECT * REPLACE (" + expr + " AS " + step_frame.q(there) + ") FROM " + prev
    return "SELECT *, " + expr + " AS " + step_frame.q(name) + " FROM " + prev


def _open_quote(text: str, start: int, quote: str) -> bool:
    """True if the quote opened at ``start`` is still open at the end of ``text`` (doubled quotes are inside)."""
    i = start + 1
    while i < len(text):
        if text[i] == quote:
            if text[i + 1 : i + 2] == quote:
                i += 2
                continue
            return False
        i += 1
    return True


def _derive_sql(prev, step, columns):
    expr = "(" + step["expression"] + "\n)"  # a -- comment in it ends at the line's end
    return _with_column(prev, step["name"], expr, columns)


def _derive_check(step, columns):
    return expression_problem(step["expression"])


def _derive_reorders(step):
    return " over" in (" " + step["expression"].lower().replace("(", " ").replace(")", " ") + " ")


# conditions of a conditional column: op -> (SQL with {c} for the column and {v} for the value, needs a value)
CONDITIONS = {
    "=": ("{c} = {v}", True),
    "!=": ("{c} IS DISTINCT FROM {v}", True),
    "<": ("{c} < {v}", True),
    "<=": ("{c} <= {v}", True),
    ">": ("{c} > {v}", True),
    ">=": ("{c} >= {v}", True),
    "contains": ("contains(CAST({c} AS VARCHAR), {v})", True),
    "starts": ("starts_with(CAST({c} AS VARCHAR), {v})", True),
    "ends": ("ends_with(CAST({c} AS VARCHAR), {v})", True),
    "empty": ("({c} IS NULL OR CAST({c} AS VARCHAR) = '')", False),
    "not_empty": ("({c} IS NOT NULL AND CAST({c} AS VARCHAR) <> '')", False),
}


def _outcome(value) -> str:
    """A ``then``/``else``: a value, or ``{"column": name}`` for another column's value."""
    if isinstance(value, dict):
        return step_frame.q(value["column"])
    return sql.literal(value)


def _condition(rule) -> str:
    template, _ = CONDITIONS[rule["op"]]
    return template.replace("{c}", step_frame.q(rule["column"])).replace("{v}", sql.literal(rule.get("value")))


def _conditional_sql(prev, step, columns):
    cases = ["WHEN " + _condition(rule) + " THEN " + _outcome(rule.get("then")) for rule in step["when"]]
    expr = "CASE " + " ".join(cases) + " ELSE " + _outcome(step.get("else")) + " END"
    return _with_column(prev, step["name"], expr, columns)


def _outcome_problem(value, names, where):
    if isinstance(value, dict):
        if set(value) != {"column"} or not isinstance(value.get("column"), str):
            return where + " must be a value or {column: name}"
        if value["column"] not in names:
            return "there is no column '" + value["column"] + "' here"
        return None
    if value is not None and not isinstance(value, (str, int, float, bool)):
        return where + " must be a value or {column: name}"
    return None


def _conditional_check(step, columns):
    names = step_frame.names(columns)
    if not step["when"]:
        return "when needs at least one rule"
    for i, rule in enumerate(step["when"]):
        where = "when[" + str(i) + "]"
        if not isinstance(rule, dict):
            return where + " must be an object {column, op, value, then}"
        if rule.get("op") not in CONDITIONS:
            return where + ".op must be one of " + ", ".join(CONDITIONS)
        if rule.get("column") not in names:
            return "there is no column '" + str(rule.get("column")) + "' here"
        if CONDITIONS[rule["op"]][1] and "value" not in rule:
            return where + ".value is missing"
        why = _outcome_problem(rule.get("then"), names, where + ".then")
        if why:
            return why
    return _outcome_problem(step.get("else"), names, "else")


KINDS = {
    "rename": {
        "fields": {"column": "column", "to": "new"},
        "sql": _rename_sql,
        "check": _rename_check,
        "says": lambda s: "Rename '" + s["column"] + "' to '" + s["to"] + "'",
    },
    "drop": {
        "fields": {"columns": "columns"},
        "sql": _drop_sql,
        "check": _drop_check,
        "says": lambda s: (
            "Remove " + ("column " if len(s["columns"]) == 1 else "columns ") + step_frame.quoted(s["columns"])
        ),
    },
    "keep": {
        "fields": {"columns": "columns"},
        "sql": _keep_sql,
        "check": _keep_check,
        "says": lambda s: (
            "Keep " + step_frame.quoted(s["columns"]) + (" in this order" if len(s["columns"]) > 1 else "")
        ),
    },
    "derive": {
        "fields": {"name": "new", "expression": "expression"},
        "sql": _derive_sql,
        "check": _derive_check,
        "reorders": _derive_reorders,
        "made": lambda s: [s["name"]],
        "says": lambda s: "New column '" + s["name"] + "' = " + s["expression"],
    },
    "conditional": {
        "fields": {"name": "new", "when": "list"},
        "optional": {"else": "any"},
        "sql": _conditional_sql,
        "check": _conditional_check,
        "made": lambda s: [s["name"]],
        "says": lambda s: (
            "New column '" + s["name"] + "' by " + str(len(s["when"])) + (" rule" if len(s["when"]) == 1 else " rules")
        ),
    },
}
