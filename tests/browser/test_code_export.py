"""Export as code in the browser: loupe.exportCode, the menu beside the exports, and the code run natively."""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import booted_page

ROOT = Path(__file__).resolve().parents[2]
TABLE = "seattle_weather"
SAMPLE = ROOT / "assets" / "vendor" / "vega-datasets-3.2.1" / "seattle-weather.csv"
STEPS = [
    {"kind": "derive", "name": "range", "expression": "temp_max - temp_min"},
    {"kind": "filter", "filters": [{"column": "weather", "op": "in", "value": ["rain", "sun"]}]},
    {"kind": "rename", "column": "wind", "to": "wind_speed"},
]


@pytest.fixture(scope="module")
def code_app(browser, base_url):
    context, page = booted_page(browser, base_url, {"width": 1280, "height": 900})
    yield page
    context.close()


@pytest.fixture
def page(code_app):
    code_app.evaluate(f"loupe.setSteps('{TABLE}', {STEPS!r})".replace("True", "true"))
    code_app.evaluate(f"loupe.setTableState('{TABLE}', {{filters: [], search: '', sort: [['range', 'desc']]}})")
    yield code_app
    assert not code_app.errors, f"uncaught errors in the page: {code_app.errors}"


def _run(code: str, folder: Path) -> list:
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    (folder / "export.py").write_text(code)
    done = subprocess.run(
        [sys.executable, "export.py"], cwd=folder, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.splitlines()


def test_the_duckdb_script_from_the_page_gives_the_table_on_screen(page, tmp_path):
    answer = page.evaluate("loupe.exportCode('duckdb')")
    assert answer["file_name"] == "seattle_weather.py" and answer["language"] == "python"
    assert 'SEATTLE_WEATHER_CSV = "seattle-weather.csv"' in answer["code"]
    lines = _run(answer["code"], tmp_path)
    shown = page.evaluate(f"loupe.query('SELECT count(*) FROM {TABLE}')")["rows"][0][0]
    assert len(lines) == shown + 1
    assert lines[0] == "date,precipitation,temp_max,temp_min,wind_speed,weather,range"
    top = page.evaluate(f"loupe.query('SELECT max(range) FROM {TABLE}')")["rows"][0][0]
    assert float(lines[1].split(",")[-1]) == pytest.approx(top)


def test_the_sql_names_each_step(page):
    answer = page.evaluate("loupe.exportCode('sql:duckdb', 'seattle_weather')")
    for number, says in ((1, "New column 'range'"), (3, "Rename 'wind' to 'wind_speed'")):
        assert f"-- Step {number}: {says}" in answer["code"]


def test_an_unknown_target_or_table_is_refused_in_words(page):
    with pytest.raises(Exception, match="no code export named 'cobol'"):
        page.evaluate("loupe.exportCode('cobol')")
    with pytest.raises(Exception, match="no table 'nope'"):
        page.evaluate("loupe.exportCode('duckdb', 'nope')")


def test_the_menu_shows_the_code_to_copy_or_download(page, tmp_path):
    page.click("#export > summary")
    page.click("button[data-code='sql:duckdb']")
    page.wait_for_function("document.querySelector('#code-text').textContent.includes('-- Step 1')")
    assert "SQL (DuckDB)" in page.inner_text("#code-title")
    # highlighted, and the text a person copies is the code itself
    assert page.locator("#code-text .tok-keyword").count() > 10
    assert page.locator("#code-text .tok-comment").first.inner_text().startswith("-- Loupe: the table")
    shown_text = page.evaluate("document.querySelector('#code-text').textContent")
    assert shown_text == page.evaluate("loupe.exportCode('sql:duckdb')")["code"]
    with page.expect_download() as download:
        page.click("#code-download")
    assert download.value.suggested_filename == "seattle_weather.sql"
    page.screenshot(path=str(Path(os.environ.get("LOUPE_SHOTS", tmp_path)) / "code-export.png"))
    page.click("#export > summary")


def test_other_dialects_load_sqlglot_in_the_worker(page):
    answer = page.evaluate("loupe.exportCode('sql:postgres')")
    assert "Written for PostgreSQL by sqlglot" in answer["code"]
    assert "rowid" not in answer["code"] and "ROW_NUMBER() OVER ()" in answer["code"]
    spark = page.evaluate("loupe.exportCode('sql:spark')")["code"]
    assert "`s1` AS (" in spark
    pyspark = page.evaluate("loupe.exportCode('pyspark')")
    assert pyspark["label"] == "Python (PySpark)" and "getOrCreate()" in pyspark["code"]
    ast.parse(pyspark["code"])  # run on a local Spark in tests/unit/test_code_spark.py


@pytest.mark.parametrize("target", ["pandas", "polars"])
def test_the_dataframe_scripts_from_the_page_give_the_table_on_screen(page, tmp_path, target):
    answer = page.evaluate(f"loupe.exportCode('{target}')")
    lines = _run(answer["code"], tmp_path)
    rows = page.evaluate(f"loupe.query('SELECT count(*), max(range) FROM {TABLE}')")["rows"][0]
    assert len(lines) == rows[0] + 1
    assert lines[0] == "date,precipitation,temp_max,temp_min,wind_speed,weather,range"
    assert float(lines[1].split(",")[-1]) == pytest.approx(rows[1])
