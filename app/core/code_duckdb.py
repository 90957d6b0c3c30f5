"""A table's recipe as a Python script on native DuckDB: ``python3 sales.py [OUT.csv]``, or ``from sales import table``.

The script reads each source as Loupe read it (app/core/code_read.py), its
local files named by path variables at the top, then runs the steps as
DuckDB's SQL, one CTE per step with a comment (app/core/code_sql.py).
``table()`` returns the DuckDB relation; run as a program it writes the
result as CSV with a header to OUT.csv, or to standard output.

Runs in the Pyodide worker and in CPython (a printer: see app/core/code_plan.py).
"""

from app.core import code_plan, code_read, code_sql

_MAIN = '''

_OPEN = []  # the connection table() made: a relation reads from its connection while it is used


def table(connection=None):
    """The table as Loupe shows it, as a DuckDB relation (``.df()``, ``.pl()``, ``.write_parquet(...)``)."""
    if connection is None:
        connection = connect()
        _OPEN.append(connection)
    return connection.sql(QUERY)


def main(argv):
    """Write the table as CSV (with a header) to ``argv[1]``, or to standard output."""
    result = table()
    if len(argv) > 1:
        result.write_csv(argv[1])
        return
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "out.csv")
        result.write_csv(out)
        with open(out, encoding="utf-8") as handle:
            shutil.copyfileobj(handle, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
'''


def script(plan: dict) -> str:
    """The whole script for ``plan``."""
    plans = [plan] + code_plan.tables_read(plan)
    lines = ['"""' + docstring(plan) + '"""', "", "import os", "import shutil", "import sys", "import tempfile", ""]
    lines += ["import duckdb", "", "# The files this reads: change a path to run the same steps on another file."]
    for each in plans:
        lines.append(code_read.variable(each) + " = " + py_literal(code_read.location(each)))
    lines += ["", ""]
    lines += connect_function(plans)
    lines += ["", ""]
    lines.append("# The steps, as Loupe runs them: one CTE per step.")
    lines.append("QUERY = " + triple_quoted(code_sql.query_text(plan)))
    return "\n".join(lines) + _MAIN


def docstring(plan: dict) -> str:
    """The script's opening words: what it makes, how to run and import it."""
    name = code_read.identifier(plan["table"]).lower()
    return (
        "Loupe: the table '"
        + plan["table"]
        + "' as shown, from "
        + code_sql.source_words(plan)
        + " ("
        + _count(len(plan["steps"]), "step")
        + "; "
        + code_sql.view_words(plan)
        + ").\n\nRun it:    python3 "
        + name
        + ".py [OUT.csv]   (CSV with a header; to standard output without OUT.csv)\nImport it: from "
        + name
        + " import table; table().show()\n"
    )


def connect_function(plans: list) -> list:
    """``def connect()``: a connection holding each source as a table named as in Loupe."""
    lines = [
        "def connect():",
        '    """A DuckDB connection holding the tables as Loupe read them."""',
        "    connection = duckdb.connect()",
    ]
    for each in plans:
        lines += ["    # " + line for line in read_words(each)]
        lines.append("    connection.execute(")
        lines.append(
            "        "
            + py_literal("CREATE TABLE " + code_sql.sql.quote_ident(each["table"]) + " AS " + code_read.read_sql(each))
            + ","
        )
        lines.append("        [" + _path_argument(each) + "],")
        lines.append("    )")
    lines.append("    return connection")
    if any(code_read.encoding(p) and code_read.encoding(p).lower() not in code_read.NATIVE_ENCODINGS for p in plans):
        lines += ["", "", "def utf8_copy(path, encoding):"]
        lines.append('    """A UTF-8 copy of a text file in another encoding, for DuckDB to read (removed at exit)."""')
        lines.append("    import atexit")
        lines.append('    with open(path, encoding=encoding, newline="") as handle:')
        lines.append("        text = handle.read()")
        lines.append(
            '    copy = tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", newline="", delete=False)'
        )
        lines.append("    with copy:")
        lines.append("        copy.write(text)")
        lines.append("    atexit.register(os.remove, copy.name)")
        lines.append("    return copy.name")
    return lines


def read_words(plan: dict) -> list:
    """Comment lines saying how a source is read."""
    if not code_read.has_file(plan):
        how = "by SQL" if plan["source"].get("kind") == "query" else "from pasted text"
        return [
            plan["table"] + " was made in Loupe " + how + ": export it there as Parquet (Export… → Parquet)",
            "and set " + code_read.variable(plan) + " to that file",
        ]
    read = plan["source"].get("read") or {}
    fmt = code_read.file_format(plan)
    words = plan["table"] + ": " + code_sql.source_words(plan) + ", read as " + fmt.upper()
    if fmt == "csv":
        delimiter = read.get("delimiter")
        if delimiter:
            words += (
                ", "
                + {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}.get(delimiter, repr(delimiter))
                + "-separated"
            )
        words += ", " + ("with" if read.get("header") is not False else "without") + " a header line"
        if code_read.encoding(plan):
            words += ", in " + code_read.encoding(plan)
    lines = [words]
    columns = code_read.marker_columns(plan)
    if columns:
        lines.append(" / ".join(repr(m) for m in code_read.markers(plan)) + " read as missing in " + ", ".join(columns))
    return lines


def _path_argument(plan: dict) -> str:
    variable = code_read.variable(plan)
    text_encoding = code_read.encoding(plan)
    if text_encoding and text_encoding.lower() not in code_read.NATIVE_ENCODINGS:
        return "utf8_copy(" + variable + ", " + py_literal(text_encoding) + ")"
    return variable


def _count(n: int, word: str) -> str:
    return str(n) + " " + word + ("" if n == 1 else "s")


def py_literal(value) -> str:
    """A Python literal of a str (double-quoted, as ruff formats it)."""
    text = repr(value)
    if text.startswith("'") and '"' not in value:
        text = '"' + text[1:-1].replace("\\'", "'") + '"'
    return text


def triple_quoted(text: str) -> str:
    """``text`` as a triple-quoted Python string, exactly."""
    escaped = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if escaped.endswith('"'):  # not run into the closing quotes
        escaped = escaped[:-1] + '\\"'
    return '"""\n' + escaped + '"""'
