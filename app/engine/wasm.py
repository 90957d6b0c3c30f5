"""DuckDB-WASM behind the engine interface, on the browser's main thread (MicroPython).

The JavaScript glue (assets/js/engine.mjs, ``window.loupeEngine``) starts
DuckDB in its worker and converts Arrow results to JSON; this adapter
crosses the boundary once per statement and rewords failures through
``app.core.errors``.
"""

import json

from app.core import errors


class WasmEngine:
    """The browser engine: ``await execute(sql, params)`` -> ``{columns, rows}``."""

    def __init__(self, glue):
        self.glue = glue

    async def start(self) -> str:
        """Wait for DuckDB's worker; return DuckDB's version string."""
        return await self.glue.ready

    async def execute(self, sql: str, params=None) -> dict:
        """Run one statement with bound parameters."""
        return await _call(self.glue.query, sql, params)

    async def execute_cancellable(self, sql: str, params=None) -> dict:
        """Like ``execute``, but the glue's ``cancel()`` interrupts it."""
        return await _call(self.glue.queryCancellable, sql, params)

    async def forget_file(self, name: str) -> None:
        """Release a registered file."""
        try:
            await self.glue.dropFile(name)
        except Exception:
            pass  # already gone: nothing to release


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


async def _call(glue_query, sql: str, params) -> dict:
    try:
        text = await glue_query(sql, json.dumps(params or []))
    except Exception as error:  # a rejected JS promise
        raise errors.query_error(js_message(error))
    return json.loads(text)


def js_message(error) -> str:
    """The message of a JS error as seen from Python, without wrapper noise."""
    args = getattr(error, "args", ())
    # MicroPython's JsException carries (js_error, name, message).
    text = str(args[-1]) if len(args) == 3 else str(error)
    for noise in ("JsException: ", "Error: "):
        if text.startswith(noise):
            text = text[len(noise):]
    return text
