"""What an export as code needs of a table, gathered once: its source, its steps as SQL, the view on it.

``gather`` (a step generator, app/engine/__init__.py) builds the table's
steps again over its source (``recipe.build``: DESCRIBEs and what a step
finds in the data, nothing written) and returns a plain dict, the *plan*,
that every printer (app/core/code_sql.py and the others named in
``code_targets``) turns into code without asking the engine anything::

    {"table": "sales",                       # its name in Loupe
     "source": {"kind": "file"|"url"|"text"|"sample"|"query", "name": "sales.csv",
                "url": ..., "read": {...}},   # view_log.sources' record: how it was read
     "source_columns": [{name, type}],        # its columns as read (DuckDB types)
     "steps": [{"index": i, "step": {...}, "says": "Rename qty to quantity",
                "stage": '"s2"', "prev": '"s1"', "sql": "SELECT ... FROM \"s1\"",
                "prepared": what the step found in the data (or None),
                "before": the columns the step reads, with steps.ROW (for steps.stage_sql),
                "columns": [{name, type}] after it}],   # the steps that apply, in order
     "skipped": [{"index": i, "says": ..., "why": "off"|"failed"|"waiting"}],
     "needs": {"other": plan},                 # the tables a join or append reads
     "state": {"filters", "search", "sort", "group", "hidden", "order"},
     "columns": [{name, type}],                # what the view shows, in order
     "where": " WHERE ..." (literals), "order": [[column, "asc"|"desc"]]}

Every stage keeps the hidden column ``steps.ROW`` (the row's place in the
source, from 0), so the printers keep it too and order by it where the
view is not sorted: the code gives the rows in the order the grid does.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import query, recipe, sql, steps, types, view

ROW = steps.ROW
_STATE_KEYS = ("filters", "search", "sort", "group", "hidden", "order")


def gather(state_view: dict, table: str, tables=None, failed=None, seen=None):
    """Steps: the plan of ``table`` in ``state_view`` (see the module docstring).

    ``tables``: the other open tables' names (for join and append steps). ``failed``: the
    index of the step whose values could not be computed when the table was shown
    (``recipe.apply``'s ``failed``): it and the steps after it are left out, as on screen.
    """
    seen = list(seen or []) + [table]
    source_record = view.source(state_view, table) or {"table": table, "kind": "query", "name": table}
    step_list = view.table_steps(state_view, table)
    holder = yield from recipe.source_of(table)
    built = yield from recipe.build(holder, step_list, tables)
    first = built["stages"][0]["before"] if built["stages"] else built["columns"]
    first = [c for c in first if c["name"] != ROW]
    applied = []
    skipped = []
    needs = {}
    stage_of = built["stage_of"]
    texts = dict(built["chain"])
    for index, stage in enumerate(built["stages"]):
        step = step_list[index]
        state_now = stage["state"] if failed is None or index < failed else ("failed" if index == failed else "waiting")
        if state_now != "done":
            skipped.append({"index": index, "says": _says(step), "why": state_now})
            continue
        name = '"s' + str(index + 1) + '"'
        applied.append(
            {
                "index": index,
                "step": step,
                "says": steps.says(step),
                "stage": name,
                "prev": stage_of[index],
                "sql": texts[name],
                "prepared": stage.get("prepared"),
                "before": stage["before"],
                "columns": [c for c in stage["columns"] if c["name"] != ROW],
            }
        )
        other = step.get("table")
        if step.get("kind") in ("join", "append") and isinstance(other, str) and other not in needs:
            if other in seen:
                continue
            needs[other] = yield from gather(state_view, other, tables, None, seen)
    state = view.table_state(state_view, table)
    result = applied[-1]["columns"] if applied else first
    result = [{"name": c["name"], "type": c["type"], "kind": types.kind_of(c["type"])} for c in result]
    shown = query.visible(result, state)
    clause, params = query.where(state, result)
    return {
        "table": table,
        "source": source_record,
        "source_columns": first,
        "steps": applied,
        "skipped": skipped,
        "needs": needs,
        "state": {key: state.get(key) for key in _STATE_KEYS},
        "columns": [{"name": c["name"], "type": c["type"]} for c in shown],
        "result_columns": result,
        "where": sql.inline(clause, params),
        "order": [list(pair) for pair in state.get("sort") or []],
    }


def tables_read(plan: dict) -> list:
    """The plans of the tables ``plan``'s joins and appends read, each once, a table's own reads before it."""
    found = []  # type: list
    _gather_read(plan, found)
    return found


def _gather_read(plan: dict, found: list) -> None:
    for name, other in (plan.get("needs") or {}).items():
        if name not in [p["table"] for p in found]:
            _gather_read(other, found)
            if name not in [p["table"] for p in found]:
                found.append(other)


def last_stage(plan: dict) -> str:
    """The quoted name of the stage the view reads: the last step's, or ``"s0"`` (the source with its row numbers)."""
    return plan["steps"][-1]["stage"] if plan["steps"] else '"s0"'


def _says(step) -> str:
    try:
        return steps.says(step)
    except Exception:  # a step that does not fit its kind's shape: say what it is
        return "a step that could not be read"
