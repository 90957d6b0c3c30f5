"""Native DuckDB (CPython ``duckdb``) behind the engine interface, for tests and scripts.

``execute(sql, params)`` returns ``{"columns": [{name, type}], "rows": [[...]]}``
like the browser engine, and raises ``QueryError`` with the same wording.
Files are registered by writing them to a private temporary folder.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import duckdb

from app.core import errors, guard


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
        except duckdb.Error as error:
            raise errors.query_error(str(error)) from error
        columns = [{"name": d[0], "type": str(d[1])} for d in cursor.description]
        return {"columns": columns, "rows": rows}

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
