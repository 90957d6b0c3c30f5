"""``window.loupe``: the behaviour behind the public API's JavaScript shell.

assets/js/loupe.mjs defines ``window.loupe`` and turns each call into
``handler(args..., resolve, reject)``; these handlers run the session's
action and settle the promise with JSON or with a message a person can act on.
"""

import asyncio
import json

from pyscript import window
from pyscript.ffi import create_proxy

from app.core import errors, guard, share
from app.ui.opening import sharing
from app.ui.panels import code_menu, recipe_menu, workspace_panel


def attach(api, session) -> None:
    """Give ``window.loupe`` its handlers; queued calls start running now."""
    handlers = window.Object.new()
    handlers.open = create_proxy(_settled(lambda source, options: session.open(_source(source), _options(options))))
    handlers.query = create_proxy(_settled(session.query))
    handlers.setTableState = create_proxy(
        _settled(lambda table, state: session.set_table_state(str(table), _state(state)))
    )
    handlers.setView = create_proxy(_settled(lambda state: sharing.restore(session, _view(state))))
    handlers.queryFromPage = create_proxy(_settled(lambda text: _query_from_page(session, str(text))))
    handlers.setViewFromPage = create_proxy(
        _settled(lambda state: sharing.restore(session, _view(state), sharing.FROM_PAGE))
    )
    handlers.steps = create_proxy(_settled(lambda table: _report(session, str(table or ""))))
    handlers.addStep = create_proxy(_settled(lambda step, table: session.add_step(_json(step, "step"), _name(table))))
    handlers.setSteps = create_proxy(
        _settled(
            lambda table, listed: session.set_steps(_name(table) or session.view["active"], _json(listed, "steps"))
        )
    )
    handlers.previewStep = create_proxy(
        _settled(lambda step, table: session.preview_step(_json(step, "step"), _name(table)))
    )
    handlers.undo = create_proxy(_settled(session.undo))
    handlers.redo = create_proxy(_settled(session.redo))
    handlers.exportCode = create_proxy(
        _settled(lambda target, table: code_menu.export_code(session, str(target or ""), _name(table)))
    )
    handlers.saveRecipe = create_proxy(_settled(lambda table: recipe_menu.save_recipe(session, _name(table))))
    handlers.applyRecipe = create_proxy(
        _settled(lambda text, table: recipe_menu.apply_recipe(session, str(text), _name(table)))
    )
    handlers.workspace = create_proxy(_settled(lambda: _now(workspace_panel.report(session))))
    handlers.workspaces = create_proxy(_settled(lambda: workspace_panel.listed(session)))
    handlers.saveWorkspace = create_proxy(_settled(lambda: _saved(session)))
    handlers.forget = create_proxy(_settled(lambda: workspace_panel.forget(session)))
    handlers.link = create_proxy(_settled(lambda: sharing.link(session)))
    handlers.followLink = create_proxy(_settled(lambda: sharing.from_link(session)))
    api._attach(handlers)


async def _now(value):
    return value


async def _saved(session) -> dict:
    """loupe.saveWorkspace(): the view saved now (tests and embedders wait on it); the workspace's report."""
    if session.keeper is not None:
        await session.keeper.save()
    return workspace_panel.report(session)


async def _report(session, table: str) -> dict:
    return session.steps_report(table or None)


def _name(table):
    text = str(table or "")
    return text or None


def _json(text, what: str):
    """A step (or a list of steps) sent as JSON; a message that names what is wrong otherwise."""
    try:
        return json.loads(str(text))
    except ValueError:
        raise errors.QueryError(what + " must be JSON: an object such as {kind: 'derive', name, expression}.")


def _settled(action):
    def handler(*args):
        resolve, reject = args[-2], args[-1]
        asyncio.create_task(_run(action, args[:-2], resolve, reject))

    return handler


async def _run(action, args, resolve, reject) -> None:
    try:
        result = await action(*args)
    except errors.LoupeError as failure:
        reject(str(failure))
        return
    except Exception as failure:
        reject(errors.unexpected(failure))
        return
    resolve(json.dumps(result))


async def _query_from_page(session, text: str) -> dict:
    """loupe:query from the page around a framed Loupe: reading SQL only (app/core/guard.py)."""
    refused = guard.not_reading(text)
    if refused:
        raise errors.QueryError(guard.NOT_READING_MESSAGE + _excerpt(refused[0]))
    return await session.query(text)


def _excerpt(statement: str) -> str:
    line = " ".join(statement.split())
    return line if len(line) <= 80 else line[:79] + "…"


def _options(options_json) -> dict:
    """loupe.open()'s options object (``{table}`` names the new table)."""
    options = json.loads(str(options_json or "{}"))
    if not isinstance(options, dict):
        raise errors.OpenError("loupe.open()'s options must be an object such as {table: 'sales'}.")
    return options


def _state(state_json) -> dict:
    """loupe.setTableState()'s state object."""
    try:
        state = json.loads(str(state_json or "{}"))
    except ValueError:
        state = None
    if not isinstance(state, dict):
        raise errors.StateError("loupe.setTableState()'s state must be an object such as {sort: [['x', 'desc']]}.")
    return state


def _view(state_json) -> dict:
    """loupe.setView()'s state, vetted like a share link's."""
    text = str(state_json or "null")
    if text == "null":
        raise errors.StateError("loupe.setView() needs a view state, such as the one loupe.view() returns.")
    return share.checked(text)


def _source(source) -> dict:
    """The JS source descriptor as a dict; the File object stays a JS proxy."""
    kind = str(source.kind)
    out = {"kind": kind, "what": str(source.what) if source.what else None}
    if kind == "text":
        out["name"] = str(source.name or "pasted.csv")
        out["text"] = source.text if isinstance(source.text, str) else None  # the first characters
        out["file"] = source.file  # the whole text as a Blob
    elif kind == "url":
        out["url"] = str(source.url)
    elif kind == "file":
        out["name"] = str(source.name or "data.csv")
        out["file"] = source.file
    return out
