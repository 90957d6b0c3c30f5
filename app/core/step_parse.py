"""The parse step: text read as numbers, whole numbers, dates or times.

Entries of ``KINDS`` as app/core/steps.py describes them. Their JSON::

    {"kind": "parse", "column": "price", "as": "number", "decimal": ",", "thousands": "."}
        Text read as ``number`` (DOUBLE) or ``integer`` (BIGINT): white space,
        currency signs and % are dropped ("12 %" is 12), ``thousands`` ("",
        ",", ".", "'" or " "; default "") taken out, ``decimal`` ("." or ",";
        default ".") read as the point. Or as ``date`` / ``timestamp``, with
        an optional strptime ``format`` (default ISO 8601: 2024-03-31).
        Text that does not parse becomes empty (NULL).

The SQL and words it shares with the other value steps are in app/core/step_text_sql.py.

Every step keeps every column in order, the hidden row column too.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, sql, step_text_sql

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
    col = step_text_sql.q(name)
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
    return step_text_sql.replace_select(prev, [(name, expr)])


def _parse_check(step, columns):
    name = step["column"]
    why = step_text_sql.row_problem("column", name)
    if why:
        return why
    if not step_text_sql.is_text(columns, name):
        return step_text_sql.not_text("column", name, columns, "parse")
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
        raise errors.QueryError("format '" + step["format"] + "' cannot be used: " + step_text_sql.reason(failure))
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
