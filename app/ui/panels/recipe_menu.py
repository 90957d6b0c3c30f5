"""Recipes as files in the Steps panel: "Save recipe" downloads the active table's steps, "Apply recipe…" reads one.

The file's format and its checks are app/core/recipe_file.py; applying adds
the recipe's steps after the table's own, as one change (one undo). A step
that does not fit (a column it needs is missing, or it fails when run) is
kept off and listed with why; the steps that fit apply. The same two actions
are ``loupe.saveRecipe(table?)`` and ``loupe.applyRecipe(text, table?)``.

    group(session)                     the buttons, the hidden file picker and the report (built once)
    save_recipe(session, table=None)   the recipe file's text
    apply_recipe(session, text, table=None)  {applied, notFitting: [{step, says, position, why}], message}
"""

from pyscript import window
from pyscript.ffi import to_js

from app.core import errors, loading, recipe, recipe_file, steps
from app.engine import wasm
from app.ui.shell import feedback
from app.ui.shell.dom import by_id, clear, count_up, el, on


async def save_recipe(session, table=None) -> str:
    """The recipe file of ``table`` (the active table when None): its steps over its source's columns."""
    name = _table(session, table)
    return recipe_file.dumps(name, await _source_columns(session, name), session.steps_of(name))


async def apply_recipe(session, text, table=None) -> dict:
    """Add the recipe in ``text`` after ``table``'s steps; the steps that do not fit are kept off and listed."""
    name = _table(session, table)
    parsed = recipe_file.loads(text)
    before = session.steps_of(name)
    if len(before) + len(parsed["steps"]) > steps.LIMIT:
        raise errors.StateError(
            "With the recipe's steps the table would have more than " + str(steps.LIMIT) + " steps."
        )
    changes = recipe_file.column_changes(parsed["columns"], await _source_columns(session, name))
    fitted = await wasm.run(
        recipe_file.apply_fitting(name, before, parsed["steps"], list(session.tables), changes["missing"]),
        session.engine,
    )
    await session.set_steps(name, fitted["steps"], refuse_failed=False)  # logged once: one undo
    applied, unfit = fitted["applied"], fitted["unfit"]
    return {
        "table": name,
        "applied": applied,
        "notFitting": unfit,
        "columns": changes,
        "message": recipe_file.summary(applied, unfit),
    }


def group(session):
    """The "Save recipe" and "Apply recipe…" buttons, the file picker they use and the report of the last apply."""
    box = el("div", None, "st-recipe", {"role": "group", "aria-label": "Recipe file"})
    save = el("button", "Save recipe", "button small", {"type": "button", "id": "recipe-save"})
    save.setAttribute("title", "Download this table's steps as a recipe file, to apply to another file")
    on(save, "click", lambda event: session.spawn(_download(session)))
    box.append(save)
    picker = el(
        "input",
        None,
        "st-recipe-file",
        {"type": "file", "id": "recipe-file", "accept": ".json,application/json", "hidden": ""},
    )
    picker.setAttribute("aria-label", "Recipe file to apply")
    on(picker, "change", lambda event: session.spawn(_picked(session, event.target)))
    box.append(picker)
    apply = el("button", "Apply recipe…", "button small", {"type": "button", "id": "recipe-apply"})
    apply.setAttribute("title", "Add the steps of a recipe file after this table's steps")
    on(apply, "click", lambda event: by_id("recipe-file").click())
    box.append(apply)
    report = el("div", None, "st-recipe-report", {"id": "recipe-report", "role": "status"})
    return box, report


def refresh(has_steps: bool) -> None:
    """Save is for a table with steps."""
    by_id("recipe-save").disabled = not has_steps


async def _download(session) -> None:
    name = _table(session, None)
    text = await save_recipe(session, name)
    blob = window.Blob.new(to_js([text]), to_js({"type": "application/json;charset=utf-8"}))
    session.engine.download(blob, recipe_file.file_name(name))
    feedback.status("Saved the recipe of " + name + " as " + recipe_file.file_name(name) + ".")


async def _picked(session, picker) -> None:
    files = picker.files
    if not files or not files.length:
        return
    chosen = files.item(0)
    picker.value = ""  # the same file can be chosen again
    report = by_id("recipe-report")
    clear(report)
    try:
        text = str(await chosen.text())
        answer = await apply_recipe(session, text)
    except errors.LoupeError as failure:
        report.setAttribute("data-state", "refused")
        report.append(el("p", "Could not apply " + str(chosen.name) + ": " + str(failure), "st-problem"))
        report.append(_dismisser(report))
        count_up(by_id("steps-panel"), "data-recipes")
        return
    _report(report, str(chosen.name), answer)
    feedback.status(answer["message"])
    count_up(by_id("steps-panel"), "data-recipes")


def _report(report, file_name: str, answer: dict) -> None:
    report.setAttribute("data-state", "partial" if answer["notFitting"] else "applied")
    report.append(el("p", "Applied " + file_name + ": " + answer["message"], "st-recipe-says"))
    if not answer["notFitting"]:
        return
    listed = el("ul", None, "st-recipe-unfit")
    for item in answer["notFitting"]:
        line = el("li", None, None)
        line.append(el("span", "Step " + str(item["position"]) + " (" + item["says"] + ")", "st-recipe-step"))
        line.append(el("span", item["why"], "st-problem"))
        listed.append(line)
    report.append(listed)
    report.append(_dismisser(report))


def _dismisser(report):
    close = el("button", "Dismiss", "button small", {"type": "button", "id": "recipe-dismiss"})
    on(close, "click", lambda event: _dismiss(report))
    return close


def _dismiss(report) -> None:
    clear(report)
    report.removeAttribute("data-state")


def _table(session, table) -> str:
    name = table or session.view.get("active")
    if not name or name not in session.tables:
        raise errors.StateError("There is no open table '" + str(name) + "' to use a recipe with; open one first.")
    return name


async def _source_columns(session, table: str) -> list:
    """The table's columns as read, before any step."""
    source = await wasm.run(recipe.source_of(table), session.engine)
    described = await wasm.run(loading.describe(source), session.engine)
    return [{"name": c["name"], "type": c["type"]} for c in described["columns"]]
