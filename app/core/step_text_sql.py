"""SQL, names and words the value steps share (step_values, step_parts, step_parse).

Quoting a name, a column's type and kind, whether it holds text, the words
refusing a column that does not, helper names not taken, the two SELECT shapes
of these steps (columns replaced in place, new columns inserted after one),
a value as the words of a step's line, and regular expressions: escaped to
match literally (or to be inserted as a replacement), their case flags,
checked by the engine (a step generator), their groups counted.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, sql, step_frame, types

ROW = step_frame.ROW
_REGEX_SPECIAL = "\\.^$|?*+()[]{}-"


q = step_frame.q  # the one quoting of the step kinds


def type_of(columns: list, name: str) -> str:
    for c in columns:
        if c["name"] == name:
            return c["type"]
    return ""


def kind_of(columns: list, name: str) -> str:
    return types.kind_of(type_of(columns, name))


def is_text(columns: list, name: str) -> bool:
    return type_of(columns, name).upper() == "VARCHAR"


def text_columns(columns: list) -> list:
    return [c["name"] for c in columns if c["name"] != ROW and c["type"].upper() == "VARCHAR"]


def not_text(field: str, name: str, columns: list, what: str) -> str:
    return (
        field
        + ": '"
        + name
        + "' holds "
        + type_of(columns, name)
        + " values, not text; "
        + what
        + " works on text columns"
    )


def row_problem(field: str, name):
    if name == ROW:
        return field + ": " + ROW + " is kept for Loupe"
    return None


def spare(columns: list, base: str) -> str:
    """A helper column name not among ``columns``."""
    taken = [c["name"].lower() for c in columns]
    name = base
    while name.lower() in taken:
        name = name + "_"
    return name


def taken(columns: list, name: str) -> bool:
    return name.lower() in [c["name"].lower() for c in columns]


shown_list = step_frame.quoted


def and_list(names) -> str:
    quoted = ["'" + n + "'" for n in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def replace_select(prev: str, changes: list) -> str:
    """``SELECT * REPLACE (expr AS name, ...) FROM prev`` for ``[(name, expr)]``."""
    parts = [expr + " AS " + q(name) for name, expr in changes]
    return "SELECT * REPLACE (" + ", ".join(parts) + ") FROM " + prev


def insert_after(prev: str, columns: list, after: str, added: list) -> str:
    """Every column of ``prev`` in order, with ``[(name, expr)]`` placed right after ``after``."""
    parts = []
    for c in columns:
        parts.append(q(c["name"]))
        if c["name"] == after:
            parts += [expr + " AS " + q(name) for name, expr in added]
    return "SELECT " + ", ".join(parts) + " FROM " + prev


def escape_regex(text: str) -> str:
    """``text`` as a regular expression (RE2) that matches it literally."""
    out = []
    for ch in text:
        out.append("\\" + ch if ch in _REGEX_SPECIAL else ch)
    return "".join(out)


def escape_rewrite(text: str) -> str:
    """``text`` as a regexp_replace replacement that inserts it as it is."""
    return text.replace("\\", "\\\\")


def regex_flags(step: dict) -> str:
    """Regex options: match case unless ``"case": false``."""
    return "i" if step.get("case") is False else "c"


def check_regex(field: str, pattern: str, flags: str):
    """Steps: whether ``pattern`` matches empty text; a QueryError naming ``field`` if the engine cannot compile it."""
    try:
        found = yield "SELECT regexp_matches('', " + sql.literal(pattern) + ", " + sql.literal(flags) + ")", []
    except errors.QueryError as failure:
        raise errors.QueryError(field + " '" + pattern + "' is not a valid regular expression: " + reason(failure))
    return bool(found["rows"][0][0])


def reason(failure) -> str:
    text = str(failure).split("\n")[0]
    for noise in ("Invalid Input Error: ", "Conversion Error: ", "Binder Error: "):
        if text.startswith(noise):
            text = text[len(noise) :]
    cut = text.find(" — ")
    return text[:cut] if cut >= 0 else text


def group_count(pattern: str) -> int:
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


def value_words(value) -> str:
    if isinstance(value, str):
        return "'" + value + "'"
    if value is True or value is False:
        return "true" if value else "false"
    return str(value)
