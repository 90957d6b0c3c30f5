"""A table's recipe as one SQL query: one CTE per step, each with a comment saying what it does.

``query(plan)`` is DuckDB's SQL (the SQL Loupe itself runs, stage for
stage); ``app/core/code_dialects.py`` turns the same stages into other
engines' SQL. The query reads the source from a table named as in Loupe
(``"sales"``), the tables a join or append reads likewise; a table read
that has steps of its own becomes CTEs of its own (``"cities_s1"``…)
before the steps that read it.

Every stage keeps the hidden column ``"__loupe_row"`` (the row's place in
the source, from 0), so the final SELECT gives the rows in the order the
grid shows: by the sort, then by that column.

Runs in the Pyodide worker and in CPython (a printer: see app/core/code_plan.py).
"""

from app.core import code_plan, query, sql, steps

ROW = code_plan.ROW
ROWID_START = "SELECT rowid AS " + sql.quote_ident(ROW) + ", * FROM "


def query_text(plan: dict, start: str = ROWID_START) -> str:
    """DuckDB's SQL for ``plan``: header comment, the CTEs, the view's SELECT."""
    ctes = stages(plan, start)
    lines = header(plan)
    lines.append("WITH")
    for i, cte in enumerate(ctes):
        lines.extend("-- " + line for line in cte["comment"])
        lines.append(cte["name"] + " AS (")
        lines.append("    " + cte["sql"].replace("\n", "\n    "))
        lines.append(")" + ("," if i < len(ctes) - 1 else ""))
    lines.append(final_select(plan, ctes[-1]["name"]))
    return "\n".join(lines) + ";\n"


def header(plan: dict) -> list:
    """The comment lines that open the SQL: what it makes, from what."""
    lines = ["-- Loupe: the table " + _quoted_words(plan["table"]) + " as shown, from " + source_words(plan) + "."]
    tables = read_tables(plan)
    lines.append("-- Reads the table" + ("s " if len(tables) > 1 else " ") + ", ".join(tables) + ".")
    for skipped in all_skipped(plan):
        lines.append("-- Left out: " + skipped)
    return lines


def stages(plan: dict, start: str = ROWID_START, prefix: str = "") -> list:
    """The CTEs of ``plan`` (the tables it reads first): ``[{name, comment: [lines], sql}]``.

    ``prefix`` names the stages of a table read by another (``"cities_"``);
    ``start`` is the first stage's SELECT up to the table's name (DuckDB's
    ``rowid``; other dialects number the rows).
    """
    ctes = []
    renamed = {}
    for other, other_plan in plan["needs"].items():
        if other_plan["steps"]:
            inner = stages(other_plan, start, prefix + other + "_")
            ctes.extend(inner)
            renamed[other] = inner[-1]["name"]
    if not plan["steps"] and prefix:  # a table read as it is: by its name
        return ctes
    first = _stage_name(prefix, 0)
    ctes.append(
        {
            "name": first,
            "comment": [_source_line(plan)],
            "sql": start + sql.quote_ident(plan["table"]),
            "step": None,
        }
    )
    prev = first
    for entry in plan["steps"]:
        name = _stage_name(prefix, entry["index"] + 1)
        ctes.append(
            {
                "name": name,
                "comment": ["Step " + str(entry["index"] + 1) + ": " + entry["says"]],
                "sql": stage_sql(entry, prev, renamed),
                "step": entry,
            }
        )
        prev = name
    return ctes


def stage_sql(entry: dict, prev: str, renamed: dict) -> str:
    """One step's SELECT over ``prev``, naming the CTE of a table it reads (``renamed``) where it has one."""
    step = entry["step"]
    other = step.get("table")
    if step.get("kind") in ("join", "append") and other in renamed:
        step = dict(step)
        step["table"] = renamed[other][1:-1].replace('""', '"')
        if entry["step"]["kind"] == "join":
            step["suffix"] = entry["step"].get("suffix") or ("_" + other)
    return steps.stage_sql(prev, step, entry["before"], entry["prepared"])


def final_select(plan: dict, last: str) -> str:
    """The view's SELECT over the last stage: its columns, filters and search, sort (or grouping)."""
    state = plan["state"]
    if state.get("group"):
        text, params = query.grouped(last[1:-1].replace('""', '"'), state, plan["result_columns"])
        return "-- The view: grouped by " + ", ".join(state["group"]["by"]) + "\n" + sql.inline(text, params)
    shown = ", ".join(sql.quote_ident(c["name"]) for c in plan["columns"]) or "NULL AS none"
    order = [list(pair) for pair in plan["order"]]
    ordering = sql.order_by(order) if order else ""
    ordering = (ordering + ", " if ordering else " ORDER BY ") + sql.quote_ident(ROW)
    comment = "-- The view: " + view_words(plan)
    return comment + "\nSELECT " + shown + " FROM " + last + plan["where"] + ordering


def view_words(plan: dict) -> str:
    """What the view does to the steps' result, in words (for comments)."""
    state = plan["state"]
    parts = []
    if state.get("filters"):
        parts.append(str(len(state["filters"])) + " filter" + ("s" if len(state["filters"]) > 1 else ""))
    if state.get("search"):
        parts.append("search " + repr(state["search"]))
    if plan["order"]:
        parts.append("sorted by " + ", ".join(name + " " + direction for name, direction in plan["order"]))
    hidden = len(plan["result_columns"]) - len(plan["columns"])
    if hidden > 0:
        parts.append(str(hidden) + " column" + ("s" if hidden > 1 else "") + " hidden")
    return ", ".join(parts) if parts else "every row and column"


def source_words(plan: dict) -> str:
    """Where the table came from, in words: 'sales.csv', a URL, 'a query'."""
    source = plan["source"]
    kind = source.get("kind")
    if kind == "url":
        return source.get("url") or source.get("name") or plan["table"]
    if kind == "query":
        return "a query"
    if kind == "text":
        return "pasted text"
    return source.get("name") or plan["table"]


def read_tables(plan: dict) -> list:
    """The quoted names of the tables the SQL reads: the table, then those its joins and appends read."""
    names = [sql.quote_ident(plan["table"])]
    for other_plan in plan["needs"].values():
        for name in read_tables(other_plan):
            if name not in names:
                names.append(name)
    for entry in plan["steps"]:
        other = entry["step"].get("table")
        if entry["step"].get("kind") in ("join", "append") and isinstance(other, str):
            if sql.quote_ident(other) not in names:
                names.append(sql.quote_ident(other))
    return names


def all_skipped(plan: dict, prefix: str = "") -> list:
    """Lines naming the steps left out (off, failed or waiting), of this table and the tables it reads."""
    why_words = {"off": "turned off", "failed": "it failed in Loupe", "waiting": "it waits for a step that failed"}
    lines = []
    for other, other_plan in plan["needs"].items():
        lines.extend(all_skipped(other_plan, other + ": "))
    for skipped in plan["skipped"]:
        lines.append(
            prefix
            + "step "
            + str(skipped["index"] + 1)
            + " ("
            + skipped["says"]
            + "), "
            + why_words.get(skipped["why"], skipped["why"])
        )
    return lines


def _stage_name(prefix: str, number: int) -> str:
    return sql.quote_ident(prefix + "s" + str(number))


def _source_line(plan: dict) -> str:
    return "The source, " + source_words(plan) + ", with each row's place in it (" + ROW + ", from 0)"


def _quoted_words(name: str) -> str:
    return "'" + name + "'"
