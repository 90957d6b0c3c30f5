"""DuckDB expressions (a derive step's text) as pandas expressions over a frame ``df``.

``translated(text, columns)`` parses the text with sqlglot (DuckDB dialect)
and writes the same computation in pandas, or returns None when some part
of it has no plain pandas twin here (window functions, casts, dates, ``%``,
functions not listed): the printer then falls back to ``duckdb.sql`` and
says why. What is translated: column names (DuckDB matches them in any
case), literals, + - * /, comparisons, AND / OR / NOT, IS [NOT] NULL,
CASE, ``||``, and upper, lower, length, trim, abs, round, coalesce, concat.

Each piece is ``(code, series)``: ``series`` is True when the code is a
column-long Series (methods such as ``.str.upper()`` need one), False for
a Python scalar.

CPython only (the Pyodide worker): sqlglot is imported inside the function.
"""

from __future__ import annotations

ROW = "__loupe_row"


def translated(text: str, columns: list):
    """``text`` as a pandas expression over ``df`` (a Series or a scalar), or None when it cannot be."""
    try:
        import sqlglot

        _load_tables()
        tree = sqlglot.parse_one(text, read="duckdb")
        code, _series = _node(tree, {c["name"].lower(): c["name"] for c in columns if c["name"] != ROW})
    except Exception:  # a parse error or a part not translated: the caller falls back to DuckDB
        return None
    return code


class _Untranslated(Exception):
    pass


_BINARY: dict = {}
_METHODS: dict = {}


def _load_tables() -> None:
    """Fill the operator and method tables (they need sqlglot's classes, imported late)."""
    if not _BINARY:
        _BINARY.update(_binary_table())
        _METHODS.update(_method_table())


def _node(node, names: dict) -> tuple:
    from sqlglot import exp

    kind = type(node)
    if kind is exp.Paren:
        code, series = _node(node.this, names)
        return "(" + code + ")", series
    if kind is exp.Column:
        if node.table or node.name.lower() not in names:
            raise _Untranslated(node.sql())
        return "df[" + repr(names[node.name.lower()]) + "]", True
    if kind is exp.Literal:
        if node.is_string:
            return repr(node.this), False
        number = float(node.this)
        return (repr(int(number)) if number == int(number) and "." not in node.this else repr(number)), False
    if kind is exp.Boolean:
        return repr(bool(node.this)), False
    if kind is exp.Null:
        return "pd.NA", False
    if kind in _BINARY:
        return _binary(node, _BINARY[kind], names)
    if kind is exp.Neg:
        code, series = _node(node.this, names)
        return "-" + code, series
    if kind is exp.Not:
        code, series = _node(node.this, names)
        return "~(" + code + ")", series
    if kind is exp.Is:
        return _is_null(node, names, "isna")
    if kind is exp.Case:
        return _case(node, names)
    if kind is exp.DPipe:
        left, right = _text(node.this, names), _text(node.expression, names)
        return "(" + left + " + " + right + ")", True
    if kind is exp.Coalesce:
        code, series = _node(node.this, names)
        for other in node.expressions:
            more, more_series = _node(other, names)
            code = code + ".fillna(" + more + ")" if series else code
            series = series or more_series
        return code, series
    if kind is exp.Concat:
        parts = [_text(part, names) + ".fillna('')" for part in node.expressions]
        return "(" + " + ".join(parts) + ")", True
    if kind in _METHODS:
        code, series = _node(node.this, names)
        if not series:
            raise _Untranslated(node.sql())
        return code + _METHODS[kind], True
    if kind is exp.Round:
        code, series = _node(node.this, names)
        digits = node.args.get("decimals")
        places, _ = _node(digits, names) if digits is not None else ("0", False)
        if not series:
            raise _Untranslated(node.sql())
        return code + ".round(" + places + ")", True
    raise _Untranslated(node.sql())


def _binary(node, operator: str, names: dict) -> tuple:
    left, left_series = _node(node.this, names)
    right, right_series = _node(node.expression, names)
    return "(" + left + " " + operator + " " + right + ")", left_series or right_series


def _is_null(node, names: dict, method: str) -> tuple:
    from sqlglot import exp

    if not isinstance(node.expression, exp.Null):
        raise _Untranslated(node.sql())
    code, series = _node(node.this, names)
    if not series:
        raise _Untranslated(node.sql())
    return code + "." + method + "()", True


def _text(node, names: dict) -> str:
    code, series = _node(node, names)
    return code + '.astype("string")' if series else "str(" + code + ")"


def _case(node, names: dict) -> tuple:
    """CASE as ``np.select``: the first rule that holds (NULL does not) gives the value."""
    if node.this is not None:
        raise _Untranslated(node.sql())  # CASE x WHEN ...: not translated
    conditions = []
    choices = []
    for rule in node.args.get("ifs") or []:
        condition, series = _node(rule.this, names)
        if not series:
            raise _Untranslated(node.sql())
        conditions.append(condition + ".fillna(False).astype(bool)")
        choices.append(_node(rule.args["true"], names)[0])
    default = node.args.get("default")
    other = _node(default, names)[0] if default is not None else "None"
    return (
        "pd.Series(np.select(["
        + ", ".join(conditions)
        + "], ["
        + ", ".join(choices)
        + "], default="
        + other
        + "), index=df.index, dtype=object).convert_dtypes()",
        True,
    )


def _binary_table() -> dict:
    from sqlglot import exp

    return {
        exp.Add: "+",
        exp.Sub: "-",
        exp.Mul: "*",
        exp.Div: "/",
        exp.EQ: "==",
        exp.NEQ: "!=",
        exp.GT: ">",
        exp.GTE: ">=",
        exp.LT: "<",
        exp.LTE: "<=",
        exp.And: "&",
        exp.Or: "|",
    }


def _method_table() -> dict:
    from sqlglot import exp

    return {
        exp.Upper: ".str.upper()",
        exp.Lower: ".str.lower()",
        exp.Length: ".str.len()",
        exp.Trim: ".str.strip()",
        exp.Abs: ".abs()",
    }
