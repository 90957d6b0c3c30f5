"""Running the SQL editor's statements, as a step generator, and what the view state records of a run.

A run takes the selection, else the statement at the cursor, or the whole
text (``pieces``). ``run_script`` runs them in order: the rows of the last
query are kept as the table ``query_result`` (or the name the panel already
uses), a query before it runs for its row count only, and every other
statement runs as written. It stops at the first statement that fails.

What ran is returned as entries for the view's log (app/core/view.py): one
``sql`` entry per statement that ran as written, with the tables it made
and dropped, and a ``query`` entry for the rows kept. A statement that
failed, and a query counted but not kept, leave no entry: replaying the log
runs exactly what changed the tables, in order.

The generator yields ``(sql, params)`` and receives ``{columns, rows}``;
an engine error (including ``errors.Cancelled``) is thrown into it, so the
same code runs against native DuckDB in tests and DuckDB-WASM in the page.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import display, errors, naming, sql, statements, view

RESULT_TABLE = "query_result"
_KEPT = ("table", "wrapped")


def pieces_for(text: str, start: int, end: int, run_all: bool) -> tuple:
    """``([(statement, offset in text)], the text chosen)`` for a run of ``text``.

    ``run_all``: every statement; else the selection ``start``..``end``
    (code points), else the statement at the cursor ``start``.
    """
    if run_all:
        return statements.split(text), text
    if start != end:
        low, high = min(start, end), max(start, end)
        chosen = text[low:high]
        return [(statement, low + offset) for statement, offset in statements.split(chosen)], chosen
    statement, offset = statements.statement_at(text, start)
    return ([(statement, offset)] if statement else []), statement


def run_script(pieces: list, kept=None):
    """Steps: run ``pieces`` (``[(statement, offset)]``) in order; return what happened.

    ``kept``: the table the panel keeps its last query's rows in, reused if
    it still exists. Returns ``{entries, result, output, ran, failure}``:
    the log entries of what ran, the table holding the last query's rows
    (None if none was kept), the text output of the last statement that
    has one (a plan, a pragma's answer), how many statements ran, and None
    or ``{error, statement, offset, run_sql, index}`` for the statement that
    failed (the error as raised: a QueryError, or Cancelled).
    """
    last = -1  # the query whose rows are kept
    for index, (statement, _) in enumerate(pieces):
        if statements.result_kind(statement) in _KEPT:
            last = index
    result = ""
    if last >= 0:
        taken = [row[0] for row in (yield statements.catalog_names())["rows"]]
        result = kept if kept is not None and kept in taken else naming.table_name_for(RESULT_TABLE, taken)
    outcome = {"entries": [], "result": None, "output": "", "ran": 0, "failure": None}  # type: dict
    names = []  # type: list  # the tables there are before the next statement that may change them
    listed = False  # whether ``names`` was asked for yet (only scripts that change tables need it)
    for index, (statement, offset) in enumerate(pieces):
        kind = statements.result_kind(statement)
        if index == last:
            run_sql = statements.stored(result, statement)[0]
        elif kind in _KEPT:
            run_sql = statements.counted(statement)[0]
        else:
            run_sql = statement
            if not listed:
                names = yield from table_names()
                listed = True
        try:
            answer = yield run_sql, []
        except errors.LoupeError as error:
            outcome["failure"] = {
                "error": error,
                "statement": statement,
                "offset": offset,
                "run_sql": run_sql,
                "index": index,
            }
            break
        outcome["ran"] += 1
        if index == last:
            outcome["result"] = result
            outcome["entries"].append({"op": "query", "table": result, "statement": statement})
            if listed and result not in names:
                names.append(result)
        elif kind not in _KEPT:
            after = yield from table_names()
            outcome["entries"].append(changed(statement, names, after))
            names = after
        if kind == "text":
            outcome["output"] = statements.output_text(answer)
    return outcome


def replayed(statement: str):
    """Steps: run one statement of a log's ``sql`` entry again; return its entry as it ran this time."""
    before = yield from table_names()
    yield statement, []
    after = yield from table_names()
    return changed(statement, before, after)


def table_names():
    """Steps: the names of the person's tables (not Loupe's own ``loupe_…`` ones)."""
    listed = yield sql.list_tables()
    return [row[0] for row in listed["rows"] if not row[0].lower().startswith("loupe_")]


def changed(statement: str, before: list, after: list) -> dict:
    """The ``sql`` entry of ``statement``, which left the tables ``after`` where there were ``before``."""
    return {
        "op": "sql",
        "statement": statement,
        "made": [name for name in after if name not in before],
        "dropped": [name for name in before if name not in after],
    }


def view_after(state: dict, outcome: dict, before) -> dict:
    """The view ``state`` once a run's ``outcome`` is logged; ``before``: the table shown when it started.

    Tables the run made are shown (the kept rows last); when a statement
    failed and no rows were kept, the table shown before stays in view.
    """
    out = state
    for entry in outcome["entries"]:
        out = view.with_entry(out, entry)
    if outcome["failure"] is not None and outcome["result"] is None and before is not None:
        if view.source(out, before) is not None and out["active"] != before:
            out = view.activate(out, before)
    return out


def said(outcome: dict, count: int, rows=None) -> str:
    """What the panel says after a run of ``count`` statements that all ran (``rows``: of the kept result)."""
    several = "" if count == 1 else " · " + str(count) + " statements"
    if outcome["result"] is not None and rows is not None:
        return outcome["result"] + ": " + _rows(rows) + several
    return "1 statement ran" if count == 1 else str(count) + " statements ran"


def _rows(n: int) -> str:
    return display.thousands(n) + (" row" if n == 1 else " rows")
