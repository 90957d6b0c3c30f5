"""What opening a source decides: which reader for which format, when to retry, what to say.

app/ui/opening/loader.py does the I/O (bytes in through the engine, progress on
screen); every decision it takes comes from here:

    choose(name, head, gzip, options, taken, size)  -> the reader, table name and read plan
    csv_options / previews / retries_with_one_line_ending  -- how a CSV is read
    csv_preview, refined, in_utc  -- step generators (``yield (sql, params)``, see app/engine)
    csv_details, markers, python_parts, part_options, part_details  -- what a load records and names
    workbook_options  -- the sheets, header row and range a workbook is read by, checked
    *_message  -- every sentence a load says, in one place

Runs under MicroPython and CPython (see README.md).
"""

from app.core import display, errors, file_kinds, loading, missing, naming, retype, sheet_range, sql, zones

HEAD_BYTES = 8192  # the first bytes read to detect a format and encoding
PREVIEW_FROM_BYTES = 2_000_000  # smaller CSV files are read whole sooner than a preview would pay off

# Format -> the reader that loads it (app/ui/opening/loader.py has one method per reader).
CSV = "csv"
JSON = "json"
JSON_LINES = "json_lines"
PARQUET = "parquet"
PYTHON = "python"  # CPython in the Pyodide worker
READERS = {
    file_kinds.CSV: CSV,
    file_kinds.JSON: JSON,
    file_kinds.JSON_LINES: JSON_LINES,
    file_kinds.PARQUET: PARQUET,
    file_kinds.XLSX: PYTHON,
    file_kinds.SQLITE: PYTHON,
}


def choose(name: str, head: bytes, gzip: bool, options: dict, taken: list, size: int) -> dict:
    """``{format, encoding, gzip, table, reader, plan}`` for source ``name`` whose first bytes are ``head``.

    ``options`` may name the ``format``, ``encoding`` and ``table``; ``taken``:
    the tables open already. Raises OpenError for an unknown format or a
    source too large to read this way.
    """
    detected = file_kinds.detect(name, head)
    fmt = options.get("format") or detected["format"]
    if fmt not in file_kinds.FORMATS:
        raise errors.OpenError("Unknown format " + repr(fmt) + "; choose one of " + ", ".join(file_kinds.FORMATS) + ".")
    encoding = options.get("encoding") or detected["encoding"]
    wanted = str(options.get("table") or file_kinds.strip_gzip_suffix(name))
    plan = file_kinds.read_plan(fmt, encoding, gzip)
    too_big = file_kinds.size_problem(name, fmt, plan, size)
    if too_big:
        raise errors.OpenError(too_big)
    return {
        "format": fmt,
        "encoding": encoding,
        "gzip": gzip,
        "table": naming.table_name_for(wanted, taken),
        "reader": READERS[fmt],
        "plan": plan,
    }


# --- CSV ----------------------------------------------------------------------


def csv_options(options: dict, plan: dict) -> dict:
    """The reader options a person gave (vetted later by app.core.loading), with the plan's encoding."""
    out = {}
    for key, _ in sql.CSV_OPTIONS:
        if options.get(key) is not None:
            out[key] = options[key]
    for key in ("missing", "late"):  # vetted by loading.load_csv
        if options.get(key) is not None:
            out[key] = options[key]
    if plan["duckdb_encoding"] and plan["duckdb_encoding"] != "utf-8":
        out["encoding"] = plan["duckdb_encoding"]
    else:
        out.pop("encoding", None)
    return out


def previews(size: int) -> bool:
    """True if a CSV of ``size`` bytes shows DuckDB's first guess while the whole file is read."""
    return size > PREVIEW_FROM_BYTES


def retries_with_one_line_ending(head: bytes, plan: dict) -> bool:
    """True if a CSV that failed is read again with every line ending LF.

    DuckDB cannot read a file that mixes CR LF, LF or CR line endings (a
    sniffer error); made the same, it can. Not for UTF-16 read in place: a
    0x0D byte may be half a character.
    """
    return b"\r" in head and plan.get("duckdb_encoding") != "utf-16"


def csv_preview(file_name: str, display_name: str, given: dict):
    """Steps: ``(given, preview)``: the options with an Excel "sep=" line applied, and the first rows.

    ``preview`` is None when DuckDB's quick guess met a value it cannot read
    (an NA among numbers a few thousand lines down): the whole read settles
    the types. Raises OpenError for a file without columns.
    """
    given = yield from loading.excel_options(file_name, given)
    try:
        preview = yield sql.preview_csv(file_name, given)
    except errors.QueryError:
        return given, None
    if not preview["columns"]:
        raise errors.OpenError("'" + display_name + "' has no columns. Check that it is a CSV file with a header line.")
    return given, preview


def csv_details(options: dict, info: dict, given: dict) -> dict:
    """What the view records of how a CSV was read (``options``: the dialect used; ``given``: the person's)."""
    read = {"delimiter": options.get("delimiter"), "header": options.get("header")}
    read.update(markers(given, info))
    if options.get("late") == missing.AS_MISSING:
        read["late"] = missing.AS_MISSING
    if info.get("utc"):
        read["utc"] = True
    return read


def markers(given: dict, info: dict) -> dict:
    """The missing-value markers to record: those chosen (even none), or else those found."""
    if given.get("missing") is not None or info.get("missing"):
        return {"missing": list(info.get("missing") or [])}
    return {}


def refined(table: str, info: dict, name: str, given_markers, newlines: bool):
    """Steps: ``(info, notice)``: numbers and dates DuckDB left as text get their types.

    ``given_markers``: the missing-value markers a person chose (None: those
    found count); ``newlines``: the file's line endings were made the same.
    ``notice`` says all that happened ("" when nothing did).
    """
    markers_used = missing.checked(given_markers)
    text = info.get("text") or []  # a workbook's columns of text cells stay text
    columns = [c for c in info["columns"] if c["name"] not in text]
    changes = yield from retype.refine_types(table, columns, markers_used)
    if given_markers is None:  # the markers found: those of loading.load_csv and these
        info["missing"] = missing.used([{"markers": info.get("missing") or []}] + changes, markers_used)
    notes = []
    if newlines:
        notes.append(mixed_line_endings_message(name))
    if info.get("rejected"):
        notes.append(loading.rejected_message(name, info["rejected"]))
    if info.get("settled"):
        notes.append(missing.changes_message(name, info["settled"]))
    if info.get("utc"):
        notes.append(zones.changes_message(name, info["utc"]))
    if changes:
        notes.append(retype.changes_message(name, changes))
        described = yield from loading.describe(table)
        for key in ("rejected", "missing", "settled", "utc"):
            described[key] = info.get(key)
        info = described
    return info, " ".join(n for n in notes if n)


def in_utc(table: str, name: str):
    """Steps: ``(info, details, notice)``: ``table`` described, its times with a time zone read as UTC first."""
    info = yield from loading.describe(table)
    changes = yield from zones.to_utc(table, info["columns"])
    if not changes:
        return info, {}, ""
    info = yield from loading.describe(table)
    return info, {"utc": True}, zones.changes_message(name, changes)


# --- workbooks and databases, read by Python ------------------------------------


def python_parts(answer: dict, name: str, table: str, taken: list, named: bool = False) -> list:
    """The parts (sheets, tables) of the Python worker's ``answer`` to load: ``[{name, table, display}]``.

    ``table`` is the wanted name: one part of one is called that; parts of
    several, and sheets chosen from a workbook's many (unless ``named``:
    the table's name was given), are named after it and their sheet, each
    name unique among ``taken`` and the parts before it. Raises OpenError
    when the worker said what was wrong or found nothing.
    """
    if answer.get("error"):
        raise errors.OpenError(answer["error"])
    parts = answer["tables"]
    if not parts:
        hidden = answer.get("hidden") or []
        raise errors.OpenError(
            "'"
            + name
            + "' has no tables with data in it"
            + (
                " but its hidden sheets (" + ", ".join(hidden) + "); show them in your "
                "spreadsheet program, save, and open it again."
                if hidden
                else (
                    " where Loupe was asked to read. Choose another sheet, range or header row in Read as…."
                    if answer.get("chosen")
                    else "."
                )
            )
        )
    names = list(taken)
    out = []
    suffixed = len(parts) > 1 or (answer.get("chosen") and not named)
    for part in parts:
        wanted = table + "_" + part["name"] if suffixed else table
        names.append(naming.table_name_for(wanted, names))
        out.append(
            {
                "name": part["name"],
                "table": names[-1],
                "display": name + " › " + part["name"],
                "empty_rows": part.get("empty_rows") or 0,
                "text_columns": part.get("text_columns") or [],
            }
        )
    return out


def workbook_options(options: dict) -> dict:
    """The workbook options of ``options`` (``sheets``, ``header_row``, ``range``) for the worker, checked here
    so a mistake is said before the file is read; OpenError if one cannot apply."""
    return sheet_range.checked_options(options)


def part_details(part: dict, options: dict) -> dict:
    """What a workbook part's read records: its sheet, the header row and range it was read by, the empty rows
    it left out."""
    read = {"part": part["name"]}
    if part.get("empty_rows"):
        read["empty_rows"] = part["empty_rows"]
    wanted = workbook_options(options)
    for key in ("header_row", "range"):
        if key in wanted:
            read[key] = wanted[key]
    return read


def part_options(options: dict, part=None) -> dict:
    """How a part's CSV (written by the worker) is read: a header line, commas, the markers chosen,
    and the columns of text cells kept text (``part["text_columns"]``)."""
    out = {"header": True, "delimiter": ","}  # type: dict
    if options.get("missing") is not None:
        out["missing"] = options["missing"]
    if part and part.get("text_columns"):
        out["text_columns"] = list(part["text_columns"])
    return out


# --- what a load says -----------------------------------------------------------


def python_progress(name: str, progress: dict) -> tuple:
    """``(text, done, total)`` for the loading strip from the worker's progress of reading ``name``.

    ``progress`` is ``{sheet, sheet_index, sheets}`` while a sheet is parsed and has
    ``rows`` and ``total`` too while its rows are written; done/total then count the
    rows (None: the bar cannot tell how far).
    """
    where = "Reading " + name
    if progress.get("sheets", 1) > 1:
        where += " — sheet " + str(progress["sheet_index"] + 1) + " of " + str(progress["sheets"])
    where += " (" + str(progress.get("sheet", "")) + ")"
    if "rows" not in progress:
        return where + "…", None, None
    text = where + " — " + display.thousands(progress["rows"]) + " of " + display.thousands(progress["total"]) + " rows"
    return text, progress["rows"], progress["total"]


def cancelled_message(name: str) -> str:
    return "Loading '" + name + "' was cancelled; nothing was kept."


def download_cancelled_message(url: str) -> str:
    return "Downloading " + url + " was cancelled."


def open_failure_message(name: str, message: str) -> str:
    return "Could not open '" + name + "': " + message


def mixed_line_endings_message(name: str) -> str:
    return "'" + name + "' mixes line endings (Windows and Unix); Loupe made them the same to read it."


def fetch_message(url: str, status, status_text) -> str:
    """Why ``url`` could not be downloaded (``status`` 0: no answer, or one the browser may not read)."""
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


def json_message(name: str, problem: str, engine_message: str, lines: bool) -> str:
    """Why JSON ``name`` could not be read: the browser's ``problem`` with it, else the engine's message."""
    if problem:
        return (
            "'" + name + "' is not valid JSON" + (" Lines" if lines else "") + " (" + problem + "). "
            "Check that the file is complete; save it again or fix it in a text editor."
        )
    return (
        "Could not read '" + name + "' as a table: " + engine_message + ". Loupe reads JSON as an array "
        "of objects ([{...}, {...}]) or as JSON Lines (one object per line)."
    )


def gzip_message(name: str, detail: str) -> str:
    return (
        "'" + name + "' is not a complete gzip file (" + detail.rstrip(".") + "). "
        "It may be damaged or only partly downloaded; download it again."
    )


def parquet_message(name: str, detail: str) -> str:
    return (
        "Could not read '"
        + name
        + "' as Parquet: "
        + detail
        + ". The file may be damaged or use a feature Loupe cannot read; "
        "try exporting it again."
    )


def python_missing_message(name: str) -> str:
    return "Python could not start, so '" + name + "' cannot be read. Reload the page and try again."


def python_stopped_message(name: str, detail: str) -> str:
    """The worker itself failed: its last line, never a traceback."""
    lines = detail.strip().splitlines() or [""]
    return (
        "Python stopped while reading '" + name + "' (" + lines[-1][:200] + "). "
        "Reload the page and try again, or save the file as .xlsx or CSV."
    )
