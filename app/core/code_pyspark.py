"""A table's recipe as a PySpark script for a Spark cluster: ``python3 sales.py [OUT.csv]``, or ``table()`` imported.

The script reads each source as Loupe read it — every column as text
with an explicit schema, the missing-value markers made NULL in the typed
columns (as app/core/code_read.py does for DuckDB), then each column cast
to its type — and registers it as a temporary view named as in Loupe.
Each step is then a temporary view made by ``spark.sql`` from the step's
Spark SQL (DuckDB's stage, app/core/code_sql.py, transpiled by sqlglot in
app/core/code_dialects.py), with the step's comment above it. A step
Spark SQL cannot express is written as a comment with DuckDB's SQL beside
it, and the script says so at the top (``table()`` then stops there).

Rows are numbered by ``monotonically_increasing_id()`` (file order: Spark
reads a file's parts in order) where DuckDB's SQL numbers them with
``ROW_NUMBER() OVER ()``, which Spark refuses without an order. ``table(spark=None)`` returns the DataFrame;
run as a program it writes CSV with a header (Python's csv module, from
``collect()``: missing values empty, booleans true/false, dates ISO).

A printer: only text is made here; pyspark is imported by the script.
Runs in the Pyodide worker and in CPython (see app/core/code_plan.py).
"""

from app.core import code_dialects, code_duckdb, code_plan, code_read, code_sql, sql

LABEL = "Spark SQL"
NUMBERED_IN_ORDER = code_dialects.IN_READ_ORDER
# DuckDB types -> Spark SQL types; a type not here is kept as text (Spark 4.0 has no TIME, for one).
SPARK_TYPES = {
    "VARCHAR": "STRING",
    "BOOLEAN": "BOOLEAN",
    "TINYINT": "TINYINT",
    "SMALLINT": "SMALLINT",
    "INTEGER": "INT",
    "BIGINT": "BIGINT",
    "HUGEINT": "DECIMAL(38,0)",
    "FLOAT": "FLOAT",
    "DOUBLE": "DOUBLE",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP_NTZ",
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMP",
}
# Java's names for the encodings Loupe reads
_JAVA_ENCODINGS = {"latin-1": "ISO-8859-1", "latin1": "ISO-8859-1", "utf-16": "UTF-16", "cp1252": "windows-1252"}


def script(plan: dict) -> str:
    """The whole script for ``plan``."""
    plans = [plan] + code_plan.tables_read(plan)
    body, unwritten = table_function(plan, plans)
    lines = ['"""' + _docstring(plan, unwritten) + '"""', "", "import csv", "import sys", ""]
    lines += [
        "from pyspark.sql import SparkSession",
        "from pyspark.sql import functions as F",
        "from pyspark.sql.types import StringType, StructField, StructType",
        "",
        "# The files this reads: change a path to run the same steps on another file.",
    ]
    for each in plans:
        lines.append(code_read.variable(each) + " = " + code_duckdb.py_literal(code_read.location(each)))
    lines.append("APP_NAME = " + code_duckdb.py_literal("loupe-" + code_read.identifier(plan["table"]).lower()))
    return "\n".join(lines + ["", ""] + body) + _HELPERS


def spark_type(duckdb_type: str) -> str:
    """The Spark SQL type a DuckDB column type is read as (text where Spark has no such type)."""
    upper = duckdb_type.upper()
    if upper.startswith("DECIMAL") or upper.startswith("NUMERIC"):
        return upper.replace(" ", "")
    return SPARK_TYPES.get(upper, "STRING")


def table_function(plan: dict, plans: list) -> tuple:
    """``(lines of def table(spark=None), how many parts Spark SQL cannot express)``."""
    lines = [
        "def table(spark=None):",
        '    """The table as Loupe shows it, as a Spark DataFrame (``.show()``, ``.write.parquet(...)``)."""',
        "    if spark is None:",
        "        spark = SparkSession.builder.appName(APP_NAME).getOrCreate()",
    ]
    for each in plans:
        lines += _read_lines(each)
    unwritten = 0
    ctes = code_sql.stages(plan, "")
    for i, cte in enumerate(ctes):
        lines += ["    # " + line for line in cte["comment"]]
        name = code_duckdb.py_literal(code_dialects.identifier(cte["name"], "spark"))
        text, problem = _stage_text(cte, ctes[i - 1]["name"] if i > 0 else None)
        if problem:
            unwritten += 1
            lines += _unwritten_lines(cte, problem)
        lines.append("    stage(spark, " + name + ", " + _indented(code_duckdb.triple_quoted(text)) + ")")
    final = code_sql.final_select(plan, ctes[-1]["name"])
    comment, _, select = final.partition("\n")
    text, problem = code_dialects.transpiled(select, "spark")
    lines.append("    # " + comment.removeprefix("-- "))
    if problem:
        unwritten += 1
        lines.append("    # " + LABEL + " cannot express the view as written: " + problem)
        lines.append('    raise NotImplementedError("The view cannot be written in Spark SQL: see the comment above.")')
    lines.append("    return spark.sql(" + _indented(code_duckdb.triple_quoted(text)) + ")")
    return lines, unwritten


def _stage_text(cte: dict, prev) -> tuple:
    """``(Spark SQL, problem)`` of one stage; the source's stage numbers its rows in file order."""
    if cte["step"] is None:  # stages(plan, "") gives the source stage as the table's quoted name
        row = code_dialects.identifier(sql.quote_ident(code_sql.ROW), "spark")
        return "SELECT " + NUMBERED_IN_ORDER + " - 1 AS " + row + ", * FROM " + code_dialects.identifier(
            cte["sql"], "spark"
        ), ""
    return code_dialects.transpiled(cte["sql"], "spark", {prev: cte["step"]["before"]} if prev else None)


def _unwritten_lines(cte: dict, problem: str) -> list:
    step = cte["step"]["index"] + 1
    return [
        "    # " + LABEL + " cannot express this step as written: " + problem,
        "    # DuckDB's SQL for it: " + " ".join(cte["sql"].split()),
        "    raise NotImplementedError("
        + code_duckdb.py_literal("Step " + str(step) + " cannot be written in Spark SQL: see the comment above.")
        + ")",
    ]


def _read_lines(plan: dict) -> list:
    """The lines of ``table()`` reading one source and naming it as in Loupe."""
    view = code_duckdb.py_literal(code_dialects.identifier(sql.quote_ident(plan["table"]), "spark"))
    lines = ["    # " + line for line in code_duckdb.read_words(plan)]
    fmt = code_read.file_format(plan)
    variable = code_read.variable(plan)
    if fmt == "parquet":
        return lines + ["    spark.read.parquet(" + variable + ").createOrReplaceTempView(" + view + ")"]
    if fmt not in ("csv", "json"):
        lines.append("    # Spark reads no " + fmt.upper() + " file: export it from Loupe as CSV or Parquet and")
        lines.append("    # read that file here instead.")
    columns = plan["source_columns"]
    options = _csv_options(plan) if fmt != "json" else {"multiLine": not variable.endswith(("_JSONL", "_NDJSON"))}
    reader = "read_csv" if fmt != "json" else "read_json"
    args = [
        "spark",
        variable,
        "[" + ", ".join(code_duckdb.py_literal(c["name"]) for c in columns) + "]",
        "[" + ", ".join(code_duckdb.py_literal(spark_type(c["type"])) for c in columns) + "]",
        "[" + ", ".join(code_duckdb.py_literal(m) for m in code_read.markers(plan)) + "]",
    ] + [
        key + "=" + (repr(value) if not isinstance(value, str) else code_duckdb.py_literal(value))
        for key, value in options.items()
    ]
    lines.append("    " + reader + "(")
    lines += ["        " + arg + "," for arg in args]
    lines.append("    ).createOrReplaceTempView(" + view + ")")
    return lines


def _csv_options(plan: dict) -> dict:
    """spark.read.csv's options for the file as Loupe read it (quotes doubled inside quotes, as DuckDB reads)."""
    read = plan["source"].get("read") or {}
    options = {"header": read.get("header") is not False, "sep": read.get("delimiter") or ","}
    text_encoding = code_read.encoding(plan) or "UTF-8"
    options["encoding"] = _JAVA_ENCODINGS.get(text_encoding.lower(), text_encoding)
    options.update({"quote": '"', "escape": '"', "multiLine": True})
    return options


def _docstring(plan: dict, unwritten: int) -> str:
    """The script's opening words: what it makes, how to run and import it, what it could not write."""
    name = code_read.identifier(plan["table"]).lower()
    lines = [
        "Loupe: the table '"
        + plan["table"]
        + "' as shown, from "
        + code_sql.source_words(plan)
        + ", on Spark ("
        + code_sql.view_words(plan)
        + ").",
        "",
        "Run it:    python3 " + name + ".py [OUT.csv]   (CSV with a header; to standard output without OUT.csv)",
        "           or spark-submit " + name + ".py [OUT.csv] on a cluster",
        "Import it: from " + name + " import table; table(spark).show()",
    ]
    lines += ["Left out: " + skipped for skipped in code_sql.all_skipped(plan)]
    if unwritten:
        lines.append(str(unwritten) + " part(s) could not be written for Spark SQL: see the comments in table().")
    return "\n".join(lines) + "\n"


def _indented(text: str) -> str:
    return text.replace("\n", "\n        ")


_HELPERS = '''


def stage(spark, name, query):
    """Run one step's Spark SQL and name its result, for the next step to read."""
    spark.sql(query).createOrReplaceTempView(name)


def read_csv(spark, path, names, types, missing, **options):
    """A CSV file as Loupe read it: every column as text, then typed (see ``typed``)."""
    return typed(spark.read.csv(path, schema=text_schema(names), **options), names, types, missing)


def read_json(spark, path, names, types, missing, **options):
    """A JSON file as Loupe read it: every field as text, then typed (see ``typed``)."""
    return typed(spark.read.json(path, schema=text_schema(names), **options), names, types, missing)


def text_schema(names):
    """A schema reading every column as text, so no value is guessed at before its cast."""
    return StructType([StructField(name, StringType()) for name in names])


def typed(frame, names, types, missing):
    """Each column cast to the type Loupe gave it; the missing-value markers are NULL in typed columns only."""
    columns = []
    for name, kind in zip(names, types):
        column = F.col("`" + name.replace("`", "``") + "`")
        if kind != "STRING":
            if missing:
                column = F.when(column.isin(missing), None).otherwise(column)
            column = column.cast(kind)
        columns.append(column.alias(name))
    return frame.select(columns)


def csv_text(value):
    """A value as CSV text: missing values empty, booleans true/false, dates and times ISO."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if hasattr(value, "hour") and hasattr(value, "date"):
        return value.isoformat(sep=" ")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def write_csv(frame, handle):
    """Write ``frame``'s rows (collected here) as CSV with a header to ``handle``."""
    writer = csv.writer(handle)
    writer.writerow(frame.columns)
    for row in frame.collect():
        writer.writerow([csv_text(value) for value in row])


def main(argv):
    """Write the table as CSV (with a header) to ``argv[1]``, or to standard output."""
    result = table()
    if len(argv) > 1:
        with open(argv[1], "w", newline="", encoding="utf-8") as handle:
            write_csv(result, handle)
        return
    write_csv(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
'''
