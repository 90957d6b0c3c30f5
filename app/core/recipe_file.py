"""Recipes as files: a table's steps written as JSON, read back and checked before they are applied.

A recipe file is::

    {"loupe": "recipe", "version": 1, "table": "sales",
     "columns": [{"name": "price", "type": "DOUBLE"}, ...],   # the source as read, before any step
     "steps": [{"kind": "derive", ...}, ...]}

``dumps`` writes one, ``loads`` reads one back or raises ``errors.StateError``
with what is wrong and what to do, ``column_changes`` compares the columns a
recipe was made on with a table's, and ``not_fitting`` words what kept each
step from applying (the engine's ``recipe.apply`` finds which ones).

Runs under MicroPython and CPython (see README.md).
"""

import json

from app.core import errors, recipe, steps

MARKER = "recipe"
VERSION = 1
SUFFIX = ".recipe.json"

_WHAT_TO_DO = "Choose a file Loupe saved with 'Save recipe'."


def dumps(table: str, columns: list, step_list: list) -> str:
    """The recipe file of ``table``'s ``step_list``, over a source with ``columns`` (``[{name, type}]``)."""
    recipe = {
        "loupe": MARKER,
        "version": VERSION,
        "table": table,
        "columns": [{"name": c["name"], "type": c["type"]} for c in columns if c["name"] != steps.ROW],
        "steps": step_list,
    }
    return _pretty(recipe)


def file_name(table: str) -> str:
    """``<table>.recipe.json`` (characters a file name cannot hold become ``_``)."""
    safe = "".join(["_" if ch in '/\\:*?"<>|' else ch for ch in table]) or "table"
    return safe + SUFFIX


def loads(text) -> dict:
    """``{table, columns, steps}`` of a recipe file's ``text``; StateError saying what is wrong otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise errors.StateError("The recipe file is empty. " + _WHAT_TO_DO)
    try:
        recipe = json.loads(text)
    except ValueError:
        raise errors.StateError("The recipe file is not JSON, so it is not a Loupe recipe. " + _WHAT_TO_DO)
    if not isinstance(recipe, dict) or recipe.get("loupe") != MARKER:
        raise errors.StateError('This JSON is not a Loupe recipe: it has no "loupe": "recipe" marker. ' + _WHAT_TO_DO)
    version = recipe.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise errors.StateError(
            "The recipe has no valid version (it should be a whole number such as 1). " + _WHAT_TO_DO
        )
    if version > VERSION:
        raise errors.StateError(
            "The recipe is version "
            + str(version)
            + ", made by a newer Loupe; this one reads version "
            + str(VERSION)
            + ". Reload Loupe to update it, then apply the recipe again."
        )
    listed = recipe.get("steps")
    if not isinstance(listed, list):
        raise errors.StateError('The recipe\'s "steps" must be a list of steps. ' + _WHAT_TO_DO)
    if len(listed) > steps.LIMIT:
        raise errors.StateError("The recipe has more than " + str(steps.LIMIT) + " steps, more than a table can have.")
    for index, step in enumerate(listed):
        problem = steps.shape_problem(step, "steps[" + str(index) + "]")
        if problem:
            raise errors.StateError(
                "Step "
                + str(index + 1)
                + " of the recipe cannot be read: "
                + problem
                + ". Fix it in the file, or save the recipe again from Loupe."
            )
    table = recipe.get("table")
    return {
        "table": table if isinstance(table, str) else "",
        "columns": _columns(recipe.get("columns")),
        "steps": listed,
    }


def column_changes(made_on: list, columns: list) -> dict:
    """How ``columns`` differ from the ``made_on`` columns of a recipe.

    ``{"missing": names the recipe's source had and these lack, "added": names only these have,
    "retyped": [[name, type then, type now]]}``, each in order.
    """
    have = {}
    for c in columns:
        if c["name"] != steps.ROW:
            have[c["name"]] = c["type"]
    then = {}
    for c in made_on:
        then[c["name"]] = c["type"]
    return {
        "missing": [c["name"] for c in made_on if c["name"] not in have],
        "added": [name for name in have if name not in then],
        "retyped": [
            [c["name"], c["type"], have[c["name"]]]
            for c in made_on
            if c["name"] in have and c["type"] != have[c["name"]]
        ],
    }


def apply_fitting(table: str, before: list, incoming: list, tables=None, missing=()):
    """Steps: apply ``incoming`` after ``table``'s steps ``before``, each step that does not fit kept off.

    Each round switches off the first new step that fails, so the ones after it still run.
    Returns ``{"steps": the whole list as applied, "applied": n, "unfit": [{step, says, position, why}]}``
    (``position`` counts from 1 in the whole list). ``missing``: the columns the recipe's
    source had that the table lacks (``column_changes``), for the words.
    """
    listed = [dict(s) for s in incoming]
    unfit = []
    while True:
        tried = yield from recipe.apply(table, before + listed, tables)
        failed = tried["failed"]
        if failed is None or failed < len(before):
            break
        at = failed - len(before)
        why = not_fitting(incoming[at], tried["stages"][failed]["problem"], missing)
        unfit.append({"step": incoming[at], "says": steps.says(incoming[at]), "position": failed + 1, "why": why})
        listed[at] = dict(listed[at], off=True)
    applied = len([s for s in listed if not s.get("off")])
    return {"steps": before + listed, "applied": applied, "unfit": unfit}


def not_fitting(step: dict, problem, missing: list) -> str:
    """Why ``step`` did not apply, in words: the ``missing`` column it needs, or the engine's ``problem``."""
    for name in missing:
        if problem and "no column '" + name + "'" in str(problem):
            return _needs(name)
    if not problem:
        for name in _named_columns(step):
            if name in missing:
                return _needs(name)
    return str(problem or "it could not apply")


def _needs(name: str) -> str:
    return "it needs the column '" + name + "', which this table does not have"


def summary(applied: int, unfit: list) -> str:
    """One line saying how a recipe went: ``unfit`` is ``[{step, why}]``."""
    line = _count(applied, "step") + " of the recipe applied"
    if unfit:
        line += (
            "; " + _count(len(unfit), "step") + " did not fit and " + ("is" if len(unfit) == 1 else "are") + " kept off"
        )
    return line + "."


def _named_columns(step: dict) -> list:
    """The columns a step's settings name (its column and columns fields)."""
    entry = steps.kind_of(step)
    settings = dict(entry["fields"])
    settings.update(entry.get("optional") or {})
    out = []
    for name in settings:
        if name not in step:
            continue
        if settings[name] == "column":
            out.append(step[name])
        elif settings[name] == "columns":
            out.extend(step[name])
    return out


def _pretty(recipe: dict) -> str:
    """The recipe as JSON a person can read and diff: a key a line, a column or a step a line.

    By hand: MicroPython's json.dumps has no ``indent``.
    """
    lines = []
    for key in recipe:
        value = recipe[key]
        if isinstance(value, list) and value:
            text = "[\n" + ",\n".join(["    " + json.dumps(item) for item in value]) + "\n  ]"
        else:
            text = json.dumps(value)
        lines.append("  " + json.dumps(key) + ": " + text)
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _columns(value) -> list:
    if not isinstance(value, list):
        return []
    out = []
    for c in value:
        if isinstance(c, dict) and isinstance(c.get("name"), str):
            out.append({"name": c["name"], "type": str(c.get("type") or "")})
    return out


def _count(n: int, word: str) -> str:
    return str(n) + " " + word + ("" if n == 1 else "s")
