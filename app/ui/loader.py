"""Opening a source: bytes in, tables out, with progress, cancel and clear errors.

    acquire (text | URL | File) -> Blob
    -> first bytes (gunzipped) -> app.core.formats.detect -> a reader per format
    -> tables described by app.core.catalog

Readers by format: CSV, JSON and JSON Lines by DuckDB-WASM, Parquet by
parquet-wasm in a worker streaming row groups into DuckDB, Excel and SQLite
by CPython in the Pyodide worker. A failure anywhere drops what this load
registered and leaves every table already open untouched.
"""

import json

from pyscript.ffi import create_proxy

from app.core import catalog, errors, formats, missing, naming, refine, sql, zones
from app.engine import wasm
from app.ui import feedback, progress, worker_link

HEAD_BYTES = 8192
PREVIEW_FROM_BYTES = 2_000_000


class Load:
    """One source being opened; ``await run()`` returns the new tables' infos."""

    def __init__(self, session, source: dict, options: dict):
        self.session = session
        self.engine = session.engine
        self.glue = session.engine.glue
        self.source = source
        self.options = options or {}
        self.files = []  # virtual files registered by this load
        self.newlines = False  # True once its line endings were made the same to read it

    async def run(self) -> list:
        self.glue.beginLoad()
        name, blob, url = await self._acquire()
        self.name = name
        self.url = url
        self.blob = blob  # kept by the session, so the file can be read again another way
        gzip = formats.is_gzip(await self._head(blob, 4, False))
        head = await self._head(blob, HEAD_BYTES, gzip)
        self.head = head
        detected = formats.detect(name, head)
        fmt = self.options.get("format") or detected["format"]
        if fmt not in formats.FORMATS:
            raise errors.OpenError(
                "Unknown format " + repr(fmt) + "; choose one of " + ", ".join(formats.FORMATS) + "."
            )
        encoding = self.options.get("encoding") or detected["encoding"]
        self.detected = {"format": fmt, "encoding": encoding, "gzip": gzip}
        wanted = str(self.options.get("table") or formats.strip_gzip_suffix(name))
        table = naming.table_name_for(wanted, list(self.session.tables))
        reader = _READERS[fmt]
        plan = formats.read_plan(fmt, encoding, gzip)
        too_big = formats.size_problem(name, fmt, plan, int(blob.size))
        if too_big:
            raise errors.OpenError(too_big)
        try:
            return await reader(self, table, blob, plan)
        except errors.LoupeError as failure:
            await self._cleanup()
            if isinstance(failure, errors.QueryError) and "interrupt" in str(failure).lower():
                raise errors.OpenError("Loading '" + name + "' was cancelled; nothing was kept.")
            raise
        except Exception as failure:
            await self._cleanup()
            raise errors.OpenError(_interrupted_or(str(failure), name))

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
                formats.check_text(name, text)
                return name, self.glue.textBlob(text), None
            whole = int(blob.size) <= len(text.encode())  # the first characters are all of it
            formats.check_text(name, text if whole or text.strip() else text + "…")
            return name, blob, None
        if kind in ("url", "sample"):
            url = self.source["url"]
            name = naming.file_name_from_url(url)
            progress.start("Downloading " + name + "…")
            fetched = await self.glue.fetchBlob(url, create_proxy(progress.bytes_callback("Downloading " + name)))
            if not fetched.ok:
                raise errors.FetchError(_fetch_message(url, fetched.status, fetched.statusText))
            return name, fetched.blob, url
        if kind == "file":
            return self.source.get("name") or "data.csv", self.source["file"], None
        raise errors.OpenError(
            "loupe.open() takes a URL string, a File or Blob, or {name, text}; got "
            + str(self.source.get("what") or "something else")
            + "."
        )

    async def _head(self, blob, count: int, gzip: bool) -> bytes:
        try:
            return bytes(json.loads(await self.glue.head(blob, count, gzip)))
        except Exception as failure:
            raise errors.OpenError(_gzip_message(self.name, wasm.js_message(failure)))

    # --- readers -----------------------------------------------------------

    async def _read_csv(self, table: str, blob, plan: dict) -> list:
        """Read a CSV; one that fails and has carriage returns is read again with every line ending LF.

        DuckDB cannot read a file that mixes CR LF, LF or CR line endings
        (a sniffer error); made the same, it can.
        """
        try:
            return await self._read_csv_as(table, blob, plan)
        except errors.OpenError as failure:
            utf16 = plan.get("duckdb_encoding") == "utf-16"  # read in place: a 0x0D byte may be half a character
            if b"\r" not in self.head or utf16 or "cancelled" in str(failure):
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
        given = _csv_options(self.options, plan)
        progress.start("Reading " + self.name + "…")
        # First rows first: DuckDB's own guess on a small sample, shown while
        # the dialect is settled and the whole file is read (small files are
        # read whole sooner than a preview would pay off).
        sep_line_read = int(blob.size) > PREVIEW_FROM_BYTES
        if sep_line_read:
            given = await wasm.run(catalog.excel_options(file_name, given), self.engine)
            try:
                preview = await self.engine.execute(*sql.preview_csv(file_name, given))
            except errors.QueryError:
                # The quick guess met a value it cannot read (an NA among numbers a few thousand
                # lines down): no preview; the whole read below settles the types.
                preview = None
            if preview is not None and not preview["columns"]:
                raise errors.OpenError(
                    "'" + self.name + "' has no columns. Check that it is a CSV file with a header line."
                )
            if preview is not None:
                await self.session.show_preview(table, self.name, preview)
        options = await wasm.run(catalog.sniff_dialect(file_name, self.name, given, sep_line_read), self.engine)
        progress.timed("Reading " + self.name + "…", blob.size)
        info = await wasm.run(catalog.load_csv(table, file_name, self.name, options), self.engine, cancellable=True)
        info = await self._refined(table, info)
        read = {"delimiter": options.get("delimiter"), "header": options.get("header")}
        read.update(self._markers(info))
        if options.get("late") == missing.AS_MISSING:
            read["late"] = missing.AS_MISSING
        if info.get("utc"):
            read["utc"] = True
        return [self._loaded(table, info, read)]

    def _markers(self, info: dict) -> dict:
        """The missing-value markers to record: those chosen (even none), or else those found."""
        if self.options.get("missing") is not None or info.get("missing"):
            return {"missing": list(info.get("missing") or [])}
        return {}

    async def _refined(self, table: str, info: dict) -> dict:
        """Numbers with separators and dates DuckDB left as text get their types; say what happened."""
        given = self.options.get("missing")
        markers = missing.checked(given)
        changes = await wasm.run(refine.refine_types(table, info["columns"], markers), self.engine)
        if given is None:  # the markers found: those of catalog.load_csv and these
            info["missing"] = missing.used([{"markers": info.get("missing") or []}] + changes, markers)
        notes = []
        if self.newlines:
            notes.append(
                "'" + self.name + "' mixes line endings (Windows and Unix); Loupe made them the same to read it."
            )
        if info.get("rejected"):
            notes.append(catalog.rejected_message(self.name, info["rejected"]))
        if info.get("settled"):
            notes.append(missing.changes_message(self.name, info["settled"]))
        if info.get("utc"):
            notes.append(zones.changes_message(self.name, info["utc"]))
        if changes:
            notes.append(refine.changes_message(self.name, changes))
            described = await wasm.run(catalog.describe(table), self.engine)
            for key in ("rejected", "missing", "settled", "utc"):
                described[key] = info.get(key)
            info = described
        if notes:
            feedback.notice(" ".join(n for n in notes if n))
        return info

    async def _read_json(self, table: str, blob, plan: dict, lines: bool = False) -> list:
        file_name = self._file_name(".json")
        progress.start("Reading " + self.name + "…")
        if lines:
            await self.glue.registerJsonLines(file_name, blob, plan["gzip"], plan["transcode"])
            self.files.append(file_name)
        else:
            await self._register(blob, plan, ".json", file_name)
        try:
            await self.glue.insertJson(table, file_name)
        except Exception as failure:
            problem = await self.glue.jsonProblem(blob, plan["gzip"], plan["transcode"], lines)
            raise errors.OpenError(_json_message(self.name, str(problem), wasm.js_message(failure), lines))
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
            await self.glue.insertParquet(table, blob, create_proxy(on_group))
        except Exception as failure:
            await self.engine.execute(*sql.drop_table(table))
            self.glue.prewarmParquet()
            message = wasm.js_message(failure)
            if message.startswith("Interrupted"):
                raise errors.OpenError("Loading '" + self.name + "' was cancelled; nothing was kept.")
            raise errors.OpenError(
                "Could not read '"
                + self.name
                + "' as Parquet: "
                + message
                + ". The file may be damaged or use a feature Loupe cannot read; "
                "try exporting it again."
            )
        self.glue.prewarmParquet()  # ready for the next Parquet file
        return [await self._in_utc(table)]

    async def _read_with_python(self, table: str, blob, plan: dict) -> list:
        fmt = self.detected["format"]
        progress.start("Starting Python to read " + self.name + "…")
        worker = await worker_link.ready()
        if worker is None:
            raise errors.OpenError(
                "Python could not start, so '" + self.name + "' cannot be read. Reload the page and try again."
            )
        progress.start("Reading " + self.name + " with Python…")
        buffer = await self.glue.arrayBuffer(blob)
        try:
            answer = json.loads(await worker.read_tables(fmt, buffer, self.name))
        except Exception as failure:  # the worker itself failed: its last line, never a traceback
            lines = wasm.js_message(failure).strip().splitlines() or [""]
            raise errors.OpenError(
                "Python stopped while reading '" + self.name + "' (" + lines[-1][:200] + "). "
                "Reload the page and try again, or save the file as .xlsx or CSV."
            )
        if answer.get("error"):
            raise errors.OpenError(answer["error"])
        parts = answer["tables"]
        if not parts:
            hidden = answer.get("hidden") or []
            raise errors.OpenError(
                "'"
                + self.name
                + "' has no tables with data in it"
                + (
                    " but its hidden sheets (" + ", ".join(hidden) + "); show them in your "
                    "spreadsheet program, save, and open it again."
                    if hidden
                    else "."
                )
            )
        loaded = []
        for part in parts:
            name = table if len(parts) == 1 else table + "_" + part["name"]
            part_table = naming.table_name_for(name, list(self.session.tables) + [i["table"] for i in loaded])
            file_name = self._file_name(".csv")
            # The CSV goes from the worker to DuckDB as a Blob, never through MicroPython (megabytes).
            written = await self.glue.workerFile(worker, "next_table_csv", "text/csv")
            await self.glue.registerBlob(file_name, written.blob, False, None)
            self.files.append(file_name)
            options = {"header": True, "delimiter": ","}
            if self.options.get("missing") is not None:
                options["missing"] = self.options["missing"]
            info = await wasm.run(
                catalog.load_csv(part_table, file_name, self.name + " › " + part["name"], options), self.engine
            )
            info = await self._refined(part_table, info)
            read = {"part": part["name"]}
            read.update(self._markers(info))
            loaded.append(self._loaded(part_table, info, read))
        if answer.get("note"):
            feedback.notice(answer["note"])
        return loaded

    # --- helpers -------------------------------------------------------------

    async def _in_utc(self, table: str) -> dict:
        """``table`` described, its times with a time zone read as UTC first (saying so)."""
        info = await wasm.run(catalog.describe(table), self.engine)
        changes = await wasm.run(zones.to_utc(table, info["columns"]), self.engine)
        if not changes:
            return self._loaded(table, info, {})
        feedback.notice(zones.changes_message(self.name, changes))
        info = await wasm.run(catalog.describe(table), self.engine)
        return self._loaded(table, info, {"utc": True})

    async def _register(self, blob, plan: dict, suffix: str, file_name=None) -> str:
        file_name = file_name or self._file_name(suffix)
        try:
            await self.glue.registerBlob(file_name, blob, plan["gzip"], plan["transcode"], self.newlines)
        except Exception as failure:
            message = wasm.js_message(failure)
            if plan["gzip"] and not message.startswith("Interrupted"):
                raise errors.OpenError(_gzip_message(self.name, message))
            raise errors.OpenError(_interrupted_or(message, self.name))
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


def _csv_options(options: dict, plan: dict) -> dict:
    out = {}
    for key, _ in sql.CSV_OPTIONS:
        if options.get(key) is not None:
            out[key] = options[key]
    for key in ("missing", "late"):  # vetted by catalog.load_csv
        if options.get(key) is not None:
            out[key] = options[key]
    if plan["duckdb_encoding"] and plan["duckdb_encoding"] != "utf-8":
        out["encoding"] = plan["duckdb_encoding"]
    else:
        out.pop("encoding", None)
    return out


_READERS = {
    formats.CSV: Load._read_csv,
    formats.JSON: Load._read_json,
    formats.JSON_LINES: Load._read_json_lines,
    formats.PARQUET: Load._read_parquet,
    formats.XLSX: Load._read_with_python,
    formats.SQLITE: Load._read_with_python,
}


def _fetch_message(url: str, status, status_text) -> str:
    if status == 0 and str(status_text) == "cancelled":
        return "Downloading " + url + " was cancelled."
    if status == 0:
        return (
            "Could not download " + url + ": the server could not be reached, or it does not let "
            "other sites read the file (CORS). Download the file and open it from your computer instead."
        )
    return (
        "Could not download "
        + url
        + ": the server answered "
        + str(status)
        + " "
        + str(status_text or "")
        + ". Check the address and try again."
    )


def _json_message(name: str, problem: str, engine_message: str, lines: bool) -> str:
    if problem:
        return (
            "'" + name + "' is not valid JSON" + (" Lines" if lines else "") + " (" + problem + "). "
            "Check that the file is complete; save it again or fix it in a text editor."
        )
    return (
        "Could not read '" + name + "' as a table: " + engine_message + ". Loupe reads JSON as an array "
        "of objects ([{...}, {...}]) or as JSON Lines (one object per line)."
    )


def _gzip_message(name: str, detail: str) -> str:
    return (
        "'" + name + "' is not a complete gzip file (" + detail.rstrip(".") + "). "
        "It may be damaged or only partly downloaded; download it again."
    )


def _interrupted_or(message: str, name: str) -> str:
    if message.startswith("Interrupted") or "cancel" in message.lower():
        return "Loading '" + name + "' was cancelled; nothing was kept."
    return "Could not open '" + name + "': " + message
