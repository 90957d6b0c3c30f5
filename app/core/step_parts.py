"""Steps that take text apart: split it into columns or rows, extract a part into a new column.

Entries of ``KINDS`` as app/core/steps.py describes them. Their JSON::

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

The SQL and words these steps share are in app/core/step_text_sql.py.

Every step keeps every column in order, the hidden row column too.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, sql, step_frame, step_text_sql

ROW = step_frame.ROW
MAX_PARTS = 64


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
    col = step_text_sql.q(step["column"])
    parts = _parts_expr(col, step)
    if step.get("into_rows"):
        index = step_text_sql.q(step_text_sql.spare(columns, "__loupe_part"))
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
        row = step_text_sql.q(ROW)
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
    return step_text_sql.insert_after(prev, columns, step["column"], added)


def _split_check(step, columns):
    name = step["column"]
    why = step_text_sql.row_problem("column", name)
    if why:
        return why
    if not step_text_sql.is_text(columns, name):
        return step_text_sql.not_text("column", name, columns, "split")
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
        if step_text_sql.taken(columns, item):
            return "there is already a column named '" + item + "'; choose other names"
    return None


def _split_prepare(query, step, columns):
    if step.get("regex"):
        empty = yield from step_text_sql.check_regex("delimiter", step["delimiter"], "c")
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
    return "Split '" + step["column"] + "' " + how + " into " + step_text_sql.and_list(_split_names(step))


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
    col = step_text_sql.q(name)
    if "part" in step:
        function = _PARTS[step["part"]][0]
        source = col
        if "WITH TIME ZONE" in step_text_sql.type_of(columns, name).upper():
            source = "CAST(" + col + " AS TIMESTAMP)"  # read in UTC: the browser's engine has no time zones
        expr = function + "(" + source + ")"
    else:
        pattern = sql.literal(step["pattern"])
        flags = sql.literal(step_text_sql.regex_flags(step))
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
    return step_text_sql.insert_after(prev, columns, name, [(step["name"], expr)])


def _extract_check(step, columns):
    name = step["column"]
    why = step_text_sql.row_problem("column", name)
    if why:
        return why
    if step_text_sql.taken(columns, step["name"]):
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
        if step_text_sql.kind_of(columns, name) not in kinds:
            return (
                "part: '"
                + name
                + "' holds "
                + step_text_sql.type_of(columns, name)
                + " values; "
                + step["part"]
                + " needs a "
                + " or ".join(kinds)
                + " column (parse it first)"
            )
        return None
    if not step_text_sql.is_text(columns, name):
        return step_text_sql.not_text("column", name, columns, "a pattern")
    group = step.get("group", 1)
    if group < 0:
        return "group must be 0 (the whole match) or more (not " + str(group) + ")"
    count = step_text_sql.group_count(step["pattern"])
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
        yield from step_text_sql.check_regex("pattern", step["pattern"], step_text_sql.regex_flags(step))
    return None


def _extract_says(step) -> str:
    if "part" in step:
        what = "the " + step["part"].replace("_", " ") + " of '" + step["column"] + "'"
    else:
        group = step.get("group", 1)
        which = "the match" if group == 0 else ("group " + str(group))
        what = which + " of the pattern '" + step["pattern"] + "' in '" + step["column"] + "'"
    return "New column '" + step["name"] + "' = " + what


KINDS = {
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
}
