"""The table of recipes × export targets for a closing note: ``.venv/bin/python -m tools.code_matrix``.

Runs the tests that execute every shared recipe (tests/unit/code_examples.py)
on every target and reads their outcomes from pytest's JUnit XML; prints
the code once more to see which parts a target names as not expressible.
Each cell is ``runs and matches`` (the test passed and nothing is
commented), ``commented`` (the code names a step the engine cannot
express, and the test checked that it says so), ``parses`` (BigQuery,
Snowflake, Trino, MySQL: parsed back by sqlglot, not run) or ``fails``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# target -> (test module, test function) that runs each recipe on it
RUNS = {
    "duckdb": ("test_code_duckdb", "test_duckdb_script_gives_the_view"),
    "notebook": ("test_code_duckdb", "test_the_notebook_run_cell_by_cell_gives_the_view"),
    "sql:duckdb": ("test_code_duckdb", "test_duckdb_sql_gives_the_view"),
    "pandas": ("test_code_pandas", "test_the_shared_recipes_run_on_pandas"),
    "polars": ("test_code_polars", "test_the_shared_recipes_run_on_polars"),
    "pyspark": ("test_code_spark", "test_pyspark_script_gives_the_view_or_says_what_it_cannot"),
    "sql:sqlite": ("test_code_dialects", "test_sqlite_sql_gives_the_view_or_says_what_it_cannot"),
    "sql:postgres": ("test_code_postgres", "test_postgres_sql_gives_the_view_or_says_what_it_cannot"),
    "sql:spark": ("test_code_spark", "test_spark_sql_gives_the_view_or_says_what_it_cannot"),
}
PARSED = ("sql:bigquery", "sql:snowflake", "sql:trino", "sql:mysql")


def outcomes() -> tuple:
    """``({(function, recipe): passed}, seconds)`` from one pytest run of the modules in RUNS."""
    modules = sorted({"tests/unit/" + module + ".py" for module, _ in RUNS.values()})
    modules.append("tests/unit/test_code_dialects.py")
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "junit.xml"
        started = time.monotonic()
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml", str(report)]
        subprocess.run(command + sorted(set(modules)), cwd=ROOT, capture_output=True, text=True)
        seconds = time.monotonic() - started
        found = {}
        for case in ElementTree.parse(report).iter("testcase"):
            match = re.match(r"(\w+)\[(.+)\]$", case.get("name", ""))
            if match:
                failed = case.find("failure") is not None or case.find("error") is not None
                found[(match.group(1), match.group(2))] = not failed
    return found, seconds


def commented(target: str, example: dict, folder: Path) -> bool:
    """True when ``target``'s code for the recipe names a part it cannot express."""
    sys.path[:0] = [str(ROOT / "tests" / "unit"), str(ROOT)]
    from code_examples import build

    from app.core import code_targets

    return "cannot express" in code_targets.render(build(example, folder).plan(), target)["code"]


def main() -> int:
    sys.path[:0] = [str(ROOT / "tests" / "unit"), str(ROOT)]
    from code_examples import EXAMPLES

    found, seconds = outcomes()
    targets = list(RUNS) + list(PARSED)
    lines = ["| recipe | " + " | ".join(targets) + " |", "|---|" + "---|" * len(targets)]
    counts: dict = {}
    with tempfile.TemporaryDirectory() as folder:
        for example in EXAMPLES:
            cells = []
            for target in targets:
                place = Path(folder) / (example["id"] + "-" + target.replace(":", "_"))
                place.mkdir()
                said = commented(target, example, place)
                if target in PARSED:
                    cell = "commented" if said else "parses"
                else:
                    passed = found.get((RUNS[target][1], example["id"]))
                    cell = (
                        "fails"
                        if passed is False
                        else "not run"
                        if passed is None
                        else "commented"
                        if said
                        else "runs and matches"
                    )
                counts.setdefault(target, {}).setdefault(cell, 0)
                counts[target][cell] += 1
                cells.append(cell)
            lines.append("| " + example["id"] + " | " + " | ".join(cells) + " |")
    lines.append("")
    for target in targets:
        lines.append(
            "- " + target + ": " + ", ".join(str(n) + " " + cell for cell, n in sorted(counts[target].items()))
        )
    lines.append("")
    lines.append("The tests behind it took %.0f s." % seconds)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
