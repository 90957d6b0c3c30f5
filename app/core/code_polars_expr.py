"""DuckDB expressions (a derive step's text) as Polars expressions.

``translated(text, columns)`` parses the text with sqlglot (DuckDB dialect)
and writes the same computation with ``pl.col``, or returns None when some
part of it has no Polars twin here (window functions, casts, dates, ``%``,
functions not listed): the printer then runs DuckDB's SQL over the frame
and says why. What is translated: column names (DuckDB matches them in any
case), literals, + - * /, comparisons, AND / OR / NOT, IS [NOT] NULL, CASE,
``||`` and concat, upper, lower, length, trim, abs, round (half away from
zero, as DuckDB rounds) and coalesce.

Each piece is ``(code, expression)``: ``expression`` is True for a Polars
expression, False for a Python literal (wrapped in ``pl.lit`` where it
must be one).

CPython only (the Pyodide worker): sqlglot is imported inside the function.
"""

from __future__ import annotations

ROW = "__loupe_row"


def translated(text: str, columns: list):
    """``text`` as a Polars expression, or None when it cannot be."""
    try:
        import sqlglot

        tree = sqlglot.parse_one(text, read="duckdb")
        code, expression = _node(tree, {c["name"].lower(): c["name"] for c in columns if c["name"] != ROW})
    except Exception:  # a parse error or a part not translated: the caller falls back to DuckDB
        return None
    return code if expression else "pl.lit(" + code + ")"


class _Untranslated(Exception):
    pass


def _node(node, names: dict) -> tuple:
    from sqlglot import exp

    kind = type(node)
    if kind is exp.Paren:
        code, expression = _node(node.this, names)
        return "(" + code + ")", expression
    if kind is exp.Column:
        if node.table or node.name.lower() not in names:
            raise _Untranslated(node.sql())
        return "pl.col(" + repr(names[node.name.lower()]) + ")", True
    if kind is exp.Literal:
        if node.is_string:
            return repr(node.this), False
        number = float(node.this)
        return (repr(int(number)) if number == int(number) and "." not in node.this else repr(number)), False
    if kind is exp.Boolean:
        return repr(bool(node.this)), False
    if kind is exp.Null:
        return "None", False
    operator = _BINARY.get(kind.__name__)
    if operator:
        return _binary(node, operator, names)
    if kind is exp.Neg:
        code, expression = _node(node.this, names)
        return "-" + code, expression
    if kind is exp.Not:
        return "~" + _expression(node.this, names), True
    if kind is exp.Is:
        if not isinstance(node.expression, exp.Null):
            raise _Untranslated(node.sql())
        return _expression(node.this, names) + ".is_null()", True
    if kind is exp.Case:
        return _case(node, names), True
    if kind is exp.DPipe:
        parts = [_expression(node.this, names), _expression(node.expression, names)]
        return "pl.concat_str([" + ", ".join(parts) + "])", True
    if kind is exp.Concat:
        parts = [_expression(part, names) for part in node.expressions]
        return "pl.concat_str([" + ", ".join(parts) + "], ignore_nulls=True)", True
    if kind is exp.Coalesce:
        parts = [_expression(node.this, names)] + [_expression(other, names) for other in node.expressions]
        return "pl.coalesce([" + ", ".join(parts) + "])", True
    method = _METHODS.get(kind.__name__)
    if method:
        return _expression(node.this, names) + method, True
    if kind is exp.Round:
        digits = node.args.get("decimals")
        places = _node(digits, names)[0] if digits is not None else "0"
        if not places.lstrip("-").isdigit():
            raise _Untranslated(node.sql())
        return _expression(node.this, names) + ".round(" + places + ', mode="half_away_from_zero")', True
    raise _Untranslated(node.sql())


def _expression(node, names: dict) -> str:
    """A piece as a Polars expression (a literal in ``pl.lit``)."""
    code, expression = _node(node, names)
    return code if expression else "pl.lit(" + code + ")"


def _binary(node, operator: str, names: dict) -> tuple:
    left, left_expression = _node(node.this, names)
    right, right_expression = _node(node.expression, names)
    if not left_expression and not right_expression:
        left, left_expression = "pl.lit(" + left + ")", True
    if operator in ("&", "|"):  # Python's & and | on a bare literal mean something else
        left = left if left_expression else "pl.lit(" + left + ")"
        right = right if right_expression else "pl.lit(" + right + ")"
    return "(" + left + " " + operator + " " + right + ")", True


def _case(node, names: dict) -> str:
    """CASE as ``pl.when(...).then(...)``: the first rule that holds (null does not) gives the value."""
    if node.this is not None:
        raise _Untranslated(node.sql())  # CASE x WHEN ...: not translated
    chain = "pl"
    for rule in node.args.get("ifs") or []:
        chain += ".when(" + _expression(rule.this, names) + ").then(" + _expression(rule.args["true"], names) + ")"
    default = node.args.get("default")
    return chain + ".otherwise(" + (_expression(default, names) if default is not None else "None") + ")"


_BINARY = {
    "Add": "+",
    "Sub": "-",
    "Mul": "*",
    "Div": "/",
    "EQ": "==",
    "NEQ": "!=",
    "GT": ">",
    "GTE": ">=",
    "LT": "<",
    "LTE": "<=",
    "And": "&",
    "Or": "|",
}
_METHODS = {
    "Upper": ".str.to_uppercase()",
    "Lower": ".str.to_lowercase()",
    "Length": ".str.len_chars().cast(pl.Int64)",
    "Trim": '.str.strip_chars(" ")',
    "Abs": ".abs()",
}
