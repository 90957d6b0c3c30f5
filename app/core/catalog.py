"""Loading and describing tables, written once for every engine.

The functions here are *step generators*: each yields ``(sql, params)``
requests and receives the engine's result (``{"columns", "rows"}``) back,
so the same logic runs against native DuckDB synchronously (``run``) and
against DuckDB-WASM asynchronously (``app.engine.wasm.run``). An engine error
is thrown into the generator, which may reword it.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, sql, types


REJECTS = "loupe_rejects"
DELIMITERS = (",", ";", "\t", "|")


def sniff_dialect(file_name: str, display_name: str, options=None):
    """Steps: ``{delimiter, header, skip}`` to read ``file_name`` with, options given first.

    DuckDB's sniffer reads one column from a file with ragged rows; when it
    does, each common delimiter is tried leniently and the one giving the
    most columns wins, so the rows that do not fit can be counted instead.
    """
    options = options or {}
    try:
        found = yield sql.sniff_csv(file_name, options)
    except errors.QueryError as error:
        raise errors.OpenError(csv_failure(display_name, str(error)))
    delimiter, header, skip, width = found["rows"][0]
    if width == 1 and options.get("delimiter") is None:
        for candidate in DELIMITERS:
            tried = dict(options)
            tried["delimiter"] = candidate
            try:
                other = yield sql.sniff_csv(file_name, tried, lenient=True)
            except errors.QueryError:
                continue
            if other["rows"][0][3] > width:
                delimiter, header, skip, width = other["rows"][0]
    dialect = {"delimiter": delimiter, "header": header, "skip": skip}
    for key in dialect:
        if options.get(key) is not None:
            dialect[key] = options[key]
    if options.get("encoding"):
        dialect["encoding"] = options["encoding"]
    return dialect


def load_csv(table: str, file_name: str, display_name: str, options=None):
    """Steps: create ``table`` from the registered CSV ``file_name``; return its description.

    Rows that do not fit (wrong number of fields, a value of the wrong type)
    are left out and reported in ``info["rejected"]``: ``{count, examples}``.
    """
    for statement in sql.drop_rejects(REJECTS):
        yield statement
    try:
        yield sql.create_table_from_csv(table, file_name, options, REJECTS)
    except errors.QueryError as error:
        if "interrupt" in str(error).lower():
            raise errors.OpenError("Loading '" + display_name + "' was cancelled; nothing was kept.")
        raise errors.OpenError(csv_failure(display_name, str(error)))
    info = yield from describe(table)
    if not info["columns"]:
        yield sql.drop_table(table)
        raise errors.OpenError("'" + display_name + "' has no columns. Check that it is a CSV file with a header line.")
    rejected = yield sql.rejected_rows(REJECTS)
    if rejected["rows"]:
        info["rejected"] = {
            "count": rejected["rows"][0][0],
            "examples": [{"line": r[1], "problem": r[2], "text": r[3]} for r in rejected["rows"]],
        }
    return info


_PROBLEMS = {
    "CAST": "a value of the wrong type",
    "MISSING COLUMNS": "too few fields",
    "TOO MANY COLUMNS": "too many fields",
    "UNQUOTED VALUE": "a stray quote",
    "LINE SIZE OVER MAXIMUM": "a line over 2 MB",
    "INVALID UNICODE": "bytes that are not text",
    "INVALID ENCODING": "text that is not UTF-8",
    "INVALID STATE": "unreadable quoting",
}


def rejected_message(name: str, rejected: dict) -> str:
    """A notice saying which rows of ``name`` were left out and why."""
    count = rejected["count"]
    parts = []
    for example in rejected["examples"]:
        text = str(example["text"] or "")
        if len(text) > 60:
            text = text[:57] + "..."
        problem = _PROBLEMS.get(str(example["problem"]), str(example["problem"]).lower())
        parts.append("line " + str(example["line"]) + " (" + problem + ": " + text + ")")
    more = ", …" if count > len(parts) else ""
    return (str(count) + (" row" if count == 1 else " rows") + " of '" + name + "' did not fit the columns and "
            + ("was" if count == 1 else "were") + " left out: " + ", ".join(parts) + more
            + ". Check those lines; if whole columns look wrong, choose the delimiter or encoding by hand.")


def describe(table: str):
    """Steps: ``{table, rows, columns: [{name, type, kind}]}`` for ``table``."""
    counted = yield sql.count_rows(table)
    listed = yield sql.table_columns(table)
    columns = [{"name": row[0], "type": row[1]} for row in listed["rows"]]
    return {"table": table, "rows": counted["rows"][0][0], "columns": types.describe_columns(columns)}


def drop(table: str):
    """Steps: drop ``table``."""
    yield sql.drop_table(table)


def run(steps, execute):
    """Drive ``steps`` with a synchronous ``execute(sql, params)``; return its result."""
    result = None
    error = None
    while True:
        try:
            request = steps.throw(error) if error is not None else steps.send(result)
        except StopIteration as stop:
            return stop.value
        error = None
        try:
            result = execute(request[0], request[1])
        except errors.QueryError as failure:
            error = failure


def csv_failure(name: str, engine_message: str) -> str:
    """DuckDB's CSV error (many lines of sniffer settings) cut to what a person needs."""
    kept = []
    for line in engine_message.split("\n"):
        line = line.strip()
        if not line or line.startswith("Original Line") or line.startswith("Possible Solution"):
            continue
        if "=" in line or line.startswith("LINE "):
            break  # the sniffer's settings dump and the SQL excerpt follow
        kept.append(line.rstrip(".")[:300])
    detail = ". ".join(kept).replace("Invalid Input Error: ", "")
    if "not utf-8" in engine_message.lower():
        advice = (" The file is not UTF-8: choose its encoding (for example Windows-1252) when opening it,"
                  " or save it as UTF-8.")
    elif "Maximum line size" in engine_message:
        advice = (" A single line that long usually means the file is not line-based CSV"
                  " or has an unclosed quote; check the file, or split it into lines.")
    else:
        advice = (" Check that the file is comma-, semicolon-, tab- or pipe-separated text"
                  " with a header line.")
    return "Could not read '" + name + "' as CSV: " + detail + "." + advice
