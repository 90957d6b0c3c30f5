"""Loading and describing tables, written once for every engine.

The functions here are *step generators*: each yields ``(sql, params)``
requests and receives the engine's result (``{"columns", "rows"}``) back,
so the same logic runs against native DuckDB synchronously (``run``) and
against DuckDB-WASM asynchronously (``app.engine.wasm.run``). An engine error
is thrown into the generator, which may reword it.

Runs under MicroPython and CPython (see README.md).
"""

from app.core import errors, missing, recipe, sql, types, zones

REJECTS = "loupe_rejects"
DELIMITERS = (",", ";", "\t", "|")
# Lines the header check looks at when DuckDB's sniffer found no header.
HEADER_ROWS = 100
# How Excel's first line naming the delimiter begins ("sep=;").
EXCEL_SEP = "sep="
# What a first column with an empty header is called: R's and pandas' row names.
ROW_NAMES = "row_names"


def sniff_dialect(file_name: str, display_name: str, options=None, sep_line_read=False):
    """Steps: ``{delimiter, header, skip}`` to read ``file_name`` with, options given first.

    DuckDB's sniffer reads one column from a file with ragged rows; when it
    does, each common delimiter is tried leniently and the one giving the
    most columns wins, so the rows that do not fit can be counted instead.
    When it finds no header, the first lines are looked at again as text
    (``header_stands_out``). A first line such as ``sep=;``, as Excel writes
    it, names the delimiter and is skipped (``excel_separator``).
    ``missing`` (markers) is passed on as given. ``sep_line_read``: the
    options already come from ``excel_options`` (the loader's preview).
    """
    options = options or {}
    if not sep_line_read:
        options = yield from excel_options(file_name, options)
    try:
        found = yield sql.sniff_csv(file_name, options)
    except errors.QueryError as error:
        raise errors.OpenError(csv_failure(display_name, str(error)))
    delimiter, header, skip, width = found["rows"][0]
    if width == 1 and options.get("delimiter") is None:
        for candidate in DELIMITERS + (" ",):
            if candidate == " " and width > 1:
                break  # a space only when no delimiter of its own splits the lines
            tried = dict(options)
            tried["delimiter"] = candidate
            try:
                # Sentences have spaces too: a space delimits only lines that all have as many fields.
                other = yield sql.sniff_csv(file_name, tried, lenient=candidate != " ")
            except errors.QueryError:
                continue
            if candidate == " " and other["rows"][0][2] != skip:
                continue  # lines skipped to make spaces fit: not a table
            if other["rows"][0][3] > width:
                delimiter, header, skip, width = other["rows"][0]
    dialect = {"delimiter": delimiter, "header": header, "skip": skip}
    for key in dialect:
        if options.get(key) is not None:
            dialect[key] = options[key]
    if options.get("encoding"):
        dialect["encoding"] = options["encoding"]
    if not dialect["header"] and options.get("header") is None:
        # DuckDB finds no header when every column is text and the first line
        # has an empty field (R's row names), or when the file is one line.
        try:
            first = yield sql.first_rows(file_name, dialect, HEADER_ROWS)
        except errors.QueryError:
            first = None  # ragged or unreadable as text: keep DuckDB's answer
        if first is not None and header_stands_out(first["rows"]):
            dialect["header"] = True
    for key in ("missing", "late"):  # passed on to load_csv as given
        if options.get(key) is not None:
            dialect[key] = options[key]
    return dialect


def excel_separator(line):
    """The delimiter a first line ``line`` such as "sep=;" names (Excel's way of saying it), or None."""
    if line is None or not line.startswith(EXCEL_SEP) or len(line) <= len(EXCEL_SEP):
        return None
    delimiter = line[len(EXCEL_SEP)]
    rest = line[len(EXCEL_SEP) + 1 :].rstrip("\r")
    # A spreadsheet saved again pads the line with delimiters: "sep=;;;".
    if delimiter not in DELIMITERS or rest.replace(delimiter, "") != "":
        return None
    return delimiter


def header_stands_out(rows: list) -> bool:
    """True when the first of ``rows`` (values as text, None when empty) is a header over the others.

    Each column votes: a label over numbers, a label that does not recur
    over values that do, or an empty first field over the row numbers 1..N
    (R's row names) say header; a value that fits the column below it (a
    number over numbers, a value that recurs) says data, and wins. A single
    line holding no number is a header with no rows.
    """
    if not rows or all(value is None for value in rows[0]):
        return False
    first, rest = rows[0], rows[1:]
    if not rest:
        return not any(_is_number(value) for value in first if value is not None)
    if _row_names_header(first, rest):
        return True
    votes = 0
    for i, label in enumerate(first):
        values = [row[i] for row in rest if i < len(row) and row[i] is not None]
        if not values:
            continue
        numbers = all(_is_number(value) for value in values)
        if label is None:
            if i == 0 and numbers and _counts_up(values):
                votes += 1
        elif numbers:
            if _is_number(label):
                return False
            votes += 1
        elif label in values:
            return False
        elif len(set(values)) < len(values):
            votes += 1
    return votes > 0


def _row_names_header(first: list, rest: list) -> bool:
    """R's write.csv: an empty first field over row names (1, 2, 3, … or labels, each once), every other
    field of the header filled: a header even when its labels are numbers (years, a table's levels)."""
    if first[0] is not None or len(first) < 2 or any(value is None for value in first[1:]):
        return False
    if not all(len(row) == len(first) and row[0] is not None for row in rest):
        return False
    names = [row[0] for row in rest]
    if all(_is_number(name) for name in names):
        return _counts_up(names)
    return not any(_is_number(name) for name in names) and len(set(names)) == len(names)


def load_csv(table: str, file_name: str, display_name: str, options=None):
    """Steps: create ``table`` from the registered CSV ``file_name``; return its description.

    Rows with the wrong number of fields (or unreadable bytes) are left out
    and reported in ``info["rejected"]``: ``{count, examples}``. A column
    with values far into the file that do not fit its sniffed type is read
    again as text and widened (``missing.settle_types``), so no row is lost
    to it. Columns of numbers, dates or booleans holding missing-value
    markers (``options["missing"]``, or ``missing.KNOWN`` when not given)
    get their type with the markers as NULL; ``info["missing"]`` lists the
    markers given, or else those found; ``info["settled"]`` the changes.
    ``options["text_columns"]`` (0-based; a workbook's columns of text cells)
    stay VARCHAR and keep their values as written (``info["text"]`` names them).
    ``options["late"]`` (``missing.AS_MISSING``) keeps a late column's sniffed
    type instead, the values that do not fit it NULL and counted. Times with
    a time zone are read as UTC (``zones.to_utc``, ``info["utc"]``). A
    delimiter at the end of every line makes no empty column.
    """
    options = options or {}
    markers = missing.checked(options.get("missing"))
    unfit = options.get("late") or missing.WIDEN
    if unfit not in [choice for choice, _ in missing.LATE_CHOICES]:
        raise errors.OpenError(
            "What becomes of values that do not fit must be one of "
            + ", ".join(repr(c) for c, _ in missing.LATE_CHOICES)
            + "; got "
            + repr(unfit)[:40]
            + "."
        )
    yield from _create(table, file_name, display_name, options, None)
    info = yield from describe(table)
    if not info["columns"]:
        yield sql.drop_table(table)
        raise errors.OpenError("'" + display_name + "' has no columns. Check that it is a CSV file with a header line.")
    kept_text = [info["columns"][i]["name"] for i in options.get("text_columns") or [] if i < len(info["columns"])]
    if any(c["name"] in kept_text and c["type"] != "VARCHAR" for c in info["columns"]):
        # A workbook's cells of text ("007", "f") stay text, as pandas and R read them.
        yield sql.drop_table(table)
        as_text = ["VARCHAR" if c["name"] in kept_text else c["type"] for c in info["columns"]]
        yield from _create(table, file_name, display_name, options, as_text)
        info = yield from describe(table)
    rejected = yield sql.rejected_rows(REJECTS)
    late = {}  # type: dict
    if rejected["rows"]:
        late = yield from _late_values()
    widened = {c["name"]: c["type"] for c in info["columns"] if c["name"] in late}
    zoned = [name for name in zones.zoned(info["columns"]) if name not in widened]
    if widened or zoned:
        # Read again with those columns as text, which every value fits; settle_types widens them,
        # zones.to_utc reads each zoned value's offset.
        yield sql.drop_table(table)
        as_text = [
            "VARCHAR" if c["name"] in widened or c["name"] in zoned or c["name"] in kept_text else c["type"]
            for c in info["columns"]
        ]
        yield from _create(table, file_name, display_name, options, as_text)
        info = yield from describe(table)
        rejected = yield sql.rejected_rows(REJECTS)
    if (yield from _drop_trailing_column(table, file_name, options, info["columns"])):
        info = yield from describe(table)
    plain = [c for c in info["columns"] if c["name"] not in zoned and c["name"] not in kept_text]
    changes = yield from missing.settle_types(table, plain, markers, widened, unfit)
    for change in changes:
        change["late"] = late.get(change["column"])
    if changes:
        info = yield from describe(table)
    in_utc = yield from zones.to_utc(table, info["columns"], zoned)
    renamed = yield from _name_row_names(table, file_name, options, info["columns"])
    if in_utc or renamed:
        info = yield from describe(table)
    if rejected["rows"]:
        info["rejected"] = {
            "count": rejected["rows"][0][0],
            "examples": [{"line": r[1], "problem": r[2], "text": r[3]} for r in rejected["rows"]],
        }
    info["missing"] = markers if options.get("missing") is not None else missing.used(changes, markers)
    info["settled"] = changes
    info["utc"] = in_utc
    info["text"] = kept_text
    return info


def excel_options(file_name: str, options: dict):
    """Steps: ``options`` with the delimiter a first line such as "sep=;" names, and that line skipped."""
    excel = yield from _excel_line(file_name, options)
    if excel is None:
        return options
    options = dict(options)
    for key, value in (("delimiter", excel), ("skip", 1)):
        if options.get(key) is None:
            options[key] = value
    return options


def _excel_line(file_name: str, options: dict):
    """Steps: the delimiter the file's first line names (``excel_separator``), or None."""
    try:
        found = yield sql.first_line(file_name, options)
    except errors.QueryError:
        return None  # unreadable as text: the sniffer will say why
    return excel_separator(found["rows"][0][0]) if found["rows"] else None


def _drop_trailing_column(table: str, file_name: str, options: dict, columns: list):
    """Steps: drop the empty last column a delimiter at the end of every line makes; True if dropped.

    DuckDB names it (``column2``) after the empty last field of the header;
    a column that holds a value, or whose header says its name, is kept.
    """
    last = columns[-1]["name"]
    if len(columns) < 2 or last != "column" + str(len(columns) - 1):
        return False
    counted = yield sql.count_values(table, last)
    if counted["rows"][0][0]:
        return False
    first = yield sql.first_rows(file_name, options, 1)
    if not first["rows"] or first["rows"][0][-1] is not None:
        return False
    yield sql.drop_column(table, last)
    return True


def _create(table: str, file_name: str, display_name: str, options: dict, column_types):
    """Steps: (re)create ``table`` from the file, its rejects table fresh."""
    for statement in sql.drop_rejects(REJECTS):
        yield statement
    try:
        yield sql.create_table_from_csv(table, file_name, options, REJECTS, column_types)
    except errors.QueryError as error:  # a Cancel is errors.Cancelled, which passes
        raise errors.OpenError(csv_failure(display_name, str(error)))


def _late_values():
    """Steps: ``{column: {lines, line, text}}`` for columns with values that did not fit their sniffed type."""
    found = yield sql.cast_rejects(REJECTS)
    return {row[0]: {"lines": row[1], "line": row[2], "text": row[3]} for row in found["rows"]}


def _name_row_names(table: str, file_name: str, options: dict, columns: list):
    """Steps: give a first column with an empty header (R's and pandas' row names) a name; True if renamed."""
    first = columns[0]["name"]
    generated = first.startswith("column") and first[6:] != "" and first[6:] == "0" * len(first[6:])
    if not generated or not options.get("header") or ROW_NAMES in [c["name"] for c in columns]:
        return False
    header = yield sql.first_rows(file_name, options, 1)
    if not header["rows"] or header["rows"][0][0] is not None:
        return False  # a header that really says "column0"
    yield sql.rename_column(table, first, ROW_NAMES)
    return True


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
    return (
        str(count)
        + (" row" if count == 1 else " rows")
        + " of '"
        + name
        + "' did not fit the columns and "
        + ("was" if count == 1 else "were")
        + " left out: "
        + ", ".join(parts)
        + more
        + ". Check those lines; if whole columns look wrong, choose the delimiter or encoding by hand."
    )


def describe(table: str):
    """Steps: ``{table, rows, columns: [{name, type, kind}]}`` for ``table``."""
    counted = yield sql.count_rows(table)
    listed = yield sql.table_columns(table)
    columns = [{"name": row[0], "type": row[1]} for row in listed["rows"]]
    return {"table": table, "rows": counted["rows"][0][0], "columns": types.describe_columns(columns)}


def drop(table: str):
    """Steps: drop ``table`` (with its source, if it has transform steps: app/core/recipe.py)."""
    yield from recipe.drop(table)


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


def _is_number(text: str) -> bool:
    text = text.strip()
    if not any(ch in "0123456789" for ch in text):
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def _counts_up(values: list) -> bool:
    """True for "1", "2", "3", … (or from "0", as pandas numbers rows)."""
    start = 0 if values[0].strip() == "0" else 1
    for i, value in enumerate(values):
        if value.strip() != str(start + i):
            return False
    return True


def csv_failure(name: str, engine_message: str) -> str:
    """DuckDB's CSV error (many lines of sniffer settings) cut to what a person needs."""
    kept = []
    for line in engine_message.split("\n"):
        line = line.strip()
        if not line or line.startswith("Original Line") or line.startswith("Possible Solution"):
            continue
        if "=" in line or line.startswith("LINE ") or line.startswith("The search space"):
            break  # the sniffer's settings dump, its search space and the SQL excerpt follow
        kept.append(line.rstrip(".")[:300])
    detail = ". ".join(kept).replace("Invalid Input Error: ", "")
    if "not utf-8" in engine_message.lower():
        advice = (
            " The file is not UTF-8: choose its encoding (for example Windows-1252) when opening it,"
            " or save it as UTF-8."
        )
    elif "Maximum line size" in engine_message:
        advice = (
            " A single line that long usually means the file is not line-based CSV"
            " or has an unclosed quote; check the file, or split it into lines."
        )
    else:
        advice = " Check that the file is comma-, semicolon-, tab- or pipe-separated text with a header line."
    return "Could not read '" + name + "' as CSV: " + detail + "." + advice
