"""A Loupe table's recipe as a Polars script: ``script(plan)`` returns the whole program as text.

The program reads the table's source as Loupe read it: every column as
text first, then the missing-value markers Loupe found (``NA``, ``-``…)
made null in the columns they kept from being numbers or dates, and each
column cast to the type DuckDB gave it — text columns keep their markers,
as Loupe keeps them. Then each step in a commented block (one printer per
kind, app/core/code_polars_steps.py), then the view
(app/core/code_polars_view.py: filters, search, sort, visible columns).
``table()`` returns the result as a ``polars.DataFrame``; run as
``python3 script.py [OUT.csv]`` it writes it as CSV (stdout without a
path): missing values empty, booleans true/false, dates ISO.

The frame keeps a hidden column ``ROW``, the row's place in the source, as
the plan's stages do (app/core/code_plan.py), so the rows come out in the
grid's order. A table a join or append reads gets a function of its own,
named after it, returning it after its steps.

CPython only (the Pyodide worker).
"""

from __future__ import annotations

from app.core import (
    code_duckdb,
    code_frame,
    code_pandas_steps,
    code_plan,
    code_polars_steps,
    code_polars_view,
    code_read,
    types,
)

ROW = "__loupe_row"
# DuckDB type kinds -> the Polars type a text column is cast to
_DTYPES = {"integer": "pl.Int64", "decimal": "pl.Float64", "time": "pl.Time"}


def script(plan: dict) -> str:
    """The complete Polars program for ``plan`` (see app/core/code_plan.py)."""
    tables = code_plan.tables_read(plan)
    bodies = [
        code_frame.function_text(other, code_pandas_steps.function_name(other["table"]), False, _PRINTER)
        for other in tables
    ]
    bodies.append(code_frame.function_text(plan, "table", True, _PRINTER))
    text = "\n\n\n".join(bodies)
    imports = ["import sys", ""]
    if "duckdb." in text:
        imports.append("import duckdb")
    imports.append("import polars as pl")
    if "from_text(" in text:
        imports.insert(0, "import io")
    words = code_duckdb.docstring(plan).replace("table().show()", "print(table())")
    head = ['"""' + words.replace("as shown, from", "as shown, in Polars, from", 1) + '"""', ""]
    paths = ["# The files this reads: change a path to run the same steps on another file."]
    for each in tables + [plan]:
        paths.append(code_read.variable(each) + " = " + code_duckdb.py_literal(code_read.location(each)))
    paths.append('ROW = "' + ROW + "\"  # each row's place in the source: keeps the grid's order")
    helpers = [_TYPED] if "typed(" in text else []
    if "from_text(" in text:
        helpers.append(_FROM_TEXT)
    parts = ["\n".join(head + imports), "\n".join(paths)] + helpers + [text, _WRITER, _MAIN]
    return "\n\n\n".join(parts) + "\n"


def _read_lines(plan: dict) -> list:
    """The lines that read the source into ``df`` with its ``ROW`` column."""
    path = code_read.variable(plan)
    form = code_read.file_format(plan)
    numbered = "df = df.with_row_index(ROW).with_columns(pl.col(ROW).cast(pl.Int64))"
    if not code_read.has_file(plan):
        return ["# " + line for line in code_duckdb.read_words(plan)] + ["df = pl.read_parquet(" + path + ")", numbered]
    if form == "parquet":
        return ["df = pl.read_parquet(" + path + ")", numbered]
    if form == "json":
        return ["df = pl.read_json(" + path + ")", numbered]
    read = plan["source"].get("read") or {}
    columns = plan.get("source_columns") or []
    args = []
    delimiter = read.get("delimiter")
    if delimiter and delimiter != ",":
        args.append("separator=" + code_duckdb.py_literal(delimiter))
    if read.get("header") is False:
        args.append("has_header=False")
        args.append("new_columns=" + repr([c["name"] for c in columns]))
    args.append("infer_schema=False")
    lines = ["# " + line for line in code_duckdb.read_words(plan)]
    encoding = code_read.encoding(plan)
    source = path
    if encoding:
        source = "from_text(" + path + ", " + code_duckdb.py_literal(encoding) + ")"
    lines.append("# every column is read as text, then typed as Loupe typed it")
    lines += ["df = pl.read_csv("] + ["    " + a + "," for a in [source] + args] + [")"]
    markers = code_read.markers(plan)
    typed = []
    for c in columns:
        kind = types.kind_of(c["type"])
        if kind == "text":
            continue
        typed.append("    typed(" + repr(c["name"]) + ", " + _dtype(kind) + (", missing" if markers else "") + "),")
    if typed:
        if markers:
            lines.append("missing = " + repr(markers) + "  # missing values in columns of numbers, dates and booleans")
        lines += ["df = df.with_columns("] + typed + [")"]
    return lines + [numbered]


def _dtype(kind: str) -> str:
    if kind in ("date", "timestamp", "boolean"):
        return repr(kind)
    return _DTYPES.get(kind, "pl.String")


_PRINTER = {
    "frame": "pl.DataFrame",
    "library": "Polars",
    "read": lambda plan: _read_lines(plan),
    "view": code_polars_view.view_lines,
    "tail": ["return df.sort(ROW, maintain_order=True).drop(ROW)"],
    "derive": code_polars_steps.derive_lines,
    "fallback": code_polars_steps.fallback,
    "steps": code_polars_steps.STEP_PRINTERS,
}

_TYPED = '''def typed(name: str, dtype, missing=()) -> pl.Expr:
    """The text column ``name`` as ``dtype`` ('date', 'timestamp', 'boolean' or a Polars type), ``missing`` as null."""
    text = pl.col(name).str.strip_chars()
    if missing:
        text = pl.when(text.is_in(list(missing))).then(None).otherwise(text).alias(name)
    if dtype == "date":
        return text.str.to_date("%Y-%m-%d")
    if dtype == "timestamp":
        return text.str.to_datetime()
    if dtype == "boolean":
        # the words DuckDB reads as booleans
        words = {"true": True, "t": True, "yes": True, "y": True, "1": True}
        words.update({"false": False, "f": False, "no": False, "n": False, "0": False})
        return text.str.to_lowercase().replace_strict(words, default=None, return_dtype=pl.Boolean)
    return text.cast(dtype)'''

_FROM_TEXT = '''def from_text(path: str, encoding: str) -> io.BytesIO:
    """The file at ``path``, in ``encoding``, as UTF-8 bytes (Polars reads UTF-8 only)."""
    with open(path, encoding=encoding, newline="") as handle:
        return io.BytesIO(handle.read().encode("utf-8"))'''

_WRITER = '''def write_csv(frame: pl.DataFrame, out) -> None:
    """Write ``frame`` as CSV with a header: missing values empty, booleans true/false, dates ISO."""
    frame.write_csv(out, datetime_format="%Y-%m-%d %H:%M:%S%.f", line_terminator="\\n")'''

_MAIN = """if __name__ == "__main__":
    write_csv(table(), sys.argv[1] if len(sys.argv) > 1 else sys.stdout)"""
