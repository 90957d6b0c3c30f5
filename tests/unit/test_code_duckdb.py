"""The DuckDB exports (the SQL and the Python script) reproduce the view on screen: checked by running them.

Each example of code_examples is read from a real file as Loupe reads it;
the oracle is the view the grid shows (``Case.shown``). The SQL runs on a
fresh DuckDB holding only the sources as read; the script runs as
``python3 script.py OUT.csv`` in the folder holding the files, and is imported.
"""

import json
import subprocess
import sys

import pytest
from code_cases import csv_rows, query_rows, run_script, same_rows
from code_examples import EXAMPLES, build

from app.core import code_duckdb, code_notebook, code_sql

IDS = [e["id"] for e in EXAMPLES]


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_duckdb_sql_gives_the_view(example, tmp_path):
    case = build(example, tmp_path)
    plan = case.plan()
    assert not plan["skipped"], plan["skipped"]
    text = code_sql.query_text(plan)
    got = query_rows(case.sources(), text)
    same_rows(got, case.shown(), case.ordered())
    assert text.count("-- Step ") == sum(len(s) for s in example["steps"].values())


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_duckdb_script_gives_the_view(example, tmp_path):
    case = build(example, tmp_path)
    script = tmp_path / "export.py"
    script.write_text(code_duckdb.script(case.plan()))
    got = run_script(script, tmp_path)
    same_rows(got, case.shown(), case.ordered())


def test_script_writes_to_standard_output_and_imports(tmp_path):
    case = build(EXAMPLES[2], tmp_path)
    (tmp_path / "sales_steps.py").write_text(code_duckdb.script(case.plan()))
    printed = subprocess.run(
        [sys.executable, "sales_steps.py"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True
    )
    same_rows(csv_rows(printed.stdout), case.shown(), True)
    imported = subprocess.run(
        [sys.executable, "-c", "from sales_steps import table; print(len(table().fetchall()))"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert imported.stdout.strip() == str(len(case.shown()["rows"]))


def test_the_path_variable_reads_another_file(tmp_path):
    """Next month's file: the same steps on other rows, by changing the path at the top."""
    case = build(EXAMPLES[2], tmp_path)
    text = code_duckdb.script(case.plan())
    assert 'SALES_CSV = "sales.csv"' in text
    (tmp_path / "april.csv").write_text("city,qty,price,day,note\nNice,10,1.5,2024-05-01,a\n")
    (tmp_path / "april.py").write_text(text.replace('SALES_CSV = "sales.csv"', 'SALES_CSV = "april.csv"'))
    got = run_script(tmp_path / "april.py", tmp_path)
    assert got == [
        ["city", "quantity", "price", "day", "note", "total"],
        ["Nice", "10", "1.5", "2024-05-01", "a", "15.0"],
    ]


def test_steps_left_out_are_named_in_the_code(tmp_path):
    case = build(EXAMPLES[0], tmp_path)
    case.steps(
        [
            {"kind": "rename", "column": "qty", "to": "quantity"},
            {"kind": "derive", "name": "bad", "expression": "CAST(city AS INTEGER)"},
            {"kind": "drop", "columns": ["note"]},
        ]
    )
    plan = case.plan()
    assert [s["why"] for s in plan["skipped"]] == ["failed", "waiting"]
    text = code_sql.query_text(plan)
    assert "-- Left out: step 2" in text and "-- Left out: step 3" in text
    same_rows(query_rows(case.sources(), text), case.shown(), False)


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_the_notebook_run_cell_by_cell_gives_the_view(example, tmp_path):
    case = build(example, tmp_path)
    document = json.loads(code_notebook.notebook(case.plan()))
    assert document["nbformat"] == 4
    kinds = [cell["cell_type"] for cell in document["cells"]]
    steps = sum(len(s) for s in example["steps"].values())
    assert kinds.count("markdown") == kinds.count("code") >= steps + 2
    assert len({cell["id"] for cell in document["cells"]}) == len(kinds)
    code = "\n\n".join("".join(cell["source"]) for cell in document["cells"] if cell["cell_type"] == "code")
    runner = tmp_path / "notebook_cells.py"
    runner.write_text(
        code.replace("OUT = None", "OUT = sys.argv[1]").replace("import duckdb", "import sys\nimport duckdb", 1)
    )
    same_rows(run_script(runner, tmp_path), case.shown(), case.ordered())


def test_a_table_made_by_sql_is_read_from_its_parquet_export(tmp_path):
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
    text = code_duckdb.script(case.plan())
    assert 'BIG_PARQUET = "big.parquet"' in text and "export it there as Parquet" in text
    case.engine.execute("COPY loupe_base_big TO '" + str(tmp_path / "big.parquet") + "' (FORMAT parquet)")
    (tmp_path / "big.py").write_text(text)
    same_rows(run_script(tmp_path / "big.py", tmp_path), case.shown(), False)


@pytest.mark.parametrize("name, read", [("book.xlsx", {"format": "xlsx"}), ("shop.sqlite", {}), ("old.xls", {})])
def test_a_script_is_refused_in_words_for_a_source_it_cannot_read_as_loupe_did(tmp_path, name, read):
    """Workbooks and SQLite files are read by Loupe's own readers: no script that would read them otherwise."""
    from app.core import code_targets, errors

    case = build(EXAMPLES[2], tmp_path)
    plan = case.plan()
    plan["source"] = dict(plan["source"], name=name, read=read)
    for target in ("duckdb", "pandas", "polars", "pyspark", "notebook"):
        with pytest.raises(errors.ExportError, match="cannot write a script for this yet.*Export it as SQL instead"):
            code_targets.render(plan, target)
    assert "-- Step 1" in code_targets.render(plan, "sql:postgres")["code"]
