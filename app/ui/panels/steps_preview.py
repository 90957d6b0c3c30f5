"""The preview of a step being added or edited: what it does to the first rows, before it is applied.

The changed columns are shown before and after, side by side, with the
cells that change marked; new columns are marked as new; a line counts the
values changed and emptied over the whole table. A step that cannot apply
shows why (for an expression, where). Each edit of the form asks again a
moment later; a newer edit makes an older preview stop.

    later(session, node, step, index)   preview ``step`` in ``node`` shortly (``index``: the step edited)
    problem(node, words)                show what keeps the step from applying
"""

import asyncio

from app.core import display, errors, steps
from app.ui.shell.dom import clear, count_up, el

DELAY = 0.2  # seconds of no typing before the preview is asked for
_state = {"generation": 0}


def later(session, node, step: dict, index) -> None:
    _state["generation"] += 1
    session.spawn(_preview(session, node, step, index, _state["generation"]))


def problem(node, words: str) -> None:
    _state["generation"] += 1
    clear(node)
    node.append(el("p", words, "st-preview-problem", {"role": "alert"}))
    count_up(node, "data-previews")


async def _preview(session, node, step: dict, index, generation: int) -> None:
    await asyncio.sleep(DELAY)
    if generation != _state["generation"]:
        return
    try:
        found = await session.preview_step(step, None, index)
    except errors.LoupeError as failure:
        found = {"problem": str(failure)}
    if generation != _state["generation"]:
        return
    if found.get("problem"):
        _problem_at(node, found["problem"], step, found.get("position"))
        count_up(node, "data-previews")
        return
    _draw(node, found, step)
    count_up(node, "data-previews")


def _problem_at(node, words: str, step: dict, position) -> None:
    clear(node)
    box = el("div", None, "st-preview-problem", {"role": "alert"})
    box.append(el("p", words))
    expression = step.get("expression")
    if isinstance(expression, str) and position is not None and 0 <= position <= len(expression):
        code = el("pre", None, "st-at")
        code.append(el("span", expression[:position]))
        code.append(el("mark", expression[position : position + 1] or " ", "st-at-mark"))
        code.append(el("span", expression[position + 1 :]))
        box.append(code)
    node.append(box)


def _draw(node, found: dict, step: dict) -> None:
    clear(node)
    before = found.get("before") or {}
    columns = [c["name"] for c in found["columns"]]
    made = [name for name in columns if name not in before and name in _made(step)]
    summary = []
    if before:
        summary.append(display.thousands(found["changed"]) + " values changed")
        if found["emptied"]:
            summary.append(display.thousands(found["emptied"]) + " became empty")
    if made:
        summary.append("new: " + ", ".join(made))
    node.append(
        el("p", "Preview of the first rows" + (" · " + ", ".join(summary) if summary else ""), "st-preview-head")
    )
    table = el("table", None, "st-preview-table")
    head = el("tr")
    shown = []
    for name in columns:
        if name in before:
            head.append(el("th", name + " (before)", "st-before", {"scope": "col"}))
            shown.append(("before", name))
        head.append(
            el("th", name, "st-made" if name in made else ("st-after" if name in before else None), {"scope": "col"})
        )
        shown.append(("after", name))
    thead = el("thead")
    thead.append(head)
    table.append(thead)
    body = el("tbody")
    for r, row in enumerate(found["rows"]):
        line = el("tr")
        for which, name in shown:
            value = row[columns.index(name)]
            if which == "before":
                line.append(el("td", display.cell_text(before[name][r]) if r < len(before[name]) else "", "st-before"))
                continue
            cls = "st-made" if name in made else None
            if name in before and r < len(before[name]) and before[name][r] != value:
                cls = "st-changed"
            line.append(el("td", display.cell_text(value), cls))
        body.append(line)
    table.append(body)
    wrap = el("div", None, "st-preview-wrap", {"tabindex": "0", "role": "region", "aria-label": "Preview"})
    wrap.append(table)
    node.append(wrap)


def _made(step: dict) -> list:
    return steps.made_columns(step) if steps.shape_problem(step) is None else []
