"""Exporting the current view: formats, the SQL that feeds a file, file names and messages.

The view's SELECT (``app.core.query.view_select``: filters, sort, grouping,
visible columns) is wrapped by ``export_select``, which renames the columns
to unique names, casts what a format cannot store, and neutralises text
that a spreadsheet would run as a formula. Each format in ``FORMATS`` names
its writer; the UI runs it (app/ui/panels/export_menu.py):

    copy     CSV and TSV: DuckDB's own ``COPY ... TO``, in parts (``copy_plan``)
    json     Arrow batches to an array of objects, in JavaScript
    parquet  Arrow batches to parquet-wasm, in its worker
    xlsx     JSON rows to openpyxl in the Pyodide worker (``XlsxBook``)

Spreadsheet formula injection (OWASP "CSV injection"): a cell that begins
with ``= + - @``, a tab or a carriage return may be run as a formula when
the file is opened in a spreadsheet. When the person keeps the protection
on, such text gets a leading ``'`` in CSV and TSV; in Excel files the cell
is marked as text with Excel's own quote prefix, so the value itself stays
exact. Only text (and binary) columns are touched: numbers, negative ones
included, stay numbers. Excel cells never hold formulas, protected or not.

The work is split by responsibility; this module re-exports what callers use:
    export_xlsx     -- formula prefixes, Excel's limits and sheet names, ``XlsxBook``
    export_markdown -- ``markdown`` tables for the clipboard and their message

Runs under MicroPython and CPython (see README.md). ``XlsxBook`` needs
openpyxl and runs in the Pyodide worker only.
"""

from app.core import display, errors, export_markdown, export_xlsx, sql
from app.core.export_xlsx import FORMULA_PREFIXES, TEXT_PREFIX, XLSX_MAX_COLUMNS, XLSX_MAX_ROWS

# Re-exported: callers (app.ui.panels.export_menu, app/worker.py, the tests) use them as export.X.
XlsxBook, XLSX_MAX_CELL = export_xlsx.XlsxBook, export_xlsx.XLSX_MAX_CELL
is_formula_like, sheet_title = export_xlsx.is_formula_like, export_xlsx.sheet_title
markdown, markdown_message = export_markdown.markdown, export_markdown.markdown_message
MARKDOWN_MAX_ROWS = export_markdown.MARKDOWN_MAX_ROWS

# Kinds whose values are text a person typed, and can hold a formula.
_NEUTRALISED_KINDS = ("text", "binary")

# Types the Arrow route (JSON, Parquet, Excel) cannot carry exactly: month-day-
# nanosecond intervals, ENUM dictionaries in streamed batches, unions, 128-bit
# unsigned and arbitrary-size integers, bit strings and times with an offset
# arrive garbled or lose a part. Columns whose type names one of these (nested
# or not, as whole words) are written as DuckDB's text for them instead.
_ARROW_AS_TEXT = ("INTERVAL", "ENUM", "UNION", "UHUGEINT", "BIGNUM", "VARINT", "BIT", "TIME WITH TIME ZONE")
# JSON and Excel values pass through arrow-json.mjs, which keeps microseconds.
_JSON_AS_TEXT = _ARROW_AS_TEXT + ("TIMESTAMP_NS",)

# The formats in the order they are offered (MicroPython's dicts keep no order).
ORDER = ("csv", "tsv", "json", "parquet", "xlsx")
# format -> how it is written. ``neutralise``: where formula protection applies
# ("sql": in export_select, "cell": by the Excel writer, None: not a spreadsheet
# format). ``as_text``: words of DuckDB type names the format gets as text.
FORMATS = {  # type: dict
    "csv": {
        "label": "CSV",
        "extension": "csv",
        "mime": "text/csv",
        "writer": "copy",
        "delimiter": ",",
        "neutralise": "sql",
    },
    "tsv": {
        "label": "TSV",
        "extension": "tsv",
        "mime": "text/tab-separated-values",
        "writer": "copy",
        "delimiter": "\t",
        "neutralise": "sql",
    },
    "json": {
        "label": "JSON",
        "extension": "json",
        "mime": "application/json",
        "writer": "json",
        "neutralise": None,
        "as_text": _JSON_AS_TEXT,
    },
    "parquet": {
        "label": "Parquet",
        "extension": "parquet",
        "mime": "application/vnd.apache.parquet",
        "writer": "parquet",
        "neutralise": None,
        "as_text": _ARROW_AS_TEXT,
    },
    "xlsx": {
        "label": "Excel",
        "extension": "xlsx",
        "mime": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "writer": "xlsx",
        "neutralise": "cell",
        "as_text": _JSON_AS_TEXT,
        "max_rows": XLSX_MAX_ROWS - 1,
        "max_columns": XLSX_MAX_COLUMNS,
    },
}


def export_select(select_sql: str, params: list, columns: list, neutralise: bool = False, fmt_key=None) -> tuple:
    """The view's SELECT wrapped for a file: unique column names, casts, formula protection.

    ``columns`` are the ``[{name, type, kind}]`` of the SELECT's result, in
    order. With ``neutralise``, text that begins like a formula gets a
    leading ``'`` (only where the format says so in SQL, when ``fmt_key`` is
    given). The row order of ``select_sql`` is kept.
    """
    if not columns:
        raise errors.ExportError("Every column is hidden; show at least one column to export.")
    entry = FORMATS[fmt_key] if fmt_key is not None else {"neutralise": "sql"}
    protect = bool(neutralise) and entry.get("neutralise") == "sql"
    as_text = entry.get("as_text") or ()
    aliases = [sql.quote_ident("c" + str(i)) for i in range(len(columns))]
    names = unique_names([c["name"] for c in columns])
    parts = []
    for i in range(len(columns)):
        expression = _expression(columns[i], "v." + aliases[i], protect, as_text)
        parts.append(expression + " AS " + sql.quote_ident(names[i]))
    text = "SELECT " + ", ".join(parts) + " FROM (" + select_sql + ") AS v(" + ", ".join(aliases) + ")"
    return text, list(params)


def export_columns(columns: list, fmt_key=None) -> list:
    """``[{name, type, kind}]`` of what ``export_select`` returns: unique names, casts applied."""
    as_text = (FORMATS[fmt_key].get("as_text") or ()) if fmt_key is not None else ()
    names = unique_names([c["name"] for c in columns])
    out = []
    for i in range(len(columns)):
        column = columns[i]
        if _stored_as_text(column, as_text):
            out.append({"name": names[i], "type": "VARCHAR", "kind": "text"})
        else:
            out.append({"name": names[i], "type": column["type"], "kind": column["kind"]})
    return out


def copy_to(select_sql: str, params: list, file_name: str, fmt_key: str, header: bool = True) -> tuple:
    """``COPY (select) TO file`` as CSV or TSV, with a header row or not (NULL: an empty field).

    The file name and the delimiter are Loupe's own (``loupe-3.csv``, a
    registry constant) and are written as SQL literals: DuckDB numbers the
    ``?`` of COPY's target and options before those of its query, so as
    parameters they would take the query's values.
    """
    entry = FORMATS[fmt_key]
    if entry["writer"] != "copy":
        raise ValueError(fmt_key + " is not written by COPY")
    for ch in file_name or "'":
        if not ("a" <= ch <= "z" or "A" <= ch <= "Z" or "0" <= ch <= "9" or ch in "-_./"):
            raise ValueError("export file names are Loupe's own: letters, digits and '-_./'")
    text = (
        "COPY ("
        + select_sql
        + ") TO '"
        + file_name
        + "' (FORMAT csv, HEADER "
        + ("true" if header else "false")
        + ", DELIMITER "
        + _literal(entry["delimiter"])
        + ")"
    )
    return text, list(params)


def copy_plan(select_sql: str, params: list, rows: int, columns: int, fmt_key: str, stem: str) -> dict:
    """The statements that write a view of ``rows`` rows as CSV or TSV, in parts.

    DuckDB-WASM slows down more than linearly as one written file grows
    (3M rows: 14 s as one file, under 2 s in parts), so the view is stored
    once in the temporary table ``stem`` and copied a few hundred thousand
    rows at a time to files ``stem-0.csv``, ``stem-1.csv`` ...; only the
    first has the header, and the parts joined in order are the file.

        {"before": [(sql, params)], "files": [(sql, params, file name)], "after": [(sql, params)]}
    """
    table = "temp." + sql.quote_ident(stem)
    step = copy_chunk_rows(columns)
    files = []  # type: list
    start = 0
    while start < rows or not files:
        name = stem + "-" + str(len(files)) + "." + FORMATS[fmt_key]["extension"]
        part = ("SELECT * FROM " + table + " WHERE rowid >= ? AND rowid < ?", [start, start + step])
        files.append(copy_to(part[0], part[1], name, fmt_key, not files) + (name,))
        start += step
    return {
        "before": [("CREATE OR REPLACE TEMP TABLE " + sql.quote_ident(stem) + " AS " + select_sql, list(params))],
        "files": files,
        "after": [("DROP TABLE IF EXISTS " + table, [])],
    }


def copy_chunk_rows(columns: int) -> int:
    """Rows per part of a CSV export: about 2 million values, between 1,000 and 200,000 rows."""
    return max(1000, min(200000, 2000000 // max(1, int(columns))))


def count_rows(select_sql: str, params: list) -> tuple:
    """The number of rows a SELECT returns, as one value ``n``."""
    return "SELECT count(*) AS n FROM (" + select_sql + ") AS v", list(params)


def first_rows(select_sql: str, params: list, limit: int) -> tuple:
    """The first ``limit`` rows of a SELECT (from ``export_select``), in its order."""
    return select_sql + " LIMIT ?", list(params) + [int(limit)]


def size_problem(fmt_key: str, rows: int, columns: int) -> str:
    """Why the view is too big for a format ('' when it fits)."""
    entry = FORMATS[fmt_key]
    most = entry.get("max_rows")
    if most is not None and rows > most:
        return export_xlsx.too_many_rows(rows, most)
    widest = entry.get("max_columns")
    if widest is not None and columns > widest:
        return (
            "The view has "
            + display.thousands(columns)
            + " columns; an Excel sheet holds at most "
            + display.thousands(widest)
            + ". Hide some columns, or export as CSV or Parquet."
        )
    return ""


def unique_names(names: list) -> list:
    """``names`` with repeats made unique: ``['a', 'a']`` -> ``['a', 'a_2']``."""
    taken = {}
    for name in names:
        taken[name] = True
    used = {}
    out = []
    for name in names:
        candidate = name
        n = 1
        while candidate in used or (candidate != name and candidate in taken):
            n += 1
            candidate = name + "_" + str(n)
        used[candidate] = True
        out.append(candidate)
    return out


def file_name(table: str, fmt_key: str) -> str:
    """A download name from a table name: ``'sales 2024/Q1'`` -> ``'sales 2024_Q1.csv'``."""
    out = []
    for ch in str(table):
        out.append("_" if ch in '<>:"/\\|?*' or ord(ch) < 32 or ord(ch) == 127 else ch)
    stem = "".join(out).strip(" .")[:100] or "export"
    return stem + "." + FORMATS[fmt_key]["extension"]


def done_message(fmt_key: str, rows: int, name: str) -> str:
    """``'Exported 1,461 rows as CSV to seattle_weather.csv.'``"""
    return (
        "Exported "
        + display.thousands(rows)
        + (" row" if rows == 1 else " rows")
        + " as "
        + FORMATS[fmt_key]["label"]
        + " to "
        + name
        + "."
    )


def _expression(column: dict, ref: str, protect: bool, as_text) -> str:
    kind = column["kind"]
    if _stored_as_text(column, as_text):
        return "CAST(" + ref + " AS VARCHAR)"
    if not protect or kind not in _NEUTRALISED_KINDS:
        return ref
    if column["type"].upper() != "VARCHAR":
        ref = "CAST(" + ref + " AS VARCHAR)"
    # Constants of this module, not values: the prefixes are fixed characters.
    return (
        "CASE WHEN left("
        + ref
        + ", 1) IN ("
        + ", ".join(_char_sql(c) for c in FORMULA_PREFIXES)
        + ") THEN "
        + _char_sql(TEXT_PREFIX)
        + " || "
        + ref
        + " ELSE "
        + ref
        + " END"
    )


def _stored_as_text(column: dict, as_text) -> bool:
    """True if ``column``'s type names one of ``as_text`` as a whole word (a field called 'orbit' is no BIT)."""
    words = " " + _type_words(column["type"]) + " "
    for name in as_text:
        if " " + name + " " in words:
            return True
    return False


def _type_words(duckdb_type: str) -> str:
    """``'STRUCT(a INTERVAL[])'`` -> ``'STRUCT A INTERVAL'``: the type's words, one space apart."""
    out = []
    word = ""
    for ch in duckdb_type.upper() + " ":
        if "A" <= ch <= "Z" or "0" <= ch <= "9" or ch == "_":
            word += ch
        elif word:
            out.append(word)
            word = ""
    return " ".join(out)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _char_sql(ch: str) -> str:
    """One character as a SQL expression: ``chr(61)`` for ``=``."""
    return "chr(" + str(ord(ch)) + ")"
