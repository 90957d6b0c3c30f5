"""Steps on values: fill missing values, find and replace, clean text.

Entries of ``KINDS`` as app/core/steps.py describes them. Their JSON::

    {"kind": "fill", "column": "city", "with": "previous", "by": ["country"]}
        Fill the missing (NULL) values of ``column``. ``with`` is one of
        ``value`` (then ``"value": v``, cast to the column's type), ``previous``
        / ``next`` (the nearest non-missing value before / after, in the
        source's row order), ``mean``, ``median`` (number columns, which
        become DOUBLE) or ``most_frequent`` (on a tie, the smallest value).
        Optional ``by``: fill within the groups those columns make (a
        missing group value is a group of its own).

    {"kind": "replace", "find": "N/A", "replace": "", "column": "city"}
        Find and replace in the text column ``column``, or in ``"columns":
        [...]``, or, with neither, in every text (VARCHAR) column. Optional
        ``"regex": true`` (``find`` is a regular expression, RE2 syntax;
        ``replace`` may then use \\1 for its groups), ``"case": false``
        (ignore case; matching case is the default), ``"whole_cell": true``
        (only cells that are exactly ``find`` / that the regex matches
        whole). With ``whole_cell``, ``"replace": null`` empties the cells found.

    {"kind": "clean", "columns": ["name"], "trim": true, "collapse": true, "letter_case": "title"}
        Tidy text columns: ``trim`` takes spaces, tabs, line breaks and
        no-break spaces off both ends, ``collapse`` makes every run of them
        one space, then ``letter_case`` (``lower``, ``upper``, or ``title``:
        each space-separated word's first letter upper case, the rest lower).
        Always applied in that order; at least one of the three.

Split and extract are in app/core/step_parts.py, parse in app/core/step_parse.py;
the SQL and words these steps share in app/core/step_text_sql.py.

Every step keeps every column in order, the hidden row column too.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, sql, step_frame, step_text_sql

ROW = step_frame.ROW

# white space that trim and collapse take out: space, tab, line breaks, vertical tab, form feed, no-break space
_SPACES = " \t\n\r\x0b\x0c\u00a0"
_SPACE_CLASS = "[ \\t\\n\\r\\x{0B}\\f\\x{A0}]"


# ---------------------------------------------------------------- fill

_FILL = ("value", "previous", "next", "mean", "median", "most_frequent")


def _partition(step: dict) -> str:
    by = step.get("by") or []
    if not by:
        return ""
    return "PARTITION BY " + ", ".join([step_text_sql.q(n) for n in by]) + " "


def _fill_sql(prev, step, columns, prepared=None):
    name = step["column"]
    col = step_text_sql.q(name)
    how = step["with"]
    over = _partition(step)
    if how == "value":
        expr = "CAST(" + sql.literal(step["value"]) + " AS " + step_text_sql.type_of(columns, name) + ")"
        return step_text_sql.replace_select(prev, [(name, "COALESCE(" + col + ", " + expr + ")")])
    if how == "previous":
        window = (
            "last_value("
            + col
            + " IGNORE NULLS) OVER ("
            + over
            + "ORDER BY "
            + step_text_sql.q(ROW)
            + " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
        )
        return step_text_sql.replace_select(prev, [(name, "COALESCE(" + col + ", " + window + ")")])
    if how == "next":
        window = (
            "first_value("
            + col
            + " IGNORE NULLS) OVER ("
            + over
            + "ORDER BY "
            + step_text_sql.q(ROW)
            + " ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)"
        )
        return step_text_sql.replace_select(prev, [(name, "COALESCE(" + col + ", " + window + ")")])
    if how in ("mean", "median"):
        function = "avg" if how == "mean" else "median"
        window = function + "(CAST(" + col + " AS DOUBLE)) OVER (" + over.strip() + ")"  # no DECIMAL overflow
        return step_text_sql.replace_select(prev, [(name, "COALESCE(" + col + ", " + window + ")")])
    # most frequent: count each value (within its group), take the commonest, the smallest on a tie
    count = step_text_sql.q(step_text_sql.spare(columns, "__loupe_count"))
    best = step_text_sql.q(step_text_sql.spare(columns, "__loupe_fill"))
    by = [step_text_sql.q(n) for n in (step.get("by") or [])]
    counted = "SELECT *, count(*) OVER (PARTITION BY " + ", ".join(by + [col]) + ") AS " + count + " FROM " + prev
    ranked = (
        "SELECT *, first_value("
        + col
        + ") OVER ("
        + over
        + "ORDER BY ("
        + col
        + " IS NULL), "
        + count
        + " DESC, "
        + col
        + " ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS "
        + best
        + " FROM ("
        + counted
        + ")"
    )
    return (
        "SELECT * EXCLUDE ("
        + count
        + ", "
        + best
        + ") REPLACE (COALESCE("
        + col
        + ", "
        + best
        + ") AS "
        + col
        + ") FROM ("
        + ranked
        + ")"
    )


def _fill_check(step, columns):
    name = step["column"]
    why = step_text_sql.row_problem("column", name)
    if why:
        return why
    how = step["with"]
    kind = step_text_sql.kind_of(columns, name)
    if how == "value":
        if "value" not in step or step["value"] is None:
            return 'value is missing: fill with a value needs "value" (text, a number or true/false)'
        value = step["value"]
        if kind == "integer" and isinstance(value, float) and value % 1 != 0:
            return "value " + repr(value) + " is not a whole number, and '" + name + "' holds whole numbers"
    elif "value" in step:
        return 'value is only for "with": "value" (this step fills with the ' + how.replace("_", " ") + " value)"
    if how in ("mean", "median") and kind not in ("integer", "decimal"):
        return (
            "with: the "
            + how
            + " needs a number column; '"
            + name
            + "' holds "
            + step_text_sql.type_of(columns, name)
            + " values"
        )
    by = step.get("by") or []
    if name in by:
        return "by: '" + name + "' is the column being filled; group by other columns"
    if len(set(by)) != len(by):
        return "by: a column is named twice"
    for group in by:
        why = step_text_sql.row_problem("by", group)
        if why:
            return why
    return None


def _fill_prepare(query, step, columns):
    """Steps: make sure a fill value fits the column's type (so the refusal can say so)."""
    if step["with"] != "value":
        return None
    name = step["column"]
    kind = step_text_sql.type_of(columns, name)
    fits = yield "SELECT TRY_CAST(" + sql.literal(step["value"]) + " AS " + kind + ") IS NOT NULL", []
    if not fits["rows"][0][0]:
        raise errors.QueryError(
            "value " + sql.literal(step["value"]) + " does not fit '" + name + "', which holds " + kind + " values"
        )
    return None


def _fill_says(step) -> str:
    how = step["with"]
    if how == "value":
        what = "with " + step_text_sql.value_words(step.get("value"))
    elif how == "most_frequent":
        what = "with the most frequent value"
    else:
        what = "with the " + how + " value"
    by = step.get("by") or []
    within = " (within " + step_text_sql.shown_list(by) + ")" if by else ""
    return "Fill missing '" + step["column"] + "' " + what + within


# ---------------------------------------------------------------- replace


def _replace_targets(step: dict, columns: list) -> list:
    if "column" in step:
        return [step["column"]]
    if "columns" in step:
        return list(step["columns"])
    return step_text_sql.text_columns(columns)


def _replace_expr(col: str, step: dict) -> str:
    find = step["find"]
    new = step["replace"]
    regex = bool(step.get("regex"))
    ignore = step.get("case") is False
    pattern = find if regex else step_text_sql.escape_regex(find)
    flags = step_text_sql.regex_flags(step)
    if step.get("whole_cell"):
        if not regex and not ignore:
            match = col + " = " + sql.literal(find)
        else:
            match = "regexp_full_match(" + col + ", " + sql.literal(pattern) + ", " + sql.literal(flags) + ")"
        if new is None or not regex:
            return "CASE WHEN " + match + " THEN " + sql.literal(new) + " ELSE " + col + " END"
        whole = "^(?:" + pattern + ")$"
        return (
            "regexp_replace("
            + col
            + ", "
            + sql.literal(whole)
            + ", "
            + sql.literal(new)
            + ", "
            + sql.literal(flags)
            + ")"
        )
    if not regex and not ignore:
        return "replace(" + col + ", " + sql.literal(find) + ", " + sql.literal(new) + ")"
    rewrite = new if regex else step_text_sql.escape_rewrite(new)
    return (
        "regexp_replace("
        + col
        + ", "
        + sql.literal(pattern)
        + ", "
        + sql.literal(rewrite)
        + ", "
        + sql.literal("g" + flags)
        + ")"
    )


def _replace_sql(prev, step, columns, prepared=None):
    targets = _replace_targets(step, columns)
    if not targets:
        return "SELECT * FROM " + prev
    return step_text_sql.replace_select(prev, [(name, _replace_expr(step_text_sql.q(name), step)) for name in targets])


def _replace_check(step, columns):
    if "column" in step and "columns" in step:
        return "columns: give column (one) or columns (a list), not both"
    new = step["replace"]
    if new is None and not step.get("whole_cell"):
        return 'replace: null (emptying the cells) needs "whole_cell": true; to remove the text found, use ""'
    if new is not None and not isinstance(new, str):
        return "replace must be text (not " + repr(new) + ")"
    if step["find"] == "" and not step.get("whole_cell"):
        return 'find is empty: say what to find (to replace empty cells, add "whole_cell": true)'
    field = "column" if "column" in step else "columns"
    targets = _replace_targets(step, columns)
    if "column" not in step and "columns" not in step and not targets:
        return "there are no text columns here to replace in"
    if len(set(targets)) != len(targets):
        return "columns: a column is named twice"
    for name in targets:
        why = step_text_sql.row_problem(field, name)
        if why:
            return why
        if not step_text_sql.is_text(columns, name):
            return step_text_sql.not_text(field, name, columns, "replace")
    return None


def _replace_prepare(query, step, columns):
    if step.get("regex"):
        yield from step_text_sql.check_regex("find", step["find"], step_text_sql.regex_flags(step))
    return None


def _replace_changes(step) -> list:
    # every text column: which they are is known from the columns only, not from the step
    if "column" in step:
        return [step["column"]]
    return list(step.get("columns") or [])


def _replace_says(step) -> str:
    if step.get("whole_cell") and step.get("regex"):
        found = "cells matching the pattern '" + step["find"] + "'"
    elif step.get("whole_cell"):
        found = "cells that are exactly '" + step["find"] + "'"
    elif step.get("regex"):
        found = "matches of the pattern '" + step["find"] + "'"
    else:
        found = "'" + step["find"] + "'"
    new = "empty" if step["replace"] is None else "'" + str(step["replace"]) + "'"
    if "column" in step:
        where = "in '" + step["column"] + "'"
    elif "columns" in step:
        where = "in " + step_text_sql.shown_list(step["columns"])
    else:
        where = "in every text column"
    case = " (any case)" if step.get("case") is False else ""
    return "Replace " + found + case + " with " + new + " " + where


# ---------------------------------------------------------------- clean


def _clean_expr(col: str, step: dict) -> str:
    expr = col
    if step.get("trim"):
        expr = "trim(" + expr + ", " + sql.literal(_SPACES) + ")"
    if step.get("collapse"):
        expr = "regexp_replace(" + expr + ", " + sql.literal(_SPACE_CLASS + "+") + ", ' ', 'g')"
    case = step.get("letter_case")
    if case == "lower":
        expr = "lower(" + expr + ")"
    elif case == "upper":
        expr = "upper(" + expr + ")"
    elif case == "title":
        expr = (
            "array_to_string(list_transform(string_split("
            + expr
            + ", ' '), lambda w: upper(w[1]) || lower(w[2:])), ' ')"
        )
    return expr


def _clean_sql(prev, step, columns):
    return step_text_sql.replace_select(
        prev, [(name, _clean_expr(step_text_sql.q(name), step)) for name in step["columns"]]
    )


def _clean_check(step, columns):
    if not step.get("trim") and not step.get("collapse") and not step.get("letter_case"):
        return 'trim, collapse and letter_case are all left out: choose at least one (such as "trim": true)'
    if len(set(step["columns"])) != len(step["columns"]):
        return "columns: a column is named twice"
    for name in step["columns"]:
        why = step_text_sql.row_problem("columns", name)
        if why:
            return why
        if not step_text_sql.is_text(columns, name):
            return step_text_sql.not_text("columns", name, columns, "clean")
    return None


def _clean_says(step) -> str:
    done = []
    if step.get("trim"):
        done.append("trim")
    if step.get("collapse"):
        done.append("collapse spaces")
    if step.get("letter_case"):
        done.append(step["letter_case"] + " case")
    return "Clean " + step_text_sql.shown_list(step["columns"]) + ": " + ", ".join(done)


KINDS = {
    "fill": {
        "fields": {"column": "column", "with": "choice:" + "|".join(_FILL)},
        "optional": {"value": "value", "by": "columns"},
        "sql": _fill_sql,
        "check": _fill_check,
        "prepare": _fill_prepare,
        "reorders": lambda s: s["with"] != "value",
        "changes": lambda s: [s["column"]],
        "says": _fill_says,
    },
    "replace": {
        "fields": {"find": "text", "replace": "value"},
        "optional": {
            "column": "column",
            "columns": "columns",
            "regex": "bool",
            "case": "bool",
            "whole_cell": "bool",
        },
        "sql": _replace_sql,
        "check": _replace_check,
        "prepare": _replace_prepare,
        "changes": _replace_changes,
        "says": _replace_says,
    },
    "clean": {
        "fields": {"columns": "columns"},
        "optional": {"trim": "bool", "collapse": "bool", "letter_case": "choice:lower|upper|title"},
        "sql": _clean_sql,
        "check": _clean_check,
        "changes": lambda s: list(s["columns"]),
        "says": _clean_says,
    },
}
