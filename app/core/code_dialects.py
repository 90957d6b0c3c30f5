"""A table's recipe in other engines' SQL: DuckDB's stages (app/core/code_sql.py) transpiled by sqlglot.

Each stage is transpiled on its own, so a step the dialect cannot express
(a regex feature, a function sqlglot does not map) is named in a comment
at that step — with DuckDB's SQL beside it, commented out — rather than
written as SQL that means something else. Rows are numbered with
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
        text, problem = transpiled(cte["sql"], dialect)
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


def transpiled(text: str, dialect: str) -> tuple:
    """``(sql, problem)``: ``text`` (DuckDB) in ``dialect``, and what could not be expressed ('' if nothing)."""
    import sqlglot
    from sqlglot.errors import ErrorLevel, SqlglotError, UnsupportedError

    try:
        written = sqlglot.transpile(text, read="duckdb", write=dialect, unsupported_level=ErrorLevel.RAISE)
    except UnsupportedError as failure:
        loose = sqlglot.transpile(text, read="duckdb", write=dialect, unsupported_level=ErrorLevel.IGNORE)
        return loose[0], _first_line(str(failure))
    except SqlglotError as failure:
        return text, "sqlglot could not read it (" + _first_line(str(failure)) + ")"
    return written[0], _duckdb_only(sqlglot.parse_one(text, read="duckdb"), dialect)


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


def identifier(quoted_name: str, dialect: str) -> str:
    """A CTE's name (quoted as DuckDB quotes it) quoted as ``dialect`` quotes names."""
    from sqlglot import exp

    return exp.to_identifier(quoted_name[1:-1].replace('""', '"'), quoted=True).sql(dialect=dialect)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unsupported"
