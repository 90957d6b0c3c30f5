"""DuckDB-WASM behind the engine interface, on the browser's main thread (MicroPython).

The JavaScript glue (assets/js/engine.mjs, ``window.loupeEngine``) starts
DuckDB in its worker and converts Arrow results to JSON; this adapter
crosses the boundary once per statement and rewords failures through
``app.core.errors``.
"""

import asyncio
import json

from app.core import errors, guard


class WasmEngine:
    """The browser engine: ``await execute(sql, params)`` -> ``{columns, rows}``."""

    def __init__(self, glue):
        self.glue = glue
        _checks["glue"] = glue

    async def start(self) -> str:
        """Wait for DuckDB's worker; return DuckDB's version string."""
        return await self.glue.ready

    async def execute(self, sql: str, params=None) -> dict:
        """Run one statement with bound parameters."""
        return await _call(self.glue.query, sql, params)

    async def execute_background(self, sql: str, params=None) -> dict:
        """Like ``execute``, but only when no foreground statement waits (see ``_Gate``)."""
        return await _call(self.glue.query, sql, params, background=True)

    def background(self):
        """This engine as seen by background work: ``execute`` yields to the person's statements."""
        return _Background(self)

    async def execute_cancellable(self, sql: str, params=None) -> dict:
        """Like ``execute``, but the glue's ``cancel()`` interrupts it."""
        return await _call(self.glue.queryCancellable, sql, params)

    # Exports (see app/core/export.py): each resolves to ``(blob, rows)``; the
    # Blob stays in JavaScript. ``on_progress(rows)`` must be a JS proxy. They
    # run on a connection of their own, so they do not take turns at _gate:
    # the grid keeps working while a long export streams.

    async def export_copy(self, plan: dict, mime: str, on_progress) -> tuple:
        """Run a plan of ``COPY ... TO`` statements (``export.copy_plan``); the parts make one file."""
        return _written(await _settled(self.glue.exportCopy, json.dumps(plan), mime, on_progress))

    async def export_json(self, sql: str, params, on_progress) -> tuple:
        """The rows of ``sql`` as a JSON array of objects."""
        return _written(await _settled(self.glue.exportJson, sql, json.dumps(params or []), on_progress))

    async def export_parquet(self, sql: str, params, on_progress) -> tuple:
        """The rows of ``sql`` as a Parquet file (written in the Parquet worker)."""
        return _written(await _settled(self.glue.exportParquet, sql, json.dumps(params or []), on_progress))

    async def export_rows(self, sql: str, params, target, method: str, on_progress) -> int:
        """Hand the rows of ``sql`` in chunks to ``target[method](json)`` (a JS function); return how many."""
        return int(await _settled(self.glue.exportRows, sql, json.dumps(params or []), target, method, on_progress))

    def begin_load(self) -> None:
        """A new load or script starts: a Cancel pressed before this no longer applies."""
        self.glue.beginLoad()

    def cancel(self) -> None:
        """Stop the running load, cancellable query or export (its caller gets ``errors.Cancelled``)."""
        self.glue.cancel()

    def download(self, blob, name: str) -> None:
        """Hand ``blob`` (a JS Blob) to the browser as a download called ``name``."""
        self.glue.download(blob, name)

    def contacted(self) -> list:
        """The outside addresses Loupe's loader fetched so far (for the privacy indicator)."""
        return json.loads(str(self.glue.contacted()))

    async def forget_file(self, name: str) -> None:
        """Release a registered file."""
        try:
            await self.glue.dropFile(name)
        except Exception:
            pass  # already gone: nothing to release


class _Background:
    """An engine whose ``execute`` is ``execute_background`` (for step generators)."""

    def __init__(self, engine):
        self.execute = engine.execute_background


async def run(steps, engine, cancellable=False):
    """Drive a step generator (see app.core.catalog) with the async engine."""
    execute = engine.execute_cancellable if cancellable else engine.execute
    result = None
    error = None
    while True:
        try:
            request = steps.throw(error) if error is not None else steps.send(result)
        except StopIteration as stop:
            return stop.value
        error = None
        try:
            result = await execute(request[0], request[1])
        except errors.QueryError as failure:
            error = failure


async def _call(glue_query, sql: str, params, background=False) -> dict:
    refused = guard.refusal(sql)
    if refused is not None:
        raise errors.QueryError(refused)
    return json.loads(await _glue(glue_query, sql, json.dumps(params or []), background=background))


async def _glue(function, *args, background=False):
    """Await a glue function on its turn (see ``_Gate``)."""
    await _gate.enter(background)
    try:
        return await _settled(function, *args)
    finally:
        _gate.leave()


async def _settled(function, *args):
    """Await a glue function; a rejection becomes a QueryError worded for a person.

    After a WebAssembly failure (a trap) the engine is asked whether it still
    answers, and the message says which.
    """
    try:
        return await function(*args)
    except Exception as error:  # a rejected JS promise
        message = js_message(error)
        failure = errors.query_error(message)
    if errors.is_trap(message) and _checks["glue"] is not None:
        alive = bool(await _checks["glue"].answers(CHECK_MS))
        failure = errors.QueryError(str(failure) + " " + errors.after_trap(alive))
    raise failure


CHECK_MS = 5000
_checks = {"glue": None}  # the engine's glue, to check it after a trap


class _Gate:
    """One statement at a time on DuckDB's one connection, the person's first.

    A streamed (cancellable) result is invalidated by any other statement on
    the same connection, and DuckDB runs one statement at a time anyway; so
    callers take turns here. Background work (profiles, storing a view's
    order) only starts when no foreground statement is waiting.
    """

    def __init__(self):
        self.busy = False
        self.waiting = 0  # foreground callers waiting for their turn

    async def enter(self, background: bool) -> None:
        if background:
            while self.busy or self.waiting:
                await asyncio.sleep(0.01)
        else:
            self.waiting += 1
            try:
                while self.busy:
                    await asyncio.sleep(0.002)
            finally:
                self.waiting -= 1
        self.busy = True

    def leave(self) -> None:
        self.busy = False


_gate = _Gate()


def _written(result) -> tuple:
    return result.blob, int(result.rows)


def js_message(error) -> str:
    """The message of a JS error as seen from Python, without wrapper noise."""
    args = getattr(error, "args", ())
    # MicroPython's JsException carries (js_error, name, message).
    text = str(args[-1]) if len(args) == 3 else str(error)
    for noise in ("JsException: ", "Error: "):
        if text.startswith(noise):
            text = text[len(noise) :]
    return text
