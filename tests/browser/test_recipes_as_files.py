"""Recipes as files in the browser: Save recipe from one table, Apply recipe… to next month's file (and one
with a column missing), the rows checked against native DuckDB, the not-fitting report; a malformed file."""

import json
from pathlib import Path

import duckdb
import pytest
from helpers import booted_page, counter, wait_counter

SHOTS = Path("/tmp/rf-shots")
HEADER = "city,price,qty,note\n"
MARCH = HEADER + "Oslo,2,3,a\nRome,5,1,b\n,4,2,c\nLima,1,7,d\n"
APRIL = HEADER + "Rome,3,3,x\nOslo,2,2,y\nKyiv,6,1,z\n,9,9,w\nLima,8,1,v\n"
MAY = "city,price,note\nOslo,2,p\nRome,4,q\n"  # no qty
STEPS = [
    {"kind": "derive", "name": "total", "expression": "price * qty"},
    {"kind": "rename", "column": "city", "to": "town"},
    {"kind": "filter", "filters": [{"column": "town", "op": "notnull"}]},
    {"kind": "derive", "name": "label", "expression": "upper(note)"},
]
# The same steps as SQL, for native DuckDB's expectations.
EXPECTED_SQL = (
    "SELECT city AS town, price, qty, note, price * qty AS total, upper(note) AS label "
    "FROM read_csv_auto(?) WHERE city IS NOT NULL"
)


@pytest.fixture(scope="module")
def recipe_app(browser, base_url, tmp_path_factory):
    context, page = booted_page(browser, base_url)
    folder = tmp_path_factory.mktemp("recipes")
    for name, text in (("march.csv", MARCH), ("april.csv", APRIL), ("may.csv", MAY)):
        (folder / name).write_text(text)
    page.folder = folder
    yield page
    context.close()


@pytest.fixture
def page(recipe_app):
    yield recipe_app
    assert not recipe_app.errors, f"uncaught errors in the page: {recipe_app.errors}"


def open_file(page, name: str) -> str:
    loads = counter(page, "loads")
    page.set_input_files("#file-input", str(page.folder / name))
    wait_counter(page, "loads", loads)
    table = page.evaluate("loupe.view().active")
    page.wait_for_function("(t) => loupe.view().active === t", arg=table)
    return table


def open_steps(page) -> None:
    if page.locator("#steps-panel").is_hidden():
        page.locator("#steps-toggle").click()
    page.locator("#recipe-apply").wait_for()


def apply_file(page, path: Path) -> None:
    done = counter(page, "recipes", "#steps-panel")
    page.set_input_files("#recipe-file", str(path))
    wait_counter(page, "recipes", done, "#steps-panel")


def grid(page) -> list:
    page.wait_for_function("document.querySelectorAll('#grid tbody tr[data-row]:not(.waiting)').length > 0")
    return page.evaluate(
        "() => [...document.querySelectorAll('#grid tbody tr[data-row]:not(.waiting)')]"
        ".map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent.trim()))"
    )


def headers(page) -> list:
    return page.evaluate(
        "(t) => loupe.tables().find(x => x.table === t).columns.map(c => c.name)", page.evaluate("loupe.view().active")
    )


def expected(path: Path) -> list:
    rows = duckdb.sql(EXPECTED_SQL.replace("?", "'" + str(path) + "'")).fetchall()
    return [["" if v is None else str(v) for v in row] for row in rows]


def shown(page) -> list:
    """The grid's rows, only the cells of the table's columns (the row number left out)."""
    names = headers(page)
    return [row[-len(names) :] for row in grid(page)]


@pytest.fixture(scope="module")
def saved(recipe_app, tmp_path_factory):
    """march.csv opened, the steps added, the recipe saved with the button: (path, its JSON)."""
    page = recipe_app
    table = open_file(page, "march.csv")
    for step in STEPS:
        page.evaluate("([s, t]) => loupe.addStep(s, t)", [step, table])
    open_steps(page)
    page.wait_for_function("!document.getElementById('recipe-save').disabled")
    with page.expect_download() as started:
        page.locator("#recipe-save").click()
    download = started.value
    path = tmp_path_factory.mktemp("saved") / download.suggested_filename
    download.save_as(path)
    page.locator("#steps-panel").screenshot(path=str(SHOTS / "steps-panel-buttons.png"))
    return path, json.loads(path.read_text())


def test_save_recipe_downloads_the_steps_over_the_source_columns(page, saved):
    path, recipe = saved
    assert path.name == "march.recipe.json"
    assert recipe["loupe"] == "recipe" and recipe["version"] == 1 and recipe["table"] == "march"
    assert [c["name"] for c in recipe["columns"]] == ["city", "price", "qty", "note"]  # as read, before the steps
    assert recipe["steps"] == STEPS
    assert json.loads(page.evaluate("loupe.saveRecipe('march')")) == recipe


def test_apply_recipe_to_next_months_file_gives_duckdbs_rows_and_undoes_in_one(page, saved):
    path, _ = saved
    table = open_file(page, "april.csv")
    open_steps(page)
    apply_file(page, path)
    report = page.locator("#recipe-report")
    assert report.get_attribute("data-state") == "applied"
    assert "4 steps of the recipe applied." in report.inner_text()
    assert headers(page) == ["town", "price", "qty", "note", "total", "label"]
    assert shown(page) == expected(page.folder / "april.csv")
    assert [s["state"] for s in page.evaluate(f"loupe.steps('{table}')")["steps"]] == ["done"] * 4
    page.evaluate("loupe.undo()")  # one change: the table is its source again
    assert page.evaluate(f"loupe.steps('{table}')")["steps"] == []
    assert headers(page) == ["city", "price", "qty", "note"]
    page.evaluate("loupe.redo()")
    assert len(page.evaluate(f"loupe.steps('{table}')")["steps"]) == 4


def test_a_file_with_a_column_missing_gets_the_steps_that_fit_and_a_report(page, saved):
    path, _ = saved
    table = open_file(page, "may.csv")
    open_steps(page)
    apply_file(page, path)
    report = page.locator("#recipe-report")
    assert report.get_attribute("data-state") == "partial"
    words = report.inner_text()
    assert "3 steps of the recipe applied; 1 step did not fit and is kept off." in words
    assert "Step 1 (New column 'total' = price * qty)" in words
    assert "it needs the column 'qty', which this table does not have" in words
    listed = page.evaluate(f"loupe.steps('{table}')")["steps"]
    assert [s["state"] for s in listed] == ["off", "done", "done", "done"]
    page.wait_for_selector('#steps-list .st-step[data-index="0"][data-state="off"]')
    rows = duckdb.sql(
        f"SELECT city, price, note, upper(note) FROM read_csv_auto('{page.folder / 'may.csv'}') WHERE city IS NOT NULL"
    ).fetchall()
    assert shown(page) == [[str(v) for v in row] for row in rows]
    page.locator("#steps-panel").screenshot(path=str(SHOTS / "steps-panel-report.png"))


def test_the_api_reports_what_does_not_fit(page, saved):
    path, _ = saved
    table = page.evaluate("loupe.view().active")
    page.evaluate(f"loupe.setSteps('{table}', [])")
    answer = page.evaluate("([text, t]) => loupe.applyRecipe(text, t)", [path.read_text(), table])
    assert answer["applied"] == 3
    assert [(n["position"], n["why"]) for n in answer["notFitting"]] == [
        (1, "it needs the column 'qty', which this table does not have")
    ]
    assert answer["notFitting"][0]["step"] == STEPS[0]
    assert answer["columns"]["missing"] == ["qty"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("city,price\n1,2\n", "is not JSON"),
        (json.dumps({"loupe": "view", "version": 1, "steps": []}), 'no "loupe": "recipe" marker'),
        (json.dumps({"loupe": "recipe", "version": 9, "steps": []}), "version 9, made by a newer Loupe"),
        (json.dumps({"loupe": "recipe", "version": 1, "steps": {}}), '"steps" must be a list'),
        (json.dumps({"loupe": "recipe", "version": 1, "steps": [{"kind": "splice"}]}), "kind must be one of"),
        (
            json.dumps({"loupe": "recipe", "version": 1, "steps": [{"kind": "derive", "name": "x"}]}),
            "expression is missing",
        ),
    ],
)
def test_a_malformed_recipe_says_what_is_wrong_and_the_table_is_intact(page, saved, tmp_path, text, words):
    table = open_file(page, "april.csv") if page.evaluate("loupe.view().active") != "april" else "april"
    open_steps(page)
    before = (page.evaluate(f"loupe.steps('{table}')")["steps"], headers(page), shown(page))
    bad = tmp_path / "bad.recipe.json"
    bad.write_text(text)
    apply_file(page, bad)
    report = page.locator("#recipe-report")
    assert report.get_attribute("data-state") == "refused"
    assert "Could not apply bad.recipe.json: " in report.inner_text() and words in report.inner_text()
    assert (page.evaluate(f"loupe.steps('{table}')")["steps"], headers(page), shown(page)) == before
    message = page.evaluate("(t) => loupe.applyRecipe(t).then(() => 'applied', (e) => e.message)", text)
    assert words in message
    if "marker" in words:
        page.locator("#steps-panel").screenshot(path=str(SHOTS / "steps-panel-malformed.png"))
