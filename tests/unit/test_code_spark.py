"""Spark SQL and the PySpark script, run on a local Spark against the view Loupe shows.

One local SparkSession serves the module (starting Spark takes seconds).
The Spark SQL runs over the case's sources registered as temporary views;
the PySpark script is written into the case's folder, imported, and its
``table(spark)`` compared with the grid's view; one recipe's script also
runs as ``python3 script.py OUT.csv``. Skipped, with the reason, where
Java or pyspark is missing.
"""

import datetime
import decimal
import importlib.util
import shutil

import pytest
from code_cases import run_script, same_rows
from code_examples import EXAMPLES, build

from app.core import code_dialects, code_pyspark, code_targets

IDS = [e["id"] for e in EXAMPLES]
# Recipes whose Spark SQL sqlglot writes as something Spark runs differently, or not at all, with no comment
# saying so: each is asserted to fail, so this list stays true.
SPARK_GAPS: dict = {}  # none now: code_dialects names what Spark lacks or means otherwise, and rewrites monthname


@pytest.fixture(scope="module")
def spark():
    """One local SparkSession for the module, quiet and small."""
    if shutil.which("java") is None:
        pytest.skip("Java is not installed: PySpark needs it (Java 17)")
    pyspark_sql = pytest.importorskip("pyspark.sql", reason="pyspark is not installed (requirements-dev.txt)")
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("loupe-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_pyspark_is_a_target_after_the_dataframe_ones():
    assert code_targets.ORDER.index("pyspark") == code_targets.ORDER.index("polars") + 1
    assert code_targets.TARGETS["pyspark"][:3] == ("Python (PySpark)", ".py", "python")
    assert code_targets.needs_sqlglot("pyspark")


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_spark_sql_gives_the_view_or_says_what_it_cannot(spark, example, tmp_path):
    case = build(example, tmp_path)
    text = code_dialects.query_text(case.plan(), "sql:spark")
    if "cannot express" in text:
        assert "could not be written for Spark SQL" in text
        return
    _register_sources(spark, case)
    _check(example, lambda: spark.sql(text), case)


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_pyspark_script_gives_the_view_or_says_what_it_cannot(spark, example, tmp_path):
    case = build(example, tmp_path)
    text = code_pyspark.script(case.plan())
    if "cannot express" in text:
        assert "could not be written for Spark SQL" in text
        return
    module = _imported(tmp_path / "export_spark.py", text)
    _check(example, lambda: module.table(spark), case)


def test_the_script_runs_from_the_command_line(tmp_path):
    """``python3 script.py OUT.csv`` with its own SparkSession (builder.appName(...).getOrCreate())."""
    if shutil.which("java") is None:
        pytest.skip("Java is not installed: PySpark needs it (Java 17)")
    pytest.importorskip("pyspark", reason="pyspark is not installed (requirements-dev.txt)")
    case = build(EXAMPLES[2], tmp_path)
    text = code_pyspark.script(case.plan())
    assert 'SALES_CSV = "sales.csv"' in text and "SparkSession.builder.appName(APP_NAME).getOrCreate()" in text
    (tmp_path / "sales.py").write_text(text)
    same_rows(run_script(tmp_path / "sales.py", tmp_path, timeout=180), case.shown(), True)


def test_a_latin1_semicolon_file_is_read_as_loupe_read_it(spark, tmp_path):
    """Its encoding, delimiter and missing marker ('-' in a text column stays '-'), with no step to hide them."""
    example = dict(next(e for e in EXAMPLES if e["id"] == "semicolon-latin1"), steps={})
    case = build(example, tmp_path)
    text = code_pyspark.script(case.plan())
    assert 'encoding="ISO-8859-1"' in text and 'sep=";"' in text
    module = _imported(tmp_path / "villes_spark.py", text)
    same_rows(_frame_rows(module.table(spark)), case.shown(), case.ordered())


def test_the_script_is_valid_python_for_every_recipe(tmp_path):
    """Printed without pyspark (as in Pyodide): each script parses, and says at the top what it could not write."""
    import ast

    for example in EXAMPLES:
        folder = tmp_path / example["id"]
        folder.mkdir()
        text = code_pyspark.script(build(example, folder).plan())
        ast.parse(text)
        head = text.split('"""', 2)[1]
        assert ("could not be written for Spark SQL" in head) == ("cannot express" in text), example["id"]


def _check(example, result, case):
    """Compare the DataFrame ``result()`` makes with the view; a pinned gap must still fail."""
    if example["id"] in SPARK_GAPS:
        from pyspark.errors import PySparkException

        with pytest.raises((AssertionError, PySparkException)):
            same_rows(_frame_rows(result()), case.shown(), case.ordered())
        return
    same_rows(_frame_rows(result()), case.shown(), case.ordered())


def _register_sources(spark, case) -> None:
    """The case's sources as Spark temporary views under their Loupe names, typed as DuckDB typed them."""
    fresh = case.sources()
    for (table,) in fresh.execute("SELECT table_name FROM duckdb_tables()").fetchall():
        described = fresh.execute('DESCRIBE "' + table + '"').fetchall()
        schema = ", ".join(_spark_name(r[0]) + " " + code_pyspark.spark_type(r[1]) for r in described)
        rows = fresh.execute('SELECT * FROM "' + table + '"').fetchall()
        spark.createDataFrame(rows, schema).createOrReplaceTempView(_spark_name(table))


def _spark_name(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _imported(path, text):
    """The script at ``path`` imported as a module, its path variables made absolute (Spark's JVM has its own cwd)."""
    path.write_text(text)
    spec = importlib.util.spec_from_file_location("export_spark_" + path.parent.name.replace("-", "_"), path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, value in list(vars(module).items()):
        if name.isupper() and name != "APP_NAME" and isinstance(value, str):
            setattr(module, name, str(path.parent / value))
    return module


def _frame_rows(frame) -> list:
    """A DataFrame's rows as CSV text (header first), as query_rows gives a cursor's."""
    return [list(frame.columns)] + [[_text(v) for v in row] for row in frame.collect()]


def _text(value) -> str:
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (datetime.date, decimal.Decimal)):
        return str(value)
    return str(value)


def test_a_table_made_by_sql_is_read_from_its_parquet_export(spark, tmp_path):
    """No file to read again: the script says to export the table as Parquet, and reads that file."""
    from code_cases import Case

    from app.core import view_log

    first = build(EXAMPLES[0], tmp_path)
    case = Case(first.engine, tmp_path)
    statement = "CREATE TABLE big AS SELECT * FROM sales WHERE qty > 2"
    case.engine.execute(statement)
    case.view = view_log.with_entry(first.view, {"op": "query", "table": "big", "statement": statement})
    case.table = "big"
    case.steps([{"kind": "derive", "name": "twice", "expression": "qty * 2"}])
    text = code_pyspark.script(case.plan())
    assert 'BIG_PARQUET = "big.parquet"' in text and "export it there as Parquet" in text
    case.engine.execute("COPY loupe_base_big TO '" + str(tmp_path / "big.parquet") + "' (FORMAT parquet)")
    module = _imported(tmp_path / "big_spark.py", text)
    same_rows(_frame_rows(module.table(spark)), case.shown(), False)
