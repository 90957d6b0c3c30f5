"""DuckDB type names to the kinds a person sees (integer, decimal, date, text ...).

Runs under MicroPython and CPython (see README.md).
"""

# Kind -> (short label shown in the header, right-align values?)
KINDS = {
    "integer": ("123", True),
    "decimal": ("1.5", True),
    "boolean": ("T/F", False),
    "date": ("date", False),
    "timestamp": ("time", False),
    "time": ("time", False),
    "interval": ("span", True),
    "text": ("abc", False),
    "binary": ("bin", False),
    "list": ("[ ]", False),
    "struct": ("{ }", False),
    "other": ("?", False),
}

# Prefix of DuckDB's type name -> kind. Longer prefixes first where they overlap.
_PREFIXES = [
    ("TIMESTAMP", "timestamp"),
    ("DATETIME", "timestamp"),
    ("DATE", "date"),
    ("TIME", "time"),
    ("INTERVAL", "interval"),
    ("BOOLEAN", "boolean"),
    ("BOOL", "boolean"),
    ("DECIMAL", "decimal"),
    ("NUMERIC", "decimal"),
    ("DOUBLE", "decimal"),
    ("FLOAT", "decimal"),
    ("REAL", "decimal"),
    ("HUGEINT", "integer"),
    ("UHUGEINT", "integer"),
    ("BIGINT", "integer"),
    ("UBIGINT", "integer"),
    ("INTEGER", "integer"),
    ("UINTEGER", "integer"),
    ("SMALLINT", "integer"),
    ("USMALLINT", "integer"),
    ("TINYINT", "integer"),
    ("UTINYINT", "integer"),
    ("INT", "integer"),
    ("VARCHAR", "text"),
    ("TEXT", "text"),
    ("STRING", "text"),
    ("UUID", "text"),
    ("ENUM", "text"),
    ("JSON", "text"),
    ("BLOB", "binary"),
    ("BYTEA", "binary"),
    ("BIT", "binary"),
    ("STRUCT", "struct"),
    ("MAP", "struct"),
    ("UNION", "struct"),
]


def kind_of(duckdb_type: str) -> str:
    """The kind of a DuckDB type name: ``'DECIMAL(18,3)'`` -> ``'decimal'``."""
    name = duckdb_type.strip().upper()
    if name.endswith("]"):
        return "list"
    for prefix, kind in _PREFIXES:
        if name.startswith(prefix):
            return kind
    return "other"


def label_of(kind: str) -> str:
    """The short label shown beside a column name for a kind."""
    return KINDS.get(kind, KINDS["other"])[0]


def is_numeric(kind: str) -> bool:
    """True for kinds whose values are right-aligned numbers."""
    return KINDS.get(kind, KINDS["other"])[1]


def describe_columns(columns: list) -> list:
    """``[{name, type}]`` with ``kind`` added to each, in a new list."""
    out = []
    for column in columns:
        described = dict(column)
        described["kind"] = kind_of(column["type"])
        out.append(described)
    return out
