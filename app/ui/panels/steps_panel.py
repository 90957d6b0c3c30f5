"""The Steps panel: the active table's steps, one plain line each, and the form that adds or edits one.

Each line can be switched off or on, moved up or down, edited or removed;
a step that cannot apply says why, and the steps after it wait. "Add a
step" offers the kinds of app/core/step_forms.py; while its form is
filled the preview (app/ui/panels/steps_preview.py) shows what the step
would do to the first rows and how many values it changes. Whether the
panel is open is part of the view state (``view.panel_open`` of "steps").
"Save recipe" and "Apply recipe…" (app/ui/panels/recipe_menu.py) sit under
the list. Undo and redo (buttons and Ctrl/Cmd+Z, Ctrl/Cmd+Shift+Z) are wired here too.

    wire(session)     build the panel, connect the toggle, undo/redo and the keys (once)
    refresh(session)  show the panel as the view says, with the active table's steps
"""

from pyscript import document, window
from pyscript.ffi import create_proxy

from app.core import errors, statements, step_forms, steps, view
from app.ui.panels import recipe_menu, step_editors, steps_preview
from app.ui.shell import feedback
from app.ui.shell.dom import by_id, clear, count_up, el, on, show

_panel = {"session": None, "drawn": None, "editing": None, "kind": None}


def wire(session) -> None:
    """Build the panel into ``#steps-panel`` and connect its toggle, undo and redo (once per page)."""
    if _panel["session"] is not None:
        return
    _panel["session"] = session
    root = by_id("steps-panel")
    clear(root)
    head = el("div", None, "st-head")
    head.append(el("h2", "Steps", "st-heading", {"id": "steps-heading"}))
    head.append(el("p", None, "st-status", {"id": "steps-status", "role": "status"}))
    close = el(
        "button", "×", "button small st-close", {"type": "button", "aria-label": "Close the steps", "title": "Close"}
    )
    on(close, "click", lambda event: _toggle(False))
    head.append(close)
    root.append(head)
    root.append(el("ol", None, "st-list", {"id": "steps-list", "aria-labelledby": "steps-heading"}))
    recipe_box, recipe_report = recipe_menu.group(session)
    root.append(recipe_box)
    root.append(recipe_report)
    root.append(_save_form(session))
    add = el("div", None, "st-add")
    add.append(el("label", "Add a step", "st-add-label", {"for": "step-kind"}))
    picker = el("select", None, "st-kind", {"id": "step-kind"})
    add.append(picker)
    root.append(add)
    root.append(el("form", None, "st-form", {"id": "step-form", "hidden": ""}))
    root.append(el("div", None, "st-preview", {"id": "step-preview", "aria-live": "polite"}))
    on(picker, "change", lambda event: _start(event.target.value, None))
    on(by_id("steps-toggle"), "click", lambda event: _toggle(by_id("steps-panel").hidden))
    on(by_id("undo"), "click", lambda event: session.spawn(_travel(session, True)))
    on(by_id("redo"), "click", lambda event: session.spawn(_travel(session, False)))
    document.addEventListener("keydown", create_proxy(_keys))


def refresh(session) -> None:
    """Show the panel iff the view has it open and a table is active; list the active table's steps."""
    wire(session)
    by_id("undo").disabled = not session.history.can_undo()
    by_id("redo").disabled = not session.history.can_redo()
    table = session.view["active"]
    visible = table in session.tables and view.panel_open(session.view, "steps")
    show(by_id("steps-panel"), visible)
    by_id("steps-toggle").setAttribute("aria-expanded", "true" if visible else "false")
    count = len(view.table_steps(session.view, table)) if table else 0
    by_id("steps-toggle").textContent = "Steps" + (" (" + str(count) + ")" if count else "")
    if not visible:
        return
    report = session.steps_report(table)
    key = view.canonical([table, report["steps"], [c["name"] for c in report["columns"]]])
    if key == _panel["drawn"]:
        return
    _panel["drawn"] = key
    _draw_list(session, report)
    _draw_menu(session)


def _draw_list(session, report: dict) -> None:
    listed = by_id("steps-list")
    clear(listed)
    items = report["steps"]
    failed = [s for s in items if s["state"] == "failed"]
    status = "No steps yet: add one below." if not items else _count(len(items), "step")
    if items:
        status += " · computed as a view over the source, nothing copied"
    if failed:
        status += " · 1 cannot apply" if len(failed) == 1 else " · " + str(len(failed)) + " cannot apply"
    status_node = by_id("steps-status")
    status_node.textContent = status
    if report.get("as_of") is not None:
        status_node.textContent = status + " · showing the table as of step " + str(report["as_of"] + 1) + " "
        every = el("button", "Show all steps", "button small", {"type": "button", "id": "steps-all"})
        on(every, "click", lambda event: session.spawn(_act(session, session.show_as_of(None))))
        status_node.append(every)
    show(by_id("steps-save"), bool(items))
    recipe_menu.refresh(bool(items))
    for index, item in enumerate(items):
        row = el("li", None, "st-step", {"data-state": item["state"], "data-index": str(index)})
        row.append(el("span", str(index + 1), "st-n"))
        words = el("span", None, "st-says")
        line = el(
            "button",
            item["says"],
            "st-line",
            {
                "type": "button",
                "title": "Show the table as of this step",
                "aria-label": "Show the table as of step " + str(index + 1) + ": " + item["says"],
            },
        )
        on(line, "click", lambda e, i=index: session.spawn(_act(session, session.show_as_of(i))))
        words.append(line)
        if item["problem"]:
            words.append(el("span", item["problem"], "st-problem"))
        if item.get("note"):
            words.append(el("span", item["note"], "st-note"))
        row.append(words)
        tools = el("span", None, "st-tools")
        off = item["step"].get("off") is True
        tools.append(_tool("Edit", "Edit step " + str(index + 1), lambda e, i=index: _edit(i)))
        tools.append(
            _tool(
                "On" if off else "Off",
                ("Apply" if off else "Do not apply") + " step " + str(index + 1),
                lambda e, i=index, o=off: session.spawn(_act(session, session.switch_step(i, o))),
            )
        )
        if index > 0:
            tools.append(_tool("↑", "Move step " + str(index + 1) + " up", lambda e, i=index: _move(session, i, i - 1)))
        if index < len(items) - 1:
            tools.append(
                _tool("↓", "Move step " + str(index + 1) + " down", lambda e, i=index: _move(session, i, i + 1))
            )
        tools.append(
            _tool(
                "Remove",
                "Remove step " + str(index + 1),
                lambda e, i=index: session.spawn(_act(session, session.remove_step(i))),
            )
        )
        row.append(tools)
        listed.append(row)


def _draw_menu(session) -> None:
    picker = by_id("step-kind")
    clear(picker)
    picker.append(el("option", "Choose what to do…", None, {"value": ""}))
    for group, entries in step_forms.menu():
        box = el("optgroup", None, None, {"label": group})
        for kind, words in entries:
            box.append(el("option", words, None, {"value": kind}))
        picker.append(box)
    picker.value = _panel["kind"] or ""


def _save_form(session):
    """ "Save as a new table": the table as its steps leave it, copied into a table (and a tab) of its own."""
    form = el("form", None, "st-save", {"id": "steps-save", "hidden": ""})
    form.append(el("label", "Save the result as a new table", "st-label", {"for": "steps-save-name"}))
    name = el(
        "input", None, None, {"id": "steps-save-name", "type": "text", "autocomplete": "off", "spellcheck": "false"}
    )
    name.setAttribute("placeholder", "name")
    form.append(name)
    form.append(el("button", "Save", "button small", {"type": "submit"}))
    problem = el("span", None, "st-problem", {"id": "steps-save-problem", "role": "alert"})
    form.append(problem)

    async def save(wanted):
        try:
            await session.save_as_table(wanted)
        except errors.LoupeError as failure:
            problem.textContent = str(failure)
            return
        problem.textContent = ""
        name.value = ""
        feedback.status("Saved as table " + wanted + ": its rows no longer depend on the steps.")

    def submitted(event):
        event.preventDefault()
        session.spawn(save(str(name.value).strip()))

    form.onsubmit = create_proxy(submitted)
    return form


def _tool(text: str, label: str, handler):
    button = el("button", text, "button small st-tool", {"type": "button", "aria-label": label, "title": label})
    on(button, "click", handler)
    return button


def _count(n: int, word: str) -> str:
    return str(n) + " " + word + ("" if n == 1 else "s")


# --- adding and editing ------------------------------------------------------------------------


def _start(kind: str, index) -> None:
    """Show the form for a ``kind`` step (``index``: the step being edited, None for a new one)."""
    session = _panel["session"]
    _panel["kind"] = kind or None
    _panel["editing"] = index
    form = by_id("step-form")
    clear(form)
    clear(by_id("step-preview"))
    if not kind:
        show(form, False)
        return
    table = session.view["active"]
    step = session.steps_of(table)[index] if index is not None else None
    columns = session.tables[table]["columns"] if index is None else _columns_before(session, table, index)
    others = [t for t in session.tables if t != table]
    step_editors.build(form, kind, columns, others, step, session.state(), lambda: _changed(session), session)
    if kind == "derive" and not _panel.get("functions"):
        _panel["functions"] = True
        session.spawn(_load_functions(session))
    buttons = el("div", None, "st-buttons")
    apply = el("button", "Apply" if index is None else "Save", "button primary", {"type": "submit", "id": "step-apply"})
    cancel = el("button", "Cancel", "button", {"type": "button", "id": "step-cancel"})
    on(cancel, "click", lambda event: _start("", None))
    buttons.append(apply)
    buttons.append(cancel)
    form.append(buttons)
    form.onsubmit = create_proxy(lambda event: _submit(event, session))
    show(form, True)
    _changed(session)


async def _load_functions(session) -> None:
    found = await session.engine.execute_background(*statements.function_names())
    step_editors.set_functions([row[0] for row in found["rows"]])


def _columns_before(session, table: str, index: int) -> list:
    stages = (session.recipes.get(table) or {}).get("stages") or []
    if index < len(stages) and stages[index].get("before"):
        return [c for c in stages[index]["before"] if c["name"] != steps.ROW]
    return session.tables[table]["columns"]


def _edit(index: int) -> None:
    session = _panel["session"]
    step = session.steps_of()[index]
    by_id("step-kind").value = step["kind"]
    _start(step["kind"], index)


def _drafted():
    """The step the form describes, or raises StateError with what is wrong."""
    return step_editors.read(by_id("step-form"), _panel["kind"])


def _changed(session) -> None:
    """The form changed: preview the step it describes (a newer change makes an older preview stop)."""
    try:
        step = _drafted()
    except errors.LoupeError as failure:
        steps_preview.problem(by_id("step-preview"), str(failure))
        return
    steps_preview.later(session, by_id("step-preview"), step, _panel["editing"])


def _submit(event, session) -> None:
    event.preventDefault()
    try:
        step = _drafted()
    except errors.LoupeError as failure:
        steps_preview.problem(by_id("step-preview"), str(failure))
        return
    if _panel["editing"] is None:
        action = session.add_step(step)
    else:
        action = session.edit_step(_panel["editing"], step)
    session.spawn(_applied(session, action, step))


async def _applied(session, action, step) -> None:
    try:
        await action
    except errors.LoupeError as failure:
        steps_preview.problem(by_id("step-preview"), str(failure))
        count_up(by_id("steps-panel"), "data-refusals")
        return
    if step["kind"] == "filter":
        await session.change(view.without_filter(view.with_search(session.view, ""), None))
    _start("", None)
    by_id("step-kind").value = ""
    feedback.status(steps.says(step))
    count_up(by_id("steps-panel"), "data-applied")


async def _act(session, action) -> None:
    try:
        await action
    except errors.LoupeError as failure:
        feedback.error(str(failure))


def _move(session, index: int, to: int) -> None:
    session.spawn(_act(session, session.move_step(index, to)))


# --- opening, closing, undo ---------------------------------------------------------------------


def _toggle(opening: bool) -> None:
    session = _panel["session"]
    if session.view["active"] is None:
        return
    session.view = view.with_panel(session.view, "steps", opening)
    session.publish_view()
    if not opening:
        by_id("steps-toggle").focus()


async def _travel(session, back: bool) -> None:
    done = await (session.undo() if back else session.redo())
    if not done["done"]:
        feedback.status("Nothing to " + ("undo." if back else "redo."))
    count_up(document.body, "data-travels")


def _keys(event) -> None:
    """Ctrl/Cmd+Z undoes and Ctrl/Cmd+Shift+Z (or Ctrl+Y) redoes, outside text boxes (they undo their own text)."""
    if not (event.ctrlKey or event.metaKey) or event.altKey:
        return
    key = str(event.key).lower()
    if key not in ("z", "y"):
        return
    target = event.target
    tag = str(target.tagName).lower() if target else ""
    if tag in ("input", "textarea", "select") or (target and target.isContentEditable):
        return
    if window.document.querySelector(".cm-editor:focus-within"):
        return
    event.preventDefault()
    session = _panel["session"]
    session.spawn(_travel(session, not (event.shiftKey or key == "y")))
