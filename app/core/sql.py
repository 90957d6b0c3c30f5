"""SQL builders: each returns ``(sql, params)``; values are always parameters.

Identifiers go through ``quote_ident`` and nothing else. File names given to
readers are virtual names Loupe registers with the engine, passed as
parameters too.

Runs under MicroPython and CPython (see README.md).
"""

_DIRECTIONS = {"asc": "ASC", "desc": "DESC"}


def quote_ident(name: str) -> str:
    """``name`` as a quoted DuckDB identifier; inner double quotes are doubled."""
    if "\x00" in name:
        raise ValueError("identifiers cannot contain NUL characters")
    return '"' + name.replace('"', '""') + '"'


def literal(value) -> str:
    """``value`` (None, a bool, a number or text) as a DuckDB literal, for SQL that cannot take parameters (a view)."""
    if value is None:
        return "NULL"
    if value is True or value is False:
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "'" + ("nan" if value != value else ("inf" if value > 0 else "-inf")) + "'::DOUBLE"
        return repr(value) + "::DOUBLE"
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text values cannot contain NUL characters")
        return "'" + value.replace("'", "''") + "'"
    raise ValueError("no SQL literal for " + repr(value))


def inline(text: str, params: list) -> str:
    """``text`` with each ``?`` outside quotes replaced by its parameter as a literal (for a view)."""
    out = []
    values = list(params)
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in ("'", '"'):
            end = text.find(ch, i + 1)
            while end >= 0 and text[end + 1 : end + 2] == ch:
                end = text.find(ch, end + 2)
            end = len(text) if end < 0 else end + 1
            out.append(text[i:end])
            i = end
            continue
        if ch == "?":
            if not values:
                raise ValueError("more ? than parameters")
            out.append(literal(values.pop(0)))
        else:
            out.append(ch)
        i += 1
    if values:
        raise ValueError("more parameters than ?")
    return "".join(out)


# read_csv options a person can set, as (option key, DuckDB parameter name).
CSV_OPTIONS = [("delimiter", "delim"), ("header", "header"), ("encoding", "encoding"), ("skip", "skip")]


PREVIEW_ROWS = 50
# Rows the dialect sniff and the preview look at: enough to tell the
# delimiter and header, small enough to show the first rows at once.
QUICK_SAMPLE = 2048


def read_csv(file_name: str, options=None, rejects=None, sample=None, types=None) -> tuple:
    """``read_csv(?, ...)`` for a registered file; unset options are sniffed by DuckDB.

    With ``rejects`` (a temporary table name), rows that do not fit — too
    many or too few fields, a value of the wrong type — are left out and
    recorded there instead of failing the whole load (see ``rejected_rows``).
    ``types`` gives every column's type, in order (DuckDB type names).
    """
    arguments, params = _csv_arguments(file_name, options, rejects, sample)
    if types:
        arguments += ", types = [" + ", ".join("?" for _ in types) + "]"
        params = params + list(types)
    return "read_csv(" + arguments + ")", params


def first_rows(file_name: str, options=None, limit: int = 100) -> tuple:
    """The first ``limit`` lines of a CSV as text, the header line (if any) as a row like the others."""
    plain = dict(options or {})
    plain["header"] = False
    arguments, params = _csv_arguments(file_name, plain, None, QUICK_SAMPLE)
    return "SELECT * FROM read_csv(" + arguments + ", all_varchar = true) LIMIT ?", params + [int(limit)]


def first_line(file_name: str, options=None) -> tuple:
    """The first line of a file as one text value, however it is delimited or quoted (no rows if empty)."""
    parts = [
        "?",
        "auto_detect = false",
        "header = false",
        "delim = ?",
        "quote = ''",
        "escape = ''",
        "columns = {'line': 'VARCHAR'}",
        "ignore_errors = true",
    ]
    params = [file_name, "\x1f"]  # type: list
    if (options or {}).get("encoding"):
        parts.append("encoding = ?")
        params.append(options["encoding"])
    return "SELECT line FROM read_csv(" + ", ".join(parts) + ") LIMIT 1", params


def drop_column(table: str, column: str) -> tuple:
    """Drop ``column`` of ``table``."""
    return "ALTER TABLE " + quote_ident(table) + " DROP COLUMN " + quote_ident(column), []


def count_values(table: str, column: str) -> tuple:
    """How many values of ``column`` are not NULL, as one value."""
    return "SELECT count(" + quote_ident(column) + ") FROM " + quote_ident(table), []


def sniff_csv(file_name: str, options=None, lenient: bool = False) -> tuple:
    """DuckDB's guess of a CSV dialect: one row (delimiter, has header, skip rows, columns).

    ``lenient`` lets lines that disagree with the dialect through, to test a
    delimiter on a file with ragged rows.
    """
    arguments, params = _csv_arguments(file_name, options, None, QUICK_SAMPLE)
    if lenient:
        arguments += ", ignore_errors = true"
    return "SELECT Delimiter, HasHeader, SkipRows, len(Columns) FROM sniff_csv(" + arguments + ")", params


def _csv_arguments(file_name: str, options, rejects, sample) -> tuple:
    """The arguments shared by read_csv and sniff_csv, with their parameters."""
    parts = ["?"]
    params = [file_name]  # type: list
    options = options or {}
    for key, parameter in CSV_OPTIONS:
        if options.get(key) is not None:
            parts.append(parameter + " = ?")
            params.append(options[key])
    if rejects:
        parts.append("store_rejects = true, rejects_table = ?, rejects_scan = ?")
        params.extend([rejects, rejects + "_scans"])
    if sample:
        parts.append("sample_size = ?")
        params.append(int(sample))
    return ", ".join(parts), params


def create_table_from_csv(table: str, file_name: str, options=None, rejects=None, types=None) -> tuple:
    """Create ``table`` from a registered CSV/TSV file (DuckDB sniffs what is not set, ``types`` included)."""
    reader, params = read_csv(file_name, options, rejects, types=types)
    return "CREATE TABLE " + quote_ident(table) + " AS SELECT * FROM " + reader, params


def preview_csv(file_name: str, options=None, rejects=None, limit: int = PREVIEW_ROWS) -> tuple:
    """The first ``limit`` rows of a registered CSV file, before it is loaded whole."""
    reader, params = read_csv(file_name, options, rejects, sample=QUICK_SAMPLE)
    return "SELECT * FROM " + reader + " LIMIT ?", params + [int(limit)]


def drop_rejects(rejects: str) -> list:
    """Statements dropping a rejects table and its scans table."""
    return [("DROP TABLE IF EXISTS temp." + quote_ident(name), []) for name in (rejects, rejects + "_scans")]


def rejected_rows(rejects: str, limit: int = 3) -> tuple:
    """How many lines were rejected, and the first few: (n, line, error_type, csv_line) rows."""
    table = "temp." + quote_ident(rejects)
    sql = (
        "SELECT (SELECT count(DISTINCT line) FROM " + table + ") AS n, line, error_type, csv_line FROM "
        "(SELECT line, first(error_type::VARCHAR) AS error_type, first(csv_line) AS csv_line FROM "
        + table
        + " GROUP BY line ORDER BY line LIMIT ?)"
    )
    return sql, [int(limit)]


def cast_rejects(rejects: str) -> tuple:
    """Per column, values that did not fit its sniffed type: (column, lines, first line, its text) rows."""
    table = "temp." + quote_ident(rejects)
    sql = (
        "SELECT column_name, count(DISTINCT line), min(line), arg_min(csv_line, line) FROM "
        + table
        + " WHERE error_type::VARCHAR = ? AND column_name IS NOT NULL GROUP BY column_name ORDER BY min(line)"
    )
    return sql, ["CAST"]


def rename_column(table: str, column: str, new_name: str) -> tuple:
    """Rename ``column`` of ``table`` to ``new_name``."""
    return (
        "ALTER TABLE " + quote_ident(table) + " RENAME COLUMN " + quote_ident(column) + " TO " + quote_ident(new_name)
    ), []


def select_all(table: str) -> tuple:
    """Every row and column of ``table``."""
    return "SELECT * FROM " + quote_ident(table), []


def alter_type(table: str, column: str, type_name: str) -> tuple:
    """``column`` of ``table`` given the type ``type_name`` (a DuckDB type as DESCRIBE names it)."""
    return (
        "ALTER TABLE " + quote_ident(table) + " ALTER COLUMN " + quote_ident(column) + " TYPE " + type_name,
        [],
    )


def create_empty(table: str, columns: list) -> tuple:
    """A new ``table`` with ``columns`` (``[{name, type}]``, types as DESCRIBE names them) and no rows."""
    listed = ", ".join(quote_ident(c["name"]) + " " + c["type"] for c in columns)
    return "CREATE TABLE " + quote_ident(table) + " (" + listed + ")", []


def drop_table(table: str) -> tuple:
    """Drop ``table`` if it exists."""
    return "DROP TABLE IF EXISTS " + quote_ident(table), []


def rename_table(table: str, new_name: str) -> tuple:
    """Rename ``table`` to ``new_name``."""
    return "ALTER TABLE " + quote_ident(table) + " RENAME TO " + quote_ident(new_name), []


def count_rows(table: str) -> tuple:
    """The number of rows of ``table`` as one value ``n``."""
    return "SELECT count(*) AS n FROM " + quote_ident(table), []


def table_columns(table: str) -> tuple:
    """``(name, type)`` of each column of a table of the main schema, in order (temp tables left out)."""
    # duckdb_columns() rather than information_schema: the same answer without
    # the view's joins, which cost ~90 ms on a cold engine at start-up.
    sql = (
        "SELECT column_name AS name, data_type AS type FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ? "
        "ORDER BY column_index"
    )
    return sql, [table]


def list_tables() -> tuple:
    """The name of every user table, sorted.

    A table with steps is a view over its source ``loupe_base_<name>``
    (app/core/recipe.py): it is listed, its source is not.
    """
    sql = (
        "SELECT table_name AS name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = 'main' "
        "AND NOT starts_with(table_name, 'loupe_') "
        "UNION ALL SELECT view_name FROM duckdb_views() "
        "WHERE NOT internal AND database_name = current_database() AND schema_name = 'main' "
        "AND 'loupe_base_' || view_name IN (SELECT table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = 'main') ORDER BY name"
    )
    return sql, []


def order_by(sort: list) -> str:
    """`` ORDER BY ...`` for a list of ``[column, direction]``, or ``''``."""
    if not sort:
        return ""
    parts = []
    for column, direction in sort:
        keyword = _DIRECTIONS.get(direction)
        if keyword is None:
            raise ValueError("sort direction must be 'asc' or 'desc', not " + repr(direction))
        parts.append(quote_ident(column) + " " + keyword + " NULLS LAST")
    return " ORDER BY " + ", ".join(parts)
