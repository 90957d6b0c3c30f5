"""The targets of Export as code as a person sees them: name, label, file suffix and language, in menu order.

One list for the Export… drawer (the main thread, MicroPython) and the
worker's printers (app/core/code_targets.py, CPython): a target is named
as in the README (``duckdb``, ``sql:postgres``…).

Runs under MicroPython and CPython.
"""

# (target, label, file suffix, language), in the order the menu shows them
TARGETS = (
    ("duckdb", "Python (DuckDB)", ".py", "python"),
    ("pandas", "Python (pandas)", ".py", "python"),
    ("polars", "Python (Polars)", ".py", "python"),
    ("pyspark", "Python (PySpark)", ".py", "python"),
    ("notebook", "Jupyter notebook", ".ipynb", "json"),
    ("sql:duckdb", "SQL (DuckDB)", ".sql", "sql"),
    ("sql:postgres", "SQL (PostgreSQL)", ".sql", "sql"),
    ("sql:sqlite", "SQL (SQLite)", ".sql", "sql"),
    ("sql:spark", "SQL (Spark SQL)", ".sql", "sql"),
    ("sql:bigquery", "SQL (BigQuery)", ".sql", "sql"),
    ("sql:snowflake", "SQL (Snowflake)", ".sql", "sql"),
    ("sql:trino", "SQL (Trino)", ".sql", "sql"),
    ("sql:mysql", "SQL (MySQL)", ".sql", "sql"),
)


def names() -> list:
    """Every target's name, in menu order."""
    return [entry[0] for entry in TARGETS]


def entry(target: str):
    """``(target, label, suffix, language)`` of ``target``, or None when there is no such target."""
    for found in TARGETS:
        if found[0] == target:
            return found
    return None


def short_label(target: str) -> str:
    """The label a menu button shows: the engine's name alone for SQL (``PostgreSQL``)."""
    found = entry(target)
    if found is None:
        return str(target)
    label = found[1]
    return label[5:-1] if label.startswith("SQL (") and target != "sql:duckdb" else label
