"""Native DuckDB (CPython ``duckdb``) behind the engine interface, for tests and scripts.

It implements the ``Engine`` protocol (app/engine/protocol.py) synchronously:
``execute(sql, params)`` returns ``{"columns": [{name, type}], "rows": [[...]]}``
like the browser engine, raises ``QueryError`` with the same wording and
``errors.Cancelled`` when ``cancel()`` interrupted it, and ``run(steps)``
drives a step generator with the same turn (``app.engine.advance``) as the
browser's driver. Files are registered by writing them to a private
temporary folder.
"""

from __future__ import annotations

import tempfile
from collections.abc import Generator
from pathlib import Path
from typing import Any

import duckdb

from app.core import errors, guard
from app.engine import THROWN, advance


class NativeEngine:
    """An in-memory DuckDB database with the browser engine's interface.

    ``locked=True`` locks it as the browser's engine is (``guard.LOCK``): only
    the files registered here can be read, and no setting can change.
    """

    def __init__(self, locked: bool = False) -> None:
        self.connection = duckdb.connect(":memory:")
        self._folder = tempfile.TemporaryDirectory(prefix="loupe-")
        # The browser's engine has no ICU extension, so its times with a time zone are in UTC.
        self.connection.execute("SET TimeZone = 'UTC'")
        if locked:
            for statement in guard.lock_statements(str(Path(self._folder.name).resolve()) + "/"):
                self.connection.execute(statement)

    def execute(self, sql: str, params: list[Any] | None = None) -> dict[str, Any]:
        """Run one statement; rows come back as lists."""
        refused = guard.refusal(sql)
        if refused is not None:
            raise errors.QueryError(refused)
        try:
            cursor = self.connection.execute(sql, params or [])
            if cursor.description is None:
                return {"columns": [], "rows": []}
            rows = [list(row) for row in cursor.fetchall()]
        except duckdb.InterruptException as error:
            raise errors.Cancelled("the query was cancelled") from error
        except duckdb.Error as error:
            raise errors.query_error(str(error)) from error
        columns = [{"name": d[0], "type": str(d[1])} for d in cursor.description]
        return {"columns": columns, "rows": rows}

    def execute_background(self, sql: str, params: list[Any] | None = None) -> dict[str, Any]:
        """Like ``execute``: nothing else runs here, so background work has nothing to give way to."""
        return self.execute(sql, params)

    def background(self) -> NativeEngine:
        """This engine as seen by background work (the same engine)."""
        return self

    def execute_cancellable(self, sql: str, params: list[Any] | None = None) -> dict[str, Any]:
        """Like ``execute``; ``cancel()`` from another thread interrupts it (``errors.Cancelled``)."""
        return self.execute(sql, params)

    def run(self, steps: Generator[Any, Any, Any], cancellable: bool = False) -> Any:
        """Drive a step generator (see app/engine/__init__.py); return what it returns."""
        execute = self.execute_cancellable if cancellable else self.execute
        outcome: Any = None
        while True:
            done, value = advance(steps, outcome)
            if done:
                return value
            try:
                outcome = execute(value[0], value[1])
            except THROWN as failure:
                outcome = failure

    def begin_load(self) -> None:
        """A new load starts (nothing to reset: an interrupt ends with the statement it stopped)."""

    def cancel(self) -> None:
        """Interrupt the running statement (from another thread)."""
        self.connection.interrupt()

    def cancelled(self) -> bool:
        """False: natively a Cancel interrupts the statement itself and leaves no flag behind."""
        return False

    def forget_file(self, name: str) -> None:
        """Release a file ``register_text`` or ``register_bytes`` made (nothing else is touched)."""
        path = Path(name)
        if path.parent == Path(self._folder.name):
            path.unlink(missing_ok=True)

    def register_text(self, name: str, text: str) -> str:
        """Make ``text`` readable as a file; return the name to use in SQL."""
        return self.register_bytes(name, text.encode("utf-8"))

    def register_bytes(self, name: str, data: bytes) -> str:
        """Make ``data`` readable as a file; return the name to use in SQL."""
        path = Path(self._folder.name) / name
        path.write_bytes(data)
        return str(path)

    def close(self) -> None:
        self.connection.close()
        self._folder.cleanup()
