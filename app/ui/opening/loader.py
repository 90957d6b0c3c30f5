"""Opening a source: bytes in, tables out, with progress, cancel and clear errors.

    acquire (text | URL | File) -> Blob
    -> first bytes (gunzipped) -> app.core.load_plan.choose -> a reader per format
    -> tables described by app.core.loading

Readers by format: CSV, JSON and JSON Lines by DuckDB-WASM, Parquet by
parquet-wasm in a worker streaming row groups into DuckDB, Excel and SQLite
by CPython in the Pyodide worker. Every decision (which reader, when to
retry, what to say) is app/core/load_plan.py's; here are the engine calls
(all through app.engine.wasm) and what the screen shows meanwhile. A failure
anywhere drops what this load registered and leaves every table already open
untouched; a Cancel raises ``errors.Cancelled``.
"""

import json

from app.core import errors, file_kinds, load_plan, loading, naming, sql
from app.engine import wasm
from app.ui.shell import feedback, progress, worker_link


class Load:
    """One source being opened; ``await run()`` returns the new tables' infos."""

    def __init__(self, session, source: dict, options: dict):
        self.session = session
        self.engine = session.engine
        self.source = source
        self.options = options or {}
        self.files = []  # virtual files registered by this load
        self.newlines = False  # True once its line endings were made the same to read it

    async def run(self) -> list:
        self.engine.begin_load()
        name, blob, url = await self._acquire()
        self.name = name
        self.url = url
        self.blob = blob  # kept by the session, so the file can be read again another way
        gzip = file_kinds.is_gzip(await self._head(blob, 4, False))
        head = await self._head(blob, load_plan.HEAD_BYTES, gzip)
        self.head = head
        chosen = load_plan.choose(name, head, gzip, self.options, list(self.session.tables), int(blob.size))
        self.detected = {"format": chosen["format"], "encoding": chosen["encoding"], "gzip": gzip}
        reader = _READERS[chosen["reader"]]
        try:
            return await reader(self, chosen["table"], blob, chosen["plan"])
        except errors.Cancelled:
            await self._cleanup()
            raise errors.Cancelled(load_plan.cancelled_message(name))
        except errors.LoupeError:
            await self._cleanup()
            raise
        except Exception as failure:
            await self._cleanup()
            raise errors.OpenError(load_plan.open_failure_message(name, str(failure)))

    # --- acquiring bytes ---------------------------------------------------

    async def _acquire(self) -> tuple:
        kind = self.source.get("kind")
        if kind == "text":
            name = self.source.get("name") or "pasted.csv"
            text = self.source.get("text")
            if not isinstance(text, str):
                raise errors.OpenError(
                    "{name, text} needs text as a string; got " + str(self.source.get("what") or type(text)) + "."
                )
            blob = self.source.get("file")
            if blob is None:  # pasted here, so already in Python
                file_kinds.check_text(name, text)
                return name, self.engine.text_blob(text), None
            whole = int(blob.size) <= len(text.encode())  # the first characters are all of it
            file_kinds.check_text(name, text if whole or text.strip() else text + "…")
            return name, blob, None
        if kind in ("url", "sample"):
            url = self.source["url"]
            name = naming.file_name_from_url(url)
            progress.start("Downloading " + name + "…")
            try:
                fetched = await self.engine.fetch_blob(url, progress.bytes_callback("Downloading " + name))
            except errors.Cancelled:
                raise errors.Cancelled(load_plan.download_cancelled_message(url))
            if not fetched["ok"]:
                raise errors.FetchError(load_plan.fetch_message(url, fetched["status"], fetched["status_text"]))
            return name, fetched["blob"], url
        if kind == "file":
            return self.source.get("name") or "data.csv", self.source["file"], None
        raise errors.OpenError(
            "loupe.open() takes a URL string, a File or Blob, or {name, text}; got "
            + str(self.source.get("what") or "something else")
            + "."
        )

    async def _head(self, blob, count: int, gzip: bool) -> bytes:
        try:
            return await self.engine.head(blob, count, gzip)
        except wasm.GlueError as failure:
            raise errors.OpenError(load_plan.gzip_message(self.name, str(failure)))

    # --- readers -----------------------------------------------------------

    async def _read_csv(self, table: str, blob, plan: dict) -> list:
        """Read a CSV; one that fails is read again with every line ending LF when that may help."""
        try:
            return await self._read_csv_as(table, blob, plan)
        except errors.OpenError as failure:
            if not load_plan.retries_with_one_line_ending(self.head, plan):
                raise
            first = failure
        await self._cleanup()
        self.files = []
        self.newlines = True
        try:
            return await self._read_csv_as(table, blob, plan)
        except errors.OpenError:
            raise first

    async def _read_csv_as(self, table: str, blob, plan: dict) -> list:
        file_name = await self._register(blob, plan, ".csv")
        given = load_plan.csv_options(self.options, plan)
        progress.start("Reading " + self.name + "…")
        # First rows first: DuckDB's own guess on a small sample, shown while
        # the dialect is settled and the whole file is read.
        sep_line_read = load_plan.previews(int(blob.size))
        if sep_line_read:
            given, preview = await self.engine.run(load_plan.csv_preview(file_name, self.name, given))
            if preview is not None:
                await self.session.show_preview(table, self.name, preview)
        options = await self.engine.run(loading.sniff_dialect(file_name, self.name, given, sep_line_read))
        progress.timed("Reading " + self.name + "…", blob.size)
        info = await self.engine.run(loading.load_csv(table, file_name, self.name, options), cancellable=True)
        info = await self._refined(table, info)
        return [self._loaded(table, info, load_plan.csv_details(options, info, self.options))]

    async def _refined(self, table: str, info: dict) -> dict:
        """Numbers with separators and dates DuckDB left as text get their types; say what happened."""
        steps = load_plan.refined(table, info, self.name, self.options.get("missing"), self.newlines)
        info, notice = await self.engine.run(steps)
        if notice:
            feedback.notice(notice)
        return info

    async def _read_json(self, table: str, blob, plan: dict, lines: bool = False) -> list:
        file_name = self._file_name(".json")
        progress.start("Reading " + self.name + "…")
        if lines:
            await self.engine.register_json_lines(file_name, blob, plan["gzip"], plan["transcode"])
            self.files.append(file_name)
        else:
            await self._register(blob, plan, ".json", file_name)
        try:
            await self.engine.insert_json(table, file_name)
        except wasm.GlueError as failure:
            problem = await self.engine.json_problem(blob, plan["gzip"], plan["transcode"], lines)
            raise errors.OpenError(load_plan.json_message(self.name, problem, str(failure), lines))
        return [await self._in_utc(table)]

    async def _read_json_lines(self, table: str, blob, plan: dict) -> list:
        return await self._read_json(table, blob, plan, lines=True)

    async def _read_parquet(self, table: str, blob, plan: dict) -> list:
        progress.start("Reading " + self.name + "…")
        shown = []

        def on_group(rows, total):
            progress.rows(self.name, rows, total)
            if not shown:
                shown.append(True)
                self.session.spawn(self.session.show_partial(table, self.name))

        try:
            await self.engine.insert_parquet(table, blob, on_group)
        except errors.Cancelled:
            await self._parquet_failed(table)
            raise
        except Exception as failure:
            await self._parquet_failed(table)
            raise errors.OpenError(load_plan.parquet_message(self.name, wasm.js_message(failure)))
        self.engine.prewarm_parquet()  # ready for the next Parquet file
        return [await self._in_utc(table)]

    async def _parquet_failed(self, table: str) -> None:
        await self.engine.execute(*sql.drop_table(table))
        self.engine.prewarm_parquet()

    async def _read_with_python(self, table: str, blob, plan: dict) -> list:
        fmt = self.detected["format"]
        wanted = load_plan.workbook_options(self.options) if fmt == file_kinds.XLSX else {}
        progress.start("Starting Python to read " + self.name + "…")
        worker = await worker_link.ready()
        if worker is None:
            raise errors.OpenError(load_plan.python_missing_message(self.name))
        progress.start("Reading " + self.name + " with Python…")
        buffer = await self.engine.array_buffer(blob)
        try:
            answer = json.loads(await worker.read_tables(fmt, buffer, self.name, json.dumps(wanted)))
            while "progress" in answer:  # a sheet at a time, its rows in parts: progress, and Cancel between
                progress.fraction(*load_plan.python_progress(self.name, answer["progress"]))
                if self.engine.cancelled():
                    await worker.read_abort()
                    raise errors.Cancelled(load_plan.cancelled_message(self.name))
                answer = json.loads(await worker.read_more())
        except errors.Cancelled:
            raise
        except Exception as failure:  # the worker itself failed
            raise errors.OpenError(load_plan.python_stopped_message(self.name, wasm.js_message(failure)))
        named = self.options.get("table") is not None
        parts = load_plan.python_parts(answer, self.name, table, list(self.session.tables), named)
        loaded = []
        for part in parts:
            file_name = self._file_name(".csv")
            # The CSV goes from the worker to DuckDB as a Blob, never through MicroPython (megabytes).
            written, _ = await self.engine.worker_file(worker, "next_table_csv", "text/csv")
            await self.engine.register_blob(file_name, written, False, None)
            self.files.append(file_name)
            options = load_plan.part_options(self.options, part)
            info = await self.engine.run(loading.load_csv(part["table"], file_name, part["display"], options))
            info = await self._refined(part["table"], info)
            read = load_plan.part_details(part, self.options)
            read.update(load_plan.markers(self.options, info))
            read["sheets"] = answer.get("sheets") or []  # the workbook's sheets, for Sheets… (not recorded)
            loaded.append(self._loaded(part["table"], info, read))
        if answer.get("note"):
            feedback.notice(answer["note"])
        return loaded

    # --- helpers -------------------------------------------------------------

    async def _in_utc(self, table: str) -> dict:
        """``table`` described, its times with a time zone read as UTC first (saying so)."""
        info, extra, notice = await self.engine.run(load_plan.in_utc(table, self.name))
        if notice:
            feedback.notice(notice)
        return self._loaded(table, info, extra)

    async def _register(self, blob, plan: dict, suffix: str, file_name=None) -> str:
        file_name = file_name or self._file_name(suffix)
        try:
            await self.engine.register_blob(file_name, blob, plan["gzip"], plan["transcode"], self.newlines)
        except wasm.GlueError as failure:
            if plan["gzip"]:
                raise errors.OpenError(load_plan.gzip_message(self.name, str(failure)))
            raise errors.OpenError(load_plan.open_failure_message(self.name, str(failure)))
        self.files.append(file_name)
        return file_name

    def _file_name(self, suffix: str) -> str:
        return self.session.next_file_name(suffix)

    def _loaded(self, table: str, info: dict, extra: dict) -> dict:
        source = {
            "kind": self.source.get("kind"),
            "name": self.name,
            "url": self.url,
            "format": self.detected["format"],
            "encoding": self.detected["encoding"],
            "gzip": self.detected["gzip"],
            "files": list(self.files),
            "blob": self.blob,
        }
        source.update(extra)
        info = dict(info)
        info["source"] = source
        return info

    async def _cleanup(self) -> None:
        for file_name in self.files:
            await self.engine.forget_file(file_name)


_READERS = {
    load_plan.CSV: Load._read_csv,
    load_plan.JSON: Load._read_json,
    load_plan.JSON_LINES: Load._read_json_lines,
    load_plan.PARQUET: Load._read_parquet,
    load_plan.PYTHON: Load._read_with_python,
}
