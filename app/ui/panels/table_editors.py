"""The forms of the steps that take more than one setting per line: join (with its match counts) and pivot.

A join's form suggests the keys from the names and types of both tables
(app/core/join_plan.py) and, before anything runs, counts the rows that
match on each side and the rows each kind of join makes, warning when key
values repeat on both sides. A pivot's form takes its rows, its column and
one or more values with their summaries.

    join(form, columns, session, step, changed) / read_join(form)
    pivot(form, columns, step, changed) / read_pivot(form)
"""

import json

from app.core import display, errors, join_plan
from app.ui.panels import step_fields
from app.ui.shell.dom import clear, el, on

HOWS = [
    ("left", "Keep every row here, add what matches (left)"),
    ("inner", "Keep the rows that match on both sides (inner)"),
    ("full", "Keep every row of both (full)"),
    ("right", "Keep every row of the other table (right)"),
    ("semi", "Keep the rows here that have a match (semi)"),
    ("anti", "Keep the rows here that have no match (anti)"),
]
FUNCTIONS = [
    ("count", "count of rows"),
    ("sum", "sum"),
    ("avg", "average"),
    ("min", "lowest"),
    ("max", "highest"),
    ("median", "median"),
    ("count_distinct", "distinct values"),
]
_plan = {"generation": 0}


# --- join ---------------------------------------------------------------------------------------


def join(form, columns: list, session, step, changed) -> None:
    here = session.view["active"]
    others = [t for t in session.tables if t != here]
    if not others:
        form.append(el("p", "Open another table first (a file, or a query's result): a join needs two tables."))
        return
    step = step or {}
    other = step.get("table") or others[0]
    table = el("select", None, None, {"data-join": "table", "id": "step-field-table"})
    for name in others:
        table.append(el("option", name, None, {"value": name}))
    table.value = other
    how = el("select", None, None, {"data-join": "how", "id": "step-field-how"})
    for value, words in HOWS:
        how.append(el("option", words, None, {"value": value}))
    how.value = step.get("how") or "left"
    form.append(step_fields.labelled("Other table", table))
    form.append(step_fields.labelled("Kind of join", how))
    keys = el("ol", None, "st-rules", {"data-join": "keys"})
    form.append(keys)
    more = el("button", "Add a key", "button small", {"type": "button"})
    form.append(more)
    plan = el("div", None, "st-plan", {"id": "join-plan", "aria-live": "polite"})
    form.append(plan)

    def fill_keys(pairs):
        clear(keys)
        right = [c["name"] for c in session.tables[str(table.value)]["columns"]]
        for pair in pairs:
            keys.append(_key_row(pair, [c["name"] for c in columns], right, edited))

    def suggested():
        right = session.tables[str(table.value)]["columns"]
        found = join_plan.suggest_keys(columns, right, here, str(table.value))
        return [[found[0]["left"], found[0]["right"]]] if found else [[columns[0]["name"], right[0]["name"]]]

    def edited():
        form.setAttribute("data-casts", "")
        changed()
        session.spawn(_count(session, form, plan))

    def other_changed(event):
        fill_keys(suggested())
        edited()

    on(table, "change", other_changed)
    on(how, "change", lambda event: changed())

    def add(event):
        right = [c["name"] for c in session.tables[str(table.value)]["columns"]]
        keys.append(_key_row([columns[0]["name"], right[0]], [c["name"] for c in columns], right, edited))
        edited()

    on(more, "click", add)
    fill_keys(step.get("keys") or suggested())
    if step.get("casts"):
        form.setAttribute("data-casts", json.dumps(step["casts"]))
    session.spawn(_count(session, form, plan))


def _key_row(pair: list, left: list, right: list, edited):
    row = el("li", None, "st-rule st-key")
    here = el("select", None, None, {"data-key": "left", "aria-label": "Column here"})
    for name in left:
        here.append(el("option", name, None, {"value": name}))
    here.value = pair[0]
    there = el("select", None, None, {"data-key": "right", "aria-label": "Column of the other table"})
    for name in right:
        there.append(el("option", name, None, {"value": name}))
    there.value = pair[1] if pair[1] in right else right[0]
    for node in (here, there):
        on(node, "change", lambda event: edited())
    row.append(here)
    row.append(el("span", "matches", "st-word"))
    row.append(there)
    drop = el("button", "×", "button small", {"type": "button", "aria-label": "Remove this key"})

    def remove(event):
        if row.parentElement.children.length > 1:
            row.remove()
            edited()

    on(drop, "click", remove)
    row.append(drop)
    return row


def _pairs(form) -> list:
    return [
        [str(row.querySelector('[data-key="left"]').value), str(row.querySelector('[data-key="right"]').value)]
        for row in form.querySelectorAll(".st-key")
    ]


def read_join(form) -> dict:
    table = form.querySelector('[data-join="table"]')
    if table is None:
        raise errors.StateError("Open another table first: a join needs two tables.")
    step = {"kind": "join", "table": str(table.value), "how": str(form.querySelector('[data-join="how"]').value)}
    step["keys"] = _pairs(form)
    casts = form.getAttribute("data-casts")
    if casts:
        step["casts"] = json.loads(casts)
    return step


async def _count(session, form, node) -> None:
    """Count what the join would match and make, and offer the casts the key types need."""
    _plan["generation"] += 1
    generation = _plan["generation"]
    table = str(form.querySelector('[data-join="table"]').value)
    found = await session.join_plan(table, _pairs(form))
    if generation != _plan["generation"]:
        return
    clear(node)
    if found["problem"]:
        node.append(el("p", found["problem"], "st-preview-problem"))
        return
    if found["casts"]:
        form.setAttribute("data-casts", json.dumps(found["casts"]))
    left, right, rows = found["left"], found["right"], found["rows"]
    node.append(
        el(
            "p",
            "Here: "
            + _n(left["rows"])
            + " rows, "
            + _n(left["matched"])
            + " match, "
            + _n(left["unmatched"])
            + " do not. '"
            + table
            + "': "
            + _n(right["rows"])
            + " rows, "
            + _n(right["matched"])
            + " match, "
            + _n(right["unmatched"])
            + " do not.",
            "st-plan-counts",
        )
    )
    made = " · ".join([value + " " + _n(rows[value]) for value, _ in HOWS])
    node.append(el("p", "Rows each join makes: " + made, "st-plan-rows"))
    for line in found["notes"]:
        node.append(el("p", line, "st-plan-note"))
    if found["many_to_many"]:
        node.setAttribute("data-warning", "many-to-many")
    else:
        node.removeAttribute("data-warning")
    node.setAttribute("data-counted", str(generation))


def _n(value) -> str:
    return display.thousands(value or 0)


# --- pivot --------------------------------------------------------------------------------------


def pivot(form, columns: list, step, changed) -> None:
    names = [c["name"] for c in columns]
    step = step or {"rows": names[:1], "columns": names[1] if len(names) > 1 else names[0], "values": [{"fn": "count"}]}
    rows = el("fieldset", None, "st-checks", {"data-pivot": "rows"})
    rows.append(el("legend", "Rows"))
    for name in names:
        label = el("label", None, "st-check")
        tick = el("input", None, None, {"type": "checkbox", "value": name})
        tick.checked = name in (step.get("rows") or [])
        on(tick, "change", lambda event: changed())
        label.append(tick)
        label.append(el("span", name))
        rows.append(label)
    wrap = el("div", None, "st-field")
    wrap.append(rows)
    form.append(wrap)
    column = el("select", None, None, {"data-pivot": "columns", "id": "step-field-columns"})
    for name in names:
        column.append(el("option", name, None, {"value": name}))
    column.value = step.get("columns") or names[0]
    on(column, "change", lambda event: changed())
    form.append(step_fields.labelled("Columns from the values of", column))
    values = el("ol", None, "st-rules", {"data-pivot": "values"})
    for value in step.get("values") or [{"fn": "count"}]:
        values.append(_value_row(value, names, changed))
    form.append(values)
    more = el("button", "Add a value", "button small", {"type": "button"})

    def add(event):
        values.append(_value_row({"fn": "sum", "column": names[0]}, names, changed))
        changed()

    on(more, "click", add)
    form.append(more)
    totals = el("input", None, None, {"type": "checkbox", "data-pivot": "totals", "id": "step-field-totals"})
    totals.checked = step.get("totals", True)
    on(totals, "change", lambda event: changed())
    form.append(step_fields.labelled("Totals", totals))
    subtotals = el("input", None, None, {"type": "checkbox", "data-pivot": "subtotals", "id": "step-field-subtotals"})
    subtotals.checked = bool(step.get("subtotals"))
    on(subtotals, "change", lambda event: changed())
    form.append(step_fields.labelled("Subtotals", subtotals))
    limit = el("input", None, None, {"type": "number", "min": "1", "data-pivot": "limit", "id": "step-field-limit"})
    limit.value = str(step.get("limit_columns") or 50)
    on(limit, "input", lambda event: changed())
    form.append(step_fields.labelled("At most this many columns (the rest in Other)", limit))


def _value_row(value: dict, names: list, changed):
    row = el("li", None, "st-rule st-value")
    fn = el("select", None, None, {"data-value": "fn", "aria-label": "Summary"})
    for name, words in FUNCTIONS:
        fn.append(el("option", words, None, {"value": name}))
    fn.value = value.get("fn") or "count"
    column = el("select", None, None, {"data-value": "column", "aria-label": "Of the column"})
    for name in names:
        column.append(el("option", name, None, {"value": name}))
    column.value = value.get("column") or names[0]
    for node in (fn, column):
        on(node, "change", lambda event: changed())
    row.append(fn)
    row.append(el("span", "of", "st-word"))
    row.append(column)
    drop = el("button", "×", "button small", {"type": "button", "aria-label": "Remove this value"})

    def remove(event):
        row.remove()
        changed()

    on(drop, "click", remove)
    row.append(drop)
    return row


def read_pivot(form) -> dict:
    rows = [str(box.value) for box in form.querySelectorAll('[data-pivot="rows"] input:checked')]
    values = []
    for row in form.querySelectorAll(".st-value"):
        fn = str(row.querySelector('[data-value="fn"]').value)
        value = {"fn": fn}
        if fn != "count":
            value["column"] = str(row.querySelector('[data-value="column"]').value)
        values.append(value)
    if not values:
        raise errors.StateError("Add at least one value to summarise.")
    step = {"kind": "pivot", "rows": rows, "columns": str(form.querySelector('[data-pivot="columns"]').value)}
    step["values"] = values
    step["totals"] = bool(form.querySelector('[data-pivot="totals"]').checked)
    step["subtotals"] = bool(form.querySelector('[data-pivot="subtotals"]').checked)
    limit = str(form.querySelector('[data-pivot="limit"]').value).strip()
    if limit:
        try:
            step["limit_columns"] = max(1, int(limit))
        except ValueError:
            raise errors.StateError("At most this many columns must be a whole number, not “" + limit + "”.")
    return step
