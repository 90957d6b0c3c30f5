"""A table's recipe in other engines' SQL: DuckDB's stages (app/core/code_sql.py) transpiled by sqlglot.

Each stage is transpiled on its own, so a step the dialect cannot express
(a regex feature, a function sqlglot does not map) is named in a comment
at that step — with DuckDB's SQL beside it, commented out — rather than
written as SQL that means something else. A function sqlglot writes under
a name the dialect has none by (_MISSING_FUNCTIONS, checked on the tree as
the dialect writes it) is named that way too; where the dialect has a twin
that means the same (_REWRITES: monthname as to_char, contains as a
position), the tree is rewritten to it first. Rows are numbered with
``ROW_NUMBER() OVER ()`` where DuckDB has ``rowid``: in engines that keep
no order for a table, the unsorted view's order is the engine's.

sqlglot is loaded by the worker on the first export that needs it
(wheels.lock); runs in the Pyodide worker and in CPython.
"""

from app.core import code_sql, sql

# target -> (sqlglot dialect, label)
DIALECTS = {
    "sql:postgres": ("postgres", "PostgreSQL"),
    "sql:sqlite": ("sqlite", "SQLite"),
    "sql:spark": ("spark", "Spark SQL"),
    "sql:bigquery": ("bigquery", "BigQuery"),
    "sql:snowflake": ("snowflake", "Snowflake"),
    "sql:trino": ("trino", "Trino"),
    "sql:mysql": ("mysql", "MySQL"),
}
NUMBERED_START = "SELECT ROW_NUMBER() OVER () - 1 AS " + sql.quote_ident(code_sql.ROW) + ", * FROM "


def query_text(plan: dict, target: str) -> str:
    """The recipe's query in ``target``'s dialect (a key of DIALECTS)."""
    dialect, label = DIALECTS[target]
    ctes = code_sql.stages(plan, NUMBERED_START)
    lines = code_sql.header(plan)
    lines.append("-- Written for " + label + " by sqlglot from DuckDB's SQL.")
    unwritten = 0
    lines.append("WITH")
    for i, cte in enumerate(ctes):
        lines.extend("-- " + line for line in cte["comment"])
        # a step's stage reads the one before it, whose columns the plan knows
        reads = {ctes[i - 1]["name"]: cte["step"]["before"]} if cte.get("step") and i > 0 else None
        text, problem = transpiled(cte["sql"], dialect, reads)
        if problem:
            unwritten += 1
            lines.append("-- " + label + " cannot express this step as written: " + problem)
            lines.append("-- DuckDB's SQL for it: " + " ".join(cte["sql"].split()))
        lines.append(identifier(cte["name"], dialect) + " AS (")
        lines.append("    " + text.replace("\n", "\n    "))
        lines.append(")" + ("," if i < len(ctes) - 1 else ""))
    final = code_sql.final_select(plan, ctes[-1]["name"])
    comment, _, select = final.partition("\n")
    text, problem = transpiled(select, dialect)
    lines.append(comment)
    if problem:
        unwritten += 1
        lines.append("-- " + label + " cannot express the view as written: " + problem)
    lines.append(text)
    if unwritten:
        lines.insert(
            2, "-- " + str(unwritten) + " part(s) below could not be written for " + label + ": see the comments."
        )
    return "\n".join(lines) + ";\n"


def transpiled(text: str, dialect: str, reads=None) -> tuple:
    """``(sql, problem)``: ``text`` (DuckDB) in ``dialect``, and what could not be expressed ('' if nothing).

    ``reads`` (``{quoted stage name: [{name, type}]}``): the columns of the stages ``text``
    reads, so that DuckDB's ``* EXCLUDE``/``* REPLACE``/``* RENAME`` can be written out as
    the columns they stand for, which every dialect can say.
    """
    import sqlglot
    from sqlglot.errors import ErrorLevel, SqlglotError, UnsupportedError

    try:
        tree = sqlglot.parse_one(text, read="duckdb")
    except SqlglotError as failure:
        return text, "sqlglot could not read it (" + _first_line(str(failure)) + ")"
    if reads and dialect not in _STAR_MODIFIERS and _star_modified(tree):
        tree = _stars_written_out(tree, reads) or tree
    problem = _duckdb_only(tree, dialect)
    tree = _rewritten(tree, dialect)
    try:
        written = tree.sql(dialect=dialect, unsupported_level=ErrorLevel.RAISE)
    except UnsupportedError as failure:
        return tree.sql(dialect=dialect, unsupported_level=ErrorLevel.IGNORE), _first_line(str(failure))
    if dialect == "spark":  # Spark numbers rows only in an order: the order rows were read in
        written = written.replace(UNORDERED, IN_READ_ORDER)
    return written, problem or _lacking(tree, dialect)


UNORDERED = "ROW_NUMBER() OVER ()"
IN_READ_ORDER = "ROW_NUMBER() OVER (ORDER BY MONOTONICALLY_INCREASING_ID())"


# What DuckDB's stages use that sqlglot passes through unchanged: the dialects that have it.
_STAR_MODIFIERS = ("bigquery", "snowflake")  # SELECT * EXCLUDE/EXCEPT (...), * REPLACE (...)


def _duckdb_only(tree, dialect: str) -> str:
    """What in ``tree`` (DuckDB) ``dialect`` has no way to say, in words ('' if nothing)."""
    from sqlglot import exp

    for star in tree.find_all(exp.Star):
        for modifier in ("except", "replace", "rename"):
            if star.args.get(modifier) and dialect not in _STAR_MODIFIERS:
                return "SELECT * " + modifier.upper() + " (…) (every column but some, or some changed) is DuckDB's"
    for union in tree.find_all(exp.Union):
        if union.args.get("by_name"):
            return "UNION ALL BY NAME (rows matched by column name) is DuckDB's"
    return ""


def _star_modified(tree) -> bool:
    from sqlglot import exp

    return any(any(star.args.get(k) for k in ("except", "replace", "rename")) for star in tree.find_all(exp.Star))


def _stars_written_out(tree, reads: dict):
    """``tree`` with its stars written as the columns they stand for (None when sqlglot cannot resolve them).

    Names are left unqualified where every SELECT reads one source, and ``x AS x`` is
    written ``x``, so the SQL reads as a person would write it.
    """
    from sqlglot import exp
    from sqlglot.optimizer.qualify import qualify
    from sqlglot.schema import MappingSchema

    try:
        schema = MappingSchema(
            {name: {c["name"]: c["type"] for c in columns} for name, columns in reads.items()}, dialect="duckdb"
        )
        done = qualify(
            tree.copy(),
            schema=schema,
            dialect="duckdb",
            expand_stars=True,
            validate_qualify_columns=True,
            quote_identifiers=True,
            identify=True,
        )
    except Exception:  # a star sqlglot cannot resolve: left as DuckDB wrote it, and named in a comment
        return None
    if _star_modified(done):
        return None
    if any(select.args.get("joins") for select in done.find_all(exp.Select)):
        return done
    for column in list(done.find_all(exp.Column)):
        column.set("table", None)
    for table in list(done.find_all(exp.Table)):
        if table.alias == table.name:
            table.set("alias", None)
    for alias in list(done.find_all(exp.Alias)):
        if isinstance(alias.this, exp.Column) and alias.this.name == alias.alias:
            alias.replace(alias.this)
    return done


def identifier(quoted_name: str, dialect: str) -> str:
    """A CTE's name (quoted as DuckDB quotes it) quoted as ``dialect`` quotes names."""
    from sqlglot import exp

    return exp.to_identifier(quoted_name[1:-1].replace('""', '"'), quoted=True).sql(dialect=dialect)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unsupported"


# Functions sqlglot writes under a name the dialect has no function by: dialect -> {written name: what it does}.
_MISSING_FUNCTIONS = {
    "postgres": {
        "SPLIT": "string_split, a text split into a list",
        "LIST_SLICE": "list_slice, part of a list",
        "HASH": "hash, DuckDB's hash of a value",
        "REGEXP_EXTRACT": "regexp_extract, a regular expression's group",
        "MONTHNAME": "monthname, a date's month by name",
        "CONTAINS": "contains, text within text",
    },
    "spark": {"LIST_SLICE": "list_slice, part of a list"},
    "sqlite": {
        "SPLIT": "string_split, a text split into a list",
        "LIST_SLICE": "list_slice, part of a list",
        "ARRAY_TO_STRING": "array_to_string, a list joined into text",
        "HASH": "hash, DuckDB's hash of a value",
        "REGEXP_EXTRACT": "regexp_extract, a regular expression's group",
        "MONTHNAME": "monthname, a date's month by name",
        "EXPLODE": "unnest, a row per list item",
        "GENERATE_SERIES": "range, a list of numbers",
        "ARRAY": "a list",
        "CONTAINS": "contains, text within text",
        "PERCENTILE_CONT": "median, the middle value",
        "REGEXP_REPLACE": "regexp_replace, a regular expression's matches replaced",
    },
}
# Functions the dialect has under the same name that mean something else there: dialect -> {name: words}.
_OTHER_MEANING = {
    "spark": {"HASH": "HASH is another hash in Spark than DuckDB's, so other rows would be picked"},
    "sqlite": {
        "UPPER": "SQLite's UPPER changes the letters A-Z only (not é, ß…), DuckDB's every letter",
        "LOWER": "SQLite's LOWER changes the letters A-Z only (not É…), DuckDB's every letter",
    },
}
# Operators the dialect lacks, by sqlglot's expression class name: dialect -> {class: words}.
_MISSING_OPERATORS = {
    "sqlite": {
        "RegexpLike": "REGEXP (a regular expression match) is not defined in SQLite unless an extension adds it"
    },
}


def _lacking(tree, dialect: str) -> str:
    """The first function or operator in ``tree`` that ``dialect`` does not have, in words ('' if none)."""
    import re

    from sqlglot import exp

    for node in tree.find_all(exp.Expression):
        words = _MISSING_OPERATORS.get(dialect, {}).get(type(node).__name__)
        if words:
            return words
        words = _other_regex_or_window(node, dialect)
        if words:
            return words
        called = re.match(r"(\w+)\(", node.sql(dialect=dialect)) if isinstance(node, exp.Func) else None
        name = called.group(1).upper() if called else ""
        if name in _OTHER_MEANING.get(dialect, {}):
            return _OTHER_MEANING[dialect][name]
        if isinstance(node, exp.Slice) and dialect == "spark":
            return "a slice of text or of a list (x[i:j]) is not Spark SQL"
        if isinstance(node, exp.Select) and dialect == "spark" and _explodes(node) > 1:
            return "several UNNESTs side by side: Spark pairs every item of one with every item of the others"
        if name in _MISSING_FUNCTIONS.get(dialect, {}):
            label = next(label for d, label in DIALECTS.values() if d == dialect)
            return name + " (" + _MISSING_FUNCTIONS[dialect][name] + ") is not a " + label + " function"
    return ""


def _other_regex_or_window(node, dialect: str) -> str:
    """PostgreSQL's limits the stages meet: no Unicode classes in its patterns, no median over a window."""
    from sqlglot import exp

    if dialect != "postgres":
        return ""
    if isinstance(node, exp.Window) and isinstance(node.this, (exp.Median, exp.PercentileCont, exp.PercentileDisc)):
        return "a median over a window (by group) is not something PostgreSQL computes"
    if isinstance(node, (exp.RegexpReplace, exp.RegexpLike, exp.RegexpExtract, exp.RegexpSplit)):
        pattern = node.args.get("expression")
        if isinstance(pattern, exp.Literal) and "\\p{" in pattern.name:
            return "PostgreSQL's regular expressions have no Unicode classes such as \\p{Sc} (currency signs)"
    return ""


def _explodes(select) -> int:
    """How many of a SELECT's own columns unnest a list (not counting those in its subqueries)."""
    from sqlglot import exp

    return sum(1 for column in select.expressions for node in column.find_all(exp.Explode))


def _rewritten(tree, dialect: str):
    """``tree`` with the DuckDB functions ``dialect`` lacks written as ones it has, where they mean the same."""
    rewrites = _REWRITES.get(dialect, {})
    if not rewrites:
        return tree
    return tree.transform(lambda node: rewrites.get(type(node).__name__, _unchanged)(node, dialect) or node)


def _unchanged(node, dialect: str):
    return None


def _contains_as_position(node, dialect: str):
    """contains(a, b) as ``position of b in a > 0`` (NULL where either is NULL, as in DuckDB)."""
    return _template("POSITION(_b IN _a) > 0", "postgres", _a=node.this, _b=node.expression)


def _monthname_as_to_char(node, dialect: str):
    """monthname(d) as PostgreSQL's ``to_char(d, 'FMMonth')``: 'January', no padding."""
    return _template("TO_CHAR(_d, 'FMMonth')", "postgres", _d=node.this)


_MONTHS = "January February March April May June July August September October November December".split()


def _monthname_as_case(node, dialect: str):
    """monthname(d) in SQLite, which has no month names: the month's number looked up in a CASE."""
    whens = " ".join("WHEN " + str(i) + " THEN '" + m + "'" for i, m in enumerate(_MONTHS, 1))
    return _template("CASE CAST(STRFTIME('%m', _d) AS INTEGER) " + whens + " END", "sqlite", _d=node.this)


def _monthname_as_date_format(node, dialect: str):
    """monthname(d) as Spark's ``date_format(d, 'MMMM')``: 'January' (Spark's MONTHNAME says 'Jan')."""
    return _template("DATE_FORMAT(_d, 'MMMM')", "spark", _d=node.this)


def _series_unnested(node, dialect: str):
    """unnest(range(n)) in PostgreSQL: generate_series is already a row per number there (unnest takes arrays)."""
    from sqlglot import exp

    return node.this if isinstance(node.this, exp.GenerateSeries) else None


def _regexp_extract_as_match(node, dialect: str):
    """regexp_extract(x, 'p', g) as ``(regexp_match(x, '(p)'))[g + 1]``: '' where nothing matches, as in DuckDB.

    The pattern is wrapped in a group so group 0 (the whole match) is a group too. Only a
    literal pattern and group, and no flags but 'c' (case-sensitive, both engines' default).
    """
    from sqlglot import exp

    pattern, group, flags = node.expression, node.args.get("group"), node.args.get("parameters")
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        return None
    if not (group is None or (isinstance(group, exp.Literal) and group.is_int)):
        return None
    if flags is not None and flags.name != "c":
        return None
    index = str(int(group.name if group is not None else 0) + 1)
    wrapped = exp.Literal.string("(" + pattern.name + ")")
    matched = "CASE WHEN _x IS NULL THEN NULL ELSE COALESCE((REGEXP_MATCH(_x, _p))[" + index + "], '') END"
    return _template(matched, "postgres", _x=node.this, _p=wrapped)


def _template(text: str, dialect: str, **parts):
    """``text`` read as ``dialect`` SQL with each column named like a key of ``parts`` replaced by that expression."""
    import sqlglot
    from sqlglot import exp

    def filled(node):
        if isinstance(node, exp.Column) and not node.table and node.name in parts:
            return parts[node.name].copy()
        return node

    return sqlglot.parse_one(text, read=dialect).transform(filled)


# DuckDB functions written as the dialect's own: dialect -> {sqlglot class name: rewrite}.
_REWRITES = {
    "postgres": {
        "Contains": _contains_as_position,
        "Monthname": _monthname_as_to_char,
        "Explode": _series_unnested,
        "RegexpExtract": _regexp_extract_as_match,
    },
    "sqlite": {"Contains": _contains_as_position, "Monthname": _monthname_as_case},
    "spark": {"Monthname": _monthname_as_date_format},
}
