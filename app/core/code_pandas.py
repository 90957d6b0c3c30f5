"""A Loupe table's recipe as a pandas script: ``script(plan)`` returns the whole program as text.

The program reads the table's source as Loupe read it (delimiter, header,
encoding, missing-value markers, each column typed as DuckDB typed it),
applies each step in a commented block (app/core/code_pandas_steps.py, one
printer per kind), then the view (app/core/code_pandas_view.py: filters,
search, sort, visible columns). ``table()`` returns the result; run as
``python3 script.py [OUT.csv]`` it writes it as CSV (stdout without a
path): missing values empty, booleans true/false, dates ISO.

The frame keeps a hidden column ``ROW``, the row's place in the source, as
the plan's stages do (app/core/code_plan.py), so the rows come out in the
grid's order. A table a join or append reads (``plan["needs"]``) gets a
function of its own, named after it, returning it after its steps.

CPython only (the Pyodide worker).
"""

from __future__ import annotations

from app.core import code_frame, code_pandas_steps, code_pandas_view, code_plan, types

ROW = "__loupe_row"
# DuckDB type kinds -> the dtype read_csv is given (dates and times are parsed instead)
_DTYPES = {"integer": "Int64", "decimal": "float64", "text": "string", "boolean": "boolean", "time": "string"}


def script(plan: dict) -> str:
    """The complete pandas program for ``plan`` (see app/core/code_plan.py)."""
    tables = code_plan.tables_read(plan)
    paths = [_path_line(p) for p in tables + [plan]]
    bodies = []
    for other in tables:
        bodies.append(code_frame.function_text(other, code_pandas_steps.function_name(other["table"]), False, _PRINTER))
    bodies.append(code_frame.function_text(plan, "table", True, _PRINTER))
    text = "\n\n\n".join(bodies)
    helpers = [code_pandas_steps.MOST_FREQUENT] if "most_frequent" in text else []
    imports = ["import sys", ""]
    if "duckdb." in text:
        imports = ["import sys", "", "import duckdb"]
    if "np." in text:
        imports.append("import numpy as np")
    imports.append("import pandas as pd")
    if "re.IGNORECASE" in text:
        imports.insert(0, "import re")
    head = [
        '"""' + _title(plan) + " as pandas code, exported from Loupe.",
        "",
        "Run it as: python3 this_script.py [OUT.csv]  (without OUT.csv the table goes to standard output)",
        '"""',
        "",
    ]
    parts = [
        "\n".join(head + imports),
        "\n".join(paths + ['ROW = "' + ROW + "\"  # each row's place in the source: keeps the grid's order"]),
    ]
    parts += helpers + [text, _WRITER, _MAIN]
    return "\n\n\n".join(parts) + "\n"


def _title(plan: dict) -> str:
    return "The table '" + str(plan.get("table")) + "'"


def path_name(plan: dict) -> str:
    """The path variable of a plan's source: ``SALES_CSV`` for sales.csv."""
    source = plan.get("source") or {}
    name = str(source.get("name") or plan.get("table") or "table")
    stem = "".join(ch.upper() if ch.isalnum() else "_" for ch in name).strip("_") or "TABLE"
    return ("T_" + stem) if stem[0].isdigit() else stem


def _path_line(plan: dict) -> str:
    source = plan.get("source") or {}
    if source.get("kind") == "url" and source.get("url"):
        return path_name(plan) + " = " + repr(source["url"])
    if source.get("kind") not in ("file", "url", "sample"):
        return (
            path_name(plan)
            + " = "
            + repr(str(plan.get("table")) + ".csv")
            + "  # Loupe made this table itself ("
            + str(source.get("kind"))
            + "): save it as CSV beside this script"
        )
    return path_name(plan) + " = " + repr(str(source.get("name")))


def _read_lines(plan: dict) -> list:
    source = plan.get("source") or {}
    read = source.get("read") or {}
    path = path_name(plan)
    form = read.get("format") or "csv"
    if form == "parquet":
        return ["df = pd.read_parquet(" + path + ")"]
    if form == "json":
        return ["df = pd.read_json(" + path + ")"]
    columns = plan.get("source_columns") or []
    markers = list(read.get("missing") or [])
    dtype = {}
    dates = []
    missing = {}
    for c in columns:
        kind = types.kind_of(c["type"])
        if kind in ("date", "timestamp"):
            dates.append(c["name"])
        elif kind in _DTYPES:
            dtype[c["name"]] = _DTYPES[kind]
        # markers make missing values in columns of numbers, dates and booleans; text keeps them
        missing[c["name"]] = [""] + ([] if kind == "text" else markers)
    args = [path]
    delimiter = read.get("delimiter")
    if delimiter and delimiter != ",":
        args.append("sep=" + repr(delimiter))
    if read.get("header") is False:
        args.append("header=None")
        args.append("names=" + repr([c["name"] for c in columns]))
    if read.get("encoding"):
        args.append("encoding=" + repr(read["encoding"]))
    args.append("dtype=" + repr(dtype))
    if dates:
        args.append("parse_dates=" + repr(dates))
    if "boolean" in dtype.values():
        # DuckDB reads these words as booleans too
        args.append('true_values=["true", "True", "TRUE", "t", "yes", "y"]')
        args.append('false_values=["false", "False", "FALSE", "f", "no", "n"]')
    args.append("na_values=" + repr(missing))
    args.append("keep_default_na=False")
    lines = ["df = pd.read_csv("] + ["    " + a + "," for a in args] + [")"]
    return lines


_PRINTER = {
    "frame": "pd.DataFrame",
    "library": "pandas",
    "read": lambda plan: _read_lines(plan) + ["df[ROW] = range(len(df))"],
    "view": code_pandas_view.view_lines,
    "tail": ['df = df.sort_values(ROW, kind="stable").reset_index(drop=True)', "return df.drop(columns=[ROW])"],
    "derive": code_pandas_steps.derive_lines,
    "fallback": code_pandas_steps.fallback,
    "steps": code_pandas_steps.STEP_PRINTERS,
}

_WRITER = '''def write_csv(frame: pd.DataFrame, out) -> None:
    """Write ``frame`` as CSV with a header: missing values empty, booleans true/false, dates ISO."""
    frame = frame.copy()
    for name in frame.columns:
        if pd.api.types.is_bool_dtype(frame[name]):
            frame[name] = frame[name].map({True: "true", False: "false"})
    frame.to_csv(out, index=False, lineterminator="\\n")'''

_MAIN = """if __name__ == "__main__":
    write_csv(table(), sys.argv[1] if len(sys.argv) > 1 else sys.stdout)"""
