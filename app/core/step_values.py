"""Steps on values: fill missing values, find and replace, clean text, split, extract, parse.

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

    {"kind": "split", "column": "name", "delimiter": ", ", "names": ["last", "first"]}
        Split a text column on ``delimiter`` (literal text, or a regular
        expression with ``"regex": true``) into new columns placed after it:
        ``"names": [...]`` or ``"parts": n`` (named ``<column>_1`` ...). The
        last new column keeps the rest of the value (nothing is lost); a value
        with fewer parts leaves the last columns empty. With ``"into_rows":
        true`` (no names or parts) each part becomes a row of its own
        instead, in place of the value, the other columns repeated.

    {"kind": "extract", "column": "code", "name": "digits", "pattern": "([0-9]+)"}
    {"kind": "extract", "column": "when", "name": "year", "part": "year"}
        A new column after ``column``: the regular expression's ``group``
        (default 1; 0 the whole match; optional ``"case": false``), empty
        where it does not match; or a ``part`` of a date or time: year,
        quarter, month, month_name, week (ISO), day, weekday (1 Monday ... 7
        Sunday), weekday_name, day_of_year, hour, minute, second.

    {"kind": "parse", "column": "price", "as": "number", "decimal": ",", "thousands": "."}
        Text read as ``number`` (DOUBLE) or ``integer`` (BIGINT): white space,
        currency signs and % are dropped ("12 %" is 12), ``thousands`` ("",
        ",", ".", "'" or " "; default "") taken out, ``decimal`` ("." or ",";
        default ".") read as the point. Or as ``date`` / ``timestamp``, with
        an optional strptime ``format`` (default ISO 8601: 2024-03-31).
        Text that does not parse becomes empty (NULL).

Every step keeps every column in order, the hidden row column too.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, sql, types

ROW = "__loupe_row"  # steps.ROW (not imported: steps imports this module)
MAX_PARTS = 64

# white space that trim and collapse take out: space, tab, line breaks, vertical tab, form feed, no-break space
_SPACES = " \t\n\r\x0b\x0c\u00a0"
_SPACE_CLASS = "[ \\t\\n\\r\\x{0B}\\f\\x{A0}]"
_REGEX_SPECIAL = "\\.^$|?*+()[]{}-"


def _q(name: str) -> str:
    return sql.quote_ident(name)


def _type_of(columns: list, name: str) -> str:
    for c in columns:
        if c["name"] == name:
            return c["type"]
    return ""


def _kind(columns: list, name: str) -> str:
    return types.kind_of(_type_of(columns, name))


def _is_text(columns: list, name: str) -> bool:
    return _type_of(columns, name).upper() == "VARCHAR"


def _text_columns(columns: list) -> list:
    return [c["name"] for c in columns if c["name"] != ROW and c["type"].upper() == "VARCHAR"]


def _not_text(field: str, name: str, columns: list, what: str) -> str:
    return (
        field
        + ": '"
        + name
        + "' holds "
        + _type_of(columns, name)
        + " values, not text; "
        + what
        + " works on text columns"
    )


def _row_problem(field: str, name):
    if name == ROW:
        return field + ": " + ROW + " is kept for Loupe"
    return None


def _spare(columns: list, base: str) -> str:
    """A helper column name not among ``columns``."""
    taken = [c["name"].lower() for c in columns]
    name = base
    while name.lower() in taken:
        name = name + "_"
    return name


def _taken(columns: list, name: str) -> bool:
    return name.lower() in [c["name"].lower() for c in columns]


def _shown_list(names) -> str:
    return ", ".join(["'" + n + "'" for n in names])


def _and_list(names) -> str:
    quoted = ["'" + n + "'" for n in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _replace_select(prev: str, changes: list) -> str:
    """``SELECT * REPLACE (expr AS name, ...) FROM prev`` for ``[(name, expr)]``."""
    parts = [expr + " AS " + _q(name) for name, expr in changes]
    return "SELECT * REPLACE (" + ", ".join(parts) + ") FROM " + prev


def _insert_after(prev: str, columns: list, after: str, added: list) -> str:
    """Every column of ``prev`` in order, with ``[(name, expr)]`` placed right after ``after``."""
    parts = []
    for c in columns:
        parts.append(_q(c["name"]))
        if c["name"] == after:
            parts += [expr + " AS " + _q(name) for name, expr in added]
    return "SELECT " + ", ".join(parts) + " FROM " + prev


def escape_regex(text: str) -> str:
    """``text`` as a regular expression (RE2) that matches it literally."""
    out = []
    for ch in text:
        out.append("\\" + ch if ch in _REGEX_SPECIAL else ch)
    return "".join(out)


def _escape_rewrite(text: str) -> str:
    """``text`` as a regexp_replace replacement that inserts it as it is."""
    return text.replace("\\", "\\\\")


def _flags(step: dict) -> str:
    """Regex options: match case unless ``"case": false``."""
    return "i" if step.get("case") is False else "c"


def _check_regex(field: str, pattern: str, flags: str):
    """Steps: whether ``pattern`` matches empty text; a QueryError naming ``field`` if the engine cannot compile it."""
    try:
        found = yield "SELECT regexp_matches('', " + sql.literal(pattern) + ", " + sql.literal(flags) + ")", []
    except errors.QueryError as failure:
        raise errors.QueryError(field + " '" + pattern + "' is not a valid regular expression: " + _reason(failure))
    return bool(found["rows"][0][0])


def _reason(failure) -> str:
    text = str(failure).split("\n")[0]
    for noise in ("Invalid Input Error: ", "Conversion Error: ", "Binder Error: "):
        if text.startswith(noise):
            text = text[len(noise) :]
    cut = text.find(" — ")
    return text[:cut] if cut >= 0 else text


def _group_count(pattern: str) -> int:
    """How many capturing groups ``pattern`` has (plain and named ones)."""
    count = 0
    i = 0
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                i += 1
            if pattern[i + 1 : i + 2] == "]":  # a ']' first in a class is the character itself
                i += 1
        elif ch == "(":
            ahead = pattern[i + 1 : i + 4]
            if (
                not ahead.startswith("?")
                or ahead.startswith("?P<")
                or (ahead.startswith("?<") and ahead[2:3] not in "=!")
            ):
                count += 1
        i += 1
    return count


# ---------------------------------------------------------------- fill

_FILL = ("value", "previous", "next", "mean", "median", "most_frequent")


def _partition(step: dict) -> str:
    by = step.get("by") or []
    if not by:
        return ""
    return "PARTITION BY " + ", ".join([_q(n) for n in by]) + " "


def _fill_sql(prev, step, columns, prepared=None):
    name = step["column"]
    col = _q(name)
    how = step["with"]
    over = _partition(step)
    if how == "value":
        expr = "CAST(" + sql.literal(step["value"]) + " AS " + _type_of(columns, name) + ")"
        return _replace_select(prev, [(name, "COALESCE(" + col + ", " + expr + ")")])
    if how == "previous":
        window = (
            "last_value("
            + col
            + " IGNORE NULLS) OVER ("
            + over
            + "ORDER BY "
            + _q(ROW)
            + " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
        )
        return _replace_select(prev, [(name, "COALESCE(" + col + ", " + window + ")")])
    if how == "next":
        window = (
            "first_value("
            + col
            + " IGNORE NULLS) OVER ("
            + over
            + "ORDER BY "
            + _q(ROW)
            + " ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING)"
        )
        return _replace_select(prev, [(name, "COALESCE(" + col + ", " + window + ")")])
    if how in ("mean", "median"):
        function = "avg" if how == "mean" else "median"
        window = function + "(CAST(" + col + " AS DOUBLE)) OVER (" + over.strip() + ")"  # no DECIMAL overflow
        return _replace_select(prev, [(name, "COALESCE(" + col + ", " + window + ")")])
    # most frequent: count each value (within its group), take the commonest, the smallest on a tie
    count = _q(_spare(columns, "__loupe_count"))
    best = _q(_spare(columns, "__loupe_fill"))
    by = [_q(n) for n in (step.get("by") or [])]
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
    why = _row_problem("column", name)
    if why:
        return why
    how = step["with"]
    kind = _kind(columns, name)
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
            "with: the " + how + " needs a number column; '" + name + "' holds " + _type_of(columns, name) + " values"
        )
    by = step.get("by") or []
    if name in by:
        return "by: '" + name + "' is the column being filled; group by other columns"
    if len(set(by)) != len(by):
        return "by: a column is named twice"
    for group in by:
        why = _row_problem("by", group)
        if why:
            return why
    return None


def _fill_prepare(query, step, columns):
    """Steps: make sure a fill value fits the column's type (so the refusal can say so)."""
    if step["with"] != "value":
        return None
    name = step["column"]
    kind = _type_of(columns, name)
    fits = yield "SELECT TRY_CAST(" + sql.literal(step["value"]) + " AS " + kind + ") IS NOT NULL", []
    if not fits["rows"][0][0]:
        raise errors.QueryError(
            "value " + sql.literal(step["value"]) + " does not fit '" + name + "', which holds " + kind + " values"
        )
    return None


def _fill_says(step) -> str:
    how = step["with"]
    if how == "value":
        what = "with " + _value_words(step.get("value"))
    elif how == "most_frequent":
        what = "with the most frequent value"
    else:
        what = "with the " + how + " value"
    by = step.get("by") or []
    within = " (within " + _shown_list(by) + ")" if by else ""
    return "Fill missing '" + step["column"] + "' " + what + within


def _value_words(value) -> str:
    if isinstance(value, str):
        return "'" + value + "'"
    if value is True or value is False:
        return "true" if value else "false"
    return str(value)


# ---------------------------------------------------------------- replace


def _replace_targets(step: dict, columns: list) -> list:
    if "column" in step:
        return [step["column"]]
    if "columns" in step:
        return list(step["columns"])
    return _text_columns(columns)


def _replace_expr(col: str, step: dict) -> str:
    find = step["find"]
    new = step["replace"]
    regex = bool(step.get("regex"))
    ignore = step.get("case") is False
    pattern = find if regex else escape_regex(find)
    flags = _flags(step)
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
    rewrite = new if regex else _escape_rewrite(new)
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
    return _replace_select(prev, [(name, _replace_expr(_q(name), step)) for name in targets])


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
        why = _row_problem(field, name)
        if why:
            return why
        if not _is_text(columns, name):
            return _not_text(field, name, columns, "replace")
    return None


def _replace_prepare(query, step, columns):
    if step.get("regex"):
        yield from _check_regex("find", step["find"], _flags(step))
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
        where = "in " + _shown_list(step["columns"])
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
    return _replace_select(prev, [(name, _clean_expr(_q(name), step)) for name in step["columns"]])


def _clean_check(step, columns):
    if not step.get("trim") and not step.get("collapse") and not step.get("letter_case"):
        return 'trim, collapse and letter_case are all left out: choose at least one (such as "trim": true)'
    if len(set(step["columns"])) != len(step["columns"]):
        return "columns: a column is named twice"
    for name in step["columns"]:
        why = _row_problem("columns", name)
        if why:
            return why
        if not _is_text(columns, name):
            return _not_text("columns", name, columns, "clean")
    return None


def _clean_says(step) -> str:
    done = []
    if step.get("trim"):
        done.append("trim")
    if step.get("collapse"):
        done.append("collapse spaces")
    if step.get("letter_case"):
        done.append(step["letter_case"] + " case")
    return "Clean " + _shown_list(step["columns"]) + ": " + ", ".join(done)


# ---------------------------------------------------------------- split


def _split_names(step: dict) -> list:
    if step.get("into_rows"):
        return []
    if "names" in step:
        return list(step["names"])
    return [step["column"] + "_" + str(i + 1) for i in range(step.get("parts") or 0)]


def _parts_expr(col: str, step: dict) -> str:
    if step.get("regex"):
        return "regexp_split_to_array(" + col + ", " + sql.literal(step["delimiter"]) + ")"
    return "string_split(" + col + ", " + sql.literal(step["delimiter"]) + ")"


def _split_sql(prev, step, columns, prepared=None):
    col = _q(step["column"])
    parts = _parts_expr(col, step)
    if step.get("into_rows"):
        index = _q(_spare(columns, "__loupe_part"))
        listed = "CASE WHEN " + col + " IS NULL THEN [NULL] ELSE " + parts + " END"
        count = "CASE WHEN " + col + " IS NULL THEN 1 ELSE len(" + parts + ") END"
        spread = (
            "SELECT * REPLACE (unnest("
            + listed
            + ") AS "
            + col
            + "), unnest(generate_series(1, "
            + count
            + ")) AS "
            + index
            + " FROM "
            + prev
        )
        row = _q(ROW)
        return (
            "SELECT * EXCLUDE ("
            + index
            + ") REPLACE (row_number() OVER (ORDER BY "
            + row
            + ", "
            + index
            + ") - 1 AS "
            + row
            + ") FROM ("
            + spread
            + ")"
        )
    names = _split_names(step)
    n = len(names)
    added = []
    for i in range(n - 1):
        added.append((names[i], parts + "[" + str(i + 1) + "]"))
    # the last column: everything after the first n - 1 parts and their delimiters
    head = "list_slice(" + parts + ", 1, " + str(n - 1) + ")"
    if step.get("regex"):
        found = "regexp_extract_all(" + col + ", " + sql.literal(step["delimiter"]) + ")"
        taken = (
            "length(array_to_string("
            + head
            + ", '')) + length(array_to_string(list_slice("
            + found
            + ", 1, "
            + str(n - 1)
            + "), ''))"
        )
    else:
        taken = "length(array_to_string(" + head + ", '')) + " + str(n - 1) + " * " + str(len(step["delimiter"]))
    rest = "CASE WHEN len(" + parts + ") >= " + str(n) + " THEN substr(" + col + ", " + taken + " + 1) END"
    added.append((names[n - 1], rest))
    return _insert_after(prev, columns, step["column"], added)


def _split_check(step, columns):
    name = step["column"]
    why = _row_problem("column", name)
    if why:
        return why
    if not _is_text(columns, name):
        return _not_text("column", name, columns, "split")
    if step["delimiter"] == "":
        return "delimiter is empty: say what separates the parts"
    if step.get("into_rows"):
        for field in ("names", "parts"):
            if field in step:
                return field + ": a split into_rows makes no new columns; leave " + field + " out"
        return None
    if "names" not in step and "parts" not in step:
        return 'names is missing: give the new columns\' names, or parts (how many), or "into_rows": true'
    if "parts" in step and (step["parts"] < 2 or step["parts"] > MAX_PARTS):
        return "parts must be from 2 to " + str(MAX_PARTS) + " (not " + str(step["parts"]) + ")"
    if "names" in step:
        new = step["names"]
        if len(new) < 2 or len(new) > MAX_PARTS:
            return "names must list from 2 to " + str(MAX_PARTS) + " new columns (not " + str(len(new)) + ")"
        for i, item in enumerate(new):
            if not isinstance(item, str) or item.strip() == "" or "\x00" in item:
                return "names[" + str(i) + "] must be a name for the new column (not empty)"
        if "parts" in step and step["parts"] != len(new):
            return "parts is " + str(step["parts"]) + " but names lists " + str(len(new)) + " columns"
    lowered = [n.lower() for n in _split_names(step)]
    for i, item in enumerate(_split_names(step)):
        if lowered.index(item.lower()) != i:
            return "names: '" + item + "' is named twice"
        if item == ROW:
            return "names: the name " + ROW + " is kept for Loupe"
        if _taken(columns, item):
            return "there is already a column named '" + item + "'; choose other names"
    return None


def _split_prepare(query, step, columns):
    if step.get("regex"):
        empty = yield from _check_regex("delimiter", step["delimiter"], "c")
        if empty:
            raise errors.QueryError(
                "delimiter '"
                + step["delimiter"]
                + "' matches empty text, so it cannot separate parts; use + instead of *"
            )
    return None


def _split_says(step) -> str:
    how = ("on the pattern '" if step.get("regex") else "on '") + step["delimiter"] + "'"
    if step.get("into_rows"):
        return "Split '" + step["column"] + "' " + how + " into rows, one per part"
    return "Split '" + step["column"] + "' " + how + " into " + _and_list(_split_names(step))


# ---------------------------------------------------------------- extract

# the parts, in the order a person reads them (MicroPython's dicts keep no order)
PART_NAMES = (
    "year",
    "quarter",
    "month",
    "month_name",
    "week",
    "day",
    "weekday",
    "weekday_name",
    "day_of_year",
    "hour",
    "minute",
    "second",
)
# part -> (SQL function, kinds of column it fits)
_PARTS = {
    "year": ("year", ("date", "timestamp")),
    "quarter": ("quarter", ("date", "timestamp")),
    "month": ("month", ("date", "timestamp")),
    "month_name": ("monthname", ("date", "timestamp")),
    "week": ("week", ("date", "timestamp")),
    "day": ("day", ("date", "timestamp")),
    "weekday": ("isodow", ("date", "timestamp")),
    "weekday_name": ("dayname", ("date", "timestamp")),
    "day_of_year": ("dayofyear", ("date", "timestamp")),
    "hour": ("hour", ("timestamp", "time")),
    "minute": ("minute", ("timestamp", "time")),
    "second": ("second", ("timestamp", "time")),
}


def _extract_sql(prev, step, columns, prepared=None):
    name = step["column"]
    col = _q(name)
    if "part" in step:
        function = _PARTS[step["part"]][0]
        source = col
        if "WITH TIME ZONE" in _type_of(columns, name).upper():
            source = "CAST(" + col + " AS TIMESTAMP)"  # read in UTC: the browser's engine has no time zones
        expr = function + "(" + source + ")"
    else:
        pattern = sql.literal(step["pattern"])
        flags = sql.literal(_flags(step))
        group = str(step.get("group", 1))
        expr = (
            "CASE WHEN regexp_matches("
            + col
            + ", "
            + pattern
            + ", "
            + flags
            + ") THEN regexp_extract("
            + col
            + ", "
            + pattern
            + ", "
            + group
            + ", "
            + flags
            + ") END"
        )
    return _insert_after(prev, columns, name, [(step["name"], expr)])


def _extract_check(step, columns):
    name = step["column"]
    why = _row_problem("column", name)
    if why:
        return why
    if _taken(columns, step["name"]):
        return "there is already a column named '" + step["name"] + "'; choose another name"
    if "part" in step and "pattern" in step:
        return "part: give pattern (a regular expression) or part (of a date), not both"
    if "part" not in step and "pattern" not in step:
        return "pattern is missing: give pattern (a regular expression) or part (of a date)"
    if "part" in step:
        for field in ("group", "case"):
            if field in step:
                return field + " is only for a pattern; leave it out with part"
        kinds = _PARTS[step["part"]][1]
        if _kind(columns, name) not in kinds:
            return (
                "part: '"
                + name
                + "' holds "
                + _type_of(columns, name)
                + " values; "
                + step["part"]
                + " needs a "
                + " or ".join(kinds)
                + " column (parse it first)"
            )
        return None
    if not _is_text(columns, name):
        return _not_text("column", name, columns, "a pattern")
    group = step.get("group", 1)
    if group < 0:
        return "group must be 0 (the whole match) or more (not " + str(group) + ")"
    count = _group_count(step["pattern"])
    if group > count:
        return (
            "group is "
            + str(group)
            + " but the pattern has "
            + (str(count) if count else "no")
            + (" group" if count == 1 else " groups")
            + " (put the part to extract in parentheses)"
        )
    return None


def _extract_prepare(query, step, columns):
    if "pattern" in step:
        yield from _check_regex("pattern", step["pattern"], _flags(step))
    return None


def _extract_says(step) -> str:
    if "part" in step:
        what = "the " + step["part"].replace("_", " ") + " of '" + step["column"] + "'"
    else:
        group = step.get("group", 1)
        which = "the match" if group == 0 else ("group " + str(group))
        what = which + " of the pattern '" + step["pattern"] + "' in '" + step["column"] + "'"
    return "New column '" + step["name"] + "' = " + what


# ---------------------------------------------------------------- parse

_TARGETS = {"number": "DOUBLE", "integer": "BIGINT", "date": "DATE", "timestamp": "TIMESTAMP"}
_THOUSANDS = ("", ",", ".", "'", " ")


def _number_text(col: str, step: dict) -> str:
    """``col`` with spaces, currency signs and % dropped, separators read: text DuckDB can cast."""
    expr = "regexp_replace(" + col + ", '[\\s\\p{Zs}\\p{Sc}%]', '', 'g')"
    expr = "replace(" + expr + ", " + sql.literal("\u2212") + ", '-')"  # the minus sign
    thousands = step.get("thousands", "")
    if thousands not in ("", " "):
        expr = "replace(" + expr + ", " + sql.literal(thousands) + ", '')"
    if step.get("decimal", ".") == ",":
        expr = "replace(" + expr + ", ',', '.')"
    return expr


def _parse_sql(prev, step, columns, prepared=None):
    name = step["column"]
    col = _q(name)
    to = step["as"]
    if to == "number":
        expr = "TRY_CAST(" + _number_text(col, step) + " AS DOUBLE)"
    elif to == "integer":
        text = _number_text(col, step)
        expr = "CASE WHEN regexp_full_match(" + text + ", '[+-]?[0-9]+') THEN TRY_CAST(" + text + " AS BIGINT) END"
    elif "format" in step:
        expr = "try_strptime(trim(" + col + "), " + sql.literal(step["format"]) + ")"
        if to == "date":
            expr = "CAST(" + expr + " AS DATE)"
    else:
        expr = "TRY_CAST(trim(" + col + ") AS " + _TARGETS[to] + ")"
    return _replace_select(prev, [(name, expr)])


def _parse_check(step, columns):
    name = step["column"]
    why = _row_problem("column", name)
    if why:
        return why
    if not _is_text(columns, name):
        return _not_text("column", name, columns, "parse")
    to = step["as"]
    numeric = to in ("number", "integer")
    if numeric and "format" in step:
        return "format is for dates and times; leave it out when parsing numbers"
    if not numeric:
        for field in ("decimal", "thousands"):
            if field in step:
                return field + " is for numbers; leave it out when parsing " + to + "s"
        if "format" in step and step["format"].strip() == "":
            return "format is empty: give a strptime format such as %d/%m/%Y, or leave it out for ISO dates"
        return None
    decimal = step.get("decimal", ".")
    if decimal not in (".", ","):
        return "decimal must be '.' or ',' (not " + repr(decimal) + ")"
    thousands = step.get("thousands", "")
    if thousands not in _THOUSANDS:
        return "thousands must be one of '', ',', '.', \"'\" or ' ' (not " + repr(thousands) + ")"
    if thousands == decimal:
        return "thousands and decimal are both '" + decimal + "'; they must differ"
    return None


def _parse_prepare(query, step, columns):
    """Steps: make sure a strptime format is one the engine reads (so the refusal names the field)."""
    if "format" not in step:
        return None
    try:
        yield "SELECT try_strptime('', " + sql.literal(step["format"]) + ")", []
    except errors.QueryError as failure:
        raise errors.QueryError("format '" + step["format"] + "' cannot be used: " + _reason(failure))
    return None


def _parse_says(step) -> str:
    to = step["as"]
    if to in ("number", "integer"):
        what = "numbers" if to == "number" else "whole numbers"
        extra = []
        if step.get("decimal", ".") != ".":
            extra.append("decimal '" + step["decimal"] + "'")
        if step.get("thousands"):
            extra.append("thousands '" + step["thousands"] + "'")
        how = (" (" + ", ".join(extra) + ")") if extra else ""
    else:
        what = to + "s"
        how = (" (format " + step["format"] + ")") if "format" in step else ""
    return "Read '" + step["column"] + "' as " + what + how + "; text that does not parse becomes empty"


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
    "split": {
        "fields": {"column": "column", "delimiter": "text"},
        "optional": {"regex": "bool", "names": "list", "parts": "int", "into_rows": "bool"},
        "sql": _split_sql,
        "check": _split_check,
        "prepare": _split_prepare,
        "reorders": lambda s: bool(s.get("into_rows")),
        "made": _split_names,
        "says": _split_says,
    },
    "extract": {
        "fields": {"column": "column", "name": "new"},
        "optional": {
            "pattern": "text",
            "group": "int",
            "case": "bool",
            "part": "choice:" + "|".join(PART_NAMES),
        },
        "sql": _extract_sql,
        "check": _extract_check,
        "prepare": _extract_prepare,
        "made": lambda s: [s["name"]],
        "says": _extract_says,
    },
    "parse": {
        "fields": {"column": "column", "as": "choice:number|integer|date|timestamp"},
        "optional": {"decimal": "text", "thousands": "text", "format": "text"},
        "sql": _parse_sql,
        "check": _parse_check,
        "prepare": _parse_prepare,
        "changes": lambda s: [s["column"]],
        "says": _parse_says,
    },
}
