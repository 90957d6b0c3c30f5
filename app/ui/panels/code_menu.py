"""Export as code: the active table's source, steps, filters and sort as a program, shown to copy or download.

What the code says is the worker's (app/core/code_targets.py, printers in
CPython); this thread gathers the plan (app/core/code_plan.py: the steps
built again over the source, nothing written) and shows the answer.
``export_code`` is also ``loupe.exportCode(target, table?)``.
"""

import json

from pyscript import window
from pyscript.ffi import to_js

from app.core import code_highlight, code_names, code_plan, errors
from app.engine import wasm
from app.ui.shell import feedback, worker_link
from app.ui.shell.dom import by_id, el, on

_state = {"shown": None}


def wire(session) -> None:
    """Build the Export as code section into the Export… drawer's form."""
    drawer = by_id("export")
    body = drawer.querySelector(".export-form") if drawer is not None else None
    if body is None:
        return
    section = el("div", None, "export-code", {"role": "group", "aria-labelledby": "export-code-label"})
    section.append(el("span", "Code", "export-label", {"id": "export-code-label"}))
    for target in code_names.names():
        button = el("button", code_names.short_label(target), "button small", {"type": "button", "data-code": target})
        on(button, "click", _shower(session, target))
        section.append(button)
    body.append(section)
    shown = el("div", None, "code-shown", {"id": "code-shown", "hidden": ""})
    bar = el("div", None, "code-bar")
    bar.append(el("span", "", "meta", {"id": "code-title"}))
    copy = el("button", "Copy", "button small", {"type": "button", "id": "code-copy"})
    on(copy, "click", lambda event: session.spawn(_copy()))
    save = el("button", "Download", "button small", {"type": "button", "id": "code-download"})
    on(save, "click", lambda event: _download(session))
    bar.append(copy)
    bar.append(save)
    shown.append(bar)
    shown.append(el("pre", "", "code-text", {"id": "code-text", "tabindex": "0", "aria-labelledby": "code-title"}))
    body.append(shown)


async def export_code(session, target, table=None) -> dict:
    """``{target, label, code, file_name, language}``: the code of ``target`` for ``table`` (default: the one shown)."""
    table = table or session.view.get("active")
    if not table or table not in session.tables:
        raise errors.ExportError("There is no table '" + str(table) + "' to export as code; open one first.")
    failed = (session.recipes.get(table) or {}).get("failed")
    others = [name for name in session.tables if name != table]
    plan = await wasm.run(code_plan.gather(session.view, table, others, failed), session.engine)
    worker = await worker_link.ready()
    if worker is None:
        raise errors.ExportError("Code is written by Python, which could not start in this browser.")
    answer = json.loads(str(await worker.export_code(json.dumps(plan), str(target))))
    if answer.get("error"):
        raise errors.ExportError(answer["error"])
    return answer


async def show(session, target: str) -> None:
    """Show ``target``'s code for the table on screen, ready to copy or download."""
    by_id("code-title").textContent = "Writing the code…"
    by_id("code-shown").removeAttribute("hidden")
    answer = await export_code(session, target)
    _state["shown"] = answer
    by_id("code-title").textContent = answer["label"] + " · " + answer["file_name"]
    by_id("code-text").innerHTML = code_highlight.html(answer["code"], answer["language"])  # escaped there
    by_id("code-text").setAttribute("data-language", answer["language"])
    feedback.status("The code of " + str(session.view.get("active")) + " as " + answer["label"] + " is below.")


def _shower(session, target: str):
    def handler(event):
        feedback.dismiss()
        session.spawn(show(session, target))

    return handler


async def _copy() -> None:
    answer = _state["shown"]
    if answer is None:
        return
    try:
        await window.navigator.clipboard.writeText(answer["code"])
    except Exception as failure:
        raise errors.ExportError(
            "The browser did not let Loupe use the clipboard (" + str(failure) + "); use Download."
        )
    feedback.status("Copied " + answer["file_name"] + ".")


def _download(session) -> None:
    answer = _state["shown"]
    if answer is None:
        return
    blob = window.Blob.new(to_js([answer["code"]]), to_js({"type": "text/plain;charset=utf-8"}))
    session.engine.download(blob, answer["file_name"])
