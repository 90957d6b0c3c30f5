"""How the exported Python scripts name and read a table's source: the path variable, DuckDB's read call.

A local file becomes a variable at the top of the script whose default is
the file's own name (``SALES_CSV = "sales.csv"``), relative to the working
directory; a URL is read as it is; pasted text is kept in the script.
``read_sql`` is the DuckDB SELECT that reads the file as Loupe read it:
its delimiter, header, encoding and every column's type, with the
missing-value markers Loupe found (``NA``, ``-``…) read as NULL in the
columns they kept from being numbers or dates — and kept as text in text
columns, as Loupe keeps them.

Runs in the Pyodide worker and in CPython (a printer: see app/core/code_plan.py).
"""

from app.core import sql

# Encodings DuckDB's read_csv reads by itself; others are decoded by Python first (see code_duckdb).
NATIVE_ENCODINGS = ("utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "latin-1", "latin1", "iso-8859-1")


def variable(plan: dict) -> str:
    """The script's name for the source's path: ``SALES_CSV`` for ``sales.csv`` (``TABLE_SOURCE`` for text)."""
    source = plan["source"]
    name = source.get("name") or plan["table"]
    if source.get("kind") == "url":
        name = (source.get("url") or name).rsplit("/", 1)[-1].split("?")[0] or plan["table"]
    if not has_file(plan):
        name = plan["table"] + "_parquet"
    return identifier(name).upper()


def identifier(name: str) -> str:
    """``name`` as a Python identifier: letters, digits and underscores, not starting with a digit."""
    out = "".join(ch if ch.isalnum() and ch.isascii() else "_" for ch in name).strip("_") or "table"
    while "__" in out:
        out = out.replace("__", "_")
    return "_" + out if out[0].isdigit() else out


def location(plan: dict) -> str:
    """The path variable's default: the file's name, or the URL."""
    source = plan["source"]
    if source.get("kind") == "url":
        return source.get("url") or source.get("name") or ""
    if not has_file(plan):
        return plan["table"] + ".parquet"
    return source.get("name") or plan["table"]


def has_file(plan: dict) -> bool:
    """False for a table made in Loupe by SQL or from pasted text: the script reads its Parquet export instead."""
    return plan["source"].get("kind") not in ("query", "text")


def file_format(plan: dict) -> str:
    """``csv``, ``parquet``, ``json``, ``xlsx``, ``sqlite``…: how the source is read."""
    if not has_file(plan):
        return "parquet"
    read = plan["source"].get("read") or {}
    fmt = read.get("format")
    if fmt:
        return str(fmt)
    name = location(plan).lower().rsplit("?", 1)[0]
    known = [(".parquet", "parquet"), (".json", "json"), (".jsonl", "json"), (".ndjson", "json")]
    known += [(s, "xlsx") for s in (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")]
    known += [(s, "sqlite") for s in (".sqlite", ".sqlite3", ".db")]
    for suffix, kind in known:
        if name.endswith(suffix):
            return kind
    return "csv"


# Formats the scripts read again themselves; a workbook's or a SQLite file's table is read by Loupe's own readers.
SCRIPT_FORMATS = ("csv", "json", "jsonl", "json_lines", "parquet")
_FORMAT_WORDS = {"xlsx": "a spreadsheet", "sqlite": "a SQLite database"}


def unread_by_scripts(plan: dict) -> str:
    """What keeps a script from reading ``plan``'s source as Loupe did, in words ('' when nothing does)."""
    fmt = file_format(plan)
    if fmt in SCRIPT_FORMATS:
        return ""
    return (
        "the table '"
        + plan["table"]
        + "' comes from "
        + _FORMAT_WORDS.get(fmt, "a " + fmt + " file")
        + " ("
        + location(plan)
        + "), which Loupe reads with readers of its own that a script would not match"
    )


def encoding(plan: dict) -> str:
    """The source's text encoding as Loupe read it ('' for UTF-8 or a binary format)."""
    value = str((plan["source"].get("read") or {}).get("encoding") or "")
    return "" if value.lower() in ("", "utf-8", "utf8") else value


def markers(plan: dict) -> list:
    """The missing-value markers Loupe read as NULL (``[]`` when none)."""
    return [str(m) for m in (plan["source"].get("read") or {}).get("missing") or [] if str(m) != ""]


def read_sql(plan: dict, path_sql: str = "?") -> str:
    """DuckDB's SELECT reading the source as Loupe did; ``path_sql`` stands for the path (a parameter)."""
    fmt = file_format(plan)
    columns = plan["source_columns"]
    if fmt == "parquet":
        return "SELECT * FROM read_parquet(" + path_sql + ")"
    if fmt == "json":
        return "SELECT * FROM read_json(" + path_sql + ", columns = " + _struct(columns) + ")"
    read = plan["source"].get("read") or {}
    found = markers(plan)
    parts = [path_sql]
    if read.get("delimiter") is not None:
        parts.append("delim = " + sql.literal(read["delimiter"]))
    header = read.get("header")
    parts.append("header = " + ("true" if header is not False else "false"))
    text_encoding = encoding(plan)
    if text_encoding and text_encoding.lower() in NATIVE_ENCODINGS:
        parts.append("encoding = " + sql.literal(_duckdb_encoding(text_encoding)))
    if read.get("skip"):
        parts.append("skip = " + str(int(read["skip"])))
    typed = [_read_type(c, found) for c in columns]
    parts.append("names = [" + ", ".join(sql.literal(c["name"]) for c in columns) + "]")
    parts.append("types = [" + ", ".join(sql.literal(t) for t in typed) + "]")
    if not found or all(t == c["type"] for c, t in zip(columns, typed)):
        return "SELECT * FROM read_csv(" + ", ".join(parts) + ")"
    listed = "(" + ", ".join(sql.literal(m) for m in found) + ")"
    selected = []
    for column, read_as in zip(columns, typed):
        name = sql.quote_ident(column["name"])
        if read_as == column["type"]:
            selected.append(name)
        else:
            selected.append(
                "CAST(CASE WHEN "
                + name
                + " IN "
                + listed
                + " THEN NULL ELSE "
                + name
                + " END AS "
                + column["type"]
                + ") AS "
                + name
            )
    return "SELECT " + ", ".join(selected) + " FROM read_csv(" + ", ".join(parts) + ")"


def marker_columns(plan: dict) -> list:
    """The columns whose missing-value markers are read as NULL (the typed ones)."""
    found = markers(plan)
    return [c["name"] for c in plan["source_columns"] if found and _read_type(c, found) != c["type"]]


def _read_type(column: dict, found: list) -> str:
    """The type a column is read as: its own, or VARCHAR when markers must become NULL before its cast."""
    if found and column["type"] != "VARCHAR":
        return "VARCHAR"
    return column["type"]


def _struct(columns: list) -> str:
    return "{" + ", ".join(sql.literal(c["name"]) + ": " + sql.literal(c["type"]) for c in columns) + "}"


def _duckdb_encoding(name: str) -> str:
    lowered = name.lower()
    if lowered.startswith("utf-16") or lowered.startswith("utf16"):
        return "utf-16"
    if lowered in ("latin1", "iso-8859-1"):
        return "latin-1"
    return lowered
