"""DuckDB-WASM behind the engine interface, on the browser's main thread (MicroPython).

The JavaScript glue (assets/js/engine.mjs, ``window.loupeEngine``) starts
DuckDB in its worker, reads and decodes sources and converts Arrow results
to JSON; this adapter is the only Python that calls it (app/engine/protocol.py
lists what it offers). It crosses the boundary once per statement, lets
statements take turns on DuckDB's one connection (``_Gate``), and turns what
the glue rejects with into one of three errors, decided here once:

- ``errors.Cancelled``: the glue's error is named "Cancelled" (assets/js/cancel.mjs);
- ``errors.QueryError``: a statement failed, worded through ``app.core.errors``;
- ``GlueError``: a browser primitive (gunzip, decode, Parquet) failed; its
  text is the browser's, for the loader to word (app/core/load_plan.py).
"""

import asyncio
import json

from app.core import errors, guard
from app.engine import THROWN, advance

CANCELLED = "Cancelled"  # the name of the glue's error for a step Cancel stopped


class GlueError(Exception):
    """A browser primitive failed; ``str(error)`` is the browser's message, not yet worded for a person."""


class WasmEngine:
    """The browser engine: ``await execute(sql, params)`` -> ``{columns, rows}``."""

    def __init__(self, glue):
        self.glue = glue
        self._gate = _Gate()
        _checks["glue"] = glue

    async def start(self) -> str:
        """Wait for DuckDB's worker; return DuckDB's version string."""
        return await self.glue.ready

    # --- statements, on their turn at the gate -------------------------------

    async def execute(self, sql: str, params=None) -> dict:
        """Run one statement with bound parameters."""
        return await self._call(self.glue.query, sql, params, False)

    async def execute_background(self, sql: str, params=None) -> dict:
        """Like ``execute``, but only when no foreground statement waits (see ``_Gate``)."""
        return await self._call(self.glue.query, sql, params, True)

    def background(self):
        """This engine as seen by background work: ``execute`` yields to the person's statements."""
        return _Background(self)

    async def execute_cancellable(self, sql: str, params=None) -> dict:
        """Like ``execute``, but ``cancel()`` interrupts it (raising ``errors.Cancelled``)."""
        return await self._call(self.glue.queryCancellable, sql, params, False)

    async def run(self, steps, cancellable: bool = False):
        """Drive a step generator (see app/engine/__init__.py); return what it returns."""
        return await run(steps, self, cancellable)

    # --- loading (assets/js/loading.mjs) ---------------------------------------

    def begin_load(self) -> None:
        """A new load or script starts: a Cancel pressed before this no longer applies."""
        self.glue.beginLoad()

    def cancel(self) -> None:
        """Stop the running load, cancellable query or export (its caller gets ``errors.Cancelled``)."""
        self.glue.cancel()

    def cancelled(self) -> bool:
        """True when Cancel was pressed since the load or script began (for work the engine does not run)."""
        return bool(self.glue.isCancelled())

    def text_blob(self, text: str):
        """``text`` as a JS Blob, to be read like a file."""
        return self.glue.textBlob(text)

    async def fetch_blob(self, url: str, on_progress) -> dict:
        """Download ``url``: ``{ok, status, status_text, blob}``; ``on_progress(loaded, total)`` as bytes arrive.

        A network or CORS failure is ``status`` 0, not an exception.
        """
        from pyscript.ffi import create_proxy

        fetched = await _browser(self.glue.fetchBlob, url, _kept(create_proxy(on_progress)))
        ok = bool(fetched.ok)
        return {
            "ok": ok,
            "status": fetched.status,
            "status_text": fetched.statusText,
            "blob": fetched.blob if ok else None,  # a failed download has none
        }

    async def head(self, blob, count: int, gzip: bool) -> bytes:
        """The first ``count`` bytes of ``blob``, gunzipped first when ``gzip``."""
        return bytes(json.loads(await _browser(self.glue.head, blob, count, gzip)))

    async def register_blob(self, name: str, blob, gzip: bool, encoding, newlines: bool = False) -> None:
        """Make ``blob`` readable as file ``name``: in place, or gunzipped, re-encoded from ``encoding``
        and with one line ending (``newlines``) first."""
        await _browser(self.glue.registerBlob, name, blob, gzip, encoding, newlines)

    async def register_json_lines(self, name: str, blob, gzip: bool, encoding) -> None:
        """Make JSON Lines ``blob`` readable as file ``name``, one JSON array of its lines."""
        await _browser(self.glue.registerJsonLines, name, blob, gzip, encoding)

    async def insert_json(self, table: str, file_name: str) -> None:
        """Create ``table`` from the JSON array in ``file_name``, on its turn at the gate."""
        await self._gate.enter(False)
        try:
            await _browser(self.glue.insertJson, table, file_name)
        finally:
            self._gate.leave()

    async def json_problem(self, blob, gzip: bool, encoding, lines: bool) -> str:
        """Why ``blob`` is not valid JSON (or JSON Lines), in the browser's words; "" if it is."""
        return str(await _browser(self.glue.jsonProblem, blob, gzip, encoding, lines))

    async def insert_parquet(self, table: str, blob, on_group) -> int:
        """Stream Parquet ``blob`` into a new ``table``, a batch of row groups at a time; return its rows.

        The batches are decoded in a worker; each insert takes its turn at the
        gate, so the first rows can be shown between two of them.
        ``on_group(rows, total)`` after each batch.
        """
        reader = await _browser(self.glue.openParquet, blob)
        rows = 0
        try:
            while True:
                count = int(await _browser(reader.next))
                if not count:
                    break
                await self._gate.enter(False)
                try:
                    await _browser(reader.insert, table, rows == 0)
                finally:
                    self._gate.leave()
                rows += count
                on_group(rows, int(reader.rows))
        finally:
            reader.close()
        if not rows:
            raise GlueError("the file has no rows to read")
        return rows

    def prewarm_parquet(self) -> None:
        """Start the Parquet worker now, so the next Parquet file does not wait for it."""
        self.glue.prewarmParquet()

    async def array_buffer(self, blob):
        """The bytes of ``blob`` as a JS ArrayBuffer (for the Python worker; never read here)."""
        return await _browser(self.glue.arrayBuffer, blob)

    async def forget_file(self, name: str) -> None:
        """Release a registered file."""
        try:
            await self.glue.dropFile(name)
        except Exception:
            pass  # already gone: nothing to release

    # --- exports (assets/js/export.mjs) -----------------------------------------
    # Each resolves to ``(blob, rows)``; the Blob stays in JavaScript.
    # ``on_progress(rows)`` must be a JS proxy. They run on a connection of
    # their own, so they do not take turns at the gate: the grid keeps working
    # while a long export streams.

    async def export_copy(self, plan: dict, mime: str, on_progress) -> tuple:
        """Run a plan of ``COPY ... TO`` statements (``export.copy_plan``); the parts make one file."""
        return _written(await _settled(self.glue.exportCopy, json.dumps(plan), mime, on_progress))

    async def export_json(self, sql: str, params, on_progress) -> tuple:
        """The rows of ``sql`` as a JSON array of objects."""
        return _written(await _settled(self.glue.exportJson, sql, json.dumps(params or []), on_progress))

    async def export_parquet(self, sql: str, params, on_progress) -> tuple:
        """The rows of ``sql`` as a Parquet file (written in the Parquet worker)."""
        return _written(await _settled(self.glue.exportParquet, sql, json.dumps(params or []), on_progress))

    async def keep_parquet(self, sql: str, params):
        """Start writing the rows of ``sql`` as Parquet for a workspace; return the job once its query runs.

        Statements sent after this returns cannot change what the job reads.
        ``await engine.kept(job)`` gives ``(blob, rows)``. Cancel does not stop it.
        """
        job = self.glue.keepParquet(sql, json.dumps(params or []))
        await job.started
        return job

    async def kept(self, job) -> tuple:
        """``(blob, rows)`` of a ``keep_parquet`` job, once it is written."""
        return _written(await _settled(lambda: job.done))

    async def export_rows(self, sql: str, params, target, method: str, on_progress) -> int:
        """Hand the rows of ``sql`` in chunks to ``target[method](json)`` (a JS function); return how many."""
        return int(await _settled(self.glue.exportRows, sql, json.dumps(params or []), target, method, on_progress))

    async def worker_file(self, target, method: str, mime: str) -> tuple:
        """``(blob, notes)``: the file the Python worker's ``target[method]()`` returns, as a Blob of ``mime``.

        ``notes``: what the worker said about it (a JSON list, or nothing).
        """
        written = await _browser(self.glue.workerFile, target, method, mime)
        notes = str(written.notes or "")
        return written.blob, json.loads(notes) if notes else []

    def download(self, blob, name: str) -> None:
        """Hand ``blob`` (a JS Blob) to the browser as a download called ``name``."""
        self.glue.download(blob, name)

    def contacted(self) -> list:
        """The outside addresses Loupe's loader fetched so far (for the privacy indicator)."""
        return json.loads(str(self.glue.contacted()))

    # --- helpers ----------------------------------------------------------------

    async def _call(self, glue_query, sql: str, params, background: bool) -> dict:
        refused = guard.refusal(sql)
        if refused is not None:
            raise errors.QueryError(refused)
        await self._gate.enter(background)
        try:
            answer = await _settled(glue_query, sql, json.dumps(params or []))
        finally:
            self._gate.leave()
        return json.loads(answer)


class _Background:
    """An engine whose ``execute`` is ``execute_background`` (for step generators)."""

    def __init__(self, engine):
        self.execute = engine.execute_background


async def run(steps, engine, cancellable=False):
    """Drive a step generator (see app/engine/__init__.py) with the async ``engine``."""
    execute = engine.execute_cancellable if cancellable else engine.execute
    outcome = None
    while True:
        done, value = advance(steps, outcome)
        if done:
            return value
        try:
            outcome = await execute(value[0], value[1])
        except THROWN as failure:
            outcome = failure


async def _settled(function, *args):
    """Await a glue function; a rejection becomes ``errors.Cancelled`` or a QueryError worded for a person.

    After a WebAssembly failure (a trap) the engine is asked whether it still
    answers, and the message says which.
    """
    try:
        return await function(*args)
    except Exception as error:  # a rejected JS promise
        if js_name(error) == CANCELLED:
            raise errors.Cancelled(js_message(error))
        message = js_message(error)
        failure = errors.query_error(message)
    if errors.is_trap(message) and _checks["glue"] is not None:
        alive = bool(await _checks["glue"].answers(CHECK_MS))
        failure = errors.QueryError(str(failure) + " " + errors.after_trap(alive))
    raise failure


async def _browser(function, *args):
    """Await a glue primitive; a rejection becomes ``errors.Cancelled`` or a ``GlueError``."""
    try:
        return await function(*args)
    except Exception as error:  # a rejected JS promise
        if js_name(error) == CANCELLED:
            raise errors.Cancelled(js_message(error))
        raise GlueError(js_message(error))


CHECK_MS = 5000
_checks = {"glue": None}  # the engine's glue, to check it after a trap
_proxies = []  # the latest progress callback, kept alive while JavaScript may call it


def _kept(proxy):
    _proxies[:] = [proxy]
    return proxy


class _Gate:
    """One statement at a time on DuckDB's one connection, the person's first.

    A streamed (cancellable) result is invalidated by any other statement on
    the same connection, and DuckDB runs one statement at a time anyway; so
    callers take turns here. Background work (profiles, storing a view's
    order) only starts when no foreground statement is waiting: it waits for
    ``_clear`` (no foreground caller waiting), and if one arrived while it
    queued for the lock, it lets that one go first.
    """

    def __init__(self):
        self._lock = asyncio.Lock()
        self._clear = asyncio.Event()
        self._clear.set()
        self._waiting = 0  # foreground callers waiting for their turn

    async def enter(self, background: bool) -> None:
        if not background:
            self._waiting += 1
            self._clear.clear()
            try:
                await self._lock.acquire()
            finally:
                self._waiting -= 1
                if not self._waiting:
                    self._clear.set()
            return
        while True:
            await self._clear.wait()
            await self._lock.acquire()
            if not self._waiting:
                return
            self._lock.release()  # a foreground caller queued meanwhile: it goes first

    def leave(self) -> None:
        self._lock.release()


def _written(result) -> tuple:
    return result.blob, int(result.rows)


def js_name(error) -> str:
    """The ``name`` of a JS error as seen from Python ("Cancelled", "TypeError", ...)."""
    args = getattr(error, "args", ())
    # MicroPython's JsException carries (js_error, name, message).
    if len(args) == 3:
        return str(args[1])
    return str(getattr(error, "name", ""))


def js_message(error) -> str:
    """The message of a JS error as seen from Python, without wrapper noise."""
    args = getattr(error, "args", ())
    # MicroPython's JsException carries (js_error, name, message).
    text = str(args[-1]) if len(args) == 3 else str(error)
    for noise in ("JsException: ", "Error: "):
        if text.startswith(noise):
            text = text[len(noise) :]
    return text
