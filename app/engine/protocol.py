"""The ``Engine`` protocol: everything Loupe asks of DuckDB, written down once.

Two adapters implement it: ``NativeEngine`` (app/engine/native.py, CPython
``duckdb``, for tests and scripts) and ``WasmEngine`` (app/engine/wasm.py,
DuckDB-WASM on the browser's main thread). Core logic never calls DuckDB
itself: it is written as step generators (``yield (sql, params)`` per
statement, see app/engine/__init__.py) that ``run`` drives, so the same
generator runs against either adapter.

The browser adapter's methods that touch the engine are coroutines (``await
engine.execute(...)``); the native adapter's return at once. Each contract
below is the same otherwise. tests/unit/test_engine_protocol.py checks that
both adapters have every method here.

Errors, the same from both:
    errors.QueryError   DuckDB rejected the statement (worded by app.core.errors)
    errors.Cancelled    ``cancel()`` stopped it; nothing it would have made is kept

This module is documentation and typing for CPython (mypy, tests); it is not
loaded on the main thread (mpy.toml), so ``typing`` here costs MicroPython
nothing.
"""

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class Engine(Protocol):
    """What core logic needs of an engine (both adapters)."""

    def execute(self, sql: str, params: list[Any] | None = None) -> Any:
        """Run one statement with bound parameters -> ``{"columns": [{name, type}], "rows": [[...]]}``.

        Values only ever arrive as ``params``; a statement ``guard.refusal``
        refuses raises ``QueryError`` without reaching DuckDB. In the browser
        statements take turns on DuckDB's one connection, the person's first.
        """

    def execute_background(self, sql: str, params: list[Any] | None = None) -> Any:
        """Like ``execute``, for background work: it starts only when no foreground statement waits."""

    def background(self) -> Any:
        """This engine as background work sees it: an object whose ``execute`` is ``execute_background``."""

    def execute_cancellable(self, sql: str, params: list[Any] | None = None) -> Any:
        """Like ``execute``, but ``cancel()`` interrupts it: it then raises ``errors.Cancelled``."""

    def run(self, steps: Any, cancellable: bool = False) -> Any:
        """Drive the step generator ``steps``; return what it returns.

        Each ``yield (sql, params)`` runs through ``execute`` (or
        ``execute_cancellable`` when ``cancellable``) and the result is sent
        back; a ``QueryError`` or ``Cancelled`` is raised at the ``yield``, so
        the generator may catch the first and lets the second pass.
        """

    def begin_load(self) -> None:
        """A load or script starts: a Cancel pressed before it no longer applies."""

    def cancel(self) -> None:
        """Stop the running load, cancellable statement or export; its caller gets ``errors.Cancelled``."""

    def cancelled(self) -> bool:
        """True when Cancel was pressed since the load or script began (for work the engine does not run)."""

    def forget_file(self, name: str) -> Any:
        """Release the registered file ``name`` (nothing happens when it is gone already)."""


@runtime_checkable
class BrowserEngine(Engine, Protocol):
    """What the page (app/ui) needs besides: sources as Blobs, inserts, exports. ``WasmEngine`` only.

    Blobs, workers and callbacks stay JavaScript objects; only sizes, names
    and JSON-shaped answers cross into Python. A browser primitive that fails
    raises ``wasm.GlueError`` with the browser's own message, for the loader
    to word (app/core/load_plan.py).
    """

    async def start(self) -> str:
        """Wait until DuckDB is up and locked (app/core/guard.py); return its version."""

    def text_blob(self, text: str) -> Any:
        """``text`` as a Blob, to be read like a file."""

    async def fetch_blob(self, url: str, on_progress: Any) -> dict[str, Any]:
        """Download ``url`` -> ``{ok, status, status_text, blob}``; a network or CORS failure is status 0.

        ``on_progress(loaded, total)`` as bytes arrive; an outside address is
        recorded for ``contacted()``.
        """

    async def head(self, blob: Any, count: int, gzip: bool) -> bytes:
        """The first ``count`` bytes of ``blob`` (gunzipped first when ``gzip``)."""

    async def register_blob(self, name: str, blob: Any, gzip: bool, encoding: Any, newlines: bool = False) -> None:
        """Make ``blob`` readable as file ``name``: in place, or first gunzipped, re-encoded from
        ``encoding`` to UTF-8 and with every line ending LF (``newlines``)."""

    async def register_json_lines(self, name: str, blob: Any, gzip: bool, encoding: Any) -> None:
        """Make JSON Lines ``blob`` readable as file ``name``, as one JSON array."""

    async def insert_json(self, table: str, file_name: str) -> None:
        """Create ``table`` from the JSON array of objects in ``file_name`` (on its turn, like a statement)."""

    async def json_problem(self, blob: Any, gzip: bool, encoding: Any, lines: bool) -> str:
        """Why ``blob`` is not valid JSON (JSON Lines when ``lines``), in the browser's words; "" if it is."""

    async def insert_parquet(self, table: str, blob: Any, on_group: Any) -> int:
        """Stream Parquet ``blob`` into a new ``table`` a batch at a time; return its rows.

        Each batch's insert takes its turn like a statement, so other
        statements (the first rows shown) run between two batches;
        ``on_group(rows, total)`` after each.
        """

    def prewarm_parquet(self) -> None:
        """Start the Parquet reader's worker now, so the next Parquet file does not wait for it."""

    async def array_buffer(self, blob: Any) -> Any:
        """The bytes of ``blob`` as an ArrayBuffer, for the Python worker."""

    async def worker_file(self, target: Any, method: str, mime: str) -> tuple[Any, list[Any]]:
        """``(blob, notes)``: the file the Python worker's ``target[method]()`` returns."""

    async def export_copy(self, plan: dict[str, Any], mime: str, on_progress: Any) -> tuple[Any, int]:
        """``(blob, rows)``: the file a ``COPY`` plan (``export.copy_plan``) writes, on a connection of its own."""

    async def export_json(self, sql: str, params: list[Any], on_progress: Any) -> tuple[Any, int]:
        """``(blob, rows)``: the rows of ``sql`` as a JSON array of objects."""

    async def export_parquet(self, sql: str, params: list[Any], on_progress: Any) -> tuple[Any, int]:
        """``(blob, rows)``: the rows of ``sql`` as a Parquet file."""

    async def keep_parquet(self, sql: str, params: list[Any]) -> Any:
        """Start writing ``sql``'s rows as Parquet (a workspace's copy); the job, once its query runs."""

    async def kept(self, job: Any) -> tuple[Any, int]:
        """``(blob, rows)`` of a ``keep_parquet`` job, once written."""

    async def export_rows(self, sql: str, params: list[Any], target: Any, method: str, on_progress: Any) -> int:
        """Hand the rows of ``sql`` in chunks to ``target[method](json)``; return how many."""

    def download(self, blob: Any, name: str) -> None:
        """Hand ``blob`` to the browser as a download called ``name``."""

    def contacted(self) -> list[str]:
        """The outside addresses fetched for the person so far (the privacy indicator)."""


def methods(protocol: type) -> list[str]:
    """The names of the methods ``protocol`` itself declares (not those it inherits)."""
    return [name for name, value in vars(protocol).items() if not name.startswith("_") and callable(value)]
