"""app/core/code_polars.py: each exported Polars script is run and its output compared with the grid's view.

The same cases as the pandas printer's (test_code_pandas.CASES: every step
kind and its options over real CSV files, malformed sources and markers)
and the recipes every target runs (code_examples). Each script is printed
from the plan, run as ``python3 script.py OUT.csv`` and its CSV compared
with the oracle ``case.shown()``; nothing here compares code text.
"""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest
from code_examples import EXAMPLES, build
from test_code_pandas import CASES, _case

from app.core import code_polars, code_targets
from tests.unit.code_cases import run_script, same_rows


@pytest.mark.parametrize("spec", CASES, ids=[c["id"] for c in CASES])
def test_script_gives_the_grids_view(tmp_path, spec):
    case = _case(tmp_path, spec)
    text = code_polars.script(case.plan())
    ast.parse(text)
    path = tmp_path / "x.py"
    path.write_text(text, encoding="utf-8")
    same_rows(run_script(path, tmp_path), case.shown(), case.ordered())


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["id"] for e in EXAMPLES])
def test_the_shared_recipes_run_on_polars(example, tmp_path):
    case = build(example, tmp_path)
    path = tmp_path / "recipe.py"
    path.write_text(code_polars.script(case.plan()), encoding="utf-8")
    same_rows(run_script(path, tmp_path), case.shown(), case.ordered())


def test_script_writes_to_stdout_and_table_is_importable(tmp_path):
    case = _case(tmp_path, {"id": "stdout"})
    (tmp_path / "export.py").write_text(code_polars.script(case.plan()), encoding="utf-8")
    done = subprocess.run([sys.executable, "export.py"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "id,city,qty,price,day,paid"
    probe = "import export; print(export.table().height)"
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "6", done.stderr


@pytest.mark.parametrize("broken", [{"kind": "teleport", "to": "mars"}, {"kind": "rename"}, "not a step"])
def test_a_step_that_cannot_be_read_is_said_not_crashed(tmp_path, broken):
    case = _case(tmp_path, {"id": "broken", "steps": [{"kind": "rename", "column": "qty", "to": "quantity"}]})
    plan = case.plan()
    plan["steps"].append(
        {"index": 1, "step": broken, "says": "something odd", "stage": '"s2"', "prev": '"s1"', "sql": "", "columns": []}
    )
    text = code_polars.script(plan)
    assert "# Step 2: something odd" in text and "Not translated" in text
    path = tmp_path / "x.py"
    path.write_text(text, encoding="utf-8")
    same_rows(run_script(path, tmp_path), case.shown(), case.ordered())


def test_polars_is_a_target(tmp_path):
    case = _case(tmp_path, {"id": "target"})
    answer = code_targets.render(case.plan(), "polars")
    assert answer["label"] == "Python (Polars)" and answer["file_name"] == "sales.py"
    assert code_targets.needs_sqlglot("polars")
