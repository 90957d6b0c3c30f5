"""What the data-frame printers (pandas, Polars) share: a table's function, step by step, and each step's block.

``function_text(plan, name, with_view, printer)`` writes ``def name() ->
Frame:`` reading the source, one commented block per step (the steps left
out named too), then the view (or, for a table a join reads, the rows in
their source order). ``printer`` is what differs by library::

    {"frame": "pd.DataFrame", "library": "pandas",
     "read": plan -> [lines that read df, with its ROW column],
     "view": plan -> [lines that end in return], "tail": [lines that end in return],
     "derive": (entry, before) -> [lines], "fallback": (entry, why) -> [lines],
     "steps": {kind: printer(step, before, prepared) -> [lines]}}

CPython only (the Pyodide worker).
"""

from __future__ import annotations

from app.core import types

# kinds a printer does not translate: the step's own DuckDB SQL runs over the frame, for this reason
FALLBACKS = {
    "sample": "Loupe picks a sample's rows by DuckDB's hash of each row's place and the seed; "
    "the library's own sample would pick other rows",
    "pivot": "a pivot's columns (the most frequent values, Other, totals) and their names are Loupe's own",
}
WHY = {
    "off": "the step is turned off in Loupe",
    "failed": "its values could not be computed in Loupe",
    "waiting": "a step before it failed in Loupe",
}


def function_text(plan: dict, name: str, with_view: bool, printer: dict) -> str:
    """The function returning ``plan``'s table: as the grid shows it, or after its steps (``with_view`` False)."""
    what = "as the grid shows it" if with_view else "after its steps (what a join or append reads)"
    title = "The table '" + str(plan.get("table")) + "'"
    lines = ["def " + name + "() -> " + printer["frame"] + ":", '    """' + title + " " + what + '."""']
    body = printer["read"](plan)
    before = plan.get("source_columns") or []
    for entry in plan.get("steps") or []:
        body += [""] + step_block(entry, before, printer)
        before = entry.get("columns") or before
    for left in plan.get("skipped") or []:
        body += ["", "# Step " + str(left["index"] + 1) + ": " + str(left["says"])]
        body.append("# Left out: " + WHY.get(left.get("why"), str(left.get("why"))) + ".")
    body.append("")
    body += printer["view"](plan) if with_view else printer["tail"]
    return "\n".join(lines + ["    " + line if line else "" for line in body])


def step_block(entry: dict, before: list, printer: dict) -> list:
    """One step's lines, under a comment saying what it does; a step that cannot be read is said, not a crash."""
    step = entry.get("step") or {}
    kind = step.get("kind") if isinstance(step, dict) else None
    lines = ["# Step " + str(entry.get("index", 0) + 1) + ": " + (entry.get("says") or str(kind))]
    try:
        if kind == "derive":
            return lines + printer["derive"](entry, before)
        if kind in FALLBACKS:
            return lines + printer["fallback"](entry, FALLBACKS[kind])
        print_step = printer["steps"].get(str(kind))
        if print_step is None:
            return lines + [
                "# Not translated: Loupe has no " + printer["library"] + " code for a step of kind " + repr(kind) + "."
            ]
        return lines + print_step(step, before, entry.get("prepared"))
    except Exception as failure:  # a step whose settings do not fit its kind
        return lines + ["# Not translated: its settings could not be read (" + type(failure).__name__ + ")."]


def kind_of(columns: list, name: str) -> str:
    """The type kind (app/core/types.py) of the column ``name`` among ``columns``; 'other' when it is not there."""
    for c in columns:
        if c["name"] == name:
            return types.kind_of(c["type"])
    return "other"
