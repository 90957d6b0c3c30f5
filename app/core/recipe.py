"""A table's steps, compiled into one DuckDB view over its source, and their previews.

The first time a table gets steps, its rows move (a rename, nothing copied)
to a source table of Loupe's own, ``base_name(table)``, and the table's name
becomes a view: a chain of CTEs, one per step that applies, over that
source. So the grid, profiles, filters, charts, exports, SQL and links all
see the result, and undoing a step is compiling the view again.

Each stage is bound (``DESCRIBE``) before the next is built, so a step that
no longer fits (a column gone) is found with its reason, and the steps
after it wait. The values the steps make are then computed once over every
row, so a step that fails at run time (a cast that does not fit) is found
too; the view then stops before it and the table is as it was.

All functions here are step generators (app/engine/__init__.py).

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, sql, statements, steps

ROW = steps.ROW
BASE_PREFIX = "loupe_base_"
PREVIEW_ROWS = 20


def base_name(table: str) -> str:
    """The name of the table holding ``table``'s rows once it has steps (a Loupe name: hidden from lists)."""
    return BASE_PREFIX + table


def has_base(table: str):
    """Steps: True when ``table`` has steps applied (its rows are in ``base_name(table)``)."""
    result = yield (
        "SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'main' AND table_name = ?",
        [base_name(table)],
    )
    return bool(result["rows"][0][0])


def source_of(table: str):
    """Steps: the table that holds ``table``'s rows: its source table if it has steps, else itself."""
    based = yield from has_base(table)
    return base_name(table) if based else table


def apply(table: str, step_list: list, tables=None):
    """Steps: make ``table`` show its source with ``step_list`` applied; return what happened.

    With no steps the table is its source again, under its own name.

    Returns ``{"columns": [{name, type}], "stages": [...], "failed": index or None, "sql": text}``:
    one stage per step, ``{"state": "done"|"off"|"failed"|"waiting", "problem": words or None,
    "columns": [...] after it}``. A failed step and the steps after it are not applied; the
    table is as of the last step that applied. ``tables``: the other open tables' names.
    """
    if len(step_list) > steps.LIMIT:
        raise errors.QueryError("A table can have at most " + str(steps.LIMIT) + " steps.")
    if not step_list:  # no steps: the table is its own rows again (a table, not a view)
        yield from unapply(table)
        described = yield "DESCRIBE " + sql.quote_ident(table), []
        return {
            "sql": everything(table),
            "chain": [],
            "stage_of": {},
            "stages": [],
            "columns": _described(described),
            "failed": None,
        }
    based = yield from has_base(table)
    if not based:
        yield "ALTER TABLE " + sql.quote_ident(table) + " RENAME TO " + sql.quote_ident(base_name(table)), []
    built = yield from build(base_name(table), step_list, tables)
    built = yield from _run_check(base_name(table), step_list, built, tables)
    yield "CREATE OR REPLACE VIEW " + sql.quote_ident(table) + " AS " + built["sql"], []
    built["columns"] = [c for c in built["columns"] if c["name"] != ROW]
    return built


def is_derived(applied) -> bool:
    """True when ``applied`` (what ``apply`` returned, or None) left the table a view over its source."""
    return bool(applied and applied.get("stages"))


def everything(table: str) -> str:
    """The query of every row of ``table`` as its steps leave it (to keep as a table of its own)."""
    return "SELECT * FROM " + sql.quote_ident(table)


def unapply(table: str):
    """Steps: ``table`` without steps again: its source table back under its own name."""
    based = yield from has_base(table)
    if based:
        yield "DROP VIEW IF EXISTS " + sql.quote_ident(table), []
        yield "ALTER TABLE " + sql.quote_ident(base_name(table)) + " RENAME TO " + sql.quote_ident(table), []


def drop(table: str):
    """Steps: drop ``table`` and, if it has steps, its source table."""
    based = yield from has_base(table)
    if based:
        yield "DROP VIEW IF EXISTS " + sql.quote_ident(table), []
        yield "DROP TABLE IF EXISTS " + sql.quote_ident(base_name(table)), []
    else:
        yield sql.drop_table(table)


def rename(table: str, new_name: str, step_list: list, tables=None):
    """Steps: ``table`` known as ``new_name``; with steps, its source is renamed too and the view made again."""
    based = yield from has_base(table)
    if not based:
        yield sql.rename_table(table, new_name)
        return None
    yield "DROP VIEW IF EXISTS " + sql.quote_ident(table), []
    yield "ALTER TABLE " + sql.quote_ident(base_name(table)) + " RENAME TO " + sql.quote_ident(base_name(new_name)), []
    done = yield from apply(new_name, step_list, tables)
    return done


def preview(table: str, step_list: list, index: int, tables=None):
    """Steps: what step ``index`` of ``step_list`` does to ``table``, before it is applied.

    Returns ``{"problem": words or None, "columns": [...] after it, "rows": first rows after it,
    "before": {column: [values]} of the columns it changes, "changed": n, "emptied": n}``: the
    first ``PREVIEW_ROWS`` rows as the step leaves them, the same rows' values before it in the
    columns it changes, and how many values it changes and empties over the whole table.
    """
    source = yield from source_of(table)
    upto = [dict(s, off=False) if i == index else s for i, s in enumerate(step_list[: index + 1])]
    built = yield from build(source, upto, tables)
    stage = built["stages"][index]
    out = {"problem": stage["problem"], "position": stage.get("position"), "columns": [], "rows": []}
    out.update({"before": {}, "changed": 0, "emptied": 0})
    if stage["state"] != "done":
        return out
    after = [c for c in stage["columns"] if c["name"] != ROW]
    out["columns"] = after
    step = upto[index]
    changed = [c for c in steps.changed_columns(step) if c in [a["name"] for a in after]]
    before = [c["name"] for c in stage["before"]]
    changed += [c for c in steps.made_columns(step) if c in before and c not in changed]  # replaced
    chain = built["chain"]
    last = _stage_name(index)
    try:
        if changed:
            prev = built["stage_of"][index]
            joined = _with(chain) + _counts_select(prev, last, changed)
            counts = yield joined, []
            out["changed"], out["emptied"] = counts["rows"][0][0] or 0, counts["rows"][0][1] or 0
        rows = yield (
            _with(chain)
            + "SELECT * EXCLUDE ("
            + sql.quote_ident(ROW)
            + ") FROM "
            + last
            + _in_order(upto)
            + " LIMIT "
            + str(PREVIEW_ROWS),
            [],
        )
        out["rows"] = rows["rows"]
        if changed:
            prev = built["stage_of"][index]
            picked = ", ".join(["b." + sql.quote_ident(c) for c in changed])
            before = yield (
                _with(chain)
                + (
                    "SELECT "
                    + picked
                    + " FROM "
                    + last
                    + " AS a JOIN "
                    + prev
                    + " AS b USING ("
                    + sql.quote_ident(ROW)
                    + ") ORDER BY a."
                    + sql.quote_ident(ROW)
                    + " LIMIT "
                    + str(PREVIEW_ROWS)
                ),
                [],
            )
            out["before"] = {c: [r[i] for r in before["rows"]] for i, c in enumerate(changed)}
    except errors.QueryError as failure:
        out["problem"] = _worded(str(failure), step)
        out["rows"] = []
    return out


def _counts_select(prev: str, last: str, columns: list) -> str:
    # as text: a step may change a column's type (text read as numbers), and the text is what a person saw
    changed = " OR ".join(
        [
            "CAST(a."
            + sql.quote_ident(c)
            + " AS VARCHAR) IS DISTINCT FROM CAST(b."
            + sql.quote_ident(c)
            + " AS VARCHAR)"
            for c in columns
        ]
    )
    emptied = " OR ".join(
        ["(a." + sql.quote_ident(c) + " IS NULL AND b." + sql.quote_ident(c) + " IS NOT NULL)" for c in columns]
    )
    return (
        "SELECT count(*) FILTER (WHERE "
        + changed
        + ") AS changed, count(*) FILTER (WHERE "
        + emptied
        + ") AS emptied FROM "
        + last
        + " AS a JOIN "
        + prev
        + " AS b USING ("
        + sql.quote_ident(ROW)
        + ")"
    )


def _stage_name(index: int) -> str:
    return '"s' + str(index + 1) + '"'


def _with(chain: list) -> str:
    if not chain:
        return ""
    return "WITH " + ", ".join([name + " AS (" + text + ")" for name, text in chain]) + " "


def _in_order(step_list: list) -> str:
    for step in step_list:
        if not step.get("off") and steps.shape_problem(step) is None and steps.reorders(step):
            return " ORDER BY " + sql.quote_ident(ROW)
    return ""


def build(source: str, step_list: list, tables):
    """Steps: bind each stage in turn; return the chain of CTEs and what became of each step."""
    start = "SELECT rowid AS " + sql.quote_ident(ROW) + ", * FROM " + sql.quote_ident(source)
    chain = [('"s0"', start)]
    described = yield "DESCRIBE " + _with(chain) + 'SELECT * FROM "s0"', []
    columns = _described(described)
    stages = []
    stage_of = {}  # type: dict  # step index -> the stage it reads
    prev = '"s0"'
    failed = None
    for index, step in enumerate(step_list):
        entry = {"state": "done", "problem": None, "columns": columns, "before": columns}
        if failed is not None:
            entry["state"] = "waiting"
            entry["problem"] = "waits for step " + str(failed + 1)
        elif isinstance(step, dict) and step.get("off") is True and steps.shape_problem(step) is None:
            entry["state"] = "off"
        else:
            why = steps.problem(step, columns, tables)
            if why is None:
                name = _stage_name(index)
                text = ""
                try:
                    found = yield from steps.prepare(_with(chain) + "SELECT * FROM " + prev, step, columns)
                    text = steps.stage_sql(prev, step, columns, found)
                    if found is not None:
                        entry["prepared"] = found  # what the kind found in the data (a pivot's columns)
                    described = yield "DESCRIBE " + _with(chain + [(name, text)]) + "SELECT * FROM " + name, []
                except errors.QueryError as failure:
                    why = _worded(str(failure), step)
                    entry["position"] = _position(text, str(failure), step)
                else:
                    chain.append((name, text))
                    stage_of[index] = prev
                    prev = name
                    columns = _described(described)
                    entry["columns"] = columns
            if why is not None:
                entry["state"] = "failed"
                entry["problem"] = why
                failed = index
        stages.append(entry)
    applied = [s for i, s in enumerate(step_list) if i < len(stages) and stages[i]["state"] == "done"]
    select = _with(chain) + "SELECT * EXCLUDE (" + sql.quote_ident(ROW) + ") FROM " + prev + _in_order(applied)
    return {
        "sql": select,
        "chain": chain,
        "stage_of": stage_of,
        "stages": stages,
        "columns": columns,
        "failed": failed,
    }


def _run_check(source: str, step_list: list, built: dict, tables):
    """Steps: compute the values the applied steps make over every row; stop before one that fails."""
    while True:
        done = [i for i, s in enumerate(built["stages"]) if s["state"] == "done"]
        if not done:
            return built
        made = []
        for i in done:
            names = [c["name"] for c in built["stages"][i]["columns"]]
            for column in steps.made_columns(step_list[i]) + steps.changed_columns(step_list[i]):
                if column in names and column not in made:
                    made.append(column)
        final = [c["name"] for c in built["columns"]]
        made = [c for c in made if c in final]
        if not made:
            return built
        counted = ", ".join(["count(" + sql.quote_ident(c) + ")" for c in made])
        try:
            yield _with(built["chain"]) + "SELECT " + counted + " FROM " + built["chain"][-1][0], []
            return built
        except errors.QueryError as failure:
            bad = yield from _first_failing(built, step_list, done)
            rebuilt = yield from build(source, step_list[:bad], tables)
            rebuilt["stages"] = rebuilt["stages"] + [
                {"state": "failed", "problem": _worded(str(failure), step_list[bad]), "columns": rebuilt["columns"]}
            ]
            for _ in range(bad + 1, len(step_list)):
                rebuilt["stages"].append(
                    {"state": "waiting", "problem": "waits for step " + str(bad + 1), "columns": rebuilt["columns"]}
                )
            rebuilt["failed"] = bad
            return rebuilt


def _first_failing(built: dict, step_list: list, done: list):
    """Steps: the index of the first applied step whose values cannot be computed."""
    for i in done:
        names = [c["name"] for c in built["stages"][i]["columns"]]
        own = [c for c in steps.made_columns(step_list[i]) + steps.changed_columns(step_list[i]) if c in names]
        if not own:
            continue
        upto = [entry for entry in built["chain"] if entry[0] != '"s0"' and int(entry[0][2:-1]) <= i + 1]
        chain = [built["chain"][0]] + upto
        counted = ", ".join(["count(" + sql.quote_ident(c) + ")" for c in own])
        try:
            yield _with(chain) + "SELECT " + counted + " FROM " + chain[-1][0], []
        except errors.QueryError:
            return i
    return done[-1]


def _position(text: str, message: str, step: dict):
    """Where in ``step``'s expression the engine's error points (0-based), or None."""
    expression = step.get("expression") if isinstance(step, dict) else None
    if not isinstance(expression, str) or not text:
        return None
    start = text.find(expression)
    position = statements.error_position(text, message)
    if position is not None and start >= 0 and start <= position <= start + len(expression):
        return position - start
    return statements.error_in(text, expression, message)


def _described(result: dict) -> list:
    return [{"name": row[0], "type": row[1]} for row in result["rows"]]


def _worded(message: str, step: dict) -> str:
    """An engine error met by ``step``, on one line, for the Steps panel."""
    lead = 'Referenced column "'
    at = message.find(lead)
    end = message.find('" not found', at + len(lead))
    if at >= 0 and end > at:
        return "there is no column '" + message[at + len(lead) : end] + "' here" + steps.gone_hint()
    summary = statements.error_summary(message)
    summary = summary.replace('"' + ROW + '", ', "").replace(', "' + ROW + '"', "").replace('"' + ROW + '"', "")
    summary = summary.replace(" Candidate bindings:  —", " —")
    if summary.startswith("The query failed: "):
        summary = summary[len("The query failed: ") :]
    return summary
