"""Golden files: the code Loupe writes for four recipes, kept in tests/golden/code/ to be read by a person.

Each file is what a reviewer agreed is code worth keeping; a change to a
printer shows here as a diff to review. Run with ``LOUPE_GOLDEN=update``
to write the files again after such a review. The golden Python files
are also run, so a golden file never drifts from code that works.
"""

import os
from pathlib import Path

import pytest
from code_cases import run_script, same_rows
from code_examples import EXAMPLES, build

from app.core import code_targets

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "code"
RECIPES = ("rename-derive", "join-left", "filters-each-kind", "replace-regex")
TARGETS = ("duckdb", "pandas", "polars", "sql:duckdb", "sql:postgres")
_BY_ID = {e["id"]: e for e in EXAMPLES}


def _suffix(target: str) -> str:
    return target.replace("sql:", "") + (".sql" if target.startswith("sql:") else ".py")


@pytest.mark.parametrize("recipe", RECIPES)
@pytest.mark.parametrize("target", TARGETS)
def test_the_code_is_the_reviewed_code(recipe, target, tmp_path):
    case = build(_BY_ID[recipe], tmp_path)
    code = code_targets.render(case.plan(), target)["code"]
    golden = GOLDEN / (recipe + "." + _suffix(target))
    if os.environ.get("LOUPE_GOLDEN") == "update":
        golden.write_text(code, encoding="utf-8")
    assert golden.exists(), "no golden file " + golden.name + ": run with LOUPE_GOLDEN=update and review it"
    assert code == golden.read_text(encoding="utf-8"), "the code changed: review it, then LOUPE_GOLDEN=update"
    if target in ("duckdb", "pandas", "polars"):
        script = tmp_path / golden.name
        script.write_text(golden.read_text(encoding="utf-8"), encoding="utf-8")
        same_rows(run_script(script, tmp_path), case.shown(), case.ordered())
