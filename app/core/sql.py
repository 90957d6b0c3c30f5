"""SQL builders: each returns ``(sql, params)``; values are always parameters.

Identifiers go through ``quote_ident`` and nothing else. File names given to
readers are virtual names Loupe registers with the engine, passed as
parameters too.

Runs under MicroPython and CPython (see README.md).
"""

DEFAULT_PAGE_SIZE = 200
_DIRECTIONS = {"asc": "ASC", "desc": "DESC"}


def quote_ident(name: str) -> str:
    """``name`` as a quoted DuckDB identifier; inner double quotes are doubled."""
    if "\x00" in name:
        raise ValueError("identifiers cannot contain NUL characters")
    return '"' + name.replace('"', '""') + '"'


def create_table_from_csv(table: str, file_name: str) -> tuple:
    """Create ``table`` from a registered CSV/TSV file with DuckDB's sniffer."""
    sql = ("CREATE TABLE " + quote_ident(table)
           + " AS SELECT * FROM read_csv(?, auto_detect = true, sample_size = 20480)")
    return sql, [file_name]


def drop_table(table: str) -> tuple:
    """Drop ``table`` if it exists."""
    return "DROP TABLE IF EXISTS " + quote_ident(table), []


def count_rows(table: str) -> tuple:
    """The number of rows of ``table`` as one value ``n``."""
    return "SELECT count(*) AS n FROM " + quote_ident(table), []


def table_columns(table: str) -> tuple:
    """``(name, type)`` of each column of a table of the main schema, in order."""
    sql = ("SELECT column_name AS name, data_type AS type FROM information_schema.columns "
           "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position")
    return sql, [table]


def list_tables() -> tuple:
    """The name of every user table, sorted."""
    sql = ("SELECT table_name AS name FROM information_schema.tables "
           "WHERE table_schema = 'main' ORDER BY table_name")
    return sql, []


def page(table: str, sort: list, offset: int, limit: int = DEFAULT_PAGE_SIZE) -> tuple:
    """One page of rows of ``table`` in the order of ``sort``.

    ``sort`` is a list of ``[column, "asc"|"desc"]``. Without a sort the
    table's own order is kept (DuckDB preserves insertion order).
    """
    if offset < 0 or limit < 0:
        raise ValueError("offset and limit must not be negative")
    sql = "SELECT * FROM " + quote_ident(table) + order_by(sort) + " LIMIT ? OFFSET ?"
    return sql, [int(limit), int(offset)]


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
